// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Life cycle of an oracle in the registry.
/// @dev None: never registered, or withdrawn. Active: bonded; its signatures count from `activeAt` on. Exiting: exit
///      requested, its signatures no longer count, the bond can still be slashed until withdrawn. Slashed: proven at
///      fault, banned for good; what is left of its bond (the part locked behind other markets' reports) is released as
///      those markets settle and can be withdrawn after the unbonding delay.
enum OracleStatus {
    None,
    Active,
    Exiting,
    Slashed
}

/// @notice One oracle's entry (two storage slots).
/// @param bond Bonded amount of `bondToken`.
/// @param locked Part of `bond` locked behind accepted reports of markets not yet settled (slashable by their disputes).
/// @param activeAt When the oracle's signatures start to count (first bond + the activation delay).
/// @param withdrawableAt When an exiting or slashed oracle may withdraw (0 otherwise).
/// @param locks Number of accepted reports this oracle's bond is locked behind; withdrawal waits until 0.
/// @param status See `OracleStatus`.
/// @param maturing Part of `bond` added by the latest top-ups of an active oracle, not counted as free bond until
///        `maturesAt` (the activation delay gates bond, not only identities).
/// @param maturesAt When `maturing` starts to count (0 when nothing is maturing).
struct Oracle {
    uint128 bond;
    uint128 locked;
    uint64 activeAt;
    uint64 withdrawableAt;
    uint32 locks;
    OracleStatus status;
    uint128 maturing;
    uint64 maturesAt;
}

/// @title IOracleRegistry
/// @notice Bonded registry of the oracle operators whose EIP-712 signatures settle feedback markets.
/// @dev The bond token, minimum bond and unbonding delay are fixed at deployment. The owner (Ownable2Step) sets the
///      quorum and the treasury and, once, the market contract allowed to lock and slash bonds.
///      The unbonding delay is strictly longer than `ConstantsLib.MIN_UNBONDING_DELAY` (longest evaluation round plus
///      longest challenge period). When a report is accepted, each signer locks its share of the market's security
///      (a multiple of the payout), and that amount stays slashable by that market alone until it settles: one bond
///      cannot secure two markets twice. Slashed bonds are paid as pull credits (`withdrawCredit`), so no receiver can
///      block a slash.
interface IOracleRegistry {
    /// @notice The ERC-20 every bond is posted in.
    function bondToken() external view returns (IERC20);

    /// @notice Smallest bond accepted at registration.
    function minBond() external view returns (uint256);

    /// @notice Seconds between `requestExit` and the earliest `withdraw`.
    function unbondingDelay() external view returns (uint64);

    /// @notice Number of distinct active signers one report digest needs to be accepted.
    function quorum() external view returns (uint256);

    /// @notice Receives the part of equivocation slashes that does not go to the prover. No market pays it anything
    ///         (failed pools, overturn slashes and sweeps are burned: `ConstantsLib.BURN_ADDRESS`).
    function treasury() external view returns (address);

    /// @notice Seconds between an oracle's first bond and the time its signatures count.
    function activationDelay() external view returns (uint64);

    /// @notice Bond the signers of an accepted report lock together, in basis points of what the report pays out
    ///         (markets snapshot it at creation).
    function securityBps() external view returns (uint256);

    /// @notice Slashed bond credited to `account` (a prover or the treasury) and not yet withdrawn.
    /// @param account The account.
    function bondCredit(address account) external view returns (uint256);

    /// @notice `bond - locked` of `account`, less a top-up still maturing: what it can still lock behind a new report.
    /// @param account The account.
    function freeBond(address account) external view returns (uint256);

    /// @notice Whether `account` was slashed (banned for good): it gets no share of fees or dispute bonds.
    /// @param account The account.
    function isSlashed(address account) external view returns (bool);

    /// @notice What a market checks before counting a signature of `account`, in one call.
    /// @param account The account.
    /// @return active Whether its signatures count (`isActive`).
    /// @return free Its free bond (`freeBond`).
    /// @return matured Its bond less a top-up still maturing: one market may lock at most
    ///         `ConstantsLib.MAX_MARKET_LOCK_BPS` of it.
    function backing(address account) external view returns (bool active, uint256 free, uint256 matured);

    /// @notice Who proved that `account` equivocated (zero if nobody): it also receives the prover's share of every
    ///         lock of `account` released afterwards, since a banned equivocator gets none of its bond back.
    /// @param account The account.
    function equivocationProver(address account) external view returns (address);

