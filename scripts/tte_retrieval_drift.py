"""Why retrieval features did not carry from val to test (docs/travel-time.md, session 8).

For train (leave-one-out features), val and test of STORE: trips, mean duration, and the median
log(prediction / truth) of gradient boosting, of GB + retrieval columns (``gb +ret``) and of the
retrieval columns themselves (the neighbours' median duration, the sub-trip estimate): a
positive value is a split whose trips are shorter than what was retrieved for them.

    python scripts/tte_retrieval_drift.py --data /tmp/stores/geolife
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval import baselines as B  # noqa: E402
from trajlm.eval.protocol import _split, make_tte_task  # noqa: E402
from trajlm.eval.tte_retrieval import GBExtraTTE, RetrievalFeatures  # noqa: E402


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--k", type=int, default=20)
    args = ap.parse_args(argv)
    parts = _split(read_store(args.data))
    rf = RetrievalFeatures(k=args.k).fit(parts["train"])
    od = make_tte_task(parts["train"])
    tables = {"train": rf.transform(od, exclude=od["traj_id"].to_numpy())}
    tables |= {s: rf.transform(make_tte_task(parts[s])) for s in ("val", "test")}
    gb = B.GradientBoostingTTE().fit(tables["train"])
    gbr = GBExtraTTE().fit(tables["train"])
    print("| split | trips | mean duration (min) | GB | gb +ret | neighbours' duration | "
          "sub-trip estimate | GB MAE | gb +ret MAE |\n|---|---|---|---|---|---|---|---|---|")  # fmt: skip
    rows = []
    for s, t in tables.items():
        y = t["duration_s"].to_numpy().astype(np.float64)
        p_gb, p_r = gb.predict(t), gbr.predict(t)
        r = {"split": s, "trips": len(t), "mean_min": y.mean() / 60,
             "gb": np.median(np.log(p_gb / y)), "gb_ret": np.median(np.log(p_r / y)),
             "nn": np.median(t["nn_log_dur"].to_numpy() - np.log(y)),
             "sub": np.median(t["sub_log_dur"].to_numpy() - np.log(y)),
             "gb_mae": np.abs(p_gb - y).mean() / 60, "ret_mae": np.abs(p_r - y).mean() / 60}  # fmt: skip
        rows.append(r)
        print(f"| {s} | {len(t)} | {r['mean_min']:.2f} | {r['gb']:+.3f} | {r['gb_ret']:+.3f} | "
              f"{r['nn']:+.3f} | {r['sub']:+.3f} | {r['gb_mae']:.2f} | {r['ret_mae']:.2f} |")  # fmt: skip
    return rows


if __name__ == "__main__":
    main()
