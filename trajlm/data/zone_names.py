"""Time zones named in a time column's header: `Acq. Time (MDT)`, `time (UTC)`, `Timestamp [CET]`,
`local time (PST)`, `Zeit (UTC+2)` (cols23; heldout23's elk collars were read 6 h off as UTC).

An abbreviation names a FIXED offset from UTC (MDT is UTC-6 all year: a header that says MDT
says the clock was on daylight time); a zone that changes at DST is given by hand (--tz NAME).
Abbreviations that name several zones (IST: India, Ireland, Israel; CST: US Central, China)
are refused in one line by the reader, never guessed.
"""

from __future__ import annotations

import re
from typing import NamedTuple

ZONE_SAID = "time zone"  # said in the guessed columns (readers.detect), not a ColumnMap field
# abbreviation -> hours ahead of UTC (the common ones of fleet, AVL, collar and AIS exports)
ZONE_HOURS: dict[str, float] = {
    "UTC": 0, "GMT": 0, "Z": 0, "UT": 0, "WET": 0, "WEST": 1, "CET": 1, "CEST": 2, "MET": 1,
    "MEST": 2, "EET": 2, "EEST": 3, "MSK": 3, "TRT": 3, "EST": -5, "EDT": -4, "CDT": -5,
    "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10,
    "NST": -3.5, "NDT": -2.5, "ADT": -3, "BRT": -3, "ART": -3, "NZST": 12, "NZDT": 13,
    "AEST": 10, "AEDT": 11, "ACST": 9.5, "ACDT": 10.5, "AWST": 8, "JST": 9, "KST": 9,
    "HKT": 8, "SGT": 8, "WIB": 7, "ICT": 7, "PKT": 5, "SAST": 2, "EAT": 3, "WAT": 1, "CAT": 2,
    "MEZ": 1, "MESZ": 2,  # German CET / CEST (heldout26's groomer workbook; heldout27)
}  # fmt: skip
# abbreviations that name several zones: refused, the reader asks for --tz / --utc-offset
AMBIGUOUS: dict[str, str] = {
    "IST": "India UTC+5:30, Irish UTC+1 or Israel UTC+2",
    "CST": "US Central UTC-6, China UTC+8 or Cuba UTC-5",
    "BST": "British Summer UTC+1 or Bangladesh UTC+6",
    "AST": "Atlantic UTC-4 or Arabia UTC+3",
    "GST": "Gulf UTC+4 or South Georgia UTC-2",
    "SST": "Samoa UTC-11 or Singapore UTC+8",
    "ECT": "Ecuador UTC-5 or Eastern Caribbean UTC-4",
}

_OFFSET = r"(?:UTC|GMT)?\s*[+\-\u2212]\s*\d{1,2}(?::?\d{2})?"
_IN_NAME = re.compile(rf"(?P<name>.*?)\s*[(\[]\s*(?P<zone>[A-Za-z]{{1,5}}|{_OFFSET})\s*[)\]]\s*")
OFFSET_PARTS = re.compile(
    r"(?:UTC|GMT)?\s*(?P<sign>[+\-\u2212])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?"
)


class HeaderZone(NamedTuple):
    """The zone a column header names: `name` (the header without it), `zone` as written,
    `offset_s` (seconds ahead of UTC; None when `zone` is ambiguous: `meanings` says why)."""

    name: str
    zone: str
    offset_s: int | None
    meanings: str = ""


def header_zone(column: str) -> HeaderZone | None:
    """The zone `column`'s header names in parentheses / brackets after the name (None: none
    that this table or a written offset knows; units like `(s)` or `[deg]` are not zones)."""
    m = _IN_NAME.fullmatch(column.strip().strip('"'))
    if m is None or not m["name"].strip():
        return None
    zone = m["zone"].strip()
    key = zone.upper()
    if key in ZONE_HOURS:
        return HeaderZone(m["name"], zone, int(round(ZONE_HOURS[key] * 3600)))
    if key in AMBIGUOUS:
        return HeaderZone(m["name"], zone, None, AMBIGUOUS[key])
    p = OFFSET_PARTS.fullmatch(key)
    if p is None or int(p["h"]) > 14 or int(p["m"] or 0) >= 60:
        return None
    sign = -1 if p["sign"] in "-\u2212" else 1
    return HeaderZone(m["name"], zone, sign * (int(p["h"]) * 3600 + int(p["m"] or 0) * 60))


def strip_zone(name: str) -> str:
    """`name` without a zone `header_zone` reads (`Acq. Time (MDT)` -> `Acq. Time`)."""
    hz = header_zone(name)
    return hz.name if hz is not None else name


def offset_words(offset_s: int) -> str:
    """`UTC-6 h`, `UTC+5:30 h`, `UTC`: an offset as said at ingest."""
    if offset_s == 0:
        return "UTC"
    h, m = divmod(abs(offset_s) // 60, 60)
    return f"UTC{'-' if offset_s < 0 else '+'}{h}{f':{m:02d}' if m else ''} h"


# A time column whose name alone says UTC (heldout28's balloons: `Date,UTC,...` was said to "have
# no zone"; also `utc_time`, `GMT Time`, `timestamp_utc`, `Zulu`): its naive times are UTC as named
_UTC_WORDS = {"utc", "gmt", "zulu"}
_NOT_UTC_WORDS = {"offset", "local", "lmt", "diff", "delta", "zone", "tz"}


def named_utc(column: str) -> bool:
    """Whether a time column's name says its clock is UTC (`UTC`, `utc_time`, `GMT Time`,
    `timestamp_utc`, `Time (UTC)`), not a UTC offset (`utc_offset`) or a local time beside it."""
    if (hz := header_zone(column)) is not None:
        return hz.offset_s == 0
    words = set(re.split(r"[^a-z0-9]+", column.strip().strip('"').lower())) - {""}
    return bool(words & _UTC_WORDS) and not words & _NOT_UTC_WORDS
