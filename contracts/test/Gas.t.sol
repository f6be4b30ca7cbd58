// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "./utils/BaseTest.sol";
import {Report} from "../src/interfaces/IFeedbackMarket.sol";
import {HashLib} from "../src/libraries/HashLib.sol";
import {MerkleHelper} from "./utils/MerkleHelper.sol";
import {console} from "forge-std/console.sol";

/// @notice Gas of the hot entry points against the targets of docs/contracts.md (execution gas of the call, as
///         measured around it; the 21,000 base and calldata cost of a transaction come on top).
contract GasTest is BaseTest {
    /// @dev Every account and slot cold, as in a fresh transaction.
    function _cool() internal {
        vm.cool(address(market));
        vm.cool(address(token));
        vm.cool(address(registry));
    }

    function test_Gas_Commit() public {
        uint256 id = _create();
        _commit(id, curators[0], 10 ether);
        bytes32 c = HashLib.commitment(id, curators[1], _labels(curators[1]), _salt(curators[1]));
        vm.prank(curators[1]);
        _cool();
        market.commit(id, c, 20 ether);
        uint256 g = vm.lastCallGas().gasTotalUsed;
        console.log("commit", g);
        assertLe(g, 100_000);
    }

    function test_Gas_Reveal() public {
        uint256 id = _create();
        _commit(id, curators[0], 10 ether);
        _commit(id, curators[1], 20 ether);
        _toReveal(id);
        _reveal(id, curators[0]);
        bytes32 l = _labels(curators[1]);
        bytes32 s = _salt(curators[1]);
        vm.prank(curators[1]);
        _cool();
        market.reveal(id, l, s, "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi");
        uint256 g = vm.lastCallGas().gasTotalUsed;
        console.log("reveal", g);
        assertLe(g, 60_000);
    }

    /// @dev Marginal cost of one more signature in one attest call (quorum 3: two vs three signatures, not accepted
    ///      in the two-signature call).
    function test_Gas_AttestPerSignature() public {
        (address o3,) = makeAddrAndKey("oracle3");
        _bond(o3, MIN_BOND);
        vm.prank(owner);
        registry.setQuorum(4);
        uint256 id = _evaluatingMarket();
        Report memory r = _buildReport(id);
        bytes[] memory one = _sigs(r, 0, 1);
        bytes[] memory three = _sigs(r, 0, 3);

        uint256 snap = vm.snapshotState();
        _cool();
        market.attest(r, one);
        uint256 g1 = vm.lastCallGas().gasTotalUsed;
        vm.revertToState(snap);
        _cool();
        market.attest(r, three);
        uint256 g3 = vm.lastCallGas().gasTotalUsed;
        uint256 marginal = (g3 - g1) / 2;
        console.log("attest 1 sig", g1);
        console.log("attest 3 sigs", g3);
        console.log("attest marginal per signature", marginal);
        assertLe(marginal, 40_000);
    }

    /// @dev Acceptance costs the same whatever the number of curators.
    function test_Gas_AcceptanceIndependentOfCurators() public {
        uint256 snap = vm.snapshotState();
        uint256 large = _acceptGas(40);
        vm.revertToState(snap);
        uint256 small = _acceptGas(2);
        console.log("accept (2 sigs) with 2 curators", small);
        console.log("accept (2 sigs) with 40 curators", large);
        assertApproxEqAbs(small, large, 100);
    }

    function _acceptGas(uint256 n) internal returns (uint256 g) {
        uint256 id = _create();
        for (uint256 i; i < n; ++i) {
            address cu = address(uint160(0xC000 + i));
            token.mint(cu, 10 ether);
            vm.startPrank(cu);
            token.approve(address(market), 10 ether);
            market.commit(id, HashLib.commitment(id, cu, bytes32(i), bytes32(i)), 10 ether);
            vm.stopPrank();
        }
        _toEvaluation(id);
        _revealGold(id);
        Report memory r = Report(id, 0, keccak256("root"), n * 10 ether + POOL - POOL * FEE_BPS / 10_000, 0, 0);
        bytes[] memory sigs = _sigs(r, 0, 2);
        _cool();
        market.attest(r, sigs);
        g = vm.lastCallGas().gasTotalUsed;
    }

    function test_Gas_Dispute() public {
        (uint256 id,) = _acceptedMarket();
        vm.prank(challenger);
        _cool();
        market.dispute(id);
        uint256 g = vm.lastCallGas().gasTotalUsed;
        console.log("dispute", g);
    }

    function test_Gas_Finalize() public {
        (uint256 id,) = _acceptedMarket();
        _toChallengeEnd(id);
        _cool();
        market.finalize(id);
        uint256 g = vm.lastCallGas().gasTotalUsed;
        console.log("finalize (2 signers)", g);
    }

    /// @dev Claim by a curator that already holds tokens (the usual case: it staked from a balance).
    function test_Gas_Claim() public {
        (uint256 id,) = _acceptedMarket();
        _toChallengeEnd(id);
        market.finalize(id);
        _claimLeaf(id, 1);
        bytes32[] memory proof = MerkleHelper.proof(leaves, 0);
        address a = leafAccounts[0];
        uint256 amount = leafAmounts[0];
        int32 score = leafScores[0];
        _cool();
        market.claim(id, a, amount, score, proof);
        uint256 g = vm.lastCallGas().gasTotalUsed;
        console.log("claim", g);
        assertLe(g, 65_000);
    }
}
