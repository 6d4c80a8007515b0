"""Canonical trajectory table, drop reports and input errors.

Every reader returns, and every cleaning verb takes and returns, a Polars DataFrame with
the canonical columns below (sorted by traj_id, t), plus a `DropReport` that counts every
row it removed and why. Nothing is dropped silently: `rows_in == rows_kept + report.total`
(`DropReport` lives in drop_report.py since review40b and is re-exported here).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl

from trajlm.data.drop_report import SHAPING as SHAPING  # re-exported
from trajlm.data.drop_report import DropReport as DropReport  # re-exported
from trajlm.data.table_order import in_traj_order, traj_sorted
from trajlm.errors import (
    EarlyNumericTimes,
    TrajlmInputError,  # noqa: F401  (re-exported: readers raise it)
    warn_at_caller,
)

SCHEMA_VERSION = 1

# name -> dtype of the required columns. `t` is seconds since the Unix epoch, UTC.
REQUIRED: dict[str, pl.DataType] = {
    "traj_id": pl.Utf8(),
    "t": pl.Int64(),
    "lat": pl.Float64(),
    "lon": pl.Float64(),
}
# Optional columns that readers may add; anything else is kept as-is.
OPTIONAL: dict[str, pl.DataType] = {
    "user_id": pl.Utf8(),
    "vehicle_id": pl.Utf8(),
    "label": pl.Utf8(),
    "speed_mps": pl.Float64(),
    "heading_deg": pl.Float64(),
    "source": pl.Utf8(),
    # reported motion (session 16, sogcog): AIS SOG in knots or a log's speed in m/s, and the
    # course over ground in degrees; "not available" codes (102.3 kn, 360 deg) read as null
    "sog_kn": pl.Float64(),
    "sog_mps": pl.Float64(),
    "cog_deg": pl.Float64(),
    # a fix's own error estimate (session 26): metres (phones) or HDOP (GPS receivers)
    "accuracy_m": pl.Float64(),
    "hdop": pl.Float64(),
    "argos_lc": pl.Utf8(),  # an Argos location class, 3 / 2 / 1 / 0 / A / B (session 29)
}

# Plausible time range for GPS fixes: before 1990 there was no civil GPS.
MIN_T = 631152000  # 1990-01-01T00:00:00Z
# Times given as dates (datetimes, ISO text) are unambiguous: read from 1900, as the historical
# ingest presets (hurricanes, icebergs) read them; numbers before 1990 stay refused (wrong units).
MIN_T_DATED = -2208988800  # 1900-01-01T00:00:00Z

SOURCE_ID = "source_traj_id"  # the user's trip id beside traj_id after the gap split (clean.py)
OnError = Literal["raise", "skip"]


def empty_table() -> pl.DataFrame:
    return pl.DataFrame(schema=REQUIRED)


def _has_fractions(t: pl.Series) -> bool:
    """Whether float times hold parts of a second. Whole-valued floats (a frame's times read
    as float, `write_store` from Python) are cast to Int64 seconds as before subsec38: only
    times with fractions make a sub-second store's Float64 ``t``."""
    return bool(((t - t.floor()).abs() > 0).any())


def conform(df: pl.DataFrame) -> pl.DataFrame:
    """Cast required/optional columns to canonical dtypes, required columns first, sorted."""
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise TrajlmInputError(f"missing required columns {missing}; have {df.columns}")
    units = (("sog_kmh", 1 / 3.6), ("sog_mph", 0.44704), ("sog_kt", 1852 / 3600))  # fix39: kt
    for name, factor in units:  # a speed in km/h, mph, knots not named as AIS's: m/s
        if name in df.columns and "sog_mps" not in df.columns:  # (cols23: `speed (km/h)`)
            speed = pl.col(name).cast(pl.Float64, strict=False) * factor
            df = df.with_columns(speed.alias("sog_mps")).drop(name)
    df = _course_in_degrees(df)
    casts = {**REQUIRED, **OPTIONAL}
    if df.schema["t"] == pl.Float64 and _has_fractions(df["t"]):  # exact times: a sub-second
        casts = {c: d for c, d in casts.items() if c != "t"}  # store's (data/subsec_store.py)
    df = df.with_columns(pl.col(c).cast(d) for c, d in casts.items() if c in df.columns)
    if {"sog_kn", "sog_mps", "cog_deg"} & set(df.columns):  # reported motion: codes -> null
        df = df.with_columns(_not_available(c) for c in ("sog_kn", "sog_mps", "cog_deg")
                             if c in df.columns)  # fmt: skip
    rest = [c for c in df.columns if c not in REQUIRED]
    return traj_sorted(df.select([*REQUIRED, *rest]))  # a table in order is not sorted again


