// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MarketParams, CreditReason} from "../interfaces/IFeedbackMarket.sol";

/// @title EventsLib
/// @notice Events of the market and the registry. Each carries what an indexer needs without further calls; the
///         reference for indexers is docs/contracts.md.
library EventsLib {
    /* MARKET */

    /// @notice A market was created; `params` holds every parameter, URIs included. `evaluationDeadline` of round 0
    ///         is `params.evaluationDeadline`.
    event MarketCreated(uint256 indexed marketId, address indexed sponsor, address indexed token, MarketParams params);

    /// @notice A curator committed with `stake`; `totalStaked` is the market's total after it.
    event Committed(
        uint256 indexed marketId, address indexed curator, bytes32 commitment, uint256 stake, uint256 totalStaked
    );

    /// @notice A curator revealed; oracle nodes fetch the label file from `uri` and check it against `labelsHash`.
    event Revealed(
        uint256 indexed marketId, address indexed curator, bytes32 labelsHash, bytes32 salt, string uri, uint256 stake
    );

    /// @notice The sponsor revealed the gold set.
    event GoldRevealed(uint256 indexed marketId, bytes32 goldHash, bytes32 salt, string uri);

    /// @notice `signer`'s signature of `digest` was counted; `count` is the number of distinct signers so far.
    event Attested(
        uint256 indexed marketId, uint32 indexed round, bytes32 indexed digest, address signer, uint256 count
    );

    /// @notice A report reached the quorum; disputes are accepted until `challengeEndsAt` (exclusive).
    event ReportAccepted(
        uint256 indexed marketId,
        uint32 indexed round,
        bytes32 indexed digest,
        bytes32 resultsRoot,
        uint256 totalPayout,
        bytes32 scoresHash,
        bytes32 metricsHash,
        uint64 challengeEndsAt
    );

    /// @notice `challenger` disputed the accepted report `digest`, posting `bond`.
    event Disputed(
        uint256 indexed marketId, uint32 indexed round, address indexed challenger, bytes32 digest, uint256 bond
    );

    /// @notice The arbiter resolved the dispute on `digest`.
    event DisputeResolved(
        uint256 indexed marketId,
        uint32 indexed round,
        bytes32 indexed digest,
        bool overturned,
        address challenger,
        uint256 bond
    );

    /// @notice A signer of an overturned report lost `amount` of bond (0 when it held none any more).
    event SignerSlashed(uint256 indexed marketId, uint32 indexed round, address indexed oracle, uint256 amount);

    /// @notice After an overturn, evaluation round `round` runs until `evaluationDeadline` (exclusive).
    event RoundStarted(uint256 indexed marketId, uint32 indexed round, uint64 evaluationDeadline);

    /// @notice An oracle signed two different digests for one market and round; `prover` got the prover's share.
    event EquivocationProven(
        uint256 indexed marketId,
        uint32 indexed round,
        address indexed oracle,
        bytes32 digestA,
        bytes32 digestB,
        address prover,
        uint256 slashed
    );

    /// @notice The market was finalized on report `digest`; `oracleFee` was credited to its signers.
    event MarketFinalized(
        uint256 indexed marketId,
        uint32 indexed round,
        bytes32 indexed digest,
        bytes32 resultsRoot,
        uint256 totalPayout,
        uint256 oracleFee
    );

    /// @notice Payout leaf `leaf` paid `amount` to `account`; `claimedTotal` is the market's total claimed after it.
    event Claimed(
        uint256 indexed marketId,
        address indexed account,
        bytes32 indexed leaf,
        uint256 amount,
        int32 scoreBps,
        uint256 claimedTotal
    );

    /// @notice The market was cancelled in `round`; `poolRefund` was credited to the sponsor.
    event MarketCancelled(uint256 indexed marketId, uint32 round, uint256 poolRefund);

    /// @notice The market was forfeited; `poolRefund` (the whole pool when nobody revealed, else 0) was credited to the
    ///         sponsor, and `totalRevealedStake` shares the pool otherwise.
    event MarketForfeited(uint256 indexed marketId, uint256 poolRefund, uint256 totalRevealedStake);

    /// @notice A cancelled or forfeited market paid `curator` its `stake` plus `reward` (forfeit share).
    event Refunded(uint256 indexed marketId, address indexed curator, uint256 stake, uint256 reward);

    /// @notice `amount` of `token` was credited to `account` from `marketId` (withdraw with `withdrawCredit`).
    event Credited(
        uint256 indexed marketId, address indexed account, address indexed token, uint256 amount, CreditReason reason
    );

    /// @notice `account` was paid its whole credit `amount` of `token`.
    event CreditWithdrawn(address indexed account, address indexed token, uint256 amount);

    /* ORACLE REGISTRY */

    /// @notice `oracle` registered or topped up by `amount`; `bond` is its bond after it.
    event OracleBonded(address indexed oracle, uint256 amount, uint256 bond);

    /// @notice `oracle` requested exit; it may withdraw from `withdrawableAt` if no dispute locks it.
    event ExitRequested(address indexed oracle, uint64 withdrawableAt);

    /// @notice `oracle` withdrew its whole bond `amount`.
    event OracleWithdrawn(address indexed oracle, uint256 amount);

    /// @notice A dispute locked `oracle`'s bond; `locks` open disputes now.
    event OracleLockedBy(address indexed oracle, uint32 locks);

    /// @notice A resolved dispute released `oracle`'s bond; `locks` open disputes remain.
    event OracleUnlocked(address indexed oracle, uint32 locks);

    /// @notice `oracle` lost its whole bond `amount`: `proverReward` to `prover`, the rest to `treasury`. Banned.
    event OracleSlashed(
        address indexed oracle, address indexed prover, uint256 amount, uint256 proverReward, address treasury
    );

    /// @notice The quorum was set.
    event QuorumSet(uint256 quorum);

    /// @notice The treasury was set.
    event TreasurySet(address indexed treasury);

    /// @notice The market contract was set.
    event MarketSet(address indexed market);
}
