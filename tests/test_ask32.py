"""Session 32 (ask32): set 32's fixes and session 31's leftovers (docs/llm.md "Session 32 (ask32)"):
a vehicle id said as people say it ("van 7" for VAN-07, "tug 22"), yes / no questions answered "yes" / "no" with the
trips that make it so, an unknown call type named as such ("call type D"), riders as a club's vehicles, a label in
the singular before a trip's noun ("grocery rounds" on ``groceries``), "what time did X first leave".

Frames built here, truths with pandas: ask30's fleet (T1, T2, ATV-4, VAN-07, VAN-12, TRI-3; Mon 30 Nov - Wed 2 Dec
2026, asked in Los Angeles time) and a small club / parcel round frame.
"""

from __future__ import annotations

import pandas as pd
import pytest
from ask_helpers import fleet_truths
from test_ask30 import asker, fleet, table  # noqa: F401 (fixtures)

from trajlm.llm.call_types import call_type_words
from trajlm.llm.club_words import label_singulars, outing_words, rider_words
from trajlm.llm.grounding import DataWords
from trajlm.llm.plan import CannotAnswer
from trajlm.llm.spoken_ids import spoken_vehicle_ids
from trajlm.llm.yes_no import is_yes_no
from trajlm.questions import Asker

pytestmark = pytest.mark.filterwarnings("ignore")
LA = "America/Los_Angeles"


def _local(trips: pd.DataFrame) -> pd.Series:
    return (
        trips.start
    )  # the fleet's naive times are Los Angeles wall-clock times (tz= reads them so)


def test_a_vehicle_id_said_with_a_space_is_the_vehicle(asker, table) -> None:  # noqa: F811
    """leftover31: "Was van 7 out on Monday?" was "did not understand 'out'", "How far did van 7 drive?" and
    "Did van 12 move on Tuesday?" were "no vehicle '7' / '12' in this data" (VAN-07 and VAN-12 are)."""
    day = _local(table).dt.weekday
    want = int(((table.veh == "VAN-07") & (day == 0)).sum())
    assert want > 0
    a = asker("Was van 7 out on Monday?")
    assert a.plan.vehicle == "VAN-07" and a.n_total == want
    assert asker("How far did van 7 drive?").value == pytest.approx(
        table[table.veh == "VAN-07"].m.sum(), rel=0.01
    )
    a = asker("Did van 12 move on Tuesday?")
    assert a.plan.vehicle == "VAN-12"
    assert a.n_total == int(((table.veh == "VAN-12") & (day == 1)).sum())
    with pytest.raises(CannotAnswer, match="no vehicle 'van 99'"):
        asker("How many km did van 99 drive?")  # still refused: no such van


def test_spoken_ids_leave_trips_short_forms_and_two_matches() -> None:
    words = DataWords(vehicles={"van-07": "VAN-07", "tug-22": "TUG-22", "t1": "T1"})
    assert spoken_vehicle_ids("Was tug 22 out?", words) == "Was TUG-22 out?"
    assert spoken_vehicle_ids("how far did Van-7 go", words) == "how far did VAN-07 go"
    for q in ("Describe trip van 7", "Did t 1 move?", "trips after 10:30", "the last 7 days"):
        assert spoken_vehicle_ids(q, words) == q
    two = DataWords(vehicles={"van-7": "VAN-7", "van-07": "VAN-07"})
    assert spoken_vehicle_ids("Did van 7 drive?", two) == "Did van 7 drive?"  # which one?
    assert spoken_vehicle_ids("Did van 7 drive?", DataWords()) == "Did van 7 drive?"


def test_yes_no_questions_say_yes_or_no_then_the_trips(asker, table) -> None:  # noqa: F811
    """leftover31: a yes / no question was answered by a list of trips alone ("0 trips" and an empty table)."""
    day = _local(table).dt.weekday
    a = asker("Was VAN-07 out on Monday?")
    n = int(((table.veh == "VAN-07") & (day == 0)).sum())
    assert str(a).splitlines()[0] == f"yes: {n} trip" + ("s" if n != 1 else "")
    assert (
        a.result() == a.table["traj_id"].to_list() and len(a.result()) == n
    )  # the trips, as before
    assert (table.veh.eq("T1") & table.op.eq("mowing")).sum() == 0  # T1 sprays
    a = asker("Did T1 mow?")
    assert str(a).splitlines()[0] == "no: no trips match" and a.n_total == 0
    assert not any("any vehicle" in x for x in a.notes)  # other vehicles mow: a plain no
    a = asker("Was TRI-3 out on Sunday?")  # the data is Monday to Wednesday
    assert str(a).startswith("no:") and any("no trip of any vehicle" in x for x in a.notes)
    listed = asker("List the trips of T1 on Tuesday")  # not a yes / no question: as before
    assert not str(listed).lower().startswith(("yes", "no"))
    assert is_yes_no("Were there any trips on Tuesday?") and not is_yes_no("How many trips?")


