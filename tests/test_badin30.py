"""Session 30 (badin30): regressions for the hostile inputs fixed this session
(docs/reliability.md "Session 30 (badin30)"; the cases are scripts/badin30/*.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import trajlm
from trajlm.errors import TrajlmInputError


def test_an_infinite_latitude_is_a_damaged_row_not_a_projected_coordinate():
    """cli.py 22 / api: a lat of inf was told "'lat' reaches inf, which is not a latitude in
    degrees; for projected coordinates pass --crs" (no CRS reads an inf); now the rows' line."""
    df = pd.DataFrame({"traj_id": ["a"] * 3, "t": [1772359200, 1772359215, 1772359230],
                       "lat": [np.inf, 41.15, 41.15], "lon": [-8.61, -8.60, -8.59]})  # fmt: skip
    with pytest.raises(TrajlmInputError) as e:
        trajlm.to_canonical(df)
    msg = str(e.value)
    assert "infinite" in msg and "projected" not in msg and "crs" not in msg.lower(), msg
    big = df.assign(lat=[4115000.0, 41.15, 41.15])  # a finite projected-looking value: as before
    with pytest.raises(TrajlmInputError, match="projected"):
        trajlm.to_canonical(big)


@pytest.mark.parametrize("every, unit", [("1ns", "'ns'"), ("2w", "'w'"), ("3 weeks", "'weeks'")])
def test_an_interval_in_an_unknown_unit_names_the_unit(every, unit):
    """cli.py 29: `recover --every 1ns` was told "give the interval as seconds > 0" (1 ns is)."""
    from trajlm.data.recover_grid import every_seconds

    with pytest.raises(TrajlmInputError) as e:
        every_seconds(every)
    assert f"{unit} is no unit here" in str(e.value), str(e.value)
    with pytest.raises(TrajlmInputError) as e:  # a number out of range says no unit
        every_seconds("-1h")
    assert "no unit" not in str(e.value)
    assert every_seconds("90 s") == 90 and every_seconds("2ms") == 0.002


def test_iso_times_with_and_without_an_offset_are_named_as_a_mix():
    """serve_http.py 19 / api: at_times ['2026-03-01T10:03:00', '2026-03-01T10:04:00+00:00']
    (and a frame's time column so mixed) were "strings that do not parse as ISO dates"; each
    parses alone, so the line names the mix and a row of each kind."""
    df = pd.DataFrame({"traj_id": ["a"] * 3, "lat": 41.15, "lon": [-8.61, -8.60, -8.59],
                       "t": ["2026-03-01T10:00:00", "2026-03-01T10:00:15+00:00",
                             "2026-03-01T10:00:30Z"]})  # fmt: skip
    with pytest.raises(TrajlmInputError) as e:
        trajlm.to_canonical(df)
    msg = str(e.value)
    assert "times mix ISO text with an offset" in msg and "'2026-03-01T10:00:00' at row 0" in msg
    assert "\n" not in msg
    every = df.assign(
        t=["2026-03-01T10:00:00Z", "2026-03-01T10:00:15+00:00", "2026-03-01T10:00:30Z"]
    )
    assert trajlm.to_canonical(every)["t"].to_list() == [1772359200, 1772359215, 1772359230]
    bad = df.assign(t=["soon", "2026-03-01T10:00:15+00:00", "2026-03-01T10:00:30Z"])
    with pytest.raises(TrajlmInputError, match="do not parse as ISO dates"):  # not a mix
        trajlm.to_canonical(bad)


def test_one_val_trip_is_no_evidence_for_a_tuned_knn():
    """knn.py 1-2: one val window's bootstrap is a zero-width interval, so eval said "reliably
    better: ratio 0.500 (0.500-0.500) over 1 val trips" and the guard (and smallval25's shrink
    to the defaults, which calls `beats`) kept the tuned cell on one trip's word."""
    from trajlm.eval.tuning_rule import beats, choose

    one = {"d": np.array([10.0]), "k": np.array([5.0])}
    assert beats(one["k"], one["d"]) is None
    c = choose(one, "d", rule="guarded")
    assert c.key == "d" and c.n == 1 and "reliably" not in c.words()
    assert choose(one, "d").key == "k"  # argmin keeps the lowest, as before, without the claim
    two = {"d": np.array([10.0, 12.0, 11.0]), "k": np.array([5.0, 6.0, 5.5])}
    assert beats(two["k"], two["d"])["better"] and choose(two, "d", rule="guarded").key == "k"
    owners = np.array([7, 7, 7])  # three windows of one trip: still one trip
    assert beats(two["k"], two["d"], owners) is None
    with pytest.raises(ValueError, match="differ in length"):
        beats(np.array([1.0, 2.0]), np.array([1.0, 2.0, 3.0]))


