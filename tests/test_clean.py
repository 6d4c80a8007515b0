"""Cleaning verbs: each drops exactly what it says, counts it, and keeps the table canonical."""

from __future__ import annotations

import math
import time

import numpy as np
import polars as pl
import pytest

from trajlm.data.clean import (
    PRESETS,
    AddSpeed,
    CleanConfig,
    DropDuplicateTimestamps,
    DropInvalidCoords,
    GapSplitter,
    MinLength,
    Resampler,
    SortByTime,
    SpeedFilter,
    Thinner,
    clean,
    thin_mask,
)
from trajlm.data.schema import conform, data_root, validate

T0 = 1_300_000_000  # 2011-03-13, a plausible GPS time


def table(rows: list[tuple]) -> pl.DataFrame:
    """rows of (traj_id, t_offset_s, lat, lon) -> canonical table, file order kept."""
    ids, ts, lats, lons = zip(*rows, strict=True)
    return pl.DataFrame(
        {"traj_id": ids, "t": [T0 + t for t in ts], "lat": lats, "lon": lons},
        schema={"traj_id": pl.Utf8, "t": pl.Int64, "lat": pl.Float64, "lon": pl.Float64},
    )


def random_table(n_traj: int = 20, seed: int = 0) -> pl.DataFrame:
    """Random walks with 1-40 s irregular sampling and some long gaps."""
    rng = np.random.default_rng(seed)
    parts = []
    for i in range(n_traj):
        n = int(rng.integers(1, 60))
        dt = rng.integers(1, 40, n)
        dt[rng.random(n) < 0.05] += 600
        parts.append(
            pl.DataFrame(
                {
                    "traj_id": f"u{i:02d}",
                    "t": T0 + np.cumsum(dt),
                    "lat": 39.9 + np.cumsum(rng.normal(0, 1e-4, n)),
                    "lon": 116.3 + np.cumsum(rng.normal(0, 1e-4, n)),
                }
            )
        )
    return conform(pl.concat(parts))


def conserved(df_in: pl.DataFrame, out: pl.DataFrame, report) -> None:
    assert report.rows_in == len(df_in)
    assert report.rows_in == len(out) + report.total
    assert validate(out) == []


def test_drop_invalid_coords_reason_per_kind():
    df = table(
        [
            ("a", 0, 39.9, 116.3),
            ("a", 1, float("nan"), 116.3),
            ("a", 2, 39.9, float("inf")),
            ("a", 3, 91.0, 116.3),
            ("a", 4, 39.9, -180.5),
            ("a", 5, None, 116.3),
            ("a", 6, 39.9, 116.3),
        ]
    )
    df = df.with_columns(pl.when(pl.col("t") == T0 + 6).then(5).otherwise(pl.col("t")).alias("t"))
    out, r = DropInvalidCoords().apply(df)
    assert dict(r.dropped) == {
        "nonfinite_coord": 2,
        "lat_out_of_range": 1,
        "lon_out_of_range": 1,
        "null_coord": 1,
        "time_before_1990": 1,
    }
    assert out["t"].to_list() == [T0]
    conserved(df, out, r)


def test_sort_by_time_sort_and_drop():
    df = table([("a", 0, 0, 0), ("a", 10, 0, 0), ("a", 5, 0, 0), ("a", 20, 0, 0), ("b", 1, 0, 0)])
    out, r = SortByTime("sort").apply(df)
    assert out["t"].to_list() == [T0, T0 + 5, T0 + 10, T0 + 20, T0 + 1]
    assert r.repaired["sorted_by_time"] == 1 and r.total == 0
    conserved(df, out, r)
    out, r = SortByTime("drop").apply(df)
    assert out["t"].to_list() == [T0, T0 + 10, T0 + 20, T0 + 1]
    assert r.dropped["non_monotonic_time"] == 1
    conserved(df, out, r)
    with pytest.raises(ValueError, match="mode"):
        SortByTime("bogus").apply(df)


def test_drop_duplicate_timestamps_keeps_first():
    df = table([("a", 0, 1.0, 0), ("a", 0, 2.0, 0), ("a", 1, 3.0, 0), ("b", 0, 4.0, 0)])
    out, r = DropDuplicateTimestamps().apply(df)
    assert out["lat"].to_list() == [1.0, 3.0, 4.0]
    assert r.dropped["duplicate_timestamp"] == 1
    conserved(df, out, r)


