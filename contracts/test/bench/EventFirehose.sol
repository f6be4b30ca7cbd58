// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Benchmark helper (scripts/bench/indexer.sh): its runtime code is put at the market's address with
///         anvil_setCode, so that one transaction emits many `Committed` events exactly as the market emits them.
///         Never deployed anywhere but a benchmark's throw-away chain.
contract EventFirehose {
    event Committed(
        uint256 indexed marketId, address indexed curator, bytes32 commitment, uint256 stake, uint256 totalStaked
    );

    /// @notice Emits `n` Committed events for `marketId`, numbered from `first`.
    function fire(uint256 marketId, uint256 first, uint256 n) external {
        for (uint256 i = first; i < first + n; ++i) {
            emit Committed(marketId, address(uint160(i + 1)), keccak256(abi.encode(i)), i * 1e18, (i + 1) * 1e18);
        }
    }
}
