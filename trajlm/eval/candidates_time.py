"""Time-conditioned candidate sets (issue 15, GeoLife; docs/candidates.md "Session 23").

GeoLife is sampled irregularly (1 s to minutes between points), and PROTOCOL's question names
the asked timestamps of the next k points. The published candidate set ignores them: every
candidate is "the next k points" in the library's own rhythm. ``add_time`` appends what the
asked times say, without a new retrieval (it reads a built ``CandidateSet``):

- **re-timed candidates**: the pools' aggregates and medians and constant velocity read at the
  asked timestamps (``retime``: step j lies j x the query's sampling interval ahead; the median
  of its last intervals for the pools, its last interval for constant velocity, which makes
  that column "constant velocity [time]" exactly). Their candidate features are the source
  column's, with the own-frame continuation and the distances to the set's consensus and to
  the base recomputed, and one more one-hot column ("re-timed") that is 1 only for them;
- **time query features**: the log ratio of each asked interval to the query's sampling
  interval (clipped), of the whole horizon to k intervals, of the last interval to the
  median, and the log of the median interval in seconds.

The base column (plain kNN, untimed) is unchanged, so an untrained selector is still the kNN
aggregate bit for bit. Only the published (metre) feature layout is supported: sets built
without ``scale_free``; with ``speed_match`` or a user pool pass ``n_kinds`` accordingly.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from trajlm.data.retrieval import heading, rotate
from trajlm.eval.candidates import KINDS, SCALE_M, CandidateSet

# kinds re-timed: shape kNN, place kNN, constant velocity, shape kNN (other n), both, local kNN
RETIMED_KINDS = (0, 1, 2, 5, 7, 8)
N_TAIL = 7  # candidate features after the own-frame continuation (dist ... distance to base)
LOG_CLIP = 3.0  # |log interval ratio| beyond this carries no more information


def hist_interval(hist_t: np.ndarray, lengths: np.ndarray, h: int = 5) -> np.ndarray:
    """(N,) median of each query's last h - 1 sampling intervals, seconds, floored at 1 s
    (fewer for a shorter history; a repeated timestamp counts as the floor)."""
    n, lengths = len(hist_t), np.asarray(lengths)
    idx = np.clip(lengths[:, None] - h + np.arange(h)[None, :], 0, None)
    t = np.asarray(hist_t, np.float64)[np.arange(n)[:, None], idx]
    d = np.diff(t, axis=1)  # (N, h - 1)
    real = (lengths[:, None] - h + np.arange(1, h)[None, :]) >= 1  # both ends real points
    d = np.where(real, d, np.nan)
    with np.errstate(all="ignore"):
        med = np.nanmedian(d, axis=1)
    return np.maximum(np.nan_to_num(med, nan=1.0), 1.0)


def retime_at(cont: np.ndarray, t_last: np.ndarray, dt: np.ndarray, target_t: np.ndarray):
    """Continuations (N, k, 2) (relative to the last point) read at ``target_t`` (N, k) when
    step j lies j x dt (N,) seconds after t_last (N,): interpolated in time, extrapolated past
    step k along the last step, held at the origin for a time before t_last."""
    n, k = cont.shape[:2]
    rows = np.arange(n)
    u = np.maximum((np.asarray(target_t, np.float64) - t_last[:, None]) / dt[:, None], 0.0)
    i = np.minimum(np.floor(u).astype(np.int64), k - 1)
    pts = np.concatenate([np.zeros((n, 1, 2)), cont], axis=1)
    a, b = pts[rows[:, None], i], pts[rows[:, None], i + 1]
    return a + (u - i)[..., None] * (b - a)


def time_query_features(
    hist_t: np.ndarray, lengths: np.ndarray, target_t: np.ndarray
) -> np.ndarray:
    """(N, k + 3): log(asked interval j / median interval) for each step, log(horizon / (k x
    median interval)), log(last interval / median interval), log1p(median interval / 10 s)."""
    lengths = np.asarray(lengths)
    rows = np.arange(len(lengths))
    t_last = np.asarray(hist_t, np.float64)[rows, lengths - 1]
    prev = np.asarray(hist_t, np.float64)[rows, np.maximum(lengths - 2, 0)]
    dt = hist_interval(hist_t, lengths)
    tt = np.asarray(target_t, np.float64)
    k = tt.shape[1]
    steps = np.diff(np.concatenate([t_last[:, None], tt], axis=1), axis=1)  # (N, k)
    clip = lambda x: np.clip(np.log(np.maximum(x, 0.5) / dt[:, None]), -LOG_CLIP, LOG_CLIP)  # noqa: E731
    horizon = clip((tt[:, -1] - t_last)[:, None] / k)
    last = clip(np.maximum(t_last - prev, 1.0)[:, None])
    return np.concatenate([clip(steps), horizon, last, np.log1p(dt / 10.0)[:, None]], axis=1)


def _log(x: np.ndarray, unit: float) -> np.ndarray:
    return np.log1p(np.nan_to_num(x, nan=0.0) / unit)


def derived_features(
    cs: CandidateSet,
    xy: np.ndarray,
    lengths: np.ndarray,
    new: np.ndarray,
    cols: np.ndarray,
    n_kinds: int = len(KINDS),
) -> np.ndarray:
    """(N, m, F) features of m new continuations (N, m, k, 2) derived from columns ``cols`` of
    ``cs``: the source column's, with the own-frame continuation and the distances to the
    set's consensus and to the base recomputed."""
    n, m, k = new.shape[:3]
    c, s = heading(np.asarray(xy, np.float64), np.asarray(lengths))
    own = rotate(new.reshape(n, -1, 2), c, -s).reshape(n, m, 2 * k)
    end = new[:, :, -1]
    consensus = np.median(cs.cands[:, :, -1], axis=1, keepdims=True)
    f_new = cs.cand_feats[:, cols].copy()
    o = n_kinds  # first own-frame column
    f_new[..., o : o + 2 * k] = own / SCALE_M
    f_new[..., o + 2 * k + 5] = _log(np.linalg.norm(end - consensus, axis=-1), 10.0)
    f_new[..., o + 2 * k + 6] = _log(
        np.linalg.norm(end - cs.cands[:, cs.base : cs.base + 1, -1], axis=-1), 10.0
    )
    return f_new


