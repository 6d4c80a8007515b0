"""The query's own user's history as candidates (issue 15, session 16; opt-in, default off).

GeoLife users repeat commutes, so what the SAME user did at this place and heading may beat
what everybody did. ``UserPools`` holds one place-aware index (``PlaceRetrievalIndex``) per
user over that user's TRAIN windows only; ``user_block`` answers each query from its own
user's index: the aggregate over ``n_agg`` neighbours, medians over ``sizes`` neighbours and
the ``top_k`` individual continuations, with the same per-candidate features as the other
pools (``trajlm.eval.candidates.candidate_pool``), plus two query features (the user pool's distance
and spread; NaN -> 0 where the user has no pool).

Leak guard: the library is train only (val / test trips are never in it), and a TRAIN query
(``exclude`` = its own trajectory key) is answered only if its user has at least
``min_windows`` windows in OTHER trajectories, so ``RetrievalIndex.neighbours`` never falls
back to the query's own trajectory (it would for a user with one train trip). A query whose
user has no pool gets constant velocity in every user column, NaN distances and source -1.
"""

from __future__ import annotations

import numpy as np

from trajlm.data.place_retrieval import PlaceRetrievalIndex
from trajlm.data.retrieval import traj_keys
from trajlm.eval.candidates import KINDS, CandidateBlock, candidate_pool


def owners_of(ids, users) -> dict[int, str]:
    """Trajectory key -> user id, from parallel arrays of traj ids and user ids."""
    ids, users = np.asarray(ids), np.asarray(users).astype(str)
    return dict(zip(traj_keys(ids).tolist(), users.tolist(), strict=True))


class UserPools:
    """One ``PlaceRetrievalIndex`` per user over that user's train windows."""

    def __init__(
        self,
        history: int = 5,
        horizon: int = 5,
        w_place: float = 1.0,
        w_heading: float = 300.0,
        min_windows: int = 40,
        train_drop: float = 0.0,
        seed: int = 0,
    ) -> None:
        self.history, self.horizon = int(history), int(horizon)
        self.w_place, self.w_heading = float(w_place), float(w_heading)
        self.min_windows = int(min_windows)
        # share of TRAIN queries (those with an ``exclude`` key) answered as if their user were
        # new (seeded by the query's trajectory key): every train user has a pool, while about
        # half of GeoLife's val trips are by new users; without it the selector never sees one
        self.train_drop, self.seed = float(train_drop), int(seed)

    def fit(self, xy: np.ndarray, keys: np.ndarray, users: np.ndarray) -> UserPools:
        """Per-point xy (n, 2) metres, trajectory keys (n,) and user ids (n,) of the TRAIN
        split, rows sorted by (trajectory, time)."""
        xy, keys, users = np.asarray(xy), np.asarray(keys, np.int64), np.asarray(users).astype(str)
        self.indexes_: dict[str, PlaceRetrievalIndex] = {}
        self.per_traj_: dict[str, dict[int, int]] = {}  # user -> traj key -> windows
        for u in np.unique(users):
            m = users == u
            if m.sum() < self.history + self.horizon:
                continue
            try:
                idx = PlaceRetrievalIndex(
                    self.history, self.horizon, w_place=self.w_place, w_heading=self.w_heading
                ).fit(xy[m], keys[m])
            except ValueError:  # no trajectory of this user is long enough for a window
                continue
            if idx.n_windows_ >= self.min_windows:
                self.indexes_[u] = idx
                k, c = np.unique(idx.traj_keys_, return_counts=True)
                self.per_traj_[u] = dict(zip(k.tolist(), c.tolist(), strict=True))
        self.train_keys_ = np.unique(keys)
        return self

    def answerable(self, users: np.ndarray, exclude: np.ndarray | None = None) -> np.ndarray:
        """(N,) bool: the user has a pool with >= min_windows windows outside the query's own
        trajectory (``exclude``, train queries) or at all (val / test queries)."""
        users = np.asarray(users).astype(str)
        out = np.zeros(len(users), bool)
        for i, u in enumerate(users):
            if u in self.indexes_:
                own = 0 if exclude is None else self.per_traj_[u].get(int(exclude[i]), 0)
                out[i] = self.indexes_[u].n_windows_ - own >= self.min_windows
        if exclude is not None and self.train_drop > 0:  # a seeded share answered as new users
            keys = np.asarray(exclude, np.int64).astype(np.uint64)
            h = (keys * np.uint64(2654435761) + np.uint64(self.seed)) % np.uint64(1_000_003)
            out &= h.astype(np.float64) / 1_000_003 >= self.train_drop
        return out

    def block(self, users, xy, lengths, cv, k, n_agg, sizes, top_k, exclude, kinds):
        """``user_block`` of these pools (what ``build_candidates`` calls)."""
        return user_block(self, users, xy, lengths, cv, k, n_agg, sizes, top_k, exclude, kinds)