def test_a_kind_of_vehicle_no_ids_name_is_refused_on_a_fleet_of_lettered_ids():
    """ask.py 18: "How many trips did the trucks make?" on tests/test_ask30.py's fleet (VAN-07,
    VAN-12, ATV-4, T1, T2, TRI-3) answered 21, every vehicle's trips ("trucks" is the planner's
    word for a vehicle); now one line naming the ids' kinds. "The vans" still read VAN-*, and a
    fleet of one kind keeps reading "trucks" as its vehicles."""
    from trajlm.llm.plan import CannotAnswer
    from trajlm.questions import Asker

    rows = []
    for k, unit in enumerate(("VAN-07", "VAN-12", "ATV-4", "T1", "T2", "TRI-3")):
        t0 = pd.Timestamp("2026-12-01 09:00") + pd.Timedelta(minutes=k)
        rows += [(f"J{k}", unit, t0 + pd.Timedelta(minutes=i), 38.4 + 0.002 * i * (k + 1), -122.36)
                 for i in range(6)]  # fmt: skip
    df = pd.DataFrame(rows, columns=["job", "unit", "t", "lat", "lon"])
    ask = Asker(df, columns={"traj_id": "job", "t": "t", "vehicle_id": "unit"})
    with pytest.raises(CannotAnswer) as e:
        ask("How many trips did the trucks make?")
    assert "'trucks'" in str(e.value) and "VAN" in str(e.value) and "\n" not in str(e.value)
    assert ask("How many trips did the vans make?").value == 2
    assert ask("How many trips did truck VAN-07 make?").value == 1  # one vehicle named
    one_kind = df.assign(unit=df["unit"].map(lambda u: "TRK-" + u[-1]))
    assert (
        Asker(one_kind, columns={"traj_id": "job", "t": "t", "vehicle_id": "unit"})(
            "How many trips did the trucks make?"
        ).value
        == 6
    )


@pytest.mark.slow  # the verdict modules' import (scikit-learn): 17 s on a box at load 19
def test_a_nan_val_error_never_chooses_the_engine_past_knns_steps():
    """reach.py 14: a verdict whose val ADEs are NaN (a hand edit; a model that diverged on val)
    let the model answer past kNN's steps ("the lowest val error": min() keeps a NaN met first)
    and the line said "nanx its error"; now NaN is no score."""
    from trajlm.eval.predict_verdict import reach_engine
    from trajlm.eval.verdict_reach import reach_line

    nan = float("nan")
    v = {"engine": "kNN continuation", "knn": {"horizon": 5},
         "val_ade_m": {"model": nan, "linear-3": 150.6, "constant velocity [time]": 124.7,
                       "kNN continuation": 2.0}}  # fmt: skip
    assert reach_engine(v) == "constant velocity [time]"
    every = {**v, "val_ade_m": {"model": nan, "linear-3": nan, "kNN continuation": 2.0}}
    assert reach_engine(every) == "model"  # no engine scored: the model, as for an old verdict
    line = reach_line(every, "steps=8")
    assert "nan" not in line.lower() and "kNN continuation 2.0" in line, line


def test_a_latitude_just_past_90_is_no_projected_coordinate():
    """serve_http.py 32: /validity's lat 91 (and a frame's) was told "for projected coordinates
    pass crs='EPSG:...'": metres reach far past 180; a latitude of 91 is a bad row or swapped
    columns."""
    df = pd.DataFrame({"traj_id": ["a"] * 3, "t": [1772359200, 1772359215, 1772359230],
                       "lat": [91.0, 41.15, 41.15], "lon": [-8.61, -8.60, -8.59]})  # fmt: skip
    with pytest.raises(TrajlmInputError) as e:
        trajlm.to_canonical(df)
    msg = str(e.value)
    assert "not a latitude in degrees" in msg and "crs=" not in msg and "swap" in msg, msg
    with pytest.raises(TrajlmInputError, match="crs="):  # metres: the CRS hint, as before
        trajlm.to_canonical(df.assign(lat=[4557000.0, 4557010.0, 4557020.0]))
