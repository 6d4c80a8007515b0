"""The caller's conventions, echoed back: the epoch unit of a request's numeric times and the
JSON type of its ids (session 20, httpuser20).

* **Unix milliseconds** (JavaScript's ``Date.now()``), microseconds or nanoseconds are read by
  their size, as the Python API reads a plain ``t`` / ``timestamp`` column (data/coerce_epochs.py,
  session 19): when every numeric time of a request's trajectories is a 1990-2100 date only in
  one of those units (the ranges do not overlap: 6.3e8-4.1e9 s, 6.3e11-4.1e12 ms, ...). The
  answer says so in ``warnings`` and gives ``t`` back in that unit, as the Python API gives its
  frame back; ``time`` stays the ISO instant. ``at_times`` and ``depart`` numbers are read by
  their own size (an instant in seconds and one in ms cannot be confused). Before: a 422
  "divide by 1000" on every endpoint while the Python API answered (status.md Open 10).
* **Integer ids** come back as integers (JSON ``13``, not ``"13"``), as the Python API keeps an
  int64 ``traj_id``: a dashboard joins answers to its data with ``===``.

Both are per request (context variables, like the UTC offset of output.py).
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import numpy as np

from trajlm.data.readers._epoch_size import MAX_S, MIN_S, SCALES, WORDS, unit_by_size
from trajlm.errors import TrajlmInputError

# the epoch unit ("unix_ms", "unix_us", "unix_ns") of this request's trajectory times, or None
UNIT: ContextVar[str | None] = ContextVar("epoch_unit", default=None)
# whether this request's trajectory ids were JSON integers (then answered as integers)
INT_IDS: ContextVar[bool] = ContextVar("int_ids", default=False)


def reset() -> None:
    """Forget the last parse's unit and id type (each parse of a request sets them again)."""
    UNIT.set(None)
    INT_IDS.set(False)


def unit_of(t: np.ndarray, field: str, where: Callable[[int], str] | None = None) -> str | None:
    """The epoch unit of finite numeric times ``t`` when they are dates in a unit below the
    second only ("unix_ms", ...); None for seconds, counters and sizes no unit explains (the
    time checks name those). Two units at once (a fix in ms among seconds) is one line naming
    a point of each (``where``: a time's index -> its JSON path): "divide by 1000" would break
    the others."""
    if len(t) == 0 or np.abs(t).max() <= 1e11:
        return None
    unit = unit_by_size(t.tolist())
    if unit is None:
        _two_units(t, field, where or (lambda i: f"{field}[{i}]"))
    return None if unit in (None, "unix") else unit


def _two_units(t: np.ndarray, field: str, where: Callable[[int], str]) -> None:
    have = []
    for u, k in SCALES.items():
        hit = np.flatnonzero((t >= MIN_S * k) & (t <= MAX_S * k))
        if hit.size:
            have.append((int(hit[0]), u))
    if len(have) == 1:  # one unit, and values that are no date in any (a 0, a counter)
        (i, a), bad = have[0], _no_date(t)
        if bad.size:
            k = int(bad[0])
            raise TrajlmInputError(
                f"{where(k)} ({t[k]:.0f}) is no 1990-2100 date in any unit (seconds to "
                f"nanoseconds), while {where(i)} ({t[i]:.0f}) and others are {WORDS[a]}",
                field=field,
                hint="give every time as a date in one unit (Unix seconds, milliseconds, or ISO 8601)",
            )
    if len(have) < 2:
        return
    (i, a), (j, b) = sorted(have)[:2]
    raise TrajlmInputError(
        f"times in two units: {where(i)} ({t[i]:.0f}) is a date in {WORDS[a]}, {where(j)} "
        f"({t[j]:.0f}) in {WORDS[b]}",
        field=field,
        hint="give every time in one unit (Unix seconds, milliseconds, or ISO 8601)",
    )


def _no_date(t: np.ndarray) -> np.ndarray:
    """Indices of finite times that are a 1990-2100 date in no unit."""
    some = np.zeros(len(t), bool)
    for k in SCALES.values():
        some |= (t >= MIN_S * k) & (t <= MAX_S * k)
    return np.flatnonzero(~some & np.isfinite(t))


