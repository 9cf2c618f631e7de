//! The GPU path: wgpu compute shaders that produce, bit for bit, the rankings of
//! `openledger_primitives::attribution::reference_entries`.
//!
//! For each batch of queries, in one submission:
//!
//! 1. `distance.wgsl`, with `dot4` from `dot_packed.wgsl` or `dot_portable.wgsl`, writes a
//!    `(distance, index)` key per query and item into segments of `npad = N.next_power_of_two()`
//!    keys, the padding filled with a sentinel above every real key. Items are uploaded in chunks
//!    of at most [`GpuOptions::max_items_per_dispatch`], one dispatch per chunk, all writing into
//!    the same segments, so a query is still ranked over all `N` items.
//! 2. `sort.wgsl` sorts each segment (bitonic; stages with short strides in workgroup memory).
//!    For similarity with `k < N` and `k` at most [`MAX_SELECT_K`] it instead keeps reducing the
//!    segment to the heads of its sorted tiles, which hold the `k` nearest, and sorts only those.
//! 3. `knn.wgsl` and `scan.wgsl` turn a sorted segment into KNN-Shapley values (a suffix sum of
//!    per-rank contributions), or `similarity.wgsl` values the first `k` ranks.
//! 4. For [`Gpu::rank_and_commit`], `commit.wgsl` hashes each query's committed entries into
//!    Merkle leaves, then builds the tree one level per dispatch, every query of the batch at
//!    once, so only the roots come back besides the rankings.
//!
//! All arithmetic is integer and exact; see each `.wgsl` file for why it fits its type.

use crate::{
	stream::{ItemSource, Nearest},
	Embeddings, Error, Inputs, Ranking, Result,
};
use openledger_primitives::{
	attribution::{key, Method},
	merkle::Hash,
};
use std::sync::mpsc;
use wgpu::util::DeviceExt;

/// Keys per workgroup tile of the local sort stages (`TILE` in `sort.wgsl`).
const TILE: u32 = 1024;
/// Queries per invocation of the distance kernels (`QB` in `distance.wgsl`).
const QUERIES_PER_INVOCATION: u32 = 8;
/// Invocations per workgroup of every kernel.
const WORKGROUP: u32 = 256;
/// The largest similarity `k` served by top-k selection; a larger `k` sorts all items, which
/// gives the same result more slowly. Selection keeps `k.next_power_of_two()` heads of each tile
/// of [`TILE`] keys, so it must stay well below [`TILE`] to shrink the work.
pub const MAX_SELECT_K: u32 = 256;
/// Bytes of keys (plus values and read-back) one batch of queries may use, whatever the device
/// allows, so memory stays bounded on large adapters too.
const BATCH_BYTES: u64 = 256 << 20;
/// Bytes of one `Params` slot as the kernels declare it (eight `u32`).
const PARAMS_BYTES: u64 = 32;

/// Choices that tests (and cautious operators) can make; the defaults suit production.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GpuOptions {
	/// Use the portable distance kernel even where `dot4I8Packed` is available.
	pub portable_distance: bool,
	/// Items uploaded and processed per distance dispatch; `None` takes the most the device's
	/// storage binding and buffer limits allow.
	pub max_items_per_dispatch: Option<u32>,
	/// Queries ranked per submission; `None` takes as many as fit the memory budget.
	pub max_queries_per_batch: Option<u32>,
}

struct Kernel {
	pipeline: wgpu::ComputePipeline,
	layout: wgpu::BindGroupLayout,
}

struct Kernels {
	distance: Kernel,
	sort_global: Kernel,
	sort_global_pair: Kernel,
	sort_local: Kernel,
	compact: Kernel,
	knn_contrib: Kernel,
	scan_tiles: Kernel,
	scan_add: Kernel,
	similarity: Kernel,
	commit_leaves: Kernel,
	commit_level: Kernel,
}

/// An opened adapter with every pipeline built, ready to [`rank`](Gpu::rank).
pub struct Gpu {
	// Kept so the adapter outlives nothing it was created from.
	_instance: wgpu::Instance,
	info: wgpu::AdapterInfo,
	device: wgpu::Device,
	queue: wgpu::Queue,
	limits: wgpu::Limits,
	dot4: bool,
	max_items_per_dispatch: Option<u32>,
	max_queries_per_batch: Option<u32>,
	kernels: Kernels,
}

/// One compute dispatch of a batch, recorded before the bind groups exist so that all their
/// parameters can go into one uniform buffer.
struct Op<'a> {
	kernel: &'a Kernel,
	params: [u32; 8],
	buffers: Vec<&'a wgpu::Buffer>,
	workgroups: u32,
}

impl Gpu {
	/// Opens the first adapter wgpu finds (high-performance preference, any backend, software
	/// ones such as lavapipe included) and builds every pipeline.
	pub fn new() -> Result<Self> {
		Self::with_options(GpuOptions::default())
	}

