"""Time parsing of the readers: text / numbers / date parts -> Unix seconds or milliseconds
(UTC), naive times read in a zone or at a fixed offset.

Split from _common.py (which re-exports the readers' names here). The repeated and missing hours
of a DST zone are resolved in _clock_change.py (split out by review29); the sub-second repair and
frame rates live in _sub_second_times.py (split out by review38b; its names re-exported here)."""

from __future__ import annotations

import re

import polars as pl

from trajlm.data.readers._buddhist_era import BUDDHIST_OFFSET, BUDDHIST_YEAR, common_era  # noqa: F401
from trajlm.data.readers._java_dates import java_js_dates, with_resolved_words
from trajlm.data.readers._month_names import english_months
from trajlm.data.readers._solar_hijri import JALALI, gregorian_dates
from trajlm.data.readers._sub_second_times import (  # noqa: F401  (re-exported: read here before)
    EXACT_MS,
    FRAMES,
    T_MS,
    T_RAW,
    drop_sub_second,
    exact_seconds,
    exact_time,
    frame_rate,
)
from trajlm.data.readers._zone_suffix import resolved_words, suffix_offset, without_suffix

# An AVL / SCADA date-time written as 14 digits, yyyymmddHHMMSS (`20260912221503`; heldout29's
# police export): no Unix time in seconds, though it reads as a number (_naive_times, data/times.py)
DATE_TIME_DIGITS = r"^(?:19|20)\d{12}(?:\.0+)?$"

# Parts that `ColumnMap.t_parts` may name, in order, with their zero-padded width and default.
T_PARTS = {"year": (4, None), "month": (2, None), "day": (2, None), "hour": (2, "0"),
           "minute": (2, "0"), "second": (2, "0")}  # fmt: skip


def local_epoch(
    naive: pl.Expr, unit: str, utc_offset_s: int, tz: str | None, ambiguous: str = "earliest"
) -> pl.Expr:
    """A naive datetime read as local time: in zone `tz` (DST-aware; a time that does not exist
    in the zone is null, an ambiguous one the earlier, or with ambiguous="latest" the later),
    else `utc_offset_s` ahead of UTC."""
    if tz:
        aware = naive.dt.replace_time_zone(tz, ambiguous=ambiguous, non_existent="null")
        return aware.dt.epoch(unit)
    return naive.dt.epoch(unit) - utc_offset_s * (1000 if unit == "ms" else 1)


# ISO 8601's comma decimal (`2026-03-01T10:00:00,500`, European loggers; badin39: refused as
# "not ISO-8601"): a comma right after a time's seconds and before a digit is its decimal mark
_SECONDS_COMMA = r"(\d{1,2}:\d{2}:\d{2}),(\d)"


def decimal_comma(text: pl.Expr) -> pl.Expr:
    """Time text with a comma after its seconds (`10:00:00,5`) written with a point."""
    return text.str.replace(_SECONDS_COMMA, "${1}.${2}")


