import { onchainTable } from "ponder";

// The same columns as the indexer's `committed` table.
export const committed = onchainTable("committed", (t) => ({
  id: t.text().primaryKey(),
  blockNumber: t.bigint().notNull(),
  logIndex: t.integer().notNull(),
  marketId: t.bigint().notNull(),
  curator: t.hex().notNull(),
  commitment: t.hex().notNull(),
  stake: t.bigint().notNull(),
  totalStaked: t.bigint().notNull(),
}));
