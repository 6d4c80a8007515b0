"""Session 28 (newuser28): do the travel-time regressors lose anything when hour / weekday are
read on the data's own clock instead of UTC? Val only (the test split is not read).

For each store: linear regression and gradient boosting (random_state 0, 1, 2) fitted on the
train split's O-D table, scored on val (MAE, minutes), with ``tz=None`` (UTC, as before) and
``tz=ZONE``; the paired bootstrap 95 % CI (2,000 resamples of val trips) of local - UTC on the
per-trip absolute error, GB averaged over the three seeds.

Command: PYTHONPATH=. python scripts/newuser28/tte_local_clock.py STORE=ZONE [STORE=ZONE ...]
  e.g. /tmp/stores/geolife=Asia/Shanghai /tmp/stores/porto=Europe/Lisbon
       /tmp/newuser28/st_survey_tz=America/Chicago
Output: a table on stdout and $NEWUSER28_OUT/tte_local_clock.json (default /tmp/newuser28).
"""

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from trajlm.data.store import read_store
from trajlm.eval.protocol import make_tte_task
from trajlm.eval.tte_baselines import GradientBoostingTTE, LinearRegressionTTE

OUT = Path(os.environ.get("NEWUSER28_OUT", "/tmp/newuser28"))


def paired_ci(a: np.ndarray, b: np.ndarray, n: int = 2000, seed: int = 0) -> tuple[float, float]:
    """95 % CI of mean(a - b) over resampled rows (minutes)."""
    d = (a - b) / 60.0
    idx = np.random.default_rng(seed).integers(0, len(d), (n, len(d)))
    means = d[idx].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def main(pairs: list[str]) -> None:
    rows = []
    for pair in pairs:
        store, zone = pair.split("=", 1)
        t0 = time.time()
        df = read_store(store)
        train = make_tte_task(df.filter(df["split"] == "train"))
        val = make_tte_task(df.filter(df["split"] == "val"))
        y = val["duration_s"].to_numpy().astype(float)
        for name, make in (
            ("linear regression", lambda tz, s: LinearRegressionTTE(tz=tz)),
            ("gradient boosting", lambda tz, s: GradientBoostingTTE(random_state=s, tz=tz)),
        ):
            seeds = (0,) if name == "linear regression" else (0, 1, 2)
            err = {}
            for tz in (None, zone):
                per = [np.abs(make(tz, s).fit(train).predict(val) - y) for s in seeds]
                err[tz] = np.mean(per, axis=0)
            lo, hi = paired_ci(err[zone], err[None])
            row = {
                "store": store,
                "zone": zone,
                "method": name,
                "n_train": len(train),
                "n_val": len(val),
                "seeds": list(seeds),
                "val_mae_min_utc": float(err[None].mean() / 60),
                "val_mae_min_local": float(err[zone].mean() / 60),
                "diff_min": float((err[zone] - err[None]).mean() / 60),
                "ci95": [lo, hi],
            }
            rows.append(row)
            print(
                f"{Path(store).name:14s} {zone:16s} {name:18s} n_val={len(val):5d} "
                f"UTC {row['val_mae_min_utc']:.3f}  local {row['val_mae_min_local']:.3f}  "
                f"diff {row['diff_min']:+.3f} min [{lo:+.3f}, {hi:+.3f}]",
                flush=True,
            )
        print(f"  ({time.time() - t0:.0f} s)", flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "tte_local_clock.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
