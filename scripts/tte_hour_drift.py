"""Why the session-7 travel-time choice lost on Porto test (docs/travel-time.md): the hour.

The splits are chronological; on the Porto slice train covers 0-8 h UTC, val 7-8 h and test
8-9 h. Per split this prints the trips, their hours, the mean duration, and what the chosen
linear head (``residual+model mae+log0 linear +query``, one seed) adds to log time through its
two hour inputs alone (weights times standardized sin/cos hour): a linear head extrapolates the
hour beyond the hours train saw, gradient boosting's trees do not.

    python scripts/tte_hour_drift.py --data /tmp/stores/porto --run RUN-s0
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval.protocol import make_tte_task, split_tables  # noqa: E402
from trajlm.eval.tte_residual import ResidualTTE  # noqa: E402


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="store (trajlm data ingest)")
    ap.add_argument("--run", default="", help="a trained od run (configs/tte_od.toml); none: "
                    "the head without the model")  # fmt: skip
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    model = None
    if args.run:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from tte_residual import load_model

        model = load_model(args.run)
    parts = split_tables(read_store(args.data))
    od = {s: make_tte_task(parts[s]) for s in ("train", "val", "test")}
    est = ResidualTTE(model=model, hidden=0, loss="mae+log", log_weight=0.0,
                      query_features=True, random_state=args.seed).fit(od["train"])  # fmt: skip
    names = est.feature_names()
    mu, sd, head = est.bags_[0]
    w = head.out.weight.detach().double().numpy()[0]
    hour = [names.index("sin hour"), names.index("cos hour")]
    out = {}
    print("| split | trips | hours (UTC) | mean duration (min) | hour terms, mean log correction |")
    print("|---|---|---|---|---|")
    for s, t in od.items():
        base = est.base_.predict(t)
        z = (est._features(t, base) - mu) / sd
        c_hour = z[:, hour] @ w[hour]
        h = t["hour"].to_numpy()
        out[s] = {"n": len(t), "hour_min": int(h.min()), "hour_max": int(h.max()),
                  "duration_min": float(t["duration_s"].mean() / 60),
                  "hour_correction": float(c_hour.mean())}  # fmt: skip
        r = out[s]
        print(f"| {s} | {r['n']} | {r['hour_min']}-{r['hour_max'] + 1} h | "
              f"{r['duration_min']:.2f} | {r['hour_correction']:+.3f} |")  # fmt: skip
    return out


if __name__ == "__main__":
    main()
