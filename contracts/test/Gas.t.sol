// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Fixture} from "./utils/Fixture.sol";
import {OpenBridge} from "../src/OpenBridge.sol";

/// The bridge's user-facing calls in their common case, for the gas figures in docs/bridge.md:
/// `npx forge test --match-contract GasTest --isolate --gas-report` (each call its own
/// transaction, so storage starts cold as on L1). With -vv it also prints each call's gas as
/// measured around it.
contract GasTest is Fixture {
    event log_named_uint(string key, uint256 val);

    address internal constant TO = address(0xD00D);

    function test_gas_of_deposit_release_execute() public {
        // A first deposit makes the nonce and `locked` nonzero; the second is the common case.
        depositAs(user, 1 ether);
        vm.prank(user);
        uint256 g = gasleft();
        bridge.deposit(bytes32(uint256(0xACC)), 100 ether);
        emit log_named_uint("deposit", g - gasleft());

        OpenBridge.Withdrawal memory w = withdrawal(1, TO, 10 ether);
        bytes[] memory three = signAll(firstKeys(3), bridge.withdrawalDigest(w));
        g = gasleft();
        bridge.release(w, three);
        emit log_named_uint("release, 3 of 5 signatures", g - gasleft());

        OpenBridge.Withdrawal memory w5 = withdrawal(2, TO, 10 ether);
        bytes[] memory five = signAll(keys, bridge.withdrawalDigest(w5));
        g = gasleft();
        bridge.release(w5, five);
        emit log_named_uint("release, 5 of 5 signatures", g - gasleft());

        vm.warp(block.timestamp + DELAY);
        g = gasleft();
        bridge.execute(1);
        emit log_named_uint("execute, first payout to a new holder", g - gasleft());
        g = gasleft();
        bridge.execute(2);
        emit log_named_uint("execute, to a holder in the same period", g - gasleft());
    }
}
