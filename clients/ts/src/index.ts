// @fmp/client: ABIs, types, EIP-712 report types and the protocol's hashes for TypeScript (viem).
export { feedbackMarketAbi, oracleRegistryAbi, testTokenAbi } from './abis.js';
export { Phase } from './types.js';
export type { ClaimArgs, MarketConfig, MarketParams, MarketState, Oracle, Report, Submission } from './types.js';
export { reportDigest, reportDomain, reportTypedData, reportTypes } from './eip712.js';
export {
  BURN_ADDRESS,
  SPONSOR_LEAF_SCORE,
  VERDICT_CODES,
  ZERO_HASH,
  fileHash,
  goldCommitment,
  labelsCommitment,
  payoutLeaf,
  remainderLeaf,
  verdictMetricsHash,
  verdictReport,
} from './encoders.js';
export type { VerdictCode } from './encoders.js';
export { PAYOUT_LEAF_TYPES, buildPayoutTree, verifyPayout } from './merkle.js';
export type { PayoutEntry, PublishedLeaves } from './merkle.js';
