//! The relayer's loop. Every `poll` it reads the chain at its finalized block and L1 at its
//! `finalized` tag and does three things, each bounded per round:
//!
//! - **In**: reads the bridge's `Deposited` logs from the L1 block it got to up to the finalized
//!   one, and attests each deposit the chain has neither processed nor seen this member attest.
//!   The L1 cursor moves past a block only once all its deposits are attested or processed.
//! - **Out**: for each burn (in order, from its cursor) that does not carry this member's
//!   signature yet, computes the EIP-712 digest itself from the burn's nonce, recipient and
//!   amount and the L1 domain (`openledger_primitives::bridge`), signs it, checks the signature by
//!   the contract's rules, and posts it. Only finalized burns are signed: a burn in a block that
//!   is later dropped could have its nonce reused for another.
//! - **Release**: for each burn not yet released on L1, once it is ready (threshold signatures)
//!   submits `release`, and once its delay has passed, `execute`. The members take turns by
//!   nonce: the member at position `nonce mod N` goes first, the others after `takeover` each,
//!   so a silent member delays a release but does not stop it.
//!
//! Nothing it does is remembered but cursors: each step asks the chain or the contract whether
//! it is already done. After a restart (or with a lost state file) it rereads, and the pallet
//! (one attestation per member and nonce, one mint per nonce) and the contract (one release per
//! nonce) refuse anything done twice.

use crate::{
	chain::{self, CommitteeView},
	l1::{AlloyRecovery, Status, L1},
	state::{Cursors, StateFile},
};
use alloy::{
	primitives::B256,
	signers::{local::PrivateKeySigner, SignerSync},
};
use anyhow::{bail, Context, Result};
use openledger_chain::{
	metrics::{write_metric, Render},
	AccountId, AtBlock, Client, Sender,
};
use openledger_primitives::bridge::{self as eth, Domain, EthAddress};
use std::{
	collections::HashMap,
	net::SocketAddr,
	path::PathBuf,
	sync::{
		atomic::{AtomicU64, Ordering},
		Arc,
	},
	time::{Duration, Instant},
};

/// How the relayer runs.
pub struct Options {
	/// The chain node's WebSocket RPC endpoint.
	pub node: String,
	/// The member's account key on the chain.
	pub signer: openledger_chain::Signer,
	/// The member's Ethereum key: signs withdrawals. Its address must be the committee's signer
	/// for the account.
	pub eth_key: PrivateKeySigner,
	/// The L1 node's HTTP JSON-RPC endpoint.
	pub l1: String,
	/// Pays for `release` and `execute` on L1.
	pub l1_sender: PrivateKeySigner,
	/// The bridge contract: must be the one the chain's digests are for.
	pub contract: EthAddress,
	/// The first L1 block to read deposits from (the contract's deployment).
	pub start_block: u64,
	/// Where the cursors are kept.
	pub state_dir: PathBuf,
	pub metrics: Option<SocketAddr>,
	/// Time between rounds.
	pub poll: Duration,
	/// Whether this relayer submits `release` and `execute` on L1.
	pub submit_releases: bool,
	/// How long each member waits after the one before it in a nonce's turn order.
	pub takeover: Duration,
}

/// The most L1 blocks read for deposits in one round.
const L1_BLOCKS_PER_ROUND: u64 = 1_000;
/// The most withdrawals looked at for signing, and for releasing, in one round.
const WITHDRAWALS_PER_ROUND: u64 = 64;
/// Finalized blocks to wait for a submitted attestation or signature before submitting again.
const RESUBMIT_AFTER: u64 = 5;
/// How long to leave an L1 transaction that failed before trying it again.
const L1_RETRY: Duration = Duration::from_secs(10);

