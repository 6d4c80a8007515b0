"""Validity checks (trajlm/reason/validity.py) on hand-made trajectories: each check fires on
its case and only there, scores, per-trajectory summary, caller kinds, modes, off-road."""

import numpy as np
import pandas as pd
import polars as pl
import pytest

import trajlm
from trajlm.errors import UserError
from trajlm.reason.validity import ModeLimits, ValidityConfig, check_arrays

LAT0, LON0, T0 = 45.07, 7.69, 1_709_538_000
KX = 111_195.0 * np.cos(np.radians(LAT0))  # metres per degree of longitude (about)


def track(x_m, t_s, traj="a", **extra) -> pl.DataFrame:
    """Points x_m metres east of (LAT0, LON0) at T0 + t_s."""
    x = np.asarray(x_m, float)
    return pl.DataFrame({"traj_id": traj, "t": T0 + np.asarray(t_s, np.int64), "lat": LAT0,
                         "lon": LON0 + x / KX} | extra)  # fmt: skip


def codes(df, **kw) -> list[str]:
    return trajlm.check_validity(df, **kw)["reason_code"].to_list()


def test_clean_walk_is_valid_everywhere():
    out = trajlm.check_validity(track(np.arange(10) * 14.0, np.arange(10) * 10), mode="walk")
    assert out["valid"].all() and (out["score"] == 1.0).all()
    assert out["speed_mps"][1] == pytest.approx(1.4, rel=0.01)


def test_speed_over_the_mode_limit():
    x = np.r_[0, 14, 28, 78, 92]  # 50 m in 10 s = 5 m/s: over walk (3), fine for a bike
    df = track(x, np.arange(5) * 10)
    assert codes(df, mode="walk")[3] == "speed"
    out = trajlm.check_validity(df, mode="walk")
    assert out["score"][3] == pytest.approx(3.0 / 5.0, rel=0.02)
    assert "above the walk limit of 3.0 m/s" in out["reason"][3]
    assert "acceleration" not in codes(df, mode="bike")[3]
    assert set(codes(df, mode="bike")) == {"ok"}


def test_acceleration_over_the_mode_limit():
    x = np.cumsum([0, 50, 50, 225])  # car: 10 m/s, 10 m/s, then 45 m/s (under 50) in 5 s
    got = codes(track(x, np.arange(4) * 5), mode="car")
    assert got == ["ok", "ok", "ok", "acceleration"]


def test_teleport_is_not_a_speed_violation():
    x = [0, 100, 200, 5200, 5300]  # 5 km in 10 s (500 m/s) for a car
    got = codes(track(x, np.arange(5) * 10), mode="car")
    assert got[3] == "teleport" and got[4] == "ok"  # the step after a teleport is clean


def test_time_backwards_and_duplicates_in_caller_order():
    df = track([0, 10, 20, 30, 40], [0, 10, 5, 20, 20])
    got = codes(df, mode="walk")
    assert got[2] == "time_backwards" and got[4] == "duplicate_time"
    out = trajlm.check_validity(df, mode="walk")
    assert out["t"].to_list() == df["t"].to_list()  # rows come back in the caller's order
    assert out["score"][2] == 0.0


def test_missing_position():
    df = track([0, 10, 20, 30], [0, 10, 20, 30]).with_columns(
        lat=pl.Series([LAT0, None, LAT0, LAT0]))  # fmt: skip
    got = codes(df, mode="walk")
    assert got == ["ok", "missing", "ok", "ok"]  # the step over the gap is 20 m in 20 s


def test_per_trajectory_summary_and_pandas_roundtrip():
    a = track(np.arange(6) * 14.0, np.arange(6) * 10, traj="a")
    b = track([0, 14, 200, 214], [0, 10, 20, 30], traj="b")
    pdf = pl.concat([a, b]).to_pandas()
    pdf["t"] = pd.to_datetime(pdf["t"], unit="s", utc=True)
    per = trajlm.check_validity(pdf, mode="walk", per="trajectory")
    assert isinstance(per, pd.DataFrame)
    got = per.set_index("traj_id")
    assert bool(got.loc["a", "valid"]) and not bool(got.loc["b", "valid"])
    assert got.loc["b", "reason_code"] == "speed" and got.loc["b", "n_invalid"] >= 1
    pts = trajlm.check_validity(pdf, mode="walk")
    assert isinstance(pts, pd.DataFrame) and str(pts["t"].dtype).startswith("datetime64")


def test_modes_from_the_label_column_and_overrides():
    x = np.r_[0, 14, 28, 78, 92]
    df = pl.concat([track(x, np.arange(5) * 10, "w", label="walk"),
                    track(x, np.arange(5) * 10, "b", label="bike"),
                    track(x, np.arange(5) * 10, "u", label="hovercraft")])  # fmt: skip
    per = trajlm.check_validity(df, per="trajectory")
    assert dict(zip(per["traj_id"], per["valid"], strict=True)) == {"w": False, "b": True,
                                                                    "u": True}  # fmt: skip
    slow = trajlm.check_validity(df, limits={"bike": {"max_speed_mps": 4.0}}, per="trajectory")
    assert not slow.filter(pl.col("traj_id") == "b")["valid"][0]
    with pytest.raises(UserError, match="unknown mode 'hovercraft'"):
        trajlm.check_validity(df, mode="hovercraft")
    cfg = ValidityConfig(limits={"hovercraft": ModeLimits(40.0, 3.0)})
    assert set(trajlm.check_validity(df, mode="hovercraft", config=cfg)["reason_code"]) == {"ok"}


def test_off_road_on_the_synthetic_network():
    from trajlm.data.synthetic import generate_city
    from trajlm.roads import from_synthetic

    city = generate_city(n_trajectories=10, seed=0)
    net = from_synthetic(city.roads, city.projection)
    node = net.node_xy_m[0]
    xy = net.node_xy_m
    # the grid point farthest from every node among a few candidates: a block's middle
    cand = node + np.array([[0, 0], [100, 100], [5, 0]])
    lat, lon = net.projection.inverse(cand[:, 0], cand[:, 1])
    df = pl.DataFrame({"traj_id": "a", "t": T0 + np.arange(3) * 60, "lat": lat, "lon": lon})
    out = trajlm.check_validity(df, mode="walk", network=net)
    assert out["reason_code"][0] == "ok"
    d = np.hypot(*(xy - cand[1]).T).min()
    assert (out["reason_code"][1] == "off_road") == (d > 60)  # a block middle is ~100 m away
    assert out["reason_code"][1] == "off_road"


def test_check_arrays_vectorized_over_trajectories():
    # two trajectories back to back: the jump between them is not a step
    traj = np.r_[np.zeros(3), np.ones(3)]
    x = np.r_[0, 10, 20, 9000, 9010, 9020]
    r = check_arrays(traj, np.r_[0, 10, 20, 0, 10, 20], x, np.zeros(6), np.full(6, 3.0),
                     np.full(6, 1.5))  # fmt: skip
    assert (r["code"] == 0).all() and np.isnan(r["speed_mps"][3])
