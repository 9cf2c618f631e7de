// Bitonic sort of (distance, index) keys, ascending, in segments of `npad` (a power of two)
// keys, one segment per query; and the compaction step of the top-k selection built on it.
//
// Keys are unique (indices are) apart from the (0xFFFFFFFF, 0xFFFFFFFF) padding sentinels,
// which compare above every real key, so the order is total and the result is exactly the
// reference's sort.
//
// A stage (k, j) compares positions i and i + j (i with bit j clear) and orders the pair
// ascending when bit k of i's position within its segment is clear. Using the position within
// the segment, not in the whole buffer, keeps the last merge (k = npad) ascending in every
// segment.

const TILE: u32 = 1024u;
const HALF: u32 = 512u;
const SENTINEL: vec2<u32> = vec2<u32>(0xffffffffu, 0xffffffffu);

struct Params {
	// Keys in the buffer (segments * npad) for the sort stages; keys written for compact.
	total: u32,
	npad: u32,
	// Global stage.
	k: u32,
	j: u32,
	// Local stages: every k in k_lo..=k_hi (powers of two), j from min(k, TILE) / 2 down to 1.
	k_lo: u32,
	k_hi: u32,
	// Compact: heads kept per sorted tile, and the output segment length.
	kpad: u32,
	npad_out: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> keys: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read_write> heads: array<vec2<u32>>;

var<workgroup> tile: array<vec2<u32>, TILE>;

fn greater(a: vec2<u32>, b: vec2<u32>) -> bool {
	return a.x > b.x || (a.x == b.x && a.y > b.y);
}

// The lower position of pair `t` at stride `j`: t with a zero bit inserted at j.
fn pair_low(t: u32, j: u32) -> u32 {
	return ((t & ~(j - 1u)) << 1u) | (t & (j - 1u));
}

// One stage with j >= TILE, whose pairs span workgroup tiles: one invocation per pair.
@compute @workgroup_size(256)
fn global_stage(
	@builtin(workgroup_id) wid: vec3<u32>,
	@builtin(num_workgroups) nwg: vec3<u32>,
	@builtin(local_invocation_index) lid: u32,
) {
	let t = (wid.x + wid.y * nwg.x) * 256u + lid;
	if t >= p.total / 2u {
		return;
	}
	let low = pair_low(t, p.j);
	let high = low + p.j;
	if high >= arrayLength(&keys) {
		return;
	}
	let ascending = ((low & (p.npad - 1u)) & p.k) == 0u;
	let a = keys[low];
	let b = keys[high];
	if greater(a, b) == ascending {
		keys[low] = b;
		keys[high] = a;
	}
}

// Stages j and j / 2 of merge k at once, both >= TILE: one invocation orders four keys,
// positions b, b + j/2, b + j and b + 3j/2, so the keys make half as many trips to memory.
@compute @workgroup_size(256)
fn global_stage_pair(
	@builtin(workgroup_id) wid: vec3<u32>,
	@builtin(num_workgroups) nwg: vec3<u32>,
	@builtin(local_invocation_index) lid: u32,
) {
	let t = (wid.x + wid.y * nwg.x) * 256u + lid;
	if t >= p.total / 4u {
		return;
	}
	let h = p.j >> 1u;
	let b = pair_low(pair_low(t, h), p.j);
	if b + p.j + h >= arrayLength(&keys) {
		return;
	}
	let ascending = ((b & (p.npad - 1u)) & p.k) == 0u;
	var v0 = keys[b];
	var v1 = keys[b + h];
	var v2 = keys[b + p.j];
	var v3 = keys[b + p.j + h];
	if greater(v0, v2) == ascending {
		let x = v0;
		v0 = v2;
		v2 = x;
	}
	if greater(v1, v3) == ascending {
		let x = v1;
		v1 = v3;
		v3 = x;
	}
	if greater(v0, v1) == ascending {
		let x = v0;
		v0 = v1;
		v1 = x;
	}
	if greater(v2, v3) == ascending {
		let x = v2;
		v2 = v3;
		v3 = x;
	}
	keys[b] = v0;
	keys[b + h] = v1;
	keys[b + p.j] = v2;
	keys[b + p.j + h] = v3;
}

// All stages with j < TILE of the merges k_lo..=k_hi, in workgroup memory: one workgroup per
// tile of TILE keys, two pairs per invocation. A tile may hold several short segments
// (npad < TILE); pairs never cross a segment because j < k <= npad.
@compute @workgroup_size(256)
fn local_stages(
	@builtin(workgroup_id) wid: vec3<u32>,
	@builtin(num_workgroups) nwg: vec3<u32>,
	@builtin(local_invocation_index) lid: u32,
) {
	let base = (wid.x + wid.y * nwg.x) * TILE;
	if base >= p.total {
		return;
	}
	let len = min(p.total, arrayLength(&keys));
	for (var e = lid; e < TILE; e += 256u) {
		var key = SENTINEL;
		if base + e < len {
			key = keys[base + e];
		}
		tile[e] = key;
	}
	workgroupBarrier();
	for (var k = p.k_lo; k <= p.k_hi; k <<= 1u) {
		for (var j = min(k, TILE) >> 1u; j > 0u; j >>= 1u) {
			for (var h = 0u; h < 2u; h++) {
				let low = pair_low(lid + h * 256u, j);
				let high = low + j;
				let ascending = (((base + low) & (p.npad - 1u)) & k) == 0u;
				let a = tile[low];
				let b = tile[high];
				if greater(a, b) == ascending {
					tile[low] = b;
					tile[high] = a;
				}
			}
			workgroupBarrier();
		}
	}
	for (var e = lid; e < TILE; e += 256u) {
		if base + e < len {
			keys[base + e] = tile[e];
		}
	}
}

// Top-k reduction: after local_stages up to k = TILE every tile of a segment is sorted (odd
// tiles descending, since bit TILE of their positions is set), so the segment's k nearest are
// among the first kpad >= k of each tile. Copies those heads, ascending, into segments of
// npad_out = (npad / TILE) * kpad keys.
@compute @workgroup_size(256)
fn compact(
	@builtin(workgroup_id) wid: vec3<u32>,
	@builtin(num_workgroups) nwg: vec3<u32>,
	@builtin(local_invocation_index) lid: u32,
) {
	let t = (wid.x + wid.y * nwg.x) * 256u + lid;
	if t >= p.total || t >= arrayLength(&heads) {
		return;
	}
	let s = t / p.npad_out;
	let r = t % p.npad_out;
	let tile_index = r / p.kpad;
	let e = r % p.kpad;
	var offset = e;
	if (tile_index & 1u) == 1u {
		offset = TILE - 1u - e;
	}
	let src = s * p.npad + tile_index * TILE + offset;
	var key = SENTINEL;
	if src < arrayLength(&keys) {
		key = keys[src];
	}
	heads[t] = key;
}
