// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "./utils/BaseTest.sol";
import {Phase} from "../src/interfaces/IFeedbackMarket.sol";
import {ErrorsLib} from "../src/libraries/ErrorsLib.sol";
import {EventsLib} from "../src/libraries/EventsLib.sol";
import {HashLib} from "../src/libraries/HashLib.sol";

contract RevealTest is BaseTest {
    uint256 internal id;
    address internal cu;

    function setUp() public override {
        super.setUp();
        id = _create();
        cu = curators[0];
        _commit(id, cu, 15 ether);
    }

    function test_Reveal_MarksAndEmits() public {
        _toReveal(id);
        assertEq(uint8(_phase(id)), uint8(Phase.Reveal));
        vm.expectEmit(address(market));
        emit EventsLib.Revealed(id, cu, _labels(cu), _salt(cu), "ipfs://labels", 15 ether);
        _reveal(id, cu);
        assertTrue(market.submission(id, cu).revealed);
        assertEq(market.marketState(id).totalRevealedStake, 15 ether);
    }

    function test_Reveal_RevertsOnUnknownMarket() public {
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.MarketNotFound.selector, 7));
        market.reveal(7, 0, 0, "");
    }

    function test_Reveal_RevertsBeforeAndAfterWindow() public {
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidPhase.selector, id, Phase.Open));
        _reveal(id, cu);
        _toEvaluation(id);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidPhase.selector, id, Phase.Evaluation));
        _reveal(id, cu);
    }

    function test_Reveal_RevertsWithoutCommit() public {
        _toReveal(id);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.NotCommitted.selector, id, curators[1]));
        _reveal(id, curators[1]);
    }

    function test_Reveal_RevertsOnSecondReveal() public {
        _toReveal(id);
        _reveal(id, cu);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.AlreadyRevealed.selector, id, cu));
        _reveal(id, cu);
    }

    function test_Reveal_RevertsOnWrongPreimage() public {
        _toReveal(id);
        bytes32 expected = market.submission(id, cu).commitment;
        bytes32 actual = HashLib.commitment(id, cu, _labels(cu), bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.CommitmentMismatch.selector, expected, actual));
        vm.prank(cu);
        market.reveal(id, _labels(cu), bytes32(0), "x");
    }

    /// @dev A commitment binds market, curator, labels and salt: changing any one of them fails the reveal.
    function testFuzz_Reveal_CommitmentBinding(
        bytes32 labelsHash,
        bytes32 salt,
        bytes32 otherLabels,
        bytes32 otherSalt,
        uint8 which
    ) public {
        vm.assume(labelsHash != otherLabels && salt != otherSalt);
        uint256 id2 = _create();
        bytes32 c = HashLib.commitment(id2, cu, labelsHash, salt);
        vm.prank(cu);
        market.commit(id2, c, 15 ether);
        // The same commitment copied by another curator, or replayed in another market, cannot be revealed by it.
        vm.prank(curators[1]);
        market.commit(id2, c, 15 ether);
        _toReveal(id2);

        which %= 3;
        vm.prank(which == 0 ? curators[1] : cu);
        vm.expectPartialRevert(ErrorsLib.CommitmentMismatch.selector);
        market.reveal(id2, which == 1 ? otherLabels : labelsHash, which == 2 ? otherSalt : salt, "");

        assertTrue(HashLib.commitment(id, cu, labelsHash, salt) != c);
        vm.prank(cu);
        market.reveal(id2, labelsHash, salt, "");
        assertTrue(market.submission(id2, cu).revealed);
    }
}
