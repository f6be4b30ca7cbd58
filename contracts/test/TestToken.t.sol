// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {TestToken} from "../src/testing/TestToken.sol";

contract TestTokenTest is Test {
    TestToken internal token;

    function setUp() public {
        token = new TestToken("Test Token", "TT", 18);
    }

    function test_MintRaisesBalanceAndSupply() public {
        token.mint(address(0xA11CE), 5 ether);
        assertEq(token.balanceOf(address(0xA11CE)), 5 ether);
        assertEq(token.totalSupply(), 5 ether);
    }

    function testFuzz_TransferConservesSupply(uint128 minted, uint128 sent) public {
        vm.assume(sent <= minted);
        token.mint(address(this), minted);
        token.transfer(address(0xB0B), sent);
        assertEq(token.balanceOf(address(this)) + token.balanceOf(address(0xB0B)), minted);
    }

    function test_DecimalsAreConfigurable() public {
        assertEq(new TestToken("Six", "SIX", 6).decimals(), 6);
    }
}
