"""badin31: hostile calls on session 30's Python surfaces in one process: geo30's movement map
(`trajlm.data.move_map.MoveMap`), stork30's `aggregate="geomedian"` kNN, vessel30's dead
reckoning on moored ships (speed 0, course 360) and AIS values users get wrong (COG x10,
SOG 102.3, radians), and trajlm-small's `predict(at_times=...)` with times users get wrong.
Prints `NNN name | ok / user-error / EXC | summary` (scripts/badin_cases.py); classified by
hand (scripts/badin31/classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin31/surfaces.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases  # noqa: E402

import trajlm  # noqa: E402
from trajlm.data.move_map import MoveMap  # noqa: E402
from trajlm.eval.baselines import KNNContinuation  # noqa: E402
from trajlm.eval.dead_reckoning import DeadReckoning  # noqa: E402

say = Cases(got=260, warn=160, warn_total=260, flush=True)
line = np.c_[np.arange(0, 500, 10.0), np.zeros(50)]
tt = np.arange(50, dtype=float)
# ---- geo30's movement map
say("MoveMap fit a 500-m straight track, score along it", lambda: MoveMap().fit([(line, tt)], 60, 200).path_score(np.array([0.0, 0]), np.array([[10.0, 0], [20, 0]])))  # fmt: skip
say("MoveMap(cell_m=nan)", lambda: MoveMap(cell_m=float("nan")).fit([(line, tt)], 60, 200).keys_.size)  # fmt: skip
say("MoveMap(step_m=nan) fit", lambda: MoveMap(step_m=float("nan")).fit([(line, tt)], 60, 200).n_samples_)  # fmt: skip
say("MoveMap(cell_m=inf)", lambda: MoveMap(cell_m=float("inf")).fit([(line, tt)], 60, 200).keys_.size)  # fmt: skip
say("MoveMap(n_dirs=8.7)", lambda: MoveMap(n_dirs=8.7).n_dirs)
say("MoveMap(side=nan) score", lambda: MoveMap(side=float("nan")).fit([(line, tt)], 60, 200).point_score(np.array([[20.0, 0]]), np.array([[10.0, 0]])))  # fmt: skip
say("MoveMap fit with max_gap_s=nan (every pair dropped)", lambda: MoveMap().fit([(line, tt)], float("nan"), 200).n_samples_)  # fmt: skip
say("MoveMap fit a track in degrees (lat/lon, not metres)", lambda: MoveMap().fit([(np.c_[41.15 + tt * 1e-4, -8.61 + tt * 0], tt)], 60, 200).n_samples_)  # fmt: skip
say("MoveMap fit xy of shape (n,) (1-D)", lambda: MoveMap().fit([(np.arange(50.0), tt)], 60, 200).n_samples_)  # fmt: skip
say("MoveMap fit xy (50,2) with t of 49", lambda: MoveMap().fit([(line, tt[:-1])], 60, 200).n_samples_)  # fmt: skip
say("MoveMap fit t in ms (gaps 1000 > max_gap_s 60)", lambda: MoveMap().fit([(line, tt * 1000)], 60, 200).n_samples_)  # fmt: skip
say("MoveMap score a NaN point", lambda: MoveMap().fit([(line, tt)], 60, 200).point_score(np.array([[np.nan, 0]]), np.array([[10.0, 0]])))  # fmt: skip
say("MoveMap coverage before fit", lambda: MoveMap().coverage(np.array([[0.0, 0]])))
say("MoveMap fit xy 1e12 m (past the packed cell range)", lambda: MoveMap().fit([(line + 1e12, tt)], 60, 200).coverage(np.array([[1e12 + 100, 0.0]])))  # fmt: skip
# ---- stork30's geomedian kNN
T0 = 1772359200
rng = np.random.default_rng(0)
train = pl.DataFrame([{"traj_id": f"tr{i}", "t": T0 + 15 * k, "lat": 41.15 + 1e-4 * k * (1 + 0.1 * i), "lon": -8.61 + 1e-4 * i} for i in range(20) for k in range(30)])  # fmt: skip
query = pl.DataFrame([{"traj_id": "q", "t": T0 + 15 * k, "lat": 41.15 + 1e-4 * k, "lon": -8.61} for k in range(8)])  # fmt: skip


def knn(agg: str, q=query, **kw):
    return lambda: KNNContinuation(aggregate=agg, **kw).fit(train).predict(q, steps=3).select("lat", "lon").rows()[:2]  # fmt: skip


say("kNN geomedian (fine)", knn("geomedian"))
say("kNN aggregate='GeoMedian' (case)", knn("GeoMedian"))
say("kNN aggregate='geometric_median'", knn("geometric_median"))
say("kNN geomedian n_neighbors=1", knn("geomedian", n_neighbors=1))
say("kNN geomedian n_neighbors=10000 (past the windows)", knn("geomedian", n_neighbors=10000))
say("kNN geomedian on a standing query (8 identical fixes)", knn("geomedian", q=query.with_columns(lat=pl.lit(41.15))))  # fmt: skip
say("kNN geomedian query with a NaN lat", knn("geomedian", q=query.with_columns(lat=pl.when(pl.col("t") == T0 + 45).then(float("nan")).otherwise(pl.col("lat")))))  # fmt: skip
say("kNN geomedian aggregate=None", knn(None))
# ---- vessel30: dead reckoning on moored ships, AIS values users get wrong


def ship(sog, cog, n: int = 8, moving: bool = False):
    return pl.DataFrame({"mmsi": ["235071200"] * n, "t": [T0 + 60 * k for k in range(n)],
                         "lat": [53.87 + (1e-3 * k if moving else 0) for k in range(n)],
                         "lon": [6.72] * n, "sog_kn": sog if isinstance(sog, list) else [sog] * n,
                         "cog_deg": cog if isinstance(cog, list) else [cog] * n})  # fmt: skip


def dr(df):
    return lambda: DeadReckoning().predict(df, steps=2).select("lat", "lon").rows()


say("DR moored: sog 0, cog 360", dr(ship(0.0, 360.0)))
say("DR moored after under way: last report 0 kn / 360", dr(ship([10.0] * 7 + [0.0], [0.0] * 7 + [360.0], moving=True)))  # fmt: skip
say("DR sog 102.3 (AIS not available) on every row", dr(ship(102.3, 45.0)))
say("DR cog 3600 (AIS raw 0.1-degree units)", dr(ship(10.0, [900.0] * 8, moving=True)))
say("DR cog in radians (1.5708 = east) on a northbound ship", dr(ship(3.7, 0.0, moving=True).with_columns(cog_deg=pl.lit(1.5708))))  # fmt: skip
say("DR sog in m/s under 'sog_kn' (ship at 1.9 m/s said 1.9 kn)", dr(ship(1.85, 0.0, moving=True)))  # fmt: skip
say("DR sog negative -5", dr(ship(-5.0, 45.0, moving=True)))
say("DR cog NaN, sog 0.05 (drifting, no course)", dr(ship(0.05, float("nan"))))
say("DR sog 0.3 kn, cog 360 (slow, no course: not still)", dr(ship(0.3, 360.0)))
say("DR sog / cog text columns ('0,0' decimal comma)", dr(ship(0.0, 360.0).with_columns(sog_kn=pl.lit("0,0"), cog_deg=pl.lit("360"))))  # fmt: skip
# ---- trajlm-small: predict(at_times=...) with times users get wrong
lm = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
car = pl.DataFrame({"traj_id": ["a"] * 6, "t": [T0 + 15 * k for k in range(6)], "lat": [41.15] * 6, "lon": [-8.61 + 0.0015 * k for k in range(6)]})  # fmt: skip
last = T0 + 75


def at(times, df=car, **kw):
    return lambda: lm.predict(df, at_times=times, **kw).select("t", "lat", "lon").rows()[:3]


say("at_times 15 and 30 s after the last fix (fine)", at([last + 15, last + 30]))
say("at_times before the last fix", at([last - 30]))
say("at_times equal to the last fix", at([last]))
say("at_times in 2099", at([4070908800]))
say("at_times in ms (x1000)", at([(last + 15) * 1000]))
say("at_times NaN", at([float("nan")]))
say("at_times ISO without a zone", at(["2026-03-01 10:01:30"]))
say("at_times ISO with Z", at(["2026-03-01T10:01:30Z"]))
say("at_times unsorted [+60, +15]", at([last + 60, last + 15]))
say("at_times duplicated [+15, +15]", at([last + 15, last + 15]))
say("at_times an empty list", at([]))
say("at_times a dict for an id not in the data", at({"zz": [last + 15]}))
say("at_times and seconds_ahead together", at([last + 15], seconds_ahead=[15]))
say("at_times with steps", at([last + 15], steps=2))
say("at_times a string '1772359290' (one time, not a list)", at(str(last + 15)))
say("at_times bool True", at([True]))
say("latest=True with at_times", at([last + 15], latest=True))
say("history with a duplicated row", at([last + 15], df=pl.concat([car, car.tail(1)])))
say("history with a fix in the future (2099)", at([last + 15], df=car.with_columns(t=pl.when(pl.col("t") == last).then(4070908800).otherwise(pl.col("t")))))  # fmt: skip
say("history lat/lon swapped (lat -8.61, lon 41.15)", at([last + 15], df=car.rename({"lat": "lon", "lon": "lat"})))  # fmt: skip
