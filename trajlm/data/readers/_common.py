"""Shared machinery of the readers: column mapping, time parsing, row checks (raw text: _lines.py).

Every reader turns raw records into a frame of typed columns plus two bookkeeping columns,
`_file` (index into the list of paths) and `_line` (1-based physical line, or row number for
Parquet), then hands it to `check_rows`, which drops (and counts) or raises on the rows that
cannot become canonical points. Keeping `_file`/`_line` until the end is what lets an error say
"boat-positions.csv line 812 field latitude: ...".

Counting convention (`DropReport.rows_in`): one unit per input record. For point-per-line
formats that is one line = one point. Records that carry several points (a Porto trip) count
their points; records that yield no point at all (a malformed line, an unparseable or empty
POLYLINE, a garbage labels.txt line) count as one unit each, so `rows_in == len(df) + total`.
Blank lines are not records and are ignored.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field, fields
from pathlib import Path

import polars as pl

from trajlm.data.column_names import mmsi_placeholder
from trajlm.data.readers._column_map import ELAPSED_FORMATS as ELAPSED_FORMATS  # re-exported
from trajlm.data.readers._column_map import ColumnMap as ColumnMap
from trajlm.data.readers._degrees import check_degrees
from trajlm.data.readers._lon_360 import wrap_0_360
from trajlm.data.readers._solar_hijri import hijri_hint
from trajlm.data.readers._times import (  # noqa: F401  (re-exported: the readers import them here)
    T_MS,
    T_PARTS,
    T_RAW,
    TIME_FORMAT_HELP,
    TIME_FORMATS,
    _local,
    day_month_hint,
    drop_sub_second,
    exact_time,
    origin_seconds,
    parse_time,
    parse_time_parts,
    unread_zone_hint,
)
from trajlm.data.schema import MIN_T, DropReport, OnError, TrajlmInputError

# A time without a date (a race's `09:03:12` clock, a '%H:%M:%S' format): read as 1900 or
# refused before heldout23 with hints that could not help (--on-error skip drops every row)
TIME_OF_DAY = re.compile(r"\d{1,2}:\d\d(:\d\d(\.\d+)?)?(\s*[AaPp][Mm])?")
NO_DATE = ("has no date: put the date in the column (pandas: df[col] = '2025-04-27 ' + df[col]) "
           "or in a `date` column beside it, which is read with the time")  # fmt: skip

HINT_SKIP = 'use on_error="skip" (--on-error skip on the CLI) to drop and count such rows'
# A fix more than this far in the future is a clock or parsing error, not data.
FUTURE_TOLERANCE_S = 86_400
# Unix seconds this large are year 5138 and later: such a time is milliseconds (1.7e12 in 2023).
MS_LIKE = 100_000_000_000
EXCEL_DAYS = (
    32_874,
    73_051,
)  # 1990-01-01 .. 2100-01-01 as Excel serial days (numbers read as seconds)

WGS84 = ("EPSG:4326", "WGS84", "CRS84")


@dataclass(frozen=True)
class ReadLimits:
    """Resource limits of a read; exceeding one raises TrajlmInputError in both on_error modes.

    They bound the memory a damaged or hostile file can take (a small zip that expands to one
    100 MB line). Defaults come from the environment when set (TRAJLM_MAX_LINE_BYTES,
    TRAJLM_MAX_ZIP_MEMBER_BYTES, TRAJLM_MAX_ZIP_RATIO, TRAJLM_MAX_POINTS_PER_TRAJ), else from
    the values below; pass `limits=ReadLimits(...)` to `read` / `iter_read` / `ingest` to change
    them for one read.
    """

    # Longest text line. Real data: 11 kB (a Porto POLYLINE row); 16 MiB keeps a 500k-point
    # POLYLINE (10 MB, tests/test_bad_input.py) readable and refuses a 100 MB line unparsed.
    max_line_bytes: int = 16 << 20
    max_zip_member_bytes: int = 2 << 30  # uncompressed size of one zip member
    max_zip_ratio: float = 200.0  # uncompressed / compressed size of a zip member (bombs: 1000)
    max_points_per_traj: int = 10_000_000

    _ENV = {
        "max_line_bytes": "TRAJLM_MAX_LINE_BYTES",
        "max_zip_member_bytes": "TRAJLM_MAX_ZIP_MEMBER_BYTES",
        "max_zip_ratio": "TRAJLM_MAX_ZIP_RATIO",
        "max_points_per_traj": "TRAJLM_MAX_POINTS_PER_TRAJ",
    }

    def __post_init__(self) -> None:
        for f in fields(self):
            if not getattr(self, f.name) > 0:
                raise ValueError(f"ReadLimits.{f.name} must be > 0, got {getattr(self, f.name)}")

    @classmethod
    def from_env(cls) -> ReadLimits:
        """Defaults, overridden by the TRAJLM_MAX_* environment variables that are set."""
        out = {}
        for name, var in cls._ENV.items():
            text = os.environ.get(var)
            if text is None:
                continue
            kind = float if name == "max_zip_ratio" else int
            try:
                out[name] = kind(text.replace("_", ""))
            except ValueError:
                raise TrajlmInputError(
                    f"environment variable {var}={text!r} is not a number", field=var
                ) from None
        return cls(**out)


@dataclass
class Ctx:
    """Per-read state: the files seen so far, the error policy and the running report."""

    on_error: OnError
    report: DropReport = field(default_factory=DropReport)
    paths: list[Path] = field(default_factory=list)
    now_s: int = field(default_factory=lambda: int(time.time()))
    min_t: int = MIN_T
    limits: ReadLimits = field(default_factory=ReadLimits.from_env)
    # Per file: stats of the last field of every line so far (see _lines.check_last_line).
    tail_stats: dict[int, dict] = field(default_factory=dict)
    # Latest time per traj_id in file order, across chunks, to count re-sorting.
    last_t: pl.DataFrame | None = None
    # Said after an unparseable time's value (the reader knows which formats it tried).
    time_hint: str | None = None
    # Per (file, traj_id): the last row's repeated-hour state, so a pass through the repeated
    # DST hour split across reader chunks reads on as it started (_clock_change.resolve_local).
    dst_tail: pl.DataFrame | None = None
    # Whether lat / lon come from a column mapping (csv, parquet): the swapped / projected
    # hints name ColumnMap and --crs only then (session 19; ADS-B, Polar, Queclink have none)
    columns_mapped: bool = True
    # Read byte copies of a file as files of their own (PROTOCOL's GeoLife split counts users
    # 081 and 125's 24 shared .plt twice; the default reads them once: session 23)
    keep_copies: bool = False
    said: set = field(default_factory=set)  # lines said once a read (_sensors: accuracy text)
    zone_column: str | None = None  # ColumnMap.t_zone: its own hint (_times.unread_zone_hint)
    # Keep each fix's exact milliseconds beside whole-second `t` (read(exact_times=True): a model
    # call given a path puts the fractions back on its answers, as it does for a frame; leftover34)
    exact_times: bool = False
    # Keep a sub-second source's path and fastest step on each kept fix (ColumnMap.full_rate,
    # sports37: full_rate.py)
    full_rate: bool = False
    sub_second: bool = False  # every fix kept, `t` Float64 exact seconds (subsec38)

    def __post_init__(self) -> None:
        if self.on_error not in ("raise", "skip"):
            raise ValueError(f'on_error must be "raise" or "skip", got {self.on_error!r}')

    def add_path(self, path: Path) -> int:
        self.paths.append(Path(path))
        return len(self.paths) - 1

    def error(self, msg: str, file: int, line: int | None, fld: str | None) -> TrajlmInputError:
        return TrajlmInputError(msg, path=self.paths[file], line=line, field=fld, hint=HINT_SKIP)


def parse_float(col: str) -> pl.Expr:
    """A number from text; one decimal comma (`48,1467`, Excel in most of Europe) is read as
    a decimal point: in a field of its own it cannot be a thousands separator of a coordinate."""
    text = pl.col(col).str.strip_chars().str.replace(r"^([-+]?\d+),(\d+)$", "${1}.${2}")
    return text.cast(pl.Float64, strict=False)


def _ambiguous_zone_word(value: str) -> str | None:
    """Why a time ending in a zone word that names several zones (`10:00 CST`) is not read
    (heldout29 reads the words that name one zone, `_zone_suffix`), or None."""
    import re

    from trajlm.data.readers._java_dates import JAVA_DATE
    from trajlm.data.readers._zone_suffix import meanings_s
    from trajlm.data.zone_names import AMBIGUOUS

    m = re.search(r"\s\(?([A-Za-z]{2,5})\)?$", value.strip())
    java = re.match(JAVA_DATE, value.strip())  # `Mon Mar 02 07:40:02 CST 2026` (heldout33)
    word = (java.group(5) if java and java.group(5) else m.group(1) if m else "").upper()
    if word not in AMBIGUOUS:
        return None
    hours = ", ".join(f"{s / 3600:g}" for s in meanings_s(word))
    return (
        f"{word} names several zones ({AMBIGUOUS[word]}); say which: --tz NAME (a zone that "
        f"writes {word} itself, e.g. {_EXAMPLE_ZONE.get(word, 'Asia/Kolkata')}) or --utc-offset "
        f"HOURS ({hours}) reads the word as that zone (Python: ColumnMap(tz=...)), or write the "
        "offset in the time (+08:00)"
    )


# a zone that writes each ambiguous word, for the refusal's example
_EXAMPLE_ZONE = {"IST": "Asia/Kolkata", "CST": "America/Chicago", "BST": "Europe/London",
                 "AST": "America/Halifax", "GST": "Asia/Dubai", "SST": "Pacific/Pago_Pago",
                 "ECT": "America/Guayaquil"}  # fmt: skip


def _ms_hint(df: pl.DataFrame, value: float) -> str:
    """What a time in the future that looks like milliseconds asks for: --time-format unix_ms,
    or, where other rows of the chunk are Unix seconds, one unit a file (badin19: unix_ms
    would break those rows)."""
    from trajlm.data.readers._epoch_size import MAX_S, MIN_S

    if 19e12 <= value < 21e12 and float(value).is_integer():  # 14 digits: as ms, year 2286+
        return (
            f" ({value:.0f} reads as yyyymmddHHMMSS but is no date: a month, day, hour, "
            "minute or second out of range)"
        )  # fmt: skip  (badin29: unix_ms was advised)
    secs = df.filter(pl.col("t").is_between(MIN_S, MAX_S)) if "t" in df.columns else df.clear()
    if len(secs) == 0:
        return " (milliseconds? pass time_format='unix_ms', --time-format unix_ms)"
    row = secs.sort("_file", "_line").row(0, named=True)
    return (
        f" (milliseconds among Unix seconds: line {row['_line']} is {row['t']} as seconds; "
        "--time-format unix_ms would misread those: write one unit a file)"
    )


def check_rows(df: pl.DataFrame, ctx: Ctx, fields: dict[str, str] | None = None) -> pl.DataFrame:
    """Drop (skip) or raise on rows that cannot be canonical points; count them by reason.

    `df` has typed traj_id, t, lat, lon (nulls where parsing failed) and `_file`, `_line`, and
    may have `_t_raw` (the time as written, named in errors) and `_t_ms` (exact milliseconds:
    then `drop_sub_second` runs). fields: canonical column -> input field name, for error
    messages. Adds len(df) to rows_in. A file whose coordinates look swapped or projected raises
    in both modes: that is a column mapping problem, and skipping would drop every row. Fixes at
    exactly (0, 0) are dropped and counted as `null_island` in both modes (a missing-fix marker).
    """
    out = _check_rows(df, ctx, fields)
    out = drop_sub_second(out, ctx.report, keep_exact=ctx.exact_times, full_rate=ctx.full_rate,
                          keep_all=ctx.sub_second)  # fmt: skip
    return out.drop(T_RAW, "_raw_lat", "_raw_lon", strict=False)


def _check_rows(df: pl.DataFrame, ctx: Ctx, fields: dict[str, str] | None) -> pl.DataFrame:
    fields = {"traj_id": "traj_id", "t": "t", "lat": "lat", "lon": "lon", **(fields or {})}
    ctx.report.rows_in += len(df)
    if len(df) == 0:
        return df
    check_degrees(df, ctx, fields)
    lat, lon, t = pl.col("lat"), pl.col("lon"), pl.col("t")
    # (0, 0) exactly ("null island") is a device's missing-fix marker, not a place: dropped and
    # counted as `null_island` in both modes, like a preset's no_fix
    island = ((lat == 0) & (lon == 0)).fill_null(False)
    n_island = int(df.select(island.sum()).item())
    if n_island:
        ctx.report.drop("null_island", n_island)
        df = df.filter(~island)
    if (mmsi := mmsi_placeholder(fields["traj_id"])) is not None and (
        n := df.select(mmsi.sum()).item()
    ):
        ctx.report.drop("placeholder_mmsi", n)  # MMSI 0 / 999999999: no one vessel (session 15)
        df = df.filter(~mmsi)
    # Rows without a position (both coordinates empty: Movebank events of other sensors,
    # OpenSky vectors before a position; AIS's 91 / 181 "not available") are `no_fix` in both
    # modes, unless no row of the chunk has one (a column mapping problem, said below); so are
    # both coordinates -999 / -9999, science loggers' missing value (heldout30: radiosondes)
    missing = ((lat == -9999) & (lon == -9999)) | ((lat == -999) & (lon == -999))
    none = (lat.is_null() & lon.is_null()) | ((lat == 91) & (lon == 181) | missing).fill_null(False)
    n_none = int(df.select(none.sum()).item())
    if n_none and n_none < len(df):
        ctx.report.drop("no_fix", n_none)
        df = df.filter(~none)
    df = wrap_0_360(df, ctx.report)  # 180.2 for -179.8 (heldout26); after AIS's 91 / 181
    if ctx.min_t == MIN_T:
        early_reason, early_msg = "timestamp_before_1990", "time before 1990-01-01 (no civil GPS)"
    else:
        early_reason, early_msg = "timestamp_before_min_t", f"time before min_t={ctx.min_t}"
    checks = [  # (reason, canonical field, condition, message)
        ("malformed_row", "traj_id", pl.col("traj_id").is_null(), "missing trajectory id"),
        ("malformed_row", "t", t.is_null(), "time is missing or not parseable"),
        ("malformed_row", "lat", lat.is_null(), "latitude is missing or not a number"),
        ("malformed_row", "lon", lon.is_null(), "longitude is missing or not a number"),
        ("nan_coordinate", "lat", ~lat.is_finite(), "latitude is NaN or infinite"),
        ("nan_coordinate", "lon", ~lon.is_finite(), "longitude is NaN or infinite"),
        ("out_of_range", "lat", lat.abs() > 90, "latitude outside [-90, 90]"),
        ("out_of_range", "lon", lon.abs() > 180, "longitude outside [-180, 180]"),
        (early_reason, "t", t < ctx.min_t, early_msg),
        ("timestamp_in_future", "t", t > ctx.now_s + FUTURE_TOLERANCE_S, "time in the future"),
    ]
    code = pl.lit(None, dtype=pl.Int32)
    for k, (_, _, cond, _) in reversed(list(enumerate(checks))):
        code = pl.when(cond.fill_null(False)).then(pl.lit(k, dtype=pl.Int32)).otherwise(code)
    df = df.with_columns(_bad=code)
    bad = df.filter(pl.col("_bad").is_not_null())
    if len(bad) == 0:
        return df.drop("_bad")
    if ctx.on_error == "raise" or ctx.report.first_problem is None:
        first = bad.sort(["_file", "_line"]).row(0, named=True)
        reason, fld, _, msg = checks[first["_bad"]]
        value = first.get(fld)
        if reason == "out_of_range":  # a warehouse's 0..300 m (newuser36)
            msg += (" (metres on a plane, a pitch or a warehouse? --crs local, crs='local' in "
                    "Python; a projected grid: --crs EPSG:...)")  # fmt: skip
        if reason == "timestamp_in_future" and value >= MS_LIKE:
            msg += _ms_hint(df, value)
        if reason == "timestamp_before_1990" and value is not None and 0 <= value < 10**8:
            if EXCEL_DAYS[0] <= value <= EXCEL_DAYS[1]:  # a date in 1990-2100 as days
                msg += (" (Excel serial dates, days since 1899-12-30? --time-format excel, "
                        "time_format='excel' in Python; ")  # fmt: skip
            else:
                msg += " ("
            msg += ("seconds elapsed from 0? declare the instant they count from: "
                    "--time-origin 2020-01-01T00:00Z, time_origin= in Python)")  # fmt: skip
        after = ""
        if reason == "timestamp_before_1990" and (why := hijri_hint(first.get(T_RAW))):
            msg, after = msg.split(" (")[0], f": {why}"  # heldout30: `1405/09/02` (Tehran)
        if reason == "timestamp_before_1990" and NO_DATE in (ctx.time_hint or ""):
            msg, after = msg.split(" (no civil GPS)")[0], f": {ctx.time_hint}"  # heldout23
        if value is None and fld in ("lat", "lon") and first.get(f"_raw_{fld}") is not None:
            from trajlm.data.readers._coord_forms import why_not

            value = first[f"_raw_{fld}"]  # the coordinate text that did not parse
            after = f": {why_not(value, fld)}"
        if value is None and fld == "t" and first.get(T_RAW) is not None:
            value = first[T_RAW]  # the text that did not parse, not the null it became
            if ctx.time_hint and str(value).strip():
                after = f": {ctx.time_hint}"
            if ctx.zone_column and (why := unread_zone_hint(value, ctx.zone_column)):
                after = f": {why}"  # the row's zone, not the time, is unreadable (readers27)
            if ctx.time_hint and TIME_OF_DAY.fullmatch(str(value).strip()):
                after = f": {value!r} is a time of day and {NO_DATE}"  # heldout23 (a marathon log)
            if ctx.time_hint and (why := day_month_hint(str(value))):
                after = f": {why}"  # session 20 (slashes), 28 (dashes): why the date is not read
            if ctx.time_hint and (why := _ambiguous_zone_word(str(value))):
                after = f": {why}"  # badin29: '... CST' got the time formats' list
        err = ctx.error(
            f"{msg} ({reason}; value {value!r}){after}",
            first["_file"],
            first["_line"],
            fields[fld],
        )
        if ctx.on_error == "raise":
            raise err
        ctx.report.first_problem = str(err).split("; use on_error=")[0]  # skip: said later
    for k, n in bad.group_by("_bad").len().iter_rows():
        ctx.report.drop(checks[k][0], n)
    return df.filter(pl.col("_bad").is_null()).drop("_bad")


def claim_stem(ctx: Ctx, file: int, seen: dict[str, Path]) -> bool:
    """For formats whose trajectory ids start with the file stem (GPX, MF-JSON): False when an
    earlier file of the read has the same stem (`a/track.gpx`, `b/track.gpx`), whose ids would
    merge two different tracks into one. Raises in raise mode; in skip mode the caller counts
    the file's points as `duplicate_traj_id`."""
    path = ctx.paths[file]
    first = seen.setdefault(path.stem, path)
    if first == path:
        return True
    if ctx.on_error == "raise":
        raise ctx.error(
            f"its trajectory ids ({path.stem}/...) are those of {first}, read before: the two "
            "files would be merged into one trajectory (duplicate_traj_id); rename one of them",
            file,
            None,
            None,
        )
    return False


