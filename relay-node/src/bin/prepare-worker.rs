//! The PVF prepare worker: a validator spawns it to compile a parachain's validation code. Its
//! version is the node's own (`polkadot_cli::NODE_VERSION`), which the node checks at start.

polkadot_node_core_pvf_common::decl_worker_main!(
	"prepare-worker",
	polkadot_node_core_pvf_prepare_worker::worker_entrypoint,
	polkadot_cli::NODE_VERSION,
	env!("SUBSTRATE_CLI_COMMIT_HASH"),
);