	/// [`Gpu::new`] with explicit [`GpuOptions`].
	pub fn with_options(options: GpuOptions) -> Result<Self> {
		let (instance, adapter) = open_adapter()?;
		let info = adapter.get_info();
		let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
			label: Some("openledger-worker"),
			required_limits: adapter.limits(),
			..Default::default()
		}))
		.map_err(|e| {
			Error::Gpu(format!("{} ({:?}): cannot open device: {e}", info.name, info.backend))
		})?;
		let limits = device.limits();
		let dot4 = !options.portable_distance
			&& instance
				.wgsl_language_features()
				.contains(wgpu::WgslLanguageFeatures::Packed4x8IntegerDotProduct);

		let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
		let kernels = Kernels::build(&device, dot4);
		if let Some(e) = pollster::block_on(scope.pop()) {
			return Err(Error::Gpu(format!("building the compute pipelines: {e}")));
		}

		let gpu = Gpu {
			_instance: instance,
			info,
			device,
			queue,
			limits,
			dot4,
			max_items_per_dispatch: options.max_items_per_dispatch,
			max_queries_per_batch: options.max_queries_per_batch,
			kernels,
		};
		tracing::info!(
			adapter = %gpu.info.name,
			backend = ?gpu.info.backend,
			device_type = ?gpu.info.device_type,
			dot4_i8_packed = gpu.dot4,
			"GPU opened"
		);
		Ok(gpu)
	}

	/// The adapter, its backend and device type, e.g.
	/// `llvmpipe (LLVM 15.0.6, 256 bits) (Vulkan, Cpu)`.
	pub fn adapter_name(&self) -> String {
		format!("{} ({:?}, {:?})", self.info.name, self.info.backend, self.info.device_type)
	}

	/// Whether the adapter is a CPU running the shaders in software (Mesa's lavapipe or
	/// llvmpipe), where work the CPU path does natively is better left to it.
	pub fn is_software(&self) -> bool {
		self.info.device_type == wgpu::DeviceType::Cpu
	}

	/// Whether the distance kernel uses `dot4I8Packed`.
	pub fn uses_dot4(&self) -> bool {
		self.dot4
	}

	/// Ranks every query against all items.
	///
	/// For [`Method::KnnShapley`] each ranking holds the `min(t, N)` nearest with their KNN-Shapley
	/// values (the game over them);
	/// `labels` (one per item) and `query_labels` (one per query) are required. For
	/// [`Method::Similarity`] it holds the `min(k, N)` nearest with their similarity values, and
	/// labels are ignored. `progress` is called with the number of queries done after each batch.
	pub fn rank(
		&self,
		method: Method,
		inputs: Inputs,
		progress: &dyn Fn(usize),
	) -> Result<Vec<Ranking>> {
		Ok(self.rank_batches(method, inputs, progress, false)?.0)
	}

	/// [`Gpu::rank`], and each ranking's commitment root
	/// (`openledger_primitives::attribution::commitment` of its entries), hashed on the device in
	/// the same submission as the ranking so that only the roots come back.
	pub fn rank_and_commit(
		&self,
		method: Method,
		inputs: Inputs,
		progress: &dyn Fn(usize),
	) -> Result<(Vec<Ranking>, Vec<Hash>)> {
		self.rank_batches(method, inputs, progress, true)
	}

	/// Ranks every query against the items `source` yields, a chunk at a time: the device ranks
	/// each chunk and returns its nearest `min(t, chunk)` (KNN-Shapley) or `min(k, chunk)`
	/// (similarity) per query, which merge into each query's bounded [`Nearest`] on the host. So
	/// the device holds one chunk and the host one chunk plus `T` keys per query, whatever `N`
	/// is. The merge is exact on the ranking keys and the values are computed from the merged
	/// ranking, so the result is the CPU path's bit for bit. `query_labels` as for
	/// [`crate::cpu::Cpu::rank_source`].
	pub fn rank_source(
		&self,
		method: Method,
		source: &mut dyn ItemSource,
		queries: &Embeddings,
		query_labels: &[u32],
		progress: &dyn Fn(usize),
	) -> Result<Vec<Ranking>> {
		crate::check::check_queries(method, source, queries, Some(query_labels))?;
		let n = source.len();
		let m = queries.len();
		let keep = method.committed_count(n as u32) as usize;
		let knn = method.needs_labels();
		let mut nearest: Vec<Nearest> = (0..m).map(|_| Nearest::new(keep)).collect();
		let mut done = 0usize;
		source.for_each_chunk(&mut |chunk| {
			// The device takes its own copy, word-major, of the chunk.
			let items = chunk.items.to_embeddings();
			let inputs = Inputs {
				items: &items,
				labels: chunk.labels,
				queries,
				query_labels: knn.then_some(query_labels),
			};
			let rankings = self.rank(method, inputs, &|_| {})?;
			for (q, (near, ranking)) in nearest.iter_mut().zip(&rankings).enumerate() {
				for (&i, &distance) in ranking.index.iter().zip(&ranking.distance) {
					near.offer(key(distance, chunk.first + i), || {
						knn && chunk.labels.and_then(|l| l.get(i as usize)) == query_labels.get(q)
					});
				}
			}
			done += chunk.items.len();
			progress(m * done / n.max(1));
			Ok(())
		})?;
		Ok(nearest.into_iter().map(|near| near.into_ranking(method)).collect())
	}

	/// Ranks (and with `commit`, commits) batch after batch; the roots are empty without `commit`.
	fn rank_batches(
		&self,
		method: Method,
		inputs: Inputs,
		progress: &dyn Fn(usize),
		commit: bool,
	) -> Result<(Vec<Ranking>, Vec<Hash>)> {
		let (item_labels, query_labels) = crate::check::check_inputs(method, inputs)?;
		let Inputs { items, queries, .. } = inputs;
		let labels = method.needs_labels().then_some((item_labels, query_labels));
		let m = queries.len();

		let job = Job::plan(self, method, items, commit)?;
		let (chunks, labels_buffer) = self.scoped(|| {
			let chunks = self.upload_items(items, &job);
			let labels =
				labels.map(|(labels, _)| self.storage_init("labels", bytemuck::cast_slice(labels)));
			Ok((chunks, labels))
		})?;

		let mut rankings = Vec::with_capacity(m);
		let mut roots = Vec::with_capacity(if commit { m } else { 0 });
		for first in (0..m).step_by(job.batch) {
			let count = job.batch.min(m - first);
			let words = queries.words();
			let query_rows = &queries.packed()[first * words..(first + count) * words];
			let query_labels = labels.map(|(_, q)| &q[first..first + count]);
			let started = std::time::Instant::now();
			let (batch_rankings, batch_roots) = self.scoped(|| {
				self.rank_batch(
					&job,
					&chunks,
					labels_buffer.as_ref(),
					query_rows,
					query_labels,
					count,
				)
			})?;
			rankings.extend(batch_rankings);
			roots.extend(batch_roots);
			tracing::debug!(first, count, commit, elapsed = ?started.elapsed(), "GPU batch ranked");
			progress(first + count);
		}
		Ok((rankings, roots))
	}

	/// Runs `work`, turning any validation or out-of-memory error the device raised meanwhile
	/// into [`Error::Gpu`] (wgpu would otherwise panic on it).
	fn scoped<T>(&self, work: impl FnOnce() -> Result<T>) -> Result<T> {
		let validation = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
		let memory = self.device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
		let result = work();
		let memory = pollster::block_on(memory.pop());
		let validation = pollster::block_on(validation.pop());
		if let Some(e) = memory.or(validation) {
			return Err(Error::Gpu(format!("{}: {e}", self.adapter_name())));
		}
		result
	}

	fn upload_items(&self, items: &Embeddings, job: &Job) -> Vec<(u32, u32, wgpu::Buffer)> {
		let words = items.words();
		(0..job.n)
			.step_by(job.chunk)
			.map(|start| {
				let len = job.chunk.min(job.n - start);
				let rows = &items.packed()[start * words..(start + len) * words];
				// Word-major, so that neighbouring invocations of the distance kernel (neighbouring
				// items) read neighbouring words.
				let mut transposed = vec![0u32; rows.len()];
				for (i, row) in rows.chunks_exact(words).enumerate() {
					for (w, &word) in row.iter().enumerate() {
						transposed[w * len + i] = word;
					}
				}
				(
					start as u32,
					len as u32,
					self.storage_init("items", bytemuck::cast_slice(&transposed)),
				)
			})
			.collect()
	}

	fn storage_init(&self, label: &str, contents: &[u8]) -> wgpu::Buffer {
		self.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
			label: Some(label),
			contents,
			usage: wgpu::BufferUsages::STORAGE,
		})
	}

	fn buffer(&self, label: &str, bytes: u64, usage: wgpu::BufferUsages) -> wgpu::Buffer {
		self.device.create_buffer(&wgpu::BufferDescriptor {
			label: Some(label),
			// Bindings may not be empty.
			size: bytes.max(16).next_multiple_of(4),
			usage,
			mapped_at_creation: false,
		})
	}

	fn rank_batch(
		&self,
		job: &Job,
		chunks: &[(u32, u32, wgpu::Buffer)],
		labels: Option<&wgpu::Buffer>,
		query_rows: &[u32],
		query_labels: Option<&[u32]>,
		count: usize,
	) -> Result<(Vec<Ranking>, Vec<Hash>)> {
		let storage = wgpu::BufferUsages::STORAGE;
		let segments = count as u32;
		let n = job.n as u32;
		let npad = job.npad;
		let total = segments * npad;
		// The rows, then |q|^2 of each (the dot4 kernel's D = |q|^2 + |x|^2 - 2 q.x).
		let mut query_words = query_rows.to_vec();
		query_words.extend(query_rows.chunks_exact(job.words as usize).map(|row| {
			row.iter()
				.flat_map(|w| w.to_le_bytes())
				.map(|b| (b as i8 as i32).pow(2) as u32)
				.sum::<u32>()
		}));
		let queries = self.storage_init("queries", bytemuck::cast_slice(&query_words));
		let keys = self.buffer("keys", total as u64 * 8, storage | wgpu::BufferUsages::COPY_SRC);
		let mut ops = Vec::new();

		for (start, len, items) in chunks {
			let last = start + len == n;
			// The last chunk also writes the padding sentinels up to npad.
			let cover = if last { npad - start } else { *len };
			ops.push(Op {
				kernel: &self.kernels.distance,
				params: [n, npad, segments, job.words, *start, *len, cover, 0],
				buffers: vec![&queries, items, &keys],
				workgroups: workgroups(
					segments.div_ceil(QUERIES_PER_INVOCATION) as u64 * cover as u64,
				),
			});
		}

		let read_back = wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST;
		let scratch;
		let query_labels_buffer;
		let values;
		let level_sums: Vec<wgpu::Buffer>;
		let entries;
		// Where the leaf kernel finds each entry: (keys, values, its layout parameters).
		let leaf_source: (&wgpu::Buffer, &wgpu::Buffer, [u32; 6]);
		// (source, source offset, read-back offset, bytes), recorded after the compute pass.
		let mut copies: Vec<(&wgpu::Buffer, u64, u64, u64)> = Vec::new();
		let out_bytes = match job.method {
			Method::KnnShapley { k, .. } => {
				// The whole segment is sorted; the values, read-back and leaves cover the first
				// `kept = min(t, n)`: the game over the nearest `kept` (knn.wgsl with n = kept).
				let kept = job.kept as u32;
				self.record_sort(&mut ops, &keys, total, npad);
				query_labels_buffer = self.storage_init(
					"query labels",
					bytemuck::cast_slice(query_labels.unwrap_or_default()),
				);
				values =
					self.buffer("values", total as u64 * 4, storage | wgpu::BufferUsages::COPY_SRC);
				ops.push(Op {
					kernel: &self.kernels.knn_contrib,
					params: [kept, npad, segments, k, 0, 0, 0, 0],
					buffers: vec![
						&keys,
						labels.expect("checked by rank"),
						&query_labels_buffer,
						&values,
					],
					workgroups: workgroups(segments as u64 * kept as u64),
				});
				// One buffer of tile totals per level, down to a single tile per segment.
				let mut len = kept;
				let mut sums = Vec::new();
				loop {
					len = len.div_ceil(WORKGROUP);
					sums.push(self.buffer("scan sums", segments as u64 * len as u64 * 4, storage));
					if len == 1 {
						break;
					}
				}
				level_sums = sums;
				self.record_scan(&mut ops, &values, kept, npad, segments, &level_sums);
				// Only the first `kept` keys and values of each segment come back: keys, then
				// values.
				let (kept, npad) = (kept as u64, npad as u64);
				let key_bytes = segments as u64 * kept * 8;
				for s in 0..segments as u64 {
					copies.push((&keys, s * npad * 8, s * kept * 8, kept * 8));
					copies.push((&values, s * npad * 4, key_bytes + s * kept * 4, kept * 4));
				}
				// Entry r of segment s: key at keys[s * npad + r], i32 value at values[s * npad + r].
				leaf_source = (&keys, &values, [npad as u32, 1, npad as u32, 1, 0, 0]);
				segments as u64 * kept * 12
			},
			Method::Similarity { .. } => {
				let kept = job.kept as u32;
				let mut current = (&keys, npad);
				if job.select {
					let kpad = job.kpad;
					scratch = self.buffer(
						"top-k heads",
						segments as u64 * (npad / TILE * kpad) as u64 * 8,
						storage,
					);
					let mut other = &scratch;
					while current.1 > TILE {
						let (buffer, len) = current;
						self.record_local(&mut ops, buffer, segments * len, len, 2, TILE);
						let len_out = len / TILE * kpad;
						ops.push(Op {
							kernel: &self.kernels.compact,
							params: [segments * len_out, len, 0, 0, 0, 0, kpad, len_out],
							buffers: vec![buffer, other],
							workgroups: workgroups(segments as u64 * len_out as u64),
						});
						current = (other, len_out);
						other = buffer;
					}
					self.record_local(
						&mut ops,
						current.0,
						segments * current.1,
						current.1,
						2,
						current.1,
					);
				} else {
					self.record_sort(&mut ops, &keys, total, npad);
				}
				let bytes = segments as u64 * kept as u64 * 16;
				entries = self.buffer("entries", bytes, storage | wgpu::BufferUsages::COPY_SRC);
				ops.push(Op {
					kernel: &self.kernels.similarity,
					params: [current.1, segments, kept, 0, 0, 0, 0, 0],
					buffers: vec![current.0, &entries],
					workgroups: workgroups(segments as u64 * kept as u64),
				});
				copies.push((&entries, 0, 0, bytes));
				// Entries are (distance, index, lo, hi): read as keys of two words, values of one.
				leaf_source = (&entries, &entries, [2 * kept, 2, 4 * kept, 4, 2, 1]);
				bytes
			},
		};

		let mut root_bytes = 0;
		let hashes;
		if job.commit {
			hashes = self.hash_buffers(segments, job.kept as u32);
			let roots =
				self.record_commit(&mut ops, leaf_source, job.kept as u32, segments, &hashes);
			root_bytes = segments as u64 * 32;
			copies.push((roots, 0, out_bytes, root_bytes));
		}
		let out = self.buffer("read-back", out_bytes + root_bytes, read_back);

		let mut encoder = self.submit_ops(&ops)?;
		for (source, from, to, bytes) in copies {
			encoder.copy_buffer_to_buffer(source, from, &out, to, bytes);
		}
		let mut words = self.finish(encoder, &out)?;
		let roots = words
			.split_off((out_bytes / 4) as usize)
			.chunks_exact(8)
			.take(if job.commit { count } else { 0 })
			.map(|root| bytemuck::cast::<[u32; 8], Hash>(root.try_into().expect("chunks of 8")))
			.collect();

		let rankings = match job.method {
			Method::KnnShapley { .. } => {
				let kept = job.kept;
				let (keys, values) = words.split_at(count * kept * 2);
				(0..count)
					.map(|s| {
						let keys = &keys[s * kept * 2..(s + 1) * kept * 2];
						let values = &values[s * kept..(s + 1) * kept];
						Ranking {
							index: keys.iter().skip(1).step_by(2).copied().collect(),
							distance: keys.iter().step_by(2).copied().collect(),
							// The scan's wrapping sums are the exact values read as i32.
							value: values.iter().map(|&v| v as i32 as i64).collect(),
						}
					})
					.collect()
			},
			Method::Similarity { .. } => words
				.chunks_exact(job.kept * 4)
				.take(count)
				.map(|entries| {
					let entries: Vec<&[u32]> = entries.chunks_exact(4).collect();
					Ranking {
						index: entries.iter().map(|e| e[1]).collect(),
						distance: entries.iter().map(|e| e[0]).collect(),
						value: entries
							.iter()
							.map(|e| ((e[3] as u64) << 32 | e[2] as u64) as i64)
							.collect(),
					}
				})
				.collect(),
		};
		Ok((rankings, roots))
	}

	/// Records a full ascending sort of every `npad`-key segment of `keys`.
	fn record_sort<'a>(
		&'a self,
		ops: &mut Vec<Op<'a>>,
		keys: &'a wgpu::Buffer,
		total: u32,
		npad: u32,
	) {
		self.record_local(ops, keys, total, npad, 2, npad.min(TILE));
		let mut k = 2 * TILE;
		while k <= npad {
			let mut j = k / 2;
			while j >= TILE {
				if j / 2 >= TILE {
					ops.push(Op {
						kernel: &self.kernels.sort_global_pair,
						params: [total, npad, k, j, 0, 0, 0, 0],
						buffers: vec![keys],
						workgroups: workgroups(total as u64 / 4),
					});
					j /= 4;
				} else {
					ops.push(Op {
						kernel: &self.kernels.sort_global,
						params: [total, npad, k, j, 0, 0, 0, 0],
						buffers: vec![keys],
						workgroups: workgroups(total as u64 / 2),
					});
					j /= 2;
				}
			}
			self.record_local(ops, keys, total, npad, k, k);
			k *= 2;
		}
	}

	fn record_local<'a>(
		&'a self,
		ops: &mut Vec<Op<'a>>,
		keys: &'a wgpu::Buffer,
		total: u32,
		npad: u32,
		k_lo: u32,
		k_hi: u32,
	) {
		ops.push(Op {
			kernel: &self.kernels.sort_local,
			params: [total, npad, 0, 0, k_lo, k_hi, 0, 0],
			buffers: vec![keys],
			workgroups: total.div_ceil(TILE),
		});
	}

	/// Records the suffix sum of the first `len` of every `stride` elements of `x`, with one
	/// buffer of tile totals per level in `sums` (the last level has one tile per segment).
	fn record_scan<'a>(
		&'a self,
		ops: &mut Vec<Op<'a>>,
		x: &'a wgpu::Buffer,
		len: u32,
		stride: u32,
		segments: u32,
		sums: &'a [wgpu::Buffer],
	) {
		let tiles = len.div_ceil(WORKGROUP);
		let level = &sums[0];
		ops.push(Op {
			kernel: &self.kernels.scan_tiles,
			params: [len, stride, tiles, segments, 0, 0, 0, 0],
			buffers: vec![x, level],
			workgroups: segments * tiles,
		});
		if tiles > 1 {
			self.record_scan(ops, level, tiles, tiles, segments, &sums[1..]);
			ops.push(Op {
				kernel: &self.kernels.scan_add,
				params: [len, stride, tiles, segments, 0, 0, 0, 0],
				buffers: vec![x, level],
				workgroups: segments * tiles,
			});
		}
	}
}