def test_speed_filter_removes_spike_but_not_the_point_after():
    # 10 m every 10 s (1 m/s) with one 1 km jump at t=30 and a 2-point run of outliers at 60, 70.
    lat_step = 10 / 111_195  # ~10 m in degrees latitude
    lats = [i * lat_step for i in range(10)]
    lats[3] += 0.01
    lats[6] += 0.02
    lats[7] += 0.02
    df = table([("a", 10 * i, lat, 0.0) for i, lat in enumerate(lats)])
    out, r = SpeedFilter(max_speed_mps=5.0).apply(df)
    assert out["t"].to_list() == [T0 + 10 * i for i in (0, 1, 2, 4, 5, 8, 9)]
    assert r.dropped["speed_outlier"] == 3 and r.repaired["speed_outliers_left"] == 0
    conserved(df, out, r)


def test_gap_splitter_names_and_counts():
    df = table([("a", 0, 0, 0), ("a", 100, 0, 0), ("a", 500, 0, 0), ("b", 0, 0, 0)])
    df = pl.concat([df, table([("a", 500 + 400 * k, 0, 0) for k in range(1, 11)])])
    df = conform(df)
    out, r = GapSplitter(max_gap_s=300).apply(df)
    assert r.repaired["gap_splits"] == 11 and r.total == 0
    counts = dict(out.group_by("traj_id").len().iter_rows())
    assert counts["a_0"] == 2 and counts["a_1"] == 1 and counts["a_10"] == 1 and counts["b_0"] == 1
    assert out["traj_id"].n_unique() == 13
    conserved(df, out, r)


def _thin_reference(t: list[int], gap: float) -> list[bool]:
    keep, last = [], None
    for x in t:
        k = last is None or x - last >= gap
        keep.append(k)
        last = x if k else last
    return keep


def test_thinner_matches_sequential_rule():
    df = random_table(40, seed=1)
    out, r = Thinner(min_interval_s=15).apply(df)
    expected = []
    for _, g in df.group_by("traj_id", maintain_order=True):
        expected += _thin_reference(g["t"].to_list(), 15)
    assert out.height == sum(expected) and r.dropped["thinned"] == len(expected) - sum(expected)
    assert out.equals(df.filter(pl.Series(expected)))
    conserved(df, out, r)


def test_thinner_needs_sorted_times():
    df = table([("a", 10, 0, 0), ("a", 0, 0, 0)])
    with pytest.raises(ValueError, match="SortByTime"):
        Thinner(15).apply(df)


