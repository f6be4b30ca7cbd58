// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ConstantsLib
/// @notice Protocol-wide bounds shared by the market and the oracle registry.
library ConstantsLib {
    /// @dev Basis-point denominator (100% = 10,000).
    uint256 internal constant BPS = 10_000;

    /// @dev Longest challenge period a market may choose.
    uint64 internal constant MAX_CHALLENGE_PERIOD = 14 days;

    /// @dev Longest evaluation round (revealDeadline → evaluationDeadline, and each new round after an overturn).
    uint64 internal constant MAX_EVALUATION_PERIOD = 30 days;

    /// @dev An oracle that attested while active can be reached by a dispute at most
    ///      MAX_EVALUATION_PERIOD + MAX_CHALLENGE_PERIOD later, and a dispute locks its bond until resolved.
    ///      The registry's unbonding delay must be strictly longer than this.
    uint64 internal constant MIN_UNBONDING_DELAY = MAX_EVALUATION_PERIOD + MAX_CHALLENGE_PERIOD;

    /// @dev Largest quorum the registry accepts; bounds every per-signer loop.
    uint256 internal constant MAX_QUORUM = 32;

    /// @dev Share of a slashed bond paid to whoever proved the fault; the rest goes to the treasury.
    uint256 internal constant PROVER_REWARD_BPS = 5_000;

    /// @dev EIP-712 type hash of the signed report.
    bytes32 internal constant REPORT_TYPEHASH = keccak256(
        "Report(uint256 marketId,uint32 round,bytes32 resultsRoot,uint256 totalPayout,bytes32 scoresHash,bytes32 metricsHash)"
    );
}
