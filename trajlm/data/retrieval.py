"""Retrieval index over train windows: "what did similar train histories do next?"

The shared core of the kNN continuation baseline (``trajlm.eval.baselines.KNNContinuation``)
and the model's retrieval residual base (``ModelConfig.residual_base = "retrieval"``,
docs/retrieval.md). A library window is ``history`` + ``horizon`` consecutive points of one
train trajectory, expressed relative to its last history point and rotated so that its last
displacement points east (the object's own frame); it is tagged with a key of its trajectory.
A query history is normalised the same way; its ``n_neighbors`` nearest library histories
(Euclidean in metres, so speed matters as well as shape) vote with the coordinate-wise median
(or mean, or geometric median: ``spatial_median``) of their continuations, which is rotated back
to the query's frame.

Leak guard: ``query(..., exclude=keys)`` never lets a query see a window of its own trajectory
(during training a window's own future is in the library otherwise). Build the index from the
train split only (``RetrievalIndex.from_table(train_df, projection)``); ``traj_keys`` are kept
so that a test can assert which trajectories it holds.

Array conventions (float64 metres in any planar frame; the features are translation and
rotation invariant): xy (N, T, 2) right-padded, lengths (N,) real points per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from trajlm.data.retrieval_points import heading, table_points
from trajlm.data.retrieval_points import last_point as last_point
from trajlm.data.retrieval_points import run_keys as run_keys
from trajlm.data.retrieval_points import traj_keys as traj_keys
from trajlm.data.retrieval_vote import AGGREGATES, aggregate_continuations, median_of_neighbours
from trajlm.data.retrieval_vote import spatial_median as spatial_median

# rotate: at home beside the window cut (scale38); importable from here as before
from trajlm.data.window_cut import cut_windows, rotate
from trajlm.errors import TrajlmInputError

# The neighbours' vote (retrieval_vote.py) and the library's points and frames
# (retrieval_points.py) were split out by idea (review39); every name is importable from here
# as before, the same objects (tests/test_review39.py).


def _pair(keys: np.ndarray, t: np.ndarray) -> np.ndarray:
    """(trajectory key < 2^32, Unix seconds < 2^32) -> one sortable uint64."""
    return (keys.astype(np.uint64) << np.uint64(32)) | (t.astype(np.uint64) & np.uint64(0xFFFFFFFF))


@dataclass
class Retrieved:
    """One answer per query row. continuation (N, k, 2): the aggregated next k points minus
    the query's last point, in the query's frame (metres); distance (N,): mean feature distance
    to the neighbours (metres); spread (N,): mean distance of the neighbours' k-th points from
    the aggregate (metres). Rows with fewer than `history` points are not answered
    (found False; continuation 0, distance and spread NaN)."""

    continuation: np.ndarray
    distance: np.ndarray
    spread: np.ndarray
    found: np.ndarray


@dataclass
class TrainWindows:
    """A library's windows, cut and normalised (``RetrievalIndex.train_windows``): params
    (history, horizon, max_windows, random_state) they were cut for; shape (M, 2 * (history
    - 1)) the own-frame histories; c, s (M,) their last heading; origins (M, 2) where each
    history ends; conts (M, horizon, 2) the continuations in the window's frame; keys (M,)."""

    params: tuple[int, int, int, int]
    shape: np.ndarray
    c: np.ndarray
    s: np.ndarray
    origins: np.ndarray
    conts: np.ndarray
    keys: np.ndarray


