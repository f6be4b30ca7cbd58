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
    ///      so even a gold set revealed at the last moment leaves oracles this long (no deadline is ever pushed).
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

    /// @dev Shortest delay between a bond and the moment it counts: a new oracle's first signature, and a top-up's
    ///      share of the free bond (`Oracle.maturing` until `Oracle.maturesAt`), so neither identities nor bond can be
    ///      added in reaction to one market.
    uint64 internal constant MIN_ACTIVATION_DELAY = 1 hours;

    /// @dev Bounds of the registry's security ratio: the bond the signers of an accepted report lock, together, as a
    ///      share of what the report pays out (10% … 10x).
    uint256 internal constant MIN_SECURITY_BPS = 1_000;
    uint256 internal constant MAX_SECURITY_BPS = 100_000;

    /// @dev scoreBps of the payout remainder leaf (the sponsor's until review 2, the burn address's since; the name is
    ///      kept for integrators): no curator score can take it (scores lie in -10000 … 10000), so the remainder leaf
    ///      never equals a curator leaf of the same account.
    int32 internal constant SPONSOR_LEAF_SCORE = type(int32).min;

    /// @dev Share of a slashed bond paid to whoever proved the fault. For an equivocation the rest goes to the
    ///      treasury; for an overturned report the challenger's reward is also capped at its dispute bond and the rest
    ///      is burned, so nobody who can steer a dispute (the signers' second address, a challenger colluding with the
    ///      arbiter, the treasury's controller) collects more than the bond it put at risk.
    uint256 internal constant PROVER_REWARD_BPS = 5_000;

    /// @dev Largest share of an oracle's matured bond that one market may lock (25%): a decoy market sized to an honest
    ///      oracle's bond cannot freeze it, and backing four such markets at once needs four markets' capital.
    uint256 internal constant MAX_MARKET_LOCK_BPS = 2_500;

    /// @dev Where value goes that nobody who can act on a market may receive: the pool of a market that failed after
    ///      curators revealed, the non-prover part of an overturn slash, a fee whose signers were all slashed, what is
    ///      swept after the claim period, and (off chain) the payout remainder leaf. Credited, like every outflow; the
    ///      tokens stay held for this address, which nobody controls.
    address internal constant BURN_ADDRESS = 0x000000000000000000000000000000000000dEaD;

    /// @dev EIP-712 type hash of the signed report.
    bytes32 internal constant REPORT_TYPEHASH = keccak256(
        "Report(uint256 marketId,uint32 round,bytes32 resultsRoot,uint256 totalPayout,bytes32 scoresHash,bytes32 metricsHash)"
    );
}
