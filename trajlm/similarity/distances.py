"""DTW, discrete Fréchet and Hausdorff distance matrices between padded trajectories.

Work on local metres, padded to (N, T, 2) with per-row lengths, vectorized over all (query,
database) pairs of a block at once: DTW and discrete Fréchet run one dynamic-programming step
per anti-diagonal (cells with i + j = const depend only on the two previous diagonals),
Hausdorff is a masked ``torch.cdist``. ``reference_distance`` is the textbook O(n m) loop the
tests check them against.
"""

from __future__ import annotations

import math

import numpy as np
import torch

BLOCK_CELLS = 2**24  # DP cells (pairs x Tq x Td) per block: ~64 MB per float32 buffer


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
