// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";

import {FeedbackMarket} from "../../src/FeedbackMarket.sol";
import {OracleRegistry} from "../../src/OracleRegistry.sol";
import {TestToken} from "../../src/testing/TestToken.sol";
import {MarketParams, MarketState, Report, Phase} from "../../src/interfaces/IFeedbackMarket.sol";
import {HashLib} from "../../src/libraries/HashLib.sol";
import {PayoutLib} from "../../src/libraries/PayoutLib.sol";
import {ConstantsLib} from "../../src/libraries/ConstantsLib.sol";
import {MerkleHelper} from "./MerkleHelper.sol";

/// @notice Shared fixture: a token, a registry with three bonded oracles (quorum 2), the market, a sponsor and
///         curators, plus helpers that drive a market through its phases and build signed reports.
abstract contract BaseTest is Test {
    uint256 internal constant MIN_BOND = 100 ether;
    uint64 internal constant UNBONDING = 45 days;
    uint64 internal constant ACTIVATION = 1 hours;
    uint256 internal constant SECURITY_BPS = 10_000;
    /// @dev What each fixture oracle bonds: enough to lock its share of a few markets' security at once.
    uint256 internal constant ORACLE_BOND = 5_000 ether;
    uint128 internal constant POOL = 1_000 ether;
    uint128 internal constant MIN_STAKE = 10 ether;
    uint128 internal constant STAKE_CAP = 100 ether;
    uint128 internal constant BOND = 50 ether;
    uint16 internal constant SLASH_BPS = 5_000;
    uint16 internal constant FEE_BPS = 500;
    uint64 internal constant CHALLENGE = 1 days;

    TestToken internal token;
    OracleRegistry internal registry;
    FeedbackMarket internal market;

    address internal owner = makeAddr("owner");
    address internal treasury = makeAddr("treasury");
    /// @dev Where failed pools, overturn slashes and sweeps go (nobody who can act on a market may gain from them).
    address internal constant BURN = ConstantsLib.BURN_ADDRESS;
    address internal arbiter = makeAddr("arbiter");
    address internal sponsor = makeAddr("sponsor");
    address internal challenger = makeAddr("challenger");
    address internal relayer = makeAddr("relayer");

    address[] internal oracles;
    uint256[] internal oracleKeys;
    address[] internal curators;

    bytes32 internal constant GOLD_HASH = keccak256("gold");
    bytes32 internal constant GOLD_SALT = keccak256("gold salt");
    string internal constant GOLD_URI = "ipfs://gold";

    /// @dev Leaves of the last report built with `_buildReport`.
    bytes32[] internal leaves;
    address[] internal leafAccounts;
    uint256[] internal leafAmounts;
    int32[] internal leafScores;

    function setUp() public virtual {
        vm.warp(1_000_000);
        token = new TestToken("Test Token", "TT", 18);
        registry = new OracleRegistry(owner, token, MIN_BOND, UNBONDING, ACTIVATION, 2, SECURITY_BPS, treasury);
        market = new FeedbackMarket(registry, arbiter);
        vm.prank(owner);
        registry.setMarket(address(market));

        for (uint256 i; i < 3; ++i) {
            (address o, uint256 k) = makeAddrAndKey(string.concat("oracle", vm.toString(i)));
            oracles.push(o);
            oracleKeys.push(k);
            _bond(o, ORACLE_BOND);
        }
        vm.warp(block.timestamp + ACTIVATION);
        for (uint256 i; i < 4; ++i) {
            address cu = makeAddr(string.concat("curator", vm.toString(i)));
            curators.push(cu);
            token.mint(cu, 1_000 ether);
            vm.prank(cu);
            token.approve(address(market), type(uint256).max);
        }
        token.mint(sponsor, 1_000_000 ether);
        vm.prank(sponsor);
        token.approve(address(market), type(uint256).max);
        token.mint(challenger, 1_000 ether);
        vm.prank(challenger);
        token.approve(address(market), type(uint256).max);
    }

    /* FIXTURE HELPERS */

    function _bond(address o, uint256 amount) internal {
        token.mint(o, amount);
        vm.startPrank(o);
        token.approve(address(registry), amount);
        registry.register(amount);
        vm.stopPrank();
    }

    function _params() internal view returns (MarketParams memory p) {
        uint64 t = uint64(block.timestamp);
        p = MarketParams({
            token: address(token),
            rewardPool: POOL,
            taskPoolHash: keccak256("tasks"),
            taskPoolURI: "ipfs://tasks",
            goldCommitment: HashLib.goldCommitment(GOLD_HASH, GOLD_SALT),
            evalSpecHash: keccak256("spec"),
            evalSpecURI: "ipfs://spec",
            commitDeadline: t + 1 days,
            revealDeadline: t + 2 days,
            goldDeadline: t + 3 days,
            evaluationDeadline: t + 10 days,
            challengePeriod: CHALLENGE,
            minStake: MIN_STAKE,
            stakeCap: STAKE_CAP,
            slashBps: SLASH_BPS,
            oracleFeeBps: FEE_BPS,
            disputeBond: BOND
        });
    }

    function _create() internal returns (uint256 id) {
        vm.prank(sponsor);
        id = market.createMarket(_params());
    }

    function _labels(address curator) internal pure returns (bytes32) {
        return keccak256(abi.encode("labels", curator));
    }

    function _salt(address curator) internal pure returns (bytes32) {
        return keccak256(abi.encode("salt", curator));
    }

    function _commit(uint256 id, address curator, uint256 stake) internal {
        vm.prank(curator);
        market.commit(id, HashLib.commitment(id, curator, _labels(curator), _salt(curator)), stake);
    }

    function _reveal(uint256 id, address curator) internal {
        vm.prank(curator);
        market.reveal(id, _labels(curator), _salt(curator), "ipfs://labels");
    }

    function _toReveal(uint256 id) internal {
        vm.warp(market.marketConfig(id).commitDeadline);
    }

    function _toEvaluation(uint256 id) internal {
        vm.warp(market.marketConfig(id).revealDeadline);
    }

    function _revealGold(uint256 id) internal {
        vm.prank(sponsor);
        market.revealGold(id, GOLD_HASH, GOLD_SALT, GOLD_URI);
    }

    /// @dev A market with curators 0..2 committed (stakes 10, 20, 30), 0 and 1 revealed, gold revealed.
    function _evaluatingMarket() internal returns (uint256 id) {
        id = _create();
        _commit(id, curators[0], 10 ether);
        _commit(id, curators[1], 20 ether);
        _commit(id, curators[2], 30 ether);
        _toReveal(id);
        _reveal(id, curators[0]);
        _reveal(id, curators[1]);
        _toEvaluation(id);
        _revealGold(id);
    }

    /// @dev Builds the leaves of a report for `id`: curator 0 helps (score +5000), curator 1 hurts (score -5000),
    ///      curator 2 unrevealed (-10000); the remainder leaf is the burn address's.
    function _buildReport(uint256 id) internal returns (Report memory r) {
        int32[] memory scores = new int32[](3);
        scores[0] = 5_000;
        scores[1] = -5_000;
        scores[2] = -10_000;
        int256[] memory values = new int256[](3);
        values[0] = 1_000_000;
        values[1] = -200_000;
        values[2] = 0;
        address[] memory accounts = new address[](3);
        for (uint256 i; i < 3; ++i) {
            accounts[i] = curators[i];
        }
        return _buildReportFor(id, accounts, scores, values);
    }

    /// @dev PROTOCOL.md payout arithmetic over `accounts`, plus the remainder leaf (to the burn address).
    function _buildReportFor(uint256 id, address[] memory accounts, int32[] memory scores, int256[] memory values)
        internal
        returns (Report memory r)
    {
        delete leaves;
        delete leafAccounts;
        delete leafAmounts;
        delete leafScores;
        MarketState memory s = market.marketState(id);
        uint256[] memory stakes = new uint256[](accounts.length);
        (uint256 distributable, uint256 sumW) = _distributable(id, accounts, scores, values, stakes);
        uint256 rewards;
        for (uint256 i; i < accounts.length; ++i) {
            uint256 reward = PayoutLib.reward(distributable, PayoutLib.weight(stakes[i], STAKE_CAP, values[i]), sumW);
            rewards += reward;
            uint256 payout = stakes[i] - PayoutLib.slash(stakes[i], SLASH_BPS, scores[i]) + reward;
            _pushLeaf(id, accounts[i], payout, scores[i]);
        }
        _pushLeaf(id, BURN, distributable - rewards, ConstantsLib.SPONSOR_LEAF_SCORE); // the remainder is burned
        r = Report({
            marketId: id,
            round: s.round,
            resultsRoot: MerkleHelper.root(leaves),
            totalPayout: PayoutLib.totalPayout(s.totalStaked, POOL, FEE_BPS),
            scoresHash: keccak256("scores"),
            metricsHash: keccak256("metrics")
        });
    }

    function _distributable(
        uint256 id,
        address[] memory accounts,
        int32[] memory scores,
        int256[] memory values,
        uint256[] memory stakes
    ) internal view returns (uint256 distributable, uint256 sumW) {
        distributable = POOL - PayoutLib.oracleFee(POOL, FEE_BPS);
        for (uint256 i; i < accounts.length; ++i) {
            stakes[i] = market.submission(id, accounts[i]).stake;
            distributable += PayoutLib.slash(stakes[i], SLASH_BPS, scores[i]);
            sumW += PayoutLib.weight(stakes[i], STAKE_CAP, values[i]);
        }
    }

    function _pushLeaf(uint256 id, address account, uint256 amount, int32 score) internal {
        leaves.push(HashLib.leaf(id, account, amount, score));
        leafAccounts.push(account);
        leafAmounts.push(amount);
        leafScores.push(score);
    }

    function _sign(uint256 key, Report memory r) internal view returns (bytes memory) {
        (uint8 v, bytes32 rr, bytes32 ss) = vm.sign(key, market.reportDigest(r));
        return abi.encodePacked(rr, ss, v);
    }

    function _sigs(Report memory r, uint256 from, uint256 n) internal view returns (bytes[] memory sigs) {
        sigs = new bytes[](n);
        for (uint256 i; i < n; ++i) {
            sigs[i] = _sign(oracleKeys[from + i], r);
        }
    }

    /// @dev An evaluating market with an accepted report (signers: oracles 0 and 1).
    function _acceptedMarket() internal returns (uint256 id, Report memory r) {
        id = _evaluatingMarket();
        r = _buildReport(id);
        market.attest(r, _sigs(r, 0, 2));
    }

    function _toChallengeEnd(uint256 id) internal {
        vm.warp(market.marketState(id).acceptedAt + CHALLENGE);
    }

    function _disputedMarket() internal returns (uint256 id, Report memory r) {
        (id, r) = _acceptedMarket();
        vm.prank(challenger);
        market.dispute(id);
    }

    function _claimLeaf(uint256 id, uint256 i) internal {
        market.claim(id, leafAccounts[i], leafAmounts[i], leafScores[i], MerkleHelper.proof(leaves, i));
    }

    function _phase(uint256 id) internal view returns (Phase) {
        return market.phase(id);
    }
}
