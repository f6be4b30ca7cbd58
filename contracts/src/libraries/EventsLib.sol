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
    /// @param marketId The market id.
    /// @param sponsor The sponsor (creator) of the market.
    /// @param token The ERC-20 of the market.
    /// @param params Every creation parameter, URIs included.
    event MarketCreated(uint256 indexed marketId, address indexed sponsor, address indexed token, MarketParams params);

    /// @notice A curator committed with `stake`; `totalStaked` is the market's total after it.
    /// @param marketId The market id.
    /// @param curator The curator.
    /// @param commitment keccak256(abi.encode(marketId, curator, labelsHash, salt)).
    /// @param stake The stake, in token units.
    /// @param totalStaked The market's total stake after the call.
    event Committed(
        uint256 indexed marketId, address indexed curator, bytes32 commitment, uint256 stake, uint256 totalStaked
    );

    /// @notice A curator revealed; oracle nodes fetch the label file from `uri` and check it against `labelsHash`.
    /// @param marketId The market id.
    /// @param curator The curator.
    /// @param labelsHash keccak256 of the label file bytes.
    /// @param salt The salt of the commitment.
    /// @param uri Where the file can be fetched (file://, http(s)://, ipfs://).
    /// @param stake The stake, in token units.
    event Revealed(
        uint256 indexed marketId, address indexed curator, bytes32 labelsHash, bytes32 salt, string uri, uint256 stake
    );

    /// @notice The sponsor revealed the gold set.
    /// @param marketId The market id.
    /// @param goldHash keccak256 of the gold set file bytes.
    /// @param salt The salt of the commitment.
    /// @param uri Where the file can be fetched (file://, http(s)://, ipfs://).
    event GoldRevealed(uint256 indexed marketId, bytes32 goldHash, bytes32 salt, string uri);

    /// @notice `signer`'s signature of `digest` was counted; `count` is the number of distinct signers so far.
    /// @param marketId The market id.
    /// @param round The evaluation round (0 first, +1 after each overturn).
    /// @param digest The EIP-712 digest of the report.
    /// @param signer The oracle whose signature was counted.
    /// @param count Distinct signers of the digest so far.
    event Attested(
        uint256 indexed marketId, uint32 indexed round, bytes32 indexed digest, address signer, uint256 count
    );

    /// @notice A report reached the quorum; disputes are accepted until `challengeEndsAt` (exclusive).
    /// @param marketId The market id.
    /// @param round The evaluation round (0 first, +1 after each overturn).
    /// @param digest The EIP-712 digest of the report.
    /// @param resultsRoot Merkle root of the payout leaves.
    /// @param totalPayout Sum of all leaf amounts (totalStaked + rewardPool - oracleFee).
    /// @param scoresHash keccak256 of the canonical scores file.
    /// @param metricsHash keccak256 of the canonical metrics file.
    /// @param challengeEndsAt First second at which the report can no longer be disputed.
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
    /// @param marketId The market id.
    /// @param round The evaluation round (0 first, +1 after each overturn).
    /// @param challenger Who posted the dispute bond.
    /// @param digest The EIP-712 digest of the report.
    /// @param bond The amount bonded (dispute bond, or the oracle's bond after the call).
    event Disputed(
        uint256 indexed marketId, uint32 indexed round, address indexed challenger, bytes32 digest, uint256 bond
    );

    /// @notice The arbiter resolved the dispute on `digest`.
    /// @param marketId The market id.
    /// @param round The evaluation round (0 first, +1 after each overturn).
    /// @param digest The EIP-712 digest of the report.
    /// @param overturned Whether the arbiter overturned the report.
    /// @param challenger Who posted the dispute bond.
    /// @param bond The amount bonded (dispute bond, or the oracle's bond after the call).
    event DisputeResolved(
        uint256 indexed marketId,
        uint32 indexed round,
        bytes32 indexed digest,
        bool overturned,
        address challenger,
        uint256 bond
    );

    /// @notice The arbiter found the disputed report wrong only through an input its signers recorded as unavailable
    ///         (a file that is served now): a new round starts (or the market cancels after the last), nobody is slashed,
    ///         the signers' locks are released and the challenger's `bond` is credited to them.
    /// @param marketId The market id.
    /// @param round The round of the disputed report.
    /// @param digest The EIP-712 digest of the report.
    /// @param challenger Who posted the dispute bond.
    /// @param bond The dispute bond, credited to the report's signers.
    event DisputeRerun(
        uint256 indexed marketId, uint32 indexed round, bytes32 indexed digest, address challenger, uint256 bond
    );

    /// @notice A signer of an overturned report lost `amount` of bond (0 when it held none any more).
    /// @param marketId The market id.
    /// @param round The evaluation round (0 first, +1 after each overturn).
    /// @param oracle The oracle.
    /// @param amount The amount, in token units.
    event SignerSlashed(uint256 indexed marketId, uint32 indexed round, address indexed oracle, uint256 amount);

    /// @notice After an overturn, evaluation round `round` runs until `evaluationDeadline` (exclusive).
    /// @param marketId The market id.
    /// @param round The evaluation round (0 first, +1 after each overturn).
    /// @param evaluationDeadline End (exclusive) of the evaluation round.
    event RoundStarted(uint256 indexed marketId, uint32 indexed round, uint64 evaluationDeadline);

    /// @notice An oracle signed two different digests for one market and round; `prover` got the prover's share.
    /// @param marketId The market id.
    /// @param round The evaluation round (0 first, +1 after each overturn).
    /// @param oracle The oracle.
    /// @param digestA Digest of the first signed report.
    /// @param digestB Digest of the second signed report.
    /// @param prover Who proved the fault and receives the prover reward.
    /// @param slashed The bond taken.
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
    /// @param marketId The market id.
    /// @param round The evaluation round (0 first, +1 after each overturn).
    /// @param digest The EIP-712 digest of the report.
    /// @param resultsRoot Merkle root of the payout leaves.
    /// @param totalPayout Sum of all leaf amounts (totalStaked + rewardPool - oracleFee).
    /// @param oracleFee The fee credited to the signers.
    event MarketFinalized(
        uint256 indexed marketId,
        uint32 indexed round,
        bytes32 indexed digest,
        bytes32 resultsRoot,
        uint256 totalPayout,
        uint256 oracleFee
    );

    /// @notice Payout leaf `leaf` paid `amount` to `account`; `claimedTotal` is the market's total claimed after it.
    /// @param marketId The market id.
    /// @param account The account.
    /// @param leaf The payout leaf hash.
    /// @param amount The amount, in token units.
    /// @param scoreBps The account's score in basis points (-10000 … 10000).
    /// @param claimedTotal The market's claimed total after the claim.
    event Claimed(
        uint256 indexed marketId,
        address indexed account,
        bytes32 indexed leaf,
        uint256 amount,
        int32 scoreBps,
        uint256 claimedTotal
    );

    /// @notice The market was cancelled in `round`: `pool` (what was left of the reward pool) was credited to
    ///         `poolRecipient`, the sponsor when no curator had revealed, else the treasury (see docs/contracts.md,
    ///         "Threat model": once labels are public the sponsor cannot take the pool back).
    /// @param marketId The market id.
    /// @param round The evaluation round (0 first, +1 after each overturn).
    /// @param pool The reward pool credited.
    /// @param poolRecipient The sponsor (no curator revealed) or `ConstantsLib.BURN_ADDRESS`.
    event MarketCancelled(uint256 indexed marketId, uint32 round, uint256 pool, address indexed poolRecipient);

    /// @notice The market was forfeited (gold not revealed in time, or an accepted verdict that the sponsor's inputs
    ///         are unusable, standing or upheld): `pool` was credited to `poolRecipient`, the sponsor when no curator
    ///         had revealed, else `ConstantsLib.BURN_ADDRESS`. Stakes are refunded in full.
    /// @param marketId The market id.
    /// @param pool The reward pool credited.
    /// @param poolRecipient The sponsor (no curator revealed) or `ConstantsLib.BURN_ADDRESS`.
    /// @param totalRevealedStake Total stake of the revealed curators.
    event MarketForfeited(
        uint256 indexed marketId, uint256 pool, address indexed poolRecipient, uint256 totalRevealedStake
    );

    /// @notice The arbiter did not resolve the dispute of `digest` in time; the market is cancelled.
    /// @param marketId The market id.
    /// @param round The evaluation round.
    /// @param digest The EIP-712 digest of the disputed report.
    /// @param challenger The challenger (its bond is credited back).
    event DisputeExpired(uint256 indexed marketId, uint32 round, bytes32 digest, address challenger);

    /// @notice The claim period of a settled market ended; `amount` left unclaimed was credited to `recipient`.
    /// @param marketId The market id.
    /// @param amount The amount, in token units.
    /// @param recipient `ConstantsLib.BURN_ADDRESS`: nobody who can act on a market may gain from what it leaves.
    event MarketSwept(uint256 indexed marketId, uint256 amount, address indexed recipient);

    /// @notice A cancelled or forfeited market paid `curator` its `stake` back.
    /// @param marketId The market id.
    /// @param curator The curator.
    /// @param stake The stake, in token units.
    event Refunded(uint256 indexed marketId, address indexed curator, uint256 stake);

    /// @notice `amount` of `token` was credited to `account` from `marketId` (withdraw with `withdrawCredit`).
    /// @param marketId The market id.
    /// @param account The account.
    /// @param token The ERC-20 of the market.
    /// @param amount The amount, in token units.
    /// @param reason Why the account was credited.
    event Credited(
        uint256 indexed marketId, address indexed account, address indexed token, uint256 amount, CreditReason reason
    );

    /// @notice `account` was paid its whole credit `amount` of `token`.
    /// @param account The account.
    /// @param token The ERC-20 of the market.
    /// @param amount The amount, in token units.
    event CreditWithdrawn(address indexed account, address indexed token, uint256 amount);

    /* ORACLE REGISTRY */

    /// @notice `oracle` registered or topped up by `amount`; `bond` is its bond after it.
    /// @param oracle The oracle.
    /// @param amount The amount, in token units.
    /// @param bond The amount bonded (dispute bond, or the oracle's bond after the call).
    event OracleBonded(address indexed oracle, uint256 amount, uint256 bond);

    /// @notice `oracle` bonded for the first time; its signatures count from `activeAt`.
    /// @param oracle The oracle.
    /// @param activeAt When its signatures start to count.
    event OracleRegistered(address indexed oracle, uint64 activeAt);

    /// @notice `oracle` requested exit; it may withdraw from `withdrawableAt` if no dispute locks it.
    /// @param oracle The oracle.
    /// @param withdrawableAt When the bond can be withdrawn.
    event ExitRequested(address indexed oracle, uint64 withdrawableAt);

    /// @notice `oracle` withdrew its whole bond `amount`.
    /// @param oracle The oracle.
    /// @param amount The amount, in token units.
    event OracleWithdrawn(address indexed oracle, uint256 amount);

    /// @notice An accepted report locked `amount` of `oracle`'s bond; `locked` in all, behind `locks` reports.
    /// @param oracle The oracle.
    /// @param amount The amount, in token units.
    /// @param locked The oracle's locked bond after the call.
    /// @param locks Reports the bond is locked behind.
    event OracleLockedBy(address indexed oracle, uint256 amount, uint256 locked, uint32 locks);

    /// @notice A settled market released `amount` of `oracle`'s bond; `locked` remains, behind `locks` reports.
    /// @param oracle The oracle.
    /// @param amount The amount, in token units.
    /// @param locked The oracle's locked bond after the call.
    /// @param locks Reports the bond is locked behind.
    event OracleUnlocked(address indexed oracle, uint256 amount, uint256 locked, uint32 locks);

    /// @notice `oracle` lost `amount` of its bond: `proverReward` credited to `prover`, the rest to `rest`. Banned.
    /// @param oracle The oracle.
    /// @param prover Who proved the fault and receives the prover reward.
    /// @param amount The amount, in token units.
    /// @param proverReward The part paid to the prover.
    /// @param rest Who received the rest: the treasury for an equivocation, `ConstantsLib.BURN_ADDRESS` for an
    ///        overturned report.
    event OracleSlashed(
        address indexed oracle, address indexed prover, uint256 amount, uint256 proverReward, address rest
    );

    /// @notice `account` withdrew its slashed-bond credit `amount`.
    /// @param account The account.
    /// @param amount The amount, in token units.
    event BondCreditWithdrawn(address indexed account, uint256 amount);

    /// @notice The security ratio was set.
    /// @param securityBps The ratio in basis points.
    event SecuritySet(uint256 securityBps);

    /// @notice The quorum was set.
    /// @param quorum The quorum.
    event QuorumSet(uint256 quorum);

    /// @notice The treasury was set.
    /// @param treasury The treasury that received the rest.
    event TreasurySet(address indexed treasury);

    /// @notice The market contract was set.
    /// @param market The market contract.
    event MarketSet(address indexed market);
}
