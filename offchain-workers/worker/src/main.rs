//! `openledger-worker`: the Proof of Attribution worker.
//!
//! `attribute` values every item of a data set (NumPy files, or a Datanet export checked
//! against its on-chain root) for a batch of queries, on the GPU or the CPU, and writes the
//! summed values and each query's commitment root and paid entries.

mod daemon;
mod load;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use openledger_engine::{
	attribute::{attribute, attribute_source, Engine, Output},
	cpu::{Cpu, Kernel},
	export::{read_manifest, DatanetExport},
	gpu::Gpu,
	npy::{self, EntriesFile},
	stream::{ExportFiles, ItemSource},
	Embeddings, Inputs,
};
use openledger_primitives::{
	attribution::{Method, KNN_SCALE, SIMILARITY_SCALE},
	hex::to_hex,
};
use serde_json::json;
use std::{path::PathBuf, time::Instant};

#[derive(Parser, Debug)]
#[command(name = "openledger-worker", version, about = "Proof of Attribution worker")]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
	/// Values every item for a batch of queries and writes the values and a summary.
	Attribute(AttributeArgs),
	/// Runs the worker daemon: follows the node, computes the jobs assigned to its key, commits
	/// and reveals them, answers openings and challenges wrong results.
	Run(RunArgs),
	/// Loads the chain with paid inference: records batches of random queries for a model at a
	/// given rate for a given duration, signed by a payer key, writing each batch file into a
	/// directory content store; then reports throughput and the latency from recording to
	/// claimable (p50, p99) and stops.
	Load(LoadArgs),
	/// Scores pending files before a curator decides: each file's mean KNN-Shapley value
	/// against the published version (or a validation set), its likely mislabelled items, and
	/// exact duplicates of published or pending items. Writes a JSON report and prints one line
	/// per file.
	Audit(AuditArgs),
}

#[derive(clap::Args, Debug)]
struct LoadArgs {
	/// The node's WebSocket RPC endpoint.
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	node: String,
	/// The payer's key: a file holding a secret URI.
	#[arg(long, conflicts_with = "dev_seed")]
	key_file: Option<PathBuf>,
	/// The payer's key as a dev seed, e.g. //Alice.
	#[arg(long)]
	dev_seed: Option<String>,
	/// The model whose inferences are paid for.
	#[arg(long)]
	model: u32,
	/// A directory content store the worker daemons read; batch files are written into it.
	#[arg(long)]
	store: PathBuf,
	/// Inferences per second.
	#[arg(long, default_value_t = 1000.0)]
	rate: f64,
	/// Seconds of recording.
	#[arg(long, default_value_t = 300.0)]
	duration: f64,
	/// Inferences per batch (1 to 1,024).
	#[arg(long, default_value_t = 1024)]
	batch: u32,
	/// Seconds to wait after the last batch for those in flight to settle.
	#[arg(long, default_value_t = 600.0)]
	drain: f64,
	/// Seed of the random queries.
	#[arg(long, default_value_t = 1)]
	seed: u64,
	/// Write the report (and every recorded batch) here as JSON.
	#[arg(long)]
	report: Option<PathBuf>,
	/// No progress bar.
	#[arg(long)]
	quiet: bool,
}

#[derive(clap::Args, Debug)]
struct AuditArgs {
	/// The Datanet's published version, as an export directory (checked against its root).
	#[arg(long)]
	datanet: PathBuf,
	/// The pending files, each a stored Datanet file.
	#[arg(long, num_args = 1.., required = true)]
	pending: Vec<PathBuf>,
	/// A validation set the owner names instead of the published version: int8 `.npy` [M, d].
	#[arg(long, requires = "validation_labels")]
	validation: Option<PathBuf>,
	/// Its labels: integer `.npy` [M].
	#[arg(long, requires = "validation")]
	validation_labels: Option<PathBuf>,
	/// K of the KNN classifier.
	#[arg(long, default_value_t = 5)]
	k: u32,
	/// Where to compute.
	#[arg(long, value_enum, default_value = "cpu")]
	device: DeviceArg,
	/// Output: the JSON report.
	#[arg(long)]
	out: PathBuf,
	/// No progress bar.
	#[arg(long)]
	quiet: bool,
}

