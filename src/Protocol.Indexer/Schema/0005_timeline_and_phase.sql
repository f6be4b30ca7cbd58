-- Market timelines and phases (the dashboard shows both; docs/analysts.md describes them).

-- Each market's story in time order (the dashboard's timeline): the deadlines fixed at creation
-- (kind 'deadline') and what happened on chain (kind 'event', at its block time).
CREATE VIEW market_timeline AS
SELECT market_id, block_time AS at, 'event' AS kind, 'created' AS event, NULL::bigint AS round, NULL::text AS detail FROM market_created
UNION ALL SELECT market_id, to_timestamp(commit_deadline), 'deadline', 'commit deadline', NULL, NULL FROM market_created
UNION ALL SELECT market_id, to_timestamp(reveal_deadline), 'deadline', 'reveal deadline', NULL, NULL FROM market_created
UNION ALL SELECT market_id, to_timestamp(gold_deadline), 'deadline', 'gold deadline', NULL, NULL FROM market_created
UNION ALL SELECT market_id, to_timestamp(evaluation_deadline), 'deadline', 'evaluation deadline', 0, NULL FROM market_created
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

-- The chain's time as far as the indexer has read it: the newest block it followed, else the clock.
CREATE VIEW chain_head AS
SELECT COALESCE((SELECT block_time FROM chain_blocks ORDER BY number DESC LIMIT 1), now()) AS at;

-- Each market's phase at chain_head, as the contract's phase() derives it from its stored status and
-- the block time. A transition that waits for someone to call the contract reads '… (due)'.
CREATE VIEW market_phases AS
SELECT m.market_id,
       CASE m.status
           WHEN 'active' THEN CASE
               WHEN h.at < to_timestamp(m.commit_deadline) THEN 'open'
               WHEN h.at < to_timestamp(m.reveal_deadline) THEN 'reveal'
               WHEN NOT EXISTS (SELECT 1 FROM gold_revealed g WHERE g.market_id = m.market_id)
                   THEN CASE WHEN h.at < to_timestamp(m.gold_deadline) THEN 'evaluation' ELSE 'forfeited (due)' END
               WHEN h.at < to_timestamp(COALESCE(
                   (SELECT r.evaluation_deadline FROM round_started r WHERE r.market_id = m.market_id ORDER BY r.round DESC LIMIT 1),
                   m.evaluation_deadline)) THEN 'evaluation'
               ELSE 'cancelled (due)'
           END
           WHEN 'accepted' THEN CASE
               WHEN h.at < to_timestamp((SELECT a.challenge_ends_at FROM report_accepted a WHERE a.market_id = m.market_id ORDER BY a.round DESC LIMIT 1))
                   THEN 'challenge'
               ELSE 'finalized (due)'
           END
           ELSE m.status
       END AS phase
FROM markets m CROSS JOIN chain_head h;

-- market_summary gains the phase (appended: views can only grow at the end).
CREATE OR REPLACE VIEW market_summary AS
SELECT m.market_id, m.status, m.round, m.sponsor, m.token, m.reward_pool, m.created_at,
       (SELECT count(*) FROM committed c WHERE c.market_id = m.market_id) AS curators,
       (SELECT count(*) FROM revealed r WHERE r.market_id = m.market_id) AS revealed,
       COALESCE((SELECT sum(stake) FROM committed c WHERE c.market_id = m.market_id), 0) AS total_staked,
       COALESCE((SELECT sum(amount) FROM claimed c WHERE c.market_id = m.market_id), 0) AS total_claimed,
       (SELECT count(*) FROM attested a WHERE a.market_id = m.market_id) AS attestations,
       (SELECT count(*) FROM disputed d WHERE d.market_id = m.market_id) AS disputes,
       p.phase
FROM markets m JOIN market_phases p USING (market_id);
