import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { toFunctionSignature } from 'viem';
import { feedbackMarketAbi, oracleRegistryAbi, testTokenAbi } from '../src/index.js';
import { abisFile, readArtifact, renderAbis } from '../scripts/generate-abis.mjs';

const packageRoot = join(import.meta.dirname, '..');

describe('src/abis.ts (generated from contracts/out)', () => {
  it('is exactly what scripts/generate-abis.mjs writes from the current forge build', () => {
    const committed = readFileSync(abisFile, 'utf8');
    assert.ok(committed === renderAbis(), 'src/abis.ts is out of date: run node_modules/.bin/forge build && node clients/ts/scripts/generate-abis.mjs');
  });

  it('--check exits 0 on the committed file', () => {
    const out = execFileSync(process.execPath, ['scripts/generate-abis.mjs', '--check'], { cwd: packageRoot, encoding: 'utf8' });
    assert.match(out, /matches the ABI/);
  });

  it('each export is the artifact ABI of its contract', () => {
    const exports = { FeedbackMarket: feedbackMarketAbi, OracleRegistry: oracleRegistryAbi, TestToken: testTokenAbi };
    for (const [name, abi] of Object.entries(exports)) assert.deepEqual(abi, readArtifact(name).abi, name);
    const signatures = feedbackMarketAbi.filter((x) => x.type === 'function').map((f) => toFunctionSignature(f));
    assert.ok(signatures.includes('attest((uint256,uint32,bytes32,uint256,bytes32,bytes32),bytes[])'));
    assert.ok(signatures.includes('claim(uint256,address,uint256,int32,bytes32[])'));
  });
});
