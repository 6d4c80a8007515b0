"""Session 31 (ask31): a parking-enforcement team's, a roadside-assistance dispatcher's and a dog-walking
business's words: "patrols" as trips, walks as the trips where the labels are no transport modes ("how many walks
did Anna do", "which walker", "did the CEOs walk", "walking speed", "the longest walk"), "at the scene" as stopped,
and a kind of vehicle said in two words ("the tow trucks" on TOW-*, "the patrol vans" on PV-*) (docs/llm.md
"Session 31 (ask31)"). On main's code every question answered here was refused.

Small frames built here, truths with pandas: a fleet of officers on foot (CEO-03, CEO-07), scooters (SC-1, SC-2),
tow trucks (TOW-1, TOW-2) and patrol vans (PV-5, PV-6) over Mon 23 - Tue 24 Nov 2026; two dog walkers (Anna, Ben);
travellers whose labels are modes (bus, bike), where "walks" stay the mode.
"""

from __future__ import annotations

import pandas as pd
import pytest
from ask_helpers import fleet_truths

from trajlm.llm.plan import CannotAnswer
from trajlm.questions import Asker

pytestmark = pytest.mark.filterwarnings("ignore")
FLEET = {  # unit: (label, metres a minute, stopped minutes in the middle)
    "CEO-03": ("routine", 70.0, 5), "CEO-07": ("match day", 80.0, 3), "SC-1": ("routine", 300.0, 1),
    "SC-2": ("routine", 280.0, 1), "TOW-1": ("tow", 600.0, 12), "TOW-2": ("tow", 650.0, 15),
    "PV-5": ("battery", 700.0, 20), "PV-6": ("lockout", 620.0, 10),
}  # fmt: skip
WALKERS = {"Anna": ("solo", 65.0, 4), "Ben": ("pack", 75.0, 6)}


def _frame(units: dict, trips_a_day: dict, lat0: float) -> pd.DataFrame:
    """30 one-minute steps north a trip, ``stop`` of them standing; every trip its own speed (no copies)."""
    rows, n = [], 0
    for d, day in enumerate(pd.date_range("2026-11-23", "2026-11-24")):
        for u, (unit, (label, mpm, stop)) in enumerate(units.items()):
            for k in range(trips_a_day.get(unit, 1)):
                n += 1
                t0 = day + pd.Timedelta(hours=9 + 2 * k, minutes=u)
                lat, v = lat0 + 0.001 * u, mpm * (1 + 0.03 * d + 0.02 * k)
                for i in range(31):
                    rows.append((f"J{n}", unit, label, t0 + pd.Timedelta(minutes=i), lat, 4.87))
                    lat += 0 if 10 <= i < 10 + stop else v / 111_195.0
    return pd.DataFrame(rows, columns=["job", "unit", "op", "t", "lat", "lon"])


COLS = {"traj_id": "job", "t": "t", "vehicle_id": "unit", "label": "op"}


@pytest.fixture(scope="module")
def fleet() -> pd.DataFrame:
    return _frame(FLEET, {"CEO-07": 3, "TOW-2": 2}, 51.89)


@pytest.fixture(scope="module")
def walkers() -> pd.DataFrame:
    return _frame(WALKERS, {"Anna": 3, "Ben": 2}, 52.35)


def test_patrols_and_officers_walking(fleet):
    """set 31: 'patrols', 'the longest match day patrol', 'did the CEOs walk', 'walking speed' were refused; its
    paraphrases 'officer CEO-07', 'distance walked by the CEOs' too."""
    ask, table = Asker(fleet, columns=COLS, tz="Europe/Dublin"), fleet_truths(fleet)
    tue = table[(table.veh == "CEO-07") & (table.start.dt.day == 24)]  # Tue 24 Nov 2026
    assert ask("How many patrols did CEO-07 do on Tuesday?").value == len(tue) == 3
    ceos = table[table.veh.str.startswith("CEO")]
    assert ceos.m.sum() != pytest.approx(table.m.sum(), rel=0.02)  # the test can fail
    assert ask("How many km did the CEOs walk in total?").value == pytest.approx(
        ceos.m.sum() / 1000, rel=0.01
    )
    c3 = table[table.veh == "CEO-03"]
    assert ask("What was CEO-03's average walking speed in km/h?").value == pytest.approx(
        c3.kmh.mean(), rel=0.01
    )
    match = table[table.op == "match day"]
    assert ask("What was the longest match day patrol, in minutes?").value == pytest.approx(
        match.dur.max() / 60
    )
    assert ask("How many patrols did officer CEO-07 complete on Tuesday?").value == 3
    assert ask("Total distance walked by the CEOs, in km?").value == pytest.approx(
        ceos.m.sum() / 1000, rel=0.01
    )  # the CEOs together, not refused as "by the vehicles" (a group per vehicle)
    with pytest.raises(CannotAnswer):
        ask("How many patrols did CEO-09 do?")
    numbered = fleet.assign(unit=fleet.unit.str.replace(r"\D", "", regex=True))
    with pytest.raises(
        CannotAnswer, match="patrols"
    ):  # numbers are no fleet's ids: left as they were
        Asker(numbered, columns=COLS)("How many patrols were there?")


