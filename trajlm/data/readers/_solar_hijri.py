"""Solar Hijri (Persian, Jalali) dates in time text (heldout30: a Tehran running club's watch
app export, `1405/09/02 06:53:01`, refused as "time before 1990" with a Unix value and no way to
read it). With `--time-format jalali` (ColumnMap(time_format="jalali")) a year-first date with
a year 1300-1499 is written as its Gregorian date before the time is parsed (the 33-year
arithmetic calendar; right for 1343-1473, 1964-2095). Not by default: a lunar (Islamic) Hijri
year is also 14xx today (1448 AH is 2026), so the year alone cannot tell the calendar; the
"before 1990" refusal names this option when the text starts with such a year."""

from __future__ import annotations

import datetime as dt
import re

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


def gregorian_dates(s: pl.Expr) -> pl.Expr:
    """Time text whose date is a Solar Hijri `yyyy/mm/dd` written as ISO `yyyy-mm-dd` (the
    rest of the text kept); a month or day out of range becomes null (then "not parseable").
    One opaque step in plain Python: `parse_time` reads the text in a dozen formats, and with
    this conversion written out as polars expressions inside each, polars 2.1's plan for a
    5-row file grew past 20 GB of memory (badin31); a polars query run inside the step hangs."""
    return s.map_batches(_gregorian_series, return_dtype=pl.String)


_DATE = re.compile(HIJRI_YEAR)


# Persian / Arabic-Indic digits (an Iranian app's own export, `۱۴۰۵/۰۹/۰۲ ۰۶:۵۳:۰۱`): the date
# matched, its time part stayed unread (badin32)
_ASCII_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "0123456789" * 2)


def _gregorian_text(text: str | None) -> str | None:
    text = text.translate(_ASCII_DIGITS) if text is not None else None
    m = _DATE.match(text) if text is not None else None
    if m is None or int(m.group(1)) not in _STARTS:
        return text
    jy, jm, jd = int(m.group(1)), int(m.group(3)), int(m.group(4))
    last = 31 if jm <= 6 else 30 if jm <= 11 or _leap(jy) else 29
    if not (1 <= jm <= 12 and 1 <= jd <= last):
        return None
    days = _STARTS[jy] + ((jm - 1) * 31 if jm <= 6 else 186 + (jm - 7) * 30) + jd - 1
    return (_ANCHOR + dt.timedelta(days=days)).isoformat() + text[m.end() :]


def _gregorian_series(text: pl.Series) -> pl.Series:
    return pl.Series(text.name, [_gregorian_text(x) for x in text.to_list()], dtype=pl.String)


def hijri_hint(raw: object) -> str | None:
    """The option to name when a time refused as "before 1990" starts with a Hijri-range year."""
    import re

    if raw is None or not re.match(HIJRI_YEAR, str(raw).strip()):
        return None
    return ("a Solar Hijri (Persian) date? --time-format jalali (time_format='jalali' in Python) "
            "reads it; a lunar Hijri date has no reader: write it as its Gregorian date")  # fmt: skip
