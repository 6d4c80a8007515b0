"""Session 20 (ask20): fixes from three new users' first read (docs/llm.md "Session 20 (ask20)").

Each case failed on main at 39f12f3: tracks of days selected by their start ("no trips match" for 550 km of elk
movement in March), short ids of the people or animals a track follows ("P03", "W01": "did not understand 'p 03'"),
"which animal moved the most", two labels at once ("which truck or van had the most tours", refused), "how long was
DRV005 idle on 2 June" (its segments listed), and counts of the people or animals ("how many participants ...").
Truths with pandas / numpy on the frames here, never trajlm's code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from ask_helpers import haversine_m as _hav

from trajlm.llm.plan import CannotAnswer
from trajlm.questions import Asker

pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def collars() -> pd.DataFrame:
    """Hourly collars, local Denver times across the 8 March 2026 change; one track per animal."""
    rng = np.random.default_rng(20)
    rows = []
    utc = pd.date_range("2026-03-05 07:00", "2026-03-12 06:00", freq="1h")
    for aid, sp, step in (("E01", "elk", 250), ("E02", "elk", 300), ("W01", "wolf", 900)):
        la, lo = 45.6 + rng.uniform(-0.1, 0.1), -110.9 + rng.uniform(-0.1, 0.1)
        for tu in utc:
            if rng.random() > 0.05:
                rows.append((aid, sp, tu, la, lo))
            s, h = rng.exponential(step), rng.uniform(0, 2 * np.pi)
            la, lo = (
                la + s * np.cos(h) / 111195,
                lo + s * np.sin(h) / (111195 * np.cos(np.radians(la))),
            )
    df = pd.DataFrame(rows, columns=["animal_id", "species", "t_utc", "lat", "lon"])
    local = df["t_utc"].dt.tz_localize("UTC").dt.tz_convert("America/Denver")
    df["fix_time_local"] = local.dt.strftime("%m/%d/%Y %H:%M")
    df = df.sort_values(["animal_id", "t_utc"])
    prev = df.groupby("animal_id")[["lat", "lon"]].shift()
    df["step"] = _hav(prev["lat"], prev["lon"], df["lat"], df["lon"]).fillna(0)
    df["day_before"] = local.dt.date.groupby(
        df["animal_id"]
    ).shift()  # a step counts on the day it began
    return df


@pytest.fixture(scope="module")
def wild(collars: pd.DataFrame) -> Asker:
    frame = collars[["animal_id", "species", "fix_time_local", "lat", "lon"]]
    return Asker(frame, tz="America/Denver", time_format="%m/%d/%Y %H:%M",
                 columns={"traj_id": "animal_id", "label": "species", "t": "fix_time_local"})  # fmt: skip


def _on(collars: pd.DataFrame, day: str) -> pd.DataFrame:
    return collars[collars["day_before"].astype(str) == day]


def test_a_track_of_days_is_read_day_by_day_for_dates(wild: Asker, collars: pd.DataFrame) -> None:
    truth = _on(collars, "2026-03-09").query("species == 'elk'")["step"].sum() / 1000
    ans = wild("what was the total distance moved by all elk on 9 March, in km?")
    assert ans.value == pytest.approx(truth, rel=1e-6)
    assert any("read day by day" in n for n in ans.notes)


def test_a_short_id_of_a_track_is_its_mover(wild: Asker, collars: pd.DataFrame) -> None:
    truth = _on(collars, "2026-03-08").query("animal_id == 'W01'")["step"].sum() / 1000
    assert wild("how far did W01 travel on 8 March, in km?").value == pytest.approx(truth, rel=1e-6)
    total = collars.query("animal_id == 'E02'")["step"].sum() / 1000
    assert wild("how far did E02 travel in total, in km?").value == pytest.approx(total, rel=1e-6)


def test_a_daily_distance_of_a_track(wild: Asker, collars: pd.DataFrame) -> None:
    e1 = collars[(collars["animal_id"] == "E01") & collars["day_before"].notna()]
    truth = e1.groupby("day_before")["step"].sum().mean() / 1000
    assert wild("what is the average daily distance of E01 in km?").value == pytest.approx(
        truth, rel=1e-6
    )


def test_which_animal_moved_the_most(wild: Asker, collars: pd.DataFrame) -> None:
    on = _on(collars, "2026-03-10").groupby("animal_id")["step"].sum()
    ans = wild("which animal moved the most on 10 March?")
    assert ans.value == pytest.approx(on.max(), rel=1e-6) and on.idxmax() in str(ans)
    low = collars.groupby("animal_id")["step"].sum()
    assert low.idxmin() in str(wild("which animal moved the least overall?")).splitlines()[0]


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("how far did W01 move between 8 pm and 6 am on 9 March?", "hours of the day"),
        ("how many trips did E01 make on 9 March?", "a count would count days"),
    ],
)
def test_hours_and_counts_on_tracks_are_refused(wild: Asker, question: str, said: str) -> None:
    with pytest.raises(CannotAnswer, match=said):
        wild(question)


def test_short_trips_are_not_cut(collars: pd.DataFrame) -> None:
    """Trips under a day keep their start: a date selects them whole, as before."""
    day = collars[collars["t_utc"] < "2026-03-06 07:00"].assign(
        animal_id=lambda d: d["animal_id"] + "-d1"
    )
    frame = day[["animal_id", "species", "fix_time_local", "lat", "lon"]]
    ask = Asker(frame, tz="America/Denver", time_format="%m/%d/%Y %H:%M",
                columns={"traj_id": "animal_id", "label": "species", "t": "fix_time_local"})  # fmt: skip
    assert ask("how many trips started on 5 March?").value == 3


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    """A contact-tracing export: one row a minute per participant, no trip column, London local times."""
    rng = np.random.default_rng(3)
    rows = []
    for p in range(1, 5):
        la, lo = 51.5 + 0.01 * p, -0.12
        for t in pd.date_range("2026-05-11 07:00", "2026-05-13 22:59", freq="10min"):
            if 7 <= t.hour < 23:
                la, lo = la + rng.normal(0, 3e-4), lo + rng.normal(0, 3e-4)
                rows.append((f"P{p:02d}", t.strftime("%Y-%m-%d %H:%M:%S"), la, lo))
    df = pd.DataFrame(rows, columns=["participant_id", "recorded_at", "lat", "lng"])
    prev = df.groupby("participant_id")[["lat", "lng"]].shift()
    return df.assign(step=_hav(prev["lat"], prev["lng"], df["lat"], df["lng"]).fillna(0))


def test_participants_by_their_ids_and_as_a_count(people: pd.DataFrame) -> None:
    ask = Asker(people.drop(columns="step"), tz="Europe/London",
                columns={"vehicle_id": "participant_id", "t": "recorded_at", "lon": "lng"})  # fmt: skip
    # a participant's days are cut at the 8-h nights into trips, as ingest cuts the same file
    # (pieces22): the overnight jumps (last fix 22:50 -> first 07:00) are not travel
    moved = people[~people["recorded_at"].str.endswith("07:00:00")]
    total = moved.groupby("participant_id")["step"].sum()
    assert ask("how far did P03 travel in total, in km?").value == pytest.approx(
        total["P03"] / 1000, rel=1e-6
    )
    assert (
        total.idxmax()
        in str(ask("which participant travelled the furthest overall?")).splitlines()[0]
    )
    assert ask("how many participants are in the data?").value == 4
    lat, lon = people.query("participant_id == 'P02'").iloc[40][["lat", "lng"]]
    near = people[_hav(people["lat"], people["lng"], lat, lon) <= 300]["participant_id"].nunique()
    assert ask(f"how many participants came within 300 m of {lat:.5f}, {lon:.5f}?").value == near


@pytest.fixture(scope="module")
def fleet() -> Asker:
    rows = []
    units = [("VAN-01", "van", 5), ("VAN-02", "van", 3), ("TRK-1", "truck", 6), ("TRK-2", "truck", 2),
             ("CB-1", "cargo bike", 9)]  # fmt: skip
    for u, (unit, kind, n) in enumerate(units):
        for i in range(n):
            t0 = pd.Timestamp("2026-04-06 08:00") + pd.Timedelta(hours=3 * i)
            for j in range(10):
                rows.append((f"{unit}-{i}", unit, kind, t0 + pd.Timedelta(minutes=j),
                             52.5 + 0.001 * j + 0.01 * i, 13.4 + 0.001 * j + 0.05 * u))  # fmt: skip
    df = pd.DataFrame(rows, columns=["tour", "unit", "kind", "time", "lat", "lon"])
    return Asker(
        df, columns={"traj_id": "tour", "vehicle_id": "unit", "label": "kind", "t": "time"}
    )


def test_two_labels_at_once(fleet: Asker) -> None:
    ans = fleet("which truck or van had the most tours?")
    assert ans.value == 6 and "TRK-1" in str(ans).splitlines()[0]
    assert fleet("which van or truck made the fewest tours?").value == 2
    assert fleet("how many truck or van tours were there?").value == 16
    assert fleet("how many tours did vans and trucks make in total?").value == 16


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("which truck or plane had the most tours?", "airplane"),
        ("which truck or ship had the most tours?", "not a label"),
        ("which driver or van had the most tours?", "ask about one"),
    ],
)
def test_two_labels_one_missing_is_one_line(fleet: Asker, question: str, said: str) -> None:
    with pytest.raises(CannotAnswer, match=said):
        fleet(question)


def test_how_long_was_a_vehicle_in_a_state() -> None:
    rows = []
    for seg, (state, start, minutes) in enumerate(
        [
            ("idle", "08:00", 30),
            ("occupied", "08:31", 20),
            ("idle", "08:52", 45),
            ("idle", "13:00", 10),
        ]
    ):
        t0 = pd.Timestamp(f"2026-06-02 {start}")
        for j in range(minutes + 1):
            rows.append(
                (f"S{seg}", "DRV005", state, t0 + pd.Timedelta(minutes=j), -6.2 + 1e-4 * j, 106.8)
            )
    df = pd.DataFrame(rows, columns=["segment_id", "driver_id", "status", "ts", "lat", "lon"])
    ask = Asker(
        df,
        columns={"traj_id": "segment_id", "vehicle_id": "driver_id", "label": "status", "t": "ts"},
    )
    assert ask("how long was DRV005 idle on 2 June, in minutes?").value == pytest.approx(85.0)
    with pytest.raises(CannotAnswer, match="in total or on average"):
        ask("how long were idle trips on 2 June?")


def test_contacts_are_refused_in_one_line(people: pd.DataFrame) -> None:
    ask = Asker(people.drop(columns="step"), tz="Europe/London",
                columns={"vehicle_id": "participant_id", "t": "recorded_at", "lon": "lng"})  # fmt: skip
    with pytest.raises(CannotAnswer, match="how close movers came to each other"):
        ask("which people were within 50 m of person P03 between 11:00 and 12:00 on 12 May?")
    day = people.assign(
        d=people.groupby("participant_id").cumcount()
    )  # 96 rows on 11 May a participant; the night before 12 May cuts the trip (pieces22: as
    # ingest cuts the file; the overnight step counted on 11 May before)
    truth = day[(day["d"] > 0) & (day["d"] < 96)]["step"].sum() / 1000
    ans = ask("what was the total distance travelled by all participants on 11 May, in km?")
    assert ans.value == pytest.approx(truth, rel=1e-6)


def test_a_label_after_while(fleet: Asker) -> None:
    assert fleet("which unit made the most tours while truck?").value == 6


def _states() -> Asker:
    rows = [(f"S{i}", f"DRV{i % 2}", ("idle", "occupied")[i % 2], pd.Timestamp("2026-06-02 08:00") +
             pd.Timedelta(minutes=30 * i + j), -6.2 + 1e-4 * j, 106.8 + 0.01 * i) for i in range(4) for j in range(10)]  # fmt: skip
    df = pd.DataFrame(rows, columns=["segment_id", "driver_id", "status", "ts", "lat", "lon"])
    return Asker(
        df,
        columns={"traj_id": "segment_id", "vehicle_id": "driver_id", "label": "status", "t": "ts"},
    )


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("which driver or truck had the most occupied trips?", "no such labels to tell them apart"),
        ("where did DRV1 spend most of its time?", "asks for a place"),
    ],
)
def test_answered_in_the_second_batch_refused_now(question: str, said: str) -> None:
    """The second batch (written after the fixes): a trip list and a per-driver count answered these."""
    with pytest.raises(CannotAnswer, match=said):
        _states()(question)


def test_one_column_in_two_roles(collars: pd.DataFrame) -> None:
    frame = collars[["animal_id", "species", "fix_time_local", "lat", "lon"]]
    ask = Asker(frame, tz="America/Denver", time_format="%m/%d/%Y %H:%M",
                columns={"traj_id": "animal_id", "vehicle_id": "animal_id", "label": "species", "t": "fix_time_local"})  # fmt: skip
    assert ask("how many animals are collared?").value == 3


def test_on_which_day_were_there_the_most() -> None:
    ask = _states()
    ans = ask("on which day were there the most occupied trips?")
    assert ans.plan.action == "peak" and "2026-06-02" in str(ans)
    assert ask("in which hour were there the fewest idle trips?").plan.ascending


def test_tracks_beside_short_trips_name_no_vehicles(collars: pd.DataFrame) -> None:
    """Without a vehicle column, a ranking per vehicle over tracks only would leave the short trips out."""
    short = collars.query("animal_id == 'E01' and t_utc < '2026-03-05 12:00'").assign(
        animal_id="X-short"
    )
    frame = pd.concat([collars, short])[["animal_id", "species", "fix_time_local", "lat", "lon"]]
    ask = Asker(frame, tz="America/Denver", time_format="%m/%d/%Y %H:%M",
                columns={"traj_id": "animal_id", "label": "species", "t": "fix_time_local"})  # fmt: skip
    with pytest.raises(CannotAnswer, match="no vehicle ids"):
        ask("which vehicle drove the most km?")
