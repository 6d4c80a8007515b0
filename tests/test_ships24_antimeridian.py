"""Tracks across the antimeridian (ships24): every task answers as for the same track shifted
by 180 deg of longitude, where it crosses nothing (heldout24's Pacific ships: recovery was 39.6x
linear interpolation, 24.8 km off on the one voyage crossing +-180)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import polars as pl
import pytest
import torch

from trajlm.data.longitude import mean_lon, unwrap_lon, wrap_lon
from trajlm.data.metrics import point_errors
from trajlm.eval.val_verdict import interpolation_errors
from trajlm.model.config import ModelConfig
from trajlm.model.transformer import TrajectoryModel
from trajlm.tasks.predict import predict_table
from trajlm.tasks.recover_bridge import BridgeRecoverer

T0 = 1_772_400_000


def track(shift: float = 0.0, east: bool = True, n: int = 42) -> pl.DataFrame:
    """A ship at ~7 m/s reporting every 1-30 min, its middle on the antimeridian (shift 0) or
    on Greenwich (shift 180). Its reports are symmetric about the line, so that the plain mean
    of the kept longitudes is ~0 and puts a plane's seam on the crossing (the Pacific voyage)."""
    half = np.random.default_rng(0).integers(60, 1800, (n - 2) // 2)
    gaps = np.concatenate((half, [600], half[::-1]))
    t = T0 + np.concatenate(([0], np.cumsum(gaps)))
    s = (t - t[0]) * 8e-5 * (1 if east else -1)  # degrees of longitude sailed
    lon = wrap_lon(180.0 - s[-1] / 2 + s + 0.002 * np.sin(np.arange(n) / 5) + shift)
    lat = 40.0 + 0.05 * np.sin(np.arange(n) / 9)
    return pl.DataFrame({"traj_id": [1] * n, "t": t, "lat": lat, "lon": lon})


def model(lon0: float) -> TrajectoryModel:
    """A tiny random "store"-frame model centred at lon0 (its plane's seam at lon0 + 180)."""
    torch.manual_seed(0)
    stats = {"lat0": 40.0, "lon0": lon0, "xy_mean": [0.0, 0.0], "xy_scale": 2e5,
             "dxy_scale": 4000.0, "dt_mean": 600.0, "dt_scale": 500.0, "n_points": 1000}  # fmt: skip
    return TrajectoryModel(
        ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=stats)
    ).eval()


def lon_gap_m(a: np.ndarray, b: np.ndarray) -> float:
    """Largest distance (m) between two (n, 2) lat/lon arrays, b shifted back by 180 deg."""
    b = np.stack([b[:, 0], wrap_lon(b[:, 1] - 180.0)], 1)
    return float(np.nanmax(point_errors(a, b)))


def test_lon_helpers_go_the_short_way_and_leave_other_places_bit_for_bit():
    assert mean_lon(np.array([179.0, -179.0, 179.5])) == pytest.approx(179.8333333, abs=1e-6)
    assert mean_lon(np.array([-8.6, -8.5])) == float(np.mean([-8.6, -8.5]))
    up = unwrap_lon(np.array([179.0, 179.9, -179.9, -179.0]))
    assert np.allclose(up, [179.0, 179.9, 180.1, 181.0])
    assert np.allclose(wrap_lon(up), [179.0, 179.9, -179.9, -179.0])


def recovery_task(df: pl.DataFrame) -> SimpleNamespace:
    n = df.height
    known = (np.arange(n) % 2 == 0) | (np.arange(n) == n - 1)
    ll = np.stack([df["lat"].to_numpy(), df["lon"].to_numpy()], 1)
    return SimpleNamespace(groups=np.zeros(n, np.int64), t=df["t"].to_numpy(), latlon=ll,
                           known=known)  # fmt: skip


@pytest.mark.parametrize("east", [True, False])
def test_bridge_recovery_across_the_antimeridian_equals_the_shifted_track(east):
    """The bridge's plane was centred on the plain mean lon (~0 for a crossing track): its
    seam ran through the voyage. Model, track and answer shifted by 180 deg agree to < 1 m."""
    a, b = recovery_task(track(0, east)), recovery_task(track(180, east))
    ra = BridgeRecoverer(model(179.0)).recover(a)
    rb = BridgeRecoverer(model(-1.0)).recover(b)
    assert lon_gap_m(ra, rb) < 1.0
    hidden = ~a.known
    assert point_errors(ra[hidden], a.latlon[hidden]).max() < 50_000  # was ~20,000 km


@pytest.mark.parametrize("east", [True, False])
def test_interpolation_baselines_across_the_antimeridian_equal_the_shifted_track(east):
    ea, eb = interpolation_errors(recovery_task(track(0, east))), interpolation_errors(
        recovery_task(track(180, east)))  # fmt: skip
    for kind in ea:
        assert np.allclose(ea[kind], eb[kind], atol=0.01), kind
        assert ea[kind].max() < 2000, kind


@pytest.mark.parametrize("east", [True, False])
def test_prediction_across_the_antimeridian_equals_the_shifted_track(east):
    a, b = track(0, east), track(180, east)
    pa = predict_table(model(179.0), a, steps=5)
    pb = predict_table(model(-1.0), b, steps=5)
    ll = [np.stack([p["lat"].to_numpy(), p["lon"].to_numpy()], 1) for p in (pa, pb)]
    assert lon_gap_m(*ll) < 1.0


