// Similarity entries of the first `count` ranks of each sorted segment:
// (distance, index, lo, hi) with value = floor(2^46 / (distance + 1)) = hi * 2^32 + lo.
//
// The quotient is computed by binary long division in u32: the divisor is at most
// 1024 * 255^2 + 1 < 2^27, so the running remainder stays below 2^28.

struct Params {
	npad: u32,
	segments: u32,
	count: u32,
	_unused: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> keys: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read_write> entries: array<vec4<u32>>;

fn similarity(distance: u32) -> vec2<u32> {
	let divisor = distance + 1u;
	var remainder = 0u;
	var lo = 0u;
	var hi = 0u;
	// Bits 46 down to 0 of the numerator 2^46; only bit 46 is set.
	for (var bit = 47u; bit > 0u; bit--) {
		let b = bit - 1u;
		remainder = (remainder << 1u) | select(0u, 1u, b == 46u);
		if remainder >= divisor {
			remainder -= divisor;
			if b >= 32u {
				hi |= 1u << (b - 32u);
			} else {
				lo |= 1u << b;
			}
		}
	}
	return vec2<u32>(lo, hi);
}

@compute @workgroup_size(256)
fn main(
	@builtin(workgroup_id) wid: vec3<u32>,
	@builtin(num_workgroups) nwg: vec3<u32>,
	@builtin(local_invocation_index) lid: u32,
) {
	let t = (wid.x + wid.y * nwg.x) * 256u + lid;
	if t >= p.segments * p.count || t >= arrayLength(&entries) {
		return;
	}
	let s = t / p.count;
	let r = t % p.count;
	let pos = s * p.npad + r;
	if pos >= arrayLength(&keys) {
		return;
	}
	let key = keys[pos];
	entries[t] = vec4<u32>(key.x, key.y, similarity(key.x));
}