def test_thin_mask_is_fast_on_a_million_regular_points():
    n = 1_000_000
    ids = pl.Series(np.repeat(np.arange(100), n // 100).astype(str))
    t = T0 + np.tile(np.arange(n // 100), 100)  # 1 s sampling: the worst case for runs
    start = time.perf_counter()
    keep = thin_mask(ids, t, 15)
    assert time.perf_counter() - start < 5.0
    assert keep.sum() == 100 * math.ceil((n // 100) / 15)


def test_min_length_counts_points_and_trajectories():
    df = table([("a", i, 0, 0) for i in range(5)] + [("b", 0, 0, 0), ("c", 0, 0, 0)])
    out, r = MinLength(min_points=3).apply(df)
    assert out["traj_id"].unique().to_list() == ["a"]
    assert r.dropped["short_trajectory"] == 2 and r.repaired["short_trajectories"] == 2
    conserved(df, out, r)


def test_resampler_interpolates_linearly():
    df = table([("a", 0, 0.0, 179.0), ("a", 20, 2.0, -179.0), ("b", 0, 5.0, 5.0)])
    df = df.with_columns(pl.lit("bus").alias("label"))
    out, r = Resampler(interval_s=5).apply(df)
    a = out.filter(pl.col("traj_id") == "a")
    assert a["t"].to_list() == [T0 + s for s in (0, 5, 10, 15, 20)]
    np.testing.assert_allclose(a["lat"].to_numpy(), [0, 0.5, 1.0, 1.5, 2.0])
    np.testing.assert_allclose(a["lon"].to_numpy(), [179, 179.5, -180, -179.5, -179])
    assert out["label"].to_list() == ["bus"] * 6
    assert r.repaired["resampled_from"] == 3 and r.repaired["resampled_to"] == 6
    assert validate(out) == []


def test_add_speed_first_point_gets_first_segment_speed():
    lat_100m = 100 / (math.radians(1) * 6_371_008.8)
    df = table([("a", 0, 0.0, 0.0), ("a", 10, lat_100m, 0.0), ("a", 20, 3 * lat_100m, 0.0)])
    df = pl.concat([df, table([("b", 0, 0.0, 0.0)])])
    out, r = AddSpeed().apply(df)
    s = out["speed_mps"].to_list()
    np.testing.assert_allclose(s[:3], [10.0, 10.0, 20.0], rtol=1e-9)
    assert s[3] is None and r.total == 0


def test_clean_chains_and_conserves():
    df = random_table(30, seed=2)
    dup = df.head(5)
    df = pl.concat([df, dup]).sample(fraction=1.0, shuffle=True, seed=0)  # shuffled + dupes
    cfg = CleanConfig(max_speed_mps=30, max_gap_s=300, min_points=5, min_interval_s=10)
    out, r = clean(df, cfg)
    conserved(df, out, r)
    assert r.dropped["duplicate_timestamp"] == 5 and r.repaired["sorted_by_time"] > 0
    assert out.group_by("traj_id").len()["len"].min() >= 5
    gaps = out.select((pl.col("t").diff().over("traj_id")).max()).item()
    assert gaps <= 300


def test_clean_with_resample_reports_counts():
    df = random_table(5, seed=3)
    out, r = clean(df, CleanConfig(resample_s=30, add_speed=True))
    assert r.repaired["resampled_to"] == len(out)
    assert r.rows_in - r.total == r.repaired["resampled_from"]
    assert "speed_mps" in out.columns


def test_presets_do_not_speed_filter():
    assert all(PRESETS[k].max_speed_mps is None for k in ("geolife", "porto"))
    assert PRESETS["geolife"].min_interval_s == 15 and PRESETS["geolife"].max_gap_s == 300


@pytest.mark.realdata
def test_porto_preset_keeps_971_trips():
    path = data_root() / "porto" / "train.1k.csv"
    if not path.exists():
        pytest.skip(f"real data slice not found at {path} (set TRAJLM_DATA)")
    raw = pl.read_csv(path, schema_overrides={"TRIP_ID": pl.Utf8})
    raw = raw.filter(pl.col("MISSING_DATA").cast(pl.Utf8).str.to_lowercase() != "true")
    pts = (
        raw.select(
            pl.col("TRIP_ID").alias("traj_id"),
            pl.col("TIMESTAMP").cast(pl.Int64),
            pl.col("POLYLINE").str.json_decode(pl.List(pl.List(pl.Float64))).alias("p"),
        )
        .with_columns(pl.int_ranges(0, pl.col("p").list.len()).alias("k"))
        .explode("p", "k")
        .filter(pl.col("p").is_not_null())
        .select(
            "traj_id",
            (pl.col("TIMESTAMP") + 15 * pl.col("k")).alias("t"),
            pl.col("p").list.get(1).alias("lat"),
            pl.col("p").list.get(0).alias("lon"),
        )
    )
    out, r = clean(conform(pts), PRESETS["porto"])
    assert out["traj_id"].n_unique() == 971
    conserved(pts, out, r)


def _speed_reference(df: pl.DataFrame, vmax: float) -> list[bool]:
    keep = []
    for _, g in df.group_by("traj_id", maintain_order=True):
        last = None
        for t, lat, lon in g.select("t", "lat", "lon").iter_rows():
            if last is None:
                ok = True
            else:
                p1, p2 = math.radians(last[1]), math.radians(lat)
                a = (
                    math.sin((p2 - p1) / 2) ** 2
                    + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon - last[2]) / 2) ** 2
                )
                ok = 2 * 6_371_008.8 * math.asin(math.sqrt(a)) / (t - last[0]) <= vmax
            keep.append(ok)
            last = (t, lat, lon) if ok else last
    return keep


def test_speed_filter_matches_sequential_rule_on_noisy_walks():
    df = random_table(30, seed=4)
    rng = np.random.default_rng(4)
    bad = rng.random(len(df)) < 0.05
    df = df.with_columns(pl.col("lat") + pl.Series(np.where(bad, 0.05, 0.0)))
    out, r = SpeedFilter(max_speed_mps=20).apply(df)
    expected = _speed_reference(df, 20)
    assert r.dropped["speed_outlier"] > 0 and r.repaired["speed_outliers_left"] == 0
    assert out.equals(df.filter(pl.Series(expected)))
    conserved(df, out, r)
