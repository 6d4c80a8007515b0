"""badin29: hostile questions on ask29's words (docs/llm.md "Session 29 (ask29)"): bibs, runners,
finish time, pace, 'Sunday night' as a night shift, kinds of vehicle by their ids' letters,
'how many minutes did the longest X take'. tests/test_ask29.py's race and grooming fleet (built
the same way here), truths with pandas where one exists. Prints `NNN question | status | answer
(truth)`; classified by hand on first read (classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin29/ask.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_helpers import haversine_m  # noqa: E402
from badin_cases import Cases  # noqa: E402

from trajlm.questions import Asker  # noqa: E402


def table(frame: pd.DataFrame, trip: str, veh: str | None) -> pd.DataFrame:
    s = frame.sort_values([trip, "t"])
    same = s[trip].eq(s[trip].shift())
    s = s.assign(d=np.where(same, haversine_m(s.lat.shift(), s.lon.shift(), s.lat, s.lon), 0.0))
    agg = {"kind": ("kind", "first"), "start": ("t", "min"), "end": ("t", "max"), "m": ("d", "sum")}
    if veh:
        agg["veh"] = (veh, "first")
    t = s.groupby(trip).agg(**agg)
    t["dur"] = (t.end - t.start).dt.total_seconds()
    return t


rows = []
for bib, kind, mps, minute in ((1, "marathon", 5.6, 15), (2, "marathon", 5.4, 16),
                               (2003, "marathon", 3.2, 30), (5001, "10k", 3.5, 45)):  # fmt: skip
    t0 = pd.Timestamp("2026-11-29 08:00") + pd.Timedelta(minutes=minute)
    lat = 39.47
    for i in range(40):
        rows.append((bib, kind, t0 + pd.Timedelta(minutes=i), lat, -0.355))
        lat += mps * 60 / 111_195.0 * (1 + 0.01 * (i % 3))
race = pd.DataFrame(rows, columns=["bib", "kind", "t", "lat", "lon"])
racer = Asker(race, columns={"traj_id": "bib", "t": "t", "label": "kind"}, tz="Europe/Madrid")
rows, n = [], 0
for night in pd.date_range("2026-11-27", "2026-11-30"):
    for u, unit in enumerate(("PB-01", "PB-02", "WINCH-5")):
        for hour, kind in ((17, "grooming"), (23.5, "transfers")):
            n += 1
            t0 = night + pd.Timedelta(hours=hour, minutes=u)
            lat, v = 47.13, (2.5 - 0.4 * u) * (1 + 0.05 * (night.day % 4) + 0.02 * (hour > 20))
            for i in range(61):
                rows.append((n, unit, kind, t0 + pd.Timedelta(minutes=i), lat, 10.27 + 0.01 * u))
                lat += v * 60 / 111_195.0
grooming = pd.DataFrame(rows, columns=["job", "unit", "kind", "t", "lat", "lon"])
groomer = Asker(grooming, columns={"traj_id": "job", "t": "t", "vehicle_id": "unit", "label": "kind"},
                tz="Europe/Vienna")  # fmt: skip
R, G = table(race, "bib", None), table(grooming, "job", "unit")
say = Cases(got=260, warn=100, warn_total=200, error=240, where=80, flush=True)


def ask(asker, q: str, truth=None):
    def go():
        a = asker(q)
        v = a.value
        return f"{v!r}" + ("" if truth is None else f" (truth {truth!r})")

    say(q, go)


def night(unit: str, day: str) -> float:
    start = pd.Timestamp(day) + pd.Timedelta(hours=12)
    sel = G[(G.veh == unit) & (G.start >= start) & (G.start < start + pd.Timedelta(days=1))]
    return float(sel.dur.sum() / 3600)


ask(racer, "What was bib 9999's finish time, in minutes?", "no such bib")
ask(racer, "What was bib 2003's finish time in hours?", R.dur[2003] / 3600)
ask(racer, "What was bib 2,003's finish time, in minutes?", R.dur[2003] / 60)
ask(racer, "What was bib #2003's finish time, in minutes?", R.dur[2003] / 60)
ask(racer, "What was the pace of runner 2003 in minutes per mile?",
    R.dur[2003] / 60 / (R.m[2003] / 1609.344))  # fmt: skip
ask(racer, "How many runners started on Saturday night?", 0)
ask(racer, "What was bib 1's finish time on Monday?", "no trip on Monday")
ask(racer, "Which runner finished first?", int(R.end.idxmin()))
ask(racer, "How many marathon runners crossed the finish line before 9:30?",
    int(((R.kind == "marathon") & (R.end < "2026-11-29 09:30")).sum()))  # fmt: skip
ask(racer, "How many minutes did the longest 10k take?", R.dur[5001] / 60)
ask(groomer, "How many hours did PB-02 work on Saturday night?", night("PB-02", "2026-11-28"))
ask(groomer, "How many hours did PB-02 work on Sunday nite?", night("PB-02", "2026-11-29"))
ask(groomer, "How many km did the WINCHes drive in total?", G[G.veh == "WINCH-5"].m.sum() / 1000)
ask(groomer, "How many km did the XYs drive in total?", "no such kind")
ask(
    groomer, "How many km did the pbs drive in total?", G[G.veh.str.startswith("PB")].m.sum() / 1000
)
ask(groomer, "How many minutes did the shortest grooming job take?",
    G[G.kind == "grooming"].dur.min() / 60)  # fmt: skip
ask(groomer, "How many hours did the PBs work on Sunday night?",
    night("PB-01", "2026-11-29") + night("PB-02", "2026-11-29"))  # fmt: skip
ask(groomer, "How many hours did PB-02 work on Monday night?", night("PB-02", "2026-11-30"))
