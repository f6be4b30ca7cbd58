// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "./utils/BaseTest.sol";
import {Report} from "../src/interfaces/IFeedbackMarket.sol";
import {PayoutLib} from "../src/libraries/PayoutLib.sol";
import {HashLib} from "../src/libraries/HashLib.sol";

/// @notice The payout arithmetic of PROTOCOL.md: conservation, bounds, and settlement through the market.
contract PayoutFuzzTest is BaseTest {
    uint256 internal constant N = 6;

    struct Case {
        uint256 pool;
        uint256 feeBps;
        uint256 slashBps;
        uint256 stakeCap;
        uint256[N] stakes;
        int256[N] scores;
        int256[N] values;
    }

    /// @dev Σ payout_c + remainder == totalStaked + rewardPool - fee, and every term stays in bounds.
    function testFuzz_Payout_Conserves(
        uint128 pool,
        uint16 feeBps,
        uint16 slashBps,
        uint128 stakeCap,
        uint128[N] memory stakes,
        int32[N] memory scores,
        int64[N] memory values
    ) public pure {
        Case memory c;
        c.pool = bound(pool, 1, 1e30);
        c.feeBps = bound(feeBps, 0, 10_000);
        c.slashBps = bound(slashBps, 0, 10_000);
        c.stakeCap = bound(stakeCap, 1, 1e30);
        for (uint256 i; i < N; ++i) {
            c.stakes[i] = bound(stakes[i], 1, c.stakeCap);
            c.scores[i] = bound(scores[i], -10_000, 10_000);
            c.values[i] = bound(values[i], -1e12, 1e12);
        }
        uint256 fee = PayoutLib.oracleFee(c.pool, c.feeBps);
        assertLe(fee, c.pool);
        (uint256 distributable, uint256 totalStaked, uint256 sumW) = _distribution(c, c.pool - fee);
        (uint256 paid, uint256 rewards) = _payouts(c, distributable, sumW);
        assertLe(rewards, distributable);
        uint256 sponsorRemainder = distributable - rewards;
        // Floor division loses less than one unit per curator; without positive contributions P is the remainder
        // (burned: the sponsor never gets slashes or an unearned pool back).
        if (sumW > 0) assertLt(sponsorRemainder, N);
        assertEq(paid + sponsorRemainder, PayoutLib.totalPayout(totalStaked, c.pool, c.feeBps));
    }

    function _distribution(Case memory c, uint256 afterFee)
        internal
        pure
        returns (uint256 distributable, uint256 totalStaked, uint256 sumW)
    {
        distributable = afterFee;
        for (uint256 i; i < N; ++i) {
            totalStaked += c.stakes[i];
            uint256 slashed = PayoutLib.slash(c.stakes[i], c.slashBps, c.scores[i]);
            assertLe(slashed, c.stakes[i] * c.slashBps / 10_000);
            distributable += slashed;
            sumW += PayoutLib.weight(c.stakes[i], c.stakeCap, c.values[i]);
        }
    }

    function _payouts(Case memory c, uint256 distributable, uint256 sumW)
        internal
        pure
        returns (uint256 paid, uint256 rewards)
    {
        for (uint256 i; i < N; ++i) {
            uint256 reward =
                PayoutLib.reward(distributable, PayoutLib.weight(c.stakes[i], c.stakeCap, c.values[i]), sumW);
            if (c.values[i] <= 0) assertEq(reward, 0);
            rewards += reward;
            paid += c.stakes[i] - PayoutLib.slash(c.stakes[i], c.slashBps, c.scores[i]) + reward;
        }
    }

    function test_Payout_EdgeCases() public pure {
        assertEq(PayoutLib.slash(100, 10_000, -10_000), 100);
        assertEq(PayoutLib.slash(100, 5_000, -5_000), 25);
        assertEq(PayoutLib.slash(100, 5_000, 10_000), 0);
        assertEq(PayoutLib.weight(50, 20, 3), 60);
        assertEq(PayoutLib.weight(50, 20, -3), 0);
        assertEq(PayoutLib.reward(100, 1, 0), 0);
        assertEq(PayoutLib.reward(type(uint256).max, 3, 4), type(uint256).max / 4 * 3 + 2);
        assertEq(PayoutLib.oracleFee(1_000, 250), 25);
        assertEq(PayoutLib.totalPayout(60, 1_000, 500), 1_010);
    }

    /// @dev Random scores and values, settled on chain: every leaf pays, the market ends empty.
    function testFuzz_Payout_SettlesExactlyOnChain(
        uint96[3] memory stakes,
        int32[3] memory scores,
        int32[3] memory values
    ) public {
        uint256 id = _create();
        address[] memory accounts = new address[](3);
        int32[] memory s = new int32[](3);
        int256[] memory v = new int256[](3);
        for (uint256 i; i < 3; ++i) {
            accounts[i] = curators[i];
            s[i] = int32(bound(scores[i], -10_000, 10_000));
            v[i] = bound(values[i], -1e6, 1e6);
            _commit(id, curators[i], bound(stakes[i], MIN_STAKE, STAKE_CAP));
        }
        _toEvaluation(id);
        _revealGold(id);
        Report memory r = _buildReportFor(id, accounts, s, v);
        market.attest(r, _sigs(r, 0, 2));
        _toChallengeEnd(id);
        market.finalize(id);
        for (uint256 i; i < leaves.length; ++i) {
            _claimLeaf(id, i);
        }
        market.withdrawCredit(address(token), oracles[0]);
        market.withdrawCredit(address(token), oracles[1]);
        assertEq(token.balanceOf(address(market)), 0);
    }

    /// @dev Leaves are bound to market, account, amount and score.
    function testFuzz_Leaf_Binding(uint256 id, address a, uint256 amount, int32 score, uint256 id2, address b)
        public
        pure
    {
        vm.assume(id != id2 && a != b);
        bytes32 lf = HashLib.leaf(id, a, amount, score);
        assertEq(lf, keccak256(bytes.concat(keccak256(abi.encode(id, a, amount, score)))));
        assertTrue(lf != HashLib.leaf(id2, a, amount, score));
        assertTrue(lf != HashLib.leaf(id, b, amount, score));
        assertTrue(lf != HashLib.leaf(id, a, amount ^ 1, score));
        assertTrue(lf != HashLib.leaf(id, a, amount, score ^ 1));
    }

    /// @dev Commitments are bound to market, curator, labels and salt.
    function testFuzz_Commitment_Binding(uint256 id, address a, bytes32 labels, bytes32 salt, uint256 id2, address b)
        public
        pure
    {
        vm.assume(id != id2 && a != b);
        bytes32 c = HashLib.commitment(id, a, labels, salt);
        assertEq(c, keccak256(abi.encode(id, a, labels, salt)));
        assertTrue(c != HashLib.commitment(id2, a, labels, salt));
        assertTrue(c != HashLib.commitment(id, b, labels, salt));
        assertTrue(c != HashLib.commitment(id, a, labels ^ bytes32(uint256(1)), salt));
        assertTrue(c != HashLib.commitment(id, a, labels, salt ^ bytes32(uint256(1))));
        assertTrue(HashLib.goldCommitment(labels, salt) == keccak256(abi.encode(labels, salt)));
    }
}