def _course_in_degrees(df: pl.DataFrame) -> pl.DataFrame:
    """A course kept in radians (`cog_rad`) or as compass words (`cog_compass`, or text in
    `cog_deg`: a fleet report's `Heading` of `SE`) as `cog_deg` in degrees (session 36,
    leftover36), as a speed in km/h becomes `sog_mps` above."""
    from trajlm.data.motion_columns import course_degrees

    for name, radians in (("cog_rad", True), ("cog_compass", False)):
        if name in df.columns and "cog_deg" not in df.columns:
            if radians:  # badin37: degrees named as radians (359 -> 349 deg) were kept unsaid
                value = pl.col(name).cast(pl.Float64, strict=False).abs()
                turn, far = (value > 2 * math.pi + 0.01), (value > 4 * math.pi + 0.01)
                n_turn, n_far = df.select(turn.sum().alias("a"), far.sum().alias("b")).row(0)
                if n_far:  # beyond two turns: not radians
                    warn_at_caller(
                        f"course: {n_far:,} value(s) in {name.replace('cog_rad', 'a column of radians')} "
                        "lie beyond 4 pi (degrees in a column named as radians?): read as no "
                        "course there; name a column of degrees `heading` or `heading_deg`"
                    )
                    df = df.with_columns(
                        pl.when(far).then(None).otherwise(pl.col(name)).alias(name)
                    )
                elif n_turn:  # a turn and a bit: wrapped (leftover36), said
                    warn_at_caller(f"course: {n_turn:,} value(s) in radians lie beyond 2 pi: "
                                   "read modulo a full turn")  # fmt: skip
            course = course_degrees(name, df.schema[name], radians).alias("cog_deg")
            df = df.with_columns(course).drop(name)
    if "cog_deg" in df.columns and df.schema["cog_deg"] == pl.String:
        df = df.with_columns(course_degrees("cog_deg", pl.String).alias("cog_deg"))
    if "cog_deg" in df.columns and df.schema["cog_deg"].is_numeric():
        value = pl.col("cog_deg").cast(pl.Float64)
        over = ((value > 360) & ~value.is_in([511.0])).sum()  # AIS: 360 / 511 "not available"
        n_over, n = df.select(over.alias("over"), value.is_not_null().sum().alias("n")).row(0)
        if n and n_over >= n / 10:  # badin37: mils / tenths of a degree dropped unsaid
            warn_at_caller(
                f"course: {n_over:,} of {n:,} values lie over 360 degrees (another unit: mils, "
                "tenths of a degree?): read as no course there; convert the column to degrees"
            )
    return df


def _not_available(column: str) -> pl.Expr:
    """AIS "not available": SOG 102.3 kn (limit 102.25), COG 360 deg; negatives everywhere.
    `sog_kn` is kept for AIS-named speeds only (readers/ais.py; fix39): a race car's or an
    aircraft's speed, kept as `sog_mps`, has no such code: over 340 m/s
    (clean_common.IMPOSSIBLE_SPEED_MPS, faster than sound) it is no vehicle's."""
    hi = {"sog_kn": 102.25, "sog_mps": 340.0, "cog_deg": 360.0}[column]
    c = pl.col(column)
    if column == "cog_deg":  # a heading of -180..180 (yaw, many IMUs): wrapped, not dropped
        c = pl.when((c < 0) & (c >= -360)).then(c + 360.0).otherwise(c)  # (badin37)
    return pl.when((c >= 0) & (c < hi)).then(c).otherwise(None).alias(column)


@dataclass
class Problem:
    column: str
    issue: str
    n_rows: int
    first_row: int | None


