// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IOracleRegistry} from "./IOracleRegistry.sol";

/// @notice Phase of a market, derived from its stored status and the block timestamp (see `phase`).
enum Phase {
    None, // no such market
    Open, // commits accepted (now < commitDeadline)
    Reveal, // reveals accepted (commitDeadline <= now < revealDeadline)
    Evaluation, // gold reveal and attestations of the current round
    Challenge, // a report was accepted; disputes accepted until acceptedAt + challengePeriod
    Disputed, // waiting for the arbiter
    Finalized, // claims open (stored, or due: challenge window passed without dispute)
    Cancelled, // refunds open (stored, or due: no accepted report by the evaluation deadline, the last round overturned,
    // or a dispute the arbiter did not resolve in time)
    Forfeited // refunds open (stored, or due: gold not revealed by goldDeadline, or an accepted verdict that the
    // sponsor's inputs are unusable)
}

/// @notice Status stored in the market; it changes only on actions.
enum MarketStatus {
    Active,
    Accepted,
    Disputed,
    Finalized,
    Cancelled,
    Forfeited
}

/// @notice Why an account was credited (pull payment, see `withdrawCredit`).
enum CreditReason {
    OracleFee, // share of the oracle fee for a signer of the finalized report
    DisputeBondToSigners, // share of a challenger's bond for a signer of the report that stood or was rerun
    DisputeBondRefund, // bond back to a challenger whose dispute overturned the report
    PoolRefund, // reward pool back to the sponsor (cancelled or forfeited before any curator revealed)
    PoolBurned, // reward pool of a market cancelled or forfeited after curators revealed (labels were delivered)
    Sweep // what a settled market still held after its claim period (burned)
}

/// @notice What a sponsor passes to `createMarket`. Amounts are in `token` units; times are unix seconds.
/// @dev Calldata only (never stored as is), so its field order follows the protocol, not storage packing.
// solhint-disable-next-line gas-struct-packing
struct MarketParams {
    address token;
    uint128 rewardPool;
    bytes32 taskPoolHash;
    string taskPoolURI;
    bytes32 goldCommitment; // keccak256(abi.encode(goldHash, salt))
    bytes32 evalSpecHash;
    string evalSpecURI;
    uint64 commitDeadline;
    uint64 revealDeadline;
    uint64 goldDeadline;
    uint64 evaluationDeadline;
    uint64 challengePeriod;
    uint128 minStake;
    uint128 stakeCap;
    uint16 slashBps;
    uint16 oracleFeeBps;
    uint128 disputeBond;
}

/// @notice What the market stores of a market's parameters (fixed at creation; URIs live in `MarketCreated` only).
/// @dev `evaluationPeriod` = evaluationDeadline - revealDeadline at creation; each round after an overturn gets it anew.
///      `quorum` and `securityBps` are the registry's at creation: later governance changes do not reach running markets.
struct MarketConfig {
    address sponsor;
    uint8 quorum;
    uint24 securityBps;
    uint64 commitDeadline;
    uint16 slashBps;
    uint16 oracleFeeBps;
    address token;
    uint64 revealDeadline;
    uint64 goldDeadline;
    uint64 evaluationPeriod;
    uint64 challengePeriod;
    uint128 minStake;
    uint128 stakeCap;
    uint128 rewardPool;
    uint128 disputeBond;
    bytes32 taskPoolHash;
    bytes32 goldCommitment;
    bytes32 evalSpecHash;
}

/// @notice A market's mutable state.
/// @dev `balance` is what the market still holds (pool + stakes + an open dispute bond, less everything paid or
///      credited out); every outflow is subtracted from it with checked arithmetic, so no market can pay more than it
///      holds. After a market is cancelled or forfeited, `totalStaked` counts the stakes not yet refunded;
///      `totalRevealedStake` never decreases (it records that labels were delivered). `resultsRoot`, `totalPayout`,
///      `acceptedAt`, `acceptedDigest` and `lockPerSigner` describe the accepted report of the current round (zero when
///      none); a report with `resultsRoot == 0` is a verdict that the sponsor's inputs are unusable. `settledAt` is when
///      the market was finalized, cancelled or forfeited; `swept` once its claim period ended and the rest was swept.
struct MarketState {
    MarketStatus status;
    uint32 round;
    bool goldRevealed;
    uint64 evaluationDeadline;
    uint64 acceptedAt;
    uint128 balance;
    uint128 claimed;
    uint128 totalStaked;
    uint128 totalRevealedStake;
    uint128 totalPayout;
    bytes32 resultsRoot;
    bytes32 acceptedDigest;
    bytes32 goldHash;
    address challenger;
    uint64 disputedAt;
    uint64 settledAt;
    uint128 lockPerSigner;
    bool swept;
}

