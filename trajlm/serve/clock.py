"""The clock answers are written in: the request's own UTC offset (session 14).

Before session 14 every answer's ``time`` was UTC (``...Z``) whatever the request's times said,
so a dashboard sending ``2026-11-05T08:01:38+11:00`` got ``2026-11-04T21:01:48Z`` back (the
Python API answers in the caller's zone). Now, when every ISO time of a request's trajectories
carries one and the same UTC offset (``+11:00``, ``-05:00``), the answer's times carry it too:
the same instants, on the caller's clock. ``Z``, naive ISO times, Unix seconds, mixed offsets
(a request spanning a daylight-saving change) and MF-JSON milliseconds answer in UTC, as
before. ``t`` stays Unix seconds.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, datetime, timedelta, timezone

import polars as pl

# the offset (seconds east of UTC) of this request's times, or None: UTC (one per request task)
OFFSET: ContextVar[int | None] = ContextVar("answer_utc_offset", default=None)
_TAIL = r"([+-])(\d{2}):?(\d{2})$"  # an ISO 8601 offset at the end of the string


def common_offset(strings: pl.Series) -> int | None:
    """The UTC offset in seconds every string ends with, if they all carry the same non-zero
    one; else None (UTC)."""
    parts = strings.str.strip_chars().str.extract_groups(_TAIL)
    if parts.struct.field("1").null_count() or len(strings) == 0:
        return None
    uniq = parts.unique()
    if len(uniq) != 1:
        return None
    sign, hh, mm = uniq.to_list()[0].values()
    secs = (int(hh) * 3600 + int(mm) * 60) * (1 if sign == "+" else -1)
    return secs or None


def set_offset(strings: pl.Series | None) -> None:
    """Record the request's offset (None: numbers, or no common offset)."""
    OFFSET.set(None if strings is None else common_offset(strings))


def iso(t: int) -> str | None:
    """Unix seconds as ISO 8601 on the request's clock (``Z`` for UTC)."""
    off = OFFSET.get()
    try:
        if off is None:
            return datetime.fromtimestamp(int(t), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return datetime.fromtimestamp(int(t), timezone(timedelta(seconds=off))).isoformat()
    except (ValueError, OverflowError, OSError):  # beyond year 9999: no ISO form
        return None
