"""The unit of Unix epoch numbers told by their size (session 19).

Times from 1990-01-01 to 2100-01-01 are 6.3e8-4.1e9 as seconds, 6.3e11-4.1e12 as
milliseconds, 6.3e14-4.1e15 as microseconds and 6.3e17-4.1e18 as nanoseconds: the ranges do
not overlap, so a column whose every value falls in one of them is in that unit. A column with
values in none (elapsed counters: a drone's microseconds since boot) or in two has no unit by
size and is left to the caller's rules."""

from __future__ import annotations

from collections.abc import Iterable

MIN_S, MAX_S = 631_152_000, 4_102_444_800  # 1990-01-01, 2100-01-01 (UTC)
SCALES = {"unix": 1, "unix_ms": 10**3, "unix_us": 10**6, "unix_ns": 10**9}
WORDS = {"unix": "seconds", "unix_ms": "milliseconds", "unix_us": "microseconds",
         "unix_ns": "nanoseconds"}  # fmt: skip


def unit_by_size(values: Iterable[object]) -> str | None:
    """ "unix", "unix_ms", "unix_us" or "unix_ns" when every non-empty value is a number of
    1990-2100 in that unit (NaN and infinities count as empty: one missing time does not hide
    the unit of the rest; badin19); None when one is not a number, the values span units, or
    none is given."""
    nums = []
    for v in values:
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        if isinstance(v, bool):
            return None
        try:
            x = float(v)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
        if x != x or x in (float("inf"), float("-inf")):
            continue  # NaN / infinite: a missing time (its row is named by the time checks)
        nums.append(x)
    if not nums:
        return None
    lo, hi = min(nums), max(nums)
    for fmt, k in SCALES.items():
        if MIN_S * k <= lo and hi <= MAX_S * k:
            return fmt
    return None
