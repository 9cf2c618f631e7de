use super::*;
use sp_core::{ecdsa, Pair};

fn hex(h: &[u8]) -> alloc::string::String {
	h.iter().map(|b| alloc::format!("{b:02x}")).collect()
}

/// The vector `contracts/test/Digest.t.sol` pins too: the contract at this address on chain 1,
/// for this genesis, computes the same digests.
fn domain() -> Domain {
	Domain { chain_id: 1, contract: [0x11; 20], genesis: [0x22; 32] }
}

#[test]
fn digests_match_the_contracts() {
	let w = Withdrawal { nonce: 7, recipient: [0x33; 20], amount: 5_000_000_000_000_000_000 };
	assert_eq!(
		hex(&withdrawal_digest(&domain(), &w)),
		"9f55b58d392f3d514e40e3091d964e9656a4a434d90c722ab37205b72b527702"
	);
	let members = [[0x44; 20], [0x55; 20], [0x66; 20]];
	assert_eq!(
		hex(&rotation_digest(&domain(), 3, &members, 2)),
		"cb1d3fefc397a910b4b166a2ae31b2488dd059ad68d75ad8f1c1c504c6497cfa"
	);
}

#[test]
fn every_field_changes_the_digest() {
	let d = domain();
	let w = Withdrawal { nonce: 7, recipient: [0x33; 20], amount: 1 };
	let base = withdrawal_digest(&d, &w);
	let others = [
		withdrawal_digest(&Domain { chain_id: 2, ..d }, &w),
		withdrawal_digest(&Domain { contract: [0x12; 20], ..d }, &w),
		withdrawal_digest(&Domain { genesis: [0x23; 32], ..d }, &w),
		withdrawal_digest(&d, &Withdrawal { nonce: 8, ..w }),
		withdrawal_digest(&d, &Withdrawal { recipient: [0x34; 20], ..w }),
		withdrawal_digest(&d, &Withdrawal { amount: 2, ..w }),
	];
	for (i, o) in others.iter().enumerate() {
		assert_ne!(&base, o, "field {i} does not change the digest");
	}
	assert_ne!(rotation_digest(&d, 0, &[[1; 20]], 1), rotation_digest(&d, 1, &[[1; 20]], 1));
}

/// A signature as the relayer makes it (`r ‖ s ‖ v` with v = 27 or 28) and the address that
/// made it.
fn sign(seed: u8, digest: &[u8; 32]) -> ([u8; 65], EthAddress) {
	let pair = ecdsa::Pair::from_seed(&[seed; 32]);
	let mut sig = pair.sign_prehashed(digest).0;
	sig[64] += 27;
	(sig, recover(&sig, digest).expect("a fresh signature recovers"))
}

fn recover(sig: &[u8; 65], digest: &[u8; 32]) -> Result<EthAddress, SignatureError> {
	let sig = normalise(sig)?;
	sp_io::crypto::secp256k1_ecdsa_recover(&sig, digest)
		.map(|p| address_of(&p))
		.map_err(|_| SignatureError::Unrecoverable)
}

#[test]
fn the_address_of_private_key_one() {
	// The well-known address of the secret key 1.
	let pair = ecdsa::Pair::from_seed(&{
		let mut k = [0u8; 32];
		k[31] = 1;
		k
	});
	let digest = [9u8; 32];
	let mut sig = pair.sign_prehashed(&digest).0;
	sig[64] += 27;
	assert_eq!(hex(&recover(&sig, &digest).unwrap()), "7e5f4552091a69125d5dfcb7b8c2659029395bdf");
}

#[test]
fn malleated_and_malformed_signatures_are_refused() {
	let digest =
		withdrawal_digest(&domain(), &Withdrawal { nonce: 1, recipient: [3; 20], amount: 9 });
	let (sig, signer) = sign(1, &digest);
	assert_eq!(recover(&sig, &digest), Ok(signer));
	// (r, n - s, v ^ 1) recovers the same address: refused for its high s.
	let n: [u8; 32] = [
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36,
		0x41, 0x41,
	];
	let mut twin = sig;
	let mut borrow = 0i16;
	for i in (0..32).rev() {
		let d = n[i] as i16 - sig[32 + i] as i16 - borrow;
		twin[32 + i] = d.rem_euclid(256) as u8;
		borrow = (d < 0) as i16;
	}
	twin[64] = if sig[64] == 27 { 28 } else { 27 };
	assert_eq!(normalise(&twin), Err(SignatureError::HighS));
	let mut bad_v = sig;
	bad_v[64] = 29;
	assert_eq!(normalise(&bad_v), Err(SignatureError::BadRecoveryId));
	bad_v[64] = 0;
	assert_eq!(normalise(&bad_v), Err(SignatureError::BadRecoveryId));
	let mut zero_r = sig;
	zero_r[..32].fill(0);
	assert_eq!(normalise(&zero_r), Err(SignatureError::Zero));
	// Half the order itself is still low.
	let mut edge = sig;
	edge[32..64].copy_from_slice(&HALF_ORDER);
	assert!(normalise(&edge).is_ok());
}