impl Gpu {
	/// The commitment root of a ranking computed elsewhere (the CPU path, or a check of this
	/// one), hashed on the device: `openledger_primitives::attribution::commitment` of its
	/// entries.
	pub fn commit(&self, ranking: &Ranking) -> Result<Hash> {
		let kept = ranking.len();
		if kept == 0 {
			return Ok(openledger_primitives::merkle::EMPTY_ROOT);
		}
		let too_big = u32::try_from(kept).is_err()
			|| kept as u64 * 32 > self.limits.max_storage_buffer_binding_size;
		if too_big {
			return Err(Error::Gpu(format!(
				"{}: cannot hash {kept} entries at once",
				self.adapter_name()
			)));
		}
		self.scoped(|| {
			// The layout of similarity's entries: (distance, index, lo, hi).
			let words: Vec<u32> = (0..kept)
				.flat_map(|r| {
					let value = ranking.value[r] as u64;
					[ranking.distance[r], ranking.index[r], value as u32, (value >> 32) as u32]
				})
				.collect();
			let entries = self.storage_init("entries", bytemuck::cast_slice(&words));
			let hashes = self.hash_buffers(1, kept as u32);
			let mut ops = Vec::new();
			let leaf_source = (&entries, &entries, [0, 2, 0, 4, 2, 1]);
			let roots = self.record_commit(&mut ops, leaf_source, kept as u32, 1, &hashes);
			let out = self.buffer(
				"read-back",
				32,
				wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
			);
			let mut encoder = self.submit_ops(&ops)?;
			encoder.copy_buffer_to_buffer(roots, 0, &out, 0, 32);
			let words = self.finish(encoder, &out)?;
			Ok(bytemuck::cast::<[u32; 8], Hash>(words[..8].try_into().expect("32 bytes read back")))
		})
	}

