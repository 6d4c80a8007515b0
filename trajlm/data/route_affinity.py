"""Route-affinity features of a segment: how close it runs to train segments of each class
(issue 15, transport modes; the retrieval lever of docs/candidates.md applied to modes).

Rail and bus run on fixed lines, cars on roads, bikes elsewhere, so *where* a segment runs says
something its speed profile does not. From the TRAIN segments only (``fit``):

- a point index per class (scipy cKDTree on earth-centred metric coordinates, so a metre is a
  metre anywhere; points de-duplicated to one per ``voxel_m`` cube per segment);
- a shape+place index: every train segment resampled to ``n_shape`` points evenly along its
  path (forward and reversed: bus lines run both ways).

For a segment (``transform``), per class c: the fraction of its points within each radius of
``radii_m`` of a train point of class c, and the mean log1p nearest distance (capped at
``max_dist_m``); then the distance-weighted label vote of its ``k`` nearest train segments by
shape+place and the log1p distance to the nearest one.

Leak guard: a query never sees the train segment it is (same segment id), nor any train segment
of the same user whose time span lies within ``exclude_gap_s`` seconds of its own (the legs of
the same trip; the same user's later commute is still visible). The rule is the same for every
row -- train, val and test -- so train rows see the index as test rows do (a test row's own
label is never in the index). Features read ``traj_id, t, lat, lon`` (+ ``user_id`` for the
guard); ``label`` only in ``fit``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

EARTH_R_M = 6_371_008.8


def ecef_m(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """(N, 3) earth-centred coordinates in metres (chord = great-circle distance at < 10 km)."""
    la, lo = np.radians(lat), np.radians(lon)
    c = np.cos(la)
    return EARTH_R_M * np.stack([c * np.cos(lo), c * np.sin(lo), np.sin(la)], axis=1)


@dataclass
class _Segs:
    """Per-segment arrays of a sorted segment table (rows in sorted segment-id order)."""

    ids: np.ndarray  # (S,) segment ids
    start: np.ndarray  # (S + 1,) offsets into the point arrays
    xyz: np.ndarray  # (P, 3) points, metres
    user: np.ndarray  # (S,) user ids (str; "" when the table has none)
    t0: np.ndarray  # (S,) first time, s
    t1: np.ndarray  # (S,) last time, s
    own: np.ndarray | None = None  # (S,) index of the same segment in the train index, or -1
    user_code: np.ndarray | None = None  # (S,) train user code; -1 (unknown) / -2 (no user)


def _segments(df: pl.DataFrame) -> _Segs:
    df = df.sort(["traj_id", "t"])
    g = df.group_by("traj_id", maintain_order=True).agg(
        pl.len().alias("n"),
        pl.col("t").min().alias("t0"),
        pl.col("t").max().alias("t1"),
        (pl.col("user_id").first().cast(pl.Utf8) if "user_id" in df.columns else pl.lit(""))
        .alias("user"),
    )  # fmt: skip
    start = np.concatenate([[0], np.cumsum(g["n"].to_numpy())]).astype(np.int64)
    xyz = ecef_m(df["lat"].to_numpy(), df["lon"].to_numpy())
    return _Segs(g["traj_id"].to_numpy().astype(str), start, xyz,
                 g["user"].fill_null("").to_numpy().astype(str),
                 g["t0"].to_numpy().astype(np.float64), g["t1"].to_numpy().astype(np.float64))  # fmt: skip


def _resample(xyz: np.ndarray, n: int) -> np.ndarray:
    """(n, 3) points evenly spaced along the path's arc length."""
    d = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(xyz, axis=0), axis=1))])
    if d[-1] <= 0:
        return np.repeat(xyz[:1], n, axis=0)
    s = np.linspace(0.0, d[-1], n)
    return np.stack([np.interp(s, d, xyz[:, j]) for j in range(3)], axis=1)


