"""Session 33 (ask33): set 33's fixes (docs/llm.md "Session 33 (ask33)"), each on a small frame built here with its
truth from pandas:

- "were all the vans out on Tuesday": yes only where every van has a trip (ask32b left it);
- "the e-bikes" on EB-* ids; "the 3 longest van runs" (a kind's word before a trip noun);
- "runs that did not stop" (``max_stop_s`` 0); "late shift runs" on shift labels early / late;
- "which ferry sailed the most nautical miles, and how many?" (was a count of trips);
- "the crossings" on a ferry's crossing / charter labels (was every voyage);
- a phone study's stays: "trips" are its moves, "the longest stays" by duration; rows keyed by the participant
  alone cut where the label changes (HTTP /ask and ``trajlm.ask``: one trip a participant before).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from trajlm.llm.plan import CannotAnswer
from trajlm.questions import Asker

pytestmark = pytest.mark.filterwarnings("ignore")
MON = pd.Timestamp("2026-11-30 08:00")


def _track(unit: str, trip: str, t0: pd.Timestamp, mps: float, n: int, stop: int = 0, lat0: float = 41.9,
           label: str | None = None, bearing: float = 0.0) -> list[tuple]:  # fmt: skip
    """``n`` moving 30-s steps at ``mps`` from (lat0, -87.6), with ``stop`` still fixes half-way."""
    rows, lat, lon = [], lat0, -87.6
    for i in range(n + 1 + stop):
        moving = not (n // 2 < i <= n // 2 + stop)
        if i and moving:
            lat += mps * 30 * math.cos(math.radians(bearing)) / 111_195.0
            lon += (
                mps
                * 30
                * math.sin(math.radians(bearing))
                / (111_195.0 * math.cos(math.radians(lat0)))
            )
        rows.append((trip, unit, t0 + pd.Timedelta(seconds=30 * i), lat, lon, label))
    return rows


def _to_next_m(a: pd.DataFrame) -> pd.Series:
    """Each fix's great-circle metres to the next fix of its trip (NaN at a trip's last fix), with pandas;
    ``a`` sorted by trip and time."""
    la, lo = np.radians(a.lat), np.radians(a.lon)
    d = (
        np.sin((la.shift(-1) - la) / 2) ** 2
        + np.cos(la) * np.cos(la.shift(-1)) * np.sin((lo.shift(-1) - lo) / 2) ** 2
    )
    return (2 * 6_371_008.8 * np.arcsin(np.sqrt(d))).where(a.traj_id.eq(a.traj_id.shift(-1)))


def _hav(a: pd.DataFrame) -> pd.Series:
    """Each trip's length in m (fix-to-fix great circles), with pandas."""
    a = a.sort_values(["traj_id", "t"])
    return _to_next_m(a).fillna(0.0).groupby(a.traj_id).sum()


@pytest.fixture(scope="module")
def fleet() -> pd.DataFrame:
    """Vans VAN-01 / VAN-02 / VAN-03 (VAN-03 off on Tuesday) and e-bikes EB-1 / EB-2, Mon 30 Nov - Tue 1 Dec
    2026 (UTC); a run before noon is the early shift; each van's first run a day stops 5 min, its second none."""
    rows, n = [], 0
    for day in (0, 1):
        for k, unit in enumerate(("VAN-01", "VAN-02", "VAN-03", "EB-1", "EB-2")):
            if unit == "VAN-03" and day == 1:
                continue
            van = unit.startswith("VAN")
            for run, hour in enumerate((8, 13) if van else (9, 10, 14)):
                n += 1
                t0 = MON + pd.Timedelta(days=day, hours=hour - 8, minutes=7 * k)
                rows += _track(
                    unit,
                    f"RUN-{n:02d}",
                    t0,
                    9.0 if van else 4.5,
                    20 + 3 * k + 2 * day,
                    stop=10 if (van and run == 0) or not van else 0,
                    label="early" if hour < 12 else "late",
                    bearing=40 * k,
                    lat0=41.9 + 0.001 * run + 0.01 * day,
                )  # fmt: skip (no two runs copies)
    return pd.DataFrame(rows, columns=["traj_id", "vehicle_id", "t", "lat", "lon", "label"])


@pytest.fixture(scope="module")
def fleet_asker(fleet) -> Asker:
    return Asker(fleet)


