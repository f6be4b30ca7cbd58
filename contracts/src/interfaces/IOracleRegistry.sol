// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Life cycle of an oracle in the registry.
/// @dev None: never registered, or withdrawn. Active: bonded, its signatures count. Exiting: exit requested, its
///      signatures no longer count, the bond can still be slashed until withdrawn. Slashed: bond taken, banned for good.
enum OracleStatus {
    None,
    Active,
    Exiting,
    Slashed
}

/// @notice One oracle's entry (one storage slot).
/// @param bond Bonded amount of `bondToken`.
/// @param withdrawableAt When an exiting oracle may withdraw (0 unless exiting).
/// @param locks Number of open disputes against reports this oracle signed; withdrawal waits until 0.
/// @param status See `OracleStatus`.
struct Oracle {
    uint128 bond;
    uint64 withdrawableAt;
    uint32 locks;
    OracleStatus status;
}

/// @title IOracleRegistry
/// @notice Bonded registry of the oracle operators whose EIP-712 signatures settle feedback markets.
/// @dev The bond token, minimum bond and unbonding delay are fixed at deployment. The owner (Ownable2Step) sets the
///      quorum and the treasury and, once, the market contract allowed to lock and slash bonds.
///      The unbonding delay is strictly longer than `ConstantsLib.MIN_UNBONDING_DELAY` (longest evaluation round plus
///      longest challenge period), so a report an oracle signed while active can always be disputed before its bond
///      leaves; an open dispute then locks the bond until the arbiter resolves it.
interface IOracleRegistry {
    /// @notice The ERC-20 every bond is posted in.
    function bondToken() external view returns (IERC20);

    /// @notice Smallest bond accepted at registration.
    function minBond() external view returns (uint256);

    /// @notice Seconds between `requestExit` and the earliest `withdraw`.
    function unbondingDelay() external view returns (uint64);

    /// @notice Number of distinct active signers one report digest needs to be accepted.
    function quorum() external view returns (uint256);

    /// @notice Receives the part of slashed bonds that does not go to the prover.
    function treasury() external view returns (address);

    /// @notice The market contract allowed to lock, unlock and slash bonds (zero until set).
    function market() external view returns (address);

    /// @notice The registry entry of `account`.
    /// @param account The account.
    function oracle(address account) external view returns (Oracle memory);

    /// @notice Whether `account` is a registered, bonded oracle that has not requested exit (its signatures count).
    /// @param account The account.
    function isActive(address account) external view returns (bool);

    /// @notice Registers the caller with a bond of `amount`, or adds `amount` to the bond of an active oracle.
    /// @dev Pulls `amount` of `bondToken` from the caller (approve first). Slashed oracles can never register again.
    ///      Reverts with `BondTooLow` when a first bond is below `minBond`, `OracleNotRegistrable` when exiting or slashed.
    /// @param amount The amount, in token units.
    function register(uint256 amount) external;

    /// @notice Stops the caller's signatures from counting and starts the unbonding delay.
    /// @dev Reverts with `OracleNotActive` unless the caller is active.
    function requestExit() external;

    /// @notice Pays the caller's whole bond back once the unbonding delay has passed and no dispute locks it.
    /// @dev Reverts with `OracleNotExiting`, `UnbondingNotOver` or `OracleLocked`.
    function withdraw() external;

    /// @notice Sets the quorum (1 … `ConstantsLib.MAX_QUORUM`). Owner only.
    /// @param newQuorum The new quorum.
    function setQuorum(uint256 newQuorum) external;

    /// @notice Sets the treasury that receives the non-prover part of slashed bonds. Owner only; not zero.
    /// @param newTreasury The new treasury.
    function setTreasury(address newTreasury) external;

    /// @notice Sets the market contract once. Owner only.
    /// @param newMarket The market contract.
    function setMarket(address newMarket) external;

    /// @notice Locks the bonds of `oracles` (signers of a disputed report) until `unlock`. Market only.
    /// @param oracles The oracles (signers of the report).
    function lock(address[] calldata oracles) external;

    /// @notice Releases one lock from each of `oracles` (the dispute was resolved). Market only.
    /// @param oracles The oracles (signers of the report).
    function unlock(address[] calldata oracles) external;

    /// @notice Takes the whole bond of `account`, bans it, and pays `PROVER_REWARD_BPS` of it to `prover` and the rest
    ///         to the treasury. Market only (equivocation proofs and overturned reports go through the market).
    /// @return slashed The amount taken; 0 (and no effect) when `account` holds no bond.
    /// @param account The account.
    /// @param prover Who proved the fault and receives the prover reward.
    function slash(address account, address prover) external returns (uint256 slashed);
}
