"""The readers' row checks: `check_rows` drops (and counts) or raises on the rows that cannot
become canonical points (no time, a time in the future or in milliseconds, a coordinate out of
range, a placeholder id), each refusal naming file, line and field with a hint that can help.

Split from _common.py by review38b (which re-exports every name here); Ctx: _read_context.py."""

from __future__ import annotations

import re

import polars as pl

from trajlm.data.column_names import mmsi_placeholder
from trajlm.data.readers._degrees import check_degrees
from trajlm.data.readers._lon_360 import wrap_0_360
from trajlm.data.readers._read_context import Ctx
from trajlm.data.readers._solar_hijri import hijri_hint
from trajlm.data.readers._sub_second_times import drop_sub_second
from trajlm.data.readers._times import T_RAW, day_month_hint, unread_zone_hint
from trajlm.data.schema import MIN_T

# A time without a date (a race's `09:03:12` clock, a '%H:%M:%S' format): read as 1900 or
# refused before heldout23 with hints that could not help (--on-error skip drops every row)
TIME_OF_DAY = re.compile(r"\d{1,2}:\d\d(:\d\d(\.\d+)?)?(\s*[AaPp][Mm])?")
NO_DATE = ("has no date: put the date in the column (pandas: df[col] = '2025-04-27 ' + df[col]) "
           "or in a `date` column beside it, which is read with the time")  # fmt: skip


# A fix more than this far in the future is a clock or parsing error, not data.
FUTURE_TOLERANCE_S = 86_400
# Unix seconds this large are year 5138 and later: such a time is milliseconds (1.7e12 in 2023).
MS_LIKE = 100_000_000_000
EXCEL_DAYS = (
    32_874,
    73_051,
)  # 1990-01-01 .. 2100-01-01 as Excel serial days (numbers read as seconds)


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