def parse_time(
    col: str | pl.Expr,
    time_format: str | None,
    utc_offset_s: int = 0,
    *,
    unit: str = "s",
    tz: str | None = None,
    ambiguous: str = "earliest",
    origin_s: int | None = None,
) -> pl.Expr:
    """String column -> Int64 Unix seconds (UTC; unit="ms": milliseconds); null where it cannot
    be parsed.

    Fractional seconds are floored. Times with an explicit offset (Z, +02:00, +00) or a zone's
    abbreviation (`01:50 AKST`: _zone_suffix) use it; naive times are local times in zone `tz`
    or, without one, `utc_offset_s` ahead of UTC (`ambiguous`: how a time of a repeated hour is
    read, "earliest" or "latest").

    The column is read in stages (`read` below, on all its values at once, as one expression
    would: `slashed_times` tells day from month by the whole column). Written as one expression, each
    of the ~20 formats repeated the cleaning of the text before it (a 645,000-character tree) and
    polars took ~0.5 CPU s to plan it for every read, even of a 3-row file (session 32).
    """
    src = pl.col(col) if isinstance(col, str) else col
    numeric = origin_s is not None or time_format in ("unix", "excel", *EPOCH_DIVISORS)
    scale = 1000 if unit == "ms" else 1
    commas = not (time_format and "%" in time_format)  # a pattern given reads its own commas

    def read(values: pl.Series) -> pl.Series:  # each stage's text is a column the next names
        frame = values.to_frame("_s").select(pl.col("_s").str.strip_chars())
        if commas and frame["_s"].str.contains(",", literal=True).any():  # fix40 (ISO's comma)
            frame = frame.select(decimal_comma(pl.col("_s")))
        if numeric or (time_format and "%" in time_format and "z" in time_format.lower()):
            out = _parse_text(frame, "_s", time_format, utc_offset_s, unit=unit, tz=tz,
                              ambiguous=ambiguous, origin_s=origin_s)  # fmt: skip
            return out.cast(pl.Int64).alias(values.name)
        # `03/08/2026 01:50 AKST` (heldout29): the abbreviation's offset; `CST` where --tz /
        # --utc-offset says which zone it is (leftover34, _zone_suffix.resolved_words)
        words = resolved_words(tz, utc_offset_s)
        if words:
            frame = frame.with_columns(_s=with_resolved_words(pl.col("_s"), words))
        frame = frame.with_columns(
            _off=suffix_offset(pl.col("_s"), words), _bare=without_suffix(pl.col("_s"), words)
        )
        local = _parse_text(frame, "_bare", time_format, utc_offset_s, unit=unit, tz=tz,
                            ambiguous=ambiguous)  # fmt: skip
        # read at UTC, then the row's own offset (without --tz the naive read is local + the offset)
        at_utc = (
            _parse_text(frame, "_bare", time_format, unit=unit)
            if tz
            else local + utc_offset_s * scale
        )
        out = frame.with_columns(_local=local, _at_utc=at_utc).select(
            pl.when(pl.col("_off").is_null())
            .then(pl.col("_local"))
            .otherwise(pl.col("_at_utc") - pl.col("_off") * scale)
        )
        return out.to_series().cast(pl.Int64).alias(values.name)

    return src.map_batches(read, return_dtype=pl.Int64)


def _parse_text(
    frame: pl.DataFrame,
    col: str,
    time_format: str | None,
    utc_offset_s: int = 0,
    *,
    unit: str = "s",
    tz: str | None = None,
    ambiguous: str = "earliest",
    origin_s: int | None = None,
) -> pl.Series:
    """Column `col` of `frame` read as parse_time reads it, without the zone abbreviations (see
    there)."""
    s = english_months(common_era(pl.col(col).str.strip_chars()))
    if time_format == JALALI:  # Solar Hijri dates as Gregorian, then read as ISO (heldout30)
        s, time_format = gregorian_dates(s), None
    frame = frame.select(s.alias("_text"))
    times = _text_times(pl.col("_text"), time_format, utc_offset_s, unit=unit, tz=tz,
                        ambiguous=ambiguous, origin_s=origin_s)  # fmt: skip
    return frame.select(times).to_series()


