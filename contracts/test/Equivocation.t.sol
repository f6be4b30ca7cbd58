// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "./utils/BaseTest.sol";
import {Report} from "../src/interfaces/IFeedbackMarket.sol";
import {OracleStatus} from "../src/interfaces/IOracleRegistry.sol";
import {ErrorsLib} from "../src/libraries/ErrorsLib.sol";
import {EventsLib} from "../src/libraries/EventsLib.sol";

contract EquivocationTest is BaseTest {
    Report internal a;
    Report internal b;
    address internal prover = makeAddr("prover");

    function setUp() public override {
        super.setUp();
        uint256 id = _evaluatingMarket();
        a = _buildReport(id);
        b = a;
        b.resultsRoot = keccak256("another root");
    }

    function test_ProveEquivocation_SlashesAndPaysProver() public {
        bytes memory sa = _sign(oracleKeys[0], a);
        bytes memory sb = _sign(oracleKeys[0], b);
        bytes32 da = market.reportDigest(a);
        bytes32 db = market.reportDigest(b);
        vm.expectEmit(address(registry));
        emit EventsLib.OracleSlashed(oracles[0], prover, ORACLE_BOND, ORACLE_BOND / 2, treasury);
        vm.expectEmit(address(market));
        emit EventsLib.EquivocationProven(a.marketId, a.round, oracles[0], da, db, prover, ORACLE_BOND);
        vm.prank(prover);
        market.proveEquivocation(a, sa, b, sb);

        // Pull credits: a prover or treasury that cannot receive tokens cannot block the proof.
        assertEq(registry.bondCredit(prover), ORACLE_BOND / 2);
        assertEq(registry.bondCredit(treasury), ORACLE_BOND / 2);
        registry.withdrawBondCredit(prover);
        assertEq(token.balanceOf(prover), ORACLE_BOND / 2);
        assertEq(registry.oracle(oracles[0]).bond, 0);
        assertEq(uint8(registry.oracle(oracles[0]).status), uint8(OracleStatus.Slashed));
        assertFalse(registry.isActive(oracles[0]));
    }

    function test_ProveEquivocation_WorksWhileExiting() public {
        vm.prank(oracles[0]);
        registry.requestExit();
        market.proveEquivocation(a, _sign(oracleKeys[0], a), b, _sign(oracleKeys[0], b));
        assertEq(registry.oracle(oracles[0]).bond, 0);
    }

    function test_ProveEquivocation_RevertsOnSameDigest() public {
        bytes32 da = market.reportDigest(a);
        bytes memory sa = _sign(oracleKeys[0], a);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.NotEquivocation.selector, da, da));
        market.proveEquivocation(a, sa, a, sa);
    }

    function test_ProveEquivocation_RevertsOnDifferentMarketOrRound() public {
        Report memory c = a;
        c.round = 1;
        _expectNotEquivocation(c);
        c = a;
        c.marketId = 2;
        _expectNotEquivocation(c);
    }

    function _expectNotEquivocation(Report memory c) internal {
        bytes32 da = market.reportDigest(a);
        bytes32 dc = market.reportDigest(c);
        bytes memory sa = _sign(oracleKeys[0], a);
        bytes memory sc = _sign(oracleKeys[0], c);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.NotEquivocation.selector, da, dc));
        market.proveEquivocation(a, sa, c, sc);
    }

    function test_ProveEquivocation_RevertsOnDifferentSigners() public {
        bytes memory sa = _sign(oracleKeys[0], a);
        bytes memory sb = _sign(oracleKeys[1], b);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.SignerMismatch.selector, oracles[0], oracles[1]));
        market.proveEquivocation(a, sa, b, sb);
    }

    function test_ProveEquivocation_RevertsWhenNothingToSlash() public {
        bytes memory sa = _sign(oracleKeys[0], a);
        bytes memory sb = _sign(oracleKeys[0], b);
        market.proveEquivocation(a, sa, b, sb);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.NothingToSlash.selector, oracles[0]));
        market.proveEquivocation(a, sa, b, sb);
    }
}
