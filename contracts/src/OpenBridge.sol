// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

/// The Ethereum side of the OPEN bridge (docs/bridge.md), after the OP Stack's
/// `L1StandardBridge`: a deposit locks OPEN here and the appchain mints it; a burn on the
/// appchain is released here. The appchain cannot produce OP output proofs, so a committee of
/// `N` keys stands in for them: a release needs `threshold` of their signatures over the
/// burn's EIP-712 digest.
///
/// A release is queued first and paid after `delay`, while the guardian can cancel it; what is
/// paid per period is capped; the guardian can pause deposits, releases and payouts, and only the
/// owner (governance) resumes them. The committee changes only by a rotation its current
/// members sign; each rotation starts an epoch, and only the current epoch's members count.
///
/// Invariant: `released <= locked`, and this contract holds at least `locked - released` OPEN.
contract OpenBridge is EIP712, Ownable2Step, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// A burn on the appchain, to be paid out here.
    struct Withdrawal {
        /// The appchain's outbound nonce of the burn.
        uint64 nonce;
        address recipient;
        uint256 amount;
    }

    enum Status {
        None,
        Queued,
        Released,
        Cancelled
    }

    /// A release queued by `release`, payable from `readyAt`.
    struct Release {
        Status status;
        uint64 readyAt;
        address recipient;
        uint256 amount;
    }

    bytes32 public constant WITHDRAWAL_TYPEHASH =
        keccak256("Withdrawal(bytes32 genesis,uint64 nonce,address recipient,uint256 amount)");
    bytes32 public constant ROTATION_TYPEHASH =
        keccak256("Rotation(bytes32 genesis,uint64 epoch,address[] members,uint256 threshold)");
    /// The most members a committee may have: bounds the gas of a rotation and of a release.
    uint256 public constant MAX_MEMBERS = 64;

    /// The OPEN token.
    IERC20 public immutable token;
    /// The appchain's genesis hash: signatures for another chain do not count here.
    bytes32 public immutable genesis;

    /// The committee's epoch: 0 at deployment, one more at each rotation.
    uint64 public epoch;
    /// How many of the current members must sign.
    uint256 public threshold;
    address[] private _members;
    mapping(uint64 epoch => mapping(address member => bool)) public isMember;

    /// The next deposit's nonce.
    uint64 public depositNonce;
    /// Every OPEN ever deposited, and every OPEN ever paid out.
    uint256 public locked;
    uint256 public released;
    mapping(uint64 nonce => Release) public releases;

    address public guardian;
    bool public paused;
    /// Seconds from `release` to when it can be paid.
    uint64 public delay;
    /// The most OPEN paid out per period of `period` seconds (periods start at multiples of it).
    uint256 public cap;
    uint64 public period;
    uint64 public currentPeriod;
    uint256 public spentInPeriod;

    event Deposited(uint64 indexed nonce, address indexed from, bytes32 indexed recipient, uint256 amount);
    event ReleaseQueued(uint64 indexed nonce, address indexed recipient, uint256 amount, uint64 readyAt);
    event Released(uint64 indexed nonce, address indexed recipient, uint256 amount);
    event ReleaseCancelled(uint64 indexed nonce);
    event CommitteeRotated(uint64 indexed epoch, address[] members, uint256 threshold);
    event Paused(address by);
    event Unpaused();
    event GuardianSet(address guardian);
    event LimitsSet(uint64 delay, uint256 cap, uint64 period);

    error ZeroAddress();
    error ZeroGenesis();
    error ZeroAmount();
    error ZeroRecipient();
    error ZeroPeriod();
    error WrongAmountReceived(uint256 expected, uint256 received);
    error BridgePaused();
    error NotPaused();
    error NotGuardian(address caller);
    error EmptyCommittee();
    error TooManyMembers(uint256 members, uint256 max);
    error BadThreshold(uint256 threshold, uint256 members);
    error MembersNotAscending(uint256 index);
    error ZeroDigest();
    error TooFewSignatures(uint256 signatures, uint256 threshold);
    error InvalidSignature(uint256 index);
    error SignersNotAscending(uint256 index);
    error NotMember(address signer);
    error AlreadyProcessed(uint64 nonce);
    error NotQueued(uint64 nonce);
    error TooEarly(uint64 nonce, uint64 readyAt);
    error OverCap(uint256 amount, uint256 available);
    error ExceedsLocked(uint256 amount, uint256 unreleased);

    modifier whenNotPaused() {
        if (paused) revert BridgePaused();
        _;
    }

    constructor(
        IERC20 token_,
        bytes32 genesis_,
        address[] memory members_,
        uint256 threshold_,
        address owner_,
        address guardian_,
        uint64 delay_,
        uint256 cap_,
        uint64 period_
    ) EIP712("OpenLedger Bridge", "1") Ownable(owner_) {
        if (address(token_) == address(0) || guardian_ == address(0)) revert ZeroAddress();
        if (genesis_ == bytes32(0)) revert ZeroGenesis();
        token = token_;
        genesis = genesis_;
        _setCommittee(members_, threshold_);
        guardian = guardian_;
        _setLimits(delay_, cap_, period_);
    }

    // ---- Deposits ----

    /// Locks `amount` OPEN of the caller's (approved beforehand) for `recipient` on the
    /// appchain (its 32-byte account id) and returns the deposit's nonce.
    function deposit(bytes32 recipient, uint256 amount) external nonReentrant whenNotPaused returns (uint64) {
        return _deposit(recipient, amount);
    }

    /// `deposit` with an EIP-2612 permit in place of an approval. A permit already used (a
    /// front-runner may submit it first) is ignored, so the deposit still goes through when the
    /// allowance is there.
    function depositWithPermit(bytes32 recipient, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        nonReentrant
        whenNotPaused
        returns (uint64)
    {
        try IERC20Permit(address(token)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        return _deposit(recipient, amount);
    }

    function _deposit(bytes32 recipient, uint256 amount) internal returns (uint64 nonce) {
        if (amount == 0) revert ZeroAmount();
        if (recipient == bytes32(0)) revert ZeroRecipient();
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert WrongAmountReceived(amount, received);
        nonce = depositNonce++;
        locked += amount;
        emit Deposited(nonce, msg.sender, recipient, amount);
    }

    // ---- Releases ----

    /// The EIP-712 digest the committee signs for `w`.
    function withdrawalDigest(Withdrawal calldata w) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(WITHDRAWAL_TYPEHASH, genesis, w.nonce, w.recipient, w.amount)));
    }

    /// Queues the payout of burn `w`, signed by at least `threshold` current members, each
    /// signature 65 bytes (r, s, v) with low s, ordered by signer address strictly ascending.
    /// Anyone may submit it. It can be paid with `execute` from `delay` seconds on.
    function release(Withdrawal calldata w, bytes[] calldata signatures) external whenNotPaused {
        if (w.amount == 0) revert ZeroAmount();
        if (w.recipient == address(0)) revert ZeroRecipient();
        if (releases[w.nonce].status != Status.None) revert AlreadyProcessed(w.nonce);
        _verify(withdrawalDigest(w), signatures);
        uint64 readyAt = uint64(block.timestamp) + delay;
        releases[w.nonce] = Release(Status.Queued, readyAt, w.recipient, w.amount);
        emit ReleaseQueued(w.nonce, w.recipient, w.amount, readyAt);
    }

    /// Pays out the queued release `nonce` once its delay has passed, within the period's cap.
    function execute(uint64 nonce) external nonReentrant whenNotPaused {
        Release storage r = releases[nonce];
        if (r.status != Status.Queued) revert NotQueued(nonce);
        // A proposer can move the timestamp by seconds; the delay is hours.
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp < r.readyAt) revert TooEarly(nonce, r.readyAt);
        uint256 amount = r.amount;
        if (amount > locked - released) revert ExceedsLocked(amount, locked - released);
        uint256 available = availableInPeriod();
        if (amount > available) revert OverCap(amount, available);
        uint64 now_ = uint64(block.timestamp / period);
        if (now_ != currentPeriod) {
            currentPeriod = now_;
            spentInPeriod = 0;
        }
        spentInPeriod += amount;
        r.status = Status.Released;
        released += amount;
        token.safeTransfer(r.recipient, amount);
        emit Released(nonce, r.recipient, amount);
    }

    /// What can still be paid out in the current period.
    function availableInPeriod() public view returns (uint256) {
        // Seconds of drift at a period's edge let at most one more period's cap through.
        // forge-lint: disable-next-line(block-timestamp)
        uint256 spent = uint64(block.timestamp / period) == currentPeriod ? spentInPeriod : 0;
        return spent >= cap ? 0 : cap - spent;
    }

    /// The guardian stops a queued release for good: its nonce stays processed. The OPEN stays
    /// locked; returning it on the appchain is governance's decision.
    function cancel(uint64 nonce) external {
        if (msg.sender != guardian) revert NotGuardian(msg.sender);
        if (releases[nonce].status != Status.Queued) revert NotQueued(nonce);
        releases[nonce].status = Status.Cancelled;
        emit ReleaseCancelled(nonce);
    }

    // ---- The committee ----

    /// The current members, ascending.
    function members() external view returns (address[] memory) {
        return _members;
    }

    /// The EIP-712 digest the current committee signs to hand over to `members_` with
    /// `threshold_`.
    function rotationDigest(address[] calldata members_, uint256 threshold_) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(ROTATION_TYPEHASH, genesis, epoch, keccak256(abi.encodePacked(members_)), threshold_))
        );
    }

    /// Replaces the committee, signed by `threshold` members of the current one; starts the
    /// next epoch, in which only the new members' signatures count.
    function rotate(address[] calldata members_, uint256 threshold_, bytes[] calldata signatures) external {
        _verify(rotationDigest(members_, threshold_), signatures);
        epoch += 1;
        _setCommittee(members_, threshold_);
    }

    function _setCommittee(address[] memory members_, uint256 threshold_) internal {
        uint256 n = members_.length;
        if (n == 0) revert EmptyCommittee();
        if (n > MAX_MEMBERS) revert TooManyMembers(n, MAX_MEMBERS);
        if (threshold_ == 0 || threshold_ > n) revert BadThreshold(threshold_, n);
        address last = address(0);
        for (uint256 i; i < n; ++i) {
            // Strictly ascending and above zero: no duplicate, no zero address.
            if (members_[i] <= last) revert MembersNotAscending(i);
            last = members_[i];
            isMember[epoch][last] = true;
        }
        _members = members_;
        threshold = threshold_;
        emit CommitteeRotated(epoch, members_, threshold_);
    }

    /// Reverts unless `signatures` hold at least `threshold` valid signatures of `digest` by
    /// distinct current members, ascending by signer, every one of them valid.
    function _verify(bytes32 digest, bytes[] calldata signatures) internal view {
        if (digest == bytes32(0)) revert ZeroDigest();
        uint256 t = threshold;
        if (signatures.length < t) revert TooFewSignatures(signatures.length, t);
        uint64 e = epoch;
        address last = address(0);
        for (uint256 i; i < signatures.length; ++i) {
            // Rejects lengths other than 65, s above n/2 and a zero signer.
            (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, signatures[i]);
            if (err != ECDSA.RecoverError.NoError) revert InvalidSignature(i);
            if (signer <= last) revert SignersNotAscending(i);
            if (!isMember[e][signer]) revert NotMember(signer);
            last = signer;
        }
    }

    // ---- Guardian and owner ----

    /// The guardian or the owner stops deposits, releases and payouts.
    function pause() external {
        if (msg.sender != guardian && msg.sender != owner()) revert NotGuardian(msg.sender);
        paused = true;
        emit Paused(msg.sender);
    }

    /// Only the owner resumes.
    function unpause() external onlyOwner {
        if (!paused) revert NotPaused();
        paused = false;
        emit Unpaused();
    }

    function setGuardian(address guardian_) external onlyOwner {
        if (guardian_ == address(0)) revert ZeroAddress();
        guardian = guardian_;
        emit GuardianSet(guardian_);
    }

    function setLimits(uint64 delay_, uint256 cap_, uint64 period_) external onlyOwner {
        _setLimits(delay_, cap_, period_);
    }

    function _setLimits(uint64 delay_, uint256 cap_, uint64 period_) internal {
        if (period_ == 0) revert ZeroPeriod();
        delay = delay_;
        cap = cap_;
        period = period_;
        // What was spent so far counts in the new periods' numbering too.
        currentPeriod = uint64(block.timestamp / period_);
        emit LimitsSet(delay_, cap_, period_);
    }
}
