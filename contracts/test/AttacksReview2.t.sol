// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "./utils/BaseTest.sol";
import {MerkleHelper} from "./utils/MerkleHelper.sol";
import {TestToken} from "../src/testing/TestToken.sol";
import {MarketParams, MarketState, MarketStatus, Phase, Report} from "../src/interfaces/IFeedbackMarket.sol";
import {OracleStatus} from "../src/interfaces/IOracleRegistry.sol";
import {ConstantsLib} from "../src/libraries/ConstantsLib.sol";
import {ErrorsLib} from "../src/libraries/ErrorsLib.sol";
import {HashLib} from "../src/libraries/HashLib.sol";
import {PayoutLib} from "../src/libraries/PayoutLib.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @notice The second independent review (of 49f4788) proved these attacks against the real contracts. Each test
///         drives one of them and asserts it no longer pays; on 49f4788 each fails (or does not compile: `rerun`,
///         `backing` and the four-argument `slashLocked` did not exist). Item numbers are the review's; the node-side
///         items (3's policy, 6, 10, 15) are tested in tests/Protocol.Node.Tests, item 5's off-chain half in the
///         engine's tests.
contract AttacksReview2Test is BaseTest {
    /* ITEM 1: an upheld verdict stranded every stake */

    /// @dev Disputing a correct verdict and losing used to finalize the market with no results root: nothing could
    ///      be claimed or refunded, and a year later the sweep took every stake. Now the upheld verdict forfeits.
    function test_Review2_1_UpheldVerdictForfeitsAndRefundsEveryStake() public {
        uint256 id = _evaluatingMarket();
        Report memory v = Report(id, 0, 0, 0, 0, keccak256("fmp-verdict/1 gold set: missing"));
        market.attest(v, _sigs(v, 0, 2));
        vm.prank(challenger);
        market.dispute(id);
        vm.prank(arbiter);
        market.resolveDispute(id, false);

        assertEq(uint8(_phase(id)), uint8(Phase.Forfeited));
        assertEq(uint8(market.marketState(id).status), uint8(MarketStatus.Forfeited));
        // The signers defended a right verdict: they share the bond, but a verdict earns no oracle fee.
        assertEq(market.credit(address(token), oracles[0]) + market.credit(address(token), oracles[1]), BOND);
        // Curators revealed: the pool is burned, never back to the sponsor; every stake comes back.
        assertEq(market.credit(address(token), BURN), POOL);
        assertEq(market.credit(address(token), sponsor), 0);
        for (uint256 i; i < 3; ++i) {
            uint256 before = token.balanceOf(curators[i]);
            market.refund(id, curators[i]);
            assertEq(token.balanceOf(curators[i]) - before, market.submission(id, curators[i]).stake);
        }
        assertEq(market.marketState(id).balance, 0);
        assertEq(registry.oracle(oracles[0]).locked, 0); // released
    }

    /* ITEM 2: the security lock mixed token units */

    /// @dev A 1,000,000-USDC (6 decimals) market backed by an 18-decimal bond: two Sybils with 100 tokens of bond each
    ///      locked 0.00000049 tokens for 980,000 USDC. Only the bond token can be a market's token now.
    function test_Review2_2_MarketInAnotherUnitRefused() public {
        TestToken usdc = new TestToken("USD Coin", "USDC", 6);
        usdc.mint(sponsor, 1_000_000e6);
        MarketParams memory p = _params();
        p.token = address(usdc);
        p.rewardPool = 1_000_000e6;
        p.disputeBond = 10_000e6;
        p.minStake = 10e6;
        p.stakeCap = 100e6;
        vm.startPrank(sponsor);
        usdc.approve(address(market), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.TokenNotBondToken.selector, address(usdc), address(token)));
        market.createMarket(p);
        vm.stopPrank();
    }

    /* ITEM 3: decoy markets locked honest bonds */

    /// @dev A decoy sized so that each signer's lock equals an honest oracle's whole free bond used to freeze it for
    ///      the decoy's (14-day) challenge period. One market may lock at most a quarter of a matured bond now.
    function test_Review2_3_DecoyCannotLockMoreThanAQuarterOfABond() public {
        MarketParams memory p = _params();
        p.rewardPool = uint128(2 * ORACLE_BOND); // lock per signer = payout / quorum ≈ the whole bond
        p.disputeBond = uint128(2 * ORACLE_BOND) / 100;
        p.challengePeriod = ConstantsLib.MAX_CHALLENGE_PERIOD;
        vm.prank(sponsor);
        uint256 id = market.createMarket(p);
        _toEvaluation(id);
        _revealGold(id);
        uint256 total = PayoutLib.totalPayout(0, p.rewardPool, FEE_BPS);
        Report memory r = _payAllTo(id, sponsor, total);
        uint256 lockAmount = Math.ceilDiv(total * SECURITY_BPS, ConstantsLib.BPS * 2);
        assertLe(lockAmount, ORACLE_BOND); // the old code accepted it and locked (almost) everything
        bytes[] memory sigs = _sigs(r, 0, 2); // (signing calls the market: before expectRevert)
        vm.expectRevert(
            abi.encodeWithSelector(
                ErrorsLib.LockExceedsBondShare.selector,
                oracles[0],
                lockAmount,
                ORACLE_BOND,
                ConstantsLib.MAX_MARKET_LOCK_BPS
            )
        );
        market.attest(r, sigs);
        assertEq(registry.oracle(oracles[0]).locked, 0);

        // A market within the share is backed as before.
        (uint256 fair,) = _acceptedMarket();
        assertEq(uint8(_phase(fair)), uint8(Phase.Challenge));
        assertLe(registry.oracle(oracles[0]).locked * ConstantsLib.BPS, ORACLE_BOND * ConstantsLib.MAX_MARKET_LOCK_BPS);
    }

    /* ITEM 4: availability games framed honest oracles */

    /// @dev A curator answered nothing to the nodes, then served its file and disputed the report that marked it
    ///      invalid: the overturn slashed honest locks and paid it half (a 10-token stake returned 495). The arbiter
    ///      now reruns such a report: nobody is slashed, the challenger gets nothing and pays the signers its bond.
    function test_Review2_4_WithheldInputRerunsWithoutSlashOrReward() public {
        (uint256 id,) = _disputedMarket();
        uint256 lock = market.marketState(id).lockPerSigner;
        assertGt(lock, 0);
        uint256 challengerBefore = token.balanceOf(challenger) + market.credit(address(token), challenger);

        vm.prank(arbiter);
        market.rerun(id);

        MarketState memory s = market.marketState(id);
        assertEq(uint8(s.status), uint8(MarketStatus.Active));
        assertEq(s.round, 1);
        assertEq(uint8(_phase(id)), uint8(Phase.Evaluation));
        for (uint256 i; i < 2; ++i) {
            assertEq(uint8(registry.oracle(oracles[i]).status), uint8(OracleStatus.Active));
            assertEq(registry.oracle(oracles[i]).bond, ORACLE_BOND);
            assertEq(registry.oracle(oracles[i]).locked, 0);
        }
        assertEq(registry.bondCredit(challenger), 0);
        assertEq(registry.bondCredit(BURN), 0);
        assertEq(token.balanceOf(challenger) + market.credit(address(token), challenger), challengerBefore);
        assertEq(market.credit(address(token), oracles[0]) + market.credit(address(token), oracles[1]), BOND);
    }

    /// @dev Only the arbiter reruns, and only an open dispute within its deadline.
    function test_Review2_4_RerunOnlyByArbiterWhileDisputed() public {
        (uint256 id,) = _acceptedMarket();
        vm.prank(arbiter);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidPhase.selector, id, Phase.Challenge));
        market.rerun(id);
        vm.prank(challenger);
        market.dispute(id);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.Unauthorized.selector, address(this), arbiter));
        market.rerun(id);
        uint64 deadline = market.marketState(id).disputedAt + ConstantsLib.RESOLUTION_PERIOD;
        vm.warp(deadline);
        vm.prank(arbiter);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.DisputeExpired.selector, id, deadline));
        market.rerun(id);
    }

    /// @dev Reruns count as rounds: a publisher who withholds again and again cannot hold a market forever; after
    ///      MAX_ROUNDS the market cancels, stakes come back, the pool is burned, and each rerun cost its bond.
    function test_Review2_4_RepeatedRerunsEndInCancelWithTheirBondsSpent() public {
        uint256 id = _evaluatingMarket();
        for (uint32 round; round < ConstantsLib.MAX_ROUNDS; ++round) {
            Report memory r = _buildReport(id);
            market.attest(r, _sigs(r, 0, 2));
            vm.prank(challenger);
            market.dispute(id);
            vm.prank(arbiter);
            market.rerun(id);
        }
        assertEq(uint8(_phase(id)), uint8(Phase.Cancelled));
        assertEq(market.credit(address(token), BURN), POOL);
        assertEq(market.credit(address(token), challenger), 0);
        assertEq(market.credit(address(token), oracles[0]) + market.credit(address(token), oracles[1]), 3 * BOND);
    }

    /* ITEM 7: the treasury's controller could destroy a market and take its pool */

    /// @dev Its own oracles attest a wrong report and a contract it controls disputes; the arbiter overturns, both
    ///      halves of each slash and, after MAX_ROUNDS, the pool came back to it. Now the pool and the non-prover half
    ///      are burned and its reward is capped at the bond it posted: three rounds cost it its locks.
    function test_Review2_7_TreasuryControllerCannotProfitFromFailingAMarket() public {
        uint256 id = _evaluatingMarket();
        uint256 slashed;
        for (uint32 round; round < ConstantsLib.MAX_ROUNDS; ++round) {
            (address a, uint256 ka) = makeAddrAndKey(string.concat("treasury oracle a", vm.toString(round)));
            (address b, uint256 kb) = makeAddrAndKey(string.concat("treasury oracle b", vm.toString(round)));
            _bond(a, ORACLE_BOND);
            _bond(b, ORACLE_BOND);
            vm.warp(block.timestamp + ACTIVATION);
            Report memory r = _payAllTo(id, treasury, PayoutLib.totalPayout(60 ether, POOL, FEE_BPS));
            r.round = round;
            bytes[] memory sigs = new bytes[](2);
            sigs[0] = _sign(ka, r);
            sigs[1] = _sign(kb, r);
            market.attest(r, sigs);
            slashed += 2 * market.marketState(id).lockPerSigner;
            token.mint(treasury, BOND);
            vm.startPrank(treasury);
            token.approve(address(market), BOND);
            market.dispute(id);
            vm.stopPrank();
            vm.prank(arbiter);
            market.resolveDispute(id, true);
        }
        assertEq(uint8(_phase(id)), uint8(Phase.Cancelled));
        assertEq(market.credit(address(token), treasury), 3 * BOND); // its own bonds back, nothing more
        assertEq(registry.bondCredit(treasury), 3 * BOND); // reward capped at each bond
        assertEq(market.credit(address(token), BURN), POOL);
        assertEq(registry.bondCredit(BURN), slashed - 3 * BOND);
        assertGt(slashed, 6 * BOND); // so it lost far more than it got back
    }

    /// @dev `setTreasury` no longer reaches running markets: no market pays the treasury anything.
    function test_Review2_7_NewTreasuryGetsNothingFromARunningMarket() public {
        uint256 id = _evaluatingMarket();
        address newTreasury = makeAddr("new treasury");
        vm.prank(owner);
        registry.setTreasury(newTreasury);
        vm.warp(market.marketState(id).evaluationDeadline);
        market.cancel(id);
        assertEq(market.credit(address(token), newTreasury), 0);
        assertEq(market.credit(address(token), treasury), 0);
        assertEq(market.credit(address(token), BURN), POOL);
    }

    /* ITEMS 8 AND 11: self-dispute, and a challenger colluding with the arbiter */

    /// @dev Colluding signers disputed their own wrong report from a second address and recovered half of their locks
    ///      as prover; a challenger colluding with the arbiter took 505 of honest locks. The prover's reward is now
    ///      capped at the dispute bond it put at risk.
    function test_Review2_8_SecondAddressOfTheSignersRecoversAtMostItsBond() public {
        uint256 id = _evaluatingMarket();
        Report memory r = _payAllTo(id, sponsor, PayoutLib.totalPayout(60 ether, POOL, FEE_BPS));
        market.attest(r, _sigs(r, 0, 2));
        uint256 lock = market.marketState(id).lockPerSigner;
        address secondAddress = makeAddr("signers' second address");
        token.mint(secondAddress, BOND);
        vm.startPrank(secondAddress);
        token.approve(address(market), BOND);
        market.dispute(id);
        vm.stopPrank();
        vm.prank(arbiter);
        market.resolveDispute(id, true);
        assertEq(registry.bondCredit(secondAddress), BOND); // was lock (half of each of two locks)
        assertEq(lock, 505 ether);
        // What the colluding group lost: both locks, less the capped reward.
        assertEq(2 * lock - registry.bondCredit(secondAddress), 960 ether);
    }

    /* ITEM 9: a verdict locked only the pool, yet cancelled every slash */

    /// @dev A curator facing a 50,000-token slash could buy a false verdict from a quorum that locked 1,000 between
    ///      them. A verdict now locks the security of the whole payout, as a report does.
    function test_Review2_9_VerdictLocksWhatItCancels() public {
        MarketParams memory p = _params();
        p.stakeCap = 100_000 ether;
        vm.prank(sponsor);
        uint256 id = market.createMarket(p);
        address whale = makeAddr("whale curator");
        token.mint(whale, 100_000 ether);
        vm.startPrank(whale);
        token.approve(address(market), type(uint256).max);
        market.commit(id, HashLib.commitment(id, whale, _labels(whale), _salt(whale)), 100_000 ether);
        vm.stopPrank();
        _toReveal(id);
        vm.prank(whale);
        market.reveal(id, _labels(whale), _salt(whale), "ipfs://labels");
        _toEvaluation(id);
        _revealGold(id);
        for (uint256 i; i < 2; ++i) {
            _bond(oracles[i], 1_000_000 ether); // a top-up: matures after the activation delay
        }
        vm.warp(block.timestamp + ACTIVATION);
        Report memory v = Report(id, 0, 0, 0, 0, keccak256("fmp-verdict/1 gold set: missing"));
        market.attest(v, _sigs(v, 0, 2));
        uint256 total = PayoutLib.totalPayout(100_000 ether, POOL, FEE_BPS);
        assertEq(market.marketState(id).lockPerSigner, Math.ceilDiv(total * SECURITY_BPS, ConstantsLib.BPS * 2));
        assertGt(2 * market.marketState(id).lockPerSigner, uint256(100_000 ether) * SLASH_BPS / ConstantsLib.BPS);
    }

    /* ITEM 12: the recorded-signer list was unbounded */

    /// @dev Each recorded-then-exited Sybil added ~9,900 gas to every later attest (3,000 of them exceeded 30 M gas).
    ///      Signers that can no longer back a report are dropped from its record at the next attest.
    function test_Review2_12_ExitedSignersAreDroppedFromTheRecord() public {
        uint256 id = _evaluatingMarket();
        Report memory r = _buildReport(id);
        bytes32 digest = market.reportDigest(r);
        for (uint256 i; i < 20; ++i) {
            (address sybil, uint256 key) = makeAddrAndKey(string.concat("sybil", vm.toString(i)));
            _bond(sybil, ORACLE_BOND);
            vm.warp(block.timestamp + ACTIVATION);
            bytes[] memory sig = new bytes[](1);
            sig[0] = _sign(key, r);
            market.attest(r, sig);
            vm.prank(sybil);
            registry.requestExit();
        }
        assertEq(market.reportSigners(digest).length, 1); // was 20
        // The last exited Sybil is dropped too, and two honest signatures settle the report.
        assertTrue(market.attest(r, _sigs(r, 0, 2)));
        assertEq(market.reportSigners(digest).length, 2);
    }

    /* ITEM 13: the activation delay gated identities, not bond */

    /// @dev An old 100-token identity topped up and attested a large market in the same block.
    function test_Review2_13_TopUpCountsOnlyAfterTheActivationDelay() public {
        (address old, uint256 key) = makeAddrAndKey("old small oracle");
        _bond(old, MIN_BOND);
        vm.warp(block.timestamp + ACTIVATION);
        uint256 id = _evaluatingMarket();
        Report memory r = _buildReport(id);
        uint256 lockAmount = Math.ceilDiv(r.totalPayout * SECURITY_BPS, ConstantsLib.BPS * 2);
        _bond(old, 10 * ORACLE_BOND);
        assertEq(registry.freeBond(old), MIN_BOND);
        bytes[] memory sig = new bytes[](1);
        sig[0] = _sign(key, r);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InsufficientFreeBond.selector, old, MIN_BOND, lockAmount));
        market.attest(r, sig);

        vm.warp(block.timestamp + ACTIVATION);
        assertEq(registry.freeBond(old), MIN_BOND + 10 * ORACLE_BOND);
        market.attest(r, sig);
        assertEq(market.reportSigners(market.reportDigest(r)).length, 1);
    }

    /* ITEM 14: an oracle whose bond was fully locked equivocated for free */

    /// @dev The prover got 0 and the bond came back once the locks were released. Now every lock released after the
    ///      proof is slashed to the prover and the treasury.
    function test_Review2_14_LockedEquivocatorLosesItsLocksAsTheyComeFree() public {
        (address o, uint256 key) = makeAddrAndKey("locked oracle");
        uint256 id = _evaluatingMarket();
        Report memory r = _buildReport(id);
        _bond(o, 4 * Math.ceilDiv(r.totalPayout, 2)); // exactly four markets' share of security
        vm.warp(block.timestamp + ACTIVATION);
        bytes[] memory sigs = new bytes[](2);
        sigs[0] = _sign(key, r);
        sigs[1] = _sign(oracleKeys[2], r);
        market.attest(r, sigs);
        uint256 locked = registry.oracle(o).locked;
        assertGt(locked, 0);

        address prover = makeAddr("prover");
        Report memory other = Report(id, 0, keccak256("other"), r.totalPayout, 0, 0);
        bytes memory sb = _sign(key, other); // (signing calls the market: before the prank)
        vm.prank(prover);
        market.proveEquivocation(r, sigs[0], other, sb);
        uint256 fromFree = registry.bondCredit(prover);

        _toChallengeEnd(id);
        market.finalize(id);
        assertEq(registry.oracle(o).bond, 0); // nothing comes back to the equivocator
        assertEq(registry.bondCredit(prover), fromFree + locked / 2);
    }

    /* ITEM 17: what the documents said */

    /// @dev "A verdict earns no fee": an unchallenged verdict forfeits and credits no fee either.
    function test_Review2_17_VerdictEarnsNoFee() public {
        uint256 id = _evaluatingMarket();
        Report memory v = Report(id, 0, 0, 0, 0, keccak256("fmp-verdict/1 gold set: missing"));
        market.attest(v, _sigs(v, 0, 2));
        _toChallengeEnd(id);
        market.forfeit(id);
        assertEq(market.credit(address(token), oracles[0]), 0);
        assertEq(market.credit(address(token), oracles[1]), 0);
        assertEq(market.credit(address(token), BURN), POOL);
    }

    /// @dev A report paying everything to `account` (one leaf, plus a zero leaf to make a tree).
    function _payAllTo(uint256 id, address account, uint256 total) internal returns (Report memory r) {
        delete leaves;
        leaves.push(HashLib.leaf(id, account, total, ConstantsLib.SPONSOR_LEAF_SCORE));
        leaves.push(HashLib.leaf(id, account, 0, 0));
        r = Report(id, market.marketState(id).round, MerkleHelper.root(leaves), total, 0, 0);
    }
}
