// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "./utils/BaseTest.sol";
import {Report, Phase, MarketState} from "../src/interfaces/IFeedbackMarket.sol";

/// @notice End-to-end paths through the life cycle.
contract LifecycleTest is BaseTest {
    function test_HappyPath_EveryLeafPaysAndNothingStays() public {
        (uint256 id,) = _acceptedMarket();
        assertEq(uint8(_phase(id)), uint8(Phase.Challenge));
        _toChallengeEnd(id);
        assertEq(uint8(_phase(id)), uint8(Phase.Finalized));
        market.finalize(id);
        for (uint256 i; i < leaves.length; ++i) {
            _claimLeaf(id, i);
        }
        market.withdrawCredit(address(token), oracles[0]);
        market.withdrawCredit(address(token), oracles[1]);
        MarketState memory s = market.marketState(id);
        assertEq(s.claimed, s.totalPayout);
        assertEq(s.balance, 0);
        assertEq(token.balanceOf(address(market)), 0);
    }

    function test_OverturnThenNewRoundThenFinalize() public {
        (uint256 id,) = _disputedMarket();
        vm.prank(arbiter);
        market.resolveDispute(id, true);
        assertEq(uint8(_phase(id)), uint8(Phase.Evaluation));
        assertEq(market.marketState(id).round, 1);
        // Oracles 0 and 1 were slashed; oracle 2 plus a newcomer sign round 1.
        (address o3, uint256 k3) = makeAddrAndKey("oracle3");
        _bond(o3, ORACLE_BOND);
        vm.warp(block.timestamp + ACTIVATION);
        Report memory r = _buildReport(id);
        bytes[] memory sigs = new bytes[](2);
        sigs[0] = _sign(oracleKeys[2], r);
        sigs[1] = _sign(k3, r);
        assertTrue(market.attest(r, sigs));
        _toChallengeEnd(id);
        market.finalize(id);
        for (uint256 i; i < leaves.length; ++i) {
            _claimLeaf(id, i);
        }
        market.withdrawCredit(address(token), oracles[2]);
        market.withdrawCredit(address(token), o3);
        market.withdrawCredit(address(token), challenger);
        assertEq(token.balanceOf(address(market)), 0);
    }
}
