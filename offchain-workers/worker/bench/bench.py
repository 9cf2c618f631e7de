#!/usr/bin/env python3
"""Benchmarks `openledger-worker attribute` against NumPy and FAISS.

Data: seeded, independent uniform int8 in [-128, 127] for N items and M queries of dimension d,
labels uniform in 0..9 (int32). Uniform data has no cluster structure, so every item is a
plausible neighbour; nothing is pruned, which suits the brute-force paths compared here.

Runs, each --repeat times, best time per stage kept:
- the worker: knn-shapley (K = --k over the T = --top-t nearest) and similarity (k = --k), on cpu
  and gpu (--skip-gpu leaves gpu out;
  without a GPU, wgpu may fall back to lavapipe and be slow). Its internal stage timings come
  from the summary JSON; the process's wall time (start-up and .npy loading included) is also
  measured.
- NumPy: a float64 KNN-Shapley of the same formula over the same T nearest (distances as
  ||q||^2 + ||x||^2 - 2 q.x, the T nearest by argpartition then sorted by (distance, index), the
  recursion as a cumulative sum from the end).
- FAISS: IndexFlatL2 on float32 copies of the items, searching the queries for k neighbours.

Checks (nonzero exit if any fails): cpu and gpu give identical values and roots, as do repeats;
the worker's ranked entries match the exact ranking by (distance, index); its KNN-Shapley
values match NumPy's within the fixed point's rounding; its similarity values are exact; FAISS
finds the same top-k distances (ties may pick other indices).

    python3 bench.py [--n 100000 --d 256 --m 64 --k 10 --top-t 1024] [--skip-gpu] [--json PATH]
Requirements: requirements.txt (numpy, faiss-cpu) and the release worker binary.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

SCALE = 2**30  # the worker's fixed-point one for KNN-Shapley
SIMILARITY_SCALE = 2**46  # similarity value = floor(SIMILARITY_SCALE / (D + 1))
CLASSES = 10
# The worker's stages as the table names them; rank's name depends on the method.
STAGE_NAMES = {
    "rank": "distance + rank + values",
    "commit": "commitment roots (blake2 Merkle trees)",
    "total": "end to end after loading",
    "wall": "process wall time (start-up, load included)",
}
# Speedups compare like with like: KNN-Shapley's values (what NumPy computes) and its whole run
# (commitments included) against NumPy; similarity's distance + top-k stage against FAISS's search.
COMPARED = {
    ("knn-shapley", "rank"): "NumPy",
    ("knn-shapley", "total"): "NumPy",
    ("similarity", "rank"): "FAISS",
}


def default_worker() -> Path:
    target = os.environ.get("WORKERS_TARGET_DIR") or Path.home() / ".cache/openledger/workers-target"
    return Path(target) / "release" / "openledger-worker"


def machine_info():
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {
        "cpu": cpu,
        "logical_cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "faiss_threads": faiss.omp_get_max_threads(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "faiss": faiss.__version__,
    }


def rank(items, queries, t):
    """Float64 distances and, per query, the indices of the min(t, N) nearest items ordered by
    (distance, index). Exact for int8 inputs: every partial sum is an integer far below 2^53."""
    x = items.astype(np.float64)
    q = queries.astype(np.float64)
    dist = (q * q).sum(axis=1)[:, None] + (x * x).sum(axis=1)[None, :] - 2.0 * q @ x.T
    t = min(t, dist.shape[1])
    # The t-th smallest distance of each row; every item at or below it is a candidate, and ties
    # at the boundary go to the smaller index, as the spec ranks them.
    bound = np.partition(dist, t - 1, axis=1)[:, t - 1]
    order = np.empty((dist.shape[0], t), dtype=np.int64)
    for row, (d, b) in enumerate(zip(dist, bound)):
        candidates = np.flatnonzero(d <= b)
        order[row] = candidates[np.lexsort((candidates, d[candidates]))][:t]
    return dist, order


def knn_shapley(order, labels, query_labels, k, n_all):
    """Float64 KNN-Shapley values (Jia et al., PVLDB 2019) over each query's T nearest (`order`,
    T columns) summed over queries, every other item valued 0, and the per-rank steps. With
    m_r = [label at rank r == query label]:
    s_{T-1} = m_{T-1} / T, s_r = s_{r+1} + (m_r - m_{r+1}) / max(K, r + 1)."""
    n = order.shape[1]
    match = (labels[order] == query_labels[:, None]).astype(np.float64)
    steps = np.empty_like(match)
    steps[:, :-1] = (match[:, :-1] - match[:, 1:]) / np.maximum(k, np.arange(1, n))
    steps[:, -1] = match[:, -1] / n
    per_rank = np.cumsum(steps[:, ::-1], axis=1)[:, ::-1]  # s_r: the steps from r to the end
    return np.bincount(order.ravel(), weights=per_rank.ravel(), minlength=n_all), steps


def check_fixed_point(worker_values, reference, order, steps):
    """The worker sums the same steps with each nonzero one floored, (m_r - m_{r+1}) *
    floor(SCALE / max(K, r+1)) and m_{T-1} * floor(SCALE / T); each floor loses less than one
    unit, so |worker - SCALE * reference| < the number of nonzero steps summed into the item
    (at most T per query, T * M in all). Float64 rounding adds at most about T * M * eps."""
    m, n = order.shape
    floors = np.cumsum((steps != 0)[:, ::-1], axis=1)[:, ::-1]
    floor_counts = np.bincount(order.ravel(), weights=floors.ravel(), minlength=len(worker_values))
    error = np.abs(worker_values / SCALE - reference)
    tolerance = floor_counts / SCALE + n * m * np.finfo(np.float64).eps
    return {
        "ok": bool(np.all(error <= tolerance)),
        "max_error_units": float((error * SCALE).max()),
        "max_floor_count": int(floor_counts.max()),
        "loose_bound_units": n * m,
        "items_over_tolerance": int((error > tolerance).sum()),
    }


def best_of(repeat, fn):
    """Runs fn `repeat` times; returns its last result and the best wall time in ms."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, (time.perf_counter() - start) * 1e3)
    return result, best