def test_were_all_the_vans_out_checks_every_van(fleet, fleet_asker) -> None:
    """ask32b's leftover: "Were all the vans out on Tuesday?" was "did not understand 'out'"."""
    day = fleet.groupby("traj_id").agg(unit=("vehicle_id", "first"), t=("t", "min"))
    vans = day[day.unit.str.startswith("VAN")]
    on = {d: set(vans[vans.t.dt.weekday == d].unit) for d in (0, 1)}
    assert on[0] == set(vans.unit) and on[1] == set(vans.unit) - {
        "VAN-03"
    }  # the truth, with pandas
    a = fleet_asker("Were all the vans out on Tuesday?")
    assert a.yes is False and str(a).startswith("no: VAN-03 has no trip (2 of 3 vehicles have)")
    a = fleet_asker("Were all the vans out on Monday?")
    assert a.yes is True and str(a).startswith("yes: all 3 vehicles have trips")
    assert fleet_asker("Did all the e-bikes ride on Tuesday?").yes is True
    for q in (
        "Did every van go out on Tuesday?",
        "Did each of the vans drive on Tuesday?",
    ):  # the paraphrases' words
        assert fleet_asker(q).yes is False, q
    assert fleet_asker("Did any van go out on Tuesday?").yes is True
    assert fleet_asker("Were any vans out on Tuesday?").yes is True  # one van is enough: unchanged
    # "all the runs" asks of each run, not of each vehicle: no per-vehicle check
    assert fleet_asker("Were all the van runs longer than 1 km?").every is None


def test_e_bikes_and_van_runs_are_their_ids(fleet, fleet_asker) -> None:
    """ "the e-bikes" was "did not understand 'e-'"; "the 3 longest van runs" were every run's top 3."""
    m = _hav(fleet)
    unit = fleet.groupby("traj_id").vehicle_id.first()
    eb = m[unit.str.startswith("EB")]
    assert fleet_asker("How many km did the e-bikes ride in total?").value == pytest.approx(
        eb.sum() / 1000, rel=1e-3
    )
    top = fleet_asker("Which e-bike rode the furthest?")
    assert (
        top.plan.vehicle_prefix == "EB"
        and eb.groupby(unit).sum().idxmax() in str(top).splitlines()[0]
    )
    a = fleet_asker("What were the 3 longest van runs?")
    assert a.plan.vehicle_prefix == "VAN" and a.result() == list(
        m[unit.str.startswith("VAN")].nlargest(3).index
    )
    assert max(m[unit.str.startswith("EB")]) < max(m)  # EB runs are no candidates either way ...
    assert (
        fleet_asker("How many van runs were there on Monday?").value == 6
    )  # ... but a count is: 6, not 12


def test_runs_that_did_not_stop(fleet, fleet_asker) -> None:
    """ "How many van runs did not stop at all?" was refused on 'not': the longest stop 0 s (no step slower
    than 1 m/s)."""
    f = fleet.sort_values(["traj_id", "t"])
    step_still = (_steps(f) < 1.0).groupby(f.traj_id).any()
    unit = f.groupby("traj_id").vehicle_id.first()
    want = int((~step_still & unit.str.startswith("VAN")).sum())
    assert want == 5
    for q in ("How many van runs did not stop at all?", "How many van runs were non-stop?",
              "How many van runs had no stops?", "How many van runs didn't stop?"):  # fmt: skip
        a = fleet_asker(q)
        assert a.plan.max_stop_s == 0 and a.value == want, q
    assert fleet_asker("How many runs never stopped?").value == int((~step_still).sum())
    # a stop's length after it is not read as "no stop": it is the longest stop allowed (ask33b; was refused)
    assert fleet_asker("How many runs didn't stop for more than 5 minutes?").plan.max_stop_s == 300


def _steps(f: pd.DataFrame) -> pd.Series:
    """Each fix's speed to the next in m/s (NaN at a trip's last fix), with pandas."""
    return _to_next_m(f) / (f.t.shift(-1) - f.t).dt.total_seconds()


