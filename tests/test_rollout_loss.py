"""The rollout loss (trajlm/objectives/rollout.py): it unrolls exactly what ``generate`` rolls
out, an untrained residual model rolls out constant velocity, gradients reach the head, cuts
are reproducible and leave k true points, and the Trainer wires it from TrainConfig."""

from __future__ import annotations

import json

import pytest
import torch

from trajlm._safety import UserError
from trajlm.data.ingest import synth_store
from trajlm.data.store import load_stats
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.model.generate import generate
from trajlm.objectives.rollout import (
    RolloutLossConfig,
    rollout_cuts,
    rollout_loss,
    rollout_points,
)
from trajlm.train.trainer import TrainConfig, Trainer

TINY = dict(d_model=16, n_layers=2, n_heads=2, max_len=32, pos_type="rope_time",
            residual_base="constant_velocity", scale_invariant=True,
            position_frame="trajectory")  # fmt: skip


def _model(perturb: bool = True, **kw) -> TrajectoryModel:
    torch.manual_seed(0)
    m = TrajectoryModel(ModelConfig(**(TINY | kw)))
    if perturb:  # a residual model starts AS constant velocity; move it off that
        with torch.no_grad():
            for p in m.parameters():
                p.add_(0.05 * torch.randn_like(p))
    return m.eval()


def _tracks(B: int = 4, T: int = 24) -> tuple:
    g = torch.Generator().manual_seed(1)
    v = torch.randn(B, 1, 2, generator=g) * 8
    pos = torch.cumsum(v.expand(B, T, 2) + torch.randn(B, T, 2, generator=g), 1)
    t = (torch.arange(T).float() * 15)[None].expand(B, T).clone()
    return pos, t, torch.full((B,), 1_372_636_853), torch.ones(B, T, dtype=torch.bool)


def test_rollout_points_are_generates_rollout():
    m = _model()
    pos, t, t0, mask = _tracks()
    cut = torch.tensor([2, 5, 9, 17])
    with torch.no_grad():
        got = rollout_points(m, pos, t, t0, mask, cut, 5)  # (B, 5, 2)
    for i, c in enumerate(cut.tolist()):
        b = {"pos": pos[i : i + 1, :c], "t": t[i : i + 1, :c], "t0": t0[i : i + 1],
             "mask": mask[i : i + 1, :c]}  # fmt: skip
        want = generate(m, b, 5, use_cache=False)["pos"][0]
        assert torch.allclose(got[i], want, atol=1e-3), (i, got[i], want)


def test_untrained_residual_model_rolls_out_constant_velocity():
    m = _model(perturb=False)
    pos, t, t0, mask = _tracks()
    cut = torch.tensor([3, 6, 10, 12])
    with torch.no_grad():
        got = rollout_points(m, pos, t, t0, mask, cut, 4)
    rows = torch.arange(4)
    last, step = pos[rows, cut - 1], pos[rows, cut - 1] - pos[rows, cut - 2]
    want = last[:, None] + step[:, None] * torch.arange(1, 5).float()[None, :, None]
    assert torch.allclose(got, want, atol=1e-3)


def test_loss_is_finite_and_trains_the_head():
    m = _model().train()
    pos, t, t0, mask = _tracks()
    batch = {"pos": pos, "t": t, "t0": t0, "mask": mask}
    loss, logs = rollout_loss(m, batch, RolloutLossConfig(), torch.Generator().manual_seed(0))
    assert torch.isfinite(loss) and loss > 0 and logs["rollout_m"] > 0
    loss.backward()
    assert m.head.mean.weight.grad.abs().sum() > 0


def test_cuts_are_reproducible_and_leave_k_true_points():
    mask = torch.zeros(64, 30, dtype=torch.bool)
    n = torch.randint(1, 31, (64,), generator=torch.Generator().manual_seed(3))
    mask[torch.arange(30)[None] < n[:, None]] = True
    cfg = RolloutLossConfig(steps=5, min_history=2)
    a, ok = rollout_cuts(mask, cfg, torch.Generator().manual_seed(7))
    b, _ = rollout_cuts(mask, cfg, torch.Generator().manual_seed(7))
    assert torch.equal(a, b)
    assert torch.equal(ok, n >= 7)
    assert ((a[ok] >= 2) & (a[ok] <= n[ok] - 5)).all()
    assert (a[ok] <= 4).float().mean() > 0.2  # log-uniform: short histories are common


def test_too_short_rows_give_no_rollout_loss():
    m = _model()
    pos, t, t0, mask = _tracks(T=6)
    loss, logs = rollout_loss(m, {"pos": pos, "t": t, "t0": t0, "mask": mask},
                              RolloutLossConfig(steps=5), torch.Generator())  # fmt: skip
    assert loss is None and logs == {}


def _train_cfg(**kw) -> TrainConfig:
    base = dict(max_steps=4, batch_size=4, max_len=16, shuffle_buffer=8, lr=3e-3,
                warmup_steps=1, eval_every=100, eval_batches=2, save_every=100, log_every=1,
                progress=False, select_on="val_loss", cpu_threads=1)  # fmt: skip
    return TrainConfig(**(base | kw))


def test_trainer_trains_with_the_rollout_loss(tmp_path):
    synth_store(tmp_path / "s", n_trajectories=30, seed=1, overwrite=False)
    mc = ModelConfig(**TINY)
    mc.stats = load_stats(tmp_path / "s").to_dict()
    Trainer(tmp_path / "s", tmp_path / "run", model_config=mc,
            train_config=_train_cfg(rollout_weight=1.0)).fit()  # fmt: skip
    logs = [json.loads(x) for x in (tmp_path / "run/metrics.jsonl").read_text().splitlines()]
    assert any("rollout_loss" in r for r in logs)

    plain = ModelConfig(d_model=16, n_layers=2, n_heads=2, max_len=32)  # no residual base
    plain.stats = mc.stats
    with pytest.raises(UserError, match="rollout_weight"):
        Trainer(tmp_path / "s", tmp_path / "run2", model_config=plain,
                train_config=_train_cfg(rollout_weight=1.0))  # fmt: skip


def test_train_config_checks_rollout_fields():
    with pytest.raises(ValueError, match="rollout_weight"):
        TrainConfig(rollout_weight=-1.0)
    with pytest.raises(ValueError, match="rollout_steps"):
        TrainConfig(rollout_steps=0)


def test_the_shipped_rollout_config_parses():
    from pathlib import Path

    from trajlm import _cli_io as io

    p = Path(__file__).parents[1] / "configs/rollout_finetune.toml"
    _, tc = io.configs_from(io.load_config(p), f"--config {p}")
    assert tc.rollout_weight == 1.0 and tc.init_from == "runs/trajlm-small/run"