/// The daemon's options. Each can also be set in the `--config` TOML file, under the same name
/// with underscores (`state_dir = "..."`); a flag overrides the file.
#[derive(clap::Args, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RunArgs {
	/// A TOML file with any of the options below.
	#[arg(long)]
	#[serde(skip)]
	config: Option<PathBuf>,
	/// The node's WebSocket RPC endpoint [default: ws://127.0.0.1:9944].
	#[arg(long)]
	node: Option<String>,
	/// A file holding the worker's secret: a mnemonic, a 0x-prefixed seed, or either with
	/// derivation paths (`//hard/soft`).
	#[arg(long, conflicts_with = "dev_seed")]
	key_file: Option<PathBuf>,
	/// A development key instead, such as `//Dave` (derived from the well-known dev phrase).
	#[arg(long)]
	dev_seed: Option<String>,
	/// The content store: a directory, or `http://host:port/prefix`.
	#[arg(long)]
	store: Option<String>,
	/// Where commitments are saved before they are submitted [default: ./worker-state].
	#[arg(long)]
	state_dir: Option<PathBuf>,
	/// Where to compute [default: gpu].
	#[arg(long, value_enum)]
	device: Option<DeviceArg>,
	/// Serve Prometheus metrics on this address, e.g. 127.0.0.1:9616.
	#[arg(long)]
	metrics: Option<std::net::SocketAddr>,
	/// Tests only: commit to a result with the value at rank 0 off by one, so that the other
	/// workers must prove it wrong.
	#[arg(long)]
	#[serde(default)]
	corrupt_one_entry: bool,
	/// Tests only: commit to a result with the value of the last committed entry off by one,
	/// below the paid entries, so that only openings show the lie.
	#[arg(long)]
	#[serde(default)]
	corrupt_tail: bool,
	/// Tests only: commit to a batch result that credits the largest contributor half of the
	/// second largest's first credit, every total recomputed to match, so that the other
	/// workers must prove two credits' amounts wrong.
	#[arg(long)]
	#[serde(default)]
	inflate_total: bool,
}

