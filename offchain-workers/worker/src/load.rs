//! `openledger-worker load`: a load generator for paid inference. It builds batches of random
//! queries for a model's Datanet, puts each batch file in a directory content store under its
//! hash, and records it with `rewards.record_batch`, signed by a payer key, at a given rate of
//! inferences per second for a given duration. It follows the chain meanwhile and measures, for
//! every batch, the time from its recording (the block that includes it) to its settlement (the
//! block whose `Settled` event makes every credit of its job claimable). Then it waits for the
//! batches still in flight (at most `drain` seconds), reports throughput and latency
//! percentiles, and stops.

use anyhow::{bail, Context, Result};
use openledger_chain::{api, AccountId, Client, Signer};
use openledger_primitives::attribution::batch::{BatchFile, BatchTree, MAX_BATCH};
use serde::Serialize;
use std::{
	collections::HashMap,
	path::PathBuf,
	time::{Duration, Instant},
};
use subxt::config::DefaultExtrinsicParamsBuilder;

/// What to load the chain with.
pub struct LoadOptions {
	/// The node's WebSocket RPC endpoint.
	pub node: String,
	/// The payer's key.
	pub signer: Signer,
	/// The model whose inferences are paid for.
	pub model: u32,
	/// A directory content store the worker daemons read: batch files are written there.
	pub store: PathBuf,
	/// Inferences per second.
	pub rate: f64,
	/// Seconds of recording.
	pub duration: f64,
	/// Inferences per batch.
	pub batch: u32,
	/// Seconds to wait, after the last batch, for the batches in flight to settle.
	pub drain: f64,
	/// Seed of the random queries.
	pub seed: u64,
	/// Show a progress bar.
	pub progress: bool,
}

/// What a run measured.
#[derive(Debug, Serialize)]
pub struct LoadReport {
	pub model: u32,
	pub batch: u32,
	pub rate_asked: f64,
	pub seconds: f64,
	pub batches_recorded: u64,
	pub inferences_recorded: u64,
	pub batches_settled: u64,
	pub inferences_settled: u64,
	pub batches_failed: u64,
	/// Inferences recorded per second of the recording period.
	pub recorded_per_second: f64,
	/// Inferences settled per second while batches settled: from the first settlement to the
	/// last, plus one batch interval (the latency from recording to claimable is apart).
	pub settled_per_second: f64,
	/// Seconds from the block recording a batch to the block settling it.
	pub latency_p50_seconds: f64,
	pub latency_p99_seconds: f64,
	pub latency_max_seconds: f64,
	/// The same in blocks.
	pub latency_p50_blocks: u64,
	pub latency_p99_blocks: u64,
	/// The batches' file hashes, in recording order, and the jobs they opened: what an
	/// independent recomputation of the settlement reads.
	pub recorded: Vec<RecordedBatch>,
}

/// One recorded batch.
#[derive(Clone, Debug, Serialize)]
pub struct RecordedBatch {
	pub file: String,
	pub first: u64,
	pub count: u32,
	pub block: u64,
	pub jobs: Vec<u64>,
	pub settled_block: Option<u64>,
}

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
	fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
		z ^ (z >> 31)
	}
}

/// A batch of `count` random inferences: queries of `dimension` int8 values, labels below
/// `labels`, 50 to 549 input and 10 to 209 output tokens.
pub fn random_batch(
	rng: &mut impl FnMut() -> u64,
	count: u32,
	dimension: u32,
	labels: u32,
) -> BatchFile {
	let queries = (0..count)
		.map(|_| {
			let input = 50 + (rng() % 500) as u32;
			let output = 10 + (rng() % 200) as u32;
			(input, output, (rng() % labels.max(1) as u64) as u32)
		})
		.collect();
	let embeddings =
		(0..count as usize * dimension as usize).map(|_| (rng() % 255) as u8 as i8).collect();
	BatchFile { dimension, queries, embeddings }
}

/// The model's Datanet dimension and label count (of its first version).
async fn shape(client: &Client, model: u32) -> Result<(u32, u32)> {
	let at = client.at_current_block().await?;
	let m = at
		.storage()
		.try_fetch(api::storage().models().models(), (model,))
		.await?
		.with_context(|| format!("model {model} does not exist"))?
		.decode()?;
	let (datanet, _) =
		*m.trained_on.0.first().with_context(|| format!("model {model} names no version"))?;
	let d = at
		.storage()
		.try_fetch(api::storage().datanets().datanets(), (datanet,))
		.await?
		.with_context(|| format!("Datanet {datanet} does not exist"))?
		.decode()?;
	Ok((d.embedding_dim.into(), d.num_labels))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
	if sorted.is_empty() {
		return 0.0;
	}
	let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
	sorted[rank.clamp(1, sorted.len()) - 1]
}

