"""Set 11 (session 14, ask11): 60 questions (50 to answer, 10 to refuse) written from README.md
and docs/llm.md only, by six personas: a city logistics manager, an epidemiologist, a cycling
coach, an air-traffic analyst, a school-bus operator, a wildlife biologist. They ask about
three held-out data sets (tests/test_llm_set11_data.py: Lyon, Denver, Etosha; own column
names, local times) ingested as the docs say (--tz / --utc-offset, --vehicle-col,
--label-col). Every expected answer is computed here with pandas from the generated rows, in
the data's local time (what the user means), never typed in. Right: a number within 1 % (in
the unit asked), the same set of trips, or a top-k as good as the expected one (ties).

First read (the rules at e2da8f8): 7 / 50 right, 12 wrong numbers, 31 refused, 10 / 10
refusals right. ``python tests/test_llm_set11.py`` prints the score of the code it imports.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
import test_llm_set11_data as D  # noqa: E402

from trajlm.data.ingest import ingest  # noqa: E402
from trajlm.llm.plan import CannotAnswer  # noqa: E402
from trajlm.questions import Asker  # noqa: E402

UNIT = {"km": 1000.0, "m": 1.0, "mi": 1609.344, "nmi": 1852.0, "nm": 1852.0, "min": 60.0, "h": 3600.0,
        "s": 1.0, "km/h": 1.0, "mph": 1.609344, "m/s": 3.6}  # fmt: skip
OWN = {"length_m": "m", "duration_s": "s", "speed_kmh": "km/h", "stop_s": "s"}
DEN = (39.8561, -104.6737)  # Denver airport: every flight starts there


def near(t, lat, lon, r):
    return t.apply(lambda x: bool((D.hav(x.lat, x.lon, lat, lon) <= r).any()), axis=1)


def hours(s, a, b):
    h = s.dt.hour + s.dt.minute / 60
    return (h >= a) & (h < b)


def days(s, a, b):
    d = s.dt.strftime("%Y-%m-%d")
    return (d >= a) & (d <= b)


def wd(s, names):
    return s.dt.day_of_week.isin(names)


def Q(store, q, agg, f=None, metric=None, unit=None, k=None, asc=False):
    return dict(store=store, q=q, agg=agg, f=f, metric=metric, unit=unit, k=k, asc=asc)


L, V, E = "lyon", "denver", "etosha"
VAN, WALK, BIKE = (lambda t, s, lab=lab: t.label == lab for lab in ("van", "walk", "bike"))
PLANE, BUS = (lambda t, s, lab=lab: t.label == lab for lab in ("plane", "bus"))
QS = [  # f(trips, start column): the trips asked about; start "sl" local, "su" UTC
    Q(L, "How many delivery rounds did the vans do in total?", "count", VAN),
    Q(L, "how many trips did VAN-02 make between 16 and 22 March?", "count", lambda t, s: (t.veh == "VAN-02") & days(t[s], "2026-03-16", "2026-03-22")),
    Q(L, "average longest stop of van trips in minutes", "mean", VAN, "stop", "min"),
    Q(L, "Which 5 van trips had the longest stop?", "top", VAN, "stop", k=5),
    Q(L, "How many van trips started after 7 pm?", "count", lambda t, s: VAN(t, s) & hours(t[s], 19, 24)),
    Q(L, "total distance driven by the vans in the last week of March, in km", "sum", lambda t, s: VAN(t, s) & days(t[s], "2026-03-25", "2026-03-31"), "len", "km"),
    Q(L, "average van trip duration in hours on saturdays", "mean", lambda t, s: VAN(t, s) & wd(t[s], [5]), "dur", "h"),
    Q(L, "how many van trips had a stop longer than 20 minutes?", "count", lambda t, s: VAN(t, s) & (t.stop > 1200)),
    Q(L, "median distance of evening van trips in miles", "median", lambda t, s: VAN(t, s) & hours(t[s], 18, 22), "len", "mi"),
    Q(L, "list the trips of VAN-03 on 2026-03-18", "list", lambda t, s: (t.veh == "VAN-03") & days(t[s], "2026-03-18", "2026-03-18")),
    Q(L, "how much fuel did the vans use in March?", "refuse"),
    Q(L, "Which van drove the most km?", "vsum", VAN, "len", "km"),  # refused until session 18 (pervehicle18)
    Q(L, "How many trips did participant P03 make?", "count", lambda t, s: t.veh == "P03"),
    Q(L, "which trips passed within 200 m of 45.7578, 4.8320 on 19 March 2026?", "list", lambda t, s: near(t, 45.7578, 4.8320, 200) & days(t[s], "2026-03-19", "2026-03-19")),
    Q(L, "how many walks went within 300 m of 45.7700,4.8500 between 8 and 10 am?", "count", lambda t, s: WALK(t, s) & near(t, 45.7700, 4.8500, 300) & hours(t[s], 8, 10)),
    Q(L, "who was within 100 m of 45.7605, 4.8590 on March 24?", "list", lambda t, s: near(t, 45.7605, 4.8590, 100) & days(t[s], "2026-03-24", "2026-03-24")),
    Q(L, "Were P01 and P02 ever in the same place at the same time?", "refuse"),
    Q(L, "How much time did P02 spend at home in March?", "refuse"),
    Q(L, "total walking time of P04 in hours", "sum", lambda t, s: (t.veh == "P04") & WALK(t, s), "dur", "h"),
    Q(L, "average walk length in metres", "mean", WALK, "len", "m"),
    Q(L, "how many walks paused for more than 10 minutes", "count", lambda t, s: WALK(t, s) & (t.stop > 600)),
    Q(L, "list walks of P01 on weekends", "list", lambda t, s: (t.veh == "P01") & WALK(t, s) & wd(t[s], [5, 6])),
    Q(L, "how many rides did rider_anna do?", "count", lambda t, s: t.veh == "rider_anna"),
    Q(L, "What's the total distance rider_ben rode between 9 and 15 March, in km?", "sum", lambda t, s: (t.veh == "rider_ben") & days(t[s], "2026-03-09", "2026-03-15"), "len", "km"),
    Q(L, "average ride speed in km/h", "mean", BIKE, "kmh", "km/h"),
    Q(L, "avg speed of rider_anna's rides in mph", "mean", lambda t, s: t.veh == "rider_anna", "kmh", "mph"),
    Q(L, "What was the longest ride by distance?", "top", BIKE, "len", k=1),
    Q(L, "How many meters of climbing did rider_ben do in March?", "refuse"),
    Q(L, "what was anna's heart rate on the weekend rides?", "refuse"),
    Q(L, "median duration of weekend rides in minutes", "median", lambda t, s: BIKE(t, s) & wd(t[s], [5, 6]), "dur", "min"),
    Q(L, "how many rides were longer than 60 km", "count", lambda t, s: BIKE(t, s) & (t.len > 60000)),
    Q(L, "top 3 slowest bike rides", "top", BIKE, "kmh", k=3, asc=True),
    Q(L, "wat is the avrage distnace per ride in km", "mean", BIKE, "len", "km"),
    Q(V, "how many flights are in the data?", "count", PLANE),
    Q(V, "How many flights departed between 6 and 9 am?", "count", lambda t, s: PLANE(t, s) & hours(t[s], 6, 9)),
    Q(V, "average flight distance in nautical miles", "mean", PLANE, "len", "nmi"),
    Q(V, "what was the mean cruising altitude of the flights?", "refuse"),
    Q(V, "list flights by tail N455DL", "list", lambda t, s: t.veh == "N455DL"),
    Q(V, "top 5 fastest flights", "top", PLANE, "kmh", k=5),
    Q(V, "How many flights were faster than 400 knots on average?", "count", lambda t, s: PLANE(t, s) & (t.kmh > 400 * 1.852)),
    Q(V, "total flight time in hours for N812SW", "sum", lambda t, s: t.veh == "N812SW", "dur", "h"),
    Q(V, "how many flights left from the airport?", "count", lambda t, s: PLANE(t, s) & near(t, *DEN, 1500)),
    Q(V, "median flight duration in min on March 10 2026", "median", lambda t, s: PLANE(t, s) & days(t[s], "2026-03-10", "2026-03-10"), "dur", "min"),
    Q(V, "how many school bus runs are there", "count", BUS),
    Q(V, "How many bus runs were in the morning?", "count", lambda t, s: BUS(t, s) & hours(t[s], 6, 12)),
    Q(V, "average duration of afternoon bus runs in minutes", "mean", lambda t, s: BUS(t, s) & hours(t[s], 12, 18), "dur", "min"),
    Q(V, "Was BUS12 on time in the week of March 16?", "refuse"),
    Q(V, "how many runs did BUS15 do between March 9 and March 13", "count", lambda t, s: (t.veh == "BUS15") & days(t[s], "2026-03-09", "2026-03-13")),
    Q(V, "which bus trips waited longer than 5 minutes at one stop?", "list", lambda t, s: BUS(t, s) & (t.stop > 300)),
    Q(V, "total km driven by BUS7 on weekdays", "sum", lambda t, s: (t.veh == "BUS7") & wd(t[s], [0, 1, 2, 3, 4]), "len", "km"),
    Q(V, "how many students rode bus 12?", "refuse"),
    Q(V, "What was the average speed of morning bus runs in mph?", "mean", lambda t, s: BUS(t, s) & hours(t[s], 6, 12), "kmh", "mph"),
    Q(V, "list the 3 longest bus runs by distance", "top", BUS, "len", k=3),
    Q(E, "how many lion tracks are there?", "count", lambda t, s: t.label == "lion"),
    Q(E, "how far did LION-1 move on average per track starting after 6 pm, in km", "mean", lambda t, s: (t.veh == "LION-1") & hours(t[s], 18, 24), "len", "km"),
    Q(E, "What is the total distance walked by ELE-2 in km?", "sum", lambda t, s: t.veh == "ELE-2", "len", "km"),
    Q(E, "What is the home range of ZEB-1?", "mcp", lambda t, s: t.veh == "ZEB-1"),  # refused until session 34
    Q(E, "which track was the longest in distance?", "top", lambda t, s: t.label.notna(), "len", k=1),
    Q(E, "median track length of the zebra in km between 5 and 12 June", "median", lambda t, s: (t.label == "zebra") & days(t[s], "2026-06-05", "2026-06-12"), "len", "km"),
    Q(E, "how many lion tracks started between 17:00 and 19:00?", "count", lambda t, s: (t.label == "lion") & hours(t[s], 17, 19)),
]  # fmt: skip
# misses left after session 14, each with what the answer is instead (so a change shows);
# 8 ("a stop longer than 20 minutes" read as >= 1200 s) was one until strict bounds
LEFT = {
    25: ("'ride' is any trip (as in every earlier set), not a bike ride", lambda t, s: t.label.notna()),
    30: ("'ride' is any trip", lambda t, s: wd(t[s], [5, 6])),
    33: ("'ride' is any trip", lambda t, s: t.label.notna()),
    42: ("no gazetteer airport near Denver: refused, with the nearest known one's distance", None),
}  # fmt: skip


def expect(q: dict, t, s: str, f=None):
    sel = t[(f or q["f"])(t, s)]
    if q["agg"] == "count":
        return len(sel)
    if q["agg"] == "list":
        return sorted(sel.id)
    if q["agg"] == "top":  # ties: any trip as good as the k-th is right
        kth = sel.sort_values(q["metric"], ascending=q["asc"])[q["metric"]].iloc[q["k"] - 1]
        good = sel[q["metric"]] <= kth + 1e-9 if q["asc"] else sel[q["metric"]] >= kth - 1e-9
        return set(sel[good].id)
    if (
        q["agg"] == "mcp"
    ):  # a home range: the convex hull (scipy's) of the mover's raw fixes, km² (session 34)
        from scipy.spatial import ConvexHull

        raw, veh, la, lo = t.attrs["raw"]
        p = raw[raw[veh].isin(sel.veh)]
        la0, lo0 = p[la].mean(), p[lo].mean()
        x = np.radians(p[lo] - lo0) * 6371.0088 * np.cos(np.radians(la0))
        return float(ConvexHull(np.c_[x, np.radians(p[la] - la0) * 6371.0088]).volume)
    col = sel[q["metric"]]
    if q["agg"] == "vsum":  # the vehicles with the largest total (ties) and the total
        per = col.groupby(sel.veh).sum() / UNIT[q["unit"]]
        return set(per[per == per.max()].index), per.max()
    return {"mean": col.mean(), "median": col.median(), "sum": col.sum()}[q["agg"]] / UNIT[
        q["unit"]
    ]


def judge(q: dict, want, ans) -> bool:
    """Is the answer ``ans`` (None: refused) the expected ``want``?"""
    if q["agg"] == "refuse" or ans is None:
        return q["agg"] == "refuse" and ans is None
    if q["agg"] == "vsum":
        first = (
            ans.table["vehicle"][0]
            if ans.table is not None and "vehicle" in ans.table.columns
            else None
        )
        return first in want[0] and bool(np.isclose(ans.value, want[1], rtol=0.01))
    ids = None if ans.table is None else [i.rsplit("_", 1)[0] for i in ans.table["traj_id"]]
    if q["agg"] == "count":
        return ans.value == want
    if q["agg"] == "mcp":
        return ans.plan.action == "home_range" and bool(np.isclose(ans.value, want, rtol=0.01))
    if q["agg"] == "list":
        return ids is not None and ans.n_total == len(want) and set(ids) <= set(want)
    if q["agg"] == "top":
        return ids is not None and len(ids) == q["k"] and set(ids) <= want
    unit = ans.plan.unit or OWN.get(ans.plan.metric or "")
    if not isinstance(ans.value, float) or unit not in UNIT:
        return False
    got = ans.value * UNIT[unit] / UNIT[q["unit"]]
    return bool(np.isclose(got, want, rtol=0.01))


def build(root: Path) -> tuple[dict, dict]:
    """The three stores (ingested as the docs say) and their trips measured with pandas."""
    askers, tables = {}, {}
    for name, df in D.frames().items():
        _, tid, veh, lab, tcol, la, lo, zone, fmt = D.SOURCES[name]
        df.to_csv(root / f"{name}.csv", index=False)
        cols = dict(traj_id=tid, t=tcol, lat=la, lon=lo, extra={"label": lab})
        cols.update(time_format=fmt) if fmt else None
        cols.update(utc_offset_s=7200) if name == "etosha" else cols.update(tz=zone)
        ingest(root / f"{name}.csv", "csv", root / name, column_map=cols, vehicle_col=veh)
        askers[name], tables[name] = Asker(root / name), D.trips(name, df)
        tables[name].attrs["raw"] = (df, veh, la, lo)  # a home range's fixes (session 34)
    return askers, tables


def ask(asker: Asker, q: str):
    try:
        return asker(q)
    except CannotAnswer:
        return None


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build(tmp_path_factory.mktemp("set11"))


def test_every_question_of_set_11(built):
    askers, tables = built
    misses = []
    for i, q in enumerate(QS, 1):
        t = tables[q["store"]]
        want = None if q["agg"] == "refuse" else expect(q, t, "sl")
        ans = ask(askers[q["store"]], q["q"])
        if i in LEFT:  # a known miss: still this miss (a refusal, or the other reading)
            other = LEFT[i][1]
            ok = ans is None if other is None else judge(q, expect(q, t, "sl", other), ans)
            assert ok and not judge(q, want, ans), (i, q["q"], LEFT[i][0])
        elif not judge(q, want, ans):
            misses.append((i, q["q"], None if ans is None else ans.plan.describe()))
    assert not misses, misses
    assert (
        sum(q["agg"] == "refuse" for q in QS) == 8 and len(QS) == 60
    )  # 10 until session 18, 9 until 34


def test_local_and_utc_readings_differ_where_the_set_needs_it(built):
    # the zone matters for this set: at least 5 questions change between local and UTC
    _, tables = built
    differ = sum(
        q["agg"] != "refuse" and str(expect(q, tables[q["store"]], "sl")) != str(expect(q, tables[q["store"]], "su"))
        for q in QS
    )  # fmt: skip
    assert differ >= 5


if __name__ == "__main__":  # the score of the trajlm this imports (first read: e2da8f8)
    import tempfile

    askers, tables = build(Path(tempfile.mkdtemp()))
    score = {"right": 0, "wrong": 0, "refused wrongly": 0, "refused rightly": 0}
    for i, q in enumerate(QS, 1):
        want = None if q["agg"] == "refuse" else expect(q, tables[q["store"]], "sl")
        ans = ask(askers[q["store"]], q["q"])
        ok = judge(q, want, ans)
        key = ("refused rightly" if ok else "refused wrongly") if ans is None else (
            "right" if ok else "wrong")  # fmt: skip
        score[key] += 1
        print(f"{i:2d} {key:16s} {q['q']}")
    print(score)