	/// The two buffers the tree is built in, for `segments` trees of `kept` leaves: the leaves and
	/// every even level in the first, odd levels in the second.
	fn hash_buffers(&self, segments: u32, kept: u32) -> [wgpu::Buffer; 2] {
		let usage = wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC;
		[
			self.buffer("hashes", segments as u64 * kept as u64 * 32, usage),
			self.buffer("hashes", segments as u64 * kept.div_ceil(2) as u64 * 32, usage),
		]
	}

	/// Records the leaves of `segments` rankings of `kept` entries each, read from `leaf_source`
	/// (keys, values and the layout parameters of `leaves` in `commit.wgsl`), then one dispatch
	/// per tree level. Returns the buffer whose first `segments` hashes are the roots.
	fn record_commit<'a>(
		&'a self,
		ops: &mut Vec<Op<'a>>,
		leaf_source: (&'a wgpu::Buffer, &'a wgpu::Buffer, [u32; 6]),
		kept: u32,
		segments: u32,
		hashes: &'a [wgpu::Buffer; 2],
	) -> &'a wgpu::Buffer {
		let (keys, values, [key_stride, key_step, value_stride, value_step, value_offset, wide]) =
			leaf_source;
		ops.push(Op {
			kernel: &self.kernels.commit_leaves,
			params: [
				kept,
				segments,
				key_stride,
				key_step,
				value_stride,
				value_step,
				value_offset,
				wide,
			],
			buffers: vec![keys, values, &hashes[0]],
			workgroups: workgroups(segments as u64 * kept as u64),
		});
		let mut len = kept;
		let mut level = 0;
		while len > 1 {
			ops.push(Op {
				kernel: &self.kernels.commit_level,
				params: [len, segments, 0, 0, 0, 0, 0, 0],
				buffers: vec![&hashes[level % 2], &hashes[1 - level % 2]],
				workgroups: workgroups(segments as u64 * len.div_ceil(2) as u64),
			});
			len = len.div_ceil(2);
			level += 1;
		}
		&hashes[level % 2]
	}
}

