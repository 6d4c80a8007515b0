"""Session 40 (fallback40): backtest_fallback_last_after_s, the last step as the backtest
gate's fallback where the history's last step lasts that long (the window elsewhere)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).parent))
from test_robust import model  # noqa: E402

from trajlm.model import backtest  # noqa: E402
from trajlm.model.config import ModelConfig  # noqa: E402
from trajlm.model.config_checks import check_model_config  # noqa: E402


def _noisy_tracks(n: int, dt: torch.Tensor) -> dict:
    """n noisy 6-fix tracks, row i sampled every dt[i] seconds (noise large against the step,
    so the window beats the last step on many rows' own past)."""
    g = torch.Generator().manual_seed(1)
    steps = torch.tensor([40.0, 10.0]) + torch.randn(n, 6, 2, generator=g) * 30.0
    pos = torch.cumsum(steps, 1) + torch.randn(n, 1, 2, generator=g) * 300
    t = torch.arange(6.0)[None] * dt[:, None]
    mask = torch.ones(n, 6, dtype=torch.bool)
    return {"pos": pos, "t": t, "t0": torch.zeros(n), "mask": mask}


def _fallback(m, batch):
    feats = m.embed.features(batch["pos"], batch["t"], batch["t0"], batch["mask"])
    last = batch["mask"].sum(1) - 1
    own = feats[torch.arange(feats.shape[0]), last][:, backtest.DELTA]
    with torch.no_grad():
        return backtest.fallback_step(m, feats, batch["mask"], last), own


def test_long_last_steps_fall_back_to_the_last_step_and_short_ones_keep_the_window():
    n = 200
    dt = torch.where(torch.arange(n) % 2 == 0, torch.tensor(5.0), torch.tensor(300.0))
    batch = _noisy_tracks(n, dt)
    before, own = _fallback(model(backtest_gate=8.0, backtest_fallback_window=2), batch)
    after, _ = _fallback(
        model(backtest_gate=8.0, backtest_fallback_window=2, backtest_fallback_last_after_s=60.0),
        batch,
    )
    window = (before != own).any(-1)
    long = dt >= 60
    assert int((window & long).sum()) >= 10 and int((window & ~long).sum()) >= 10
    assert torch.equal(after[long], own[long])  # every long row: its own last step
    assert torch.equal(after[~long], before[~long])  # short rows: bit for bit as before


def test_the_default_is_off_and_keeps_every_fallback():
    assert ModelConfig().backtest_fallback_last_after_s == 0.0
    batch = _noisy_tracks(50, torch.full((50,), 300.0))
    a, _ = _fallback(model(backtest_gate=8.0, backtest_fallback_window=2), batch)
    b, _ = _fallback(
        model(backtest_gate=8.0, backtest_fallback_window=2, backtest_fallback_last_after_s=0.0),
        batch,
    )
    assert torch.equal(a, b)


@pytest.mark.parametrize("bad", [-1.0, float("inf"), float("nan")])
def test_a_bad_setting_names_itself(bad):
    with pytest.raises(ValueError, match="backtest_fallback_last_after_s"):
        check_model_config(ModelConfig(backtest_fallback_last_after_s=bad))
