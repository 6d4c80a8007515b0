"""Candidate positions for every hidden point of a recovery task (issue 15;
docs/recovery-retrieval.md).

Per hidden point: the base (one of the baselines, column 0), linear interpolation, the Akima
and PCHIP splines,
and what train taxis did between the gap's visible ends A and B (``RouteLibrary``): the
pointwise median of the retrieved pieces read by elapsed time and by arc length, their mean,
and the best few single pieces. A gap with no piece gets the base in those columns (and a
feature that says so). Packed as a ``CandidateSet`` with k = 1 step whose ``last`` is the
base, so ``CandidateSelector`` (trajlm.eval.candidate_selector) trains on it unchanged and an
untrained selector returns the base exactly.

``route_rule`` is the non-learned first step: the retrieved median where at least
``min_pieces`` pieces were found, else the base.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.geometry import trajectory_offsets
from trajlm.data.protocol_tasks import RecoveryTask
from trajlm.data.route_retrieval import RouteLibrary, read_pieces
from trajlm.eval.candidates import CandidateSet
from trajlm.eval.recovery_baselines import (
    CubicSplineInterpolation,
    LinearInterpolation,
    known_neighbours,
)

KINDS = ("base", "linear", "akima", "pchip", "route median", "route median (arc)", "route mean",
         "route piece")  # fmt: skip
SCALE_M = 200.0  # candidate offsets from the base are divided by this before the network
N_SINGLE = 4  # single pieces offered as candidates


def library_from_frame(df: pl.DataFrame, proj: LocalProjection, **kw) -> RouteLibrary:
    """A RouteLibrary over every point of ``df`` (pass the TRAIN split only); trajectory keys
    are ``traj_keys(df)``."""
    df = df.sort(["traj_id", "t"])
    x, y = proj.forward(df["lat"].to_numpy(), df["lon"].to_numpy())
    keys = df["traj_id"].rank("dense").to_numpy().astype(np.int64) - 1
    return RouteLibrary(**kw).fit(np.stack([x, y], 1), df["t"].to_numpy(), keys)


def task_keys(df: pl.DataFrame, min_points: int = 3) -> np.ndarray:
    """The library key (``library_from_frame`` of the same frame) of each trajectory of
    ``make_recovery_task(df)``, in the task's group order: what a TRAIN task excludes."""
    df = df.sort(["traj_id", "t"])
    keys = df["traj_id"].rank("dense").to_numpy().astype(np.int64) - 1
    start, length = trajectory_offsets(df)
    return keys[start[length >= min_points]]


def _log(x: np.ndarray, unit: float) -> np.ndarray:
    return np.log1p(np.nan_to_num(np.asarray(x, np.float64), nan=0.0, posinf=0.0) / unit)


def _nan_stat(f, x: np.ndarray) -> np.ndarray:
    """f over the finite entries of each row of x (G, M); NaN for a row with none."""
    out = np.full(len(x), np.nan)
    for i in np.flatnonzero(np.isfinite(x).any(1)):
        out[i] = f(x[i][np.isfinite(x[i])])
    return out


