"""Thinning, random views and contrastive fine-tuning of trajectory embeddings."""

from __future__ import annotations

import numpy as np
import polars as pl
import torch
from test_embed import _model, _table

from trajlm.tasks.contrastive import ContrastiveConfig, fit_contrastive, info_nce, random_views
from trajlm.tasks.embed import embed, thin_points


def test_thin_points_keeps_evenly_spaced_ends_and_short_trips():
    df = pl.DataFrame({"traj_id": ["a"] * 10 + ["b"] * 3, "t": list(range(10)) + [0, 1, 2]})
    out = thin_points(df, 4)
    assert out.filter(pl.col("traj_id") == "a")["t"].to_list() == [0, 3, 6, 9]
    assert out.filter(pl.col("traj_id") == "b")["t"].to_list() == [0, 1, 2]
    for n in range(2, 12):  # never more than n, ends kept, no duplicates
        a = thin_points(df, n).filter(pl.col("traj_id") == "a")["t"].to_list()
        assert len(a) == min(n, 10) and a[0] == 0 and a[-1] == 9 and len(set(a)) == len(a)


def test_embed_with_n_points_is_one_window_of_the_thinned_trip():
    df = _table(n_traj=3, n_pts=50)
    model = _model(df, max_len=64)
    z = embed(model, df, n_points=16)
    want = embed(model, thin_points(df.sort(["traj_id", "t"]), 16))
    np.testing.assert_allclose(z, want, rtol=1e-5, atol=1e-6)


def test_random_views_are_disjoint_nonempty_and_cover_every_trip():
    df = _table(n_traj=4, n_pts=40)
    a, b = random_views(df, np.random.default_rng(0), n_points=100)
    assert a["traj_id"].n_unique() == b["traj_id"].n_unique() == 4
    both = a.join(b, on=["traj_id", "t"], how="inner")
    assert len(both) == 0 and len(a) + len(b) == len(df)
    a8, _ = random_views(df, np.random.default_rng(0), n_points=8)
    assert a8.group_by("traj_id").len()["len"].max() == 8


def test_info_nce_is_low_for_matching_pairs_and_high_for_shuffled():
    g = torch.Generator().manual_seed(0)
    z = torch.nn.functional.normalize(torch.randn(16, 8, generator=g), dim=-1)
    assert info_nce(z, z, 0.05) < 0.1 < info_nce(z, z[torch.randperm(16, generator=g)], 0.05)


def test_fit_contrastive_improves_train_self_similarity():
    df = _table(n_traj=24, n_pts=40, seed=3)
    model = _model(df)
    rng = np.random.default_rng(9)

    def top1() -> float:
        a, b = random_views(df, rng, 32)
        za, zb = embed(model, a), embed(model, b)
        d = ((za[:, None] - zb[None]) ** 2).sum(-1)
        return float((d.argmin(1) == np.arange(len(d))).mean())

    before = np.mean([top1() for _ in range(3)])
    cfg = ContrastiveConfig(epochs=6, batch_size=12, lr=3e-3, n_points=32)
    summary = fit_contrastive(model, df, None, cfg)
    after = np.mean([top1() for _ in range(3)])
    assert summary["history"][-1]["loss"] < summary["history"][0]["loss"]
    assert after > before, (before, after)