#[derive(clap::Args, Debug)]
struct AttributeArgs {
	/// Item embeddings: int8 `.npy`, shape [N, d].
	#[arg(long, required_unless_present = "datanet", conflicts_with = "datanet")]
	items: Option<PathBuf>,
	/// Item labels: integer `.npy`, shape [N] (KNN-Shapley only).
	#[arg(long, conflicts_with = "datanet")]
	labels: Option<PathBuf>,
	/// A Datanet export directory (version.json and the version's stored files, docs/attribution.md)
	/// instead of --items/--labels.
	#[arg(long)]
	datanet: Option<PathBuf>,
	/// Query embeddings: int8 `.npy`, shape [M, d].
	#[arg(long)]
	queries: PathBuf,
	/// Query labels: integer `.npy`, shape [M] (KNN-Shapley only).
	#[arg(long)]
	query_labels: Option<PathBuf>,
	/// The attribution method.
	#[arg(long, value_enum)]
	method: MethodArg,
	/// K of the KNN classifier, or how many nearest items similarity values.
	#[arg(long)]
	k: u32,
	/// How many nearest entries a KNN-Shapley result pays (default: K).
	#[arg(long)]
	top: Option<u32>,
	/// How many nearest items KNN-Shapley values and commits to (`T`, between K and 65,536);
	/// every farther item's value is 0, within 1/T of its value over all items
	/// (docs/attribution.md, "Over the T nearest").
	#[arg(long, default_value_t = openledger_primitives::attribution::DEFAULT_TOP)]
	top_t: u32,
	/// Where to compute.
	#[arg(long, value_enum, default_value = "gpu")]
	device: DeviceArg,
	/// Where a GPU run computes the commitment roots: on the device, or on the CPU; `auto` uses
	/// the device unless it is a software adapter such as lavapipe.
	#[arg(long, value_enum, default_value = "auto")]
	commit_on: CommitOn,
	/// Force a CPU kernel instead of the fastest this CPU has.
	#[arg(long, value_enum)]
	cpu_kernel: Option<KernelArg>,
	/// Output: each item's value summed over the queries, int64 `.npy`.
	#[arg(long)]
	out: PathBuf,
	/// Output: the summary JSON (scale, each query's root and paid entries, timings).
	#[arg(long)]
	summary: PathBuf,
	/// Output: every committed entry of every query, int64 `.npy` of shape [M, L, 4] with
	/// (rank, index, distance, value), L = min(T, N) for KNN-Shapley or min(k, N) for similarity. What a
	/// challenger needs to open any leaf of the commitments.
	#[arg(long)]
	entries: Option<PathBuf>,
	/// No progress bar.
	#[arg(long)]
	quiet: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum MethodArg {
	KnnShapley,
	Similarity,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
enum DeviceArg {
	Gpu,
	Cpu,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum CommitOn {
	Auto,
	Cpu,
	Device,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum KernelArg {
	Avx512Vnni,
	Avx2,
	Portable,
}

fn main() -> anyhow::Result<()> {
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
		)
		.with_writer(std::io::stderr)
		.init();
	match Cli::parse().command {
		Command::Attribute(args) => run_attribute(args),
		Command::Run(args) => run_daemon(args),
		Command::Audit(args) => run_audit(args),
		Command::Load(args) => run_load(args),
	}
}

fn run_load(args: LoadArgs) -> anyhow::Result<()> {
	let signer = openledger_chain::keys::load(args.key_file.as_deref(), args.dev_seed.as_deref())?;
	let opts = load::LoadOptions {
		node: args.node,
		signer,
		model: args.model,
		store: args.store,
		rate: args.rate,
		duration: args.duration,
		batch: args.batch,
		drain: args.drain,
		seed: args.seed,
		progress: !args.quiet,
	};
	let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
	let report = runtime.block_on(load::run(opts))?;
	println!(
		"{} of {} batches settled: {:.0} inferences/s recorded, {:.0} settled; recording to claimable p50 {:.1} s ({} blocks), p99 {:.1} s ({} blocks)",
		report.batches_settled,
		report.batches_recorded,
		report.recorded_per_second,
		report.settled_per_second,
		report.latency_p50_seconds,
		report.latency_p50_blocks,
		report.latency_p99_seconds,
		report.latency_p99_blocks,
	);
	if let Some(path) = args.report {
		std::fs::write(&path, serde_json::to_vec_pretty(&report)?)
			.with_context(|| format!("writing {}", path.display()))?;
	}
	if report.batches_settled < report.batches_recorded {
		bail!(
			"{} of {} batches did not settle",
			report.batches_recorded - report.batches_settled,
			report.batches_recorded
		);
	}
	Ok(())
}

fn run_daemon(flags: RunArgs) -> anyhow::Result<()> {
	let mut args = match &flags.config {
		Some(path) => {
			let text = std::fs::read_to_string(path)
				.with_context(|| format!("reading {}", path.display()))?;
			toml::from_str::<RunArgs>(&text)
				.with_context(|| format!("parsing {}", path.display()))?
		},
		None => RunArgs::default(),
	};
	// Flags override the file.
	args.node = flags.node.or(args.node);
	args.key_file = flags.key_file.or(args.key_file);
	args.dev_seed = flags.dev_seed.or(args.dev_seed);
	args.store = flags.store.or(args.store);
	args.state_dir = flags.state_dir.or(args.state_dir);
	args.device = flags.device.or(args.device);
	args.metrics = flags.metrics.or(args.metrics);
	args.corrupt_one_entry |= flags.corrupt_one_entry;
	args.corrupt_tail |= flags.corrupt_tail;
	args.inflate_total |= flags.inflate_total;

	let signer = openledger_chain::keys::load(args.key_file.as_deref(), args.dev_seed.as_deref())?;
	let store = daemon::store::Store::parse(
		args.store.as_deref().context("no content store: give --store")?,
	)?;
	let engine = match args.device.unwrap_or(DeviceArg::Gpu) {
		DeviceArg::Cpu => Engine::Cpu(Cpu::default()),
		DeviceArg::Gpu => Engine::gpu(Gpu::new()?, None),
	};
	let opts = daemon::Options {
		node: args.node.unwrap_or_else(|| "ws://127.0.0.1:9944".into()),
		signer,
		store,
		state_dir: args.state_dir.unwrap_or_else(|| PathBuf::from("worker-state")),
		engine,
		metrics: args.metrics,
		corrupt_one_entry: args.corrupt_one_entry,
		corrupt_tail: args.corrupt_tail,
		inflate_total: args.inflate_total,
	};
	let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
	runtime.block_on(daemon::run(opts, openledger_chain::shutdown_signal()))
}

fn run_audit(args: AuditArgs) -> anyhow::Result<()> {
	use openledger_engine::audit::{audit, hashes, Pending, Published, Validation};
	let export = DatanetExport::load(&args.datanet)?;
	let m = &export.manifest;
	tracing::info!(
		datanet = m.datanet,
		version = m.version,
		items = m.item_count,
		"published version checked against its root"
	);
	let (validation, labels) = match (&args.validation, &args.validation_labels) {
		(Some(q), Some(l)) => {
			let (d, values) = npy::read_i8_matrix(q)?;
			if d != m.dimension {
				bail!("{}: dimension {d}, the Datanet's is {}", q.display(), m.dimension);
			}
			(Embeddings::from_i8(d, &values)?, npy::read_labels(l)?)
		},
		_ => (export.items.clone(), export.labels.clone()),
	};
	if labels.len() != validation.len() {
		bail!("{} validation embeddings but {} labels", validation.len(), labels.len());
	}
	let mut pending = Vec::with_capacity(args.pending.len());
	for path in &args.pending {
		let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
		pending.push(Pending { name: path.display().to_string(), bytes });
	}
	let engine = match args.device {
		DeviceArg::Cpu => Engine::Cpu(Cpu::default()),
		DeviceArg::Gpu => Engine::gpu(Gpu::new()?, None),
	};
	let bar =
		if args.quiet { ProgressBar::hidden() } else { ProgressBar::new(validation.len() as u64) };
	bar.set_style(
		ProgressStyle::with_template(
			"{elapsed_precise} [{bar:40}] {pos}/{len} validation queries, eta {eta}",
		)
		.expect("a valid template")
		.progress_chars("=> "),
	);
	let reports = audit(
		&engine,
		args.k,
		Published {
			dimension: m.dimension,
			num_labels: m.num_labels,
			hashes: &hashes(&export.version.embeddings, m.dimension),
		},
		Validation { embeddings: &validation, labels: &labels },
		&pending,
		&|done| bar.set_position(done as u64),
	)?;
	bar.finish_and_clear();
	for r in &reports {
		println!("{}", r.line());
	}
	let json = json!({
		"datanet": m.datanet,
		"version": m.version,
		"k": args.k,
		"validation": if args.validation.is_some() { "owner's set" } else { "published version" },
		"validation_size": validation.len(),
		"files": reports,
	});
	std::fs::write(&args.out, serde_json::to_string_pretty(&json)?)
		.with_context(|| format!("writing {}", args.out.display()))?;
	Ok(())
}

fn run_attribute(args: AttributeArgs) -> anyhow::Result<()> {
	let started = Instant::now();
	let method = match args.method {
		MethodArg::KnnShapley => Method::KnnShapley { k: args.k, t: args.top_t },
		MethodArg::Similarity => Method::Similarity { k: args.k },
	};
	// A Datanet export is read one stored file at a time as it is ranked, each file checked
	// against its leaf first.
	let mut stream = None;
	let (items, labels, datanet) = if let Some(dir) = &args.datanet {
		let (m, ..) = read_manifest(dir)?;
		let info = json!({ "datanet": m.datanet, "version": m.version, "root": m.root });
		stream = Some(ExportFiles::open(dir)?);
		tracing::info!(datanet = m.datanet, version = m.version, root = %m.root, files = m.file_count, items = m.item_count, "Datanet export's file leaves checked against its root; files are checked as they are read");
		(Embeddings::from_i8(m.dimension, &[])?, Some(Vec::new()), Some(info))
	} else {
		let path = args.items.as_ref().context("--items or --datanet is required")?;
		let items = npy::read_embeddings(path).with_context(|| format!("{}", path.display()))?;
		let labels = args.labels.as_deref().map(npy::read_labels).transpose()?;
		(items, labels, None)
	};
	let (n, dimension) = match &stream {
		Some(source) => (source.len(), source.dimension()),
		None => (items.len(), items.dimension()),
	};
	let queries = npy::read_embeddings(&args.queries)
		.with_context(|| format!("{}", args.queries.display()))?;
	let query_labels = args.query_labels.as_deref().map(npy::read_labels).transpose()?;
	if method.needs_labels() && (labels.is_none() || query_labels.is_none()) {
		bail!("--method knn-shapley needs item labels (--labels or --datanet) and --query-labels");
	}
	let loaded = Instant::now();

	let cpu = match args.cpu_kernel {
		None => Cpu::default(),
		Some(KernelArg::Avx512Vnni) => Cpu::with_kernel(Kernel::Avx512Vnni)?,
		Some(KernelArg::Avx2) => Cpu::with_kernel(Kernel::Avx2)?,
		Some(KernelArg::Portable) => Cpu::with_kernel(Kernel::Portable)?,
	};
	let engine = match args.device {
		DeviceArg::Cpu => Engine::Cpu(cpu),
		DeviceArg::Gpu => Engine::gpu(
			Gpu::new()?,
			match args.commit_on {
				CommitOn::Auto => None,
				CommitOn::Cpu => Some(false),
				CommitOn::Device => Some(true),
			},
		),
	};
	tracing::info!(
		engine = %engine.describe(),
		commitments_on = engine.commits_on(),
		items = n,
		queries = queries.len(),
		d = dimension,
		streamed = stream.is_some(),
		"attributing"
	);

	let bar =
		if args.quiet { ProgressBar::hidden() } else { ProgressBar::new(queries.len() as u64) };
	bar.set_style(
		ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} queries, eta {eta}")
			.expect("a valid template")
			.progress_chars("=> "),
	);
	let top = args.top.unwrap_or(args.k);
	let inputs = Inputs {
		items: &items,
		labels: labels.as_deref(),
		queries: &queries,
		query_labels: query_labels.as_deref(),
	};
	let mut entries = match &args.entries {
		Some(path) => Some(EntriesFile::create(
			path,
			queries.len(),
			method.committed_count(n as u32) as usize,
		)?),
		None => None,
	};
	let mut each_group = |group: &[openledger_engine::Ranking]| {
		if let Some(file) = entries.as_mut() {
			file.append(group)?;
		}
		Ok(())
	};
	let progress = |done: usize| bar.set_position(done as u64);
	let output = match stream.as_mut() {
		Some(source) => attribute_source(
			&engine,
			method,
			top,
			source,
			&queries,
			query_labels.as_deref(),
			&progress,
			&mut each_group,
		)?,
		None => attribute(&engine, method, top, inputs, &progress, &mut each_group)?,
	};
	bar.finish_and_clear();

	npy::write_i64_sparse(&args.out, output.values.len(), output.values.valued())?;
	if let Some(file) = entries {
		file.finish()?;
	}
	let summary = summary(
		&args,
		method,
		top,
		&engine,
		(n, dimension),
		datanet,
		&output,
		(loaded - started).as_secs_f64() * 1e3,
	);
	let text = serde_json::to_string_pretty(&summary)?;
	std::fs::write(&args.summary, text)
		.with_context(|| format!("writing {}", args.summary.display()))?;
	tracing::info!(
		rank_ms = output.timings.rank,
		commit_ms = output.timings.commit,
		total_ms = output.timings.total,
		out = %args.out.display(),
		summary = %args.summary.display(),
		"done"
	);
	Ok(())
}

#[allow(clippy::too_many_arguments)]
fn summary(
	args: &AttributeArgs,
	method: Method,
	top: u32,
	engine: &Engine,
	(items, dimension): (usize, u32),
	datanet: Option<serde_json::Value>,
	output: &Output,
	load_ms: f64,
) -> serde_json::Value {
	let (name, scale) = match method {
		Method::KnnShapley { .. } => ("knn-shapley", KNN_SCALE as u64),
		Method::Similarity { .. } => ("similarity", SIMILARITY_SCALE),
	};
	let t = output.timings;
	json!({
		"method": name,
		"k": args.k,
		"top": if method.needs_labels() { top } else { args.k },
		"scale": scale,
		"items": items,
		"dimension": dimension,
		"device": engine.device(),
		"adapter": engine.describe(),
		"commitments_on": engine.commits_on(),
		"datanet": datanet,
		"timings_ms": { "load": load_ms, "rank": t.rank, "commit": t.commit, "sum": t.sum, "total": t.total },
		"queries": output.queries.iter().map(|q| json!({
			"root": to_hex(&q.root),
			"leaf_count": q.leaf_count,
			"top": q.top.iter().map(|e| json!({
				"rank": e.rank, "index": e.index, "distance": e.distance, "value": e.value,
			})).collect::<Vec<_>>(),
		})).collect::<Vec<_>>(),
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	fn parse(args: &str) -> Result<Cli, clap::Error> {
		Cli::try_parse_from(std::iter::once("openledger-worker").chain(args.split_whitespace()))
	}

	#[test]
	fn parses_the_documented_command() {
		let cli = parse(
			"attribute --items X.npy --labels Y.npy --queries Q.npy --query-labels QY.npy \
			 --method knn-shapley --k 10 --device cpu --out V.npy --summary S.json",
		)
		.unwrap();
		let Command::Attribute(a) = cli.command else { panic!("parsed as attribute") };
		assert_eq!(
			(a.method, a.k, a.device, a.top),
			(MethodArg::KnnShapley, 10, DeviceArg::Cpu, None)
		);
		assert_eq!(a.items, Some(PathBuf::from("X.npy")));
	}

	#[test]
	fn datanet_replaces_items_and_defaults_to_the_gpu() {
		let cli = parse(
			"attribute --datanet D --queries Q.npy --method similarity --k 3 --out V --summary S",
		)
		.unwrap();
		let Command::Attribute(a) = cli.command else { panic!("parsed as attribute") };
		assert_eq!((a.datanet, a.device), (Some(PathBuf::from("D")), DeviceArg::Gpu));
	}

	#[test]
	fn parses_the_daemon_and_its_config_file() {
		let cli =
			parse("run --dev-seed //Dave --store /srv/store --device cpu --metrics 127.0.0.1:9616")
				.unwrap();
		let Command::Run(r) = cli.command else { panic!("parsed as run") };
		assert_eq!(
			(r.dev_seed.as_deref(), r.device, r.corrupt_one_entry),
			(Some("//Dave"), Some(DeviceArg::Cpu), false)
		);
		assert!(parse("run --dev-seed //Dave --key-file k").is_err(), "one key source");
		let file: RunArgs =
			toml::from_str("node = \"ws://n:1\"\nstate_dir = \"s\"\ndevice = \"gpu\"\n").unwrap();
		assert_eq!((file.node.as_deref(), file.device), (Some("ws://n:1"), Some(DeviceArg::Gpu)));
		assert!(
			toml::from_str::<RunArgs>("config = \"x\"\n").is_err(),
			"the file cannot name another file"
		);
	}

	#[test]
	fn refuses_bad_combinations() {
		assert!(
			parse("attribute --queries Q --method similarity --k 3 --out V --summary S").is_err(),
			"no items"
		);
		assert!(parse("attribute --items X --datanet D --queries Q --method similarity --k 3 --out V --summary S").is_err());
		assert!(parse(
			"attribute --items X --queries Q --method shapley --k 3 --out V --summary S"
		)
		.is_err());
		assert!(parse("attribute --items X --queries Q --method similarity --k 3 --out V --summary S --device tpu").is_err());
	}
}