# ------------------------------------ 2. coverage: a Pacific fleet's box crosses the line
def fleet(shift: float = 0.0) -> pl.DataFrame:
    """Six ships from 165 E to 165 W (shift 0) or 15 W to 15 E (shift 180), one report / 10 min."""
    rows = []
    for i in range(6):
        n = 600
        lon = wrap_lon(165.0 + np.linspace(0.0, 30.0, n) + shift)
        lon = lon if i % 2 else lon[::-1]  # eastbound and westbound
        lat = 35.0 + i * 2.0 + 0.5 * np.sin(np.arange(n) / 50)
        rows.append(pl.DataFrame({"traj_id": [i] * n, "t": T0 + 86_400 * i + 600 * np.arange(n),
                                  "lat": lat, "lon": lon}))  # fmt: skip
    return pl.concat(rows)


@pytest.fixture(scope="module")
def coverages(tmp_path_factory):
    from trajlm.data.store import write_store
    from trajlm.model.coverage import compute_coverage

    out = {}
    for shift in (0.0, 180.0):
        store = tmp_path_factory.mktemp("fleet") / "store"
        write_store(fleet(shift), store, fractions=(1.0, 0.0, 0.0))
        out[shift] = compute_coverage(store)
    return out


def test_the_training_box_of_a_fleet_across_the_line_wraps_instead_of_spanning_the_globe(
    coverages,
):
    box, plain = coverages[0.0]["bbox"], coverages[180.0]["bbox"]
    assert box["min_lon"] == pytest.approx(165.0, abs=0.01)  # west > east: across the line
    assert box["max_lon"] == pytest.approx(-165.0, abs=0.01)  # (was -180..180)
    assert plain["min_lon"] == pytest.approx(-15.0, abs=0.01)  # elsewhere: min..max as before
    assert plain["max_lon"] == pytest.approx(15.0, abs=0.01)
    x0, _, x1, _ = coverages[0.0]["xy_box_m"]
    assert x0 < 0 < x1 and x1 - x0 == pytest.approx(
        coverages[180.0]["xy_box_m"][2] - coverages[180.0]["xy_box_m"][0], rel=1e-6)  # fmt: skip


def test_the_position_warning_is_silent_on_the_fleet_and_fires_far_away(coverages):
    from trajlm.model.coverage import position_warning

    cov = coverages[0.0]
    on = fleet(0.0).filter(pl.col("traj_id") < 2)  # the ships' own voyages, across the line
    assert position_warning(cov, on["lat"].to_numpy(), on["lon"].to_numpy()) is None
    near = (np.array([37.0, 37.0]), np.array([179.999, -179.999]))  # both sides of the line
    assert position_warning(cov, *near) is None
    line = position_warning(cov, np.array([40.0, 40.0]), np.array([-120.0, 130.0]))
    assert line and "across the antimeridian" in line and "165.000..-165.000" in line
    bare = {k: v for k, v in cov.items() if k != "regions"}  # a record of its one box
    assert position_warning(bare, *near) is None
    assert position_warning(bare, np.array([40.0]), np.array([0.0]))


def test_a_test_split_across_the_line_is_inside_the_box_for_the_leak_check(coverages):
    from trajlm.eval.leak import could_have_seen

    cov = coverages[0.0]
    assert could_have_seen(cov, fleet(0.0).filter(pl.col("traj_id") == 1))
    assert not could_have_seen(cov, fleet(180.0).filter(pl.col("traj_id") == 1))


# ------------------------------- 3. travel-time regressors: o/d longitudes about a centre
def test_travel_time_regressors_see_the_line_as_no_jump():
    from trajlm.data.longitude import near_lon
    from trajlm.eval.tte_baselines import LinearRegressionTTE

    lon = np.array([179.9, -179.9, 10.0])
    assert near_lon(lon, 179.0).tolist() == [179.9, 180.1, 10.0]
    assert near_lon(np.array([-8.6, -8.5]), -8.6).tolist() == [-8.6, -8.5]  # bit for bit
    trips = []
    for shift in (0.0, 180.0):
        df = pl.concat([track(shift, east=e).with_columns(traj_id=pl.lit(i)).head(10 + 3 * i)
                        for i, e in enumerate([True, False] * 4)])  # fmt: skip
        trips.append(LinearRegressionTTE().fit(df).predict(df))
    assert np.allclose(trips[0], trips[1], rtol=1e-6)


@pytest.mark.parametrize("east", [True, False])
def test_validity_and_cleaning_across_the_antimeridian_equal_the_shifted_track(east):
    """Already right (haversine speeds, the plane about the median lon): kept that way."""
    import trajlm

    a, b = (trajlm.check_validity(track(s, east)) for s in (0.0, 180.0))
    assert a["valid"].all() and a["reason_code"].to_list() == b["reason_code"].to_list()
    assert np.allclose(
        a["speed_mps"].to_numpy(), b["speed_mps"].to_numpy(), atol=1e-6, equal_nan=True
    )
    ca, cb = (trajlm.clean(track(s, east)) for s in (0.0, 180.0))
    ca, cb = (c[0] if isinstance(c, tuple) else c for c in (ca, cb))
    assert ca.height == cb.height == 42


def test_a_stores_manifest_box_wraps_in_memory_and_when_ingested(tmp_path):
    """`trajlm data inspect` read -180..180 for the Pacific store (the manifest's bbox)."""
    import json

    from trajlm.data.ingest import ingest
    from trajlm.data.store import write_store

    for shift, want in ((0.0, (165.0, -165.0)), (180.0, (-15.0, 15.0))):
        write_store(fleet(shift), tmp_path / f"mem{shift:g}")
        path = tmp_path / f"fleet{shift:g}.csv"
        fleet(shift).write_csv(path)
        ingest([path], "csv", tmp_path / f"csv{shift:g}")
        for store in (tmp_path / f"mem{shift:g}", tmp_path / f"csv{shift:g}"):
            box = json.loads((store / "manifest.json").read_text())["bbox"]
            assert (box["min_lon"], box["max_lon"]) == pytest.approx(want, abs=0.01), store
