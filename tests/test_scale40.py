"""Session 40 (scale40): ``report_times.interval_spread`` reads a table in (traj_id, t) order
without sorting it; the same number as the sort and ``diff().over`` it used before, to the bit,
on random tables (ties, steps back, shuffles, nulls, several time dtypes and chunks), and the CLI's
test split read as a slice where a store's splits are runs."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from trajlm.eval.eval_splits import split_blocks, split_rows
from trajlm.eval.report_times import interval_spread


def old_interval_spread(df: pl.DataFrame) -> float:
    """interval_spread before scale40, verbatim (the reference)."""
    if df.height == 0:
        return float("nan")
    dt = (
        df.sort("traj_id", "t")
        .select(pl.col("t").diff().over("traj_id").alias("dt"))["dt"]
        .drop_nulls()
        .to_numpy()
        .astype(np.float64)
    )
    dt = dt[dt > 0]
    if len(dt) < 10:
        return float("nan")
    p10, p90 = np.percentile(dt, [10, 90])
    return float(p90 / p10)


def random_table(rng: np.random.Generator) -> pl.DataFrame:
    n_traj = int(rng.integers(1, 12))
    lens = rng.integers(1, 30, n_traj)
    ids = np.repeat([f"v{i:03d}" if rng.random() < 0.8 else f"ü{i}" for i in range(n_traj)], lens)
    steps = rng.choice([0, 1, 5, 15, 60, 600], size=len(ids))
    t = np.concatenate([np.cumsum(steps[:n]) for n in lens]).astype(np.int64) + 1_700_000_000
    df = pl.DataFrame({"traj_id": ids, "t": t, "lat": rng.random(len(ids)), "lon": 0.0})
    kind = rng.integers(0, 6)
    if kind == 1:  # rows out of order: the sort path
        df = df.sample(fraction=1.0, shuffle=True, seed=int(rng.integers(1 << 30)))
    elif kind == 2 and df.height > 2:  # a clock stepping back inside a trajectory
        df = df.with_columns(
            pl.when(pl.int_range(pl.len()) == 1).then(0).otherwise(pl.col("t")).alias("t")
        )
    elif kind == 3:
        df = df.with_columns(
            pl.col("t").cast(rng.choice([pl.Int32, pl.UInt32, pl.UInt64])) - 1_600_000_000
        )
    elif kind == 4:  # sub-second store: float seconds
        df = df.with_columns(pl.col("t").cast(pl.Float64) + pl.Series(rng.random(df.height) / 3))
        df = df.sort("traj_id", "t")
    elif kind == 5 and df.height > 2:  # a null time or id
        col = "t" if rng.random() < 0.5 else "traj_id"
        df = df.with_columns(
            pl.when(pl.int_range(pl.len()) == 2).then(None).otherwise(pl.col(col)).alias(col)
        )
    if rng.random() < 0.4 and df.height > 3:  # several chunks
        cut = int(rng.integers(1, df.height))
        df = pl.concat([df[:cut], df[cut:cut], df[cut:]], rechunk=False)
    return df


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def test_interval_spread_matches_the_sort_on_random_tables():
    rng = np.random.default_rng(40)
    for _ in range(1500):
        df = random_table(rng)
        assert same(interval_spread(df), old_interval_spread(df)), df


def test_interval_spread_of_a_long_regular_and_irregular_table():
    rng = np.random.default_rng(1)
    ids = np.repeat([f"t{i:04d}" for i in range(300)], 40)
    t = np.tile(np.arange(40) * 15, 300)
    df = pl.DataFrame({"traj_id": ids, "t": t})
    assert interval_spread(df) == old_interval_spread(df) == 1.0
    df = df.with_columns(
        t=pl.Series(np.concatenate([np.cumsum(rng.integers(1, 1800, 40)) for _ in range(300)]))
    )
    assert interval_spread(df) == old_interval_spread(df) > 4.0


def test_the_test_split_as_the_cli_reads_it():
    rng = np.random.default_rng(2)
    parts = [random_table(rng).filter(pl.col("traj_id").is_not_null() & pl.col("t").is_not_null())
             .cast({"t": pl.Int64}).sort("traj_id", "t").with_columns(split=pl.lit(s))
             for s in ("train", "val", "test")]  # fmt: skip
    parts = [p.with_columns(pl.col("traj_id") + s) for p, s in zip(parts, "abc", strict=True)]
    df = pl.concat(parts, rechunk=False)
    assert split_blocks(df) is not None
    got = interval_spread(split_rows(df, "test", split_blocks(df)))
    assert same(got, old_interval_spread(df.filter(pl.col("split") == "test")))


@pytest.mark.parametrize("height", [0, 1, 5])
def test_tiny_tables(height):
    df = pl.DataFrame({"traj_id": ["a"] * height, "t": list(range(height))})
    assert math.isnan(interval_spread(df)) and math.isnan(old_interval_spread(df))
