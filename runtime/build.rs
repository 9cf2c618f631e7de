//! Builds the runtime to wasm (through `substrate-wasm-builder`) so the node can embed it in its
//! chain specs. Without `std` (inside the wasm build itself) there is nothing to do.
//!
//! A second blob is built from the same source with `increment-spec-version`: the runtime of the
//! next release as far as a relay chain and `system.set_code` can tell (its `spec_version` is one
//! higher, nothing else differs). The network test `zombienet/upgrade.test.mjs` enacts it through
//! a referendum on a live network. It lands next to the first as
//! `wbuild/openledger-runtime/wasm_binary_spec_version_incremented.rs.compact.compressed.wasm`;
//! only the runtime crate itself is compiled twice, its dependencies once.

#[cfg(feature = "std")]
fn main() {
	#[cfg(not(feature = "metadata-hash"))]
	{
		substrate_wasm_builder::WasmBuilder::build_using_defaults();
		substrate_wasm_builder::WasmBuilder::init_with_defaults()
			.enable_feature("increment-spec-version")
			.set_file_name("wasm_binary_spec_version_incremented.rs")
			.build();
	}

	// `CheckMetadataHash` signs over this hash; "OPEN" and 18 match the chain spec properties.
	#[cfg(feature = "metadata-hash")]
	{
		substrate_wasm_builder::WasmBuilder::init_with_defaults()
			.enable_metadata_hash("OPEN", 18)
			.build();
		substrate_wasm_builder::WasmBuilder::init_with_defaults()
			.enable_metadata_hash("OPEN", 18)
			.enable_feature("increment-spec-version")
			.set_file_name("wasm_binary_spec_version_incremented.rs")
			.build();
	}
}

#[cfg(not(feature = "std"))]
fn main() {}
