"""Reprogramming onto a frozen MiniLM: only the small parts train, shapes, windows, and a few
steps lower the loss (skipped without the llm extra)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import torch

from trajlm.data.features import LocalProjection
from trajlm.llm import weights
from trajlm.llm.reprogram import next_step_windows


def test_windows_stay_inside_one_trip():
    pts = pl.DataFrame({
        "traj_id": ["a"] * 10 + ["b"] * 6,
        "t": np.r_[np.arange(10) * 15, np.arange(6) * 15],
        "lat": np.r_[41.0 + np.arange(10) * 1e-4, 41.0 + np.arange(6) * 1e-4],
        "lon": np.full(16, -8.6),
    })  # fmt: skip
    steps, target, starts = next_step_windows(pts, LocalProjection(41.0, -8.6), history=4, stride=1)
    # trip a has 9 steps -> windows starting at steps 0..4; trip b has 5 steps -> 0 (row 10)
    assert starts.tolist() == [0, 1, 2, 3, 4, 10]
    assert steps.shape == (6, 4, 3)
    assert np.allclose(target[:, 1], 11.12, atol=0.01) and np.allclose(steps[:, :, 2], 1.0)


@pytest.mark.slow
@pytest.mark.skipif(not weights.has_minilm(), reason="needs the llm extra (MiniLM weights)")
def test_only_the_small_parts_train_and_the_loss_drops():
    from trajlm.llm.reprogram import ReprogrammedLM, anchor_embeddings, fit_next_step

    lm, tok = weights.load_minilm(), weights.minilm_tokenizer()
    torch.manual_seed(0)
    model = ReprogrammedLM(lm, anchor_embeddings(lm, tok), n_classes=3)
    total, trainable = model.n_params()
    assert total > 22_000_000 and trainable < 40_000
    assert not any(p.requires_grad for p in model.lm.parameters())
    frozen = model.lm.encoder.layer[0].attention.self.query.weight.clone()
    rng = np.random.default_rng(0)
    steps = rng.normal(0, 1, (64, 8, 3)).astype(np.float32)
    target = (steps[:, -1, :2] * 100).astype(np.float32)  # the next step repeats the last one
    losses = fit_next_step(model, steps, target, n_steps=30, batch_size=16, lr=1e-2)
    assert np.mean(losses[-5:]) < np.mean(losses[:5])
    assert torch.equal(frozen, model.lm.encoder.layer[0].attention.self.query.weight)
    assert model.classify(torch.from_numpy(steps[:2])).shape == (2, 3)
    with pytest.raises(ValueError, match="multiple of patch_len"):
        model(torch.zeros(1, 6, 3))
