"""Trajectory embeddings (mean-pooled hidden states) and nearest-neighbour search."""

from __future__ import annotations

import numpy as np
import polars as pl
import torch

from trajlm.data.features import NormStats
from trajlm.eval.similarity import EmbeddingSearch, run_similarity_eval
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.tasks.embed import ModelEmbedder, embed, similar


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
    # cut into 16-point windows: still one row per trajectory, weighted mean of windows
    z16 = embed(model, df, max_len=16)
    assert z16.shape == (2, 32) and np.isfinite(z16).all()


def _windows(df, model, max_len):
    from trajlm.tasks.embed import segment_windows

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


def test_model_embedder_plugs_into_similarity_harness():
    from trajlm.data.synthetic import generate_city

    df = generate_city(n_trajectories=60, seed=0).points
    model = _model(df)
    res = run_similarity_eval(df, models=(ModelEmbedder(model, name="tiny"),), verbose=False)
    row = next(r for r in res.rows if r["method"] == "tiny")
    assert row["params"]["dim"] == 32 and 1.0 <= row["metrics"]["mean_rank"]
