"""Retrieval features for travel time (issue 15, session 8; docs/travel-time.md).

The lever that won next-point prediction (docs/candidates.md) was retrieval from the train
trips. Here it is turned into a few columns of the O-D table, so that any travel-time regressor
(gradient boosting, the residual head of ``tte_residual``) can read them:

- ``nn_log_dur``   median log duration of the k train trips nearest in (origin, destination)
- ``nn_log_pace``  log of this query's distance times the neighbours' median pace (s / m)
- ``nn_log_gap``   log1p of the mean O-D distance (m) to those neighbours: how much to trust them
- ``sub_log_dur``  median log elapsed time of the train trajectories that pass within
                   ``radius_m`` of the origin and *later* within ``radius_m`` of the
                   destination (sub-trip retrieval; falls back to ``nn_log_pace`` when none)
- ``sub_log_n``    log1p of how many trajectories matched

A training row never retrieves its own trip (``transform(train_od, exclude=traj ids)``), so the
features of the rows a model is fitted on look like those of a new query (leave-one-out).
Only the protocol's query (origin, destination, departure) of the *new* trip is read; the routes
read are those of the train split.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.spatial import cKDTree

from trajlm.errors import UserError
from trajlm.eval import baselines as B

NN_COLUMNS = ("nn_log_dur", "nn_log_pace", "nn_log_gap")
SUB_COLUMNS = ("sub_log_dur", "sub_log_n")
MIN_DIST_M = 50.0  # the pace of a trip shorter than this is mostly waiting, not moving


def _metres(lat: np.ndarray, lon: np.ndarray, lat0: float) -> np.ndarray:
    """(N, 2) equirectangular metres about lat0 (neighbour search only; < 0.1 % error in a city)."""
    k = 111_195.0
    return np.stack([np.asarray(lat, np.float64) * k,
                     np.asarray(lon, np.float64) * k * np.cos(np.radians(lat0))], 1)  # fmt: skip


class RetrievalFeatures:
    """Fitted on the train split's points; ``transform(od)`` adds the retrieval columns.

    ``k``: O-D neighbours; ``radius_m``: how near a train trajectory must pass to the origin
    and to the destination to count as a sub-trip observation; ``subtrip=False`` skips it.
    """

    def __init__(self, k: int = 10, radius_m: float = 200.0, subtrip: bool = True) -> None:
        self.k, self.radius_m, self.subtrip = k, radius_m, subtrip

    @property
    def columns(self) -> tuple[str, ...]:
        return NN_COLUMNS + SUB_COLUMNS * self.subtrip

    def fit(self, points: pl.DataFrame) -> RetrievalFeatures:
        """``points``: the train split's point table (traj_id, t, lat, lon)."""
        if not isinstance(points, pl.DataFrame) or not {"traj_id", "t", "lat", "lon"} <= set(
            points.columns
        ):
            raise UserError("retrieval features: fit needs the train point table "
                            "(traj_id, t, lat, lon)")  # fmt: skip
        from trajlm.eval.protocol import make_tte_task  # the task's own O-D rows

        od = make_tte_task(points)
        if len(od) <= self.k:
            raise UserError(f"retrieval features: {len(od)} train trips for k={self.k}")
        self.lat0_ = float(od["o_lat"].mean())
        self.traj_ = od["traj_id"].to_numpy()
        self.od_xy_ = self._od_xy(od)
        self.log_dur_ = np.log(od["duration_s"].to_numpy().astype(np.float64))
        dist = np.maximum(od["distance_m"].to_numpy().astype(np.float64), MIN_DIST_M)
        self.log_pace_ = self.log_dur_ - np.log(dist)
        self.od_tree_ = cKDTree(self.od_xy_)
        if self.subtrip:  # every train point, with its trip's row in od (and its time)
            pts = points.filter(pl.col("traj_id").is_in(od["traj_id"].implode())).sort(
                ["traj_id", "t"]
            )
            row = {tid: i for i, tid in enumerate(self.traj_)}
            self.pt_row_ = np.array([row[t] for t in pts["traj_id"].to_list()], np.int64)
            self.pt_t_ = pts["t"].to_numpy().astype(np.float64)
            self.pt_tree_ = cKDTree(_metres(pts["lat"].to_numpy(), pts["lon"].to_numpy(),
                                            self.lat0_))  # fmt: skip
        return self

    def _od_xy(self, od: pl.DataFrame) -> np.ndarray:
        o = _metres(od["o_lat"].to_numpy(), od["o_lon"].to_numpy(), self.lat0_)
        d = _metres(od["d_lat"].to_numpy(), od["d_lon"].to_numpy(), self.lat0_)
        return np.c_[o, d]

    def transform(self, od: pl.DataFrame, exclude: np.ndarray | None = None) -> pl.DataFrame:
        """``od`` with the retrieval columns added. ``exclude``: (N,) traj ids; row i never
        retrieves the train trip with id exclude[i] (pass od["traj_id"] for the train rows)."""
        if not hasattr(self, "od_tree_"):
            raise UserError("RetrievalFeatures: call fit(train_points) before transform")
        q = self._od_xy(od)
        ex_row = self._rows_of(exclude, len(od))
        # k + 1 neighbours, then drop the excluded trip (or the farthest when it is not among them)
        gap, idx = self.od_tree_.query(q, k=self.k + 1)
        keep = idx != ex_row[:, None]
        keep[keep.all(1), -1] = False
        idx, gap = idx[keep].reshape(len(od), self.k), gap[keep].reshape(len(od), self.k)
        dist = np.maximum(od["distance_m"].to_numpy().astype(np.float64), MIN_DIST_M)
        cols = {"nn_log_dur": np.median(self.log_dur_[idx], 1),
                "nn_log_pace": np.log(dist) + np.median(self.log_pace_[idx], 1),
                "nn_log_gap": np.log1p(gap.mean(1))}  # fmt: skip
        if self.subtrip:
            sub, n = self._subtrips(q, ex_row)
            cols["sub_log_dur"] = np.where(n > 0, sub, cols["nn_log_pace"])
            cols["sub_log_n"] = np.log1p(n)
        return od.with_columns(pl.Series(c, v) for c, v in cols.items())

    def _rows_of(self, exclude: np.ndarray | None, n: int) -> np.ndarray:
        """(n,) the train row to exclude per query, -1 for none."""
        if exclude is None:
            return np.full(n, -1, np.int64)
        row = {tid: i for i, tid in enumerate(self.traj_)}
        return np.array([row.get(t, -1) for t in np.asarray(exclude).tolist()], np.int64)

    def _subtrips(self, q: np.ndarray, ex_row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(median log elapsed seconds, number of trajectories) per query: for each train
        trajectory with a point within radius of the origin and a later one within radius of
        the destination, the time between its point nearest the origin and its point nearest
        the destination after that, scaled by the query's O-D distance over the matched
        points' (the matched points can sit up to a radius off each end)."""
        r, xy = self.radius_m, self.pt_tree_.data
        near_o = self.pt_tree_.query_ball_point(q[:, :2], r)
        near_d = self.pt_tree_.query_ball_point(q[:, 2:], r)
        q_dist = np.maximum(np.hypot(*(q[:, 2:] - q[:, :2]).T), MIN_DIST_M)
        med, cnt = np.zeros(len(q)), np.zeros(len(q), np.int64)
        o_pt = np.full(len(self.traj_), -1, np.int64)  # per train row: its point nearest o
        for i, (io, id_) in enumerate(zip(near_o, near_d, strict=True)):
            if not io or not id_:
                continue
            io, id_ = np.asarray(io), np.asarray(id_)
            # per trajectory, the point nearest the origin (sorted by distance, first per trip)
            io = io[np.argsort(np.hypot(*(xy[io] - q[i, :2]).T), kind="stable")]
            rows_o, first = np.unique(self.pt_row_[io], return_index=True)
            o_pt[rows_o] = io[first]
            id_ = id_[np.argsort(np.hypot(*(xy[id_] - q[i, 2:]).T), kind="stable")]
            rows_d, op = self.pt_row_[id_], o_pt[self.pt_row_[id_]]
            ok = (op >= 0) & (self.pt_t_[id_] > self.pt_t_[op]) & (rows_d != ex_row[i])
            rows_u, first_d = np.unique(rows_d[ok], return_index=True)
            if len(rows_u):
                d_pt, o_pts = id_[ok][first_d], o_pt[rows_u]
                elapsed = self.pt_t_[d_pt] - self.pt_t_[o_pts]
                span = np.maximum(np.hypot(*(xy[d_pt] - xy[o_pts]).T), MIN_DIST_M)
                med[i] = np.median(np.log(elapsed / span)) + np.log(q_dist[i])
                cnt[i] = len(rows_u)
            o_pt[rows_o] = -1  # reset for the next query
        return med, cnt


class GBExtraTTE(B.GradientBoostingTTE):
    """The harness's gradient boosting (same settings, log target) on the protocol's features
    plus ``extra`` columns of the O-D table (e.g. ``RetrievalFeatures.columns``): the
    "GB + neighbour features" baseline, and a stronger base for the residual head."""

    name = "gradient boosting + retrieval"

    def __init__(self, extra: tuple[str, ...] = NN_COLUMNS + SUB_COLUMNS, max_iter: int = 200,
                 learning_rate: float = 0.05, log_target: bool = True,
                 random_state: int = 0) -> None:  # fmt: skip
        super().__init__(max_iter, learning_rate, log_target, random_state)
        self.extra = extra

    def _x(self, od: pl.DataFrame) -> np.ndarray:
        missing = [c for c in self.extra if c not in od.columns]
        if missing:
            raise UserError(f"{self.name}: the O-D table lacks {', '.join(missing)}",
                            hint="add them with RetrievalFeatures.transform")  # fmt: skip
        return np.c_[B.tte_matrix(od), od.select(self.extra).to_numpy().astype(np.float64)]

    def fit(self, train_df: pl.DataFrame) -> GBExtraTTE:
        od = train_df.filter(pl.col("duration_s") > 0)
        y = od["duration_s"].to_numpy().astype(np.float64)
        with B.few_threads(len(od)):
            self.model_ = self._make().fit(self._x(od), np.log(y) if self.log_target else y)
        return self

    def predict(self, od: pl.DataFrame) -> np.ndarray:
        with B.few_threads(len(od)):
            y = self.model_.predict(self._x(od))
        return np.exp(y) if self.log_target else np.maximum(y, 1.0)
