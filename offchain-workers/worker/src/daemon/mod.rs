//! `openledger-worker run`: the attribution worker daemon.
//!
//! It follows the node's best blocks. At each block it reads every open attribution job and:
//!
//! - for a job assigned to its key, fetches the version's embeddings and the job's queries (one
//!   query embedding, or a batch file) from the content store (each object checked against its
//!   hash, a batch against the batch commitment the chain recorded), ranks every query on the
//!   GPU or the CPU, settles the batch (docs/attribution.md, "Batches"), saves the salt and the
//!   result's roots and totals (see [`state`]), commits while the commit window is open and
//!   reveals once it has closed;
//! - answers every request to open a leaf of a result it revealed (a query record, a ranking
//!   entry or a credit slot), whoever asked, with the leaf and its proof;
//! - from the reveals on, checks every other result of the round against its own with the
//!   challenger's search (`openledger_primitives::attribution::batch::search`): each block it
//!   asks for the one leaf the search needs next (never one it or another worker already asked
//!   for or got), learns the other trees' nodes from every opened leaf's proof, whoever asked
//!   for it, and challenges as soon as the search has a witness. The search finds any fault
//!   in at most `max(h_M + 2 h_T + 2, h_S + 1)` openings; the runtime holds the job open while
//!   the dispute runs (docs/attribution.md, "Disputes").
//!
//! Each block is two passes over the open jobs: commits and reveals for all of them first (their
//! windows are a few blocks), then openings and policing. Each pass reads what it needs for all
//! jobs at once, concurrently, before it steps any of them: one read after another, a few dozen
//! jobs' reads take longer than a block on a busy node (docs/BENCHMARKS.md, "A thousand paid
//! inferences a second").
//!
//! Everything it decides comes from chain state, read afresh each block, plus what it saved
//! before committing; so it carries on across a node restart (the RPC client reconnects) and
//! across its own crash (it reveals what it committed to and never commits anything else).

pub mod chain;
pub mod metrics;
pub mod state;
pub mod store;

use anyhow::{bail, Context, Result};
use chain::{
	AccountId, AtBlock, Call, DisputeView, JobView, Phase, QueriesView, RevealedView, Submitter,
};
use codec::Encode;
use futures::FutureExt;
use metrics::Metrics;
use openledger_engine::{
	attribute::{attribute, Engine},
	commit::blake2_256,
	Embeddings, Inputs,
};
use openledger_primitives::{
	attribution::{
		batch::{
			arrange,
			search::{BatchChallenger, BatchMove, Opening, Position},
			select_totals, settle, slot_hash, BatchFile, BatchJob, BatchSettlement, BatchTree,
			ProvenQuery, ProvenSlot, QueryRecord,
		},
		check::{paid_count, ProvenEntry},
		commitment,
		witness::VersionData,
		Entry,
	},
	datanet::file::VersionCommitment,
	merkle::{Hash, Levels},
};
use state::{JobState, StateDir};
use std::{
	collections::{BTreeMap, HashMap},
	net::SocketAddr,
	path::PathBuf,
	sync::{atomic::Ordering, Arc},
	time::{Duration, SystemTime, UNIX_EPOCH},
};
use store::{Store, StoreError};

/// How the daemon runs.
pub struct Options {
	/// The node's WebSocket RPC endpoint.
	pub node: String,
	/// The worker's key.
	pub signer: chain::Signer,
	/// Where embeddings and queries are fetched from.
	pub store: Store,
	/// Where commitments are saved before they are submitted.
	pub state_dir: PathBuf,
	/// Where results are computed.
	pub engine: Engine,
	/// Where Prometheus metrics are served, if anywhere.
	pub metrics: Option<SocketAddr>,
	/// For tests of the challenge path only: add 1 to the value of the entry at rank 0 of every
	/// result, so that this worker commits and reveals a wrong result (which it opens honestly
	/// when asked) and the others must prove it wrong.
	pub corrupt_one_entry: bool,
	/// For tests of the challenge path only: add 1 to the value of the last committed entry,
	/// below the paid ones, so that the paid entries are honest and only openings show the lie.
	pub corrupt_tail: bool,
	/// For tests of the challenge path only: credit the largest contributor total half of the
	/// second largest's, and that one half less, every running total and revealed total
	/// recomputed to match, so that the result is consistent except in two credits' amounts.
	pub inflate_total: bool,
}

impl Options {
	fn lies(&self) -> bool {
		self.corrupt_one_entry || self.corrupt_tail || self.inflate_total
	}
}

/// What the daemon knows of another worker's result: every leaf opened of it, by anyone.
#[derive(Default)]
struct Challenge {
	opened: BTreeMap<Position, Opening<AccountId>>,
	done: bool,
}

/// Where an opened leaf sits.
fn position_of(leaf: &Opening<AccountId>) -> Position {
	match leaf {
		Opening::Query(q) => Position::Query(q.proof.leaf_index),
		Opening::Entry { record, entry } => {
			Position::Entry { query: record.proof.leaf_index, rank: entry.proof.leaf_index }
		},
		Opening::Slot(s) => Position::Slot(s.proof.leaf_index),
	}
}

