"""The times of a model call over HTTP: whether a request's fixes come under a second apart
(`sub_second`: then kept exact for the model) and the model's answer turned back to Unix
seconds (`as_seconds`) where it was given datetimes or sub-second floats. Out of formats.py
(review40b), code unchanged.
"""

from __future__ import annotations

import polars as pl


def sub_second(df: pl.DataFrame) -> bool:
    """Whether ``t`` carries fixes under a second apart (kept exact for the model call)."""
    t = df["t"]
    if t.dtype.is_float():
        return bool((t != t.floor()).any())
    return t.dtype.is_temporal() and bool((t.dt.epoch("us") % 1_000_000 != 0).any())


def as_seconds(df: pl.DataFrame) -> pl.DataFrame:
    """``t`` as Unix seconds (Int64) where a model answered with the datetimes (or the
    sub-second float times) it was given."""
    if df["t"].dtype.is_temporal():
        return df.with_columns(pl.col("t").dt.epoch("s"))
    if df["t"].dtype.is_float():
        return df.with_columns(pl.col("t").floor().cast(pl.Int64))
    return df