/// The relayer's counters.
#[derive(Default)]
pub struct Metrics {
	pub deposits_attested: AtomicU64,
	pub withdrawals_signed: AtomicU64,
	pub releases_submitted: AtomicU64,
	pub executions_submitted: AtomicU64,
	pub errors: AtomicU64,
	pub connections: AtomicU64,
	pub chain_finalized: AtomicU64,
	pub l1_finalized: AtomicU64,
	pub l1_cursor: AtomicU64,
	pub signed_cursor: AtomicU64,
	pub released_cursor: AtomicU64,
}

impl Metrics {
	fn inc(c: &AtomicU64) {
		c.fetch_add(1, Ordering::Relaxed);
	}
}

impl Render for Metrics {
	fn render(&self) -> String {
		let mut out = String::new();
		for (name, kind, help, c) in [
			(
				"deposits_attested_total",
				"counter",
				"Deposits this member attested.",
				&self.deposits_attested,
			),
			(
				"withdrawals_signed_total",
				"counter",
				"Withdrawals this member signed.",
				&self.withdrawals_signed,
			),
			(
				"releases_submitted_total",
				"counter",
				"release transactions that succeeded on L1.",
				&self.releases_submitted,
			),
			(
				"executions_submitted_total",
				"counter",
				"execute transactions that succeeded on L1.",
				&self.executions_submitted,
			),
			(
				"errors_total",
				"counter",
				"Failed reads and submissions, on either side.",
				&self.errors,
			),
			(
				"connections_total",
				"counter",
				"Connections made to the chain node.",
				&self.connections,
			),
			(
				"chain_finalized_block",
				"gauge",
				"The chain's finalized block at the last round.",
				&self.chain_finalized,
			),
			(
				"l1_finalized_block",
				"gauge",
				"L1's finalized block at the last round.",
				&self.l1_finalized,
			),
			(
				"l1_cursor",
				"gauge",
				"Deposits in L1 blocks below this are attested or processed.",
				&self.l1_cursor,
			),
			(
				"signed_cursor",
				"gauge",
				"Withdrawals below this nonce are signed by this member.",
				&self.signed_cursor,
			),
			(
				"released_cursor",
				"gauge",
				"Withdrawals below this nonce are released or cancelled on L1.",
				&self.released_cursor,
			),
		] {
			let value = c.load(Ordering::Relaxed).to_string();
			write_metric(&mut out, &format!("openledger_relayer_{name}"), kind, help, &value);
		}
		out
	}
}

struct Relayer {
	opts: Options,
	sender: Sender,
	signer: EthAddress,
	l1: L1,
	state: StateFile,
	cursors: Cursors,
	/// When an attestation (by L1 nonce) or a signature (by burn nonce) was last submitted, in
	/// finalized chain blocks.
	attested_at: HashMap<u64, u64>,
	signed_at: HashMap<u64, u64>,
	/// When this relayer first saw a withdrawal ready (`false`) or payable (`true`).
	seen: HashMap<(u64, bool), Instant>,
	/// L1 steps that failed, not to be tried again before the instant.
	retry: HashMap<(u64, bool), Instant>,
	metrics: Arc<Metrics>,
}

/// Runs the relayer until `shutdown` resolves. It can stop anywhere: it keeps only cursors, and
/// each step checks whether it was done.
pub async fn run(opts: Options, shutdown: impl std::future::Future<Output = ()>) -> Result<()> {
	let metrics = Arc::new(Metrics::default());
	if let Some(addr) = opts.metrics {
		openledger_chain::metrics::serve(addr, metrics.clone())
			.await
			.with_context(|| format!("serving metrics on {addr}"))?;
	}
	let sender = Sender::new(opts.signer.clone());
	let state = StateFile::open(&opts.state_dir.join(sender.account.to_string()))?;
	let cursors = state.load(opts.start_block);
	let l1 = L1::new(&opts.l1, opts.contract, opts.l1_sender.clone())?;
	let signer = opts.eth_key.address().0 .0;
	tracing::info!(
		member = %sender.account,
		signer = %alloy::primitives::Address::from(signer),
		l1_sender = %l1.sender,
		node = %opts.node,
		l1 = %opts.l1,
		contract = %alloy::primitives::Address::from(opts.contract),
		?cursors,
		submit_releases = opts.submit_releases,
		"relayer starting"
	);
	let mut relayer = Relayer {
		opts,
		sender,
		signer,
		l1,
		state,
		cursors,
		attested_at: HashMap::new(),
		signed_at: HashMap::new(),
		seen: HashMap::new(),
		retry: HashMap::new(),
		metrics,
	};
	tokio::select! {
		result = relayer.run_forever() => result,
		() = shutdown => {
			tracing::info!("relayer stopping");
			Ok(())
		},
	}
}

