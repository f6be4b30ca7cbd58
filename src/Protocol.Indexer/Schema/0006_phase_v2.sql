-- Phases after the issue-17 hardening (docs/contracts.md, "Threat model"): an accepted report with no results
-- root is a verdict that the sponsor's inputs are unusable, and forfeits the market once its challenge window
-- passed; a dispute the arbiter leaves unresolved for 30 days (RESOLUTION_PERIOD) makes the market cancellable.
CREATE OR REPLACE VIEW market_phases AS
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
           WHEN 'accepted' THEN (
               SELECT CASE
                   WHEN h.at < to_timestamp(a.challenge_ends_at) THEN 'challenge'
                   WHEN a.results_root = '0x0000000000000000000000000000000000000000000000000000000000000000' THEN 'forfeited (due)'
                   ELSE 'finalized (due)'
               END
               FROM report_accepted a WHERE a.market_id = m.market_id ORDER BY a.round DESC LIMIT 1)
           WHEN 'disputed' THEN CASE
               WHEN h.at < (SELECT d.block_time FROM disputed d WHERE d.market_id = m.market_id ORDER BY d.round DESC LIMIT 1)
                           + interval '30 days' THEN 'disputed'
               ELSE 'cancelled (due)'
           END
           ELSE m.status
       END AS phase
FROM markets m CROSS JOIN chain_head h;
