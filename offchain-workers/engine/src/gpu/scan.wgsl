// Inclusive suffix sum within segments, in wrapping u32 arithmetic, as a multi-level scan:
// scan_tiles sums each tile of 256 from the right and records the tile's total; the totals are
// scanned the same way (recursively, by the host); scan_add adds to every element the total
// of the tiles to its right.
//
// Why wrapping u32: the final KNN-Shapley values fit an i32, but partial sums of arbitrary
// subsets of contributions need not. Addition modulo 2^32 is associative, so every final sum
// equals the true one modulo 2^32, and since the true one lies in i32 range, reading the u32
// as i32 (two's complement) gives it exactly.

struct Params {
	len: u32,
	stride: u32,
	tiles: u32,
	segments: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> sums: array<u32>;

var<workgroup> shared_sums: array<u32, 256>;

@compute @workgroup_size(256)
fn scan_tiles(
	@builtin(workgroup_id) wid: vec3<u32>,
	@builtin(num_workgroups) nwg: vec3<u32>,
	@builtin(local_invocation_index) lid: u32,
) {
	let wg = wid.x + wid.y * nwg.x;
	if wg >= p.segments * p.tiles {
		return;
	}
	let s = wg / p.tiles;
	let b = wg % p.tiles;
	let r = b * 256u + lid;
	let at = s * p.stride + r;
	let inside = r < p.len && at < arrayLength(&x);
	var v = 0u;
	if inside {
		v = x[at];
	}
	shared_sums[lid] = v;
	workgroupBarrier();
	// Hillis-Steele towards lower indices: after step `offset`, element i holds the sum of
	// i..i + 2 * offset.
	for (var offset = 1u; offset < 256u; offset <<= 1u) {
		var add = 0u;
		if lid + offset < 256u {
			add = shared_sums[lid + offset];
		}
		workgroupBarrier();
		shared_sums[lid] += add;
		workgroupBarrier();
	}
	if inside {
		x[at] = shared_sums[lid];
	}
	if lid == 0u && wg < arrayLength(&sums) {
		sums[wg] = shared_sums[0];
	}
}

@compute @workgroup_size(256)
fn scan_add(
	@builtin(workgroup_id) wid: vec3<u32>,
	@builtin(num_workgroups) nwg: vec3<u32>,
	@builtin(local_invocation_index) lid: u32,
) {
	let wg = wid.x + wid.y * nwg.x;
	if wg >= p.segments * p.tiles {
		return;
	}
	let s = wg / p.tiles;
	let b = wg % p.tiles;
	let r = b * 256u + lid;
	let at = s * p.stride + r;
	// `sums` was scanned in place, so entry b + 1 is the total of all tiles after b.
	if b + 1u >= p.tiles || r >= p.len || at >= arrayLength(&x) || wg + 1u >= arrayLength(&sums) {
		return;
	}
	x[at] += sums[wg + 1u];
}
