"""Checks of the times a caller asks for (``at_times``), before they are read: a missing time
and naive datetimes asked of a frame whose times carry a zone (out of api_inputs.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from trajlm.data.schema import TrajlmInputError


def missing_time(values: Any, what: str) -> None:
    """Refuse a missing time (None, NaN, NaT) among asked times in one line naming its
    position (badin20: ``at_times=[pd.NaT, ...]`` was a polars TypeError)."""
    import pandas as pd

    items = values.to_list() if isinstance(values, pl.Series) else values
    if isinstance(items, str) or not hasattr(items, "__len__"):
        items = [items]
    for i, v in enumerate(items):
        if not isinstance(v, str) and bool(pd.isna(v)):
            raise TrajlmInputError(f"{what}[{i}] is a missing time ({v})", field=what,
                                   hint="drop it, or give a datetime / ISO text / Unix time")  # fmt: skip


def naive_against_aware(values: Any, layout: Any, what: str) -> None:
    """Refuse naive datetimes asked of a frame whose times carry a zone (pandas refuses to
    compare the two): read as UTC they were silently off by the zone's offset (session 18).
    Checked on the values as given (numpy drops a pandas zone on the way to an array)."""
    import datetime as dt

    zone = getattr(layout, "time_zone", None)
    if layout is None or layout.time_kind != "datetime" or zone is None or layout.epoch_unit:
        return
    if isinstance(values, pl.Series):
        naive = isinstance(values.dtype, pl.Datetime) and values.dtype.time_zone is None
    elif getattr(getattr(values, "dtype", None), "kind", "") == "M":  # pandas / numpy arrays
        naive = getattr(values, "tz", None) is None and (
            getattr(getattr(values, "dt", None), "tz", None) is None
        )
    else:
        items = [values] if isinstance(values, str) or not hasattr(values, "__len__") else values
        first = next((v for v in items if v is not None), None)
        naive = isinstance(first, np.datetime64) or (
            isinstance(first, dt.datetime) and first.tzinfo is None
        )
    if naive:
        first = pl.Series(values if hasattr(values, "__len__") else [values]).head(1).to_list()
        raise TrajlmInputError(
            f"{what} are naive datetimes (e.g. {first[0] if first else None}), but the times in "
            f"{layout.time_col!r} are in {zone}: which clock they are on is a guess",
            field=what,
            hint=f"give aware times, e.g. pd.Timestamp('2025-03-18 10:00', tz='{zone}')",
        )
