"""The time of a Parquet column in milliseconds, by its dtype (split from parquet_table.py in
session 17, bigin17, so that tabular.py's local-time reading uses it without an import cycle;
`parquet_table.parquet_time` still works)."""

from __future__ import annotations

import polars as pl

from trajlm.data.readers._common import ColumnMap, local_epoch, parse_time
from trajlm.data.readers._times import EPOCH_DIVISORS


def parquet_time(col: pl.Series, cm: ColumnMap, ambiguous: str = "earliest") -> pl.Expr:
    """Time in milliseconds (floored to `t` with the exact value kept, as for CSV)."""
    name = col.name
    if col.dtype == pl.Datetime or isinstance(col.dtype, pl.Datetime):
        if col.dtype.time_zone is None:  # type: ignore[union-attr]
            return local_epoch(pl.col(name), "ms", cm.utc_offset_s, cm.tz, ambiguous)
        return pl.col(name).dt.epoch("ms")
    if col.dtype.is_numeric() and cm.time_origin is not None:
        return parse_time(
            pl.col(name).cast(pl.Utf8), cm.time_format, unit="ms", origin_s=cm.origin_s()
        )
    if col.dtype.is_numeric():
        if cm.time_format in EPOCH_DIVISORS:  # integer ms / us / ns: exact
            per = EPOCH_DIVISORS[cm.time_format] // 1000
            if col.dtype.is_integer():
                return pl.col(name).cast(pl.Int64).floordiv(per)
            return (pl.col(name).cast(pl.Float64) / per).floor().cast(pl.Int64)
        return (pl.col(name).cast(pl.Float64) * 1000).floor().cast(pl.Int64)
    return parse_time(pl.col(name).cast(pl.Utf8), cm.time_format, cm.utc_offset_s, unit="ms",
                      tz=cm.tz, ambiguous=ambiguous)  # fmt: skip