class Worker:
    def __init__(self, binary, data_dir):
        self.binary = binary
        self.data = data_dir

    def run(self, method, device, k, t, repeat):
        """Runs the worker `repeat` times. Returns the values, summary, best time per stage
        (with the process's wall time as "wall") and whether every repeat gave the same output."""
        best = {}
        outputs = []
        for i in range(repeat):
            out, summary_path = self.data / f"{method}-{device}-{i}.npy", self.data / f"{method}-{device}-{i}.json"
            cmd = [
                str(self.binary), "attribute",
                "--items", str(self.data / "items.npy"), "--labels", str(self.data / "labels.npy"),
                "--queries", str(self.data / "queries.npy"), "--query-labels", str(self.data / "query_labels.npy"),
                "--method", method, "--k", str(k), "--top-t", str(t), "--device", device,
                "--out", str(out), "--summary", str(summary_path),
            ]  # fmt: skip
            start = time.perf_counter()
            result = subprocess.run(cmd)
            wall = (time.perf_counter() - start) * 1e3
            if result.returncode != 0:
                sys.exit(f"worker failed with exit code {result.returncode}: {' '.join(cmd)}")
            if not (out.exists() and summary_path.exists()):
                sys.exit(f"worker exited 0 but did not write {out.name} and {summary_path.name}: {' '.join(cmd)}")
            summary = json.loads(summary_path.read_text())
            timings = {**summary["timings_ms"], "wall": wall}
            best = {key: min(best.get(key, float("inf")), value) for key, value in timings.items()}
            outputs.append((np.load(out), summary))
        values, summary = outputs[0]
        stable = all(same_output(outputs[0], other) for other in outputs[1:])
        return values, summary, best, stable


def roots(summary):
    return [query["root"] for query in summary["queries"]]


def same_output(a, b):
    return np.array_equal(a[0], b[0]) and roots(a[1]) == roots(b[1])


def check_ranked_entries(summary, dist, order):
    """Every entry the summary lists must be the exact ranking's: index and distance."""
    bad = 0
    for q, query in enumerate(summary["queries"]):
        for entry in query["top"]:
            index = int(order[q, entry["rank"]])
            bad += entry["index"] != index or entry["distance"] != int(dist[q, index])
    return bad == 0


