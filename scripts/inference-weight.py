#!/usr/bin/env python3
"""On-chain weight of paid inference, from the measured weights (docs/BENCHMARKS.md).

Reads the `SubstrateWeight` impls of pallets/attribution and pallets/rewards `weights.rs` and
adds up what one batch costs on chain, with RocksDB's read (25 us) and write (100 us) weights:
recording it, R commits and R reveals of `t` totals, the tally and finality in the block hook,
and the settlement (queued, weighed, credited, closed). Divides by the batch size for the cost
per inference, and compares it with a single inference of the issue's baseline (18.4 ms).

    python3 scripts/inference-weight.py [BATCH] [TOTALS] [R]
"""

import re
import sys
from pathlib import Path

READ_PS = 25_000_000
WRITE_PS = 100_000_000
ROOT = Path(__file__).resolve().parent.parent


def parse(path):
    """name -> (params, terms): each term (ref_ps, proof, reads, writes, var or None)."""
    text = path.read_text()
    body = text.split("impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {", 1)[1]
    body = body.split("\nimpl WeightInfo for () {", 1)[0]
    out = {}
    for m in re.finditer(r"fn (\w+)\(([^)]*)\) -> Weight \{(.*?)\n\t\}", body, re.S):
        name, params, code = m.group(1), m.group(2), m.group(3)
        terms = []
        base = re.search(r"Weight::from_parts\(([\d_]+), ([\d_]+)\)\n", code)
        terms.append((int(base.group(1).replace("_", "")), int(base.group(2).replace("_", "")), 0, 0, None))
        for s in re.finditer(r"Weight::from_parts\(([\d_]+), ([\d_]+)\)\.saturating_mul\((\w+)\.into\(\)\)", code):
            terms.append((int(s.group(1).replace("_", "")), int(s.group(2).replace("_", "")), 0, 0, s.group(3)))
        for s in re.finditer(r"DbWeight::get\(\)\.(reads|writes)\(([\d_]+)_u64\)", code):
            n = int(s.group(2).replace("_", ""))
            terms.append((0, 0, n if s.group(1) == "reads" else 0, n if s.group(1) == "writes" else 0, None))
        for s in re.finditer(r"DbWeight::get\(\)\.(reads|writes)\(\(([\d_]+)_u64\)\.saturating_mul\((\w+)\.into\(\)\)\)", code):
            n = int(s.group(2).replace("_", ""))
            terms.append((0, 0, n if s.group(1) == "reads" else 0, n if s.group(1) == "writes" else 0, s.group(3)))
        out[name] = terms
    return out


def weight(table, name, **args):
    """(ref_time in ps with RocksDB reads and writes, proof bytes)."""
    ref, proof = 0, 0
    for ps, pr, reads, writes, var in table[name]:
        k = args.get(var, 0) if var else 1
        ref += k * (ps + reads * READ_PS + writes * WRITE_PS)
        proof += k * pr
    return ref, proof


def main():
    batch = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    totals = int(sys.argv[2]) if len(sys.argv) > 2 else 1024
    r = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    att = parse(ROOT / "pallets/attribution/src/weights.rs")
    rew = parse(ROOT / "pallets/rewards/src/weights.rs")
    parts = [
        ("record_batch(1)", weight(rew, "record_batch", v=1)),
        (f"{r} × commit", tuple(r * x for x in weight(att, "commit"))),
        (f"{r} × reveal({totals})", tuple(r * x for x in weight(att, "reveal", t=totals))),
        (f"tally({r})", weight(att, "tally", r=r)),
        (f"finalize({r})", weight(att, "finalize", r=r)),
        (f"settle_open({totals})", weight(rew, "settle_open", t=totals)),
        (f"settle_weigh({totals})", weight(rew, "settle_weigh", n=totals)),
        (f"settle_credit({totals})", weight(rew, "settle_credit", n=totals)),
        (f"settle_close({r})", weight(rew, "settle_close", s=r)),
    ]
    total_ref = sum(p[1][0] for p in parts)
    total_proof = sum(p[1][1] for p in parts)
    for name, (ref, proof) in parts:
        print(f"{name:28} {ref / 1e6:10.3f} us {proof / 1e3:10.1f} KB")
    per = total_ref / batch / 1e6
    print(f"{'one batch':28} {total_ref / 1e9:10.3f} ms {total_proof / 1e3:10.1f} KB")
    print(f"per inference (batch of {batch}, {totals} totals, R = {r}): {per:.2f} us, "
          f"{100 * per / 18_400:.3f}% of 18.4 ms; {total_proof / batch:.0f} bytes of proof")


if __name__ == "__main__":
    main()
