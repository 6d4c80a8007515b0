"""Session 35 (ask35): set 35's fixes (docs/llm.md "Session 35 (ask35)"), each on a frame built here with its truth
from pandas:

- a bus feed's route numbers as its labels: "route 14", "which route had the slowest average speed", "bus 8104",
  "how many different buses ran route 22";
- splits within a run ("fastest km", "negative split") are refused (the fastest km listed the whole run);
- "which vans never stopped" / "which vans had a run that did not stop", "which ships sailed more than X nm in
  total" / "on a single voyage"; the bare forms are refused naming both readings;
- "what time did the first van leave on Tuesday", "the last van get back"; "how many idle hours did X have".
"""

from __future__ import annotations

import pandas as pd
import pytest

from trajlm.llm.plan import CannotAnswer
from trajlm.questions import Asker

pytestmark = pytest.mark.filterwarnings("ignore")
T0 = pd.Timestamp("2026-09-14 06:00")  # a Monday


def _trip(tid: str, veh: str, label: str, t0: pd.Timestamp, n: int, step: float, lon: float, still: int = 0
          ) -> list:  # fmt: skip
    """A trip going north a minute a fix, ``still`` fixes standing in its middle (its own ``lon``: no copies)."""
    rows, lat = [], 51.0
    for i in range(n):
        rows.append((tid, veh, label, t0 + pd.Timedelta(minutes=i), lat, lon))
        if not (n // 2 <= i < n // 2 + still):
            lat += step
    return rows


def _buses() -> pd.DataFrame:
    """Routes 14 (fast) and 7 (slow), buses 8101-8103, Monday and Tuesday."""
    rows, k = [], 0
    for day in (0, 1):
        for j in range(3):
            for route, step, bus in (
                ("14", 0.004, "8101"),
                ("7", 0.002, "8102"),
                ("14", 0.004, "8103"),
            ):
                k += 1
                t0 = T0 + pd.Timedelta(days=day, minutes=60 * j + 5 * k)
                rows += _trip(f"T{k}", bus, route, t0, 30, step, -114.0 + 0.01 * k, still=2)
    return pd.DataFrame(rows, columns=["trip", "bus", "route", "t", "lat", "lon"])


def _bus_asker() -> Asker:
    return Asker(
        _buses(), tz="UTC", columns={"traj_id": "trip", "vehicle_id": "bus", "label": "route"}
    )


def _stats(df: pd.DataFrame) -> pd.DataFrame:
    """Per trip: vehicle, label, start, km (haversine), km/h, whether it has a fix standing still."""
    import numpy as np

    out = {}
    for tid, g in df.groupby("trip", sort=False):
        la, lo = np.radians(g.lat.to_numpy()), np.radians(g.lon.to_numpy())
        a = (
            np.sin(np.diff(la) / 2) ** 2
            + np.cos(la[:-1]) * np.cos(la[1:]) * np.sin(np.diff(lo) / 2) ** 2
        )
        steps = 2 * 6371.0088 * np.arcsin(np.sqrt(a))
        hours = (g.t.iloc[-1] - g.t.iloc[0]).total_seconds() / 3600
        out[tid] = dict(veh=g.iloc[0, 1], label=g.iloc[0, 2], start=g.t.iloc[0], km=steps.sum(),
                        kmh=steps.sum() / hours, stops=bool((steps < 0.06).any()))  # fmt: skip
    return pd.DataFrame.from_dict(out, orient="index")


def test_route_numbers_are_labels() -> None:
    """ "route 14" is the label 14 (was "did not understand 'route 14'"), and "which route had the slowest average
    speed" compares the labels (was the mean over every trip: a silent wrong number)."""
    df = _buses()
    s = _stats(df)
    a = _bus_asker()
    tue = s[(s.label == "14") & (s.start.dt.day == 15)]
    assert a("How many trips did route 14 run on Tuesday?").value == len(tue)
    slow = s.groupby("label").kmh.mean()
    ans = a("Which route had the slowest average speed?")
    assert str(ans).splitlines()[0].startswith(f"{slow.idxmin()}:")
    assert (
        abs(a("What was the average speed on route 7, in km/h?").value - slow["7"])
        < 0.05 * slow["7"]
    )
    assert (
        a("How many different buses ran route 14?").value == s[s.label == "14"].veh.nunique() == 2
    )
    km = s[s.veh == "8102"].km.sum()
    assert abs(a("How many km did bus 8102 drive in total?").value - km) < 0.01 * km


def test_route_words_elsewhere_unchanged() -> None:
    """Labels that are no route numbers keep "route" as a trip (a van's delivery route)."""
    df = _buses().assign(route=lambda d: d.route.map({"14": "van", "7": "truck"}))
    a = Asker(df, tz="UTC", columns={"traj_id": "trip", "vehicle_id": "bus", "label": "route"})
    assert (
        a("How many van routes were there?").value
        == (df.groupby("trip").route.first() == "van").sum()
    )


@pytest.mark.parametrize(
    "q", ["Did 8101 run a negative split?", "What were the km splits of 8101's run?"]
)
def test_splits_refused(q: str) -> None:
    """A split within a run is refused in one line (the fastest km listed the whole run as "the fastest trip");
    set 36 (tests/test_ask36.py) reads a runner's fastest km: on this bus feed "Amara" is no vehicle."""
    with pytest.raises(CannotAnswer, match="splits"):
        _bus_asker()(q)
    with pytest.raises(CannotAnswer, match="amara"):
        _bus_asker()("What was Amara's fastest km on Monday?")


def test_fastest_kmh_is_no_split() -> None:
    """ "the fastest km/h" is a speed, not a split."""
    assert _bus_asker()("Which trip had the fastest km/h?").plan.metric == "speed_kmh"


def _vans() -> pd.DataFrame:
    """VAN-01: two runs, one stopping; VAN-02: runs that never stop; VAN-03: every run stops."""
    rows = []
    spec = [("R1", "VAN-01", 3), ("R2", "VAN-01", 0), ("R3", "VAN-02", 0), ("R4", "VAN-02", 0), ("R5", "VAN-03", 4),
            ("R6", "VAN-03", 2)]  # fmt: skip
    for k, (tid, van, still) in enumerate(spec):
        rows += _trip(
            tid, van, "x", T0 + pd.Timedelta(hours=k), 40, 0.003, -87.6 + 0.01 * k, still=still
        )
    return pd.DataFrame(rows, columns=["trip", "van", "kind", "t", "lat", "lon"]).drop(
        columns="kind"
    )


def test_which_vans_never_stopped_or_had_a_run_that_did_not() -> None:
    """The two readings of "which vans did not stop", each said, are answered; the bare one is refused naming
    both (was "answers per group are not supported" for all three)."""
    df = _vans()
    a = Asker(df, tz="UTC", columns={"traj_id": "trip", "vehicle_id": "van"})
    s = _stats(df.assign(label="x")[["trip", "van", "label", "t", "lat", "lon"]])
    never = sorted(v for v, g in s.groupby("veh") if not g.stops.any())
    some = sorted(set(s[~s.stops].veh))
    assert never == ["VAN-02"] and some == ["VAN-01", "VAN-02"]
    assert a("Which vans never stopped?").value == never
    assert a("Which vans had a run that did not stop?").value == some
    with pytest.raises(CannotAnswer, match="reads two ways"):
        a("Which vans did not stop?")


def test_which_ships_more_than_in_total_or_on_one_voyage() -> None:
    """ "more than X nm in total" adds a ship's voyages; "on a single voyage" is one voyage; said neither way it is
    refused naming both (was "answers per group are not supported")."""
    rows = []
    spec = [("V1", "ALPHA", 60), ("V2", "ALPHA", 60), ("V3", "BRAVO", 100), ("V4", "CHARLIE", 30)]
    for k, (tid, ship, n) in enumerate(spec):
        rows += _trip(tid, ship, "Tanker", T0 + pd.Timedelta(hours=3 * k), n, 0.01, 3.0 + 0.01 * k)
    df = pd.DataFrame(rows, columns=["voyage", "ship", "type", "t", "lat", "lon"])
    a = Asker(df, tz="UTC", columns={"traj_id": "voyage", "vehicle_id": "ship", "label": "type"})
    s = _stats(df.rename(columns={"voyage": "trip"}))
    nm = s.groupby("veh").km.sum() / 1.852
    longest = s.groupby("veh").km.max() / 1.852
    assert longest["ALPHA"] < 50 < nm["ALPHA"] and longest["BRAVO"] > 50 > nm["CHARLIE"]
    assert a("Which ships sailed more than 50 nm in total?").value == sorted(nm[nm > 50].index)
    assert a("Which ships sailed more than 50 nm on a single voyage?").value == sorted(
        longest[longest > 50].index
    )
    with pytest.raises(CannotAnswer, match="reads two ways"):
        a("Which ships sailed more than 50 nm?")


def test_first_van_leave_and_idle_hours() -> None:
    """ "what time did the first van leave on Tuesday" is the fleet's first start (was "did not understand 'first
    leave'"); "how many idle hours did X have" its hours stopped (was "'idle' for how long?")."""
    df = _vans()
    df["t"] = df.t + pd.to_timedelta(
        df.trip.str[1].astype(int) * 12, unit="h"
    )  # R2 on Tuesday 06:00 + 24 h
    a = Asker(df, tz="UTC", columns={"traj_id": "trip", "vehicle_id": "van"})
    starts = df.groupby("trip").t.min()
    tue = starts[starts.dt.day == 15]
    assert tue.min().strftime("%H:%M") in str(a("What time did the first van leave on Tuesday?"))
    ends = df.groupby("trip").t.max()
    assert ends[ends.dt.day == 15].max().strftime("%H:%M") in str(
        a("What time did the last van get back on Tuesday?")
    )
    g = df[df.van == "VAN-03"].sort_values(["trip", "t"])
    moved = g.groupby("trip").lat.diff().abs() > 1e-9
    stopped_h = (~moved & g.trip.eq(g.trip.shift())).sum() / 60
    assert abs(a("How many idle hours did VAN-03 have?").value - stopped_h) < 1e-6


def _kde_km2(lat, lon, level: float) -> float:
    """The level % isopleth's area (km²) of a Gaussian kernel density with h_ref, summed fix by fix on a 200 x 200
    grid over the extent plus 3 h (flat km around the mean, 111.32 km a degree)."""
    import numpy as np

    x = (lon - lon.mean()) * 111.32 * np.cos(np.radians(lat.mean()))
    y = (lat - lat.mean()) * 111.32
    h = np.sqrt((x.var(ddof=1) + y.var(ddof=1)) / 2) * len(x) ** (-1 / 6)
    gx = np.linspace(x.min() - 3 * h, x.max() + 3 * h, 200)
    gy = np.linspace(y.min() - 3 * h, y.max() + 3 * h, 200)
    X, Y = np.meshgrid(gx, gy)
    d = sum(np.exp(-((X - a) ** 2 + (Y - b) ** 2) / (2 * h * h)) for a, b in zip(x, y, strict=True))
    p = np.sort(d.ravel())[::-1]
    return (
        (np.searchsorted(np.cumsum(p) / p.sum(), level / 100) + 1)
        * (gx[1] - gx[0])
        * (gy[1] - gy[0])
    )


def test_kernel_home_range() -> None:
    """ "Kito's 95% kernel home range" is the 95 % isopleth's area (was "did not understand '95% kernel'"); "50%
    KDE" the core; the plain home range stays the 100 % MCP."""
    import numpy as np

    rng = np.random.default_rng(35)
    n = 80
    lat = -2.65 + np.concatenate([rng.normal(0, 0.01, n // 2), rng.normal(0.05, 0.02, n // 2)])
    lon = 37.26 + np.concatenate([rng.normal(0, 0.01, n // 2), rng.normal(0.03, 0.02, n // 2)])
    t = pd.date_range("2026-06-01", periods=n, freq="h")
    df = pd.DataFrame({"animal": "Kito", "t": t, "lat": lat, "lon": lon})
    a = Asker(df, tz="UTC", columns={"traj_id": "animal", "vehicle_id": "animal"})
    for q, level in (("What was Kito's 95% kernel home range, in square km?", 95),
                     ("What was the 50% KDE home range of Kito?", 50)):  # fmt: skip
        want = _kde_km2(lat, lon, level)
        assert abs(a(q).value - want) < 0.01 * want
    assert "minimum convex polygon" in str(a("What was Kito's home range?"))
    with pytest.raises(CannotAnswer):
        a("What was Kito's 100% kernel home range?")


def test_headway_on_a_route() -> None:
    """ "the average headway on route 14" is the mean gap between consecutive starts of route 14's trips on the same
    date (was "did not understand 'headway'"); over every route, or its longest, it is refused in one line."""
    df = _buses()
    s = _stats(df)
    r14 = s[s.label == "14"].sort_values("start")
    gaps = r14.groupby(r14.start.dt.date).start.diff().dt.total_seconds().dropna() / 60
    a = _bus_asker()
    assert (
        abs(a("What was the average headway on route 14, in minutes?").value - gaps.mean()) < 1e-6
    )
    mon = r14[r14.start.dt.day == 14].start.diff().dt.total_seconds().dropna() / 60
    assert abs(a("What was the headway on route 14 on Monday?").value - mon.mean()) < 1e-6
    for q in ("What was the average headway?", "What was the longest headway on route 14?"):
        with pytest.raises(CannotAnswer, match="headway"):
            a(q)


def test_paraphrase_words() -> None:
    """Set 35's paraphrases (a fix tuned on them): "what's the mean headway", "the first route 14 trip leave",
    "which vans never had a stop"."""
    df = _buses()
    s = _stats(df)
    a = _bus_asker()
    r14 = s[s.label == "14"].sort_values("start")
    gaps = r14.groupby(r14.start.dt.date).start.diff().dt.total_seconds().dropna() / 60
    assert abs(a("What's the mean headway for route 14 in minutes?").value - gaps.mean()) < 1e-6
    first = r14[r14.start.dt.day == 15].start.min().strftime("%H:%M")
    assert first in str(a("When did the first route 14 trip leave on Tuesday?"))
    v = Asker(_vans(), tz="UTC", columns={"traj_id": "trip", "vehicle_id": "van"})
    assert (
        v("Which vans never had a stop?").value
        == v("Which vans never stopped?").value
        == ["VAN-02"]
    )


def test_one_trip_noun_list_and_a_labels_head_noun() -> None:
    """The three readers' trip nouns are one list (llm/trip_words.py); with "tasks" now among fleet_words' nouns,
    "tug tasks" on TUG-* ids labelled "pushback tug" stays the label's (set 27's A10 read the ids' word once)."""
    from trajlm.llm import every_vehicle, fleet_words, trip_words

    assert every_vehicle._TRIP_NOUNS == trip_words.TRIP_NOUNS
    assert trip_words.TRIP_NOUNS in fleet_words._TRIP_NOUN
    rows = []
    for k, (veh, kind) in enumerate(
        [("TUG-01", "pushback tug"), ("TUG-02", "pushback tug"), ("BT-01", "tractor")]
    ):
        rows += _trip(f"K{k}", veh, kind, T0 + pd.Timedelta(hours=k), 30, 0.002, 4.0 + 0.01 * k)
    df = pd.DataFrame(rows, columns=["task", "unit", "kind", "t", "lat", "lon"])
    a = Asker(df, tz="UTC", columns={"traj_id": "task", "vehicle_id": "unit", "label": "kind"})
    ans = a("How many tug tasks were there?")
    assert ans.plan.mode == "pushback tug" and ans.value == 2


def test_which_vans_were_not_out() -> None:
    """ "which vans were not out on Tuesday" / "had no runs on Tuesday" are the vans with no trip that day (one
    reading: was "answers per group are not supported"); "which vans were not at anchor" stays two-way."""
    df = _vans()
    df["t"] = df.t + pd.to_timedelta(
        (df.van == "VAN-02") * 24, unit="h"
    )  # VAN-02's runs on Tuesday
    a = Asker(df, tz="UTC", columns={"traj_id": "trip", "vehicle_id": "van"})
    starts = df.groupby("trip").agg(van=("van", "first"), t=("t", "min"))
    out_tue = set(starts[starts.t.dt.day == 15].van)
    assert out_tue == {"VAN-02"}
    want = sorted(set(df.van) - out_tue)
    assert a("Which vans were not out on Tuesday?").value == want
    assert a("Which vans had no runs on Tuesday?").value == want
    with pytest.raises(CannotAnswer, match="reads two ways"):
        a("Which vans were not at anchor?")
