"""Set 12 (session 14, ask12): 50 questions (40 to answer, 10 to refuse) written from README.md
and docs/llm.md only, by six personas no earlier set had: a harbour master, a ride-hailing
regulator, a hiking-club organiser, a public-health researcher, a fleet-maintenance engineer, a
transport planner. They ask about two held-out data sets (tests/test_llm_set12_data.py:
Halifax harbour, Wellington; own column names, naive local times ingested with --tz).
Every expected answer is computed with pandas from the generated rows, in local time (trip
measures in tests/test_llm_set12_data.py, the questions and their answers here).
Right: a number within 1 %, the same set of trips, or the same top k.

First read (the rules at 785eb2e, Python API; `trajlm ask` answered or refused alike on the
39 it was run on): 32 / 40 right, 0 wrong numbers, 8 refused, refusals 9 / 10 right (one
refusable question, "how much time did people spend within 500 m of X", answered 7110 s: the
durations of the trips that came near). ``python tests/test_llm_set12.py`` prints the score.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
import test_llm_set12_data as D  # noqa: E402

from trajlm.data.ingest import ingest  # noqa: E402
from trajlm.llm.plan import CannotAnswer  # noqa: E402
from trajlm.questions import Asker  # noqa: E402

KN = 1.852
NMI = 1852.0


haversine, trips, tables, near = D.haversine, D.trips, D.tables, D.near


def _top(per_vehicle: pd.Series) -> tuple[list[str], float]:
    """The vehicles with the largest value (ties) and the value (session 18, pervehicle18)."""
    best = per_vehicle.max()
    return sorted(str(v) for v in per_vehicle[per_vehicle == best].index), float(best)


def _add(Q: list, persona, store, q, kind, value=None, unit=None):
    if isinstance(value, (pd.Series,)):
        value = sorted(value.tolist())
    elif isinstance(value, (np.floating, np.integer)):
        value = float(value)
    Q.append(
        dict(
            id=len(Q) + 1,
            persona=persona,
            store=store,
            question=q,
            kind=kind,
            expected=value,
            unit=unit,
        )
    )


def questions(H: pd.DataFrame, W: pd.DataFrame) -> list[dict]:
    """The 50 questions with their expected answers."""
    Q: list = []

    def add(*a, **k):
        _add(Q, *a, **k)

    h, w = H, W
    fer, tank, fish, tug = (h.label == x for x in ("ferry", "tanker", "fishing", "tug"))
    # harbour master (Halifax)
    add("harbour", "H", "How many vessel voyages are there in the data?", "number", len(h))
    add(
        "harbour",
        "H",
        "what is the average speed of ferry voyages in km/h?",
        "number",
        h[fer].speed_kmh.mean(),
    )
    add(
        "harbour",
        "H",
        "How many voyages averaged faster than 10 knots?",
        "number",
        (h.speed_kmh > 10 * KN).sum(),
    )
    add(
        "harbour",
        "H",
        "total distance sailed by the tankers, in km",
        "number",
        h[tank].length_m.sum() / 1000,
    )
    add(
        "harbour",
        "H",
        "how many voyages did vessel MMSI 316002001 make?",
        "number",
        (h.vehicle == "316002001").sum(),
    )
    add(
        "harbour",
        "H",
        "How many voyages were anchored for more than 30 minutes?",
        "number",
        (h.stop_s > 1800).sum(),
    )
    add("harbour", "H", "How many arrivals per day on average?", "refuse")
    add(
        "harbour",
        "H",
        "how many voyages started on Sunday 8 March?",
        "number",
        (h.date == "2026-03-08").sum(),
    )
    add(
        "harbour",
        "H",
        "which fishing voyage spent the longest time at anchor?",
        "top",
        h[fish].nlargest(1, "stop_s").trip,
    )
    add(
        "harbour",
        "H",
        "how many voyages came within 1 nautical mile of 44.6600,-63.5500?",
        "number",
        near(h, 44.6600, -63.5500, NMI).sum(),
    )
    add("harbour", "H", "Median voyage duration, in hours", "number", h.duration_s.median() / 3600)
    add(
        "harbour",
        "H",
        "what's the average length of tug voyages in nautical miles",
        "number",
        h[tug].length_m.mean() / 1852,
    )  # refused until session 15 (ask13): answers in nm
    # ride-hailing regulator (Wellington)
    rs = w.label == "rideshare"
    night = (w.hour >= 22) | (w.hour < 6)
    add(
        "ridehail",
        "W",
        "How many trips did driver DRV-03 make?",
        "number",
        (w.vehicle == "DRV-03").sum(),
    )
    add("ridehail", "W", "how many rideshare trips started at night?", "number", (rs & night).sum())
    # refused until session 18 (pervehicle18): answers per vehicle
    add(
        "ridehail", "W", "How many trips per driver?", "vehicles", _top(w.groupby("vehicle").size())
    )
    add(
        "ridehail",
        "W",
        "How many rideshare trips had an idle time longer than 20 minutes?",
        "number",
        (rs & (w.stop_s > 1200)).sum(),
    )
    add(
        "ridehail",
        "W",
        "what share of rideshare trips were at night?",
        "percent",
        100 * (rs & night).sum() / rs.sum(),
    )
    add(
        "ridehail",
        "W",
        "list the trips of driver DRV-07 on saturday 4 april",
        "trips",
        w[(w.vehicle == "DRV-07") & (w.date == "2026-04-04")].trip,
    )
    add("ridehail", "W", "Which driver-id had the most trips?", "refuse")
    add(
        "ridehail",
        "W",
        "how many trips did DRV-10 make after 10pm?",
        "number",
        ((w.vehicle == "DRV-10") & (w.hour >= 22)).sum(),
    )
    add(
        "ridehail",
        "W",
        "average duration of rideshare trips in minutes",
        "number",
        w[rs].duration_s.mean() / 60,
    )
    # hiking club
    hk = w.label == "hike"
    add("hiking", "W", "How many hikes are there?", "number", hk.sum())
    add("hiking", "W", "what was the total elevation gain of the hikes?", "refuse")
    add("hiking", "W", "average hike duration in hours", "number", w[hk].duration_s.mean() / 3600)
    add("hiking", "W", "Which was the longest hike?", "top", w[hk].nlargest(1, "length_m").trip)
    add("hiking", "W", "how many hikes on weekends?", "number", (hk & (w.dow >= 5)).sum())
    add(
        "hiking",
        "W",
        "how far did hiker_ben walk in total, in km?",
        "number",
        w[w.vehicle == "hiker_ben"].length_m.sum() / 1000,
    )
    add(
        "hiking",
        "W",
        "How many hikes lasted more than three hours?",
        "number",
        (hk & (w.duration_s > 3 * 3600)).sum(),
    )
    add("hiking", "W", "what is the highest altitude reached on any hike", "refuse")
    add("hiking", "W", "median hike length in miles", "number", w[hk].length_m.median() / 1609.344)
    # public-health researcher
    add(
        "health",
        "W",
        "how many trips came within 500 m of -41.3087,174.7790?",
        "number",
        near(w, -41.3087, 174.7790, 500).sum(),
    )
    add(  # refused until session 22 (ask22): the seconds in steps with both fixes inside, added up
        "health",
        "W",
        "how much time did people spend within 500 m of -41.3087,174.7790?",
        "number",
        sum(_inside_s(r, -41.3087, 174.7790, 500) for r in w.itertuples()),
    )
    add(
        "health",
        "W",
        "How many hikes passed within 1 km of -41.2400,174.7400",
        "number",
        (hk & near(w, -41.24, 174.74, 1000)).sum(),
    )
    add(
        "health",
        "W",
        "list trips within 1500 m of -41.2865, 174.7762 on 1 April 2026",
        "trips",
        w[near(w, -41.2865, 174.7762, 1500) & (w.date == "2026-04-01")].trip,
    )
    # fleet-maintenance engineer
    tk = w.label == "truck"
    add(
        "fleet",
        "W",
        "total km driven by TRK-2 in the week of 6-12 April",
        "number",
        w[(w.vehicle == "TRK-2") & w.date.between("2026-04-06", "2026-04-12")].length_m.sum()
        / 1000,
    )
    week = w.start.map(lambda x: x.date() - pd.Timedelta(days=x.weekday()))
    weekly = w.groupby([w.vehicle, week]).length_m.sum().groupby(level=0).mean() / 1000
    add(
        "fleet", "W", "how many km per vehicle per week?", "vehicles", _top(weekly)
    )  # refused until session 18
    add(
        "fleet",
        "W",
        "how many truck trips averaged more than 60 km/h?",
        "number",
        (tk & (w.speed_kmh > 60)).sum(),
    )
    add("fleet", "W", "How many harsh braking events did the trucks have?", "refuse")
    add("fleet", "W", "average km per truck trip", "number", w[tk].length_m.mean() / 1000)
    add("fleet", "W", "top 3 fastest truck trips", "top", w[tk].nlargest(3, "speed_kmh").trip)
    add(
        "fleet",
        "W",
        "how many trips did truck TRK-4 make in the first week of April",
        "number",
        ((w.vehicle == "TRK-4") & w.date.between("2026-04-01", "2026-04-07")).sum(),
    )
    # transport planner
    am = (w.hour >= 7) & (w.hour < 9)
    add("planner", "W", "how many trips started between 7 and 9 am?", "number", am.sum())
    add(
        "planner",
        "W",
        "What share of trips started between 7 and 9 am?",
        "percent",
        100 * am.sum() / len(w),
    )
    add("planner", "W", "median trip length in km", "number", w.length_m.median() / 1000)
    # refused until session 22 (ask22): a table of every hour of the start
    add("planner", "W", "how many trips by hour of day?", "hours", w.hour.value_counts().to_dict())
    add(
        "planner",
        "W",
        "average trip duration on weekdays, in minutes",
        "number",
        w[w.dow < 5].duration_s.mean() / 60,
    )
    add(
        "planner",
        "W",
        "how many trips longer than 5 km started in the evening?",
        "number",
        ((w.length_m > 5000) & (w.hour >= 18) & (w.hour < 22)).sum(),
    )
    add(
        "planner",
        "W",
        "what percentage of trips are longer than 10 km",
        "percent",
        100 * (w.length_m > 10000).sum() / len(w),
    )
    add(
        "planner",
        "W",
        "How Many TRIPS on thursday 2 april 2026",
        "number",
        (w.date == "2026-04-02").sum(),
    )
    add(
        "planner",
        "W",
        "hw many trps startd after midnight but before five",
        "number",
        (w.hour < 5).sum(),
    )

    return Q


# known misses after session 14's fixes: each must still be this refusal (a wrong number fails)
LEFT = {
    9: "'spent the longest time at anchor': its longest stop or all its stops added up? refused",
}


def _inside_s(r, la: float, lo: float, radius: float) -> float:
    inside = haversine(r.lat, r.lon, la, lo) <= radius
    return float(np.diff(r.ts)[inside[:-1] & inside[1:]].sum())


def _norm(x: object) -> str:
    return re.sub(r"_\d+$", "", str(x))


def judge(q: dict, ans) -> str:
    """right / wrong / refused_right / refused_wrong / answered_refusable."""
    if ans is None:
        return "refused_right" if q["kind"] == "refuse" else "refused_wrong"
    if q["kind"] == "refuse":
        return "answered_refusable"
    want = q["expected"]
    if q["kind"] == "vehicles":  # the top vehicle (one of those that tie) and its value
        first = (
            None
            if ans.table is None or "vehicle" not in ans.table.columns
            else str(ans.table["vehicle"][0])
        )
        ok = (
            first in want[0]
            and isinstance(ans.value, float)
            and bool(np.isclose(ans.value, want[1], rtol=0.01))
        )
        return "right" if ok else "wrong"
    if q["kind"] == "hours":  # a table of every hour (session 22)
        got = [] if ans.table is None else ans.table["trips"].to_list()
        return "right" if got == [want.get(h, 0) for h in range(24)] else "wrong"
    if q["kind"] in ("number", "percent"):
        ok = isinstance(ans.value, (int, float)) and bool(np.isclose(ans.value, want, rtol=0.01))
    else:
        ids = [] if ans.table is None else [_norm(x) for x in ans.table["traj_id"].to_list()]
        ok = sorted(ids) == sorted(want)
    return "right" if ok else "wrong"


def build(root: Path) -> tuple[dict, list[dict]]:
    """Both stores (ingested as docs/data.md says, with --tz) and the questions."""
    D.write(root)
    src = {
        "H": ("halifax", "voyage_ref", "local_ts", "lat_dd", "lon_dd", "mmsi", "vessel_type", "America/Halifax"),
        "W": ("wellington", "journey", "when_local", "y", "x", "unit", "category", "Pacific/Auckland"),
    }  # fmt: skip
    askers = {}
    for key, (name, tid, t, la, lo, veh, lab, zone) in src.items():
        cols = dict(traj_id=tid, t=t, lat=la, lon=lo, extra={"label": lab}, tz=zone)
        ingest(root / f"{name}.csv", "csv", root / name, column_map=cols, vehicle_col=veh)
        askers[key] = Asker(root / name)
    return askers, questions(*tables(root))


def run(askers: dict, qs: list[dict]) -> list[tuple[dict, str, object]]:
    out = []
    for q in qs:
        try:
            ans = askers[q["store"]](q["question"])
        except CannotAnswer:
            ans = None
        out.append((q, judge(q, ans), ans))
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build(tmp_path_factory.mktemp("set12"))


def test_set_12_has_its_shape(built):
    _, qs = built
    assert (
        len(qs) == 50 and sum(q["kind"] == "refuse" for q in qs) == 5
    )  # 10 until nm answers (session 15), 9 until answers per vehicle (session 18), 7 until ask22


def test_every_question_of_set_12(built):
    misses = []
    for q, got, ans in run(*built):
        if q["id"] in LEFT:
            assert got == "refused_wrong", (q["id"], q["question"], LEFT[q["id"]], got)
        elif got not in ("right", "refused_right"):
            misses.append(
                (q["id"], q["question"], got, None if ans is None else ans.plan.describe())
            )
    assert not misses, misses


if __name__ == "__main__":  # the score of the trajlm this imports (first read: 785eb2e)
    import tempfile
    from collections import Counter

    res = run(*build(Path(tempfile.mkdtemp())))
    for q, got, _ans in res:
        print(q["id"], got, q["question"])
    print(dict(Counter(g for _, g, _ in res)))