impl Challenge {
	/// What was kept of a result before a restart.
	fn resumed(states: &StateDir, job: u64, result: &Hash) -> Challenge {
		let opened =
			states.load_opened(job, result).into_iter().map(|l| (position_of(&l), l)).collect();
		Challenge { opened, done: false }
	}
}

/// Blocks to wait before resubmitting a transaction that has not taken effect.
const RESUBMIT_AFTER: u64 = 3;

/// A version's items as the daemon holds them.
type Version = openledger_engine::files::LoadedVersion<AccountId>;

/// This worker's result for a job: every query's ranking and the batch's settlement.
/// What a pass over the open jobs reads from the block, read ahead for all of them at once
/// (`Daemon::read_ahead`).
#[derive(Default)]
struct Reads {
	committed: HashMap<u64, bool>,
	revealed: HashMap<u64, bool>,
	results: HashMap<u64, Vec<(Hash, RevealedView)>>,
	disputes: HashMap<(u64, Hash), Vec<DisputeView>>,
}

/// The two passes over the open jobs at each block.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
	/// Commit and reveal, for the jobs we are assigned.
	Work,
	/// Answer openings of our result and police the others.
	Police,
}

struct Computed {
	batch: Arc<BatchFile>,
	rankings: Vec<Vec<Entry>>,
	settlement: BatchSettlement<AccountId>,
	queries: Hash,
	credits: Hash,
	records: Levels,
	slots: Levels,
}

impl Computed {
	fn new(
		batch: Arc<BatchFile>,
		rankings: Vec<Vec<Entry>>,
		settlement: BatchSettlement<AccountId>,
	) -> Computed {
		let records = Levels::new(settlement.records.iter().map(QueryRecord::leaf_hash).collect());
		let slots = Levels::new(settlement.slots.iter().map(slot_hash).collect());
		Computed {
			batch,
			rankings,
			queries: records.root(),
			credits: slots.root(),
			settlement,
			records,
			slots,
		}
	}

	fn result_hash(&self) -> Hash {
		result_hash(&self.queries, &self.credits, &self.settlement.totals)
	}

	fn record(&self, q: u32) -> Option<ProvenQuery> {
		Some(ProvenQuery {
			record: *self.settlement.records.get(q as usize)?,
			proof: self.records.proof(q as usize)?,
		})
	}

	/// The leaf at `position` of our result, with its proof: what a requester gets.
	fn leaf(&self, position: Position) -> Option<Opening<AccountId>> {
		Some(match position {
			Position::Query(q) => Opening::Query(self.record(q)?),
			Position::Entry { query, rank } => {
				let entries = self.rankings.get(query as usize)?;
				let hashes: Vec<Hash> = entries.iter().map(Entry::leaf_hash).collect();
				let proof = openledger_primitives::merkle::proof(&hashes, rank as usize)?;
				let entry = ProvenEntry { entry: *entries.get(rank as usize)?, proof };
				Opening::Entry { record: self.record(query)?, entry }
			},
			Position::Slot(i) => Opening::Slot(ProvenSlot {
				slot: self.settlement.slots.get(i as usize)?.clone(),
				proof: self.slots.proof(i as usize)?,
			}),
		})
	}
}

/// The hash the attribution pallet identifies a result by: blake2-256 of SCALE
/// `(queries, credits, totals)`.
pub fn result_hash(queries: &Hash, credits: &Hash, totals: &[(AccountId, u128)]) -> Hash {
	blake2_256(&(queries, credits, totals).encode())
}

/// The commit hash the attribution pallet checks a reveal against: blake2-256 of SCALE
/// `(b"openledger/attribution/commit", job, worker, queries, credits, totals, salt)`.
pub fn commit_hash(
	job: u64,
	worker: &AccountId,
	queries: &Hash,
	credits: &Hash,
	totals: &[(AccountId, u128)],
	salt: &[u8; 32],
) -> Hash {
	let preimage = (b"openledger/attribution/commit", job, worker, queries, credits, totals, salt);
	blake2_256(&preimage.encode())
}

