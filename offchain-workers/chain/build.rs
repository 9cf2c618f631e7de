// The daemon's client types are generated from `metadata/openledger.scale` by subxt's macro,
// which cargo does not know reads that file: rebuild when it changes.
fn main() {
	println!("cargo:rerun-if-changed=metadata/openledger.scale");
}
