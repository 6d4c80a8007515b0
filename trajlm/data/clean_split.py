"""Splitters: GapSplitter (cut at reporting gaps) and StopSplitter (cut trips / voyages where
the mover stood still).

A ship at anchor or at its berth, a parked van, a bus in its depot: the time it stays put is
not travel, and a whole day of one vessel is many voyages. A *stop* is a stretch of at least
`min_duration_s` (first to last point) in which every `min_duration_s` window of points fits
in a box of diagonal `radius_m` metres (within such a window all points lie within
`radius_m` of each other: GPS jitter and an anchored ship's swing, when `radius_m` covers it).
Slow drift is still a stop where the mover reports its own speed (session 17; AIS SOG, a log's
sog_mps): two settled stretches of one trajectory are one stretch (before the `min_duration_s`
test) when in the piece between them the reported speed stays under `drift_mps` (at most 10 %
of its reports above) and the positions never get farther than `radius_m` + `drift_mps` x its
duration from where it began -- a ship dragging anchor at 0.2-0.5 kn, whose drift takes a
window past `radius_m` now and then. Without a reported speed the box alone decides (positions
cannot tell a drift from a walk around the block: GPS stores read as before). Each stop's
first point ends the trip that arrived (its arrival) and its last point starts the next trip
(its departure); the points between are dropped and counted as "stopped". A stop at the very
start or end of a trajectory is dropped whole (nothing arrives or leaves there).

Vectorized: rolling min / max of local metres over time windows (Polars ``rolling_*_by``
within each trajectory), then NumPy over the rows; no Python loop per point or trajectory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from trajlm.data.clean_common import FIRST_ROW, check_sorted, empty_report
from trajlm.data.column_names import normalised
from trajlm.data.motion_columns import (
    FASTEST_REPORTED_MPS,
    KNOT_MPS,
    SOG_NOT_AVAILABLE_KN,
    SPEED_NAMES,
    is_ais_speed,
)
from trajlm.data.periods import PERIOD, period_changes
from trajlm.data.schema import SOURCE_ID, DropReport, TrajlmInputError

# the default preset's gap rule (clean.PRESETS["default"]; the Python API's vehicle cuts,
# coerce_pieces): split at silences over 30 min, or over 3x a track's median interval
DEFAULT_MAX_GAP_S = 1800  # int: as stores have always recorded it
GAP_INTERVALS = 3.0

EARTH_M = 6_371_008.8
CUT = "__stop_cut"  # private column: True on the first row of a trip that follows a stop
STOP_RADIUS_M = 100.0  # an anchored ship swings ~50-150 m; a moored one and a parked van ~10 m
STOP_MIN_S = 600.0  # 10 min: a ferry's berth time, a van's delivery; not a bus stop or red light
# Session 17 (ships17): reported speeds under ~1 kn between settled stretches are drift, not
# travel; a ship under way makes >= 2 kn (1 m/s)
STOP_DRIFT_MPS = 0.5


def reported_speed(df: pl.DataFrame) -> np.ndarray | None:
    """The reported speed (m/s) per row of a table with a speed column (column_names'
    SPEED_NAMES: SOG in knots, sog_kn, sog_mps, ...), NaN where not available (AIS 102.3,
    negative, missing); None without such a column. Not a speed derived from positions."""
    by_name: dict[str, str] = {}
    for c in df.columns:
        by_name.setdefault(normalised(c), c)
    name = next((n for n in SPEED_NAMES if n in by_name), None)
    if name is None:
        return None
    factor = SPEED_NAMES[name]
    v = df[by_name[name]].cast(pl.Float64, strict=False).to_numpy().astype(np.float64)
    ais = factor != 1.0 and is_ais_speed(by_name[name])  # AIS's code only (fix39)
    limit = (SOG_NOT_AVAILABLE_KN * KNOT_MPS if ais else FASTEST_REPORTED_MPS) / factor
    with np.errstate(invalid="ignore"):
        return np.where((v >= 0) & (v < limit), v * factor, np.nan)


def fix_error_m(df: pl.DataFrame) -> np.ndarray | float:
    """Each row's own stated position error in metres (a phone's `accuracy_m`, read as
    DropInaccurate reads it: a caller's `accuracy` / `horizontalAccuracy` too), 0 where none is
    given or it is not a non-negative number; 0.0 for a table without one.

    Why (session 32, newuser32): a phone still indoors reports fixes 10-80 m off, every 5 min;
    a 10-min window of two or three such fixes spans over 100 m about as often as not, so a
    stay at home or at work was cut into "trips" of jitter (a smartphone study's 40 people x
    2 weeks: 3,425 trips of which 2,167 inside stays, for 1,320 true trips). A fix that says
    it is 60 m off is no evidence of a 60-m move."""
    from trajlm.data.clean_accuracy import estimate_column, estimate_expr

    col = estimate_column(df.columns, "accuracy_m")
    if col is None:
        return 0.0
    value = df.select(estimate_expr(df, col, "accuracy_m").cast(pl.Float64)).to_series()
    value = value.fill_nan(None).fill_null(0.0).to_numpy()
    return np.where(value > 0, value, 0.0)


def stop_rows(
    df: pl.DataFrame, radius_m: float = STOP_RADIUS_M, min_duration_s: float = STOP_MIN_S,
    drift_mps: float | None = STOP_DRIFT_MPS,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """(first row, last row) of each stop of a table sorted by (traj_id, t) with distinct
    times; rows are global (0-based), both inclusive, (K,) int64 each. ``drift_mps`` None (or
    a table without a reported speed): settled stretches are not joined across slow drift."""
    if len(df) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    first = (df["traj_id"] != df["traj_id"].shift(1)).fill_null(True).to_numpy()
    lat = df["lat"].to_numpy().astype(np.float64)
    lon = df["lon"].to_numpy().astype(np.float64)
    # times in whole units of 1 / per_s s: seconds as ever, milliseconds where a sub-second
    # store's Float64 times have fractions (int seconds cut a 0.4-s walker's stay up to 1 s off)
    t_s = df["t"].to_numpy()
    per_s = 1000 if t_s.dtype.kind == "f" and bool(np.any(t_s != np.floor(t_s))) else 1
    t = np.round(t_s * per_s).astype(np.int64) if per_s > 1 else t_s.astype(np.int64)
    min_units = min_duration_s * per_s
    traj_no = np.cumsum(first) - 1
    start = np.flatnonzero(first)
    # local metres per trajectory, longitude unwrapped across the antimeridian
    dlon = (np.diff(lon, prepend=lon[0]) + 180.0) % 360.0 - 180.0
    dlon[first] = 0.0
    lon_u = np.cumsum(dlon)
    lon_u = lon_u - lon_u[start][traj_no] + lon[start][traj_no]
    coslat = np.cos(np.radians(lat[start]))[traj_no]
    x = np.radians(lon_u) * coslat * EARTH_M
    y = np.radians(lat) * EARTH_M
    # each fix may sit up to its own stated error off (a phone's `accuracy_m`): a window is
    # settled when its fixes, each moved by at most that much, fit the box (session 32)
    acc = fix_error_m(df)
    w = f"{max(int(math.ceil(min_units)), 1)}i"
    frame = pl.DataFrame({"g": traj_no, "t": t, "xlo": x - acc, "xhi": x + acc,
                          "ylo": y - acc, "yhi": y + acc})  # fmt: skip
    roll = frame.select(
        *[
            getattr(pl.col(f"{c}{end}"), f"rolling_{f}_by")("t", window_size=w, closed="both")
            .over("g")
            .alias(f"{c}{f}")
            for c in ("x", "y")
            for end, f in (("hi", "min"), ("lo", "max"))
        ]
    )
    extent = np.hypot(
        np.maximum(roll["xmax"].to_numpy() - roll["xmin"].to_numpy(), 0.0),
        np.maximum(roll["ymax"].to_numpy() - roll["ymin"].to_numpy(), 0.0),
    )
    # the window of row i: rows f(i)..i, the points in [t_i - D, t_i] of its trajectory
    t_rel = t - t[start][traj_no]
    span = int(t_rel.max()) + int(math.ceil(min_units)) + 1
    key = t_rel + traj_no * span  # globally non-decreasing
    f = np.searchsorted(key, key - math.ceil(min_units), side="left")
    f = np.maximum(f, start[traj_no])
    settled = extent <= radius_m
    # settled window f..i covers the steps f+1..i (step k joins rows k-1 and k)
    cover = np.zeros(len(df) + 1, np.int64)
    ok = settled & (f < np.arange(len(df)))
    np.add.at(cover, f[ok] + 1, 1)
    np.add.at(cover, np.flatnonzero(ok) + 1, -1)
    step = np.cumsum(cover[:-1]) > 0  # (N,) step into row k is inside a stop
    step[first] = False
    on = np.flatnonzero(step & ~np.r_[False, step[:-1]])  # first covered step of each run
    off = np.flatnonzero(step & ~np.r_[step[1:], False])  # last covered step
    lo, hi = on - 1, off  # rows
    sog = reported_speed(df) if drift_mps is not None else None
    if sog is not None and len(lo) > 1:
        t_join = t if per_s == 1 else t / per_s  # seconds, as drift_mps reads them
        lo, hi = _join_drift(lo, hi, t_join, x, y, traj_no, sog, radius_m, drift_mps)
    long = (t[hi] - t[lo]) >= min_units
    return lo[long].astype(np.int64), hi[long].astype(np.int64)


def _join_drift(lo, hi, t, x, y, traj_no, sog, radius_m: float, drift_mps: float):
    """Settled stretches (lo, hi rows, in order) joined where the piece between two of one
    trajectory (rows hi[k] .. lo[k+1]) drifts (module doc): reported speeds under drift_mps
    (<= 10 % above) and within radius_m + drift_mps x its duration of its first point."""
    a, b = hi[:-1], lo[1:]  # each piece's first and last row
    rows = np.arange(len(t))
    piece = np.zeros(len(t) + 1, np.int64)
    np.add.at(piece, a, 1)
    np.add.at(piece, b + 1, -1)
    inside = np.cumsum(piece[:-1]) > 0  # rows within some piece (pieces are disjoint)
    is_a = np.zeros(len(t), bool)
    is_a[a] = True
    ref = np.maximum.accumulate(np.where(is_a, rows, 0))  # each row's latest piece start
    d = np.where(inside, np.hypot(x - x[ref], y - y[ref]), 0.0)
    # reductions from a[k] up to a[k+1]: rows outside the pieces count nothing
    far = np.maximum.reduceat(d, a)
    said = np.add.reduceat((inside & np.isfinite(sog)).astype(np.int64), a)
    with np.errstate(invalid="ignore"):
        fast = np.add.reduceat((inside & (sog > drift_mps)).astype(np.int64), a)
    slow = (said > 0) & (fast <= 0.1 * said)
    join = (traj_no[a] == traj_no[b]) & slow & (far <= radius_m + drift_mps * (t[b] - t[a]))
    return lo[np.r_[True, ~join]], hi[np.r_[~join, True]]


def sampling_interval_s(df: pl.DataFrame) -> float | None:
    """The median time (s) between a trajectory's consecutive fixes over a table sorted by
    (traj_id, t); None where no trajectory has two fixes."""
    step = (pl.col("t") - pl.col("t").shift(1)).cast(pl.Float64)
    same = pl.col("traj_id") == pl.col("traj_id").shift(1)
    steps = df.select(pl.when(same).then(step).alias("dt"))["dt"].drop_nulls()
    steps = steps.filter(steps > 0)
    return float(steps.median()) if len(steps) else None  # type: ignore[arg-type]


def _minutes_up(seconds: float) -> str:
    """``seconds`` as minutes rounded up at 3 significant digits (never under ``seconds``)."""
    m = seconds / 60.0
    e = math.floor(math.log10(m)) - 2
    return f"{math.ceil(m / 10**e - 1e-9) * 10**e:.{max(-e, 0)}f}"


def check_stop_duration(df: pl.DataFrame, min_duration_s: float) -> None:
    """One line where a stop is shorter than the data's own sampling interval (badin40 319:
    `--stop-minutes 0.001` on 0.4-s fixes found no stop and said nothing). A stop window of
    `min_duration_s` then holds one fix, so no stop is ever found; stretching a lone window back
    to the fix before would instead turn sparse reports across long gaps into stops."""
    interval = sampling_interval_s(df)
    if interval is None or min_duration_s >= interval - 1e-3:  # times are read to the ms
        return
    said = f"{min_duration_s:.3g} s" if min_duration_s < 60 else f"{min_duration_s / 60:.3g} min"
    every = f"{interval:.3g} s" if interval < 60 else f"{interval / 60:.3g} min"
    raise TrajlmInputError(
        f"--split-at-stops / --stop-minutes (stop_minutes=): a stop of {said} is shorter than "
        f"the data's sampling interval ({every} between fixes, the median), so a stop window "
        f"holds one fix and no stop can be found",
        hint=f"give a stop of at least {_minutes_up(interval)} min; a stop should span several "
        "fixes",
    )


@dataclass
class StopSplitter:
    """Cut trajectories at stops (see the module docstring): within `radius_m` metres for
    at least `min_duration_s` seconds. Rows inside a stop are dropped ("stopped"); the pieces
    are renamed ``f"{traj_id}_{k}"`` and keep the id before the cut in ``source_traj_id``, as
    GapSplitter does (``clean`` runs both as one split, so ids carry one suffix);
    ``drift_mps``: with a reported speed, slow drift between settled stretches is still a stop
    (module doc; None: session 16's rule);
    ``repaired["stop_splits"]`` counts the cuts. Needs rows sorted by (traj_id, t) with
    distinct times (run DropDuplicateTimestamps first)."""

    radius_m: float = STOP_RADIUS_M
    min_duration_s: float = STOP_MIN_S
    drift_mps: float | None = STOP_DRIFT_MPS

    def mark(self, df: pl.DataFrame) -> tuple[pl.DataFrame, DropReport]:
        """Drop the stops' inner rows and add the private column CUT (True where a trip starts
        after a stop), which GapSplitter turns into new ids."""
        bad_drift = self.drift_mps is not None and not self.drift_mps >= 0
        if not self.radius_m > 0 or not self.min_duration_s > 0 or bad_drift:
            raise ValueError(
                f"stop radius_m and min_duration_s must be > 0 and drift_mps >= 0, got "
                f"{self.radius_m}, {self.min_duration_s}, {self.drift_mps}"
            )
        report = empty_report(df)
        if len(df) == 0:
            return df.with_columns(pl.lit(False).alias(CUT)), report
        check_sorted(df, "StopSplitter")
        check_stop_duration(df, self.min_duration_s)
        lo, hi = stop_rows(df, self.radius_m, self.min_duration_s, self.drift_mps)
        n = len(df)
        first = (df["traj_id"] != df["traj_id"].shift(1)).fill_null(True).to_numpy()
        last = np.r_[first[1:], True]
        inside = np.zeros(n + 1, np.int64)
        np.add.at(inside, lo + 1, 1)  # rows lo+1 .. hi-1 are the stop's inner rows
        np.add.at(inside, hi, -1)
        drop = np.cumsum(inside[:-1]) > 0
        # at a trajectory's start or end the whole stop goes (no arrival / departure there)
        at_start = first[lo]
        at_end = last[hi]
        drop[lo[at_start]] = True
        drop[hi[at_end]] = True
        cut = np.zeros(n, bool)
        mid = ~at_start & ~at_end
        cut[hi[mid]] = True  # the departure starts a new trip
        report.drop("stopped", int(drop.sum()))
        report.repair("stop_splits", int(mid.sum()))
        out = df.with_columns(pl.Series(CUT, cut)).filter(pl.Series(~drop))
        return out, report

    def apply(self, df: pl.DataFrame) -> tuple[pl.DataFrame, DropReport]:
        marked, report = self.mark(df)
        out, r = GapSplitter(math.inf).apply(marked)
        return out, report.merge(r)


@dataclass
class GapSplitter:
    """Split trajectories at time gaps > `max_gap_s` (like MovingPandas' ObservationGapSplitter).

    Every trajectory is renamed `f"{traj_id}_{k}"`, k = 0, 1, ... (also when it is not split, so
    ids are uniform). Drops nothing; `repaired["gap_splits"]` counts the cuts. The id before
    the split is kept in column SOURCE_ID (``source_traj_id``; a table that has it keeps its
    own: cleaning twice still names the user's id), so results join back to the user's ids.
    """

    max_gap_s: float = 300.0
    # interval-aware (session 19): a trajectory is split at gaps over this many times its
    # median interval where that is longer than max_gap_s (hourly collars are not cut into
    # single points; since heldout29 also 10-30 min samplers: 15-min sheep collars were cut at
    # each missed fix, 28 collars into 139 pieces, and a sampler just under max_gap_s at every
    # late fix); None: max_gap_s alone
    per_interval: float | None = None

    def apply(self, df: pl.DataFrame) -> tuple[pl.DataFrame, DropReport]:
        report = empty_report(df)
        step = pl.when(~FIRST_ROW.fill_null(True)).then(pl.col("t") - pl.col("t").shift(1))
        limit: pl.Expr | float = self.max_gap_s
        if self.per_interval is not None and math.isfinite(self.max_gap_s):
            median = step.median().over("traj_id").fill_null(0)
            limit = pl.max_horizontal(self.per_interval * median, pl.lit(float(self.max_gap_s)))
        gap = ~FIRST_ROW.fill_null(True) & (step > limit)
        cut = gap | pl.col(CUT) if CUT in df.columns else gap  # StopSplitter.mark's cuts too
        if PERIOD in df.columns:  # a match's halves (sports37): cut where the period changes
            changed = period_changes(FIRST_ROW) & ~gap
            report.repair("period_splits", int(df.select(changed.sum()).item()))
            cut = cut | changed
        k = cut.cast(pl.Int64).cum_sum().over("traj_id")
        if SOURCE_ID not in df.columns:  # additive: ids, order and sampling as before
            df = df.with_columns(pl.col("traj_id").alias(SOURCE_ID))
        # a stop's cut spans the time stopped: one stop split, not also a gap split
        said = gap & ~pl.col(CUT) if CUT in df.columns else gap
        out = df.with_columns(said.alias("_gap"), k.alias("_k"))
        report.repair("gap_splits", int(out["_gap"].sum()))
        out = out.with_columns(
            pl.concat_str(pl.col("traj_id"), pl.lit("_"), pl.col("_k").cast(pl.Utf8)).alias(
                "traj_id"
            )
        ).drop("_gap", "_k", CUT, strict=False)
        # "a_10" sorts before "a_2": restore (traj_id, t) order.
        return out.sort(["traj_id", "t"], maintain_order=True), report
