// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IOracleRegistry, Oracle, OracleStatus} from "./interfaces/IOracleRegistry.sol";
import {ConstantsLib} from "./libraries/ConstantsLib.sol";
import {ErrorsLib} from "./libraries/ErrorsLib.sol";
import {EventsLib} from "./libraries/EventsLib.sol";

/// @title OracleRegistry
/// @notice Bonds, quorum and slashing of the oracle operators. See `IOracleRegistry`.
contract OracleRegistry is IOracleRegistry, Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /* IMMUTABLES */

    /// @inheritdoc IOracleRegistry
    IERC20 public immutable bondToken;
    /// @inheritdoc IOracleRegistry
    uint256 public immutable minBond;
    /// @inheritdoc IOracleRegistry
    uint64 public immutable unbondingDelay;
    /// @inheritdoc IOracleRegistry
    uint64 public immutable activationDelay;

    /* STORAGE */

    /// @inheritdoc IOracleRegistry
    uint256 public quorum;
    /// @inheritdoc IOracleRegistry
    address public treasury;
    /// @inheritdoc IOracleRegistry
    address public market;
    /// @inheritdoc IOracleRegistry
    uint256 public securityBps;
    /// @inheritdoc IOracleRegistry
    mapping(address account => uint256) public bondCredit;
    /// @inheritdoc IOracleRegistry
    mapping(address account => address) public equivocationProver;

    mapping(address account => Oracle) internal _oracles;

    /* CONSTRUCTOR */

    /// @notice Deploys the registry with its fixed bond token, minimum bond, unbonding and activation delays.
    /// @param owner_ Governance (Ownable2Step).
    /// @param bondToken_ Token of every bond.
    /// @param minBond_ Smallest first bond (at least 1).
    /// @param unbondingDelay_ Strictly longer than `ConstantsLib.MIN_UNBONDING_DELAY`.
    /// @param activationDelay_ From `ConstantsLib.MIN_ACTIVATION_DELAY` to `unbondingDelay_`.
    /// @param quorum_ Initial quorum.
    /// @param securityBps_ Initial security ratio (see `securityBps`).
    /// @param treasury_ Receives the non-prover part of slashed bonds.
    constructor(
        address owner_,
        IERC20 bondToken_,
        uint256 minBond_,
        uint64 unbondingDelay_,
        uint64 activationDelay_,
        uint256 quorum_,
        uint256 securityBps_,
        address treasury_
    ) Ownable(owner_) {
        if (address(bondToken_) == address(0) || treasury_ == address(0)) {
            revert ErrorsLib.ZeroAddress();
        }
        if (minBond_ == 0) revert ErrorsLib.BondTooLow(minBond_, 1);
        if (unbondingDelay_ <= ConstantsLib.MIN_UNBONDING_DELAY) {
            revert ErrorsLib.UnbondingDelayTooShort(unbondingDelay_, ConstantsLib.MIN_UNBONDING_DELAY + 1);
        }
        if (activationDelay_ < ConstantsLib.MIN_ACTIVATION_DELAY || activationDelay_ > unbondingDelay_) {
            revert ErrorsLib.InvalidActivationDelay(
                activationDelay_, ConstantsLib.MIN_ACTIVATION_DELAY, unbondingDelay_
            );
        }
        _checkQuorum(quorum_);
        _checkSecurity(securityBps_);

        bondToken = bondToken_;
        minBond = minBond_;
        unbondingDelay = unbondingDelay_;
        activationDelay = activationDelay_;
        quorum = quorum_;
        securityBps = securityBps_;
        treasury = treasury_;

        emit EventsLib.QuorumSet(quorum_);
        emit EventsLib.SecuritySet(securityBps_);
        emit EventsLib.TreasurySet(treasury_);
    }

    /* MODIFIERS */

    modifier onlyMarket() {
        if (msg.sender != market) revert ErrorsLib.Unauthorized(msg.sender, market);
        _;
    }

    /* OWNER FUNCTIONS */

    /// @inheritdoc IOracleRegistry
    function setQuorum(uint256 newQuorum) external onlyOwner {
        _checkQuorum(newQuorum);
        quorum = newQuorum;
        emit EventsLib.QuorumSet(newQuorum);
    }

    /// @inheritdoc IOracleRegistry
    function setSecurityBps(uint256 newSecurityBps) external onlyOwner {
        _checkSecurity(newSecurityBps);
        securityBps = newSecurityBps;
        emit EventsLib.SecuritySet(newSecurityBps);
    }

    /// @inheritdoc IOracleRegistry
    function setTreasury(address newTreasury) external onlyOwner {
        if (newTreasury == address(0)) revert ErrorsLib.ZeroAddress();
        treasury = newTreasury;
        emit EventsLib.TreasurySet(newTreasury);
    }

    /// @inheritdoc IOracleRegistry
    function setMarket(address newMarket) external onlyOwner {
        if (market != address(0)) revert ErrorsLib.MarketAlreadySet(market);
        if (newMarket == address(0)) revert ErrorsLib.ZeroAddress();
        market = newMarket;
        emit EventsLib.MarketSet(newMarket);
    }

    /* ORACLES */

    /// @inheritdoc IOracleRegistry
    function register(uint256 amount) external nonReentrant {
        Oracle storage o = _oracles[msg.sender];
        OracleStatus status = o.status;
        if (status == OracleStatus.None) {
            if (amount < minBond) revert ErrorsLib.BondTooLow(amount, minBond);
            uint64 activeAt = uint64(block.timestamp) + activationDelay;
            o.status = OracleStatus.Active;
            o.activeAt = activeAt;
            emit EventsLib.OracleRegistered(msg.sender, activeAt);
        } else if (status == OracleStatus.Active) {
            if (amount == 0) revert ErrorsLib.BondTooLow(0, 1);
            // A top-up matures like a first bond; one still maturing restarts with the new amount added.
            uint128 maturing = block.timestamp < o.maturesAt ? o.maturing : 0;
            o.maturing = maturing + SafeCast.toUint128(amount);
            o.maturesAt = uint64(block.timestamp) + activationDelay;
        } else {
            revert ErrorsLib.OracleNotRegistrable(msg.sender, status);
        }
        uint128 bond = o.bond + SafeCast.toUint128(amount);
        o.bond = bond;

        emit EventsLib.OracleBonded(msg.sender, amount, bond);

        bondToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IOracleRegistry
    function requestExit() external {
        Oracle storage o = _oracles[msg.sender];
        if (o.status != OracleStatus.Active) revert ErrorsLib.OracleNotActive(msg.sender);
        uint64 withdrawableAt = uint64(block.timestamp) + unbondingDelay;
        o.status = OracleStatus.Exiting;
        o.withdrawableAt = withdrawableAt;

        emit EventsLib.ExitRequested(msg.sender, withdrawableAt);
    }

    /// @inheritdoc IOracleRegistry
    function withdraw() external nonReentrant {
        Oracle storage o = _oracles[msg.sender];
        OracleStatus status = o.status;
        if (status != OracleStatus.Exiting && status != OracleStatus.Slashed) {
            revert ErrorsLib.OracleNotExiting(msg.sender);
        }
        if (block.timestamp < o.withdrawableAt) revert ErrorsLib.UnbondingNotOver(msg.sender, o.withdrawableAt);
        if (o.locks != 0) revert ErrorsLib.OracleLocked(msg.sender, o.locks);
        uint256 amount = o.bond;
        if (status == OracleStatus.Exiting) {
            delete _oracles[msg.sender];
        } else {
            // A slashed oracle stays banned: keep its status, pay what its settled markets released.
            if (amount == 0) revert ErrorsLib.NothingToWithdraw(address(bondToken), msg.sender);
            o.bond = 0;
        }

        emit EventsLib.OracleWithdrawn(msg.sender, amount);

        bondToken.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IOracleRegistry
    function withdrawBondCredit(address account) external nonReentrant {
        uint256 amount = bondCredit[account];
        if (amount == 0) revert ErrorsLib.NothingToWithdraw(address(bondToken), account);
        bondCredit[account] = 0;

        emit EventsLib.BondCreditWithdrawn(account, amount);

        bondToken.safeTransfer(account, amount);
    }

    /* MARKET HOOKS */

    /// @inheritdoc IOracleRegistry
    function lock(address[] calldata oracles, uint256 amount) external onlyMarket {
        uint128 amount128 = SafeCast.toUint128(amount);
        for (uint256 i; i < oracles.length; ++i) {
            Oracle storage o = _oracles[oracles[i]];
            (uint256 free, uint256 matured) = _free(o);
            if (free < amount) revert ErrorsLib.InsufficientFreeBond(oracles[i], free, amount);
            if (amount * ConstantsLib.BPS > matured * ConstantsLib.MAX_MARKET_LOCK_BPS) {
                revert ErrorsLib.LockExceedsBondShare(oracles[i], amount, matured, ConstantsLib.MAX_MARKET_LOCK_BPS);
            }
            uint128 locked = o.locked + amount128;
            uint32 locks = o.locks + 1;
            o.locked = locked;
            o.locks = locks;
            emit EventsLib.OracleLockedBy(oracles[i], amount, locked, locks);
        }
    }

    /// @inheritdoc IOracleRegistry
    function unlock(address[] calldata oracles, uint256 amount) external onlyMarket {
        uint128 amount128 = SafeCast.toUint128(amount);
        for (uint256 i; i < oracles.length; ++i) {
            address account = oracles[i];
            Oracle storage o = _oracles[account];
            uint128 locked = o.locked - amount128;
            uint32 locks = o.locks - 1;
            o.locked = locked;
            o.locks = locks;
            emit EventsLib.OracleUnlocked(account, amount, locked, locks);
            // An equivocator forfeits its whole bond: a lock it still had when proven is slashed as it comes free,
            // so a fully locked bond is no licence to equivocate.
            address prover = equivocationProver[account];
            if (prover != address(0)) {
                o.bond -= amount128;
                _creditSlash(account, prover, amount, amount, treasury);
            }
        }
    }

    /// @inheritdoc IOracleRegistry
    function slashLocked(address account, uint256 amount, address prover, uint256 maxReward)
        external
        onlyMarket
        returns (uint256 reward)
    {
        Oracle storage o = _oracles[account];
        // The market slashes exactly what it locked, so the lock is there: checked arithmetic would catch anything else.
        uint128 amount128 = SafeCast.toUint128(amount);
        o.locked -= amount128;
        --o.locks;
        o.bond -= amount128;
        _ban(o);
        // The rest is burned, not sent to the treasury: whoever controls it could otherwise dispute its own oracles'
        // report and take both halves back.
        reward = _creditSlash(account, prover, amount, maxReward, ConstantsLib.BURN_ADDRESS);
    }

    /// @inheritdoc IOracleRegistry
    function slash(address account, address prover) external onlyMarket returns (uint256 slashed) {
        Oracle storage o = _oracles[account];
        OracleStatus status = o.status;
        if (status == OracleStatus.None || status == OracleStatus.Slashed) revert ErrorsLib.NothingToSlash(account);
        // The locked part stays behind the reports it secures: each market slashes its own share on an overturn, and
        // whatever a settled market releases goes to this prover (`unlock`), never back to the equivocator.
        uint128 free = o.bond - o.locked;
        o.bond -= free;
        o.maturing = 0;
        _ban(o);
        equivocationProver[account] = prover;
        slashed = free;
        _creditSlash(account, prover, slashed, slashed, treasury);
    }

    /* VIEWS */

    /// @inheritdoc IOracleRegistry
    function oracle(address account) external view returns (Oracle memory) {
        return _oracles[account];
    }

    /// @inheritdoc IOracleRegistry
    function isActive(address account) external view returns (bool) {
        Oracle storage o = _oracles[account];
        return o.status == OracleStatus.Active && block.timestamp >= o.activeAt;
    }

    /// @inheritdoc IOracleRegistry
    function freeBond(address account) external view returns (uint256 free) {
        (free,) = _free(_oracles[account]);
    }

    /// @inheritdoc IOracleRegistry
    function isSlashed(address account) external view returns (bool) {
        return _oracles[account].status == OracleStatus.Slashed;
    }

    /// @inheritdoc IOracleRegistry
    function backing(address account) external view returns (bool active, uint256 free, uint256 matured) {
        Oracle storage o = _oracles[account];
        active = o.status == OracleStatus.Active && block.timestamp >= o.activeAt;
        (free, matured) = _free(o);
    }

    /* INTERNAL */

    /// @dev Bans `o` (its signatures never count again); what is left of its bond is withdrawable once unlocked and
    ///      the unbonding delay has passed.
    function _ban(Oracle storage o) internal {
        o.status = OracleStatus.Slashed;
        o.withdrawableAt = uint64(block.timestamp) + unbondingDelay;
    }

    /// @dev Free bond (`bond - locked`, less a top-up still maturing, never below zero) and matured bond of `o`.
    function _free(Oracle storage o) internal view returns (uint256 free, uint256 matured) {
        uint256 bond = o.bond;
        uint256 maturing = block.timestamp < o.maturesAt ? o.maturing : 0;
        matured = bond > maturing ? bond - maturing : 0;
        uint256 locked = o.locked;
        free = matured > locked ? matured - locked : 0;
    }

    /// @dev Credits `min(PROVER_REWARD_BPS of slashed, maxReward)` to `prover` and the rest to `rest`: pull payments,
    ///      so a receiver that cannot take tokens cannot block the slash.
    function _creditSlash(address account, address prover, uint256 slashed, uint256 maxReward, address rest)
        internal
        returns (uint256 proverReward)
    {
        proverReward = Math.min(slashed * ConstantsLib.PROVER_REWARD_BPS / ConstantsLib.BPS, maxReward);
        bondCredit[prover] += proverReward;
        bondCredit[rest] += slashed - proverReward;
        emit EventsLib.OracleSlashed(account, prover, slashed, proverReward, rest);
    }

    function _checkSecurity(uint256 bps) internal pure {
        if (bps < ConstantsLib.MIN_SECURITY_BPS || bps > ConstantsLib.MAX_SECURITY_BPS) {
            revert ErrorsLib.InvalidSecurityBps(bps, ConstantsLib.MIN_SECURITY_BPS, ConstantsLib.MAX_SECURITY_BPS);
        }
    }

    function _checkQuorum(uint256 q) internal pure {
        if (q == 0 || q > ConstantsLib.MAX_QUORUM) revert ErrorsLib.InvalidQuorum(q, ConstantsLib.MAX_QUORUM);
    }
}
