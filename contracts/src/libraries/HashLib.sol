// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Report} from "../interfaces/IFeedbackMarket.sol";
import {ConstantsLib} from "./ConstantsLib.sol";

/// @title HashLib
/// @notice The hashes every component must agree on (PROTOCOL.md): commitments, payout leaves, the report struct hash.
library HashLib {
    /// @dev A curator's commitment: binds market and curator so it cannot be copied or replayed.
    function commitment(uint256 marketId, address curator, bytes32 labelsHash, bytes32 salt)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(marketId, curator, labelsHash, salt));
    }

    /// @dev The sponsor's gold commitment.
    function goldCommitment(bytes32 goldHash, bytes32 salt) internal pure returns (bytes32) {
        return keccak256(abi.encode(goldHash, salt));
    }

    /// @dev A payout leaf, OpenZeppelin StandardMerkleTree-compatible (double hash of the ABI-encoded values).
    function leaf(uint256 marketId, address account, uint256 amount, int32 scoreBps) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(marketId, account, amount, scoreBps))));
    }

    /// @dev The EIP-712 struct hash of a report.
    function structHash(Report calldata report) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                ConstantsLib.REPORT_TYPEHASH,
                report.marketId,
                report.round,
                report.resultsRoot,
                report.totalPayout,
                report.scoresHash,
                report.metricsHash
            )
        );
    }
}