/// The adapter wgpu prefers for compute among every backend it has (`WGPU_BACKEND` narrows
/// them), software adapters such as lavapipe included.
fn open_adapter() -> Result<(wgpu::Instance, wgpu::Adapter)> {
	let instance =
		wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
	let options = wgpu::RequestAdapterOptions {
		power_preference: wgpu::PowerPreference::HighPerformance,
		..Default::default()
	};
	let adapter = pollster::block_on(instance.request_adapter(&options))
		.map_err(|e| Error::NoAdapter(e.to_string()))?;
	Ok((instance, adapter))
}

/// Dispatch size of a one-invocation-per-element kernel.
fn workgroups(elements: u64) -> u32 {
	elements.div_ceil(WORKGROUP as u64) as u32
}

/// Folds a dispatch into two dimensions, since each is limited to 65535 workgroups; the kernels
/// rebuild the linear workgroup index and ignore the overshoot.
fn fold(workgroups: u32) -> (u32, u32) {
	let x = workgroups.min(65535);
	(x, workgroups.div_ceil(x))
}

/// The sizes of one call to [`Gpu::rank`], fixed before any batch runs.
struct Job {
	method: Method,
	/// Items.
	n: usize,
	/// Keys per query segment: `n` rounded up to a power of two for the bitonic sort.
	npad: u32,
	/// Words per embedding.
	words: u32,
	/// Queries per batch.
	batch: usize,
	/// Items per distance dispatch.
	chunk: usize,
	/// Entries per ranking.
	kept: usize,
	/// Whether similarity uses top-k selection rather than a full sort.
	select: bool,
	/// Heads kept per sorted tile by the selection.
	kpad: u32,
	/// Whether each batch also computes the commitment roots.
	commit: bool,
}

