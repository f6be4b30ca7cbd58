// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "./utils/BaseTest.sol";
import {Phase} from "../src/interfaces/IFeedbackMarket.sol";
import {ErrorsLib} from "../src/libraries/ErrorsLib.sol";
import {EventsLib} from "../src/libraries/EventsLib.sol";
import {HashLib} from "../src/libraries/HashLib.sol";

contract RevealGoldTest is BaseTest {
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        id = _create();
    }

    function test_RevealGold_StoresAndEmits() public {
        _toEvaluation(id);
        vm.expectEmit(address(market));
        emit EventsLib.GoldRevealed(id, GOLD_HASH, GOLD_SALT, GOLD_URI);
        _revealGold(id);
        assertTrue(market.marketState(id).goldRevealed);
        assertEq(market.marketState(id).goldHash, GOLD_HASH);
        assertEq(uint8(_phase(id)), uint8(Phase.Evaluation));
    }

    function test_RevealGold_RevertsOnUnknownMarket() public {
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.MarketNotFound.selector, 5));
        market.revealGold(5, GOLD_HASH, GOLD_SALT, GOLD_URI);
    }

    function test_RevealGold_RevertsForNonSponsor() public {
        _toEvaluation(id);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.Unauthorized.selector, address(this), sponsor));
        market.revealGold(id, GOLD_HASH, GOLD_SALT, GOLD_URI);
    }

    function test_RevealGold_RevertsTwice() public {
        _toEvaluation(id);
        _revealGold(id);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.GoldAlreadyRevealed.selector, id));
        _revealGold(id);
    }

    function test_RevealGold_RevertsOutsideWindow() public {
        _toReveal(id);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidPhase.selector, id, Phase.Reveal));
        _revealGold(id);
        vm.warp(market.marketConfig(id).goldDeadline);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidPhase.selector, id, Phase.Forfeited));
        _revealGold(id);
    }

    function test_RevealGold_RevertsOnWrongPreimage() public {
        _toEvaluation(id);
        bytes32 expected = market.marketConfig(id).goldCommitment;
        vm.expectRevert(
            abi.encodeWithSelector(
                ErrorsLib.CommitmentMismatch.selector, expected, HashLib.goldCommitment(GOLD_HASH, bytes32(0))
            )
        );
        vm.prank(sponsor);
        market.revealGold(id, GOLD_HASH, bytes32(0), GOLD_URI);
    }
}