/// @notice One curator's submission to one market.
struct Submission {
    bytes32 commitment; // keccak256(abi.encode(marketId, curator, labelsHash, salt))
    uint128 stake;
    bool revealed;
    bool refunded; // stake paid back after a cancel or forfeit
}

/// @notice The EIP-712 report oracles sign (domain "FeedbackMarket", version "1", this contract).
struct Report {
    uint256 marketId;
    uint32 round;
    bytes32 resultsRoot;
    uint256 totalPayout;
    bytes32 scoresHash;
    bytes32 metricsHash;
}

/// @title IFeedbackMarket
/// @notice Singleton holding every feedback market by id: sponsors fund a reward pool for preference labels, curators
///         commit and reveal label files with a stake, bonded oracles sign an EIP-712 report whose Merkle root pays
///         everyone, and an arbiter settles disputes. See docs/contracts.md for the life cycle, events and gas.
/// @dev Every entry point runs checks, effects, event, token transfer, and is non-reentrant. Every transfer in checks
///      the balance delta, so fee-on-transfer tokens revert with `UnsupportedToken`; rebasing tokens are not supported.
interface IFeedbackMarket {
    /* VIEWS */

    /// @notice Address allowed to resolve disputes (fixed at deployment).
    function arbiter() external view returns (address);

    /// @notice The oracle registry whose active oracles sign reports (fixed at deployment).
    function registry() external view returns (IOracleRegistry);

    /// @notice Number of markets created; ids run from 1 to `marketCount()`.
    function marketCount() external view returns (uint256);

    /// @notice The stored parameters of `marketId` (all zero when it does not exist).
    /// @param marketId The market id.
    function marketConfig(uint256 marketId) external view returns (MarketConfig memory);

    /// @notice The state of `marketId`.
    /// @param marketId The market id.
    function marketState(uint256 marketId) external view returns (MarketState memory);

    /// @notice The submission of `curator` to `marketId` (stake 0 when none).
    /// @param marketId The market id.
    /// @param curator The curator.
    function submission(uint256 marketId, address curator) external view returns (Submission memory);

    /// @notice The phase of `marketId` now, derived from its stored status and `block.timestamp`.
    /// @dev Finalized/Cancelled/Forfeited are returned as soon as they are due; payouts (`claim`, `refund`) open then,
    ///      while `finalize`/`cancel`/`forfeit` record the status and credit the oracle fee or the sponsor's pool.
    /// @param marketId The market id.
    function phase(uint256 marketId) external view returns (Phase);

    /// @notice The EIP-712 digest oracles sign for `report` on this chain and contract.
    /// @param report The report.
    function reportDigest(Report calldata report) external view returns (bytes32);

    /// @notice The distinct active signers accumulated so far for `digest`, in attestation order.
    /// @param digest The EIP-712 digest of the report.
    function reportSigners(bytes32 digest) external view returns (address[] memory);

    /// @notice The signers of the current round's accepted report whose bonds are locked behind it (empty when none).
    /// @param marketId The market id.
    function acceptedSigners(uint256 marketId) external view returns (address[] memory);

    /// @notice Whether the payout leaf `leaf` has been claimed.
    /// @param leaf The payout leaf hash.
    function isClaimed(bytes32 leaf) external view returns (bool);

    /// @notice Amount of `token` credited to `account` and not yet withdrawn.
    /// @param token The ERC-20 of the market.
    /// @param account The account.
    function credit(address token, address account) external view returns (uint256);

    /* MARKET CREATION */

