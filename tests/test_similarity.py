"""Similarity search: batched DTW / Fréchet / Hausdorff vs references, k-NN, the harness."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
import torch

from trajlm.data.synthetic import generate_city
from trajlm.eval.similarity import run_similarity_eval
from trajlm.similarity import (
    EmbeddingSearch,
    discrete_frechet_matrix,
    dtw_distance_matrix,
    hausdorff_matrix,
    make_similarity_task,
    ranking_metrics,
    reference_distance,
    resample_by_arc_length,
)

F64 = {"dtype": torch.float64}


def _ref_hausdorff(a: np.ndarray, b: np.ndarray) -> float:
    d = [[math.dist(p, q) for q in b] for p in a]
    return max(max(min(r) for r in d), max(min(c) for c in zip(*d, strict=True)))


def _line(xs, y: float = 0.0) -> np.ndarray:
    """1-D sequence embedded in 2-D at height y: (1, T, 2)."""
    xs = np.asarray(xs, dtype=np.float64)
    return np.stack([xs, np.full_like(xs, y)], axis=-1)[None]


@pytest.mark.parametrize(
    ("a", "b", "dtw", "frechet", "hausdorff"),
    [
        (_line([0, 1, 2]), _line([0, 1, 2]), 0.0, 0.0, 0.0),  # identical
        (_line([0, 1, 2]), _line([0, 1, 2], y=1.0), 3.0, 1.0, 1.0),  # parallel, 1 m apart
        (_line([0, 1, 2]), _line([0, 0, 1, 2]), 0.0, 0.0, 0.0),  # repeated point warps away
        (_line([0, 2]), _line([0, 1, 2]), 1.0, 1.0, 1.0),  # the middle point costs 1
        (_line([0, 1, 2, 3]), _line([3, 2, 1, 0]), 8.0, 3.0, 0.0),  # reversed: order matters
    ],
)
def test_hand_computed_cases(a, b, dtw, frechet, hausdorff):
    assert dtw_distance_matrix(a, b, **F64)[0, 0] == pytest.approx(dtw)
    assert discrete_frechet_matrix(a, b, **F64)[0, 0] == pytest.approx(frechet)
    assert hausdorff_matrix(a, b, **F64)[0, 0] == pytest.approx(hausdorff)


def _random_padded(rng, n: int, t_max: int):
    lens = rng.integers(1, t_max + 1, size=n)
    X = rng.normal(size=(n, t_max, 2)).cumsum(1) * 50.0
    X[np.arange(t_max)[None, :] >= lens[:, None]] = 1e6  # garbage padding must not matter
    return X, lens


@pytest.mark.parametrize("block_cells", [2**24, 50])  # one block / many tiny blocks
def test_matrices_match_reference_on_random_inputs(block_cells):
    rng = np.random.default_rng(0)
    Q, ql = _random_padded(rng, 7, 9)
    D, dl = _random_padded(rng, 5, 11)
    kw = {"block_cells": block_cells, **F64}
    got = {
        "dtw": dtw_distance_matrix(Q, D, ql, dl, **kw),
        "frechet": discrete_frechet_matrix(Q, D, ql, dl, **kw),
        "hausdorff": hausdorff_matrix(Q, D, ql, dl, **kw),
    }
    for i in range(len(Q)):
        for j in range(len(D)):
            a, b = Q[i, : ql[i]], D[j, : dl[j]]
            assert got["dtw"][i, j] == pytest.approx(reference_distance(a, b, "dtw"), rel=1e-9)
            assert got["frechet"][i, j] == pytest.approx(
                reference_distance(a, b, "frechet"), rel=1e-9
            )
            assert got["hausdorff"][i, j] == pytest.approx(_ref_hausdorff(a, b), rel=1e-9)
    # float32 default stays close enough to rank with
    d32 = dtw_distance_matrix(Q, D, ql, dl)
    np.testing.assert_allclose(d32, got["dtw"], rtol=1e-4)


def test_ranking_metrics():
    dist = np.array([[0.0, 1.0, 2.0], [0.5, 1.0, 3.0], [1.0, 1.0, 1.0]])
    m = ranking_metrics(dist)  # ranks 1, 2, 1 (ties do not count against the match)
    assert m["mean_rank"] == pytest.approx(4 / 3)
    assert m["top1_pct"] == pytest.approx(200 / 3)
    assert m["top5_pct"] == 100.0


@pytest.mark.parametrize("metric", ["l2", "cosine"])
def test_embedding_search_exact_nearest_neighbour(metric):
    rng = np.random.default_rng(1)
    db, q = rng.normal(size=(50, 8)), rng.normal(size=(9, 8))
    dist, ids = EmbeddingSearch(metric=metric, chunk=4).fit(db).search(q, k=3)
    if metric == "cosine":
        db_n = db / np.linalg.norm(db, axis=1, keepdims=True)
        q_n = q / np.linalg.norm(q, axis=1, keepdims=True)
        ref = 1 - q_n @ db_n.T
    else:
        ref = ((q[:, None] - db[None]) ** 2).sum(-1)
    np.testing.assert_array_equal(ids, np.argsort(ref, axis=1)[:, :3])
    np.testing.assert_allclose(dist, np.sort(ref, axis=1)[:, :3], rtol=1e-4, atol=1e-4)


def test_embedding_search_calls_embed_on_non_arrays():
    search = EmbeddingSearch(embed=lambda items: np.array([[float(x), 0.0] for x in items]))
    _, ids = search.fit([0, 10, 20]).search([11, 1], k=1)
    assert ids[:, 0].tolist() == [1, 0]


def test_resample_by_arc_length():
    # an L-shaped path of length 20 m with uneven spacing, plus end padding
    xy = np.array([[[0, 0], [1, 0], [10, 0], [10, 10], [99, 99]]], dtype=np.float64)
    out = resample_by_arc_length(xy, np.array([4]), 5)
    np.testing.assert_allclose(out[0], [[0, 0], [5, 0], [10, 0], [10, 5], [10, 10]], atol=1e-9)


def test_make_similarity_task_halves():
    df = pl.DataFrame(
        {"traj_id": ["a"] * 10 + ["b"] * 11 + ["c"] * 3, "t": list(range(24)),
         "lat": np.linspace(40, 41, 24), "lon": np.linspace(8, 9, 24)}
    )  # fmt: skip
    task = make_similarity_task(df, min_points=10)
    assert task.traj_ids == ["a", "b"]  # c is too short
    assert task.query.filter(pl.col("traj_id") == "b")["t"].to_list() == [11, 13, 15, 17, 19]
    assert task.database.filter(pl.col("traj_id") == "a")["t"].to_list() == [0, 2, 4, 6, 8]


def test_run_similarity_eval_on_synthetic():
    df = generate_city(n_trajectories=120, seed=0).points
    res = run_similarity_eval(df, verbose=False)
    methods = [r["method"] for r in res.rows]
    assert methods[:3] == ["DTW", "discrete Fréchet", "Hausdorff"]
    n = res.meta["n_queries"]
    assert n >= 10
    for r in res.rows:
        m = r["metrics"]
        assert 1.0 <= m["mean_rank"] <= n and m["top1_pct"] <= m["top5_pct"]
        assert m["top1_pct"] > 100.0 / n * 3  # far above a random ranking
    assert "mean rank" in res.to_markdown()