impl Relayer {
	async fn run_forever(&mut self) -> Result<()> {
		loop {
			// The RPC client retries a dead node forever; bound the first attempt so that a
			// node that is down is reported, and the relayer keeps trying.
			let connected = tokio::time::timeout(
				Duration::from_secs(10),
				openledger_chain::connect(&self.opts.node),
			)
			.await
			.map_err(|_| anyhow::anyhow!("no answer within 10 s"))
			.and_then(|c| c.map_err(anyhow::Error::from));
			let (client, rpc) = match connected {
				Ok(c) => c,
				Err(e) => {
					Metrics::inc(&self.metrics.errors);
					tracing::warn!(error = %format!("{e:#}"), "chain node unreachable; retrying");
					tokio::time::sleep(Duration::from_secs(2)).await;
					continue;
				},
			};
			self.sender.connected(rpc);
			Metrics::inc(&self.metrics.connections);
			tracing::info!("connected to the chain node");
			loop {
				if let Err(e) = self.round(&client).await {
					Metrics::inc(&self.metrics.errors);
					tracing::warn!(error = %format!("{e:#}"), "round failed; trying again");
				}
				tokio::time::sleep(self.opts.poll).await;
			}
		}
	}

	/// One round: checks that the chain, L1 and this relayer's keys agree, then in, out and
	/// release.
	async fn round(&mut self, client: &Client) -> Result<()> {
		let at = client.at_current_block().await.context("reading the finalized block")?;
		let n = at.block_number();
		self.metrics.chain_finalized.store(n, Ordering::Relaxed);
		if chain::halted(&at).await? {
			tracing::debug!("the bridge is halted on the chain");
			return Ok(());
		}
		let Some((chain_id, contract)) = chain::contract(&at).await? else {
			tracing::debug!("no L1 contract is set on the chain yet");
			return Ok(());
		};
		if contract != self.opts.contract {
			bail!(
				"the chain's bridge contract is {}, this relayer's {}: refusing to act",
				alloy::primitives::Address::from(contract),
				alloy::primitives::Address::from(self.opts.contract)
			);
		}
		let l1_chain = self.l1.chain_id().await?;
		if l1_chain != chain_id {
			bail!("the chain's bridge is for L1 chain {chain_id}, the L1 node is chain {l1_chain}: refusing to act");
		}
		let Some(committee) = chain::committee(&at).await? else {
			tracing::debug!("no committee is set on the chain yet");
			return Ok(());
		};
		let me = self.sender.account;
		let position = committee.members.iter().position(|(a, _)| *a == me);
		if let Some(p) = position {
			let expected = committee.members[p].1;
			if expected != self.signer {
				bail!(
					"the committee's signer for {me} is {}, this relayer's Ethereum key is {}: refusing to act",
					alloy::primitives::Address::from(expected),
					alloy::primitives::Address::from(self.signer)
				);
			}
		}
		let before = self.cursors;
		// The three steps fail apart: L1 being slow must not stop signing, and so on.
		if position.is_some() {
			if let Err(e) = self.inbound(&at, n, &me).await {
				Metrics::inc(&self.metrics.errors);
				tracing::warn!(error = %format!("{e:#}"), "attesting deposits failed");
			}
			let genesis: [u8; 32] = client.genesis_hash().0;
			let domain = Domain { chain_id, contract, genesis };
			if let Err(e) = self.outbound(&at, n, &committee, &domain).await {
				Metrics::inc(&self.metrics.errors);
				tracing::warn!(error = %format!("{e:#}"), "signing withdrawals failed");
			}
		} else {
			tracing::debug!(member = %me, "not in the committee: only releasing");
		}
		if let Err(e) = self.release(&at, &committee, position).await {
			Metrics::inc(&self.metrics.errors);
			tracing::warn!(error = %format!("{e:#}"), "releasing on L1 failed");
		}
		self.metrics.l1_cursor.store(self.cursors.l1_block, Ordering::Relaxed);
		self.metrics.signed_cursor.store(self.cursors.signed, Ordering::Relaxed);
		self.metrics.released_cursor.store(self.cursors.released, Ordering::Relaxed);
		if self.cursors != before {
			self.state.save(&self.cursors)?;
		}
		Ok(())
	}

