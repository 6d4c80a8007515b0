"""Session 30 (ask30): a vineyard's, a gritting fleet's and a bike-share operator's words: a label's verb ("spray
jobs", "did T1 mow", "deadheading"), "missions" and "a run", kinds of vehicle named by their ids' letters ("the vans"
on VAN-*, "the tractors" on T1 / T2, "which gritter" on GRT-*), "the ATV" (the one vehicle of those letters),
"sitting idle" / "parked", "was X out", a "length" in minutes, "this week" on one week's data, "Saturday morning"
for a 04:30 departure, and "who was driving X" refused in one line (docs/llm.md "Session 30 (ask30)").

One small frame built here, truths with pandas: T1, T2 (tractors), ATV-4, VAN-07, VAN-12 (vans) and TRI-3 (a trike)
over Mon 30 Nov - Wed 2 Dec 2026; on main's code "the vans" averaged every vehicle's trips (a wrong number).
"""

from __future__ import annotations

import pandas as pd
import pytest
from ask_helpers import fleet_truths

from trajlm.llm.plan import CannotAnswer
from trajlm.questions import Asker

pytestmark = pytest.mark.filterwarnings("ignore")
MI = 1609.344
UNITS = {  # unit: (label, metres a minute, stopped minutes in the middle)
    "T1": ("spraying", 100.0, 0), "T2": ("mowing", 130.0, 0), "ATV-4": ("deadhead", 60.0, 6),
    "VAN-07": ("rebalancing", 280.0, 4), "VAN-12": ("rebalancing", 250.0, 4), "TRI-3": ("rebalancing", 150.0, 2),
}  # fmt: skip


@pytest.fixture(scope="module")
def fleet() -> pd.DataFrame:
    rows, n = [], 0
    for d, day in enumerate(pd.date_range("2026-11-30", "2026-12-02")):
        for u, (unit, (label, mpm, stop)) in enumerate(UNITS.items()):
            for hour in (4.5, 9) if unit == "T1" else (9,):
                n += 1  # every trip its own path and speed (copies of one path are counted once)
                t0 = day + pd.Timedelta(hours=hour, minutes=u)
                lat, v = 38.40 + 0.001 * u, mpm * (1 + 0.03 * d + 0.01 * (hour < 6))
                for i in range(31):  # 30 one-minute steps north, `stop` of them standing
                    rows.append((f"J{n}", unit, label, t0 + pd.Timedelta(minutes=i), lat, -122.36))
                    lat += 0 if 10 <= i < 10 + stop else v / 111_195.0
    return pd.DataFrame(rows, columns=["job", "unit", "op", "t", "lat", "lon"])


@pytest.fixture(scope="module")
def asker(fleet) -> Asker:
    cols = {"traj_id": "job", "t": "t", "vehicle_id": "unit", "label": "op"}
    return Asker(fleet, columns=cols, tz="America/Los_Angeles")


@pytest.fixture(scope="module")
def table(fleet) -> pd.DataFrame:
    return fleet_truths(fleet)


def test_a_labels_verb_missions_and_a_run(asker, table):
    """set 30: 'spray jobs', 'did T1 mow', 'deadheading' (label 'deadhead'), 'missions' and 'the longest ... run'
    were refused ('did not understand')."""
    tue = table[(table.veh == "T1") & (table.start.dt.day == 1)]
    assert asker("How many spray jobs did T1 do on Tuesday?").value == len(tue)
    t2 = table[table.veh == "T2"]
    assert asker("How many miles did T2 mow in total?").value == pytest.approx(
        t2.m.sum() / MI, rel=0.01
    )
    atv = table[table.veh == "ATV-4"]
    assert asker("How many km of deadheading did ATV-4 do?").value == pytest.approx(
        atv.m.sum() / 1000, rel=0.01
    )
    reb = table[table.op == "rebalancing"]
    assert asker("How many rebalancing missions were there?").value == len(reb)
    assert asker("What was the longest rebalancing run, in minutes?").value == pytest.approx(
        reb.dur.max() / 60
    )


