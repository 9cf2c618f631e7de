//! Distance kernels for the CPU path, one per instruction set, picked at run time.
//!
//! Every kernel computes the exact squared L2 distance in 32-bit integer arithmetic with no
//! saturating step, so all of them return the same bits as
//! `openledger_primitives::attribution::distance`. They differ only in how many elements one
//! instruction handles:
//!
//! - AVX-512 VNNI: `vpdpbusd` multiplies unsigned by signed bytes, so the query is biased by
//!   +128 (`q ^ 0x80`) and the bias removed with the item's element sum:
//!   `q . x = dpbusd(q + 128, x) - 128 * sum(x)`; then `D = |q|^2 + |x|^2 - 2 q . x`.
//! - AVX2: bytes widened to `i16`, then `vpmaddwd` (pairwise `i16` products summed to `i32`,
//!   exact since `|q_j x_j| <= 2^14`).
//! - Portable: a plain loop the compiler vectorises for the baseline target.

/// Which distance kernel the CPU path runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kernel {
	/// AVX-512 with VNNI (`avx512f`, `avx512bw`, `avx512vnni`).
	Avx512Vnni,
	/// AVX2.
	Avx2,
	/// No SIMD beyond what the build target guarantees.
	Portable,
}

impl Kernel {
	/// The fastest kernel this CPU runs.
	pub fn detect() -> Kernel {
		Self::available()[0]
	}

	/// Every kernel this CPU runs, fastest first.
	pub fn available() -> Vec<Kernel> {
		let mut kernels = Vec::new();
		#[cfg(target_arch = "x86_64")]
		{
			if std::is_x86_feature_detected!("avx512f")
				&& std::is_x86_feature_detected!("avx512bw")
				&& std::is_x86_feature_detected!("avx512vnni")
			{
				kernels.push(Kernel::Avx512Vnni);
			}
			if std::is_x86_feature_detected!("avx2") {
				kernels.push(Kernel::Avx2);
			}
		}
		kernels.push(Kernel::Portable);
		kernels
	}

	/// The kernel's name as logs and summaries show it.
	pub fn name(&self) -> &'static str {
		match self {
			Kernel::Avx512Vnni => "avx512-vnni",
			Kernel::Avx2 => "avx2",
			Kernel::Portable => "portable",
		}
	}
}

/// A batch of queries laid out for one kernel, prepared once and reused for every item.
pub struct Queries {
	kernel: Kernel,
	dimension: usize,
	count: usize,
	/// `|q|^2` of each query.
	norms: Vec<i32>,
	/// Biased bytes (`q ^ 0x80`) for VNNI, row after row.
	biased: Vec<u8>,
	/// Widened elements for AVX2, row after row.
	wide: Vec<i16>,
	/// Raw elements for the portable kernel, row after row.
	raw: Vec<i8>,
}

impl Queries {
	/// Prepares `rows` (`int8`, row-major, `dimension` per row) for `kernel`.
	pub fn new(kernel: Kernel, dimension: usize, rows: &[i8]) -> Self {
		let count = rows.len() / dimension;
		let norms = rows.chunks_exact(dimension).map(|q| q.iter().map(|&v| v as i32 * v as i32).sum()).collect();
		let mut queries =
			Queries { kernel, dimension, count, norms, biased: Vec::new(), wide: Vec::new(), raw: Vec::new() };
		match kernel {
			Kernel::Avx512Vnni => queries.biased = rows.iter().map(|&v| (v as u8) ^ 0x80).collect(),
			Kernel::Avx2 => queries.wide = rows.iter().map(|&v| v as i16).collect(),
			Kernel::Portable => queries.raw = rows.to_vec(),
		}
		queries
	}

	/// Number of queries.
	pub fn len(&self) -> usize {
		self.count
	}

	/// Whether the batch is empty.
	pub fn is_empty(&self) -> bool {
		self.count == 0
	}

	/// Writes the distance from `item` (`dimension` elements) to every query into `out`.
	pub fn distances(&self, item: &[i8], out: &mut [u32]) {
		debug_assert_eq!(item.len(), self.dimension);
		debug_assert_eq!(out.len(), self.count);
		let item_norm: i32 = item.iter().map(|&v| v as i32 * v as i32).sum();
		match self.kernel {
			#[cfg(target_arch = "x86_64")]
			// SAFETY: `Kernel::Avx512Vnni` is only constructed by `available` after detecting
			// the features, and `Cpu::with_kernel` refuses kernels this CPU lacks.
			Kernel::Avx512Vnni => unsafe { self.dots_vnni(item, out) },
			#[cfg(target_arch = "x86_64")]
			// SAFETY: as above, for AVX2.
			Kernel::Avx2 => unsafe { self.dots_avx2(item, out) },
			_ => self.dots_portable(item, out),
		}
		// `out` holds `q . x` (as `u32` bits) so far; finish `D = |q|^2 + |x|^2 - 2 q . x`,
		// exact in `i32` because every term is at most 1024 * 128^2 = 2^24.
		for (d, &norm) in out.iter_mut().zip(&self.norms) {
			*d = (norm + item_norm - 2 * (*d as i32)) as u32;
		}
	}

	fn dots_portable(&self, item: &[i8], out: &mut [u32]) {
		for (q, d) in self.raw.chunks_exact(self.dimension).zip(out.iter_mut()) {
			let dot: i32 = q.iter().zip(item).map(|(&a, &b)| a as i32 * b as i32).sum();
			*d = dot as u32;
		}
	}