def _text_times(
    s: pl.Expr,
    time_format: str | None,
    utc_offset_s: int,
    *,
    unit: str,
    tz: str | None,
    ambiguous: str,
    origin_s: int | None,
) -> pl.Expr:
    """Cleaned text `s` (month names in English, Common Era years) -> times in `unit`."""
    num = s.cast(pl.Float64, strict=False)
    scale = 1000 if unit == "ms" else 1
    if origin_s is not None:  # elapsed seconds (hours) since a declared instant
        rate = frame_rate(time_format)
        step = 3600 if time_format == "elapsed_h" else (1 / rate if rate else 1)
        return ((num * step + origin_s) * scale).floor().cast(pl.Int64, strict=False)
    if time_format == "unix":
        return (num * scale).floor().cast(pl.Int64, strict=False)
    if time_format == "excel":  # days since 1899-12-30 (Excel's serial dates), to the ms
        ms = ((num - EXCEL_EPOCH_DAY) * 86_400_000.0).round(0).cast(pl.Int64, strict=False)
        return ms if unit == "ms" else ms.floordiv(1000)
    if time_format in EPOCH_DIVISORS:  # integers exact (ns do not fit a float's 53 bits)
        per = EPOCH_DIVISORS[time_format] // scale  # input units per output unit
        whole = s.cast(pl.Int64, strict=False)
        return pl.coalesce(whole.floordiv(per), (num / per).floor().cast(pl.Int64, strict=False))
    if time_format in (None, "iso", *DAY_MONTH):
        # an AVL / SCADA `20260912221503` (14 digits, no separator; heldout29's police export was
        # read as Unix seconds, "time in the future"): a date-time where the digits make one
        digits14 = pl.when(s.str.contains(DATE_TIME_DIGITS)).then(
            s.str.slice(0, 14).str.to_datetime("%Y%m%d%H%M%S", strict=False))  # fmt: skip
        ymd = s.str.replace(r"^(\d{4})/(\d\d)/(\d\d)", "${1}-${2}-${3}")  # 2026/02/01: year first
        # `2026-03-04 08:00:00 GMT` (AISHub, formats21) as Z
        utc = ymd.str.replace(r"(?:\s+(?:GMT|UTC)|[Zz])$", "+00:00")
        iso = utc.str.replace(r"^(\d{4}-\d\d-\d\d)[ T]", "${1}T")
        aware = iso.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%#z", strict=False)
        naive = iso.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False)
        aware_hm = iso.str.to_datetime("%Y-%m-%dT%H:%M%#z", strict=False)
        naive_hm = iso.str.to_datetime("%Y-%m-%dT%H:%M", strict=False)
        date = ymd.str.to_datetime("%Y-%m-%d", strict=False)
        named = java_js_dates(s)  # `Mon Mar 02 07:40:02 GMT+01:00 2026` (heldout33)
        compact = pl.coalesce(  # exactEarth `20260304_080000`, basic ISO `20260304T080000` (19)
            s.str.replace(r"[Zz]$", "").str.to_datetime("%Y%m%d_%H%M%S", strict=False),
            s.str.replace(r"[Zz]$", "").str.to_datetime("%Y%m%dT%H%M%S", strict=False),
            digits14,
        )
        dotted = pl.coalesce(  # 24.10.2026 23:40:00: dots are day-first (de, ru, fi, cs ...)
            s.str.to_datetime("%d.%m.%Y %H:%M:%S%.f", strict=False),
            s.str.to_datetime("%d.%m.%Y %H:%M", strict=False),
        )
        # the clock first, a month name (Wildlife Computers' Argos `14:23:05 21-Jul-2026`;
        # heldout28): unambiguous, so read without --time-format
        clock_first = s.str.to_datetime("%H:%M:%S %d-%b-%Y", strict=False)
        # the day first, a month name (`10-ene-2026 00:40:46`, `10 Jan 2026 00:40`; heldout30)
        day_name = s.str.replace(r"^(\d{1,2})[\s./-]([A-Za-z]{3})[\s./-](\d{4})", "${1}-${2}-${3}")
        day_first = pl.coalesce(
            day_name.str.to_datetime("%d-%b-%Y %H:%M:%S%.f", strict=False),
            day_name.str.to_datetime("%d-%b-%Y %H:%M", strict=False),
        )
        out = pl.coalesce(
            aware.dt.epoch(unit),
            local_epoch(naive, unit, utc_offset_s, tz, ambiguous),
            aware_hm.dt.epoch(unit),
            named.dt.epoch(unit),
            local_epoch(naive_hm, unit, utc_offset_s, tz, ambiguous),
            local_epoch(date, unit, utc_offset_s, tz, ambiguous),
            local_epoch(dotted, unit, utc_offset_s, tz, ambiguous),
            local_epoch(compact, unit, utc_offset_s, tz, ambiguous),
            local_epoch(slashed_times(s, time_format), unit, utc_offset_s, tz, ambiguous),
            local_epoch(clock_first, unit, utc_offset_s, tz, ambiguous),
            local_epoch(day_first, unit, utc_offset_s, tz, ambiguous),
        )
        if time_format is None:  # auto: numbers are Unix seconds (but for 14-digit date-times)
            secs = (num * scale).floor().cast(pl.Int64, strict=False)
            out = pl.coalesce(pl.when(digits14.is_null()).then(secs), out)
        return out
    parsed = s.str.to_datetime(time_format, strict=False)
    if "%z" in time_format or "%#z" in time_format or "%:z" in time_format:
        return parsed.dt.epoch(unit)
    return local_epoch(parsed, unit, utc_offset_s, tz, ambiguous)


def with_offset(time_col: str, offset_col: str) -> pl.Expr:
    """`<time><offset>` text from a naive time and a UTC-offset column ("+01:00", "+0100",
    "-5", "UTC+02:00"): an ISO time with its offset; a time that has a zone already is left
    unchanged. A naive time whose offset is missing or in no such form is made unparseable text
    that says so, so the row is named (or skipped and counted), never read as UTC (badin18)."""
    off = pl.col(offset_col).cast(pl.Utf8).str.strip_chars().str.replace(r"^(?i)(UTC|GMT)", "")
    parts = off.str.extract_groups(r"^([+-])(\d{1,2})(?::?(\d\d))?$")
    sign, h, m = (parts.struct.field(k) for k in ("1", "2", "3"))
    text = pl.concat_str(sign, h.str.zfill(2), pl.lit(":"), m.fill_null("00"))
    t = pl.col(time_col).cast(pl.Utf8).str.strip_chars()
    zoned = t.str.contains(r"(?i)(Z|[+-]\d\d:?\d\d)$")
    said = pl.concat_str(t, pl.lit(f" ({offset_col} "), pl.col(offset_col).cast(pl.Utf8)
                         .fill_null("missing"), pl.lit(" is not a UTC offset)"))  # fmt: skip
    return (
        pl.when(zoned | t.is_null())
        .then(t)
        .when(sign.is_not_null())
        .then(pl.concat_str(t, text))
        .otherwise(said)
    )


