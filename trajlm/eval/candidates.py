"""Candidate futures and a learned selector over them (issue 15; docs/candidates.md).

For each query history the candidate set holds: the plain (shape) kNN continuation aggregate
(the base), the place-aware kNN aggregate (``trajlm.data.place_retrieval``), constant
velocity, and the individual top-K neighbour continuations of both pools. Each candidate is
described by its continuation, its retrieval distance, how far its source window lay from the
query's last point and how its heading agreed, and how much it agrees with the others; the
query by its own-frame history, speed, heading and place.

``CandidateSelector`` (a small torch network) scores every candidate from (query, candidate)
features and predicts softmax weights; the prediction is

    base + tanh(gate(query)) * (sum_j softmax_j * candidate_j - base)

with the gate zero-initialised, so an untrained selector returns the kNN aggregate exactly.
It is trained on TRAIN windows whose retrieval leaves the window's own trajectory out (the
conditions a val or test query meets) and early-stopped on val windows.

Arrays: metres in the store's projection; continuations are candidate points minus the
query's last point, in the world frame (N, C, k, 2); features are computed in the query's own
frame (rotated so that its last displacement points east).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from trajlm.data.retrieval import RetrievalIndex, heading, last_point, rotate

KINDS = (
    "shape kNN",
    "place kNN",
    "constant velocity",
    "shape neighbour",
    "place neighbour",
    "shape kNN (other n)",
    "place kNN (other n)",
    "both kNN",
    "local kNN",
    "local neighbour",
    "local kNN (other n)",
)
# the query's own user's pool (``trajlm.eval.user_pool``); one-hot columns only when it is on
USER_KINDS = ("user kNN", "user neighbour", "user kNN (other n)")
SCALE_M = 500.0  # continuations and histories are divided by this before the network
MIN_STEP_M = 5.0  # floor of a query's step scale (a parked object must not blow features up)
RATIO_CLIP = (0.25, 4.0)  # how far a speed-matched neighbour may be stretched or shrunk


def _path_scale(rel: np.ndarray) -> np.ndarray:
    """Mean step length of own-frame histories given as points relative to the last one,
    (..., 2 * (h - 1)) -> (...) metres."""
    pts = rel.reshape(*rel.shape[:-1], -1, 2)
    pts = np.concatenate([pts, np.zeros_like(pts[..., :1, :])], axis=-2)  # the last point: 0
    return np.linalg.norm(np.diff(pts, axis=-2), axis=-1).mean(-1)


def step_scale(xy: np.ndarray, lengths: np.ndarray, h: int = 5) -> np.ndarray:
    """(N,) mean step length over each query's last h points (fewer if shorter), metres,
    floored at MIN_STEP_M: the unit of the regime-invariant features (``scale_free``)."""
    n, lengths = len(xy), np.asarray(lengths)
    idx = np.clip(lengths[:, None] - h + np.arange(h)[None, :], 0, None)
    hist = xy[np.arange(n)[:, None], idx]
    steps = np.linalg.norm(np.diff(hist, axis=1), axis=-1)  # (N, h-1); repeats count 0
    n_steps = np.clip(np.minimum(lengths, h) - 1, 1, None)
    return np.maximum(steps.sum(1) / n_steps, MIN_STEP_M)


@dataclass
class CandidateSet:
    """N queries x C candidates of k steps. ``cands`` (N, C, k, 2) world-frame continuations;
    ``kind`` (C,) index into KINDS; ``cand_feats`` (N, C, F); ``query_feats`` (N, Q);
    ``last`` (N, 2) the query's last point; ``groups`` (N,) trajectory keys; ``scale`` (N,)
    the query's own mean step length (metres, floored; see ``step_scale``); ``source``
    (N, C) the trajectory key of each individual neighbour's library window (-1 for the
    aggregates, constant velocity and unanswered rows); ``split`` where the queries come from;
    column ``base`` is the plain kNN aggregate."""

    cands: np.ndarray
    kind: np.ndarray
    cand_feats: np.ndarray
    query_feats: np.ndarray
    last: np.ndarray
    groups: np.ndarray
    source: np.ndarray
    split: str
    base: int = 0
    scale: np.ndarray | None = None  # (N,) the query's mean step length, metres (optional)

    def points(self, cont: np.ndarray) -> np.ndarray:
        """Continuations (N, k, 2) -> absolute points (N, k, 2)."""
        return self.last[:, None] + cont

    def save(self, path) -> None:
        d = {name: v for name, v in asdict(self).items() if v is not None}
        d["split"] = np.array(self.split)
        with open(path, "wb") as f:
            np.savez(f, **d)

    @classmethod
    def load(cls, path) -> CandidateSet:
        with np.load(path, allow_pickle=False) as z:
            d = {name: z[name] for name in z.files}
        d["split"], d["base"] = str(d["split"]), int(d["base"])
        return cls(**d)


def _log(x: np.ndarray, unit: float) -> np.ndarray:
    return np.log1p(np.nan_to_num(np.asarray(x, np.float64), nan=0.0) / unit)


@dataclass
class CandidateBlock:
    """m candidates of one pool for N queries: continuations (N, m, k, 2) world frame; kind
    (m,); mean retrieval distance, distance of the source windows from the query's last point,
    cos of their heading difference, log of the neighbours pooled, rank (N, m); source (N, m)."""

    cont: np.ndarray
    kind: list[int]
    dist: np.ndarray
    place: np.ndarray
    head: np.ndarray
    pooled: np.ndarray
    rank: np.ndarray
    source: np.ndarray
    warp: np.ndarray | None = None  # (N, m) log speed ratio of a speed-matched block, else 0


def candidate_pool(
    index, xy, lengths, cv, k, n_agg, sizes, top_k, exclude, kinds, speed_match=False
):
    """One retrieval pool: its tuned aggregate (exactly ``index.query``, constant velocity
    where the history is too short), medians over the first n neighbours for each n in
    ``sizes``, and the top_k individual continuations. kinds: (aggregate, other n, single).
    ``speed_match``: also the medians over n_agg and each n of the neighbours' continuations
    time-warped to the query's speed (each scaled by query step / neighbour step, clipped to
    RATIO_CLIP), tagged with the log of the mean ratio in ``CandidateBlock.warp``.
    Also returns the own-frame continuations of the first n_agg neighbours and ok (N,)."""
    got = index.query(xy, lengths, k, exclude=exclude, n_neighbors=n_agg)
    ok, n = got.found, len(xy)
    m = min(max(top_k, n_agg, *sizes), index.n_windows_)  # neighbours read per query
    own = np.zeros((n, m, k, 2))  # (N, m, k, 2) continuations in the query's own frame
    dist, place, head = np.full((n, m), np.nan), np.full((n, m), np.nan), np.ones((n, m))
    source, c, s = np.full((n, m), -1, np.int64), np.ones(n), np.zeros(n)
    ratio = np.ones((n, m))  # query step / neighbour step
    if ok.any():
        feats, c[ok], s[ok] = index.features(xy[ok], lengths[ok])
        ex = None if exclude is None else np.asarray(exclude)[ok]
        d, nb = index.neighbours(feats, m, ex)  # (Q, m)
        if speed_match:
            w = 2 * (index.history - 1)  # the own-frame shape columns (place ones follow)
            q_step = np.maximum(_path_scale(feats[:, :w]), MIN_STEP_M)
            nb_step = np.maximum(_path_scale(index.features_[nb, :w]), MIN_STEP_M)
            ratio[ok] = np.clip(q_step[:, None] / nb_step, *RATIO_CLIP)
        own[ok], dist[ok], source[ok] = index.continuations_[nb, :k], d, index.traj_keys_[nb]
        place[ok] = np.linalg.norm(
            index.origins_[nb] - last_point(xy[ok], lengths[ok])[:, None], axis=-1
        )
        head[ok] = index.headings_[nb, 0] * c[ok, None] + index.headings_[nb, 1] * s[ok, None]

    def world(cont_own):  # (N, j, k, 2) own frame -> world frame; CV where not answered
        j = cont_own.shape[1]
        w = rotate(cont_own.reshape(n, -1, 2), c, s).reshape(n, j, k, 2)
        return np.where(ok[:, None, None, None], w, cv[:, None])

    def summary(j):  # mean features of the first j neighbours (N, 1) each
        return [a[:, :j].mean(1, keepdims=True) for a in (dist, place, head)]  # NaN: unanswered

    blocks = []
    agg = np.where(ok[:, None, None], got.continuation, cv)[:, None]  # (N, 1, k, 2)
    d1, p1, h1 = summary(n_agg)
    none = np.full((n, 1), -1, np.int64)
    blocks.append(CandidateBlock(agg, [kinds[0]], got.distance[:, None], p1, h1,
                         np.full((n, 1), np.log(n_agg)), np.zeros((n, 1)), none))  # fmt: skip
    for j in sizes:
        dj, pj, hj = summary(j)
        med = world(np.median(own[:, :j], 1)[:, None])
        blocks.append(CandidateBlock(med, [kinds[1]], dj, pj, hj, np.full((n, 1), np.log(j)),
                             np.zeros((n, 1)), none))  # fmt: skip
    warped = []  # speed-matched medians ("speed-matched kNN"), appended after the singles
    for j in (n_agg, *sizes) if speed_match else ():
        dj, pj, hj = summary(j)
        r = ratio[:, :j]
        med = world(np.median(own[:, :j] * r[..., None, None], 1)[:, None])
        warped.append(CandidateBlock(med, [kinds[1]], dj, pj, hj, np.full((n, 1), np.log(j)),
                             np.zeros((n, 1)), none, np.log(r).mean(1, keepdims=True)))  # fmt: skip
    rank = np.tile(np.arange(top_k) / top_k, (n, 1))
    blocks.append(CandidateBlock(world(own[:, :top_k]), [kinds[2]] * top_k, dist[:, :top_k],
                         place[:, :top_k], head[:, :top_k], np.zeros((n, top_k)), rank,
                         source[:, :top_k]))  # fmt: skip
    return blocks, got, own[:, :n_agg], ok, (c, s), warped


def build_candidates(
    xy: np.ndarray,
    lengths: np.ndarray,
    shape_index: RetrievalIndex,
    place_index: RetrievalIndex,
    n_shape: int,
    n_place: int,
    k: int = 5,
    top_k: int = 8,
    exclude: np.ndarray | None = None,
    groups: np.ndarray | None = None,
    split: str = "val",
    sizes: tuple[int, ...] = (5, 10, 40),
    local_index: RetrievalIndex | None = None,
    n_local: int = 10,
    scale_free: bool = False,
    speed_match: bool = False,
    user_pools=None,
    users: np.ndarray | None = None,
    n_user: int = 10,
) -> CandidateSet:
    """Candidates and features for N query histories xy (N, T, 2) metres, right-padded, with
    ``lengths`` (N,) real points. ``exclude`` (N,) trajectory keys leaves each query's own
    trajectory out of both pools (pass it for TRAIN queries; val/test trips are not in a
    train-only library). ``n_shape`` / ``n_place``: neighbours of each tuned aggregate;
    ``sizes``: further medians over that many neighbours of each pool (the selector may prefer
    a wider or narrower vote per query). ``local_index``: an optional third pool (a place
    index with a large place weight: what vehicles did at this very spot), appended last.

    ``speed_match``: each pool also offers its medians time-warped to the query's speed
    (``candidate_pool``), appended after everything else, with one more candidate feature (the log
    speed ratio). ``scale_free``: every length the network reads (continuations, history,
    retrieval and place distances, spreads, agreement) is in units of the query's own step
    length (``step_scale``) instead of fixed metres, and absolute speed and place are dropped,
    so that a selector trained on fast windows reads a slow walker the same way (GeoLife's
    val and test are different speed regimes). Off, both: the published features exactly.

    ``user_pools`` (a fitted ``trajlm.eval.user_pool.UserPools``) with ``users`` (N,) the
    queries' user ids: a pool of the query's OWN user's train windows (aggregate over
    ``n_user``, medians, top_k singles), appended last, with 3 more kind columns and 3 more
    query features (its distance, spread, answered); off: the published set exactly."""
    xy, lengths = np.asarray(xy, np.float64), np.asarray(lengths)
    n = len(xy)
    last = last_point(xy, lengths)
    step = last - last_point(xy, lengths, 1)  # (N, 2) last displacement
    cv = step[:, None] * np.arange(1, k + 1)[None, :, None]  # (N, k, 2)
    sm = speed_match
    s_blocks, s_got, s_own, s_ok, (c, s), s_warp = candidate_pool(
        shape_index, xy, lengths, cv, k, n_shape, sizes, top_k, exclude, (0, 5, 3), sm
    )
    p_blocks, p_got, p_own, p_ok, _, p_warp = candidate_pool(
        place_index, xy, lengths, cv, k, n_place, sizes, top_k, exclude, (1, 6, 4), sm)  # fmt: skip
    # both pools' tuned neighbours in one vote (both are in the query's own frame)
    both_ok = s_ok & p_ok
    both = rotate(np.median(np.concatenate([s_own, p_own], 1), 1), c, s)  # (N, k, 2)
    both = np.where(both_ok[:, None, None], both, cv)[:, None]
    zeros, none = np.zeros((n, 1)), np.full((n, 1), -1, np.int64)
    blocks = [s_blocks[0], p_blocks[0],
              CandidateBlock(cv[:, None], [2], zeros, zeros, np.ones((n, 1)), zeros, zeros, none),
              s_blocks[-1], p_blocks[-1], *s_blocks[1:-1], *p_blocks[1:-1],
              CandidateBlock(both, [7], np.c_[s_got.distance, p_got.distance].mean(1, keepdims=True),
                     zeros, np.ones((n, 1)), np.full((n, 1), np.log(n_shape + n_place)), zeros,
                     none)]  # fmt: skip
    extra_q, scale = [], step_scale(xy, lengths)
    # the unit of every length the network reads: fixed metres, or the query's own step
    unit = scale[:, None] / 10.0 if scale_free else 1.0  # so that log1p(x / (10 unit)) keeps
    lens = scale[:, None] * k if scale_free else SCALE_M  # its published meaning when off
    if local_index is not None:
        l_blocks, l_got, _, _, _, l_warp = candidate_pool(
            local_index, xy, lengths, cv, k, n_local, sizes, top_k, exclude, (8, 10, 9), sm
        )
        blocks += [l_blocks[0], l_blocks[-1], *l_blocks[1:-1]]  # fmt: skip
        extra_q = [_log(np.stack([l_got.distance, l_got.spread], 1) / unit, 10.0)]
        blocks += s_warp + p_warp + l_warp
    else:
        blocks += s_warp + p_warp
    n_kinds = len(KINDS)
    if user_pools is not None:
        kinds = tuple(len(KINDS) + i for i in range(3))  # (aggregate, other n, single)
        u_block, uq = user_pools.block(users, xy, lengths, cv, k, n_user, sizes, top_k,
                                       exclude, kinds)  # fmt: skip
        blocks.append(u_block)
        u_ok = np.isfinite(uq[:, :1]).astype(np.float64)
        extra_q = [*extra_q, _log(uq / unit, 10.0), u_ok]
        n_kinds += len(USER_KINDS)
    cat = lambda name: np.concatenate([getattr(b, name) for b in blocks], 1)  # noqa: E731
    cands, kind = cat("cont"), np.array([i for b in blocks for i in b.kind])
    C = len(kind)

    # -- per-candidate features, in the query's own frame --------------------------------------
    c, s = heading(xy, lengths)  # (N,) the query's heading
    own = rotate(cands.reshape(n, -1, 2), c, -s).reshape(n, C, k, 2)
    end = cands[:, :, -1]  # (N, C, 2)
    consensus = np.median(end, axis=1, keepdims=True)  # (N, 1, 2)
    u3 = unit[..., None] if scale_free else 1.0  # (N, 1, 1) for (N, C, 1) columns
    cand_feats = [
        np.eye(n_kinds)[kind][None].repeat(n, 0),  # (N, C, kinds)
        own.reshape(n, C, -1) / (lens[..., None] if scale_free else lens),  # (N, C, 2k)
        _log(cat("dist")[..., None] / u3, 10.0),
        _log(cat("place")[..., None] / u3, 100.0),
        np.nan_to_num(cat("head"), nan=1.0)[..., None],
        cat("pooled")[..., None] / 4.0,
        cat("rank")[..., None],
        _log(np.linalg.norm(end - consensus, axis=-1)[..., None] / u3, 10.0),
        _log(np.linalg.norm(end - cands[:, :1, -1], axis=-1)[..., None] / u3, 10.0),
    ]  # fmt: skip
    if speed_match:  # log speed ratio of the warped medians, 0 for every other candidate
        cand_feats.append(np.concatenate([np.zeros((n, len(b.kind))) if b.warp is None
                                          else b.warp for b in blocks], 1)[..., None])  # fmt: skip
    cand_feats = np.concatenate(cand_feats, axis=-1)

    # -- per-query features -------------------------------------------------------------------
    h = 8
    idx = np.clip(np.asarray(lengths)[:, None] - h + np.arange(h)[None, :], 0, None)
    hist = xy[np.arange(n)[:, None], idx]  # (N, h, 2) last h points (the first repeated)
    rel = rotate(hist - last[:, None], c, -s)  # (N, h, 2)
    speed = np.linalg.norm(np.diff(hist, axis=1), axis=-1)[:, -2:]  # (N, 2) metres per step
    pools = np.stack([s_got.distance, p_got.distance, s_got.spread, p_got.spread], 1)
    absolute = [_log(speed, 10.0), last / 5000.0]  # what a scale-free selector may not read
    if scale_free:  # the last two steps relative to the query's own mean step instead
        absolute = [np.log(np.maximum(speed, 1e-3) / scale[:, None])]
    query_feats = np.concatenate([
        rel[:, :-1].reshape(n, -1) / lens,
        *absolute,
        np.stack([c, s], 1),
        _log(pools / unit, 10.0),
        np.stack([s_ok, p_ok], 1).astype(np.float64),
        np.log(np.asarray(lengths, np.float64))[:, None],
        *extra_q,
    ], axis=1)  # fmt: skip
    groups = np.zeros(n, np.int64) if groups is None else np.asarray(groups)
    return CandidateSet(cands, kind, cand_feats, query_feats, last, groups, cat("source"), split,
                        scale=scale)  # fmt: skip


def windows_of(
    xy: np.ndarray,
    keys: np.ndarray,
    k: int = 5,
    n_input: int = 20,
    min_input: int = 8,
    max_windows: int | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every (history, next k) window of a split: per-point xy (n, 2) metres and trajectory
    keys (n,), rows sorted by (trajectory, time). A window ends at a point with at least
    ``min_input`` points up to it and k after it; its history is the last ``n_input`` points
    (fewer at a trip's start), laid out like the protocol's task (right-padded by repeating the
    last real point). Returns hist (W, n_input, 2), lengths (W,), keys (W,), target (W, k, 2);
    ``max_windows`` draws a seeded subset."""
    keys = np.asarray(keys, np.int64)
    n = len(keys)
    new = np.r_[True, keys[1:] != keys[:-1]] if n else np.zeros(0, bool)
    first = np.maximum.accumulate(np.where(new, np.arange(n), 0))  # trip's first row
    last_row = np.append(np.flatnonzero(new)[1:], n) - 1
    last_of = np.repeat(last_row, np.diff(np.append(np.flatnonzero(new), n)))
    pos = np.arange(n) - first
    ends = np.flatnonzero((pos >= min_input - 1) & (np.arange(n) + k <= last_of))
    if max_windows is not None and len(ends) > max_windows:
        ends = np.sort(np.random.default_rng(seed).choice(ends, max_windows, replace=False))
    lengths = np.minimum(pos[ends] + 1, n_input)
    start = ends - lengths + 1
    hist_idx = start[:, None] + np.minimum(np.arange(n_input)[None], lengths[:, None] - 1)
    xy = np.asarray(xy, np.float64)
    return xy[hist_idx], lengths, keys[ends], xy[ends[:, None] + 1 + np.arange(k)]