def to_seconds(t: np.ndarray, field: str, where: Callable[[int], str] | None = None) -> np.ndarray:
    """A request's numeric trajectory times as Unix seconds (float where a part is below the
    second), recording their unit for the answer (UNIT)."""
    unit = unit_of(t, field, where)
    if unit is None:
        return t
    UNIT.set(unit)
    return t / SCALES[unit]


def values_in_seconds(values: Any, field: str) -> tuple[Any, str | None]:
    """``at_times`` / ``depart`` (one value, a list, or {traj_id: list}) with numbers read by
    their size -> (the values in Unix seconds, the unit found or None). Strings pass as they are."""
    if isinstance(values, dict):
        out, units = {}, set()
        for tid, v in values.items():
            out[tid], u = values_in_seconds(v, f"{field}[{tid!r}]")
            units.add(u)
        return out, next((u for u in units if u), None)
    vals = values if isinstance(values, list) else [values]
    nums = [v for v in vals if isinstance(v, int | float) and not isinstance(v, bool)]
    if not nums and vals and all(_numeric_text(v) for v in vals):  # "1773900195000" (badin20)
        nums = [float(v) for v in vals]
        big = unit_of(np.asarray(nums, dtype=np.float64), field)
        if big is not None:  # text in ms / us / ns: read by size as the numbers are
            conv = [x / SCALES[big] for x in nums]
            return (conv if isinstance(values, list) else conv[0]), big
        return values, None
    if not nums or len(nums) < len(vals):  # strings, or a mix (check_times refuses that)
        return values, None
    unit = unit_of(np.asarray(nums, dtype=np.float64), field)
    if unit is None:
        return values, None
    k = SCALES[unit]
    conv = [v / k for v in vals]
    return (conv if isinstance(values, list) else conv[0]), unit


def _numeric_text(v: Any) -> bool:
    if not isinstance(v, str):
        return False
    try:
        return bool(np.isfinite(float(v)))
    except ValueError:
        return False


def unit_line(unit: str | None, what: str = "times") -> list[str]:
    """The answer's line saying how numeric times were read ([] for seconds). ``what``
    "times": the trajectories' (the answer's ``t`` is in their unit); else ``at_times`` or
    ``depart``, said only where their unit differs from the trajectories'."""
    if unit is None or (what != "times" and unit == UNIT.get()):
        return []
    w = WORDS[unit]
    said = (f"{what} read as Unix {w} by their size (every value is a 1990-2100 date only in "
            "that unit, as the Python API reads them)")  # fmt: skip
    if what != "times":
        return [f"{said}; the answer's t is in the trajectories' unit"]
    return [f"{said}; answers give t in {w} too, time as ISO 8601"]


def notes() -> list[str]:
    """This request's line about its trajectory times' unit, for the answer's warnings."""
    return unit_line(UNIT.get())


def t_out(whole: list[int | None], exact: list[float]) -> list[int | None]:
    """The answer's ``t``: whole Unix seconds, or in the request's unit (ms: the exact instant
    rounded to the millisecond, as the caller sent it)."""
    unit = UNIT.get()
    if unit is None:  # seconds: whole, but an instant below the second as it is (0.5 s ahead)
        return [w if w is None or abs(e - w) < 1e-6 else round(e, 6) for w, e in zip(whole, exact, strict=True)]  # fmt: skip
    k = SCALES[unit]
    return [None if w is None else int(round(e * k)) for w, e in zip(whole, exact, strict=True)]


def ids_out(ids: list[Any]) -> list[Any]:
    """Trajectory ids as the request sent them: integers back as integers."""
    if not INT_IDS.get():
        return ids
    return [_as_int(i) for i in ids]


def id_out(tid: Any) -> Any:
    return _as_int(tid) if INT_IDS.get() else tid


def _as_int(tid: Any) -> Any:
    try:
        return int(tid) if isinstance(tid, str) and str(int(tid)) == tid else tid
    except ValueError:
        return tid