def similarity_values(dist, order, k):
    """The worker's similarity values, exactly: floor(2^46 / (D + 1)) over each query's top k."""
    top = order[:, :k]
    distances = np.take_along_axis(dist, top, axis=1).astype(np.int64)
    values = np.zeros(dist.shape[1], dtype=np.int64)
    np.add.at(values, top.ravel(), (SIMILARITY_SCALE // (distances + 1)).ravel())
    return values


def compare_faiss(faiss_dist, faiss_index, summary, d):
    """FAISS's top-k distances must equal the worker's; index sets may differ only where the
    k-th distance is tied. Float32 holds every partial sum of an int8 distance exactly while
    d * 255^2 < 2^24 (d <= 256), so there the comparison is exact; beyond, FAISS rounds and the
    distances are compared to a relative 1e-5."""
    exact = d * 255**2 < 2**24
    distances_equal, tie_differences = True, 0
    for q, query in enumerate(summary["queries"]):
        worker_index = [entry["index"] for entry in query["top"]]
        worker_dist = np.array([entry["distance"] for entry in query["top"]], dtype=np.float64)
        if exact:
            distances_equal &= np.array_equal(faiss_dist[q], worker_dist)
        else:
            distances_equal &= faiss_dist[q].shape == worker_dist.shape and np.allclose(
                faiss_dist[q], worker_dist, rtol=1e-5, atol=0
            )
        tie_differences += set(faiss_index[q].tolist()) != set(worker_index)
    return {
        "distances_equal": bool(distances_equal),
        "exact": exact,
        "queries_with_other_indices": tie_differences,
    }


def markdown_table(rows, pairs):
    lines = [
        "| path | what | time (ms) | throughput (item-query pairs/s) | speedup |",
        "|---|---|---:|---:|---:|",
    ]
    for path, what, ms, speedup in rows:
        speed = f"{speedup:.1f}x" if speedup else ""
        throughput = f"{pairs / ms * 1e3:.3g}" if ms > 0 else ""
        lines.append(f"| {path} | {what} | {ms:.1f} | {throughput} | {speed} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="items")
    parser.add_argument("--d", type=int, default=256, help="dimension, a multiple of 4")
    parser.add_argument("--m", type=int, default=64, help="queries")
    parser.add_argument("--k", type=int, default=10, help="K of KNN-Shapley and k of similarity")
    parser.add_argument("--top-t", type=int, default=1024, help="T: how many nearest KNN-Shapley values")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each path; the best time is kept")
    parser.add_argument("--skip-gpu", action="store_true")
    parser.add_argument("--worker", type=Path, default=default_worker())
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()
    if args.d % 4 or not 4 <= args.d <= 1024:
        parser.error("--d must be a multiple of 4 in 4..1024")

    rng = np.random.default_rng(args.seed)
    items = rng.integers(-128, 128, size=(args.n, args.d), dtype=np.int8)
    labels = rng.integers(0, CLASSES, size=args.n, dtype=np.int32)
    queries = rng.integers(-128, 128, size=(args.m, args.d), dtype=np.int8)
    query_labels = rng.integers(0, CLASSES, size=args.m, dtype=np.int32)
    pairs = args.n * args.m
    machine = machine_info()
    devices = ["cpu"] if args.skip_gpu else ["cpu", "gpu"]

    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        for name, array in [("items", items), ("labels", labels), ("queries", queries), ("query_labels", query_labels)]:
            np.save(data / f"{name}.npy", array)
        worker = Worker(args.worker, data)
        for method in ["knn-shapley", "similarity"]:
            for device in devices:
                print(f"worker {method} on {device} ...", flush=True)
                runs[method, device] = worker.run(method, device, args.k, args.top_t, args.repeat)

    print("NumPy float64 KNN-Shapley ...", flush=True)

    def numpy_knn_shapley():
        dist, order = rank(items, queries, max(args.top_t, args.k))
        values, steps = knn_shapley(order[:, : args.top_t], labels, query_labels, args.k, args.n)
        return dist, order, values, steps

    (dist, order, numpy_values, steps), numpy_ms = best_of(args.repeat, numpy_knn_shapley)

    print("FAISS IndexFlatL2 ...", flush=True)
    index = faiss.IndexFlatL2(args.d)
    index.add(items.astype(np.float32))
    queries_f32 = queries.astype(np.float32)
    (faiss_dist, faiss_index), faiss_ms = best_of(args.repeat, lambda: index.search(queries_f32, args.k))

    checks = {}
    for method in ["knn-shapley", "similarity"]:
        cpu_values, cpu_summary, _, _ = runs[method, "cpu"]
        for device in devices:
            values, summary, _, stable = runs[method, device]
            checks[f"{method} {device}: repeats identical"] = stable
            checks[f"{method} {device}: ranked entries exact"] = check_ranked_entries(summary, dist, order)
            if device != "cpu":
                checks[f"{method}: {device} values identical to cpu"] = bool(np.array_equal(values, cpu_values))
                checks[f"{method}: {device} roots identical to cpu"] = roots(summary) == roots(cpu_summary)
    knn_values, knn_summary = runs["knn-shapley", "cpu"][:2]
    sim_values, sim_summary = runs["similarity", "cpu"][:2]
    fixed_point = check_fixed_point(knn_values, numpy_values, order[:, : args.top_t], steps)
    checks["knn-shapley: scale is 2^30"] = knn_summary["scale"] == SCALE
    checks["knn-shapley: cpu values = NumPy within fixed-point rounding"] = fixed_point["ok"]
    checks["similarity: cpu values exact"] = bool(np.array_equal(sim_values, similarity_values(dist, order, args.k)))
    faiss_match = compare_faiss(faiss_dist, faiss_index, sim_summary, args.d)
    checks["similarity: FAISS top-k distances equal the worker's"] = faiss_match["distances_equal"]

    baselines_ms = {"NumPy": numpy_ms, "FAISS": faiss_ms}
    speedups = {}
    rows = []
    for method in ["knn-shapley", "similarity"]:
        for device in devices:
            best = runs[method, device][2]
            for stage, what in STAGE_NAMES.items():
                if stage == "rank":
                    what = "distance + top-T + values" if method == "knn-shapley" else "distance + top-k"
                baseline = COMPARED.get((method, stage))
                speedup = baselines_ms[baseline] / best[stage] if baseline else None
                if baseline:
                    speedups[f"{device} {method} {what} vs {baseline}"] = speedup
                rows.append((f"worker {device}", f"{method}: {what}", best[stage], speedup))
    rows.append(("NumPy float64", "knn-shapley: distances, top-T, recursion (baseline)", numpy_ms, None))
    faiss_path = f"FAISS IndexFlatL2, {machine['faiss_threads']} threads"
    rows.append((faiss_path, f"top-{args.k} search (baseline)", faiss_ms, None))

    adapters = {device: runs["knn-shapley", device][1].get("adapter") for device in devices}
    print()
    print(f"N = {args.n} items, d = {args.d}, M = {args.m} queries, K = k = {args.k}, T = {args.top_t}; uniform int8 data, "
          f"seed {args.seed}; best of {args.repeat}")
    print(f"machine: {machine['cpu']}, {machine['usable_cores']} usable of {machine['logical_cores']} logical cores; "
          f"FAISS {machine['faiss']} with {machine['faiss_threads']} OpenMP threads; NumPy {machine['numpy']}; "
          f"worker adapters {adapters}")
    print()
    print(markdown_table(rows, pairs))
    print()
    for name, value in speedups.items():
        print(f"speedup, {name}: {value:.1f}x")
    print(f"fixed point vs NumPy: max error {fixed_point['max_error_units']:.1f} units of 1/SCALE; "
          f"bound per item = its floored steps (max {fixed_point['max_floor_count']}; "
          f"loose bound N*M = {fixed_point['loose_bound_units']})")
    print(f"FAISS vs worker similarity: distances compared {'exactly' if faiss_match['exact'] else 'to 1e-5'}; "
          f"{faiss_match['queries_with_other_indices']} queries picked other indices (ties)")
    for name, ok in checks.items():
        print(f"{'ok  ' if ok else 'FAIL'} {name}")

    if args.json:
        args.json.write_text(json.dumps({
            "config": {"n": args.n, "d": args.d, "m": args.m, "k": args.k, "t": args.top_t, "seed": args.seed,
                       "repeat": args.repeat, "data": "uniform int8 in [-128, 127], labels uniform in 0..9"},
            "machine": machine, "adapters": adapters,
            "worker_ms": {f"{method} {device}": run[2] for (method, device), run in runs.items()},
            "numpy_ms": numpy_ms, "faiss_ms": faiss_ms, "speedups": speedups,
            "fixed_point": fixed_point, "faiss_match": faiss_match, "checks": checks,
        }, indent=2) + "\n")  # fmt: skip

    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
