// KNN-Shapley contributions per rank, to be suffix-summed by scan.wgsl:
//   c[n-1] = m[n-1] * floor(2^30 / n)
//   c[r]   = (m[r] - m[r+1]) * floor(2^30 / max(K, r+1))   for r < n-1
// with m[r] = (labels[index at rank r] == query label). Negative contributions are stored as
// two's complement u32 because the scan adds in wrapping u32 arithmetic (see scan.wgsl).

struct Params {
	n: u32,
	npad: u32,
	segments: u32,
	knn_k: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> keys: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read> query_labels: array<u32>;
@group(0) @binding(4) var<storage, read_write> values: array<u32>;

const SCALE: u32 = 1073741824u; // 2^30, KNN_SCALE

fn matches(pos: u32, query_label: u32) -> bool {
	let index = keys[pos].y;
	return index < arrayLength(&labels) && labels[index] == query_label;
}

@compute @workgroup_size(256)
fn contrib(
	@builtin(workgroup_id) wid: vec3<u32>,
	@builtin(num_workgroups) nwg: vec3<u32>,
	@builtin(local_invocation_index) lid: u32,
) {
	let t = (wid.x + wid.y * nwg.x) * 256u + lid;
	if t >= p.segments * p.n || t / p.n >= arrayLength(&query_labels) {
		return;
	}
	let s = t / p.n;
	let r = t % p.n;
	let pos = s * p.npad + r;
	if pos + 1u > arrayLength(&keys) || pos >= arrayLength(&values) {
		return;
	}
	let query_label = query_labels[s];
	let m = matches(pos, query_label);
	var c = 0u;
	if r + 1u == p.n {
		if m {
			c = SCALE / p.n;
		}
	} else if pos + 1u < arrayLength(&keys) {
		let next = matches(pos + 1u, query_label);
		let weight = SCALE / max(p.knn_k, r + 1u);
		if m && !next {
			c = weight;
		} else if !m && next {
			c = 0u - weight;
		}
	}
	values[pos] = c;
}