def date_and_time(date_col: str, time_col: str) -> pl.Expr:
    """Date + Time in two columns as one text to parse. A date written as a midnight datetime
    (`2026-02-11T00:00:00`: a spreadsheet's date cell, pandas / openpyxl exports) keeps its date
    only, so the time of day is not appended to a time (heldout24's ambulance sheet was refused)."""
    day = pl.col(date_col).cast(pl.Utf8).str.strip_chars()
    # (a UTC midnight too, `...T00:00:00Z`: JSON / pandas exports of a date cell; badin24)
    day = day.str.replace(r"[ T]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?$", "")
    return pl.concat_str(day, pl.lit(" "), pl.col(time_col).cast(pl.Utf8).str.strip_chars())


def slashed_times(s: pl.Expr, order: str | None = None) -> pl.Expr:
    """`24/11/2026 08:00(:00)` or `11/24/2026 ...` (or with dashes, `24-11-2026`): day or month first, told by the values of the
    whole column (chunk): a first number over 12 somewhere makes it day-first, a second one over
    12 month-first; with neither or both the order cannot be told and the times stay unparsed
    (the error asks for --time-format)."""
    # `15-01-2026 ...` (es-CL, nl, en-IN exports) is read alike: dashes with the year last
    parts = s.str.extract_groups(r"^(\d\d?)[/-](\d\d?)[/-](\d{4})([ T].*)?$")
    a, b = (parts.struct.field(k).cast(pl.Int32, strict=False) for k in ("1", "2"))
    day_first, month_first = (a > 12).any(), (b > 12).any()
    if order in DAY_MONTH:  # --time-format dmy / mdy: the order given (session 28)
        day_first, month_first = pl.lit(order == "dmy"), pl.lit(order == "mdy")
    y, rest = parts.struct.field("3"), parts.struct.field("4").fill_null(" 00:00:00")
    rest = rest.str.replace(r"^[ T](\d\d?:\d\d)$", " ${1}:00").str.replace(r"^T", " ")
    # a 12-hour clock (ArcGIS Field Maps, US Excel: `3/25/2026 1:30:00 PM`; session 20)
    clock = rest.str.extract_groups(r"^ (\d\d?):(\d\d)(:\d\d(?:\.\d+)?)?\s*([AaPp])\.?[Mm]\.?$")
    h = clock.struct.field("1").cast(pl.Int32, strict=False)
    pm = clock.struct.field("4").str.to_uppercase() == "P"
    h24 = (h % 12) + pl.when(pm).then(12).otherwise(0)
    rest = (
        pl.when(h.is_not_null() & (h >= 1) & (h <= 12))
        .then(pl.concat_str(pl.lit(" "), h24.cast(pl.Utf8).str.zfill(2), pl.lit(":"),
                            clock.struct.field("2"), clock.struct.field("3").fill_null(":00")))
        .otherwise(rest)
    )  # fmt: skip

    def when(d: pl.Expr, m: pl.Expr) -> pl.Expr:
        text = pl.concat_str(y, pl.lit("-"), m.cast(pl.Utf8).str.zfill(2), pl.lit("-"),
                             d.cast(pl.Utf8).str.zfill(2), rest)  # fmt: skip
        return text.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", strict=False)

    return (
        pl.when(day_first & ~month_first)
        .then(when(a, b))
        .when(month_first & ~day_first)
        .then(when(b, a))
        .otherwise(pl.lit(None, dtype=pl.Datetime("us")))
    )


