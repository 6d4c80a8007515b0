"""Session 21 (frames21): raw fix tables through the Python API. A vehicle's / user's fixes are
cut at ingest's gap rule (data/coerce_pieces.py), results carry the caller's id and ``piece``;
frames with a trip column read as before; ``TrajLM.gate_effects``; the position line judged by
the training data's own step. Each test failed on main 5fdb9b6 (the guards say so)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest

import trajlm
from trajlm.data.clean import PRESETS, clean
from trajlm.data.schema import TrajlmInputError
from trajlm.model.coverage import position_warning

T0 = pd.Timestamp("2026-03-02 06:30", tz="UTC")


def _drive(rng, lat, lon, n, dt=10.0):
    """n fixes of a van driving at ~11 m/s with a turn (dt seconds apart)."""
    heading = rng.uniform(0, 2 * np.pi)
    turn = rng.normal(0, 0.01, n).cumsum()
    step = 11.0 * dt / 111_320.0
    la = lat + np.cumsum(step * np.cos(heading + turn))
    lo = lon + np.cumsum(step * np.sin(heading + turn) / np.cos(np.radians(lat)))
    return la, lo


def fleet(n_vans=3, days=3, seed=0, ids=("VAN-01", "VAN-02", "VAN-03")):
    """Vans driving two 40-fix legs a day (10 s), parked 1 h between (silent tracker), 13 h
    overnight gaps: each van is 2 x days pieces by ingest's rule."""
    rng = np.random.default_rng(seed)
    rows = []
    for v in range(n_vans):
        lat, lon = 52.52 + rng.normal(0, 0.02), 13.40 + rng.normal(0, 0.03)
        for d in range(days):
            t = T0 + pd.Timedelta(days=d, minutes=int(rng.integers(0, 30)))
            for _leg in range(2):
                la, lo = _drive(rng, lat, lon, 40)
                times = t + pd.to_timedelta(np.arange(40) * 10, "s")
                rows += [(ids[v], tt, a, b) for tt, a, b in zip(times, la, lo, strict=True)]
                lat, lon, t = la[-1], lo[-1], times[-1] + pd.Timedelta("1h")
    return pd.DataFrame(rows, columns=["vehicle_id", "ts", "lat", "lon"])


def _said(fn, *a, **k):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn(*a, **k)
    return out, [str(x.message) for x in w]


def test_a_vehicle_is_cut_as_ingest_cuts_it(trajlm_small):
    df = fleet()
    emb, said = _said(trajlm_small.embed, df)
    # ingest's verbs on the same fixes: the default preset's gap split
    table = trajlm.to_canonical(df)
    pieces = clean(table, PRESETS["default"])[0]["traj_id"].n_unique()
    assert pieces == 18 and len(emb) == pieces  # before: 3 rows, one per van over 3 days
    assert list(emb.columns[:2]) == ["vehicle_id", "piece"]
    assert emb.groupby("vehicle_id").piece.apply(list).to_dict() == {
        v: list(range(6)) for v in ("VAN-01", "VAN-02", "VAN-03")
    }
    line = [s for s in said if "read as movers" in s]
    assert len(line) == 1 and "'vehicle_id'" in line[0] and "18 trajectories" in line[0]
    assert "split_gaps=False" in line[0] and "30 min" in line[0]


def test_split_gaps_false_and_a_number(trajlm_small):
    df = fleet()
    whole, said = _said(trajlm_small.embed, df, split_gaps=False)
    assert len(whole) == 3 and "piece" not in whole.columns
    assert not any("read as movers" in s for s in said)
    hours = trajlm_small.embed(df, split_gaps=6 * 3600)  # only the overnight gaps
    assert len(hours) == 9
    with pytest.raises(TrajlmInputError, match="split_gaps"):
        trajlm_small.embed(df, split_gaps=-5)


def test_a_trip_column_reads_as_before(trajlm_small):
    df = fleet()
    gap = df.groupby("vehicle_id").ts.diff().dt.total_seconds()
    df["trip_id"] = df.vehicle_id + "/" + (gap.isna() | (gap > 600)).cumsum().astype(str)
    pred, said = _said(trajlm_small.predict, df, steps=2)
    assert "piece" not in pred.columns and not any("read as movers" in s for s in said)
    same = trajlm_small.predict(df, steps=2, split_gaps=False)
    pd.testing.assert_frame_equal(pred, same)
    # traj_col= given: the caller said what a trajectory is
    by_van, said = _said(trajlm_small.predict, fleet(), steps=1, traj_col="vehicle_id")
    assert len(by_van) == 3 and not any("read as movers" in s for s in said)
    cut = trajlm_small.predict(fleet(), steps=1, traj_col="vehicle_id", split_gaps=True)
    assert len(cut) == 18 and list(cut.columns[:2]) == ["vehicle_id", "piece"]


