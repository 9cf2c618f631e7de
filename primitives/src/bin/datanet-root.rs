//! `datanet-root`: computes a Datanet version's root and proofs off-chain with the same code the
//! runtime runs, so anyone can check what a version records on chain (docs/datanets.md).
//!
//! Reads one accepted file per line from standard input, **in acceptance order** (the order of
//! the version's file tree):
//!
//! ```text
//! <file id> <contributor 0x..32 bytes> <content hash 0x..> <item root 0x..> <item count>
//! ```
//!
//! and prints `<root> <file count> <item count>`: what the version commits to. With
//! `--proof <position>` it prints the proof of that file's leaf instead: the leaf's `first`
//! index, then `leaf_index leaf_count`, then one sibling hash per line. With `--items` it reads
//! one item per line, `<embedding hash 0x..> <label>`, and prints the file's item root.
//! Blank lines and lines starting with `#` are skipped. A bad line is reported with its number
//! and the tool exits with status 2.

use openledger_primitives::{
	datanet::file::{item_root, lay_out, ItemLeaf, VersionFiles},
	hex::{parse_hash, to_hex, HexError},
};
use std::io::Read;

type File = (u64, [u8; 32], [u8; 32], [u8; 32], u32);

fn hex32(field: &str, what: &str) -> Result<[u8; 32], String> {
	parse_hash(field).map_err(|e| match e {
		HexError::NotHex => format!("{what} is not hex: {field}"),
		HexError::Length(n) => format!("{what} must be 32 bytes of hex, got {n} hex digits"),
	})
}

fn parse_file(line: &str) -> Result<File, String> {
	let fields: Vec<&str> = line.split_whitespace().collect();
	let [id, contributor, content, root, count] = fields[..] else {
		return Err(format!(
			"expected 5 fields (id contributor content item-root item-count), got {}",
			fields.len()
		));
	};
	Ok((
		id.parse().map_err(|_| format!("id is not a u64: {id}"))?,
		hex32(contributor, "contributor")?,
		hex32(content, "content hash")?,
		hex32(root, "item root")?,
		count.parse().map_err(|_| format!("item count is not a u32: {count}"))?,
	))
}

fn parse_item(line: &str) -> Result<ItemLeaf, String> {
	let fields: Vec<&str> = line.split_whitespace().collect();
	let [embedding, label] = fields[..] else {
		return Err(format!("expected 2 fields (embedding-hash label), got {}", fields.len()));
	};
	Ok(ItemLeaf {
		embedding_hash: hex32(embedding, "embedding hash")?,
		label: label.parse().map_err(|_| format!("label is not a u32: {label}"))?,
	})
}

fn parse<T>(input: &str, line: impl Fn(&str) -> Result<T, String>) -> Result<Vec<T>, String> {
	let mut out = Vec::new();
	for (n, text) in input.lines().enumerate() {
		let text = text.trim();
		if text.is_empty() || text.starts_with('#') {
			continue;
		}
		out.push(line(text).map_err(|e| format!("line {}: {e}", n + 1))?);
	}
	Ok(out)
}

fn version(input: &str) -> Result<VersionFiles<[u8; 32]>, String> {
	let leaves = lay_out(parse(input, parse_file)?).ok_or("the item counts overflow u32")?;
	VersionFiles::new(leaves).map_err(|e| format!("not a version: {e:?}"))
}

fn run(args: &[String], input: &str) -> Result<String, String> {
	match args {
		[] => {
			let c = version(input)?.commitment();
			Ok(format!("{} {} {}", to_hex(&c.root), c.file_count, c.item_count))
		},
		[flag] if flag == "--items" => Ok(to_hex(&item_root(&parse(input, parse_item)?))),
		[flag, position] if flag == "--proof" => {
			let position: usize = position
				.parse()
				.map_err(|_| format!("--proof takes a file position, got {position}"))?;
			let v = version(input)?;
			let file =
				v.files().get(position).ok_or_else(|| format!("no file at position {position}"))?;
			let first = file.first;
			let proof = v.file_proof(position).ok_or("no proof")?;
			let mut out = format!("{first}\n{} {}", proof.leaf_index, proof.leaf_count);
			for sibling in &proof.siblings {
				out.push('\n');
				out.push_str(&to_hex(sibling));
			}
			Ok(out)
		},
		_ => Err("usage: datanet-root [--proof <position> | --items] < lines.txt".into()),
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
		let input = format!("# two files\n7 {A} {A} {A} 3\n\n3 {A} {A} {A} 2\n");
		let leaves =
			lay_out([(7, [1u8; 32], [1; 32], [1; 32], 3), (3, [1u8; 32], [1; 32], [1; 32], 2)])
				.unwrap();
		let root = VersionFiles::new(leaves).unwrap().commitment().root;
		assert_eq!(run(&[], &input).unwrap(), format!("{} 2 5", to_hex(&root)));
	}

	#[test]
	fn item_roots_and_proof_lines() {
		let items = run(&["--items".into()], &format!("{A} 1\n{A} 2\n")).unwrap();
		let expected = item_root(&[
			ItemLeaf { embedding_hash: [1; 32], label: 1 },
			ItemLeaf { embedding_hash: [1; 32], label: 2 },
		]);
		assert_eq!(items, to_hex(&expected));
		let input = format!("7 {A} {A} {A} 3\n3 {A} {A} {A} 2\n");
		let out = run(&["--proof".into(), "1".into()], &input).unwrap();
		let lines: Vec<&str> = out.lines().collect();
		assert_eq!(lines[..2], ["3", "1 2"]);
		assert_eq!(lines.len(), 3);
	}

	#[test]
	fn bad_input_is_reported_with_its_line() {
		let err = run(&[], &format!("1 {A} {A} {A} 0\n2 0x12 {A} {A} 0\n")).unwrap_err();
		assert!(err.starts_with("line 2: contributor must be 32 bytes"), "{err}");
		assert!(run(&[], "x y\n").unwrap_err().contains("expected 5 fields"));
		let multibyte = "é".repeat(32);
		assert!(run(&[], &format!("1 {multibyte} {A} {A} 0\n")).unwrap_err().contains("not hex"));
		assert!(run(&["--proof".into(), "9".into()], &format!("1 {A} {A} {A} 1\n"))
			.unwrap_err()
			.contains("no file at position 9"));
		assert!(run(&["--items".into()], "0x00 1\n").unwrap_err().contains("embedding hash"));
		assert!(run(&["--bogus".into()], "").unwrap_err().starts_with("usage"));
	}
}
