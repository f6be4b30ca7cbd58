// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "./utils/BaseTest.sol";
import {Report} from "../src/interfaces/IFeedbackMarket.sol";
import {HashLib} from "../src/libraries/HashLib.sol";
import {MerkleHelper} from "./utils/MerkleHelper.sol";
import {console} from "forge-std/console.sol";

/// @notice Gas of the entry points against the targets of docs/contracts.md.
/// @dev Execution gas of the call frame (`vm.lastCallGas`), the intrinsic 21,000 and calldata of a transaction come on
///      top. Each scenario is prepared in `setUp`, which forge commits before the test runs, so the measured call
///      sees fresh-transaction storage costs (cold slots, clean original values), as on chain.
abstract contract GasBase is BaseTest {
    function _cool() internal {
        vm.cool(address(market));
        vm.cool(address(token));
        vm.cool(address(registry));
    }

    function _log(string memory what, uint256 g) internal pure {
        console.log(what, g);
    }
}

contract GasCommitTest is GasBase {
    uint256 internal id;
    uint256 internal fresh;

    function setUp() public override {
        super.setUp();
        id = _create();
        _commit(id, curators[0], 10 ether);
        fresh = _create();
        vm.prank(curators[3]);
        token.approve(address(market), 10 ether);
    }

    function test_Gas_Commit() public {
        bytes32 c = HashLib.commitment(id, curators[1], _labels(curators[1]), _salt(curators[1]));
        vm.prank(curators[1]);
        market.commit(id, c, 20 ether);
        uint256 g = vm.lastCallGas().gasTotalUsed;
        _log("commit", g);
        assertLe(g, 100_000);
    }

    /// @dev The first commit of a market also turns its stake total from zero to non-zero.
    function test_Gas_FirstCommit() public {
        bytes32 c = HashLib.commitment(fresh, curators[1], _labels(curators[1]), _salt(curators[1]));
        vm.prank(curators[1]);
        market.commit(fresh, c, 10 ether);
        uint256 g = vm.lastCallGas().gasTotalUsed;
        _log("commit (first of the market)", g);
        assertLe(g, 100_000);
    }

    /// @dev With an exact allowance the token also rewrites the allowance slot.
    function test_Gas_FirstCommitExactAllowance() public {
        bytes32 c = HashLib.commitment(fresh, curators[3], _labels(curators[3]), _salt(curators[3]));
        vm.prank(curators[3]);
        market.commit(fresh, c, 10 ether);
        _log("commit (first, exact allowance)", vm.lastCallGas().gasTotalUsed);
    }

    function test_Gas_CreateMarket() public {
        vm.prank(sponsor);
        market.createMarket(_params());
        _log("createMarket", vm.lastCallGas().gasTotalUsed);
    }
}

contract GasRevealTest is GasBase {
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        id = _create();
        _commit(id, curators[0], 10 ether);
        _commit(id, curators[1], 20 ether);
        _toReveal(id);
    }

    /// @dev The first reveal of a market (its revealed-stake total goes from zero to non-zero: the worst case).
    function test_Gas_Reveal() public {
        bytes32 lh = _labels(curators[1]);
        bytes32 s = _salt(curators[1]);
        vm.prank(curators[1]);
        market.reveal(id, lh, s, "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi");
        uint256 g = vm.lastCallGas().gasTotalUsed;
        _log("reveal (first of the market)", g);
        assertLe(g, 60_000);
    }
}

contract GasRevealLaterTest is GasBase {
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        id = _create();
        _commit(id, curators[0], 10 ether);
        _commit(id, curators[1], 20 ether);
        _toReveal(id);
        _reveal(id, curators[0]);
    }

    function test_Gas_RevealLater() public {
        bytes32 lh = _labels(curators[1]);
        bytes32 s = _salt(curators[1]);
        vm.prank(curators[1]);
        market.reveal(id, lh, s, "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi");
        _log("reveal (later ones)", vm.lastCallGas().gasTotalUsed);
    }
}

