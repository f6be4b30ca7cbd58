// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {StdInvariant} from "forge-std/StdInvariant.sol";
import {console} from "forge-std/console.sol";

import {FeedbackMarket} from "../../src/FeedbackMarket.sol";
import {OracleRegistry} from "../../src/OracleRegistry.sol";
import {TestToken} from "../../src/testing/TestToken.sol";
import {MarketState, MarketStatus, Phase} from "../../src/interfaces/IFeedbackMarket.sol";
import {ConstantsLib} from "../../src/libraries/ConstantsLib.sol";
import {MarketHandler} from "./MarketHandler.sol";

/// @notice Conservation of funds, one line per property. The market and the registry share one token here, so the
///         first invariant covers both contracts together.
/// forge-config: default.invariant.runs = 1000
/// forge-config: default.invariant.depth = 32
/// forge-config: default.invariant.fail-on-revert = true
/// forge-config: ci.invariant.runs = 10000
/// forge-config: ci.invariant.depth = 32
/// forge-config: ci.invariant.fail-on-revert = true
contract MarketInvariantTest is Test {
    TestToken internal token;
    OracleRegistry internal registry;
    FeedbackMarket internal market;
    MarketHandler internal handler;

    function setUp() public {
        vm.warp(1_000_000);
        token = new TestToken("Test Token", "TT", 18);
        registry = new OracleRegistry(address(this), token, 10e18, 45 days, 1 hours, 2, 10_000, makeAddr("treasury"));
        market = new FeedbackMarket(registry, makeAddr("arbiter"));
        registry.setMarket(address(market));
        handler = new MarketHandler(market, registry, token, makeAddr("arbiter"));
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](20);
        selectors[0] = MarketHandler.drive0.selector;
        selectors[1] = MarketHandler.drive1.selector;
        selectors[2] = MarketHandler.drive2.selector;
        selectors[3] = MarketHandler.drive3.selector;
        selectors[4] = MarketHandler.drive4.selector;
        selectors[5] = MarketHandler.drive5.selector;
        selectors[6] = MarketHandler.drive6.selector;
        selectors[7] = MarketHandler.drive7.selector;
        selectors[8] = MarketHandler.drive8.selector;
        selectors[9] = MarketHandler.drive9.selector;
        selectors[10] = MarketHandler.createMarket.selector;
        selectors[11] = MarketHandler.claim.selector;
        selectors[12] = MarketHandler.refund.selector;
        selectors[13] = MarketHandler.withdrawCredit.selector;
        selectors[14] = MarketHandler.warp.selector;
        selectors[15] = MarketHandler.registerOracle.selector;
        selectors[16] = MarketHandler.requestExit.selector;
        selectors[17] = MarketHandler.withdrawBond.selector;
        selectors[18] = MarketHandler.proveEquivocation.selector;
        selectors[19] = MarketHandler.topUp.selector;
        targetSelector(StdInvariant.FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// @dev The handler reaches every path: a long deterministic walk, then the four properties.
    function test_HandlerReachesEveryPath() public {
        for (uint256 i; i < 10_000; ++i) {
            uint256 rnd = uint256(keccak256(abi.encode(i)));
            uint256 pick = rnd % 24;
            if (pick < 14) {
                handler.drive0(rnd >> 8, rnd >> 16);
            } else if (pick == 14) {
                handler.createMarket(rnd, rnd >> 8, uint16(rnd >> 16), uint16(rnd >> 32), uint128(rnd >> 48));
            } else if (pick == 15) {
                handler.claim(rnd >> 8, rnd >> 16);
            } else if (pick == 16) {
                handler.refund(rnd >> 8, rnd >> 16);
            } else if (pick == 17) {
                handler.withdrawCredit(rnd >> 8);
            } else if (pick == 18) {
                handler.warp(rnd >> 8);
            } else if (pick == 19) {
                handler.registerOracle(rnd >> 8);
            } else if (pick == 20 && i % 17 == 0) {
                handler.requestExit(rnd >> 8);
            } else if (pick == 21) {
                handler.withdrawBond(rnd >> 8);
            } else if (pick == 22 && i % 23 == 0) {
                handler.proveEquivocation(rnd >> 8, rnd >> 16, rnd >> 24);
            } else if (pick == 23 && i % 3 == 0) {
                handler.topUp(rnd >> 8, rnd >> 16);
            }
        }
        _assertEveryPathTaken();
        invariant_BalanceEqualsWhatIsOwed();
        invariant_ClaimedWithinTotalPayout();
        invariant_NoLeafClaimedTwice();
        invariant_CancelledMarketRefundsEveryStake();
        invariant_SponsorNeverRecoversPoolAfterReveal();
        invariant_LockedBondBacksOpenReports();
        invariant_RoundsBounded();
        invariant_UpheldVerdictLeavesStakesRefundable();
        invariant_TopUpsMatureBeforeTheyCount();
    }

    function _assertEveryPathTaken() internal view {
        string[23] memory paths = [
            "createMarket",
            "commit",
            "reveal",
            "revealGold",
            "attest",
            "verdict",
            "dispute",
            "overturn",
            "stand",
            "disputeExpired",
            "finalize",
            "claim",
            "cancel",
            "forfeit",
            "refund",
            "sweep",
            "withdrawCredit",
            "withdrawBondCredit",
            "equivocation",
            "withdrawBond",
            "rerun",
            "upheldVerdict",
            "topUp"
        ];
        for (uint256 i; i < paths.length; ++i) {
            assertGt(handler.calls(paths[i]), 0, paths[i]);
        }
    }

    /// @dev Once a curator revealed, no failure path (cancel, forfeit, verdict, expired dispute, last round overturned)
    ///      credits the pool back to the sponsor.
    function invariant_SponsorNeverRecoversPoolAfterReveal() public view {
        assertEq(handler.sponsorRecoveredAfterReveal(), 0);
    }

    /// @dev Each oracle's locked bond is exactly its share of the security of the reports it backs that are still
    ///      open (accepted or disputed, not yet settled): one bond never secures two markets with the same tokens.
    function invariant_LockedBondBacksOpenReports() public view {
        for (uint256 i; i < handler.oracleCount(); ++i) {
            address o = handler.oracles(i);
            uint256 expected;
            uint256 locks;
            for (uint256 id = 1; id <= market.marketCount(); ++id) {
                MarketState memory s = market.marketState(id);
                if (s.status != MarketStatus.Accepted && s.status != MarketStatus.Disputed) continue;
                address[] memory signers = market.acceptedSigners(id);
                for (uint256 k; k < signers.length; ++k) {
                    if (signers[k] == o) {
                        expected += s.lockPerSigner;
                        ++locks;
                    }
                }
            }
            assertEq(registry.oracle(o).locked, expected);
            assertEq(registry.oracle(o).locks, locks);
            assertLe(registry.oracle(o).locked, registry.oracle(o).bond);
        }
    }

    /// @dev After the arbiter upheld a verdict, the market is forfeited and holds every stake not yet refunded, so
    ///      every unrefunded stake is refundable (review 2, item 1: it used to finalize with no root, stranding them).
    function invariant_UpheldVerdictLeavesStakesRefundable() public view {
        for (uint256 i; i < handler.upheldVerdictCount(); ++i) {
            uint256 id = handler.upheldVerdicts(i);
            MarketState memory s = market.marketState(id);
            assertEq(uint8(market.phase(id)), uint8(Phase.Forfeited));
            if (!s.swept) assertEq(s.balance, s.totalStaked);
        }
    }

    /// @dev A top-up never raises an oracle's free bond before the activation delay (review 2, item 13).
    function invariant_TopUpsMatureBeforeTheyCount() public view {
        assertEq(handler.topUpCountedEarly(), 0);
    }

    /// @dev No market runs more than MAX_ROUNDS evaluation rounds.
    function invariant_RoundsBounded() public view {
        for (uint256 id = 1; id <= market.marketCount(); ++id) {
            assertLt(market.marketState(id).round, ConstantsLib.MAX_ROUNDS);
        }
    }

    /// @dev What the contracts hold equals what all markets, credits and bonds still owe.
    function invariant_BalanceEqualsWhatIsOwed() public view {
        assertEq(token.balanceOf(address(market)) + token.balanceOf(address(registry)), _owed());
    }

    /// @dev No market's claimed total exceeds its total payout.
    function invariant_ClaimedWithinTotalPayout() public view {
        for (uint256 id = 1; id <= market.marketCount(); ++id) {
            assertLe(market.marketState(id).claimed, market.marketState(id).totalPayout);
        }
    }

    /// @dev No leaf is claimed twice.
    function invariant_NoLeafClaimedTwice() public view {
        assertEq(handler.doubleClaims(), 0);
    }

    /// @dev A cancelled market refunds every stake: each refund paid the exact stake, and what it still holds is
    ///      exactly the stakes not yet refunded (until swept).
    function invariant_CancelledMarketRefundsEveryStake() public view {
        assertEq(handler.cancelRefundShortfall(), 0);
        for (uint256 id = 1; id <= market.marketCount(); ++id) {
            MarketState memory s = market.marketState(id);
            // Swept after the claim period: the rest went to the treasury.
            if (s.status == MarketStatus.Cancelled) assertEq(s.balance, s.swept ? 0 : s.totalStaked);
        }
    }

    function _owed() internal view returns (uint256 owed) {
        for (uint256 id = 1; id <= market.marketCount(); ++id) {
            owed += market.marketState(id).balance;
        }
        address[] memory accounts = handler.creditAccounts();
        for (uint256 i; i < accounts.length; ++i) {
            owed += market.credit(address(token), accounts[i]) + registry.bondCredit(accounts[i]);
        }
        for (uint256 i; i < handler.oracleCount(); ++i) {
            owed += registry.oracle(handler.oracles(i)).bond;
        }
    }

    function afterInvariant() external view {
        string[24] memory names = [
            "createMarket",
            "commit",
            "reveal",
            "revealGold",
            "attest",
            "verdict",
            "dispute",
            "overturn",
            "stand",
            "disputeExpired",
            "finalize",
            "claim",
            "claimReverted",
            "cancel",
            "forfeit",
            "refund",
            "sweep",
            "withdrawCredit",
            "withdrawBondCredit",
            "equivocation",
            "withdrawBond",
            "rerun",
            "upheldVerdict",
            "topUp"
        ];
        for (uint256 i; i < names.length; ++i) {
            console.log(names[i], handler.calls(names[i]));
        }
    }
}
