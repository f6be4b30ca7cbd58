// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "./utils/BaseTest.sol";
import {Report, Phase, MarketState, MarketStatus} from "../src/interfaces/IFeedbackMarket.sol";
import {ErrorsLib} from "../src/libraries/ErrorsLib.sol";
import {EventsLib} from "../src/libraries/EventsLib.sol";
import {HashLib} from "../src/libraries/HashLib.sol";
import {PayoutLib} from "../src/libraries/PayoutLib.sol";
import {MerkleHelper} from "./utils/MerkleHelper.sol";

contract SettlementTest is BaseTest {
    /* FINALIZE */

    function test_Finalize_CreditsFeeAndEmits() public {
        (uint256 id, Report memory r) = _acceptedMarket();
        _toChallengeEnd(id);
        uint256 fee = PayoutLib.oracleFee(POOL, FEE_BPS);
        vm.expectEmit(address(market));
        emit EventsLib.MarketFinalized(id, 0, market.reportDigest(r), r.resultsRoot, r.totalPayout, fee);
        market.finalize(id);
        MarketState memory s = market.marketState(id);
        assertEq(uint8(s.status), uint8(MarketStatus.Finalized));
        assertEq(s.balance, r.totalPayout);
        assertEq(market.credit(address(token), oracles[0]) + market.credit(address(token), oracles[1]), fee);
    }

    /// @dev A fee that three signers cannot split evenly: the remainder goes to the first signer.
    function test_Finalize_FeeDustToFirstSigner() public {
        vm.prank(owner);
        registry.setQuorum(3);
        uint256 id = _create();
        _commit(id, curators[0], 10 ether);
        _toEvaluation(id);
        _revealGold(id);
        uint256 fee = PayoutLib.oracleFee(POOL, FEE_BPS); // 50 ether: 3 does not divide it
        Report memory r = Report(id, 0, keccak256("root"), 10 ether + POOL - fee, 0, 0);
        market.attest(r, _sigs(r, 0, 3));
        _toChallengeEnd(id);
        market.finalize(id);
        uint256 share = fee / 3;
        assertEq(market.credit(address(token), oracles[0]), fee - 2 * share);
        assertEq(market.credit(address(token), oracles[1]), share);
        assertEq(market.credit(address(token), oracles[2]), share);
    }

    function test_Finalize_RevertsOnUnknownMarket() public {
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.MarketNotFound.selector, 4));
        market.finalize(4);
    }

    function test_Finalize_RevertsDuringChallenge() public {
        (uint256 id,) = _acceptedMarket();
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidPhase.selector, id, Phase.Challenge));
        market.finalize(id);
    }

    function test_Finalize_RevertsTwice() public {
        (uint256 id,) = _acceptedMarket();
        _toChallengeEnd(id);
        market.finalize(id);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.AlreadySettled.selector, id));
        market.finalize(id);
    }

    /* CLAIM */

    function test_Claim_PaysAccountAndEmits() public {
        (uint256 id,) = _acceptedMarket();
        _toChallengeEnd(id);
        market.finalize(id);
        uint256 before = token.balanceOf(curators[0]);
        vm.expectEmit(address(market));
        emit EventsLib.Claimed(id, curators[0], leaves[0], leafAmounts[0], leafScores[0], leafAmounts[0]);
        vm.prank(relayer); // anyone may claim for the account
        _claimLeaf(id, 0);
        assertEq(token.balanceOf(curators[0]), before + leafAmounts[0]);
        assertTrue(market.isClaimed(leaves[0]));
        assertEq(market.marketState(id).claimed, leafAmounts[0]);
    }

    function test_Claim_OpensWhenChallengeWindowEndsWithoutFinalize() public {
        (uint256 id,) = _acceptedMarket();
        _toChallengeEnd(id);
        for (uint256 i; i < leaves.length; ++i) {
            _claimLeaf(id, i);
        }
        market.finalize(id);
        market.withdrawCredit(address(token), oracles[0]);
        market.withdrawCredit(address(token), oracles[1]);
        assertEq(token.balanceOf(address(market)), 0);
    }

    function test_Claim_ZeroAmountLeafMarksWithoutTransfer() public {
        uint256 id = _evaluatingMarket();
        address[] memory accounts = new address[](1);
        accounts[0] = curators[2];
        int32[] memory scores = new int32[](1);
        scores[0] = -10_000;
        int256[] memory values = new int256[](1);
        // Slash 100%: a zero payout leaf.
        Report memory r = _buildReportFor(id, accounts, scores, values);
        r.totalPayout = PayoutLib.totalPayout(market.marketState(id).totalStaked, POOL, FEE_BPS);
        market.attest(r, _sigs(r, 0, 2));
        _toChallengeEnd(id);
        uint256 amount = leafAmounts[0];
        assertEq(amount, 15 ether); // slashBps 50%: half of 30 stays
        _claimLeaf(id, 0);
    }

    function test_Claim_RevertsBeforeFinal() public {
        (uint256 id,) = _acceptedMarket();
        bytes32[] memory proof = MerkleHelper.proof(leaves, 0);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidPhase.selector, id, Phase.Challenge));
        market.claim(id, leafAccounts[0], leafAmounts[0], leafScores[0], proof);
        uint256 id2 = _create();
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidPhase.selector, id2, Phase.Open));
        market.claim(id2, leafAccounts[0], leafAmounts[0], leafScores[0], proof);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.MarketNotFound.selector, 77));
        market.claim(77, leafAccounts[0], leafAmounts[0], leafScores[0], proof);
    }

    function test_Claim_RevertsTwice() public {
        (uint256 id,) = _acceptedMarket();
        _toChallengeEnd(id);
        _claimLeaf(id, 0);
        bytes32[] memory proof = MerkleHelper.proof(leaves, 0);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.AlreadyClaimed.selector, leaves[0]));
        market.claim(id, leafAccounts[0], leafAmounts[0], leafScores[0], proof);
    }

    function test_Claim_RevertsOnBadProofOrValues() public {
        (uint256 id,) = _acceptedMarket();
        _toChallengeEnd(id);
        bytes32[] memory proof = MerkleHelper.proof(leaves, 0);
        bytes32 inflated = HashLib.leaf(id, leafAccounts[0], leafAmounts[0] + 1, leafScores[0]);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidProof.selector, inflated));
        market.claim(id, leafAccounts[0], leafAmounts[0] + 1, leafScores[0], proof);
        bytes32 other = HashLib.leaf(id, relayer, leafAmounts[0], leafScores[0]);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidProof.selector, other));
        market.claim(id, relayer, leafAmounts[0], leafScores[0], proof);
    }

    /// @dev A faulty (undisputed) report whose leaves sum above totalPayout still cannot drain other markets.
    function test_Claim_RevertsAboveTotalPayout() public {
        uint256 other = _evaluatingMarket(); // funds of another market sit in the same contract
        uint256 id = _evaluatingMarket();
        MarketState memory s = market.marketState(id);
        uint256 total = PayoutLib.totalPayout(s.totalStaked, POOL, FEE_BPS);
        delete leaves;
        leaves.push(HashLib.leaf(id, relayer, total, 0));
        leaves.push(HashLib.leaf(id, challenger, 1, 0));
        Report memory r = Report(id, 0, MerkleHelper.root(leaves), total, 0, 0);
        market.attest(r, _sigs(r, 0, 2));
        _toChallengeEnd(id);
        market.claim(id, relayer, total, 0, MerkleHelper.proof(leaves, 0));
        bytes32[] memory proof = MerkleHelper.proof(leaves, 1);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.ClaimExceedsPayout.selector, total + 1, total));
        market.claim(id, challenger, 1, 0, proof);
        assertEq(market.marketState(other).balance, POOL + 60 ether);
    }
}
