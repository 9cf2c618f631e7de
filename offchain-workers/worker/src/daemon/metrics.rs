//! The worker daemon's Prometheus metrics (served by `openledger_chain::metrics::serve`).

use openledger_chain::metrics::{write_metric, Render};
use std::sync::atomic::{AtomicU64, Ordering};

/// The daemon's counters.
#[derive(Default, Debug)]
pub struct Metrics {
	/// Jobs this worker was assigned that ended (final or failed).
	pub jobs_done: AtomicU64,
	/// Milliseconds from seeing an assignment to the job's end, summed over `jobs_done`.
	pub job_millis: AtomicU64,
	/// Commits and reveals submitted.
	pub commits: AtomicU64,
	pub reveals: AtomicU64,
	/// Challenges this worker made that were upheld, and rejected.
	pub challenges_won: AtomicU64,
	pub challenges_lost: AtomicU64,
	/// Openings asked of others, and openings answered for our own results.
	pub openings_requested: AtomicU64,
	pub openings_answered: AtomicU64,
	/// Store objects refused because they did not match their hash.
	pub store_refused: AtomicU64,
	/// Errors: failed submissions, unreachable data, dropped connections.
	pub errors: AtomicU64,
	/// Times the node connection was (re)established.
	pub connections: AtomicU64,
	/// The latest best block seen.
	pub best_block: AtomicU64,
}

impl Metrics {
	pub fn inc(counter: &AtomicU64) {
		counter.fetch_add(1, Ordering::Relaxed);
	}
}

impl Render for Metrics {
	fn render(&self) -> String {
		let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
		let mut out = String::new();
		let mut metric = |name: &str, kind: &str, help: &str, value: String| {
			write_metric(&mut out, name, kind, help, &value);
		};
		metric(
			"openledger_worker_jobs_done_total",
			"counter",
			"Assigned jobs that ended.",
			get(&self.jobs_done).to_string(),
		);
		metric(
			"openledger_worker_job_seconds_sum",
			"counter",
			"Seconds from assignment to the end of the job, summed over the jobs done.",
			format!("{:.3}", get(&self.job_millis) as f64 / 1e3),
		);
		metric(
			"openledger_worker_job_seconds_count",
			"counter",
			"Jobs timed.",
			get(&self.jobs_done).to_string(),
		);
		metric(
			"openledger_worker_commits_total",
			"counter",
			"Commits submitted.",
			get(&self.commits).to_string(),
		);
		metric(
			"openledger_worker_reveals_total",
			"counter",
			"Reveals submitted.",
			get(&self.reveals).to_string(),
		);
		metric(
			"openledger_worker_challenges_won_total",
			"counter",
			"Our challenges upheld.",
			get(&self.challenges_won).to_string(),
		);
		metric(
			"openledger_worker_challenges_lost_total",
			"counter",
			"Our challenges rejected.",
			get(&self.challenges_lost).to_string(),
		);
		metric(
			"openledger_worker_openings_requested_total",
			"counter",
			"Entries we asked other workers to open.",
			get(&self.openings_requested).to_string(),
		);
		metric(
			"openledger_worker_openings_answered_total",
			"counter",
			"Entries of our results we opened.",
			get(&self.openings_answered).to_string(),
		);
		metric(
			"openledger_worker_store_refused_total",
			"counter",
			"Store objects refused for not matching their hash.",
			get(&self.store_refused).to_string(),
		);
		metric(
			"openledger_worker_errors_total",
			"counter",
			"Errors the daemon carried on from.",
			get(&self.errors).to_string(),
		);
		metric(
			"openledger_worker_connections_total",
			"counter",
			"Connections made to the node.",
			get(&self.connections).to_string(),
		);
		metric(
			"openledger_worker_best_block",
			"gauge",
			"The latest best block seen.",
			get(&self.best_block).to_string(),
		);
		out
	}
}
