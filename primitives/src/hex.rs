//! Hashes as hex text, the way the off-chain tools read and write them (`0x`-prefixed,
//! lowercase; the prefix is optional when reading).

use crate::merkle::Hash;
use alloc::string::String;

/// Why a text is not a 32-byte hash.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum HexError {
	/// A character is not a hex digit.
	NotHex,
	/// The text has this many digits, not 64.
	Length(usize),
}

/// Parses 32 bytes of hex, with or without `0x`.
pub fn parse_hash(text: &str) -> Result<Hash, HexError> {
	let digits = text.strip_prefix("0x").unwrap_or(text);
	if !digits.is_ascii() {
		return Err(HexError::NotHex);
	}
	if digits.len() != 64 {
		return Err(HexError::Length(digits.len()));
	}
	let mut out = [0u8; 32];
	for (i, byte) in out.iter_mut().enumerate() {
		*byte = u8::from_str_radix(&digits[2 * i..2 * i + 2], 16).map_err(|_| HexError::NotHex)?;
	}
	Ok(out)
}

/// `0x` followed by the bytes in lowercase hex.
pub fn to_hex(bytes: &[u8]) -> String {
	const DIGITS: &[u8; 16] = b"0123456789abcdef";
	let mut s = String::with_capacity(2 + 2 * bytes.len());
	s.push_str("0x");
	for b in bytes {
		s.push(DIGITS[(b >> 4) as usize] as char);
		s.push(DIGITS[(b & 0xf) as usize] as char);
	}
	s
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn round_trips_and_refuses() {
		let hash: Hash = core::array::from_fn(|i| (i * 9) as u8);
		let text = to_hex(&hash);
		assert_eq!(&text[..8], "0x000912");
		assert_eq!(parse_hash(&text), Ok(hash));
		assert_eq!(parse_hash(&text[2..]), Ok(hash));
		assert_eq!(parse_hash("0x12"), Err(HexError::Length(2)));
		assert_eq!(parse_hash(&"g".repeat(64)), Err(HexError::NotHex));
		assert_eq!(parse_hash(&"é".repeat(32)), Err(HexError::NotHex));
	}
}
