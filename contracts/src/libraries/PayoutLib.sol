// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ConstantsLib} from "./ConstantsLib.sol";

/// @title PayoutLib
/// @notice The payout arithmetic of PROTOCOL.md (integers, floor division). The market uses `oracleFee` and
///         `totalPayout`; the per-curator functions are the on-chain reference that oracle nodes and tests follow.
library PayoutLib {
    /// @dev fee = rewardPool * oracleFeeBps / 10000.
    function oracleFee(uint256 rewardPool, uint256 oracleFeeBps) internal pure returns (uint256) {
        return rewardPool * oracleFeeBps / ConstantsLib.BPS;
    }

    /// @dev totalPayout = totalStaked + rewardPool - fee.
    function totalPayout(uint256 totalStaked, uint256 rewardPool, uint256 oracleFeeBps)
        internal
        pure
        returns (uint256)
    {
        return totalStaked + rewardPool - oracleFee(rewardPool, oracleFeeBps);
    }

    /// @dev slash = stake * slashBps * max(0, -scoreBps) / 10000 / 10000 (scoreBps in [-10000, 10000]).
    function slash(uint256 stake, uint256 slashBps, int256 scoreBps) internal pure returns (uint256) {
        if (scoreBps >= 0) return 0;
        // forge-lint: disable-next-line(unsafe-typecast)
        return stake * slashBps * uint256(-scoreBps) / ConstantsLib.BPS / ConstantsLib.BPS;
    }

    /// @dev w = min(stake, stakeCap) * max(0, value).
    function weight(uint256 stake, uint256 stakeCap, int256 value) internal pure returns (uint256) {
        if (value <= 0) return 0;
        // forge-lint: disable-next-line(unsafe-typecast)
        return Math.min(stake, stakeCap) * uint256(value);
    }

    /// @dev reward = distributable * w / sumW (0 when sumW = 0), exact floor even when the product overflows.
    function reward(uint256 distributable, uint256 w, uint256 sumW) internal pure returns (uint256) {
        if (sumW == 0) return 0;
        return Math.mulDiv(distributable, w, sumW);
    }
}