impl Job {
	fn plan(gpu: &Gpu, method: Method, items: &Embeddings, commit: bool) -> Result<Self> {
		let n = items.len();
		let npad = (n as u32).next_power_of_two();
		let words = items.words() as u32;
		let limits = &gpu.limits;
		let binding = limits.max_storage_buffer_binding_size.min(limits.max_buffer_size);
		let max_buffer = limits.max_buffer_size;
		let row_bytes = words as u64 * 4;
		let too_big = |what: &str, bytes: u64, limit: u64| {
			Error::Gpu(format!(
				"{what} needs {bytes} bytes, above this adapter's limit of {limit} ({}); use the CPU path",
				gpu.adapter_name()
			))
		};
		if row_bytes > binding {
			return Err(too_big("one embedding", row_bytes, binding));
		}
		if npad as u64 * 8 > binding {
			return Err(too_big(
				&format!("sorting {n} items for one query"),
				npad as u64 * 8,
				binding,
			));
		}
		let (kept, out_bytes) = match method {
			Method::KnnShapley { t, .. } => (n.min(t as usize), n.min(t as usize) as u64 * 12),
			Method::Similarity { k } => (n.min(k as usize), n.min(k as usize) as u64 * 16),
		};
		if out_bytes > max_buffer {
			return Err(too_big(
				&format!("reading back one ranking of {kept} entries"),
				out_bytes,
				max_buffer,
			));
		}
		// The leaf hashes of one ranking, plus half as many for the level above.
		let hash_bytes = if commit { kept as u64 * 32 } else { 0 };
		if hash_bytes > binding {
			return Err(too_big(
				&format!("hashing one ranking of {kept} entries"),
				hash_bytes,
				binding,
			));
		}
		let device_chunk = (binding / row_bytes).min(u32::MAX as u64) as usize;
		let chunk = gpu
			.max_items_per_dispatch
			.map_or(device_chunk, |c| (c as usize).clamp(1, device_chunk))
			.min(n);
		// Keys (8 bytes per key), KNN values (4) and the read-back (up to 12) per padded item, and
		// the two levels of hashes.
		let batch = (binding / (npad as u64 * 8))
			.min(max_buffer / out_bytes.max(1))
			.min(binding / hash_bytes.max(1))
			.min(BATCH_BYTES / (npad as u64 * 24 + hash_bytes * 3 / 2))
			.min(gpu.max_queries_per_batch.map_or(u64::MAX, u64::from))
			.max(1) as usize;
		let k = method.k();
		let select = matches!(method, Method::Similarity { .. })
			&& (k as usize) < n
			&& k <= MAX_SELECT_K
			&& npad > TILE;
		Ok(Job {
			method,
			n,
			npad,
			words,
			batch,
			chunk,
			kept,
			select,
			kpad: k.next_power_of_two(),
			commit,
		})
	}
}