def day_month_hint(value: str) -> str | None:
    """Why a `dd/mm/yyyy` or `dd-mm-yyyy` time was not read (`slashed_times`: no number over 12 in
    the first place, or in the second, decides the order for the column), with the two formats
    in the file's own separator; None for any other text (heldout27: dashes were said to be "not
    ISO-8601")."""
    m = re.match(r"\s*\d\d?([/-])\d\d?\1\d{4}(?:[ T]\d\d?:\d\d(:\d\d)?)?", value)
    if m is None:
        return None
    sep, clock = m[1], ":%S" if m[2] or not re.search(r"\d:\d\d", value) else ""
    day, us = f"%d{sep}%m{sep}%Y %H:%M{clock}", f"%m{sep}%d{sep}%Y %I:%M{clock} %p"
    if not re.search(r"[AaPp]\.?[Mm]\.?\s*$", value):  # a 24-hour US time has no %p
        us = f"%m{sep}%d{sep}%Y %H:%M{clock}"
    return (f"day and month cannot be told apart (dd{sep}mm{sep}yyyy or mm{sep}dd{sep}yyyy: no "
            "number over 12 in the first place, or in the second, decides it for the column, or "
            f"both do); give its format: --time-format dmy (day first) or mdy (month first), "
            f"or the pattern '{day}' / '{us}'")  # fmt: skip


# ISO or day / month dates in the order given (`--time-format dmy`: 01-03-2026 is 1 March)
DAY_MONTH = ("dmy", "mdy")


TIME_FORMATS = ("iso", "unix", "unix_ms", "unix_us", "unix_ns", "excel", "dmy", "mdy", "jalali")
EXCEL_EPOCH_DAY = 25_569  # 1970-01-01 as an Excel serial date (days since 1899-12-30)
EPOCH_DIVISORS = {"unix_ms": 1000, "unix_us": 1_000_000, "unix_ns": 1_000_000_000}  # per second
TIME_FORMAT_HELP = (
    "iso | unix | unix_ms | unix_us | unix_ns | excel (serial days since 1899-12-30) | dmy / mdy "
    "(ISO, or dd/mm/yyyy / mm/dd/yyyy with either separator) | jalali (Solar Hijri yyyy/mm/dd) | "
    "frames@25 (frame numbers at 25 per second, with a time origin) | a strptime "
    "pattern such as '%d.%m.%Y %H:%M:%S' (Python: ColumnMap(time_format=...))"
)


def parse_time_parts(
    parts: dict[str, str],
    utc_offset_s: int = 0,
    *,
    tz: str | None = None,
    ambiguous: str = "earliest",
) -> pl.Expr:
    """Integer columns {part: column} (see T_PARTS) -> Int64 Unix seconds; null if impossible.

    The parts are zero-padded into "YYYY-MM-DD HH:MM:SS" and parsed strictly, so Feb 30, month
    13 or hour 24 give null (an unparseable time), never a silently rolled-over date.
    """
    pieces = []
    for name, (width, default) in T_PARTS.items():
        if name in parts:
            v = pl.col(parts[name]).cast(pl.Utf8).str.strip_chars().cast(pl.Int64, strict=False)
            v = pl.when(v >= 0).then(v.cast(pl.Utf8).str.zfill(width))
        elif default is None:
            raise ValueError(f"t_parts needs {name!r} (year, month and day are required)")
        else:
            v = pl.lit(default.zfill(width))
        pieces.append(v)
    y, mo, d, h, mi, sec = pieces
    text = pl.concat_str([y, pl.lit("-"), mo, pl.lit("-"), d, pl.lit(" "), h, pl.lit(":"), mi,
                          pl.lit(":"), sec])  # fmt: skip
    text = text.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False)
    return local_epoch(text, "s", utc_offset_s, tz, ambiguous)


def origin_seconds(text: str | None) -> int | None:
    """A time origin (ISO 8601 with a zone: 2020-01-01T00:00Z, or Unix seconds) as Unix seconds."""
    if text is None:
        return None
    from datetime import datetime

    try:
        return int(float(text))
    except ValueError:
        pass
    try:
        d = datetime.fromisoformat(text.strip().replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        return None
    return int(d.timestamp()) if d.tzinfo is not None else None


# the reasons zoned_times writes after a time whose row's zone cannot be read
UNREAD_ZONE = re.compile(r".* \((.+ may be .+|'.*' is not a time zone|.+ is empty)\)$")


def unread_zone_hint(value: object, zcol: str) -> str | None:
    """What to do about a row whose zone in `zcol` cannot be read (its time `value` carries
    the reason: _row_zones.zoned_times), said instead of the time-format hint (readers26 left it)."""
    if not UNREAD_ZONE.fullmatch(str(value)):
        return None
    return (f"the time is fine, its zone in {zcol!r} is not: write an IANA name "
            "(America/Chicago), an abbreviation of one zone (MST, CEST) or an offset (-06:00) "
            "there; or --tz NAME reads every row in one zone")  # fmt: skip
