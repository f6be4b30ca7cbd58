// The EIP-712 domain and types of the report oracles sign (docs/formats.md, "The report"), for viem's
// signTypedData / hashTypedData / verifyTypedData.
import { hashTypedData, type Address, type Hex } from 'viem';
import type { Report } from './types.js';

/** The `Report` struct, field for field as `ConstantsLib.REPORT_TYPEHASH` declares it. */
export const reportTypes = {
  Report: [
    { name: 'marketId', type: 'uint256' },
    { name: 'round', type: 'uint32' },
    { name: 'resultsRoot', type: 'bytes32' },
    { name: 'totalPayout', type: 'uint256' },
    { name: 'scoresHash', type: 'bytes32' },
    { name: 'metricsHash', type: 'bytes32' },
  ],
} as const;

/** The signing domain: name "FeedbackMarket", version "1", the chain and the market contract. */
export function reportDomain(chainId: number | bigint, market: Address) {
  return { name: 'FeedbackMarket', version: '1', chainId: Number(chainId), verifyingContract: market } as const;
}

/** Everything viem's signTypedData needs besides the account: `walletClient.signTypedData({ account, ...reportTypedData(...) })`. */
export function reportTypedData(chainId: number | bigint, market: Address, report: Report) {
  return { domain: reportDomain(chainId, market), types: reportTypes, primaryType: 'Report', message: report } as const;
}

/** The digest oracles sign; equals the contract's `reportDigest(report)`. */
export function reportDigest(chainId: number | bigint, market: Address, report: Report): Hex {
  return hashTypedData(reportTypedData(chainId, market, report));
}
