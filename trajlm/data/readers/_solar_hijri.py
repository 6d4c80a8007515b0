"""Solar Hijri (Persian, Jalali) dates in time text (heldout30: a Tehran running club's watch
app export, `1405/09/02 06:53:01`, refused as "time before 1990" with a Unix value and no way to
read it). With `--time-format jalali` (ColumnMap(time_format="jalali")) a year-first date with
a year 1300-1499 is written as its Gregorian date before the time is parsed (the 33-year
arithmetic calendar; right for 1343-1473, 1964-2095). Not by default: a lunar (Islamic) Hijri
year is also 14xx today (1448 AH is 2026), so the year alone cannot tell the calendar; the
"before 1990" refusal names this option when the text starts with such a year."""

from __future__ import annotations

import datetime as dt

import polars as pl

JALALI = "jalali"
# a year-first date with a Hijri-range year: `1405/09/02`, `1405-9-2`
HIJRI_YEAR = r"^(1[34]\d\d)([/.-])(\d{1,2})[/.-](\d{1,2})"
_FIRST, _LAST = 1300, 1499
_ANCHOR = dt.date(1979, 3, 21)  # 1 Farvardin 1358


def _leap(jy: int) -> bool:
    return (25 * jy + 11) % 33 < 8


def _year_starts() -> dict[int, int]:
    """Solar Hijri year -> days from 1 Farvardin 1358 to its 1 Farvardin."""
    out, days = {1358: 0}, 0
    for y in range(1358, _LAST):
        days += 366 if _leap(y) else 365
        out[y + 1] = days
    days = 0
    for y in range(1357, _FIRST - 1, -1):
        days -= 366 if _leap(y) else 365
        out[y] = days
    return out


_STARTS = _year_starts()
_LEAP_YEARS = [y for y in range(_FIRST, _LAST + 1) if _leap(y)]


def gregorian_dates(s: pl.Expr) -> pl.Expr:
    """Time text whose date is a Solar Hijri `yyyy/mm/dd` written as ISO `yyyy-mm-dd` (the
    rest of the text kept); a month or day out of range becomes null (then "not parseable")."""
    parts = s.str.extract_groups(HIJRI_YEAR)
    jy = parts.struct.field("1").cast(pl.Int32, strict=False)
    jm = parts.struct.field("3").cast(pl.Int32, strict=False)
    jd = parts.struct.field("4").cast(pl.Int32, strict=False)
    start = jy.replace_strict(_STARTS, default=None, return_dtype=pl.Int32)
    month_days = pl.when(jm <= 6).then((jm - 1) * 31).otherwise(186 + (jm - 7) * 30)
    last = pl.when(jm <= 6).then(31).when((jm <= 11) | jy.is_in(_LEAP_YEARS)).then(30).otherwise(29)
    ok = jm.is_between(1, 12) & jd.is_between(1, last)
    days = start + month_days + jd - 1
    date = (pl.lit(_ANCHOR) + pl.duration(days=days)).dt.strftime("%Y-%m-%d")
    rest = s.str.replace(HIJRI_YEAR, "")
    converted = pl.when(ok).then(pl.concat_str(date, rest))
    return pl.when(jy.is_not_null()).then(converted).otherwise(s)


def hijri_hint(raw: object) -> str | None:
    """The option to name when a time refused as "before 1990" starts with a Hijri-range year."""
    import re

    if raw is None or not re.match(HIJRI_YEAR, str(raw).strip()):
        return None
    return ("a Solar Hijri (Persian) date? --time-format jalali (time_format='jalali' in Python) "
            "reads it; a lunar Hijri date has no reader: write it as its Gregorian date")  # fmt: skip
