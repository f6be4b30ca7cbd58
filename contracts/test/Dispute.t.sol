// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "./utils/BaseTest.sol";
import {Report, Phase, MarketState, MarketStatus, CreditReason} from "../src/interfaces/IFeedbackMarket.sol";
import {OracleStatus} from "../src/interfaces/IOracleRegistry.sol";
import {ErrorsLib} from "../src/libraries/ErrorsLib.sol";
import {EventsLib} from "../src/libraries/EventsLib.sol";
import {PayoutLib} from "../src/libraries/PayoutLib.sol";
import {ConstantsLib} from "../src/libraries/ConstantsLib.sol";

contract DisputeTest is BaseTest {
    function test_Dispute_LocksSignersPullsBondAndEmits() public {
        (uint256 id, Report memory r) = _acceptedMarket();
        bytes32 digest = market.reportDigest(r);
        vm.expectEmit(address(market));
        emit EventsLib.Disputed(id, 0, challenger, digest, BOND);
        vm.prank(challenger);
        market.dispute(id);

        MarketState memory s = market.marketState(id);
        assertEq(uint8(s.status), uint8(MarketStatus.Disputed));
        assertEq(s.challenger, challenger);
        assertEq(s.balance, POOL + 60 ether + BOND);
        assertEq(uint8(_phase(id)), uint8(Phase.Disputed));
        assertEq(registry.oracle(oracles[0]).locks, 1);
        assertEq(registry.oracle(oracles[1]).locks, 1);
        assertEq(registry.oracle(oracles[2]).locks, 0);
        assertEq(s.disputedAt, block.timestamp);
        // The arbiter has RESOLUTION_PERIOD; then the dispute expires and the market is due for cancellation.
        vm.warp(block.timestamp + ConstantsLib.RESOLUTION_PERIOD - 1);
        assertEq(uint8(_phase(id)), uint8(Phase.Disputed));
        vm.warp(block.timestamp + 1);
        assertEq(uint8(_phase(id)), uint8(Phase.Cancelled));
    }

    function test_Dispute_RevertsOnUnknownMarket() public {
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.MarketNotFound.selector, 3));
        market.dispute(3);
    }

    function test_Dispute_RevertsOutsideChallenge() public {
        uint256 id = _evaluatingMarket();
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidPhase.selector, id, Phase.Evaluation));
        market.dispute(id);
        (id,) = _acceptedMarket();
        _toChallengeEnd(id);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidPhase.selector, id, Phase.Finalized));
        vm.prank(challenger);
        market.dispute(id);
    }

    function test_Dispute_RevertsWhenAlreadyDisputed() public {
        (uint256 id,) = _disputedMarket();
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidPhase.selector, id, Phase.Disputed));
        vm.prank(challenger);
        market.dispute(id);
    }

    function test_ResolveDispute_StandsSplitsBondAndFinalizes() public {
        (uint256 id, Report memory r) = _disputedMarket();
        bytes32 digest = market.reportDigest(r);
        uint256 fee = PayoutLib.oracleFee(POOL, FEE_BPS);
        vm.expectEmit(address(market));
        emit EventsLib.DisputeResolved(id, 0, digest, false, challenger, BOND);
        vm.expectEmit(address(market));
        emit EventsLib.Credited(id, oracles[0], address(token), BOND / 2, CreditReason.DisputeBondToSigners);
        vm.expectEmit(address(market));
        emit EventsLib.Credited(id, oracles[1], address(token), BOND / 2, CreditReason.DisputeBondToSigners);
        vm.expectEmit(address(market));
        emit EventsLib.MarketFinalized(id, 0, digest, r.resultsRoot, r.totalPayout, fee);
        vm.prank(arbiter);
        market.resolveDispute(id, false);

        MarketState memory s = market.marketState(id);
        assertEq(uint8(s.status), uint8(MarketStatus.Finalized));
        assertEq(s.challenger, address(0));
        assertEq(s.balance, r.totalPayout);
        assertEq(market.credit(address(token), oracles[0]), BOND / 2 + fee / 2);
        assertEq(market.credit(address(token), oracles[1]), BOND / 2 + fee / 2);
        assertEq(registry.oracle(oracles[0]).locks, 0);
        assertEq(uint8(_phase(id)), uint8(Phase.Finalized));
        _claimLeaf(id, 0);
    }

    function test_ResolveDispute_OverturnedSlashesAndStartsRound() public {
        (uint256 id, Report memory r) = _disputedMarket();
        bytes32 digest = market.reportDigest(r);
        uint64 deadline = uint64(block.timestamp) + market.marketConfig(id).evaluationPeriod;
        vm.expectEmit(address(market));
        emit EventsLib.DisputeResolved(id, 0, digest, true, challenger, BOND);
        vm.expectEmit(address(market));
        emit EventsLib.Credited(id, challenger, address(token), BOND, CreditReason.DisputeBondRefund);
        vm.expectEmit(address(market));
        emit EventsLib.RoundStarted(id, 1, deadline);
        uint256 lockAmount = market.marketState(id).lockPerSigner;
        assertEq(lockAmount, (uint256(r.totalPayout) + 1) / 2); // security 100% of the payout, split over quorum 2
        vm.expectEmit(address(market));
        emit EventsLib.SignerSlashed(id, 0, oracles[0], lockAmount);
        vm.expectEmit(address(market));
        emit EventsLib.SignerSlashed(id, 0, oracles[1], lockAmount);
        vm.prank(arbiter);
        market.resolveDispute(id, true);

        MarketState memory s = market.marketState(id);
        assertEq(uint8(s.status), uint8(MarketStatus.Active));
        assertEq(s.round, 1);
        assertEq(s.evaluationDeadline, deadline);
        assertEq(s.acceptedDigest, 0);
        assertEq(s.resultsRoot, 0);
        assertEq(s.totalPayout, 0);
        assertEq(s.balance, POOL + 60 ether);
        assertEq(market.credit(address(token), challenger), BOND);
        // Pull credits: the challenger's reward is half of the slashed locks, capped at its dispute bond (review 2,
        // items 8 and 11); the rest is burned, not sent to the treasury (item 7).
        assertEq(registry.bondCredit(challenger), BOND);
        assertEq(registry.bondCredit(BURN), 2 * lockAmount - BOND);
        assertEq(registry.bondCredit(treasury), 0);
        assertEq(uint8(registry.oracle(oracles[0]).status), uint8(OracleStatus.Slashed));
        assertEq(registry.oracle(oracles[0]).bond, ORACLE_BOND - lockAmount);
        assertEq(s.lockPerSigner, 0);
        assertEq(market.acceptedSigners(id).length, 0);
        assertEq(uint8(_phase(id)), uint8(Phase.Evaluation));
        // The old round's report no longer attests.
        bytes[] memory sigs = _sigs(r, 2, 1);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.WrongRound.selector, 0, 1));
        market.attest(r, sigs);
        // With no report in the new round the market cancels at the new deadline.
        vm.warp(deadline);
        assertEq(uint8(_phase(id)), uint8(Phase.Cancelled));
    }

    /// @dev Equivocation takes the signer's free bond; the share locked behind this report is still there for the
    ///      overturn (one bond cannot be drained before the market that relies on it settles).
    function test_ResolveDispute_OverturnedStillSlashesLockedShareAfterEquivocation() public {
        (uint256 id, Report memory r) = _disputedMarket();
        uint256 lockAmount = market.marketState(id).lockPerSigner;
        Report memory other = Report(r.marketId, r.round, keccak256("x"), r.totalPayout, r.scoresHash, r.metricsHash);
        bytes memory sa = _sign(oracleKeys[0], r);
        bytes memory sb = _sign(oracleKeys[0], other);
        market.proveEquivocation(r, sa, other, sb);
        assertEq(registry.oracle(oracles[0]).bond, lockAmount);
        vm.expectEmit(address(market));
        emit EventsLib.SignerSlashed(id, 0, oracles[0], lockAmount);
        vm.prank(arbiter);
        market.resolveDispute(id, true);
    }

    function test_ResolveDispute_RevertsForNonArbiter() public {
        (uint256 id,) = _disputedMarket();
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.Unauthorized.selector, address(this), arbiter));
        market.resolveDispute(id, true);
    }

    function test_ResolveDispute_RevertsOnUnknownMarket() public {
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.MarketNotFound.selector, 9));
        vm.prank(arbiter);
        market.resolveDispute(9, true);
    }

    function test_ResolveDispute_RevertsWhenNotDisputed() public {
        (uint256 id,) = _acceptedMarket();
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidPhase.selector, id, Phase.Challenge));
        vm.prank(arbiter);
        market.resolveDispute(id, false);
    }
}
