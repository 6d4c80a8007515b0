"""Trajectory similarity search (PROTOCOL.md task 5, t2vec's self-similarity).

Every test trajectory is split into two interleaved halves: the query holds its odd-indexed
points, the database the even-indexed points of all test trajectories, and query i's true match
is database entry i. A method ranks the database for each query; we report the mean rank of the
true match (1 = best), top-1 / top-5 hit rates and the time per query.

The distance kernels (DTW, discrete Fréchet, Hausdorff), ``EmbeddingSearch``, the task and its
ranking metrics live in ``trajlm.similarity`` (the contrastive trainer and ``trajlm.tasks.embed``
use them, and they sit below eval); this module is the harness and re-exports them.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.splits import SPLITS, assign_splits, trajectory_index
from trajlm.eval.report import (
    METRIC_COLUMNS,
    EvalResult,
    add_differences,
    git_commit,
    split_meta,
)

# moved to trajlm/similarity (below the model layer); re-exported for old callers
from trajlm.similarity import (  # noqa: F401
    BLOCK_CELLS,
    EmbeddingModel,
    EmbeddingSearch,
    ResampledShape,
    SimilarityTask,
    discrete_frechet_matrix,
    dtw_distance_matrix,
    hausdorff_matrix,
    make_hard_similarity_task,
    make_similarity_task,
    ranking_metrics,
    reference_distance,
    resample_by_arc_length,
    to_padded,
)

for _k, _col in {
    "mean_rank": ("mean rank", "{:.2f}"),
    "top1_pct": ("top-1 (%)", "{:.1f}"),
    "top5_pct": ("top-5 (%)", "{:.1f}"),
    "query_ms": ("ms / query", "{:.3f}"),
}.items():  # let EvalResult.to_markdown show these columns
    METRIC_COLUMNS.setdefault(_k, _col)


# -------------------------------------------------------------------------------- harness


def top1_hits(dist: np.ndarray) -> np.ndarray:
    """(N,) 1.0 where a query's true match (the diagonal) ranks first (ties against it, as
    ``ranking_metrics``' top-1), else 0.0."""
    dist = np.asarray(dist, dtype=np.float64)
    return ((dist < np.diag(dist)[:, None]).sum(1) == 0).astype(np.float64)


def run_similarity_eval(
    df: pl.DataFrame,
    models: tuple[Any, ...] = (),
    out: str | Path | None = None,
    min_points: int = 10,
    device: str = "cpu",
    verbose: bool = True,
    task: SimilarityTask | None = None,
) -> EvalResult:
    """Self-similarity on the test split: DTW, discrete Fréchet, Hausdorff (local metres, the
    projection fit on train), resampled-shape and ``models`` (``embed(df) -> (N, d)``, L2).

    ``df``: canonical table, with a ``split`` column or split chronologically here. Time per
    query covers everything done per query (distance row or query embedding + search); for
    embeddings, embedding and indexing the database is ``fit_s``. ``task``: another task built
    from the test split (e.g. ``make_hard_similarity_task``) instead of the odd / even halves.
    """
    if "split" not in df.columns:
        idx = assign_splits(trajectory_index(df)).select("traj_id", "split")
        df = df.join(idx, on="traj_id", how="left", maintain_order="left")
    parts = {s: df.filter(pl.col("split") == s).drop("split") for s in SPLITS}
    if len(parts["train"]) == 0 or len(parts["test"]) == 0:
        raise ValueError("similarity evaluation needs non-empty train and test splits")
    proj = LocalProjection.fit(parts["train"])
    setting = "odd/even halves" if task is None else "hard queries"
    task = task if task is not None else make_similarity_task(parts["test"], min_points)
    Q, q_len, D, d_len = task.padded(proj)
    n = len(task.traj_ids)
    rows = []

    def row(name: str, dist: np.ndarray, fit_s: float, query_s: float, params: dict) -> dict:
        return {"setting": setting, "method": name,
                "metrics": {**ranking_metrics(dist), "query_ms": query_s / n * 1e3},
                "std": None, "n_trajectories": n, "n_points": len(task.query) + len(task.database),
                "fit_s": fit_s, "predict_s": query_s, "params": params,
                "_per_item": top1_hits(dist)}  # fmt: skip

    for name, fn in (
        ("DTW", dtw_distance_matrix),
        ("discrete Fréchet", discrete_frechet_matrix),
        ("Hausdorff", hausdorff_matrix),
    ):
        t0 = time.perf_counter()
        dist = fn(Q, D, q_len, d_len, device=device)
        rows.append(row(name, dist, 0.0, time.perf_counter() - t0, {"units": "m"}))
    for m in (ResampledShape(proj), *models):
        t0 = time.perf_counter()
        search = EmbeddingSearch(m.embed, "l2", device).fit(task.database)
        t1 = time.perf_counter()
        dist = search.rank_all(task.query)
        dim = int(search.index_.shape[1])
        rows.append(row(m.name, dist, t1 - t0, time.perf_counter() - t1, {"dim": dim}))
    meta = {
        **split_meta(parts),
        "n_queries": n,
        "query_points": {"mean": float(q_len.mean()), "max": int(q_len.max())},
        "projection": {"lat0": proj.lat0, "lon0": proj.lon0},
        "git_commit": git_commit(),
    }
    result = EvalResult("similarity", rows, meta)
    baselines = {"DTW", "discrete Fréchet", "Hausdorff", ResampledShape(proj).name}
    add_differences(result, "top1_pct", baselines)  # paired bootstrap CI (leftovers15)
    if out is not None:
        result.save(out)
    if verbose:
        print(result.to_markdown())
    return result
