// The benchmark workload for Ponder: the market's Committed events from the start block on.
// Address and start block come from the environment set by scripts/bench/indexer.sh.
import { createConfig } from "ponder";
import { CommittedAbi } from "./abis/Committed";

export default createConfig({
  chains: {
    anvil: { id: 31337, rpc: process.env.PONDER_RPC_URL_31337!, disableCache: true },
  },
  contracts: {
    FeedbackMarket: {
      chain: "anvil",
      abi: CommittedAbi,
      address: process.env.FMP_MARKET as `0x${string}`,
      startBlock: Number(process.env.FMP_START_BLOCK),
    },
  },
});
