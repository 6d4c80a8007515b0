"""How a point table's mapped time column is parsed (split from tabular.py, fix36): the
expression giving milliseconds (one column, or a date and a time column), the two readings of a
DST zone's repeated and skipped hours for `_clock_change.resolve_local`, one zone per row's
reader for `_row_zones.zoned_times`, and the hint after a time that does not parse. Shared by
the CSV (tabular.py) and Parquet (parquet_table.py) readers."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import polars as pl

from trajlm.data.readers._clock_change import local_time_columns
from trajlm.data.readers._common import (
    NO_DATE,
    TIME_FORMAT_HELP,
    ColumnMap,
    parse_time,
    parse_time_parts,
)
from trajlm.data.readers._parquet_time import parquet_time


def time_expr(cm: ColumnMap) -> pl.Expr:
    """Time in milliseconds (the reader floors it to `t` and keeps the exact value, _common)."""
    if cm.t_parts:
        return parse_time_parts(cm.t_parts, cm.utc_offset_s, tz=cm.tz) * 1000
    return parse_time(
        cm.t, cm.time_format, cm.utc_offset_s, unit="ms", tz=cm.tz, origin_s=cm.origin_s()
    )


def local_time_exprs(cm: ColumnMap, col: pl.Series | None = None) -> list[pl.Expr]:
    """With a DST zone (cm.tz): the later reading of repeated-hour times and the wall clock of
    nonexistent ones, for `resolve_local` (_clock_change.py); none otherwise."""
    if not cm.tz:
        return []

    def read(zone: str, ambiguous: str) -> pl.Expr:
        zcm = dataclasses.replace(cm, tz=zone)
        if cm.t_parts:
            return parse_time_parts(cm.t_parts, tz=zone, ambiguous=ambiguous) * 1000
        if col is not None:
            return parquet_time(col, zcm, ambiguous)
        return parse_time(cm.t, cm.time_format, unit="ms", tz=zone, ambiguous=ambiguous)

    return local_time_columns(read, cm.tz)


def zone_reader(cm: ColumnMap) -> Callable[[str | None, int, str], pl.Expr]:
    """`read(zone, offset_s, ambiguous)`: cm's time column parsed in one zone, in ms."""

    def read(zone: str | None, offset_s: int, ambiguous: str) -> pl.Expr:
        return parse_time(cm.t, cm.time_format, offset_s, unit="ms", tz=zone, ambiguous=ambiguous)

    return read


def column_time_hint(cm: ColumnMap) -> str:
    """What to try when a time does not parse under this mapping (after the value)."""
    if cm.time_origin is not None and cm.time_format in (None, "iso"):  # badin38: an ISO
        # date was called "not ISO-8601" where --time-origin (for another file) was the cause
        return ("not a number of seconds elapsed, which --time-origin (time_origin= in Python) "
                "counts from its instant; a file whose times are dates: leave --time-origin out, "
                "or ingest that file on its own")  # fmt: skip
    if cm.time_format in (None, "iso", "dmy", "mdy"):
        return f"not ISO-8601 nor Unix seconds; give its format: --time-format {TIME_FORMAT_HELP}"
    if "%" in cm.time_format and not re.search(r"%[YyjdbBmcxsGVU]", cm.time_format):
        return f"time format {cm.time_format!r} {NO_DATE}"  # heldout23: read as year 1900
    return f"does not match time format {cm.time_format!r}; give {TIME_FORMAT_HELP}"
