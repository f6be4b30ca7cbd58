// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Script} from "forge-std/Script.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {FeedbackMarket} from "../src/FeedbackMarket.sol";
import {OracleRegistry} from "../src/OracleRegistry.sol";
import {TestToken} from "../src/testing/TestToken.sol";

/// @title Deploy
/// @notice Deploys the oracle registry and the market (and, on a dev chain, chain id 31337, a mintable test token
///         used as the bond token), wires them together and writes the addresses to deployments/<chainId>.json.
/// @dev Usage (see docs/contracts.md):
///      forge script contracts/script/Deploy.s.sol --rpc-url $RPC --private-key $KEY --broadcast
///      Environment: OWNER (registry governance), ARBITER, BOND_TOKEN and MIN_BOND (in the bond token's base units) are
///      required off the dev chain (31337), where they default to the deployer, a fresh test token and 100e18.
///      Optional: TREASURY (default the owner), UNBONDING_DELAY (seconds, default 45 days), ACTIVATION_DELAY (seconds,
///      default 1 hour on 31337, else 7 days), QUORUM (default 1 on 31337, else 2), SECURITY_BPS (default 10,000: the
///      signers of a report lock bonds worth its payout), DEPLOYMENTS_DIR (default "deployments").
contract Deploy is Script {
    uint256 internal constant DEV_CHAIN_ID = 31337;

    // solhint-disable-next-line gas-struct-packing
    struct Config {
        address owner;
        address arbiter;
        address treasury;
        address bondToken;
        uint256 minBond;
        uint64 unbondingDelay;
        uint64 activationDelay;
        uint256 quorum;
        uint256 securityBps;
    }

    struct Deployment {
        OracleRegistry registry;
        FeedbackMarket market;
        TestToken testToken;
        uint256 startBlock;
    }

    /// @notice Deploys from the broadcasting account and writes deployments/<chainId>.json.
    /// @return d The deployed contracts.
    function run() external returns (Deployment memory d) {
        vm.startBroadcast();
        (, address deployer,) = vm.readCallers();
        Config memory cfg = config(deployer);
        d = deploy(cfg, deployer);
        vm.stopBroadcast();
        _write(d, cfg);
    }

    /// @notice The configuration from the environment, with dev-chain defaults.
    /// @param deployer The broadcasting account (default owner and arbiter).
    /// @return cfg The configuration.
    function config(address deployer) public view returns (Config memory cfg) {
        bool dev = block.chainid == DEV_CHAIN_ID;
        // Off the dev chain nothing that holds power or sets amounts defaults silently to the deployer or to 18 decimals.
        cfg.owner = dev ? vm.envOr("OWNER", deployer) : vm.envAddress("OWNER");
        cfg.arbiter = dev ? vm.envOr("ARBITER", deployer) : vm.envAddress("ARBITER");
        cfg.treasury = vm.envOr("TREASURY", cfg.owner);
        cfg.bondToken = dev ? vm.envOr("BOND_TOKEN", address(0)) : vm.envAddress("BOND_TOKEN");
        cfg.minBond = dev ? vm.envOr("MIN_BOND", uint256(100e18)) : vm.envUint("MIN_BOND");
        cfg.unbondingDelay = SafeCast.toUint64(vm.envOr("UNBONDING_DELAY", uint256(45 days)));
        cfg.activationDelay = SafeCast.toUint64(vm.envOr("ACTIVATION_DELAY", dev ? uint256(1 hours) : uint256(7 days)));
        cfg.quorum = vm.envOr("QUORUM", dev ? uint256(1) : uint256(2));
        cfg.securityBps = vm.envOr("SECURITY_BPS", uint256(10_000));
    }

    /// @notice Deploys and wires the contracts (inside a broadcast when run as a script).
    /// @param cfg The configuration.
    /// @param deployer The account that sends the transactions: it owns the registry until `setMarket` is done,
    ///        then hands ownership to `cfg.owner` (who must call `acceptOwnership`).
    /// @return d The deployed contracts.
    function deploy(Config memory cfg, address deployer) public returns (Deployment memory d) {
        d.startBlock = block.number;
        if (block.chainid == DEV_CHAIN_ID) {
            d.testToken = new TestToken("Feedback Test Token", "FBT", 18);
            if (cfg.bondToken == address(0)) cfg.bondToken = address(d.testToken);
        }
        d.registry = new OracleRegistry(
            deployer,
            IERC20(cfg.bondToken),
            cfg.minBond,
            cfg.unbondingDelay,
            cfg.activationDelay,
            cfg.quorum,
            cfg.securityBps,
            cfg.treasury
        );
        d.market = new FeedbackMarket(d.registry, cfg.arbiter);
        d.registry.setMarket(address(d.market));
        if (cfg.owner != deployer) d.registry.transferOwnership(cfg.owner);
    }

    function _write(Deployment memory d, Config memory cfg) internal {
        string memory key = "deployment";
        vm.serializeUint(key, "chainId", block.chainid);
        vm.serializeUint(key, "startBlock", d.startBlock);
        vm.serializeAddress(key, "registry", address(d.registry));
        vm.serializeAddress(key, "market", address(d.market));
        vm.serializeAddress(key, "testToken", address(d.testToken));
        vm.serializeAddress(key, "bondToken", address(d.registry.bondToken()));
        vm.serializeAddress(key, "arbiter", cfg.arbiter);
        vm.serializeAddress(key, "owner", cfg.owner);
        string memory json = vm.serializeAddress(key, "treasury", cfg.treasury);
        string memory dir = vm.envOr("DEPLOYMENTS_DIR", string("deployments"));
        vm.writeJson(json, string.concat(dir, "/", vm.toString(block.chainid), ".json"));
    }
}
