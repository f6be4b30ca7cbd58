-- Protocol activity per day, over every market: costly to compute live on a long history, so it is a
-- materialised view refreshed by the indexer's Hangfire job `refresh-views` (RefreshViewsJob).
CREATE MATERIALIZED VIEW daily_activity AS
WITH days AS (
    SELECT date_trunc('day', block_time) AS day, 'created' AS kind, 0::numeric AS amount FROM market_created
    UNION ALL SELECT date_trunc('day', block_time), 'committed', stake FROM committed
    UNION ALL SELECT date_trunc('day', block_time), 'revealed', 0 FROM revealed
    UNION ALL SELECT date_trunc('day', block_time), 'attested', 0 FROM attested
    UNION ALL SELECT date_trunc('day', block_time), 'claimed', amount FROM claimed
    UNION ALL SELECT date_trunc('day', block_time), 'refunded', stake FROM refunded
)
SELECT day,
       count(*) FILTER (WHERE kind = 'created') AS markets_created,
       count(*) FILTER (WHERE kind = 'committed') AS commits,
       COALESCE(sum(amount) FILTER (WHERE kind = 'committed'), 0) AS staked,
       count(*) FILTER (WHERE kind = 'revealed') AS reveals,
       count(*) FILTER (WHERE kind = 'attested') AS attestations,
       count(*) FILTER (WHERE kind = 'claimed') AS claims,
       COALESCE(sum(amount) FILTER (WHERE kind = 'claimed'), 0) AS claimed,
       COALESCE(sum(amount) FILTER (WHERE kind = 'refunded'), 0) AS refunded
FROM days
GROUP BY day;

-- A unique index lets the job refresh it CONCURRENTLY (readers never wait).
CREATE UNIQUE INDEX ON daily_activity (day);
