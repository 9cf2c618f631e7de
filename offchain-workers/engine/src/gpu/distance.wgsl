// Squared L2 distances of a batch of queries to one chunk of items, from packed int8 dot
// products: D = |q|^2 + |x|^2 - 2 q.x. Every term is exact in i32 because d <= 1024 keeps
// each one below 2^25 (and D itself below 2^27).
//
// The host prepends one of two definitions of `dot4(a, b)`, the signed dot product of the four
// int8 lanes of two words: dot_packed.wgsl (the dot4I8Packed built-in) or dot_portable.wgsl.
//
// Layout, chosen so that neighbouring invocations (neighbouring items) read neighbouring words
// and each item word is loaded once for QB queries:
// - `items` holds the chunk word-major: word w of the chunk's item i is items[w * chunk_len + i];
// - `queries` holds the batch's packed rows, then one |q|^2 per query (computed on the host);
// - one invocation computes the distances of one item to QB consecutive queries.
//
// Writes keys[s * npad + pos] = (distance, item index) for the chunk's positions, and, in the
// last chunk (cover > chunk_len), the sentinel (0xFFFFFFFF, 0xFFFFFFFF) for the padding
// positions n..npad, so the sort needs no separate fill pass.

const QB: u32 = 8u;

struct Params {
	n: u32,
	npad: u32,
	queries: u32,
	words: u32,
	chunk_start: u32,
	chunk_len: u32,
	cover: u32,
	_unused: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> queries: array<u32>;
@group(0) @binding(2) var<storage, read> items: array<u32>;
@group(0) @binding(3) var<storage, read_write> keys: array<vec2<u32>>;

@compute @workgroup_size(256)
fn main(
	@builtin(workgroup_id) wid: vec3<u32>,
	@builtin(num_workgroups) nwg: vec3<u32>,
	@builtin(local_invocation_index) lid: u32,
) {
	// Dispatches are folded into two dimensions to stay under 65535 workgroups per dimension.
	let t = (wid.x + wid.y * nwg.x) * 256u + lid;
	let groups = (p.queries + QB - 1u) / QB;
	if t >= groups * p.cover {
		return;
	}
	let first = (t / p.cover) * QB;
	let count = min(QB, p.queries - first);
	let local = t % p.cover;
	let pos = p.chunk_start + local;
	if (p.queries - 1u) * p.npad + pos >= arrayLength(&keys) {
		return;
	}
	if pos >= p.n {
		for (var j = 0u; j < count; j++) {
			keys[(first + j) * p.npad + pos] = vec2<u32>(0xffffffffu, 0xffffffffu);
		}
		return;
	}
	if local >= p.chunk_len || p.words * p.chunk_len > arrayLength(&items) ||
		p.queries * (p.words + 1u) > arrayLength(&queries) {
		return;
	}
	var xx = 0i;
	var qx: array<i32, QB>;
	for (var w = 0u; w < p.words; w++) {
		let x = items[w * p.chunk_len + local];
		xx += dot4(x, x);
		for (var j = 0u; j < QB; j++) {
			// Past the batch's last query, repeat it rather than branch; the result is dropped.
			let s = min(first + j, p.queries - 1u);
			qx[j] += dot4(queries[s * p.words + w], x);
		}
	}
	let norms = p.queries * p.words;
	for (var j = 0u; j < count; j++) {
		let qq = bitcast<i32>(queries[norms + first + j]);
		keys[(first + j) * p.npad + pos] = vec2<u32>(u32(qq + xx - 2i * qx[j]), pos);
	}
}