def test_predict_rows_name_piece_and_keep_the_callers_ids(trajlm_small):
    df = fleet()
    df["vehicle_id"] = df.vehicle_id.map({"VAN-01": 30, "VAN-02": 4, "VAN-03": 100})
    pred = trajlm_small.predict(df.sample(frac=1, random_state=1), steps=2)
    assert pred.vehicle_id.dtype == df.vehicle_id.dtype  # integers stay integers
    assert set(pred.vehicle_id) == {30, 4, 100} and len(pred) == 18 * 2
    last = pred[pred.piece == 5]
    for vid, g in df.groupby("vehicle_id"):  # the last piece starts after the van's last fix
        assert (last[last.vehicle_id == vid].ts > g.ts.max()).all()
    # a per-vehicle dict asks the vehicle's own id: its last piece
    due = trajlm_small.predict(df, seconds_ahead={30: [30], 100: [60]})
    assert sorted(zip(due.vehicle_id, due.piece, strict=True)) == [(30, 5), (100, 5)]


def test_recover_keeps_every_row_and_does_not_fill_across_the_night(trajlm_small):
    df = fleet(n_vans=2, days=2)
    mid = df.copy()
    mid.loc[[20, 21, 22], ["lat", "lon"]] = np.nan
    out = trajlm_small.recover(mid)
    assert len(out) == len(df) and int(out.recovered.sum()) == 3
    assert list(out.columns[:5]) == ["vehicle_id", "ts", "lat", "lon", "piece"]
    assert out.vehicle_id.tolist() == df.vehicle_id.tolist()
    night = df.copy()
    first_of_day2 = night.index[night.ts >= T0 + pd.Timedelta("20h")][0]  # VAN-01, day 2
    night.loc[first_of_day2, ["lat", "lon"]] = np.nan
    # before: filled from yesterday evening's last fix, 13 h before, without a word
    # fix31: left empty with one line naming the piece, not refused
    with pytest.warns(UserWarning, match=r"1 row before the first .*'VAN-01_2'"):
        out = trajlm_small.recover(night)
    assert np.isnan(out.loc[first_of_day2, "lat"]) and not out.loc[first_of_day2, "recovered"]


def test_a_frame_without_an_id_is_one_mover(trajlm_small):
    one = fleet(n_vans=1, days=2).drop(columns="vehicle_id")
    pred, said = _said(trajlm_small.predict, one, steps=1)  # before: "no traj_id column: ..."
    assert pred.piece.tolist() == [0, 1, 2, 3] and "piece" == pred.columns[0]
    assert any("one mover's fixes" in s and "4 trajectories" in s for s in said)
    # several vehicles under an unknown name are not read as one: the column is named
    two = fleet(n_vans=2, days=1).rename(columns={"vehicle_id": "reg_plate"})
    with pytest.raises(TrajlmInputError, match=r"'reg_plate' holds 2 values.*traj_col='reg_plate'"):
        trajlm_small.predict(two, steps=1)
    with pytest.raises(TrajlmInputError, match="no traj_id column"):
        trajlm_small.predict(one, steps=1, split_gaps=False)


def test_polars_and_ingest_rule_for_sparse_tracks(trajlm_small):
    # an hourly collar with a 7-h outage: cut at 3x its median interval, as ingest
    t = T0 + pd.to_timedelta(np.r_[np.arange(30), np.arange(37, 60)], "h")
    rng = np.random.default_rng(3)
    col = pl.DataFrame({"collar_id": "C7", "ts": t, "lat": 61.2 + rng.normal(0, 0.01, len(t)),
                        "lon": 24.5 + rng.normal(0, 0.01, len(t))})  # fmt: skip
    emb = trajlm_small.embed(col)
    assert isinstance(emb, pl.DataFrame) and emb["piece"].to_list() == [0, 1]


def test_gate_effects_is_a_method(trajlm_small):
    df = fleet()
    g = trajlm_small.gate_effects(df, steps=3)  # before: AttributeError
    assert list(g.columns) == ["vehicle_id", "piece", "speed_mps", "dt_s", "step_m", "gate_kept"]
    assert len(g) == 18 and g.gate_kept.between(0, 1).all()
    ships = df.assign(ts=T0 + (df.ts - T0) * 60)  # 10-min fixes: outside, the gate acts
    slow = trajlm_small.gate_effects(ships, split_gaps=False)
    assert (slow.gate_kept < 0.5).all()


def _record(dt_p50, speed_p50, regions):
    return {"coverage": {
        "bbox": {"min_lat": 7.2, "min_lon": -109.3, "max_lat": 70.7, "max_lon": 8.0},
        "regions": regions, "dt_s": {"p50": dt_p50}, "speed_mps": {"p50": speed_p50},
    }}  # fmt: skip


def test_position_line_is_judged_by_the_training_step():
    regions = [[14.0 + i, -40.0 - i, 14.0 + i, -40.0 - i] for i in range(10)]  # sparse fixes
    storm = _record(21600.0, 5.5, regions)  # 6-hourly, ~120 km steps
    near = (np.array([14.5]), np.array([-40.0]))  # 55 km from a training fix
    assert position_warning(storm, *near) is None  # before: "positions up to 55 km ..."
    far = (np.array([30.0]), np.array([-60.0]))  # ~1,000 km away
    line = position_warning(storm, *far)
    assert line and "over 238 km from any (2 median training steps)" in line
    assert "ConstantVelocity" in line and "fine-tune" in line
    city = _record(15.0, 8.0, [[41.1, -8.7, 41.2, -8.5], [41.5, -8.7, 41.6, -8.5]])
    line = position_warning(city, np.array([41.35]), np.array([-8.6]))  # 17 km off: said
    assert line and "over 5 km from any" in line and "training regions" in line
