// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ConstantsLib
/// @notice Protocol-wide bounds shared by the market and the oracle registry.
library ConstantsLib {
    /// @dev Basis-point denominator (100% = 10,000).
    uint256 internal constant BPS = 10_000;

    /// @dev Shortest challenge period a market may choose: long enough for a watcher to see a wrong report and dispute
    ///      it (UMA's Optimistic Oracle defaults to two hours of liveness).
    uint64 internal constant MIN_CHALLENGE_PERIOD = 1 hours;

    /// @dev Longest challenge period a market may choose.
    uint64 internal constant MAX_CHALLENGE_PERIOD = 14 days;

    /// @dev Shortest time oracles get after the gold reveal: a market needs goldDeadline + this <= evaluationDeadline,
    ///      and a late gold reveal pushes the round's deadline to at least revealedAt + this.
    uint64 internal constant MIN_EVALUATION_WINDOW = 12 hours;

    /// @dev Evaluation rounds a market may run (the first plus one per overturned report); overturning the last one
    ///      cancels the market, so nobody can hold it hostage round after round.
    uint32 internal constant MAX_ROUNDS = 3;

    /// @dev Time the arbiter has to resolve a dispute; afterwards anyone can cancel the market (stakes, the dispute
    ///      bond and the locked oracle bonds go back), so a missing arbiter cannot freeze funds.
    uint64 internal constant RESOLUTION_PERIOD = 30 days;

    /// @dev After a market settled, how long claims and refunds stay open before `sweep` sends what is left to the
    ///      treasury.
    uint64 internal constant CLAIM_PERIOD = 365 days;

    /// @dev Smallest dispute bond, as a share of the reward pool (the largest is the pool itself).
    uint256 internal constant MIN_DISPUTE_BOND_BPS = 100;

    /// @dev Largest reward pool and stake cap, so pool + stakes + a dispute bond always fit the uint128 balance.
    uint256 internal constant MAX_AMOUNT = type(uint96).max;

    /// @dev Longest evaluation round (revealDeadline → evaluationDeadline, and each new round after an overturn).
    uint64 internal constant MAX_EVALUATION_PERIOD = 30 days;

    /// @dev An oracle that attested while active can be reached by a dispute at most
    ///      MAX_EVALUATION_PERIOD + MAX_CHALLENGE_PERIOD later, and a dispute locks its bond until resolved.
    ///      The registry's unbonding delay must be strictly longer than this.
    uint64 internal constant MIN_UNBONDING_DELAY = MAX_EVALUATION_PERIOD + MAX_CHALLENGE_PERIOD;

    /// @dev Largest quorum the registry accepts; bounds every per-signer loop.
    uint256 internal constant MAX_QUORUM = 32;

    /// @dev Shortest delay between an oracle's first bond and its first counted signature, so oracles cannot be
    ///      registered in reaction to one market.
    uint64 internal constant MIN_ACTIVATION_DELAY = 1 hours;

    /// @dev Bounds of the registry's security ratio: the bond the signers of an accepted report lock, together, as a
    ///      share of what the report pays out (10% … 10x).
    uint256 internal constant MIN_SECURITY_BPS = 1_000;
    uint256 internal constant MAX_SECURITY_BPS = 100_000;

    /// @dev scoreBps of the sponsor's remainder leaf: no curator score can take it (scores lie in -10000 … 10000), so
    ///      the remainder leaf never equals a curator leaf of the same account.
    int32 internal constant SPONSOR_LEAF_SCORE = type(int32).min;

    /// @dev Share of a slashed bond paid to whoever proved the fault; the rest goes to the treasury.
    uint256 internal constant PROVER_REWARD_BPS = 5_000;

    /// @dev EIP-712 type hash of the signed report.
    bytes32 internal constant REPORT_TYPEHASH = keccak256(
        "Report(uint256 marketId,uint32 round,bytes32 resultsRoot,uint256 totalPayout,bytes32 scoresHash,bytes32 metricsHash)"
    );
}
