//! # Attribution
//!
//! The runtime side of Proof of Attribution: staked workers compute attribution off-chain, the
//! chain takes their results by agreement or optimistically, and anyone staked can prove a
//! wrong result with one of the spec's single-entry checks (docs/attribution.md), which the
//! runtime recomputes in integer arithmetic before it slashes.
//!
//! ## Workers
//!
//! [`Pallet::register_worker`] holds a stake of at least `min_stake` and puts the worker in the
//! active set (at most [`Config::MaxWorkers`]). [`Pallet::unregister_worker`] leaves the set and
//! starts `unbonding_period`; [`Pallet::withdraw_unbonded`] then releases what is left of the
//! stake. A worker slashed below `min_stake` is moved to unbonding the same way.
//!
//! ## Governance
//!
//! Two origins govern the pallet, so the worker set can have a referendum track of its own:
//! - [`Config::WorkersOrigin`] decides who may work: [`Pallet::remove_worker`] bars an
//!   account (and moves it to unbonding if it is active), [`Pallet::admit_worker`] lifts the
//!   bar, and [`Pallet::set_min_stake`] sets `min_stake`. A barred account cannot register.
//! - [`Config::AdminOrigin`] sets every other parameter with [`Pallet::set_params`].
//!
//! ## Jobs
//!
//! A job names a published Datanet version (its root, item count and dimension are read
//! through [`Config::Versions`] and copied), a method, its queries (one inference or a batch
//! of up to `MAX_BATCH`, by its batch commitment), the model's rates, how many entries of each
//! query are paid, a deadline, and its payer (docs/attribution.md, "Batches"). Jobs are opened by
//! [`Pallet::open_job`] (data valuation runs) or by other pallets through [`JobOpener`].
//!
//! Each round draws `replication` workers from the active set (see [`Pallet::draw`]): a
//! weighted draw without replacement, each worker weighted by its reputation reward factor,
//! seeded by the parent block hash, the job id and the round. Nobody picks their own jobs; the
//! collator that builds the block a job is opened in could re-order transactions to steer the
//! seed, which is the limit of a seed without a randomness beacon.
//!
//! ## Results
//!
//! 1. Commit, until `commit_end`: each assigned worker posts [`Pallet::commit_hash`] of its
//!    result, a salt and its own account (so nobody can copy another's commitment).
//! 2. Reveal, until `reveal_end`: the queries root (each query's ranking commitment and paid
//!    sum), the credits root (every positive paid entry credited to its contributor) and the
//!    contributor totals, with the salt. A reveal that does not hash to its commit, or whose
//!    totals are not well formed, is refused.
//! 3. Tally, in `on_initialize` of `reveal_end + 1` (the hook moves due jobs while the most
//!    the next one can weigh fits [`Config::HookWeight`]): the unrefuted result with the most
//!    reveals (earliest first on a tie) becomes the candidate. With at least `quorum` reveals
//!    it is *agreed* and stands through the short `agreed_challenge_window`; otherwise it
//!    stands through the `optimistic_challenge_window`. With no result the job reopens with a
//!    fresh draw if a whole round still fits before the deadline, and fails otherwise. Assigned
//!    workers that revealed nothing lose reputation here.
//! 4. Final, in `on_initialize` of `challenge_end + 1`: the result is kept in [`Finalized`]
//!    (the newest [`Config::MaxFinalized`]), its supporters gain reputation, workers who
//!    revealed something else lose it, and [`Config::OnJobEnd`] is told.
//!
//! ## Challenges
//!
//! From the moment a result is revealed until its job is final, any active worker that did not
//! reveal it may [`Pallet::challenge`] it with a `Witness`: the inputs of one check, with
//! Merkle proofs against the result's commitment and the version root, and the query embedding
//! where a distance is recomputed. The challenge bond is held; then
//! - inputs that do not hold up (a bad proof, the wrong item, an embedding that does not hash
//!   to its leaf) are refused with an error and change nothing;
//! - a check that finds the result consistent slashes the bond to the treasury;
//! - a check that proves a fault refutes the result: every supporter loses
//!   `wrong_result_slash` of its stake, `challenger_share` of it to the challenger and the
//!   rest to the treasury, and reputation. If the refuted result was the candidate, the next
//!   best unrefuted result of the round takes its place with a fresh optimistic window, or the
//!   job reopens, or it fails, as at the tally.
//!
//! ## Openings
//!
//! A challenge needs the committed leaves, which a dishonest worker may keep to itself. Any
//! active worker may [`Pallet::request_opening`] of one leaf of a result (holding the
//! challenge bond): a query record, a ranking entry or a credit slot; one request at a time,
//! at most `max_batch_openings` per result and round: what the challenger's search needs to
//! find any fault (`openledger_primitives::attribution::batch::search`). Anyone may answer
//! with [`Pallet::open_leaf`] (the leaf and its proof, published in the event); the requester
//! then has `opening_window` blocks of grace to ask again or challenge, even after the
//! challenge window. A result whose requested leaf is not opened within `opening_window`
//! counts as refuted, to the requester's profit, whichever result it is.
//!
//! No job ends, final or failed, while a dispute of its round is live (a request unanswered,
//! or answered and in its grace): so an honest challenger always has the blocks its search
//! needs, and every unanswered request refutes its result. Disputes can outlast the deadline
//! by at most [`Pallet::dispute_span`], which a job's deadline must leave inside the unbonding
//! period, so every stake behind a disputed result is still held when the dispute ends.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

