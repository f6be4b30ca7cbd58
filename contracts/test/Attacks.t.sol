// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "./utils/BaseTest.sol";
import {FeeToken} from "./utils/FeeToken.sol";
import {FeedbackMarket} from "../src/FeedbackMarket.sol";
import {OracleRegistry} from "../src/OracleRegistry.sol";
import {MerkleHelper} from "./utils/MerkleHelper.sol";
import {MarketParams, MarketState, MarketStatus, Phase, Report} from "../src/interfaces/IFeedbackMarket.sol";
import {OracleStatus} from "../src/interfaces/IOracleRegistry.sol";
import {ConstantsLib} from "../src/libraries/ConstantsLib.sol";
import {ErrorsLib} from "../src/libraries/ErrorsLib.sol";
import {HashLib} from "../src/libraries/HashLib.sol";
import {PayoutLib} from "../src/libraries/PayoutLib.sol";

/// @notice The attacks of the independent review (issue 17), one test each: every test drives the attack against the
///         real contracts and asserts that it no longer pays. On the reviewed commit (4bd2b9c) each one fails: the
///         attack succeeded there, or the defence it checks did not exist. docs/contracts.md ("Threat model") lists
///         them with what stops each.
contract AttacksTest is BaseTest {
    /* HIGH: THE SPONSOR GETS THE LABELS WITHOUT PAYING */

    /// @dev (a) Labels are public, the gold hash is revealed but the file is never published: the oracles' quorum
    ///      signs a verdict that the sponsor's inputs are unusable; the market forfeits and the pool goes to the
    ///      treasury, not back to the sponsor. Stakes come back in full.
    function test_Attack_GoldNeverPublished_VerdictForfeitsWithoutRefund() public {
        uint256 id = _evaluatingMarket();
        Report memory verdict = Report(id, 0, 0, 0, 0, keccak256("gold file missing"));
        assertTrue(market.attest(verdict, _sigs(verdict, 0, 2)));
        // A verdict cancels every slash and reward: it secures the whole payout, like a report (review 2, item 9).
        assertEq(
            market.marketState(id).lockPerSigner,
            market.marketState(id).totalStaked / 2 + (POOL - POOL * FEE_BPS / 10_000) / 2
        );
        _toChallengeEnd(id);
        assertEq(uint8(_phase(id)), uint8(Phase.Forfeited));
        bytes32[] memory none;
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidPhase.selector, id, Phase.Forfeited));
        market.claim(id, sponsor, POOL, ConstantsLib.SPONSOR_LEAF_SCORE, none);
        market.forfeit(id);
        assertEq(market.credit(address(token), sponsor), 0);
        assertEq(market.credit(address(token), BURN), POOL);
        assertEq(registry.oracle(oracles[0]).locked, 0); // the verdict's signers are released
        for (uint256 i; i < 3; ++i) {
            market.refund(id, curators[i]);
            assertEq(token.balanceOf(curators[i]), 1_000 ether);
        }
    }

    /// @dev (a) The same without any verdict: no oracle can report, the round times out, and the cancelled market
    ///      still does not refund the pool once labels were revealed.
    function test_Attack_GoldNeverPublished_TimeoutCancelsWithoutRefund() public {
        uint256 id = _evaluatingMarket();
        vm.warp(market.marketState(id).evaluationDeadline);
        market.cancel(id);
        assertEq(market.credit(address(token), sponsor), 0);
        assertEq(market.credit(address(token), BURN), POOL);
    }

    /// @dev (b) evaluationDeadline = goldDeadline + 1 and a last-second gold reveal left oracles no time: the window
    ///      after the latest possible gold reveal is now at least MIN_EVALUATION_WINDOW.
    function test_Attack_NoTimeToEvaluate_Rejected() public {
        MarketParams memory p = _params();
        p.evaluationDeadline = p.goldDeadline + 1;
        vm.expectRevert(
            abi.encodeWithSelector(ErrorsLib.EvaluationWindowTooShort.selector, 1, ConstantsLib.MIN_EVALUATION_WINDOW)
        );
        vm.prank(sponsor);
        market.createMarket(p);
    }

    /// @dev (c) The sponsor's Sybil curators commit at the stake cap with junk labels and the gold is withheld: the
    ///      forfeit no longer splits the pool pro rata, so the Sybils get back their stakes and nothing of the pool.
    function test_Attack_SybilCuratorsRecaptureForfeitedPool_Fails() public {
        uint256 id = _create();
        address[3] memory sybils = [makeAddr("sybil0"), makeAddr("sybil1"), makeAddr("sybil2")];
        for (uint256 i; i < 3; ++i) {
            token.mint(sybils[i], STAKE_CAP);
            vm.startPrank(sybils[i]);
            token.approve(address(market), STAKE_CAP);
            market.commit(id, HashLib.commitment(id, sybils[i], _labels(sybils[i]), _salt(sybils[i])), STAKE_CAP);
            vm.stopPrank();
        }
        _commit(id, curators[0], 20 ether);
        _toReveal(id);
        for (uint256 i; i < 3; ++i) {
            _reveal(id, sybils[i]);
        }
        _reveal(id, curators[0]);
        vm.warp(market.marketConfig(id).goldDeadline);
        market.forfeit(id);
        uint256 recaptured;
        for (uint256 i; i < 3; ++i) {
            market.refund(id, sybils[i]);
            recaptured += token.balanceOf(sybils[i]) - STAKE_CAP;
        }
        recaptured += market.credit(address(token), sponsor);
        assertEq(recaptured, 0);
        market.refund(id, curators[0]);
        assertEq(token.balanceOf(curators[0]), 1_000 ether);
    }

    /* HIGH: TRAP MARKETS */

    /// @dev (a) A 1-second challenge period or a dispute bond of type(uint128).max made disputes impossible.
    function test_Attack_UndisputableMarket_Rejected() public {
        MarketParams memory p = _params();
        p.challengePeriod = 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                ErrorsLib.InvalidChallengePeriod.selector,
                1,
                ConstantsLib.MIN_CHALLENGE_PERIOD,
                ConstantsLib.MAX_CHALLENGE_PERIOD
            )
        );
        vm.prank(sponsor);
        market.createMarket(p);
        p = _params();
        p.disputeBond = type(uint128).max;
        vm.expectRevert(
            abi.encodeWithSelector(ErrorsLib.InvalidDisputeBond.selector, type(uint128).max, POOL / 100, POOL)
        );
        vm.prank(sponsor);
        market.createMarket(p);
        p = _params();
        p.rewardPool = uint128(ConstantsLib.MAX_AMOUNT) + 1;
        p.disputeBond = p.rewardPool;
        vm.expectRevert(
            abi.encodeWithSelector(ErrorsLib.AmountTooLarge.selector, p.rewardPool, ConstantsLib.MAX_AMOUNT)
        );
        vm.prank(sponsor);
        market.createMarket(p);
        p = _params();
        p.stakeCap = uint128(ConstantsLib.MAX_AMOUNT) + 1;
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.AmountTooLarge.selector, p.stakeCap, ConstantsLib.MAX_AMOUNT));
        vm.prank(sponsor);
        market.createMarket(p);
    }

    /// @dev (b) Two fresh Sybil oracles registered at minBond attest a pre-signed report paying everything to the
    ///      sponsor right after the gold reveal: they do not count before the activation delay, and even active, a
    ///      minBond cannot lock their share of what the report pays out.
    function test_Attack_FreshSybilOraclesSettle_Fails() public {
        uint256 id = _create();
        (address s0, uint256 k0) = makeAddrAndKey("sybilOracle0");
        (address s1, uint256 k1) = makeAddrAndKey("sybilOracle1");
        _bond(s0, MIN_BOND);
        _bond(s1, MIN_BOND);
        _commit(id, curators[0], 50 ether);
        _toReveal(id);
        _reveal(id, curators[0]);
        _toEvaluation(id);
        _revealGold(id);
        Report memory r = _stealReport(id);
        bytes[] memory sigs = new bytes[](2);
        sigs[0] = _sign(k0, r);
        sigs[1] = _sign(k1, r);
        // Registered at revealDeadline - 2 days: active by now, so the bond is what stops them.
        uint256 lockAmount = (r.totalPayout + 1) / 2;
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InsufficientFreeBond.selector, s0, MIN_BOND, lockAmount));
        market.attest(r, sigs);

        // Registered right after the gold reveal, they are not even active.
        (address s2, uint256 k2) = makeAddrAndKey("sybilOracle2");
        _bond(s2, ORACLE_BOND);
        sigs[0] = _sign(k2, r);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.OracleNotActive.selector, s2));
        market.attest(r, sigs);
        assertEq(uint8(_phase(id)), uint8(Phase.Evaluation));
    }

    /// @dev (c) One bond secured every market at once: after a first overturn a second slashed nothing. Now each
    ///      market locks its own share at acceptance, and both overturns slash it.
    function test_Attack_OneBondSecuresTwoMarkets_BothOverturnsSlash() public {
        uint256 a = _create();
        uint256 b = _create();
        _commit(a, curators[0], 10 ether);
        _commit(b, curators[0], 30 ether);
        _toReveal(a);
        _reveal(a, curators[0]);
        _reveal(b, curators[0]);
        _toEvaluation(a);
        _revealGold(a);
        _revealGold(b);
        Report memory ra = _stealReport(a);
        market.attest(ra, _sigs(ra, 0, 2));
        Report memory rb = _stealReport(b);
        market.attest(rb, _sigs(rb, 0, 2));
        assertEq(registry.oracle(oracles[0]).locks, 2);
        address second = makeAddr("second challenger");
        token.mint(second, BOND);
        vm.prank(second);
        token.approve(address(market), BOND);
        vm.prank(challenger);
        market.dispute(a);
        vm.prank(second);
        market.dispute(b);
        vm.startPrank(arbiter);
        market.resolveDispute(a, true);
        market.resolveDispute(b, true);
        vm.stopPrank();
        uint256 la = (ra.totalPayout + 1) / 2;
        uint256 lb = (rb.totalPayout + 1) / 2;
        // Each overturn slashes its own locks in full; each challenger's reward is capped at its bond, the rest burned.
        assertEq(registry.bondCredit(challenger), BOND);
        assertEq(registry.bondCredit(second), BOND);
        assertEq(registry.bondCredit(BURN), 2 * (la + lb) - 2 * BOND);
        assertEq(registry.oracle(oracles[0]).bond, ORACLE_BOND - la - lb);
    }

    /// @dev (d) Rounds were unbounded: a market could be held hostage round after round. The overturn of the last
    ///      round cancels it (stakes back, the pool to the treasury once labels are public).
    function test_Attack_EndlessRounds_CappedThenCancelled() public {
        uint256 id = _evaluatingMarket();
        address[] memory fresh = new address[](4);
        uint256[] memory keys = new uint256[](4);
        for (uint256 i; i < 4; ++i) {
            (fresh[i], keys[i]) = makeAddrAndKey(string.concat("round oracle", vm.toString(i)));
            _bond(fresh[i], ORACLE_BOND);
        }
        vm.warp(block.timestamp + ACTIVATION);
        for (uint32 round; round < ConstantsLib.MAX_ROUNDS; ++round) {
            Report memory r = _buildReport(id);
            bytes[] memory sigs = new bytes[](2);
            // Round 0: fixture oracles 0 and 1; later rounds: oracle 2 and fresh ones (slashed ones are banned).
            if (round == 0) {
                sigs = _sigs(r, 0, 2);
            } else {
                sigs[0] = _sign(keys[2 * (round - 1)], r);
                sigs[1] = _sign(keys[2 * (round - 1) + 1], r);
            }
            assertTrue(market.attest(r, sigs));
            vm.prank(challenger);
            token.approve(address(market), BOND);
            token.mint(challenger, BOND);
            vm.prank(challenger);
            market.dispute(id);
            vm.prank(arbiter);
            market.resolveDispute(id, true);
        }
        MarketState memory s = market.marketState(id);
        assertEq(uint8(s.status), uint8(MarketStatus.Cancelled));
        assertEq(s.round, ConstantsLib.MAX_ROUNDS - 1);
        assertEq(market.credit(address(token), BURN), POOL);
        market.refund(id, curators[0]);
        assertEq(token.balanceOf(curators[0]), 1_000 ether);
    }

    /* MEDIUM */

    /// @dev The arbiter could freeze a disputed market forever. After RESOLUTION_PERIOD it can no longer resolve;
    ///      anyone cancels: the challenger's bond and the signers' locked bonds come back, stakes are refunded.
    function test_Attack_SilentArbiterFreezesFunds_Expires() public {
        (uint256 id,) = _disputedMarket();
        uint64 deadline = market.marketState(id).disputedAt + ConstantsLib.RESOLUTION_PERIOD;
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.DisputeExpired.selector, id, deadline));
        vm.prank(arbiter);
        market.resolveDispute(id, true);
        assertEq(uint8(_phase(id)), uint8(Phase.Cancelled));
        market.refund(id, curators[0]); // refunds open as soon as the dispute expired
        market.cancel(id);
        assertEq(market.credit(address(token), challenger), BOND);
        assertEq(registry.oracle(oracles[0]).locks, 0);
        assertEq(registry.oracle(oracles[0]).locked, 0);
        assertEq(uint8(registry.oracle(oracles[0]).status), uint8(OracleStatus.Active));
        market.refund(id, curators[1]);
        market.refund(id, curators[2]);
        market.withdrawCredit(address(token), challenger);
        market.withdrawCredit(address(token), BURN);
        assertEq(token.balanceOf(address(market)), 0);
    }

    /// @dev Slashes pushed tokens to prover and treasury, so a receiver that reverts blocked every overturn; colluding
    ///      signers could dispute their own report first. Now slashes are credits (no transfer at all), and a signer
    ///      cannot dispute its own report.
    function test_Attack_SignerDisputesOwnReport_Rejected() public {
        (uint256 id,) = _acceptedMarket();
        token.mint(oracles[0], BOND);
        vm.startPrank(oracles[0]);
        token.approve(address(market), BOND);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.SignerCannotDispute.selector, oracles[0]));
        market.dispute(id);
        vm.stopPrank();
        vm.prank(challenger);
        market.dispute(id);
        uint256 held = token.balanceOf(address(registry));
        vm.prank(arbiter);
        market.resolveDispute(id, true);
        assertEq(token.balanceOf(address(registry)), held); // nothing pushed: credits only
        assertGt(registry.bondCredit(BURN), 0);
    }

    /* LOW */

    /// @dev A signer slashed for equivocation still counted toward quorum and still got its fee share.
    function test_Attack_EquivocatorKeepsQuorumAndFee_Fails() public {
        uint256 id = _evaluatingMarket();
        Report memory r = _buildReport(id);
        Report memory other = Report(id, 0, keccak256("other"), r.totalPayout, 0, 0);
        market.attest(r, _sigs(r, 0, 1));
        market.proveEquivocation(r, _sign(oracleKeys[0], r), other, _sign(oracleKeys[0], other));
        // Oracle 0 was recorded but no longer counts: oracle 1 alone does not reach quorum 2.
        assertFalse(market.attest(r, _sigs(r, 1, 1)));
        assertTrue(market.attest(r, _sigs(r, 2, 1)));
        address[] memory signers = market.acceptedSigners(id);
        assertEq(signers.length, 2);
        assertEq(signers[0], oracles[1]);
        assertEq(signers[1], oracles[2]);
    }

    /// @dev Same, slashed between acceptance and finalization: no fee share.
    function test_Attack_EquivocatorAfterAcceptanceGetsNoFee() public {
        (uint256 id, Report memory r) = _acceptedMarket();
        Report memory other = Report(id, 0, keccak256("other"), r.totalPayout, 0, 0);
        market.proveEquivocation(r, _sign(oracleKeys[0], r), other, _sign(oracleKeys[0], other));
        _toChallengeEnd(id);
        market.finalize(id);
        uint256 fee = PayoutLib.oracleFee(POOL, FEE_BPS);
        assertEq(market.credit(address(token), oracles[0]), 0);
        assertEq(market.credit(address(token), oracles[1]), fee);
    }

    /// @dev Both signers slashed for equivocation before the dispute is rejected: neither the bond share nor the fee
    ///      goes to them; the treasury takes both.
    function test_Attack_SlashedSignersGetNeitherBondShareNorFee() public {
        (uint256 id, Report memory r) = _disputedMarket();
        Report memory other = Report(id, 0, keccak256("other"), r.totalPayout, 0, 0);
        for (uint256 i; i < 2; ++i) {
            market.proveEquivocation(r, _sign(oracleKeys[i], r), other, _sign(oracleKeys[i], other));
        }
        vm.prank(arbiter);
        market.resolveDispute(id, false);
        assertEq(market.credit(address(token), oracles[0]), 0);
        assertEq(market.credit(address(token), oracles[1]), 0);
        assertEq(market.credit(address(token), BURN), BOND + PayoutLib.oracleFee(POOL, FEE_BPS));
    }

    /// @dev Raising the registry's quorum cancelled running markets (and lowering it let one oracle settle them, see
    ///      AttestTest): the market keeps the quorum it was created with.
    function test_Attack_QuorumRaisedMidMarket_Ignored() public {
        uint256 id = _evaluatingMarket();
        vm.prank(owner);
        registry.setQuorum(3);
        Report memory r = _buildReport(id);
        assertTrue(market.attest(r, _sigs(r, 0, 2)));
    }

    /// @dev A fee-on-transfer token made one market pay with another's tokens: transfers in now check the delta.
    function test_Attack_FeeOnTransferToken_Rejected() public {
        FeeToken fee = new FeeToken();
        fee.mint(sponsor, POOL);
        vm.startPrank(sponsor);
        fee.approve(address(market), POOL);
        MarketParams memory p = _params();
        p.token = address(fee);
        // Only the bond token can be a market token now (review 2, item 2) ...
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.TokenNotBondToken.selector, address(fee), address(token)));
        market.createMarket(p);
        vm.stopPrank();

        // ... and a registry whose bond token takes a fee on transfer still cannot make one market pay with another's.
        OracleRegistry feeRegistry =
            new OracleRegistry(owner, fee, MIN_BOND, UNBONDING, ACTIVATION, 2, SECURITY_BPS, treasury);
        FeedbackMarket feeMarket = new FeedbackMarket(feeRegistry, arbiter);
        vm.startPrank(sponsor);
        fee.approve(address(feeMarket), POOL);
        vm.expectRevert(
            abi.encodeWithSelector(ErrorsLib.UnsupportedToken.selector, address(fee), POOL, POOL - POOL / 100)
        );
        feeMarket.createMarket(p);
        vm.stopPrank();
    }

    /// @dev A 1-wei dispute bond let any slashed curator freeze claims for nothing: the floor is 1% of the pool.
    function test_Attack_OneWeiDisputeBond_Rejected() public {
        MarketParams memory p = _params();
        p.disputeBond = 1;
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidDisputeBond.selector, 1, POOL / 100, POOL));
        vm.prank(sponsor);
        market.createMarket(p);
    }

    /// @dev Leaves were keyed by hash alone, so the sponsor's remainder equal to its own curator leaf paid once. The
    ///      remainder leaf carries SPONSOR_LEAF_SCORE, which no curator score can equal, so both pay.
    function test_Attack_IdenticalSponsorLeaves_BothPay() public {
        uint256 id = _evaluatingMarket();
        uint256 amount = 100 ether;
        delete leaves;
        leaves.push(HashLib.leaf(id, sponsor, amount, 0)); // the sponsor as a curator, score 0
        leaves.push(HashLib.leaf(id, sponsor, amount, ConstantsLib.SPONSOR_LEAF_SCORE)); // its remainder
        MarketState memory s = market.marketState(id);
        Report memory r =
            Report(id, 0, MerkleHelper.root(leaves), PayoutLib.totalPayout(s.totalStaked, POOL, FEE_BPS), 0, 0);
        market.attest(r, _sigs(r, 0, 2));
        _toChallengeEnd(id);
        market.claim(id, sponsor, amount, 0, MerkleHelper.proof(leaves, 0));
        market.claim(id, sponsor, amount, ConstantsLib.SPONSOR_LEAF_SCORE, MerkleHelper.proof(leaves, 1));
        assertEq(market.marketState(id).claimed, 2 * amount);
    }

    /// @dev Nothing swept an unclaimed or stranded balance. After CLAIM_PERIOD it goes to the treasury, and claims close.
    function test_Attack_StrandedBalance_SweptAfterClaimPeriod() public {
        (uint256 id,) = _acceptedMarket();
        _toChallengeEnd(id);
        market.finalize(id);
        _claimLeaf(id, 0);
        uint64 at = market.marketState(id).settledAt + ConstantsLib.CLAIM_PERIOD;
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.ClaimPeriodNotOver.selector, id, at));
        market.sweep(id);
        vm.warp(at);
        uint256 left = market.marketState(id).balance;
        market.sweep(id);
        assertEq(market.credit(address(token), BURN), left);
        assertEq(market.marketState(id).balance, 0);
        bytes32[] memory proof = MerkleHelper.proof(leaves, 1);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.AlreadySwept.selector, id));
        market.claim(id, leafAccounts[1], leafAmounts[1], leafScores[1], proof);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.AlreadySwept.selector, id));
        market.sweep(id);
    }

    /// @dev A report that pays everything to the sponsor (one leaf).
    function _stealReport(uint256 id) internal returns (Report memory r) {
        MarketState memory s = market.marketState(id);
        uint256 total = PayoutLib.totalPayout(s.totalStaked, POOL, FEE_BPS);
        delete leaves;
        leaves.push(HashLib.leaf(id, sponsor, total, ConstantsLib.SPONSOR_LEAF_SCORE));
        leaves.push(HashLib.leaf(id, sponsor, 0, 0));
        r = Report(id, 0, MerkleHelper.root(leaves), total, 0, 0);
    }
}