def _median_dist(pts: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Median distance of the (H, M, 2) readings from ref (H, 2), NaN-aware -> (H,)."""
    d = np.linalg.norm(pts - ref[:, None], axis=-1)
    out = np.full(len(pts), np.nan)
    ok = np.isfinite(d).any(1)
    out[ok] = np.nanmedian(d[ok], 1)
    return out


def build_recovery_candidates(
    task: RecoveryTask,
    proj: LocalProjection,
    lib: RouteLibrary,
    base: str = "akima",
    exclude: np.ndarray | None = None,
    split: str = "val",
    base_long: str | None = None,
    long_gap_s: float = float("inf"),
) -> tuple[CandidateSet, np.ndarray, np.ndarray]:
    """Candidates for the hidden points of ``task``. ``exclude`` (n_groups,) library key of
    each task trajectory (TRAIN tasks: ``task_keys``), left out of its own retrieval.
    ``base_long``: the base of points whose gap lasts more than ``long_gap_s`` seconds (one
    model for every setting: the base is a function of what inference knows, the gap).
    Returns (CandidateSet over the H hidden points, target (H, 1, 2) metres (for training and
    scoring only; no candidate reads it), hidden (P,) bool)."""
    xy = task.xy(proj)  # hidden rows are NaN
    known, groups, t = task.known, task.groups, np.asarray(task.t, np.float64)
    hidden = ~known
    tx, ty = proj.forward(task.latlon[hidden, 0], task.latlon[hidden, 1])
    target = np.stack([tx, ty], 1)[:, None]
    base_cols = {
        "linear": LinearInterpolation()._recover(t, xy, known, groups),
        "akima": CubicSplineInterpolation("akima")._recover(t, xy, known, groups),
        "pchip": CubicSplineInterpolation("pchip")._recover(t, xy, known, groups),
    }
    if base not in base_cols or base_long not in (None, *base_cols):
        raise ValueError(f"base must be linear, akima or pchip, got {base!r} / {base_long!r}")
    prev, nxt = known_neighbours(known)
    ph, nh = prev[hidden], nxt[hidden]
    gap_prev, gap = np.unique(ph, return_inverse=True)  # one gap per previous known point
    gap_next = nxt[gap_prev + 1]  # the known point after the gap's first hidden point
    a, b = xy[gap_prev], xy[gap_next]
    ta, tb = t[gap_prev], t[gap_next]
    frac = (t[hidden] - t[ph]) / np.maximum(t[nh] - t[ph], 1e-9)
    ex = None if exclude is None else np.asarray(exclude)[groups[gap_prev]]
    pieces = lib.query(a, ta, b, tb, exclude=ex)
    by_time = read_pieces(lib, pieces, a, b, gap, frac, "time")  # (H, M, 2)
    by_arc = read_pieces(lib, pieces, a, b, gap, frac, "arc")
    found = pieces.found[gap]  # (H,)
    has = found > 0
    H = int(hidden.sum())
    ref = base_cols[base][hidden]  # (H, 2)
    if base_long is not None:
        long = (tb - ta)[gap] > long_gap_s
        ref = np.where(long[:, None], base_cols[base_long][hidden], ref)

    def agg(f, r):
        o = ref.copy()
        o[has] = f(r[has], axis=1)
        return o

    single = np.where(np.isfinite(by_time[:, :N_SINGLE]), by_time[:, :N_SINGLE], ref[:, None])
    # (H, C, 2): base, linear, akima, pchip, route median / median by arc / mean, singles
    cands = np.concatenate([
        np.stack([ref] + [base_cols[k][hidden] for k in ("linear", "akima", "pchip")], 1),
        np.stack([agg(np.nanmedian, by_time), agg(np.nanmedian, by_arc),
                  agg(np.nanmean, by_time)], 1),
        single,
    ], 1)  # fmt: skip
    kind = np.array([0, 1, 2, 3, 4, 5, 6] + [7] * N_SINGLE)
    C = len(kind)
    avail = np.ones((H, C))
    avail[:, 4:7] = has[:, None]
    avail[:, 7:] = np.arange(N_SINGLE)[None] < found[:, None]
    # per-candidate: kind, offset from the base, distance to the route median, piece stats
    off = cands - ref[:, None]
    med = cands[:, 4]
    pg = lambda x: x[gap][:, :N_SINGLE]  # noqa: E731  per-gap (G, M) -> per-point singles
    piece_stats = np.zeros((H, C, 4))
    piece_stats[:, 7:, 0] = _log(pg(pieces.d_a), 10.0)
    piece_stats[:, 7:, 1] = _log(pg(pieces.d_b), 10.0)
    piece_stats[:, 7:, 2] = np.nan_to_num(np.abs(np.log(pg(pieces.ratio))), nan=0.0)
    piece_stats[:, 7:, 3] = np.arange(N_SINGLE) / N_SINGLE
    cand_feats = np.concatenate([
        np.eye(len(KINDS))[kind][None].repeat(H, 0),
        off / SCALE_M,
        _log(np.linalg.norm(off, axis=-1), 10.0)[..., None],
        _log(np.linalg.norm(cands - med[:, None], axis=-1), 10.0)[..., None],
        avail[..., None],
        piece_stats,
    ], -1)  # fmt: skip
    # per-point: the gap (length in s and m, where in it), how much retrieval found and agrees
    dt, dm = (tb - ta)[gap], np.linalg.norm(b - a, axis=1)[gap]
    top = _nan_stat(np.mean, (pieces.d_a + pieces.d_b)[:, :N_SINGLE])[gap]
    ratio_agree = _nan_stat(np.median, np.abs(np.log(pieces.ratio[:, :N_SINGLE])))[gap]
    query_feats = np.stack([
        np.log1p(dt / 15.0), _log(dm, 100.0), _log(dm / np.maximum(dt, 1.0), 1.0),
        frac, np.minimum(frac, 1 - frac), np.log1p(found), has.astype(np.float64),
        _log(top, 10.0), _log(_median_dist(by_time, med), 10.0),
        np.nan_to_num(ratio_agree, nan=0.0),
        _log(np.linalg.norm(base_cols["linear"][hidden] - ref, axis=1), 10.0),
        _log(np.linalg.norm(base_cols["pchip"][hidden] - base_cols["akima"][hidden], axis=1),
             10.0),
        _log(np.linalg.norm(med - ref, axis=1), 10.0),
    ], 1)  # fmt: skip
    src = np.full((H, C), -1, np.int64)
    src[:, 7:] = pg(pieces.source)
    cs = CandidateSet(
        cands=(cands - ref[:, None])[:, :, None],  # (H, C, 1, 2) relative to the base
        kind=kind, cand_feats=cand_feats, query_feats=query_feats, last=ref,
        groups=groups[hidden], source=src, split=split,
        base=0,
    )  # fmt: skip
    return cs, target, hidden


def route_rule(cs: CandidateSet, min_pieces: int = 3, column: int = 4) -> np.ndarray:
    """The non-learned rule: candidate ``column`` (default the route median by time) where at
    least ``min_pieces`` pieces were found for the point's gap, else the base -> (H, 2)."""
    found = np.expm1(cs.query_feats[:, 5]).round()
    pick = np.where(found >= min_pieces, column, cs.base)
    return cs.last + cs.cands[np.arange(len(pick)), pick, 0]


def concat_sets(sets: list[CandidateSet]) -> CandidateSet:
    """Pool candidate sets of one split (same candidate columns) into one."""
    if len({s.split for s in sets}) != 1 or len({s.cands.shape[1] for s in sets}) != 1:
        raise ValueError("can only pool candidate sets of one split with the same columns")
    cat = lambda name: np.concatenate([getattr(s, name) for s in sets])  # noqa: E731
    return CandidateSet(cat("cands"), sets[0].kind, cat("cand_feats"), cat("query_feats"),
                        cat("last"), cat("groups"), cat("source"), sets[0].split,
                        sets[0].base)  # fmt: skip
