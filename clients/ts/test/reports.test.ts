import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashStruct, recoverTypedDataAddress, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { reportDigest, reportDomain, reportTypedData, reportTypes, type Report } from '../src/index.js';
import { loadVector } from './vectors.js';

interface Reports {
  domains: {
    chainId: number;
    verifyingContract: Address;
    cases: {
      report: { marketId: string; round: number; resultsRoot: Hex; totalPayout: string; scoresHash: Hex; metricsHash: Hex };
      structHash: Hex;
      digest: Hex;
      signerKey: Hex;
      signer: Address;
      signature: Hex;
    }[];
  }[];
}
const { domains } = loadVector<Reports>('reports.json');
const toReport = (r: Reports['domains'][number]['cases'][number]['report']): Report => ({
  ...r,
  marketId: BigInt(r.marketId),
  totalPayout: BigInt(r.totalPayout),
});

describe('EIP-712 report (tests/vectors/reports.json)', () => {
  it('struct hashes and digests match every vector', () => {
    assert.ok(domains.length >= 2);
    for (const d of domains)
      for (const c of d.cases) {
        const report = toReport(c.report);
        assert.equal(hashStruct({ types: reportTypes, primaryType: 'Report', data: report }), c.structHash);
        assert.equal(reportDigest(d.chainId, d.verifyingContract, report), c.digest);
      }
  });

  it("viem's signTypedData gives the vector's signature, and it recovers to the signer", async () => {
    for (const d of domains)
      for (const c of d.cases) {
        const typed = reportTypedData(d.chainId, d.verifyingContract, toReport(c.report));
        const signature = await privateKeyToAccount(c.signerKey).signTypedData(typed);
        assert.equal(signature, c.signature);
        assert.equal((await recoverTypedDataAddress({ ...typed, signature })).toLowerCase(), c.signer.toLowerCase());
      }
  });

  it('the digest depends on the chain and the market contract', () => {
    const d = domains[0]!;
    const c = d.cases[0]!;
    const report = toReport(c.report);
    assert.notEqual(reportDigest(d.chainId + 1, d.verifyingContract, report), c.digest);
    assert.notEqual(reportDigest(d.chainId, '0x0000000000000000000000000000000000000001', report), c.digest);
    assert.deepEqual(reportDomain(1n, d.verifyingContract), { name: 'FeedbackMarket', version: '1', chainId: 1, verifyingContract: d.verifyingContract });
  });
});
