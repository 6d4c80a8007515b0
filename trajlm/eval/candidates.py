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

KINDS = ("shape kNN", "place kNN", "constant velocity", "shape neighbour", "place neighbour")
SCALE_M = 500.0  # continuations and histories are divided by this before the network


@dataclass
class CandidateSet:
    """N queries x C candidates of k steps. ``cands`` (N, C, k, 2) world-frame continuations;
    ``kind`` (C,) index into KINDS; ``cand_feats`` (N, C, F); ``query_feats`` (N, Q);
    ``last`` (N, 2) the query's last point; ``groups`` (N,) trajectory keys; ``source``
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

    def points(self, cont: np.ndarray) -> np.ndarray:
        """Continuations (N, k, 2) -> absolute points (N, k, 2)."""
        return self.last[:, None] + cont

    def save(self, path) -> None:
        d = asdict(self)
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


def _pool(index, xy, lengths, ok, k, n_agg, top_k, exclude):
    """One retrieval pool: the aggregate (exactly ``index.query``) and the top_k individual
    continuations (world frame), their distances, source places and headings."""
    got = index.query(xy, lengths, k, exclude=exclude, n_neighbors=n_agg)
    n = len(xy)
    conts = np.zeros((n, top_k, k, 2))
    dist, src, head = np.full((n, top_k), np.nan), np.zeros((n, top_k, 2)), np.zeros((n, top_k, 2))
    source = np.full((n, top_k), -1, np.int64)
    if ok.any():
        feats, c, s = index.features(xy[ok], lengths[ok])
        ex = None if exclude is None else np.asarray(exclude)[ok]
        d, nb = index.neighbours(feats, max(top_k, n_agg), ex)
        top = nb[:, :top_k]  # (Q, top_k) library windows
        own = index.continuations_[top, :k].reshape(len(nb), -1, 2)  # (Q, top_k * k, 2)
        conts[ok] = rotate(own, c, s).reshape(len(nb), top_k, k, 2)
        dist[ok], src[ok], head[ok] = d[:, :top_k], index.origins_[top], index.headings_[top]
        source[ok] = index.traj_keys_[top]
        here = last_point(xy[ok], lengths[ok])[:, None]  # (Q, 1, 2)
        agg_place = np.linalg.norm(index.origins_[nb[:, :n_agg]] - here, axis=-1).mean(1)
    else:
        agg_place = np.zeros(0)
    place_agg = np.full(n, np.nan)
    place_agg[ok] = agg_place
    return got, conts, dist, src, head, place_agg, source


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
) -> CandidateSet:
    """Candidates and features for N query histories xy (N, T, 2) metres, right-padded, with
    ``lengths`` (N,) real points. ``exclude`` (N,) trajectory keys leaves each query's own
    trajectory out of both pools (pass it for TRAIN queries; val/test trips are not in a
    train-only library). ``n_shape`` / ``n_place``: neighbours of each aggregate (tuned on val)."""
    xy, lengths = np.asarray(xy, np.float64), np.asarray(lengths)
    n = len(xy)
    last = last_point(xy, lengths)
    step = last - last_point(xy, lengths, 1)  # (N, 2) last displacement
    cv = step[:, None] * np.arange(1, k + 1)[None, :, None]  # (N, k, 2)
    pools = []
    for index, n_agg in ((shape_index, n_shape), (place_index, n_place)):
        ok = lengths >= index.history
        got, conts, dist, src, head, place_agg, source = _pool(
            index, xy, lengths, ok, k, n_agg, top_k, exclude
        )
        agg = np.where(ok[:, None, None], got.continuation, cv)  # kNN falls back to CV
        conts = np.where(ok[:, None, None, None], conts, cv[:, None])
        pools.append((ok, got, agg, conts, dist, src, head, place_agg, source))
    (s_ok, s_got, s_agg, s_conts, s_dist, s_src, s_head, s_place, s_source), \
        (p_ok, p_got, p_agg, p_conts, p_dist, p_src, p_head, p_place, p_source) = pools  # fmt: skip
    cands = np.concatenate([s_agg[:, None], p_agg[:, None], cv[:, None], s_conts, p_conts], 1)
    kind = np.array([0, 1, 2] + [3] * top_k + [4] * top_k)
    C = len(kind)

    # -- per-candidate features, in the query's own frame --------------------------------------
    c, s = heading(xy, lengths)  # (N,) the query's heading
    own = rotate(cands.reshape(n, -1, 2), c, -s).reshape(n, C, k, 2)
    dist = np.concatenate([s_got.distance[:, None], p_got.distance[:, None], np.zeros((n, 1)),
                           s_dist, p_dist], 1)  # fmt: skip
    place = np.concatenate([s_place[:, None], p_place[:, None], np.zeros((n, 1)),
                            np.linalg.norm(s_src - last[:, None], axis=-1),
                            np.linalg.norm(p_src - last[:, None], axis=-1)], 1)  # fmt: skip
    head_cos = np.concatenate([np.ones((n, 3)), s_head[..., 0] * c[:, None] + s_head[..., 1] * s[:, None],
                               p_head[..., 0] * c[:, None] + p_head[..., 1] * s[:, None]], 1)  # fmt: skip
    end = cands[:, :, -1]  # (N, C, 2)
    consensus = np.median(end, axis=1, keepdims=True)  # (N, 1, 2)
    rank = np.concatenate([np.zeros((n, 3)), np.tile(np.arange(top_k) / top_k, (n, 2))], 1)
    cand_feats = np.concatenate([
        np.eye(len(KINDS))[kind][None].repeat(n, 0),  # (N, C, 5)
        own.reshape(n, C, -1) / SCALE_M,  # (N, C, 2k)
        _log(dist, 10.0)[..., None],
        _log(place, 100.0)[..., None],
        head_cos[..., None],
        _log(np.linalg.norm(end - consensus, axis=-1), 10.0)[..., None],
        _log(np.linalg.norm(end - cands[:, :1, -1], axis=-1), 10.0)[..., None],
        rank[..., None],
    ], axis=-1)  # fmt: skip

    # -- per-query features -------------------------------------------------------------------
    h = 8
    idx = np.clip(np.asarray(lengths)[:, None] - h + np.arange(h)[None, :], 0, None)
    hist = xy[np.arange(n)[:, None], idx]  # (N, h, 2) last h points (the first repeated)
    rel = rotate(hist - last[:, None], c, -s)  # (N, h, 2)
    speed = np.linalg.norm(np.diff(hist, axis=1), axis=-1)[:, -2:]  # (N, 2) metres per step
    query_feats = np.concatenate([
        rel[:, :-1].reshape(n, -1) / SCALE_M,
        _log(speed, 10.0),
        last / 5000.0,
        np.stack([c, s], 1),
        _log(np.stack([s_got.distance, p_got.distance, s_got.spread, p_got.spread], 1), 10.0),
        np.stack([s_ok, p_ok], 1).astype(np.float64),
        np.log(np.asarray(lengths, np.float64))[:, None],
    ], axis=1)  # fmt: skip
    groups = np.zeros(n, np.int64) if groups is None else np.asarray(groups)
    source = np.concatenate([np.full((n, 3), -1, np.int64), s_source, p_source], 1)
    return CandidateSet(cands, kind, cand_feats, query_feats, last, groups, source, split)


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
