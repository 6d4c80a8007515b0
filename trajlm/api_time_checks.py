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


def zoneless_note(values: Any, what: str, layout: Any = None) -> None:
    """Say (``coerce.naive_time_warning``, the note ``predict`` gives a frame's naive times)
    that asked times without a zone (naive datetimes, ISO text with no offset) are read as UTC
    (badin34: ``travel_time(depart=datetime(...))`` and ``at_times=['2025-03-18T08:00']`` said
    nothing). Nothing where the frame's own times have no zone either (the same clock; the
    frame's note, if any, said it) or where the times are numbers or carry a zone.
    ``values``: one time, a sequence, or per trajectory (a dict, a two-column frame)."""
    import datetime as dt

    from trajlm.data.coerce import naive_time_warning
    from trajlm.data.coerce_tz import zoned_text

    if layout is not None and (
        (layout.time_kind == "datetime" and layout.time_zone is None)
        or (layout.time_kind == "string" and (layout.time_text or {}).get("zone") == "none")
    ):  # fmt: skip
        return
    values = _some_times(values, getattr(layout, "traj_col", "traj_id"))
    if isinstance(values, pl.Series):
        if isinstance(values.dtype, pl.Datetime):
            zoneless = values.dtype.time_zone is None
        elif values.dtype == pl.Utf8:
            zoneless = values.drop_nulls().len() > 0 and not zoned_text(values.drop_nulls())
        else:
            zoneless = values.dtype == pl.Date
    elif getattr(getattr(values, "dtype", None), "kind", "") == "M":  # pandas / numpy arrays
        zoneless = getattr(values, "tz", None) is None and (
            getattr(getattr(values, "dt", None), "tz", None) is None
        )
    else:
        items = [values] if isinstance(values, str) or not hasattr(values, "__len__") else values
        items = [v for v in items if v is not None]
        first = items[0] if items else None
        if isinstance(first, str):
            zoneless = not zoned_text(pl.Series([str(v) for v in items]))
        else:
            zoneless = isinstance(first, np.datetime64) or (
                isinstance(first, dt.datetime) and first.tzinfo is None
            ) or (isinstance(first, dt.date) and not isinstance(first, dt.datetime))  # fmt: skip
    if zoneless:
        naive_time_warning(what, asked=True)


def _some_times(values: Any, traj_col: str) -> Any:
    """The times of a per-trajectory ``at_times`` (a dict's first list, a frame's time column);
    anything else as given."""
    if isinstance(values, dict):
        return next(iter(values.values()), None)
    if hasattr(values, "columns") and not hasattr(values, "geometry"):
        df = values if isinstance(values, pl.DataFrame) else pl.from_pandas(values)
        others = [c for c in df.columns if c not in (traj_col, "traj_id")]
        return df[others[0]] if others else None
    return values