def test_shift_labels_and_how_many(fleet, fleet_asker) -> None:
    """ "late shift runs" was "did not understand 'late shift'" ("late" is a time word the planner keeps);
    "which van drove the most km on Monday, and how many?" reads the ranking (the trailing "how many" asked
    nothing more; set 33's C1 was a count of trips)."""
    runs = fleet.groupby("traj_id").agg(label=("label", "first"), t=("t", "min"))
    late_tue = int(((runs.label == "late") & (runs.t.dt.weekday == 1)).sum())
    assert fleet_asker("How many late shift runs were there on Tuesday?").value == late_tue
    assert fleet_asker("How many runs did the early shift do?").value == int(
        (runs.label == "early").sum()
    )
    a = fleet_asker("Which van drove the most km on Monday, and how many?")
    assert a.plan.action == "sum" and a.plan.group == "vehicle" and a.plan.metric == "length_m"
    m = _hav(fleet[(fleet.t.dt.weekday == 0) & fleet.vehicle_id.str.startswith("VAN")])
    unit = fleet.groupby("traj_id").vehicle_id.first()
    assert m.groupby(unit.reindex(m.index)).sum().idxmax() in str(a).splitlines()[0]


@pytest.fixture(scope="module")
def ferries() -> pd.DataFrame:
    """Two ferries by name, Mon 30 Nov 2026: crossings at 9 m/s, charters at 5 m/s; Borealis off on Tuesday."""
    rows, n = [], 0
    for day in (0, 1):
        for k, name in enumerate(("Aurora", "Borealis")):
            if name == "Borealis" and day == 1:
                continue
            for j, (label, mps) in enumerate(
                (("crossing", 9.0), ("charter", 5.0), ("crossing", 8.0))
            ):
                n += 1
                t0 = MON + pd.Timedelta(days=day, hours=2 * j, minutes=5 * k)
                rows += _track(
                    name, f"V{n:02d}", t0, mps, 30, lat0=-33.86 + 0.001 * n, label=label, bearing=90
                )
    return pd.DataFrame(rows, columns=["traj_id", "vehicle_id", "t", "lat", "lon", "label"])


def test_crossings_are_the_crossing_label(ferries) -> None:
    """ "the average speed of the crossings" was every voyage's ("crossings" are trips to the planner)."""
    asker = Asker(ferries)
    f = ferries.sort_values(["traj_id", "t"])
    g = f.groupby("traj_id")
    kmh = _hav(f) / (g.t.max() - g.t.min()).dt.total_seconds() * 3.6
    crossing = g.label.first() == "crossing"
    a = asker("What was the average speed of the crossings in km/h?")
    assert a.plan.mode == "crossing" and a.value == pytest.approx(kmh[crossing].mean(), rel=1e-3)
    assert asker("How many crossings were there?").value == int(crossing.sum())
    assert asker("How many voyages were there?").value == len(
        kmh
    )  # "voyages" stay every trip (no such label)
    assert asker("Were all the ferries out on Tuesday?").yes is False
    assert asker("Were all the ferries out on Monday?").yes is True


def test_were_all_the_crossings_asks_of_each_trip(ferries) -> None:
    """ "Were all the crossings longer than X?" was "yes" where any one crossing was: now of each crossing."""
    asker = Asker(ferries)
    f = ferries.sort_values(["traj_id", "t"])
    crossing = f.groupby("traj_id").label.first() == "crossing"
    km = _hav(f)[crossing] / 1000
    cut = round(float(np.median(km)), 3)  # about half the crossings are longer: some, not all
    short = sorted(km.index[km <= cut])
    assert 0 < len(short) < len(km)
    a = asker(f"Were all the crossings longer than {cut} km?")
    assert a.yes is False and str(a).startswith(
        f"no: {len(short)} of {len(km)} trips do not ({', '.join(short[:5])}"
    )
    a = asker(f"Were all the crossings longer than {round(km.min() * 0.9, 3)} km?")
    assert a.yes is True and str(a).startswith(f"yes: all {len(km)} trips do")
    a = asker(
        "Were all the charters faster than 100 km/h?"
    )  # a label's noun: its trips, not the vehicles
    assert a.yes is False and a.every is None and a.all_trips is not None
    with pytest.raises(CannotAnswer, match="'all the trips' asks of each trip"):
        asker("Were all the crossings on Monday?")
    assert (
        asker(f"Were any crossings longer than {cut} km?").yes is True
    )  # one is enough: unchanged


