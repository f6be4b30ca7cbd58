// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "./utils/BaseTest.sol";
import {FeedbackMarket} from "../src/FeedbackMarket.sol";
import {IOracleRegistry} from "../src/interfaces/IOracleRegistry.sol";
import {MarketParams, MarketConfig, MarketState, Phase} from "../src/interfaces/IFeedbackMarket.sol";
import {ErrorsLib} from "../src/libraries/ErrorsLib.sol";
import {EventsLib} from "../src/libraries/EventsLib.sol";
import {ConstantsLib} from "../src/libraries/ConstantsLib.sol";

contract ShortDelayRegistry {
    function unbondingDelay() external pure returns (uint64) {
        return ConstantsLib.MIN_UNBONDING_DELAY;
    }
}

contract CreateMarketTest is BaseTest {
    function test_Constructor_SetsImmutables() public view {
        assertEq(market.arbiter(), arbiter);
        assertEq(address(market.registry()), address(registry));
        assertEq(market.marketCount(), 0);
    }

    function test_Constructor_RevertsOnZeroAddresses() public {
        vm.expectRevert(ErrorsLib.ZeroAddress.selector);
        new FeedbackMarket(IOracleRegistry(address(0)), arbiter);
        vm.expectRevert(ErrorsLib.ZeroAddress.selector);
        new FeedbackMarket(registry, address(0));
    }

    function test_Constructor_RevertsOnShortUnbondingDelay() public {
        ShortDelayRegistry r = new ShortDelayRegistry();
        vm.expectRevert(
            abi.encodeWithSelector(
                ErrorsLib.UnbondingDelayTooShort.selector,
                ConstantsLib.MIN_UNBONDING_DELAY,
                ConstantsLib.MIN_UNBONDING_DELAY + 1
            )
        );
        new FeedbackMarket(IOracleRegistry(address(r)), arbiter);
    }

    function test_CreateMarket_StoresPullsAndEmits() public {
        MarketParams memory p = _params();
        vm.expectEmit(address(market));
        emit EventsLib.MarketCreated(1, sponsor, address(token), p);
        vm.prank(sponsor);
        uint256 id = market.createMarket(p);

        assertEq(id, 1);
        assertEq(market.marketCount(), 1);
        assertEq(token.balanceOf(address(market)), POOL);
        MarketConfig memory c = market.marketConfig(id);
        assertEq(c.sponsor, sponsor);
        assertEq(c.token, address(token));
        assertEq(c.commitDeadline, p.commitDeadline);
        assertEq(c.revealDeadline, p.revealDeadline);
        assertEq(c.goldDeadline, p.goldDeadline);
        assertEq(c.evaluationPeriod, p.evaluationDeadline - p.revealDeadline);
        assertEq(c.challengePeriod, CHALLENGE);
        assertEq(c.minStake, MIN_STAKE);
        assertEq(c.stakeCap, STAKE_CAP);
        assertEq(c.rewardPool, POOL);
        assertEq(c.disputeBond, BOND);
        assertEq(c.slashBps, SLASH_BPS);
        assertEq(c.oracleFeeBps, FEE_BPS);
        assertEq(c.taskPoolHash, p.taskPoolHash);
        assertEq(c.goldCommitment, p.goldCommitment);
        assertEq(c.evalSpecHash, p.evalSpecHash);
        MarketState memory s = market.marketState(id);
        assertEq(s.balance, POOL);
        assertEq(s.evaluationDeadline, p.evaluationDeadline);
        assertEq(uint8(_phase(id)), uint8(Phase.Open));
        assertEq(_create(), 2);
    }

    function _expectCreateRevert(MarketParams memory p, bytes memory err) internal {
        vm.expectRevert(err);
        vm.prank(sponsor);
        market.createMarket(p);
    }

    function test_CreateMarket_RevertsUnlessBondToken() public {
        MarketParams memory p = _params();
        p.token = address(0);
        _expectCreateRevert(p, abi.encodeWithSelector(ErrorsLib.TokenNotBondToken.selector, address(0), address(token)));
        p.token = address(market); // a contract that is no token at all: named, not "a revert without an error"
        _expectCreateRevert(
            p, abi.encodeWithSelector(ErrorsLib.TokenNotBondToken.selector, address(market), address(token))
        );
    }

    function test_CreateMarket_RevertsOnZeroPoolOrBond() public {
        MarketParams memory p = _params();
        p.rewardPool = 0;
        _expectCreateRevert(p, abi.encodeWithSelector(ErrorsLib.ZeroAmount.selector));
        p = _params();
        p.disputeBond = 0;
        _expectCreateRevert(p, abi.encodeWithSelector(ErrorsLib.ZeroAmount.selector));
    }

    function test_CreateMarket_RevertsOnZeroGoldCommitment() public {
        MarketParams memory p = _params();
        p.goldCommitment = 0;
        _expectCreateRevert(p, abi.encodeWithSelector(ErrorsLib.ZeroGoldCommitment.selector));
    }

    function _expectDeadlineRevert(MarketParams memory p) internal {
        _expectCreateRevert(
            p,
            abi.encodeWithSelector(
                ErrorsLib.InvalidDeadlines.selector,
                block.timestamp,
                p.commitDeadline,
                p.revealDeadline,
                p.goldDeadline,
                p.evaluationDeadline
            )
        );
    }

    function test_CreateMarket_RevertsOnUnorderedDeadlines() public {
        MarketParams memory p = _params();
        p.commitDeadline = uint64(block.timestamp);
        _expectDeadlineRevert(p);
        p = _params();
        p.revealDeadline = p.commitDeadline;
        _expectDeadlineRevert(p);
        p = _params();
        p.goldDeadline = p.revealDeadline;
        _expectDeadlineRevert(p);
        p = _params();
        p.evaluationDeadline = p.goldDeadline;
        _expectDeadlineRevert(p);
    }

    function test_CreateMarket_RevertsOnLongEvaluation() public {
        MarketParams memory p = _params();
        p.evaluationDeadline = p.revealDeadline + ConstantsLib.MAX_EVALUATION_PERIOD + 1;
        _expectCreateRevert(
            p,
            abi.encodeWithSelector(
                ErrorsLib.EvaluationPeriodTooLong.selector,
                ConstantsLib.MAX_EVALUATION_PERIOD + 1,
                ConstantsLib.MAX_EVALUATION_PERIOD
            )
        );
    }

    function test_CreateMarket_RevertsOnChallengePeriod() public {
        MarketParams memory p = _params();
        p.challengePeriod = 0;
        _expectCreateRevert(
            p,
            abi.encodeWithSelector(
                ErrorsLib.InvalidChallengePeriod.selector,
                0,
                ConstantsLib.MIN_CHALLENGE_PERIOD,
                ConstantsLib.MAX_CHALLENGE_PERIOD
            )
        );
        p.challengePeriod = ConstantsLib.MAX_CHALLENGE_PERIOD + 1;
        _expectCreateRevert(
            p,
            abi.encodeWithSelector(
                ErrorsLib.InvalidChallengePeriod.selector,
                ConstantsLib.MAX_CHALLENGE_PERIOD + 1,
                ConstantsLib.MIN_CHALLENGE_PERIOD,
                ConstantsLib.MAX_CHALLENGE_PERIOD
            )
        );
    }

    function test_CreateMarket_RevertsOnStakeBounds() public {
        MarketParams memory p = _params();
        p.minStake = 0;
        _expectCreateRevert(p, abi.encodeWithSelector(ErrorsLib.InvalidStakeBounds.selector, 0, STAKE_CAP));
        p = _params();
        p.stakeCap = MIN_STAKE - 1;
        _expectCreateRevert(p, abi.encodeWithSelector(ErrorsLib.InvalidStakeBounds.selector, MIN_STAKE, MIN_STAKE - 1));
    }

    function test_CreateMarket_RevertsOnBps() public {
        MarketParams memory p = _params();
        p.slashBps = 10_001;
        _expectCreateRevert(p, abi.encodeWithSelector(ErrorsLib.InvalidBps.selector, 10_001));
        p = _params();
        p.oracleFeeBps = 10_001;
        _expectCreateRevert(p, abi.encodeWithSelector(ErrorsLib.InvalidBps.selector, 10_001));
    }

    function test_Phase_NoneForUnknownMarket() public view {
        assertEq(uint8(market.phase(42)), uint8(Phase.None));
    }
}
