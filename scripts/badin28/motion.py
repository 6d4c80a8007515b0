"""badin28: hostile inputs on uncert28's motion-state circles (`TrajLM.predict(radii=)` on
histories that end stopped / starting / moving, the radii.json "motion" entry damaged) and the
standing attacks on asked times (seconds_ahead NaN / inf / negative / unsorted / duplicated /
huge, at_times tz-aware vs naive, ms vs s, before the last fix). Uses the shipped trajlm-small.
Prints `NNN name | status | summary`; classified by hand on first read (classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin28/motion.py [OUT_DIR]  (default /tmp/badin28/motion)
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases  # noqa: E402

import trajlm  # noqa: E402
from trajlm.model.weights import resolve_weights  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin28/motion")
shutil.rmtree(OUT, ignore_errors=True)
OUT.mkdir(parents=True)
M = 111_320.0


def _line(got):
    if isinstance(got, pd.DataFrame):
        got = pl.from_pandas(got)
    if isinstance(got, pl.DataFrame):
        cols = [c for c in got.columns if c in ("t", "std_m", "r50_m", "r90_m", "r95_m")]
        return f"rows={got.height} {cols} {[tuple(round(x, 1) if isinstance(x, float) else x for x in r) for r in got.select(cols).rows()[:3]]}"  # fmt: skip
    return got


say = Cases(got=360, warn=140, warn_total=300, error=260, where=90, describe=_line, flush=True)
lm = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)


def track(speeds: list[float], dt: float = 15.0, t0: float = 1.7e9) -> pl.DataFrame:
    """One history going north at each step's speed (m/s), a fix every dt seconds."""
    north = np.concatenate([[0.0], np.cumsum(np.asarray(speeds) * dt)])
    return pl.DataFrame({"traj_id": "v", "t": t0 + dt * np.arange(len(north)),
                         "lat": 41.15 + north / M, "lon": np.full(len(north), -8.61)})  # fmt: skip


moving, stopped = track([8.0] * 20), track([0.0] * 20)
starting = track([0.0] * 16 + [8.0] * 4)
say("moving, radii=True", lambda: lm.predict(moving, seconds_ahead=[60, 300], radii=True))
say("stopped, radii=True", lambda: lm.predict(stopped, seconds_ahead=[60, 300], radii=True))
say("starting, radii=True", lambda: lm.predict(starting, seconds_ahead=[60, 300], radii=True))
say("stopped 1-s mover, radii=[90]",
    lambda: lm.predict(track([0.0] * 60, dt=1.0), seconds_ahead=[60], radii=[90]))  # fmt: skip
jit = track([0.0] * 60, dt=1.0).with_columns(
    lat=pl.col("lat") + pl.Series(np.random.default_rng(0).normal(0, 3, 61)) / M
)
say("stopped 1-s mover with 3 m jitter", lambda: lm.predict(jit, seconds_ahead=[60], radii=[90]))
say("one-point history, radii", lambda: lm.predict(moving.head(1), seconds_ahead=[60], radii=True))
say("two-point history, radii", lambda: lm.predict(moving.head(2), seconds_ahead=[60], radii=True))
say("1000 m/s history (a jet), radii",
    lambda: lm.predict(track([1000.0] * 20), seconds_ahead=[60], radii=True))  # fmt: skip
for label, ahead in (
    ("NaN", [float("nan")]), ("inf", [float("inf")]), ("-60", [-60]), ("0", [0]),
    ("unsorted [300, 60]", [300, 60]), ("duplicated [60, 60]", [60, 60]),
    ("1e9 s", [1e9]), ("1e15 s", [1e15]), ("text '60'", ["60"]), ("empty []", []),
    ("bool True", [True]), ("numpy array", np.array([60.0, 120.0])),
):  # fmt: skip
    say(f"seconds_ahead {label}", lambda a=ahead: lm.predict(moving, seconds_ahead=a, radii=[90]))
last = float(moving["t"].max())
aware = moving.with_columns(t=pl.from_epoch((pl.col("t") * 1000).cast(pl.Int64), "ms")
                            .dt.replace_time_zone("UTC"))  # fmt: skip
