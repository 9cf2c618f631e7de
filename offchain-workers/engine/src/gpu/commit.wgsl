// Commitment roots: the Merkle tree of `openledger_primitives::merkle` over
// `Entry::leaf_hash`, for every query of a batch at once.
//
// `leaves` hashes each committed entry; `level` then builds one tree level of every segment
// (pairs hashed, an odd last node carried up), called once per level with two buffers in turn.
//
// Every preimage (21-byte leaf, 65-byte node) fits one 128-byte blake2b block, so each hash is a
// single compression. WGSL has no u64 without an extension, so a blake2b word is a
// vec2<u32> (lo, hi). A hash is stored as 8 u32, its 32 bytes read little-endian.

struct Params {
	// Leaves: entries per segment; level: nodes per segment in the input level.
	count: u32,
	segments: u32,
	// Leaves only: where entry r of segment s keeps its (distance, index) key, at
	// keys[s * key_stride + r * key_step], and its value, from
	// values[s * value_stride + r * value_step + value_offset]: one i32 (KNN-Shapley's scan) when
	// `wide` is 0, else (lo, hi) of an i64 (similarity).
	key_stride: u32,
	key_step: u32,
	value_stride: u32,
	value_step: u32,
	value_offset: u32,
	wide: u32,
}

@group(0) @binding(0) var<uniform> p: Params;

const IV = array<vec2<u32>, 8>(
	vec2<u32>(0xf3bcc908u, 0x6a09e667u),
	vec2<u32>(0x84caa73bu, 0xbb67ae85u),
	vec2<u32>(0xfe94f82bu, 0x3c6ef372u),
	vec2<u32>(0x5f1d36f1u, 0xa54ff53au),
	vec2<u32>(0xade682d1u, 0x510e527fu),
	vec2<u32>(0x2b3e6c1fu, 0x9b05688cu),
	vec2<u32>(0xfb41bd6bu, 0x1f83d9abu),
	vec2<u32>(0x137e2179u, 0x5be0cd19u),
);

fn add(a: vec2<u32>, b: vec2<u32>) -> vec2<u32> {
	let lo = a.x + b.x;
	return vec2<u32>(lo, a.y + b.y + select(0u, 1u, lo < a.x));
}

// Rotations right by 24 and 16 (0 < n < 32); 32 is a swap and 63 a rotation left by 1.
fn rotr(x: vec2<u32>, n: u32) -> vec2<u32> {
	return vec2<u32>((x.x >> n) | (x.y << (32u - n)), (x.y >> n) | (x.x << (32u - n)));
}

fn rotl1(x: vec2<u32>) -> vec2<u32> {
	return vec2<u32>((x.x << 1u) | (x.y >> 31u), (x.y << 1u) | (x.x >> 31u));
}

fn g(v: ptr<function, array<vec2<u32>, 16>>, a: u32, b: u32, c: u32, d: u32, x: vec2<u32>, y: vec2<u32>) {
	(*v)[a] = add(add((*v)[a], (*v)[b]), x);
	(*v)[d] = ((*v)[d] ^ (*v)[a]).yx;
	(*v)[c] = add((*v)[c], (*v)[d]);
	(*v)[b] = rotr((*v)[b] ^ (*v)[c], 24u);
	(*v)[a] = add(add((*v)[a], (*v)[b]), y);
	(*v)[d] = rotr((*v)[d] ^ (*v)[a], 16u);
	(*v)[c] = add((*v)[c], (*v)[d]);
	(*v)[b] = rotl1((*v)[b] ^ (*v)[c]);
}