def test_tow_trucks_patrol_vans_and_the_scene(fleet):
    """set 31: 'which tow truck' and 'the patrol vans' were refused ('no vehicle here reads as truck'), 'at the
    scene' was not understood; 'which truck' on these ids is still refused."""
    ask, table = Asker(fleet, columns=COLS, tz="Europe/Dublin"), fleet_truths(fleet)
    tows = table[table.veh.str.startswith("TOW")].groupby("veh").m.sum()
    assert str(ask("Which tow truck drove the furthest?")).splitlines()[0].count(tows.idxmax()) == 1
    pvs = table[table.veh.str.startswith("PV")]
    assert ask("How many km did the patrol vans drive on Monday?").value == pytest.approx(
        pvs[pvs.start.dt.day == 23].m.sum() / 1000, rel=0.01
    )
    p5 = table[table.veh == "PV-5"]
    assert ask("How many minutes did PV-5 spend at the scene in total?").value == pytest.approx(
        p5.still.sum() / 60
    )
    with pytest.raises(CannotAnswer, match="truck"):
        ask("Which truck drove the furthest?")


def test_dog_walkers_walks(walkers):
    """set 31: 'how many walks did Anna do', 'which walker', 'the average pack walk length', 'the longest walk'
    were refused ('no trip is labelled walk'); an unknown walker stays refused."""
    ask, table = Asker(walkers, columns=COLS, tz="Europe/Amsterdam"), fleet_truths(walkers)
    anna = table[(table.veh == "Anna") & (table.start.dt.day == 23)]
    assert ask("How many walks did Anna do on Monday?").value == len(anna) == 3
    best = table.groupby("veh").m.sum().idxmax()
    assert best in str(ask("Which walker covered the most km?")).splitlines()[0]
    pack = table[table.op == "pack"]
    assert ask("What was the average pack walk length in km?").value == pytest.approx(
        pack.m.mean() / 1000, rel=0.01
    )
    assert ask("How long was the longest walk, in minutes?").value == pytest.approx(
        table.dur.max() / 60
    )
    assert ask("How many km did Ben walk in total?").value == pytest.approx(
        table[table.veh == "Ben"].m.sum() / 1000, rel=0.01
    )
    assert ask("How many dog walks did Anna do on Monday?").value == 3
    assert best in str(ask("Which dog walker walked the furthest?")).splitlines()[0]
    assert ask("How many km did Ben cover on his walks in total?").value == pytest.approx(
        table[table.veh == "Ben"].m.sum() / 1000, rel=0.01
    )
    with pytest.raises(
        CannotAnswer, match="no 'Erik' among this data's movers"
    ):  # fix34b: was "did not understand .erik."
        ask("How many walks did Erik do?")


def test_walks_stay_a_mode_where_labels_are_modes(walkers):
    """Where a label is a transport mode (GeoLife's bus / bike) 'walks' are the mode: refused when none is
    labelled walk, never every trip."""
    modes = walkers.assign(op=walkers.unit.map({"Anna": "bus", "Ben": "bike"}))
    ask = Asker(modes, columns=COLS)
    with pytest.raises(CannotAnswer, match="walk"):
        ask("How many walks were there?")
    with pytest.raises(CannotAnswer, match="walk"):
        ask("Which walker covered the most km?")