def finalize(df: pl.DataFrame) -> pl.DataFrame:
    """Drop bookkeeping columns; the caller conforms (casts, sorts)."""
    return df.drop([c for c in ("_file", "_line") if c in df.columns])


def hold_back(df: pl.DataFrame, carry: pl.DataFrame | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split a chunk (rows in file order) into (complete trajectories, trailing trajectory).

    The trailing trajectory may continue in the next chunk, so it is carried over; this gives
    whole trajectories per chunk when the file groups rows by trajectory (all shared data do).
    """
    if carry is not None and len(carry):
        df = pl.concat([carry, df], how="diagonal_relaxed")
    if len(df) == 0:
        return df, df
    last = df["traj_id"][-1]
    tail = pl.col("traj_id") == last
    return df.filter(~tail), df.filter(tail)


def count_resorted(df: pl.DataFrame, ctx: Ctx, across_chunks: bool = False) -> None:
    """Count rows (in file order) whose time is earlier than their trajectory's previous row:
    `conform` re-sorts them, a repair counted as `repaired["sorted_by_time"]` (the same rule as
    clean.SortByTime, which then finds nothing left to sort).

    across_chunks: remember each trajectory's last row for the next chunk (point-per-row
    formats, where a trajectory's rows may continue in a later chunk or file).
    """
    if len(df) == 0:
        return
    if "_line" in df.columns and df["_line"].null_count() == 0:  # file order, whatever joins did
        df = df.sort(["_file", "_line"], maintain_order=True)
    pts = df.select("traj_id", "t").with_row_index("_i").with_columns(pl.col("_i").cast(pl.Int64))
    if across_chunks and ctx.last_t is not None:  # earlier chunks' last rows go first
        pts = pl.concat([ctx.last_t, pts])
    tid, t = pl.col("traj_id"), pl.col("t")
    runs = (tid != tid.shift(1)).fill_null(True).sum().alias("runs")
    runs, n_ids = pts.select(runs, tid.n_unique().alias("n_ids")).row(0)
    if runs != n_ids:  # rows of a trajectory are not contiguous: group them, in file order
        pts = pts.sort(["traj_id", "_i"])
    behind = (tid == tid.shift(1)) & (t < t.shift(1))
    ctx.report.repair("sorted_by_time", int(pts.select(behind.sum()).item()))
    if across_chunks:
        last = pts.filter((tid != tid.shift(-1)).fill_null(True))
        ctx.last_t = last.with_columns(_i=pl.lit(-1, dtype=pl.Int64))
