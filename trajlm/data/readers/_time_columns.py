"""Time columns recognised from a CSV / Parquet header and a sample of its values (used by
``resolve_columns``; split out of layouts.py in session 21, leftovers21): a time with its epoch
unit in its name (`ts_ms`), the Date column beside a time of day, a UTC-offset column, Unix
numbers whose unit is read from their size, a zone named in the header
(`Time (America/Los_Angeles)`) and Movebank's study-local time (those two: _zone_columns.py,
split out by review38b, re-exported here)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from trajlm.data.readers._headers import id_sample
from trajlm.data.readers._zone_columns import (  # noqa: F401  (re-exported: imported from here before review38b)
    LOCAL_TIME_NAMES,
    ZONE_COLUMNS,
    ZONE_NAMES,
    frame_local_time,
    is_local_time_name,
    local_time_note,
    lone_local_time,
    study_local_time,
    unknown_zone,
    zoned_time_column,
)
from trajlm.data.schema import TrajlmInputError

_EPOCH_NAME = re.compile(  # one word may come first: `event_time_ms`, `gps_ts_ms` (heldout23)
    r"(?:(?!(?:elapsed|duration|delta|dt|offset|relative|rel|lap|split|moving|total|run)_)"
    r"[a-z0-9]+_)?(?:t|time|timestamp|ts|epoch|unix|unix_time|unixtime|epoch_time|datetime|date_time|"
    r"fix_time|fixtime|gps_time|time_utc|timestamp_utc|utc)_?"
    r"(?P<unit>ms|msec|millis|milliseconds|us|usec|micros|microseconds|ns|nsec|nanos|nanoseconds)"
)
_UNIT_FORMAT = {"m": "unix_ms", "u": "unix_us", "n": "unix_ns"}


def epoch_unit_column(have: list[str]) -> tuple[str, str] | None:
    """(column, time format) of the only header column whose name is a time with its epoch
    unit (`time_ms`, `timestamp_us`, `epoch_ns`, `ts_millis`): the unit is written there, so it
    is read without asking (session 17). None when there is none or several."""
    from trajlm.data.column_names import normalised

    found = [(c, m["unit"]) for c in have if (m := _EPOCH_NAME.fullmatch(normalised(c)))]
    if len(found) != 1:
        return None
    return found[0][0], _UNIT_FORMAT[found[0][1][0]]


_TIME_OF_DAY = re.compile(r"\d{1,2}:\d\d(:\d\d(\.\d+)?)?(\s*[AaPp][Mm])?")


def date_partner(tcol: str, have: list[str]) -> str | None:
    """The one column of `have` named like a date (`date`, `gps_date`, `Date (UTC)`; of several,
    the one named like `tcol`: `UTC_Date` for `UTC_Time`) to go with time column `tcol`."""
    from trajlm.data.column_names import normalised

    dates = [c for c in have if c != tcol  # `Datum` / `Fecha` beside `Tijd` / `Hora` (heldout27)
             and re.fullmatch(r"(.*_)?(date|datum|fecha)(_.*)?", normalised(c))
             and "time" not in normalised(c)]  # fmt: skip
    if len(dates) > 1:  # UTC_Date, LMT_Date beside UTC_Time (GPS collars): the time's own
        twin = normalised(tcol).replace("time", "date")
        dates = [c for c in dates if normalised(c) == twin]
    return dates[0] if len(dates) == 1 else None


def times_of_day(values: list) -> bool:
    """Whether every value given is a bare time of day (07:00:00, 6:30:01.5 PM); False for none."""
    values = [v for v in values if v not in (None, "")]
    return bool(values) and all(_TIME_OF_DAY.fullmatch(str(v).strip()) for v in values)


def date_column_for(path: Path, format: str, sep: str, tcol: str, have: list[str]) -> str | None:
    """The date column that goes with a time-of-day column `tcol` (Date + Time in two columns):
    `date_partner`, when the first values of `tcol` are bare times of day; else None."""
    date = date_partner(tcol, have)
    if date is None or not times_of_day((id_sample(path, format, sep, tcol) or [])[:20]):
        return None
    return date


def join_date_column(df: Any, tcol: str) -> Any:
    """A frame (Polars) whose text time column `tcol` holds times of day, beside a date column
    (`date_partner`), with `tcol` replaced by the joined text, as ingest reads the pair
    (heldout24: an AVL sheet's Date + Time was refused by the API and read by ingest). Any other
    frame unchanged."""
    import polars as pl

    from trajlm.data.readers._times import date_and_time

    if df.schema.get(tcol) != pl.Utf8 or not times_of_day(df[tcol].head(20).to_list()):
        return df
    date = date_partner(tcol, [str(c) for c in df.columns])
    if date is None:
        return df
    return df.with_columns(date_and_time(date, tcol).alias(tcol))


OFFSET_NAMES = ("utc_offset", "tz_offset", "timezone_offset", "gmt_offset", "utcoffset",
                 "offset_utc", "time_zone_offset", "utc_offset_hours", "zone_offset")  # fmt: skip
_OFFSET = re.compile(r"^(?:UTC|GMT)?[+-]\d{1,2}(?::?\d\d)?$", re.IGNORECASE)


def offset_column_for(path: Path, format: str, sep: str, tcol: str, have: list[str]) -> str | None:
    """A column of UTC offsets ("+01:00", "-0500", "UTC+2") beside the time column `tcol`,
    named like one (`utc_offset`, `tz_offset`, ...), most sampled values an offset (the rows
    whose offset is not one are named: _times.with_offset); else None."""
    from trajlm.data.column_names import normalised

    cols = [c for c in have if c != tcol and normalised(c) in OFFSET_NAMES]
    if len(cols) != 1:
        return None
    values = [
        v for v in (id_sample(path, format, sep, cols[0]) or [])[:1000] if v not in (None, "")
    ]
    good = sum(bool(_OFFSET.fullmatch(str(v).strip())) for v in values)
    if not values or good < 0.5 * len(values):  # one bad value no longer drops the column
        return None
    return cols[0]


CALENDAR_SAID = "calendar"  # said in the guessed columns: Buddhist-Era years read as CE


def buddhist_era(path: Path, format: str, sep: str, tcol: str) -> dict[str, str]:
    """{CALENDAR_SAID: why} when the time column's sampled values are dated in the Buddhist Era
    (`28/11/2569`: Thai exports; _times.common_era reads them as 2026), else {}."""
    from trajlm.data.readers._buddhist_era import BUDDHIST_OFFSET, BUDDHIST_YEAR

    values = [str(v) for v in (id_sample(path, format, sep, tcol) or [])[:200] if v]
    years = [int(m[2]) for v in values if (m := re.search(BUDDHIST_YEAR, v.strip()))]
    if not values or len(years) < 0.5 * len(values):
        return {}
    y = max(years)
    return {CALENDAR_SAID: f"years such as {y} read as the Buddhist Era (Thai calendar: {y} BE "
                           f"= {y - BUDDHIST_OFFSET} CE)"}  # fmt: skip


BY_SIZE = "time unit"  # said in the guessed columns (why a unit was taken), not a ColumnMap field


def epoch_by_size(
    path: Path, format: str, sep: str, tcol: str, have: list[str], guessed: dict[str, str]
) -> dict[str, str]:
    """Guesses for a time column of Unix numbers, from their size (`_epoch_size`, session 19):
    {"time_format": "unix_ms", BY_SIZE: why} for milliseconds / micro / nanoseconds in a
    plain `timestamp`; {"t": other column, ...} when `tcol` counts from no date (a drone's
    microseconds since boot) and a column named with its unit (`time_utc_usec`) holds dates;
    {} otherwise. A column whose name gives one unit and whose values are dates in another
    (seconds in `time_ms`) is refused, naming both."""
    import datetime as dt

    from trajlm.data.readers._epoch_size import MIN_S, SCALES, WORDS, unit_by_size

    values = [v for v in (id_sample(path, format, sep, tcol) or []) if v not in (None, "")]
    if not values:
        return {}
    unit = unit_by_size(values)
    named = guessed.get("time_format")
    if named is not None:  # the unit from the name (time_ms): the values must agree
        if unit is not None and unit != named and named in SCALES:
            v = _number(values[0]) or 0.0

            def when(fmt: str) -> str:
                s = v / SCALES[fmt]
                if not MIN_S / 100 <= s <= 2**33:
                    return f"{s:.0f} s after 1970"
                return dt.datetime.fromtimestamp(s, dt.UTC).strftime("%Y-%m-%d %H:%M")

            raise TrajlmInputError(
                f"column {tcol!r} is named as {WORDS[named]} but its values are Unix "
                f"{WORDS[unit]} by their size ({values[0]} = {when(unit)} UTC as {WORDS[unit]}, "
                f"{when(named)} as {WORDS[named]})",
                path=path,
                line=2,
                field=tcol,
                hint=f"read them as {WORDS[unit]} with --time-format {unit} (Python: "
                f"ColumnMap(time_format={unit!r})); counts from a device's start need "
                "--time-origin",
            )
        return {}
    if unit in ("unix_ms", "unix_us", "unix_ns"):
        return {"time_format": unit, BY_SIZE: f"Unix {WORDS[unit]} by the values' size"}
    numbers = all(_number(v) is not None for v in values)
    if unit is None and numbers and 0 <= min(map(_number, values)) < MIN_S:  # type: ignore[type-var]
        # numbers before 1990 (a counter): a unit-named column of dates beside it is the time
        other = epoch_unit_column([c for c in have if c != tcol])
        if other and unit_by_size(id_sample(path, format, sep, other[0]) or []) == other[1]:
            return {"t": other[0], "time_format": other[1],
                    BY_SIZE: f"{tcol!r} counts from no date; {other[0]!r} holds Unix "
                    f"{WORDS[other[1]]}"}  # fmt: skip
    return {}


def _number(v: object) -> float | None:
    try:
        return float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


_DATE_PART = re.compile(r"\s*(\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4})(?:[ T]|$)")


def _date_numbers(text: object) -> tuple[int, ...] | None:
    """The numbers of a date's text (`01-03-2026`, `2026-03-01 10:00`) in order, or None: a
    date written either way round gives the same numbers (so no order need be guessed here)."""
    m = _DATE_PART.match(str(text or ""))
    return None if m is None else tuple(sorted(int(x) for x in re.findall(r"\d+", m[1])))


def date_beside_dated_time(
    path: Path, format: str, sep: str, tcol: str, have: list[str]
) -> str | None:
    """The line refusing a date column (`date_partner`: `Datum`) beside a time column that holds
    its own dates which the date column contradicts (badin27: `Tijd` = '2026-03-02 10:00' beside
    `Datum` = '2026-03-01' read the Tijd's date, the Datum ignored, with no word); None where
    they agree, either holds no dates, or the date column holds times too (not a bare date)."""
    date = date_partner(tcol, have)
    if date is None:
        return None
    days, times = id_sample(path, format, sep, date), id_sample(path, format, sep, tcol)
    bare = re.compile(r"\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\s*")
    if not days or not all(bare.fullmatch(str(d)) for d in days if d not in (None, "")):
        return None  # a date-time of its own (HERE's SYSTEM_DATE, when stored): no partner
    for k, (d, t) in enumerate(zip(days, times or [], strict=False)):
        a, b = _date_numbers(d), _date_numbers(t)
        if a is not None and b is not None and a != b:
            return (f"data row {k + 1}: {date!r} is {d!r} and {tcol!r} is {t!r}, which holds its "
                    f"own date, another one: which date is meant cannot be told; give --time-col "
                    f"{tcol!r} to read {tcol!r} alone (its own dates), or write one date a row")  # fmt: skip
    return None


# Names of date / time columns in languages whose dates are written day first (Dutch, German,
# Spanish, French, Nordic): the evidence that settles `01-03-2026` where no day is over 12
DAY_FIRST_WORDS = {"datum", "tijd", "tijdstip", "zeit", "uhrzeit", "zeitstempel", "fecha", "hora",
                    "fecha_hora", "heure", "horodatage", "tid", "tidspunkt", "aika", "paivamaara",
                    "si_date", "дата", "время",  # ICES tacsat's dd/mm/yyyy; Russian (heldout31)
                    "zeitpunkt", "messzeitpunkt", "datum_zeit", "marca_temporal",
                    "marca_de_tiempo"}  # (heldout32)  # fmt: skip
_DMY = re.compile(r"\s*(\d\d?)[/-](\d\d?)[/-]\d{4}\b")


def day_first_by_language(
    path: Path, format: str, sep: str, columns: list[str]
) -> tuple[str, str] | None:
    """("dmy", the line saying so) where the time's `columns` (the time column, its date column)
    write dd-mm-yyyy / mm-dd-yyyy dates whose order no value decides (no number over 12) and a
    column's name is a day-first language's word (`Datum`, `Fecha`, `Tijd`); else None (heldout27:
    Dutch barges' `Datum` 01-03-2026 was refused as "not ISO-8601")."""
    from trajlm.data.column_names import normalised

    words = [c for c in columns if normalised(c) in DAY_FIRST_WORDS]
    if not words:
        return None
    values = [v for c in columns for v in (id_sample(path, format, sep, c) or [])]
    pairs = [(int(m[1]), int(m[2])) for v in values if (m := _DMY.match(str(v or "")))]
    if not pairs or max(max(a, b) for a, b in pairs) > 12:
        return None  # no such date, or one that decides the order (read as before)
    return "dmy", (
        f"dates such as {next(str(v) for v in values if _DMY.match(str(v or '')))!r} read day first: "
        f"no day is over 12, and {words[0]!r} names a day-first language's column "
        "(--time-format mdy reads them month first)"
    )
