import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getAddress, keccak256, stringToBytes, type Address, type Hex } from 'viem';
import { SPONSOR_LEAF_SCORE, ZERO_HASH, fileHash, goldCommitment, labelsCommitment, payoutLeaf, verdictMetricsHash, verdictReport } from '../src/index.js';
import { loadVector } from './vectors.js';

interface Commitments {
  labels: { marketId: string; curator: Address; labelsHash: Hex; salt: Hex; commitment: Hex }[];
  gold: { goldHash: Hex; salt: Hex; commitment: Hex }[];
  files: { utf8: string; hash: Hex }[];
}
const commitments = loadVector<Commitments>('commitments.json');

describe('commitments (tests/vectors/commitments.json)', () => {
  it('labelsCommitment matches every vector, whatever the address case', () => {
    assert.ok(commitments.labels.length >= 5);
    for (const v of commitments.labels) {
      assert.equal(labelsCommitment(BigInt(v.marketId), v.curator, v.labelsHash, v.salt), v.commitment);
      assert.equal(labelsCommitment(BigInt(v.marketId), getAddress(v.curator), v.labelsHash, v.salt), v.commitment);
    }
  });

  it('labelsCommitment binds the market and the curator', () => {
    const v = commitments.labels[0]!;
    const other = commitments.labels[1]!;
    assert.notEqual(labelsCommitment(BigInt(v.marketId) + 1n, v.curator, v.labelsHash, v.salt), v.commitment);
    assert.notEqual(labelsCommitment(BigInt(v.marketId), other.curator, v.labelsHash, v.salt), v.commitment);
  });

  it('goldCommitment matches every vector', () => {
    assert.ok(commitments.gold.length >= 2);
    for (const v of commitments.gold) assert.equal(goldCommitment(v.goldHash, v.salt), v.commitment);
  });

  it('fileHash is keccak256 of the UTF-8 bytes', () => {
    for (const f of commitments.files) {
      assert.equal(fileHash(f.utf8), f.hash);
      assert.equal(fileHash(new TextEncoder().encode(f.utf8)), f.hash);
    }
  });

  it('refuses values out of range instead of wrapping them', () => {
    const v = commitments.labels[0]!;
    assert.throws(() => labelsCommitment(-1n, v.curator, v.labelsHash, v.salt));
    assert.throws(() => labelsCommitment(1n, '0x1234' as Address, v.labelsHash, v.salt));
    assert.throws(() => payoutLeaf(1n, v.curator, 1n, SPONSOR_LEAF_SCORE - 1));
  });
});

interface Merkle {
  trees: { root: Hex; leaves: { marketId: string; account: Address; amount: string; scoreBps: number; hash: Hex; proof: Hex[] }[] }[];
}

describe('payout leaves (tests/vectors/merkle.json)', () => {
  it('payoutLeaf matches every leaf hash', () => {
    const { trees } = loadVector<Merkle>('merkle.json');
    let count = 0;
    for (const t of trees)
      for (const l of t.leaves) {
        assert.equal(payoutLeaf(BigInt(l.marketId), l.account, BigInt(l.amount), l.scoreBps), l.hash);
        count++;
      }
    assert.ok(count >= 10, `only ${count} leaves in merkle.json`);
  });

  it('the sponsor leaf score is type(int32).min and encodes', () => {
    assert.equal(SPONSOR_LEAF_SCORE, -(2 ** 31));
    const account = '0x0000000000000000000000000000000000000001';
    assert.notEqual(payoutLeaf(1n, account, 5n, SPONSOR_LEAF_SCORE), payoutLeaf(1n, account, 5n, -10000));
  });
});

describe('verdicts (docs/formats.md)', () => {
  it('a verdict report has a zero root, payout and scores hash and hashes its code', () => {
    const r = verdictReport(7n, 2, 'gold set: hash mismatch');
    assert.deepEqual(r, {
      marketId: 7n,
      round: 2,
      resultsRoot: ZERO_HASH,
      totalPayout: 0n,
      scoresHash: ZERO_HASH,
      metricsHash: keccak256(stringToBytes('fmp-verdict/1 gold set: hash mismatch')),
    });
    assert.equal(ZERO_HASH, '0x0000000000000000000000000000000000000000000000000000000000000000');
  });

  it('knows the gold-check verdict (gold-check/1) with the hash the C# node commits to', () => {
    // The same literal is asserted by tests/Protocol.Evaluation.Tests/GoldCheckTests.cs against VerdictReason.Hash.
    assert.equal(verdictMetricsHash('gold set: contradicted by labels'), '0xb7059bc2082d9c61bd2a061f40bdc42cbee2e32cb6d459a0072ba55a5e2e8242');
  });

  it('refuses an unknown code', () => {
    assert.throws(() => verdictMetricsHash('gold set: late' as never), /unknown verdict code/);
  });
});