// One round, its message words already permuted by that round's row of SIGMA.
fn round(
	v: ptr<function, array<vec2<u32>, 16>>,
	x0: vec2<u32>, x1: vec2<u32>, x2: vec2<u32>, x3: vec2<u32>,
	x4: vec2<u32>, x5: vec2<u32>, x6: vec2<u32>, x7: vec2<u32>,
	x8: vec2<u32>, x9: vec2<u32>, x10: vec2<u32>, x11: vec2<u32>,
	x12: vec2<u32>, x13: vec2<u32>, x14: vec2<u32>, x15: vec2<u32>,
) {
	g(v, 0u, 4u, 8u, 12u, x0, x1);
	g(v, 1u, 5u, 9u, 13u, x2, x3);
	g(v, 2u, 6u, 10u, 14u, x4, x5);
	g(v, 3u, 7u, 11u, 15u, x6, x7);
	g(v, 0u, 5u, 10u, 15u, x8, x9);
	g(v, 1u, 6u, 11u, 12u, x10, x11);
	g(v, 2u, 7u, 8u, 13u, x12, x13);
	g(v, 3u, 4u, 9u, 14u, x14, x15);
}

// blake2b-256, unkeyed, of the `length`-byte message `m` (zero-padded to one block): the first
// four words of the state after compressing it as the final block.
fn blake2b_256(m: array<vec2<u32>, 16>, length: u32) -> array<vec2<u32>, 4> {
	// Parameter block: digest length 32, no key, fanout 1, depth 1.
	let h0 = IV[0] ^ vec2<u32>(0x01010020u, 0u);
	var v = array<vec2<u32>, 16>(
		h0, IV[1], IV[2], IV[3], IV[4], IV[5], IV[6], IV[7],
		IV[0], IV[1], IV[2], IV[3],
		IV[4] ^ vec2<u32>(length, 0u),
		IV[5],
		~IV[6],
		IV[7],
	);
	// The SIGMA schedule written out with constant indices: indexing the message with a
	// looked-up index makes lavapipe's shader compiler take minutes. Rounds 10 and 11 repeat
	// rows 0 and 1.
	round(&v, m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8], m[9], m[10], m[11], m[12], m[13], m[14], m[15]);
	round(&v, m[14], m[10], m[4], m[8], m[9], m[15], m[13], m[6], m[1], m[12], m[0], m[2], m[11], m[7], m[5], m[3]);
	round(&v, m[11], m[8], m[12], m[0], m[5], m[2], m[15], m[13], m[10], m[14], m[3], m[6], m[7], m[1], m[9], m[4]);
	round(&v, m[7], m[9], m[3], m[1], m[13], m[12], m[11], m[14], m[2], m[6], m[5], m[10], m[4], m[0], m[15], m[8]);
	round(&v, m[9], m[0], m[5], m[7], m[2], m[4], m[10], m[15], m[14], m[1], m[11], m[12], m[6], m[8], m[3], m[13]);
	round(&v, m[2], m[12], m[6], m[10], m[0], m[11], m[8], m[3], m[4], m[13], m[7], m[5], m[15], m[14], m[1], m[9]);
	round(&v, m[12], m[5], m[1], m[15], m[14], m[13], m[4], m[10], m[0], m[7], m[6], m[3], m[9], m[2], m[8], m[11]);
	round(&v, m[13], m[11], m[7], m[14], m[12], m[1], m[3], m[9], m[5], m[0], m[15], m[4], m[8], m[6], m[2], m[10]);
	round(&v, m[6], m[15], m[14], m[9], m[11], m[3], m[0], m[8], m[12], m[2], m[13], m[7], m[1], m[4], m[10], m[5]);
	round(&v, m[10], m[2], m[8], m[4], m[7], m[6], m[1], m[5], m[15], m[11], m[9], m[14], m[3], m[12], m[13], m[0]);
	round(&v, m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8], m[9], m[10], m[11], m[12], m[13], m[14], m[15]);
	round(&v, m[14], m[10], m[4], m[8], m[9], m[15], m[13], m[6], m[1], m[12], m[0], m[2], m[11], m[7], m[5], m[3]);
	return array<vec2<u32>, 4>(
		h0 ^ v[0] ^ v[8],
		IV[1] ^ v[1] ^ v[9],
		IV[2] ^ v[2] ^ v[10],
		IV[3] ^ v[3] ^ v[11],
	);
}

