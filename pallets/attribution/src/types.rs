//! The values the attribution pallet stores, takes and hands out.

use crate::Config;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::fungible, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
};
use frame_system::pallet_prelude::BlockNumberFor;
use openledger_primitives::attribution::batch::search::Position;
use scale_info::TypeInfo;
use sp_runtime::Perbill;

pub use openledger_primitives::merkle::Hash;

pub use openledger_traits::{JobId, JobSpec};
/// The currency's balance type.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;
/// The workers assigned to one job.
pub type AssignedOf<T> =
	BoundedVec<<T as frame_system::Config>::AccountId, <T as Config>::MaxAssigned>;
/// The contributor totals one result reveals, by account (docs/attribution.md, "Batches").
pub type TotalsOf<T> =
	BoundedVec<(<T as frame_system::Config>::AccountId, u128), <T as Config>::MaxTotals>;
/// The active set with each worker's draw weight.
pub type ActiveSetOf<T> =
	BoundedVec<(<T as frame_system::Config>::AccountId, u32), <T as Config>::MaxWorkers>;

/// Whether a worker takes jobs or is on its way out.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum WorkerStatus<BlockNumber> {
	/// In the active set: can be assigned jobs and can challenge.
	Active,
	/// Left the active set; the stake stays held, and slashable, until `until`.
	Unbonding {
		/// The first block at which the stake can be withdrawn.
		until: BlockNumber,
	},
}

/// A registered worker.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Worker<Balance, BlockNumber> {
	/// The stake held from the worker: what a wrong result loses.
	pub stake: Balance,
	/// Active or unbonding.
	pub status: WorkerStatus<BlockNumber>,
}

/// Where a job stands.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum Phase<BlockNumber> {
	/// Workers commit until `commit_end`, then reveal until `reveal_end`; at `reveal_end + 1`
	/// the reveals are tallied.
	Working {
		/// Last block for commits.
		commit_end: BlockNumber,
		/// Last block for reveals.
		reveal_end: BlockNumber,
	},
	/// `result` stands unless a challenge refutes it by `challenge_end`; at `challenge_end + 1`
	/// it is final.
	Challenge {
		/// The candidate result's hash.
		result: Hash,
		/// Whether at least `quorum` workers revealed it.
		agreed: bool,
		/// Last block for challenges.
		challenge_end: BlockNumber,
	},
	/// No result can be final before the deadline any more; the job fails once every dispute
	/// of the round has ended (an unanswered request refutes its result first).
	Closing,
}

/// A job that is not final yet.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Job<T: Config> {
	/// Who opened it and pays for it.
	pub payer: T::AccountId,
	/// What it computes.
	pub spec: JobSpec<BlockNumberFor<T>>,
	/// The version's root (its file tree's), copied when the job opened.
	pub version_root: Hash,
	/// The version's file count.
	pub file_count: u32,
	/// The version's item count (`N`).
	pub item_count: u32,
	/// The Datanet's embedding dimension.
	pub dimension: u32,
	/// How many of each query's nearest entries are paid (`P`).
	pub paid_count: u32,
	/// Rounds started; a round that ends with no standing result reopens the job.
	pub round: u32,
	/// The workers of the current round, in draw order.
	pub assigned: AssignedOf<T>,
	/// Distinct results revealed in the current round; the next one's `first_seen`.
	pub results: u32,
	/// Disputes of the current round: the entries of [`crate::Openings`] under this job. The
	/// block hook bounds a transition's weight by it before it moves the job.
	pub disputes: u32,
	/// The current phase.
	pub phase: Phase<BlockNumberFor<T>>,
	/// The block whose `on_initialize` moves the job on (tally or finalize); its agenda entry.
	pub next_transition: BlockNumberFor<T>,
}

/// A revealed result and who revealed it.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Revealed<T: Config> {
	/// The root over the query records: each query's ranking commitment and paid sum.
	pub queries: Hash,
	/// The root over the credit slots.
	pub credits: Hash,
	/// How many contributor totals it revealed; they are kept apart, in [`crate::Totals`], so
	/// that a tally reading every result of a round does not read them.
	pub totals: u32,
	/// The workers who revealed exactly this, in reveal order.
	pub supporters: AssignedOf<T>,
	/// The order in which it was first revealed in its round; breaks ties between results.
	pub first_seen: u32,
	/// Who proved it wrong, once a challenge did; its supporters were slashed, and so is anyone
	/// who reveals it later, to the same challenger's profit.
	pub refuted_by: Option<T::AccountId>,
}