mod funds;
mod impls;
pub mod migrations;
pub mod runtime_api;
pub mod traits;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use traits::*;
pub use types::*;
pub use weights::WeightInfo;

/// A challenge: the inputs of one batch check, proofs included.
pub type WitnessOf<T> =
	openledger_primitives::attribution::batch::BatchWitness<<T as frame_system::Config>::AccountId>;
/// An answer to a request: one opened leaf of a result, with its proof.
pub type LeafOf<T> = openledger_primitives::attribution::batch::search::Opening<
	<T as frame_system::Config>::AccountId,
>;
/// The query embedding a challenge recomputes distances with.
pub type QueryOf = frame_support::BoundedVec<
	i8,
	frame_support::traits::ConstU32<{ openledger_primitives::attribution::MAX_DIMENSION }>,
>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::{pallet_prelude::*, traits::fungible};
	use frame_system::pallet_prelude::*;
	use openledger_primitives::{
		attribution::batch::{search::Position, BatchFault},
		datanet::VersionSource,
	};
	use openledger_traits::{ReputationReporter, SlashHeld};

	/// The storage layout version; bump it with a migration.
	pub(crate) const STORAGE_VERSION: StorageVersion = StorageVersion::new(3);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A worker's stake, held while it is registered and through unbonding.
		WorkerStake,
		/// A challenge's bond, held while the challenge is checked in the same call.
		ChallengeBond,
	}

	#[pallet::config]
	pub trait Config: frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The native currency: stakes and bonds are holds on it.
		type Currency: fungible::Mutate<Self::AccountId>
			+ fungible::MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>;

		/// The runtime's hold reasons.
		type RuntimeHoldReason: From<HoldReason>;

		/// Where worker outcomes are reported; its reward factor weights the draw.
		type Reputation: ReputationReporter<Self::AccountId>;

		/// Sends the treasury's part of slashes there.
		type Slasher: SlashHeld<
			Self::AccountId,
			Reason = Self::RuntimeHoldReason,
			Balance = BalanceOf<Self>,
		>;

		/// Published Datanet versions.
		type Versions: VersionSource;

		/// Told when a job is final or fails.
		type OnJobEnd: OnJobEnd<Self::AccountId>;

		/// Sets [`Params`] other than `min_stake`; the runtime gives it the `parameters`
		/// governance track (and Root).
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Admits and removes workers and sets the minimum stake; the runtime gives it the
		/// `workers` governance track (and Root).
		type WorkersOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The parameters in force until the first [`Pallet::set_params`].
		type DefaultParams: Get<Params<BalanceOf<Self>, BlockNumberFor<Self>>>;

		/// Most workers in the active set; bounds the draw, which reads the whole set.
		#[pallet::constant]
		type MaxWorkers: Get<u32>;

		/// Most workers one job can be assigned (`replication` is at most this); bounds the
		/// reveals, supporters and slashes one job or challenge handles.
		#[pallet::constant]
		type MaxAssigned: Get<u32>;

		/// Most paid entries per query (`P`); bounds a batch result's credit tree (`M × P`
		/// slots) and `wrong_paid_sum`'s check.
		#[pallet::constant]
		type MaxPaid: Get<u32>;

		/// Most contributor totals a result reveals: past it, the largest are revealed and the
		/// rest's part stays with the treasury (docs/attribution.md, "Batches"). Bounds a reveal
		/// and a settlement.
		#[pallet::constant]
		type MaxTotals: Get<u32>;

		/// Most items a job ranks; bounds the depth of every Merkle proof a challenge carries.
		#[pallet::constant]
		type MaxJobItems: Get<u32>;

		/// How many final results are kept; the oldest is dropped for the newest.
		#[pallet::constant]
		type MaxFinalized: Get<u32>;

		/// The most weight `on_initialize` spends moving jobs on: it moves the next job due
		/// only while the worst a transition can weigh still fits, and the rest wait for the
		/// next block.
		#[pallet::constant]
		type HookWeight: Get<Weight>;

		/// Publishes versions for the benchmarks to open jobs on.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: openledger_primitives::datanet::VersionPublisher;

		/// Weights of this pallet's calls and hooks, from its benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Registered workers, active or unbonding.
	#[pallet::storage]
	pub type Workers<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Worker<BalanceOf<T>, BlockNumberFor<T>>,
		OptionQuery,
	>;

	/// The active set, sorted by account, with each worker's draw weight: its reputation reward
	/// factor in millionths, refreshed whenever this pallet reports an outcome for it.
	#[pallet::storage]
	pub type ActiveWorkers<T: Config> = StorageValue<_, ActiveSetOf<T>, ValueQuery>;

	/// The id the next job gets.
	#[pallet::storage]
	pub type NextJobId<T> = StorageValue<_, JobId, ValueQuery>;

	/// Jobs that are not final yet.
	#[pallet::storage]
	pub type Jobs<T: Config> = StorageMap<_, Twox64Concat, JobId, Job<T>, OptionQuery>;

	/// Commitments of the current round, per job and worker.
	#[pallet::storage]
	pub type Commits<T: Config> =
		StorageDoubleMap<_, Twox64Concat, JobId, Blake2_128Concat, T::AccountId, Hash, OptionQuery>;

	/// Which result each worker revealed in the current round.
	#[pallet::storage]
	pub type RevealOf<T: Config> =
		StorageDoubleMap<_, Twox64Concat, JobId, Blake2_128Concat, T::AccountId, Hash, OptionQuery>;

	/// The distinct results revealed in the current round, by result hash
	/// ([`Pallet::result_hash`]).
	#[pallet::storage]
	pub type Results<T: Config> =
		StorageDoubleMap<_, Twox64Concat, JobId, Identity, Hash, Revealed<T>, OptionQuery>;

	/// The contributor totals of each result of the current round, by job and result hash.
	#[pallet::storage]
	pub type Totals<T: Config> =
		StorageDoubleMap<_, Twox64Concat, JobId, Identity, Hash, TotalsOf<T>, ValueQuery>;

	/// How many jobs are open: the entries of [`Jobs`], counted so the hook can skip an empty
	/// agenda with one read.
	#[pallet::storage]
	pub type JobCount<T> = StorageValue<_, u32, ValueQuery>;

	/// Disputes of the current round, by job, result and requester: each requester's latest
	/// request to open an entry of a result, and how many it made. Cleared with the round.
	#[pallet::storage]
	pub type Openings<T: Config> = StorageNMap<
		_,
		(
			NMapKey<Twox64Concat, JobId>,
			NMapKey<Identity, Hash>,
			NMapKey<Blake2_128Concat, T::AccountId>,
		),
		Opening<T>,
		OptionQuery,
	>;

	/// Jobs to move on, by the block from which they are due. Each job has exactly one entry.
	#[pallet::storage]
	pub type Agenda<T: Config> =
		StorageDoubleMap<_, Twox64Concat, BlockNumberFor<T>, Twox64Concat, JobId, (), OptionQuery>;

	/// The oldest block whose agenda may still hold entries.
	#[pallet::storage]
	pub type AgendaCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// Final results, the newest `MaxFinalized`.
	#[pallet::storage]
	pub type Finalized<T: Config> = StorageMap<_, Twox64Concat, JobId, FinalResult<T>, OptionQuery>;

	/// The ring of kept final results: slot `n % MaxFinalized` holds the `n`-th finalized job.
	#[pallet::storage]
	pub type FinalizedRing<T: Config> = StorageMap<_, Twox64Concat, u32, JobId, OptionQuery>;

	/// How many jobs have ever been finalized.
	#[pallet::storage]
	pub type FinalizedCount<T> = StorageValue<_, u64, ValueQuery>;

	/// The parameters in force; `None` until set, then [`Config::DefaultParams`] applies.
	#[pallet::storage]
	pub type CurrentParams<T: Config> =
		StorageValue<_, Params<BalanceOf<T>, BlockNumberFor<T>>, OptionQuery>;

	/// Accounts removed by [`Config::WorkersOrigin`]: they cannot register until admitted again.
	#[pallet::storage]
	pub type Barred<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, (), OptionQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A worker registered and its stake was held.
		WorkerRegistered { worker: T::AccountId, stake: BalanceOf<T> },
		/// A worker left the active set; its stake can be withdrawn from `until`.
		WorkerUnbonding { worker: T::AccountId, until: BlockNumberFor<T> },
		/// An unbonded worker's remaining stake was released.
		WorkerWithdrawn { worker: T::AccountId, released: BalanceOf<T> },
		/// A job was opened.
		JobOpened {
			job: JobId,
			payer: T::AccountId,
			datanet: u32,
			version: u32,
			deadline: BlockNumberFor<T>,
		},
		/// A round started (`round` counts from 0): `workers` commit until `commit_end` and reveal
		/// until `reveal_end`.
		WorkersAssigned {
			job: JobId,
			round: u32,
			workers: AssignedOf<T>,
			commit_end: BlockNumberFor<T>,
			reveal_end: BlockNumberFor<T>,
		},
		/// A worker committed.
		Committed { job: JobId, worker: T::AccountId },
		/// A worker revealed `result` (its hash): these query and credit roots, and `totals`
		/// contributor totals (in the call's arguments).
		Revealed {
			job: JobId,
			worker: T::AccountId,
			result: Hash,
			queries: Hash,
			credits: Hash,
			totals: u32,
		},
		/// `result` is the job's candidate, final after `challenge_end` unless refuted.
		CandidateChosen {
			job: JobId,
			result: Hash,
			supporters: u32,
			agreed: bool,
			challenge_end: BlockNumberFor<T>,
		},
		/// A challenge proved `result` wrong; its supporters were slashed.
		ChallengeUpheld {
			job: JobId,
			result: Hash,
			challenger: T::AccountId,
			fault: BatchFault,
			reward: BalanceOf<T>,
		},
		/// A challenge found `result` consistent; the challenger's bond was slashed.
		ChallengeRejected {
			job: JobId,
			result: Hash,
			challenger: T::AccountId,
			bond_slashed: BalanceOf<T>,
		},
		/// `requester` asked the supporters of `result` to open its leaf at `position` by block
		/// `due`.
		OpeningRequested {
			job: JobId,
			result: Hash,
			requester: T::AccountId,
			position: Position,
			due: BlockNumberFor<T>,
		},
		/// A leaf of `result` was opened, with its proof, for `requester`.
		LeafOpened { job: JobId, result: Hash, requester: T::AccountId, leaf: LeafOf<T> },
		/// Nobody opened the requested leaf in time: `result` counts as refuted, and the
		/// requester was paid as a challenger.
		OpeningExpired { job: JobId, result: Hash, requester: T::AccountId, reward: BalanceOf<T> },
		/// A supporter of a refuted result lost `amount` of its stake; `deactivated` if that left
		/// it below `min_stake`, which starts its unbonding.
		WorkerSlashed { job: JobId, worker: T::AccountId, amount: BalanceOf<T>, deactivated: bool },
		/// The job's result is final.
		JobFinalized { job: JobId, result: Hash, queries: Hash, credits: Hash, agreed: bool },
		/// The job ended without a result.
		JobFailed { job: JobId, reason: FailReason },
		/// New parameters are in force.
		ParamsSet { params: Params<BalanceOf<T>, BlockNumberFor<T>> },
		/// Governance barred `who` from registering; if it was active, it is unbonding.
		WorkerRemoved { who: T::AccountId },
		/// Governance lifted the bar on `who`, which may register again.
		WorkerAdmitted { who: T::AccountId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is already registered (active or unbonding).
		AlreadyRegistered,
		/// The stake is below `min_stake`.
		StakeTooLow,
		/// The free balance cannot cover the stake.
		InsufficientBalanceForStake,
		/// The active set holds `MaxWorkers` workers.
		TooManyWorkers,
		/// The account is not a registered worker.
		NotWorker,
		/// The worker is not active.
		NotActive,
		/// The worker is not unbonding.
		NotUnbonding,
		/// The unbonding period has not ended.
		StillUnbonding,
		/// No published version of that Datanet has this number.
		UnknownVersion,
		/// The method's `k` is 0, or the Datanet's dimension or item count is outside the spec.
		BadShape,
		/// The version has more than `MaxJobItems` items.
		TooManyItems,
		/// KNN-Shapley needs a labelled Datanet and a query label inside its label space.
		BadLabel,
		/// `top` is 0, or the paid entries would exceed `MaxPaid`.
		BadTop,
		/// The deadline leaves no room for a whole round, or the deadline plus the longest
		/// dispute (`dispute_span`) would end after `unbonding_period` from now.
		BadDeadline,
		/// The active set is empty.
		NoWorkers,
		/// No job has this id, or it is final.
		UnknownJob,
		/// The caller is not assigned to this job's current round.
		NotAssigned,
		/// The commit window is not open.
		NotCommitPhase,
		/// The reveal window is not open.
		NotRevealPhase,
		/// The worker already committed in this round.
		AlreadyCommitted,
		/// The worker did not commit in this round.
		NotCommitted,
		/// The worker already revealed in this round.
		AlreadyRevealed,
		/// The reveal does not hash to the worker's commitment.
		RevealMismatch,
		/// The totals are more than `MaxTotals`, not strictly increasing by account, zero, or
		/// sum to more than the whole batch.
		MalformedTotals,
		/// The batch holds no inference or more than `MAX_BATCH`.
		BadBatch,
		/// No result with this hash was revealed for this job in this round.
		UnknownResult,
		/// The result was already refuted.
		AlreadyRefuted,
		/// The challenge window of this job has closed.
		ChallengeWindowClosed,
		/// A worker cannot challenge a result it revealed.
		OwnResult,
		/// The free balance cannot cover the challenge bond.
		InsufficientBalanceForBond,
		/// The challenge's entry proof does not verify against the result's commitment.
		BadEntryProof,
		/// The challenge's item proof does not verify against the version root.
		BadItemProof,
		/// The proven item is not the one the entry names.
		WrongItem,
		/// The embedding has the wrong length or does not hash to the item's embedding hash.
		BadEmbedding,
		/// The query has the wrong length or does not hash to the job's query hash.
		BadQuery,
		/// The two entries are not at adjacent positions.
		NotAdjacent,
		/// The two entries are at the same position.
		SamePosition,
		/// The entry is not at the last position.
		NotLast,
		/// The check does not apply to the job's method.
		WrongMethod,
		/// No paid entry at that position.
		NoSuchPaidEntry,
		/// The item is among the paid entries.
		ItemIsPaid,
		/// The result has no leaf at that position.
		PositionOutOfRange,
		/// The caller's request on this result is still unanswered.
		OpeningPending,
		/// No unanswered request of this requester on this result.
		NoOpening,
		/// The opened leaf is not at the position asked for.
		WrongPosition,
		/// The requester has made `max_openings` requests of this result this round.
		TooManyOpenings,
		/// The opening window has not ended.
		OpeningNotDue,
		/// The parameters are inconsistent: `quorum` from 1 to `replication`, `replication`
		/// from 1 to `MaxAssigned`, non-zero windows, and an unbonding period that covers a
		/// whole round plus the longest dispute of a job of `MaxJobItems` items.
		BadParams,
		/// A counter reached its maximum.
		Overflow,
		/// The account was removed by governance and cannot register until admitted again.
		Barred,
		/// The account is already barred.
		AlreadyBarred,
		/// The account is not barred.
		NotBarred,
		/// `min_stake` is set by `set_min_stake` under `WorkersOrigin`.
		MinStakeByWorkersOrigin,
		/// A bracket without the entry below it must end at position 0.
		NotFirst,
		/// A query record's proof does not verify against the result's queries root.
		BadQueryProof,
		/// An inference's proof does not verify against the job's batch.
		BadInferenceProof,
		/// A slot's proof does not verify against the result's credits root.
		BadSlotProof,
		/// The challenge's parts name different queries, ranks or positions.
		Mismatched,
		/// The slot holds no credit.
		EmptySlot,
		/// The entry is not a positive paid entry.
		NotPaid,
		/// The paid entries are not the query's first `P`, in order.
		BadPaidEntries,
		/// The credit is not the last of its contributor's run.
		NotRunEnd,
		/// No revealed total at that position.
		NoSuchTotal,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::process_agenda(now)
		}

		fn integrity_test() {
			assert!(T::MaxWorkers::get() > 0, "the active set needs room");
			assert!(T::MaxAssigned::get() > 0, "jobs need workers");
			assert!(T::MaxPaid::get() > 0, "results pay at least one entry");
			assert!(T::MaxFinalized::get() > 0, "final results need room");
			assert!(T::MaxTotals::get() > 0, "results reveal at least one total");
			assert!(
				Self::transition_bound().all_lte(T::HookWeight::get()),
				"the hook moves at least one job a block"
			);
			assert!(
				T::MaxJobItems::get() <= openledger_primitives::attribution::MAX_ITEMS,
				"the spec ranks at most 2^24 items"
			);
			assert!(
				Self::check_params(&T::DefaultParams::get()).is_ok(),
				"default parameters are consistent"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers the caller as a worker and holds `stake`.
		///
		/// - Origin: signed; the caller becomes the worker.
		/// - Checks: not barred ([`Pallet::remove_worker`]); not registered (active or
		///   unbonding); `stake >= min_stake`; room in the active set; free balance for the
		///   stake.
		/// - Emits [`Event::WorkerRegistered`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_worker())]
		pub fn register_worker(origin: OriginFor<T>, stake: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register(who, stake)
		}

		/// Leaves the active set. The stake stays held, and slashable, for `unbonding_period`;
		/// jobs the worker is already assigned to still take its commit and reveal.
		///
		/// - Origin: signed, an active worker.
		/// - Emits [`Event::WorkerUnbonding`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::unregister_worker())]
		pub fn unregister_worker(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unregister(&who)
		}

		/// Releases an unbonded worker's remaining stake and forgets the worker.
		///
		/// - Origin: signed, an unbonding worker.
		/// - Checks: the unbonding period has ended.
		/// - Emits [`Event::WorkerWithdrawn`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded())]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw(&who)
		}

		/// Opens a job paid for by the caller, for data valuation; paid inference opens jobs
		/// through [`JobOpener`].
		///
		/// - Origin: signed; the caller is the payer.
		/// - Checks: the version is published; its item count is within `MaxJobItems` and its
		///   dimension within the spec; `k > 0`; a batch of 1 to `MAX_BATCH` queries; for
		///   KNN-Shapley a labelled Datanet, and a label in range for a single query; `top > 0`
		///   and the paid entries within `MaxPaid`; a deadline that
		///   leaves room for a whole round and is at most `unbonding_period` ahead; a
		///   non-empty active set.
		/// - Emits [`Event::JobOpened`] and [`Event::WorkersAssigned`].
		/// - Weight: charged for `MaxWorkers` in the draw, refunded to the active set's size.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::open_job(T::MaxWorkers::get()))]
		pub fn open_job(
			origin: OriginFor<T>,
			spec: JobSpec<BlockNumberFor<T>>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_open_job(&who, spec)?;
			Ok(Some(T::WeightInfo::open_job(ActiveWorkers::<T>::decode_len().unwrap_or(0) as u32))
				.into())
		}

		/// Commits to a result: `hash` is [`Pallet::commit_hash`] of the job, the caller, the
		/// result's query and credit roots, its totals and a secret salt.
		///
		/// - Origin: signed, a worker assigned to the job's current round.
		/// - Checks: the commit window is open; no commit yet this round.
		/// - Emits [`Event::Committed`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::commit())]
		pub fn commit(origin: OriginFor<T>, job: JobId, hash: Hash) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_commit(&who, job, hash)
		}

		/// Reveals the committed result.
		///
		/// - Origin: signed, a worker that committed in the job's current round.
		/// - Checks: the reveal window is open; not revealed yet; `totals` are well formed (at
		///   most `MaxTotals`, strictly increasing by account, none zero, summing to at most
		///   the whole batch); the commit hash matches.
		/// - Emits [`Event::Revealed`] with the result's hash, which challenges name.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::reveal(totals.len() as u32))]
		pub fn reveal(
			origin: OriginFor<T>,
			job: JobId,
			queries: Hash,
			credits: Hash,
			totals: TotalsOf<T>,
			salt: [u8; 32],
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_reveal(&who, job, queries, credits, totals, salt)
		}

		/// Challenges a revealed result with one check of docs/attribution.md ("Batches").
		///
		/// - Origin: signed, an active worker that did not reveal `result`.
		/// - Checks: the job is not final and `result` was revealed in its current round and not
		///   refuted; the challenge window (reveal window, then candidate window) is open; the
		///   free balance covers `challenge_bond`; the witness's proofs, items and embeddings
		///   hold up, and `query` hashes to the query's hash where a distance is recomputed
		///   (each failure has its own error, and changes nothing).
		/// - Upheld: emits [`Event::ChallengeUpheld`] and [`Event::WorkerSlashed`] per supporter.
		///   Rejected: the bond goes to the treasury, [`Event::ChallengeRejected`].
		/// - Weight: by the check's kind, the query's length `d` and the totals, with `MaxAssigned`
		///   supporters slashed and a new round drawn.
		#[pallet::call_index(6)]
		#[pallet::weight(Pallet::<T>::challenge_weight(witness, query.len() as u32))]
		pub fn challenge(
			origin: OriginFor<T>,
			job: JobId,
			result: Hash,
			witness: alloc::boxed::Box<WitnessOf<T>>,
			query: QueryOf,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_challenge(&who, job, result, &witness, &query)
		}

		/// Sets the parameters other than `min_stake`, which belongs to
		/// [`Config::WorkersOrigin`] ([`Pallet::set_min_stake`]): `params.min_stake` must be the
		/// one in force. Stakes held keep their amounts; jobs already open keep their windows.
		///
		/// - Origin: [`Config::AdminOrigin`].
		/// - Checks: `min_stake` unchanged ([`Error::MinStakeByWorkersOrigin`]); the parameters
		///   are consistent ([`Error::BadParams`]).
		/// - Emits [`Event::ParamsSet`].
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::set_params())]
		pub fn set_params(
			origin: OriginFor<T>,
			params: Params<BalanceOf<T>, BlockNumberFor<T>>,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			ensure!(
				params.min_stake == Self::params().min_stake,
				Error::<T>::MinStakeByWorkersOrigin
			);
			Self::do_set_params(params)
		}

		/// Asks the supporters of `result` to open its leaf at `position` (a query record, a
		/// ranking entry or a credit slot), for a challenger who cannot get it off-chain. The job cannot end while the request is
		/// pending; unopened by `due` (`opening_window` blocks on), it counts as refuted.
		///
		/// - Origin: signed, an active worker that did not reveal `result`.
		/// - Checks: as for [`Pallet::challenge`] (after the challenge window, only in the grace
		///   of the caller's own answered request), plus a position below the committed count,
		///   no unanswered request of the caller on this result, fewer than
		///   `max_batch_openings` requests of it this round, and free balance for
		///   `challenge_bond`, which is held until the request is answered or expires.
		/// - Emits [`Event::OpeningRequested`].
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::request_opening())]
		pub fn request_opening(
			origin: OriginFor<T>,
			job: JobId,
			result: Hash,
			position: Position,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_request_opening(&who, job, result, position)
		}

		/// Answers `requester`'s request: the leaf and its proof against the result's roots (a
		/// ranking entry with its query's record). The requester's bond is released and its
		/// grace starts: `opening_window` blocks in which it may ask again or challenge, and the
		/// job cannot end.
		///
		/// - Origin: signed, anyone (a supporter, usually).
		/// - Checks: an unanswered request of `requester` on `result`; the proofs verify with
		///   the job's counts; the position is the one asked for.
		/// - Emits [`Event::LeafOpened`] with the leaf and its proof, ready for a challenge.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::open_leaf())]
		pub fn open_leaf(
			origin: OriginFor<T>,
			job: JobId,
			result: Hash,
			requester: T::AccountId,
			leaf: alloc::boxed::Box<LeafOf<T>>,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_open_leaf(job, result, &requester, *leaf)
		}

		/// Ends `requester`'s request that nobody answered: `result` counts as refuted, its
		/// supporters are slashed as for a wrong result and the requester is paid as its
		/// challenger. The block hook does the same before the job can end.
		///
		/// - Origin: signed, anyone.
		/// - Checks: an unanswered request whose window has ended.
		/// - Emits [`Event::OpeningExpired`] and [`Event::WorkerSlashed`] per supporter.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::expire_opening().saturating_add(T::OnJobEnd::failed_weight()))]
		pub fn expire_opening(
			origin: OriginFor<T>,
			job: JobId,
			result: Hash,
			requester: T::AccountId,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_expire_opening(job, result, &requester)
		}

		/// Sets `min_stake`, the least a worker must hold to register and to stay active. Stakes
		/// held keep their amounts, as with [`Pallet::set_params`]: a worker below the new
		/// minimum stays active, and moves to unbonding the next time it is slashed.
		///
		/// - Origin: [`Config::WorkersOrigin`].
		/// - Checks: the resulting parameters are consistent ([`Error::BadParams`]).
		/// - Emits [`Event::ParamsSet`] with the parameters now in force.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::set_min_stake())]
		pub fn set_min_stake(origin: OriginFor<T>, min_stake: BalanceOf<T>) -> DispatchResult {
			T::WorkersOrigin::ensure_origin(origin)?;
			Self::do_set_min_stake(min_stake)
		}

		/// Bars `who` from registering and, if it is an active worker, moves it to unbonding as
		/// [`Pallet::unregister_worker`] does: its stake stays held, and slashable, for
		/// `unbonding_period`, and jobs it is assigned to still take its commit and reveal. An
		/// account that is not a worker can be barred ahead of time.
		///
		/// - Origin: [`Config::WorkersOrigin`].
		/// - Checks: `who` is not barred already ([`Error::AlreadyBarred`]).
		/// - Emits [`Event::WorkerUnbonding`] if `who` was active, then [`Event::WorkerRemoved`].
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::remove_worker())]
		pub fn remove_worker(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::WorkersOrigin::ensure_origin(origin)?;
			Self::do_remove_worker(&who)
		}

		/// Lifts the bar on `who`. It does not register `who`: the account registers itself,
		/// with a stake, once it is no longer registered (after [`Pallet::withdraw_unbonded`]
		/// if it was removed while active).
		///
		/// - Origin: [`Config::WorkersOrigin`].
		/// - Checks: `who` is barred ([`Error::NotBarred`]).
		/// - Emits [`Event::WorkerAdmitted`].
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::admit_worker())]
		pub fn admit_worker(origin: OriginFor<T>, who: T::AccountId) -> DispatchResult {
			T::WorkersOrigin::ensure_origin(origin)?;
			Self::do_admit_worker(&who)
		}
	}

	impl<T: Config> JobOpener<T::AccountId, BlockNumberFor<T>> for Pallet<T> {
		fn open_job(
			payer: &T::AccountId,
			spec: JobSpec<BlockNumberFor<T>>,
		) -> Result<JobId, DispatchError> {
			Self::do_open_job(payer, spec)
		}

		#[cfg(feature = "runtime-benchmarks")]
		fn prepare_workers() {
			use frame_support::traits::fungible::{Inspect, Mutate};
			use sp_runtime::traits::Saturating;
			let p = Self::params();
			let unit = p
				.min_stake
				.saturating_add(p.challenge_bond)
				.saturating_add(T::Currency::minimum_balance());
			let active = ActiveWorkers::<T>::decode_len().unwrap_or(0) as u32;
			for i in active..T::MaxWorkers::get() {
				let who: T::AccountId = frame_benchmarking::account("job-worker", i, 0);
				T::Currency::set_balance(&who, unit.saturating_mul(10u32.into()));
				let _ = Self::do_register(who, p.min_stake);
			}
		}
	}
}
