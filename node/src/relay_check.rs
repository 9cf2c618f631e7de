//! Before the node starts against a relay chain: does that relay chain register this parachain,
//! under this para id, with this genesis?
//!
//! A collator whose chain spec does not match the relay chain's registration produces nothing:
//! the relay chain schedules no core for an unknown para id, and for a known one it names a
//! genesis head the collator does not have. cumulus logs at most a warning and keeps running, so
//! this check refuses to start instead, with both sides' values.
//!
//! What can be checked before syncing is the relay chain's genesis, which is where a local or test
//! relay chain (zombienet, `rococo-local`) registers its parachains. A relay chain spec without
//! parachains in its genesis (Polkadot, Kusama, Paseo: parachains are registered later, by
//! extrinsic) or given by name rather than as a raw file is not checked here.

use codec::{Decode, Encode};
use openledger_runtime::opaque::Block;
use polkadot_omni_node_lib::chain_spec::{ChainSpec, Extensions};
use sc_chain_spec::{construct_genesis_block, resolve_state_version_from_wasm};
use sc_executor::WasmExecutor;
use sp_core::storage::well_known_keys;
use sp_crypto_hashing::{blake2_256, twox_128, twox_64};
use sp_runtime::traits::{Block as BlockT, Hash as HashT, HashingFor};

/// This parachain as a relay chain registers it: its para id, genesis head and code.
#[derive(Debug)]
pub struct Genesis {
	pub para_id: u32,
	/// The SCALE-encoded genesis header (what `export-genesis-head` prints).
	pub head: Vec<u8>,
	/// blake2-256 of the genesis `:code` (the relay chain's `ValidationCodeHash`).
	pub code_hash: [u8; 32],
}

/// What the relay chain's genesis says of this parachain, when it passes.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
	/// Registered in the relay chain's genesis with this para id, head and code.
	Registered,
	/// The relay chain spec is not raw, or its genesis registers no parachain at all: there is
	/// nothing to check before syncing.
	NotCheckable,
}

/// Builds this chain spec's genesis block as the node would, to learn what a relay chain must
/// have registered for it.
pub fn genesis_of(spec: &dyn ChainSpec) -> Result<Genesis, String> {
	let storage = spec.as_storage_builder().build_storage()?;
	let code = storage
		.top
		.get(well_known_keys::CODE)
		.ok_or("the chain spec's genesis has no runtime code (`:code`)")?;
	// The runtime's own para id (`parachainInfo`), which is what its blocks carry; the chain
	// spec's `para_id` extension when the genesis has none.
	let para_id = match storage.top.get(&parachain_info_key()) {
		Some(raw) => u32::decode(&mut &raw[..])
			.map_err(|e| format!("the genesis `parachainInfo.parachainId` does not decode: {e}"))?,
		None => Extensions::try_get(spec)
			.and_then(|e| e.para_id())
			.ok_or("the chain spec names no para id (neither `parachainInfo` nor `para_id`)")?,
	};
	let executor = WasmExecutor::<sp_io::SubstrateHostFunctions>::builder()
		.with_allow_missing_host_functions(true)
		.build();
	let version = resolve_state_version_from_wasm::<_, HashingFor<Block>>(&storage, &executor)
		.map_err(|e| format!("reading the genesis runtime's version: {e}"))?;
	let child_roots = storage.children_default.values().map(|child| {
		let root =
			HashingFor::<Block>::trie_root(child.data.clone().into_iter().collect(), version);
		(child.child_info.prefixed_storage_key().into_inner(), root.encode())
	});
	let state_root = HashingFor::<Block>::trie_root(
		storage.top.clone().into_iter().chain(child_roots).collect(),
		version,
	);
	let block = construct_genesis_block::<Block>(state_root, version);
	Ok(Genesis { para_id, head: block.header().encode(), code_hash: blake2_256(code) })
}

