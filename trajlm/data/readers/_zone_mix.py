"""A time column that mixes rows ending in a zone's abbreviation (`10:00:04 AKST`, read at
UTC-9: _zone_suffix.py) with rows that carry no zone at all (`10:00:00`, read as UTC, or at
--utc-offset / in --tz): without --tz / --utc-offset the two kinds were read hours apart, with
only a "re-sorted" count to show for it (badin29, heldout.py case 1). Refused in one line
naming the file, the column and the first row of each kind, with the options that read the
zone-less rows on a clock the user names (then the mix is read as asked)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from trajlm.data.readers._zone_suffix import suffix_offset
from trajlm.errors import TrajlmInputError

if TYPE_CHECKING:
    from trajlm.data.readers._common import ColumnMap

# a zone written otherwise: Z / UTC / GMT, or an offset after a clock time (as
# _naive_times._ZONE; `00:28:07 23-Sep-2026` ends in a year, not an offset)
_ZONED = r"(?:[Zz]|UTC|GMT|\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s?[+-]\d\d(?::?\d\d)?)$"


# an ISO time's UTC offset other than zero (`2026-10-25T02:40:00+02:00`)
_OFFSET = (
    r"\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s?[+-](?:0[1-9]|1\d|2[0-3]|00:?(?:[1-5]\d|0[1-9]))(?::?\d\d)?$"
)


def refuse_zone_mix(raw: pl.DataFrame, cm: ColumnMap, path: Path) -> None:
    """Raise when ``raw``'s time column (text, with ``_line``) holds rows ending in a zone
    abbreviation (or, with none, a UTC offset other than zero) and rows with no zone, and the
    mapping names no clock for the latter."""
    if (cm.tz or cm.utc_offset_s or cm.t_offset or cm.t_zone or cm.t_parts or cm.t is None
            or cm.t not in raw.columns or raw.schema[cm.t] != pl.Utf8):  # fmt: skip
        return
    if cm.time_format and (cm.time_format in ("unix", "excel") or "%" in cm.time_format):
        return  # parse_time reads no abbreviation there
    text = pl.col(cm.t).str.strip_chars()
    kinds = raw.select(
        text.alias("text"),
        pl.col("_line"),
        worded=suffix_offset(text).is_not_null(),
        naive=suffix_offset(text).is_null() & ~text.str.contains(_ZONED) & (text != ""),
    )
    worded, naive = kinds.filter("worded"), kinds.filter("naive")
    what = "a zone's abbreviation"
    if worded.height == 0 and naive.height:  # badin33: `+02:00` rows beside `02:20:00` rows
        worded, what = (
            kinds.filter(pl.col("text").str.contains(_OFFSET)),
            "a UTC offset other than +00:00",
        )
    if worded.height == 0 or naive.height == 0:
        return
    w, n = worded.row(0, named=True), naive.row(0, named=True)
    raise TrajlmInputError(
        f"{worded.height:,} time(s) end in {what} (first: line {w['_line']} "
        f"{w['text']!r}) and {naive.height:,} carry no zone (first: line {n['_line']} "
        f"{n['text']!r}): the ones without would be read as UTC, hours from the others",
        path=path,
        field=cm.t,
        hint="name the clock of the rows without a zone: --tz NAME (e.g. --tz America/Anchorage) "
        "or --utc-offset HOURS (Python: ColumnMap(tz=...)); --tz UTC if they are UTC; or write "
        "the zone on every row",
    )


__all__ = ["refuse_zone_mix"]
