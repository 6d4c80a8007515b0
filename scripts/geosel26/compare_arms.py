"""Session 26 (geosel26): the selector with the scale-head candidate (S) against the one without
(A), paired per trip, from two ``scripts/candidate_results.py`` runs on the same split and seeds.

    python scripts/geosel26/compare_arms.py /tmp/geosel26/A_val.json /tmp/geosel26/S_val.json

Prints (markdown) each run's seed-mean selector MAE, kNN, and the paired bootstrap 95 % CI of
S - A over trips (seed-averaged per-trip ADE). Writes nothing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from trajlm.eval.compare import paired_bootstrap_ci


def compare(a_doc: dict, s_doc: dict, split: str) -> str:
    a, s = a_doc["per_trip"][split], s_doc["per_trip"][split]
    if not np.allclose(a["knn"], s["knn"]):
        raise SystemExit(f"{split}: the two runs' kNN per-trip errors differ (not the same split)")
    sel_a, sel_s, knn = (np.asarray(x) for x in (a["selector"], s["selector"], a["knn"]))
    fmt = lambda c: f"{c['diff']:+.2f} [{c['lo']:+.2f}, {c['hi']:+.2f}] ({100 * c['rel']:+.1f} %)"  # noqa: E731
    seeds = lambda d: [r for r in d["tables"][split] if r["method"] == "candidate selector"][0]  # noqa: E731
    lines = [f"_{split}, {len(knn)} trips; S - A and each vs kNN: paired bootstrap 95 % CI_", "",
             "| arm | MAE (m, seed mean) | ± std over seeds | Δ vs kNN | Δ vs A |", "|---|---|---|---|---|",
             f"| kNN continuation | {knn.mean():.1f} | | | |",
             f"| A selector | {sel_a.mean():.1f} | {seeds(a_doc)['mae_m_std']:.1f} | "
             f"{fmt(paired_bootstrap_ci(sel_a, knn))} | |",
             f"| S selector + scale head | {sel_s.mean():.1f} | {seeds(s_doc)['mae_m_std']:.1f} | "
             f"{fmt(paired_bootstrap_ci(sel_s, knn))} | {fmt(paired_bootstrap_ci(sel_s, sel_a))} |"]  # fmt: skip
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a", type=Path, help="candidate_results.py JSON without --scale-head")
    ap.add_argument("s", type=Path, help="candidate_results.py JSON with --scale-head")
    args = ap.parse_args(argv)
    a_doc, s_doc = (json.loads(p.read_text()) for p in (args.a, args.s))
    for split in a_doc["per_trip"]:
        print(compare(a_doc, s_doc, split))


if __name__ == "__main__":
    main()
