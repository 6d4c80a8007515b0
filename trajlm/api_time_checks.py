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
    """Refuse naive datetimes and zone-less ISO text asked of a frame whose times carry a zone
    (pandas refuses to compare the two): read as UTC they were silently off by the zone's
    offset (session 18; the text was read as UTC with a note until leftover35, which made the
    two agree). Not where the caller named the frame's clock (``tz=`` / ``utc_offset=``): the
    asked times are read on it (``asked_in_zone``). Checked on the values as given (numpy drops
    a pandas zone on the way to an array)."""
    zone = getattr(layout, "time_zone", None)
    if layout is None or layout.time_kind != "datetime" or zone is None or layout.epoch_unit:
        return
    if zone in ("UTC", "Etc/UTC"):  # read as UTC: the frame's own clock, no guess (noted)
        return
    if getattr(layout, "named_zone", None) is not None or not zoneless(values):
        return
    first = pl.Series(values if hasattr(values, "__len__") else [values]).head(1).to_list()
    kind = (
        "zone-less ISO text" if isinstance(first[0] if first else None, str) else "naive datetimes"
    )
    raise TrajlmInputError(
        f"{what} are {kind} (e.g. {first[0] if first else None}), but the times in "
        f"{layout.time_col!r} are in {zone}: which clock they are on is a guess",
        field=what,
        hint=f"give aware times, e.g. pd.Timestamp('2025-03-18 10:00', tz='{zone}'), or ISO "
        "text with its offset ('2025-03-18T10:00:00+01:00')",
    )


def asked_in_zone(values: Any, t: np.ndarray, layout: Any, what: str) -> np.ndarray:
    """UTC seconds ``t`` of asked times read on the clock the caller named for the frame
    (``tz=`` / ``utc_offset=``, ``layout.named_zone``) where they carry no zone themselves: a
    naive frame read with tz='Europe/Berlin' and at_times=['2025-03-18T09:00'] asks for 09:00
    in Berlin (leftover35: naive datetimes were refused there, zone-less text read as UTC).
    The repeated hour of a DST fall-back is its first instant; a skipped one is refused."""
    zone = getattr(layout, "named_zone", None)
    if zone is None or not zoneless(values):
        return t
    whole = np.floor(t)
    wall = pl.from_epoch(pl.Series(whole.astype(np.int64)), time_unit="s")
    local = wall.dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
    if local.null_count():
        i = int(local.is_null().arg_true()[0])
        raise TrajlmInputError(f"{what}[{i}] ({wall[i]}) does not exist in {zone} (the clock "
                               "skips it)", field=what, hint="give a time that exists there, "
                               "or an aware time")  # fmt: skip
    return local.dt.epoch("s").to_numpy().astype(np.float64) + (t - whole)


def zoneless_note(values: Any, what: str, layout: Any = None) -> None:
    """Say (``coerce.naive_time_warning``, the note ``predict`` gives a frame's naive times)
    that asked times without a zone (naive datetimes, ISO text with no offset) are read as UTC
    (badin34: ``travel_time(depart=datetime(...))`` and ``at_times=['2025-03-18T08:00']`` said
    nothing). Nothing where the frame's own times have no zone either (the same clock; the
    frame's note, if any, said it), where the caller named the frame's clock (read on it:
    ``asked_in_zone``) or where the times are numbers or carry a zone.
    ``values``: one time, a sequence, or per trajectory (a dict, a two-column frame)."""
    from trajlm.data.coerce import naive_time_warning

    if layout is not None and (
        (layout.time_kind == "datetime" and layout.time_zone is None)
        or (layout.time_kind == "string" and (layout.time_text or {}).get("zone") == "none")
        or getattr(layout, "named_zone", None) is not None
    ):  # fmt: skip
        return
    if zoneless(_some_times(values, getattr(layout, "traj_col", "traj_id"))):
        naive_time_warning(what, asked=True)


def zoneless(values: Any) -> bool:
    """True when the times ``values`` say no zone: naive datetimes (Python, numpy, pandas,
    Polars), dates, or ISO text with no offset; numbers and aware times: False."""
    import datetime as dt

    from trajlm.data.coerce_tz import zoned_text

    if isinstance(values, pl.Series):
        if isinstance(values.dtype, pl.Datetime):
            return values.dtype.time_zone is None
        if values.dtype == pl.Utf8:
            return values.drop_nulls().len() > 0 and not zoned_text(values.drop_nulls())
        return values.dtype == pl.Date
    if getattr(getattr(values, "dtype", None), "kind", "") == "M":  # pandas / numpy arrays
        return getattr(values, "tz", None) is None and (
            getattr(getattr(values, "dt", None), "tz", None) is None
        )
    items = [values] if isinstance(values, str) or not hasattr(values, "__len__") else values
    items = [v for v in items if v is not None]
    first = items[0] if items else None
    if isinstance(first, str):
        return not zoned_text(pl.Series([str(v) for v in items]))
    return isinstance(first, np.datetime64) or (
        isinstance(first, dt.datetime) and first.tzinfo is None
    ) or (isinstance(first, dt.date) and not isinstance(first, dt.datetime))  # fmt: skip


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
