//! What the worker daemon reads from the chain and submits to it, through the client of
//! `openledger-chain`.

use anyhow::{bail, Context, Result};
pub use openledger_chain::{api, connect, AccountId, AtBlock, Client, Signer};
use openledger_chain::{recode, Sender};
use openledger_primitives::{
	attribution::{
		batch::{
			search::{Opening, Position},
			BatchCommitment, BatchWitness, Inference, Rates,
		},
		Method,
	},
	datanet::file::FileLeaf,
	merkle::Hash,
};

/// An open job as the daemon needs it.
#[derive(Clone, Debug)]
pub struct JobView {
	pub id: u64,
	pub datanet: u32,
	pub version: u32,
	pub method: Method,
	pub top: u32,
	pub queries: QueriesView,
	pub rates: Rates,
	pub version_root: Hash,
	pub file_count: u32,
	pub item_count: u32,
	pub dimension: u32,
	pub paid_count: u32,
	pub round: u32,
	pub assigned: Vec<AccountId>,
	pub phase: Phase,
}

/// The queries a job ranks: one inference, whose query embedding the store holds under its
/// hash, or a batch file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueriesView {
	One(Inference),
	Batch { file: Hash, commitment: BatchCommitment },
}

impl QueriesView {
	/// The batch commitment every check proves inferences against.
	pub fn commitment(&self) -> BatchCommitment {
		match self {
			QueriesView::One(inference) => BatchCommitment::single(inference),
			QueriesView::Batch { commitment, .. } => *commitment,
		}
	}
}

/// Where a job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
	Working {
		commit_end: u32,
		reveal_end: u32,
	},
	Challenge {
		result: Hash,
		challenge_end: u32,
	},
	/// No result can be final before the deadline; the job fails once its disputes end.
	Closing,
}

/// One requester's dispute of a result: its latest request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisputeView {
	pub requester: AccountId,
	pub position: Position,
	pub answered: bool,
	/// Unanswered: the last block to answer in. Answered: the end of the requester's grace.
	pub due: u32,
	pub made: u32,
}

/// A revealed result of the current round (its totals are read apart, [`totals`]).
#[derive(Clone, Debug)]
pub struct RevealedView {
	pub queries: Hash,
	pub credits: Hash,
	pub supporters: Vec<AccountId>,
	pub refuted: bool,
}

/// A Datanet version's file leaves, in file-tree order.
pub struct VersionFiles {
	pub files: Vec<FileLeaf<AccountId>>,
	pub num_labels: u32,
}

type JobOnChain = api::runtime_types::pallet_attribution::types::Job;
type PhaseOnChain = api::runtime_types::pallet_attribution::types::Phase<u32>;
type QueriesOnChain = api::runtime_types::openledger_traits::attribution::Queries;

fn job_view(id: u64, job: JobOnChain) -> Result<JobView> {
	let phase = match job.phase {
		PhaseOnChain::Working { commit_end, reveal_end } => {
			Phase::Working { commit_end, reveal_end }
		},
		PhaseOnChain::Challenge { result, challenge_end, .. } => {
			Phase::Challenge { result, challenge_end }
		},
		PhaseOnChain::Closing => Phase::Closing,
	};
	let queries = match &job.spec.queries {
		QueriesOnChain::One(inference) => QueriesView::One(recode(inference)?),
		QueriesOnChain::Batch { file, commitment } => {
			QueriesView::Batch { file: *file, commitment: recode(commitment)? }
		},
	};
	Ok(JobView {
		id,
		datanet: job.spec.datanet,
		version: job.spec.version,
		method: recode(&job.spec.method)?,
		top: job.spec.top,
		queries,
		rates: recode(&job.spec.rates)?,
		version_root: job.version_root,
		file_count: job.file_count,
		item_count: job.item_count,
		dimension: job.dimension,
		paid_count: job.paid_count,
		round: job.round,
		assigned: job.assigned.0,
		phase,
	})
}

/// Every open job.
pub async fn open_jobs(at: &AtBlock) -> Result<Vec<JobView>> {
	let mut out = Vec::new();
	let mut iter = at.storage().iter(api::storage().attribution().jobs(), ()).await?;
	while let Some(kv) = iter.next().await {
		let kv = kv?;
		let (id,) = kv.key()?.decode()?;
		out.push(job_view(id, kv.value().decode()?)?);
	}
	Ok(out)
}

/// Whether `who` committed in the job's current round.
pub async fn has_committed(at: &AtBlock, job: u64, who: &AccountId) -> Result<bool> {
	Ok(at.storage().try_fetch(api::storage().attribution().commits(), (job, *who)).await?.is_some())
}

/// Whether `who` revealed in the job's current round.
pub async fn has_revealed(at: &AtBlock, job: u64, who: &AccountId) -> Result<bool> {
	Ok(at
		.storage()
		.try_fetch(api::storage().attribution().reveal_of(), (job, *who))
		.await?
		.is_some())
}

/// The results revealed in the job's current round, by result hash.
pub async fn results(at: &AtBlock, job: u64) -> Result<Vec<(Hash, RevealedView)>> {
	let mut out = Vec::new();
	let mut iter = at.storage().iter(api::storage().attribution().results(), (job,)).await?;
	while let Some(kv) = iter.next().await {
		let kv = kv?;
		let (_, result) = kv.key()?.decode()?;
		let r = kv.value().decode()?;
		out.push((
			result,
			RevealedView {
				queries: r.queries,
				credits: r.credits,
				supporters: r.supporters.0,
				refuted: r.refuted_by.is_some(),
			},
		));
	}
	Ok(out)
}

