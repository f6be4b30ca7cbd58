// The hashes of contracts/src/libraries/HashLib.sol, byte for byte, plus the verdict report (docs/formats.md).
import { encodeAbiParameters, keccak256, stringToBytes, type Address, type Hex } from 'viem';
import type { Report } from './types.js';

/**
 * scoreBps of the remainder leaf (`ConstantsLib.SPONSOR_LEAF_SCORE`, type(int32).min; the contract keeps the name from
 * when the sponsor took the remainder): no curator score can take it.
 */
export const SPONSOR_LEAF_SCORE = -2147483648;

/**
 * `ConstantsLib.BURN_ADDRESS`: the account of the remainder leaf (rounding dust, or the whole distributable when no
 * label had positive value). It is burned, never paid to the sponsor, so a wrong gold set cannot pay its sponsor.
 */
export const BURN_ADDRESS: Address = '0x000000000000000000000000000000000000dEaD';

/** The all-zero bytes32 (a verdict's resultsRoot and scoresHash). */
export const ZERO_HASH: Hex = `0x${'0'.repeat(64)}`;

/** keccak256 of a file's bytes (labelsHash, goldHash, taskPoolHash, evalSpecHash, scoresHash, metricsHash). */
export function fileHash(bytes: Uint8Array | string): Hex {
  return keccak256(typeof bytes === 'string' ? stringToBytes(bytes) : bytes);
}

/** A curator's commitment: keccak256(abi.encode(uint256 marketId, address curator, bytes32 labelsHash, bytes32 salt)). */
export function labelsCommitment(marketId: bigint, curator: Address, labelsHash: Hex, salt: Hex): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: 'uint256' }, { type: 'address' }, { type: 'bytes32' }, { type: 'bytes32' }],
      [marketId, curator, labelsHash, salt],
    ),
  );
}

/** The sponsor's gold commitment: keccak256(abi.encode(bytes32 goldHash, bytes32 salt)). */
export function goldCommitment(goldHash: Hex, salt: Hex): Hex {
  return keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'bytes32' }], [goldHash, salt]));
}

/**
 * A payout leaf: keccak256(bytes.concat(keccak256(abi.encode(uint256 marketId, address account, uint256 amount,
 * int32 scoreBps)))), the double hash of OpenZeppelin's StandardMerkleTree.
 */
export function payoutLeaf(marketId: bigint, account: Address, amount: bigint, scoreBps: number): Hex {
  const inner = keccak256(
    encodeAbiParameters(
      [{ type: 'uint256' }, { type: 'address' }, { type: 'uint256' }, { type: 'int32' }],
      [marketId, account, amount, scoreBps],
    ),
  );
  return keccak256(inner);
}

/** The verdict codes of docs/formats.md ("Verdicts: the sponsor's inputs are unusable"). */
export const VERDICT_CODES = [
  'task pool: missing',
  'gold set: missing',
  'task pool: hash mismatch',
  'gold set: hash mismatch',
  'task pool: malformed',
  'gold set: malformed',
  'features: malformed',
  'gold set: contradicted by labels',
] as const;
export type VerdictCode = (typeof VERDICT_CODES)[number];

/** metricsHash of a verdict: keccak256(utf8("fmp-verdict/1 " + code)). */
export function verdictMetricsHash(code: VerdictCode): Hex {
  if (!VERDICT_CODES.includes(code)) throw new Error(`unknown verdict code ${JSON.stringify(code)}; expected one of ${VERDICT_CODES.join(', ')}`);
  return keccak256(stringToBytes(`fmp-verdict/1 ${code}`));
}

/** The report a node signs when the sponsor's inputs are unusable: zero root, payout and scoresHash. */
export function verdictReport(marketId: bigint, round: number, code: VerdictCode): Report {
  return { marketId, round, resultsRoot: ZERO_HASH, totalPayout: 0n, scoresHash: ZERO_HASH, metricsHash: verdictMetricsHash(code) };
}

/** The remainder leaf of a report: `payoutLeaf(marketId, BURN_ADDRESS, remainder, SPONSOR_LEAF_SCORE)`. */
export function remainderLeaf(marketId: bigint, remainder: bigint): Hex {
  return payoutLeaf(marketId, BURN_ADDRESS, remainder, SPONSOR_LEAF_SCORE);
}
