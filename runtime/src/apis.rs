//! Runtime APIs: what the node (block production, collation, transaction pool) and polkadot.js
//! (metadata, nonces, fee estimates, genesis presets) call into the runtime for.

use alloc::vec::Vec;
use frame_support::{
	genesis_builder_helper::{build_state, get_preset},
	traits::Get,
	weights::Weight,
};
use pallet_aura::Authorities;
use sp_api::impl_runtime_apis;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
	traits::Block as BlockT,
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult, ExtrinsicInclusionMode,
};
use sp_session::OpaqueGeneratedSessionKeys;
use sp_version::RuntimeVersion;

use crate::{
	genesis_config_presets, AccountId, Balance, Block, BlockNumber, ConsensusHook, Executive,
	InherentDataExt, Nonce, ParachainInfo, ParachainSystem, Runtime as R, Runtime, RuntimeCall,
	RuntimeGenesisConfig, SessionKeys, System, TransactionPayment, SLOT_DURATION, VERSION,
};

impl_runtime_apis! {
	impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {
		fn slot_duration() -> sp_consensus_aura::SlotDuration {
			sp_consensus_aura::SlotDuration::from_millis(SLOT_DURATION)
		}

		fn authorities() -> Vec<AuraId> {
			Authorities::<Runtime>::get().into_inner()
		}
	}

	impl cumulus_primitives_aura::AuraUnincludedSegmentApi<Block> for Runtime {
		fn can_build_upon(
			included_hash: <Block as BlockT>::Hash,
			slot: cumulus_primitives_aura::Slot,
		) -> bool {
			ConsensusHook::can_build_upon(included_hash, slot)
		}
	}

	impl cumulus_primitives_core::RelayParentOffsetApi<Block> for Runtime {
		fn relay_parent_offset() -> u32 {
			<Runtime as cumulus_pallet_parachain_system::Config>::RelayParentOffset::get()
		}

		fn max_claim_queue_offset() -> u8 {
			ParachainSystem::max_claim_queue_offset()
		}
	}

	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block)
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl frame_support::view_functions::runtime_api::RuntimeViewFunction<Block> for Runtime {
		fn execute_view_function(
			id: frame_support::view_functions::ViewFunctionId,
			input: Vec<u8>,
		) -> Result<Vec<u8>, frame_support::view_functions::ViewFunctionDispatchError> {
			Runtime::execute_view_function(id, input)
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(owner: Vec<u8>, seed: Option<Vec<u8>>) -> OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}
		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}
		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl cumulus_primitives_core::CollectCollationInfo<Block> for Runtime {
		fn collect_collation_info(header: &<Block as BlockT>::Header) -> cumulus_primitives_core::CollationInfo {
			ParachainSystem::collect_collation_info(header)
		}
	}

	impl cumulus_primitives_core::GetParachainInfo<Block> for Runtime {
		fn parachain_id() -> cumulus_primitives_core::ParaId {
			ParachainInfo::parachain_id()
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			genesis_config_presets::preset_names()
		}
	}

	impl pallet_datanets::runtime_api::DatanetsApi<
		Block,
		AccountId,
		pallet_datanets::Datanet<R>,
		pallet_datanets::Contribution<R>,
		pallet_datanets::Version<R>,
	> for Runtime {
		fn datanet(id: pallet_datanets::DatanetId) -> Option<pallet_datanets::Datanet<R>> {
			pallet_datanets::Datanets::<R>::get(id)
		}

		fn contribution(id: pallet_datanets::ContributionId) -> Option<pallet_datanets::Contribution<R>> {
			pallet_datanets::Contributions::<R>::get(id)
		}

		fn version(
			datanet: pallet_datanets::DatanetId,
			version: pallet_datanets::VersionNumber,
		) -> Option<pallet_datanets::Version<R>> {
			pallet_datanets::Versions::<R>::get(datanet, version)
		}

		fn contributions_of(who: AccountId, start: u32, limit: u32) -> Vec<pallet_datanets::ContributionId> {
			pallet_datanets::Pallet::<R>::contributions_of(&who, start, limit)
		}

		fn version_files(
			datanet: pallet_datanets::DatanetId,
			version: pallet_datanets::VersionNumber,
			start: u32,
			limit: u32,
		) -> Vec<pallet_datanets::runtime_api::FileLeaf<AccountId>> {
			pallet_datanets::Pallet::<R>::version_files(datanet, version, start, limit)
		}

		fn file_proof(
			datanet: pallet_datanets::DatanetId,
			version: pallet_datanets::VersionNumber,
			position: u32,
		) -> Option<(pallet_datanets::runtime_api::FileLeaf<AccountId>, pallet_datanets::runtime_api::MerkleProof)> {
			pallet_datanets::Pallet::<R>::file_proof(datanet, version, position)
		}
	}

	impl pallet_attribution::runtime_api::AttributionApi<
		Block,
		AccountId,
		pallet_attribution::Worker<Balance, BlockNumber>,
		pallet_attribution::Job<R>,
		pallet_attribution::FinalResult<R>,
	> for Runtime {
		fn worker(who: AccountId) -> Option<pallet_attribution::Worker<Balance, BlockNumber>> {
			pallet_attribution::Workers::<R>::get(who)
		}

		fn job(id: pallet_attribution::JobId) -> Option<pallet_attribution::Job<R>> {
			pallet_attribution::Jobs::<R>::get(id)
		}

		fn final_result(id: pallet_attribution::JobId) -> Option<pallet_attribution::FinalResult<R>> {
			pallet_attribution::Finalized::<R>::get(id)
		}
	}

	impl pallet_rewards::runtime_api::RewardsApi<Block, AccountId, Balance, pallet_rewards::Payout<R>> for Runtime {
		fn quote(model: pallet_rewards::ModelId, input_tokens: u32, output_tokens: u32) -> Option<Balance> {
			pallet_rewards::Pallet::<R>::quote(model, input_tokens, output_tokens)
				.map(|(fee, platform)| fee.saturating_add(platform))
		}

		fn claimable(who: AccountId) -> Balance {
			pallet_rewards::Claimable::<R>::get(who)
		}

		fn earnings(who: AccountId) -> Vec<(u32, Balance)> {
			pallet_rewards::Pallet::<R>::earnings(&who)
		}

		fn model_fees(model: pallet_rewards::ModelId) -> pallet_rewards::ModelFees<Balance> {
			pallet_rewards::FeesOfModel::<R>::get(model)
		}

		fn payout(job: pallet_rewards::JobId) -> Option<pallet_rewards::Payout<R>> {
			pallet_rewards::Payouts::<R>::get(job)
		}
	}

	impl pallet_bridge::runtime_api::BridgeApi<Block, Balance> for Runtime {
		fn ready_withdrawal(nonce: u64) -> Option<([u8; 20], Balance, Vec<[u8; 65]>)> {
			pallet_bridge::Pallet::<R>::ready_withdrawal(nonce)
		}

		fn withdrawal_digest(nonce: u64) -> Option<[u8; 32]> {
			let w = pallet_bridge::Withdrawals::<R>::get(nonce)?;
			pallet_bridge::Pallet::<R>::withdrawal_digest(nonce, &w)
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			use frame_benchmarking::BenchmarkList;
			use frame_support::traits::StorageInfoTrait;
			use crate::{Attribution, Balances, Bridge, Datanets, Models, Reputation, Rewards};

			let mut list = Vec::<BenchmarkList>::new();
			list_benchmarks!(list, extra);
			(list, crate::AllPalletsWithSystem::storage_info())
		}

		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig,
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			use frame_benchmarking::BenchmarkBatch;
			use frame_support::traits::WhitelistedStorageKeys;
			use crate::{Attribution, Balances, Bridge, Datanets, Models, Reputation, Rewards};

			// Keys every block touches anyway (block number, events...) are not charged to calls.
			let whitelist = crate::AllPalletsWithSystem::whitelisted_storage_keys();
			let mut batches = Vec::<BenchmarkBatch>::new();
			let params = (&config, &whitelist);
			add_benchmarks!(params, batches);
			Ok(batches)
		}
	}
}
