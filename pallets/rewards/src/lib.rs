//! # Rewards
//!
//! Paid inference and its settlement. Every batch of paid inferences of a registered model (one
//! inference is a batch of one) escrows its fee in OPEN and opens one attribution job per Datanet
//! version the model was trained on; when a job's result is final, its part of the fee is split
//! among the contributors the result credits, the model's owner, the workers who revealed the
//! result and the treasury. A job that fails (its deadline passed without a final result)
//! refunds its part to the payer.
//!
//! - [`Pallet::record_batch`] prices a batch from the model's rates on its token totals (per
//!   1,000 tokens, rounded up once) plus the platform fee per inference, moves the fee into the
//!   pallet's account and opens the jobs through [`Config::Jobs`]; [`Pallet::record_inference`]
//!   does the same for one inference, whose query the content store holds under its hash.
//! - Settlement starts when the attribution pallet reports the end of a job
//!   ([`openledger_traits::OnJobEnd`]), which only queues it; the block hook then settles
//!   queued jobs in order within [`Config::SettleWeight`], continuing a large one across blocks
//!   from where it stopped. Shares are [`Params::shares`]; the contributors' part goes to the
//!   contributors the result reveals totals for, in proportion to total times reputation factor
//!   (docs/rewards.md); rounding remainders, the part nobody is credited for and the platform
//!   fee go to the treasury.
//! - Payees are **credited**, not paid: each credit is a claimable balance (an event per payee,
//!   [`Event::Credited`]), and [`Pallet::claim`] or anyone's [`Pallet::claim_for`] transfers it.
//!   Settlement therefore never fails and never depends on a payee's account existing; a claim
//!   that cannot be paid (an amount below the existential deposit into an empty account) is
//!   refused and stays claimable.
//!
//! Invariant ([`Pallet::do_try_state`]): the pallet's account holds its existential deposit plus
//! every escrow plus every claimable balance; every OPEN charged is escrowed, claimable or
//! claimed, so nothing is created or lost.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod funds;
mod impls;
pub mod migrations;
pub mod runtime_api;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use types::*;
pub use weights::WeightInfo;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{pallet_prelude::*, traits::fungible, PalletId};
	use frame_system::pallet_prelude::*;
	use openledger_primitives::merkle::Hash;
	use openledger_traits::JobOpener;
	use openledger_traits::ModelRegistry;
	use openledger_traits::ReputationReporter;

	/// The storage layout version; bump it with a migration.
	pub(crate) const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// OPEN.
		type Currency: fungible::Mutate<Self::AccountId>;

		/// Registered models: owner, method, versions and fee rates.
		type Models: ModelRegistry<Self::AccountId, BalanceOf<Self>>;

		/// Opens the attribution jobs.
		type Jobs: JobOpener<Self::AccountId, BlockNumberFor<Self>>;

		/// Contributors' reward factors.
		type Reputation: ReputationReporter<Self::AccountId>;

		/// Derives the account that holds escrows and claimable balances.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Credited with the treasury's share, platform fees and rounding remainders.
		type TreasuryAccount: Get<Self::AccountId>;

		/// Sets the parameters; the runtime gives it the `parameters` governance track (and Root).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The parameters in force until [`Pallet::set_params`] is first called.
		type DefaultParams: Get<Params<BalanceOf<Self>, BlockNumberFor<Self>>>;

		/// The most paid entries of one query: the attribution pallet's `MaxPaid`, which bounds
		/// `knn_paid`.
		#[pallet::constant]
		type MaxPaid: Get<u32>;

		/// The most contributor totals a result reveals: the attribution pallet's `MaxTotals`.
		#[pallet::constant]
		type MaxTotals: Get<u32>;

		/// The most weight the block hook spends settling final jobs; a job it cannot finish
		/// waits, with its cursor, for the next block.
		#[pallet::constant]
		type SettleWeight: Get<Weight>;

		/// The most workers behind a result: at least the attribution pallet's `MaxAssigned`.
		#[pallet::constant]
		type MaxSupporters: Get<u32>;

		/// The most jobs one inference opens: the models pallet's `MaxTrainedOn`.
		#[pallet::constant]
		type MaxTrainedOn: Get<u32>;

		/// How many of the newest payouts are kept for the runtime API.
		#[pallet::constant]
		type MaxPayouts: Get<u32>;

		/// Publishes versions for the benchmarks to record inferences on.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: openledger_primitives::datanet::ContributedVersionPublisher<
			Self::AccountId,
		>;

		/// Weights of this pallet's calls, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// The id the next inference gets.
	#[pallet::storage]
	pub type NextInference<T> = StorageValue<_, InferenceId, ValueQuery>;

	/// The fee each open job will pay out, keyed by job.
	#[pallet::storage]
	pub type Escrows<T: Config> = StorageMap<_, Twox64Concat, JobId, Escrow<T>, OptionQuery>;

	/// The sum of every escrow.
	#[pallet::storage]
	pub type Escrowed<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// What each account may claim.
	#[pallet::storage]
	pub type Claimable<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BalanceOf<T>, ValueQuery>;

	/// The sum of every claimable balance.
	#[pallet::storage]
	pub type TotalClaimable<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// What each contributor has been credited, per Datanet, ever.
	#[pallet::storage]
	pub type Earnings<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		u32,
		BalanceOf<T>,
		ValueQuery,
	>;

	/// Final jobs being settled, by job.
	#[pallet::storage]
	pub type Settlements<T: Config> =
		StorageMap<_, Twox64Concat, JobId, Settlement<T>, OptionQuery>;

	/// The queue of jobs to settle, oldest first: slot `n` holds the `n`-th job queued.
	#[pallet::storage]
	pub type SettleQueue<T: Config> = StorageMap<_, Twox64Concat, u64, JobId, OptionQuery>;

	/// `(head, tail)` of the settlement queue: the slots `head..tail` are queued.
	#[pallet::storage]
	pub type SettleQueueBounds<T> = StorageValue<_, (u64, u64), ValueQuery>;

	/// Each model's fees so far.
	#[pallet::storage]
	pub type FeesOfModel<T: Config> =
		StorageMap<_, Twox64Concat, ModelId, ModelFees<BalanceOf<T>>, ValueQuery>;

	/// The newest `MaxPayouts` payouts, keyed by job.
	#[pallet::storage]
	pub type Payouts<T: Config> = StorageMap<_, Twox64Concat, JobId, Payout<T>, OptionQuery>;

	/// Which job each slot of the payout ring holds.
	#[pallet::storage]
	pub type PayoutRing<T: Config> = StorageMap<_, Twox64Concat, u32, JobId, OptionQuery>;

	/// Payouts made so far; the next one goes into slot `count % MaxPayouts`.
	#[pallet::storage]
	pub type PayoutCount<T> = StorageValue<_, u64, ValueQuery>;

	/// The parameters in force; `None` until set, then [`Config::DefaultParams`] applies.
	#[pallet::storage]
	pub type CurrentParams<T: Config> =
		StorageValue<_, Params<BalanceOf<T>, BlockNumberFor<T>>, OptionQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		#[serde(skip)]
		_config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// The pallet's account keeps its existential deposit, so that fees below it can
			// be escrowed and every claim can be paid out in full.
			funds::endow_account::<T>();
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An inference was paid for: `fee` (tokens) plus `platform_fee` is escrowed for `jobs`.
		InferenceRecorded {
			inference: InferenceId,
			model: ModelId,
			payer: T::AccountId,
			input_tokens: u32,
			output_tokens: u32,
			fee: BalanceOf<T>,
			platform_fee: BalanceOf<T>,
			jobs: InferenceJobsOf<T>,
		},
		/// A batch of `count` paid inferences, numbered from `first`, stored under `file` with
		/// the batch root `root`, was recorded: `fee` (tokens) plus `platform_fee` (for all of
		/// them) is escrowed for `jobs`.
		BatchRecorded {
			file: Hash,
			root: Hash,
			first: InferenceId,
			count: u32,
			model: ModelId,
			payer: T::AccountId,
			input_tokens: u64,
			output_tokens: u64,
			fee: BalanceOf<T>,
			platform_fee: BalanceOf<T>,
			jobs: InferenceJobsOf<T>,
		},
		/// `who` may claim `amount` more, from `job`.
		Credited { job: JobId, who: T::AccountId, payee: Payee, amount: BalanceOf<T> },
		/// A job's escrow was paid out: `total` split as listed (the treasury's part includes the
		/// platform fee and rounding).
		Settled {
			job: JobId,
			inference: InferenceId,
			total: BalanceOf<T>,
			contributors: BalanceOf<T>,
			owner: BalanceOf<T>,
			workers: BalanceOf<T>,
			treasury: BalanceOf<T>,
		},
		/// A job failed and its escrow was credited back to the payer.
		Refunded { job: JobId, inference: InferenceId, payer: T::AccountId, amount: BalanceOf<T> },
		/// `who` was paid what it could claim.
		Claimed { who: T::AccountId, amount: BalanceOf<T> },
		/// New parameters are in force.
		ParamsSet { params: Params<BalanceOf<T>, BlockNumberFor<T>> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No active model has this id (unknown, paused or retired).
		UnknownModel,
		/// An inference has at least one input or output token.
		NoTokens,
		/// A batch holds no inference or more than `MAX_BATCH`.
		BadBatch,
		/// The model names no Datanet version, or more than `MaxTrainedOn`.
		BadTrainingData,
		/// The fee does not fit the balance type.
		FeeOverflow,
		/// The payer cannot pay the fee and keep its account alive.
		InsufficientBalance,
		/// Nothing is claimable.
		NothingToClaim,
		/// The claim cannot be paid: it is below the existential deposit of an account that does
		/// not exist yet. It stays claimable.
		CannotPay,
		/// The shares do not sum to exactly 100%.
		SharesNotWhole,
		/// `knn_paid` must be between 1 and `MaxPaid`, and `job_window` above 0.
		BadParams,
		/// A counter reached its maximum.
		Overflow,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(_: BlockNumberFor<T>) -> Weight {
			Self::process_settlements(T::SettleWeight::get())
		}

		fn integrity_test() {
			assert!(T::MaxPaid::get() > 0, "results pay at least one entry");
			assert!(T::MaxTotals::get() > 0, "results credit at least one contributor");
			assert!(
				Self::step_bound().all_lte(T::SettleWeight::get()),
				"the hook settles at least one step a block"
			);
			assert!(T::MaxSupporters::get() > 0, "results have at least one supporter");
			assert!(T::MaxTrainedOn::get() > 0, "models are trained on at least one version");
			assert!(T::MaxPayouts::get() > 0, "the payout ring has a slot");
			assert!(
				Self::check_params(&T::DefaultParams::get()).is_ok(),
				"the default parameters are valid"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Pays for an inference of `model`, a batch of one whose query embedding the content
		/// store holds under `query_hash`: charges the model's rates for the tokens (per 1,000,
		/// rounded up) plus the platform fee into escrow, and opens one attribution job per
		/// Datanet version the model was trained on, ranking that version's items against the
		/// query. The fee is split evenly across the jobs (the first takes the remainder).
		///
		/// - Origin: signed, the payer.
		/// - Checks: an active model; at least one token; the payer can pay; every job opens
		///   (the attribution pallet's checks: a published version, the label, workers).
		/// - Emits [`Event::InferenceRecorded`].
		/// - Weight: charged for `MaxTrainedOn` jobs, refunded to the jobs opened.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::record_inference(T::MaxTrainedOn::get()))]
		pub fn record_inference(
			origin: OriginFor<T>,
			model: ModelId,
			input_tokens: u32,
			output_tokens: u32,
			query_hash: Hash,
			query_label: u32,
		) -> DispatchResultWithPostInfo {
			let payer = ensure_signed(origin)?;
			let jobs = Self::do_record_inference(
				&payer,
				model,
				input_tokens,
				output_tokens,
				query_hash,
				query_label,
			)?;
			Ok(Some(T::WeightInfo::record_inference(jobs)).into())
		}

		/// Pays the caller everything it may claim.
		///
		/// - Origin: signed.
		/// - Checks: something is claimable, and it can be paid.
		/// - Emits [`Event::Claimed`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::claim())]
		pub fn claim(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim(&who)
		}

		/// Pays `who` everything it may claim; anyone may call it, and the caller pays the
		/// transaction fee.
		///
		/// - Origin: signed, anyone.
		/// - Checks: as [`Pallet::claim`].
		/// - Emits [`Event::Claimed`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::claim())]
		pub fn claim_for(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_claim(&who)
		}

		/// Pays for a batch of `count` inferences of `model`, stored in the content store under
		/// `file` (blake2-256 of the batch file, docs/attribution.md "Batches"), whose batch
		/// tree has the root hash `root` and the token totals given: charges the model's rates
		/// on the totals (per 1,000, rounded up once for the batch) plus `count` platform fees
		/// into escrow, and opens one attribution job per Datanet version the model was trained
		/// on, ranking that version's items against every query of the batch. The fee is split
		/// evenly across the jobs (the first takes the remainder). A batch whose file does not
		/// match `root` and the totals gets no honest result: its jobs fail and refund.
		///
		/// - Origin: signed, the payer.
		/// - Checks: an active model; 1 to `MAX_BATCH` inferences with at least one token each
		///   on average (`input_tokens + output_tokens >= count`); the payer can pay; every job
		///   opens.
		/// - Emits [`Event::BatchRecorded`].
		/// - Weight: charged for `MaxTrainedOn` jobs, refunded to the jobs opened.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::record_batch(T::MaxTrainedOn::get()))]
		pub fn record_batch(
			origin: OriginFor<T>,
			model: ModelId,
			file: Hash,
			root: Hash,
			count: u32,
			input_tokens: u64,
			output_tokens: u64,
		) -> DispatchResultWithPostInfo {
			let payer = ensure_signed(origin)?;
			let tokens = openledger_primitives::attribution::batch::Tokens {
				input: input_tokens,
				output: output_tokens,
			};
			let jobs = Self::do_record_batch(&payer, model, file, root, count, tokens)?;
			Ok(Some(T::WeightInfo::record_batch(jobs)).into())
		}

		/// Sets the parameters; they apply to inferences recorded and jobs settled from now.
		///
		/// - Origin: [`Config::AdminOrigin`].
		/// - Checks: shares that sum to 100%, `knn_paid` in `1..=MaxPaid`, a window above 0.
		/// - Emits [`Event::ParamsSet`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(
			origin: OriginFor<T>,
			params: Params<BalanceOf<T>, BlockNumberFor<T>>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::check_params(&params)?;
			CurrentParams::<T>::put(params.clone());
			Self::deposit_event(Event::ParamsSet { params });
			Ok(())
		}
	}
}
