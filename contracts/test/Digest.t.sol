// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Fixture} from "./utils/Fixture.sol";
import {OpenBridge} from "../src/OpenBridge.sol";

/// The digests the committee signs, pinned: `primitives/src/bridge/tests.rs` pins the same
/// values, computed by the chain's and the relayer's Rust code. The contract at 0x11…11 on chain
/// 1, for the genesis 0x22…22.
contract DigestTest is Fixture {
    bytes32 internal constant WITHDRAWAL = 0x9f55b58d392f3d514e40e3091d964e9656a4a434d90c722ab37205b72b527702;
    bytes32 internal constant ROTATION = 0xcb1d3fefc397a910b4b166a2ae31b2488dd059ad68d75ad8f1c1c504c6497cfa;

    function pinned() internal returns (OpenBridge b) {
        vm.chainId(1);
        OpenBridge deployed = deployBridge(bytes32(uint256(0x22) * (type(uint256).max / 0xff)), addrs(keys), 3);
        b = OpenBridge(address(uint160(0x11) * (type(uint160).max / 0xff)));
        vm.etch(address(b), address(deployed).code);
    }

    function test_withdrawal_digest_is_the_pinned_one() public {
        OpenBridge b = pinned();
        bytes32 d = b.withdrawalDigest(withdrawal(7, address(uint160(0x33) * (type(uint160).max / 0xff)), 5 ether));
        emit log_named_bytes32("withdrawal digest", d);
        assertEq(d, WITHDRAWAL, "withdrawal digest");
    }

    function test_rotation_digest_is_the_pinned_one() public {
        OpenBridge b = pinned();
        // The epoch is storage, not code: set it as three rotations would have. It shares slot 3
        // with `_pendingOwner` (`forge inspect OpenBridge storageLayout`), at byte offset 20.
        vm.store(address(b), bytes32(uint256(3)), bytes32(uint256(3) << 160));
        assertEq(b.epoch(), 3, "the epoch's slot");
        address[] memory members = new address[](3);
        members[0] = address(uint160(0x44) * (type(uint160).max / 0xff));
        members[1] = address(uint160(0x55) * (type(uint160).max / 0xff));
        members[2] = address(uint160(0x66) * (type(uint160).max / 0xff));
        bytes32 d = b.rotationDigest(members, 2);
        emit log_named_bytes32("rotation digest", d);
        assertEq(d, ROTATION, "rotation digest");
    }

    event log_named_bytes32(string key, bytes32 val);
}