/// The contributor totals a result revealed.
pub async fn totals(at: &AtBlock, job: u64, result: Hash) -> Result<Vec<(AccountId, u128)>> {
	let totals =
		at.storage().try_fetch(api::storage().attribution().totals(), (job, result)).await?;
	match totals {
		Some(t) => Ok(t.decode()?.0),
		None => Ok(Vec::new()),
	}
}

/// The most totals a result reveals: the runtime's `MaxTotals`.
pub async fn max_totals(client: &Client) -> Result<u32> {
	let at = client.at_current_block().await?;
	Ok(at.constants().entry(&api::constants().attribution().max_totals())?)
}

/// Every requester's dispute of `result` in the job's current round.
pub async fn disputes(at: &AtBlock, job: u64, result: Hash) -> Result<Vec<DisputeView>> {
	let mut out = Vec::new();
	let mut iter =
		at.storage().iter(api::storage().attribution().openings(), (job, result)).await?;
	while let Some(kv) = iter.next().await {
		let kv = kv?;
		let (_, _, requester) = kv.key()?.decode()?;
		let o = kv.value().decode()?;
		out.push(DisputeView {
			requester,
			position: recode(&o.position)?,
			answered: o.answered,
			due: o.due,
			made: o.made,
		});
	}
	Ok(out)
}

/// How many file leaves one `DatanetsApi::version_files` call returns at most (the runtime's cap).
const FILES_PER_CALL: u32 = 1_000;

/// The file leaves of a published version, through the `DatanetsApi::version_files` runtime
/// API, a page of 1,000 leaves per call: `ceil(files / 1,000)` round trips, none per item. (It
/// read two storage entries per file before, one after the other: 9.5 s for 100 files.)
pub async fn version_files(at: &AtBlock, datanet: u32, version: u32) -> Result<VersionFiles> {
	let info = at
		.storage()
		.try_fetch(api::storage().datanets().datanets(), (datanet,))
		.await?
		.with_context(|| format!("Datanet {datanet} does not exist"))?
		.decode()?;
	let v = at
		.storage()
		.try_fetch(api::storage().datanets().versions(), (datanet, version))
		.await?
		.with_context(|| format!("version {version} of Datanet {datanet} does not exist"))?
		.decode()?;
	let mut files: Vec<FileLeaf<AccountId>> = Vec::with_capacity(v.file_count as usize);
	while (files.len() as u32) < v.file_count {
		let start = files.len() as u32;
		let call = api::runtime_apis().datanets_api().version_files(
			datanet,
			version,
			start,
			FILES_PER_CALL,
		);
		let page = at.runtime_apis().call(call).await.with_context(|| {
			format!("reading the file leaves of version {version} from {start}")
		})?;
		if page.is_empty() {
			bail!(
				"version {version} of Datanet {datanet} lists {} files but the node returned none from position {start}",
				v.file_count
			);
		}
		for leaf in &page {
			files.push(recode(leaf)?);
		}
	}
	Ok(VersionFiles { files, num_labels: info.num_labels })
}

/// A call the daemon submits.
pub enum Call {
	Commit {
		job: u64,
		hash: Hash,
	},
	Reveal {
		job: u64,
		queries: Hash,
		credits: Hash,
		totals: Vec<(AccountId, u128)>,
		salt: [u8; 32],
	},
	RequestOpening {
		job: u64,
		result: Hash,
		position: Position,
	},
	OpenLeaf {
		job: u64,
		result: Hash,
		requester: AccountId,
		leaf: Box<Opening<AccountId>>,
	},
	Challenge {
		job: u64,
		result: Hash,
		witness: Box<BatchWitness<AccountId>>,
		query: Vec<i8>,
	},
}

impl Call {
	pub fn name(&self) -> &'static str {
		match self {
			Call::Commit { .. } => "commit",
			Call::Reveal { .. } => "reveal",
			Call::RequestOpening { .. } => "request_opening",
			Call::OpenLeaf { .. } => "open_leaf",
			Call::Challenge { .. } => "challenge",
		}
	}
}

/// Submits the daemon's calls, signed by its key.
pub struct Submitter {
	pub sender: Sender,
	pub account: AccountId,
}

impl Submitter {
	pub fn new(signer: Signer) -> Submitter {
		let sender = Sender::new(signer);
		Submitter { account: sender.account, sender }
	}

	/// Uses `rpc` from now on.
	pub fn connected(&mut self, rpc: openledger_chain::Rpc) {
		self.sender.connected(rpc);
	}

	/// Submits `call` to the pool; returns once the pool accepted it.
	pub async fn submit(&mut self, at: &AtBlock, call: Call) -> Result<()> {
		let tx = api::tx().attribution();
		let name = call.name();
		let s = &mut self.sender;
		match call {
			Call::Commit { job, hash } => s.send(at, name, &tx.commit(job, hash)).await,
			Call::Reveal { job, queries, credits, totals, salt } => {
				s.send(at, name, &tx.reveal(job, queries, credits, recode(&totals)?, salt)).await
			},
			Call::RequestOpening { job, result, position } => {
				s.send(at, name, &tx.request_opening(job, result, recode(&position)?)).await
			},
			Call::OpenLeaf { job, result, requester, leaf } => {
				s.send(at, name, &tx.open_leaf(job, result, requester, recode(&leaf)?)).await
			},
			Call::Challenge { job, result, witness, query } => {
				let (witness, query) = (recode(&witness)?, recode(&query)?);
				s.send(at, name, &tx.challenge(job, result, witness, query)).await
			},
		}?;
		Ok(())
	}
}