/// What the chain has said about one batch so far.
struct InFlight {
	file: [u8; 32],
	recorded: Option<(u64, Instant, u64, Vec<u64>)>,
	settled: Option<(u64, Instant)>,
	jobs_left: usize,
	failed: bool,
}

/// Runs the load, then reports.
pub async fn run(opts: LoadOptions) -> Result<LoadReport> {
	if !(1..=MAX_BATCH).contains(&opts.batch) {
		bail!("a batch holds 1 to {MAX_BATCH} inferences, not {}", opts.batch);
	}
	if opts.rate <= 0.0 || opts.duration <= 0.0 {
		bail!("the rate and the duration must be above 0");
	}
	std::fs::create_dir_all(&opts.store)
		.with_context(|| format!("creating {}", opts.store.display()))?;
	let (client, rpc) = openledger_chain::connect(&opts.node).await?;
	let (dimension, labels) = shape(&client, opts.model).await?;
	let payer: AccountId = opts.signer.public_key().to_account_id();
	let mut nonce = rpc.system_account_next_index(&payer).await.context("reading the nonce")?;
	let mut rng = Rng(opts.seed);
	let mut next = move || rng.next();

	let interval = Duration::from_secs_f64(opts.batch as f64 / opts.rate);
	let batches = (opts.rate * opts.duration / opts.batch as f64).ceil().max(1.0) as u64;
	let bar = opts.progress.then(|| {
		let bar = indicatif::ProgressBar::new(batches);
		bar.set_style(
			indicatif::ProgressStyle::with_template(
				"{elapsed_precise} [{bar:30}] {pos}/{len} batches settled {msg}",
			)
			.expect("a valid template"),
		);
		bar
	});

	let mut blocks = client.stream_best_blocks().await?;
	let mut flights: Vec<InFlight> = Vec::new();
	let mut by_file: HashMap<[u8; 32], usize> = HashMap::new();
	let mut by_job: HashMap<u64, usize> = HashMap::new();
	let start = Instant::now();
	let mut next_send = start;
	let mut sent = 0u64;
	let drain_until =
		|now: Instant| now > start + Duration::from_secs_f64(opts.duration + opts.drain);
	loop {
		let now = Instant::now();
		// Record the next batch when it is due.
		if sent < batches && now >= next_send {
			let file = random_batch(&mut next, opts.batch, dimension, labels);
			let bytes = file.encode();
			let hash = openledger_engine::commit::blake2_256(&bytes);
			let name = openledger_primitives::hex::to_hex(&hash);
			std::fs::write(opts.store.join(name.trim_start_matches("0x")), &bytes)
				.context("writing a batch file into the store")?;
			let c = BatchTree::new(&file.inferences()).context("an empty batch")?.commitment();
			let call = api::tx().rewards().record_batch(
				opts.model,
				hash,
				c.root,
				c.count,
				c.tokens.input,
				c.tokens.output,
			);
			let params =
				DefaultExtrinsicParamsBuilder::<openledger_chain::Conf>::new().nonce(nonce).build();
			let at = client.at_current_block().await?;
			let mut tx = at.tx();
			match tx.sign_and_submit(&call, &opts.signer, params).await {
				Ok(_) => {
					nonce += 1;
					by_file.insert(hash, flights.len());
					flights.push(InFlight {
						file: hash,
						recorded: None,
						settled: None,
						jobs_left: 0,
						failed: false,
					});
				},
				Err(e) => {
					tracing::warn!(error = %e, "a batch was not accepted; resyncing the nonce");
					nonce = rpc.system_account_next_index(&payer).await?;
				},
			}
			sent += 1;
			next_send += interval;
			continue;
		}
		let done = sent >= batches && flights.iter().all(|f| f.settled.is_some() || f.failed);
		if done || drain_until(now) {
			break;
		}
		// Otherwise read the next block, or wait for the next batch.
		let wait = if sent < batches {
			next_send.saturating_duration_since(now)
		} else {
			Duration::from_secs(1)
		};
		let Ok(block) = tokio::time::timeout(wait, blocks.next()).await else { continue };
		let Some(block) = block else { bail!("the block stream ended") };
		let block = block?;
		let n = block.number();
		let at = block.at().await?;
		let events = at.events().fetch().await?;
		let seen = Instant::now();
		use api::{attribution::events as att, rewards::events as rew};
		for e in events.find::<rew::BatchRecorded>() {
			let e = e?;
			if e.payer != payer {
				continue;
			}
			let Some(&i) = by_file.get(&e.file) else { continue };
			let jobs: Vec<u64> = e.jobs.0.clone();
			for &job in &jobs {
				by_job.insert(job, i);
			}
			flights[i].jobs_left = jobs.len();
			flights[i].recorded = Some((n, seen, e.first, jobs));
		}
		for e in events.find::<rew::Settled>() {
			let e = e?;
			if let Some(&i) = by_job.get(&e.job) {
				let f = &mut flights[i];
				f.jobs_left = f.jobs_left.saturating_sub(1);
				if f.jobs_left == 0 && f.settled.is_none() {
					f.settled = Some((n, seen));
				}
			}
		}
		for e in events.find::<att::JobFailed>() {
			let e = e?;
			if let Some(&i) = by_job.get(&e.job) {
				flights[i].failed = true;
			}
		}
		if let Some(bar) = &bar {
			let settled = flights.iter().filter(|f| f.settled.is_some()).count() as u64;
			bar.set_position(settled);
			let secs = start.elapsed().as_secs_f64().max(1e-9);
			bar.set_message(format!(
				"block {n}, {:.0} inferences/s settled",
				(settled * opts.batch as u64) as f64 / secs
			));
		}
	}
	if let Some(bar) = bar {
		bar.finish();
	}
	Ok(report(&opts, start, &flights))
}