def retime(cont: np.ndarray, hist_t: np.ndarray, lengths: np.ndarray, target_t: np.ndarray):
    """Read k-step continuations (N, k, 2) (relative to the last point) at asked timestamps
    (N, k) Unix seconds: step j is taken to lie j x the query's last sampling interval ahead
    (what a library window's steps mean for this query), positions are linearly interpolated
    in time and extrapolated past step k along the last step. On constant velocity this is the
    "constant velocity [time]" baseline exactly; it answers PROTOCOL's "where at t + Δ"."""
    n, k = cont.shape[:2]
    rows, lengths = np.arange(n), np.asarray(lengths)
    t_last = hist_t[rows, lengths - 1].astype(np.float64)
    dt = np.maximum(t_last - hist_t[rows, np.maximum(lengths - 2, 0)], 1.0)  # (N,) seconds
    u = np.maximum((np.asarray(target_t, np.float64) - t_last[:, None]) / dt[:, None], 0.0)
    i = np.minimum(np.floor(u).astype(np.int64), k - 1)  # (N, k) segment index
    pts = np.concatenate([np.zeros((n, 1, 2)), cont], axis=1)  # (N, k + 1, 2): origin first
    a, b = pts[rows[:, None], i], pts[rows[:, None], i + 1]
    return a + (u - i)[..., None] * (b - a)