def test_kinds_of_vehicle_by_their_ids_letters(asker, table):
    """set 30: 'the vans' averaged every vehicle's trips on main (a wrong number: 'van' is a word of the planner);
    'the tractors' (T1, T2: one letter) and 'the ATV' / 'the trike' (one vehicle of those letters) were refused."""
    vans = table[table.veh.str.startswith("VAN")]
    assert vans.kmh.mean() != pytest.approx(table.kmh.mean(), rel=0.02)  # the test can fail
    a = asker("What was the average speed of the vans in km/h?")
    assert a.value == pytest.approx(vans.kmh.mean(), rel=0.01)
    tractors = table[table.veh.isin(["T1", "T2"])]
    assert asker("How many miles did the tractors cover in total?").value == pytest.approx(
        tractors.m.sum() / MI, rel=0.01
    )
    assert "VAN-07" in str(asker("Which van drove the furthest?")).splitlines()[0]
    atv = table[(table.veh == "ATV-4") & (table.start.dt.day == 3 - 1)]
    assert asker("How many hours was the ATV out on Tuesday?").value == pytest.approx(
        atv.dur.sum() / 3600
    )
    trike = table[table.veh == "TRI-3"]
    assert asker("How many km did the trike ride in total?").value == pytest.approx(
        trike.m.sum() / 1000, rel=0.01
    )


def test_stopped_words_length_in_minutes_this_week_and_morning(asker, table):
    """set 30: 'sitting idle', 'parked', 'the average job length in minutes', 'this week' on one week's data were
    refused; 'what time did T1 leave on Tuesday morning' said 'no trips match' for a 04:30 start (morning was
    06:00-12:00)."""
    atv = table[(table.veh == "ATV-4") & (table.start.dt.day == 30)]
    assert asker("How many minutes was ATV-4 sitting idle on Monday?").value == pytest.approx(
        atv.still.sum() / 60
    )
    v12 = table[table.veh == "VAN-12"]
    assert asker("How many minutes did VAN-12 spend parked in total?").value == pytest.approx(
        v12.still.sum() / 60
    )
    assert asker("What was the average job length in minutes?").value == pytest.approx(
        table.dur.mean() / 60
    )
    top = table.groupby("veh").m.sum().idxmax()
    assert top in str(asker("Which vehicle put the most miles on this week?")).splitlines()[0]
    first = table[(table.veh == "T1") & (table.start.dt.day == 1)].start.min()
    assert first.hour == 4
    assert str(asker("What time did T1 leave on Tuesday morning?").value).startswith(
        first.strftime("%Y-%m-%dT%H:%M")
    )
    assert asker("How many trips started in the morning?").value == int(
        (table.start.dt.hour >= 6).sum()
    )


def test_who_drove_a_vehicle_is_refused_in_one_line(asker):
    """set 30: 'who was driving GRT-15 on Saturday' listed GRT-15's trips (no driver is in the data)."""
    with pytest.raises(CannotAnswer) as e:
        asker("Who was driving VAN-12 on Tuesday?")
    assert "driver" in str(e.value) and "\n" not in str(e.value)
    with pytest.raises(CannotAnswer):
        asker("How many acres did T1 spray on Tuesday?")


def test_on_average_how_many_and_plain_wordings(asker, table):
    """set 30's second paraphrase batch: 'on average, how many hours did ... take' answered the total (66.1 h for
    3.31 h: a wrong number on main); 'I need ..., km/h please', 'clocked up', 'X's distance', 'distance run by',
    'how much time did X spend working' were refused."""
    reb = table[table.op == "rebalancing"]
    assert reb.dur.sum() != pytest.approx(reb.dur.mean())  # the test can fail
    a = asker("On average, how many minutes did the rebalancing trips take?")
    assert a.plan.action == "mean" and a.value == pytest.approx(reb.dur.mean() / 60)
    vans = table[table.veh.str.startswith("VAN")]
    assert asker("I need the mean speed of the vans, km/h please").value == pytest.approx(
        vans.kmh.mean(), rel=0.01
    )
    top = vans.groupby("veh").m.sum().idxmax()
    assert top in str(asker("Which of the vans clocked up the most kilometres?")).splitlines()[0]
    v12 = table[(table.veh == "VAN-12") & (table.start.dt.day == 1)]
    assert asker("What was VAN-12's distance on Tuesday in metres?").value == pytest.approx(
        v12.m.sum(), rel=0.01
    )
    trike = table[table.veh == "TRI-3"]
    assert asker("Distance run by TRI-3, in km?").value == pytest.approx(
        trike.m.sum() / 1000, rel=0.01
    )
    tue = trike[trike.start.dt.day == 1]
    assert asker(
        "How much time did the trike spend working on Tuesday, in hours?"
    ).value == pytest.approx(tue.dur.sum() / 3600)
