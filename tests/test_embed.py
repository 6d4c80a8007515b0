"""Trajectory embeddings (mean-pooled hidden states) and nearest-neighbour search."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import torch

from trajlm.data.features import NormStats
from trajlm.eval.similarity import run_similarity_eval
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.similarity import EmbeddingSearch, make_similarity_task, ranking_metrics
from trajlm.tasks.embed import ModelEmbedder, embed, segment_windows, similar


def _table(n_traj: int = 5, n_pts: int = 30, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(n_traj):
        lat = 41.15 + 1e-3 * k + np.cumsum(rng.normal(0, 2e-4, n_pts + 3 * k))
        lon = -8.61 + np.cumsum(rng.normal(0, 2e-4, n_pts + 3 * k))
        t = 1_400_000_000 + 15 * np.arange(n_pts + 3 * k)
        rows.append(pl.DataFrame({"traj_id": f"tr{k:02d}", "t": t, "lat": lat, "lon": lon}))
    return pl.concat(rows)


def _model(df: pl.DataFrame, max_len: int = 64) -> TrajectoryModel:
    torch.manual_seed(0)
    cfg = ModelConfig(d_model=32, n_layers=2, n_heads=2, max_len=max_len)
    cfg.stats = NormStats.fit(df).to_dict()
    return TrajectoryModel(cfg).eval()


def test_embed_one_row_per_sorted_traj_and_order_invariant():
    df = _table()
    model = _model(df)
    z = embed(model, df)
    assert z.shape == (5, 32) and z.dtype == np.float32 and np.isfinite(z).all()
    shuffled = df.sample(fraction=1.0, shuffle=True, seed=1)
    np.testing.assert_allclose(embed(model, shuffled), z, rtol=1e-5, atol=1e-6)
    # a trajectory alone gets the same vector as inside a batch (padding does not leak)
    one = embed(model, df.filter(pl.col("traj_id") == "tr03"))
    np.testing.assert_allclose(one[0], z[3], rtol=1e-4, atol=1e-5)


def test_embed_long_trajectories_pool_over_windows():
    df = _table(n_traj=2, n_pts=50)
    model = _model(df, max_len=64)
    h = model(_windows(df, model, 64)).hidden  # one window each
    m = _windows(df, model, 64)["mask"][..., None].float()
    want = ((h * m).sum(1) / m.sum(1)).detach().numpy()
    np.testing.assert_allclose(embed(model, df, max_len=64), want, rtol=1e-4, atol=1e-5)
    # cut into 16-point windows: one row per trajectory, the mean over all its real points,
    # i.e. the window means weighted by their point counts (computed here by hand)
    batch, owner, _ = segment_windows(df, model, 16)
    h16 = model(batch).hidden.detach().double().numpy()  # (W, 16, C)
    m16 = batch["mask"].numpy()
    assert len(owner) > 2 * 2 and m16.sum(1).min() < 16  # several windows, a short last one
    for k in range(2):
        rows = owner == k
        want = h16[rows][m16[rows]].mean(0)  # every real point of trajectory k, equally
        window_means = np.stack([h16[w][m16[w]].mean(0) for w in np.flatnonzero(rows)])
        assert not np.allclose(window_means.mean(0), want, atol=1e-4)  # unweighted would fail
        np.testing.assert_allclose(embed(model, df, max_len=16)[k], want, rtol=1e-4, atol=1e-5)


def _windows(df, model, max_len):
    return segment_windows(df, model, max_len)[0]


def test_index_returns_exact_nearest_neighbour():
    rng = np.random.default_rng(0)
    db = rng.normal(size=(50, 8)).astype(np.float32)
    q = db[[3, 17, 42]] + rng.normal(scale=1e-3, size=(3, 8)).astype(np.float32)
    d, i = EmbeddingSearch(metric="l2").fit(db).search(q, k=3)
    assert i[:, 0].tolist() == [3, 17, 42]
    brute = ((q[:, None, :] - db[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(i, np.argsort(brute, axis=1)[:, :3])
    assert (np.diff(d, axis=1) >= 0).all()


def test_similar_finds_the_same_trajectory_first():
    df = _table(n_traj=6)
    model = _model(df)
    dist, idx, q_ids, db_ids = similar(model, df, df, k=3)
    assert q_ids == db_ids == sorted(df["traj_id"].unique().to_list())
    assert idx.shape == (6, 3) and (idx[:, 0] == np.arange(6)).all()
    np.testing.assert_allclose(dist[:, 0], 0.0, atol=1e-2)


def test_self_retrieval_ranks_identical_trajectories_first():
    """Ranking the same trajectories against themselves puts each one first (mean rank 1);
    against a noisy copy (GPS noise ~10x the spread between trips) the rank gets worse."""
    df = _table(n_traj=12)
    model = _model(df)
    z = embed(model, df)
    same = ranking_metrics(EmbeddingSearch(metric="l2").fit(z).rank_all(z))
    assert same == {"mean_rank": 1.0, "top1_pct": 100.0, "top5_pct": 100.0}
    rng = np.random.default_rng(1)
    noisy = df.with_columns(pl.col("lat") + rng.normal(0, 1e-2, len(df)))
    worse = ranking_metrics(EmbeddingSearch(metric="l2").fit(embed(model, noisy)).rank_all(z))
    assert worse["mean_rank"] > 1.5 and worse["top1_pct"] < 100.0


def test_model_embedder_plugs_into_similarity_harness():
    from trajlm.data.synthetic import generate_city

    df = generate_city(n_trajectories=60, seed=0).points
    model = _model(df)
    embedder = ModelEmbedder(model, name="tiny")
    res = run_similarity_eval(df, models=(embedder,), verbose=False)
    row = next(r for r in res.rows if r["method"] == "tiny")
    assert row["params"]["dim"] == 32
    # the harness's numbers are the model's own ranking of its test queries, recomputed here
    task = make_similarity_task(_test_split(df))
    dist = EmbeddingSearch(embedder.embed, "l2").fit(task.database).rank_all(task.query)
    want = ranking_metrics(dist)
    assert row["n_trajectories"] == len(task.traj_ids)
    for key, value in want.items():
        assert row["metrics"][key] == pytest.approx(value)


def _test_split(df: pl.DataFrame) -> pl.DataFrame:
    from trajlm.data.splits import assign_splits, trajectory_index

    idx = assign_splits(trajectory_index(df)).filter(pl.col("split") == "test")
    return df.join(idx.select("traj_id"), on="traj_id")
