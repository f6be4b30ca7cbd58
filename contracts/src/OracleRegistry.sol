// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

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

    /* STORAGE */

    /// @inheritdoc IOracleRegistry
    uint256 public quorum;
    /// @inheritdoc IOracleRegistry
    address public treasury;
    /// @inheritdoc IOracleRegistry
    address public market;

    mapping(address account => Oracle) internal _oracles;

    /* CONSTRUCTOR */

    /// @notice Deploys the registry with its fixed bond token, minimum bond and unbonding delay.
    /// @param owner_ Governance (Ownable2Step).
    /// @param bondToken_ Token of every bond.
    /// @param minBond_ Smallest first bond (at least 1).
    /// @param unbondingDelay_ Strictly longer than `ConstantsLib.MIN_UNBONDING_DELAY`.
    /// @param quorum_ Initial quorum.
    /// @param treasury_ Receives the non-prover part of slashed bonds.
    constructor(
        address owner_,
        IERC20 bondToken_,
        uint256 minBond_,
        uint64 unbondingDelay_,
        uint256 quorum_,
        address treasury_
    ) Ownable(owner_) {
        if (address(bondToken_) == address(0) || treasury_ == address(0)) {
            revert ErrorsLib.ZeroAddress();
        }
        if (minBond_ == 0) revert ErrorsLib.BondTooLow(minBond_, 1);
        if (unbondingDelay_ <= ConstantsLib.MIN_UNBONDING_DELAY) {
            revert ErrorsLib.UnbondingDelayTooShort(unbondingDelay_, ConstantsLib.MIN_UNBONDING_DELAY + 1);
        }
        _checkQuorum(quorum_);

        bondToken = bondToken_;
        minBond = minBond_;
        unbondingDelay = unbondingDelay_;
        quorum = quorum_;
        treasury = treasury_;

        emit EventsLib.QuorumSet(quorum_);
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
            o.status = OracleStatus.Active;
        } else if (status == OracleStatus.Active) {
            if (amount == 0) revert ErrorsLib.BondTooLow(0, 1);
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
        if (o.status != OracleStatus.Exiting) revert ErrorsLib.OracleNotExiting(msg.sender);
        if (block.timestamp < o.withdrawableAt) revert ErrorsLib.UnbondingNotOver(msg.sender, o.withdrawableAt);
        if (o.locks != 0) revert ErrorsLib.OracleLocked(msg.sender, o.locks);
        uint256 amount = o.bond;
        delete _oracles[msg.sender];

        emit EventsLib.OracleWithdrawn(msg.sender, amount);

        bondToken.safeTransfer(msg.sender, amount);
    }

    /* MARKET HOOKS */

    /// @inheritdoc IOracleRegistry
    function lock(address[] calldata oracles) external onlyMarket {
        for (uint256 i; i < oracles.length; ++i) {
            Oracle storage o = _oracles[oracles[i]];
            uint32 locks = o.locks + 1;
            o.locks = locks;
            emit EventsLib.OracleLockedBy(oracles[i], locks);
        }
    }

    /// @inheritdoc IOracleRegistry
    function unlock(address[] calldata oracles) external onlyMarket {
        for (uint256 i; i < oracles.length; ++i) {
            Oracle storage o = _oracles[oracles[i]];
            uint32 locks = o.locks - 1;
            o.locks = locks;
            emit EventsLib.OracleUnlocked(oracles[i], locks);
        }
    }

    /// @inheritdoc IOracleRegistry
    function slash(address account, address prover) external onlyMarket nonReentrant returns (uint256 slashed) {
        Oracle storage o = _oracles[account];
        slashed = o.bond;
        if (slashed == 0) return 0;
        o.bond = 0;
        o.withdrawableAt = 0;
        o.status = OracleStatus.Slashed;
        uint256 proverReward = slashed * ConstantsLib.PROVER_REWARD_BPS / ConstantsLib.BPS;
        address treasury_ = treasury;

        emit EventsLib.OracleSlashed(account, prover, slashed, proverReward, treasury_);

        bondToken.safeTransfer(prover, proverReward);
        bondToken.safeTransfer(treasury_, slashed - proverReward);
    }

    /* VIEWS */

    /// @inheritdoc IOracleRegistry
    function oracle(address account) external view returns (Oracle memory) {
        return _oracles[account];
    }

    /// @inheritdoc IOracleRegistry
    function isActive(address account) external view returns (bool) {
        return _oracles[account].status == OracleStatus.Active;
    }

    /* INTERNAL */

    function _checkQuorum(uint256 q) internal pure {
        if (q == 0 || q > ConstantsLib.MAX_QUORUM) revert ErrorsLib.InvalidQuorum(q, ConstantsLib.MAX_QUORUM);
    }
}