class RouteAffinity:
    """Route-affinity features from an index of train segments: ``fit(train)``, then
    ``transform(segments) -> (X (N, F), names)`` in sorted segment-id order."""

    def __init__(
        self,
        radii_m: tuple[float, ...] = (50.0, 150.0),
        max_dist_m: float = 2000.0,
        k: int = 10,
        n_shape: int = 8,
        n_query: int = 48,
        voxel_m: float = 10.0,
        exclude_gap_s: float = 86_400.0,  # the same user within a day: chosen on val (modes.md)
        k_search: int = 64,
    ) -> None:
        if not radii_m or min(radii_m) <= 0 or max_dist_m <= max(radii_m):
            raise ValueError(
                f"radii_m must be > 0 and below max_dist_m; got {radii_m}, {max_dist_m}"
            )
        if k < 1 or n_shape < 2 or n_query < 1 or exclude_gap_s < 0:
            raise ValueError("k >= 1, n_shape >= 2, n_query >= 1 and exclude_gap_s >= 0 needed")
        self.radii_m, self.max_dist_m, self.k, self.n_shape = tuple(radii_m), max_dist_m, k, n_shape
        self.n_query, self.voxel_m, self.exclude_gap_s = n_query, voxel_m, exclude_gap_s
        self.k_search = max(k_search, k)

    def get_params(self) -> dict:
        return {"radii_m": list(self.radii_m), "max_dist_m": self.max_dist_m, "k": self.k,
                "n_shape": self.n_shape, "n_query": self.n_query, "voxel_m": self.voxel_m,
                "exclude_gap_s": self.exclude_gap_s, "k_search": self.k_search}  # fmt: skip

    # ------------------------------------------------------------------------------ fit
    def fit(self, train: pl.DataFrame) -> RouteAffinity:
        """Index the train segments (a table with a per-point ``label`` of constant class)."""
        from scipy.spatial import cKDTree

        if "label" not in train.columns or train.is_empty():
            raise ValueError("RouteAffinity.fit needs non-empty train segments with a `label`")
        s = self.train_ = _segments(train)
        self.users_ = {u: i for i, u in enumerate(sorted(set(s.user.tolist()) - {""}))}
        self._codes(s)
        lab = train.sort(["traj_id", "t"]).group_by("traj_id", maintain_order=True).agg(
            pl.col("label").first())["label"].to_numpy().astype(str)  # fmt: skip
        self.classes_ = sorted(set(lab.tolist()))
        self.seg_label_ = np.searchsorted(self.classes_, lab)  # (S,) class index
        n_seg = len(s.ids)
        seg_of_point = np.repeat(np.arange(n_seg), np.diff(s.start))
        # one point per voxel per segment: a bus waiting at a stop is one point, not forty
        vox = np.floor(s.xyz / self.voxel_m).astype(np.int64)
        _, keep = np.unique(np.column_stack([seg_of_point, vox]), axis=0, return_index=True)
        keep = np.sort(keep)
        self.trees_, self.tree_seg_ = [], []
        for c in range(len(self.classes_)):
            kc = keep[self.seg_label_[seg_of_point[keep]] == c]
            self.trees_.append(cKDTree(s.xyz[kc]) if len(kc) else None)
            self.tree_seg_.append(seg_of_point[kc])
        shapes = np.stack([_resample(s.xyz[a:b], self.n_shape).ravel()
                           for a, b in zip(s.start[:-1], s.start[1:], strict=True)])  # fmt: skip
        rev = shapes.reshape(n_seg, self.n_shape, 3)[:, ::-1].reshape(n_seg, -1)
        self.shape_tree_ = cKDTree(np.concatenate([shapes, rev]))
        self.shape_seg_ = np.concatenate([np.arange(n_seg), np.arange(n_seg)])
        self.n_train_ = n_seg
        return self

    @property
    def feature_names(self) -> list[str]:
        names = []
        for c in self.classes_:
            names += [f"route_{c}_within{int(r)}m" for r in self.radii_m]
            names.append(f"route_{c}_log_dist")
        return names + [f"route_knn_{c}" for c in self.classes_] + ["route_knn_log_dist"]

    # ------------------------------------------------------------------------- transform
    def _excluded(self, q_seg: np.ndarray, t_seg: np.ndarray, q: _Segs) -> np.ndarray:
        """(n, k) True where train segment ``t_seg`` is hidden from query segment ``q_seg``."""
        tr = self.train_
        t = np.clip(t_seg, 0, self.n_train_ - 1)
        own, user = q.own[q_seg][:, None], q.user_code[q_seg][:, None]  # (n, 1) int codes
        gap = np.maximum(tr.t0[t] - q.t1[q_seg][:, None], q.t0[q_seg][:, None] - tr.t1[t])
        return (t == own) | ((tr.user_code[t] == user) & (gap <= self.exclude_gap_s))

    def _codes(self, q: _Segs) -> None:
        """Integer codes for the leak guard (string compares on (n, k) arrays are slow)."""
        index = {sid: i for i, sid in enumerate(self.train_.ids.tolist())}
        q.own = np.array([index.get(sid, -1) for sid in q.ids.tolist()], dtype=np.int64)
        q.user_code = np.array([-2 if u == "" else self.users_.get(u, -1) for u in q.user.tolist()],
                               dtype=np.int64)  # fmt: skip

    def _nearest(self, tree, tree_seg, pts, q_seg, q, k, cap) -> tuple[np.ndarray, np.ndarray]:
        """Distances (n, k) to the nearest visible indexed items (inf: none within the cap)
        and their train-segment ids (n, k); re-asks with a larger k where all were hidden."""
        n = len(pts)
        dist = np.full((n, k), np.inf)
        seg = np.full((n, k), -1)
        if tree is None or n == 0:
            return dist, seg
        todo, kk = np.arange(n), min(self.k_search, tree.n)
        while len(todo):
            d, i = tree.query(pts[todo], k=kk, distance_upper_bound=cap)
            d, i = d.reshape(len(todo), kk), i.reshape(len(todo), kk)
            s = np.where(i < tree.n, tree_seg[np.minimum(i, tree.n - 1)], -1)
            hidden = (s < 0) | self._excluded(q_seg[todo], s, q)
            d = np.where(hidden, np.inf, d)
            order = np.argsort(d, axis=1, kind="stable")[:, :k]
            d, s = np.take_along_axis(d, order, 1), np.take_along_axis(s, order, 1)
            # retry rows with fewer than k visible items whose search was not exhausted
            short = ~np.isfinite(d[:, -1]) & np.isfinite(np.where(i < tree.n, 1.0, np.inf)[:, -1])
            done = ~short | (kk >= tree.n)
            dist[todo[done]], seg[todo[done]] = d[done], s[done]
            todo, kk = todo[~done], min(kk * 8, tree.n)
        return dist, seg

    def transform(self, segments: pl.DataFrame) -> tuple[np.ndarray, list[str]]:
        """(X (N, F) float64, names): route features per segment, sorted segment-id order."""
        if not hasattr(self, "trees_"):
            raise ValueError("RouteAffinity: call fit(train) before transform")
        q = _segments(segments)
        self._codes(q)
        n_seg = len(q.ids)
        K = len(self.classes_)
        if n_seg == 0:
            return np.zeros((0, len(self.feature_names))), self.feature_names
        # up to n_query evenly spaced points per segment
        idx = [np.unique(np.linspace(a, b - 1, min(self.n_query, b - a)).round().astype(int))
               for a, b in zip(q.start[:-1], q.start[1:], strict=True)]  # fmt: skip
        q_seg = np.concatenate([np.full(len(ix), j) for j, ix in enumerate(idx)])
        pts = q.xyz[np.concatenate(idx)]
        cnt = np.bincount(q_seg, minlength=n_seg).astype(np.float64)
        cols = []
        for c in range(K):
            d, _ = self._nearest(
                self.trees_[c], self.tree_seg_[c], pts, q_seg, q, 1, self.max_dist_m
            )
            d = d[:, 0]
            for r in self.radii_m:
                cols.append(np.bincount(q_seg, weights=(d <= r), minlength=n_seg) / cnt)
            ld = np.log1p(np.minimum(d, self.max_dist_m))
            cols.append(np.bincount(q_seg, weights=ld, minlength=n_seg) / cnt)
        shapes = np.stack([_resample(q.xyz[a:b], self.n_shape).ravel()
                           for a, b in zip(q.start[:-1], q.start[1:], strict=True)])  # fmt: skip
        # shape distance = RMS over the resampled points; the cap scales with sqrt(n_shape)
        scale = np.sqrt(self.n_shape)
        d, s = self._nearest_shapes(shapes, q, scale)
        w = np.where(np.isfinite(d), 1.0 / (d / scale + 50.0), 0.0)  # 50 m: GPS noise floor
        vote = np.zeros((n_seg, K))
        lab = np.where(s >= 0, self.seg_label_[np.maximum(s, 0)], 0)
        for c in range(K):
            vote[:, c] = (w * (lab == c)).sum(1)
        tot = vote.sum(1, keepdims=True)
        vote = np.where(tot > 0, vote / np.maximum(tot, 1e-12), 1.0 / K)
        near = np.log1p(np.minimum(np.where(np.isfinite(d[:, 0]), d[:, 0] / scale, np.inf),
                                   self.max_dist_m))  # fmt: skip
        X = np.column_stack([*cols, vote, near])
        return X, self.feature_names

    def _nearest_shapes(self, shapes: np.ndarray, q: _Segs, scale: float):
        """k nearest visible train segments by shape+place: (distances, segment ids), (N, k);
        a train segment found both ways round counts once (its nearer direction)."""
        q_seg = np.arange(len(shapes))  # no distance cap in shape space
        d, s = self._nearest(self.shape_tree_, self.shape_seg_, shapes, q_seg, q,
                             min(2 * self.k, self.shape_tree_.n), np.inf)  # fmt: skip
        out_d, out_s = np.full((len(shapes), self.k), np.inf), np.full((len(shapes), self.k), -1)
        for j in range(len(shapes)):  # drop the farther direction of a segment found twice
            _, first = np.unique(s[j], return_index=True)
            first = np.sort(first[s[j][first] >= 0])[: self.k]
            out_d[j, : len(first)], out_s[j, : len(first)] = d[j, first], s[j, first]
        return out_d, out_s
