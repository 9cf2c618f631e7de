//! `polkadot`: the relay-chain node of our polkadot-sdk release, for local networks of validators
//! that our collators attach to (zombienet/). All of it is `polkadot-cli`; this crate only builds
//! it, with the rococo-local runtime, next to the two PVF workers it needs to validate.

fn main() {
	if let Err(err) = polkadot_cli::run() {
		eprintln!("Error: {err}");
		std::process::exit(1);
	}
}