class RetrievalIndex:
    """Nearest train windows by normalised history; see the module docstring."""

    def __init__(
        self,
        history: int = 5,
        horizon: int = 5,
        n_neighbors: int = 10,
        aggregate: str = "median",
        max_windows: int = 300_000,
        random_state: int = 0,
    ) -> None:
        if history < 2 or horizon < 1 or n_neighbors < 1 or aggregate not in AGGREGATES:
            raise TrajlmInputError(
                f"need history >= 2, horizon >= 1, n_neighbors >= 1, aggregate in {AGGREGATES}; "
                f"got history={history!r}, horizon={horizon!r}, n_neighbors={n_neighbors!r}, "
                f"aggregate={aggregate!r}"
            )
        self.history, self.horizon = int(history), int(horizon)
        self.n_neighbors, self.aggregate = int(n_neighbors), aggregate
        self.max_windows, self.random_state = int(max_windows), int(random_state)

    # -- building ------------------------------------------------------------------------------

    def fit(
        self, xy: np.ndarray | None, keys: np.ndarray | None, windows: TrainWindows | None = None
    ) -> RetrievalIndex:
        """Library from per-point xy (n, 2) metres and trajectory keys (n,), rows sorted by
        (trajectory, time). ``windows``: the same points' ``train_windows`` already cut (a grid
        search over feature weights cuts them once: scale34); None cuts them here. With
        ``windows`` the points are not read (None: a caller that let them go, scale38)."""
        if windows is None:
            if xy is None or keys is None:
                raise ValueError("fit needs the points (xy, keys) or their windows")
            windows = self.train_windows(xy, keys)
        elif windows.params != self._window_params():
            raise ValueError(
                f"windows cut for {windows.params}, this index needs {self._window_params()}"
            )
        self._set(self._window_features(windows), windows.conts, windows.keys)
        # where each window's history ends and which way it heads (absolute frame): read by
        # place-aware candidates (trajlm.eval.candidates); not saved, unused by queries
        self.origins_, self.headings_ = windows.origins, np.stack([windows.c, windows.s], axis=1)
        return self

    def _window_params(self) -> tuple[int, int, int, int]:
        return self.history, self.horizon, self.max_windows, self.random_state

    def _window_starts(self, keys: np.ndarray, w: int) -> np.ndarray:
        """Sorted indices of the points a window of ``w`` points may start at (its trajectory
        has ``w - 1`` points after it), ``max_windows`` of them drawn when there are more.
        Never holds a per-point index: a trajectory's starts are a run, so a drawn position
        among all starts maps to its point through the runs (scale37: this cut was eval's
        peak at 6.1 M fixes). The draw is the one ``rng.choice(starts, ...)`` made (choice
        of an array takes its elements at the positions drawn; starts are increasing), so
        the same windows (tests/test_scale37.py)."""
        n = len(keys)
        first = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if n else np.zeros(0, np.int64)
        count = np.maximum(np.diff(np.append(first, n)) - w + 1, 0)  # starts per trajectory
        total = int(count.sum())
        if total == 0:
            raise TrajlmInputError(
                f"no train trajectory has {w} points for a retrieval window (history + horizon)",
                hint="give longer train trajectories or a smaller history / horizon",
            )
        if total > self.max_windows:
            rng = np.random.default_rng(self.random_state)
            pos = np.sort(rng.choice(total, self.max_windows, replace=False))
        else:
            pos = np.arange(total)
        before = np.cumsum(count) - count  # starts of the trajectories before each one
        run = np.searchsorted(before, pos, side="right") - 1  # the trajectory holding pos
        return first[run] + (pos - before[run])

    def train_windows(self, xy: np.ndarray, keys: np.ndarray) -> TrainWindows:
        """The library's windows of per-point xy and keys (``fit``'s arguments), cut and
        normalised: everything ``fit`` needs but the feature weights and the search tree."""
        keys = np.asarray(keys, np.int64)
        w = self.history + self.horizon
        starts = self._window_starts(keys, w)
        # the weight-free shape features, shared by a grid's indexes (scale34); a subclass
        # that overrides only ``features`` (scripts/geolife_memory_knn.py's speed key) gets its
        # own features here, as ``fit`` gave it before: its queries read them too
        own = type(self).features is not RetrievalIndex.features and (
            type(self)._window_features is RetrievalIndex._window_features
        )
        featurize = self.features if own else partial(RetrievalIndex.features, self)
        # a block of windows at a time (scale38): the same numbers without the whole gather
        cut = cut_windows(xy, starts, self.history, self.horizon, featurize)
        return TrainWindows(self._window_params(), *cut, keys[starts])

    def _window_features(self, windows: TrainWindows) -> np.ndarray:
        """``features`` of the windows' histories, from their cut (a subclass adds its own)."""
        return windows.shape

    @classmethod
    def from_table(cls, df, projection, **params) -> RetrievalIndex:
        """Library of a canonical table (traj_id, t, lat, lon): pass the TRAIN split only."""
        return cls(**params).fit(*table_points(df, projection))

    def _set(self, feats, conts, keys) -> RetrievalIndex:
        from sklearn.neighbors import NearestNeighbors

        self.features_, self.continuations_ = feats, conts
        self.traj_keys_ = np.asarray(keys, np.int64)  # (M,) the trajectory of each window
        self.nn_ = NearestNeighbors().fit(feats)
        self.n_windows_ = len(feats)
        return self

    def features(self, hist: np.ndarray, lengths: np.ndarray):
        """Relative, heading-aligned last `history` points -> (N, 2 * (history - 1)), cos, sin."""
        rows = np.arange(len(hist))[:, None]
        idx = np.asarray(lengths)[:, None] - self.history + np.arange(self.history)[None, :]
        h = hist[rows, idx]  # (N, history, 2)
        c, s = heading(h, np.full(len(h), self.history))
        rel = rotate(h[:, :-1] - h[:, -1:], c, -s)
        return rel.reshape(len(h), -1), c, s

    # -- querying ------------------------------------------------------------------------------

    def neighbours(
        self, feats: np.ndarray, n_neighbors: int, exclude: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(N, k) distances and library indices of the nearest windows, leaving out every
        window whose trajectory key equals the row's `exclude` key (its own trajectory)."""
        k = min(n_neighbors, self.n_windows_)
        if exclude is None:
            return self.nn_.kneighbors(feats, n_neighbors=k)
        exclude = np.asarray(exclude, np.int64)
        dist, idx = np.zeros((len(feats), k)), np.zeros((len(feats), k), np.int64)
        todo, ask = np.arange(len(feats)), 4 * k
        while len(todo):  # ask for more until k windows of other trajectories remain
            ask = min(ask, self.n_windows_)
            d, i = self.nn_.kneighbors(feats[todo], n_neighbors=ask)
            other = self.traj_keys_[i] != exclude[todo, None]  # (n, ask)
            ok = other.sum(1) >= k
            if ask == self.n_windows_:
                ok[:] = True  # the whole library: keep what there is (fewer only if tiny)
            rank = np.argsort(~other[ok], axis=1, kind="stable")[:, :k]  # others first, in order
            dist[todo[ok]] = np.take_along_axis(d[ok], rank, 1)
            idx[todo[ok]] = np.take_along_axis(i[ok], rank, 1)
            todo, ask = todo[~ok], ask * 4
        return dist, idx

    def query(
        self,
        xy: np.ndarray,
        lengths: np.ndarray,
        k: int | None = None,
        exclude: np.ndarray | None = None,
        n_neighbors: int | None = None,
    ) -> Retrieved:
        """Aggregated k-step continuation (default: horizon) of each row's nearest windows;
        `exclude` (N,) trajectory keys: leave out the windows of the row's own trajectory."""
        k = self.horizon if k is None else k
        if k > self.horizon:
            raise ValueError(f"built for horizon {self.horizon}, asked for k={k}")
        xy, lengths = np.asarray(xy, np.float64), np.asarray(lengths)
        n = len(xy)
        out = Retrieved(np.zeros((n, k, 2)), np.full(n, np.nan), np.full(n, np.nan),
                        lengths >= self.history)  # fmt: skip
        ok = out.found
        if ok.any():
            feats, c, s = self.features(xy[ok], lengths[ok])
            ex = None if exclude is None else np.asarray(exclude)[ok]
            dist, nb = self.neighbours(feats, n_neighbors or self.n_neighbors, ex)
            if self.aggregate == "median":  # by blocks of rows: the same medians (scale38)
                agg = median_of_neighbours(self.continuations_, nb, k)
            else:
                agg = aggregate_continuations(self.continuations_[nb, :k], self.aggregate)
            out.continuation[ok] = rotate(agg, c, s)
            out.distance[ok] = dist.mean(1)
            last = self.continuations_[nb, k - 1]  # (Q, n_nb, 2): the neighbours' k-th points
            out.spread[ok] = np.linalg.norm(last - agg[:, None, -1], axis=-1).mean(1)
        return out

    # -- the train split's own answers, once ----------------------------------------------------

    def precompute(self, xy: np.ndarray, keys: np.ndarray, t: np.ndarray) -> RetrievalIndex:
        """Answer every point of a split once (per-point xy (n, 2), keys (n,), t (n,) Unix
        seconds, rows sorted by (trajectory, time)): the continuation from the `history`
        points ending at it, leaving its own trajectory out. ``lookup`` then serves training
        windows without a query per batch. Not saved (a rollout queries)."""
        keys, t = np.asarray(keys, np.int64), np.asarray(t, np.int64)
        h, n = self.history, len(keys)
        new = np.r_[True, keys[1:] != keys[:-1]] if n else np.zeros(0, bool)
        first = np.maximum.accumulate(np.where(new, np.arange(n), 0))  # trajectory's first row
        ends = np.flatnonzero(np.arange(n) - first >= h - 1)  # rows with h points ending there
        hist = np.asarray(xy, np.float64)[ends[:, None] - h + 1 + np.arange(h)]
        got = self.query(hist, np.full(len(ends), h), exclude=keys[ends])
        order = np.argsort(_pair(keys[ends], t[ends]), kind="stable")
        quality = np.stack([got.distance, got.spread], 1)[order]  # (Q, 2) metres
        self.table_ = (_pair(keys[ends], t[ends])[order], got.continuation[order], quality)
        return self

    def lookup(self, keys: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Precomputed continuations (Q, horizon, 2) of points (key, Unix time), their
        (distance, spread) (Q, 2) and whether each was found (Q,); rows not found are 0."""
        want = _pair(np.asarray(keys, np.int64), np.asarray(t, np.int64))
        cont, quality = np.zeros((len(want), self.horizon, 2)), np.zeros((len(want), 2))
        table_key, table_cont, table_quality = getattr(self, "table_", (np.zeros(0), None, None))
        if len(table_key) == 0:
            return cont, quality, np.zeros(len(want), bool)
        i = np.minimum(np.searchsorted(table_key, want), len(table_key) - 1)
        hit = table_key[i] == want
        cont[hit], quality[hit] = table_cont[i[hit]], table_quality[i[hit]]
        return cont, quality, hit

    # -- persistence ---------------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """One .npz (no pickle): parameters, features, continuations, trajectory keys; written
        to `path` exactly (np.savez alone would append .npz to another suffix)."""
        with open(path, "wb") as f:
            np.savez(f, features=self.features_, continuations=self.continuations_,
                     traj_keys=self.traj_keys_,
                     params=np.array([self.history, self.horizon, self.n_neighbors,
                                      AGGREGATES.index(self.aggregate)]))  # fmt: skip

    @classmethod
    def load(cls, path: str | Path) -> RetrievalIndex:
        with np.load(path, allow_pickle=False) as z:
            h, hz, k, agg = (int(v) for v in z["params"])
            index = cls(history=h, horizon=hz, n_neighbors=k, aggregate=AGGREGATES[agg])
            return index._set(z["features"], z["continuations"], z["traj_keys"])
