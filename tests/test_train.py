"""Training loop: exact resume after kill -9, checkpoint format, schedule."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from helpers import run_cli
from safetensors.torch import load_file

from trajlm.data.ingest import synth_store
from trajlm.train.trainer import TrainConfig, lr_at

TINY = """
[model]
d_model = 16
n_layers = 1
n_heads = 2
max_len = 24
pos_type = "rope"
[train]
batch_size = 4
max_len = 16
shuffle_buffer = 8
lr = 3e-3
warmup_steps = 3
eval_every = 0
save_every = 4
log_every = 1
progress = false
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("store") / "synth"
    synth_store(out, n_trajectories=40, seed=1)
    return out


def _train(store: Path, run: Path, cfg: Path, steps: int, resume: bool = False, sleep: float = 0):
    cmd = [sys.executable, "-m", "trajlm.cli", "train", "--data", str(store), "--out", str(run),
           "--config", str(cfg), "--max-steps", str(steps)]  # fmt: skip
    if resume:
        cmd.append("--resume")
    env = {**os.environ, "TRAJLM_DEBUG_STEP_SLEEP_S": str(sleep), "OMP_NUM_THREADS": "1"}
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _step_of(run: Path) -> int:
    f = run / "trainer_state" / "state.json"
    try:
        return json.loads(f.read_text())["step"]
    except (FileNotFoundError, json.JSONDecodeError, KeyError):
        return -1


def _reference_then_slow_run(store, tmp_path, run, cfg, steps, progress, at_least):
    """Train tmp_path/ref to the end, then start a slowed run in `run` and return it once
    `progress(run)` reaches `at_least` (still running, to be stopped by the caller)."""
    ref = _train(store, tmp_path / "ref", cfg, steps)
    assert ref.wait(timeout=120) == 0, ref.stderr.read().decode()
    proc = _train(store, run, cfg, steps, sleep=0.05)
    deadline = time.time() + 120
    while progress(run) < at_least and time.time() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert proc.poll() is None, "run finished before it could be stopped"
    return proc


@pytest.mark.slow
def test_resume_after_kill_is_bit_identical(store: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "tiny.toml"
    cfg.write_text(TINY)
    steps = 24
    run = tmp_path / "killed"
    proc = _reference_then_slow_run(store, tmp_path, run, cfg, steps, _step_of, 8)
    proc.send_signal(signal.SIGKILL)  # kill -9: no chance to clean up
    proc.wait()
    killed_at = _step_of(run)
    assert 8 <= killed_at < steps

    resumed = _train(store, run, cfg, steps, resume=True)
    assert resumed.wait(timeout=120) == 0, resumed.stderr.read().decode()
    assert _step_of(run) == steps
    a = load_file(str(tmp_path / "ref" / "model.safetensors"))
    b = load_file(str(run / "model.safetensors"))
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), f"{k} differs after resume"
    # Metrics after resume continue from the checkpoint without duplicated steps.
    steps_logged = [json.loads(x)["step"] for x in (run / "metrics.jsonl").read_text().splitlines()]
    assert steps_logged == sorted(set(steps_logged))


def _logged_step(run: Path) -> int:
    try:
        lines = (run / "metrics.jsonl").read_text().splitlines()
        return json.loads(lines[-1])["step"] if lines else -1
    except (FileNotFoundError, json.JSONDecodeError, KeyError):
        return -1


@pytest.mark.slow
def test_ctrl_c_saves_the_step_it_reached_and_resume_is_bit_identical(store, tmp_path) -> None:
    cfg = tmp_path / "tiny.toml"
    cfg.write_text(TINY.replace("save_every = 4", "save_every = 1000"))  # no periodic save
    steps = 24
    run = tmp_path / "stopped"
    proc = _reference_then_slow_run(store, tmp_path, run, cfg, steps, _logged_step, 6)
    proc.send_signal(signal.SIGINT)  # Ctrl-C
    assert proc.wait(timeout=60) == 130
    err = proc.stderr.read().decode()
    stopped_at = _step_of(run)
    assert 6 <= stopped_at < steps, err
    assert f"interrupted at step {stopped_at} of {steps}" in err and "--resume" in err
    assert "Traceback" not in err

    resumed = _train(store, run, cfg, steps, resume=True)
    assert resumed.wait(timeout=120) == 0, resumed.stderr.read().decode()
    a = load_file(str(tmp_path / "ref" / "model.safetensors"))
    b = load_file(str(run / "model.safetensors"))
    assert all(torch.equal(a[k], b[k]) for k in a), "weights differ after Ctrl-C and resume"