naive = aware.with_columns(pl.col("t").dt.replace_time_zone(None))
ts = pd.Timestamp(last + 120, unit="s")
say("at_times naive on an aware history", lambda: lm.predict(aware, at_times=[ts], radii=[90]))
say("at_times aware on a naive history",
    lambda: lm.predict(naive, at_times=[ts.tz_localize("UTC")], radii=[90]))  # fmt: skip
say("at_times aware (Lisbon) on an aware UTC history",
    lambda: lm.predict(aware, at_times=[ts.tz_localize("UTC").tz_convert("Europe/Lisbon")],
                       radii=[90]))  # fmt: skip
say(
    "at_times in ms on a seconds history",
    lambda: lm.predict(moving, at_times=[(last + 120) * 1000]),
)
say("at_times before the last fix", lambda: lm.predict(moving, at_times=[last - 60]))
say("at_times NaN", lambda: lm.predict(moving, at_times=[float("nan")]))
say("at_times unsorted and repeated",
    lambda: lm.predict(moving, at_times=[last + 300, last + 60, last + 60], radii=[90]))  # fmt: skip
say("at_times text date", lambda: lm.predict(aware, at_times=["2023-11-14 22:20:00+00:00"]))
two = pl.concat([moving, stopped.with_columns(traj_id=pl.lit("w"))])
say(
    "two histories (moving, stopped), radii",
    lambda: lm.predict(two, seconds_ahead=[60], radii=[90]),
)
mixed = two.to_pandas()
mixed["traj_id"] = [7 if x == "v" else "w" for x in mixed["traj_id"]]
say("ids of mixed types", lambda: lm.predict(mixed, seconds_ahead=[60], radii=[90]))
say("empty frame", lambda: lm.predict(moving.head(0), seconds_ahead=[60], radii=[90]))

# ---- a damaged radii.json "motion" entry --------------------------------------------------
src = resolve_weights("trajlm-small", log=False)
good = json.loads((src / "radii.json").read_text())


def damaged(name: str, edit) -> None:
    d = OUT / f"ck_{len(name)}_{abs(hash(name)) % 10**6}"
    shutil.copytree(src, d)
    doc = json.loads(json.dumps(good))
    edit(doc)
    (d / "radii.json").write_text(json.dumps(doc))
    say(f"radii.json motion: {name}",
        lambda: trajlm.TrajLM.from_pretrained(d, threads=1).predict(
            stopped, seconds_ahead=[60, 300], radii=[50, 90, 95]))  # fmt: skip


damaged("multiplier 1e300", lambda d: d["motion"]["states"]["stopped"].update({"90": 1e300}))
damaged(
    "multiplier 1e-9 (shrinks)", lambda d: d["motion"]["states"]["stopped"].update({"90": 1e-9})
)
damaged("multiplier 0", lambda d: d["motion"]["states"]["stopped"].update({"90": 0}))
damaged("multiplier true", lambda d: d["motion"]["states"]["stopped"].update({"90": True}))
damaged("level key 'abc'", lambda d: d["motion"]["states"]["stopped"].update({"abc": 1.0}))
damaged("level 95 missing", lambda d: d["motion"]["states"]["stopped"].pop("95"))
damaged(
    "state 'parked'", lambda d: d["motion"]["states"].update(parked={"50": 1, "90": 1, "95": 1})
)
damaged("motion a list", lambda d: d.update(motion=[1, 2]))
damaged("motion null", lambda d: d.update(motion=None))
damaged("motion {} (empty)", lambda d: d.update(motion={}))
damaged("an extra key 'slow_states'", lambda d: d["motion"].update(slow_states={}))
damaged("fast_states a number", lambda d: d["motion"].update(fast_states=3))
damaged(
    "multiplier as text '1.5'", lambda d: d["motion"]["states"]["stopped"].update({"90": "1.5"})
)
damaged("stopped 90 above its 95 (circles cross)",
        lambda d: d["motion"]["states"]["stopped"].update({"90": 50.0}))  # fmt: skip
damaged("stopped 90 = 5 (within the span; circles cross)",
        lambda d: d["motion"]["states"]["stopped"].update({"90": 5.0}))  # fmt: skip
damaged("fast stopped 95 = 0.5 (circles cross)",
        lambda d: d["motion"]["fast_states"]["stopped"].update({"95": 0.5}))  # fmt: skip
