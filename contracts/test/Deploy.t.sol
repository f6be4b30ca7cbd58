// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Deploy} from "../script/Deploy.s.sol";
import {OracleRegistry} from "../src/OracleRegistry.sol";

/// @dev One test function: the environment is process-wide, so the dev-chain defaults are checked before any variable
///      is set, and the other-chain requirements after.
contract DeployTest is Test {
    Deploy internal script;
    address internal deployer = makeAddr("deployer");

    function setUp() public {
        script = new Deploy();
    }

    function test_Deploy_DevChainDefaultsThenOtherChainRequirements() public {
        _devChainWiresEverythingWithTestToken();
        _otherChainRequiresOwnerArbiterAndMinBond();
        _otherChainUsesGivenTokenAndHandsOverOwnership();
        _unbondingDelayIsCheckedNotTruncated();
    }

    function _devChainWiresEverythingWithTestToken() internal {
        vm.chainId(31337);
        Deploy.Config memory cfg = script.config(deployer);
        assertEq(cfg.owner, deployer);
        assertEq(cfg.arbiter, deployer);
        assertEq(cfg.quorum, 1);
        assertEq(cfg.activationDelay, 1 hours);
        Deploy.Deployment memory d = script.deploy(cfg, address(script));
        assertTrue(address(d.testToken) != address(0));
        assertEq(address(d.registry.bondToken()), address(d.testToken));
        assertEq(d.registry.market(), address(d.market));
        assertEq(address(d.market.registry()), address(d.registry));
        assertEq(d.market.arbiter(), deployer);
        assertEq(d.registry.owner(), address(script));
        assertEq(d.registry.securityBps(), 10_000);
    }

    /// @dev Off the dev chain, OWNER, ARBITER and MIN_BOND have no silent default (the deployer, 18 decimals).
    function _otherChainRequiresOwnerArbiterAndMinBond() internal {
        vm.chainId(11155111);
        vm.setEnv("BOND_TOKEN", vm.toString(makeAddr("token")));
        vm.expectRevert();
        script.config(deployer); // OWNER missing
        vm.setEnv("OWNER", vm.toString(makeAddr("governance")));
        vm.expectRevert();
        script.config(deployer); // ARBITER missing
        vm.setEnv("ARBITER", vm.toString(makeAddr("arbiter")));
        vm.expectRevert();
        script.config(deployer); // MIN_BOND missing
    }

    function _otherChainUsesGivenTokenAndHandsOverOwnership() internal {
        vm.setEnv("MIN_BOND", "1000000"); // a 6-decimals bond token
        Deploy.Config memory cfg = script.config(deployer);
        assertEq(cfg.quorum, 2);
        assertEq(cfg.owner, makeAddr("governance"));
        assertEq(cfg.arbiter, makeAddr("arbiter"));
        assertEq(cfg.minBond, 1_000_000);
        assertEq(cfg.activationDelay, 7 days);
        Deploy.Deployment memory d = script.deploy(cfg, address(script));
        assertEq(address(d.testToken), address(0));
        assertEq(address(d.registry.bondToken()), makeAddr("token"));
        assertEq(d.registry.pendingOwner(), cfg.owner);
        vm.prank(cfg.owner);
        d.registry.acceptOwnership();
        assertEq(OracleRegistry(address(d.registry)).owner(), cfg.owner);
    }

    /// @dev An UNBONDING_DELAY beyond uint64 reverts instead of wrapping to a short delay.
    function _unbondingDelayIsCheckedNotTruncated() internal {
        vm.setEnv("UNBONDING_DELAY", vm.toString(uint256(type(uint64).max) + 45 days));
        vm.expectRevert();
        script.config(deployer);
    }
}
