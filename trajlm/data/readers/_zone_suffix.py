"""Time text that ends in a zone's abbreviation (session 29, heldout29): a sled-dog race
tracker's `03/08/2026 01:50 AKST`, then `AKDT` once daylight saving starts mid-race. Such text
was refused as "not parseable" however its format was given (--time-format mdy, or the pattern
the message named), although the abbreviation says the offset of each row.

An abbreviation of zone_names.ZONE_HOURS (one zone each: AKST is UTC-9, CEST UTC+2) is taken
off the text, the rest is read as any naive time of the column's format, and the abbreviation's
offset is applied to that row; it wins over --tz / --utc-offset, as an offset written in the
text does. An ambiguous one (CST, IST) or an unknown word is left in the text, so the row stays
unparsed and the error names it. `AM` / `PM` are no zone and are left alone.
"""

from __future__ import annotations

import re

import polars as pl

from trajlm.data.zone_names import ZONE_HOURS

SUFFIX = r"\s+\(?([A-Za-z]{2,5})\)?$"
# UTC / GMT / Z are already read as +00:00 by parse_time itself
OFFSETS = {k: int(round(h * 3600)) for k, h in ZONE_HOURS.items() if k not in ("UTC", "GMT", "Z")}


def suffix_offset(s: pl.Expr) -> pl.Expr:
    """Seconds ahead of UTC that each text's trailing abbreviation names; null without one."""
    zone = s.str.extract(SUFFIX, 1).str.to_uppercase()
    return zone.replace_strict(OFFSETS, default=None, return_dtype=pl.Int64)


def without_suffix(s: pl.Expr) -> pl.Expr:
    """The text with its trailing abbreviation taken off (where one of ZONE_HOURS ends it)."""
    return pl.when(suffix_offset(s).is_not_null()).then(s.str.replace(SUFFIX, "")).otherwise(s)


def strip_zone_word(text: str) -> str:
    """``text`` without a trailing zone abbreviation of OFFSETS (`... 01:50 AKST`); `AM` / `PM`
    and unknown words stay (a 12-hour clock's marker is part of the format)."""
    m = re.search(SUFFIX, text)
    return text[: m.start()] if m and m[1].upper() in OFFSETS else text


def pandas_offsets(values: list[str], limit: int = 4) -> dict[str, str]:
    """{abbreviation: '-09:00'} of the zone words ending ``values`` (the first ``limit``), for a
    pandas example that writes them as offsets `%z` reads (a frame's `... AKST` times)."""
    out: dict[str, str] = {}
    for v in values:
        m = re.search(SUFFIX, str(v))
        if m and (z := m[1].upper()) in OFFSETS and z not in out and len(out) < limit:
            sign, mins = ("-" if OFFSETS[z] < 0 else "+"), abs(OFFSETS[z]) // 60
            out[m[1]] = f"{sign}{mins // 60:02d}:{mins % 60:02d}"
    return out
