"""Time parsing of the readers: text / numbers / date parts -> Unix seconds or milliseconds
(UTC), naive times read in a zone or at a fixed offset, and the sub-second repair.

Split from _common.py (which re-exports every name here)."""

from __future__ import annotations

import polars as pl

from trajlm.data.schema import DropReport

# Parts that `ColumnMap.t_parts` may name, in order, with their zero-padded width and default.
T_PARTS = {"year": (4, None), "month": (2, None), "day": (2, None), "hour": (2, "0"),
           "minute": (2, "0"), "second": (2, "0")}  # fmt: skip


def _local(naive: pl.Expr, unit: str, utc_offset_s: int, tz: str | None) -> pl.Expr:
    """A naive datetime read as local time: in zone `tz` (DST-aware; a time that does not exist
    in the zone is null, an ambiguous one the earlier), else `utc_offset_s` ahead of UTC."""
    if tz:
        aware = naive.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
        return aware.dt.epoch(unit)
    return naive.dt.epoch(unit) - utc_offset_s * (1000 if unit == "ms" else 1)


def parse_time(
    col: str | pl.Expr,
    time_format: str | None,
    utc_offset_s: int = 0,
    *,
    unit: str = "s",
    tz: str | None = None,
) -> pl.Expr:
    """String column -> Int64 Unix seconds (UTC; unit="ms": milliseconds); null where it cannot
    be parsed.

    Fractional seconds are floored. Times with an explicit offset (Z, +02:00, +00) use it;
    naive times are local times in zone `tz` or, without one, `utc_offset_s` ahead of UTC.
    """
    s = (pl.col(col) if isinstance(col, str) else col).str.strip_chars()
    num = s.cast(pl.Float64, strict=False)
    scale = 1000 if unit == "ms" else 1
    if time_format == "unix":
        return (num * scale).floor().cast(pl.Int64, strict=False)
    if time_format == "unix_ms":
        return (num * scale / 1000).floor().cast(pl.Int64, strict=False)
    if time_format in (None, "iso"):
        iso = s.str.replace(r"[Zz]$", "+00:00").str.replace(r"^(\d{4}-\d\d-\d\d)[ T]", "${1}T")
        aware = iso.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%#z", strict=False)
        naive = iso.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False)
        aware_hm = iso.str.to_datetime("%Y-%m-%dT%H:%M%#z", strict=False)
        naive_hm = iso.str.to_datetime("%Y-%m-%dT%H:%M", strict=False)
        date = s.str.to_datetime("%Y-%m-%d", strict=False)
        out = pl.coalesce(
            aware.dt.epoch(unit),
            _local(naive, unit, utc_offset_s, tz),
            aware_hm.dt.epoch(unit),
            _local(naive_hm, unit, utc_offset_s, tz),
            _local(date, unit, utc_offset_s, tz),
        )
        if time_format is None:  # auto: numbers are Unix seconds
            out = pl.coalesce((num * scale).floor().cast(pl.Int64, strict=False), out)
        return out
    parsed = s.str.to_datetime(time_format, strict=False)
    if "%z" in time_format or "%#z" in time_format or "%:z" in time_format:
        return parsed.dt.epoch(unit)
    return _local(parsed, unit, utc_offset_s, tz)


# Bookkeeping columns a reader may add for check_rows: the exact time in milliseconds (sub-second
# fixes) and the raw time text (error messages). check_rows drops both.
T_MS, T_RAW = "_t_ms", "_t_raw"
TIME_FORMATS = ("iso", "unix", "unix_ms")
TIME_FORMAT_HELP = (
    "iso | unix | unix_ms | a strptime pattern such as '%d.%m.%Y %H:%M:%S' "
    "(Python: ColumnMap(time_format=...))"
)


def exact_time(t_ms: pl.Expr) -> list[pl.Expr]:
    """Whole seconds `t` (floored) plus the exact milliseconds, from a time in milliseconds."""
    return [(t_ms // 1000).alias("t"), t_ms.alias(T_MS)]


def drop_sub_second(df: pl.DataFrame, report: DropReport) -> pl.DataFrame:
    """Canonical t is whole seconds: of the fixes of one trajectory that fall in one second but
    differ below it (1-10 Hz loggers, epoch milliseconds), keep the earliest and drop the others
    as `sub_second_fix` (both modes; a repair of the resolution, not an error). Exact repeats of
    the kept fix stay for cleaning's `duplicate_timestamp`. Works within a chunk: a second split
    across two chunks of one trajectory leaves its later fixes to `duplicate_timestamp`."""
    if T_MS not in df.columns:
        return df
    later = (pl.col(T_MS) != pl.col(T_MS).min().over("traj_id", "t")).fill_null(False)
    n = int(df.select(later.sum()).item())
    if n:
        report.drop("sub_second_fix", n)
        df = df.filter(~later)
    return df.drop(T_MS)


def parse_time_parts(
    parts: dict[str, str], utc_offset_s: int = 0, *, tz: str | None = None
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
    return _local(text.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False), "s", utc_offset_s, tz)
