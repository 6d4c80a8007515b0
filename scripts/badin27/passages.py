"""badin27: hostile inputs on fitstore27's `trajlm.passages` (passage times between two places
from the user's fixes), on tests/test_passages27.py's fleet. One line per case; classified by
hand on first read (classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin27/passages.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases  # noqa: E402
from test_passages27 import MID, A, B, _fix  # noqa: E402

import trajlm  # noqa: E402


def _frame_line(got):
    if isinstance(got, pd.DataFrame):
        got = pl.from_pandas(got)
    if isinstance(got, pl.DataFrame):
        return f"rows={got.height} {got.head(3).rows()}"
    return got


say = Cases(
    got=360, warn=200, warn_total=400, error=260, where=100, describe=_frame_line, flush=True
)


v1 = [(0, A), (60, A), (120, MID), (600, A), (660, MID), (1800, MID), (2000, B), (2060, B),
      (2500, MID), (3000, A), (4000, MID), (4600, B)]  # fmt: skip
df = pd.DataFrame([_fix("v1", t, p) for t, p in v1]
                  + [_fix("v2", t, p) for t, p in ((0, B), (100, MID), (500, A))])  # fmt: skip
P = trajlm.passages
say("the test's fleet", lambda: P(df, A, B))
say("a as text '41.15,-8.61'", lambda: P(df, "41.15,-8.61", B))
say("a as a dict", lambda: P(df, {"lat": A[0], "lon": A[1]}, B))
say("a as (lat, lon, alt)", lambda: P(df, (*A, 10.0), B))
say("a as numpy array", lambda: P(df, np.array(A), B))
say("a and b swapped (b -> a)", lambda: P(df, B, A))
say("a given (lon, lat)", lambda: P(df, A[::-1], B))
say("a == b", lambda: P(df, A, A))
say("radius_m numpy int64", lambda: P(df, A, B, radius_m=np.int64(500)))
say("radius_m numpy float32", lambda: P(df, A, B, radius_m=np.float32(500)))
say("radius_m '500'", lambda: P(df, A, B, radius_m="500"))
say("radius_m 0", lambda: P(df, A, B, radius_m=0))
say("radius_m 1e-9", lambda: P(df, A, B, radius_m=1e-9))
say("empty frame", lambda: P(df.head(0), A, B))
say("one fix", lambda: P(df.head(1), A, B))
say("NaN latitude rows", lambda: P(df.assign(latitude=df.latitude.where(df.index % 3 != 0)), A, B))
say("repeated rows", lambda: P(pd.concat([df, df]), A, B))
say(
    "same time at a and b (a teleport)",
    lambda: P(pd.concat([df, pd.DataFrame([_fix("v1", 4600, A)])]), A, B),
)
say(
    "times as epoch seconds",
    lambda: P(df.assign(timestamp=df.timestamp.astype("int64") // 10**9), A, B),
)
say(
    "times as naive text",
    lambda: P(df.assign(timestamp=df.timestamp.dt.strftime("%Y-%m-%d %H:%M:%S")), A, B),
)
say(
    "times as naive text, tz=Europe/Lisbon",
    lambda: P(
        df.assign(timestamp=df.timestamp.dt.strftime("%Y-%m-%d %H:%M:%S")), A, B, tz="Europe/Lisbon"
    ),
)
say(
    "mixed id types",
    lambda: P(df.assign(vehicle_id=[1 if i % 2 else "v1" for i in range(len(df))]), A, B),
)
say("traj_col naming a missing column", lambda: P(df, A, B, traj_col="boat"))
say("a bogus keyword", lambda: P(df, A, B, radius=500))
say("polars frame", lambda: P(pl.from_pandas(df), A, B))
say("unsorted rows", lambda: P(df.sample(frac=1.0, random_state=0), A, B))
print("done", say.n)
