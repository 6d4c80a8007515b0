"""Synthetic city: determinism, canonical validity, realism (speeds, sampling, turns, noise)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from trajlm.data.features import add_features
from trajlm.data.roads import RoadNetwork, make_grid_network
from trajlm.data.schema import validate
from trajlm.data.synthetic import CityConfig, SyntheticCity, generate_city

N = 300


@pytest.fixture(scope="module")
def city() -> SyntheticCity:
    return generate_city(n_trajectories=N, seed=1)


@pytest.fixture(scope="module")
def clean_city() -> SyntheticCity:
    return generate_city(n_trajectories=150, seed=2, gps_noise_m=0.0, outlier_rate=0.0)


def _steps(c: SyntheticCity) -> pl.DataFrame:
    """Per-fix deltas to the previous fix of the same trip (first fixes dropped)."""
    f = add_features(c.points, c.projection)
    first = pl.col("traj_id") != pl.col("traj_id").shift(1)
    return f.with_columns(first.fill_null(True).alias("first")).filter(~pl.col("first"))


def test_deterministic_and_seed_dependent():
    a = generate_city(n_trajectories=40, seed=7).points
    b = generate_city(CityConfig(n_trajectories=40, seed=7)).points
    c = generate_city(n_trajectories=40, seed=8).points
    assert a.equals(b)
    assert not a.equals(c)


def test_canonical_and_columns(city):
    df = city.points
    assert validate(df) == []
    assert df["traj_id"].n_unique() == N
    assert df["traj_id"][0] == "syn-000000"
    for col in ("user_id", "label", "speed_mps", "segment_id", "segment_frac"):
        assert col in df.columns
    assert df["segment_id"].dtype == pl.Int64
    assert df["segment_frac"].min() >= 0.0 and df["segment_frac"].max() <= 1.0
    assert 1 < df["user_id"].n_unique() < N  # users make several trips
    n = df.group_by("traj_id").len()["len"]
    assert n.min() >= city.config.min_points and n.max() <= city.config.max_points
    # Plausible place and time: near the configured centre, within the configured days.
    assert abs(df["lat"].median() - 45.07) < 0.02 and abs(df["lon"].median() - 7.69) < 0.03
    t0 = 1709510400  # 2024-03-04T00:00:00Z
    assert df["t"].min() >= t0 - 3 * 3600 and df["t"].max() <= t0 + 15 * 86400


def test_mode_mix_and_speeds(city):
    trips = city.points.group_by("traj_id").agg(pl.col("label").first())
    share = trips["label"].value_counts(normalize=True)
    share = dict(zip(share["label"], share["proportion"], strict=True))
    assert set(share) == {"car", "bus", "bike", "walk"}
    assert abs(share["car"] - 0.4) < 0.12 and abs(share["walk"] - 0.2) < 0.1

    # Speeds measured from positions (noise included) order as car > bike > walk.
    s = _steps(city).with_columns(
        ((pl.col("dx_m") ** 2 + pl.col("dy_m") ** 2).sqrt() / pl.col("dt_s")).alias("v")
    )
    med = dict(s.group_by("label").agg(pl.col("v").median()).iter_rows())
    assert med["car"] > med["bike"] > med["walk"]
    assert 1.0 < med["walk"] < 2.0 and 3.0 < med["bike"] < 7.0 and 5.0 < med["car"] < 15.0
    true = dict(city.points.group_by("label").agg(pl.col("speed_mps").quantile(0.95)).iter_rows())
    assert true["car"] <= 16.0 and true["walk"] <= 1.8
    # Stops exist (lights, bus stops): some fixes with zero true speed for motor traffic.
    stopped = city.points.filter(pl.col("label").is_in(["car", "bus"]))["speed_mps"] < 0.1
    assert stopped.mean() > 0.02


def test_irregular_sampling(city):
    dt = _steps(city)["dt_s"].to_numpy()
    lo, hi = city.config.sample_interval_s
    assert dt.min() >= 1 and len(np.unique(dt)) > 10
    assert np.mean((dt >= lo) & (dt <= hi)) > 0.9  # outside only for missed fixes / short trips
    assert (dt > hi).any()  # missed fixes
    # Per-trip base interval varies across trips.
    med = _steps(city).group_by("traj_id").agg(pl.col("dt_s").median())["dt_s"]
    assert med.std() > 3.0


def test_trips_turn(city):
    s = _steps(city).with_columns(pl.arctan2("dy_m", "dx_m").alias("h"))
    s = s.with_columns(
        ((pl.col("h") - pl.col("h").shift(1) + np.pi) % (2 * np.pi) - np.pi)
        .abs()
        .over("traj_id")
        .alias("turn")
    )
    turn_deg = np.degrees(s["turn"].drop_nulls().to_numpy())
    near_90 = np.mean((turn_deg > 60) & (turn_deg < 120))
    straight = np.mean(turn_deg < 20)
    assert near_90 > 0.03 and straight > 0.3


def test_noise_free_points_lie_on_generating_segment(clean_city):
    f = add_features(clean_city.points, clean_city.projection)
    x, y = f["x_m"].to_numpy(), f["y_m"].to_numpy()
    edge, frac, dist = clean_city.roads.nearest_edge(x, y)
    assert np.quantile(dist, 0.99) < 1e-3
    # Points near a node are equidistant to several edges; elsewhere snap finds the generator.
    assert np.mean(edge == f["segment_id"].to_numpy()) > 0.8
    e2, f2 = clean_city.roads.snap(x, y)
    assert np.array_equal(e2, edge) and np.array_equal(f2, frac)
    xy = clean_city.roads.point_at(f["segment_id"].to_numpy(), f["segment_frac"].to_numpy())
    assert np.abs(xy - np.stack([x, y], 1)).max() < 1e-3


def test_noise_and_outliers(city):
    f = add_features(city.points, city.projection)
    _, _, dist = city.roads.nearest_edge(f["x_m"].to_numpy(), f["y_m"].to_numpy())
    sigma = city.config.gps_noise_m
    assert 0.3 * sigma < np.median(dist) < 2.0 * sigma
    # Multipath outliers: a handful of fixes far off any road.
    far = np.mean(dist > 40.0)
    assert 0.0005 < far < 0.02


def test_snap_brute_force_reference():
    rng = np.random.default_rng(0)
    roads = make_grid_network(rng, grid_size=5, block_m=100.0)
    p = rng.uniform(-250, 250, (200, 2))
    edge, frac, dist = roads.nearest_edge(p[:, 0], p[:, 1], chunk_size=7)
    # Reference: sample each edge densely and take the closest sample.
    ts = np.linspace(0, 1, 2001)
    best = np.full(len(p), np.inf)
    for e in range(roads.n_edges):
        pts = roads.point_at(np.full(len(ts), e), ts)
        best = np.minimum(best, np.hypot(*(p[:, None, :] - pts[None]).transpose(2, 0, 1)).min(1))
    assert np.allclose(dist, best, atol=0.1)
    on = roads.point_at(edge, frac)
    assert np.allclose(np.hypot(*(on - p).T), dist)


def test_road_network_roundtrip_and_structure():
    rng = np.random.default_rng(3)
    roads = make_grid_network(rng, grid_size=8, n_arterials=2, n_diagonals=2)
    again = RoadNetwork.from_dict(roads.to_dict())
    for name in ("node_xy_m", "edges", "edge_kind", "speed_limit_mps", "node_signal"):
        assert np.array_equal(getattr(roads, name), getattr(again, name))
    assert set(np.unique(roads.edge_kind)) == {0, 1, 2}
    fast = roads.speed_limit_mps[roads.edge_kind == 1].min()
    assert fast > roads.speed_limit_mps[roads.edge_kind == 0].max()


def test_config_validation():
    with pytest.raises(ValueError, match="modes"):
        generate_city(n_trajectories=5, modes={"plane": 1.0})
    with pytest.raises(ValueError):
        generate_city(n_trajectories=0)
    only_walk = generate_city(n_trajectories=20, modes={"walk": 1.0}).points
    assert only_walk["label"].unique().to_list() == ["walk"]
