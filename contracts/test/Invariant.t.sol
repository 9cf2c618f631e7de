// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Fixture, Signing} from "./utils/Fixture.sol";
import {OpenBridge} from "../src/OpenBridge.sol";
import {OpenToken} from "../src/OpenToken.sol";

/// What the fuzzer calls: deposits, OPEN sent without a deposit, releases signed by any subset of the committee (a captured
/// committee included: amounts are not tied to what was deposited), payouts, cancellations,
/// pauses, rotations and time. Each call keeps what it did so the invariant can compare.
contract Handler is Signing {
    OpenBridge internal b;
    OpenToken internal t;
    uint256[] internal committee;
    uint64 internal nextNonce;
    uint64[] internal queued;
    address internal guardian;
    address internal owner;
    uint256 public paidOut;
    uint256 public donated;

    constructor(OpenBridge bridge_, OpenToken token_, uint256[] memory keys_, address guardian_, address owner_) {
        b = bridge_;
        t = token_;
        committee = keys_;
        guardian = guardian_;
        owner = owner_;
        t.approve(address(b), type(uint256).max);
    }

    function deposit(uint256 amount) external {
        amount = bound(amount, 0, t.balanceOf(address(this)));
        try b.deposit(bytes32(uint256(1)), amount) {} catch {}
    }

    /// OPEN sent to the bridge without a deposit (by mistake, or to make room for a release
    /// larger than what was locked): it must never be paid out as a release.
    function donate(uint256 amount) external {
        amount = bound(amount, 0, t.balanceOf(address(this)) / 10);
        t.transfer(address(b), amount);
        donated += amount;
    }

    function release(uint256 amount, uint8 signerMask, bool reuseNonce) external {
        amount = bound(amount, 1, 2 * b.locked() + 1);
        uint64 nonce = reuseNonce && nextNonce > 0 ? nextNonce - 1 : nextNonce++;
        uint256 n;
        uint256[] memory ks = new uint256[](committee.length);
        for (uint256 i; i < committee.length; ++i) {
            if (signerMask & (1 << i) != 0) ks[n++] = committee[i];
        }
        assembly {
            mstore(ks, n)
        }
        OpenBridge.Withdrawal memory w = withdrawal(nonce, address(0xD00D), amount);
        try b.release(w, signAll(ks, b.withdrawalDigest(w))) {
            queued.push(nonce);
        } catch {}
    }

    function execute(uint256 which) external {
        if (queued.length == 0) return;
        uint64 nonce = queued[which % queued.length];
        uint256 before = t.balanceOf(address(0xD00D));
        try b.execute(nonce) {
            paidOut += t.balanceOf(address(0xD00D)) - before;
        } catch {}
    }

    function cancel(uint256 which) external {
        if (queued.length == 0) return;
        vm.prank(guardian);
        try b.cancel(queued[which % queued.length]) {} catch {}
    }

    function pauseOrResume(bool pause) external {
        vm.prank(pause ? guardian : owner);
        if (pause) b.pause();
        else try b.unpause() {} catch {}
    }

    function rotate(uint8 keep, uint256 seed) external {
        uint256[] memory next = sortedKeys(3, seed);
        if (keep & 1 != 0) next[0] = committee[0];
        sortByAddress(next);
        address[] memory members = addrs(next);
        uint256[] memory signers = committee;
        try b.rotate(members, 2, signAll(signers, b.rotationDigest(members, 2))) {
            committee = next;
        } catch {}
    }

    function wait(uint32 secs) external {
        vm.warp(block.timestamp + secs);
    }
}

contract InvariantTest is Fixture {
    Handler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new Handler(bridge, token, keys, guardian, owner);
        vm.prank(user);
        token.transfer(address(handler), 10_000_000 ether);
    }

    /// Forge's invariant fuzzer calls only the handler.
    function targetContracts() public view returns (address[] memory out) {
        out = new address[](1);
        out[0] = address(handler);
    }

    function invariant_released_never_exceeds_locked() public view {
        assertLe(bridge.released(), bridge.locked(), "released > locked");
    }

    function invariant_the_bridge_holds_what_is_unreleased() public view {
        assertEq(token.balanceOf(address(bridge)), bridge.locked() - bridge.released() + handler.donated(), "held");
        assertEq(handler.paidOut(), bridge.released(), "paid out");
    }
}
