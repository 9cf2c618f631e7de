//! The pallets whose benchmarks run in this runtime (`runtime-benchmarks` builds only).
//! `docs/BENCHMARKS.md` has the command that runs them and writes their `weights.rs`.

frame_benchmarking::define_benchmarks!(
	[pallet_balances, Balances]
	[pallet_attribution, Attribution]
	[pallet_datanets, Datanets]
	[pallet_models, Models]
	[pallet_reputation, Reputation]
	[pallet_rewards, Rewards]
	[pallet_bridge, Bridge]
);