impl Gpu {
	/// Writes every op's parameters into one uniform buffer and records the ops, in order, in
	/// one compute pass (wgpu orders dispatches that share storage buffers).
	fn submit_ops(&self, ops: &[Op]) -> Result<wgpu::CommandEncoder> {
		let align = self.limits.min_uniform_buffer_offset_alignment as u64;
		let slot = PARAMS_BYTES.next_multiple_of(align.max(1));
		let mut bytes = vec![0u8; ops.len().max(1) * slot as usize];
		for (i, op) in ops.iter().enumerate() {
			let at = i * slot as usize;
			bytes[at..at + PARAMS_BYTES as usize].copy_from_slice(bytemuck::cast_slice(&op.params));
		}
		let params = self.device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
			label: Some("params"),
			contents: &bytes,
			usage: wgpu::BufferUsages::UNIFORM,
		});
		let mut encoder = self
			.device
			.create_command_encoder(&wgpu::CommandEncoderDescriptor { label: Some("rank") });
		{
			let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
				label: Some("rank"),
				timestamp_writes: None,
			});
			for (i, op) in ops.iter().enumerate() {
				if op.workgroups == 0 {
					continue;
				}
				let mut entries = vec![wgpu::BindGroupEntry {
					binding: 0,
					resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
						buffer: &params,
						offset: i as u64 * slot,
						size: wgpu::BufferSize::new(PARAMS_BYTES),
					}),
				}];
				for (b, buffer) in op.buffers.iter().enumerate() {
					entries.push(wgpu::BindGroupEntry {
						binding: b as u32 + 1,
						resource: buffer.as_entire_binding(),
					});
				}
				let bind_group = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
					label: None,
					layout: &op.kernel.layout,
					entries: &entries,
				});
				pass.set_pipeline(&op.kernel.pipeline);
				pass.set_bind_group(0, &bind_group, &[]);
				let (x, y) = fold(op.workgroups);
				pass.dispatch_workgroups(x, y, 1);
			}
		}
		Ok(encoder)
	}

	/// Submits `encoder`, waits for it and returns the contents of the mappable `out`, reporting
	/// any validation or out-of-memory error of the batch.
	fn finish(&self, encoder: wgpu::CommandEncoder, out: &wgpu::Buffer) -> Result<Vec<u32>> {
		self.queue.submit([encoder.finish()]);
		let slice = out.slice(..);
		let (sender, receiver) = mpsc::channel();
		slice.map_async(wgpu::MapMode::Read, move |result| {
			let _ = sender.send(result);
		});
		self.device
			.poll(wgpu::PollType::wait_indefinitely())
			.map_err(|e| Error::Gpu(format!("waiting for the device: {e}")))?;
		receiver
			.recv()
			.map_err(|_| Error::Gpu("the read-back was never answered".into()))?
			.map_err(|e| Error::Gpu(format!("reading results back: {e}")))?;
		let words = {
			let view = slice
				.get_mapped_range()
				.map_err(|e| Error::Gpu(format!("reading results back: {e}")))?;
			bytemuck::pod_collect_to_vec::<u8, u32>(&view)
		};
		out.unmap();
		Ok(words)
	}
}

