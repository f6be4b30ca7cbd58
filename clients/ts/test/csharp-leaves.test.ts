import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { BURN_ADDRESS, PAYOUT_LEAF_TYPES, SPONSOR_LEAF_SCORE, buildPayoutTree, payoutLeaf, remainderLeaf, verifyPayout } from '../src/index.js';
import { csharpLeaves as fixture } from './csharpLeaves.js';

const marketId = BigInt(fixture.marketId);
const entries = fixture.leaves.map((l) => ({ account: l.account, amount: BigInt(l.amount), scoreBps: l.scoreBps }));

describe('proofs made by the C# side (tests/vectors/csharp-leaves.json)', () => {
  it('every C# proof verifies with StandardMerkleTree.verify against the C# root', () => {
    assert.ok(fixture.leaves.length >= 3);
    for (const l of fixture.leaves) {
      assert.ok(StandardMerkleTree.verify(fixture.root, [...PAYOUT_LEAF_TYPES], [marketId, l.account, BigInt(l.amount), l.scoreBps], l.proof), l.account);
      assert.equal(payoutLeaf(marketId, l.account, BigInt(l.amount), l.scoreBps), l.hash);
    }
  });

  it('a changed amount, score or market does not verify with the same proof', () => {
    const [e] = entries;
    const proof = fixture.leaves[0]!.proof;
    assert.ok(verifyPayout(fixture.root, marketId, e!, proof));
    assert.ok(!verifyPayout(fixture.root, marketId, { ...e!, amount: e!.amount + 1n }, proof));
    assert.ok(!verifyPayout(fixture.root, marketId, { ...e!, scoreBps: e!.scoreBps + 1 }, proof));
    assert.ok(!verifyPayout(fixture.root, marketId + 1n, e!, proof));
  });

  it('the TypeScript tree over the same leaves has the C# root and the same proofs', () => {
    const tree = buildPayoutTree(marketId, entries);
    assert.equal(tree.root, fixture.root);
    for (const [i, v] of tree.entries()) {
      const l = fixture.leaves.find((x) => x.account === v[1] && x.scoreBps === v[3])!;
      assert.deepEqual(tree.getProof(i), l.proof);
    }
  });

  it('the leaves pay out exactly totalStaked + rewardPool - fee, with the remainder burned, not paid to the sponsor', () => {
    const total = entries.reduce((s, e) => s + e.amount, 0n);
    assert.equal(total, BigInt(fixture.totalPayout));
    assert.equal(BigInt(fixture.totalPayout), BigInt(fixture.totalStaked) + BigInt(fixture.terms.rewardPool) - BigInt(fixture.fee));
    assert.equal(fixture.remainderAccount, BURN_ADDRESS.toLowerCase());
    const remainder = fixture.leaves.filter((l) => l.scoreBps === SPONSOR_LEAF_SCORE);
    assert.equal(remainder.length, 1);
    assert.equal(remainder[0]!.account, BURN_ADDRESS.toLowerCase());
    assert.equal(remainderLeaf(BigInt(fixture.marketId), BigInt(remainder[0]!.amount)), remainder[0]!.hash);
  });
});
