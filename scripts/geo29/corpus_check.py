"""Session 29 (geo29): is corpus size a lever for the selector? Paired CI of two
candidate_results.py runs' selectors (3-seed mean per-trip errors) on the same trips.

    C="--data /tmp/stores/geolife --seeds 0,1,2 --w-place 0.03 --w-heading 300 --n-place 40 \
       --local 1.0,300,10 --max-val-windows 3000 --time-cond --per-step --stage val"
    PYTHONPATH=. python scripts/candidate_results.py $C --max-train-windows 30000 \
        --cache $GEO29/cand --out $GEO29/A30_val.json          # 40 min at load 12-21, 1 thread
    PYTHONPATH=. python scripts/geo29/corpus_check.py /tmp/geogate28/A_val.json $GEO29/A30_val.json

(A_val.json: geogate28's 10,000-window run, its command in docs/candidates.md "Session 28".)
Prints the all-trip MAE of each and the Δ (second − first) with the paired bootstrap 95 % CI.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "geostop26"))
from stop_head_arms import ci, fmt  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        raise SystemExit("usage: corpus_check.py FIRST.json SECOND.json (candidate_results --out)")
    runs = [json.loads(Path(p).read_text()) for p in argv]
    stage = runs[0]["stage"]
    trips = [r["per_trip"][stage] for r in runs]
    if runs[1]["stage"] != stage or trips[0]["knn"] != trips[1]["knn"]:
        raise SystemExit("the two runs did not answer the same trips (stage or kNN errors differ)")
    a, b = (np.asarray(t["selector"]) for t in trips)
    print(f"{stage}, {len(a)} trips: {argv[0]} {a.mean():.1f} m; {argv[1]} {b.mean():.1f} m; "
          f"Δ {fmt(ci(b - a))}")  # fmt: skip


if __name__ == "__main__":
    main()
