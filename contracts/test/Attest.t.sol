// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "./utils/BaseTest.sol";
import {Report, Phase, MarketState, MarketStatus} from "../src/interfaces/IFeedbackMarket.sol";
import {ErrorsLib} from "../src/libraries/ErrorsLib.sol";
import {EventsLib} from "../src/libraries/EventsLib.sol";
import {ConstantsLib} from "../src/libraries/ConstantsLib.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

contract AttestTest is BaseTest {
    uint256 internal id;
    Report internal r;

    function setUp() public override {
        super.setUp();
        id = _evaluatingMarket();
        r = _buildReport(id);
    }

    function test_ReportDigest_IsEip712() public view {
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("FeedbackMarket"),
                keccak256("1"),
                block.chainid,
                address(market)
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "Report(uint256 marketId,uint32 round,bytes32 resultsRoot,uint256 totalPayout,bytes32 scoresHash,bytes32 metricsHash)"
                ),
                r.marketId,
                r.round,
                r.resultsRoot,
                r.totalPayout,
                r.scoresHash,
                r.metricsHash
            )
        );
        assertEq(
            ConstantsLib.REPORT_TYPEHASH,
            keccak256(
                bytes(
                    "Report(uint256 marketId,uint32 round,bytes32 resultsRoot,uint256 totalPayout,bytes32 scoresHash,bytes32 metricsHash)"
                )
            )
        );
        assertEq(market.reportDigest(r), keccak256(abi.encodePacked("\x19\x01", domain, structHash)));
    }

    function test_Attest_AcceptsAtQuorumAndEmits() public {
        bytes32 digest = market.reportDigest(r);
        vm.expectEmit(address(market));
        emit EventsLib.Attested(id, 0, digest, oracles[0], 1);
        vm.expectEmit(address(market));
        emit EventsLib.Attested(id, 0, digest, oracles[1], 2);
        vm.expectEmit(address(market));
        emit EventsLib.ReportAccepted(
            id,
            0,
            digest,
            r.resultsRoot,
            r.totalPayout,
            r.scoresHash,
            r.metricsHash,
            uint64(block.timestamp) + CHALLENGE
        );
        vm.prank(relayer);
        assertTrue(market.attest(r, _sigs(r, 0, 2)));

        MarketState memory s = market.marketState(id);
        assertEq(uint8(s.status), uint8(MarketStatus.Accepted));
        assertEq(s.acceptedDigest, digest);
        assertEq(s.resultsRoot, r.resultsRoot);
        assertEq(s.totalPayout, r.totalPayout);
        assertEq(s.acceptedAt, block.timestamp);
        assertEq(uint8(_phase(id)), uint8(Phase.Challenge));
        assertEq(market.reportSigners(digest).length, 2);
    }

    function test_Attest_AccumulatesAcrossCallsAndSkipsDuplicates() public {
        assertFalse(market.attest(r, _sigs(r, 0, 1)));
        // The same signature again adds nothing.
        assertFalse(market.attest(r, _sigs(r, 0, 1)));
        assertEq(market.reportSigners(market.reportDigest(r)).length, 1);
        bytes[] memory sigs = new bytes[](3);
        sigs[0] = _sign(oracleKeys[0], r);
        sigs[1] = _sign(oracleKeys[1], r);
        sigs[2] = _sign(oracleKeys[2], r); // beyond the quorum: ignored
        assertTrue(market.attest(r, sigs));
        address[] memory signers = market.reportSigners(market.reportDigest(r));
        assertEq(signers.length, 2);
        assertEq(signers[0], oracles[0]);
        assertEq(signers[1], oracles[1]);
    }

    /// @dev The market snapshotted quorum 2 at creation: governance lowering it does not let one signer settle.
    function test_Attest_KeepsQuorumSnapshotWhenRegistryLowersIt() public {
        market.attest(r, _sigs(r, 0, 1));
        vm.prank(owner);
        registry.setQuorum(1);
        assertFalse(market.attest(r, new bytes[](0)));
        assertEq(market.marketConfig(r.marketId).quorum, 2);
        assertTrue(market.attest(r, _sigs(r, 1, 1)));
    }

    function test_Attest_DifferentDigestsAccumulateSeparately() public {
        Report memory other = r;
        other.metricsHash = keccak256("other metrics");
        market.attest(r, _sigs(r, 0, 1));
        assertFalse(market.attest(other, _sigs(other, 1, 1)));
        assertTrue(market.attest(r, _sigs(r, 2, 1)));
    }

    function test_Attest_RevertsOnUnknownMarket() public {
        Report memory bad = r;
        bad.marketId = 99;
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.MarketNotFound.selector, 99));
        market.attest(bad, new bytes[](0));
    }

    function test_Attest_RevertsOutsideEvaluation() public {
        market.attest(r, _sigs(r, 0, 2));
        bytes[] memory sigs = _sigs(r, 2, 1);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidPhase.selector, id, Phase.Challenge));
        market.attest(r, sigs);
        vm.warp(block.timestamp + 365 days);
        uint256 id2 = _create();
        Report memory r2 = r;
        r2.marketId = id2;
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidPhase.selector, id2, Phase.Open));
        market.attest(r2, new bytes[](0));
    }

    function test_Attest_RevertsAfterEvaluationDeadline() public {
        vm.warp(market.marketState(id).evaluationDeadline);
        bytes[] memory sigs = _sigs(r, 0, 2);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.InvalidPhase.selector, id, Phase.Cancelled));
        market.attest(r, sigs);
    }

    function test_Attest_RevertsBeforeGoldReveal() public {
        uint256 id2 = _create();
        _commit(id2, curators[0], 10 ether);
        _toEvaluation(id2);
        Report memory r2 = r;
        r2.marketId = id2;
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.GoldNotRevealed.selector, id2));
        market.attest(r2, new bytes[](0));
    }

    function test_Attest_RevertsOnWrongRound() public {
        Report memory bad = r;
        bad.round = 1;
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.WrongRound.selector, 1, 0));
        market.attest(bad, new bytes[](0));
    }

    function test_Attest_RevertsOnTotalPayoutMismatch() public {
        Report memory bad = r;
        bad.totalPayout += 1;
        vm.expectRevert(
            abi.encodeWithSelector(ErrorsLib.TotalPayoutMismatch.selector, r.totalPayout + 1, r.totalPayout)
        );
        market.attest(bad, new bytes[](0));
    }

    function test_Attest_RevertsOnInactiveSigner() public {
        (address stranger, uint256 key) = makeAddrAndKey("stranger");
        bytes[] memory sigs = new bytes[](1);
        sigs[0] = _sign(key, r);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.OracleNotActive.selector, stranger));
        market.attest(r, sigs);

        vm.prank(oracles[0]);
        registry.requestExit();
        sigs = _sigs(r, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(ErrorsLib.OracleNotActive.selector, oracles[0]));
        market.attest(r, sigs);
    }

    function test_Attest_RevertsOnMalformedSignature() public {
        bytes[] memory sigs = new bytes[](1);
        sigs[0] = hex"1234";
        vm.expectRevert(abi.encodeWithSelector(ECDSA.ECDSAInvalidSignatureLength.selector, 2));
        market.attest(r, sigs);
    }
}