fn report(opts: &LoadOptions, start: Instant, flights: &[InFlight]) -> LoadReport {
	let recorded: Vec<&InFlight> = flights.iter().filter(|f| f.recorded.is_some()).collect();
	let settled: Vec<&InFlight> =
		recorded.iter().copied().filter(|f| f.settled.is_some()).collect();
	let mut seconds: Vec<f64> = settled
		.iter()
		.map(|f| {
			let (_, at, _, _) = f.recorded.as_ref().expect("recorded");
			f.settled.expect("settled").1.duration_since(*at).as_secs_f64()
		})
		.collect();
	seconds.sort_by(f64::total_cmp);
	let mut in_blocks: Vec<u64> = settled
		.iter()
		.map(|f| f.settled.expect("settled").0 - f.recorded.as_ref().expect("recorded").0)
		.collect();
	in_blocks.sort();
	let first = settled.iter().filter_map(|f| f.settled.map(|s| s.1)).min();
	let last = settled.iter().filter_map(|f| f.settled.map(|s| s.1)).max();
	let interval = opts.batch as f64 / opts.rate;
	let span = match (first, last) {
		(Some(a), Some(b)) => b.duration_since(a).as_secs_f64() + interval,
		_ => 0.0,
	};
	let per_batch = opts.batch as u64;
	let block_percentile = |p: f64| {
		let as_f: Vec<f64> = in_blocks.iter().map(|&b| b as f64).collect();
		percentile(&as_f, p) as u64
	};
	LoadReport {
		model: opts.model,
		batch: opts.batch,
		rate_asked: opts.rate,
		seconds: start.elapsed().as_secs_f64(),
		batches_recorded: recorded.len() as u64,
		inferences_recorded: recorded.len() as u64 * per_batch,
		batches_settled: settled.len() as u64,
		inferences_settled: settled.len() as u64 * per_batch,
		batches_failed: flights.iter().filter(|f| f.failed).count() as u64,
		recorded_per_second: recorded.len() as f64 * per_batch as f64 / opts.duration,
		settled_per_second: if span > 0.0 {
			settled.len() as f64 * per_batch as f64 / span
		} else {
			0.0
		},
		latency_p50_seconds: percentile(&seconds, 50.0),
		latency_p99_seconds: percentile(&seconds, 99.0),
		latency_max_seconds: seconds.last().copied().unwrap_or(0.0),
		latency_p50_blocks: block_percentile(50.0),
		latency_p99_blocks: block_percentile(99.0),
		recorded: recorded
			.iter()
			.map(|f| {
				let (block, _, first, jobs) = f.recorded.clone().expect("recorded");
				RecordedBatch {
					file: openledger_primitives::hex::to_hex(&f.file),
					first,
					count: per_batch as u32,
					block,
					jobs,
					settled_block: f.settled.map(|s| s.0),
				}
			})
			.collect(),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn random_batches_are_well_formed_and_reproducible() {
		let mut a = Rng(5);
		let mut b = Rng(5);
		let x = random_batch(&mut || a.next(), 8, 16, 3);
		let y = random_batch(&mut || b.next(), 8, 16, 3);
		assert_eq!(x, y);
		assert_eq!(BatchFile::decode(&x.encode()), Ok(x.clone()));
		assert!(x
			.queries
			.iter()
			.all(|&(i, o, l)| (50..550).contains(&i) && (10..210).contains(&o) && l < 3));
		assert_eq!(x.embeddings.len(), 8 * 16);
	}

	#[test]
	fn percentiles_are_nearest_rank() {
		let v: Vec<f64> = (1..=100).map(|x| x as f64).collect();
		assert_eq!(percentile(&v, 50.0), 50.0);
		assert_eq!(percentile(&v, 99.0), 99.0);
		assert_eq!(percentile(&[3.0], 99.0), 3.0);
		assert_eq!(percentile(&[], 50.0), 0.0);
	}
}