	/// Attests the deposits of the next finalized L1 blocks.
	async fn inbound(&mut self, at: &AtBlock, n: u64, me: &AccountId) -> Result<()> {
		let finalized = self.l1.finalized().await?;
		self.metrics.l1_finalized.store(finalized, Ordering::Relaxed);
		let from = self.cursors.l1_block;
		if from > finalized {
			return Ok(());
		}
		let to = finalized.min(from + L1_BLOCKS_PER_ROUND - 1);
		let mut done = true;
		for (block, d) in self.l1.deposits(from, to).await? {
			if chain::processed(at, d.nonce).await? || chain::attested(at, d.nonce, me).await? {
				continue;
			}
			done = false;
			if self.attested_at.get(&d.nonce).is_some_and(|&s| n < s + RESUBMIT_AFTER) {
				continue;
			}
			match chain::attest(&mut self.sender, at, &d).await {
				Ok(()) => {
					self.attested_at.insert(d.nonce, n);
					Metrics::inc(&self.metrics.deposits_attested);
					tracing::info!(
						nonce = d.nonce,
						l1_block = block,
						amount = d.amount,
						recipient = %AccountId::from(d.recipient),
						"attested a deposit"
					);
				},
				Err(e) => {
					Metrics::inc(&self.metrics.errors);
					tracing::warn!(nonce = d.nonce, error = %format!("{e:#}"), "attesting a deposit failed");
				},
			}
		}
		if done {
			self.cursors.l1_block = to + 1;
			self.attested_at.clear();
		}
		Ok(())
	}

	/// Signs the finalized burns that lack this member's signature.
	async fn outbound(
		&mut self,
		at: &AtBlock,
		n: u64,
		committee: &CommitteeView,
		domain: &Domain,
	) -> Result<()> {
		if committee.epoch != self.cursors.epoch {
			// A new committee: signatures by members no longer in it stop counting, so what
			// is not released yet is signed again where needed.
			tracing::info!(
				epoch = committee.epoch,
				"the committee changed; re-reading unreleased withdrawals"
			);
			self.cursors.epoch = committee.epoch;
			self.cursors.signed = self.cursors.released;
		}
		let next = chain::next_burn(at).await?;
		let start = self.cursors.signed.max(self.cursors.released);
		let end = next.min(start + WITHDRAWALS_PER_ROUND);
		let mut prefix = true;
		for nonce in start..end {
			let signed = match chain::withdrawal(at, nonce).await? {
				Some(w) if !w.signers.contains(&self.signer) => Some(w),
				_ => None,
			};
			let Some(w) = signed else {
				if prefix {
					self.cursors.signed = nonce + 1;
				}
				continue;
			};
			prefix = false;
			if self.signed_at.get(&nonce).is_some_and(|&s| n < s + RESUBMIT_AFTER) {
				continue;
			}
			let digest = eth::withdrawal_digest(
				domain,
				&eth::Withdrawal { nonce, recipient: w.recipient, amount: w.amount },
			);
			let signature = self
				.opts
				.eth_key
				.sign_hash_sync(&B256::from(digest))
				.context("signing a withdrawal")?
				.as_bytes();
			// What the pallet and the contract will check: well formed, low s, this signer.
			let recovered = eth::signer_of::<AlloyRecovery>(&signature, &digest).map_err(|e| {
				anyhow::anyhow!("this relayer's own signature does not count: {e:?}")
			})?;
			if recovered != self.signer {
				bail!("this relayer's signature recovers to another address");
			}
			match chain::sign(&mut self.sender, at, nonce, signature).await {
				Ok(()) => {
					self.signed_at.insert(nonce, n);
					Metrics::inc(&self.metrics.withdrawals_signed);
					tracing::info!(nonce, amount = w.amount, "signed a withdrawal");
				},
				Err(e) => {
					Metrics::inc(&self.metrics.errors);
					tracing::warn!(nonce, error = %format!("{e:#}"), "posting a signature failed");
				},
			}
		}
		self.signed_at.retain(|&nonce, _| nonce >= self.cursors.signed);
		Ok(())
	}

