// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Fixture} from "./utils/Fixture.sol";
import {OpenBridge} from "../src/OpenBridge.sol";
import {OpenToken} from "../src/OpenToken.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// An ERC-20 that keeps 1% of every transfer: the bridge must refuse to credit what it did not
/// receive.
contract FeeToken is ERC20 {
    constructor(address holder) ERC20("Fee", "FEE") {
        _mint(holder, 1_000_000 ether);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) {
            uint256 fee = value / 100;
            super._update(from, address(0), fee);
            value -= fee;
        }
        super._update(from, to, value);
    }
}

contract DepositTest is Fixture {
    function test_deposit_locks_and_numbers_deposits() public {
        vm.expectEmit();
        emit OpenBridge.Deposited(0, user, bytes32(uint256(0xACC)), 5 ether);
        assertEq(depositAs(user, 5 ether), 0, "first nonce");
        assertEq(depositAs(user, 7 ether), 1, "second nonce");
        assertEq(bridge.locked(), 12 ether, "locked");
        assertEq(token.balanceOf(address(bridge)), 12 ether, "held");
        assertEq(bridge.depositNonce(), 2, "next nonce");
    }

    function test_deposit_refuses_zero_amount() public {
        vm.expectRevert(OpenBridge.ZeroAmount.selector);
        depositAs(user, 0);
    }

    function test_deposit_refuses_zero_recipient() public {
        vm.prank(user);
        vm.expectRevert(OpenBridge.ZeroRecipient.selector);
        bridge.deposit(bytes32(0), 1 ether);
    }

    function test_deposit_refuses_without_allowance() public {
        address other = address(0xCAFE);
        vm.prank(user);
        token.transfer(other, 10 ether);
        vm.expectRevert();
        depositAs(other, 1 ether);
        assertEq(bridge.locked(), 0, "nothing locked");
        assertEq(token.balanceOf(other), 10 ether, "nothing taken");
    }

    function test_deposit_refuses_when_paused() public {
        vm.prank(guardian);
        bridge.pause();
        vm.expectRevert(OpenBridge.BridgePaused.selector);
        depositAs(user, 1 ether);
    }

    function test_deposit_refuses_a_token_that_delivers_less() public {
        FeeToken fee = new FeeToken(user);
        OpenBridge b =
            new OpenBridge(IERC20(address(fee)), GENESIS, addrs(keys), 3, owner, guardian, DELAY, CAP, PERIOD);
        vm.startPrank(user);
        fee.approve(address(b), type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.WrongAmountReceived.selector, 100 ether, 99 ether));
        b.deposit(bytes32(uint256(1)), 100 ether);
        vm.stopPrank();
    }

    function permit(uint256 amount, uint256 deadline) internal view returns (uint8 v, bytes32 r, bytes32 s) {
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                user,
                address(bridge),
                amount,
                token.nonces(user),
                deadline
            )
        );
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
        return vm.sign(USER_KEY, digest);
    }

    function test_deposit_with_permit() public {
        vm.prank(user);
        token.approve(address(bridge), 0);
        (uint8 v, bytes32 r, bytes32 s) = permit(3 ether, block.timestamp + 60);
        vm.prank(user);
        bridge.depositWithPermit(bytes32(uint256(9)), 3 ether, block.timestamp + 60, v, r, s);
        assertEq(bridge.locked(), 3 ether, "locked through the permit");
    }

    function test_deposit_with_permit_survives_a_front_run_permit() public {
        vm.prank(user);
        token.approve(address(bridge), 0);
        (uint8 v, bytes32 r, bytes32 s) = permit(3 ether, block.timestamp + 60);
        // Someone submits the permit first: the deposit must still go through.
        token.permit(user, address(bridge), 3 ether, block.timestamp + 60, v, r, s);
        vm.prank(user);
        bridge.depositWithPermit(bytes32(uint256(9)), 3 ether, block.timestamp + 60, v, r, s);
        assertEq(bridge.locked(), 3 ether, "locked after the front run");
    }

    function testFuzz_deposit_amounts(uint256 amount) public {
        amount = bound(amount, 1, token.SUPPLY());
        depositAs(user, amount);
        assertEq(bridge.locked(), amount, "locked");
        assertEq(token.balanceOf(address(bridge)), amount, "held");
        assertEq(token.balanceOf(user), token.SUPPLY() - amount, "taken");
    }
}

