"""Trajectory similarity search (PROTOCOL.md task 5, t2vec's self-similarity).

Every test trajectory is split into two interleaved halves: the query holds its odd-indexed
points, the database the even-indexed points of all test trajectories, and query i's true match
is database entry i. A method ranks the database for each query; we report the mean rank of the
true match (1 = best), top-1 / top-5 hit rates and the time per query.

Distance baselines work on local metres, padded to (N, T, 2) with per-row lengths, and are
vectorized over all (query, database) pairs of a block at once: DTW and discrete Fréchet run
one dynamic-programming step per anti-diagonal (cells with i + j = const depend only on the two
previous diagonals), Hausdorff is a masked ``torch.cdist``. Embedding methods plug in as objects
with ``name`` and ``embed(df) -> (N, d)`` and are searched with ``EmbeddingSearch`` (exact
brute-force k-NN with torch matmul; at our sizes it beats building an ANN index, see
bench/similarity.py and the module report).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import polars as pl
import torch

from trajlm.data.features import LocalProjection
from trajlm.data.splits import SPLITS, assign_splits, trajectory_index
from trajlm.eval.report import METRIC_COLUMNS, EvalResult, git_commit, split_meta

for _k, _col in {
    "mean_rank": ("mean rank", "{:.2f}"),
    "top1_pct": ("top-1 (%)", "{:.1f}"),
    "top5_pct": ("top-5 (%)", "{:.1f}"),
    "query_ms": ("ms / query", "{:.3f}"),
}.items():  # let EvalResult.to_markdown show these columns
    METRIC_COLUMNS.setdefault(_k, _col)

BLOCK_CELLS = 2**24  # DP cells (pairs x Tq x Td) per block: ~64 MB per float32 buffer


# ---------------------------------------------------------------------------------- task


@dataclass
class SimilarityTask:
    """Query (odd-indexed points) and database (even-indexed) halves of each trajectory."""

    traj_ids: list[str]
    query: pl.DataFrame  # canonical rows of the queries, traj_id = source id, sorted
    database: pl.DataFrame  # same for the database; row i of each belongs to traj_ids[i]

    def padded(self, proj: LocalProjection) -> tuple[np.ndarray, ...]:
        """(Q (N, Tq, 2), q_len (N,), D (N, Td, 2), d_len (N,)) local metres, zero-padded."""
        return (*to_padded(self.query, proj), *to_padded(self.database, proj))


def make_similarity_task(test_df: pl.DataFrame, min_points: int = 10) -> SimilarityTask:
    """Split each test trajectory with >= ``min_points`` points into odd / even halves."""
    df = test_df.sort(["traj_id", "t"]).filter(pl.len().over("traj_id") >= max(min_points, 4))
    pos = pl.int_range(pl.len()).over("traj_id")
    df = df.with_columns((pos % 2).alias("_odd"))
    q = df.filter(pl.col("_odd") == 1).drop("_odd")
    d = df.filter(pl.col("_odd") == 0).drop("_odd")
    return SimilarityTask(q["traj_id"].unique(maintain_order=True).to_list(), q, d)


def to_padded(df: pl.DataFrame, proj: LocalProjection) -> tuple[np.ndarray, np.ndarray]:
    """Canonical table (sorted) -> (xy (N, T, 2) metres zero-padded at the end, lengths (N,))."""
    new = (df["traj_id"] != df["traj_id"].shift(1)).fill_null(True).to_numpy()
    start = np.flatnonzero(new)
    lengths = np.diff(np.append(start, len(df)))
    x, y = proj.forward(df["lat"].to_numpy(), df["lon"].to_numpy())
    out = np.zeros((len(start), int(lengths.max(initial=1)), 2))
    row = np.repeat(np.arange(len(start)), lengths)
    col = np.arange(len(df)) - np.repeat(start, lengths)
    out[row, col] = np.stack([x, y], axis=1)
    return out, lengths


# ------------------------------------------------------------------------ distance matrices


def _as_tensor(a: np.ndarray | torch.Tensor, dtype: torch.dtype, device: str) -> torch.Tensor:
    return torch.as_tensor(np.asarray(a) if not torch.is_tensor(a) else a).to(device, dtype)


def _lengths(lens: np.ndarray | None, X: np.ndarray) -> np.ndarray:
    return np.full(len(X), X.shape[1]) if lens is None else np.asarray(lens, dtype=np.int64)


def _blocks(q_len: np.ndarray, d_len: np.ndarray, cells: int, group: int = 32):
    """Yield (query rows, database rows) blocks. Both sides are sorted by length and cut into
    groups of ``group`` rows, so a block pads to lengths close to its rows' own (DP work is
    pairs x Tq x Td); a block over ``cells`` DP cells is cut further (down to one pair)."""
    qo, do = np.argsort(q_len, kind="stable"), np.argsort(d_len, kind="stable")
    for a in range(0, len(qo), group):
        qb = qo[a : a + group]
        tq = int(q_len[qb].max())
        for b in range(0, len(do), group):
            db = do[b : b + group]
            per_q = len(db) * tq * int(d_len[db].max())  # cells per query row
            nq = max(1, cells // max(per_q, 1))
            for c in range(0, len(qb), nq):
                yield qb[c : c + nq], db


def _dp_block(C: torch.Tensor, lq: torch.Tensor, ld: torch.Tensor, kind: str) -> torch.Tensor:
    """Anti-diagonal DP over a batch of cost matrices C (P, n, m) -> (P,) value at (lq, ld).

    R[i, j] (1-based, R[0, 0] = 0, other borders inf) is C[i, j] + min(R[i-1, j-1], R[i-1, j],
    R[i, j-1]) for DTW, max(C[i, j], min(...)) for discrete Fréchet. Diagonal d holds the cells
    i + j = d as a (P, n + 1) array indexed by i, so the three neighbours are plain slices of the
    two previous diagonals: (i-1, j-1) -> prev2[i-1], (i-1, j) -> prev1[i-1], (i, j-1) ->
    prev1[i]. Padded cells come after the real ones, so R at (lq, ld) only reads real cells.
    """
    P, n, m = C.shape
    flat = C.reshape(P, n * m)
    inf = torch.full((P, n + 1), torch.inf, dtype=C.dtype, device=C.device)
    prev2, prev1 = inf.clone(), inf.clone()
    prev2[:, 0] = 0.0  # diagonal 0 = R[0, 0]; diagonal 1 is all border (inf)
    out = torch.empty(P, dtype=C.dtype, device=C.device)
    end = (lq + ld).cpu().numpy()
    for d in range(2, n + m + 1):  # cells with i + j = d
        lo, hi = max(1, d - m), min(n, d - 1)
        i = torch.arange(lo, hi + 1, device=C.device)
        c = flat.index_select(1, (i - 1) * m + (d - i - 1))  # (P, hi - lo + 1) = C[i-1, j-1]
        best = torch.minimum(torch.minimum(prev2[:, lo - 1 : hi], prev1[:, lo - 1 : hi]),
                             prev1[:, lo : hi + 1])  # fmt: skip
        cur = inf.clone()
        cur[:, lo : hi + 1] = c + best if kind == "dtw" else torch.maximum(c, best)
        done = np.flatnonzero(end == d)
        if done.size:
            rows = torch.as_tensor(done, device=C.device)
            out[rows] = cur[rows, lq[rows]]
        prev2, prev1 = prev1, cur
    return out


def reference_distance(a: np.ndarray, b: np.ndarray, kind: str = "dtw") -> float:
    """Textbook O(n m) double loop for one pair ("dtw" or "frechet"): the straightforward
    reference that tests check the vectorized matrices against and bench/similarity.py times."""
    if kind not in ("dtw", "frechet"):
        raise ValueError(f"kind must be 'dtw' or 'frechet', got {kind!r}")
    n, m = len(a), len(b)
    R = [[math.inf] * (m + 1) for _ in range(n + 1)]
    R[0][0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            c = math.dist(a[i - 1], b[j - 1])
            best = min(R[i - 1][j - 1], R[i - 1][j], R[i][j - 1])
            R[i][j] = max(c, best) if kind == "frechet" else c + best
    return R[n][m]


def _pairwise(
    Q, D, q_len, d_len, kind: str, dtype: torch.dtype, device: str, cells: int
) -> np.ndarray:
    q_len, d_len = _lengths(q_len, Q), _lengths(d_len, D)
    Qt, Dt = _as_tensor(Q, dtype, device), _as_tensor(D, dtype, device)
    out = np.empty((len(q_len), len(d_len)))
    with torch.inference_mode():
        _fill(out, Qt, Dt, q_len, d_len, kind, device, cells)
    return out


def _fill(out, Qt, Dt, q_len, d_len, kind: str, device: str, cells: int) -> None:
    for qb, db in _blocks(q_len, d_len, cells):
        tq, td = int(q_len[qb].max()), int(d_len[db].max())
        a = Qt[torch.as_tensor(qb, device=device), :tq]  # (bq, tq, 2)
        b = Dt[torch.as_tensor(db, device=device), :td]  # (bd, td, 2)
        C = torch.cdist(a[:, None], b[None], compute_mode="donot_use_mm_for_euclid_dist")
        C = C.reshape(-1, tq, td)  # (bq * bd, tq, td): pair p = (qi, dj), qi major
        lq = torch.as_tensor(np.repeat(q_len[qb], len(db)), device=device)
        ld = torch.as_tensor(np.tile(d_len[db], len(qb)), device=device)
        if kind == "hausdorff":
            mq = torch.arange(tq, device=device)[None, :] < lq[:, None]  # (P, tq)
            md = torch.arange(td, device=device)[None, :] < ld[:, None]  # (P, td)
            big = torch.finfo(C.dtype).max
            Cm = C.masked_fill(~md[:, None, :], big).amin(2).masked_fill(~mq, 0).amax(1)
            Cn = C.masked_fill(~mq[:, :, None], big).amin(1).masked_fill(~md, 0).amax(1)
            v = torch.maximum(Cm, Cn)
        else:
            v = _dp_block(C, lq, ld, kind)
        out[np.ix_(qb, db)] = v.reshape(len(qb), len(db)).to("cpu", torch.float64).numpy()


def dtw_distance_matrix(
    Q: np.ndarray,
    D: np.ndarray,
    q_len: np.ndarray | None = None,
    d_len: np.ndarray | None = None,
    *,
    dtype: torch.dtype = torch.float32,
    device: str = "cpu",
    block_cells: int = BLOCK_CELLS,
) -> np.ndarray:
    """DTW (sum of Euclidean point distances along the best monotone warping path) between
    every query Q (Nq, Tq, 2) and database entry D (Nd, Td, 2), end-padded, real lengths
    ``q_len`` / ``d_len`` (default: full). Returns (Nq, Nd) float64, same units as Q."""
    return _pairwise(Q, D, q_len, d_len, "dtw", dtype, device, block_cells)


def discrete_frechet_matrix(
    Q: np.ndarray,
    D: np.ndarray,
    q_len: np.ndarray | None = None,
    d_len: np.ndarray | None = None,
    *,
    dtype: torch.dtype = torch.float32,
    device: str = "cpu",
    block_cells: int = BLOCK_CELLS,
) -> np.ndarray:
    """Discrete Fréchet distance (Eiter & Mannila 1994): the smallest over monotone couplings of
    the largest coupled point distance. Arguments and result as ``dtw_distance_matrix``."""
    return _pairwise(Q, D, q_len, d_len, "frechet", dtype, device, block_cells)


def hausdorff_matrix(
    Q: np.ndarray,
    D: np.ndarray,
    q_len: np.ndarray | None = None,
    d_len: np.ndarray | None = None,
    *,
    dtype: torch.dtype = torch.float32,
    device: str = "cpu",
    block_cells: int = BLOCK_CELLS,
) -> np.ndarray:
    """Symmetric Hausdorff distance between point sets (order ignored): the largest distance
    from a point of one set to the nearest point of the other. Arguments as DTW's."""
    return _pairwise(Q, D, q_len, d_len, "hausdorff", dtype, device, block_cells)


