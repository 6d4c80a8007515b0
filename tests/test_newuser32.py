"""Session 32 (newuser32): an urban-mobility / public-health researcher's smartphone study
(docs/api.md "Session 32 (newuser32)").

- `--split-at-stops` (and `trajlm.clean`'s stop rule) cut a phone's stay at home into "trips"
  of indoor jitter (fixes 10-80 m off every 5 min): 3,425 trips for 1,320 true ones. A fix's own
  stated accuracy now counts: the stay is one stop.
- `TrajLM.predict` of a phone lying still extrapolated its jitter (~100 m away in 25 min, 3x the
  error of holding it); a history that ends in a stay is now held there, said once.
- A cell-tower fix (accuracy 1,500 m) as the last fix was the rollout's origin in `predict`.
- `trajlm.clean(gps, split_at_stops=True)`: "TypeError: coerce() got an unexpected keyword".
- `trajlm.ask(q, trips, traj_col="trip")`: "TypeError: ask() got an unexpected keyword"."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
from helpers import M_PER_DEG, tiny_model

import trajlm
from trajlm.api_stays import STAY_RADIUS_FACTORS, STD_SCALE
from trajlm.data.clean import CleanConfig
from trajlm.errors import ArgumentError, TrajlmInputError

T0 = pd.Timestamp("2026-03-02T07:00:00Z")
HOME = (52.37, 4.89)
M_LON = M_PER_DEG * math.cos(math.radians(HOME[0]))


def _day(pid: str = "P01", seed: int = 0, walk_min: int = 20) -> pd.DataFrame:
    """A phone at home 2 h (a fix every 5 min, 25-35 m sd indoor jitter, accuracy 60-80 m), a
    walk of `walk_min` min at 1.4 m/s (a fix every 20 s, accuracy 8 m), 2 h at work: the
    study app's export (ISO text on +01:00)."""
    rng = np.random.default_rng(seed)
    rows = []
    t = T0

    def fix(x: float, y: float, acc: float, sd: float) -> None:
        lat = HOME[0] + (y + rng.normal(0, sd)) / M_PER_DEG
        lon = HOME[1] + (x + rng.normal(0, sd)) / M_LON
        text = (t + pd.Timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S+01:00")
        rows.append({"participant_id": pid, "timestamp": text, "latitude": lat,
                     "longitude": lon, "accuracy": acc})  # fmt: skip

    for _ in range(24):
        fix(0, 0, rng.uniform(60, 80), 32)
        t += pd.Timedelta(minutes=5)
    n = walk_min * 3
    for k in range(n):
        fix(1.4 * 20 * k, 0, 8, 4)
        t += pd.Timedelta(seconds=20)
    for _ in range(24):
        fix(1.4 * 20 * n, 0, rng.uniform(60, 80), 32)
        t += pd.Timedelta(minutes=5)
    return pd.DataFrame(rows)


def test_stop_split_reads_each_fixes_stated_accuracy() -> None:
    """Two stays and one walk: one trip, not a dozen pieces of jitter (silently wrong before)."""
    df = pd.concat([_day("P01", 0), _day("P02", 1)], ignore_index=True)
    cfg = CleanConfig(stop_min_s=600, max_gap_s=1800, gap_intervals=3)
    out, report = trajlm.clean(df, cfg, return_report=True)
    trips = out.groupby("participant_id")["participant_id"].size()
    assert out["participant_id"].nunique() == 2, out["participant_id"].unique()  # one each
    assert report.repaired["stop_splits"] == 0  # the stays are the trip's two ends, not cuts
    assert trips.min() >= 55  # the walk's fixes are kept (60 per walk, a stop's end fixes)
    # without an accuracy column the box alone decides, as before: the jitter cuts the stays
    bare = trajlm.clean(df.drop(columns="accuracy"), cfg, return_report=False)
    assert bare["participant_id"].nunique() > 2
    # ... and a plain table's stops are where they were (session 16's box)
    from trajlm.data.clean_split import stop_rows

    t = np.arange(0, 3600, 60)
    x = np.where(t < 1200, 0.0, np.where(t < 2400, (t - 1200) * 2.0, 2400.0))
    plain = pl.DataFrame({"traj_id": ["a"] * len(t), "t": t, "lat": 52.0 + 0 * x,
                          "lon": 4.0 + x / (M_PER_DEG * math.cos(math.radians(52.0)))})  # fmt: skip
    lo, hi = stop_rows(plain)
    assert lo.tolist() == [0, 40] and hi.tolist() == [20, 59]


def test_predict_holds_a_phone_at_its_stay(tmp_path: Path) -> None:
    model = trajlm.TrajLM.from_pretrained(tiny_model(tmp_path / "m"), threads=1)
    day = _day("P01", 2)
    home = day.iloc[:24]  # 2 h at home: the history ends in a stay
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        held = model.predict(home, steps=3, traj_col="participant_id", radii=[50, 90])
    said = [x for x in w if "end in a stay" in str(x.message)]
    assert len(said) == 1 and "'P01'" in str(said[0].message)
    assert "hold_stays=False" in str(said[0].message)
    assert said[0].filename == __file__  # the caller's line, not trajlm's
    lat, lon = home["latitude"].median(), home["longitude"].median()
    d = np.hypot((held["latitude"] - lat) * M_PER_DEG, (held["longitude"] - lon) * M_LON)
    assert (d < 1.0).all()  # at the stay's median
    assert held["std_m"].between(15, 60).all()  # the fixes' own spread (sd 32 m per axis)
    assert (held["r90_m"] > held["r50_m"]).all()
    # stays32: the radii factors measured on the study's stays, not a Gaussian's 1.18
    assert np.allclose(held["r50_m"] / held["std_m"], STAY_RADIUS_FACTORS[50] / STD_SCALE)
    roll = model.predict(home, steps=3, traj_col="participant_id", hold_stays=False)
    moved = np.hypot((roll["latitude"] - held["latitude"]) * M_PER_DEG,
                     (roll["longitude"] - held["longitude"]) * M_LON)  # fmt: skip
    assert moved.max() > 5  # the rollout's own answer
    # a history ending in the walk is not a stay: the same answer either way
    walking = day.iloc[:60]
    a = model.predict(walking, steps=3, traj_col="participant_id")
    b = model.predict(walking, steps=3, traj_col="participant_id", hold_stays=False)
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(TrajlmInputError, match="hold_stays must be True or False"):
        model.predict(home, steps=3, traj_col="participant_id", hold_stays="no")


def test_predict_leaves_out_a_cell_tower_fix(tmp_path: Path) -> None:
    model = trajlm.TrajLM.from_pretrained(tiny_model(tmp_path / "m"), threads=1)
    walk = _day("P01", 3).iloc[24:60].reset_index(drop=True)
    tower = walk.copy()
    tower.loc[len(tower) - 1, ["latitude", "accuracy"]] = [walk["latitude"].iloc[-1] + 0.0135,
                                                          1500.0]  # 1.5 km north  # fmt: skip
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        p = model.predict(tower, steps=1, traj_col="participant_id")
    assert any("accuracy column says over 200 m" in str(x.message) for x in w)
    north = (p["latitude"].iloc[0] - walk["latitude"].iloc[-2]) * M_PER_DEG
    assert abs(north) < 200  # from the walk, not from the cell tower 1.5 km north


def test_clean_takes_the_cli_cleaning_words_as_keywords() -> None:
    df = pd.concat([_day("P01", 4), _day("P02", 5)], ignore_index=True)
    out = trajlm.clean(df, split_at_stops=True, return_report=False)
    assert list(out.columns[:2]) == ["participant_id", "timestamp"] and "piece" in out.columns
    assert set(out["participant_id"]) == {"P01", "P02"}  # the caller's ids, not 'P01_3'
    assert out["timestamp"].str.endswith("+01:00").all()  # the phones' offset kept
    assert out.attrs["clean_report"].dropped["stopped"] > 0
    longer = trajlm.clean(df, split_at_stops=True, stop_minutes=300, return_report=False)
    assert longer.attrs["clean_report"].dropped.get("stopped", 0) == 0  # no 5-hour stay
    with pytest.raises(ArgumentError, match="did you mean split_at_stops="):
        trajlm.clean(df, splitatstops=True)
    with pytest.raises(TrajlmInputError, match="stop_minutes must be a number >= 0"):
        trajlm.clean(df, split_at_stops=True, stop_minutes=-5)
    with pytest.raises(TrajlmInputError, match="config= or cleaning keywords"):
        trajlm.clean(df, CleanConfig(), split_at_stops=True)


def test_ask_takes_column_keywords_as_trajlm_does() -> None:
    df = pd.concat([_day("P01", 6), _day("P02", 7)], ignore_index=True)
    trips = df.assign(trip=df["participant_id"] + "-1", mode="walk")
    a = trajlm.ask("how many trips are there?", trips, traj_col="trip", label_col="mode")
    assert a.value == 2
    bikes = trips.assign(mode=np.where(trips["participant_id"] == "P01", "bike", "walk"))
    cycled = trajlm.ask("how many trips did P01 cycle?", bikes, traj_col="trip", label_col="mode")
    assert cycled.value == 1  # "cycle" is the bike mode ("did not understand 'cycle'" before)
    with pytest.raises(ArgumentError, match="did you mean traj_col="):
        trajlm.ask("how many trips are there?", trips, trajcol="trip")
    with pytest.raises(TrajlmInputError, match="give one"):
        trajlm.ask("how many trips?", trips, traj_col="trip", columns={"traj_id": "x"})


def test_cli_predict_holds_a_stay_and_leaves_out_a_cell_tower_fix(tmp_path: Path) -> None:
    """`trajlm predict` of a plain checkpoint (its own rollout path, not TrajLM.predict)."""
    from reliability_helpers import invoke

    home = _day("P01", 8).iloc[:24].reset_index(drop=True)
    home.loc[len(home) - 1, ["latitude", "accuracy"]] = [home["latitude"].iloc[-1] + 0.0135,
                                                        1500.0]  # fmt: skip
    home.to_csv(tmp_path / "gps.csv", index=False)
    model = tiny_model(tmp_path / "m")
    r = invoke("predict", "--model", model, "--input", tmp_path / "gps.csv", "--steps", "2",
               "--out", tmp_path / "p.csv")  # fmt: skip
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "end in a stay" in text and "accuracy column says over 200 m" in text
    p = pd.read_csv(tmp_path / "p.csv")
    stay = home.iloc[:-1]
    d = np.hypot((p["latitude"] - stay["latitude"].median()) * M_PER_DEG,
                 (p["longitude"] - stay["longitude"].median()) * M_LON)  # fmt: skip
    assert (d < 1.0).all(), p


def test_ask_says_a_still_phones_jitter_counts_as_distance(tmp_path: Path) -> None:
    """A store of phone fixes (an accuracy column) not cut at stops: distance answers say so."""
    from reliability_helpers import invoke

    _day("P01", 9).to_csv(tmp_path / "gps.csv", index=False)
    for store, extra in (("plain", ()), ("trips", ("--split-at-stops",))):
        r = invoke("data", "ingest", tmp_path / "gps.csv", "--out", tmp_path / store, *extra)
        assert r.exit_code == 0, r.output
    km = trajlm.ask("how many km did P01 travel?", str(tmp_path / "plain"))
    assert any("jitter counts as distance" in n for n in km.notes)
    count = trajlm.ask("how many trips are there?", str(tmp_path / "plain"))
    assert not any("jitter" in n for n in count.notes)  # a count is no distance
    cut = trajlm.ask("how many km did P01 travel?", str(tmp_path / "trips"))
    assert not any("jitter" in n for n in cut.notes)
