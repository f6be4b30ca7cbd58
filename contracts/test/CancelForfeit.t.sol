// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "./utils/BaseTest.sol";
import {Phase, MarketState, MarketStatus, CreditReason} from "../src/interfaces/IFeedbackMarket.sol";
import {ErrorsLib} from "../src/libraries/ErrorsLib.sol";
import {EventsLib} from "../src/libraries/EventsLib.sol";

contract CancelForfeitTest is BaseTest {
    /// @dev Three curators committed (10, 20, 30), 0 and 1 revealed, gold revealed, evaluation deadline passed.
    function _cancellable() internal returns (uint256 id) {
        id = _evaluatingMarket();
        vm.warp(market.marketState(id).evaluationDeadline);
    }

    /// @dev Same curators, gold never revealed, gold deadline passed.
    function _forfeitable(bool anyReveal) internal returns (uint256 id) {
        id = _create();
        _commit(id, curators[0], 10 ether);
        _commit(id, curators[1], 20 ether);
        _commit(id, curators[2], 30 ether);
        _toReveal(id);
        if (anyReveal) {
            _reveal(id, curators[0]);
            _reveal(id, curators[1]);
        }
        vm.warp(market.marketConfig(id).goldDeadline);
    }

    /// @dev Three curators committed (10, 20, 30), none revealed, evaluation deadline passed.
    function _cancellableUnrevealed() internal returns (uint256 id) {
        id = _create();
        _commit(id, curators[0], 10 ether);
        _commit(id, curators[1], 20 ether);
        _commit(id, curators[2], 30 ether);
        _toReveal(id);
        vm.warp(market.marketConfig(id).goldDeadline);
    }

    /* CANCEL */

    /// @dev Labels were revealed: the sponsor cannot take the pool back, it goes to the treasury.
    function test_Cancel_AfterRevealsCreditsPoolToTreasury() public {
        uint256 id = _cancellable();
        assertEq(uint8(_phase(id)), uint8(Phase.Cancelled));
        vm.expectEmit(address(market));
        emit EventsLib.MarketCancelled(id, 0, POOL, BURN);
        vm.expectEmit(address(market));
        emit EventsLib.Credited(id, BURN, address(token), POOL, CreditReason.PoolBurned);
        market.cancel(id);
        MarketState memory s = market.marketState(id);
        assertEq(uint8(s.status), uint8(MarketStatus.Cancelled));
        assertEq(s.balance, 60 ether);
        assertEq(s.settledAt, block.timestamp);
        assertEq(market.credit(address(token), sponsor), 0);
        assertEq(market.credit(address(token), BURN), POOL);
    }

    function test_Cancel_RefundsEveryStakeBeforeOrAfterCancel() public {
        uint256 id = _cancellable();
        market.refund(id, curators[2]); // due but not recorded yet
        market.cancel(id);
        market.refund(id, curators[0]);
        market.refund(id, curators[1]);
        market.withdrawCredit(address(token), BURN);
        for (uint256 i; i < 3; ++i) {
            assertEq(token.balanceOf(curators[i]), 1_000 ether);
        }
        assertEq(token.balanceOf(address(market)), 0);
        assertEq(market.marketState(id).balance, 0);
    }

    function test_Cancel_RevertsOnUnknownMarket() public {
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.MarketNotFound.selector, 8));
        market.cancel(8);
    }

    function test_Cancel_RevertsBeforeDeadline() public {
        uint256 id = _evaluatingMarket();
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidPhase.selector, id, Phase.Evaluation));
        market.cancel(id);
    }

    function test_Cancel_RevertsTwice() public {
        uint256 id = _cancellable();
        market.cancel(id);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.AlreadySettled.selector, id));
        market.cancel(id);
    }

    /* FORFEIT */

    /// @dev Gold withheld after curators revealed: stakes back in full, the pool to the treasury (not to the revealed
    ///      curators, whom the sponsor's Sybils could be).
    function test_Forfeit_WithRevealsSendsPoolToTreasury() public {
        uint256 id = _forfeitable(true);
        assertEq(uint8(_phase(id)), uint8(Phase.Forfeited));
        vm.expectEmit(address(market));
        emit EventsLib.MarketForfeited(id, POOL, BURN, 30 ether);
        market.forfeit(id);
        assertEq(uint8(market.marketState(id).status), uint8(MarketStatus.Forfeited));
        assertEq(market.credit(address(token), sponsor), 0);
        assertEq(market.credit(address(token), BURN), POOL);

        vm.expectEmit(address(market));
        emit EventsLib.Refunded(id, curators[0], 10 ether);
        market.refund(id, curators[0]);
        market.refund(id, curators[2]);
        market.refund(id, curators[1]);
        for (uint256 i; i < 3; ++i) {
            assertEq(token.balanceOf(curators[i]), 1_000 ether);
        }
        assertEq(market.marketState(id).totalRevealedStake, 30 ether); // never decreases: labels were delivered
        market.withdrawCredit(address(token), BURN);
        assertEq(token.balanceOf(address(market)), 0);
    }

    function test_Forfeit_WithoutRevealsCreditsPool() public {
        uint256 id = _forfeitable(false);
        vm.expectEmit(address(market));
        emit EventsLib.MarketForfeited(id, POOL, sponsor, 0);
        market.forfeit(id);
        assertEq(market.credit(address(token), sponsor), POOL);
        market.refund(id, curators[0]);
        assertEq(token.balanceOf(curators[0]), 1_000 ether);
    }

    /// @dev Refunds before forfeit() change nothing about the pool.
    function test_Forfeit_AfterRefundsStillCreditsPool() public {
        uint256 id = _forfeitable(true);
        market.refund(id, curators[0]);
        market.refund(id, curators[1]);
        vm.expectEmit(address(market));
        emit EventsLib.MarketForfeited(id, POOL, BURN, 30 ether);
        market.forfeit(id);
        market.refund(id, curators[2]);
        market.withdrawCredit(address(token), BURN);
        assertEq(token.balanceOf(address(market)), 0);
    }

    /// @dev Fuzzed stakes: every curator gets exactly its stake back and the pool goes to the treasury, in any order.
    function testFuzz_Forfeit_RefundsExactStakes(uint96 a, uint96 b, uint96 c, uint8 order) public {
        uint256 id = _create();
        uint256[3] memory stakes =
            [bound(a, MIN_STAKE, STAKE_CAP), bound(b, MIN_STAKE, STAKE_CAP), bound(c, MIN_STAKE, STAKE_CAP)];
        for (uint256 i; i < 3; ++i) {
            _commit(id, curators[i], stakes[i]);
        }
        _toReveal(id);
        for (uint256 i; i < 3; ++i) {
            _reveal(id, curators[i]);
        }
        vm.warp(market.marketConfig(id).goldDeadline);
        market.forfeit(id);
        for (uint256 k; k < 3; ++k) {
            uint256 i = (k + order) % 3;
            market.refund(id, curators[i]);
            assertEq(token.balanceOf(curators[i]), 1_000 ether);
        }
        assertEq(market.credit(address(token), BURN), POOL);
        assertEq(token.balanceOf(address(market)), POOL);
    }

    function test_Forfeit_RevertsOnUnknownMarket() public {
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.MarketNotFound.selector, 8));
        market.forfeit(8);
    }

    function test_Forfeit_RevertsWhenGoldRevealed() public {
        uint256 id = _evaluatingMarket();
        vm.warp(market.marketConfig(id).goldDeadline);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidPhase.selector, id, Phase.Evaluation));
        market.forfeit(id);
    }

    function test_Forfeit_RevertsTwice() public {
        uint256 id = _forfeitable(true);
        market.forfeit(id);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.AlreadySettled.selector, id));
        market.forfeit(id);
    }

    /* REFUND */

    function test_Refund_RevertsOnUnknownMarket() public {
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.MarketNotFound.selector, 8));
        market.refund(8, curators[0]);
    }

    function test_Refund_RevertsWhenNotCancelledOrForfeited() public {
        uint256 id = _evaluatingMarket();
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidPhase.selector, id, Phase.Evaluation));
        market.refund(id, curators[0]);
    }

    function test_Refund_RevertsWithoutStake() public {
        uint256 id = _cancellable();
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.NotCommitted.selector, id, curators[3]));
        market.refund(id, curators[3]);
    }

    function test_Refund_RevertsTwice() public {
        uint256 id = _cancellable();
        market.refund(id, curators[0]);
        assertTrue(market.submission(id, curators[0]).refunded);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.AlreadyRefunded.selector, id, curators[0]));
        market.refund(id, curators[0]);
    }

    /* CREDITS */

    function test_Cancel_WithoutRevealsRefundsSponsor() public {
        uint256 id = _cancellableUnrevealed();
        vm.warp(market.marketState(id).evaluationDeadline);
        // Gold never revealed: the gold deadline forfeits first.
        assertEq(uint8(_phase(id)), uint8(Phase.Forfeited));
    }

    function test_WithdrawCredit_PaysAndEmits() public {
        uint256 id = _forfeitable(false);
        market.forfeit(id);
        vm.expectEmit(address(market));
        emit EventsLib.CreditWithdrawn(sponsor, address(token), POOL);
        vm.prank(relayer);
        market.withdrawCredit(address(token), sponsor);
        assertEq(market.credit(address(token), sponsor), 0);
        assertEq(token.balanceOf(sponsor), 1_000_000 ether);
    }

    function test_WithdrawCredit_RevertsWhenNothing() public {
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.NothingToWithdraw.selector, address(token), sponsor));
        market.withdrawCredit(address(token), sponsor);
    }
}
