-- The second review's hardening (docs/contracts.md, "Threat model", review 2): the arbiter may rerun a disputed report
-- whose only fault is an input its signers recorded as unavailable (DisputeRerun: a new round, nobody slashed). A
-- rerun ends a dispute and its report like an overturn, so the market's status, its disputes and its timeline count it.
-- (Failed pools, overturn slashes and sweeps now go to the burn address 0x…dEaD: see the columns pool_recipient of
-- market_cancelled and market_forfeited, rest of oracle_slashed and recipient of market_swept.)

CREATE INDEX ON dispute_rerun (market_id);

CREATE OR REPLACE VIEW markets AS
SELECT c.market_id, c.sponsor, c.token, c.reward_pool, c.task_pool_hash, c.task_pool_uri, c.gold_commitment,
       c.eval_spec_hash, c.eval_spec_uri, c.commit_deadline, c.reveal_deadline, c.gold_deadline, c.evaluation_deadline,
       c.challenge_period, c.min_stake, c.stake_cap, c.slash_bps, c.oracle_fee_bps, c.dispute_bond,
       c.block_time AS created_at, c.block_number AS created_block, c.tx_hash AS created_tx,
       COALESCE((SELECT max(r.round) FROM round_started r WHERE r.market_id = c.market_id), 0) AS round,
       CASE
           WHEN EXISTS (SELECT 1 FROM market_finalized f WHERE f.market_id = c.market_id) THEN 'finalized'
           WHEN EXISTS (SELECT 1 FROM market_cancelled x WHERE x.market_id = c.market_id) THEN 'cancelled'
           WHEN EXISTS (SELECT 1 FROM market_forfeited x WHERE x.market_id = c.market_id) THEN 'forfeited'
           WHEN (SELECT count(*) FROM disputed d WHERE d.market_id = c.market_id)
              > (SELECT count(*) FROM dispute_resolved d WHERE d.market_id = c.market_id)
              + (SELECT count(*) FROM dispute_rerun d WHERE d.market_id = c.market_id) THEN 'disputed'
           WHEN (SELECT count(*) FROM report_accepted a WHERE a.market_id = c.market_id)
              > (SELECT count(*) FROM dispute_resolved d WHERE d.market_id = c.market_id AND d.overturned)
              + (SELECT count(*) FROM dispute_rerun d WHERE d.market_id = c.market_id) THEN 'accepted'
           ELSE 'active'
       END AS status
FROM market_created c;

CREATE OR REPLACE VIEW market_timeline AS
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
UNION ALL SELECT market_id, block_time, 'event', 'report rerun', round, digest FROM dispute_rerun
UNION ALL SELECT market_id, block_time, 'event', 'finalized', round, digest FROM market_finalized
UNION ALL SELECT market_id, block_time, 'event', 'cancelled', round, NULL FROM market_cancelled
UNION ALL SELECT market_id, block_time, 'event', 'forfeited', NULL, NULL FROM market_forfeited;

CREATE OR REPLACE VIEW disputes AS
SELECT d.market_id, d.round, d.digest, d.challenger, d.bond, d.block_time AS disputed_at,
       r.overturned, COALESCE(r.block_time, x.block_time) AS resolved_at,
       x.block_time IS NOT NULL AS rerun
FROM disputed d
LEFT JOIN dispute_resolved r ON r.market_id = d.market_id AND r.round = d.round AND r.digest = d.digest
LEFT JOIN dispute_rerun x ON x.market_id = d.market_id AND x.round = d.round AND x.digest = d.digest;