def add_time(
    cs: CandidateSet,
    xy: np.ndarray,
    hist_t: np.ndarray,
    lengths: np.ndarray,
    target_t: np.ndarray,
    n_kinds: int = len(KINDS),
    kinds: tuple[int, ...] = RETIMED_KINDS,
) -> CandidateSet:
    """``cs`` (built from histories xy (N, T, 2) with ``lengths``) plus re-timed candidates of
    the columns whose kind is in ``kinds`` and the time query features; see the module doc.
    ``hist_t`` (N, T) and ``target_t`` (N, k) are Unix seconds (the asked timestamps)."""
    n, C, k = cs.cands.shape[:3]
    lengths = np.asarray(lengths)
    if len(xy) != n or len(hist_t) != n or len(target_t) != n:
        raise ValueError(
            f"add_time: {n} queries in the candidate set, {len(xy)} histories, "
            f"{len(hist_t)} hist_t rows, {len(target_t)} target_t rows"
        )
    F = cs.cand_feats.shape[2]
    if F < n_kinds + 2 * k + N_TAIL:
        raise ValueError(
            f"add_time: {F} candidate features, expected >= {n_kinds + 2 * k + N_TAIL}"
        )
    cols = np.flatnonzero(np.isin(cs.kind, kinds))
    rows = np.arange(n)
    t_last = np.asarray(hist_t, np.float64)[rows, lengths - 1]
    dt_med = hist_interval(hist_t, lengths)
    dt_last = np.maximum(
        t_last - np.asarray(hist_t, np.float64)[rows, np.maximum(lengths - 2, 0)], 1.0
    )
    new = np.empty((n, len(cols), k, 2))
    for j, col in enumerate(cols):
        dt = dt_last if cs.kind[col] == 2 else dt_med  # constant velocity: its own last step
        new[:, j] = retime_at(cs.cands[:, col], t_last, dt, target_t)
    cands = np.concatenate([cs.cands, new], axis=1)
    f_new = derived_features(cs, xy, lengths, new, cols, n_kinds)
    flag = np.concatenate([np.zeros((n, C, 1)), np.ones((n, len(cols), 1))], axis=1)
    cand_feats = np.concatenate([np.concatenate([cs.cand_feats, f_new], axis=1), flag], axis=-1)
    query_feats = np.concatenate(
        [cs.query_feats, time_query_features(hist_t, lengths, target_t)], axis=1
    )
    source = np.concatenate([cs.source, np.full((n, len(cols)), -1, np.int64)], axis=1)
    return replace(cs, cands=cands, kind=np.concatenate([cs.kind, cs.kind[cols]]),
                   cand_feats=cand_feats, query_feats=query_feats, source=source)  # fmt: skip