@pytest.mark.slow
def test_checkpoint_is_pickle_free(store: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "tiny.toml"
    cfg.write_text(TINY)
    run = tmp_path / "run"
    p = _train(store, run, cfg, 4)
    assert p.wait(timeout=120) == 0, p.stderr.read().decode()
    files = {f.relative_to(run).as_posix() for f in run.rglob("*") if f.is_file()}
    assert {"model.safetensors", "config.json", "trainer_state/state.json",
            "trainer_state/optimizer.safetensors", "trainer_state/rng.safetensors"} <= files  # fmt: skip
    assert not any(f.endswith((".pt", ".pkl", ".bin")) for f in files)
    assert not any(".tmp-" in f for f in files)

    from trajlm.model import TrajectoryModel

    m = TrajectoryModel.from_pretrained(run)
    assert m.config.stats is not None  # normalization stats travel with the weights


def test_lr_schedule_warmup_then_cosine() -> None:
    cfg = TrainConfig(max_steps=100, warmup_steps=10, lr=1.0, min_lr_ratio=0.1)
    lrs = [lr_at(s, cfg) for s in range(100)]
    assert lrs[0] == pytest.approx(0.1) and lrs[9] == pytest.approx(1.0)
    assert all(a >= b for a, b in zip(lrs[10:], lrs[11:], strict=False))
    assert lrs[-1] == pytest.approx(0.1, abs=0.01)


def test_unknown_train_config_key_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown key train.max_stepz; did you mean max_steps"):
        TrainConfig.from_dict({"max_stepz": 3})


@pytest.fixture(scope="module")
def equal_store(tmp_path_factory) -> Path:
    """40 trips of exactly 16 points: one 16-point window each, every window the same token
    count, so a mean over two ranks' batch means equals the mean over their union."""
    import polars as pl

    from trajlm.data.clean import PRESETS, clean
    from trajlm.data.store import write_store
    from trajlm.data.synthetic import generate_city

    df, _ = clean(generate_city(n_trajectories=120, seed=3).points, PRESETS["default"])
    keep = df.group_by("traj_id").len().filter(pl.col("len") >= 16)["traj_id"].sort().head(40)
    assert len(keep) == 40
    df = df.filter(pl.col("traj_id").is_in(keep.implode())).sort(["traj_id", "t"])
    df = df.filter(pl.int_range(pl.len()).over("traj_id") < 16)
    out = tmp_path_factory.mktemp("equal") / "store"
    write_store(df, out)
    return out


def _weights_after(store: Path, run: Path, batch: int, nproc: int = 1, steps: int = 6) -> dict:
    cfg = run.with_suffix(".toml")
    cfg.write_text(
        TINY.replace("batch_size = 4", f"batch_size = {batch}").replace(
            "shuffle_buffer = 8",
            "shuffle_buffer = 0",  # stream order: shards interleave
        )
    )
    args = ["train", "--data", str(store), "--out", str(run), "--config", str(cfg),
            "--max-steps", str(steps)]  # fmt: skip
    if nproc == 1:  # the one-process references in this process: ~2.5 CPU s of start-up less
        run_cli(args)
    else:
        torchrun = Path(sys.executable).with_name("torchrun")
        cmd = [str(torchrun), "--nproc_per_node", str(nproc), "-m", "trajlm.cli", *args]
        env = {**os.environ, "OMP_NUM_THREADS": "1"}
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180)
        assert p.returncode == 0, p.stderr[-2000:]
    summary = json.loads((run / "train_summary.json").read_text())
    assert summary["world_size"] == nproc and summary["steps"] == steps
    return load_file(str(run / "model.safetensors"))


@pytest.mark.slow
@pytest.mark.xdist_group("torchrun")  # 2-rank runs: one at a time
def test_torchrun_ddp_matches_one_process_at_twice_the_batch(equal_store, tmp_path) -> None:
    """Two DDP processes (gloo) at batch B train the same weights as one process at batch 2B.

    Ranks own alternate trajectories (loader sharding) and, unshuffled, each step's two rank
    batches are exactly the single process's batch of 2B, so averaged gradients are equal up
    to float summation order. A single process at batch B (half the data per step) must differ
    by far more, so the comparison can tell an all-reduce that does not happen."""
    ddp = _weights_after(equal_store, tmp_path / "ddp", batch=4, nproc=2)
    one = _weights_after(equal_store, tmp_path / "one", batch=8)
    half = _weights_after(equal_store, tmp_path / "half", batch=4)
    assert ddp.keys() == one.keys()
    gap_same = max(float((ddp[k] - one[k]).abs().max()) for k in ddp)
    gap_half = max(float((ddp[k] - half[k]).abs().max()) for k in ddp)
    assert gap_same < 1e-5, f"DDP differs from one process at 2B by {gap_same:.2e}"
    assert gap_half > 100 * max(gap_same, 1e-6), (gap_same, gap_half)