    /// @notice Creates a market and pulls `params.rewardPool` of `params.token` from the caller (the sponsor).
    /// @dev Requires now < commitDeadline < revealDeadline < goldDeadline < evaluationDeadline,
    ///      evaluationDeadline - goldDeadline >= MIN_EVALUATION_WINDOW, evaluationDeadline - revealDeadline <=
    ///      MAX_EVALUATION_PERIOD, MIN_CHALLENGE_PERIOD <= challengePeriod <= MAX_CHALLENGE_PERIOD, 0 < minStake <=
    ///      stakeCap <= MAX_AMOUNT, 0 < rewardPool <= MAX_AMOUNT, rewardPool * MIN_DISPUTE_BOND_BPS / 10,000 <=
    ///      disputeBond <= rewardPool, slashBps and oracleFeeBps <= 10,000, a non-zero gold commitment, and
    ///      `token == registry.bondToken()` (`TokenNotBondToken`): locks, slashes and payouts are then in one unit.
    ///      Snapshots the registry's quorum and security ratio. Emits `MarketCreated` with every parameter.
    /// @return marketId The new market's id (sequential from 1).
    /// @param params Every creation parameter, URIs included.
    function createMarket(MarketParams calldata params) external returns (uint256 marketId);

    /* CURATORS */

    /// @notice Commits the caller to a label file with `stake` (pulled from the caller) while the market is Open.
    /// @param marketId The market id.
    /// @param commitment keccak256(abi.encode(marketId, curator, labelsHash, salt)).
    /// @param stake Between the market's minStake and stakeCap inclusive.
    function commit(uint256 marketId, bytes32 commitment, uint256 stake) external;

    /// @notice Reveals the caller's committed label file during the Reveal phase.
    /// @dev The event carries `uri` so oracle nodes fetch the label file from it and check it against `labelsHash`.
    /// @param marketId The market id.
    /// @param labelsHash keccak256 of the label file bytes.
    /// @param salt The salt of the commitment.
    /// @param uri Where the file can be fetched (file://, http(s)://, ipfs://).
    function reveal(uint256 marketId, bytes32 labelsHash, bytes32 salt, string calldata uri) external;

    /* SPONSOR */

    /// @notice Reveals the gold set (sponsor only) from revealDeadline until before goldDeadline.
    /// @param marketId The market id.
    /// @param goldHash keccak256 of the gold set file bytes.
    /// @param salt The salt of the commitment.
    /// @param uri Where the file can be fetched (file://, http(s)://, ipfs://).
    function revealGold(uint256 marketId, bytes32 goldHash, bytes32 salt, string calldata uri) external;

    /* ORACLES */

    /// @notice Adds the signatures of distinct active oracles to `report`'s digest (anyone may relay). When the market's
    ///         quorum of signers that are still active and can lock their share of the security is reached, the report
    ///         is accepted, their bonds are locked behind it, and the Challenge phase starts.
    /// @dev Requires the Evaluation phase, the gold set revealed and `report.round` the current round. A payout report
    ///      has `report.totalPayout == totalStaked + rewardPool - oracleFee`; a verdict that the sponsor's inputs are
    ///      unusable has `resultsRoot == 0` and `totalPayout == 0` and, once past its challenge window, forfeits the
    ///      market. Each signer locks ceil(totalPayout * securityBps / (10,000 * quorum)) of the market's total payout
    ///      (also for a verdict, which cancels every slash), at most MAX_MARKET_LOCK_BPS of its matured bond.
    ///      Signatures of signers already recorded are skipped, and recorded signers that can no longer back the report
    ///      are dropped; an invalid signature, an inactive signer or one without enough free bond reverts. Gas is
    ///      independent of the number of curators.
    /// @return accepted Whether the report is now accepted.
    /// @param report The report.
    /// @param signatures 65-byte ECDSA signatures of the report digest by oracles.
    function attest(Report calldata report, bytes[] calldata signatures) external returns (bool accepted);

    /// @notice Slashes an oracle that signed two different reports for the same market and round; the caller
    ///         receives the prover's share of the bond.
    /// @param a The first report.
    /// @param signatureA An oracle's signature of `a`.
    /// @param b The second report.
    /// @param signatureB The same oracle's signature of `b`.
    function proveEquivocation(
        Report calldata a,
        bytes calldata signatureA,
        Report calldata b,
        bytes calldata signatureB
    ) external;

    /* DISPUTES */

