// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Phase} from "../interfaces/IFeedbackMarket.sol";
import {OracleStatus} from "../interfaces/IOracleRegistry.sol";

/// @title ErrorsLib
/// @notice Custom errors of the market and the registry, each carrying the offending values.
library ErrorsLib {
    /* SHARED */

    /// @notice A required address is zero.
    error ZeroAddress();

    /// @notice The caller is not `expected`.
    error Unauthorized(address caller, address expected);

    /* MARKET CREATION */

    /// @notice The reward pool or the dispute bond is zero.
    error ZeroAmount();

    /// @notice The gold commitment is zero.
    error ZeroGoldCommitment();

    /// @notice Deadlines are not now < commit < reveal < gold < evaluation.
    error InvalidDeadlines(
        uint256 now_, uint64 commitDeadline, uint64 revealDeadline, uint64 goldDeadline, uint64 evaluationDeadline
    );

    /// @notice evaluationDeadline - revealDeadline exceeds the maximum.
    error EvaluationPeriodTooLong(uint256 period, uint256 max);

    /// @notice The challenge period lies outside [min, max].
    error InvalidChallengePeriod(uint64 period, uint64 min, uint64 max);

    /// @notice evaluationDeadline - goldDeadline is below the minimum evaluation window.
    error EvaluationWindowTooShort(uint64 window, uint64 min);

    /// @notice A reward pool or stake cap exceeds `ConstantsLib.MAX_AMOUNT`.
    error AmountTooLarge(uint256 amount, uint256 max);

    /// @notice The dispute bond lies outside [rewardPool * MIN_DISPUTE_BOND_BPS / 10,000, rewardPool].
    error InvalidDisputeBond(uint256 bond, uint256 min, uint256 max);

    /// @notice The token moved a different amount than asked (fee-on-transfer and similar tokens are not supported).
    error UnsupportedToken(address token, uint256 expected, uint256 received);

    /// @notice Stake bounds are not 0 < minStake <= stakeCap.
    error InvalidStakeBounds(uint128 minStake, uint128 stakeCap);

    /// @notice A basis-point parameter exceeds 10,000.
    error InvalidBps(uint256 bps);

    /* MARKET LIFE CYCLE */

    /// @notice A signer of the accepted report tried to dispute it.
    error SignerCannotDispute(address signer);

    /// @notice The arbiter's time to resolve the dispute is over (cancel the market instead).
    error DisputeExpired(uint256 marketId, uint64 deadline);

    /// @notice The claim period of a settled market is not over yet.
    error ClaimPeriodNotOver(uint256 marketId, uint64 sweepableAt);

    /// @notice What was left of the market went to the treasury after its claim period.
    error AlreadySwept(uint256 marketId);

    /// @notice No market has this id.
    error MarketNotFound(uint256 marketId);

    /// @notice The call is not allowed in the market's current phase.
    error InvalidPhase(uint256 marketId, Phase phase);

    /// @notice The commitment is zero.
    error ZeroCommitment();

    /// @notice The stake is outside [minStake, stakeCap].
    error StakeOutOfBounds(uint256 stake, uint128 minStake, uint128 stakeCap);

    /// @notice The curator already committed to this market.
    error AlreadyCommitted(uint256 marketId, address curator);

    /// @notice The curator has no submission in this market.
    error NotCommitted(uint256 marketId, address curator);

    /// @notice The curator already revealed.
    error AlreadyRevealed(uint256 marketId, address curator);

    /// @notice The revealed values do not hash to the stored commitment.
    error CommitmentMismatch(bytes32 expected, bytes32 actual);

    /// @notice The gold set was already revealed.
    error GoldAlreadyRevealed(uint256 marketId);

    /// @notice Attestations need the gold set revealed first.
    error GoldNotRevealed(uint256 marketId);

    /// @notice The report is for another round than the market's current one.
    error WrongRound(uint32 round, uint32 currentRound);

    /// @notice The report's totalPayout is not totalStaked + rewardPool - oracleFee.
    error TotalPayoutMismatch(uint256 totalPayout, uint256 expected);

    /// @notice The signer is not an active oracle.
    error OracleNotActive(address oracle);

    /// @notice The two reports are not for the same market and round, or have the same digest.
    error NotEquivocation(bytes32 digestA, bytes32 digestB);

    /// @notice The two signatures recover to different oracles.
    error SignerMismatch(address signerA, address signerB);

    /// @notice The oracle holds no bond to slash.
    error NothingToSlash(address oracle);

    /// @notice The market's status was already recorded as final.
    error AlreadySettled(uint256 marketId);

    /// @notice The payout leaf was already claimed.
    error AlreadyClaimed(bytes32 leaf);

    /// @notice The Merkle proof does not lead from the leaf to the results root.
    error InvalidProof(bytes32 leaf);

    /// @notice The claim would take the market's claimed total above the report's totalPayout.
    error ClaimExceedsPayout(uint256 claimedAfter, uint256 totalPayout);

    /// @notice A market's token must be the registry's bond token, so that every lock, slash and payout is in one unit.
    error TokenNotBondToken(address token, address bondToken);

    /// @notice The curator's stake was already refunded.
    error AlreadyRefunded(uint256 marketId, address curator);

    /// @notice Nothing is credited to the account in this token.
    error NothingToWithdraw(address token, address account);

    /* ORACLE REGISTRY */

    /// @notice The unbonding delay is not longer than the longest evaluation round plus challenge period.
    error UnbondingDelayTooShort(uint64 delay, uint64 min);

    /// @notice A first bond is below the minimum, or an amount is zero.
    error BondTooLow(uint256 amount, uint256 minBond);

    /// @notice The oracle cannot (re-)register in its current status.
    error OracleNotRegistrable(address oracle, OracleStatus status);

    /// @notice The oracle has not requested exit.
    error OracleNotExiting(address oracle);

    /// @notice An oracle has less unlocked bond than its share of a report's security.
    error InsufficientFreeBond(address oracle, uint256 free, uint256 needed);

    /// @notice One market would lock more than `ConstantsLib.MAX_MARKET_LOCK_BPS` of the oracle's matured bond.
    error LockExceedsBondShare(address oracle, uint256 lockAmount, uint256 maturedBond, uint256 maxBps);

    /// @notice The security ratio lies outside [min, max].
    error InvalidSecurityBps(uint256 securityBps, uint256 min, uint256 max);

    /// @notice The activation delay lies outside [min, unbonding delay].
    error InvalidActivationDelay(uint64 delay, uint64 min, uint64 max);

    /// @notice The unbonding delay has not passed yet.
    error UnbondingNotOver(address oracle, uint64 withdrawableAt);

    /// @notice An open dispute locks the oracle's bond.
    error OracleLocked(address oracle, uint32 locks);

    /// @notice The quorum is zero or above the maximum.
    error InvalidQuorum(uint256 quorum, uint256 max);

    /// @notice The market contract was already set.
    error MarketAlreadySet(address market);
}
