"""Cleaning verbs on the canonical table, one class per operation (like MovingPandas' splitters).

Each verb holds its parameters (units in the names) and has `apply(df) -> (df, DropReport)`.
Input and output are canonical tables sorted by (traj_id, t); every removed row is counted in
`report.dropped[reason]`, so `report.rows_in == len(out) + report.total` for every verb except
`Resampler`, whose output rows are new interpolated points (it records `repaired["resampled_from"]`
/ `["resampled_to"]` instead). Everything is vectorized over the whole table with Polars
expressions (`.over("traj_id")`, shifts) or NumPy; no Python loop runs per trajectory or point.

`clean(df, CleanConfig(...))` chains the verbs in a fixed, sensible order and merges the reports:
invalid -> sort by time -> dedupe -> thin -> speed filter -> gap split -> min length -> resample.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

from trajlm.data.geometry import haversine, haversine_m
from trajlm.data.schema import MIN_T, SOURCE_ID, DropReport

_FIRST = pl.col("traj_id") != pl.col("traj_id").shift(1)  # first row of each trajectory (or null)


def _step_speed_mps() -> pl.Expr:
    """Speed from the previous row of the same trajectory (null at the first row)."""
    dist = haversine_m(pl.col("lat").shift(1), pl.col("lon").shift(1), pl.col("lat"), pl.col("lon"))
    dt = (pl.col("t") - pl.col("t").shift(1)).cast(pl.Float64)
    return pl.when(_FIRST.fill_null(True)).then(None).otherwise(dist / dt)


# Faster than a jet airliner's cruise (~250 m/s) and the speed of sound: a point reached at more
# than this from its predecessor is a bad fix or a swapped lat/lon, whatever moved.
IMPOSSIBLE_SPEED_MPS = 340.0


def fast_points(df: pl.DataFrame, max_mps: float = IMPOSSIBLE_SPEED_MPS) -> tuple[int, float]:
    """(steps between consecutive points of a trajectory faster than `max_mps`, the fastest
    such speed) in a cleaned table (sorted, distinct times); nothing is dropped. One bad point
    mid-trip makes two such steps (in and out)."""
    if len(df) < 2:
        return 0, 0.0
    v = df.select(_step_speed_mps().alias("v")).filter(pl.col("v") > max_mps)["v"]
    return len(v), float(v.max()) if len(v) else 0.0


def _report(df: pl.DataFrame) -> DropReport:
    return DropReport(rows_in=len(df))


def _check_sorted(df: pl.DataFrame, verb: str) -> None:
    bad = df.select((~_FIRST.fill_null(True) & (pl.col("t") < pl.col("t").shift(1))).any()).item()
    if bad:
        raise ValueError(f"{verb} needs rows sorted by (traj_id, t); run SortByTime first")


@dataclass
class DropInvalidCoords:
    """Drop rows with a null traj_id, null/NaN/inf lat, lon or t, |lat| > 90, |lon| > 180, or a
    time before `min_t` (default 1990-01-01, before civil GPS). One reason per row, the first
    that applies in that order."""

    min_t: int = MIN_T

    def apply(self, df: pl.DataFrame) -> tuple[pl.DataFrame, DropReport]:
        report = _report(df)
        lat, lon, t = pl.col("lat"), pl.col("lon"), pl.col("t")
        reason = (
            pl.when(pl.col("traj_id").is_null())
            .then(pl.lit("null_traj_id"))
            .when(t.is_null())
            .then(pl.lit("null_time"))
            .when(lat.is_null() | lon.is_null())
            .then(pl.lit("null_coord"))
            .when(~lat.is_finite() | ~lon.is_finite())
            .then(pl.lit("nonfinite_coord"))
            .when(lat.abs() > 90)
            .then(pl.lit("lat_out_of_range"))
            .when(lon.abs() > 180)
            .then(pl.lit("lon_out_of_range"))
            .when(t < self.min_t)
            .then(pl.lit("time_before_1990" if self.min_t == MIN_T else "time_before_min_t"))
            .otherwise(None)
            .alias("_reason")
        )
        tagged = df.with_columns(reason)
        for r, n in tagged["_reason"].drop_nulls().value_counts().iter_rows():
            report.drop(r, n)
        return tagged.filter(pl.col("_reason").is_null()).drop("_reason"), report


@dataclass
class SortByTime:
    """Fix time that goes backwards within a trajectory.

    mode="sort" (default) reorders rows by (traj_id, t) and counts the rows that were behind
    their predecessor in `repaired["sorted_by_time"]`: GPS loggers often write buffered fixes
    late, and the timestamps, not the file order, are the truth. mode="drop" keeps file order
    and drops every row whose time is earlier than the latest time seen before it in the same
    trajectory (reason "non_monotonic_time"): use it when out-of-order rows are clock glitches.
    Rows of one trajectory are grouped together first (stable), whatever the mode.
    """

    mode: Literal["sort", "drop"] = "sort"

    def apply(self, df: pl.DataFrame) -> tuple[pl.DataFrame, DropReport]:
        if self.mode not in ("sort", "drop"):
            raise ValueError(f"SortByTime mode must be 'sort' or 'drop', got {self.mode!r}")
        report = _report(df)
        df = df.sort("traj_id", maintain_order=True)
        behind = ~_FIRST.fill_null(True) & (pl.col("t") < pl.col("t").shift(1))
        if self.mode == "sort":
            report.repair("sorted_by_time", int(df.select(behind.sum()).item()))
            return df.sort(["traj_id", "t"], maintain_order=True), report
        keep = pl.col("t") >= pl.col("t").cum_max().over("traj_id")
        n_before = len(df)
        df = df.filter(keep)
        report.drop("non_monotonic_time", n_before - len(df))
        return df, report


@dataclass
class DropDuplicateTimestamps:
    """Keep the first row of each repeated (traj_id, t); drop the rest ("duplicate_timestamp")."""

    def apply(self, df: pl.DataFrame) -> tuple[pl.DataFrame, DropReport]:
        report = _report(df)
        out = df.filter(pl.struct("traj_id", "t").is_first_distinct())
        report.drop("duplicate_timestamp", len(df) - len(out))
        return out, report


@dataclass
class SpeedFilter:
    """Drop points reached at more than `max_speed_mps` from the previous kept point.

    The rule is sequential (compare each point with the last kept one); we emulate it with
    vectorized NumPy passes over the whole table. Each pass, in every trajectory at once:
      * finds the first too-fast point i (everything before it is consistent, so the sequential
        rule keeps it) and drops the whole stretch i..j-1, where j is the first later point of
        the trajectory reachable from the anchor i-1 below max speed: exactly what the
        sequential rule does, for one run of bad points however long;
      * drops every lone spike elsewhere: too fast in AND out while skipping it is not.
    So one pass resolves one run per trajectory plus all isolated spikes. We stop after
    `max_passes`; outliers still left are kept and counted in `repaired["speed_outliers_left"]`.
    Needs distinct times (run DropDuplicateTimestamps first: a zero dt with movement is an
    infinite speed). If a trajectory's first point is the bad one, the rest of it is dropped,
    as with the sequential rule.
    """

    max_speed_mps: float = 50.0
    max_passes: int = 20

    def apply(self, df: pl.DataFrame) -> tuple[pl.DataFrame, DropReport]:
        if not self.max_speed_mps > 0:
            raise ValueError(f"max_speed_mps must be > 0, got {self.max_speed_mps}")
        report = _report(df)
        if len(df) == 0:
            return df, report
        first = (df["traj_id"] != df["traj_id"].shift(1)).fill_null(True).to_numpy()
        keep, left = speed_filter_mask(
            np.cumsum(first) - 1,
            df["t"].to_numpy().astype(np.float64),
            df["lat"].to_numpy(),
            df["lon"].to_numpy(),
            self.max_speed_mps,
            self.max_passes,
        )
        out = df.filter(pl.Series(keep))
        report.drop("speed_outlier", len(df) - len(out))
        report.repair("speed_outliers_left", left)
        return out, report


def speed_filter_mask(
    traj_no: np.ndarray,
    t: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    max_speed_mps: float,
    max_passes: int = 20,
) -> tuple[np.ndarray, int]:
    """Keep-mask of SpeedFilter for rows sorted by (trajectory, t); all arrays (N,).
    Returns (keep (N,) bool, number of too-fast points left after max_passes)."""
    n = len(t)
    idx = np.arange(n)  # surviving rows, as indices into the input

    def speeds(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            v = haversine(lat[a], lon[a], lat[b], lon[b]) / (t[b] - t[a])
        return np.nan_to_num(v, nan=0.0)  # 0 m in 0 s is not an outlier

    def too_fast(rows: np.ndarray) -> np.ndarray:
        same = np.zeros(len(rows), dtype=bool)
        same[1:] = traj_no[rows[1:]] == traj_no[rows[:-1]]
        fast = np.zeros(len(rows), dtype=bool)
        fast[1:] = same[1:] & (speeds(rows[:-1], rows[1:]) > max_speed_mps)
        return fast, same

    for _ in range(max_passes):
        fast, same = too_fast(idx)
        if not fast.any():
            return np.isin(np.arange(n), idx, assume_unique=True), 0
        m, tr = len(idx), traj_no[idx]
        drop = np.zeros(m, dtype=bool)
        # 1) the first too-fast point of each trajectory and the run after it.
        pos = np.flatnonzero(fast)
        firsts = pos[np.r_[True, tr[pos[1:]] != tr[pos[:-1]]]]  # (K,) first fast row per traj
        anchor = np.full(tr.max() + 1, -1)
        anchor[tr[firsts]] = firsts - 1  # last good row before the run
        a = anchor[tr]  # (m,)
        rows = np.flatnonzero((a >= 0) & (np.arange(m) > a))
        ok = speeds(idx[a[rows]], idx[rows]) <= max_speed_mps
        j = np.full(tr.max() + 1, m)
        np.minimum.at(j, tr[rows[ok]], rows[ok])  # first row reachable from the anchor
        drop[rows[rows < j[tr[rows]]]] = True
        # 2) lone spikes: fast in, fast out, fine when skipped.
        fast_out = np.r_[fast[1:], False]
        spike = np.flatnonzero(fast & fast_out)
        if spike.size:
            skip_ok = speeds(idx[spike - 1], idx[spike + 1]) <= max_speed_mps
            drop[spike[skip_ok]] = True
        idx = idx[~drop]
    fast, _ = too_fast(idx)
    return np.isin(np.arange(n), idx, assume_unique=True), int(fast.sum())


@dataclass
class GapSplitter:
    """Split trajectories at time gaps > `max_gap_s` (like MovingPandas' ObservationGapSplitter).

    Every trajectory is renamed `f"{traj_id}_{k}"`, k = 0, 1, ... (also when it is not split, so
    ids are uniform). Drops nothing; `repaired["gap_splits"]` counts the cuts. The id before
    the split is kept in column SOURCE_ID (``source_traj_id``; a table that has it keeps its
    own: cleaning twice still names the user's id), so results join back to the user's ids.
    """

    max_gap_s: float = 300.0

    def apply(self, df: pl.DataFrame) -> tuple[pl.DataFrame, DropReport]:
        report = _report(df)
        gap = ~_FIRST.fill_null(True) & ((pl.col("t") - pl.col("t").shift(1)) > self.max_gap_s)
        k = gap.cast(pl.Int64).cum_sum().over("traj_id")
        if SOURCE_ID not in df.columns:  # additive: ids, order and sampling as before
            df = df.with_columns(pl.col("traj_id").alias(SOURCE_ID))
        out = df.with_columns(gap.alias("_gap"), k.alias("_k"))
        report.repair("gap_splits", int(out["_gap"].sum()))
        out = out.with_columns(
            pl.concat_str(pl.col("traj_id"), pl.lit("_"), pl.col("_k").cast(pl.Utf8)).alias(
                "traj_id"
            )
        ).drop("_gap", "_k")
        # "a_10" sorts before "a_2": restore (traj_id, t) order.
        return out.sort(["traj_id", "t"], maintain_order=True), report


@dataclass
class Thinner:
    """Keep a point when at least `min_interval_s` passed since the last KEPT point (the first
    point of each trajectory is kept); drop the others ("thinned"). PROTOCOL.md GeoLife rule.

    The rule is sequential, so we vectorize across trajectories instead: a point whose gap to its
    predecessor is >= min_interval_s is always kept (whatever was kept before it is even older),
    so such points and trajectory starts cut the table into independent runs. One cursor per run
    jumps to its next kept point with `np.searchsorted` over a globally sorted time key, all
    cursors at once; the loop runs (longest run's kept count) times, each a NumPy op.
    """

    min_interval_s: float = 15.0

    def apply(self, df: pl.DataFrame) -> tuple[pl.DataFrame, DropReport]:
        report = _report(df)
        if len(df) == 0:
            return df, report
        _check_sorted(df, "Thinner")
        keep = thin_mask(df["traj_id"], df["t"].to_numpy(), self.min_interval_s)
        out = df.filter(pl.Series(keep))
        report.drop("thinned", len(df) - len(out))
        return out, report


def thin_mask(traj_id: pl.Series, t: np.ndarray, min_interval_s: float) -> np.ndarray:
    """Boolean keep-mask of the Thinner rule for rows sorted by (traj_id, t). (N,) -> (N,)."""
    n = len(t)
    t = np.asarray(t, dtype=np.int64)
    first = (traj_id != traj_id.shift(1)).fill_null(True).to_numpy()
    traj_no = np.cumsum(first) - 1  # (N,) 0-based trajectory number
    t_rel = t - t[np.flatnonzero(first)][traj_no]  # seconds since the trajectory's start, >= 0
    # Globally non-decreasing key: trajectory r lives in [r * span, (r + 1) * span).
    span = int(t_rel.max()) + int(np.ceil(min_interval_s)) + 1
    key = t_rel + traj_no * span
    dt = np.diff(t, prepend=t[0])
    run_start = first | (dt >= min_interval_s)
    starts = np.flatnonzero(run_start)  # (R,)
    ends = np.append(starts[1:], n)  # (R,) exclusive end of each run
    keep = np.zeros(n, dtype=bool)
    cur, end = starts, ends
    while cur.size:
        keep[cur] = True
        nxt = np.searchsorted(key, key[cur] + min_interval_s, side="left")
        alive = nxt < end
        cur, end = nxt[alive], end[alive]
    return keep


@dataclass
class MinLength:
    """Drop trajectories with fewer than `min_points` points ("short_trajectory", counted in
    points); the number of trajectories removed goes to `repaired["short_trajectories"]`."""

    min_points: int = 2

    def apply(self, df: pl.DataFrame) -> tuple[pl.DataFrame, DropReport]:
        report = _report(df)
        n = pl.len().over("traj_id")
        short = df.filter(n < self.min_points)
        report.drop("short_trajectory", len(short))
        report.repair("short_trajectories", short["traj_id"].n_unique() if len(short) else 0)
        return df.filter(n >= self.min_points), report


@dataclass
class Resampler:
    """Resample every trajectory to t0, t0 + interval_s, ... <= t_end by linear interpolation in
    time (longitude unwrapped across the antimeridian). Output rows are new points, so the row
    count changes: the report records `repaired["resampled_from"]` / `["resampled_to"]` and the
    conservation check applies to the stages before this one. Extra columns take the value of
    the last original point at or before each new time (labels, ids); speed_mps/heading_deg are
    dropped because they no longer match (recompute with AddSpeed). Needs distinct sorted times.
    """

    interval_s: float = 15.0

    def apply(self, df: pl.DataFrame) -> tuple[pl.DataFrame, DropReport]:
        if not self.interval_s > 0:
            raise ValueError(f"interval_s must be > 0, got {self.interval_s}")
        report = _report(df)
        report.repair("resampled_from", len(df))
        if len(df) == 0:
            return df, report
        _check_sorted(df, "Resampler")
        first = _FIRST.fill_null(True)
        dlon = ((pl.col("lon") - pl.col("lon").shift(1) + 180.0) % 360.0) - 180.0
        lon_u = pl.when(first).then(pl.col("lon")).otherwise(dlon).cum_sum().over("traj_id")
        traj = df.select(
            pl.col("traj_id"), pl.col("t"), pl.col("lat"), lon_u.alias("lon_u"), first.alias("f")
        )
        t = traj["t"].to_numpy()
        f = traj["f"].to_numpy()
        traj_no = np.cumsum(f) - 1
        t0 = t[f][traj_no]
        t_rel = (t - t0).astype(np.float64)
        span = float(t_rel.max()) + self.interval_s + 1.0
        key = t_rel + traj_no * span  # (N,) globally increasing
        # New grid: per trajectory floor(duration / interval) + 1 points.
        dur = t_rel[np.append(np.flatnonzero(f)[1:], len(t)) - 1]  # (R,) duration per traj
        n_new = np.floor(dur / self.interval_s).astype(np.int64) + 1  # (R,)
        g_traj = np.repeat(np.arange(len(n_new)), n_new)  # (M,)
        g_k = np.arange(len(g_traj)) - np.repeat(np.cumsum(n_new) - n_new, n_new)
        g_rel = g_k * self.interval_s
        g_key = g_rel + g_traj * span
        lat = np.interp(g_key, key, traj["lat"].to_numpy())
        lon = np.interp(g_key, key, traj["lon_u"].to_numpy())
        lon = (lon + 180.0) % 360.0 - 180.0
        src = np.searchsorted(key, g_key, side="right") - 1  # last original row <= time
        t_start = t[np.flatnonzero(f)]
        extra = [c for c in df.columns if c not in ("traj_id", "t", "lat", "lon")]
        extra = [c for c in extra if c not in ("speed_mps", "heading_deg")]
        out = pl.DataFrame(
            {
                "traj_id": df["traj_id"].gather(src),
                "t": t_start[g_traj] + np.round(g_rel).astype(np.int64),
                "lat": lat,
                "lon": lon,
            }
        ).with_columns([df[c].gather(src) for c in extra])
        report.repair("resampled_to", len(out))
        return out, report


@dataclass
class AddSpeed:
    """Add speed_mps = haversine distance / dt from the previous point of the same trajectory.
    The first point of each trajectory gets the speed of its first segment (null for a
    one-point trajectory); a zero or negative dt gives null. Drops nothing."""

    def apply(self, df: pl.DataFrame) -> tuple[pl.DataFrame, DropReport]:
        speed = _step_speed_mps()
        speed = pl.when(pl.col("t") > pl.col("t").shift(1)).then(speed).otherwise(None)
        first = _FIRST.fill_null(True)
        nxt = speed.shift(-1)
        last = pl.col("traj_id") != pl.col("traj_id").shift(-1)
        fill = pl.when(first & ~last.fill_null(True)).then(nxt).otherwise(speed)
        return df.with_columns(fill.alias("speed_mps")), _report(df)


@dataclass
class CleanConfig:
    """Which verbs `clean` runs; None switches a step off. Speed filtering is opt-in: the
    PROTOCOL.md sanity values were computed without it."""

    max_speed_mps: float | None = None
    max_gap_s: float | None = None
    min_points: int = 2
    min_interval_s: float | None = None
    resample_s: float | None = None
    nonmonotonic: Literal["sort", "drop"] = "sort"
    add_speed: bool = False
    min_t: int = MIN_T  # earliest valid time (DropInvalidCoords); earlier for historical records


PRESETS: dict[str, CleanConfig] = {
    # PROTOCOL.md: thin to >= 15 s, split at gaps > 300 s, drop segments < 10 points.
    "geolife": CleanConfig(min_interval_s=15, max_gap_s=300, min_points=10),
    # PROTOCOL.md: drop trips with < 10 points (MISSING_DATA=True is the reader's job).
    "porto": CleanConfig(min_points=10),
    # Unknown sources: only structural repairs, split at 30 min silences.
    "default": CleanConfig(max_gap_s=1800, min_points=2),
}


def clean(df: Any, config: CleanConfig | None = None, **columns: Any) -> tuple[Any, DropReport]:
    """Run the configured verbs in order: invalid -> sort -> dedupe -> thin -> speed -> gap split
    -> min length -> resample -> add speed. Returns the table and the merged DropReport
    (rows_in of the input; conservation holds unless resample_s is set).

    ``df``: a canonical Polars table (traj_id, t, lat, lon), or any frame ``TrajLM`` takes
    (pandas, GeoPandas, Polars under the caller's names, ``traj_col=`` etc. in ``columns``),
    returned cleaned in its own kind and names (``trajlm.clean(df)``: what the API's refusal
    of duplicate times or invalid coordinates points to)."""
    canonical = isinstance(df, pl.DataFrame) and {"traj_id", "t", "lat", "lon"} <= set(df.columns)
    if not canonical or columns:
        from dataclasses import replace

        from trajlm.data.coerce import coerce
        from trajlm.data.coerce_out import from_canonical
        from trajlm.data.schema import MIN_T_DATED

        table, layout = coerce(df, validate=False, **columns)
        config = config or CleanConfig()
        if layout.time_kind != "epoch" and config.min_t == MIN_T:  # dates: read from 1900
            config = replace(config, min_t=MIN_T_DATED)
        out, report = clean(table, config)
        return from_canonical(out, layout=layout, caller_order=True), report
    config = config or CleanConfig()
    verbs: list = [
        DropInvalidCoords(config.min_t),
        SortByTime(config.nonmonotonic),
        DropDuplicateTimestamps(),
    ]
    if config.min_interval_s:
        verbs.append(Thinner(config.min_interval_s))
    if config.max_speed_mps is not None:
        verbs.append(SpeedFilter(config.max_speed_mps))
    if config.max_gap_s is not None:
        verbs.append(GapSplitter(config.max_gap_s))
    verbs.append(MinLength(config.min_points))
    if config.resample_s:
        verbs.append(Resampler(config.resample_s))
    if config.add_speed:
        verbs.append(AddSpeed())
    report = DropReport(rows_in=len(df))
    for verb in verbs:
        df, r = verb.apply(df)
        report = report.merge(r)
    return df, report
