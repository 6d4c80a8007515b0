"""Session 25 (irreg25): the position warning's margin on a fleet whose movers keep lanes of
their own (model/coverage_lanes.py). ships24's Pacific fleet warned on 88 % of its own held-out
voyages (lanes 6-215 km apart, margin 2 median steps = 6 km); a city's taxis keep the 5 km."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from trajlm.data.store import write_store
from trajlm.data.synthetic import generate_city
from trajlm.model.coverage import compute_coverage, position_margin_m, position_warning
from trajlm.model.coverage_lanes import lane_spread_m

T0 = 1_772_400_000
LANE_DEG = 0.6  # ~67 km between neighbouring lanes (a 1-degree cell holds one or two)


def ship(i: int, lat: float, lon0: float = -40.0, n: int = 120) -> pl.DataFrame:
    """A ship sailing east at ~10 m/s along its own latitude, a report every 5 min (~3 km)."""
    lon = lon0 + np.arange(n) * 3000.0 / (111_320.0 * np.cos(np.radians(lat)))
    lat_ = lat + 0.001 * np.sin(np.arange(n) / 7)
    return pl.DataFrame({"traj_id": [f"s{i}"] * n, "t": T0 + 7_200 * i + 300 * np.arange(n),
                         "lat": lat_, "lon": lon})  # fmt: skip


@pytest.fixture(scope="module")
def fleet_cov(tmp_path_factory):
    store = tmp_path_factory.mktemp("lanes") / "store"
    ships = pl.concat([ship(i, 30.0 + LANE_DEG * i) for i in range(20)])
    write_store(ships, store)
    return compute_coverage(store)


def test_the_lane_spacing_is_measured_on_the_fleet(fleet_cov):
    spread = fleet_cov["lane_spread_m"]
    assert 60_000 < spread["p50"] < 72_000  # each lane's neighbour ~67 km away
    assert position_margin_m(fleet_cov) == pytest.approx(2 * spread["p90"])
    ids = np.repeat([f"t{i}" for i in range(9)], 5)  # 9 movers: no fleet's lanes to space
    assert lane_spread_m(ids, np.zeros(45), np.arange(45.0)) is None


def test_a_new_lane_between_the_fleets_is_silent_and_a_new_sea_warns(fleet_cov):
    between = ship(99, 30.0 + LANE_DEG * 1.5)  # 33 km from two training lanes
    lat, lon = between["lat"].to_numpy(), between["lon"].to_numpy()
    assert position_warning(fleet_cov, lat, lon) is None
    old = {k: v for k, v in fleet_cov.items() if k != "lane_spread_m"}  # records before
    assert "2 median training steps" in position_warning(old, lat, lon)
    far = position_warning(fleet_cov, lat + 3.0 + 20 * LANE_DEG, lon)  # 3 deg past the band
    assert far and "twice the spacing of the training trajectories' lanes" in far
    assert position_warning(fleet_cov, -lat, lon + 100.0)  # another ocean


def test_a_citys_margin_is_unchanged(tmp_path):
    store = tmp_path / "city"
    pts = generate_city(n_trajectories=120, seed=0).points.select("traj_id", "t", "lat", "lon")
    write_store(pts, store)
    cov = compute_coverage(store)
    assert cov["lane_spread_m"]["p90"] < 1_000  # streets: metres apart
    old = {k: v for k, v in cov.items() if k != "lane_spread_m"}
    assert position_margin_m(cov) == position_margin_m(old) == 5_000.0
