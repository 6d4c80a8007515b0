"""Session 31 (ask31b): set 31's leftovers (docs/llm.md "Session 31 (ask31b)"). On main e97434ba each question
answered here was refused, and each refusal here gave a reason that named something else:

- Porto's call type (A dispatched from the central, B taxi stand, C on the street) as the plan's ``call_type``:
  "how many trips were street hails (call type C)?"; "taxi trips" stay every trip;
- "how long did members wait for a patrol to arrive?" / "which car models broke down most often?" are refused
  naming what is not in the data (were "in total or on average?" / "of which measure?");
- "which patrol van was at the scene the longest?": the vans' stopped time added up, ranked.

Truths with pandas on a small Porto-format CSV written here (ingested as `trajlm data ingest --format porto` does)
and on a small fleet frame.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from ask_helpers import fleet_truths

from trajlm.data.ingest import ingest
from trajlm.llm.plan import CannotAnswer
from trajlm.questions import Asker

pytestmark = pytest.mark.filterwarnings("ignore")
CALLS = "CCCBBBBBAAAA"  # 3 street hails, 5 from a stand, 4 dispatched
TAXIS = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]  # two trips each: taxi 1 made two of the street hails


@pytest.fixture(scope="module")
def porto(tmp_path_factory) -> tuple:
    """A Porto CSV of 12 trips (each its own length: 12 + 3 i fixes 15 s apart, heading east at its own speed),
    its store, and the truths per trip with pandas: call type, metres."""
    folder = tmp_path_factory.mktemp("porto31b")
    rows, truth = [], []
    for i, call in enumerate(CALLS):
        n, step = 12 + 3 * i, 0.0004 * (1 + i % 4)
        line = [[round(-8.62 + step * k, 6), round(41.15 + 0.001 * i, 6)] for k in range(n)]
        tid = f"13726{i:05d}"
        rows.append({"TRIP_ID": tid, "CALL_TYPE": call, "ORIGIN_CALL": "", "ORIGIN_STAND": "",
                     "TAXI_ID": str(20000100 + TAXIS[i]), "TIMESTAMP": 1372636858 + 600 * i, "DAY_TYPE": "A",
                     "MISSING_DATA": "False", "POLYLINE": json.dumps(line, separators=(",", ":"))})  # fmt: skip
        lat = np.radians(41.15 + 0.001 * i)
        metres = (
            (n - 1) * np.radians(step) * np.cos(lat) * 6_371_008.8
        )  # one parallel: haversine's arc
        truth.append((tid, call, metres, str(20000100 + TAXIS[i])))
    pd.DataFrame(rows).to_csv(folder / "train.csv", index=False)
    ingest(folder / "train.csv", "porto", folder / "store")
    return folder / "store", pd.DataFrame(truth, columns=["tid", "call", "m", "taxi"])


def test_porto_call_types(porto):
    """set 31 D6 'street hails (call type C)' was refused ('did not understand'); its paraphrase too."""
    store, truth = porto
    ask = Asker(store)
    c = truth[truth.call == "C"]
    assert len(c) != len(truth)  # the test can fail: a call type is not every trip
    assert ask("How many trips were street hails (call type C)?").value == len(c) == 3
    assert ask("How many trips were hailed on the street?").value == 3
    assert ask("How many trips were dispatched from the central?").value == 4
    assert ask("How many trips started from a taxi stand?").value == 5
    b = truth[truth.call == "B"]
    assert ask("What was the average length of call type B trips in km?").value == pytest.approx(
        b.m.mean() / 1000, rel=0.01
    )
    assert b.m.mean() != pytest.approx(truth.m.mean(), rel=0.01)
    # "taxi trips" on Porto stay every trip; with a call type, that call type's
    assert ask("How many taxi trips were there?").value == len(truth)
    assert ask("How many taxi trips were street hails?").value == 3
    # "street hails" as the trips themselves
    assert ask("How many street hails were there?").value == 3
    hails = c.taxi.value_counts()
    assert (
        hails.iloc[0] > hails.iloc[1] and truth.taxi.value_counts().nunique() == 1
    )  # one taxi leads only there
    got = ask("Which taxi made the most street hails?")
    assert got.value == hails.iloc[0] == 2 and hails.index[0] in str(got).splitlines()[0]
    with pytest.raises(CannotAnswer, match="two call types"):
        ask("How many street hails were dispatched?")


def test_call_types_only_where_the_data_has_them():
    """A fleet without a call_type column: 'street hails' stays refused (never every trip)."""
    frame = pd.DataFrame({"traj_id": ["a"] * 3 + ["b"] * 3, "t": pd.date_range("2026-01-05", periods=6, freq="min"),
                          "lat": [52.0, 52.001, 52.002] * 2, "lon": [4.0] * 6})  # fmt: skip
    with pytest.raises(CannotAnswer):
        Asker(frame)("How many trips were street hails?")
    with pytest.raises(CannotAnswer, match="call_type"):  # a plan naming it on such data says why
        ask = Asker(frame)
        ask.run(ask.plan("How many trips were there?").model_copy(update={"call_type": "C"}))


def _fleet() -> pd.DataFrame:
    """Two tow trucks and three patrol vans, 31 one-minute steps a trip, each van standing its own minutes."""
    units = {"TOW-1": 12, "TOW-2": 15, "PV-5": 20, "PV-6": 9, "PV-8": 14}
    rows, n = [], 0
    for u, (unit, stop) in enumerate(units.items()):
        for k in range(1 + u % 2):
            n += 1
            t0, lat = (
                pd.Timestamp("2026-11-23 09:00") + pd.Timedelta(hours=2 * k, minutes=u),
                51.9 + 0.001 * u,
            )
            for i in range(31):
                rows.append((f"J{n}", unit, "tow" if unit.startswith("T") else "battery", t0 + pd.Timedelta(minutes=i), lat, 4.87))  # fmt: skip
                lat += 0 if 10 <= i < 10 + stop + 3 * k else 600.0 / 111_195.0
    return pd.DataFrame(rows, columns=["job", "unit", "op", "t", "lat", "lon"])


def test_which_van_was_at_the_scene_longest():
    """'Which patrol van was at the scene the longest?' was refused ('answers per group'): its stopped time in
    total, ranked; 'stopped the longest in total' too. Without 'in total' (ask37b) the same, with the single longest
    stop's trip and vehicle said in a note (it was refused: one stop or all?)."""
    frame = _fleet()
    ask = Asker(frame, columns={"traj_id": "job", "t": "t", "vehicle_id": "unit", "label": "op"})
    table = fleet_truths(frame)
    vans = table[table.veh.str.startswith("PV")].groupby("veh").still.sum()
    longest_trip = table.loc[table[table.veh.str.startswith("PV")].still.idxmax()].veh
    assert vans.idxmax() == "PV-6" != longest_trip  # the test can fail: the total, not one stop
    for q in (
        "Which patrol van was at the scene the longest?",
        "Which patrol van was stopped the longest in total?",
    ):
        got = ask(q)
        assert got.value == pytest.approx(vans.max()) and "PV-6" in str(got).splitlines()[0]
    tows = table[table.veh.str.startswith("TOW")].groupby("veh").still.sum()
    got = ask("Which tow truck was at the scene the shortest?")
    assert got.value == pytest.approx(tows.min()) and tows.idxmin() in str(got).splitlines()[0]
    got = ask(
        "Which patrol van was stopped the longest?"
    )  # ask37b: the total, and the one stop said beside
    assert got.value == pytest.approx(vans.max()) and "PV-6" in str(got).splitlines()[0]
    assert f"of vehicle {longest_trip}" in str(got)


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("How long did members wait for a patrol to arrive?", "waited"),
        ("What was the average time customers waited?", "waited"),
        ("Which car models broke down most often?", "model"),
        ("How many trips did each vehicle make and model do?", "model"),
    ],
)
def test_refusals_name_what_is_not_in_the_data(question, named):
    """set 31 BR1 / BR2: the refusal named another thing ("in total or on average?", "of which measure?")."""
    ask = Asker(_fleet(), columns={"traj_id": "job", "t": "t", "vehicle_id": "unit", "label": "op"})
    with pytest.raises(CannotAnswer, match=rf"{named}.* is not in the data"):
        ask(question)


def test_the_reason_is_read_in_the_users_own_words():
    """What must not change: set 27's 'how many bushels did the crew haul' is rewritten ('crew' a vehicle, 'haul'
    a trip verb) before it is read; read there, it became 'vehicle make' (a first try of this fix did so)."""
    ask = Asker(_fleet(), columns={"traj_id": "job", "t": "t", "vehicle_id": "unit", "label": "op"})
    with pytest.raises(CannotAnswer, match="did not understand 'bushels elevator'"):
        ask("How many bushels did the crew haul to the elevator?")


def test_a_vehicles_own_wait_is_still_its_stopped_time():
    """What must not change: 'how long did PV-5 wait at the scene in total' is PV-5's stopped time."""
    frame = _fleet()
    ask = Asker(frame, columns={"traj_id": "job", "t": "t", "vehicle_id": "unit", "label": "op"})
    table = fleet_truths(frame)
    assert ask("How long did PV-5 wait at the scene in total?").value == pytest.approx(
        table[table.veh == "PV-5"].still.sum()
    )
