"""Rows to fill at a regular interval: ``recover(df, every="1h")`` / ``trajlm recover --every``.

Movement ecologists regularise a track before analysing it (one fix an hour, say), and a
collar or a gull's solar tag skips fixes: the gaps have no rows, so `recover`, which fills rows
whose position is empty, had nothing to fill until the user built the hourly rows themselves
(session 26, newuser26). ``every`` adds an empty row at each whole multiple of the interval on
the UTC clock (14:00, 15:00 for "1h") inside every gap of a trajectory, at least half an
interval from the known fixes either side, so an hourly track with a missing hour gets one row
at that hour and a fix at 05:00:24 gets none at 05:00. The rows then go through recovery as any
empty row does (``recovered`` is True on them). Gaps that cut a vehicle's / animal's fixes into
pieces (``split_gaps``) lie between trajectories and get no rows.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta
from typing import Any

import numpy as np
import polars as pl

from trajlm.errors import TrajlmInputError

_UNITS = {"s": 1, "sec": 1, "second": 1, "min": 60, "m": 60, "minute": 60, "h": 3600,
          "hr": 3600, "hour": 3600, "d": 86400, "day": 86400, "ms": 0.001}  # fmt: skip
_MILLI = ("ms", "msec", "msecs", "millisecond", "milliseconds")
_TEXT = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*([a-z]*?)s?\s*$", re.IGNORECASE)
MAX_ROWS = 1_000_000  # rows one call may add: a typo (every=1 on a year of data) is refused


def every_seconds(every: Any, name: str = "every") -> float:
    """``every`` as seconds > 0: a number of seconds, a timedelta (``pd.Timedelta("1h")``,
    ``np.timedelta64``) or text (``"3600"``, ``"1h"``, ``"30min"``, ``"90 s"``, ``"1 day"``)."""
    seconds: float | None = None
    if isinstance(every, timedelta):  # pd.Timedelta is one
        seconds = every.total_seconds()
    elif isinstance(every, np.timedelta64):
        seconds = float(every / np.timedelta64(1, "s"))
    elif isinstance(every, int | float | np.integer | np.floating) and not isinstance(every, bool):
        seconds = float(every)
    elif isinstance(every, str) and (m := _TEXT.match(every)):
        letters = every.strip()[len(m[1]) :].strip()  # the whole unit, its plural 's' too
        unit = m[2].lower() or "s"
        if letters.lower() in _MILLI:  # badin26: '1ms' matched as 'm' + 's': read as 1 minute
            unit = "ms"
        seconds = float(m[1]) * _UNITS[unit] if unit in _UNITS else None
        if letters == "M":  # pandas' month (minutes elsewhere): 60 s would be silently wrong
            seconds = None
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        unit = ""  # a unit not read ('1ns', '2w'): named, not "seconds > 0" (badin30: 1 ns is)
        if isinstance(every, str) and (m := _TEXT.match(every)) and seconds is None:
            unit = f" ({every.strip()[len(m[1]) :].strip()!r} is no unit here: s, min, h, d, ms)"
        raise TrajlmInputError(
            f"{name}={every!r}: give the interval as seconds > 0 or text such as '1h', "
            f"'30min', '90s', '1d' (or a timedelta){unit}",
            field=name,
        )
    return seconds


def with_grid_rows(df: pl.DataFrame, every_s: float) -> tuple[pl.DataFrame, int]:
    """(``df`` with an empty-position row at each multiple of ``every_s`` seconds inside its
    gaps, in trajectory and time order; the number of rows added). ``df``: canonical, sorted
    by traj_id then t (whole seconds); other columns are null on the added rows."""
    if every_s < 1 and df.schema["t"].is_integer():  # before: the floored rows repeated the
        raise TrajlmInputError(  # known times: "duplicate timestamp" in the input (badin35)
            f"every={every_s:g} s is under a second, but the times are whole seconds",
            field="every", hint="give every >= 1 s (or times with fractions of a second, "
            "trajlm.read(..., exact_times=True))")  # fmt: skip
    t = df["t"].cast(pl.Float64).to_numpy()
    ids = df["traj_id"].to_numpy()
    same = ids[1:] == ids[:-1]
    lo, hi = t[:-1][same] + every_s / 2, t[1:][same] - every_s / 2
    first = np.ceil(lo / every_s)
    count = np.maximum(np.floor(hi / every_s) - first + 1, 0).astype(np.int64)
    total = int(count.sum())
    if total == 0:
        return df, 0
    if total > MAX_ROWS:
        raise TrajlmInputError(
            f"every={every_s:g} s would add {total:,} rows to fill the gaps (at most "
            f"{MAX_ROWS:,} in one call): a longer interval, or fewer trajectories per call",
            field="every",
        )
    gap = np.repeat(np.arange(len(count)), count)
    k = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
    times = (first[gap] + k) * every_s
    added = pl.DataFrame(
        {
            "traj_id": pl.Series(ids[:-1][same][gap]).cast(df.schema["traj_id"]),
            "t": pl.Series(np.floor(times)).cast(df.schema["t"]),
        }
    )
    rows = pl.concat([df.with_row_index("__order"), added.with_columns(
        pl.lit(None, dtype=pl.UInt32).alias("__order"))], how="diagonal_relaxed")  # fmt: skip
    rows = rows.sort("traj_id", "t", "__order", nulls_last=True, maintain_order=True)
    ordered = df["traj_id"].unique(maintain_order=True)  # the table's own trajectory order
    rank = pl.DataFrame({"traj_id": ordered, "__rank": np.arange(len(ordered))})
    rows = rows.join(rank, on="traj_id", how="left").sort("__rank", maintain_order=True)
    return rows.drop("__order", "__rank").select(df.columns), total


__all__ = ["MAX_ROWS", "every_seconds", "with_grid_rows"]
