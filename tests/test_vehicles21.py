"""Session 21 (vehicles21): the rest of the surface reads a vehicle's days as TrajLM does since
frames21 (cut at ingest's gap rule, results keyed by the caller's id and ``piece``): the
baselines, ``check_validity``, ``trajlm.clean``, ``AnomalyDetector`` and ``trajlm predict
--input``; a clock that jumps back is said in one line. Frames with a trip column or
``traj_col=`` give what they gave before. Each test failed on main f211087."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest
from reliability_helpers import invoke
from test_frames21 import fleet

import trajlm
import trajlm.baselines as B
from trajlm.data.clean import PRESETS
from trajlm.reason.validity import check_validity

PIECES = {v: list(range(6)) for v in ("VAN-01", "VAN-02", "VAN-03")}  # fleet(): 18 trips


def _said(fn, *a, **k):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn(*a, **k)
    return out, [str(x.message) for x in w]


def _pieces(out: pd.DataFrame) -> dict:
    keys = out[["vehicle_id", "piece"]].drop_duplicates()
    return keys.groupby("vehicle_id").piece.apply(sorted).to_dict()


def _trips(df: pd.DataFrame) -> pd.DataFrame:
    """fleet() with a trip column: each van's days named as one trip (read as before)."""
    return df.rename(columns={"vehicle_id": "trip_id"})


def test_baselines_cut_a_vehicle_as_the_model_does(trajlm_small):
    df = fleet()
    model = trajlm_small.predict(df, steps=2)
    cv, said = _said(B.ConstantVelocity().predict, df, steps=2)
    assert len(cv) == len(model) == 36  # before: 6 baseline rows against 36 model rows
    assert list(cv.columns[:3]) == ["vehicle_id", "piece", "step"]
    assert _pieces(cv) == _pieces(model) == PIECES
    assert sum("read as movers" in s for s in said) == 1
    at = B.predict_at(B.ConstantVelocity(), df, seconds_ahead=[30])
    assert len(at) == len(trajlm_small.predict(df, seconds_ahead=[30])) == 18
    gaps = df.copy()
    gaps.loc[[5, 6, 300], ["lat", "lon"]] = np.nan
    filled = B.LinearInterpolation().predict(gaps)
    assert len(filled) == len(df) and _pieces(filled) == PIECES
    assert filled.recovered.sum() == 3
    whole = B.ConstantVelocity().predict(df, steps=2, split_gaps=False)  # was refused
    assert len(whole) == 6 and "piece" not in whole.columns


def test_check_validity_reads_the_same_trips():
    df = fleet()
    per, said = _said(check_validity, df, per="trajectory")
    assert len(per) == 18 and _pieces(per) == PIECES  # before: 3 rows
    assert sum("read as movers" in s for s in said) == 1
    point = check_validity(df)
    assert len(point) == len(df) and point.valid.all() and _pieces(point) == PIECES
    assert len(check_validity(df, per="trajectory", split_gaps=False)) == 3


def test_trip_columns_and_traj_col_give_what_they_gave():
    df = fleet()
    trips = _trips(df)
    for fn in (
        lambda d, **k: B.ConstantVelocity().predict(d, steps=2, **k),
        lambda d, **k: check_validity(d, per="trajectory", **k),
        lambda d, **k: trajlm.clean(d, **k)[0],
    ):
        old = fn(df, split_gaps=False)
        given, said = _said(fn, df, traj_col="vehicle_id")
        pd.testing.assert_frame_equal(given, old)
        assert not any("read as movers" in s for s in said)
        by_trip, said = _said(fn, trips)
        pd.testing.assert_frame_equal(by_trip, old.rename(columns={"vehicle_id": "trip_id"}))
        assert not any("read as movers" in s for s in said)


def test_clean_of_a_fleet_comes_out_as_ingest_writes_it():
    df = fleet()
    (out, report), said = _said(trajlm.clean, df)
    table = trajlm.to_canonical(df)
    ingest, ingest_report = trajlm.clean(table, PRESETS["default"])  # ingest's verbs
    assert out.groupby(["vehicle_id", "piece"]).size().tolist() == (
        ingest.group_by("traj_id", maintain_order=True).len()["len"].to_list()
    )
    assert report.repaired["gap_splits"] == ingest_report.repaired["gap_splits"] == 15
    assert _pieces(out) == PIECES and len(out) == len(df)
    assert sum("read as movers" in s for s in said) == 1
    # a caller's own gap rule is used as before (no second cut)
    own, rep = trajlm.clean(df, PRESETS["default"])
    assert "piece" not in own.columns and own.vehicle_id.nunique() == 18
    assert rep.repaired["gap_splits"] == 15


