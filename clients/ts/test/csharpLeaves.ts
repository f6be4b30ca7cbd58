// tests/vectors/csharp-leaves.json: a payout table, leaves, root and proofs computed by the C# code
// (tests/Protocol.Core.Tests/CSharpLeavesFixtureTests.cs writes and checks it).
import type { Address, Hex } from 'viem';
import { loadVector } from './vectors.js';

export interface CSharpLeaves {
  marketId: string;
  remainderAccount: Address;
  terms: { rewardPool: string; oracleFeeBps: number; slashBps: number; stakeCap: string };
  curators: { account: Address; stake: string; scoreBps: number; value: number }[];
  fee: string;
  totalStaked: string;
  totalPayout: string;
  root: Hex;
  leaves: { account: Address; amount: string; scoreBps: number; hash: Hex; proof: Hex[] }[];
}

export const csharpLeaves = loadVector<CSharpLeaves>('csharp-leaves.json');
