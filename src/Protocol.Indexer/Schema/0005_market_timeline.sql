-- Each market's story in time order (the dashboard's timeline): the deadlines fixed at creation
-- (kind 'deadline') and what happened on chain (kind 'event', at its block time).
CREATE VIEW market_timeline AS
SELECT market_id, block_time AS at, 'event' AS kind, 'created' AS event, NULL::bigint AS round, NULL::text AS detail FROM market_created
UNION ALL SELECT market_id, to_timestamp(commit_deadline), 'deadline', 'commit deadline', NULL, NULL FROM market_created
UNION ALL SELECT market_id, to_timestamp(reveal_deadline), 'deadline', 'reveal deadline', NULL, NULL FROM market_created
UNION ALL SELECT market_id, to_timestamp(gold_deadline), 'deadline', 'gold deadline', NULL, NULL FROM market_created
UNION ALL SELECT market_id, min(block_time), 'event', 'first commit', NULL, count(*) || ' commits' FROM committed GROUP BY market_id
UNION ALL SELECT market_id, min(block_time), 'event', 'first reveal', NULL, count(*) || ' reveals' FROM revealed GROUP BY market_id
UNION ALL SELECT market_id, block_time, 'event', 'gold revealed', NULL, NULL FROM gold_revealed
UNION ALL SELECT market_id, block_time, 'event', 'round started', round, NULL FROM round_started
UNION ALL SELECT market_id, to_timestamp(evaluation_deadline), 'deadline', 'evaluation deadline', round, NULL FROM round_started
UNION ALL SELECT market_id, block_time, 'event', 'report accepted', round, digest FROM report_accepted
UNION ALL SELECT market_id, to_timestamp(challenge_ends_at), 'deadline', 'challenge ends', round, digest FROM report_accepted
UNION ALL SELECT market_id, block_time, 'event', 'disputed', round, challenger FROM disputed
UNION ALL SELECT market_id, block_time, 'event', CASE WHEN overturned THEN 'report overturned' ELSE 'dispute rejected' END, round, digest FROM dispute_resolved
UNION ALL SELECT market_id, block_time, 'event', 'finalized', round, digest FROM market_finalized
UNION ALL SELECT market_id, block_time, 'event', 'cancelled', round, NULL FROM market_cancelled
UNION ALL SELECT market_id, block_time, 'event', 'forfeited', NULL, NULL FROM market_forfeited;
