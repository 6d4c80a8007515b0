"""badin29: hostile inputs on api29's Python surfaces: `TrajLM.evaluate(horizon_s=,
at_report_times=, shift=)` (the CLI's asked-times options as keywords, refusals in keyword
names), `trajlm.clean(return_report=)`, and the standing attacks on evaluate's data (ids of
mixed types, one-point / empty frames, times in ms, tz-aware). Uses the shipped trajlm-small
on a 16-trip synthetic city (tests/test_api29.py's store). Prints `NNN name | status | summary`;
classified by hand on first read (scripts/badin29/classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin29/api.py [OUT_DIR]   (default /tmp/badin29/api)
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases  # noqa: E402

import trajlm  # noqa: E402
from trajlm.api_fit import frame_store  # noqa: E402
from trajlm.data.synthetic import generate_city  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin29/api")
shutil.rmtree(OUT, ignore_errors=True)
OUT.mkdir(parents=True)


def _line(got):
    if isinstance(got, pd.DataFrame):
        cols = [c for c in ("method", "horizon_s", "shift", "mae_m", "n") if c in got.columns]
        return (
            f"rows={len(got)} cols={list(got.columns)[:8]} head={got[cols].head(4).values.tolist()}"
        )
    if isinstance(got, tuple):
        return f"tuple of {len(got)}: {[type(x).__name__ for x in got]}"
    return got


say = Cases(got=420, warn=160, warn_total=400, error=300, where=100, describe=_line, flush=True)
lm = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
city = generate_city(n_trajectories=16, seed=5).points.drop("label")
store = OUT / "store"
frame_store(city, store, {})
ev = lm.evaluate

# ---- horizon_s: refusals that should come before any scoring
say("horizon_s=nan", lambda: ev(store, horizon_s=float("nan")))
say("horizon_s=inf", lambda: ev(store, horizon_s=float("inf")))
say("horizon_s=-60", lambda: ev(store, horizon_s=-60))
say("horizon_s=[] (empty list)", lambda: ev(store, horizon_s=[]))
say("horizon_s=[60, nan]", lambda: ev(store, horizon_s=[60, float("nan")]))
say("horizon_s='abc'", lambda: ev(store, horizon_s="abc"))
say("horizon_s='' (empty text)", lambda: ev(store, horizon_s=""))
say("horizon_s=np.array([60, 300])", lambda: ev(store, horizon_s=np.array([60, 300])))
say("horizon_s=[np.int64(60)]", lambda: ev(store, horizon_s=[np.int64(60)]))
say("horizon_s=np.float64(60)", lambda: ev(store, horizon_s=np.float64(60)))
say("horizon_s=(60,) tuple", lambda: ev(store, horizon_s=(60,)))
say("horizon_s={60: 1} (mapping)", lambda: ev(store, horizon_s={60: 1}))
say("horizon_s=1e-9", lambda: ev(store, horizon_s=1e-9))
say("horizon_s=0.4 (under a second, ':g' text)", lambda: ev(store, horizon_s=0.4))
say("horizon_s=1234567.0 (':g' rounds to 1.23457e+06)", lambda: ev(store, horizon_s=1234567.0))
say("horizon_s with split='val', task='tte'", lambda: ev(store, task="tte", horizon_s=60))
say("at_report_times=np.True_", lambda: ev(store, at_report_times=np.True_))
say("at_report_times=1", lambda: ev(store, at_report_times=1))
say("at_report_times=None", lambda: ev(store, at_report_times=None))
say("at_report_times=True, task='recover'", lambda: ev(store, task="recover", at_report_times=True))
say("shift='' (empty)", lambda: ev(store, shift=""))
say("shift=[] (empty list)", lambda: ev(store, shift=[]))
say("shift=['clock=+4h', 4]", lambda: ev(store, shift=["clock=+4h", 4]))
say("shift='clock=+nanh'", lambda: ev(store, shift="clock=+nanh"))
say("shift='clock=+1e9h'", lambda: ev(store, shift="clock=+1e9h"))
say("shift='clock=+infh'", lambda: ev(store, shift="clock=+infh"))
say("shift='weekday=+100000000'", lambda: ev(store, shift="weekday=+100000000"))
say(
    "shift='clock=+4h,weekday=+1' (two in one text)",
    lambda: ev(store, shift="clock=+4h,weekday=+1"),
)
say("shift=('clock=+4h',) tuple, task='tte'", lambda: ev(store, task="tte", shift=("clock=+4h",)))
say("shift=b'clock=+4h' (bytes)", lambda: ev(store, shift=b"clock=+4h"))
say("horizon_s='--task' (option text in a value)", lambda: ev(store, horizon_s="--task"))
# ---- evaluations that run (slow: a few)
say("horizon_s=[60, 60] (repeated)", lambda: ev(store, horizon_s=[60, 60]))
say("horizon_s=1e7 (115 days ahead)", lambda: ev(store, horizon_s=1e7))
say(
    "shift=['clock=+4h', 'clock=+4h'] (repeated)",
    lambda: ev(store, shift=["clock=+4h", "clock=+4h"]),
)
# ---- evaluate on frames with standing problems
mixed = city.with_columns(pl.col("traj_id").cast(pl.Utf8)).to_pandas()
mixed["traj_id"] = [int(x[-3:]) if int(x[-3:]) % 2 else x for x in mixed["traj_id"]]
say("data: pandas ids of mixed int / str", lambda: ev(mixed, horizon_s=60))
say("data: one-point frame", lambda: ev(city.head(1), horizon_s=60))
say("data: empty frame", lambda: ev(city.head(0), horizon_s=60))
ms = city.with_columns(pl.col("t") * 1000)
say("data: times in ms", lambda: ev(ms, horizon_s=60))
# ---- trajlm.clean(return_report=)
raw = city.head(300).to_pandas()
say("clean return_report='False' (text)", lambda: trajlm.clean(raw, return_report="False"))
say("clean return_report=0", lambda: trajlm.clean(raw, return_report=0))
say("clean return_report=np.False_", lambda: trajlm.clean(raw, return_report=np.False_))
say("clean return_report=False, pandas", lambda: type(trajlm.clean(raw, return_report=False)).__name__
    + str(sorted(trajlm.clean(raw, return_report=False).attrs)))  # fmt: skip


def input_attrs_untouched():
    df = raw.copy()
    df.attrs["mine"] = 1
    trajlm.clean(df, return_report=False)
    return f"input attrs after: {sorted(df.attrs)}"


say("clean return_report=False leaves the input's attrs", input_attrs_untouched)
say("clean return_report=False, polars (no attrs: report lost?)",
    lambda: type(trajlm.clean(pl.from_pandas(raw), return_report=False)).__name__)  # fmt: skip
say(
    "clean return_report=False, empty pandas",
    lambda: trajlm.clean(raw.head(0), return_report=False),
)
say("clean return_report=False, config as 2nd positional + report kw",
    lambda: trajlm.clean(raw, None, return_report=False).shape)  # fmt: skip