# ------------------------------------------------------------------------- embeddings


class EmbeddingModel(Protocol):
    """An embedding method: ``embed(df) -> (N, d)``, one row per trajectory in sorted-id order."""

    name: str

    def embed(self, df: pl.DataFrame) -> np.ndarray: ...


class ResampledShape:
    """Training-free embedding: resample each trajectory to ``n_points`` points equally spaced
    by arc length in local metres and flatten (N, 2 * n_points); searched by L2."""

    def __init__(self, projection: LocalProjection, n_points: int = 16) -> None:
        self.projection, self.n_points = projection, n_points

    @property
    def name(self) -> str:
        return f"resampled-shape ({self.n_points} pts, L2)"

    def embed(self, df: pl.DataFrame) -> np.ndarray:
        xy, lengths = to_padded(df.sort(["traj_id", "t"]), self.projection)
        return resample_by_arc_length(xy, lengths, self.n_points).reshape(len(xy), -1)


def resample_by_arc_length(xy: np.ndarray, lengths: np.ndarray, n_points: int) -> np.ndarray:
    """(N, T, 2) end-padded paths -> (N, n_points, 2) points equally spaced along each path."""
    x = torch.as_tensor(xy, dtype=torch.float64)
    N, T, _ = x.shape
    lengths = torch.as_tensor(lengths)
    real = torch.arange(T)[None, :] < lengths[:, None]  # (N, T)
    step = (x[:, 1:] - x[:, :-1]).norm(dim=-1) * real[:, 1:]  # (N, T-1), 0 past the end
    s = torch.cat([torch.zeros(N, 1, dtype=x.dtype), step.cumsum(1)], 1)  # (N, T) arc length
    total = s.gather(1, (lengths - 1)[:, None])  # (N, 1)
    # keep s strictly increasing past the end so searchsorted never lands in the padding
    s = torch.where(real, s, total + 1.0 + torch.arange(T, dtype=x.dtype)[None, :])
    target = total * torch.linspace(0, 1, n_points, dtype=x.dtype)[None, :]  # (N, n)
    hi = torch.searchsorted(s, target, right=True).clamp(1, T - 1)
    hi = torch.minimum(hi, (lengths - 1).clamp(min=1)[:, None])
    lo = hi - 1
    s_lo, s_hi = s.gather(1, lo), s.gather(1, hi)
    w = ((target - s_lo) / (s_hi - s_lo).clamp(min=1e-12)).clamp(0, 1)[..., None]  # (N, n, 1)
    p_lo = x.gather(1, lo[..., None].expand(-1, -1, 2))
    p_hi = x.gather(1, hi[..., None].expand(-1, -1, 2))
    return ((1 - w) * p_lo + w * p_hi).numpy()


