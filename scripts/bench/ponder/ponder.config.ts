// The benchmark workload for Ponder: the market's Committed events from the start block on.
// Address and start block come from the environment set by scripts/bench/indexer.sh.
import { createConfig } from "ponder";
import { CommittedAbi } from "./abis/Committed";

export default createConfig({
  chains: {
    // FMP_PONDER_CACHE=1: Ponder as shipped (RPC cache on); otherwise its disableCache fast path.
    anvil: { id: 31337, rpc: process.env.PONDER_RPC_URL_31337!, disableCache: process.env.FMP_PONDER_CACHE !== "1" },
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