impl Kernels {
	fn build(device: &wgpu::Device, dot4: bool) -> Self {
		let module = |label: &str, source: &str| {
			device.create_shader_module(wgpu::ShaderModuleDescriptor {
				label: Some(label),
				source: wgpu::ShaderSource::Wgsl(source.to_owned().into()),
			})
		};
		// One distance kernel, with `dot4` from the packed built-in or from plain integer code.
		let distance = if dot4 {
			module(
				"distance (dot4I8Packed)",
				&[include_str!("dot_packed.wgsl"), include_str!("distance.wgsl")].concat(),
			)
		} else {
			module(
				"distance (portable)",
				&[include_str!("dot_portable.wgsl"), include_str!("distance.wgsl")].concat(),
			)
		};
		let sort = module("sort", include_str!("sort.wgsl"));
		let knn = module("knn", include_str!("knn.wgsl"));
		let scan = module("scan", include_str!("scan.wgsl"));
		let similarity = module("similarity", include_str!("similarity.wgsl"));
		let commit = module("commit", include_str!("commit.wgsl"));
		// Each kernel's storage bindings from 1 on, `true` where the shader only reads.
		Kernels {
			distance: Kernel::new(device, &distance, "main", &[true, true, false]),
			sort_global: Kernel::new(device, &sort, "global_stage", &[false]),
			sort_global_pair: Kernel::new(device, &sort, "global_stage_pair", &[false]),
			sort_local: Kernel::new(device, &sort, "local_stages", &[false]),
			compact: Kernel::new(device, &sort, "compact", &[false, false]),
			knn_contrib: Kernel::new(device, &knn, "contrib", &[true, true, true, false]),
			scan_tiles: Kernel::new(device, &scan, "scan_tiles", &[false, false]),
			scan_add: Kernel::new(device, &scan, "scan_add", &[false, false]),
			similarity: Kernel::new(device, &similarity, "main", &[true, false]),
			commit_leaves: Kernel::new(device, &commit, "leaves", &[true, true, false]),
			commit_level: Kernel::new(device, &commit, "level", &[true, false]),
		}
	}
}

impl Kernel {
	/// A pipeline whose binding 0 is the `Params` uniform and 1.. the given storage buffers.
	fn new(
		device: &wgpu::Device,
		module: &wgpu::ShaderModule,
		entry: &str,
		storage: &[bool],
	) -> Self {
		let buffer = |binding: u32, ty: wgpu::BufferBindingType| wgpu::BindGroupLayoutEntry {
			binding,
			visibility: wgpu::ShaderStages::COMPUTE,
			ty: wgpu::BindingType::Buffer { ty, has_dynamic_offset: false, min_binding_size: None },
			count: None,
		};
		let mut entries = vec![buffer(0, wgpu::BufferBindingType::Uniform)];
		for (i, &read_only) in storage.iter().enumerate() {
			entries.push(buffer(i as u32 + 1, wgpu::BufferBindingType::Storage { read_only }));
		}
		let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
			label: Some(entry),
			entries: &entries,
		});
		let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
			label: Some(entry),
			bind_group_layouts: &[Some(&layout)],
			immediate_size: 0,
		});
		let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
			label: Some(entry),
			layout: Some(&pipeline_layout),
			module,
			entry_point: Some(entry),
			compilation_options: Default::default(),
			cache: None,
		});
		Kernel { pipeline, layout }
	}
}
