// The docs' example (docs/integrators.md "TypeScript", clients/ts/README.md), type-checked by `npm test` (tsc --noEmit);
// the same flow runs for real in test/anvil.test.ts.
import { createPublicClient, createWalletClient, http, parseEventLogs, BaseError, ContractFunctionRevertedError, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { readFileSync } from 'node:fs';
import {
  feedbackMarketAbi, testTokenAbi, fileHash, labelsCommitment, reportTypedData, reportDigest,
  type Report, type PublishedLeaves,
} from '../src/index.js';

// Supplied by your app:
declare const rpcUrl: string, curatorKey: Hex, oracleKey: Hex, market: Address, token: Address, marketId: bigint, stake: bigint, salt: Hex;
declare const report: Report;
declare const published: PublishedLeaves;

const transport = http(rpcUrl);
const publicClient = createPublicClient({ chain: foundry, transport });
const wallet = createWalletClient({ chain: foundry, transport });
const curator = privateKeyToAccount(curatorKey);
const send = async (hash: Hex) => {
  const receipt = await publicClient.waitForTransactionReceipt({ hash, timeout: 60_000 });
  if (receipt.status !== 'success') throw new Error(`transaction ${hash} reverted`);
  return receipt;
};

// Curator: commit with a stake, then reveal the same bytes
const labelsHash = fileHash(readFileSync('my-labels.jsonl'));
const commitment = labelsCommitment(marketId, curator.address, labelsHash, salt);
await send(await wallet.writeContract({ account: curator, address: token, abi: testTokenAbi, functionName: 'approve', args: [market, stake] }));
await send(await wallet.writeContract({ account: curator, address: market, abi: feedbackMarketAbi, functionName: 'commit', args: [marketId, commitment, stake] }));
await send(await wallet.writeContract({ account: curator, address: market, abi: feedbackMarketAbi, functionName: 'reveal', args: [marketId, labelsHash, salt, 'https://example.org/my-labels.jsonl'] }));

// Oracle: sign a report; anyone relays it
const oracle = privateKeyToAccount(oracleKey);
const signature = await wallet.signTypedData({ account: oracle, ...reportTypedData(foundry.id, market, report) });
const digest = await publicClient.readContract({ address: market, abi: feedbackMarketAbi, functionName: 'reportDigest', args: [report] });
if (digest !== reportDigest(foundry.id, market, report)) throw new Error('digest mismatch');
const receipt = await send(await wallet.writeContract({ account: curator, address: market, abi: feedbackMarketAbi, functionName: 'attest', args: [report, [signature]] }));
const accepted = parseEventLogs({ abi: feedbackMarketAbi, eventName: 'ReportAccepted', logs: receipt.logs }).length > 0;

// Everyone: claim
const mine = published.leaves.find((l) => l.account.toLowerCase() === curator.address.toLowerCase())!;
try {
  await send(await wallet.writeContract({
    account: curator, address: market, abi: feedbackMarketAbi, functionName: 'claim',
    args: [marketId, mine.account, BigInt(mine.amount), mine.scoreBps, mine.proof],
  }));
} catch (e) {
  const revert = e instanceof BaseError ? e.walk((x) => x instanceof ContractFunctionRevertedError) : null;
  if (revert instanceof ContractFunctionRevertedError) console.error(revert.data?.errorName, revert.data?.args);
  throw e;
}
console.log(accepted);
