//! The Ethereum side of the OPEN bridge, bit for bit as `contracts/src/OpenBridge.sol` sees it
//! (docs/bridge.md): the `Deposited` event's ABI encoding, the EIP-712 digests the committee
//! signs, and the rules a set of signatures must meet. The chain (which signs nothing) and the relayer (which signs) both use this module,
//! so the digest exists in one place on this side.
//!
//! Public-key recovery is not here: the runtime recovers through `sp_io` and the relayer through
//! its own secp256k1 library. Both hand the recovered addresses to [`check_signers`].

use sp_crypto_hashing::keccak_256;

/// An Ethereum address.
pub type EthAddress = [u8; 20];

/// The order of the secp256k1 group, halved: a signature's `s` above it is the malleated twin of
/// another and is refused, as OpenZeppelin's `ECDSA.tryRecover` refuses it.
pub const HALF_ORDER: [u8; 32] = [
	0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
];

/// The contract's EIP-712 name and version.
pub const DOMAIN_NAME: &str = "OpenLedger Bridge";
pub const DOMAIN_VERSION: &str = "1";

/// Where a signature counts: the L1 chain, the bridge contract on it, and this chain.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Domain {
	pub chain_id: u64,
	pub contract: EthAddress,
	/// This chain's genesis hash.
	pub genesis: [u8; 32],
}

/// A burn on this chain, to be released on L1.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Withdrawal {
	/// The burn's outbound nonce.
	pub nonce: u64,
	pub recipient: EthAddress,
	/// In OPEN's smallest unit (18 decimals on both sides).
	pub amount: u128,
}

fn word_u128(v: u128) -> [u8; 32] {
	let mut w = [0u8; 32];
	w[16..].copy_from_slice(&v.to_be_bytes());
	w
}

fn word_address(a: &EthAddress) -> [u8; 32] {
	let mut w = [0u8; 32];
	w[12..].copy_from_slice(a);
	w
}

fn hash_words(words: &[[u8; 32]]) -> [u8; 32] {
	let mut bytes = alloc::vec::Vec::with_capacity(words.len() * 32);
	for w in words {
		bytes.extend_from_slice(w);
	}
	keccak_256(&bytes)
}

/// `keccak256("\x19\x01" ‖ domainSeparator ‖ structHash)`.
fn typed_data_digest(domain: &Domain, struct_hash: [u8; 32]) -> [u8; 32] {
	let mut bytes = [0u8; 66];
	bytes[..2].copy_from_slice(b"\x19\x01");
	bytes[2..34].copy_from_slice(&domain_separator(domain));
	bytes[34..].copy_from_slice(&struct_hash);
	keccak_256(&bytes)
}

/// EIP-712's domain separator for the contract: name, version, chain id and address (the
/// genesis hash is in each message instead, as the contract has it).
pub fn domain_separator(domain: &Domain) -> [u8; 32] {
	hash_words(&[
		keccak_256(
			b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)",
		),
		keccak_256(DOMAIN_NAME.as_bytes()),
		keccak_256(DOMAIN_VERSION.as_bytes()),
		word_u128(domain.chain_id as u128),
		word_address(&domain.contract),
	])
}

/// The digest the committee signs for `w`: the contract's `withdrawalDigest(w)`.
pub fn withdrawal_digest(domain: &Domain, w: &Withdrawal) -> [u8; 32] {
	let struct_hash = hash_words(&[
		keccak_256(b"Withdrawal(bytes32 genesis,uint64 nonce,address recipient,uint256 amount)"),
		domain.genesis,
		word_u128(w.nonce as u128),
		word_address(&w.recipient),
		word_u128(w.amount),
	]);
	typed_data_digest(domain, struct_hash)
}

/// The digest the committee of `epoch` signs to hand over to `members` with `threshold`: the
/// contract's `rotationDigest(members, threshold)` while its epoch is `epoch`.
pub fn rotation_digest(
	domain: &Domain,
	epoch: u64,
	members: &[EthAddress],
	threshold: u32,
) -> [u8; 32] {
	// EIP-712 hashes an array as the keccak of its elements, each encoded as a word.
	let members_hash =
		hash_words(&members.iter().map(word_address).collect::<alloc::vec::Vec<_>>());
	let struct_hash = hash_words(&[
		keccak_256(b"Rotation(bytes32 genesis,uint64 epoch,address[] members,uint256 threshold)"),
		domain.genesis,
		word_u128(epoch as u128),
		members_hash,
		word_u128(threshold as u128),
	]);
	typed_data_digest(domain, struct_hash)
}

/// The address of an uncompressed secp256k1 public key (its 64 bytes, without the 0x04 tag).
pub fn address_of(public: &[u8; 64]) -> EthAddress {
	let h = keccak_256(public);
	let mut a = [0u8; 20];
	a.copy_from_slice(&h[12..]);
	a
}

/// Recovers who signed a digest: `sp_io` in the runtime, a secp256k1 library off chain. The
/// signature is already [`normalise`]d (`r ‖ s ‖ recovery id`); `None` if no key recovers.
pub trait SignatureRecovery {
	fn recover(signature: &[u8; 65], digest: &[u8; 32]) -> Option<EthAddress>;
}

/// The signer of a 65-byte `(r, s, v)` signature of `digest`, by the contract's rules.
pub fn signer_of<R: SignatureRecovery>(
	signature: &[u8; 65],
	digest: &[u8; 32],
) -> Result<EthAddress, SignatureError> {
	let normalised = normalise(signature)?;
	R::recover(&normalised, digest).ok_or(SignatureError::Unrecoverable)
}