/// Compares `genesis` with what the relay chain spec `relay` registers in its genesis. An error
/// says what differs, on both sides, and what to do.
pub fn check(genesis: &Genesis, relay: &serde_json::Value) -> Result<Verdict, String> {
	let Some(top) = relay.pointer("/genesis/raw/top").and_then(|t| t.as_object()) else {
		return Ok(Verdict::NotCheckable);
	};
	let heads_prefix = format!("0x{}", hex(&paras_prefix(b"Heads")));
	let mut registered = Vec::new();
	for (key, value) in top {
		let Some(tail) = key.strip_prefix(&heads_prefix) else { continue };
		// twox64 of the id, then the id itself (Twox64Concat).
		let id = unhex(tail)
			.ok()
			.filter(|t| t.len() == 12)
			.and_then(|t| u32::decode(&mut &t[8..]).ok())
			.ok_or_else(|| {
				format!("the relay chain spec has a malformed `Paras::Heads` key {key}")
			})?;
		registered.push((id, value));
	}
	if registered.is_empty() {
		return Ok(Verdict::NotCheckable);
	}
	registered.sort_by_key(|(id, _)| *id);
	let ours = blake2_256(&genesis.head);
	let Some((_, value)) = registered.iter().find(|(id, _)| *id == genesis.para_id) else {
		let ids: Vec<String> = registered.iter().map(|(id, _)| id.to_string()).collect();
		return Err(format!(
			"para id {} is not registered in the relay chain's genesis, which registers para id {}: \
			 this node would produce nothing. Start it with the chain spec of a registered parachain \
			 (its para id is `para_id` and `parachainInfo.parachainId` in the spec), or register \
			 para {} on the relay chain.",
			genesis.para_id,
			ids.join(", "),
			genesis.para_id,
		));
	};
	let relay_head = value
		.as_str()
		.and_then(|v| unhex(v).ok())
		.and_then(|raw| Vec::<u8>::decode(&mut &raw[..]).ok())
		.ok_or_else(|| {
			format!(
				"the relay chain spec's genesis head for para {} does not decode",
				genesis.para_id
			)
		})?;
	if relay_head != genesis.head {
		return Err(format!(
			"the relay chain registers para {} with genesis block 0x{}, but this chain spec's genesis \
			 block is 0x{}: it is another chain's spec, or the same chain built with another genesis \
			 (runtime, preset or para id). Start the node with the chain spec that was registered, \
			 or register this one (`openledger-node export-genesis-head` and `export-genesis-wasm` \
			 with the same --chain).",
			genesis.para_id,
			hex(&blake2_256(&relay_head)),
			hex(&ours),
		));
	}
	let code_key =
		format!("0x{}{}", hex(&paras_prefix(b"CurrentCodeHash")), hex(&id_suffix(genesis.para_id)));
	if let Some(code) = top.get(&code_key).and_then(|v| v.as_str()) {
		let relay_code = unhex(code).map_err(|e| format!("the relay chain's code hash: {e}"))?;
		if relay_code != genesis.code_hash {
			return Err(format!(
				"the relay chain registers para {} with validation code 0x{}, but this chain spec's \
				 genesis code hashes to 0x{}: register the code of this spec \
				 (`openledger-node export-genesis-wasm`) or start with the registered spec.",
				genesis.para_id,
				hex(&relay_code),
				hex(&genesis.code_hash),
			));
		}
	}
	Ok(Verdict::Registered)
}

/// The `--chain` value among the relay chain's arguments (those after `--`), if any.
pub fn relay_chain_arg(args: &[String]) -> Option<&str> {
	let mut it = args.iter();
	while let Some(arg) = it.next() {
		if arg == "--chain" {
			return it.next().map(String::as_str);
		}
		if let Some(value) = arg.strip_prefix("--chain=") {
			return Some(value);
		}
	}
	None
}

fn parachain_info_key() -> Vec<u8> {
	[twox_128(b"ParachainInfo"), twox_128(b"ParachainId")].concat()
}