contract GasAttestTest is GasBase {
    uint256 internal id;
    Report internal r;
    uint256 internal small;
    uint256 internal large;
    Report internal rSmall;
    Report internal rLarge;

    function setUp() public override {
        super.setUp();
        (address o3,) = makeAddrAndKey("oracle3");
        _bond(o3, ORACLE_BOND);
        vm.warp(block.timestamp + ACTIVATION);
        id = _evaluatingMarket();
        r = _buildReport(id);
        small = _marketWith(2);
        large = _marketWith(40);
        rSmall = Report(small, 0, keccak256("root"), 2 * 10 ether + POOL - POOL * FEE_BPS / 10_000, 0, 0);
        rLarge = Report(large, 0, keccak256("root"), 40 * 10 ether + POOL - POOL * FEE_BPS / 10_000, 0, 0);
    }

    function _marketWith(uint256 n) internal returns (uint256 m) {
        m = _create();
        for (uint256 i; i < n; ++i) {
            address cu = address(uint160(0xC000 + 100 * n + i));
            token.mint(cu, 10 ether);
            vm.startPrank(cu);
            token.approve(address(market), 10 ether);
            market.commit(m, HashLib.commitment(m, cu, bytes32(i), bytes32(i)), 10 ether);
            vm.stopPrank();
        }
        _toEvaluation(m);
        _revealGold(m);
    }

    /// @dev Quorum 4 so that neither call accepts: one signature against three in one call.
    function test_Gas_AttestMarginalPerSignature() public {
        vm.prank(owner);
        registry.setQuorum(4);
        Report memory r4 = _buildReport(_evaluatingMarket()); // the market snapshots quorum 4
        bytes[] memory one = _sigs(r4, 0, 1);
        bytes[] memory three = _sigs(r4, 0, 3);
        uint256 snap = vm.snapshotState();
        _cool();
        market.attest(r4, one);
        uint256 g1 = vm.lastCallGas().gasTotalUsed;
        vm.revertToState(snap);
        _cool();
        market.attest(r4, three);
        uint256 g3 = vm.lastCallGas().gasTotalUsed;
        uint256 marginal = (g3 - g1) / 2;
        _log("attest, 1 signature (not accepted)", g1);
        _log("attest, 3 signatures (not accepted)", g3);
        _log("attest, marginal per signature", marginal);
        assertLe(marginal, 40_000);
    }

    function test_Gas_AttestAccepting() public {
        bytes[] memory sigs = _sigs(r, 0, 2);
        _cool();
        market.attest(r, sigs);
        _log("attest, 2 signatures reaching quorum 2", vm.lastCallGas().gasTotalUsed);
    }

    /// @dev Acceptance costs the same whatever the number of curators.
    function test_Gas_AcceptanceIndependentOfCurators() public {
        bytes[] memory sigsSmall = _sigs(rSmall, 0, 2);
        bytes[] memory sigsLarge = _sigs(rLarge, 0, 2);
        uint256 snap = vm.snapshotState();
        _cool();
        market.attest(rSmall, sigsSmall);
        uint256 gSmall = vm.lastCallGas().gasTotalUsed;
        vm.revertToState(snap);
        _cool();
        market.attest(rLarge, sigsLarge);
        uint256 gLarge = vm.lastCallGas().gasTotalUsed;
        _log("accepting attest, market of 2 curators", gSmall);
        _log("accepting attest, market of 40 curators", gLarge);
        assertEq(gSmall, gLarge);
    }

    function test_Gas_ProveEquivocation() public {
        Report memory b = Report(r.marketId, r.round, keccak256("b"), r.totalPayout, 0, 0);
        bytes memory sa = _sign(oracleKeys[0], r);
        bytes memory sb = _sign(oracleKeys[0], b);
        _cool();
        market.proveEquivocation(r, sa, b, sb);
        _log("proveEquivocation", vm.lastCallGas().gasTotalUsed);
    }
}

contract GasChallengeTest is GasBase {
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        (id,) = _acceptedMarket();
    }

    function test_Gas_Dispute() public {
        vm.prank(challenger);
        market.dispute(id);
        _log("dispute (2 signers locked)", vm.lastCallGas().gasTotalUsed);
    }

    function test_Gas_Finalize() public {
        _toChallengeEnd(id);
        market.finalize(id);
        _log("finalize (fee to 2 signers)", vm.lastCallGas().gasTotalUsed);
    }
}

contract GasResolveTest is GasBase {
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        (id,) = _disputedMarket();
    }

    function test_Gas_ResolveStands() public {
        vm.prank(arbiter);
        market.resolveDispute(id, false);
        _log("resolveDispute, stands (2 signers)", vm.lastCallGas().gasTotalUsed);
    }

    function test_Gas_ResolveOverturned() public {
        vm.prank(arbiter);
        market.resolveDispute(id, true);
        _log("resolveDispute, overturned (2 signers slashed)", vm.lastCallGas().gasTotalUsed);
    }

    function test_Gas_Rerun() public {
        vm.prank(arbiter);
        market.rerun(id);
        _log("rerun (bond to 2 signers, 2 bonds unlocked, new round)", vm.lastCallGas().gasTotalUsed);
    }
}

contract GasClaimTest is GasBase {
    uint256 internal id;

    function setUp() public override {
        super.setUp();
        (id,) = _acceptedMarket();
        _toChallengeEnd(id);
        market.finalize(id);
        _claimLeaf(id, 2);
        // Curator 0 keeps no tokens: its claim turns its token balance from zero to non-zero.
        vm.startPrank(curators[0]);
        token.transfer(address(0xdead), token.balanceOf(curators[0]));
        vm.stopPrank();
    }

    function test_Gas_Claim() public {
        bytes32[] memory proof = MerkleHelper.proof(leaves, 1);
        market.claim(id, leafAccounts[1], leafAmounts[1], leafScores[1], proof);
        uint256 g = vm.lastCallGas().gasTotalUsed;
        _log("claim (recipient holds tokens)", g);
        assertLe(g, 65_000);
    }

    function test_Gas_ClaimToEmptyAccount() public {
        bytes32[] memory proof = MerkleHelper.proof(leaves, 0);
        market.claim(id, leafAccounts[0], leafAmounts[0], leafScores[0], proof);
        _log("claim (recipient holds none)", vm.lastCallGas().gasTotalUsed);
    }
}

contract GasRefundTest is GasBase {
    uint256 internal id;
    uint256 internal cancelled;

    function setUp() public override {
        super.setUp();
        id = _evaluatingMarket();
        cancelled = _evaluatingMarket();
        vm.warp(market.marketState(cancelled).evaluationDeadline);
        market.cancel(cancelled);
    }

    function test_Gas_Cancel() public {
        market.cancel(id);
        _log("cancel", vm.lastCallGas().gasTotalUsed);
    }

    function test_Gas_Refund() public {
        market.refund(id, curators[0]);
        _log("refund", vm.lastCallGas().gasTotalUsed);
    }

    function test_Gas_WithdrawCredit() public {
        market.withdrawCredit(address(token), BURN);
        _log("withdrawCredit", vm.lastCallGas().gasTotalUsed);
    }
}