def user_block(pools, users, xy, lengths, cv, k, n_agg, sizes, top_k, exclude, kinds):
    """The user pool's candidates for N queries as one ``CandidateBlock`` (aggregate, medians over
    ``sizes``, top_k singles) and (N, 2) query features (distance, spread; NaN: no pool)."""
    n, n_cols = len(xy), 1 + len(sizes) + top_k
    cont = np.repeat(cv[:, None], n_cols, 1)  # (N, m, k, 2): constant velocity where no pool
    dist, place = np.full((n, n_cols), np.nan), np.full((n, n_cols), np.nan)
    head, source = np.ones((n, n_cols)), np.full((n, n_cols), -1, np.int64)
    pooled = np.tile(np.r_[np.log([n_agg, *sizes]), np.zeros(top_k)], (n, 1))
    rank = np.tile(np.r_[np.zeros(1 + len(sizes)), np.arange(top_k) / top_k], (n, 1))
    q = np.full((n, 2), np.nan)
    users = np.asarray(users).astype(str)
    ok = pools.answerable(users, exclude)
    for u, idx in pools.indexes_.items():
        rows = np.flatnonzero(ok & (users == u))
        if not len(rows):
            continue
        ex = None if exclude is None else np.asarray(exclude)[rows]
        blocks, got, *_ = candidate_pool(idx, xy[rows], lengths[rows], cv[rows], k, n_agg, sizes, top_k,
                                ex, kinds)  # fmt: skip
        for name, arr in (("cont", cont), ("dist", dist), ("place", place), ("head", head),
                          ("source", source)):  # fmt: skip
            arr[rows] = np.concatenate([getattr(b, name) for b in blocks], 1)
        q[rows] = np.stack([got.distance, got.spread], 1)
    kind = [kinds[0]] + [kinds[1]] * len(sizes) + [kinds[2]] * top_k
    return CandidateBlock(cont, kind, dist, place, head, pooled, rank, source), q


def user_oracle(cs, cand_err: np.ndarray, base_err: np.ndarray, answered: np.ndarray) -> dict:
    """How often the query's own user's pool holds a near-perfect continuation (reads the
    targets): over the trips its user pool answers, the best user candidate's ADE against
    kNN's, and the MAE of a perfect switch between kNN and the best user candidate (the most
    this lever could give on its own), relative to kNN over ALL trips."""
    cols = cs.kind >= len(KINDS)
    best = cand_err[:, cols].min(1)
    knn = base_err.mean(1)
    a = answered
    switch = np.where(a, np.minimum(knn, best), knn)
    out = {"n": int(len(knn)), "answered": int(a.sum()), "knn_mae": float(knn.mean()),
           "switch_mae": float(switch.mean()), "switch_rel": float(switch.mean() / knn.mean() - 1),
           "oracle_all": float(cand_err.min(1).mean()),
           "oracle_without_user": float(cand_err[:, ~cols].min(1).mean())}  # fmt: skip
    if a.any():
        out |= {"answered_knn_mae": float(knn[a].mean()), "answered_best_user_mae": float(best[a].mean()),
                "share_user_lt_half_knn": float((best[a] < 0.5 * knn[a]).mean()),
                "share_user_lt_10m": float((best[a] < 10.0).mean()),
                "share_user_beats_knn": float((best[a] < knn[a]).mean())}  # fmt: skip
    return out


def user_markdown(split: str, u: dict) -> str:
    """One paragraph of ``user_oracle``'s numbers."""
    text = (f"_{split}: user pool answers {u['answered']} of {u['n']} trips; kNN {u['knn_mae']:.1f} m, "
            f"perfect kNN/user switch {u['switch_mae']:.1f} m ({100 * u['switch_rel']:+.1f} %); oracle over "
            f"all candidates {u['oracle_all']:.1f} m, without the user pool {u['oracle_without_user']:.1f} m_")  # fmt: skip
    if u["answered"]:
        text += (f"\n\n_answered trips: kNN {u['answered_knn_mae']:.1f} m, best user candidate "
                 f"{u['answered_best_user_mae']:.1f} m; user candidate beats kNN on {100 * u['share_user_beats_knn']:.0f} %, "
                 f"< half kNN's error on {100 * u['share_user_lt_half_knn']:.0f} %, < 10 m on {100 * u['share_user_lt_10m']:.0f} %_")  # fmt: skip
    return text + "\n"
