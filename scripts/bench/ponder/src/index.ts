import { ponder } from "ponder:registry";
import { committed } from "ponder:schema";

ponder.on("FeedbackMarket:Committed", async ({ event, context }) => {
  await context.db.insert(committed).values({
    id: event.id,
    blockNumber: event.block.number,
    logIndex: event.log.logIndex,
    marketId: event.args.marketId,
    curator: event.args.curator,
    commitment: event.args.commitment,
    stake: event.args.stake,
    totalStaked: event.args.totalStaked,
  });
});
