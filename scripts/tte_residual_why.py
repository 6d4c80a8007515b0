"""Where the travel-time residual moves gradient boosting (docs/travel-time.md, "What the
residual does to GB"): on --split (val), seed 0, per tercile of GB's prediction the mean log
correction of the features-only head and of the head reading --run's model; per tercile of the
true duration the median log(prediction / truth) of GB and of the model alone; on train, the
median and mean of the out-of-fold log residual log(truth / GB), GB's MAPE in-sample vs out of
fold, and the model's MAPE on train vs --split (is it overfit on the rows the head trains on?).

    python scripts/tte_residual_why.py --data /tmp/stores/porto --run out/tte/runs/porto-s0
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tte_residual import load_model  # noqa: E402

from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval import baselines as B  # noqa: E402
from trajlm.eval.protocol import make_tte_task, split_tables  # noqa: E402
from trajlm.eval.tte_residual import ResidualTTE, fold_ids, out_of_fold  # noqa: E402


def mape(pred: np.ndarray, y: np.ndarray) -> float:
    return float(100 * np.mean(np.abs(pred - y) / y))


def terciles(x: np.ndarray) -> np.ndarray:
    return np.digitize(x, np.quantile(x, [1 / 3, 2 / 3]))


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--run", required=True, help="an od model run (configs/tte_od.toml)")
    ap.add_argument("--split", choices=("val", "test"), default="val")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    parts = split_tables(read_store(args.data))
    train, target = make_tte_task(parts["train"]), make_tte_task(parts[args.split])
    y = target["duration_s"].to_numpy().astype(np.float64)
    model = load_model(args.run)
    out: dict = {}
    for name, est in (("features l1 mlp16", ResidualTTE(random_state=0)),
                      ("model l1 linear", ResidualTTE(model=model, hidden=0, random_state=0))):  # fmt: skip
        base, corr = est.fit(train).predict_parts(target)
        g = terciles(base)
        out[f"mean log correction by GB tercile, {name}"] = [
            float(corr[g == i].mean()) for i in range(3)
        ]
    g = terciles(y)
    for name, pred in (("GB", base), ("model", model.travel_time(target))):
        r = np.log(pred / y)
        out[f"median log(pred/truth) by truth tercile, {name}"] = [
            float(np.median(r[g == i])) for i in range(3)
        ]
    yt = train["duration_s"].to_numpy().astype(np.float64)
    oof = out_of_fold(B.GradientBoostingTTE(), train, fold_ids(len(train), 5, 0))
    res = np.log(yt / oof)
    out["train out-of-fold log residual median, mean"] = [float(np.median(res)), float(res.mean())]
    gb_in = B.GradientBoostingTTE().fit(train).predict(train)
    out["train GB MAPE % in-sample, out-of-fold"] = [mape(gb_in, yt), mape(oof, yt)]
    out[f"model MAPE % train, {args.split}"] = [mape(model.travel_time(train), yt),
                                                 mape(model.travel_time(target), y)]  # fmt: skip
    print(json.dumps(out, indent=1))
    return out


if __name__ == "__main__":
    main()