contract ReleaseTest is Fixture {
    address internal constant TO = address(0xD00D);

    function setUp() public override {
        super.setUp();
        depositAs(user, 3_000_000 ether);
    }

    function queue(uint64 nonce, uint256 amount) internal {
        OpenBridge.Withdrawal memory w = withdrawal(nonce, TO, amount);
        bridge.release(w, signAll(firstKeys(3), bridge.withdrawalDigest(w)));
    }

    function test_release_waits_the_delay_then_pays() public {
        OpenBridge.Withdrawal memory w = withdrawal(7, TO, 40 ether);
        bytes[] memory sigs = signAll(firstKeys(3), bridge.withdrawalDigest(w));
        vm.expectEmit();
        emit OpenBridge.ReleaseQueued(7, TO, 40 ether, uint64(block.timestamp) + DELAY);
        bridge.release(w, sigs);
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.TooEarly.selector, 7, uint64(block.timestamp) + DELAY));
        bridge.execute(7);
        vm.warp(block.timestamp + DELAY);
        vm.expectEmit();
        emit OpenBridge.Released(7, TO, 40 ether);
        bridge.execute(7);
        assertEq(token.balanceOf(TO), 40 ether, "paid");
        assertEq(bridge.released(), 40 ether, "released");
        // Neither a second payout nor a second release of the same nonce.
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.NotQueued.selector, 7));
        bridge.execute(7);
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.AlreadyProcessed.selector, 7));
        bridge.release(w, sigs);
    }

    function test_release_with_more_than_the_threshold() public {
        OpenBridge.Withdrawal memory w = withdrawal(1, TO, 1 ether);
        bridge.release(w, signAll(keys, bridge.withdrawalDigest(w)));
    }

    function test_release_refuses_a_queued_nonce() public {
        queue(1, 1 ether);
        OpenBridge.Withdrawal memory w = withdrawal(1, TO, 1 ether);
        bytes[] memory sigs = signAll(firstKeys(3), bridge.withdrawalDigest(w));
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.AlreadyProcessed.selector, 1));
        bridge.release(w, sigs);
    }

    function test_release_refuses_below_the_threshold() public {
        OpenBridge.Withdrawal memory w = withdrawal(1, TO, 1 ether);
        bytes[] memory sigs = signAll(firstKeys(2), bridge.withdrawalDigest(w));
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.TooFewSignatures.selector, 2, 3));
        bridge.release(w, sigs);
    }

    function test_release_refuses_a_duplicated_signature() public {
        OpenBridge.Withdrawal memory w = withdrawal(1, TO, 1 ether);
        bytes32 d = bridge.withdrawalDigest(w);
        bytes[] memory sigs = new bytes[](3);
        sigs[0] = sign(keys[0], d);
        sigs[1] = sign(keys[0], d);
        sigs[2] = sign(keys[1], d);
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.SignersNotAscending.selector, 1));
        bridge.release(w, sigs);
    }

    function test_release_refuses_signers_out_of_order() public {
        OpenBridge.Withdrawal memory w = withdrawal(1, TO, 1 ether);
        bytes32 d = bridge.withdrawalDigest(w);
        bytes[] memory sigs = new bytes[](3);
        sigs[0] = sign(keys[1], d);
        sigs[1] = sign(keys[0], d);
        sigs[2] = sign(keys[2], d);
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.SignersNotAscending.selector, 1));
        bridge.release(w, sigs);
    }

    function test_release_refuses_a_forged_signature() public {
        OpenBridge.Withdrawal memory w = withdrawal(1, TO, 1 ether);
        bytes32 d = bridge.withdrawalDigest(w);
        uint256[] memory ks = firstKeys(3);
        ks[2] = 0xBAD; // not a member
        sortByAddress(ks);
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.NotMember.selector, vm.addr(0xBAD)));
        bridge.release(w, signAll(ks, d));
    }

    function test_release_refuses_a_malleated_signature() public {
        OpenBridge.Withdrawal memory w = withdrawal(1, TO, 1 ether);
        bytes32 d = bridge.withdrawalDigest(w);
        bytes[] memory sigs = signAll(firstKeys(3), d);
        // (r, n - s, v ^ 1) recovers the same signer: the high-s twin must be refused.
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[1], d);
        sigs[1] = abi.encodePacked(r, bytes32(SECP256K1_N - uint256(s)), v == 27 ? uint8(28) : uint8(27));
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.InvalidSignature.selector, 1));
        bridge.release(w, sigs);
    }

    function test_release_refuses_a_bad_v_or_length() public {
        OpenBridge.Withdrawal memory w = withdrawal(1, TO, 1 ether);
        bytes32 d = bridge.withdrawalDigest(w);
        bytes[] memory sigs = signAll(firstKeys(3), d);
        (, bytes32 r, bytes32 s) = vm.sign(keys[2], d);
        sigs[2] = abi.encodePacked(r, s, uint8(29));
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.InvalidSignature.selector, 2));
        bridge.release(w, sigs);
        sigs[2] = abi.encodePacked(r, s);
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.InvalidSignature.selector, 2));
        bridge.release(w, sigs);
    }

    function test_release_refuses_zero_amount_or_recipient() public {
        OpenBridge.Withdrawal memory w = withdrawal(1, TO, 0);
        bytes[] memory sigs = signAll(firstKeys(3), bridge.withdrawalDigest(w));
        vm.expectRevert(OpenBridge.ZeroAmount.selector);
        bridge.release(w, sigs);
        w = withdrawal(1, address(0), 1 ether);
        sigs = signAll(firstKeys(3), bridge.withdrawalDigest(w));
        vm.expectRevert(OpenBridge.ZeroRecipient.selector);
        bridge.release(w, sigs);
    }

    /// Signatures made for one withdrawal, presented for another: each recovers some unrelated
    /// address, which is not a member (or not ascending).
    function assertSignaturesRefused(OpenBridge b, OpenBridge.Withdrawal memory w, bytes[] memory sigs) internal {
        (bool ok, bytes memory ret) = address(b).call(abi.encodeCall(OpenBridge.release, (w, sigs)));
        assertTrue(!ok, "replayed signatures accepted");
        bytes4 sel = bytes4(ret);
        assertTrue(
            sel == OpenBridge.NotMember.selector || sel == OpenBridge.SignersNotAscending.selector,
            "refused for another reason than the signers"
        );
        (OpenBridge.Status status,,,) = b.releases(w.nonce);
        assertTrue(status == OpenBridge.Status.None, "nothing queued");
    }

    function test_replay_across_nonce() public {
        OpenBridge.Withdrawal memory w = withdrawal(1, TO, 1 ether);
        bytes[] memory sigs = signAll(firstKeys(3), bridge.withdrawalDigest(w));
        assertSignaturesRefused(bridge, withdrawal(2, TO, 1 ether), sigs);
    }

    function test_replay_across_recipient_or_amount() public {
        OpenBridge.Withdrawal memory w = withdrawal(1, TO, 1 ether);
        bytes[] memory sigs = signAll(firstKeys(3), bridge.withdrawalDigest(w));
        assertSignaturesRefused(bridge, withdrawal(1, address(0xE71), 1 ether), sigs);
        assertSignaturesRefused(bridge, withdrawal(1, TO, 1000 ether), sigs);
    }

    function test_replay_across_chain_id() public {
        OpenBridge.Withdrawal memory w = withdrawal(1, TO, 1 ether);
        bytes[] memory sigs = signAll(firstKeys(3), bridge.withdrawalDigest(w));
        vm.chainId(block.chainid + 1);
        assertSignaturesRefused(bridge, w, sigs);
    }

    function test_replay_across_contract() public {
        OpenBridge other = deployBridge(GENESIS, addrs(keys), 3);
        OpenBridge.Withdrawal memory w = withdrawal(1, TO, 1 ether);
        bytes[] memory sigs = signAll(firstKeys(3), bridge.withdrawalDigest(w));
        assertSignaturesRefused(other, w, sigs);
    }

    function test_replay_across_genesis() public {
        OpenBridge other = deployBridge(keccak256("another appchain"), addrs(keys), 3);
        OpenBridge.Withdrawal memory w = withdrawal(1, TO, 1 ether);
        bytes[] memory sigs = signAll(firstKeys(3), bridge.withdrawalDigest(w));
        assertSignaturesRefused(other, w, sigs);
    }

    function test_release_refused_when_paused() public {
        OpenBridge.Withdrawal memory w = withdrawal(1, TO, 1 ether);
        bytes[] memory sigs = signAll(firstKeys(3), bridge.withdrawalDigest(w));
        vm.prank(guardian);
        bridge.pause();
        vm.expectRevert(OpenBridge.BridgePaused.selector);
        bridge.release(w, sigs);
    }

    function test_payout_refused_when_paused_and_resumed_by_the_owner_only() public {
        queue(1, 1 ether);
        vm.warp(block.timestamp + DELAY);
        vm.prank(guardian);
        bridge.pause();
        vm.expectRevert(OpenBridge.BridgePaused.selector);
        bridge.execute(1);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, guardian));
        bridge.unpause();
        vm.prank(owner);
        bridge.unpause();
        bridge.execute(1);
        assertEq(token.balanceOf(TO), 1 ether, "paid after the pause");
    }

    function test_only_guardian_or_owner_pauses() public {
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.NotGuardian.selector, address(this)));
        bridge.pause();
        vm.prank(owner);
        bridge.pause();
        vm.prank(owner);
        bridge.unpause();
        vm.prank(owner);
        vm.expectRevert(OpenBridge.NotPaused.selector);
        bridge.unpause();
    }

    function test_cancelled_release_is_never_paid() public {
        queue(1, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.NotGuardian.selector, address(this)));
        bridge.cancel(1);
        vm.prank(guardian);
        bridge.cancel(1);
        vm.warp(block.timestamp + DELAY);
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.NotQueued.selector, 1));
        bridge.execute(1);
        // Nor queued again with the same signatures.
        OpenBridge.Withdrawal memory w = withdrawal(1, TO, 1 ether);
        bytes[] memory sigs = signAll(firstKeys(3), bridge.withdrawalDigest(w));
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.AlreadyProcessed.selector, 1));
        bridge.release(w, sigs);
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.NotQueued.selector, 1));
        bridge.cancel(1);
        assertEq(token.balanceOf(TO), 0, "nothing paid");
        assertEq(bridge.released(), 0, "nothing released");
    }

    function test_outflow_capped_per_period() public {
        queue(1, 600_000 ether);
        queue(2, 600_000 ether);
        vm.warp((block.timestamp / PERIOD + 1) * PERIOD); // the start of a period, after the delay
        bridge.execute(1);
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.OverCap.selector, 600_000 ether, 400_000 ether));
        bridge.execute(2);
        assertEq(bridge.availableInPeriod(), 400_000 ether, "left in the period");
        vm.warp(block.timestamp + PERIOD);
        assertEq(bridge.availableInPeriod(), CAP, "a new period");
        bridge.execute(2);
        assertEq(token.balanceOf(TO), 1_200_000 ether, "both paid");
    }

    function test_release_above_the_cap_waits_for_governance() public {
        queue(1, CAP + 1);
        vm.warp(block.timestamp + DELAY);
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.OverCap.selector, CAP + 1, CAP));
        bridge.execute(1);
        vm.prank(owner);
        bridge.setLimits(DELAY, 2 * CAP, PERIOD);
        bridge.execute(1);
    }

    function test_never_pays_more_than_was_locked() public {
        // A committee that signs more than was ever deposited still cannot drain anything.
        queue(1, 3_000_000 ether + 1);
        vm.warp(block.timestamp + DELAY);
        vm.prank(owner);
        bridge.setLimits(DELAY, type(uint256).max, PERIOD);
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.ExceedsLocked.selector, 3_000_000 ether + 1, 3_000_000 ether));
        bridge.execute(1);
    }

    function test_limits_only_by_the_owner() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        bridge.setLimits(0, 0, 1);
        vm.prank(owner);
        vm.expectRevert(OpenBridge.ZeroPeriod.selector);
        bridge.setLimits(0, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        bridge.setGuardian(address(this));
        vm.prank(owner);
        vm.expectRevert(OpenBridge.ZeroAddress.selector);
        bridge.setGuardian(address(0));
    }

    /// Any subset of five members and three outsiders, in ascending or reversed order: accepted
    /// exactly when it holds at least three signatures, all by members, strictly ascending.
    function testFuzz_signer_sets(uint8 memberMask, uint8 outsiderMask, bool reversed) public {
        memberMask &= 0x1F;
        outsiderMask &= 0x07;
        uint256[] memory outsiders = sortedKeys(3, 99);
        uint256 n;
        uint256[] memory chosen = new uint256[](8);
        for (uint256 i; i < 5; ++i) {
            if (memberMask & (1 << i) != 0) chosen[n++] = keys[i];
        }
        for (uint256 i; i < 3; ++i) {
            if (outsiderMask & (1 << i) != 0) chosen[n++] = outsiders[i];
        }
        uint256[] memory ks = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            ks[i] = chosen[i];
        }
        sortByAddress(ks);
        if (reversed) {
            for (uint256 i; i < n / 2; ++i) {
                (ks[i], ks[n - 1 - i]) = (ks[n - 1 - i], ks[i]);
            }
        }
        OpenBridge.Withdrawal memory w = withdrawal(5, TO, 2 ether);
        bytes[] memory sigs = signAll(ks, bridge.withdrawalDigest(w));
        (bool ok,) = address(bridge).call(abi.encodeCall(OpenBridge.release, (w, sigs)));
        bool expected = n >= 3 && outsiderMask == 0 && !reversed;
        assertTrue(ok == expected, "accepted a signer set it should refuse, or the opposite");
        (OpenBridge.Status status,,,) = bridge.releases(5);
        assertTrue((status == OpenBridge.Status.Queued) == expected, "queued exactly when accepted");
    }
}

