// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Test} from "./Vm.sol";
import {OpenBridge} from "../../src/OpenBridge.sol";
import {OpenToken} from "../../src/OpenToken.sol";

/// Keys, signatures and withdrawals, for the tests and the invariant handler.
abstract contract Signing is Test {
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    /// `n` private keys derived from `seed`, ascending by their addresses.
    function sortedKeys(uint256 n, uint256 seed) internal pure returns (uint256[] memory ks) {
        ks = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            ks[i] = uint256(keccak256(abi.encode(seed, i))) % (SECP256K1_N - 1) + 1;
        }
        sortByAddress(ks);
    }

    function sortByAddress(uint256[] memory ks) internal pure {
        for (uint256 i = 1; i < ks.length; ++i) {
            for (uint256 j = i; j > 0 && vm.addr(ks[j]) < vm.addr(ks[j - 1]); --j) {
                (ks[j], ks[j - 1]) = (ks[j - 1], ks[j]);
            }
        }
    }

    function addrs(uint256[] memory ks) internal pure returns (address[] memory out) {
        out = new address[](ks.length);
        for (uint256 i; i < ks.length; ++i) {
            out[i] = vm.addr(ks[i]);
        }
    }

    /// A 65-byte signature (r, s, v), as the contract takes it.
    function sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// Signatures by `ks`, in the order given.
    function signAll(uint256[] memory ks, bytes32 digest) internal pure returns (bytes[] memory out) {
        out = new bytes[](ks.length);
        for (uint256 i; i < ks.length; ++i) {
            out[i] = sign(ks[i], digest);
        }
    }

    function withdrawal(uint64 nonce, address to, uint256 amount) internal pure returns (OpenBridge.Withdrawal memory) {
        return OpenBridge.Withdrawal({nonce: nonce, recipient: to, amount: amount});
    }
}

/// A bridge with a committee of five keys (threshold 3), a one-hour delay and a cap of
/// 1,000,000 OPEN a day, and a user holding the whole OPEN supply who approved the bridge.
abstract contract Fixture is Signing {
    bytes32 internal constant GENESIS = keccak256("openledger dev genesis");
    uint64 internal constant DELAY = 1 hours;
    uint256 internal constant CAP = 1_000_000 ether;
    uint64 internal constant PERIOD = 1 days;
    uint256 internal constant USER_KEY = 0xB0B;

    OpenToken internal token;
    OpenBridge internal bridge;
    /// The committee's keys, ascending by address.
    uint256[] internal keys;
    address internal owner = address(0x0A11CE);
    address internal guardian = address(0x6A4D);
    address internal user;

    function setUp() public virtual {
        user = vm.addr(USER_KEY);
        token = new OpenToken(user);
        keys = sortedKeys(5, 1);
        bridge = deployBridge(GENESIS, addrs(keys), 3);
        vm.prank(user);
        token.approve(address(bridge), type(uint256).max);
        vm.warp(1_700_000_000);
    }

    function deployBridge(bytes32 genesis, address[] memory members, uint256 threshold) internal returns (OpenBridge) {
        return new OpenBridge(token, genesis, members, threshold, owner, guardian, DELAY, CAP, PERIOD);
    }

    /// The first `n` committee keys.
    function firstKeys(uint256 n) internal view returns (uint256[] memory ks) {
        ks = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            ks[i] = keys[i];
        }
    }

    function depositAs(address from, uint256 amount) internal returns (uint64) {
        vm.prank(from);
        return bridge.deposit(bytes32(uint256(0xACC)), amount);
    }
}