/// Why a signature or a set of them does not count.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SignatureError {
	/// `v` is neither 27 nor 28.
	BadRecoveryId,
	/// `s` is above half the group order: the malleated twin of a valid signature.
	HighS,
	/// `s` or `r` is zero.
	Zero,
	/// Recovery failed: no public key signs this digest with this signature.
	Unrecoverable,
	/// Fewer signatures than the threshold.
	TooFew { signatures: u32, threshold: u32 },
	/// The signer at this position is not above the one before it (a repeat or out of order).
	NotAscending { index: u32 },
	/// The signer at this position is not a current member.
	NotMember { index: u32 },
	/// The committee itself is unusable: no members, a zero threshold or one above the count.
	BadCommittee,
}

/// Checks a 65-byte `(r, s, v)` signature's shape as the contract does and returns it in the
/// form `sp_io`'s and libsecp256k1's recovery take (`r ‖ s ‖ recovery id 0 or 1`).
pub fn normalise(sig: &[u8; 65]) -> Result<[u8; 65], SignatureError> {
	let (r, s, v) = (&sig[..32], &sig[32..64], sig[64]);
	if r.iter().all(|&b| b == 0) || s.iter().all(|&b| b == 0) {
		return Err(SignatureError::Zero);
	}
	// Big-endian byte strings of equal length compare as the numbers they are.
	if s > &HALF_ORDER[..] {
		return Err(SignatureError::HighS);
	}
	// Only what the contract's `ecrecover` takes: 27 or 28.
	let id = match v {
		27 | 28 => v - 27,
		_ => return Err(SignatureError::BadRecoveryId),
	};
	let mut out = *sig;
	out[64] = id;
	Ok(out)
}

/// Whether the signers recovered from a set of signatures (in the order given) carry a
/// committee's decision: at least `threshold` of them, strictly ascending, each a member.
/// `members` must be the current committee, strictly ascending.
pub fn check_signers(
	signers: &[EthAddress],
	members: &[EthAddress],
	threshold: u32,
) -> Result<(), SignatureError> {
	if members.is_empty() || threshold == 0 || threshold as usize > members.len() {
		return Err(SignatureError::BadCommittee);
	}
	if signers.len() < threshold as usize {
		return Err(SignatureError::TooFew { signatures: signers.len() as u32, threshold });
	}
	for (i, s) in signers.iter().enumerate() {
		if i > 0 && s <= &signers[i - 1] {
			return Err(SignatureError::NotAscending { index: i as u32 });
		}
		if members.binary_search(s).is_err() {
			return Err(SignatureError::NotMember { index: i as u32 });
		}
	}
	Ok(())
}

/// Whether `members` can be a committee with `threshold`: some members, strictly ascending (so
/// none repeated and none zero), and 1 ≤ `threshold` ≤ their count. The contract's rule.
pub fn valid_committee(members: &[EthAddress], threshold: u32) -> bool {
	!members.is_empty()
		&& threshold >= 1
		&& threshold as usize <= members.len()
		&& members[0] != [0u8; 20]
		&& members.windows(2).all(|w| w[0] < w[1])
}

/// `keccak256("Deposited(uint64,address,bytes32,uint256)")`: the first topic of the contract's
/// `Deposited(uint64 indexed nonce, address indexed from, bytes32 indexed recipient, uint256
/// amount)` event.
pub fn deposited_topic() -> [u8; 32] {
	keccak_256(b"Deposited(uint64,address,bytes32,uint256)")
}

/// An L1 deposit as the contract's `Deposited` event reports it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Deposited {
	pub nonce: u64,
	pub from: EthAddress,
	/// The recipient's 32-byte account id on this chain.
	pub recipient: [u8; 32],
	pub amount: u128,
}

/// Why a log is not a `Deposited` event this chain can mint.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DecodeError {
	/// Not four topics with the event's signature first, or data that is not one word.
	NotDeposited,
	/// A topic has bits set above its type's width (a `uint64` nonce, an `address`).
	BadPadding,
	/// The amount does not fit in 128 bits: more than OPEN's whole supply, so not a real deposit.
	AmountTooLarge,
}

/// Decodes a `Deposited` log from its topics and data, refusing anything the ABI encoder would
/// not have produced.
pub fn decode_deposited(topics: &[[u8; 32]], data: &[u8]) -> Result<Deposited, DecodeError> {
	let [signature, nonce, from, recipient] = topics else {
		return Err(DecodeError::NotDeposited);
	};
	if *signature != deposited_topic() || data.len() != 32 {
		return Err(DecodeError::NotDeposited);
	}
	if nonce[..24].iter().any(|&b| b != 0) || from[..12].iter().any(|&b| b != 0) {
		return Err(DecodeError::BadPadding);
	}
	if data[..16].iter().any(|&b| b != 0) {
		return Err(DecodeError::AmountTooLarge);
	}
	let mut n = [0u8; 8];
	n.copy_from_slice(&nonce[24..]);
	let mut a = [0u8; 20];
	a.copy_from_slice(&from[12..]);
	let mut amount = [0u8; 16];
	amount.copy_from_slice(&data[16..]);
	Ok(Deposited {
		nonce: u64::from_be_bytes(n),
		from: a,
		recipient: *recipient,
		amount: u128::from_be_bytes(amount),
	})
}

#[cfg(test)]
mod tests;
