// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

import {FeedbackMarket} from "../src/FeedbackMarket.sol";
import {OracleRegistry} from "../src/OracleRegistry.sol";
import {TestToken} from "../src/testing/TestToken.sol";
import {Report} from "../src/interfaces/IFeedbackMarket.sol";
import {HashLib} from "../src/libraries/HashLib.sol";
import {PayoutLib} from "../src/libraries/PayoutLib.sol";

/// @notice The cross-language vectors of tests/vectors (written by scripts/vectors/generate.mjs from
///         the OpenZeppelin merkle-tree npm package and an independent JavaScript reference; the xunit tests read the same
///         files): commitments, report digests and signatures, leaves, roots, proofs and payout tables.
contract VectorsTest is Test {
    function _load(string memory name) internal view returns (string memory) {
        return vm.readFile(string.concat(vm.projectRoot(), "/tests/vectors/", name));
    }

    function _at(string memory prefix, uint256 i, string memory field) internal pure returns (string memory) {
        return string.concat(prefix, "[", vm.toString(i), "]", field);
    }

    function test_Commitments() public view {
        string memory json = _load("commitments.json");
        uint256 n;
        for (; vm.keyExistsJson(json, _at(".labels", n, "")); ++n) {
            bytes32 expected = vm.parseJsonBytes32(json, _at(".labels", n, ".commitment"));
            bytes32 actual = HashLib.commitment(
                vm.parseJsonUint(json, _at(".labels", n, ".marketId")),
                vm.parseJsonAddress(json, _at(".labels", n, ".curator")),
                vm.parseJsonBytes32(json, _at(".labels", n, ".labelsHash")),
                vm.parseJsonBytes32(json, _at(".labels", n, ".salt"))
            );
            assertEq(actual, expected);
        }
        assertGt(n, 0);
        for (uint256 i; vm.keyExistsJson(json, _at(".gold", i, "")); ++i) {
            assertEq(
                HashLib.goldCommitment(
                    vm.parseJsonBytes32(json, _at(".gold", i, ".goldHash")),
                    vm.parseJsonBytes32(json, _at(".gold", i, ".salt"))
                ),
                vm.parseJsonBytes32(json, _at(".gold", i, ".commitment"))
            );
        }
    }

    function test_ReportDigestsAndSignatures() public {
        string memory json = _load("reports.json");
        TestToken token = new TestToken("T", "T", 18);
        OracleRegistry registry =
            new OracleRegistry(address(this), token, 1, 45 days, 1 hours, 1, 10_000, address(this));
        for (uint256 d; vm.keyExistsJson(json, _at(".domains", d, "")); ++d) {
            string memory domain = _at(".domains", d, "");
            vm.chainId(vm.parseJsonUint(json, string.concat(domain, ".chainId")));
            address at = vm.parseJsonAddress(json, string.concat(domain, ".verifyingContract"));
            deployCodeTo("FeedbackMarket.sol:FeedbackMarket", abi.encode(registry, address(0xA4B17E4)), at);
            uint256 n;
            for (; vm.keyExistsJson(json, _at(string.concat(domain, ".cases"), n, "")); ++n) {
                string memory c = _at(string.concat(domain, ".cases"), n, "");
                Report memory r = Report({
                    marketId: vm.parseJsonUint(json, string.concat(c, ".report.marketId")),
                    round: uint32(vm.parseJsonUint(json, string.concat(c, ".report.round"))),
                    resultsRoot: vm.parseJsonBytes32(json, string.concat(c, ".report.resultsRoot")),
                    totalPayout: vm.parseJsonUint(json, string.concat(c, ".report.totalPayout")),
                    scoresHash: vm.parseJsonBytes32(json, string.concat(c, ".report.scoresHash")),
                    metricsHash: vm.parseJsonBytes32(json, string.concat(c, ".report.metricsHash"))
                });
                bytes32 digest = FeedbackMarket(at).reportDigest(r);
                assertEq(digest, vm.parseJsonBytes32(json, string.concat(c, ".digest")));
                assertEq(
                    ECDSA.recover(digest, vm.parseJsonBytes(json, string.concat(c, ".signature"))),
                    vm.parseJsonAddress(json, string.concat(c, ".signer"))
                );
            }
            assertGt(n, 0);
        }
    }

    function test_LeavesRootsAndProofs() public view {
        string memory json = _load("merkle.json");
        uint256 trees;
        for (; vm.keyExistsJson(json, _at(".trees", trees, "")); ++trees) {
            string memory t = _at(".trees", trees, "");
            bytes32 root = vm.parseJsonBytes32(json, string.concat(t, ".root"));
            for (uint256 i; vm.keyExistsJson(json, _at(string.concat(t, ".leaves"), i, "")); ++i) {
                string memory lf = _at(string.concat(t, ".leaves"), i, "");
                bytes32 leaf = HashLib.leaf(
                    vm.parseJsonUint(json, string.concat(lf, ".marketId")),
                    vm.parseJsonAddress(json, string.concat(lf, ".account")),
                    vm.parseJsonUint(json, string.concat(lf, ".amount")),
                    int32(vm.parseJsonInt(json, string.concat(lf, ".scoreBps")))
                );
                assertEq(leaf, vm.parseJsonBytes32(json, string.concat(lf, ".hash")));
                assertTrue(MerkleProof.verify(vm.parseJsonBytes32Array(json, string.concat(lf, ".proof")), root, leaf));
            }
        }
        assertGt(trees, 4);
    }

    function test_PayoutTables() public view {
        string memory json = _load("payouts.json");
        uint256 n;
        for (; vm.keyExistsJson(json, _at(".cases", n, "")); ++n) {
            string memory c = _at(".cases", n, "");
            _checkPayoutCase(json, c);
        }
        assertGt(n, 9);
    }

    struct Terms {
        uint256 pool;
        uint256 feeBps;
        uint256 slashBps;
        uint256 cap;
    }

    struct Sums {
        uint256 count;
        uint256 staked;
        uint256 slashed;
        uint256 sumW;
    }

    function _checkPayoutCase(string memory json, string memory c) internal view {
        Terms memory t = Terms({
            pool: vm.parseJsonUint(json, string.concat(c, ".terms.rewardPool")),
            feeBps: vm.parseJsonUint(json, string.concat(c, ".terms.oracleFeeBps")),
            slashBps: vm.parseJsonUint(json, string.concat(c, ".terms.slashBps")),
            cap: vm.parseJsonUint(json, string.concat(c, ".terms.stakeCap"))
        });
        string memory rows = string.concat(c, ".expected.curators");
        Sums memory sums = _sumRows(json, rows, t);

        uint256 fee = PayoutLib.oracleFee(t.pool, t.feeBps);
        assertEq(fee, vm.parseJsonUint(json, string.concat(c, ".expected.fee")));
        uint256 distributable = t.pool - fee + sums.slashed;
        assertEq(distributable, vm.parseJsonUint(json, string.concat(c, ".expected.distributable")));
        assertEq(
            PayoutLib.totalPayout(sums.staked, t.pool, t.feeBps),
            vm.parseJsonUint(json, string.concat(c, ".expected.totalPayout"))
        );

        uint256 rewarded;
        for (uint256 i; i < sums.count; ++i) {
            uint256 w = PayoutLib.weight(
                vm.parseJsonUint(json, _at(rows, i, ".stake")), t.cap, vm.parseJsonInt(json, _at(rows, i, ".value"))
            );
            uint256 reward = PayoutLib.reward(distributable, w, sums.sumW);
            assertEq(reward, vm.parseJsonUint(json, _at(rows, i, ".reward")));
            rewarded += reward;
        }
        assertEq(distributable - rewarded, vm.parseJsonUint(json, string.concat(c, ".expected.sponsorRemainder")));
    }

    function _sumRows(string memory json, string memory rows, Terms memory t) internal view returns (Sums memory sums) {
        for (; vm.keyExistsJson(json, _at(rows, sums.count, "")); ++sums.count) {
            uint256 stake = vm.parseJsonUint(json, _at(rows, sums.count, ".stake"));
            uint256 s = PayoutLib.slash(stake, t.slashBps, vm.parseJsonInt(json, _at(rows, sums.count, ".scoreBps")));
            assertEq(s, vm.parseJsonUint(json, _at(rows, sums.count, ".slash")));
            sums.staked += stake;
            sums.slashed += s;
            sums.sumW += PayoutLib.weight(stake, t.cap, vm.parseJsonInt(json, _at(rows, sums.count, ".value")));
        }
    }
}