    /// @notice The market contract allowed to lock, unlock and slash bonds (zero until set).
    function market() external view returns (address);

    /// @notice The registry entry of `account`.
    /// @param account The account.
    function oracle(address account) external view returns (Oracle memory);

    /// @notice Whether `account` is a bonded oracle past its activation delay that has not requested exit or been
    ///         slashed (its signatures count).
    /// @param account The account.
    function isActive(address account) external view returns (bool);

    /// @notice Registers the caller with a bond of `amount`, or adds `amount` to the bond of an active oracle. A top-up
    ///         counts as free bond only after the activation delay (`Oracle.maturing`, `Oracle.maturesAt`).
    /// @dev Pulls `amount` of `bondToken` from the caller (approve first). Slashed oracles can never register again.
    ///      Reverts with `BondTooLow` when a first bond is below `minBond`, `OracleNotRegistrable` when exiting or slashed.
    /// @param amount The amount, in token units.
    function register(uint256 amount) external;

    /// @notice Stops the caller's signatures from counting and starts the unbonding delay.
    /// @dev Reverts with `OracleNotActive` unless the caller is active.
    function requestExit() external;

    /// @notice Pays the caller's bond back once the unbonding delay has passed and no accepted report locks it
    ///         (exiting oracles, and slashed ones for what is left).
    /// @dev Reverts with `OracleNotExiting`, `UnbondingNotOver` or `OracleLocked`.
    function withdraw() external;

    /// @notice Pays `account` its slashed-bond credit (anyone may call; funds go to `account`).
    /// @param account The account.
    function withdrawBondCredit(address account) external;

    /// @notice Sets the security ratio (`ConstantsLib.MIN_SECURITY_BPS` … `MAX_SECURITY_BPS`). Owner only; running
    ///         markets keep the ratio they were created with.
    /// @param newSecurityBps The new ratio in basis points.
    function setSecurityBps(uint256 newSecurityBps) external;

    /// @notice Sets the quorum (1 … `ConstantsLib.MAX_QUORUM`). Owner only.
    /// @param newQuorum The new quorum.
    function setQuorum(uint256 newQuorum) external;

    /// @notice Sets the treasury that receives the non-prover part of equivocation slashes. Owner only; not zero.
    /// @param newTreasury The new treasury.
    function setTreasury(address newTreasury) external;

    /// @notice Sets the market contract once. Owner only.
    /// @param newMarket The market contract.
    function setMarket(address newMarket) external;

    /// @notice Locks `amount` of each of `oracles`' bond behind an accepted report until `unlock` or `slashLocked`.
    ///         Market only.
    /// @dev Reverts with `InsufficientFreeBond` when one of them has less than `amount` free, `LockExceedsBondShare`
    ///      when `amount` exceeds `MAX_MARKET_LOCK_BPS` of its matured bond.
    /// @param oracles The oracles (signers of the report).
    /// @param amount The amount each locks.
    function lock(address[] calldata oracles, uint256 amount) external;

    /// @notice Releases `amount` and one lock from each of `oracles` (their report's market settled). Market only.
    ///         The lock of an oracle banned for equivocation is slashed instead (`equivocationProver`).
    /// @param oracles The oracles (signers of the report).
    /// @param amount The amount each had locked.
    function unlock(address[] calldata oracles, uint256 amount) external;

    /// @notice Takes `amount` locked behind an overturned report from `account`, bans it, and credits
    ///         `min(PROVER_REWARD_BPS of it, maxReward)` to `prover` and the rest to `ConstantsLib.BURN_ADDRESS`.
    ///         Market only.
    /// @return reward The part credited to `prover`.
    /// @param account The signer of the overturned report.
    /// @param amount The amount it locked behind that report.
    /// @param prover The challenger.
    /// @param maxReward What is left of the challenger's reward cap (its dispute bond) for this overturn.
    function slashLocked(address account, uint256 amount, address prover, uint256 maxReward)
        external
        returns (uint256 reward);

    /// @notice Takes the unlocked part of `account`'s bond (the locked part stays behind its reports), bans it, and
    ///         credits `PROVER_REWARD_BPS` of it to `prover` and the rest to the treasury. Market only (equivocation).
    /// @return slashed The amount taken; reverts with `NothingToSlash` when `account` is already slashed or unknown.
    /// @param account The account.
    /// @param prover Who proved the fault and receives the prover reward.
    function slash(address account, address prover) external returns (uint256 slashed);
}