def test_an_unknown_call_type_is_named() -> None:
    """leftover31: "How many trips were call type D?" on Porto was "did not understand 'call type d'"."""
    words = DataWords(call_types=frozenset({"A", "B", "C"}))
    with pytest.raises(
        CannotAnswer, match=r"no trip has call type D in this data \(its call types: A, B, C\)"
    ):
        call_type_words("How many trips were call type D?", words)
    assert call_type_words("How many trips had call type C?", words)[1] == "C"
    assert call_type_words("How many trips were call type D?", DataWords()) == (
        "How many trips were call type D?",
        None,
    )  # no call types in the data: left to the planner


@pytest.fixture(scope="module")
def club() -> pd.DataFrame:
    rows, n = [], 0
    for d, day in enumerate(pd.date_range("2026-10-05", "2026-10-07")):
        for r, (rider, kind, mpm) in enumerate(
            [("Sam", "club run", 450.0), ("Lena", "intervals", 500.0), ("Marc", "recovery", 330.0)]
        ):
            if rider == "Marc" and d == 2:
                continue  # rests on Wednesday
            n += 1
            t0, lat = day + pd.Timedelta(hours=7, minutes=r), 41.98 + 0.01 * r
            for i in range(41):
                rows.append((f"R{n}", rider, kind, t0 + pd.Timedelta(minutes=i), lat, 2.82))
                lat += mpm * (1 + 0.1 * d + 0.05 * r) / 111_195.0
    return pd.DataFrame(rows, columns=["job", "unit", "op", "t", "lat", "lon"])


def test_riders_are_a_clubs_vehicles_and_a_labels_singular(club) -> None:
    """set 32: "Which rider rode the furthest?" was "'rider' is not a label of this data"; "How many grocery
    rounds" was "did not understand 'grocery'" (label ``groceries``)."""
    a = Asker(club, columns={"traj_id": "job", "t": "t", "vehicle_id": "unit", "label": "op"})
    truth = fleet_truths(club)
    best = truth.groupby("veh").m.sum().idxmax()
    assert best in str(a("Which rider rode the furthest?")).splitlines()[0]
    a_no = a("Did Marc ride on Wednesday?")
    assert str(a_no).startswith("no:")
    labels = ("groceries", "parcels", "returns")
    assert label_singulars("How many grocery rounds were there?", labels) == (
        "How many groceries rounds were there?"
    )
    assert label_singulars("What time did VAN-07 return on Saturday?", labels) == (
        "What time did VAN-07 return on Saturday?"
    )  # a verb stays a verb
    modes = DataWords(labels=("bike", "bus"), vehicles={"020": "020"})
    assert rider_words("How many km did the cyclists ride?", modes) == (
        "How many km did the cyclists ride?"
    )  # GeoLife-like modes: a cyclist is a bike trip's person
    club_words = DataWords(labels=("club run",), vehicles={"sam": "Sam"})
    assert rider_words("Which rider had an accident?", club_words) == "Which rider had an accident?"


def test_first_leave_is_the_first_start(asker, table) -> None:  # noqa: F811
    """set 32: "What time did TUG-22 first leave on Thursday?" was "did not understand 'first'"."""
    local = _local(table)
    first = local[(table.veh == "T1") & (local.dt.weekday == 1)].min()
    a = asker("What time did T1 first leave on Tuesday?")
    assert str(a.value).startswith(first.strftime("%Y-%m-%dT%H:%M"))
    with pytest.raises(CannotAnswer, match="first left or last got back"):
        asker("When did T1 last leave on Tuesday?")


def test_go_out_use_the_tram_and_any_van(asker, table) -> None:  # noqa: F811
    """set 32's paraphrases: "Did VAN-07 go out on Monday?" was "did not understand 'out'", "Did P05 use the
    tram" "did not understand 'use'"; "Did any van drive on Tuesday?" listed every vehicle's trips that day (7, of
    which 2 are the vans': a wrong list under a right "yes")."""
    day = _local(table).dt.weekday
    a = asker("Did VAN-07 go out on Monday?")
    assert a.plan.vehicle == "VAN-07" and a.n_total == int(
        ((table.veh == "VAN-07") & (day == 0)).sum()
    )
    vans = int((table.veh.str.startswith("VAN") & (day == 1)).sum())
    assert vans < int((day == 1).sum())  # the test can fail
    a = asker("Did any van drive on Tuesday?")
    assert a.n_total == vans and str(a).startswith(f"yes: {vans} trips")
    words = DataWords(labels=("bus", "tram"), vehicles={"p05": "P05"})
    assert outing_words("Did P05 use the tram on Saturday?", words.labels) == (
        "Did P05 take the tram on Saturday?"
    )
    assert outing_words("Did P05 use the app?", words.labels) == "Did P05 use the app?"
    assert (
        outing_words("What time did M8A go out?", ()) == "What time did M8A go out?"
    )  # set 28's B9
