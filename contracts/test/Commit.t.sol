// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "./utils/BaseTest.sol";
import {Submission, MarketState, Phase} from "../src/interfaces/IFeedbackMarket.sol";
import {ErrorsLib} from "../src/libraries/ErrorsLib.sol";
import {EventsLib} from "../src/libraries/EventsLib.sol";
import {HashLib} from "../src/libraries/HashLib.sol";

contract CommitTest is BaseTest {
    uint256 internal id;
    bytes32 internal c0;

    function setUp() public override {
        super.setUp();
        id = _create();
        c0 = HashLib.commitment(id, curators[0], _labels(curators[0]), _salt(curators[0]));
    }

    function test_Commit_StoresPullsAndEmits() public {
        vm.expectEmit(address(market));
        emit EventsLib.Committed(id, curators[0], c0, 15 ether, 15 ether);
        vm.prank(curators[0]);
        market.commit(id, c0, 15 ether);

        Submission memory sub = market.submission(id, curators[0]);
        assertEq(sub.commitment, c0);
        assertEq(sub.stake, 15 ether);
        assertFalse(sub.revealed);
        MarketState memory s = market.marketState(id);
        assertEq(s.totalStaked, 15 ether);
        assertEq(s.balance, POOL + 15 ether);
        assertEq(token.balanceOf(address(market)), POOL + 15 ether);
    }

    function test_Commit_AcceptsBoundsInclusive() public {
        _commit(id, curators[0], MIN_STAKE);
        _commit(id, curators[1], STAKE_CAP);
        assertEq(market.marketState(id).totalStaked, MIN_STAKE + STAKE_CAP);
    }

    function test_Commit_RevertsOnUnknownMarket() public {
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.MarketNotFound.selector, 99));
        market.commit(99, c0, 15 ether);
    }

    function test_Commit_RevertsAfterDeadline() public {
        _toReveal(id);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidPhase.selector, id, Phase.Reveal));
        vm.prank(curators[0]);
        market.commit(id, c0, 15 ether);
    }

    function test_Commit_RevertsOnZeroCommitment() public {
        vm.expectRevert(ErrorsLib.ZeroCommitment.selector);
        vm.prank(curators[0]);
        market.commit(id, 0, 15 ether);
    }

    function test_Commit_RevertsOnStakeOutOfBounds() public {
        vm.startPrank(curators[0]);
        vm.expectRevert(
            abi.encodeWithSelector(ErrorsLib.StakeOutOfBounds.selector, MIN_STAKE - 1, MIN_STAKE, STAKE_CAP)
        );
        market.commit(id, c0, MIN_STAKE - 1);
        vm.expectRevert(
            abi.encodeWithSelector(ErrorsLib.StakeOutOfBounds.selector, STAKE_CAP + 1, MIN_STAKE, STAKE_CAP)
        );
        market.commit(id, c0, STAKE_CAP + 1);
        vm.stopPrank();
    }

    function test_Commit_RevertsOnSecondCommit() public {
        _commit(id, curators[0], 15 ether);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.AlreadyCommitted.selector, id, curators[0]));
        vm.prank(curators[0]);
        market.commit(id, c0, 15 ether);
    }
}