	#[cfg(target_arch = "x86_64")]
	#[target_feature(enable = "avx2")]
	unsafe fn dots_avx2(&self, item: &[i8], out: &mut [u32]) {
		use std::arch::x86_64::*;
		let d = self.dimension;
		// The item widened once to i16; then four queries at a time share each load of it,
		// since loads, not multiply-adds, limit this loop.
		let mut wide = [0i16; 1024];
		let wide = &mut wide[..d];
		for (w, &v) in wide.iter_mut().zip(item) {
			*w = v as i16;
		}
		let body = d - d % 16;
		let tail = |q: &[i16]| -> i32 { (body..d).map(|j| q[j] as i32 * wide[j] as i32).sum() };
		let mut groups = self.wide.chunks_exact(4 * d);
		let mut outs = out.chunks_exact_mut(4);
		for (group, out4) in (&mut groups).zip(&mut outs) {
			let (q0, rest) = group.split_at(d);
			let (q1, rest) = rest.split_at(d);
			let (q2, q3) = rest.split_at(d);
			let mut acc = [_mm256_setzero_si256(); 4];
			let mut j = 0;
			while j < body {
				// SAFETY: `j + 16 <= body <= d`, the length of every row read.
				unsafe {
					let x = _mm256_loadu_si256(wide.as_ptr().add(j) as *const __m256i);
					for (a, q) in acc.iter_mut().zip([q0, q1, q2, q3]) {
						let y = _mm256_loadu_si256(q.as_ptr().add(j) as *const __m256i);
						*a = _mm256_add_epi32(*a, _mm256_madd_epi16(x, y));
					}
				}
				j += 16;
			}
			// Two horizontal adds fold four accumulators into one vector of per-query sums
			// (split across the two 128-bit halves), then the halves are added.
			let pairs = _mm256_hadd_epi32(_mm256_hadd_epi32(acc[0], acc[1]), _mm256_hadd_epi32(acc[2], acc[3]));
			let sums = _mm_add_epi32(_mm256_castsi256_si128(pairs), _mm256_extracti128_si256::<1>(pairs));
			let mut lanes = [0i32; 4];
			// SAFETY: `lanes` is 16 bytes.
			unsafe { _mm_storeu_si128(lanes.as_mut_ptr() as *mut __m128i, sums) };
			for ((o, lane), q) in out4.iter_mut().zip(lanes).zip([q0, q1, q2, q3]) {
				*o = (lane + tail(q)) as u32;
			}
		}
		for (q, o) in groups.remainder().chunks_exact(d).zip(outs.into_remainder()) {
			let mut acc = _mm256_setzero_si256();
			let mut j = 0;
			while j < body {
				// SAFETY: as above.
				unsafe {
					let x = _mm256_loadu_si256(wide.as_ptr().add(j) as *const __m256i);
					let y = _mm256_loadu_si256(q.as_ptr().add(j) as *const __m256i);
					acc = _mm256_add_epi32(acc, _mm256_madd_epi16(x, y));
				}
				j += 16;
			}
			let mut lanes = [0i32; 8];
			// SAFETY: `lanes` is 32 bytes.
			unsafe { _mm256_storeu_si256(lanes.as_mut_ptr() as *mut __m256i, acc) };
			*o = (lanes.iter().sum::<i32>() + tail(q)) as u32;
		}
	}

	#[cfg(target_arch = "x86_64")]
	#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
	unsafe fn dots_vnni(&self, item: &[i8], out: &mut [u32]) {
		use std::arch::x86_64::*;
		let item_sum: i32 = item.iter().map(|&v| v as i32).sum();
		for (q, d) in self.biased.chunks_exact(self.dimension).zip(out.iter_mut()) {
			let mut acc = _mm512_setzero_si512();
			let mut j = 0;
			while j + 64 <= self.dimension {
				// SAFETY: `j + 64 <= dimension`, the length of both rows.
				let a = unsafe { _mm512_loadu_si512(q.as_ptr().add(j) as *const __m512i) };
				let b = unsafe { _mm512_loadu_si512(item.as_ptr().add(j) as *const __m512i) };
				acc = _mm512_dpbusd_epi32(acc, a, b);
				j += 64;
			}
			let mut biased_dot = _mm512_reduce_add_epi32(acc);
			while j < self.dimension {
				biased_dot += q[j] as i32 * item[j] as i32;
				j += 1;
			}
			// q[j] here is the biased byte `q + 128`; remove the bias.
			*d = (biased_dot - 128 * item_sum) as u32;
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use openledger_primitives::attribution::{distance, pack};

	#[test]
	fn every_available_kernel_is_exact() {
		let mut state = 1u64;
		let mut next = || {
			state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
			(state >> 33) as u8 as i8
		};
		for d in [4usize, 12, 16, 60, 64, 68, 256, 1020, 1024] {
			// Seven queries: a group of four and a remainder of three for the blocked kernels.
			let queries: Vec<i8> = (0..7 * d).map(|_| next()).collect();
			let mut items: Vec<i8> = (0..5 * d).map(|_| next()).collect();
			// The extremes, where a saturating instruction would go wrong.
			items[..d].fill(-128);
			items[d..2 * d].fill(127);
			for kernel in Kernel::available() {
				let prepared = Queries::new(kernel, d, &queries);
				for item in items.chunks_exact(d) {
					let mut out = vec![0u32; 7];
					prepared.distances(item, &mut out);
					for (q, got) in queries.chunks_exact(d).zip(&out) {
						assert_eq!(*got, distance(&pack(q), &pack(item)), "{kernel:?} d={d}");
					}
				}
			}
		}
	}

	#[test]
	fn portable_is_always_available() {
		assert_eq!(*Kernel::available().last().unwrap(), Kernel::Portable);
	}
}
