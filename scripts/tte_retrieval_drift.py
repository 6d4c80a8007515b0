"""Why retrieval features did not carry from val to test (docs/travel-time.md, session 8).

For train (leave-one-out features), val and test of STORE: trips, mean duration, and the median
log(prediction / truth) of gradient boosting, of GB + retrieval columns (``gb +ret``) and of the
retrieval columns themselves (the neighbours' median duration, the sub-trip estimate): a
positive value is a split whose trips are shorter than what was retrieved for them.

    python scripts/tte_retrieval_drift.py --data /tmp/stores/geolife [--run RUN-s0]

With ``--run`` (a trained od model), also session 8's chosen arm (``residual+model mae+log0
linear on gb+ret k20 +ret``, seed 0): its head's mean log correction over its base, and its
median log(prediction / truth).
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
from trajlm.eval.protocol import make_tte_task, split_tables  # noqa: E402
from trajlm.eval.tte_residual import ResidualTTE  # noqa: E402
from trajlm.eval.tte_retrieval import GBExtraTTE, RetrievalFeatures  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))  # scripts/tte_residual.py


def main(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--run", default="", help="an od model run: add the chosen arm (seed 0)")
    args = ap.parse_args(argv)
    parts = split_tables(read_store(args.data))
    rf = RetrievalFeatures(k=args.k).fit(parts["train"])
    od = make_tte_task(parts["train"])
    tables = {"train": rf.transform(od, exclude=od["traj_id"].to_numpy())}
    tables |= {s: rf.transform(make_tte_task(parts[s])) for s in ("val", "test")}
    gb = B.GradientBoostingTTE().fit(tables["train"])
    gbr = GBExtraTTE().fit(tables["train"])
    head = None
    if args.run:
        from tte_residual import load_model

        head = ResidualTTE(base=GBExtraTTE(), model=load_model(args.run), hidden=0,
                           loss="mae+log", log_weight=0.0, extra_features=rf.columns,
                           random_state=0).fit(tables["train"])  # fmt: skip
    print("| split | trips | mean duration (min) | GB | gb +ret | neighbours' duration | "
          "sub-trip estimate | GB MAE | gb +ret MAE | head: mean log correction | chosen |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|")  # fmt: skip
    rows = []
    for s, t in tables.items():
        y = t["duration_s"].to_numpy().astype(np.float64)
        p_gb, p_r = gb.predict(t), gbr.predict(t)
        r = {"split": s, "trips": len(t), "mean_min": y.mean() / 60,
             "gb": np.median(np.log(p_gb / y)), "gb_ret": np.median(np.log(p_r / y)),
             "nn": np.median(t["nn_log_dur"].to_numpy() - np.log(y)),
             "sub": np.median(t["sub_log_dur"].to_numpy() - np.log(y)),
             "gb_mae": np.abs(p_gb - y).mean() / 60, "ret_mae": np.abs(p_r - y).mean() / 60}  # fmt: skip
        extra = " – | – |"
        if head is not None:
            base, corr = head.predict_parts(t)
            r["head_corr"] = float(corr.mean())
            r["chosen"] = float(np.median(np.log(base * np.exp(corr) / y)))
            extra = f" {r['head_corr']:+.3f} | {r['chosen']:+.3f} |"
        rows.append(r)
        print(f"| {s} | {len(t)} | {r['mean_min']:.2f} | {r['gb']:+.3f} | {r['gb_ret']:+.3f} | "
              f"{r['nn']:+.3f} | {r['sub']:+.3f} | {r['gb_mae']:.2f} | {r['ret_mae']:.2f} |"
              + extra)  # fmt: skip
    return rows


if __name__ == "__main__":
    main()