def validate(df: pl.DataFrame, min_t: int = MIN_T) -> list[Problem]:
    """Report what is wrong with a canonical table and where (first offending row index).

    Returns an empty list for a valid table. Checks: required columns and dtypes, nulls/NaN,
    lat/lon ranges, time plausibility (from ``min_t``; MIN_T_DATED for dated input), sort
    order and duplicate (traj_id, t).
    """
    problems: list[Problem] = []
    for c, dtype in REQUIRED.items():
        if c not in df.columns:
            problems.append(Problem(c, "missing column", len(df), None))
        elif df.schema[c] != dtype and not (c == "t" and df.schema[c] == pl.Float64):
            problems.append(Problem(c, f"dtype {df.schema[c]} != {dtype}", len(df), None))
    if problems:
        return problems

    def _check(column: str, issue: str, bad: pl.Expr) -> None:
        idx = df.with_row_index("_i").filter(bad)["_i"]
        if len(idx):
            problems.append(Problem(column, issue, len(idx), int(idx[0])))

    for c in REQUIRED:
        _check(c, "missing value (null or NaN)", pl.col(c).is_null())
    for c in ("lat", "lon"):
        _check(c, "NaN or infinite", ~pl.col(c).is_finite())
    _check("lat", "out of range [-90, 90]", pl.col("lat").abs() > 90)
    _check("lon", "out of range [-180, 180]", pl.col("lon").abs() > 180)
    _check("t", "before 1990" if min_t == MIN_T else "before 1900", pl.col("t") < min_t)
    if in_traj_order(df, strict=True):  # none of the three below can fire; each shifted the
        return problems  # ids into one chunk (+77 MB at 4.9 M rows read in chunks; scale39)
    same = pl.col("traj_id") == pl.col("traj_id").shift(1)
    _check("t", "not sorted by (traj_id, t)", same & (pl.col("t") < pl.col("t").shift(1)))
    _check(
        "t", "duplicate timestamp within trajectory", same & (pl.col("t") == pl.col("t").shift(1))
    )
    _check("traj_id", "not sorted", pl.col("traj_id") < pl.col("traj_id").shift(1))
    return problems


