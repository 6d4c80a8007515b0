"""Streaming window loader: shapes, reassembly across row groups, sharding, determinism, resume."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq
import pytest
import torch
from torch.utils.data import DataLoader

from trajlm.data.features import LocalProjection
from trajlm.data.loader import (
    TrajectoryWindows,
    WindowConfig,
    resume_state,
    window_spans,
    windows_from_table,
)

PROJ = LocalProjection(41.15, -8.61)


def make_table(n_traj: int = 23, seed: int = 0) -> pl.DataFrame:
    """Canonical table: random-walk trajectories of 1..40 points, 15 s +- jitter apart."""
    rng = np.random.default_rng(seed)
    lens = rng.integers(1, 41, n_traj)
    tid = np.repeat(np.arange(n_traj), lens)
    n = int(lens.sum())
    t = 1_600_000_000 + np.repeat(rng.integers(0, 10**6, n_traj), lens)
    t = t + np.cumsum(rng.integers(1, 30, n))  # strictly increasing within each trajectory
    return pl.DataFrame(
        {
            "traj_id": [f"tr{i:03d}" for i in tid],
            "t": t.astype(np.int64),
            "lat": 41.15 + np.cumsum(rng.normal(0, 1e-4, n)),
            "lon": -8.61 + np.cumsum(rng.normal(0, 1e-4, n)),
        }
    )


def write_store(df: pl.DataFrame, root: Path, split: str = "train", n_parts: int = 3) -> Path:
    """Tiny store in the contracts.md layout; row groups of 7 rows split trajectories."""
    out = root / "points" / f"split={split}"
    out.mkdir(parents=True)
    ids = df["traj_id"].unique(maintain_order=True).to_list()
    for p, part_ids in enumerate(np.array_split(np.array(ids), n_parts)):
        part = df.filter(pl.col("traj_id").is_in(part_ids.tolist()))
        pq.write_table(part.to_arrow(), out / f"part-{p:05d}.parquet", row_group_size=7)
    (root / "stats.json").write_text(json.dumps({"lat0": PROJ.lat0, "lon0": PROJ.lon0}))
    return root


@pytest.fixture(scope="module")
def table() -> pl.DataFrame:
    return make_table()


@pytest.fixture(scope="module")
def store(table, tmp_path_factory) -> Path:
    return write_store(table, tmp_path_factory.mktemp("store"))


def collect(ds) -> dict[str, torch.Tensor]:
    items = list(ds)
    return {k: torch.stack([it[k] for it in items]) for k in ("pos", "t", "t0", "mask")}


def assert_same(a: dict, b: dict) -> None:
    for k in ("pos", "t", "t0", "mask"):
        assert torch.equal(a[k], b[k]), k


def test_window_spans_stride_and_min_len():
    cfg = WindowConfig(max_len=4, stride=2, min_len=2)
    ws, wl, n_short = window_spans(np.array([0, 10, 20]), np.array([7, 1, 4]), cfg)
    # L=7: [0,4) [2,6) [4,7); L=1: too short; L=4: one full window.
    assert ws.tolist() == [0, 2, 4, 20] and wl.tolist() == [4, 4, 3, 4] and n_short == 1
    ws, wl, n_short = window_spans(np.array([0]), np.array([9]), WindowConfig(max_len=4))
    assert ws.tolist() == [0, 4] and wl.tolist() == [4, 4] and n_short == 1  # tail of 1 point


def test_shapes_padding_mask_and_times(store, table):
    cfg = WindowConfig(max_len=8, read_rows=5)
    items = list(TrajectoryWindows(store, config=cfg))
    it = items[0]
    assert it["pos"].shape == (8, 2) and it["pos"].dtype == torch.float32
    assert it["t"].shape == (8,) and it["t"].dtype == torch.float32
    assert it["t0"].shape == () and it["t0"].dtype == torch.int64
    assert it["mask"].dtype == torch.bool
    lens = table.group_by("traj_id").len()["len"].to_numpy().astype(np.int64)
    expected = sum(int(-(-n // 8)) - int(n % 8 == 1) for n in lens)  # tails of 1 point skipped
    assert len(items) == expected
    for it in items:
        m = it["mask"]
        n = int(m.sum())
        assert n >= 2 and m[:n].all() and not m[n:].any()  # padding only at the end
        assert it["t"][0] == 0 and (it["t"][1:n] > 0).all() and (it["t"][n:] == 0).all()
        assert (it["pos"][n:] == 0).all()
    # t0 is the absolute time of the window's first point; the first trajectory's 2nd window
    # starts at its 9th point.
    first = table.filter(pl.col("traj_id") == table["traj_id"][0])
    assert int(items[0]["t0"]) == first["t"][0]
    if len(first) > 9:
        assert int(items[1]["t0"]) == first["t"][8]
        assert items[1]["t"][1] == first["t"][9] - first["t"][8]


def test_streaming_equals_in_memory_across_row_groups(store, table):
    """Tiny read batches force every trajectory to be reassembled from pieces."""
    for read_rows in (3, 5, 10_000):
        cfg = WindowConfig(max_len=8, stride=3, read_rows=read_rows)
        assert_same(
            collect(TrajectoryWindows(store, config=cfg)), windows_from_table(table, cfg, PROJ)
        )


def test_positions_are_local_metres(store, table):
    cfg = WindowConfig(max_len=64)  # every trajectory fits in one window
    w = windows_from_table(table, cfg, PROJ)
    first = table.filter(pl.col("traj_id") == table["traj_id"][0])
    x, y = PROJ.forward(first["lat"].to_numpy(), first["lon"].to_numpy())
    n = len(first)
    np.testing.assert_allclose(w["pos"][0, :n].numpy(), np.stack([x, y], -1), atol=1e-3)


def test_sharding_partitions_trajectories(store):
    cfg = WindowConfig(max_len=8, read_rows=5)
    full = collect(TrajectoryWindows(store, config=cfg))
    key = lambda d: sorted(zip(d["t0"].tolist(), d["pos"][:, 0, 0].tolist(), strict=True))  # noqa: E731
    parts = []
    for rank in range(2):
        ds = TrajectoryWindows(store, config=cfg, rank=rank, world_size=2)
        for wid in range(3):  # emulate 3 DataLoader workers per rank
            ds._consumer = lambda w=wid, r=rank: (w, r * 3 + w, 6)  # noqa: B023
            parts.append(collect(ds))
    assert all(len(p["t0"]) > 0 for p in parts)
    union = sorted(x for p in parts for x in key(p))
    assert union == key(full)  # every window exactly once: no duplicates, none missing


def test_dataloader_workers_cover_everything(store):
    cfg = WindowConfig(max_len=8)
    full = collect(TrajectoryWindows(store, config=cfg))
    dl = DataLoader(TrajectoryWindows(store, config=cfg), batch_size=4, num_workers=2)
    t0 = torch.cat([b["t0"] for b in dl])
    assert sorted(t0.tolist()) == sorted(full["t0"].tolist())


def test_shuffle_is_deterministic_and_epoch_dependent(store):
    cfg = WindowConfig(max_len=8, shuffle_buffer=16, seed=3, read_rows=5)
    a = collect(TrajectoryWindows(store, config=cfg))
    b = collect(TrajectoryWindows(store, config=cfg))
    assert_same(a, b)
    plain = collect(TrajectoryWindows(store, config=WindowConfig(max_len=8)))
    assert not torch.equal(a["t0"], plain["t0"])  # shuffled
    assert sorted(a["t0"].tolist()) == sorted(plain["t0"].tolist())  # same windows
    ds = TrajectoryWindows(store, config=cfg)
    ds.set_epoch(1)
    c = collect(ds)
    assert not torch.equal(a["t0"], c["t0"])
    assert sorted(a["t0"].tolist()) == sorted(c["t0"].tolist())


@pytest.mark.parametrize("shuffle_buffer", [0, 16])
def test_resume_continues_exactly(store, shuffle_buffer):
    cfg = WindowConfig(max_len=8, stride=5, shuffle_buffer=shuffle_buffer, read_rows=5)
    ds = TrajectoryWindows(store, config=cfg, epoch=2)
    full = collect(ds)
    k = 17
    ds = TrajectoryWindows(store, config=cfg, epoch=2)
    it = iter(ds)
    for _ in range(k):
        next(it)
    state = ds.state_dict()
    assert state["epoch"] == 2 and state["windows_yielded"] == [k]
    ds2 = TrajectoryWindows(store, config=cfg)
    ds2.load_state_dict(json.loads(json.dumps(state)))  # survives a JSON round trip
    rest = collect(ds2)
    assert_same(rest, {key: v[k:] for key, v in full.items()})
    ds2.set_epoch(3)  # next epoch starts from the beginning again
    assert len(collect(ds2)["t0"]) == len(full["t0"])


def test_resume_with_dataloader_recipe(store):
    cfg = WindowConfig(max_len=8, shuffle_buffer=8)
    for workers in (0, 2):
        ref = [
            b["t0"]
            for b in DataLoader(TrajectoryWindows(store, config=cfg), 3, num_workers=workers)
        ]
        ds = TrajectoryWindows(store, config=cfg)
        ds.load_state_dict(resume_state(0, batches=5, batch_size=3, num_workers=workers))
        got = [b["t0"] for b in DataLoader(ds, 3, num_workers=workers)]
        n = min(len(got), len(ref) - 5)
        assert n > 3
        for a, b in zip(ref[5 : 5 + n], got[:n], strict=True):
            assert torch.equal(a, b)


def test_resume_rejects_other_config(store):
    ds = TrajectoryWindows(store, config=WindowConfig(max_len=8))
    state = ds.state_dict()
    with pytest.raises(ValueError, match="config"):
        TrajectoryWindows(store, config=WindowConfig(max_len=16)).load_state_dict(state)


def test_min_len_skips_and_counts(store, table):
    cfg = WindowConfig(max_len=64, min_len=10)
    ds = TrajectoryWindows(store, config=cfg)
    items = list(ds)
    lens = table.group_by("traj_id").len()["len"].to_numpy().astype(np.int64)
    assert len(items) == int((lens >= 10).sum())
    assert ds.n_short_windows == int((lens < 10).sum()) > 0
    assert all(int(it["mask"].sum()) >= 10 for it in items)


def test_missing_split_and_stats(tmp_path, store):
    with pytest.raises(FileNotFoundError, match="write_store"):
        TrajectoryWindows(tmp_path, projection=PROJ)
    (store / "points" / "split=val").mkdir(exist_ok=True)
    with pytest.raises(FileNotFoundError):
        TrajectoryWindows(store, split="val")
