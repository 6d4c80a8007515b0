"""Strong, simple baselines for prediction and travel time (PROTOCOL.md); the recovery
baselines are in ``recovery_baselines.py`` and re-exported here.

Every baseline is a scikit-learn estimator (``BaseEstimator``: ``clone``, ``get_params`` and
grid search work): hyper-parameters in ``__init__``, ``fit(train_df) -> self`` (learned state
ends in ``_``), then ``predict(...)``. Geometry is done in local metres (``LocalProjection``);
the harness (``protocol.py``) converts to and from lat/lon and calls ``predict`` with arrays.

Users call the prediction and recovery baselines with a frame instead (any kind
``trajlm.data.coerce`` reads; ``trajlm.baselines`` re-exports them):
    ConstantVelocity().predict(df, steps=5)   # traj_id, step, t, lat, lon, std_m (NaN)
    LinearInterpolation().predict(df)         # rows with missing lat/lon filled, `recovered`
in the caller's kind, as ``TrajLM.predict`` / ``TrajLM.recover`` return them. A frame-level
prediction's times continue each trajectory's last sampling interval.

Array conventions (all float64):
    prediction  xy (N, T, 2) metres, right-padded; lengths (N,) real points per row (>= 2);
                t (N, T) and t_future (N, k) seconds (read by the [time] variants only);
                predict returns (N, k, 2) metres.
    recovery    see recovery_baselines.py.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from sklearn.base import BaseEstimator

from trajlm._arguments import COLUMN_KEYWORDS, check_keywords, check_steps, with_gap_rule
from trajlm.data.coerce import to_canonical
from trajlm.data.features import LocalProjection
from trajlm.data.retrieval import RetrievalIndex, TrainWindows, last_point, table_points
from trajlm.errors import ArgumentError, NotFittedError, TrajlmInputError
from trajlm.eval.dead_reckoning import DeadReckoning  # noqa: F401  (session 16)
from trajlm.eval.frames import PredictsFrames
from trajlm.eval.recovery_baselines import (
    CubicSplineInterpolation,
    GapSwitchedInterpolation,
    LinearInterpolation,
    RecoveryBaseline,
)

__all__ = [
    "TTE_FEATURES",
    "ConstantVelocity",
    "CubicSplineInterpolation",
    "DistanceOverMeanSpeed",
    "GapSwitchedInterpolation",
    "GradientBoostingTTE",
    "KNNContinuation",
    "LinearExtrapolation",
    "LinearInterpolation",
    "LinearRegressionTTE",
    "PredictionBaseline",
    "RecoveryBaseline",
    "od_features",
    "od_table",
]


def canonical_table(df: Any, **columns: Any) -> pl.DataFrame:
    """A canonical Polars table as is (the harness's path), anything else through coerce;
    ``columns``: traj_col=, time_col=, lat_col=, lon_col=, crs= as ``predict`` takes them."""
    canonical = isinstance(df, pl.DataFrame) and {"traj_id", "t", "lat", "lon"} <= set(df.columns)
    if canonical and not any(v is not None for v in columns.values()):
        return df
    return to_canonical(df, **with_gap_rule(columns))  # a vehicle's trips, as TrajLM reads


# ---------------------------------------------------------------------------- prediction


_last = last_point  # point `back` steps before the last real one of each row: (N, 2)


class PredictionBaseline(PredictsFrames, BaseEstimator):
    """The shared surface: ``predict`` dispatches a frame to the frame-level path; a subclass
    implements ``_extrapolate`` on arrays (module doc)."""

    def fit(self, train_df: Any = None, **columns: Any) -> PredictionBaseline:
        """Nothing to learn; ``columns`` (traj_col=, ...) are accepted as ``predict`` takes them."""
        return self

    def predict(
        self,
        xy: Any,
        lengths: np.ndarray | None = None,
        k: int = 5,
        t: np.ndarray | None = None,
        t_future: np.ndarray | None = None,
        *,
        steps: int | None = None,
        **columns: Any,
    ) -> Any:
        """A frame -> its next ``steps`` points per trajectory; arrays -> (N, k, 2) metres."""
        method = f"{type(self).__name__}.predict"
        self._check_fitted()
        if not isinstance(xy, np.ndarray):  # a frame: the user-facing path
            for key in ("at_times", "seconds_ahead"):
                if key in columns:
                    raise ArgumentError(f"{key} is not supported by {type(self).__name__}",
                                        hint="use steps=")  # fmt: skip
            check_keywords(method, columns, ("steps", *COLUMN_KEYWORDS))
            k = check_steps(k if steps is None else steps, method)
            return self._predict_frame(xy, k, columns)
        if lengths is None or xy.ndim != 3 or xy.shape[-1] != 2:
            raise TrajlmInputError(
                f"{method}: an array is read as the evaluation harness's batch (xy (N, T, 2) "
                f"metres with lengths (N,) and k), got shape {xy.shape} and lengths={lengths!r}",
                hint="give a DataFrame of points (traj_id, t, lat, lon; Polars, pandas or "
                "GeoPandas) for the frame path",
            )
        return self._extrapolate(xy, np.asarray(lengths), check_steps(k, method), t, t_future)

    def _check_fitted(self) -> None:
        """Nothing to fit (a subclass that learns raises NotFittedError before fit)."""

    def _extrapolate(
        self,
        xy: np.ndarray,
        lengths: np.ndarray,
        k: int,
        t: np.ndarray | None,
        t_future: np.ndarray | None,
    ) -> np.ndarray:
        raise NotImplementedError


class ConstantVelocity(PredictionBaseline):
    """Repeat the last displacement k times.

    ``use_time=False`` (default): one displacement per future step, needing no future
    timestamps. ``use_time=True``: last velocity in m/s times each target's time offset
    (``t_future``), the definition behind PROTOCOL.md's sanity values; on a fixed-rate feed
    (Porto) both agree, on irregular ones (thinned GeoLife) per-step is the stronger.
    """

    def __init__(self, use_time: bool = False) -> None:
        self.use_time = use_time

    @property
    def name(self) -> str:
        return "constant velocity" + (" [time]" if self.use_time else "")

    def _extrapolate(self, xy, lengths, k, t, t_future):
        return LinearExtrapolation(2, "last", self.use_time)._extrapolate(
            xy, lengths, k, t, t_future
        )


class LinearExtrapolation(PredictionBaseline):
    """Least-squares line through the last ``n_last`` points, continued k steps.

    Parameterisation: x and y are fit separately against point index (default) or, with
    ``use_time=True``, against time (then evaluated at the targets' timestamps ``t_future``).
    The line is continued from the last observed point (``anchor="last"``, default: it keeps
    the most informative observation and scores slightly better on both slices) or evaluated
    on the fitted line itself (``anchor="fit"``, the textbook reading). With n_last = 3 on
    index, the slope is (p[-1] - p[-3]) / 2, a noise-averaged constant velocity.
    """

    def __init__(self, n_last: int = 3, anchor: str = "last", use_time: bool = False) -> None:
        self.n_last = n_last
        self.anchor = anchor
        self.use_time = use_time

    @property
    def name(self) -> str:
        tags = [t for t, on in (("time", self.use_time), ("fit", self.anchor == "fit")) if on]
        return f"linear-{self.n_last}" + (f" [{', '.join(tags)}]" if tags else "")

    def fit(self, train_df: Any = None, **columns: Any) -> LinearExtrapolation:
        if self.n_last < 2 or self.anchor not in ("last", "fit"):
            raise TrajlmInputError("need n_last >= 2 and anchor in {'last', 'fit'}")
        return self

    def _extrapolate(self, xy, lengths, k, t, t_future):
        rows = np.arange(len(xy))
        idx = lengths[:, None] - self.n_last + np.arange(self.n_last)[None, :]  # (N, m)
        w = (idx >= 0).astype(np.float64)  # rows shorter than n_last use what they have
        idx = np.maximum(idx, 0)
        p = xy[rows[:, None], idx]  # (N, m, 2)
        if self.use_time:
            if t is None or t_future is None:
                raise ValueError("use_time=True needs the history times t and target times")
            t_last = np.asarray(t, np.float64)[rows, lengths - 1][:, None]
            s = np.asarray(t, np.float64)[rows[:, None], idx] - t_last  # (N, m), <= 0
            s_new = np.asarray(t_future, np.float64)[:, :k] - t_last  # (N, k)
        else:
            s = (idx - (lengths[:, None] - 1)).astype(np.float64)
            s_new = np.broadcast_to(np.arange(1.0, k + 1), (len(xy), k))
        n = w.sum(1, keepdims=True)
        s_mean = (w * s).sum(1, keepdims=True) / n  # (N, 1)
        p_mean = (w[..., None] * p).sum(1) / n  # (N, 2)
        ds = (s - s_mean) * w
        var = (ds**2).sum(1, keepdims=True)  # 0 for a 1-point history: no velocity to read
        slope = (ds[..., None] * (p - p_mean[:, None])).sum(1) / np.where(var > 0, var, 1.0)
        start = _last(xy, lengths) if self.anchor == "last" else p_mean - s_mean * slope
        return start[:, None] + slope[:, None] * s_new[..., None]


class KNNContinuation(PredictionBaseline):
    """Historical continuation: average what similar train histories did next.

    The library holds every window of ``history`` + ``horizon`` consecutive train points,
    expressed relative to the window's last history point and rotated so that its last
    displacement points east. A query is normalised the same way, its ``n_neighbors``
    nearest library histories (Euclidean in metres, so speed matters as well as shape) vote
    with the coordinate-wise median (``aggregate="median"``, robust to the odd neighbour that
    jumped across a GPS gap), the geometric median (``"geomedian"``, stork30: the point of least
    mean Euclidean error, which stays with a tight majority where half the neighbours stand and
    half leave in several directions) or the mean of their continuations, rotated back. Queries
    shorter than ``history`` fall back to constant velocity. Tune n_neighbors/history on val
    only. The index is ``trajlm.data.retrieval.RetrievalIndex`` (``index_``), shared with the
    model's retrieval residual base.
    """

    name = "kNN continuation"

    def __init__(
        self,
        n_neighbors: int = 10,
        history: int = 5,
        horizon: int = 5,
        aggregate: str = "median",
        max_windows: int = 300_000,
        random_state: int = 0,
    ) -> None:
        self.n_neighbors = n_neighbors
        self.history = history
        self.horizon = horizon
        self.aggregate = aggregate
        self.max_windows = max_windows
        self.random_state = random_state

    def fit(
        self, train_df: Any, projection: LocalProjection | None = None, **columns: Any
    ) -> KNNContinuation:
        """Index the train windows; ``columns`` name the frame's columns as for ``predict``
        (traj_col=, time_col=, lat_col=, lon_col=, crs=)."""
        train_df = canonical_table(train_df, **columns)
        projection = projection or LocalProjection.fit(train_df)
        return self.fit_points(*table_points(train_df, projection), projection)

    def fit_points(
        self,
        xy: np.ndarray | None,
        keys: np.ndarray | None,
        projection: LocalProjection,
        windows: TrainWindows | None = None,
    ) -> KNNContinuation:
        """``fit`` from the train points already projected (``retrieval.table_points``) and,
        optionally, their windows already cut (``train_windows``): a grid search on val
        prepares them once for all its cells (scale34); the index is the same. With
        ``windows`` the points are not read (xy, keys None: scale38)."""
        self.projection_ = projection
        self.index_ = self._new_index().fit(xy, keys, windows)
        self.n_windows_ = self.index_.n_windows_
        return self

    def _new_index(self) -> RetrievalIndex:
        return RetrievalIndex(
            history=self.history, horizon=self.horizon, n_neighbors=self.n_neighbors,
            aggregate=self.aggregate, max_windows=self.max_windows,
            random_state=self.random_state,
        )  # fmt: skip

    def _check_fitted(self) -> None:
        if not hasattr(self, "index_"):
            raise NotFittedError(
                f"this {type(self).__name__} is not fitted yet",
                hint="call fit(train) first (it indexes the train windows)",
            )

    def _extrapolate(self, xy, lengths, k, t, t_future):
        if k > self.horizon:
            raise TrajlmInputError(
                f"{type(self).__name__} was fitted for horizon {self.horizon}, asked for {k} steps",
                field="steps",
                hint=f"ask for <= {self.horizon} steps, or fit with horizon={k}",
            )
        out = ConstantVelocity()._extrapolate(xy, lengths, k, None, None)
        # n_neighbors is read at predict time so that tuning needs no refit
        got = self.index_.query(xy, lengths, k, n_neighbors=self.n_neighbors)
        ok = got.found
        out[ok] = _last(xy[ok], lengths[ok])[:, None] + got.continuation[ok]
        return out


# travel time: tte_baselines.py (re-exported: every old import path keeps working)
from trajlm.eval.tte_baselines import (  # noqa: E402
    TTE_FEATURES,
    DistanceOverMeanSpeed,
    GradientBoostingTTE,
    LinearRegressionTTE,
    few_threads,  # noqa: F401  (tte_retrieval.py reads it as B.few_threads)
    od_features,
    od_table,
    tte_matrix,  # noqa: F401
)