fn now_ms() -> u64 {
	SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

struct Worker {
	opts: Options,
	submitter: Submitter,
	states: StateDir,
	jobs: HashMap<u64, JobState>,
	computed: HashMap<u64, Computed>,
	versions: HashMap<(u32, u32), Arc<Version>>,
	batches: HashMap<Hash, Arc<BatchFile>>,
	max_totals: u32,
	challenges: HashMap<(u64, Hash), Challenge>,
	sent: HashMap<(u64, Hash, &'static str), u64>,
	metrics: Arc<Metrics>,
}

/// Runs the daemon until `shutdown` resolves. It stops at its next await point: everything it
/// decides is saved before it is submitted (see [`state`]), so stopping anywhere is as safe as
/// a crash, which it recovers from.
pub async fn run(opts: Options, shutdown: impl std::future::Future<Output = ()>) -> Result<()> {
	tokio::select! {
		result = run_until_error(opts) => result,
		() = shutdown => {
			tracing::info!("worker daemon stopping");
			Ok(())
		},
	}
}

async fn run_until_error(opts: Options) -> Result<()> {
	let metrics = Arc::new(Metrics::default());
	if let Some(addr) = opts.metrics {
		openledger_chain::metrics::serve(addr, metrics.clone())
			.await
			.with_context(|| format!("serving metrics on {addr}"))?;
	}
	let submitter = Submitter::new(opts.signer.clone());
	let states = StateDir::open(&opts.state_dir.join(submitter.account.to_string()))?;
	let jobs: HashMap<u64, JobState> = states.load_all().into_iter().map(|s| (s.job, s)).collect();
	tracing::info!(
		worker = %submitter.account,
		node = %opts.node,
		engine = %opts.engine.describe(),
		resumed_jobs = jobs.len(),
		corrupt_one_entry = opts.corrupt_one_entry,
		corrupt_tail = opts.corrupt_tail,
		inflate_total = opts.inflate_total,
		"worker daemon starting"
	);
	let mut worker = Worker {
		opts,
		submitter,
		states,
		jobs,
		computed: HashMap::new(),
		versions: HashMap::new(),
		batches: HashMap::new(),
		max_totals: 0,
		challenges: HashMap::new(),
		sent: HashMap::new(),
		metrics,
	};
	loop {
		// The RPC client retries a dead node forever; bound the first attempt so that a node
		// that is down is reported, and the daemon keeps trying.
		let connected =
			tokio::time::timeout(Duration::from_secs(10), chain::connect(&worker.opts.node))
				.await
				.map_err(|_| anyhow::anyhow!("no answer within 10 s"))
				.and_then(|c| c.map_err(anyhow::Error::from));
		match connected {
			Ok((client, rpc)) => {
				worker.submitter.connected(rpc);
				worker.max_totals = chain::max_totals(&client).await?;
				Metrics::inc(&worker.metrics.connections);
				tracing::info!("connected to the node");
				loop {
					if let Err(e) = worker.follow(&client).await {
						Metrics::inc(&worker.metrics.errors);
						tracing::warn!(error = %format!("{e:#}"), "lost the block stream; resubscribing");
					}
					tokio::time::sleep(Duration::from_secs(1)).await;
				}
			},
			Err(e) => {
				Metrics::inc(&worker.metrics.errors);
				tracing::warn!(error = %format!("{e:#}"), "node unreachable; retrying");
				tokio::time::sleep(Duration::from_secs(2)).await;
			},
		}
	}
}

impl Worker {
	fn me(&self) -> &AccountId {
		&self.submitter.account
	}

	fn challenge(&mut self, job: u64, result: Hash) -> &mut Challenge {
		let states = &self.states;
		self.challenges
			.entry((job, result))
			.or_insert_with(|| Challenge::resumed(states, job, &result))
	}

	async fn follow(&mut self, client: &chain::Client) -> Result<()> {
		let mut blocks = client.stream_best_blocks().await?;
		while let Some(block) = blocks.next().await {
			// The blocks that arrived while the last one was processed (loading a large version
			// takes several). Each one's events are read, for the entries opened in it, but jobs
			// are stepped at the newest only: acting on an older view would resend what is
			// already on chain, e.g. a commit it cannot see yet (refused `AlreadyCommitted`,
			// and a fee lost).
			let mut batch = vec![block];
			while let Some(Some(next)) = blocks.next().now_or_never() {
				batch.push(next);
			}
			let newest = batch.len() - 1;
			for (i, block) in batch.into_iter().enumerate() {
				let block = block?;
				let n = block.number();
				self.metrics.best_block.store(n, Ordering::Relaxed);
				let at = block.at().await?;
				let stepped = if i == newest {
					self.on_block(&at, n).await
				} else {
					tracing::debug!(block = n, "behind the best block: reading its events only");
					self.on_events(&at).await
				};
				if let Err(e) = stepped {
					Metrics::inc(&self.metrics.errors);
					tracing::warn!(block = n, error = %format!("{e:#}"), "could not process a block");
				}
			}
		}
		bail!("the block stream ended")
	}

	async fn on_block(&mut self, at: &AtBlock, n: u64) -> Result<()> {
		self.on_events(at).await?;
		let open = chain::open_jobs(at).await?;
		// Jobs that ended: count them and forget what was saved. A block older than the one a
		// state was saved at says nothing (the block stream starts from the finalized block).
		let ended: Vec<u64> = self
			.jobs
			.values()
			.filter(|s| n >= s.seen_block && !open.iter().any(|j| j.id == s.job))
			.map(|s| s.job)
			.collect();
		for id in ended {
			if let Some(state) = self.jobs.remove(&id) {
				Metrics::inc(&self.metrics.jobs_done);
				self.metrics
					.job_millis
					.fetch_add(now_ms().saturating_sub(state.seen_ms), Ordering::Relaxed);
				tracing::info!(
					job = id,
					seconds = (now_ms().saturating_sub(state.seen_ms)) as f64 / 1e3,
					"job ended"
				);
			}
			self.states.remove(id);
			self.computed.remove(&id);
			self.challenges.retain(|(job, _), _| *job != id);
		}
		// Commits and reveals first, for every job: they have windows of a few blocks, and
		// policing many jobs must not push them past their ends. Then openings and policing.
		let mut millis = [0u64; 2];
		for (i, pass) in [Pass::Work, Pass::Police].into_iter().enumerate() {
			let started = std::time::Instant::now();
			let reads = self.read_ahead(at, n, &open, pass).await;
			for job in &open {
				if let Err(e) = self.on_job(at, n, job, pass, &reads).await {
					Metrics::inc(&self.metrics.errors);
					tracing::warn!(job = job.id, block = n, error = %format!("{e:#}"), "job step failed; retrying next block");
				}
			}
			millis[i] = started.elapsed().as_millis() as u64;
		}
		tracing::debug!(
			block = n,
			open = open.len(),
			work_millis = millis[0],
			police_millis = millis[1],
			"stepped the open jobs"
		);
		Ok(())
	}

	async fn on_events(&mut self, at: &AtBlock) -> Result<()> {
		use chain::api::attribution::events as ev;
		let events = at.events().fetch().await?;
		for e in events.find::<ev::LeafOpened>() {
			let e = e?;
			if !self.jobs.contains_key(&e.job) {
				// Not a job of ours: we do not police it.
				continue;
			}
			// Whoever asked for it, an opened leaf tells about the other trees. Kept on disk, so
			// a restart does not ask for it again.
			let opened: Opening<AccountId> = openledger_chain::recode(&e.leaf)?;
			let position = position_of(&opened);
			tracing::debug!(job = e.job, ?position, "a leaf was opened");
			let ch = self.challenge(e.job, e.result);
			ch.opened.insert(position, opened);
			let all: Vec<Opening<AccountId>> = ch.opened.values().cloned().collect();
			if let Err(err) = self.states.save_opened(e.job, &e.result, &all) {
				tracing::warn!(job = e.job, error = %format!("{err:#}"), "could not keep an opened entry");
			}
		}
		// Counted once on chain: a resubmitted or refused request is not an opening.
		for e in events.find::<ev::OpeningRequested>() {
			let e = e?;
			if &e.requester == self.me() {
				Metrics::inc(&self.metrics.openings_requested);
			}
		}
		for e in events.find::<ev::ChallengeUpheld>() {
			let e = e?;
			if &e.challenger == self.me() {
				Metrics::inc(&self.metrics.challenges_won);
				tracing::info!(job = e.job, reward = e.reward, "our challenge was upheld");
			}
		}
		for e in events.find::<ev::ChallengeRejected>() {
			let e = e?;
			if &e.challenger == self.me() {
				Metrics::inc(&self.metrics.challenges_lost);
				tracing::warn!(job = e.job, "our challenge was rejected");
				// Never again against this result: the search and the runtime disagree.
				self.challenge(e.job, e.result).done = true;
			}
		}
		Ok(())
	}

	/// What `pass` will read for each open job, read concurrently. Read one after another, a
	/// few dozen jobs' reads take longer than a block on a busy node. A read that fails is left
	/// out, and the step reads it again itself (and reports the error).
	async fn read_ahead(&self, at: &AtBlock, n: u64, open: &[JobView], pass: Pass) -> Reads {
		let me = *self.me();
		let mut reads = Reads::default();
		match pass {
			Pass::Work => {
				let working = open.iter().filter(|j| {
					matches!(j.phase, Phase::Working { .. }) && j.assigned.contains(&me)
				});
				let fetched = futures::future::join_all(working.map(|j| async move {
					let committed = chain::has_committed(at, j.id, &me).await;
					// Nothing is revealed before the commit window ends: not worth a read.
					let revealing = match j.phase {
						Phase::Working { commit_end, .. } => n >= commit_end as u64,
						_ => false,
					};
					let revealed = match revealing {
						true => Some(chain::has_revealed(at, j.id, &me).await),
						false => None,
					};
					(j.id, committed, revealed)
				}))
				.await;
				for (id, committed, revealed) in fetched {
					if let Ok(c) = committed {
						reads.committed.insert(id, c);
					}
					if let Some(Ok(r)) = revealed {
						reads.revealed.insert(id, r);
					}
				}
			},
			Pass::Police => {
				let policed = open.iter().filter_map(|j| {
					let past_commits = match j.phase {
						Phase::Working { commit_end, .. } => n >= commit_end as u64,
						_ => true,
					};
					let ours = self.jobs.get(&j.id).is_some_and(|s| s.round == j.round);
					let mine = self.computed.get(&j.id)?.result_hash();
					(past_commits && ours).then_some((j.id, mine))
				});
				let fetched = futures::future::join_all(policed.map(|(id, mine)| async move {
					let results = chain::results(at, id).await;
					let disputes = chain::disputes(at, id, mine).await;
					(id, mine, results, disputes)
				}))
				.await;
				for (id, mine, results, disputes) in fetched {
					if let Ok(r) = results {
						reads.results.insert(id, r);
					}
					if let Ok(d) = disputes {
						reads.disputes.insert((id, mine), d);
					}
				}
			},
		}
		reads
	}

	async fn on_job(
		&mut self,
		at: &AtBlock,
		n: u64,
		job: &JobView,
		pass: Pass,
		reads: &Reads,
	) -> Result<()> {
		if self.jobs.get(&job.id).is_some_and(|s| n < s.seen_block) {
			// An older view than the one our commitment was made at: catching up.
			return Ok(());
		}
		if pass == Pass::Work {
			if job.assigned.contains(self.me()) {
				self.work(at, n, job, reads).await?;
			}
			return Ok(());
		}
		if let Phase::Working { commit_end, .. } = job.phase {
			if n < commit_end as u64 {
				// Nothing is revealed before the commit window ends: no result to open or police.
				return Ok(());
			}
		}
		let ours = self.jobs.get(&job.id).is_some_and(|s| s.round == job.round);
		if ours {
			self.answer_openings(at, n, job, reads).await?;
			if !self.opts.lies() {
				self.police(at, n, job, reads).await?;
			}
		}
		Ok(())
	}

	/// Commit and reveal.
	async fn work(&mut self, at: &AtBlock, n: u64, job: &JobView, reads: &Reads) -> Result<()> {
		let Phase::Working { commit_end, reveal_end } = job.phase else { return Ok(()) };
		let (commit_end, reveal_end) = (commit_end as u64, reveal_end as u64);
		let fresh = self.jobs.get(&job.id).is_none_or(|s| s.round != job.round);
		if fresh {
			if n >= commit_end {
				return Ok(());
			}
			// A later round of the same job asks for the same result: computed once.
			if !self.computed.contains_key(&job.id) {
				let computed = self.compute(at, job).await?;
				self.computed.insert(job.id, computed);
			}
			let computed = &self.computed[&job.id];
			let mut salt = [0u8; 32];
			getrandom::getrandom(&mut salt).context("no randomness for the salt")?;
			let state = JobState {
				job: job.id,
				round: job.round,
				salt,
				queries: computed.queries,
				credits: computed.credits,
				totals: JobState::encode_totals(&computed.settlement.totals),
				seen_ms: self.jobs.get(&job.id).map_or_else(now_ms, |s| s.seen_ms),
				seen_block: n,
			};
			// Saved before anything is submitted: after a crash the daemon reveals this.
			self.states.save(&state)?;
			tracing::info!(
				job = job.id,
				round = job.round,
				queries = %openledger_primitives::hex::to_hex(&state.queries),
				credits = %openledger_primitives::hex::to_hex(&state.credits),
				totals = computed.settlement.totals.len(),
				"computed"
			);
			self.jobs.insert(job.id, state);
		}
		let state = self.jobs.get(&job.id).expect("saved above").clone();
		let me = *self.me();
		let committed = match reads.committed.get(&job.id) {
			Some(&c) => c,
			None => chain::has_committed(at, job.id, &me).await?,
		};
		if !committed {
			let totals = state.totals()?;
			let hash =
				commit_hash(job.id, &me, &state.queries, &state.credits, &totals, &state.salt);
			if n < commit_end && self.due(job.id, hash, "commit", n) {
				self.submit(at, n, Call::Commit { job: job.id, hash }).await?;
				Metrics::inc(&self.metrics.commits);
			}
		} else if n >= commit_end
			&& n < reveal_end
			&& self.due(job.id, state.salt, "reveal", n)
			&& !self.revealed(at, job.id, reads).await?
		{
			let call = Call::Reveal {
				job: job.id,
				queries: state.queries,
				credits: state.credits,
				totals: state.totals()?,
				salt: state.salt,
			};
			self.submit(at, n, call).await?;
			Metrics::inc(&self.metrics.reveals);
		}
		Ok(())
	}

	async fn revealed(&self, at: &AtBlock, job: u64, reads: &Reads) -> Result<bool> {
		match reads.revealed.get(&job) {
			Some(&r) => Ok(r),
			None => chain::has_revealed(at, job, self.me()).await,
		}
	}

	/// Whether a transaction of this kind may be sent for the job (and result, or
	/// requester's dispute) now: none sent lately.
	fn due(&self, job: u64, about: Hash, kind: &'static str, n: u64) -> bool {
		self.sent.get(&(job, about, kind)).is_none_or(|&at| n >= at + RESUBMIT_AFTER)
	}

	async fn submit(&mut self, at: &AtBlock, n: u64, call: Call) -> Result<()> {
		let (name, job, about) = match &call {
			// Keyed by the round's commitment and salt: a new round's commit or reveal is due at
			// once, whenever the last round's was sent.
			Call::Commit { job, hash } => (call.name(), *job, *hash),
			Call::Reveal { job, salt, .. } => (call.name(), *job, *salt),
			Call::RequestOpening { job, result, .. } | Call::Challenge { job, result, .. } => {
				(call.name(), *job, *result)
			},
			Call::OpenLeaf { job, requester, .. } => (call.name(), *job, requester.0),
		};
		self.sent.insert((job, about, name), n);
		self.submitter
			.submit(at, call)
			.await
			.with_context(|| format!("submitting {name} for job {job}"))?;
		tracing::info!(job, call = name, block = n, "submitted");
		Ok(())
	}

	/// Our result for `job`, computed now if this process has not yet.
	async fn ensure_computed(&mut self, at: &AtBlock, job: &JobView) -> Result<()> {
		if self.computed.contains_key(&job.id) {
			return Ok(());
		}
		let computed = self.compute(at, job).await?;
		if let Some(state) = self.jobs.get(&job.id) {
			if (state.queries, state.credits) != (computed.queries, computed.credits) {
				bail!("recomputing job {} gave another result than the one saved", job.id);
			}
		}
		self.computed.insert(job.id, computed);
		Ok(())
	}

	async fn answer_openings(
		&mut self,
		at: &AtBlock,
		n: u64,
		job: &JobView,
		reads: &Reads,
	) -> Result<()> {
		self.ensure_computed(at, job).await?;
		let result = self.computed[&job.id].result_hash();
		let disputes = match reads.disputes.get(&(job.id, result)) {
			Some(d) => d.clone(),
			None => chain::disputes(at, job.id, result).await?,
		};
		for dispute in disputes {
			if dispute.answered || !self.due(job.id, dispute.requester.0, "open_leaf", n) {
				continue;
			}
			let leaf = self.computed[&job.id]
				.leaf(dispute.position)
				.context("asked for a position our result does not have")?;
			tracing::info!(job = job.id, position = ?dispute.position, requester = %dispute.requester, "opening a leaf of our result");
			let call = Call::OpenLeaf {
				job: job.id,
				result,
				requester: dispute.requester,
				leaf: Box::new(leaf),
			};
			self.submit(at, n, call).await?;
			Metrics::inc(&self.metrics.openings_answered);
		}
		Ok(())
	}

	/// Checks the other results of the round with the challenger's search: asks for the leaf
	/// it needs next, or challenges.
	async fn police(&mut self, at: &AtBlock, n: u64, job: &JobView, reads: &Reads) -> Result<()> {
		self.ensure_computed(at, job).await?;
		let my_result = self.computed[&job.id].result_hash();
		let me = *self.me();
		let all = match reads.results.get(&job.id) {
			Some(r) => r.clone(),
			None => chain::results(at, job.id).await?,
		};
		let results: Vec<_> = all
			.into_iter()
			.filter(|(result, theirs)| {
				*result != my_result && !theirs.refuted && !theirs.supporters.contains(&me)
			})
			.collect();
		if results.is_empty() {
			// The common case: nothing to police, and no challenger to build.
			return Ok(());
		}
		let version = self.version(at, job).await?;
		let mine = &self.computed[&job.id];
		let data = VersionData { items: &version.items, embeddings: &version.embeddings };
		let paid = paid_count(job.method, job.item_count, job.top);
		let challenger =
			BatchChallenger::new(data, &mine.batch, &mine.rankings, &mine.settlement, paid)
				.context("an empty batch")?;
		let mut calls = Vec::new();
		for (result, theirs) in results {
			let ch = self
				.challenges
				.entry((job.id, result))
				.or_insert_with(|| Challenge::resumed(&self.states, job.id, &result));
			if ch.done {
				continue;
			}
			let disputes = chain::disputes(at, job.id, result).await?;
			let my_dispute = disputes.iter().find(|d| d.requester == me);
			// After the challenge window, only a dispute of ours in its grace may go on.
			let window_open = match job.phase {
				Phase::Working { .. } => true,
				// What we send now lands in a later block.
				Phase::Challenge { challenge_end, .. } => n < challenge_end as u64,
				Phase::Closing => false,
			};
			if !window_open && !my_dispute.is_some_and(|d| !d.answered || n <= d.due as u64) {
				continue;
			}
			let totals = chain::totals(at, job.id, result).await?;
			let view = BatchJob {
				method: job.method,
				version: VersionCommitment {
					root: job.version_root,
					file_count: job.file_count,
					item_count: job.item_count,
				},
				dimension: job.dimension,
				batch: job.queries.commitment(),
				rates: job.rates,
				paid: job.paid_count,
				max_totals: self.max_totals,
				queries: theirs.queries,
				credits: theirs.credits,
				totals: &totals,
			};
			let opened: Vec<Opening<AccountId>> = ch.opened.values().cloned().collect();
			match challenger.next_move(&view, &opened) {
				// Sent again every few blocks until the result is refuted, in case it is lost.
				BatchMove::Challenge(witness) => {
					tracing::info!(job = job.id, result = %openledger_primitives::hex::to_hex(&result), openings = opened.len(), "challenging a wrong result");
					let query = challenger.query_of(&witness).to_vec();
					calls.push(Call::Challenge { job: job.id, result, witness, query });
				},
				BatchMove::Open(position) => {
					// One request of ours at a time; never a position someone already asked for.
					let waiting = my_dispute.is_some_and(|d| !d.answered);
					let asked = disputes.iter().any(|d| !d.answered && d.position == position);
					if !waiting && !asked {
						tracing::info!(
							job = job.id,
							?position,
							made = my_dispute.map_or(0, |d| d.made),
							"asking another result's workers to open a leaf"
						);
						calls.push(Call::RequestOpening { job: job.id, result, position });
					}
				},
				BatchMove::Nothing => ch.done = true,
			}
		}
		for call in calls {
			let (job_id, result) = match &call {
				Call::RequestOpening { job, result, .. } | Call::Challenge { job, result, .. } => {
					(*job, *result)
				},
				_ => continue,
			};
			if !self.due(job_id, result, call.name(), n) {
				continue;
			}
			match self.submit(at, n, call).await {
				Ok(()) => {},
				Err(e) => {
					Metrics::inc(&self.metrics.errors);
					tracing::warn!(job = job.id, error = %format!("{e:#}"), "submission failed");
				},
			}
		}
		Ok(())
	}

	async fn version(&mut self, at: &AtBlock, job: &JobView) -> Result<Arc<Version>> {
		if let Some(v) = self.versions.get(&(job.datanet, job.version)) {
			return Ok(v.clone());
		}
		let listed = chain::version_files(at, job.datanet, job.version).await?;
		let expected = VersionCommitment {
			root: job.version_root,
			file_count: job.file_count,
			item_count: job.item_count,
		};
		let mut builder =
			openledger_engine::files::VersionBuilder::new(job.dimension, listed.num_labels)
				.map_err(anyhow::Error::msg)?;
		// File by file: each is checked against its content hash by the store, then against
		// its leaf (dimension, count, labels, item root) before any of its items is used.
		for leaf in listed.files {
			let bytes = self.fetch(&leaf.content_hash).await?;
			if let Err(refusal) = builder.push(leaf, &bytes) {
				Metrics::inc(&self.metrics.store_refused);
				tracing::error!(job = job.id, error = %refusal, "refusing a stored file");
				bail!("version {} of Datanet {}: {refusal}", job.version, job.datanet);
			}
		}
		let version = Arc::new(builder.finish(&expected).map_err(anyhow::Error::msg)?);
		tracing::info!(
			datanet = job.datanet,
			version = job.version,
			items = job.item_count,
			"version loaded and checked against its root"
		);
		self.versions.insert((job.datanet, job.version), version.clone());
		Ok(version)
	}

	/// The job's queries: one query embedding, fetched under its hash, with the job's tokens and
	/// label; or a batch file, fetched under its content hash and checked against the
	/// commitment the chain recorded. Kept by the job's batch root: two inferences of the same
	/// query differ in their tokens.
	async fn batch(&mut self, job: &JobView) -> Result<Arc<BatchFile>> {
		let key = job.queries.commitment().root;
		if let Some(b) = self.batches.get(&key) {
			return Ok(b.clone());
		}
		let batch = match &job.queries {
			QueriesView::One(inference) => {
				let bytes = self.fetch(&inference.query_hash).await?;
				if bytes.len() != job.dimension as usize {
					bail!("the query has {} bytes, not {}", bytes.len(), job.dimension);
				}
				BatchFile {
					dimension: job.dimension,
					queries: vec![(
						inference.input_tokens,
						inference.output_tokens,
						inference.label,
					)],
					embeddings: bytes.iter().map(|&b| b as i8).collect(),
				}
			},
			QueriesView::Batch { file, commitment } => {
				let bytes = self.fetch(file).await?;
				let batch = BatchFile::decode(&bytes)
					.map_err(|e| anyhow::anyhow!("the batch file is not one: {e:?}"))?;
				if batch.dimension != job.dimension {
					bail!(
						"the batch's queries have dimension {}, not {}",
						batch.dimension,
						job.dimension
					);
				}
				let recorded = BatchTree::new(&batch.inferences()).map(|t| t.commitment());
				if recorded != Some(*commitment) {
					bail!("the batch file does not match the batch the chain recorded");
				}
				batch
			},
		};
		let batch = Arc::new(batch);
		self.batches.insert(key, batch.clone());
		Ok(batch)
	}

	async fn fetch(&self, hash: &Hash) -> Result<Vec<u8>> {
		match self.opts.store.fetch(hash).await {
			Ok(bytes) => Ok(bytes),
			Err(e @ StoreError::HashMismatch { .. }) => {
				Metrics::inc(&self.metrics.store_refused);
				tracing::error!(error = %e, "the store served a corrupt object; refusing it");
				Err(e.into())
			},
			Err(e) => Err(e.into()),
		}
	}

	async fn compute(&mut self, at: &AtBlock, job: &JobView) -> Result<Computed> {
		let version = self.version(at, job).await?;
		let batch = self.batch(job).await?;
		let started = std::time::Instant::now();
		let items = Embeddings::from_i8(job.dimension, &version.embeddings)?;
		let queries = Embeddings::from_i8(job.dimension, &batch.embeddings)?;
		let query_labels: Vec<u32> = batch.queries.iter().map(|q| q.2).collect();
		let needs_labels = job.method.needs_labels();
		let inputs = Inputs {
			items: &items,
			labels: needs_labels.then_some(&version.labels[..]),
			queries: &queries,
			query_labels: needs_labels.then_some(&query_labels[..]),
		};
		let mut rankings: Vec<Vec<Entry>> = Vec::with_capacity(batch.queries.len());
		tokio::task::block_in_place(|| {
			attribute(&self.opts.engine, job.method, job.top, inputs, &|_| {}, &mut |group| {
				rankings.extend(group.iter().map(|r| r.entries()));
				Ok(())
			})
		})?;
		if rankings.len() != batch.queries.len() {
			bail!("ranked {} queries of {}", rankings.len(), batch.queries.len());
		}
		if let Some(first) = rankings.first_mut().filter(|e| !e.is_empty()) {
			if self.opts.corrupt_one_entry {
				first[0].value = first[0].value.wrapping_add(1);
				tracing::warn!(
					job = job.id,
					"corrupting query 0's entry at rank 0, as --corrupt-one-entry asks"
				);
			}
			if self.opts.corrupt_tail {
				let last = first.len() - 1;
				first[last].value = first[last].value.wrapping_add(1);
				tracing::warn!(
					job = job.id,
					"corrupting query 0's last committed entry, as --corrupt-tail asks"
				);
			}
		}
		let roots: Vec<(Hash, &[Entry])> =
			rankings.iter().map(|r| (commitment(r), &r[..])).collect();
		let files = version.items.files();
		let contributor = |index: u32| {
			files.locate(index).map_or(AccountId::from([0u8; 32]), |f| files.files()[f].contributor)
		};
		let mut settlement = settle(
			&batch.inferences(),
			&roots,
			job.rates,
			job.queries.commitment().tokens,
			job.paid_count,
			self.max_totals,
			contributor,
		);
		if self.opts.inflate_total {
			inflate_total(&mut settlement, self.max_totals);
			tracing::warn!(
				job = job.id,
				"inflating the largest contributor total, as --inflate-total asks"
			);
		}
		tracing::info!(
			job = job.id,
			items = job.item_count,
			queries = batch.queries.len(),
			millis = started.elapsed().as_millis() as u64,
			"attributed"
		);
		Ok(Computed::new(batch, rankings, settlement))
	}
}

/// The `--inflate-total` lie: the largest total's first credit gains half the second largest's
/// first credit's amount, which that one loses; slots, running totals and revealed totals are
/// recomputed, so only those two amounts are wrong.
fn inflate_total(s: &mut BatchSettlement<AccountId>, max_totals: u32) {
	let mut credits: Vec<_> = s.slots.iter().flatten().cloned().collect();
	let mut by_total = s.totals.clone();
	by_total.sort_by_key(|t| std::cmp::Reverse(t.1));
	let (Some(big), Some(small)) = (by_total.first(), by_total.get(1)) else { return };
	let (Some(a), Some(b)) = (
		credits.iter().position(|c| c.contributor == big.0),
		credits.iter().position(|c| c.contributor == small.0),
	) else {
		return;
	};
	let moved = credits[b].amount / 2;
	credits[a].amount = credits[a].amount.saturating_add(moved);
	credits[b].amount -= moved;
	let (slots, runs) = arrange(credits, s.slots.len());
	s.slots = slots;
	s.totals = select_totals(runs, max_totals);
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn commit_and_result_hashes_follow_the_pallets_encoding() {
		let worker = AccountId::from([7u8; 32]);
		let totals = vec![(AccountId::from([3u8; 32]), 5u128)];
		let (queries, credits, salt) = ([1u8; 32], [4u8; 32], [2u8; 32]);
		// The same bytes, laid out by hand: domain, u64 job LE, account, both roots, compact
		// length, each total's account and u128 LE, salt.
		let mut bytes = b"openledger/attribution/commit".to_vec();
		bytes.extend(9u64.to_le_bytes());
		bytes.extend([7u8; 32]);
		bytes.extend(queries);
		bytes.extend(credits);
		bytes.push(4); // compact 1
		bytes.extend([3u8; 32]);
		bytes.extend(5u128.to_le_bytes());
		bytes.extend(salt);
		assert_eq!(commit_hash(9, &worker, &queries, &credits, &totals, &salt), blake2_256(&bytes));
		let mut expected = queries.to_vec();
		expected.extend(credits);
		expected.push(4);
		expected.extend([3u8; 32]);
		expected.extend(5u128.to_le_bytes());
		assert_eq!(result_hash(&queries, &credits, &totals), blake2_256(&expected));
	}
}
