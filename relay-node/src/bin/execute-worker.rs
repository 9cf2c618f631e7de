//! The PVF execute worker: a validator spawns it to run a parachain block's validation. Its
//! version is the node's own (`polkadot_cli::NODE_VERSION`), which the node checks at start.

polkadot_node_core_pvf_common::decl_worker_main!(
	"execute-worker",
	polkadot_node_core_pvf_execute_worker::worker_entrypoint,
	polkadot_cli::NODE_VERSION,
	env!("SUBSTRATE_CLI_COMMIT_HASH"),
);