class EmbeddingSearch:
    """Exact k-nearest-neighbour search over embeddings with torch (cosine or L2).

    ``EmbeddingSearch(embed).fit(database)`` embeds and stores the database (``index_``, (N, d)
    float32; unit rows for cosine), ``search(queries, k)`` returns (distances (Nq, k), ids
    (Nq, k)), smallest first. Brute-force matmul + topk, in query chunks: exact, no extra
    dependency, and faster than faiss/usearch index builds at up to ~1e5 x 128 (bench).
    """

    def __init__(
        self,
        embed: Callable[[Any], np.ndarray] | None = None,
        metric: str = "l2",
        device: str = "cpu",
        chunk: int = 4096,
    ) -> None:
        if metric not in ("l2", "cosine"):
            raise ValueError(f'metric must be "l2" or "cosine", got {metric!r}')
        self.embed, self.metric, self.device, self.chunk = embed, metric, device, chunk

    def _vectors(self, x: Any) -> torch.Tensor:
        v = x if isinstance(x, (np.ndarray, torch.Tensor)) else self.embed(x)
        v = torch.as_tensor(np.asarray(v, dtype=np.float32)).to(self.device)
        return torch.nn.functional.normalize(v, dim=1) if self.metric == "cosine" else v

    def fit(self, database: Any) -> EmbeddingSearch:
        """Index a database: a DataFrame / list for ``embed``, or an (N, d) array."""
        self.index_ = self._vectors(database)
        self.sq_norms_ = (self.index_**2).sum(1)
        return self

    def search(self, queries: Any, k: int = 5) -> tuple[np.ndarray, np.ndarray]:
        """k nearest database rows per query: (distances (Nq, k), indices (Nq, k))."""
        q = self._vectors(queries)
        k = min(k, len(self.index_))
        dists, ids = [], []
        for a in range(0, len(q), self.chunk):
            qc = q[a : a + self.chunk]
            d = self.distances(qc)
            v, i = torch.topk(d, k, dim=1, largest=False)
            dists.append(v)
            ids.append(i)
        return torch.cat(dists).cpu().numpy(), torch.cat(ids).cpu().numpy()

    def distances(self, q: torch.Tensor) -> torch.Tensor:
        """(Nq, N) distances of prepared query vectors to every indexed row."""
        dot = q @ self.index_.T
        if self.metric == "cosine":
            return 1.0 - dot
        return ((q**2).sum(1, keepdim=True) - 2.0 * dot + self.sq_norms_[None, :]).clamp(min=0)

    def rank_all(self, queries: Any) -> np.ndarray:
        """(Nq, N) distance matrix (for ranking the true match)."""
        return self.distances(self._vectors(queries)).cpu().numpy().astype(np.float64)


