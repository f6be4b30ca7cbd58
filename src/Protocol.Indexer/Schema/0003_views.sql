-- Views for analysts over the event tables (docs/analysts.md explains each with example queries).
-- Event tables hold what happened; these views hold what it means now.

CREATE INDEX ON market_created (market_id);
CREATE INDEX ON committed (market_id, curator);
CREATE INDEX ON revealed (market_id, curator);
CREATE INDEX ON claimed (market_id, account);
CREATE INDEX ON refunded (market_id, curator);
CREATE INDEX ON attested (market_id, round, signer);
CREATE INDEX ON report_accepted (market_id, round);

-- One row per market: its parameters, where it stands, and its round.
CREATE VIEW markets AS
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
              > (SELECT count(*) FROM dispute_resolved d WHERE d.market_id = c.market_id) THEN 'disputed'
           WHEN (SELECT count(*) FROM report_accepted a WHERE a.market_id = c.market_id)
              > (SELECT count(*) FROM dispute_resolved d WHERE d.market_id = c.market_id AND d.overturned) THEN 'accepted'
           ELSE 'active'
       END AS status
FROM market_created c;

-- One row per curator and market: commit, reveal, and what it was paid (claim or refund).
CREATE VIEW submissions AS
SELECT c.market_id, c.curator, c.commitment, c.stake, c.block_time AS committed_at,
       r.block_time IS NOT NULL AS revealed, r.labels_hash, r.uri AS labels_uri, r.block_time AS revealed_at,
       cl.score_bps, cl.amount AS claimed, cl.block_time AS claimed_at,
       rf.stake AS refunded, rf.block_time AS refunded_at,
       COALESCE(cl.amount, 0) + COALESCE(rf.stake, 0) AS paid
FROM committed c
LEFT JOIN revealed r ON r.market_id = c.market_id AND r.curator = c.curator
LEFT JOIN claimed cl ON cl.market_id = c.market_id AND cl.account = c.curator
LEFT JOIN refunded rf ON rf.market_id = c.market_id AND rf.curator = c.curator;

-- Reports that reached the quorum, whether they were overturned, and whether they settled the market.
CREATE VIEW reports AS
SELECT a.market_id, a.round, a.digest, a.results_root, a.total_payout, a.scores_hash, a.metrics_hash,
       a.challenge_ends_at, a.block_time AS accepted_at,
       EXISTS (SELECT 1 FROM dispute_resolved d WHERE d.digest = a.digest AND d.market_id = a.market_id AND d.overturned) AS overturned,
       EXISTS (SELECT 1 FROM market_finalized f WHERE f.digest = a.digest AND f.market_id = a.market_id) AS finalized
FROM report_accepted a;

CREATE VIEW attestations AS
SELECT market_id, round, digest, signer, count AS signers_so_far, block_time, tx_hash FROM attested;

CREATE VIEW disputes AS
SELECT d.market_id, d.round, d.digest, d.challenger, d.bond, d.block_time AS disputed_at,
       r.overturned, r.block_time AS resolved_at
FROM disputed d
LEFT JOIN dispute_resolved r ON r.market_id = d.market_id AND r.round = d.round AND r.digest = d.digest;

CREATE VIEW claims AS
SELECT market_id, account, leaf, amount, score_bps, claimed_total, block_time, tx_hash FROM claimed;

-- Bond slashes, with the fault that caused them.
CREATE VIEW slashes AS
SELECT market_id, round, oracle, amount, 'signed an overturned report' AS reason, NULL::text AS prover, block_time FROM signer_slashed
UNION ALL
SELECT market_id, round, oracle, slashed, 'equivocation', prover, block_time FROM equivocation_proven;

-- One row per oracle: bond now and where it stands.
CREATE VIEW oracles AS
SELECT o.oracle,
       COALESCE((SELECT sum(amount) FROM oracle_bonded b WHERE b.oracle = o.oracle), 0)
     - COALESCE((SELECT sum(amount) FROM oracle_slashed s WHERE s.oracle = o.oracle), 0)
     - COALESCE((SELECT sum(amount) FROM oracle_withdrawn w WHERE w.oracle = o.oracle), 0) AS bond,
       CASE
           WHEN EXISTS (SELECT 1 FROM oracle_slashed s WHERE s.oracle = o.oracle) THEN 'slashed'
           WHEN EXISTS (SELECT 1 FROM oracle_withdrawn w WHERE w.oracle = o.oracle) THEN 'withdrawn'
           WHEN EXISTS (SELECT 1 FROM exit_requested e WHERE e.oracle = o.oracle) THEN 'exiting'
           ELSE 'active'
       END AS status,
       min(o.block_time) AS registered_at
FROM oracle_bonded o
GROUP BY o.oracle;

-- Curators across markets: what they staked, were paid, gained or lost, and how they scored.
CREATE VIEW curator_leaderboard AS
SELECT s.curator,
       count(*) AS markets,
       sum(s.stake) AS staked,
       sum(s.paid) AS paid,
       sum(s.paid - s.stake) FILTER (WHERE s.claimed IS NOT NULL OR s.refunded IS NOT NULL) AS profit,
       sum(greatest(s.stake - s.paid, 0)) FILTER (WHERE s.claimed IS NOT NULL) AS slashed,
       round(avg(s.score_bps), 1) AS mean_score_bps
FROM submissions s
GROUP BY s.curator;

CREATE VIEW market_summary AS
SELECT m.market_id, m.status, m.round, m.sponsor, m.token, m.reward_pool, m.created_at,
       (SELECT count(*) FROM committed c WHERE c.market_id = m.market_id) AS curators,
       (SELECT count(*) FROM revealed r WHERE r.market_id = m.market_id) AS revealed,
       COALESCE((SELECT sum(stake) FROM committed c WHERE c.market_id = m.market_id), 0) AS total_staked,
       COALESCE((SELECT sum(amount) FROM claimed c WHERE c.market_id = m.market_id), 0) AS total_claimed,
       (SELECT count(*) FROM attested a WHERE a.market_id = m.market_id) AS attestations,
       (SELECT count(*) FROM disputed d WHERE d.market_id = m.market_id) AS disputes
FROM markets m;

-- Oracles: how often they attested, how often their digest differed from the one accepted for that
-- market and round, and their slashes.
CREATE VIEW oracle_performance AS
SELECT o.oracle, o.status, o.bond,
       (SELECT count(*) FROM attested a WHERE a.signer = o.oracle) AS attestations,
       (SELECT count(*) FROM attested a
         JOIN report_accepted r ON r.market_id = a.market_id AND r.round = a.round
        WHERE a.signer = o.oracle AND a.digest <> r.digest) AS disagreements,
       (SELECT count(*) FROM slashes s WHERE s.oracle = o.oracle) AS slashes,
       COALESCE((SELECT sum(amount) FROM oracle_slashed s WHERE s.oracle = o.oracle), 0) AS slashed
FROM oracles o;