@pytest.mark.slow
def test_anomaly_detector_calibrates_on_trips(trajlm_small):
    df = fleet()
    det = trajlm.AnomalyDetector(trajlm_small)
    _, said = _said(det.fit, df)
    assert det.calibration_["n_trajectories"] == 18  # before: 3 (the vans, not their trips)
    assert not any("calibrated on 3 " in s for s in said)
    scored = det.score(df[df.vehicle_id == "VAN-02"], explain=False)
    assert list(scored.columns[:2]) == ["vehicle_id", "piece"] and len(scored) == 6


def test_cli_predict_input_cuts_as_the_api(trajlm_small, tmp_path):
    df = fleet()
    src = tmp_path / "fleet.csv"
    df.assign(ts=df.ts.dt.strftime("%Y-%m-%dT%H:%M:%SZ")).to_csv(src, index=False)
    out = tmp_path / "pred.csv"
    r = invoke("predict", "--input", src, "--model", "trajlm-small", "--steps", 2, "--out", out)
    assert r.exit_code == 0, r.output
    got = pl.read_csv(out)
    assert got.columns[:3] == ["vehicle_id", "piece", "step"] and len(got) == 36
    assert "--traj-col vehicle_id reads each vehicle_id as one trajectory" in r.output
    api = pl.from_pandas(trajlm_small.predict(pd.read_csv(src), steps=2))
    assert got.select("vehicle_id", "piece", "step").equals(
        api.select("vehicle_id", "piece", "step")
    )
    np.testing.assert_allclose(got["lat"].to_numpy(), api["lat"].to_numpy(), atol=1e-6)
    whole = tmp_path / "whole.csv"
    r = invoke("predict", "--input", src, "--model", "trajlm-small", "--steps", 2,
               "--out", whole, "--traj-col", "vehicle_id")  # fmt: skip
    assert r.exit_code == 0 and len(pl.read_csv(whole)) == 6
    assert "piece" not in pl.read_csv(whole).columns


def test_a_clock_jump_back_is_said_in_one_line():
    df = fleet()
    rows = df.index[df.vehicle_id == "VAN-01"][100:131]
    df.loc[rows, "ts"] -= pd.Timedelta("1h")  # the device clock 1 h back for 31 fixes
    _, said = _said(trajlm.to_canonical, df, validate=True)
    line = [s for s in said if "times go back" in s]
    assert len(line) == 1 and "1 time(s) in 1 of 3" in line[0], said  # before: silent
    assert "row 100" in line[0] and "'VAN-01'" in line[0]
    for order in (fleet().sample(frac=1, random_state=0), fleet().iloc[::-1]):
        _, said = _said(trajlm.to_canonical, order, validate=True)
        assert not any("times go back" in s for s in said)  # rows in any order: sorted


def test_knn_fits_on_the_trips_of_a_vehicle():
    df = fleet()
    trips = trajlm.to_canonical(df, split_gaps=True)
    knn = B.KNNContinuation(n_neighbors=3)
    n = knn.fit(df).n_windows_
    assert n == B.KNNContinuation(n_neighbors=3).fit(trips).n_windows_
    assert n < knn.fit(df, split_gaps=False).n_windows_  # before: windows across the nights
    by_trip = knn.fit(_trips(df)).n_windows_  # a trip column: as before
    assert by_trip == knn.fit(df, split_gaps=False).n_windows_


def test_match_reads_a_vehicles_trips():
    from test_roads import graph_from_xy, trace

    g = graph_from_xy([[[0, 0], [1000, 0]], [[0, 5000], [1000, 5000]]])
    day = trace([[100, 0], [200, 0], [300, 0], [400, 0]])
    night = trace([[400, 5000], [300, 5000], [200, 5000]]).with_columns(pl.col("t") + 13 * 3600)
    van = pl.concat([day, night]).to_pandas().rename(columns={"traj_id": "vehicle_id"})
    got, said = _said(trajlm.TrajLM.match, van, g)
    assert got.groupby("piece").size().tolist() == [4, 3]  # before: one trajectory, no piece
    assert sum("read as movers" in s for s in said) == 1
    whole = trajlm.TrajLM.match(van, g, traj_col="vehicle_id")  # as the caller said: as before
    old = trajlm.TrajLM.match(van, g, split_gaps=False)
    assert "piece" not in whole.columns
    pd.testing.assert_frame_equal(whole, old)