fn invocation(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 {
	return (wid.x + wid.y * nwg.x) * 256u + lid;
}

@group(0) @binding(1) var<storage, read> keys: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read> values: array<u32>;
@group(0) @binding(3) var<storage, read_write> leaf_hashes: array<u32>;

// The leaf of entry r: blake2b-256 of 0x00 ‖ rank ‖ index ‖ distance (u32 LE) ‖ value (i64 LE),
// 21 bytes, so every field after the prefix straddles two u32 words.
@compute @workgroup_size(256)
fn leaves(
	@builtin(workgroup_id) wid: vec3<u32>,
	@builtin(num_workgroups) nwg: vec3<u32>,
	@builtin(local_invocation_index) lid: u32,
) {
	let t = invocation(wid, nwg, lid);
	if t >= p.segments * p.count || t * 8u + 8u > arrayLength(&leaf_hashes) {
		return;
	}
	let s = t / p.count;
	let r = t % p.count;
	let key_at = s * p.key_stride + r * p.key_step;
	let value_at = s * p.value_stride + r * p.value_step + p.value_offset;
	if key_at >= arrayLength(&keys) || value_at + p.wide >= arrayLength(&values) {
		return;
	}
	let key = keys[key_at];
	let lo = values[value_at];
	// KNN-Shapley's i32 sign-extends to the i64 the entry holds.
	var hi = select(0u, 0xffffffffu, (lo >> 31u) == 1u);
	if p.wide != 0u {
		hi = values[value_at + 1u];
	}
	// Words of the message; the prefix byte is 0.
	let distance = key.x;
	let index = key.y;
	var m: array<vec2<u32>, 16>;
	m[0] = vec2<u32>(r << 8u, (r >> 24u) | (index << 8u));
	m[1] = vec2<u32>((index >> 24u) | (distance << 8u), (distance >> 24u) | (lo << 8u));
	m[2] = vec2<u32>((lo >> 24u) | (hi << 8u), hi >> 24u);
	let h = blake2b_256(m, 21u);
	for (var i = 0u; i < 4u; i++) {
		leaf_hashes[t * 8u + 2u * i] = h[i].x;
		leaf_hashes[t * 8u + 2u * i + 1u] = h[i].y;
	}
}

@group(0) @binding(1) var<storage, read> below: array<u32>;
@group(0) @binding(2) var<storage, read_write> above: array<u32>;

// Node i of the level above: blake2b-256 of 0x01 ‖ left ‖ right (65 bytes, so each hash word
// is shifted by one byte), or the last node below carried up when it has no partner.
@compute @workgroup_size(256)
fn level(
	@builtin(workgroup_id) wid: vec3<u32>,
	@builtin(num_workgroups) nwg: vec3<u32>,
	@builtin(local_invocation_index) lid: u32,
) {
	let len_above = (p.count + 1u) / 2u;
	let t = invocation(wid, nwg, lid);
	if t >= p.segments * len_above || t * 8u + 8u > arrayLength(&above) {
		return;
	}
	let s = t / len_above;
	let i = t % len_above;
	let left = s * p.count + 2u * i;
	if 2u * i + 1u == p.count {
		if left * 8u + 8u > arrayLength(&below) {
			return;
		}
		for (var w = 0u; w < 8u; w++) {
			above[t * 8u + w] = below[left * 8u + w];
		}
		return;
	}
	if left * 8u + 16u > arrayLength(&below) {
		return;
	}
	// The 16 words of left ‖ right, then the 17 message words with the prefix in front.
	var c: array<u32, 17>;
	for (var w = 0u; w < 16u; w++) {
		c[w] = below[left * 8u + w];
	}
	c[16] = 0u;
	var m: array<vec2<u32>, 16>;
	var previous = 1u;
	for (var j = 0u; j < 9u; j++) {
		let a = previous | (c[2u * j] << 8u);
		var b = c[2u * j] >> 24u;
		if j < 8u {
			b |= c[2u * j + 1u] << 8u;
			previous = c[2u * j + 1u] >> 24u;
		}
		m[j] = vec2<u32>(a, b);
	}
	let h = blake2b_256(m, 65u);
	for (var k = 0u; k < 4u; k++) {
		above[t * 8u + 2u * k] = h[k].x;
		above[t * 8u + 2u * k + 1u] = h[k].y;
	}
}
