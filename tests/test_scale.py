"""Scale-out pieces: the streaming store writer equals write_store, rank x worker sharding
covers every window once, gradient accumulation equals a bigger batch; slow tier: the
2-node torchrun loopback run (bench/ddp.py --nodes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import torch
from helpers import run_cli

from trajlm.data.loader import TrajectoryWindows, WindowConfig
from trajlm.data.schema import DropReport
from trajlm.data.store import load_index, load_manifest, load_stats, write_store
from trajlm.data.store_stream import StoreStreamWriter

ROOT = Path(__file__).resolve().parents[1]
T0 = 1_300_000_000


def make_table(n_traj: int = 60, seed: int = 0, users: bool = False) -> pl.DataFrame:
    """Random walks with ids not in time order, some with a label, optional user ids."""
    rng = np.random.default_rng(seed)
    parts = []
    for i in range(n_traj):
        n = int(rng.integers(3, 90))
        cols = {
            "traj_id": f"id{(i * 7) % n_traj:03d}",
            "t": T0 + 3600 * i + np.cumsum(rng.integers(1, 30, n)),
            "lat": 41.15 + np.cumsum(rng.normal(0, 1e-4, n)),
            "lon": -8.6 + np.cumsum(rng.normal(0, 1e-4, n)),
        }
        if users:
            cols["user_id"] = f"u{i % 7}"
        parts.append(pl.DataFrame(cols))
    return pl.concat(parts)


def chunks_of(df: pl.DataFrame, n_chunks: int) -> list[pl.DataFrame]:
    """Whole trajectories per chunk, in input order (as iter_read yields them)."""
    ids = df["traj_id"].unique(maintain_order=True).to_list()
    groups = np.array_split(np.arange(len(ids)), n_chunks)
    return [df.filter(pl.col("traj_id").is_in([ids[i] for i in g])) for g in groups]


def store_content(path: Path) -> dict:
    m = load_manifest(path)
    m.pop("created_at")
    parts = {
        f.relative_to(path).as_posix(): pl.read_parquet(f)
        for f in sorted((path / "points").rglob("*.parquet"))
    }
    return {"manifest": m, "stats": load_stats(path), "index": load_index(path), "parts": parts}


@pytest.mark.parametrize("split_by", ["time", "hour", "user"])
def test_stream_writer_equals_write_store(tmp_path, split_by):
    df = make_table(users=split_by == "user")
    report = DropReport(rows_in=len(df))
    write_store(df, tmp_path / "whole", report=report, sources=["s"], rows_per_file=500,
                split_by=split_by)  # fmt: skip
    with StoreStreamWriter(tmp_path / "stream", sources=["s"], rows_per_file=500,
                           split_by=split_by) as w:  # fmt: skip
        for chunk in chunks_of(df, 7):
            w.add(chunk)
        w.close(report)
    a, b = store_content(tmp_path / "whole"), store_content(tmp_path / "stream")
    assert a["manifest"] == b["manifest"] and a["stats"] == b["stats"]
    assert a["index"].equals(b["index"])
    assert list(a["parts"]) == list(b["parts"]) and len(a["parts"]) > 3
    for name, part in a["parts"].items():
        assert part.equals(b["parts"][name]), name
    assert not list(tmp_path.glob(".stream*")), "temporaries left behind"


def test_stream_writer_samples_stats_above_cap(tmp_path):
    df = make_table(n_traj=80)
    with StoreStreamWriter(tmp_path / "s", stats_max_points=400) as w:
        for chunk in chunks_of(df, 3):
            w.add(chunk)
        m = w.close()
    whole = write_store(df, tmp_path / "whole")
    stats, ref = load_stats(tmp_path / "s"), load_stats(tmp_path / "whole")
    assert stats.n_points == m["splits"]["train"]["n_points"] == ref.n_points
    assert stats != ref  # fit on a sample ...
    assert abs(stats.lat0 - ref.lat0) < 1e-3 and 0.5 < stats.xy_scale / ref.xy_scale < 2
    assert m["n_points"] == whole["n_points"]


def test_stream_writer_aborts_cleanly(tmp_path):
    df = make_table(n_traj=10)
    with pytest.raises(RuntimeError), StoreStreamWriter(tmp_path / "s") as w:
        w.add(df)
        raise RuntimeError("killed mid-ingest")
    assert not (tmp_path / "s").exists() and not list(tmp_path.glob(".s*"))
    with pytest.raises(ValueError, match="two chunks"), StoreStreamWriter(tmp_path / "s") as w:
        w.add(df)
        w.add(df)
        w.close()


def _window_keys(ds) -> list[tuple]:
    return [(int(w["t0"]), float(w["pos"][0, 0]), int(w["mask"].sum())) for w in ds]


def test_ranks_times_workers_cover_every_window_once(tmp_path):
    write_store(make_table(n_traj=120, seed=3), tmp_path / "s", rows_per_file=700)
    cfg = WindowConfig(max_len=16, read_rows=300)
    single = _window_keys(TrajectoryWindows(tmp_path / "s", "train", cfg))
    union = []
    for rank in range(2):
        ds = TrajectoryWindows(tmp_path / "s", "train", cfg, rank=rank, world_size=2)
        dl = torch.utils.data.DataLoader(ds, batch_size=None, num_workers=2)
        mine = _window_keys(dl)
        assert 0 < len(mine) < len(single)
        union += mine
    assert len(union) == len(set(union)) == len(single)  # no duplicates ...
    assert sorted(union) == sorted(single)  # ... and nothing missing


def _train(tmp_path: Path, name: str, **cfg) -> dict[str, torch.Tensor]:
    from trajlm.model import ModelConfig
    from trajlm.train.config import TrainConfig
    from trajlm.train.trainer import Trainer

    tc = TrainConfig(max_steps=3, max_len=16, shuffle_buffer=0, eval_every=0, warmup_steps=0,
                     progress=False, save_every=100, cpu_threads=1, **cfg)  # fmt: skip
    mc = ModelConfig(d_model=32, n_layers=1, n_heads=2, max_len=16)
    tr = Trainer(tmp_path / "s", None, mc, tc)
    tr.fit()
    return {k: v.detach().clone() for k, v in tr._raw_model().state_dict().items()}


def _equal_store(path: Path) -> Path:
    """40 trips of exactly 16 points: every window full, so the mean over two micro-batches
    (or two ranks) of B is the mean over 2B."""
    rows = []
    for i in range(40):
        rng = np.random.default_rng(i)
        rows.append(pl.DataFrame({
            "traj_id": f"a{i:03d}", "t": T0 + 600 * i + 15 * np.arange(16),
            "lat": 41.15 + 1e-4 * rng.normal(size=16).cumsum(),
            "lon": -8.6 + 1e-4 * rng.normal(size=16).cumsum(),
        }))  # fmt: skip
    write_store(pl.concat(rows), path)
    return path


def test_grad_accum_equals_bigger_batch(tmp_path):
    _equal_store(tmp_path / "s")
    big = _train(tmp_path, "big", batch_size=8)
    acc = _train(tmp_path, "acc", batch_size=4, grad_accum_steps=2)
    one = _train(tmp_path, "one", batch_size=4)
    for k in big:
        torch.testing.assert_close(acc[k], big[k], rtol=1e-4, atol=1e-5)
    assert any(not torch.allclose(one[k], big[k]) for k in big)  # the test can fail


TOML = """
[model]
d_model = 16
n_layers = 1
n_heads = 2
max_len = 16
[train]
batch_size = {batch}
grad_accum_steps = {accum}
max_len = 16
shuffle_buffer = {shuffle}
lr = 3e-3
min_lr_ratio = 1.0
warmup_steps = 0
eval_every = 0
log_every = 1
progress = false
"""


def _cli_weights(
    store: Path,
    run: Path,
    batch: int,
    accum: int,
    nproc: int,
    steps: int = 4,
    resume=False,
    shuffle: int = 0,
) -> dict:
    from safetensors.torch import load_file

    cfg = run.with_suffix(".toml")
    cfg.write_text(TOML.format(batch=batch, accum=accum, shuffle=shuffle))
    args = ["train", "--data", str(store), "--out", str(run), "--config", str(cfg),
            "--max-steps", str(steps), *(["--resume"] if resume else [])]  # fmt: skip
    if nproc == 1:  # the one-process reference in this process: ~2.5 CPU s of start-up less
        run_cli(args)
        return load_file(str(run / "model.safetensors"))
    torchrun = str(Path(sys.executable).with_name("torchrun"))
    cmd = [torchrun, "--standalone", "--nproc_per_node", str(nproc), "-m", "trajlm.cli", *args]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert p.returncode == 0, p.stderr[-2000:]
    return load_file(str(run / "model.safetensors"))


@pytest.mark.slow
@pytest.mark.xdist_group("torchrun")  # 2-rank runs: one at a time
def test_ddp_with_accumulation_equals_one_process_at_4b(tmp_path):
    """2 ranks x batch 2 x 2 micro-batches (no_sync on the first) = 1 process at batch 8."""
    store = _equal_store(tmp_path / "s")
    ddp = _cli_weights(store, tmp_path / "ddp", batch=2, accum=2, nproc=2)
    one = _cli_weights(store, tmp_path / "one", batch=8, accum=1, nproc=1)
    half = _cli_weights(store, tmp_path / "half", batch=4, accum=1, nproc=1)
    for k in one:
        torch.testing.assert_close(ddp[k], one[k], rtol=1e-4, atol=1e-5)
    assert any(not torch.allclose(half[k], one[k]) for k in one)  # the test can fail


@pytest.mark.slow
@pytest.mark.xdist_group("torchrun")  # 2-rank runs: one at a time
def test_ddp_resume_is_exact(tmp_path):
    """2 ranks: 3 steps, then --resume to 6 = 6 steps straight (constant lr, shuffled stream;
    5 steps per epoch, so the run resumes mid-epoch and crosses into the next)."""
    store = _equal_store(tmp_path / "s")
    kw = {"batch": 2, "accum": 2, "nproc": 2, "shuffle": 8}
    straight = _cli_weights(store, tmp_path / "a", steps=6, **kw)
    _cli_weights(store, tmp_path / "b", steps=3, **kw)
    resumed = _cli_weights(store, tmp_path / "b", steps=6, resume=True, **kw)
    for k in straight:
        torch.testing.assert_close(resumed[k], straight[k], rtol=0, atol=0)


@pytest.mark.slow
@pytest.mark.xdist_group("torchrun")  # 2-rank runs: one at a time
def test_two_nodes_on_loopback(tmp_path):
    """bench/ddp.py --nodes: two torchrun "nodes" started separately, weights equal."""
    out = tmp_path / "ddp.json"
    cmd = [sys.executable, str(ROOT / "bench" / "ddp.py"), "--nodes-only", "--steps", "6", "--points", "50000",
           "--work", str(tmp_path / "work"), "--out", str(out)]  # fmt: skip
    subprocess.run(cmd, check=True, cwd=ROOT, timeout=600)
    res = json.loads(out.read_text())["two_nodes"]
    assert res["returncodes"] == [0, 0]
    assert res["weights_equal_across_ranks"] is True


def test_val_task_streams_only_the_first_trips(tmp_path, monkeypatch):
    import trajlm.data.store as store
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.model import ModelConfig
    from trajlm.train.config import TrainConfig
    from trajlm.train.trainer import Trainer

    monkeypatch.setattr(store, "ROW_GROUP_ROWS", 40)  # many row groups per part file
    write_store(make_table(n_traj=300, seed=5), tmp_path / "s")
    tc = TrainConfig(max_len=16, progress=False, select_max_traj=7, cpu_threads=1)
    tr = Trainer(tmp_path / "s", None, ModelConfig(d_model=16, n_layers=1, n_heads=2), tc)
    assert tr.val_ade() is not None
    val = store.read_store(tmp_path / "s", split="val")
    keep = val["traj_id"].unique(maintain_order=True).head(7)
    ref = make_prediction_task(val.filter(pl.col("traj_id").is_in(keep.implode())))
    np.testing.assert_array_equal(tr._val_task.lengths, ref.lengths)
    np.testing.assert_array_equal(tr._val_task.target_latlon, ref.target_latlon)


def test_big_spill_buckets_are_split_again(tmp_path, monkeypatch):
    """A spill bucket over 2 x chunk_rows is re-split (memory stays ~chunk_rows at 100 M
    points); the chunks still hold every trajectory whole, once, rows in input order."""
    import trajlm.data.readers._regroup as regroup
    from trajlm.data.readers import iter_read

    df = make_table(n_traj=150, seed=7).sample(fraction=1.0, shuffle=True, seed=1)
    df = df.sort("t")  # time-ordered feed: trajectories interleaved
    df.write_csv(tmp_path / "feed.csv")
    monkeypatch.setattr(regroup, "SPILL_BUCKETS", 2)
    seen = []
    real = regroup._read_buckets

    def spy(files, chunk_rows, depth=0):
        seen.append(depth)
        yield from real(files, chunk_rows, depth)

    monkeypatch.setattr(regroup, "_read_buckets", spy)
    chunks = [c for c, _ in iter_read(tmp_path / "feed.csv", "csv", chunk_rows=200) if len(c)]
    assert max(seen) >= 1  # buckets of ~3,000 rows were split again
    assert max(len(c) for c in chunks) <= 2 * 200 + 100  # + at most one whole trajectory
    ids = [i for c in chunks for i in c["traj_id"].unique().to_list()]
    assert len(ids) == len(set(ids)) == 150
    whole = next(iter_read(tmp_path / "feed.csv", "csv", chunk_rows=10**9))[0]
    assert pl.concat(chunks).sort("traj_id", "t").equals(whole.sort("traj_id", "t"))


def test_resume_on_another_world_size_warns(tmp_path):
    from trajlm.model import ModelConfig
    from trajlm.train.checkpoint import STATE_DIR
    from trajlm.train.config import TrainConfig
    from trajlm.train.trainer import Trainer

    _equal_store(tmp_path / "s")
    tc = TrainConfig(max_steps=2, max_len=16, batch_size=4, eval_every=0, progress=False,
                     cpu_threads=1)  # fmt: skip
    mc = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=16)
    Trainer(tmp_path / "s", tmp_path / "run", mc, tc).fit()
    f = tmp_path / "run" / STATE_DIR / "state.json"
    state = json.loads(f.read_text())
    assert state["world_size"] == 1
    f.write_text(json.dumps({**state, "world_size": 2}))
    with pytest.warns(UserWarning, match="saved with 2 process"):
        Trainer(tmp_path / "s", tmp_path / "run", mc, tc).resume()