/// One requester's dispute of one result: its latest request to open a leaf of it, and how
/// many it has made. Kept until the round ends, so that the count holds for the whole round.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct Opening<T: Config> {
	/// The leaf asked for last.
	pub position: Position,
	/// Unanswered: the last block to open it in; after it, the result counts as refuted.
	/// Answered: the last block of the requester's grace, in which it may ask again or
	/// challenge even after the challenge window, and the job cannot end.
	pub due: BlockNumberFor<T>,
	/// The bond held from the requester while the request is unanswered.
	pub bond: BalanceOf<T>,
	/// Whether the leaf asked for was opened.
	pub answered: bool,
	/// Requests this requester has made of this result in this round, at most
	/// `max_batch_openings` of the job's trees.
	pub made: u32,
}

impl<T: Config> Opening<T> {
	/// Whether the dispute still holds the job open at `now`: a request unanswered, or answered
	/// and in its grace.
	pub fn live(&self, now: BlockNumberFor<T>) -> bool {
		!self.answered || now <= self.due
	}
}

/// A final result, readable through the runtime API.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, MaxEncodedLen, TypeInfo,
)]
#[scale_info(skip_type_params(T))]
#[codec(mel_bound())]
pub struct FinalResult<T: Config> {
	/// Who paid for the job.
	pub payer: T::AccountId,
	/// What the job computed.
	pub spec: JobSpec<BlockNumberFor<T>>,
	/// The version's item count.
	pub item_count: u32,
	/// The root over the query records.
	pub queries: Hash,
	/// The root over the credit slots.
	pub credits: Hash,
	/// How many contributor totals it revealed (the totals went to [`Config::OnJobEnd`] and
	/// are in the reveal's arguments).
	pub totals: u32,
	/// The workers who revealed it.
	pub supporters: AssignedOf<T>,
	/// Whether `quorum` workers agreed on it (otherwise it stood through the optimistic window).
	pub agreed: bool,
	/// When it became final.
	pub finalized_at: BlockNumberFor<T>,
}

/// Parameters Root (later governance) sets.
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct Params<Balance, BlockNumber> {
	/// The least stake a worker registers with, and keeps to stay active.
	pub min_stake: Balance,
	/// Workers drawn per job (`R`), at most `MaxAssigned`.
	pub replication: u32,
	/// Identical reveals that make a result agreed (`Q`), from 1 to `replication`.
	pub quorum: u32,
	/// Blocks for commits after a round starts.
	pub commit_window: BlockNumber,
	/// Blocks for reveals after the commit window.
	pub reveal_window: BlockNumber,
	/// Blocks an agreed result can still be challenged: covers reveals made late in the reveal
	/// window, which nobody could have checked yet.
	pub agreed_challenge_window: BlockNumber,
	/// Blocks a result without `quorum` agreement can be challenged.
	pub optimistic_challenge_window: BlockNumber,
	/// Held from a challenger while its challenge is checked; slashed if the challenge fails.
	pub challenge_bond: Balance,
	/// The share of each stake behind a refuted result that is slashed.
	pub wrong_result_slash: Perbill,
	/// The share of a slash paid to the challenger; the rest goes to the treasury.
	pub challenger_share: Perbill,
	/// Blocks the supporters of a result have to open a committed entry a challenger asked
	/// for; a result nobody opens in time is treated as refuted.
	pub opening_window: BlockNumber,
	/// Blocks an unregistered worker's stake stays held. Also the longest a job may run, so a
	/// stake behind a result is slashable until the job ends.
	pub unbonding_period: BlockNumber,
}

/// Why a job ended without a result.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum FailReason {
	/// No standing result and no time for another round before the deadline.
	NoResult,
	/// The active set was empty when a round had to start.
	NoWorkers,
	/// The runtime upgrade to batch results (storage version 3) ended it; its payer was
	/// refunded.
	Upgraded,
}
