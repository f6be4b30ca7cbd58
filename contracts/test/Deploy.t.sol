// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Deploy} from "../script/Deploy.s.sol";
import {OracleRegistry} from "../src/OracleRegistry.sol";

contract DeployTest is Test {
    Deploy internal script;
    address internal deployer = makeAddr("deployer");

    function setUp() public {
        script = new Deploy();
    }

    function test_Deploy_DevChainWiresEverythingWithTestToken() public {
        vm.chainId(31337);
        Deploy.Config memory cfg = script.config(deployer);
        assertEq(cfg.owner, deployer);
        assertEq(cfg.quorum, 1);
        // Another test sets BOND_TOKEN in this process; on a dev chain an unset one means "the test token".
        cfg.bondToken = address(0);
        Deploy.Deployment memory d = script.deploy(cfg, address(script));
        assertTrue(address(d.testToken) != address(0));
        assertEq(address(d.registry.bondToken()), address(d.testToken));
        assertEq(d.registry.market(), address(d.market));
        assertEq(address(d.market.registry()), address(d.registry));
        assertEq(d.market.arbiter(), deployer);
        assertEq(d.registry.owner(), address(script));
    }

    function test_Deploy_OtherChainUsesGivenTokenAndHandsOverOwnership() public {
        vm.chainId(11155111);
        address token = makeAddr("token");
        vm.setEnv("BOND_TOKEN", vm.toString(token));
        Deploy.Config memory cfg = script.config(deployer);
        assertEq(cfg.quorum, 2);
        cfg.owner = makeAddr("governance");
        Deploy.Deployment memory d = script.deploy(cfg, address(script));
        assertEq(address(d.testToken), address(0));
        assertEq(address(d.registry.bondToken()), token);
        assertEq(d.registry.pendingOwner(), cfg.owner);
        vm.prank(cfg.owner);
        d.registry.acceptOwnership();
        assertEq(OracleRegistry(address(d.registry)).owner(), cfg.owner);
    }
}
