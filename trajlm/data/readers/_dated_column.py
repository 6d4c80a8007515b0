"""A column named as a date that holds whole date-times (session 29, heldout28's leftover): a
Wildlife Computers Argos export writes `Date` as `00:28:07 23-Sep-2026`, and with no column named
as a time the file was refused "missing column t; closest: t -> 'Date'". A date column is usually
a date (the day beside a `Time` column: `_time_columns.date_partner`), so it is taken as the time
only where no column is named as one and its first values each hold a date and a time of day."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from trajlm.data.column_names import normalised
from trajlm.data.readers._headers import id_sample

_DATE_NAME = re.compile(r"(.*_)?(date|datum|fecha|data)(_.*)?")
_CLOCK = re.compile(r"(?<!\d)\d{1,2}:\d\d(?::\d\d(?:[.,]\d+)?)?(?!\d)")
# a date beside the clock: three numbers with separators (2026-09-23, 23/09/2026, 23.09.2026) or a
# day and a month name with a year (23-Sep-2026, 23 September 2026, Sep 23 2026)
_DATE = re.compile(
    r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{1,2}[-\s][A-Za-z]{3,9}[-\s,]+\d{2,4}|[A-Za-z]{3,9}\s+\d{1,2},?\s+\d{4}"
)
SAMPLE = 20


def holds_date_times(values: list) -> bool:
    """Whether every non-empty value given holds both a date and a time of day (False for none)."""
    texts = [str(v).strip() for v in values if v not in (None, "") and str(v).strip()]
    return bool(texts) and all(_CLOCK.search(v) and _DATE.search(v) for v in texts)


def holds_epochs(values: list) -> bool:
    """Whether every non-empty value given is a whole Unix time in seconds (10 digits) or
    milliseconds (13 digits), 2001-2100: an instant, which a day column never holds (heldout37:
    OsmAnd's `track.date` in Unix ms was "missing column t; closest: t -> 'date'")."""
    texts = [str(v).strip() for v in values if v not in (None, "") and str(v).strip()]
    whole = re.compile(r"\d{10}|\d{13}")
    return bool(texts) and all(
        whole.fullmatch(v) and 1e9 <= int(v) / (1000 if len(v) == 13 else 1) < 4.1e9 for v in texts
    )


def _one_date_named(have: list[str]) -> str | None:
    """The one column of `have` named as a date (`Date`, `GPS_Date`, `Datum`, `Fecha`); None
    where there is none or more than one."""
    dates = [c for c in have if _DATE_NAME.fullmatch(normalised(c))]
    return dates[0] if len(dates) == 1 else None


def dated_time_column(path: Path, format: str, sep: str, have: list[str]) -> str | None:
    """The one column named as a date whose first values are date-times, for a header with no
    column named as a time; None otherwise."""
    if (date := _one_date_named(have)) is None:
        return None
    values = (id_sample(path, format, sep, date) or [])[:SAMPLE]
    return date if holds_date_times(values) or holds_epochs(values) else None


def dated_frame_column(df: pl.DataFrame, have: list[str]) -> str | None:
    """`dated_time_column` for a Python frame (Polars): the one text column named as a date whose
    first values are date-times."""
    if (date := _one_date_named(have)) is None:
        return None
    values = df[date].drop_nulls().head(SAMPLE).to_list()
    if df.schema[date].is_integer():  # OsmAnd's `date` in Unix ms (heldout37)
        return date if holds_epochs(values) else None
    return date if df.schema[date] == pl.Utf8 and holds_date_times(values) else None
