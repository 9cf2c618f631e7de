#!/usr/bin/env python3
"""Mislabel detection with the worker's KNN-Shapley values.

Two data sets that ship with scikit-learn (offline), split stratified:
- `digits`: 1,797 images of 10 classes, 64 features; 1,297 training items, 500 test queries;
- `breast_cancer`: 569 cases of 2 classes, 30 features; 398 training items, 171 test queries.
Features are standardised with training statistics, projected to --dim dimensions with a
seeded Gaussian matrix and quantised to int8. 10% of the training labels are flipped to another
class. `openledger-worker attribute --method knn-shapley` values the noisy training items
against the correctly labelled test queries over each query's T nearest (--top-t, the worker's
default 1,024); a flipped item should have a low (negative) value, so the detector score is
-value and its AUROC against the flipped mask measures it.

Float64 references of the same formula (Jia et al., PVLDB 2019) run alongside:
- exact, over all N items, on the unquantised float embeddings: its AUROC must be within 0.01
  of the worker's, so valuing only the T nearest, int8 quantisation and fixed point together
  cost no detection quality;
- over the same T nearest, on the same int8 embeddings: its per-item values must equal the
  worker's values / SCALE to within the fixed point's rounding (see `check_fixed_point`);
- over the T nearest for a sweep of T from K to N, on the float embeddings: the AUROC each T
  gives, reported (not checked), to show where truncation starts to cost quality.

Exits nonzero when either check fails. Deterministic: every random choice is seeded.

    python3 mislabel.py [--dataset digits|breast_cancer] [--device cpu|gpu] [--top-t T]
                        [--worker PATH] [--json PATH]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

SCALE = 2**30  # the worker's fixed-point one
SEED = 0
# Test queries per data set: a stratified split of what scikit-learn ships.
DATASETS = {"digits": (load_digits, 500), "breast_cancer": (load_breast_cancer, 0.3)}
FLIP_FRACTION = 0.10
MAX_AUROC_GAP = 0.01
DEFAULT_TOP = 1024  # the worker's default T (openledger_primitives::attribution::DEFAULT_TOP)


def default_worker() -> Path:
    target = os.environ.get("WORKERS_TARGET_DIR") or Path.home() / ".cache/openledger/workers-target"
    return Path(target) / "release" / "openledger-worker"


def embed(dataset: str, dim: int):
    """Split the data set, standardise, project to `dim` and quantise. Returns float and int8
    copies."""
    load, test_size = DATASETS[dataset]
    data = load()
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=test_size, stratify=data.target, random_state=SEED
    )
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    std[std == 0] = 1.0  # a few border pixels are blank in every training image
    projection = np.random.default_rng(SEED).standard_normal((x_train.shape[1], dim))
    f_train = (x_train - mean) / std @ projection
    f_test = (x_test - mean) / std @ projection
    # One scale for both sets, from the training set; test values beyond it are clipped.
    scale = 127.0 / np.abs(f_train).max()

    def quantise(f):
        return np.clip(np.rint(f * scale), -127, 127).astype(np.int8)

    return f_train, f_test, quantise(f_train), quantise(f_test), y_train, y_test


def flip_labels(labels: np.ndarray):
    """Moves a seeded 10% of the labels to a different, uniformly drawn class."""
    rng = np.random.default_rng(SEED + 1)
    n = len(labels)
    flipped = np.zeros(n, dtype=bool)
    flipped[rng.choice(n, size=round(FLIP_FRACTION * n), replace=False)] = True
    noisy = labels.copy()
    classes = labels.max() + 1
    noisy[flipped] = (labels[flipped] + rng.integers(1, classes, size=flipped.sum())) % classes
    return noisy, flipped


def knn_shapley(items, labels, queries, query_labels, k, t=None):
    """Float64 KNN-Shapley values summed over queries, and per item how many fixed-point floors
    its worker value went through (summed over queries; see `check_fixed_point`).

    Per query, with items ranked by (distance, index) and m_r = [label at rank r == query label],
    over the T = min(t, N) nearest (all N when t is None), every farther item valued 0:
    s_{T-1} = m_{T-1} / T, s_r = s_{r+1} + (m_r - m_{r+1}) / max(K, r + 1).
    """
    x = items.astype(np.float64)
    q = queries.astype(np.float64)
    # Exact for int8 inputs: every partial sum is an integer far below 2^53.
    dist = (q * q).sum(axis=1)[:, None] + (x * x).sum(axis=1)[None, :] - 2.0 * q @ x.T
    order = np.argsort(dist, axis=1, kind="stable")  # stable: ties go to the smaller index
    n = x.shape[0]
    order = order[:, : n if t is None else min(t, n)]
    n_all, n = n, order.shape[1]
    match = (labels[order] == query_labels[:, None]).astype(np.float64)
    steps = np.empty_like(match)
    steps[:, :-1] = (match[:, :-1] - match[:, 1:]) / np.maximum(k, np.arange(1, n))
    steps[:, -1] = match[:, -1] / n
    # s_r is the sum of the steps from r to the end: a cumulative sum from the end.
    per_rank = np.cumsum(steps[:, ::-1], axis=1)[:, ::-1]
    floors = np.cumsum((steps != 0)[:, ::-1], axis=1)[:, ::-1]
    values = np.bincount(order.ravel(), weights=per_rank.ravel(), minlength=n_all)
    floor_counts = np.bincount(order.ravel(), weights=floors.ravel(), minlength=n_all)
    return values, floor_counts


def check_fixed_point(worker_values, reference, floor_counts, queries):
    """The worker's value at rank r is the same sum of steps with each nonzero step floored:
    (m_r - m_{r+1}) * floor(SCALE / max(K, r+1)) and m_{N-1} * floor(SCALE / N). Each floor
    loses less than one unit, so |worker - SCALE * reference| < the number of nonzero steps it
    summed, `floor_counts` (at most N per query, N * M in all). Float64 rounding in the
    reference adds at most about N * M * eps, allowed on top."""
    n = len(worker_values)
    slack = n * queries * np.finfo(np.float64).eps
    error = np.abs(worker_values / SCALE - reference)
    tolerance = floor_counts / SCALE + slack
    return {
        "ok": bool(np.all(error <= tolerance)),
        "max_error_units": float((error * SCALE).max()),
        "max_floor_count": int(floor_counts.max()),
        "loose_bound_units": n * queries,
        "items_over_tolerance": int((error > tolerance).sum()),
    }


def run_worker(worker, workdir, arrays, k, t, device):
    for name, array in arrays.items():
        np.save(workdir / f"{name}.npy", array)
    out, summary = workdir / "values.npy", workdir / "summary.json"
    cmd = [
        str(worker), "attribute",
        "--items", str(workdir / "items.npy"), "--labels", str(workdir / "labels.npy"),
        "--queries", str(workdir / "queries.npy"), "--query-labels", str(workdir / "query_labels.npy"),
        "--method", "knn-shapley", "--k", str(k), "--top-t", str(t), "--device", device,
        "--out", str(out), "--summary", str(summary),
    ]  # fmt: skip
    result = subprocess.run(cmd)
    if result.returncode != 0:
        sys.exit(f"worker failed with exit code {result.returncode}: {' '.join(cmd)}")
    if not (out.exists() and summary.exists()):
        sys.exit(f"worker exited 0 but did not write {out.name} and {summary.name}: {' '.join(cmd)}")
    return np.load(out), json.loads(summary.read_text())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", type=Path, default=default_worker())
    parser.add_argument("--dataset", choices=sorted(DATASETS), default="digits")
    parser.add_argument("--device", choices=["cpu", "gpu"], default="cpu")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--top-t", type=int, default=DEFAULT_TOP, help="T: how many nearest items are valued")
    parser.add_argument("--dim", type=int, default=32, help="embedding dimension, a multiple of 4")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()
    if args.dim % 4 or not 4 <= args.dim <= 1024:
        parser.error("--dim must be a multiple of 4 in 4..1024")

    f_train, f_test, q_train, q_test, y_train, y_test = embed(args.dataset, args.dim)
    noisy, flipped = flip_labels(y_train)
    t = args.top_t

    with tempfile.TemporaryDirectory() as tmp:
        arrays = {"items": q_train, "labels": noisy, "queries": q_test, "query_labels": y_test}
        worker_values, summary = run_worker(args.worker, Path(tmp), arrays, args.k, t, args.device)

    expected = {"method": "knn-shapley", "k": args.k, "scale": SCALE, "items": len(q_train), "dimension": args.dim}
    mismatched = {key: summary.get(key) for key, want in expected.items() if summary.get(key) != want}

    float_values, _ = knn_shapley(f_train, noisy, f_test, y_test, args.k)
    int8_values, floor_counts = knn_shapley(q_train, noisy, q_test, y_test, args.k, t)
    fixed_point = check_fixed_point(worker_values, int8_values, floor_counts, len(q_test))

    auroc = {
        "worker": roc_auc_score(flipped, -worker_values),
        "float_reference": roc_auc_score(flipped, -float_values),
        "int8_reference": roc_auc_score(flipped, -int8_values),
    }
    gap = auroc["worker"] - auroc["float_reference"]
    n = len(q_train)
    sweep_t = sorted({min(args.k * 2**i, n) for i in range(0, 20) if args.k * 2 ** (i - 1) < n})
    sweep = {
        tt: roc_auc_score(flipped, -knn_shapley(f_train, noisy, f_test, y_test, args.k, tt)[0])
        for tt in sweep_t
    }

    print(f"{args.dataset}: {n} train items ({flipped.sum()} labels flipped), {len(q_test)} test queries, "
          f"d={args.dim} int8, K={args.k}, T={min(t, n)}, worker device {summary.get('device')} "
          f"({summary.get('adapter')})")
    print(f"worker timings (ms): {summary.get('timings_ms')}")
    print(f"AUROC worker (int8, fixed point, T nearest):       {auroc['worker']:.4f}")
    print(f"AUROC float64 reference (float embed, exact, all N): {auroc['float_reference']:.4f}")
    print(f"AUROC float64 reference (int8 embed, T nearest):    {auroc['int8_reference']:.4f}")
    print(f"difference worker - exact float reference:          {gap:+.4f} (allowed ±{MAX_AUROC_GAP})")
    print("AUROC over the T nearest (float64, float embed): "
          + ", ".join(f"T={tt}: {a:.4f}" for tt, a in sweep.items()))
    print(f"fixed point vs float64 on int8: max error {fixed_point['max_error_units']:.1f} units of 1/SCALE, "
          f"bound per item = its floored steps (max {fixed_point['max_floor_count']}, loose bound N*M = "
          f"{fixed_point['loose_bound_units']}): {'ok' if fixed_point['ok'] else 'FAILED'}")
    print(f"README: mislabel detection on scikit-learn {args.dataset} ({n} train / {len(q_test)} test, "
          f"{flipped.sum()} training labels flipped, d={args.dim} int8, K={args.k}, T={min(t, n)}): AUROC "
          f"{auroc['worker']:.4f} from the worker's KNN-Shapley values ({summary.get('device')}) vs "
          f"{auroc['float_reference']:.4f} from an exact float64 reference over all items on unquantised "
          f"embeddings (difference {gap:+.4f}).")

    failures = []
    if mismatched:
        failures.append(f"summary fields differ from {expected}: {mismatched}")
    if abs(gap) > MAX_AUROC_GAP:
        failures.append(f"AUROC difference {gap:+.4f} exceeds {MAX_AUROC_GAP}")
    if not fixed_point["ok"]:
        failures.append(f"{fixed_point['items_over_tolerance']} item values outside the fixed-point tolerance")

    if args.json:
        args.json.write_text(json.dumps({
            "dataset": args.dataset, "items": len(q_train), "queries": len(q_test), "flipped": int(flipped.sum()),
            "dimension": args.dim, "k": args.k, "t": t, "auroc_by_t": {str(tt): a for tt, a in sweep.items()}, "device": summary.get("device"), "adapter": summary.get("adapter"),
            "auroc": auroc, "auroc_difference": gap, "fixed_point": fixed_point,
            "worker_timings_ms": summary.get("timings_ms"), "failures": failures,
        }, indent=2) + "\n")  # fmt: skip

    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
