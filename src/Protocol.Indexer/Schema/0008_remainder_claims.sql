-- The remainder leaf (docs/protocol.md, "Leaves") is paid to the burn address with the sentinel score type(int32).min,
-- which no curator can have. Averaged as a score it made avg(score_bps) over claims about −715 million (a new
-- sponsor's report): the claims view now names each row's kind and shows no score for the remainder.
CREATE OR REPLACE VIEW claims AS
SELECT market_id, account, leaf, amount,
       CASE WHEN score_bps = -2147483648 THEN NULL ELSE score_bps END AS score_bps,
       claimed_total, block_time, tx_hash,
       CASE WHEN score_bps = -2147483648 THEN 'remainder' ELSE 'curator' END AS kind
FROM claimed;
