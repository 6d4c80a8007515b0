"""Parquet store: layout, round trip, chronological splits, manifest, atomic replace."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pyarrow.parquet as pq
import pytest

from trajlm.data.schema import DropReport, TrajlmInputError
from trajlm.data.store import (
    inspect_store,
    iter_store_batches,
    load_index,
    load_manifest,
    load_stats,
    read_store,
    write_store,
)

T0 = 1_300_000_000


def make_table(n_traj: int = 20, seed: int = 0) -> pl.DataFrame:
    """n_traj random walks, trajectory i starting i hours after T0, ids not in time order."""
    rng = np.random.default_rng(seed)
    parts = []
    for i in range(n_traj):
        n = int(rng.integers(5, 40))
        parts.append(
            pl.DataFrame(
                {
                    "traj_id": f"id{(i * 7) % n_traj:03d}",
                    "t": T0 + 3600 * i + np.cumsum(rng.integers(1, 30, n)),
                    "lat": 41.15 + np.cumsum(rng.normal(0, 1e-4, n)),
                    "lon": -8.6 + np.cumsum(rng.normal(0, 1e-4, n)),
                    "label": ["bus", "car"][i % 2],
                }
            )
        )
    return pl.concat(parts).sort("traj_id", "t")


def test_round_trip_and_layout(tmp_path):
    df = make_table()
    report = DropReport(rows_in=len(df) + 3)
    report.drop("duplicate_timestamp", 3)
    m = write_store(df, tmp_path / "s", report=report, sources=["synthetic"])
    back = read_store(tmp_path / "s")
    assert back.drop("split").equals(df)
    for s in ("train", "val", "test"):
        assert (tmp_path / "s" / "points" / f"split={s}" / "part-00000.parquet").is_file()
    assert m == load_manifest(tmp_path / "s")
    assert m["n_points"] == len(df) and m["n_trajectories"] == 20
    assert m["splits"]["train"]["n_trajectories"] == 16
    assert sum(v["n_points"] for v in m["splits"].values()) == len(df)
    assert m["drop_report"]["dropped"] == {"duplicate_timestamp": 3}
    assert m["sources"] == ["synthetic"] and m["schema_version"] == 1
    assert m["time_span"]["start_unix"] == df["t"].min()
    assert m["time_span"]["start_iso"].startswith("2011-03-13T")
    assert m["bbox"]["min_lat"] == df["lat"].min() and m["bbox"]["max_lon"] == df["lon"].max()
    stats = load_stats(tmp_path / "s")
    assert stats.n_points == m["splits"]["train"]["n_points"]


def test_splits_are_chronological(tmp_path):
    write_store(make_table(), tmp_path / "s")
    idx = load_index(tmp_path / "s")
    assert idx.columns == ["traj_id", "t_start", "t_end", "n_points", "split"]
    last = {s: idx.filter(pl.col("split") == s)["t_start"] for s in ("train", "val", "test")}
    assert last["train"].max() < last["val"].min() and last["val"].max() < last["test"].min()
    test = read_store(tmp_path / "s", split="test")
    assert set(test["split"]) == {"test"}
    assert set(test["traj_id"]) == set(idx.filter(pl.col("split") == "test")["traj_id"])


def test_part_files_never_split_a_trajectory(tmp_path):
    df = make_table(40)
    write_store(df, tmp_path / "s", rows_per_file=50)
    files = sorted((tmp_path / "s" / "points" / "split=train").glob("part-*.parquet"))
    assert len(files) > 3
    seen: set[str] = set()
    for f in files:
        ids = set(pl.read_parquet(f, columns=["traj_id"])["traj_id"])
        assert not ids & seen
        seen |= ids
    batches = list(iter_store_batches(tmp_path / "s", "train"))
    assert pl.concat(batches).equals(read_store(tmp_path / "s", "train").drop("split"))


def test_row_groups_at_most_65536_and_batches_match(tmp_path):
    n = 150_000
    df = pl.DataFrame(
        {
            "traj_id": np.repeat([f"t{i}" for i in range(10)], n // 10),
            "t": T0 + np.tile(np.arange(n // 10), 10) + np.repeat(np.arange(10) * 10**6, n // 10),
            "lat": np.zeros(n),
            "lon": np.zeros(n),
        }
    )
    write_store(df, tmp_path / "s")
    f = tmp_path / "s" / "points" / "split=train" / "part-00000.parquet"
    meta = pq.ParquetFile(f).metadata
    assert meta.num_row_groups == 2
    assert max(meta.row_group(i).num_rows for i in range(meta.num_row_groups)) <= 65_536
    assert meta.row_group(0).column(0).compression == "ZSTD"
    batches = list(iter_store_batches(tmp_path / "s", "train", columns=["traj_id", "t"]))
    assert [len(b) for b in batches] == [65_536, 120_000 - 65_536]
    assert pl.concat(batches).equals(
        read_store(tmp_path / "s", "train", ["traj_id", "t"]).drop("split")
    )


def test_atomic_replace_and_refuse_foreign_dir(tmp_path):
    write_store(make_table(20, seed=0), tmp_path / "s")
    with pytest.raises(Exception, match="overwrite"):  # the default keeps the user's store
        write_store(make_table(10, seed=1), tmp_path / "s")
    assert load_manifest(tmp_path / "s")["n_trajectories"] == 20
    write_store(make_table(10, seed=1), tmp_path / "s", overwrite=True)
    assert load_manifest(tmp_path / "s")["n_trajectories"] == 10
    assert [p.name for p in tmp_path.iterdir()] == ["s"]  # no temp or old dirs left behind
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "precious.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="not a trajlm store"):
        write_store(make_table(), tmp_path / "other")
    assert (tmp_path / "other" / "precious.txt").read_text() == "keep me"


def test_failed_write_leaves_old_store(tmp_path):
    write_store(make_table(20), tmp_path / "s")
    bad = make_table(20).with_columns(pl.lit(float("nan")).alias("lat"))
    with pytest.raises(TrajlmInputError, match="field lat"):
        write_store(bad, tmp_path / "s", overwrite=True)
    assert load_manifest(tmp_path / "s")["n_trajectories"] == 20
    assert len(list(tmp_path.iterdir())) == 1


def test_inspect_store(tmp_path):
    df = make_table()
    write_store(df, tmp_path / "s")
    info = inspect_store(tmp_path / "s")
    assert info["n_points"] == len(df)
    assert 1 <= info["sampling_interval_s"]["p5"] <= info["sampling_interval_s"]["p95"] <= 29
    assert info["labels"]["bus"] + info["labels"]["car"] == len(df)
    json.dumps(info)  # serializable for the CLI