def data_root() -> Path:
    """Where the shared real-data slices live: $TRAJLM_DATA, else ../shared/data from the repo."""
    env = os.environ.get("TRAJLM_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "data"


# An input table read from a file may carry each row's file line (1-based) in this column, so
# that errors name the line rather than a row index after sorting; readers of it drop it.
LINE = "_file_line"


def check_model_input(df: pl.DataFrame, source: str = "input", min_t: int = MIN_T) -> pl.DataFrame:
    """The points a model reads: canonical dtypes, then `validate`; raise on the first problem.

    Used by every entry point that feeds a model (CLI predict/eval/finetune/similar, the Python
    API, the server), so impossible inputs (NaN, latitude 200, times going backwards, duplicate
    timestamps) are refused with one line naming the column and the first bad row, never turned
    into predictions. Times going backwards are read in time order: rows in any order are
    sorted silently; a trajectory given in time order whose clock steps back gets one warning
    with the count (``clock_jumps``; session 21). Returns the conformed table (sorted by
    traj_id, t). ``min_t``: the earliest time (MIN_T_DATED where the caller's times were
    dates, not numbers).
    """
    if len(df) == 0:
        raise TrajlmInputError(f"{source}: no points", hint="give at least 2 points per trajectory")
    try:  # each row's position in the caller's order, which conform's sort changes
        df = conform(df.with_row_index(_ROW))
    except pl.exceptions.PolarsError as e:  # a column that does not cast, e.g. lat = "abc"
        first = str(e).strip().splitlines()[0]
        raise TrajlmInputError(f"{source}: columns do not have the expected types ({first})") from e
    if line := clock_jumps(df):  # rows given in time order whose clock steps back: said
        warn_at_caller(f"{source}: {line}")
    problems = [p for p in validate(df, min_t) if p.issue != "not sorted by (traj_id, t)"]
    if not problems:  # (0, 0) exactly: a device's missing-fix marker, dropped by ingest
        problems = null_island(df)
    if problems:
        p = problems[0]
        row = df.row(p.first_row, named=True) if p.first_row is not None else None
        at = f"row {row[_ROW] if row is not None else p.first_row}"  # the caller's row, unsorted
        if row is not None and row.get(LINE) is not None:  # read from a file: its line number
            at = f"file line {row[LINE]}"
        tid = None if row is None else row["traj_id"]
        where = (
            ""
            if row is None
            else f" (first at {at}" + (")" if tid is None else f", traj_id {tid!r})")
        )  # a missing id is not "None"
        kind = EarlyNumericTimes if p.issue == "before 1990" else TrajlmInputError
        error = kind(
            f"{p.issue} in {p.n_rows} row(s){where}",
            path=source,
            field=p.column,
            hint=_HINTS.get(p.issue, HINT_CLEAN),
        )
        error.traj_id = tid  # said as the caller's id (coerce_names.relabel)
        raise error
    return df.drop(_ROW)


# the Python hint; the CLI names its own --on-error skip instead (_cli_points, newuser24)
HINT_CLEAN = (
    "clean the input first: df, report = trajlm.clean(df, return_report=True) (same column "
    "options) keeps the first of repeated times, sorts and drops invalid coordinates and (0, 0) "
    "fixes, in your frame's kind (files: trajlm data ingest applies the same cleaning verbs)"
)
NULL_ISLAND = "position (0, 0) (a missing-fix marker, 'null island', not a place)"


def null_island(df: pl.DataFrame) -> list[Problem]:
    """Fixes at exactly latitude 0, longitude 0 (degrees): the marker GPS devices write for "no
    fix", which `trajlm data ingest` drops and counts as ``null_island`` (readers/_common.py).
    The model read them as a jump of thousands of km with only a coverage warning (session 24,
    newuser24); now one line names the first (session 25, newuser25). Points merely near (0, 0)
    (a track crossing the Gulf of Guinea, a synthetic frame) are kept: only the exact pair."""
    bad = df.with_row_index("_i").filter((pl.col("lat") == 0) & (pl.col("lon") == 0))["_i"]
    return [Problem("lat", NULL_ISLAND, len(bad), int(bad[0]))] if len(bad) else []


_ROW = "__input_row"  # check_model_input's own column: a problem's row in the caller's order


def clock_jumps(df: pl.DataFrame) -> str | None:
    """One line when a trajectory given in time order has times that step back (a device clock
    jumping back: the later fixes would be sorted in among the earlier ones, a zig-zag); None
    when none does. Rows given in any order (newest first, shuffled, several movers interleaved)
    are sorted without a word: a trajectory counts only when at most a quarter of its steps go
    back in the caller's row order (``df`` conformed, with ``_ROW``)."""
    if df[_ROW].is_sorted():  # the caller's order is the (traj_id, t) order (a store's split):
        return None  # no step back; the sort and group-bys below held ~+280 MB at 4.9 M rows
    rows = df.select("traj_id", "t", _ROW, *[c for c in (LINE,) if c in df.columns]).sort(_ROW)
    back = rows.with_columns(b=(pl.col("t").diff() < 0).over("traj_id").fill_null(False))
    per = back.group_by("traj_id", maintain_order=True).agg(
        n_back=pl.col("b").sum(), n=pl.len(), first=pl.col(_ROW).filter(pl.col("b")).first()
    )
    jumps = per.filter((pl.col("n_back") > 0) & (pl.col("n_back") * 4 <= pl.col("n") - 1))
    if len(jumps) == 0:
        return None
    first = back.filter(pl.col(_ROW) == jumps["first"][0]).row(0, named=True)
    at = f"file line {first[LINE]}" if first.get(LINE) is not None else f"row {first[_ROW]}"
    return (
        f"times go back {int(jumps['n_back'].sum())} time(s) in {len(jumps)} of {len(per)} "
        f"trajectories given in time order (first at {at}, traj_id {first['traj_id']!r}: "
        "a device clock that jumped back?); read in time order, the fixes after each jump "
        "sorted in among the earlier ones. Check that clock, or drop those fixes "
        "(trajlm.clean sorts the same way and counts them as sorted_by_time)"
    )


_HINTS = {  # what to do about a refused time (docs/data.md, "Times before 1990")
    "before 1990": "numbers are read as Unix seconds and these fall before 1990 (no civil GPS): "
    "elapsed seconds or another unit? Real dates (historical records): give the time column as "
    "datetimes (pd.to_datetime(col, unit='s')) or ISO text, read from 1900 (files: trajlm data "
    "ingest --min-year 1900)",
    "before 1900": "dated times are read from 1900-01-01; check the dates (years 13xx / 14xx: "
    "Solar Hijri (Persian) dates? `trajlm data ingest FILE --time-format jalali` reads them; "
    "in pandas write them as Gregorian dates first)",  # heldout30: a Tehran running club
}
