//! Sets `SUBSTRATE_CLI_COMMIT_HASH`, which the workers print with `--full-version`.

fn main() {
	substrate_build_script_utils::generate_cargo_keys();
}
