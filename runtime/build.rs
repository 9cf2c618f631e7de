//! Builds the runtime to wasm (through `substrate-wasm-builder`) so the node can embed it in its
//! chain specs. Without `std` (inside the wasm build itself) there is nothing to do.

#[cfg(feature = "std")]
fn main() {
	#[cfg(not(feature = "metadata-hash"))]
	substrate_wasm_builder::WasmBuilder::build_using_defaults();

	// `CheckMetadataHash` signs over this hash; "OPEN" and 18 match the chain spec properties.
	#[cfg(feature = "metadata-hash")]
	substrate_wasm_builder::WasmBuilder::init_with_defaults()
		.enable_metadata_hash("OPEN", 18)
		.build();
}

#[cfg(not(feature = "std"))]
fn main() {}
