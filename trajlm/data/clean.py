"""Cleaning verbs on the canonical table, one class per operation (like MovingPandas' splitters).

Each verb holds its parameters (units in the names) and has `apply(df) -> (df, DropReport)`.
Input and output are canonical tables sorted by (traj_id, t); every removed row is counted in
`report.dropped[reason]`, so `report.rows_in == len(out) + report.total` for every verb except
`Resampler`, whose output rows are new interpolated points (it records `repaired["resampled_from"]`
/ `["resampled_to"]` instead). Everything is vectorized over the whole table with Polars
expressions (`.over("traj_id")`, shifts) or NumPy; no Python loop runs per trajectory or point.

`clean(df, CleanConfig(...))` chains the verbs in a fixed, sensible order and merges the reports:
invalid -> sort by time -> dedupe -> thin -> speed filter -> stop / gap split -> min length ->
resample.

The verbs live by idea: this module (validity, order, duplicates, gap split, length, the
chain), clean_speed.py (SpeedFilter), clean_sampling.py (Thinner, Resampler, AddSpeed),
clean_split.py (GapSplitter, StopSplitter: trips / voyages),
clean_common.py (shared expressions); all are importable from here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

from trajlm.data.clean_accuracy import DEFAULT_MAX_ACCURACY_M, DropInaccurate
from trajlm.data.clean_common import (  # noqa: F401  (re-exported: one import for users)
    FIRST_ROW,
    GLITCH_SPEED_FACTOR,
    IMPOSSIBLE_SPEED_MPS,
    check_sorted,
    empty_report,
    fast_points,
    step_speed_mps,
)
from trajlm.data.clean_keywords import as_pieces as keyed_pieces
from trajlm.data.clean_keywords import config_from_keywords
from trajlm.data.clean_sampling import AddSpeed, Resampler, Thinner, thin_mask  # noqa: F401
from trajlm.data.clean_speed import SpeedFilter, speed_filter_mask  # noqa: F401
from trajlm.data.clean_split import (  # noqa: F401
    CUT,
    DEFAULT_MAX_GAP_S,
    GAP_INTERVALS,
    STOP_DRIFT_MPS,
    STOP_MIN_S,
    STOP_RADIUS_M,
    GapSplitter,
    StopSplitter,
)
from trajlm.data.geometry import haversine_m  # noqa: F401  (its old home, re-exported)
from trajlm.data.schema import MIN_T, SOURCE_ID, DropReport  # noqa: F401  (SOURCE_ID re-exported)
from trajlm.errors import TrajlmInputError


@dataclass
class DropInvalidCoords:
    """Drop rows with a null traj_id, null/NaN/inf lat, lon or t, AIS's "not available"
    91 / 181 ("no_fix"), |lat| > 90, |lon| > 180, or a time before `min_t` (default 1990-01-01, before civil GPS). One reason per row, the first
    that applies in that order."""

    min_t: int = MIN_T

    def apply(self, df: pl.DataFrame) -> tuple[pl.DataFrame, DropReport]:
        report = empty_report(df)
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
            .when((lat == 91) & (lon == 181))  # AIS "not available", as the readers count it
            .then(pl.lit("no_fix"))
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
        report = empty_report(df)
        df = df.sort("traj_id", maintain_order=True)
        behind = ~FIRST_ROW.fill_null(True) & (pl.col("t") < pl.col("t").shift(1))
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
        report = empty_report(df)
        out = df.filter(pl.struct("traj_id", "t").is_first_distinct())
        report.drop("duplicate_timestamp", len(df) - len(out))
        return out, report


@dataclass
class MinLength:
    """Drop trajectories with fewer than `min_points` points ("short_trajectory", counted in
    points); the number of trajectories removed goes to `repaired["short_trajectories"]`."""

    min_points: int = 2

    def apply(self, df: pl.DataFrame) -> tuple[pl.DataFrame, DropReport]:
        report = empty_report(df)
        n = pl.len().over("traj_id")
        short = df.filter(n < self.min_points)
        report.drop("short_trajectory", len(short))
        report.repair("short_trajectories", short["traj_id"].n_unique() if len(short) else 0)
        return df.filter(n >= self.min_points), report


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
    # trips / voyages (StopSplitter): cut where the mover stays within stop_radius_m metres for
    # at least stop_min_s seconds, the inner points dropped ("stopped"); None: no stop split
    stop_min_s: float | None = None
    stop_radius_m: float = STOP_RADIUS_M
    # with a reported speed: drift under this between two stays is still the stop (session 17;
    # None: the box alone; `data ingest --stop-drift-kn`, session 18)
    stop_drift_mps: float | None = STOP_DRIFT_MPS
    # with max_gap_s: a trajectory whose median interval is longer than max_gap_s is split at
    # gaps over this many times its median interval instead (session 19: an hourly collar kept
    # whole under the 30-min default; denser tracks split as before); None: max_gap_s alone
    gap_intervals: float | None = None
    # a fix's own error estimate (clean_accuracy.py, session 26): rows with `accuracy_m` over
    # this many metres / `hdop` over this are dropped ("low_accuracy" / "high_hdop"); None: kept
    max_accuracy_m: float | None = DEFAULT_MAX_ACCURACY_M
    max_hdop: float | None = None


PRESETS: dict[str, CleanConfig] = {
    # PROTOCOL.md: thin to >= 15 s, split at gaps > 300 s, drop segments < 10 points.
    "geolife": CleanConfig(min_interval_s=15, max_gap_s=300, min_points=10),
    # PROTOCOL.md: drop trips with < 10 points (MISSING_DATA=True is the reader's job).
    "porto": CleanConfig(min_points=10),
    # Unknown sources: only structural repairs, split at 30 min silences.
    "default": CleanConfig(max_gap_s=DEFAULT_MAX_GAP_S, min_points=2, gap_intervals=GAP_INTERVALS),
}


def clean(df: Any, config: CleanConfig | None = None, *, return_report: bool | None = None,
          say_fast: bool = True, **columns: Any) -> Any:  # fmt: skip
    """Run the configured verbs in order: invalid -> sort -> dedupe -> thin -> speed -> stop and
    gap split -> min length -> resample -> add speed. Returns the table and the merged DropReport
    (rows_in of the input; conservation holds unless resample_s is set).

    ``df``: a canonical Polars table (traj_id, t, lat, lon), or any frame ``TrajLM`` takes
    (pandas, GeoPandas, Polars under the caller's names, ``traj_col=`` etc. in ``columns``),
    returned cleaned in its own kind and names (``trajlm.clean(df)``: what the API's refusal
    of duplicate times or invalid coordinates points to). A frame keyed by a vehicle / user /
    device (``vehicle_id``, ``user_id``, no id column: not a trip column or ``traj_col=``) comes
    out cut into trips at ingest's default gap rule, as ``TrajLM`` reads it: the caller's id,
    then ``piece``; ``report.repaired["gap_splits"]`` counts the cuts (session 21, vehicles21).
    ``split_gaps=False`` keeps each whole; a ``config`` with its own ``max_gap_s`` /
    ``stop_min_s`` cuts by that instead, as before.

    ``return_report`` (api29; scikit-learn's ``return_X_y`` pattern): ``False`` returns the
    cleaned frame alone, as a new user expects (pandas / GeoPandas: the DropReport in
    ``frame.attrs["clean_report"]``; Polars frames hold no attrs: ask for the tuple);
    ``True`` returns ``(frame, report)``. Not given: ``(frame, report)`` as before, with a
    FutureWarning (once) that the default becomes the frame alone in a later release.

    Steps far faster than the table's own (ingest's jump rule: over 4x its 99th-percentile
    step speed, at least 20 m/s, at most 340 m/s: a bad fix or a swapped lat/lon) are kept
    unless ``max_speed_mps`` is set, as `trajlm data ingest` keeps them, and said as ingest says
    them: counted in ``report.impossible_speed`` (its ``threshold_mps``, ``p99_mps``) and one
    ``UserWarning`` naming the ``max_speed_mps`` that drops them (``say_fast=False``: counted
    only; ingest says its own total; leftover39, newuser40)."""
    import numpy as np

    if isinstance(return_report, np.bool_):  # numpy's (a comparison's answer; badin29)
        return_report = bool(return_report)
    if return_report is not None and not isinstance(return_report, bool):
        raise TrajlmInputError(f"return_report must be True or False, got {return_report!r}")
    # split_at_stops=True, stop_minutes=..., any CleanConfig field (session 32, newuser32)
    if config is not None and not isinstance(config, CleanConfig):  # before: AttributeError
        raise TrajlmInputError(f"config must be a CleanConfig or None, got "
                               f"{type(config).__name__}", field="config",
                               hint="or give the settings as keywords: trajlm.clean(df, "
                               "max_speed_mps=50)")  # fmt: skip
    config, columns, said = config_from_keywords(config, columns, PRESETS["default"])
    out, report = _clean(df, config, as_pieces=said, **columns)
    if say_fast and (fast := report.impossible_speed):
        from trajlm.errors import warn_at_caller

        warn_at_caller(fast_line(fast), UserWarning)
    if return_report is None:
        from trajlm.errors import warn_once_at_caller

        warn_once_at_caller(
            "trajlm.clean(df) returns (frame, report); a later release returns the frame alone: "
            "pass return_report=False for the frame now (its report in "
            "frame.attrs['clean_report']), or return_report=True to keep the pair",
            FutureWarning,
        )
    if return_report is False:
        if hasattr(out, "attrs") and isinstance(out.attrs, dict):
            out.attrs["clean_report"] = report
        return out
    return out, report


def _clean(df: Any, config: CleanConfig | None = None, *, as_pieces: bool = False,
           **columns: Any) -> tuple[Any, DropReport]:  # fmt: skip
    """``clean``'s work: (the cleaned table, its DropReport); ``as_pieces``: a frame cut by
    the config's own rule comes back keyed by the caller's id and ``piece`` (clean_keywords)."""
    canonical = isinstance(df, pl.DataFrame) and {"traj_id", "t", "lat", "lon"} <= set(df.columns)
    if not canonical or columns:
        from dataclasses import replace

        from trajlm._arguments import with_gap_rule
        from trajlm.data.caller_index import index_back, tag_positions
        from trajlm.data.coerce import coerce
        from trajlm.data.coerce_out import from_canonical
        from trajlm.data.coerce_rows import placeholder_rows
        from trajlm.data.local_plane import refuse_plane_layout
        from trajlm.data.outlier_flags import MARKED_OUTLIER, marked_rows
        from trajlm.data.schema import MIN_T_DATED, SOURCE_ID

        own_cut = config is not None and (
            config.max_gap_s is not None or config.stop_min_s is not None
        )
        if not own_cut:  # a vehicle's / user's fixes cut into trips as ingest and TrajLM cut them
            columns = with_gap_rule(columns)
        df, caller_index = tag_positions(df)  # the result on the caller's index (newuser26)
        table, layout = coerce(df, validate=False, **columns)
        refuse_plane_layout(table, layout)  # metres read as degrees: refused (local37)
        config = config or CleanConfig()
        if layout.time_kind != "epoch" and config.min_t == MIN_T:  # dates: read from 1900
            config = replace(config, min_t=MIN_T_DATED)
        # (0, 0) exactly: a missing-fix marker, dropped and counted first as ingest does (the
        # API's refusal points here; session 25, newuser25)
        island = ((table["lat"] == 0) & (table["lon"] == 0)).fill_null(False)
        n_island = int(island.sum())
        # rows a portal marked as outliers (Movebank's flags), dropped as ingest drops them
        marked = marked_rows(table)  # (session 26, newuser26)
        marked = island & False if marked is None else marked & ~island
        n_marked = int(marked.sum())
        mmsi = placeholder_rows(table, layout.traj_col)  # MMSI 0 / 999999999, as ingest
        mmsi = (
            pl.Series([False] * table.height, dtype=pl.Boolean)
            if mmsi is None
            else mmsi & ~island & ~marked
        )
        n_mmsi = int(mmsi.sum())
        out, report = _clean(table.filter(~island & ~marked & ~mmsi), config)
        report.rows_in += n_mmsi + n_island + n_marked
        if n_island:
            report.drop("null_island", n_island)
        if n_marked:
            report.drop(MARKED_OUTLIER, n_marked)
        if n_mmsi:
            report.drop("placeholder_mmsi", n_mmsi)
        if (pieces := layout.pieces) is not None:  # the cuts coerce made, counted as ingest's
            report.repair("gap_splits", len(pieces) - pieces[SOURCE_ID].n_unique())
        if as_pieces:  # the caller's id and `piece` (clean_keywords.py)
            out = keyed_pieces(out, layout)
        return index_back(
            from_canonical(out, layout=layout, caller_order=True), caller_index
        ), report
    config = config or CleanConfig()
    verbs: list = [
        DropInvalidCoords(config.min_t),
        DropInaccurate(config.max_accuracy_m, config.max_hdop),
        SortByTime(config.nonmonotonic),
        DropDuplicateTimestamps(),
    ]
    if config.min_interval_s:
        verbs.append(Thinner(config.min_interval_s))
    if config.max_speed_mps is not None:
        verbs.append(SpeedFilter(config.max_speed_mps))
    if config.stop_min_s is not None:  # marks the cuts; the gap split names the pieces
        verbs.append(StopSplitter(config.stop_radius_m, config.stop_min_s,
                                  config.stop_drift_mps).mark)  # fmt: skip
    if config.max_gap_s is not None or config.stop_min_s is not None:
        gap = config.max_gap_s if config.max_gap_s is not None else math.inf
        verbs.append(GapSplitter(gap, config.gap_intervals))
    verbs.append(MinLength(config.min_points))
    if config.resample_s:
        verbs.append(Resampler(config.resample_s))
    if config.add_speed:
        verbs.append(AddSpeed())
    report = DropReport(rows_in=len(df))
    # badin25: a canonical frame kept its (0, 0) fixes, so the API's refusal of them (which
    # points here) came back after trajlm.clean(df); dropped and counted as for any frame
    island = ((df["lat"] == 0) & (df["lon"] == 0)).fill_null(False)
    if n_island := int(island.sum()):
        df = df.filter(~island)
        report.drop("null_island", n_island)
    # badin26: a ferry frame written 0..360 lost every fix east of 180 as lon_out_of_range,
    # where ingest and the API read them as -180..180 (readers/_lon_360.py, heldout26)
    from trajlm.data.readers._lon_360 import wrap_0_360

    df = wrap_0_360(df, report)
    for verb in verbs:
        df, r = verb(df) if callable(verb) else verb.apply(df)
        report = report.merge(r)
    if config.max_speed_mps is None:  # kept: counted, by ingest's rule (newuser40)
        report.impossible_speed = kept_jumps(df)
    return df, report


def kept_jumps(df: pl.DataFrame) -> dict | None:
    """{steps, max_mps, threshold_mps, p90_mps, p99_mps} of the steps a cleaned table keeps
    that are faster than ingest's jump rule (jump_steps: 4x the table's usual step speed, at
    least 20 m/s, at most 340 m/s), or None. Was 340 m/s alone (leftover39), so a barge's
    20-60 km bad fixes (50-160 m/s among 3 m/s steps) passed `trajlm.clean` unsaid where ingest
    said "17 steps faster than 21 m/s" of the same file (newuser40)."""
    from trajlm.data.jump_steps import JumpSteps

    jumps = JumpSteps()
    jumps.add(df)
    record = jumps.record()
    if record is None:
        return None
    return {k: record[k] for k in ("steps", "max_mps", "threshold_mps", "p90_mps", "p99_mps")}


def fast_line(fast: dict) -> str:
    """The line for ``report.impossible_speed``, in the Python keyword's words (ingest's says
    ``--max-speed-mps``)."""
    rule = ""
    if fast.get("p99_mps"):  # ingest's rule: 4x the usual step speed (badin40's p90 guard)
        from trajlm.data.clean_common import reference_speed

        usual = reference_speed(fast.get("p90_mps", fast["p99_mps"]), fast["p99_mps"])
        which = "99th-percentile" if usual == fast["p99_mps"] else "usual (3x its 90th percentile)"
        rule = f"{GLITCH_SPEED_FACTOR:g}x this input's {which} step speed, {usual:g} m/s; "
    return (f"{fast['steps']:,} step(s) between consecutive points are faster than "
            f"{fast['threshold_mps']:g} m/s ({rule}fastest {fast['max_mps']:,.0f} m/s: a bad fix "
            "or a swapped lat/lon); the points are kept (report.impossible_speed): "
            f"trajlm.clean(df, max_speed_mps={fast['threshold_mps']:g}) drops them")  # fmt: skip
