// Types derived from the generated ABIs with abitype, so they follow the contracts when src/abis.ts is regenerated.
import type { AbiParameter, AbiParametersToPrimitiveTypes, ExtractAbiFunction, ExtractAbiFunctionNames } from 'abitype';
import type { feedbackMarketAbi, oracleRegistryAbi } from './abis.js';

type MarketFunction<name extends ExtractAbiFunctionNames<typeof feedbackMarketAbi>> = ExtractAbiFunction<typeof feedbackMarketAbi, name>;
type FirstInput<f extends { inputs: readonly AbiParameter[] }> = AbiParametersToPrimitiveTypes<f['inputs']>[0];
type Output<f extends { outputs: readonly AbiParameter[] }> = AbiParametersToPrimitiveTypes<f['outputs']>[0];

/** The EIP-712 report oracles sign (`attest`'s first argument). */
export type Report = FirstInput<MarketFunction<'attest'>>;
/** What a sponsor passes to `createMarket`. */
export type MarketParams = FirstInput<MarketFunction<'createMarket'>>;
/** What `marketConfig(marketId)` returns. */
export type MarketConfig = Output<MarketFunction<'marketConfig'>>;
/** What `marketState(marketId)` returns. */
export type MarketState = Output<MarketFunction<'marketState'>>;
/** What `submission(marketId, curator)` returns. */
export type Submission = Output<MarketFunction<'submission'>>;
/** What the registry's `oracle(account)` returns. */
export type Oracle = Output<ExtractAbiFunction<typeof oracleRegistryAbi, 'oracle'>>;
/** `claim`'s arguments: (marketId, account, amount, scoreBps, proof). */
export type ClaimArgs = AbiParametersToPrimitiveTypes<MarketFunction<'claim'>['inputs']>;

/** `Phase` of IFeedbackMarket.sol, in declaration order (what `phase(marketId)` returns). */
export const Phase = {
  None: 0,
  Open: 1,
  Reveal: 2,
  Evaluation: 3,
  Challenge: 4,
  Disputed: 5,
  Finalized: 6,
  Cancelled: 7,
  Forfeited: 8,
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];
