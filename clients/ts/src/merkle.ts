// The payout tree (docs/formats.md, "Payout leaves and the results root") with @openzeppelin/merkle-tree.
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import type { Address, Hex } from 'viem';

/** The leaf encoding of the payout tree: (marketId, account, amount, scoreBps). */
export const PAYOUT_LEAF_TYPES = ['uint256', 'address', 'uint256', 'int32'] as const;

/** One claimable payout. */
export interface PayoutEntry {
  account: Address;
  amount: bigint;
  scoreBps: number;
}

/** The `leaves.json` a node publishes next to its scores: every account's amount, score and proof. */
export interface PublishedLeaves {
  marketId: string;
  round: number;
  root: Hex;
  digest: Hex;
  leaves: { account: Address; amount: string; scoreBps: number; proof: Hex[] }[];
}

/** Builds the StandardMerkleTree whose root is the report's `resultsRoot`. */
export function buildPayoutTree(marketId: bigint, entries: readonly PayoutEntry[]) {
  if (entries.length === 0) throw new Error('a payout tree needs at least one leaf');
  return StandardMerkleTree.of(
    entries.map((e) => [marketId, e.account, e.amount, e.scoreBps]),
    [...PAYOUT_LEAF_TYPES],
  );
}

/** Whether `proof` proves the payout (marketId, entry) under `root` (what `claim` checks). */
export function verifyPayout(root: Hex, marketId: bigint, entry: PayoutEntry, proof: readonly Hex[]): boolean {
  return StandardMerkleTree.verify(root, [...PAYOUT_LEAF_TYPES], [marketId, entry.account, entry.amount, entry.scoreBps], [...proof]);
}
