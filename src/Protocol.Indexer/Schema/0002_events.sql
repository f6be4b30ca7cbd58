-- Event tables, one per protocol event (generated from the C# bindings by
-- Protocol.Indexer.Schema.EventTables.CreateSql; SchemaTests fails when they differ).

-- FeedbackMarket.Attested
CREATE TABLE attested (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    market_id numeric(78,0) NOT NULL,
    round bigint NOT NULL,
    digest text NOT NULL,
    signer text NOT NULL,
    count numeric(78,0) NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- FeedbackMarket.Claimed
CREATE TABLE claimed (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    market_id numeric(78,0) NOT NULL,
    account text NOT NULL,
    leaf text NOT NULL,
    amount numeric(78,0) NOT NULL,
    score_bps bigint NOT NULL,
    claimed_total numeric(78,0) NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- FeedbackMarket.Committed
CREATE TABLE committed (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    market_id numeric(78,0) NOT NULL,
    curator text NOT NULL,
    commitment text NOT NULL,
    stake numeric(78,0) NOT NULL,
    total_staked numeric(78,0) NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- FeedbackMarket.CreditWithdrawn
CREATE TABLE credit_withdrawn (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    account text NOT NULL,
    token text NOT NULL,
    amount numeric(78,0) NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- FeedbackMarket.Credited
CREATE TABLE credited (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    market_id numeric(78,0) NOT NULL,
    account text NOT NULL,
    token text NOT NULL,
    amount numeric(78,0) NOT NULL,
    reason bigint NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- FeedbackMarket.DisputeExpired
CREATE TABLE dispute_expired (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    market_id numeric(78,0) NOT NULL,
    round bigint NOT NULL,
    digest text NOT NULL,
    challenger text NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- FeedbackMarket.DisputeRerun
CREATE TABLE dispute_rerun (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    market_id numeric(78,0) NOT NULL,
    round bigint NOT NULL,
    digest text NOT NULL,
    challenger text NOT NULL,
    bond numeric(78,0) NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- FeedbackMarket.DisputeResolved
CREATE TABLE dispute_resolved (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    market_id numeric(78,0) NOT NULL,
    round bigint NOT NULL,
    digest text NOT NULL,
    overturned boolean NOT NULL,
    challenger text NOT NULL,
    bond numeric(78,0) NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- FeedbackMarket.Disputed
CREATE TABLE disputed (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    market_id numeric(78,0) NOT NULL,
    round bigint NOT NULL,
    challenger text NOT NULL,
    digest text NOT NULL,
    bond numeric(78,0) NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- FeedbackMarket.EquivocationProven
CREATE TABLE equivocation_proven (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    market_id numeric(78,0) NOT NULL,
    round bigint NOT NULL,
    oracle text NOT NULL,
    digest_a text NOT NULL,
    digest_b text NOT NULL,
    prover text NOT NULL,
    slashed numeric(78,0) NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- FeedbackMarket.GoldRevealed
CREATE TABLE gold_revealed (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    market_id numeric(78,0) NOT NULL,
    gold_hash text NOT NULL,
    salt text NOT NULL,
    uri text NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- FeedbackMarket.MarketCancelled
CREATE TABLE market_cancelled (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    market_id numeric(78,0) NOT NULL,
    round bigint NOT NULL,
    pool numeric(78,0) NOT NULL,
    pool_recipient text NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- FeedbackMarket.MarketCreated
CREATE TABLE market_created (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    market_id numeric(78,0) NOT NULL,
    sponsor text NOT NULL,
    token text NOT NULL,
    reward_pool numeric(78,0) NOT NULL,
    task_pool_hash text NOT NULL,
    task_pool_uri text NOT NULL,
    gold_commitment text NOT NULL,
    eval_spec_hash text NOT NULL,
    eval_spec_uri text NOT NULL,
    commit_deadline bigint NOT NULL,
    reveal_deadline bigint NOT NULL,
    gold_deadline bigint NOT NULL,
    evaluation_deadline bigint NOT NULL,
    challenge_period bigint NOT NULL,
    min_stake numeric(78,0) NOT NULL,
    stake_cap numeric(78,0) NOT NULL,
    slash_bps bigint NOT NULL,
    oracle_fee_bps bigint NOT NULL,
    dispute_bond numeric(78,0) NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- FeedbackMarket.MarketFinalized
CREATE TABLE market_finalized (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    market_id numeric(78,0) NOT NULL,
    round bigint NOT NULL,
    digest text NOT NULL,
    results_root text NOT NULL,
    total_payout numeric(78,0) NOT NULL,
    oracle_fee numeric(78,0) NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- FeedbackMarket.MarketForfeited
CREATE TABLE market_forfeited (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    market_id numeric(78,0) NOT NULL,
    pool numeric(78,0) NOT NULL,
    pool_recipient text NOT NULL,
    total_revealed_stake numeric(78,0) NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- FeedbackMarket.MarketSwept
CREATE TABLE market_swept (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    market_id numeric(78,0) NOT NULL,
    amount numeric(78,0) NOT NULL,
    recipient text NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- FeedbackMarket.Refunded
CREATE TABLE refunded (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    market_id numeric(78,0) NOT NULL,
    curator text NOT NULL,
    stake numeric(78,0) NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- FeedbackMarket.ReportAccepted
CREATE TABLE report_accepted (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    market_id numeric(78,0) NOT NULL,
    round bigint NOT NULL,
    digest text NOT NULL,
    results_root text NOT NULL,
    total_payout numeric(78,0) NOT NULL,
    scores_hash text NOT NULL,
    metrics_hash text NOT NULL,
    challenge_ends_at bigint NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- FeedbackMarket.Revealed
CREATE TABLE revealed (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    market_id numeric(78,0) NOT NULL,
    curator text NOT NULL,
    labels_hash text NOT NULL,
    salt text NOT NULL,
    uri text NOT NULL,
    stake numeric(78,0) NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- FeedbackMarket.RoundStarted
CREATE TABLE round_started (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    market_id numeric(78,0) NOT NULL,
    round bigint NOT NULL,
    evaluation_deadline bigint NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- FeedbackMarket.SignerSlashed
CREATE TABLE signer_slashed (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    market_id numeric(78,0) NOT NULL,
    round bigint NOT NULL,
    oracle text NOT NULL,
    amount numeric(78,0) NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- OracleRegistry.BondCreditWithdrawn
CREATE TABLE bond_credit_withdrawn (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    account text NOT NULL,
    amount numeric(78,0) NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- OracleRegistry.ExitRequested
CREATE TABLE exit_requested (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    oracle text NOT NULL,
    withdrawable_at bigint NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- OracleRegistry.MarketSet
CREATE TABLE market_set (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    market text NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- OracleRegistry.OracleBonded
CREATE TABLE oracle_bonded (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    oracle text NOT NULL,
    amount numeric(78,0) NOT NULL,
    bond numeric(78,0) NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- OracleRegistry.OracleLockedBy
CREATE TABLE oracle_locked_by (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    oracle text NOT NULL,
    amount numeric(78,0) NOT NULL,
    locked numeric(78,0) NOT NULL,
    locks bigint NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- OracleRegistry.OracleRegistered
CREATE TABLE oracle_registered (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    oracle text NOT NULL,
    active_at bigint NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- OracleRegistry.OracleSlashed
CREATE TABLE oracle_slashed (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    oracle text NOT NULL,
    prover text NOT NULL,
    amount numeric(78,0) NOT NULL,
    prover_reward numeric(78,0) NOT NULL,
    rest text NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- OracleRegistry.OracleUnlocked
CREATE TABLE oracle_unlocked (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    oracle text NOT NULL,
    amount numeric(78,0) NOT NULL,
    locked numeric(78,0) NOT NULL,
    locks bigint NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- OracleRegistry.OracleWithdrawn
CREATE TABLE oracle_withdrawn (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    oracle text NOT NULL,
    amount numeric(78,0) NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- OracleRegistry.OwnershipTransferStarted
CREATE TABLE ownership_transfer_started (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    previous_owner text NOT NULL,
    new_owner text NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- OracleRegistry.OwnershipTransferred
CREATE TABLE ownership_transferred (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    previous_owner text NOT NULL,
    new_owner text NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- OracleRegistry.QuorumSet
CREATE TABLE quorum_set (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    quorum numeric(78,0) NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- OracleRegistry.SecuritySet
CREATE TABLE security_set (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    security_bps numeric(78,0) NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

-- OracleRegistry.TreasurySet
CREATE TABLE treasury_set (
    block_number bigint NOT NULL,
    log_index integer NOT NULL,
    block_time timestamptz NOT NULL,
    block_hash text NOT NULL,
    tx_hash text NOT NULL,
    treasury text NOT NULL,
    PRIMARY KEY (block_number, log_index)
);

