"""Session 38 (subsec38b): why a model of a 0.4-s store learned nothing (every seed's trained
weights worse on val than their constant-velocity start; docs/data.md "Session 38 (subsec38b)").
The cause: the streaming training loader (store_chunks._column) cast a Float64 `t` to int64, so
every training window of a 0.4-s store read times 0, 0, 1, 1, 2, 2, 2 s (steps of 0 and 1 s)
while val and eval read the exact times. Two smaller step-scale slips found on the way: a
window's float32 times carried ~1e-6 s of round-off into the dt target, which Adam's
per-weight steps fitted (a whole-second store's dt is exact: its gradient is exactly 0), and a
1-s floor on the last step in time_step_ratio and on the glitch speed's longest step."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from test_subsec38 import _eth, _ingest

from trajlm.data.features import LocalProjection, NormStats
from trajlm.data.loader import TrajectoryWindows, WindowConfig, gather_windows, windows_from_table
from trajlm.data.store import read_store
from trajlm.data.subsec_store import regular_step_s
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.model.embedding import build_features
from trajlm.model.step_head import time_step_ratio

EPOCH = 1_796_644_800.2  # 2026-12-07T12:00:00.2Z: a real epoch, where float64 keeps ~0.2 us


def _walkers(step_s: float, n: int = 16, points: int = 40) -> dict[str, torch.Tensor]:
    """Windows of walkers turning gently, a fix every step_s seconds from EPOCH, as the
    loader gathers them from a store (float64 Unix seconds; int64 for whole seconds)."""
    rng = np.random.default_rng(0)
    xy, t = [], []
    for w in range(n):
        k = np.arange(points)
        heading = rng.uniform(0, 6.28) + 0.02 * k
        speed = rng.uniform(1.0, 1.6) * step_s
        xy.append(np.cumsum(np.stack([np.cos(heading), np.sin(heading)], -1) * speed, 0))
        start = EPOCH + 7.6 * w
        t.append(np.floor(start) + step_s * k if step_s >= 1 else start + step_s * k)
    t_s = np.concatenate(t)
    starts = np.arange(n) * points
    w = gather_windows(np.concatenate(xy), t_s, starts, np.full(n, points), points)
    return {k: torch.from_numpy(v) for k, v in w.items()}


def _stats(step_s: float) -> dict:
    return NormStats(0.0, 0.0, (0.0, 0.0), 7.0, 1.3 * step_s, step_s, 1.0).to_dict()


def test_a_steady_sub_second_step_reaches_the_model_exactly() -> None:
    w = _walkers(0.4)
    # the round-off the model used to read as a time step (float32 seconds from the epoch)
    raw = (w["t"][:, 1:] - w["t"][:, :-1] - 0.4).abs().max()
    assert raw > 0
    model = TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, stats=_stats(0.4)))
    for stats in (_stats(0.4), model.embed.stats):  # floats, and the model's buffers
        f = build_features(w["pos"], w["t"], w["t0"], w["mask"], stats)
        assert torch.equal(f[:, 1:, 4], torch.zeros_like(f[:, 1:, 4]))


def test_whole_second_steps_are_read_as_before() -> None:
    w = _walkers(1.0)
    w["t"][3, 10:] += 4.0  # a 5-s gap
    st = _stats(1.0) | {"dt_mean": 1.7, "dt_scale": 2.3}
    f = build_features(w["pos"], w["t"], w["t0"], w["mask"], st)
    dt = torch.nn.functional.pad(w["t"][:, 1:] - w["t"][:, :-1], (1, 0))
    assert torch.equal(f[:, 1:, 4], ((dt - 1.7) / 2.3)[:, 1:])


def _time_row_after_training(step_s: float, steps: int = 25) -> torch.Tensor:
    torch.manual_seed(0)
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=64, stats=_stats(step_s),
                      pos_type="rope_time", residual_base="constant_velocity")  # fmt: skip
    model = TrajectoryModel(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.1)
    batch = _walkers(step_s)
    for _ in range(steps):
        opt.zero_grad()
        model(batch).loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    return model.head.mean.weight[2].detach()  # the correction's dt row (zero at start)


def test_training_at_0_4_s_leaves_the_time_step_as_exact_as_at_1_s() -> None:
    # before: the dt row drifted off 0 at 0.4 s (Adam fitting round-off), never at 1 s
    assert torch.equal(_time_row_after_training(1.0), torch.zeros(16))
    assert torch.equal(_time_row_after_training(0.4), torch.zeros(16))


def test_the_base_step_reaches_the_asked_time_at_a_sub_second_step() -> None:
    # time_query: an asked 0.8 s after a 0.4-s step is twice the base step, not 0.8 of it
    sub, whole = _stats(0.4), _stats(1.0)
    ask = torch.tensor([0.4])  # normalized: 0.4 + 0.4 s
    assert time_step_ratio(ask, torch.tensor([0.0]), sub, 4.0).item() == 2.0
    # whole seconds as before: the last step floored at 1 s
    assert time_step_ratio(torch.tensor([2.0]), torch.tensor([-0.5]), whole, 4.0).item() == 3.0


def test_the_glitch_speed_reads_a_sub_second_step() -> None:
    assert regular_step_s(0.4) == 0.4  # was 1 s: 2.5x slower motion called a glitch
    assert regular_step_s(0.0) == 1.0 and regular_step_s(1.0) == 1.0 and regular_step_s(30) == 30


def _streamed_and_in_memory(store: Path) -> tuple[dict, dict]:
    """The training stream's windows (TrajectoryWindows) and windows_from_table's, stacked."""
    cfg = WindowConfig(max_len=16, stride=8)
    rows = list(TrajectoryWindows(store, "train", cfg))
    streamed = {k: torch.stack([r[k] for r in rows]) for k in ("pos", "t", "t0", "mask")}
    df = read_store(store, split="train").sort(["traj_id", "t"])
    proj = LocalProjection(float(df["lat"].mean()), float(df["lon"].mean()))
    return streamed, windows_from_table(df, cfg, proj)


@pytest.mark.parametrize("sub_second", [True, False])
def test_training_windows_read_the_store_s_times(tmp_path: Path, sub_second: bool) -> None:
    store = tmp_path / "s"
    _ingest(_eth(tmp_path / "biwi_plaza.txt", n=12), store, *(["--sub-second"] * sub_second))
    streamed, table = _streamed_and_in_memory(store)
    assert torch.equal(streamed["t"], table["t"]) and torch.equal(streamed["t0"], table["t0"])
    steps = (streamed["t"][:, 1:] - streamed["t"][:, :-1])[streamed["mask"][:, 1:]]
    if sub_second:  # before: 0, 1, 0, 1, 1, ... s (the times cut to whole seconds)
        assert torch.allclose(steps, torch.full_like(steps, 0.4), atol=1e-5)
    else:  # a whole-second store: whole seconds, as ever
        assert torch.equal(steps, steps.round()) and steps.min() >= 1
