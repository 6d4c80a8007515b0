"""Recovery baselines (PROTOCOL.md): fill a trajectory's hidden points from its known ones.

scikit-learn estimators like the prediction baselines (``trajlm.eval.baselines``, which
re-exports these): ``fit(train_df) -> self`` (nothing is learned; it checks the
hyper-parameters), then ``predict``, which takes either

    a frame (any kind ``trajlm.data.coerce`` reads) with missing lat/lon, the user-facing path:
        LinearInterpolation().predict(df)   # the rows, filled, with `recovered`, in the
                                            # caller's kind, as TrajLM.recover returns them
    or flat float64 arrays over all points of all trajectories, sorted by (trajectory, t), the
    harness's path: predict(t (P,) seconds, xy (P, 2) metres (ignored where not known),
    known (P,) bool, groups (P,) trajectory number) -> (P, 2) metres, known points copied.

The first and last point of every trajectory must be known.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from trajlm._arguments import COLUMN_KEYWORDS, check_keywords
from trajlm.errors import TrajlmInputError
from trajlm.eval.frames import RecoversFrames
from trajlm.objectives.spline import linear_between

SPLINE_KINDS = ("cubic", "pchip", "akima")


def _check_known(known: np.ndarray, groups: np.ndarray) -> None:
    if len(groups) == 0:  # no trajectory: nothing to check (np.r_ below would add a point)
        return
    first = np.r_[True, groups[1:] != groups[:-1]]
    last = np.r_[groups[1:] != groups[:-1], True]
    if not known[first | last].all():
        raise TrajlmInputError("the first and last point of every trajectory must be known")


def known_neighbours(known: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(P,) index of each point's previous / next known point (itself where known); never
    crosses a trajectory because every trajectory starts and ends with a known point."""
    i = np.arange(len(known))
    prev = np.maximum.accumulate(np.where(known, i, -1))
    nxt = np.minimum.accumulate(np.where(known, i, len(known))[::-1])[::-1]
    return prev, nxt


class RecoveryBaseline(RecoversFrames, BaseEstimator):
    """The shared surface: ``predict`` dispatches a frame to the frame-level path and checks
    arrays; a subclass implements ``_recover`` on checked arrays."""

    def fit(self, train_df: Any = None, **columns: Any) -> RecoveryBaseline:
        return self

    def predict(
        self, t: Any, xy: np.ndarray | None = None, known: np.ndarray | None = None,
        groups: np.ndarray | None = None, **columns: Any,
    ) -> Any:  # fmt: skip
        """A frame -> the frame filled; arrays (module doc) -> (P, 2) metres."""
        method = f"{type(self).__name__}.predict"
        if not isinstance(t, np.ndarray):  # a frame: the user-facing path
            check_keywords(method, columns, COLUMN_KEYWORDS)
            return self._recover_frame(t, columns)
        if xy is None or known is None or groups is None:
            raise TrajlmInputError(
                f"{method}: an array is read as the evaluation harness's flat form (t (P,), "
                "xy (P, 2) metres, known (P,), groups (P,)); xy, known and groups are missing",
                hint="give a DataFrame of points with missing lat/lon (Polars, pandas or "
                "GeoPandas) for the frame path",
            )
        known, groups = np.asarray(known, bool), np.asarray(groups)
        _check_known(known, groups)
        return self._recover(t, xy, known, groups)

    def _recover(
        self, t: np.ndarray, xy: np.ndarray, known: np.ndarray, groups: np.ndarray
    ) -> np.ndarray:
        raise NotImplementedError


class LinearInterpolation(RecoveryBaseline):
    """Straight line in time between the nearest known points before and after."""

    name = "linear interp."

    def _recover(self, t, xy, known, groups):
        prev, nxt = known_neighbours(known)
        out = linear_between(xy, t, prev, nxt)
        out[known] = xy[known]
        return out


class CubicSplineInterpolation(RecoveryBaseline):
    """Per-trajectory spline in time through the known points (scipy.interpolate).

    ``kind="cubic"`` is a not-a-knot cubic spline, ``"pchip"`` a shape-preserving cubic that
    does not overshoot at sharp turns, ``"akima"`` in between. Two known points give a line.
    """

    def __init__(self, kind: str = "cubic") -> None:
        self.kind = kind

    @property
    def name(self) -> str:
        return f"{self.kind} spline"

    def fit(self, train_df: Any = None, **columns: Any) -> CubicSplineInterpolation:
        if self.kind not in SPLINE_KINDS:
            raise ValueError(f"kind must be cubic, pchip or akima, got {self.kind!r}")
        return self

    def _recover(self, t, xy, known, groups):
        from scipy import interpolate

        make = {
            "cubic": interpolate.CubicSpline,
            "pchip": interpolate.PchipInterpolator,
            "akima": interpolate.Akima1DInterpolator,
        }[self.kind]
        out = LinearInterpolation()._recover(t, xy, known, groups)  # the 2-point fallback
        t = np.asarray(t, np.float64)
        bounds = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1], True])
        # one spline per trajectory (a loop over trajectories, not points)
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            kn, miss = known[a:b], ~known[a:b]
            if miss.any() and kn.sum() >= 3:
                f = make(t[a:b][kn], xy[a:b][kn], axis=0)
                out[a:b][miss] = f(t[a:b][miss])
        return out


class GapSwitchedInterpolation(RecoveryBaseline):
    """A spline over short gaps, another interpolation over long ones (issue 15).

    A hidden point whose known neighbours are at most ``gap_s`` seconds apart takes the
    ``short`` spline (``CubicSplineInterpolation(short)`` through the whole trajectory), a
    point in a longer gap the ``long`` one ("linear" or a spline kind): Akima wins over short
    gaps and overshoots at turns over long ones, where the chord or PCHIP is better. The
    defaults are what a model with ``ModelConfig.infill_anchor = "auto"`` starts from.
    """

    def __init__(self, short: str = "akima", long: str = "linear", gap_s: float = 180.0) -> None:
        self.short, self.long, self.gap_s = short, long, gap_s

    @property
    def name(self) -> str:
        return f"{self.short} <= {self.gap_s:g} s, else {self.long}"

    def fit(self, train_df: Any = None, **columns: Any) -> GapSwitchedInterpolation:
        for kind in (self.short, self.long):
            if kind not in ("linear", *SPLINE_KINDS):
                raise ValueError(f"kind must be linear, cubic, pchip or akima, got {kind!r}")
        if not self.gap_s > 0:
            raise ValueError(f"gap_s must be > 0, got {self.gap_s!r}")
        return self

    def _recover(self, t, xy, known, groups):
        short, long = (
            LinearInterpolation() if k == "linear" else CubicSplineInterpolation(k)
            for k in (self.short, self.long)
        )
        prev, nxt = known_neighbours(known)
        tt = np.asarray(t, np.float64)
        is_short = (tt[nxt] - tt[prev] <= self.gap_s)[:, None]
        return np.where(is_short, short._recover(t, xy, known, groups),
                        long._recover(t, xy, known, groups))  # fmt: skip
