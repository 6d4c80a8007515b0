"""Session 16 (voyage): trips cut at stops and thinning at ingest, for any dense mover."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from helpers import invoke_cli

from trajlm.data.clean import PRESETS, CleanConfig, StopSplitter, clean
from trajlm.data.schema import SOURCE_ID

T0 = 1_700_000_000


def ferry(dt: int = 2, seed: int = 0, mmsi: str = "224101000") -> pl.DataFrame:
    """A ferry at 2-s reports: 20 min at its berth A (GPS jitter ~3 m), a 20-min crossing at
    ~12 m/s, 30 min at berth B, a 20-min crossing back, 15 min at A: two voyages."""
    rng = np.random.default_rng(seed)
    lat0, lon0 = 36.13, -5.43
    m_lat = 1 / 111_195.0
    m_lon = m_lat / np.cos(np.radians(lat0))
    legs = [(1200, 0.0), (1200, 12.0), (1800, 0.0), (1200, -12.0), (900, 0.0)]
    t, y = [], []
    pos, now = 0.0, 0
    for dur, v in legs:
        n = dur // dt
        for _ in range(n):
            t.append(now)
            y.append(pos)
            now += dt
            pos += v * dt
    y = np.array(y) + rng.normal(0, 3.0, len(y))
    x = rng.normal(0, 3.0, len(y))
    return pl.DataFrame(
        {
            "traj_id": [mmsi] * len(t),
            "t": np.array(t, np.int64) + T0,
            "lat": lat0 + y * m_lat,
            "lon": lon0 + x * m_lon,
        }
    )


def test_stops_cut_a_ferry_day_into_its_voyages():
    df = ferry()
    before, _ = clean(df, PRESETS["default"])
    assert before["traj_id"].n_unique() == 1  # without the option: one whole-day trajectory
    cfg = CleanConfig(max_gap_s=1800, min_points=2, stop_min_s=600)
    out, rep = clean(df, cfg)
    assert out["traj_id"].n_unique() == 2, out.group_by("traj_id").len()
    assert set(out[SOURCE_ID].unique()) == {"224101000"}
    assert rep.dropped["stopped"] > 0.9 * (600 + 900 + 450)  # berth time, 2-s reports
    assert rep.repaired["stop_splits"] == 1  # the berth at B; A at start and end is dropped
    assert rep.rows_in == len(out) + rep.total
    for _, g in out.group_by("traj_id"):
        dur = g["t"].max() - g["t"].min()
        assert 1150 <= dur <= 1300, dur  # each voyage is its 20-min crossing (+ arrival)


def test_stops_keep_slow_movers_and_short_halts():
    """A bus halting 2 min at each stop and a ship at 2 kn are not stopped."""
    n = 3000
    t = T0 + np.arange(n) * 2
    speed = np.where((np.arange(n) // 300) % 2 == 0, 1.0, 0.0)  # 10 min moving at 1 m/s, 10 still
    speed[(np.arange(n) % 600) >= 540] = 0.0  # plus a 2-min halt
    y = np.cumsum(speed * 2)
    df = pl.DataFrame({"traj_id": ["s"] * n, "t": t, "lat": 50 + y / 111_195.0, "lon": 0.0 * y})
    # a 10-min stand is cut with min 5 min, not with min 15 min
    out15, rep15 = clean(df, CleanConfig(stop_min_s=900))
    assert rep15.dropped["stopped"] == 0 and out15["traj_id"].n_unique() == 1
    out5, rep5 = clean(df, CleanConfig(stop_min_s=300))
    assert rep5.dropped["stopped"] > 0 and out5["traj_id"].n_unique() > 1


def test_stop_splitter_alone_matches_clean_and_refuses_bad_values():
    df = ferry(dt=10)
    a, ra = StopSplitter(100.0, 600.0).apply(df)
    b, rb = clean(df, CleanConfig(min_points=1, stop_min_s=600))
    assert a.equals(b) and ra.dropped["stopped"] == rb.dropped["stopped"]
    with pytest.raises(ValueError, match="must be > 0"):
        StopSplitter(0.0, 600.0).apply(df)


def test_defaults_unchanged_without_the_options():
    """A config without stop_min_s runs exactly the old verbs (stores bit for bit)."""
    df = ferry(dt=10)
    for name, cfg in PRESETS.items():
        assert cfg.stop_min_s is None, name
    out, rep = clean(df, PRESETS["default"])
    assert "stopped" not in rep.dropped and "stop_splits" not in rep.repaired
    assert out["traj_id"].to_list() == ["224101000_0"] * len(df)


def _cli(*args: str):
    return invoke_cli(list(args))  # in this process: a `python -m trajlm.cli` was ~2.5 CPU s each


@pytest.mark.slow
def test_ingest_split_at_stops_and_min_interval(tmp_path: Path):
    csv = tmp_path / "ais.csv"
    ferry().rename({"traj_id": "MMSI"}).write_csv(csv)
    plain = _cli("data", "ingest", str(csv), "--out", str(tmp_path / "a"))
    assert plain.exit_code == 0, plain.output
    cut = _cli("data", "ingest", str(csv), "--out", str(tmp_path / "b"), "--split-at-stops",
               "--min-interval", "10")  # fmt: skip
    assert cut.exit_code == 0, cut.output
    assert "stopped" in cut.stdout and "thinned" in cut.stdout
    ma = json.loads((tmp_path / "a" / "manifest.json").read_text())
    mb = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert ma["n_trajectories"] == 1 and mb["n_trajectories"] == 2
    from trajlm.data.store import read_store

    pts = read_store(tmp_path / "b").sort("traj_id", "t")
    dts = pts.select(pl.col("t").diff().over("traj_id"))["t"].drop_nulls()
    assert dts.min() >= 10