	/// Whether it is this member's turn to take step `payable` of withdrawal `nonce`.
	fn my_turn(&mut self, nonce: u64, payable: bool, members: usize, me: Option<usize>) -> bool {
		let members = members.max(1) as u64;
		let first = nonce % members;
		// Members after the first in turn order, wrapping; a non-member comes last.
		let place = me.map_or(members, |p| (p as u64 + members - first) % members);
		let seen = *self.seen.entry((nonce, payable)).or_insert_with(Instant::now);
		seen.elapsed() >= self.opts.takeover * place as u32
	}

	/// Submits `release` for ready withdrawals and `execute` for payable ones, in turn.
	async fn release(
		&mut self,
		at: &AtBlock,
		committee: &CommitteeView,
		position: Option<usize>,
	) -> Result<()> {
		let next = chain::next_burn(at).await?;
		let start = self.cursors.released;
		let end = next.min(start + WITHDRAWALS_PER_ROUND);
		if start >= end {
			return Ok(());
		}
		let now = self.l1.now().await?;
		let paused = self.l1.paused().await?;
		let members = committee.members.len();
		let mut prefix = true;
		for nonce in start..end {
			let status = self.l1.status(nonce).await?;
			let payable = match status {
				Status::Released | Status::Cancelled => {
					if prefix {
						self.cursors.released = nonce + 1;
					}
					continue;
				},
				Status::None => false,
				Status::Queued { ready_at } => {
					if now < ready_at {
						prefix = false;
						continue;
					}
					true
				},
			};
			prefix = false;
			if !self.opts.submit_releases || paused {
				continue;
			}
			if self.retry.get(&(nonce, payable)).is_some_and(|t| Instant::now() < *t) {
				continue;
			}
			let sent = if payable {
				if !self.my_turn(nonce, true, members, position) {
					continue;
				}
				self.l1.execute(nonce).await.map(|tx| {
					Metrics::inc(&self.metrics.executions_submitted);
					tracing::info!(nonce, %tx, "executed a release on L1");
				})
			} else {
				let Some((recipient, amount, signatures)) = chain::ready(at, nonce).await? else {
					continue;
				};
				if !self.my_turn(nonce, false, members, position) {
					continue;
				}
				self.l1.release(nonce, recipient, amount, &signatures).await.map(|tx| {
					Metrics::inc(&self.metrics.releases_submitted);
					tracing::info!(nonce, %tx, signatures = signatures.len(), "queued a release on L1");
				})
			};
			if let Err(e) = sent {
				// Another member may have been first, or the period's cap is spent: reread
				// and try again later.
				self.retry.insert((nonce, payable), Instant::now() + L1_RETRY);
				Metrics::inc(&self.metrics.errors);
				tracing::warn!(nonce, payable, error = %format!("{e:#}"), "an L1 step failed");
			}
		}
		let released = self.cursors.released;
		self.seen.retain(|&(nonce, _), _| nonce >= released);
		self.retry.retain(|&(nonce, _), _| nonce >= released);
		Ok(())
	}
}