contract CommitteeTest is Fixture {
    address internal constant TO = address(0xD00D);

    function rotateTo(uint256[] memory ks, uint256 threshold, uint256[] memory signers) internal {
        address[] memory members = addrs(ks);
        bridge.rotate(members, threshold, signAll(signers, bridge.rotationDigest(members, threshold)));
    }

    /// Keys 3 and 4 of the old committee and three new ones, ascending.
    function nextCommittee() internal view returns (uint256[] memory ks) {
        uint256[] memory fresh = sortedKeys(3, 2);
        ks = new uint256[](5);
        ks[0] = keys[3];
        ks[1] = keys[4];
        ks[2] = fresh[0];
        ks[3] = fresh[1];
        ks[4] = fresh[2];
        sortByAddress(ks);
    }

    function test_rotation_starts_an_epoch() public {
        uint256[] memory next = nextCommittee();
        vm.expectEmit();
        emit OpenBridge.CommitteeRotated(1, addrs(next), 4);
        rotateTo(next, 4, firstKeys(3));
        assertEq(bridge.epoch(), 1, "epoch");
        assertEq(bridge.threshold(), 4, "threshold");
        address[] memory m = bridge.members();
        for (uint256 i; i < 5; ++i) {
            assertEq(m[i], vm.addr(next[i]), "member");
        }
    }

    /// Ronin: keys rotated out must not count, even three of them together.
    function test_rotated_out_members_do_not_count() public {
        depositAs(user, 10 ether);
        rotateTo(nextCommittee(), 3, firstKeys(3));
        OpenBridge.Withdrawal memory w = withdrawal(1, TO, 1 ether);
        bytes[] memory sigs = signAll(firstKeys(3), bridge.withdrawalDigest(w));
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.NotMember.selector, vm.addr(keys[0])));
        bridge.release(w, sigs);
        // The new committee does.
        uint256[] memory next = nextCommittee();
        uint256[] memory three = new uint256[](3);
        three[0] = next[0];
        three[1] = next[1];
        three[2] = next[2];
        bridge.release(w, signAll(three, bridge.withdrawalDigest(w)));
    }

    function test_rotation_signatures_do_not_replay() public {
        uint256[] memory next = nextCommittee();
        address[] memory members = addrs(next);
        bytes[] memory sigs = signAll(firstKeys(3), bridge.rotationDigest(members, 3));
        bridge.rotate(members, 3, sigs);
        // The same message again, now for epoch 1: the digest differs, so do the signers.
        (bool ok,) = address(bridge).call(abi.encodeCall(OpenBridge.rotate, (members, 3, sigs)));
        assertTrue(!ok, "a rotation replayed");
        assertEq(bridge.epoch(), 1, "still epoch 1");
    }

    function test_rotation_needs_the_threshold() public {
        uint256[] memory next = nextCommittee();
        address[] memory members = addrs(next);
        bytes[] memory sigs = signAll(firstKeys(2), bridge.rotationDigest(members, 3));
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.TooFewSignatures.selector, 2, 3));
        bridge.rotate(members, 3, sigs);
    }

    function test_rotation_by_outsiders_refused() public {
        uint256[] memory outsiders = sortedKeys(3, 77);
        uint256[] memory next = nextCommittee();
        address[] memory members = addrs(next);
        bytes[] memory sigs = signAll(outsiders, bridge.rotationDigest(members, 3));
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.NotMember.selector, vm.addr(outsiders[0])));
        bridge.rotate(members, 3, sigs);
    }

    /// Nomad: no committee that would accept anything (zero threshold, nobody, the zero address)
    /// is ever installed, at deployment or by rotation.
    function test_no_degenerate_committee_at_deployment() public {
        address[] memory none = new address[](0);
        vm.expectRevert(OpenBridge.EmptyCommittee.selector);
        deployBridge(GENESIS, none, 0);
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.BadThreshold.selector, 0, 5));
        deployBridge(GENESIS, addrs(keys), 0);
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.BadThreshold.selector, 6, 5));
        deployBridge(GENESIS, addrs(keys), 6);
        address[] memory withZero = addrs(keys);
        withZero[0] = address(0);
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.MembersNotAscending.selector, 0));
        deployBridge(GENESIS, withZero, 3);
        address[] memory dup = addrs(keys);
        dup[2] = dup[1];
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.MembersNotAscending.selector, 2));
        deployBridge(GENESIS, dup, 3);
        vm.expectRevert(OpenBridge.ZeroGenesis.selector);
        deployBridge(bytes32(0), addrs(keys), 3);
        vm.expectRevert(OpenBridge.ZeroAddress.selector);
        new OpenBridge(IERC20(address(0)), GENESIS, addrs(keys), 3, owner, guardian, DELAY, CAP, PERIOD);
        address[] memory many = new address[](65);
        for (uint256 i; i < 65; ++i) {
            many[i] = address(uint160(i + 1));
        }
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.TooManyMembers.selector, 65, 64));
        deployBridge(GENESIS, many, 3);
    }

    function test_no_degenerate_committee_by_rotation() public {
        address[] memory none = new address[](0);
        bytes[] memory sigs = signAll(firstKeys(3), bridge.rotationDigest(none, 0));
        vm.expectRevert(OpenBridge.EmptyCommittee.selector);
        bridge.rotate(none, 0, sigs);
        address[] memory members = addrs(keys);
        sigs = signAll(firstKeys(3), bridge.rotationDigest(members, 0));
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.BadThreshold.selector, 0, 5));
        bridge.rotate(members, 0, sigs);
        members[0] = address(0);
        sigs = signAll(firstKeys(3), bridge.rotationDigest(members, 3));
        vm.expectRevert(abi.encodeWithSelector(OpenBridge.MembersNotAscending.selector, 0));
        bridge.rotate(members, 3, sigs);
        assertEq(bridge.epoch(), 0, "no rotation happened");
        assertEq(bridge.threshold(), 3, "threshold kept");
    }
}
