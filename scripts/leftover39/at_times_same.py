"""at_times / seconds_ahead with and without giving up on rides that cannot reach the asked
time (trajlm/api_rollout.py GIVE_UP_PACE): seconds taken and whether every answer is identical.

    PYTHONPATH=$PWD python scripts/newuser38/gen.py --out $LEFTOVER39/raw
    PYTHONPATH=$PWD python scripts/leftover39/at_times_same.py    # LEFTOVER39 default /tmp/leftover39

newuser38's notebook asks: at_times=[now + 30 s, now + 2 min] of every ride (most ended hours
before `now`), seconds_ahead=[10, 30, 60]; plus a fixed mix of reachable horizons per ride
(+60 s .. +3 h). Writes $LEFTOVER39/at_times_same.json."""

from __future__ import annotations

import json
import os
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import trajlm
import trajlm.api_rollout as rollout

COLS = {"traj_col": "ride", "time_col": "recorded_at", "lat_col": "lat_deg", "lon_col": "lon_deg"}


def _run(model, df, pace, **ask) -> tuple[pd.DataFrame, float, list[str]]:
    rollout.GIVE_UP_PACE = pace
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        start = time.perf_counter()
        out = model.predict(df, **ask, **COLS)
    return out, time.perf_counter() - start, [str(w.message)[:300] for w in said]


def main() -> None:
    root = Path(os.environ.get("LEFTOVER39", "/tmp/leftover39"))
    raw = pd.read_parquet(root / "raw" / "ushuaia.parquet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        df = trajlm.clean(raw, return_report=False, **COLS)
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    now = df["recorded_at"].max()
    rng = np.random.default_rng(39)
    mix = {r: sorted(rng.choice([60, 300, 900, 1800, 3600, 10800], 3, replace=False).tolist())
           for r in df["ride"].unique()}  # fmt: skip
    asks = {
        "notebook at_times": {"at_times": [now + pd.Timedelta("30s"), now + pd.Timedelta("2min")]},
        "seconds_ahead 10/30/60": {"seconds_ahead": [10, 30, 60]},
        "per-ride mix 60 s - 3 h": {"seconds_ahead": mix},
    }
    rows = {}
    for name, ask in asks.items():
        old, t_old, w_old = _run(model, df, None, **ask)
        new, t_new, w_new = _run(model, df, rollout.GIVE_UP_PACE_DEFAULT, **ask)
        same = old.equals(new)
        rows[name] = {"asks": len(old), "nan_before": int(old["lat_deg"].isna().sum()),
                      "nan_after": int(new["lat_deg"].isna().sum()), "identical": bool(same),
                      "s_before": round(t_old, 1), "s_after": round(t_new, 1),
                      "warnings_after": w_new}  # fmt: skip
        print(name, {k: v for k, v in rows[name].items() if k != "warnings_after"}, flush=True)
    (root / "at_times_same.json").write_text(json.dumps(rows, indent=2, default=str))


if __name__ == "__main__":
    main()