#[test]
fn signer_sets() {
	let digest = [7u8; 32];
	let mut keys: alloc::vec::Vec<(u8, EthAddress)> =
		(1..=6).map(|s| (s, sign(s, &digest).1)).collect();
	keys.sort_by_key(|k| k.1);
	let members: alloc::vec::Vec<EthAddress> = keys[..5].iter().map(|k| k.1).collect();
	let outsider = keys[5].1;
	assert_eq!(check_signers(&members[..3], &members, 3), Ok(()));
	assert_eq!(check_signers(&members, &members, 3), Ok(()));
	assert_eq!(
		check_signers(&members[..2], &members, 3),
		Err(SignatureError::TooFew { signatures: 2, threshold: 3 })
	);
	assert_eq!(
		check_signers(&[members[0], members[0], members[1]], &members, 3),
		Err(SignatureError::NotAscending { index: 1 })
	);
	assert_eq!(
		check_signers(&[members[1], members[0], members[2]], &members, 3),
		Err(SignatureError::NotAscending { index: 1 })
	);
	let mut with_outsider = alloc::vec![members[0], members[1], outsider];
	with_outsider.sort();
	let at = with_outsider.iter().position(|a| *a == outsider).unwrap() as u32;
	assert_eq!(
		check_signers(&with_outsider, &members, 3),
		Err(SignatureError::NotMember { index: at })
	);
	assert_eq!(check_signers(&members[..3], &[], 0), Err(SignatureError::BadCommittee));
	assert_eq!(check_signers(&members[..3], &members, 0), Err(SignatureError::BadCommittee));
	assert_eq!(check_signers(&members[..3], &members, 6), Err(SignatureError::BadCommittee));
}

#[test]
fn committees() {
	assert!(valid_committee(&[[1; 20], [2; 20]], 2));
	assert!(!valid_committee(&[], 0));
	assert!(!valid_committee(&[[1; 20]], 0));
	assert!(!valid_committee(&[[1; 20]], 2));
	assert!(!valid_committee(&[[0; 20], [2; 20]], 1));
	assert!(!valid_committee(&[[2; 20], [2; 20]], 1));
	assert!(!valid_committee(&[[2; 20], [1; 20]], 1));
}

/// The topic the contract emits (`forge inspect OpenBridge events`), and a log encoded as the
/// ABI encodes it decodes; anything the encoder would not produce is refused.
#[test]
fn deposited_logs_decode_and_malformed_ones_are_refused() {
	assert_eq!(
		hex(&deposited_topic()),
		"2edcf8d2338a88f5f9226296949c5098b4c3d2d1e81bd2523f378f0ea7984100"
	);
	let word = |bytes: &[u8]| {
		let mut w = [0u8; 32];
		w[32 - bytes.len()..].copy_from_slice(bytes);
		w
	};
	let topics = [deposited_topic(), word(&9u64.to_be_bytes()), word(&[0xAB; 20]), [0x77; 32]];
	let data = word(&(5u128 * 10u128.pow(18)).to_be_bytes());
	assert_eq!(
		decode_deposited(&topics, &data),
		Ok(Deposited {
			nonce: 9,
			from: [0xAB; 20],
			recipient: [0x77; 32],
			amount: 5 * 10u128.pow(18)
		})
	);
	let mut other = topics;
	other[0][0] ^= 1;
	assert_eq!(decode_deposited(&other, &data), Err(DecodeError::NotDeposited));
	assert_eq!(decode_deposited(&topics[..3], &data), Err(DecodeError::NotDeposited));
	assert_eq!(decode_deposited(&topics, &data[..31]), Err(DecodeError::NotDeposited));
	let mut wide_nonce = topics;
	wide_nonce[1][23] = 1;
	assert_eq!(decode_deposited(&wide_nonce, &data), Err(DecodeError::BadPadding));
	let mut wide_from = topics;
	wide_from[2][0] = 1;
	assert_eq!(decode_deposited(&wide_from, &data), Err(DecodeError::BadPadding));
	let mut huge = data;
	huge[15] = 1;
	assert_eq!(decode_deposited(&topics, &huge), Err(DecodeError::AmountTooLarge));
}
