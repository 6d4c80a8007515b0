"""Per-layer pooling, train-fitted standardisation and the hard similarity task (issue 14)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import torch
from test_embed import _model, _table

from trajlm.data.geometry import haversine
from trajlm.eval.similarity import run_similarity_eval
from trajlm.similarity import make_hard_similarity_task, make_similarity_task
from trajlm.tasks.contrastive import ContrastiveConfig, fit_contrastive
from trajlm.tasks.embed import (
    ModelEmbedder,
    StandardizedEmbedder,
    embed,
    layer_hidden,
    mean_pair_cosine,
    segment_windows,
)


def test_layer_pooling_shapes_and_final_is_the_default():
    df = _table(n_traj=4, n_pts=30)
    model = _model(df)  # d_model 32, 2 blocks
    z = embed(model, df, n_points=16)
    np.testing.assert_array_equal(embed(model, df, n_points=16, layer="final"), z)
    outs = {k: embed(model, df, n_points=16, layer=k) for k in (0, 1, -1, "all")}
    for v in outs.values():
        assert v.shape == (4, 32) and np.isfinite(v).all()
    np.testing.assert_array_equal(outs[-1], outs[1])  # negative counts from the end
    assert not np.allclose(outs[0], outs[1]) and not np.allclose(outs[0], z)
    assert all(len(b._forward_hooks) == 0 for b in model.blocks)  # hooks removed
    for bad in (2, -3, "middle"):
        with pytest.raises(ValueError):
            embed(model, df, layer=bad)


def test_layer_states_are_normed_block_outputs_and_all_is_their_mean():
    df = _table(n_traj=2, n_pts=20)
    model = _model(df)
    batch, _, _ = segment_windows(df, model, 32)
    with torch.no_grad():
        h = [layer_hidden(model, batch, k) for k in (0, 1)]
        mean = layer_hidden(model, batch, "all")
    m = batch["mask"].bool()
    assert torch.allclose(h[0][m].mean(-1), torch.zeros(1), atol=1e-5)  # layer-normed
    assert torch.allclose(mean, (h[0] + h[1]) / 2, atol=1e-6)


def test_standardized_embedder_uses_train_statistics():
    train, test = _table(n_traj=40, n_pts=25, seed=1), _table(n_traj=5, n_pts=25, seed=2)
    base = ModelEmbedder(_model(train), n_points=16)
    z = StandardizedEmbedder(base, train, "standardize").embed(train)
    np.testing.assert_allclose(z.mean(0), 0, atol=1e-3)
    assert np.median(z.std(0)) > 0.9  # unit scale (eps keeps near-constant dims below 1)
    w = StandardizedEmbedder(base, train, "whiten", eps=1e-6).embed(train)
    cov = np.cov(w, rowvar=False)
    var = np.diag(cov)  # unit along the directions the trips span (a random net's are few),
    assert (var > 0.99).sum() >= 5 and var.max() < 1 + 1e-6  # shrunk by eps below that
    assert np.abs(cov - np.diag(var)).max() < 1e-3  # decorrelated
    assert StandardizedEmbedder(base, train).embed(test).shape == (5, 32)
    with pytest.raises(ValueError):
        StandardizedEmbedder(base, train, "pca")


def test_mean_pair_cosine():
    assert mean_pair_cosine(np.ones((5, 3))) == pytest.approx(1.0)
    assert mean_pair_cosine(np.eye(4)) == pytest.approx(0.0)


def test_hard_task_is_deterministic_by_seed_and_partial_resampled_noisy():
    df = _table(n_traj=6, n_pts=60)
    base = make_similarity_task(df)
    a, b = make_hard_similarity_task(df, seed=3), make_hard_similarity_task(df, seed=3)
    assert a.query.equals(b.query) and a.database.equals(base.database)
    assert a.traj_ids == base.traj_ids
    assert not make_hard_similarity_task(df, seed=4).query.equals(a.query)
    n_q = a.query.group_by("traj_id").len().sort("traj_id")["len"].to_numpy()
    n_odd = base.query.group_by("traj_id").len().sort("traj_id")["len"].to_numpy()
    assert (n_q >= 2).all() and (n_q <= np.ceil(0.8 * n_odd / 2) + 1).all()
    # the query's timestamps are every 2nd odd point of one contiguous window
    for tid in a.traj_ids:
        t = a.query.filter(pl.col("traj_id") == tid)["t"].to_numpy()
        assert np.isin(t, base.query.filter(pl.col("traj_id") == tid)["t"]).all()
        assert len(np.unique(np.diff(t))) == 1  # the fixture samples every 15 s
    # noise: 20-50 m std per trip, so displacements of that order from the true points
    clean = make_hard_similarity_task(df, seed=3, noise_m=None)
    assert clean.query["t"].equals(a.query["t"])
    d = haversine(a.query["lat"], a.query["lon"], clean.query["lat"], clean.query["lon"])
    assert 20 < np.median(d) < 70 and d.max() < 300
    # every part off: the PROTOCOL halves
    off = make_hard_similarity_task(df, seed=0, noise_m=None, keep_every=1, window=None)
    assert off.query.equals(base.query)


def test_hard_task_runs_through_the_harness():
    df = _table(n_traj=12, n_pts=40)
    split = np.where(df["traj_id"].is_in([f"tr{k:02d}" for k in range(6)]), "train", "test")
    df = df.with_columns(split=pl.Series(split))
    task = make_hard_similarity_task(df.filter(pl.col("split") == "test").drop("split"))
    res = run_similarity_eval(df, verbose=False, task=task)
    assert {r["setting"] for r in res.rows} == {"hard queries"}
    assert res.rows[0]["n_trajectories"] == len(task.traj_ids)


def test_contrastive_on_an_earlier_layer_trains_and_reports():
    df = _table(n_traj=6, n_pts=20, seed=5)
    model = _model(df)
    cfg = ContrastiveConfig(epochs=1, batch_size=3, n_points=8, layer=0)
    info = fit_contrastive(model, df, df, cfg)
    assert info["config"]["layer"] == 0 and len(info["history"]) == 1
    assert np.isfinite(info["history"][0]["loss"])


def test_augmented_views_are_partial_noisy_and_seeded():
    from trajlm.tasks.contrastive import random_views

    df = _table(n_traj=5, n_pts=60)
    a0, b0 = random_views(df, np.random.default_rng(1), 100)
    a, b = random_views(df, np.random.default_rng(1), 100, augment=True)
    a2, _ = random_views(df, np.random.default_rng(1), 100, augment=True)
    assert a.equals(a2) and len(a) <= len(a0) and len(b) <= len(b0)
    assert a["traj_id"].n_unique() == 5 and len(a) < len(a0)  # sub-windows on some trip
    for tid in a["traj_id"].unique():  # per trip: one clock shift for all its points
        t, t0 = (v.filter(pl.col("traj_id") == tid)["t"].to_numpy() for v in (a, a0))
        assert len(np.unique((t - t0[0]) % 15)) == 1  # the fixture samples every 15 s
        assert t.max() - t.min() <= t0.max() - t0.min()  # a window of the view
    assert not np.isin(a["lat"], a0["lat"]).any()  # every point moved by noise
    assert (
        a.group_by("traj_id").agg(pl.col("t").min()).sort("traj_id")["t"]
        != a0.group_by("traj_id").agg(pl.col("t").min()).sort("traj_id")["t"]
    ).all()
