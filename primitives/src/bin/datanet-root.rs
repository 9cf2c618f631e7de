//! `datanet-root`: computes a Datanet version's Merkle root off-chain with the same code the
//! runtime runs, so anyone can check the root a version records on chain.
//!
//! Reads one accepted contribution per line from standard input, in any order:
//!
//! ```text
//! <id> <contributor 0x..32 bytes> <content hash 0x..> <embedding hash 0x..> <label>
//! ```
//!
//! and prints the root as `0x`-hex. With `--proof <id>` it prints the Merkle proof of that item
//! instead: `leaf_index leaf_count` on the first line, then one sibling hash per line.
//! Blank lines and lines starting with `#` are skipped. A bad line is reported with its number
//! and the tool exits with status 2.

use openledger_primitives::{
	datanet::{version_proof, version_root, ContributionLeaf},
	hex::{parse_hash, to_hex, HexError},
};
use std::io::Read;

fn hex32(field: &str, what: &str) -> Result<[u8; 32], String> {
	parse_hash(field).map_err(|e| match e {
		HexError::NotHex => format!("{what} is not hex: {field}"),
		HexError::Length(n) => format!("{what} must be 32 bytes of hex, got {n} hex digits"),
	})
}

fn parse_line(line: &str) -> Result<ContributionLeaf<[u8; 32]>, String> {
	let fields: Vec<&str> = line.split_whitespace().collect();
	let [id, contributor, content, embedding, label] = fields[..] else {
		return Err(format!(
			"expected 5 fields (id contributor content embedding label), got {}",
			fields.len()
		));
	};
	Ok(ContributionLeaf {
		id: id.parse().map_err(|_| format!("id is not a u64: {id}"))?,
		contributor: hex32(contributor, "contributor")?,
		content_hash: hex32(content, "content hash")?,
		embedding_hash: hex32(embedding, "embedding hash")?,
		label: label.parse().map_err(|_| format!("label is not a u32: {label}"))?,
	})
}

fn parse(input: &str) -> Result<Vec<ContributionLeaf<[u8; 32]>>, String> {
	let mut leaves = Vec::new();
	for (n, line) in input.lines().enumerate() {
		let line = line.trim();
		if line.is_empty() || line.starts_with('#') {
			continue;
		}
		leaves.push(parse_line(line).map_err(|e| format!("line {}: {e}", n + 1))?);
	}
	Ok(leaves)
}

fn run(args: &[String], input: &str) -> Result<String, String> {
	let proof_of = match args {
		[] => None,
		[flag, id] if flag == "--proof" => Some(
			id.parse::<u64>().map_err(|_| format!("--proof takes a contribution id, got {id}"))?,
		),
		_ => return Err("usage: datanet-root [--proof <id>] < leaves.txt".into()),
	};
	let mut leaves = parse(input)?;
	match proof_of {
		None => Ok(to_hex(&version_root(&mut leaves))),
		Some(id) => {
			let proof = version_proof(&mut leaves, id)
				.ok_or_else(|| format!("contribution {id} is not among the leaves"))?;
			let mut out = format!("{} {}", proof.leaf_index, proof.leaf_count);
			for sibling in &proof.siblings {
				out.push('\n');
				out.push_str(&to_hex(sibling));
			}
			Ok(out)
		},
	}
}

fn main() {
	let args: Vec<String> = std::env::args().skip(1).collect();
	let mut input = String::new();
	if let Err(e) = std::io::stdin().read_to_string(&mut input) {
		eprintln!("datanet-root: cannot read standard input: {e}");
		std::process::exit(2);
	}
	match run(&args, &input) {
		Ok(out) => println!("{out}"),
		Err(e) => {
			eprintln!("datanet-root: {e}");
			std::process::exit(2);
		},
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const A: &str = "0x0101010101010101010101010101010101010101010101010101010101010101";

	#[test]
	fn root_of_lines_matches_the_library() {
		let input = format!("# two items\n7 {A} {A} {A} 1\n\n3 {A} {A} {A} 0\n");
		let mut leaves = parse(&input).unwrap();
		assert_eq!(run(&[], &input).unwrap(), to_hex(&version_root(&mut leaves)));
	}

	#[test]
	fn proof_lines() {
		let input = format!("7 {A} {A} {A} 1\n3 {A} {A} {A} 0\n");
		let out = run(&["--proof".into(), "7".into()], &input).unwrap();
		let lines: Vec<&str> = out.lines().collect();
		assert_eq!(lines[0], "1 2");
		assert_eq!(lines.len(), 2);
	}

	#[test]
	fn bad_input_is_reported_with_its_line() {
		let err = run(&[], &format!("1 {A} {A} {A} 0\n2 0x12 {A} {A} 0\n")).unwrap_err();
		assert!(err.starts_with("line 2: contributor must be 32 bytes"), "{err}");
		assert!(run(&[], "x y\n").unwrap_err().contains("expected 5 fields"));
		let multibyte = "é".repeat(32);
		assert!(run(&[], &format!("1 {multibyte} {A} {A} 0\n")).unwrap_err().contains("not hex"));
		assert!(run(&["--proof".into(), "9".into()], &format!("1 {A} {A} {A} 0\n"))
			.unwrap_err()
			.contains("not among the leaves"));
		assert!(run(&["--bogus".into()], "").unwrap_err().starts_with("usage"));
	}
}