    /// @notice Disputes the accepted report during the Challenge phase, pulling the market's dispute bond from the
    ///         caller (not one of the report's signers). The arbiter has RESOLUTION_PERIOD to resolve it.
    /// @param marketId The market id.
    function dispute(uint256 marketId) external;

    /// @notice Arbiter only, within RESOLUTION_PERIOD of the dispute. `overturned == false`: the report stands, the bond
    ///         is split among its signers and the market is finalized. `overturned == true`: the bond is credited back
    ///         to the challenger, every signer loses the bond it locked behind the report (the challenger is the
    ///         prover) and a new evaluation round starts with a fresh deadline, or, after MAX_ROUNDS rounds, the
    ///         market is cancelled.
    /// @param marketId The market id.
    /// @dev An upheld verdict (`resultsRoot == 0`) forfeits the market instead: stakes refundable, the pool burned
    ///      (or back to the sponsor when nobody revealed), the bond to the signers, no oracle fee. An overturn pays the
    ///      challenger at most its dispute bond out of the slashed locks; the rest is burned.
    /// @param overturned Whether the arbiter overturned the report.
    function resolveDispute(uint256 marketId, bool overturned) external;

    /// @notice Arbiter only, within RESOLUTION_PERIOD of the dispute: the report is wrong only through an input its
    ///         signers recorded as unavailable (a label file or sponsor file that is served now). Nobody was at fault
    ///         that the chain can show, so nobody is slashed or rewarded: the signers' locks are released, the
    ///         challenger's bond is credited to them (the rerun is the challenger's request), and a new round starts,
    ///         or, after MAX_ROUNDS rounds, the market is cancelled.
    /// @param marketId The market id.
    function rerun(uint256 marketId) external;

    /* SETTLEMENT */

    /// @notice Records the Finalized status once the challenge window passed, credits the oracle fee to the report's
    ///         signers not slashed since (equal shares, the division remainder to the first; burned when none)
    ///         and unlocks their bonds.
    /// @param marketId The market id.
    function finalize(uint256 marketId) external;

    /// @notice Pays a payout leaf of a finalized market to `account` (anyone may call; funds always go to `account`).
    /// @dev leaf = keccak256(bytes.concat(keccak256(abi.encode(marketId, account, amount, scoreBps)))), sorted-pair
    ///      proof. Each leaf pays once, and the market's claimed total never exceeds the report's totalPayout.
    /// @param marketId The market id.
    /// @param account The account.
    /// @param amount The amount, in token units.
    /// @param scoreBps The account's score in basis points (-10000 … 10000).
    /// @param proof Sorted-pair Merkle proof of the leaf.
    function claim(uint256 marketId, address account, uint256 amount, int32 scoreBps, bytes32[] calldata proof) external;

    /// @notice Records the Cancelled status and credits the reward pool to the sponsor if no curator revealed, else
    ///         to `ConstantsLib.BURN_ADDRESS`. An expired dispute credits the challenger's bond back and unlocks the signers' bonds.
    ///         Stakes are refunded with `refund`.
    /// @param marketId The market id.
    function cancel(uint256 marketId) external;

    /// @notice Records the Forfeited status and credits the reward pool to the sponsor if no curator revealed, else to
    ///         `ConstantsLib.BURN_ADDRESS` (an accepted verdict also unlocks its signers' bonds). Stakes are refunded with `refund`.
    /// @param marketId The market id.
    function forfeit(uint256 marketId) external;

    /// @notice Pays `curator`'s stake back in a cancelled or forfeited market (anyone may call; funds go to `curator`).
    /// @param marketId The market id.
    /// @param curator The curator.
    function refund(uint256 marketId, address curator) external;

    /// @notice Once CLAIM_PERIOD has passed since the market settled, credits whatever it still holds (unclaimed
    ///         payouts, unrefunded stakes, dust) to `ConstantsLib.BURN_ADDRESS`; claims and refunds close.
    /// @param marketId The market id.
    function sweep(uint256 marketId) external;

    /// @notice Pays `account` everything credited to it in `token` (anyone may call; funds go to `account`).
    /// @param token The ERC-20 of the market.
    /// @param account The account.
    function withdrawCredit(address token, address account) external;
}
