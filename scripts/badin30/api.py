"""badin30: hostile inputs on session 30's Python surfaces of trajlm-small: uncert30's
short-history radii (1-5 fix histories, 1-2 s movers, hand-edited radii.json `short` and
recover_radii.json position bins), newuser30's dead reckoning past the rollout, and the standing
attacks (asked times NaN / inf / unsorted / tz-aware vs naive, ids of mixed types, empty and
one-point trajectories, huge horizons, damaged run folders). Prints `NNN name | status |
summary`; classified by hand on first read (scripts/badin30/classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin30/api.py [OUT_DIR]   (default /tmp/badin30/api)
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases  # noqa: E402

import trajlm  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin30/api")
shutil.rmtree(OUT, ignore_errors=True)
OUT.mkdir(parents=True)


def _line(got):
    if isinstance(got, pd.DataFrame):
        cols = [c for c in got.columns if c in ("traj_id", "t", "lat", "lon", "std_m", "r50_m",
                                                 "r90_m", "engine", "piece")]  # fmt: skip
        return f"rows={len(got)} cols={list(got.columns)[:10]} head={got[cols].head(3).values.tolist()}"
    return got


say = Cases(got=420, warn=160, warn_total=420, error=300, where=100, describe=_line, flush=True)
lm = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
T0 = pd.Timestamp("2026-03-02 08:00:00")


def track(n: int, dt: float = 15.0, v: float = 8.0, tid="a", t0=T0) -> pd.DataFrame:
    """n fixes eastward at v m/s, dt s apart, in Porto."""
    k = np.arange(n)
    return pd.DataFrame({"traj_id": tid, "time": t0 + pd.to_timedelta(k * dt, unit="s"),
                         "lat": 41.15 + 0 * k, "lon": -8.61 + k * dt * v / 83_900.0})  # fmt: skip


P = lm.predict
# ---- uncert30: short-history radii
say("1 fix, radii=True", lambda: P(track(1), steps=2, radii=True))
say("2 fixes, radii=True", lambda: P(track(2), steps=2, radii=True))
say("3 fixes 1 s apart, radii=(90,)", lambda: P(track(3, dt=1.0), steps=2, radii=(90,)))
say("3 fixes at one time (dt=0)", lambda: P(track(3, dt=0.0), steps=2, radii=True))
say("2 fixes 1 ms apart", lambda: P(track(2, dt=0.001), steps=2, radii=True))
say("5 fixes, a stopped mover (v=0)", lambda: P(track(5, v=0.0), steps=2, radii=True))
say("6 fixes vs 5 fixes r90 (short edge)", lambda: (
    P(track(5), steps=1, radii=(90,))["r90_m"].iloc[0], P(track(6), steps=1, radii=(90,))["r90_m"].iloc[0]))  # fmt: skip
say("3 fixes, radii=(0,)", lambda: P(track(3), steps=1, radii=(0,)))
say("3 fixes, radii=(100,)", lambda: P(track(3), steps=1, radii=(100,)))
say("3 fixes, radii=(float('nan'),)", lambda: P(track(3), steps=1, radii=(float("nan"),)))
say("3 fixes, radii=(50, 50)", lambda: P(track(3), steps=1, radii=(50, 50)))
say("3 fixes, radii='90'", lambda: P(track(3), steps=1, radii="90"))
say("3 fixes, radii=(np.int64(90),)", lambda: P(track(3), steps=1, radii=(np.int64(90),)))
say("3 fixes, radii=(99,) (no fitted level)", lambda: P(track(3), steps=1, radii=(99,)))
say("mixed lengths 1 / 3 / 30 fixes radii", lambda: P(pd.concat([track(1, tid="p"), track(3, tid="q"), track(30, tid="r")]), steps=1, radii=(90,)))  # fmt: skip
# ---- asked times
h = track(12)
end = h["time"].iloc[-1]
say("at_times NaT", lambda: P(h, at_times=[pd.NaT]))
say("at_times [nan] floats", lambda: P(h, at_times=[float("nan")]))
say("at_times [inf]", lambda: P(h, at_times=[float("inf")]))
say("at_times unsorted", lambda: P(h, at_times=[end + pd.Timedelta("60s"), end + pd.Timedelta("30s")]))  # fmt: skip
say("at_times tz-aware, history naive", lambda: P(h, at_times=[(end + pd.Timedelta("30s")).tz_localize("UTC")]))  # fmt: skip
hz = h.assign(time=h["time"].dt.tz_localize("Europe/Lisbon"))
say("at_times naive, history tz-aware", lambda: P(hz, at_times=[end + pd.Timedelta("30s")]))
say("at_times before the history's end", lambda: P(h, at_times=[h["time"].iloc[0]]))
say("at_times = the last fix's time", lambda: P(h, at_times=[end]))
say("at_times as text '2026-03-02 08:03:30'", lambda: P(h, at_times=["2026-03-02 08:03:30"]))
say("at_times as text 'tomorrow'", lambda: P(h, at_times=["tomorrow"]))
say("at_times 10 years ahead", lambda: P(h, at_times=[end + pd.Timedelta(days=3650)]))
say("seconds_ahead=1e12", lambda: P(h, seconds_ahead=1e12))
say("seconds_ahead=-30", lambda: P(h, seconds_ahead=-30))
say("seconds_ahead=[30, nan]", lambda: P(h, seconds_ahead=[30, float("nan")]))
say("seconds_ahead=[60, 30] (unsorted)", lambda: P(h, seconds_ahead=[60, 30]))
say("seconds_ahead=3600 (past the rollout: dead reckoning said?)", lambda: P(h, seconds_ahead=3600))  # fmt: skip
say("seconds_ahead and at_times both", lambda: P(h, seconds_ahead=30, at_times=[end]))
say("steps=10**6", lambda: P(h, steps=10**6))
say("steps=0", lambda: P(h, steps=0))
say("steps=2.5", lambda: P(h, steps=2.5))
say("steps=True", lambda: P(h, steps=True))
say("steps=np.int64(3)", lambda: P(h, steps=np.int64(3)))
say("steps=3 and seconds_ahead=30", lambda: P(h, steps=3, seconds_ahead=30))
# ---- ids, empty, one point
mixed = pd.concat([track(6, tid="1"), track(6, tid="x")]).astype({"traj_id": object})
mixed.loc[mixed["traj_id"] == "1", "traj_id"] = 1
say("ids mixed int 1 and str 'x'", lambda: P(mixed, steps=1))
mixed2 = pd.concat([track(6, tid="1"), track(6, tid="1b", t0=T0 + pd.Timedelta("1h"))]).astype({"traj_id": object})  # fmt: skip
mixed2.loc[mixed2["traj_id"] == "1", "traj_id"] = 1
mixed2.loc[mixed2["traj_id"] == "1b", "traj_id"] = "1"
say("ids 1 (int) and '1' (str): two trips or one?", lambda: P(mixed2, steps=1))
say("ids with None", lambda: P(track(6).assign(traj_id=[None, "a", "a", "a", "a", "a"]), steps=1))
say("empty frame with columns", lambda: P(track(0), steps=1))
say("one-point frame, latest=True", lambda: P(track(1), steps=1, latest=True))
say("NaN lat in the last fix", lambda: P(h.assign(lat=[*h["lat"].iloc[:-1], np.nan]), steps=1))
say("inf lon in a fix", lambda: P(h.assign(lon=[np.inf, *h["lon"].iloc[1:]]), steps=1))
say("history unsorted in time", lambda: P(h.iloc[::-1], steps=1))
say("times in ms integers", lambda: P(h.assign(time=h["time"].astype("int64") // 10**6), steps=1))
say("recover on 3 fixes with a gap row, radii", lambda: lm.recover(pd.concat([track(3), pd.DataFrame({"traj_id": ["a"], "time": [T0 + pd.Timedelta("15s")], "lat": [np.nan], "lon": [np.nan]})]).sort_values("time"), radii=(50, 90)))  # fmt: skip
say("recover: all positions empty", lambda: lm.recover(track(4).assign(lat=np.nan, lon=np.nan), radii=True))  # fmt: skip
# ---- damaged run folders (copies of trajlm-small)
src = Path(trajlm.__file__).parent / "checkpoints" / "trajlm-small"


def damaged(name: str, edit) -> Path:
    d = OUT / name
    shutil.copytree(src, d)
    edit(d)
    return d


def _short(d: Path, short) -> None:
    j = json.loads((d / "radii.json").read_text())
    j["short"] = short
    (d / "radii.json").write_text(json.dumps(j))


def load(d: Path):
    return trajlm.TrajLM.from_pretrained(d, threads=1).predict(track(3), steps=1, radii=True)


say("radii.json short: a NaN multiplier", lambda: load(damaged("nan", lambda d: _short(d, {"fixes": {"3": {"50": float("nan"), "90": 1, "95": 1}}}))))  # fmt: skip
say("radii.json short: key 'abc'", lambda: load(damaged("abc", lambda d: _short(d, {"fixes": {"abc": {"50": 1, "90": 1, "95": 1}}}))))  # fmt: skip
say("radii.json short: a list", lambda: load(damaged("list", lambda d: _short(d, [1, 2]))))
say("radii.json short: null", lambda: load(damaged("null", lambda d: _short(d, None))))
say("radii.json short: fixes empty {}", lambda: load(damaged("empty", lambda d: _short(d, {"fixes": {}}))))  # fmt: skip
say("radii.json short: key '2.5'", lambda: load(damaged("frac", lambda d: _short(d, {"fixes": {"2.5": {"50": 1, "90": 1, "95": 1}}}))))  # fmt: skip
say("radii.json short: key '-3'", lambda: load(damaged("neg", lambda d: _short(d, {"fixes": {"-3": {"50": 1, "90": 1, "95": 1}}}))))  # fmt: skip
say("radii.json cut in half", lambda: load(damaged("cut", lambda d: (d / "radii.json").write_text((src / "radii.json").read_text()[:500]))))  # fmt: skip
say("radii.json empty file", lambda: load(damaged("zero", lambda d: (d / "radii.json").write_text(""))))  # fmt: skip


def _rec(d: Path, edit) -> None:
    j = json.loads((d / "recover_radii.json").read_text())
    edit(j)
    (d / "recover_radii.json").write_text(json.dumps(j))


def load_rec(d: Path):
    g = pd.concat([track(4), pd.DataFrame({"traj_id": ["a"], "time": [T0 + pd.Timedelta("20s")], "lat": [np.nan], "lon": [np.nan]})]).sort_values("time")  # fmt: skip
    return trajlm.TrajLM.from_pretrained(d, threads=1).recover(g, radii=(50, 90))


rec_keys = sorted(json.loads((src / "recover_radii.json").read_text()))
say("recover_radii.json keys (for the record)", lambda: rec_keys)
say("recover_radii.json position edges unsorted", lambda: load_rec(damaged("rpos", lambda d: _rec(d, lambda j: j.update({k: v[::-1] for k, v in j.items() if k == "position_edges"})))))  # fmt: skip
say("recover_radii.json position edges [nan]", lambda: load_rec(damaged("rposnan", lambda d: _rec(d, lambda j: j.update({k: [float("nan")] for k, v in j.items() if k == "position_edges"})))))  # fmt: skip
say("recover_radii.json cut", lambda: load_rec(damaged("rcut", lambda d: (d / "recover_radii.json").write_text("{"))))  # fmt: skip
say("config.json missing", lambda: load(damaged("nocfg", lambda d: (d / "config.json").unlink())))
say("weights cut to 1 kB", lambda: load(damaged("cutw", lambda d: (d / "model.safetensors").write_bytes((src / "model.safetensors").read_bytes()[:1024]))))  # fmt: skip
