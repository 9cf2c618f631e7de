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

	/// This kernel, or an error if this CPU cannot run it. The SIMD kernels' `unsafe` calls rely
	/// on this check.
	pub fn ensure_available(self) -> crate::Result<Kernel> {
		if Self::available().contains(&self) {
			Ok(self)
		} else {
			Err(crate::Error::Shape(format!(
				"this CPU does not support the {} kernel",
				self.name()
			)))
		}
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
	/// Prepares `rows` (`int8`, row-major, `dimension` per row) for `kernel`, which must be one
	/// this CPU runs (the SIMD kernels rely on that check).
	pub fn new(kernel: Kernel, dimension: usize, rows: &[i8]) -> crate::Result<Self> {
		kernel.ensure_available()?;
		let count = rows.len() / dimension;
		let norms = rows
			.chunks_exact(dimension)
			.map(|q| q.iter().map(|&v| v as i32 * v as i32).sum())
			.collect();
		let mut queries = Queries {
			kernel,
			dimension,
			count,
			norms,
			biased: Vec::new(),
			wide: Vec::new(),
			raw: Vec::new(),
		};
		match kernel {
			Kernel::Avx512Vnni => queries.biased = rows.iter().map(|&v| (v as u8) ^ 0x80).collect(),
			Kernel::Avx2 => queries.wide = rows.iter().map(|&v| v as i16).collect(),
			Kernel::Portable => queries.raw = rows.to_vec(),
		}
		Ok(queries)
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
		debug_assert_eq!((item.len(), out.len()), (self.dimension, self.count));
		match self.kernel {
			#[cfg(target_arch = "x86_64")]
			// SAFETY: `Queries::new` refuses a kernel this CPU does not run.
			Kernel::Avx512Vnni => unsafe { self.dots_vnni(0, item, out) },
			#[cfg(target_arch = "x86_64")]
			// SAFETY: as above.
			Kernel::Avx2 => unsafe { self.dots_avx2(item, out) },
			_ => self.dots_portable(item, out),
		}
		self.finish(item, out);
	}

	/// [`Queries::distances`] for two items at once: the SIMD kernels then load each query
	/// element once for both.
	pub fn distances2(&self, items: [&[i8]; 2], outs: [&mut [u32]; 2]) {
		#[cfg(target_arch = "x86_64")]
		if self.kernel == Kernel::Avx512Vnni {
			let [a, b] = items;
			let [out_a, out_b] = outs;
			debug_assert_eq!(
				(a.len(), b.len(), out_a.len(), out_b.len()),
				(self.dimension, self.dimension, self.count, self.count)
			);
			// SAFETY: `Queries::new` refuses a kernel this CPU does not run.
			unsafe { self.distances_vnni_pair(a, b, out_a, out_b) };
			return;
		}
		#[cfg(target_arch = "x86_64")]
		if self.kernel == Kernel::Avx2 {
			let [a, b] = items;
			let [out_a, out_b] = outs;
			debug_assert_eq!(
				(a.len(), b.len(), out_a.len(), out_b.len()),
				(self.dimension, self.dimension, self.count, self.count)
			);
			// SAFETY: `Queries::new` refuses a kernel this CPU does not run.
			unsafe { self.dots_avx2_pair(a, b, out_a, out_b) };
			self.finish(a, out_a);
			self.finish(b, out_b);
			return;
		}
		let [a, b] = items;
		let [out_a, out_b] = outs;
		self.distances(a, out_a);
		self.distances(b, out_b);
	}

	/// Turns the dot products in `out` (as `u32` bits) into `D = |q|^2 + |x|^2 - 2 q . x`,
	/// exact in `i32` because every term is at most 1024 * 128^2 = 2^24.
	fn finish(&self, item: &[i8], out: &mut [u32]) {
		self.finish_from(0, item, out);
	}

	/// [`Queries::finish`] for queries `from..` only.
	fn finish_from(&self, from: usize, item: &[i8], out: &mut [u32]) {
		if from >= self.count {
			return;
		}
		let item_norm: i32 = item.iter().map(|&v| v as i32 * v as i32).sum();
		for (d, &norm) in out.iter_mut().zip(&self.norms).skip(from) {
			*d = (norm + item_norm - 2 * (*d as i32)) as u32;
		}
	}

	fn dots_portable(&self, item: &[i8], out: &mut [u32]) {
		for (q, d) in self.raw.chunks_exact(self.dimension).zip(out.iter_mut()) {
			let dot: i32 = q.iter().zip(item).map(|(&a, &b)| a as i32 * b as i32).sum();
			*d = dot as u32;
		}
	}

	/// Dot products of one item with every query. The item is widened to `i16` once; then four
	/// queries at a time share each load of it, since loads, not multiply-adds, limit this loop.
	#[cfg(target_arch = "x86_64")]
	#[target_feature(enable = "avx2")]
	unsafe fn dots_avx2(&self, item: &[i8], out: &mut [u32]) {
		use std::arch::x86_64::*;
		let d = self.dimension;
		let mut wide = [0i16; 1024];
		widen(item, &mut wide);
		let x = &wide[..d];
		let body = d - d % 16;
		let mut q = 0;
		while q + 4 <= self.count {
			let rows = self.rows4(q);
			let mut acc = [_mm256_setzero_si256(); 4];
			let mut j = 0;
			while j < body {
				// SAFETY: `j + 16 <= body <= d`, the length of every row read.
				unsafe {
					let xv = _mm256_loadu_si256(x.as_ptr().add(j) as *const __m256i);
					for (a, row) in acc.iter_mut().zip(rows) {
						let y = _mm256_loadu_si256(row.as_ptr().add(j) as *const __m256i);
						*a = _mm256_add_epi32(*a, _mm256_madd_epi16(xv, y));
					}
				}
				j += 16;
			}
			let sums = sum4(acc);
			for i in 0..4 {
				out[q + i] = (sums[i] + tail(rows[i], x, body)) as u32;
			}
			q += 4;
		}
		for (q, o) in out.iter_mut().enumerate().skip(q) {
			*o = self.dot_one(q, x, body);
		}
	}

	/// [`Queries::dots_avx2`] for two items: each load of a query's elements serves both, so
	/// the loop does eight multiply-adds for six loads instead of four for five.
	#[cfg(target_arch = "x86_64")]
	#[target_feature(enable = "avx2")]
	unsafe fn dots_avx2_pair(&self, a: &[i8], b: &[i8], out_a: &mut [u32], out_b: &mut [u32]) {
		use std::arch::x86_64::*;
		let d = self.dimension;
		let (mut wide_a, mut wide_b) = ([0i16; 1024], [0i16; 1024]);
		widen(a, &mut wide_a);
		widen(b, &mut wide_b);
		let (xa, xb) = (&wide_a[..d], &wide_b[..d]);
		let body = d - d % 16;
		let mut q = 0;
		while q + 4 <= self.count {
			let rows = self.rows4(q);
			let mut acc_a = [_mm256_setzero_si256(); 4];
			let mut acc_b = [_mm256_setzero_si256(); 4];
			let mut j = 0;
			while j < body {
				// SAFETY: `j + 16 <= body <= d`, the length of every row read.
				unsafe {
					let va = _mm256_loadu_si256(xa.as_ptr().add(j) as *const __m256i);
					let vb = _mm256_loadu_si256(xb.as_ptr().add(j) as *const __m256i);
					for i in 0..4 {
						let y = _mm256_loadu_si256(rows[i].as_ptr().add(j) as *const __m256i);
						acc_a[i] = _mm256_add_epi32(acc_a[i], _mm256_madd_epi16(va, y));
						acc_b[i] = _mm256_add_epi32(acc_b[i], _mm256_madd_epi16(vb, y));
					}
				}
				j += 16;
			}
			let (sums_a, sums_b) = (sum4(acc_a), sum4(acc_b));
			for i in 0..4 {
				out_a[q + i] = (sums_a[i] + tail(rows[i], xa, body)) as u32;
				out_b[q + i] = (sums_b[i] + tail(rows[i], xb, body)) as u32;
			}
			q += 4;
		}
		for q in q..self.count {
			out_a[q] = self.dot_one(q, xa, body);
			out_b[q] = self.dot_one(q, xb, body);
		}
	}

	/// Rows `q..q + 4` of the widened queries.
	fn rows4(&self, q: usize) -> [&[i16]; 4] {
		let d = self.dimension;
		let row = |i: usize| &self.wide[(q + i) * d..(q + i + 1) * d];
		[row(0), row(1), row(2), row(3)]
	}

	/// One query's dot product with a widened item, for the queries left over after groups of
	/// four.
	#[cfg(target_arch = "x86_64")]
	#[target_feature(enable = "avx2")]
	unsafe fn dot_one(&self, q: usize, x: &[i16], body: usize) -> u32 {
		use std::arch::x86_64::*;
		let row = &self.wide[q * self.dimension..(q + 1) * self.dimension];
		let mut acc = _mm256_setzero_si256();
		let mut j = 0;
		while j < body {
			// SAFETY: `j + 16 <= body <= d`, the length of both rows.
			unsafe {
				let xv = _mm256_loadu_si256(x.as_ptr().add(j) as *const __m256i);
				let y = _mm256_loadu_si256(row.as_ptr().add(j) as *const __m256i);
				acc = _mm256_add_epi32(acc, _mm256_madd_epi16(xv, y));
			}
			j += 16;
		}
		let mut lanes = [0i32; 8];
		// SAFETY: `lanes` is 32 bytes.
		unsafe { _mm256_storeu_si256(lanes.as_mut_ptr() as *mut __m256i, acc) };
		(lanes.iter().sum::<i32>() + tail(row, x, body)) as u32
	}

	/// Dot products of one item with queries `from..` (one at a time: the single items and the
	/// queries left over after groups of eight of [`Queries::distances_vnni_pair`]).
	#[cfg(target_arch = "x86_64")]
	#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
	unsafe fn dots_vnni(&self, from: usize, item: &[i8], out: &mut [u32]) {
		use std::arch::x86_64::*;
		let item_sum: i32 = item.iter().map(|&v| v as i32).sum();
		let rows = self.biased.chunks_exact(self.dimension);
		for (q, d) in rows.zip(out.iter_mut()).skip(from) {
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

impl Queries {
	/// Distances from two items to every query, eight queries at a time: sixteen independent
	/// accumulators (eight queries by two items) take sixteen `vpdpbusd` for every ten 64-byte
	/// loads, so the multiply-adds rather than the loads or the accumulators' latency set the
	/// pace; the sixteen are reduced together ([`sum16`]) and turned into distances in one
	/// vector, as are the items' norms and sums ([`norm_and_sum`]). A dimension that is not a
	/// multiple of 64 ends in a masked load that reads zeros beyond it. The queries left over
	/// after groups of eight go one by one ([`Queries::dots_vnni`]).
	#[cfg(target_arch = "x86_64")]
	#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
	unsafe fn distances_vnni_pair(&self, a: &[i8], b: &[i8], out_a: &mut [u32], out_b: &mut [u32]) {
		use std::arch::x86_64::*;
		let d = self.dimension;
		let full = d / 64;
		let rest = d % 64;
		// Bytes `0..rest` of the last, partial step.
		let mask: __mmask64 = if rest == 0 { 0 } else { (1u64 << rest) - 1 };
		let ((norm_a, sum_a), (norm_b, sum_b)) = (norm_and_sum(a), norm_and_sum(b));
		// D = |q|^2 + |x|^2 - 2 (biased - 128 sum(x)) = |q|^2 + (|x|^2 + 256 sum(x)) - 2 biased,
		// with item a's constant in lanes 0..8 and item b's in lanes 8..16.
		let item_terms = _mm512_mask_blend_epi32(
			0xFF00,
			_mm512_set1_epi32(norm_a + 256 * sum_a),
			_mm512_set1_epi32(norm_b + 256 * sum_b),
		);
		let (pa, pb) = (a.as_ptr(), b.as_ptr());
		let mut q = 0;
		while q + 8 <= self.count {
			// SAFETY: rows `q..q + 8` are in `biased` (`q + 8 <= count`), each `d` bytes; full
			// steps read bytes below `64 full <= d` of each row and item, the masked step only
			// bytes below `d`. `norms` has `count` entries, `out_a` and `out_b` as many.
			unsafe {
				let base = self.biased.as_ptr().add(q * d);
				let mut acc = [_mm512_setzero_si512(); 16];
				for step in 0..full {
					let at = 64 * step;
					let xa = _mm512_loadu_si512(pa.add(at) as *const __m512i);
					let xb = _mm512_loadu_si512(pb.add(at) as *const __m512i);
					for i in 0..8 {
						let y = _mm512_loadu_si512(base.add(i * d + at) as *const __m512i);
						acc[i] = _mm512_dpbusd_epi32(acc[i], y, xa);
						acc[8 + i] = _mm512_dpbusd_epi32(acc[8 + i], y, xb);
					}
				}
				if rest != 0 {
					let at = 64 * full;
					let xa = _mm512_maskz_loadu_epi8(mask, pa.add(at));
					let xb = _mm512_maskz_loadu_epi8(mask, pb.add(at));
					for i in 0..8 {
						let y = _mm512_maskz_loadu_epi8(mask, base.add(i * d + at) as *const i8);
						acc[i] = _mm512_dpbusd_epi32(acc[i], y, xa);
						acc[8 + i] = _mm512_dpbusd_epi32(acc[8 + i], y, xb);
					}
				}
				let norms = _mm256_loadu_si256(self.norms.as_ptr().add(q) as *const __m256i);
				let query_terms = _mm512_inserti64x4::<1>(_mm512_castsi256_si512(norms), norms);
				let dist = _mm512_sub_epi32(
					_mm512_add_epi32(query_terms, item_terms),
					_mm512_slli_epi32::<1>(sum16(acc)),
				);
				_mm256_storeu_si256(
					out_a.as_mut_ptr().add(q) as *mut __m256i,
					_mm512_castsi512_si256(dist),
				);
				_mm256_storeu_si256(
					out_b.as_mut_ptr().add(q) as *mut __m256i,
					_mm512_extracti64x4_epi64::<1>(dist),
				);
			}
			q += 8;
		}
		// SAFETY: as for this function.
		unsafe {
			self.dots_vnni(q, a, out_a);
			self.dots_vnni(q, b, out_b);
		}
		self.finish_from(q, a, out_a);
		self.finish_from(q, b, out_b);
	}
}

/// `(|x|^2, sum(x))` of an item, 64 elements at a time.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
fn norm_and_sum(item: &[i8]) -> (i32, i32) {
	use std::arch::x86_64::*;
	let ones = _mm512_set1_epi16(1);
	let (mut norm, mut sum) = (_mm512_setzero_si512(), _mm512_setzero_si512());
	for at in (0..item.len()).step_by(64) {
		let left = item.len() - at;
		let mask: __mmask64 = if left >= 64 { u64::MAX } else { (1u64 << left) - 1 };
		// SAFETY: the mask keeps the load to bytes `at..item.len()`.
		let x = unsafe { _mm512_maskz_loadu_epi8(mask, item.as_ptr().add(at)) };
		for half in [_mm512_castsi512_si256(x), _mm512_extracti64x4_epi64::<1>(x)] {
			let wide = _mm512_cvtepi8_epi16(half);
			norm = _mm512_add_epi32(norm, _mm512_madd_epi16(wide, wide));
			sum = _mm512_add_epi32(sum, _mm512_madd_epi16(wide, ones));
		}
	}
	(_mm512_reduce_add_epi32(norm), _mm512_reduce_add_epi32(sum))
}

/// The sums of the sixteen lanes of each of sixteen vectors, lane `k` that of `acc[k]`: adjacent
/// vectors are interleaved and added level by level (32-bit, 64-bit, then 128-bit lanes), 30
/// shuffles and 15 additions for all sixteen rather than about 6 instructions each.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn sum16(acc: [std::arch::x86_64::__m512i; 16]) -> std::arch::x86_64::__m512i {
	use std::arch::x86_64::*;
	// x[i], in each 128-bit lane: [a0+a2, b0+b2, a1+a3, b1+b3] of a = acc[2i], b = acc[2i+1].
	let x: [__m512i; 8] = std::array::from_fn(|i| {
		let (a, b) = (acc[2 * i], acc[2 * i + 1]);
		_mm512_add_epi32(_mm512_unpacklo_epi32(a, b), _mm512_unpackhi_epi32(a, b))
	});
	// y[j], in each 128-bit lane: the lane's sums of acc[4j..4j + 4].
	let y: [__m512i; 4] = std::array::from_fn(|j| {
		let (a, b) = (x[2 * j], x[2 * j + 1]);
		_mm512_add_epi32(_mm512_unpacklo_epi64(a, b), _mm512_unpackhi_epi64(a, b))
	});
	// Across 128-bit lanes: z[h] = [y0 (L0+L1), y0 (L2+L3), y1 (L0+L1), y1 (L2+L3)] of
	// y0 = y[2h], y1 = y[2h+1]; then lane j of w holds y[j]'s four totals.
	let fold = |a: __m512i, b: __m512i| {
		_mm512_add_epi32(
			_mm512_shuffle_i32x4::<0b10_00_10_00>(a, b),
			_mm512_shuffle_i32x4::<0b11_01_11_01>(a, b),
		)
	};
	fold(fold(y[0], y[1]), fold(y[2], y[3]))
}

/// Sign-extends an item into the first `item.len()` lanes of `wide`.
fn widen(item: &[i8], wide: &mut [i16; 1024]) {
	for (w, &v) in wide.iter_mut().zip(item) {
		*w = v as i16;
	}
}

/// The dot product of the elements from `body` on (d is a multiple of 4, not of 16).
fn tail(q: &[i16], x: &[i16], body: usize) -> i32 {
	(body..q.len()).map(|j| q[j] as i32 * x[j] as i32).sum()
}

/// Folds four accumulators of eight `i32` lanes into their four sums: two horizontal adds
/// leave each sum split across the two 128-bit halves, and adding the halves finishes them.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn sum4(acc: [std::arch::x86_64::__m256i; 4]) -> [i32; 4] {
	use std::arch::x86_64::*;
	let pairs =
		_mm256_hadd_epi32(_mm256_hadd_epi32(acc[0], acc[1]), _mm256_hadd_epi32(acc[2], acc[3]));
	let sums = _mm_add_epi32(_mm256_castsi256_si128(pairs), _mm256_extracti128_si256::<1>(pairs));
	let mut lanes = [0i32; 4];
	// SAFETY: `lanes` is 16 bytes.
	unsafe { _mm_storeu_si128(lanes.as_mut_ptr() as *mut __m128i, sums) };
	lanes
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
			// Eleven queries: groups of eight (VNNI) or four (AVX2) and a remainder of three.
			let queries: Vec<i8> = (0..11 * d).map(|_| next()).collect();
			let mut items: Vec<i8> = (0..5 * d).map(|_| next()).collect();
			// The extremes, where a saturating instruction would go wrong.
			items[..d].fill(-128);
			items[d..2 * d].fill(127);
			for kernel in Kernel::available() {
				let prepared = Queries::new(kernel, d, &queries).unwrap();
				let rows: Vec<&[i8]> = items.chunks_exact(d).collect();
				for (i, item) in rows.iter().enumerate() {
					let mut out = vec![0u32; 11];
					prepared.distances(item, &mut out);
					let (mut a, mut b) = (vec![0u32; 11], vec![0u32; 11]);
					let other = rows[(i + 1) % rows.len()];
					prepared.distances2([item, other], [&mut a, &mut b]);
					for (q, (got, paired)) in queries.chunks_exact(d).zip(out.iter().zip(&a)) {
						assert_eq!(*got, distance(&pack(q), &pack(item)), "{kernel:?} d={d}");
						assert_eq!(*paired, *got, "{kernel:?} d={d}, in a pair");
					}
					for (q, paired) in queries.chunks_exact(d).zip(&b) {
						assert_eq!(
							*paired,
							distance(&pack(q), &pack(other)),
							"{kernel:?} d={d}, second of a pair"
						);
					}
				}
			}
		}
	}

	#[test]
	fn portable_is_always_available_and_missing_kernels_are_refused() {
		assert_eq!(*Kernel::available().last().unwrap(), Kernel::Portable);
		for kernel in [Kernel::Avx512Vnni, Kernel::Avx2] {
			if !Kernel::available().contains(&kernel) {
				assert!(Queries::new(kernel, 4, &[0; 4]).is_err(), "{kernel:?}");
			}
		}
	}
}
