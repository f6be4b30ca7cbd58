// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "./utils/BaseTest.sol";
import {OracleRegistry} from "../src/OracleRegistry.sol";
import {Oracle, OracleStatus} from "../src/interfaces/IOracleRegistry.sol";
import {ErrorsLib} from "../src/libraries/ErrorsLib.sol";
import {EventsLib} from "../src/libraries/EventsLib.sol";
import {ConstantsLib} from "../src/libraries/ConstantsLib.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract OracleRegistryTest is BaseTest {
    address internal newcomer = makeAddr("newcomer");

    /* CONSTRUCTOR AND OWNER */

    function test_Constructor_SetsEverything() public view {
        assertEq(address(registry.bondToken()), address(token));
        assertEq(registry.minBond(), MIN_BOND);
        assertEq(registry.unbondingDelay(), UNBONDING);
        assertEq(registry.quorum(), 2);
        assertEq(registry.treasury(), treasury);
        assertEq(registry.market(), address(market));
        assertEq(registry.owner(), owner);
        assertEq(registry.activationDelay(), ACTIVATION);
        assertEq(registry.securityBps(), SECURITY_BPS);
        assertGt(UNBONDING, ConstantsLib.MAX_CHALLENGE_PERIOD + ConstantsLib.MAX_EVALUATION_PERIOD);
    }

    function test_Constructor_Reverts() public {
        vm.expectRevert(ErrorsLib.ZeroAddress.selector);
        new OracleRegistry(owner, IERC20(address(0)), MIN_BOND, UNBONDING, ACTIVATION, 2, SECURITY_BPS, treasury);
        vm.expectRevert(ErrorsLib.ZeroAddress.selector);
        new OracleRegistry(owner, token, MIN_BOND, UNBONDING, ACTIVATION, 2, SECURITY_BPS, address(0));
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.BondTooLow.selector, 0, 1));
        new OracleRegistry(owner, token, 0, UNBONDING, ACTIVATION, 2, SECURITY_BPS, treasury);
        uint64 min = ConstantsLib.MIN_UNBONDING_DELAY;
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.UnbondingDelayTooShort.selector, min, min + 1));
        new OracleRegistry(owner, token, MIN_BOND, min, ACTIVATION, 2, SECURITY_BPS, treasury);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidQuorum.selector, 0, ConstantsLib.MAX_QUORUM));
        new OracleRegistry(owner, token, MIN_BOND, UNBONDING, ACTIVATION, 0, SECURITY_BPS, treasury);
        uint64 minActivation = ConstantsLib.MIN_ACTIVATION_DELAY;
        vm.expectRevert(
            abi.encodeWithSelector(
                ErrorsLib.InvalidActivationDelay.selector, minActivation - 1, minActivation, UNBONDING
            )
        );
        new OracleRegistry(owner, token, MIN_BOND, UNBONDING, minActivation - 1, 2, SECURITY_BPS, treasury);
        vm.expectRevert(
            abi.encodeWithSelector(ErrorsLib.InvalidActivationDelay.selector, UNBONDING + 1, minActivation, UNBONDING)
        );
        new OracleRegistry(owner, token, MIN_BOND, UNBONDING, UNBONDING + 1, 2, SECURITY_BPS, treasury);
        uint256 lo = ConstantsLib.MIN_SECURITY_BPS;
        uint256 hi = ConstantsLib.MAX_SECURITY_BPS;
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidSecurityBps.selector, lo - 1, lo, hi));
        new OracleRegistry(owner, token, MIN_BOND, UNBONDING, ACTIVATION, 2, lo - 1, treasury);
    }

    function test_SetSecurityBps_BoundedAndOwnerOnly() public {
        uint256 hi = ConstantsLib.MAX_SECURITY_BPS;
        vm.startPrank(owner);
        vm.expectEmit(address(registry));
        emit EventsLib.SecuritySet(hi);
        registry.setSecurityBps(hi);
        assertEq(registry.securityBps(), hi);
        vm.expectRevert(
            abi.encodeWithSelector(ErrorsLib.InvalidSecurityBps.selector, hi + 1, ConstantsLib.MIN_SECURITY_BPS, hi)
        );
        registry.setSecurityBps(hi + 1);
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        registry.setSecurityBps(hi);
    }

    function test_SetQuorum() public {
        vm.expectEmit(address(registry));
        emit EventsLib.QuorumSet(3);
        vm.prank(owner);
        registry.setQuorum(3);
        assertEq(registry.quorum(), 3);
    }

    function test_SetQuorum_Reverts() public {
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidQuorum.selector, 0, ConstantsLib.MAX_QUORUM));
        registry.setQuorum(0);
        uint256 tooMany = ConstantsLib.MAX_QUORUM + 1;
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidQuorum.selector, tooMany, ConstantsLib.MAX_QUORUM));
        registry.setQuorum(tooMany);
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        registry.setQuorum(1);
    }

    function test_SetTreasury() public {
        vm.expectEmit(address(registry));
        emit EventsLib.TreasurySet(newcomer);
        vm.prank(owner);
        registry.setTreasury(newcomer);
        assertEq(registry.treasury(), newcomer);
    }

    function test_SetTreasury_Reverts() public {
        vm.prank(owner);
        vm.expectRevert(ErrorsLib.ZeroAddress.selector);
        registry.setTreasury(address(0));
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        registry.setTreasury(newcomer);
    }

    function test_SetMarket_OnceAndNotZero() public {
        OracleRegistry fresh =
            new OracleRegistry(owner, token, MIN_BOND, UNBONDING, ACTIVATION, 1, SECURITY_BPS, treasury);
        vm.startPrank(owner);
        vm.expectRevert(ErrorsLib.ZeroAddress.selector);
        fresh.setMarket(address(0));
        vm.expectEmit(address(fresh));
        emit EventsLib.MarketSet(address(market));
        fresh.setMarket(address(market));
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.MarketAlreadySet.selector, address(market)));
        fresh.setMarket(newcomer);
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        fresh.setMarket(newcomer);
    }

    function test_Ownership_TwoStep() public {
        vm.prank(owner);
        registry.transferOwnership(newcomer);
        assertEq(registry.owner(), owner);
        vm.prank(newcomer);
        registry.acceptOwnership();
        assertEq(registry.owner(), newcomer);
    }

    /* ORACLES */

    function test_Register_BondsAndEmits() public {
        token.mint(newcomer, 300 ether);
        vm.startPrank(newcomer);
        token.approve(address(registry), 300 ether);
        vm.expectEmit(address(registry));
        emit EventsLib.OracleRegistered(newcomer, uint64(block.timestamp) + ACTIVATION);
        vm.expectEmit(address(registry));
        emit EventsLib.OracleBonded(newcomer, MIN_BOND, MIN_BOND);
        registry.register(MIN_BOND);
        // Bonded, but its signatures count only after the activation delay.
        assertFalse(registry.isActive(newcomer));
        vm.warp(block.timestamp + ACTIVATION - 1);
        assertFalse(registry.isActive(newcomer));
        vm.warp(block.timestamp + 1);
        assertTrue(registry.isActive(newcomer));
        vm.expectEmit(address(registry));
        emit EventsLib.OracleBonded(newcomer, 5 ether, MIN_BOND + 5 ether);
        registry.register(5 ether); // top-up
        vm.stopPrank();
        Oracle memory o = registry.oracle(newcomer);
        assertEq(o.bond, MIN_BOND + 5 ether);
        assertEq(uint8(o.status), uint8(OracleStatus.Active));
        assertEq(token.balanceOf(address(registry)), 3 * ORACLE_BOND + MIN_BOND + 5 ether);
    }

    function test_Register_RevertsBelowMinOrZeroTopUp() public {
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.BondTooLow.selector, MIN_BOND - 1, MIN_BOND));
        vm.prank(newcomer);
        registry.register(MIN_BOND - 1);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.BondTooLow.selector, 0, 1));
        vm.prank(oracles[0]);
        registry.register(0);
    }

    function test_Register_RevertsWhenExitingOrSlashed() public {
        vm.startPrank(oracles[0]);
        registry.requestExit();
        vm.expectRevert(
            abi.encodeWithSelector(ErrorsLib.OracleNotRegistrable.selector, oracles[0], OracleStatus.Exiting)
        );
        registry.register(MIN_BOND);
        vm.stopPrank();
        vm.prank(address(market));
        registry.slash(oracles[1], newcomer);
        vm.expectRevert(
            abi.encodeWithSelector(ErrorsLib.OracleNotRegistrable.selector, oracles[1], OracleStatus.Slashed)
        );
        vm.prank(oracles[1]);
        registry.register(MIN_BOND);
    }

    function test_RequestExit_StartsUnbonding() public {
        uint64 at = uint64(block.timestamp) + UNBONDING;
        vm.expectEmit(address(registry));
        emit EventsLib.ExitRequested(oracles[0], at);
        vm.prank(oracles[0]);
        registry.requestExit();
        assertFalse(registry.isActive(oracles[0]));
        assertEq(registry.oracle(oracles[0]).withdrawableAt, at);
        assertEq(uint8(registry.oracle(oracles[0]).status), uint8(OracleStatus.Exiting));
    }

    function test_RequestExit_RevertsUnlessActive() public {
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.OracleNotActive.selector, newcomer));
        vm.prank(newcomer);
        registry.requestExit();
    }

    function test_Withdraw_AfterDelayPaysBondAndAllowsReRegistering() public {
        vm.startPrank(oracles[0]);
        registry.requestExit();
        vm.warp(block.timestamp + UNBONDING);
        vm.expectEmit(address(registry));
        emit EventsLib.OracleWithdrawn(oracles[0], ORACLE_BOND);
        registry.withdraw();
        assertEq(token.balanceOf(oracles[0]), ORACLE_BOND);
        assertEq(uint8(registry.oracle(oracles[0]).status), uint8(OracleStatus.None));
        token.approve(address(registry), MIN_BOND);
        registry.register(MIN_BOND);
        vm.stopPrank();
        vm.warp(block.timestamp + ACTIVATION);
        assertTrue(registry.isActive(oracles[0]));
    }

    function test_Withdraw_RevertsUnlessExiting() public {
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.OracleNotExiting.selector, oracles[0]));
        vm.prank(oracles[0]);
        registry.withdraw();
    }

    function test_Withdraw_RevertsBeforeDelay() public {
        vm.startPrank(oracles[0]);
        registry.requestExit();
        uint64 at = registry.oracle(oracles[0]).withdrawableAt;
        vm.warp(at - 1);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.UnbondingNotOver.selector, oracles[0], at));
        registry.withdraw();
        vm.stopPrank();
    }

    /// @dev A report signed, then exit requested: the bond stays locked behind the report until its market settles,
    ///      and an overturn takes the locked part; the rest is withdrawn after the unbonding delay.
    function test_Withdraw_RevertsWhileLockedBehindReport() public {
        (uint256 id,) = _acceptedMarket();
        uint256 lockAmount = market.marketState(id).lockPerSigner;
        vm.prank(oracles[0]);
        registry.requestExit();
        vm.prank(challenger);
        market.dispute(id);
        vm.warp(block.timestamp + UNBONDING);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.OracleLocked.selector, oracles[0], 1));
        vm.prank(oracles[0]);
        registry.withdraw();
        vm.warp(market.marketState(id).disputedAt + 1);
        vm.prank(arbiter);
        market.resolveDispute(id, true);
        Oracle memory o = registry.oracle(oracles[0]);
        assertEq(o.bond, ORACLE_BOND - lockAmount);
        assertEq(o.locked, 0);
        assertEq(uint8(o.status), uint8(OracleStatus.Slashed));
        vm.warp(o.withdrawableAt);
        vm.prank(oracles[0]);
        registry.withdraw();
        assertEq(token.balanceOf(oracles[0]), ORACLE_BOND - lockAmount);
        assertEq(uint8(registry.oracle(oracles[0]).status), uint8(OracleStatus.Slashed)); // still banned
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.NothingToWithdraw.selector, address(token), oracles[0]));
        vm.prank(oracles[0]);
        registry.withdraw();
    }

    /* MARKET HOOKS */

    function test_MarketHooks_OnlyMarket() public {
        address[] memory list = new address[](1);
        list[0] = oracles[0];
        bytes memory err = abi.encodeWithSelector(ErrorsLib.Unauthorized.selector, address(this), address(market));
        vm.expectRevert(err);
        registry.lock(list, 1);
        vm.expectRevert(err);
        registry.unlock(list, 1);
        vm.expectRevert(err);
        registry.slash(oracles[0], address(this));
        vm.expectRevert(err);
        registry.slashLocked(oracles[0], 1, address(this), 0);
    }

    function test_MarketHooks_LockUnlockEmit() public {
        address[] memory list = new address[](1);
        list[0] = oracles[0];
        vm.startPrank(address(market));
        vm.expectEmit(address(registry));
        emit EventsLib.OracleLockedBy(oracles[0], 7 ether, 7 ether, 1);
        registry.lock(list, 7 ether);
        assertEq(registry.freeBond(oracles[0]), ORACLE_BOND - 7 ether);
        vm.expectRevert(
            abi.encodeWithSelector(
                ErrorsLib.InsufficientFreeBond.selector, oracles[0], ORACLE_BOND - 7 ether, ORACLE_BOND
            )
        );
        registry.lock(list, ORACLE_BOND);
        vm.expectEmit(address(registry));
        emit EventsLib.OracleUnlocked(oracles[0], 7 ether, 0, 0);
        registry.unlock(list, 7 ether);
        vm.stopPrank();
    }

    /// @dev Equivocation takes the free bond only: what is locked behind another market's report stays slashable there.
    function test_Slash_TakesFreeBondAndCreditsPullPayments() public {
        address[] memory list = new address[](1);
        list[0] = oracles[0];
        vm.startPrank(address(market));
        registry.lock(list, 1_000 ether);
        uint256 free = ORACLE_BOND - 1_000 ether;
        vm.expectEmit(address(registry));
        emit EventsLib.OracleSlashed(oracles[0], newcomer, free, free / 2, treasury);
        assertEq(registry.slash(oracles[0], newcomer), free);
        vm.stopPrank();
        Oracle memory o = registry.oracle(oracles[0]);
        assertEq(o.bond, 1_000 ether);
        assertEq(o.locked, 1_000 ether);
        assertFalse(registry.isActive(oracles[0]));
        assertEq(registry.bondCredit(newcomer), free / 2);
        assertEq(registry.bondCredit(treasury), free - free / 2);
        vm.expectEmit(address(registry));
        emit EventsLib.BondCreditWithdrawn(newcomer, free / 2);
        registry.withdrawBondCredit(newcomer);
        assertEq(token.balanceOf(newcomer), free / 2);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.NothingToWithdraw.selector, address(token), newcomer));
        registry.withdrawBondCredit(newcomer);
        // Slashed again: nothing to take.
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.NothingToSlash.selector, oracles[0]));
        vm.prank(address(market));
        registry.slash(oracles[0], newcomer);
    }

    function test_Slash_RevertsWithoutRegistration() public {
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.NothingToSlash.selector, newcomer));
        vm.prank(address(market));
        registry.slash(newcomer, address(this));
        assertEq(uint8(registry.oracle(newcomer).status), uint8(OracleStatus.None));
    }
}