# -------------------------------------------------------------------------------- metrics


def ranking_metrics(dist: np.ndarray) -> dict[str, float]:
    """Mean rank of the true match (diagonal; 1 = best, ties counted against it: rank = 1 +
    number of entries strictly closer), top-1 and top-5 hit rate in %."""
    dist = np.asarray(dist, dtype=np.float64)
    true = np.diag(dist)[:, None]
    rank = 1 + (dist < true).sum(1)
    return {
        "mean_rank": float(rank.mean()),
        "top1_pct": float(np.mean(rank <= 1) * 100.0),
        "top5_pct": float(np.mean(rank <= 5) * 100.0),
    }


# -------------------------------------------------------------------------------- harness


def run_similarity_eval(
    df: pl.DataFrame,
    models: tuple[Any, ...] = (),
    out: str | Path | None = None,
    min_points: int = 10,
    device: str = "cpu",
    verbose: bool = True,
) -> EvalResult:
    """Self-similarity on the test split: DTW, discrete Fréchet, Hausdorff (local metres, the
    projection fit on train), resampled-shape and ``models`` (``embed(df) -> (N, d)``, L2).

    ``df``: canonical table, with a ``split`` column or split chronologically here. Time per
    query covers everything done per query (distance row or query embedding + search); for
    embeddings, embedding and indexing the database is ``fit_s``.
    """
    if "split" not in df.columns:
        idx = assign_splits(trajectory_index(df)).select("traj_id", "split")
        df = df.join(idx, on="traj_id", how="left")
    parts = {s: df.filter(pl.col("split") == s).drop("split") for s in SPLITS}
    if len(parts["train"]) == 0 or len(parts["test"]) == 0:
        raise ValueError("similarity evaluation needs non-empty train and test splits")
    proj = LocalProjection.fit(parts["train"])
    task = make_similarity_task(parts["test"], min_points)
    Q, q_len, D, d_len = task.padded(proj)
    n = len(task.traj_ids)
    rows = []

    def row(name: str, dist: np.ndarray, fit_s: float, query_s: float, params: dict) -> dict:
        return {"setting": "odd/even halves", "method": name,
                "metrics": {**ranking_metrics(dist), "query_ms": query_s / n * 1e3},
                "std": None, "n_trajectories": n, "n_points": len(task.query) + len(task.database),
                "fit_s": fit_s, "predict_s": query_s, "params": params}  # fmt: skip

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
    if out is not None:
        result.save(out)
    if verbose:
        print(result.to_markdown())
    return result