fn paras_prefix(item: &[u8]) -> Vec<u8> {
	[twox_128(b"Paras"), twox_128(item)].concat()
}

fn id_suffix(id: u32) -> Vec<u8> {
	let id = id.encode();
	[twox_64(&id).to_vec(), id].concat()
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Result<Vec<u8>, String> {
	sp_core::bytes::from_hex(s).map_err(|e| format!("bad hex {s}: {e}"))
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::chain_spec::Loader;
	use polkadot_omni_node_lib::chain_spec::LoadSpec;
	use serde_json::json;

	fn local() -> Genesis {
		genesis_of(&*Loader.load_spec("local").expect("built in")).expect("genesis builds")
	}

	/// A raw relay chain spec whose genesis registers `paras` (id, head, code hash).
	fn relay(paras: &[(u32, &[u8], [u8; 32])]) -> serde_json::Value {
		let mut top = serde_json::Map::new();
		top.insert("0x3a636f6465".into(), json!("0x00"));
		for (id, head, code) in paras {
			let suffix = hex(&id_suffix(*id));
			top.insert(
				format!("0x{}{suffix}", hex(&paras_prefix(b"Heads"))),
				json!(format!("0x{}", hex(&head.to_vec().encode()))),
			);
			top.insert(
				format!("0x{}{suffix}", hex(&paras_prefix(b"CurrentCodeHash"))),
				json!(format!("0x{}", hex(code))),
			);
		}
		json!({ "genesis": { "raw": { "top": top, "childrenDefault": {} } } })
	}

	#[test]
	fn the_registered_genesis_passes() {
		let g = local();
		assert_eq!(g.para_id, openledger_runtime::PARACHAIN_ID);
		assert_eq!(
			check(&g, &relay(&[(1000, b"x", [1; 32]), (g.para_id, &g.head, g.code_hash)])),
			Ok(Verdict::Registered)
		);
	}

	#[test]
	fn another_para_id_is_refused_naming_the_registered_ones() {
		let g = local();
		let err = check(&g, &relay(&[(2001, &g.head, g.code_hash)])).unwrap_err();
		assert!(
			err.contains("para id 2000 is not registered")
				&& err.contains("registers para id 2001"),
			"{err}"
		);
	}

	#[test]
	fn another_genesis_is_refused_with_both_hashes() {
		let g = local();
		let dev = genesis_of(&*Loader.load_spec("dev").expect("built in")).expect("genesis builds");
		// Same runtime and para id, other preset: another genesis state.
		assert_eq!((dev.para_id, dev.code_hash), (g.para_id, g.code_hash));
		assert_ne!(dev.head, g.head);
		let err = check(&g, &relay(&[(g.para_id, &dev.head, dev.code_hash)])).unwrap_err();
		assert!(
			err.contains(&hex(&blake2_256(&dev.head))) && err.contains(&hex(&blake2_256(&g.head))),
			"{err}"
		);
	}

	#[test]
	fn other_code_is_refused() {
		let g = local();
		let err = check(&g, &relay(&[(g.para_id, &g.head, [7; 32])])).unwrap_err();
		assert!(err.contains("validation code"), "{err}");
	}

	#[test]
	fn a_relay_genesis_without_parachains_or_not_raw_is_not_checkable() {
		let g = local();
		assert_eq!(check(&g, &relay(&[])), Ok(Verdict::NotCheckable));
		assert_eq!(
			check(&g, &json!({ "genesis": { "runtimeGenesis": {} } })),
			Ok(Verdict::NotCheckable)
		);
	}

	#[test]
	fn the_relay_chain_argument_is_found_in_both_spellings() {
		let args = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
		assert_eq!(relay_chain_arg(&args(&["--port", "1", "--chain", "r.json"])), Some("r.json"));
		assert_eq!(relay_chain_arg(&args(&["--chain=r.json"])), Some("r.json"));
		assert_eq!(relay_chain_arg(&args(&["--port", "1"])), None);
	}
}
