"""The travel-time baselines (PROTOCOL.md), split out of ``baselines.py`` (session 16) and
re-exported there: an O-D table's features, distance / mean speed, linear regression and
gradient boosting, each a scikit-learn estimator (``fit(train_df) -> self``, ``predict(od)``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from sklearn.base import BaseEstimator

from trajlm._arguments import with_gap_rule
from trajlm.data.coerce import coerce
from trajlm.data.features import median_lon
from trajlm.data.local_clock import known_clock, wall_clock
from trajlm.data.longitude import near_lon
from trajlm.eval.metrics import haversine


def _table(df: Any, **columns: Any) -> tuple[pl.DataFrame, np.ndarray | None]:
    """A canonical Polars table as is, anything else through coerce (as baselines.canonical_table), and
    the order of its trajectories in an answer given as arrays (task_frames.task_frame_order:
    a vehicle's pieces in time order; None: the ids' text order)."""
    canonical = isinstance(df, pl.DataFrame) and {"traj_id", "t", "lat", "lon"} <= set(df.columns)
    if canonical and not any(v is not None for v in columns.values()):
        return df, None
    import inspect

    from trajlm._arguments import check_keywords
    from trajlm.data.coerce_pieces import piece_order
    from trajlm.data.geoframes import CARRIED
    from trajlm.tasks.task_frames import said_for_arrays

    # badin27: predict(frame, colour=...) was coerce()'s TypeError
    internal = ("obj", "validate", "source", "warn_naive", "repeats")
    options = [p for p in inspect.signature(coerce).parameters if p not in internal]
    check_keywords("fit / predict", columns, [*options, "split_gaps"])
    with said_for_arrays("trajlm.to_canonical(df, split_gaps=True)"):  # a van's trips (pieces22)
        table, layout = coerce(df, **with_gap_rule(columns))  # as to_canonical, with the layout
    return table.drop(CARRIED, strict=False), piece_order(table["traj_id"].unique().sort(), layout)


# --------------------------------------------------------------------------- travel time

TTE_FEATURES = ("distance_m", "o_lat", "o_lon", "d_lat", "d_lon", "hour", "dow")


def od_table(df: pl.DataFrame) -> pl.DataFrame:
    """One row per trajectory: origin/destination lat/lon, t_start, duration_s and features.

    ``hour`` (0-23) and ``dow`` (Mon = 0) are UTC (the regressors read them on their ``tz``'s
    clock: ``local_clock``); ``distance_m`` is the haversine O-D distance.
    """
    od = (
        df.sort(["traj_id", "t"])
        .group_by("traj_id", maintain_order=True)
        .agg(
            pl.col("lat").first().alias("o_lat"),
            pl.col("lon").first().alias("o_lon"),
            pl.col("lat").last().alias("d_lat"),
            pl.col("lon").last().alias("d_lon"),
            pl.col("t").first().alias("t_start"),
            (pl.col("t").last() - pl.col("t").first()).alias("duration_s"),
        )
    )
    return od_features(od)


def od_features(od: pl.DataFrame) -> pl.DataFrame:
    """An O-D table (o_lat, o_lon, d_lat, d_lon, t_start) with TTE_FEATURES added."""
    return od.with_columns(
        pl.Series(
            "distance_m",
            haversine(od["o_lat"].to_numpy(), od["o_lon"].to_numpy(), od["d_lat"], od["d_lon"]),
        ),
        ((pl.col("t_start") % 86400) // 3600).alias("hour"),
        ((pl.col("t_start") // 86400 + 3) % 7).alias("dow"),  # 1970-01-01 was a Thursday
    )


def local_clock(od: pl.DataFrame, tz: str | float | None) -> pl.DataFrame:
    """``od`` with ``hour`` / ``dow`` read off ``t_start`` on the clock of ``tz``: an IANA zone
    name (daylight time followed) or a fixed UTC offset in seconds; None (or no ``t_start``):
    as given (UTC). A trip at 08:00 in Chicago is hour 8, not 13 or 14 (newuser28)."""
    if tz is None or "t_start" not in od.columns or not len(od):
        return od
    start = pl.from_epoch(od["t_start"], time_unit="s")
    if isinstance(tz, str):  # a zone name or a store's fixed "+03:30" (data/local_clock.py)
        start = wall_clock(start, tz)
    else:
        start = start.dt.offset_by(f"{int(tz)}s")  # a fixed offset (--utc-offset)
    return od.with_columns(
        start.dt.hour().cast(od["hour"].dtype if "hour" in od.columns else pl.Int64).alias("hour"),
        (start.dt.weekday() - 1)
        .cast(od["dow"].dtype if "dow" in od.columns else pl.Int64)
        .alias("dow"),  # Mon = 0
    )


def zone_of(estimator: Any, columns: dict[str, Any]) -> str | float | None:
    """The clock an estimator's ``hour`` / ``dow`` read: its ``tz`` parameter, else the ``tz=``
    its frame was read with (naive local times placed in that zone are on that clock), or
    its ``utc_offset=`` hours as seconds (leftover35)."""
    tz = getattr(estimator, "tz", None)
    if tz is None and columns.get("utc_offset") is not None:
        return check_clock(float(columns["utc_offset"]) * 3600)
    return check_clock(tz) if tz is not None else columns.get("tz")


MAX_OFFSET_S = 14 * 3600  # UTC offsets in use run from -12 h to +14 h


def check_clock(tz: Any) -> str | float:
    """``tz`` as ``local_clock`` reads it, or one TrajlmInputError line (badin28: a zone polars
    does not know was its ComputeError traceback at fit, NaN "cannot convert float NaN to
    integer", a list a TypeError; '', True and 1e12 s were read without a word)."""
    from trajlm.errors import TrajlmInputError

    if isinstance(tz, str) and tz.strip():
        if not known_clock(tz):
            raise TrajlmInputError(f"tz={tz!r}: not a time zone name (e.g. 'America/Chicago') "
                                   "nor a UTC offset like '+02:00'", field="tz")  # fmt: skip
        return tz
    if (isinstance(tz, int | float) and not isinstance(tz, bool) and np.isfinite(tz)
            and abs(tz) <= MAX_OFFSET_S):  # fmt: skip
        return tz
    raise TrajlmInputError(f"tz={tz!r}: give a time zone name (e.g. 'America/Chicago') or a UTC "
                           f"offset in seconds within +-{MAX_OFFSET_S} (e.g. 7200)", field="tz")  # fmt: skip


def _od(df: Any, **columns: Any) -> pl.DataFrame:
    """Accept an O-D table or a point table (canonical, or any frame coerce reads)."""
    if isinstance(df, pl.DataFrame) and "distance_m" in df.columns:
        return df
    table, order = _table(df, **columns)
    od = od_table(table)  # one row per trajectory, ids sorted as text
    return od if order is None else od[order]  # a vehicle's pieces in time order (tidy23)


def tte_matrix(
    od: pl.DataFrame, lon0: float | None = None, tz: str | float | None = None
) -> np.ndarray:
    x = local_clock(od, tz).select(TTE_FEATURES).to_numpy().astype(np.float64)
    if lon0 is not None:  # o_lon, d_lon about the train centre: 179.9 E and 179.9 W are near
        x[:, [2, 4]] = near_lon(x[:, [2, 4]], lon0)  # (ships24), bit for bit elsewhere
    # log distance lets a linear model bend (short trips are slower per metre); GBM ignores it
    return np.c_[x, np.log1p(x[:, 0])]


def _fitted(estimator: Any, attribute: str) -> None:
    """scikit-learn's NotFittedError before ``fit`` (badin27: an AttributeError on
    ``speed_mps_``)."""
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(estimator, attribute)


def _columns(estimator: Any, given: dict[str, Any]) -> dict[str, Any]:
    """The column options for ``predict``: those given, else those ``fit`` read its frame by
    (a frame of points read like the train frame: newuser27's ``predict(frame, traj_col=...)``
    was a TypeError, and without them the trips' own id column was not found)."""
    return given or dict(getattr(estimator, "columns_", None) or {})


class _Regressor(BaseEstimator):
    """Shared fit/predict for the feature-based travel-time regressors.

    With ``log_target=True`` the model fits log(duration): errors become relative, which is
    what MAPE measures, and one long trip no longer dominates the squared loss (on both
    slices this lowers MAE as well as MAPE). ``tz`` (an IANA name or a UTC offset in seconds):
    the clock ``hour`` / ``dow`` are read on; None: the ``tz=`` ``fit``'s frame was read with,
    else UTC.
    """

    log_target: bool
    tz: str | float | None = None

    def _make(self):
        raise NotImplementedError

    def fit(self, train_df: Any, **columns: Any):
        self.columns_ = columns  # predict reads its frames by the same columns (newuser27)
        self.tz_ = zone_of(self, columns)  # hour / dow on the data's own clock (newuser28)
        od = _od(train_df, **columns).filter(pl.col("duration_s") > 0)
        y = od["duration_s"].to_numpy().astype(np.float64)
        self.lon0_ = median_lon(np.r_[od["o_lon"].to_numpy(), od["d_lon"].to_numpy()])
        x = tte_matrix(od, self.lon0_, self.tz_)
        with few_threads(len(od)):
            self.model_ = self._make().fit(x, np.log(y) if self.log_target else y)
        return self

    def predict(self, od: Any, **columns: Any) -> np.ndarray:
        """Durations (s) of an O-D table's rows or of each trajectory of a point frame, read
        by ``columns`` (default: those ``fit`` was given)."""
        _fitted(self, "model_")
        od = _od(od, **_columns(self, columns))
        with few_threads(len(od)):
            y = self.model_.predict(
                tte_matrix(od, getattr(self, "lon0_", None), getattr(self, "tz_", None))
            )
        return np.exp(y) if self.log_target else np.maximum(y, 1.0)  # durations are positive


def few_threads(n_rows: int):
    """One OpenMP thread below 20k rows: HistGradientBoosting's per-iteration thread barriers
    cost more than they save on small tables, and on a busy machine they stall (25 s vs 0.8 s
    measured for 800 rows on 2 loaded cores)."""
    from contextlib import nullcontext

    from threadpoolctl import threadpool_limits

    return threadpool_limits(1) if n_rows < 20_000 else nullcontext()


class DistanceOverMeanSpeed(BaseEstimator):
    """Duration = O-D haversine distance / mean train speed.

    The mean speed is pooled (total O-D distance / total duration over train trips), which a
    few near-zero-duration trips cannot dominate the way a mean of per-trip speeds can.
    """

    name = "distance / mean speed"

    def fit(self, train_df: Any, **columns: Any) -> DistanceOverMeanSpeed:
        self.columns_ = columns
        od = _od(train_df, **columns).filter(pl.col("duration_s") > 0)
        self.speed_mps_ = float(od["distance_m"].sum() / od["duration_s"].sum())
        return self

    def predict(self, od: Any, **columns: Any) -> np.ndarray:
        _fitted(self, "speed_mps_")
        return _od(od, **_columns(self, columns))["distance_m"].to_numpy() / max(
            self.speed_mps_, 1e-6
        )


class LinearRegressionTTE(_Regressor):
    """Least squares on distance (and its log), origin, destination, hour and day of week."""

    name = "linear regression"

    def __init__(self, log_target: bool = True, tz: str | float | None = None) -> None:
        self.log_target = log_target
        self.tz = tz

    def _make(self):
        from sklearn.linear_model import LinearRegression

        return LinearRegression()


class GradientBoostingTTE(_Regressor):
    """HistGradientBoostingRegressor on the same features as ``LinearRegressionTTE``."""

    name = "gradient boosting"

    def __init__(
        self,
        max_iter: int = 200,
        learning_rate: float = 0.05,
        log_target: bool = True,
        random_state: int = 0,
        tz: str | float | None = None,
    ) -> None:
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.log_target = log_target
        self.random_state = random_state
        self.tz = tz

    def _make(self):
        from sklearn.ensemble import HistGradientBoostingRegressor

        return HistGradientBoostingRegressor(
            max_iter=self.max_iter, learning_rate=self.learning_rate, random_state=self.random_state
        )