def _phone() -> pd.DataFrame:
    """A phone app's export: participants P01 / P02, segments stay / walk / bike / stay / bus / stay on Mon 30 Nov
    (a stay's fixes 5 min apart, 10 m of jitter), keyed by ``participant_id`` and ``segment_id``."""
    rng = np.random.default_rng(33)
    rows, n = [], 0
    for p, pid in enumerate(("P01", "P02")):
        t = MON + pd.Timedelta(minutes=3 * p)
        plan = [("stay", 60 + 30 * p), ("walk", 0), ("stay", 240), ("bike", 0), ("stay", 90 - 20 * p), ("bus", 0),
                ("stay", 120)]  # fmt: skip
        for label, minutes in plan:
            n += 1
            if label == "stay":
                k = minutes // 5
                for i in range(k + 1):
                    jit = rng.normal(0, 10 / 111_195.0, 2)
                    rows.append(
                        (
                            pid,
                            f"S{n:03d}",
                            t + pd.Timedelta(minutes=5 * i),
                            55.68 + jit[0],
                            12.57 + jit[1],
                            label,
                        )
                    )
                t += pd.Timedelta(minutes=5 * k + 1)
            else:
                mps = {"walk": 1.4, "bike": 4.5, "bus": 7.0}[label]
                seg = _track(pid, f"S{n:03d}", t, mps, 20 + 5 * p, lat0=55.68, label=label)
                rows += [(pid, trip, tt, la, lo, lab) for trip, _, tt, la, lo, lab in seg]
                t = seg[-1][2] + pd.Timedelta(minutes=1)
    return pd.DataFrame(
        rows, columns=["participant_id", "segment_id", "recorded_at", "lat", "lon", "activity"]
    )


def test_a_phone_studys_trips_are_its_moves_and_stays_last_by_duration() -> None:
    """A study's trips counted its stays (set 33's B7: 4 for 2); "the longest stays" ranked by their jitter."""
    phone = _phone()
    asker = Asker(phone, columns={"traj_id": "segment_id", "t": "recorded_at"})
    seg = phone.groupby("segment_id").agg(p=("participant_id", "first"), label=("activity", "first"),
                                          a=("recorded_at", "min"), b=("recorded_at", "max"))  # fmt: skip
    moves, stays = seg[seg.label != "stay"], seg[seg.label == "stay"]
    a = asker("How many trips did P01 make?")
    assert a.plan.modes == ["bike", "bus", "walk"] and a.value == int((moves.p == "P01").sum()) == 3
    longest = (stays.b - stays.a).nlargest(2).index.tolist()
    a = asker("What were the 2 longest stays?")
    assert a.plan.metric == "duration_s" and a.result() == longest
    assert asker("How many stays were there?").value == len(stays)  # a stay's own word: the stays
    assert (
        asker("What was the total length of the stays in km?").plan.metric == "length_m"
    )  # distance said


def test_rows_keyed_by_the_participant_are_cut_where_the_label_changes() -> None:
    """A frame with ``participant_id`` and no trip column was one trip a participant with its most common label
    ("how many km did P01 walk" was 0.0 km); a frame with its trips keeps them."""
    import trajlm

    phone = _phone()
    keyed = phone.drop(columns="segment_id")
    walk = phone[phone.activity == "walk"].rename(
        columns={"segment_id": "traj_id", "recorded_at": "t"}
    )
    want = _hav(walk[walk.participant_id == "P01"]).sum() / 1000
    a = trajlm.ask("How many km did P01 walk?", keyed)
    assert a.value == pytest.approx(want, rel=1e-3) and want > 0.5
    assert any("cut where their label changes" in n for n in a.notes)
    assert trajlm.ask("How many trips did P02 make?", keyed).value == 3
    kept = trajlm.ask("How many trips did P01 make?", phone, traj_col="segment_id")
    assert kept.value == 3 and not any("label changes" in n for n in kept.notes)


def test_http_ask_reads_a_participants_rows(trajlm_small) -> None:
    """newuser32's leftover: rows posted to /ask with `participant_id` / `activity` keys (a phone app's export)."""
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from trajlm.serve import ServeSettings, create_app

    keyed = _phone().drop(columns="segment_id")
    keyed["recorded_at"] = keyed.recorded_at.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    with TestClient(create_app(trajlm_small, ServeSettings())) as c:
        r = c.post(
            "/ask",
            json={"question": "Did P02 take the bus on Monday?", "rows": keyed.to_dict("records")},
        )
        assert r.status_code == 200 and r.json()["yes"] is True
        r = c.post(
            "/ask",
            json={
                "question": "How many trips did participant P01 make?",
                "rows": keyed.to_dict("records"),
            },
        )
        assert r.json()["value"] == 3
