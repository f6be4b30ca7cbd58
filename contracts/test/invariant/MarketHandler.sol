// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";

import {FeedbackMarket} from "../../src/FeedbackMarket.sol";
import {OracleRegistry} from "../../src/OracleRegistry.sol";
import {TestToken} from "../../src/testing/TestToken.sol";
import {
    MarketParams,
    MarketConfig,
    MarketState,
    MarketStatus,
    Report,
    Phase,
    Submission
} from "../../src/interfaces/IFeedbackMarket.sol";
import {OracleStatus} from "../../src/interfaces/IOracleRegistry.sol";
import {HashLib} from "../../src/libraries/HashLib.sol";
import {PayoutLib} from "../../src/libraries/PayoutLib.sol";
import {ConstantsLib} from "../../src/libraries/ConstantsLib.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {MerkleHelper} from "../utils/MerkleHelper.sol";

/// @notice Drives random markets through every path: commits, reveals, gold reveal or not, honest and faulty
///         reports, verdicts that the sponsor's inputs are unusable, disputes both ways and expired ones, finalize,
///         claims (and double claims), cancel, forfeit, refunds, sweeps, credits (market and registry), oracle
///         registration, exits, withdrawals and equivocation proofs, with time moving in between.
contract MarketHandler is Test {
    struct Leaf {
        address account;
        uint256 amount;
        int32 score;
    }

    FeedbackMarket public market;
    OracleRegistry public registry;
    TestToken public token;
    address public arbiter;

    address[] public sponsors;
    address[] public curators;
    address[] public challengers;
    uint256[] public oracleKeys;
    address[] public oracles;

    mapping(uint256 marketId => address[]) internal _committed;
    mapping(uint256 marketId => bytes32[]) internal _leafHashes;
    mapping(uint256 marketId => Leaf[]) internal _leaves;

    /// @dev Ghosts: a leaf paid twice; a cancelled market that refunded less than a stake.
    uint256 public doubleClaims;
    uint256 public cancelRefundShortfall;
    /// @dev Ghost: a failed market (cancelled or forfeited) after curators revealed credited the pool to its sponsor.
    uint256 public sponsorRecoveredAfterReveal;
    /// @dev Markets whose verdict the arbiter upheld (each must leave every stake refundable).
    uint256[] public upheldVerdicts;
    mapping(bytes32 leaf => bool) public ghostClaimed;
    mapping(string action => uint256) public calls;

    constructor(FeedbackMarket market_, OracleRegistry registry_, TestToken token_, address arbiter_) {
        market = market_;
        registry = registry_;
        token = token_;
        arbiter = arbiter_;
        for (uint256 i; i < 2; ++i) {
            sponsors.push(makeAddr(string.concat("sponsor", vm.toString(i))));
            challengers.push(makeAddr(string.concat("challenger", vm.toString(i))));
        }
        for (uint256 i; i < 5; ++i) {
            curators.push(makeAddr(string.concat("curator", vm.toString(i))));
        }
        for (uint256 i; i < 4; ++i) {
            _newOracle(i + 1);
        }
    }

    /* HELPERS FOR THE INVARIANTS */

    function oracleCount() external view returns (uint256) {
        return oracles.length;
    }

    /// @dev Every account that can hold a credit.
    function creditAccounts() external view returns (address[] memory all) {
        all = new address[](sponsors.length + challengers.length + oracles.length + 2);
        uint256 n;
        all[n++] = registry.treasury();
        all[n++] = ConstantsLib.BURN_ADDRESS;
        for (uint256 i; i < sponsors.length; ++i) {
            all[n++] = sponsors[i];
        }
        for (uint256 i; i < challengers.length; ++i) {
            all[n++] = challengers[i];
        }
        for (uint256 i; i < oracles.length; ++i) {
            all[n++] = oracles[i];
        }
    }

    /* MARKET ACTIONS */

    function createMarket(uint256 seed, uint256 pool, uint16 slashBps, uint16 feeBps, uint128 cap) external {
        uint256 count = market.marketCount();
        // At most three markets in play: a new one only once the oldest of the last three has settled.
        if (count >= 40 || (count >= 3 && uint8(market.phase(count - 2)) < uint8(Phase.Finalized))) return;
        address sponsor = sponsors[seed % sponsors.length];
        uint64 t = uint64(block.timestamp);
        uint128 minStake = 1e18;
        MarketParams memory p = MarketParams({
            token: address(token),
            rewardPool: uint128(_bound(pool, 1, 1e24)),
            taskPoolHash: keccak256(abi.encode(seed)),
            taskPoolURI: "ipfs://tasks",
            goldCommitment: HashLib.goldCommitment(_goldHash(seed), bytes32(seed)),
            evalSpecHash: keccak256("spec"),
            evalSpecURI: "ipfs://spec",
            commitDeadline: t + 1 days,
            revealDeadline: t + 2 days,
            goldDeadline: t + 3 days,
            evaluationDeadline: t + 6 days,
            challengePeriod: 1 days,
            minStake: minStake,
            stakeCap: uint128(_bound(cap, minStake, 1e22)),
            slashBps: uint16(_bound(slashBps, 0, 10_000)),
            oracleFeeBps: uint16(_bound(feeBps, 0, 10_000)),
            disputeBond: 0
        });
        p.disputeBond = uint128(_bound(seed >> 128, Math.max(p.rewardPool / 100, 1), p.rewardPool));
        token.mint(sponsor, p.rewardPool);
        vm.startPrank(sponsor);
        token.approve(address(market), p.rewardPool);
        uint256 id = market.createMarket(p);
        vm.stopPrank();
        // The gold preimage is derived from the id so revealGold can find it.
        _goldSeed[id] = seed;
        calls["createMarket"]++;
    }

    mapping(uint256 marketId => uint256) internal _goldSeed;

    function _goldHash(uint256 seed) internal pure returns (bytes32) {
        return keccak256(abi.encode("gold", seed));
    }

    function commit(uint256 mSeed, uint256 cSeed, uint256 stake) external {
        (uint256 id, bool ok) = _pick(mSeed);
        if (!ok || market.phase(id) != Phase.Open) return;
        address cu = curators[cSeed % curators.length];
        if (market.submission(id, cu).stake != 0) return;
        MarketConfig memory c = market.marketConfig(id);
        stake = _bound(stake, c.minStake, c.stakeCap);
        token.mint(cu, stake);
        vm.startPrank(cu);
        token.approve(address(market), stake);
        market.commit(id, HashLib.commitment(id, cu, _labels(id, cu), _salt(cu)), stake);
        vm.stopPrank();
        _committed[id].push(cu);
        calls["commit"]++;
    }

    function reveal(uint256 mSeed, uint256 cSeed) external {
        (uint256 id, bool ok) = _pick(mSeed);
        if (!ok || market.phase(id) != Phase.Reveal || _committed[id].length == 0) return;
        address cu = _committed[id][cSeed % _committed[id].length];
        if (market.submission(id, cu).revealed) return;
        vm.prank(cu);
        market.reveal(id, _labels(id, cu), _salt(cu), "ipfs://labels");
        calls["reveal"]++;
    }

    function revealGold(uint256 mSeed) external {
        (uint256 id, bool ok) = _pick(mSeed);
        if (!ok || market.phase(id) != Phase.Evaluation || market.marketState(id).goldRevealed) return;
        uint256 seed = _goldSeed[id];
        vm.prank(market.marketConfig(id).sponsor);
        market.revealGold(id, _goldHash(seed), bytes32(seed), "ipfs://gold");
        calls["revealGold"]++;
    }

    /// @dev Builds a report from random scores and has a quorum of active oracles sign it. `faulty` inflates the
    ///      sponsor leaf so the leaves sum above totalPayout (a bad report nobody disputed).
    function attest(uint256 mSeed, uint256 scoreSeed, bool faulty) external {
        (uint256 id, bool ok) = _pick(mSeed);
        if (!ok || market.phase(id) != Phase.Evaluation || !market.marketState(id).goldRevealed) return;
        // One report in five is a verdict that the sponsor's inputs are unusable.
        bool verdict = scoreSeed % 5 == 4;
        Report memory r = verdict
            ? Report(id, market.marketState(id).round, 0, 0, 0, keccak256("gold missing"))
            : _buildReport(id, scoreSeed, faulty);
        MarketConfig memory c = market.marketConfig(id);
        // A verdict secures the whole payout too: it cancels every slash and reward.
        uint256 atRisk = PayoutLib.totalPayout(market.marketState(id).totalStaked, c.rewardPool, c.oracleFeeBps);
        uint256 lockAmount = Math.ceilDiv(atRisk * c.securityBps, ConstantsLib.BPS * c.quorum);
        bytes[] memory sigs = new bytes[](c.quorum);
        uint256 n;
        for (uint256 i; i < oracles.length && n < c.quorum; ++i) {
            (bool active, uint256 free, uint256 matured) = registry.backing(oracles[i]);
            if (
                active && free >= lockAmount
                    && lockAmount * ConstantsLib.BPS <= matured * ConstantsLib.MAX_MARKET_LOCK_BPS
            ) {
                sigs[n++] = _sign(oracleKeys[i], r);
            }
        }
        if (n < c.quorum) return;
        if (verdict) delete _leaves[id];
        market.attest(r, sigs);
        calls[verdict ? "verdict" : "attest"]++;
    }

    function dispute(uint256 mSeed, uint256 who) external {
        (uint256 id, bool ok) = _pick(mSeed);
        if (!ok || market.phase(id) != Phase.Challenge) return;
        address ch = challengers[who % challengers.length];
        uint256 bond = market.marketConfig(id).disputeBond;
        token.mint(ch, bond);
        vm.startPrank(ch);
        token.approve(address(market), bond);
        market.dispute(id);
        vm.stopPrank();
        calls["dispute"]++;
    }

    function resolveDispute(uint256 mSeed, bool overturned) external {
        (uint256 id, bool ok) = _pick(mSeed);
        if (!ok || market.phase(id) != Phase.Disputed) return;
        if (block.timestamp >= market.marketState(id).disputedAt + ConstantsLib.RESOLUTION_PERIOD) return;
        bool verdict = market.marketState(id).resultsRoot == 0;
        vm.prank(arbiter);
        market.resolveDispute(id, overturned);
        if (!overturned && verdict) {
            upheldVerdicts.push(id);
            calls["upheldVerdict"]++;
        }
        calls[overturned ? "overturn" : "stand"]++;
    }

    /// @dev The arbiter finds the report wrong only through an input recorded as unavailable: a new round, nobody
    ///      slashed.
    function rerun(uint256 mSeed) external {
        (uint256 id, bool ok) = _pick(mSeed);
        if (!ok || market.phase(id) != Phase.Disputed) return;
        vm.prank(arbiter);
        market.rerun(id);
        calls["rerun"]++;
    }

    function upheldVerdictCount() external view returns (uint256) {
        return upheldVerdicts.length;
    }

    function finalize(uint256 mSeed) external {
        (uint256 id, bool ok) = _pick(mSeed);
        if (!ok || market.phase(id) != Phase.Finalized || market.marketState(id).status == MarketStatus.Finalized) {
            return;
        }
        market.finalize(id);
        calls["finalize"]++;
    }

    /// @dev Claims one leaf of the accepted report; claiming an already-claimed leaf must revert.
    function claim(uint256 mSeed, uint256 leafSeed) external {
        (uint256 id, bool ok) = _pick(mSeed);
        if (!ok || market.phase(id) != Phase.Finalized || _leaves[id].length == 0) return;
        uint256 i = leafSeed % _leaves[id].length;
        Leaf memory lf = _leaves[id][i];
        bytes32 h = _leafHashes[id][i];
        bytes32[] memory proof = MerkleHelper.proof(_leafHashes[id], i);
        try market.claim(id, lf.account, lf.amount, lf.score, proof) {
            if (ghostClaimed[h]) doubleClaims++;
            ghostClaimed[h] = true;
            calls["claim"]++;
        } catch {
            calls["claimReverted"]++;
        }
    }

    function cancel(uint256 mSeed) external {
        (uint256 id, bool ok) = _pick(mSeed);
        if (!ok || market.phase(id) != Phase.Cancelled || market.marketState(id).status == MarketStatus.Cancelled) {
            return;
        }
        bool expired = market.marketState(id).status == MarketStatus.Disputed;
        _settleFailure(id, true);
        calls[expired ? "disputeExpired" : "cancel"]++;
    }

    /// @dev cancel or forfeit, recording whether a sponsor got the pool back after curators revealed.
    function _settleFailure(uint256 id, bool cancelled) internal {
        address sponsor = market.marketConfig(id).sponsor;
        uint256 before = market.credit(address(token), sponsor);
        if (cancelled) market.cancel(id);
        else market.forfeit(id);
        if (market.marketState(id).totalRevealedStake != 0 && market.credit(address(token), sponsor) > before) {
            sponsorRecoveredAfterReveal++;
        }
    }

    /// @dev After the claim period of a settled market, sweeps what is left to the treasury.
    function sweep(uint256 mSeed) external {
        (uint256 id, bool ok) = _pick(mSeed);
        if (!ok) return;
        MarketState memory s = market.marketState(id);
        if (
            s.swept
                || (s.status != MarketStatus.Finalized
                    && s.status != MarketStatus.Cancelled
                    && s.status != MarketStatus.Forfeited)
        ) return;
        vm.warp(Math.max(block.timestamp, s.settledAt + ConstantsLib.CLAIM_PERIOD));
        market.sweep(id);
        calls["sweep"]++;
    }

    function forfeit(uint256 mSeed) external {
        (uint256 id, bool ok) = _pick(mSeed);
        if (!ok || market.phase(id) != Phase.Forfeited || market.marketState(id).status == MarketStatus.Forfeited) {
            return;
        }
        _settleFailure(id, false);
        calls["forfeit"]++;
    }

    function refund(uint256 mSeed, uint256 cSeed) external {
        (uint256 id, bool ok) = _pick(mSeed);
        if (!ok || _committed[id].length == 0 || market.marketState(id).swept) return;
        Phase ph = market.phase(id);
        if (ph != Phase.Cancelled && ph != Phase.Forfeited) return;
        address cu = _committed[id][cSeed % _committed[id].length];
        Submission memory sub = market.submission(id, cu);
        if (sub.refunded) return;
        uint256 before = token.balanceOf(cu);
        market.refund(id, cu);
        uint256 received = token.balanceOf(cu) - before;
        if (received != sub.stake) cancelRefundShortfall++;
        calls["refund"]++;
    }

    function withdrawCredit(uint256 seed) external {
        address[] memory all = this.creditAccounts();
        address a = all[seed % all.length];
        if (market.credit(address(token), a) != 0) {
            market.withdrawCredit(address(token), a);
            calls["withdrawCredit"]++;
        }
        if (registry.bondCredit(a) != 0) {
            registry.withdrawBondCredit(a);
            calls["withdrawBondCredit"]++;
        }
    }

    function warp(uint256 secs) external {
        vm.warp(block.timestamp + _bound(secs, 1 hours, 3 days));
        calls["warp"]++;
    }

    /* DRIVER: the natural next step of a random market, so most runs reach settlement */

    function drive0(uint256 mSeed, uint256 choice) external {
        _drive(mSeed, choice);
    }

    function drive1(uint256 mSeed, uint256 choice) external {
        _drive(mSeed, choice);
    }

    function drive2(uint256 mSeed, uint256 choice) external {
        _drive(mSeed, choice);
    }

    function drive3(uint256 mSeed, uint256 choice) external {
        _drive(mSeed, choice);
    }

    function drive4(uint256 mSeed, uint256 choice) external {
        _drive(mSeed, choice);
    }

    function drive5(uint256 mSeed, uint256 choice) external {
        _drive(mSeed, choice);
    }

    function drive6(uint256 mSeed, uint256 choice) external {
        _drive(mSeed, choice);
    }

    function drive7(uint256 mSeed, uint256 choice) external {
        _drive(mSeed, choice);
    }

    function drive8(uint256 mSeed, uint256 choice) external {
        _drive(mSeed, choice);
    }

    function drive9(uint256 mSeed, uint256 choice) external {
        _drive(mSeed, choice);
    }

    function _drive(uint256 mSeed, uint256 choice) internal {
        (uint256 id, bool ok) = _pick(mSeed);
        if (!ok) {
            this.createMarket(choice, choice >> 8, uint16(choice >> 16), uint16(choice >> 32), uint128(choice >> 48));
            return;
        }
        Phase ph = market.phase(id);
        MarketConfig memory c = market.marketConfig(id);
        MarketState memory s = market.marketState(id);
        uint256 r = choice % 8;
        if (ph == Phase.Open) {
            if (r < 2) vm.warp(c.commitDeadline);
            else this.commit(mSeed, choice >> 8, choice >> 16);
        } else if (ph == Phase.Reveal) {
            if (r < 2) vm.warp(c.revealDeadline);
            else this.reveal(mSeed, choice >> 8);
        } else if (ph == Phase.Evaluation && !s.goldRevealed) {
            if (r == 0) vm.warp(c.goldDeadline);
            else this.revealGold(mSeed);
        } else if (ph == Phase.Evaluation) {
            if (r == 0) vm.warp(s.evaluationDeadline);
            else this.attest(mSeed, choice >> 8, r == 1);
        } else if (ph == Phase.Challenge) {
            if (r < 5 || (s.resultsRoot == 0 && r < 7)) this.dispute(mSeed, choice >> 8);
            else vm.warp(s.acceptedAt + c.challengePeriod);
        } else if (ph == Phase.Disputed) {
            if (r == 7) vm.warp(s.disputedAt + ConstantsLib.RESOLUTION_PERIOD); // the arbiter stays silent
            else if (r == 6) this.rerun(mSeed);
            else this.resolveDispute(mSeed, r < (s.resultsRoot == 0 ? 1 : 3)); // verdicts stand more often
        } else if (ph == Phase.Finalized) {
            if (r == 0 && s.status != MarketStatus.Finalized) this.finalize(mSeed);
            else if (r == 1 && choice % 64 == 1) this.sweep(mSeed);
            else this.claim(mSeed, choice >> 8);
        } else if (ph == Phase.Cancelled) {
            if (r == 0 && s.status != MarketStatus.Cancelled) this.cancel(mSeed);
            else if (r == 1 && choice % 64 == 1) this.sweep(mSeed);
            else this.refund(mSeed, choice >> 8);
        } else {
            if (r == 0 && s.status != MarketStatus.Forfeited) this.forfeit(mSeed);
            else if (r == 1 && choice % 64 == 1) this.sweep(mSeed);
            else this.refund(mSeed, choice >> 8);
        }
    }

    /* ORACLE ACTIONS */

    function registerOracle(uint256 seed) external {
        if (oracles.length >= 16) return;
        _newOracle(_bound(seed, 100, 1e30));
        calls["registerOracle"]++;
    }

    /// @dev An active oracle adds bond: it counts as free bond only once matured.
    function topUp(uint256 seed, uint256 amount) external {
        address o = oracles[seed % oracles.length];
        if (registry.oracle(o).status != OracleStatus.Active) return;
        amount = _bound(amount, 1, 1e24);
        uint256 freeBefore = registry.freeBond(o);
        token.mint(o, amount);
        vm.startPrank(o);
        token.approve(address(registry), amount);
        registry.register(amount);
        vm.stopPrank();
        if (registry.freeBond(o) > freeBefore) topUpCountedEarly++;
        calls["topUp"]++;
    }

    /// @dev Ghost: a top-up that raised the free bond in the block it was made.
    uint256 public topUpCountedEarly;

    function requestExit(uint256 seed) external {
        address o = oracles[seed % oracles.length];
        if (!registry.isActive(o)) return;
        vm.prank(o);
        registry.requestExit();
        calls["requestExit"]++;
    }

    function withdrawBond(uint256 seed) external {
        address o = oracles[seed % oracles.length];
        OracleStatus st = registry.oracle(o).status;
        if (st != OracleStatus.Exiting && (st != OracleStatus.Slashed || registry.oracle(o).bond == 0)) return;
        if (block.timestamp < registry.oracle(o).withdrawableAt || registry.oracle(o).locks != 0) return;
        vm.prank(o);
        registry.withdraw();
        calls["withdrawBond"]++;
    }

    function proveEquivocation(uint256 mSeed, uint256 oSeed, uint256 prover) external {
        (uint256 id, bool ok) = _pick(mSeed);
        if (!ok) return;
        uint256 k = oSeed % oracles.length;
        OracleStatus st = registry.oracle(oracles[k]).status;
        if (st == OracleStatus.None || st == OracleStatus.Slashed) return;
        uint32 round = market.marketState(id).round;
        Report memory a = Report(id, round, keccak256("a"), 1, 0, 0);
        Report memory b = Report(id, round, keccak256("b"), 1, 0, 0);
        bytes memory sa = _sign(oracleKeys[k], a); // (signing calls the market: sign before the prank)
        bytes memory sb = _sign(oracleKeys[k], b);
        vm.prank(challengers[prover % challengers.length]);
        market.proveEquivocation(a, sa, b, sb);
        calls["equivocation"]++;
    }

    /* INTERNAL */

    function _newOracle(uint256 key) internal {
        address o = vm.addr(key);
        if (registry.oracle(o).status != OracleStatus.None) return;
        oracleKeys.push(key);
        oracles.push(o);
        // Enough to lock a share of the security of a few of the largest markets at once.
        uint256 bond = 1e25;
        token.mint(o, bond);
        vm.startPrank(o);
        token.approve(address(registry), bond);
        registry.register(bond);
        vm.stopPrank();
    }

    function _pick(uint256 seed) internal view returns (uint256 id, bool ok) {
        uint256 n = market.marketCount();
        if (n == 0) return (0, false);
        // One of the three most recent markets.
        uint256 window = n < 3 ? n : 3;
        return (n - seed % window, true);
    }

    function _labels(uint256 id, address cu) internal pure returns (bytes32) {
        return keccak256(abi.encode("labels", id, cu));
    }

    function _salt(address cu) internal pure returns (bytes32) {
        return keccak256(abi.encode("salt", cu));
    }

    function _sign(uint256 key, Report memory r) internal view returns (bytes memory) {
        (uint8 v, bytes32 rr, bytes32 ss) = vm.sign(key, market.reportDigest(r));
        return abi.encodePacked(rr, ss, v);
    }

    struct Draft {
        int32[] scores;
        uint256[] w;
        uint256[] stakes;
        uint256 distributable;
        uint256 sumW;
    }

    /// @dev PROTOCOL.md payout arithmetic over the market's curators (unrevealed: score -10000, value 0).
    function _buildReport(uint256 id, uint256 seed, bool faulty) internal returns (Report memory r) {
        MarketConfig memory c = market.marketConfig(id);
        address[] storage cus = _committed[id];
        Draft memory d = _draft(id, c, seed);
        delete _leaves[id];
        delete _leafHashes[id];
        uint256 rewards;
        for (uint256 i; i < cus.length; ++i) {
            uint256 reward = PayoutLib.reward(d.distributable, d.w[i], d.sumW);
            rewards += reward;
            uint256 payout = d.stakes[i] - PayoutLib.slash(d.stakes[i], c.slashBps, d.scores[i]) + reward;
            _push(id, cus[i], payout, d.scores[i]);
        }
        _push(
            id, ConstantsLib.BURN_ADDRESS, d.distributable - rewards + (faulty ? 1 : 0), ConstantsLib.SPONSOR_LEAF_SCORE
        );
        MarketState memory s = market.marketState(id);
        r = Report({
            marketId: id,
            round: s.round,
            resultsRoot: MerkleHelper.root(_leafHashes[id]),
            totalPayout: PayoutLib.totalPayout(s.totalStaked, c.rewardPool, c.oracleFeeBps),
            scoresHash: keccak256(abi.encode(seed)),
            metricsHash: 0
        });
    }

    function _draft(uint256 id, MarketConfig memory c, uint256 seed) internal view returns (Draft memory d) {
        address[] storage cus = _committed[id];
        uint256 n = cus.length;
        d.scores = new int32[](n);
        d.w = new uint256[](n);
        d.stakes = new uint256[](n);
        d.distributable = c.rewardPool - PayoutLib.oracleFee(c.rewardPool, c.oracleFeeBps);
        for (uint256 i; i < n; ++i) {
            Submission memory sub = market.submission(id, cus[i]);
            d.stakes[i] = sub.stake;
            uint256 rnd = uint256(keccak256(abi.encode(seed, i)));
            d.scores[i] = sub.revealed ? int32(int256(rnd % 20_001) - 10_000) : int32(-10_000);
            int256 value = sub.revealed ? int256((rnd >> 64) % 2_000_001) - 1_000_000 : int256(0);
            d.w[i] = PayoutLib.weight(d.stakes[i], c.stakeCap, value);
            d.sumW += d.w[i];
            d.distributable += PayoutLib.slash(d.stakes[i], c.slashBps, d.scores[i]);
        }
    }

    function _push(uint256 id, address account, uint256 amount, int32 score) internal {
        _leaves[id].push(Leaf(account, amount, score));
        _leafHashes[id].push(HashLib.leaf(id, account, amount, score));
    }
}
