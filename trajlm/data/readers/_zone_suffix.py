"""Time text that ends in a zone's abbreviation (session 29, heldout29): a sled-dog race
tracker's `03/08/2026 01:50 AKST`, then `AKDT` once daylight saving starts mid-race. Such text
was refused as "not parseable" however its format was given (--time-format mdy, or the pattern
the message named), although the abbreviation says the offset of each row.

An abbreviation of zone_names.ZONE_HOURS (one zone each: AKST is UTC-9, CEST UTC+2) is taken
off the text, the rest is read as any naive time of the column's format, and the abbreviation's
offset is applied to that row; it wins over --tz / --utc-offset, as an offset written in the
text does. An ambiguous one (CST, IST) or an unknown word is left in the text, so the row stays
unparsed and the error names it. `AM` / `PM` are no zone and are left alone.

An ambiguous word is read where the user said which zone it is (session 34, leftover34;
heldout33 found `CST` / `IST` refused with no way on but editing the file): with `--tz NAME`,
a word that zone itself writes (`CST` under America/Chicago, `IST` under Asia/Kolkata or
Europe/Dublin) is that zone's offset when it writes it (CST -06:00, Dublin's IST +01:00); with
`--utc-offset HOURS`, a word one of whose meanings is HOURS (IST and 5.5) is that offset. A
word the zone never writes stays unread and refused, naming both options (_common).
"""

from __future__ import annotations

import re
from functools import lru_cache

import polars as pl

from trajlm.data.zone_names import AMBIGUOUS, ZONE_HOURS

SUFFIX = r"\s+\(?([A-Za-z]{2,5})\)?$"
# UTC / GMT / Z are already read as +00:00 by parse_time itself
OFFSETS = {k: int(round(h * 3600)) for k, h in ZONE_HOURS.items() if k not in ("UTC", "GMT", "Z")}


_MEANING = re.compile(r"UTC([+-]\d{1,2})(?::(\d\d))?")


def meanings_s(word: str) -> list[int]:
    """The offsets (seconds ahead of UTC) an ambiguous word names (`IST`: +5:30, +1, +2)."""
    out = []
    for h, m in _MEANING.findall(AMBIGUOUS.get(word, "")):
        out.append(int(h) * 3600 + (-1 if h.startswith("-") else 1) * int(m or 0) * 60)
    return out


@lru_cache(maxsize=64)
def resolved_words(tz: str | None, utc_offset_s: int = 0) -> dict[str, int]:
    """{ambiguous word: seconds ahead of UTC} that `tz` or `utc_offset_s` resolves (module doc):
    the words the zone writes itself (its abbreviation at any mid-month of 1970-2040), at its
    offset then; else the words one of whose meanings is `utc_offset_s` (never 0: no ambiguous
    word means UTC)."""
    if tz:
        from datetime import datetime
        from zoneinfo import ZoneInfo

        try:
            zone = ZoneInfo(tz)
        except (ValueError, OSError, KeyError):  # not a zone name: the reader says so elsewhere
            return {}
        said: dict[str, int] = {}
        for year in range(1970, 2041):
            for month in range(1, 13):
                at = datetime(year, month, 15, 12, tzinfo=zone)
                name, off = at.tzname(), at.utcoffset()
                if name and name.upper() in AMBIGUOUS and off is not None:
                    said[name.upper()] = int(off.total_seconds())  # the latest use wins
        return said
    return {w: utc_offset_s for w in AMBIGUOUS if utc_offset_s and utc_offset_s in meanings_s(w)}


def suffix_offset(s: pl.Expr, words: dict[str, int] | None = None) -> pl.Expr:
    """Seconds ahead of UTC that each text's trailing abbreviation names; null without one
    (`words`: ambiguous words resolved by --tz / --utc-offset, resolved_words)."""
    zone = s.str.extract(SUFFIX, 1).str.to_uppercase()
    return zone.replace_strict({**OFFSETS, **(words or {})}, default=None, return_dtype=pl.Int64)


def without_suffix(s: pl.Expr, words: dict[str, int] | None = None) -> pl.Expr:
    """The text with its trailing abbreviation taken off (where one of ZONE_HOURS or `words`
    ends it)."""
    found = suffix_offset(s, words).is_not_null()
    return pl.when(found).then(s.str.replace(SUFFIX, "")).otherwise(s)


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


_ISO_DATE = r"^\s*\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?)?\s+\(?[A-Za-z]{2,5}\)?\s*$"


def words_as_offsets(s: pl.Series, tz: str | None = None) -> pl.Series | None:
    """A frame's ISO text times ending in a zone word (`2026-03-02 08:46:11 AKST`), each word
    written as its offset (`+HH:MM`), where every time ends in one the file route reads:
    ZONE_HOURS' words, UTC / GMT, and an ambiguous one `tz` writes itself (`CST` under
    America/Chicago; resolved_words). None otherwise (the text is left to the refusals, which
    name the word). Session 34 (fix34): a frame's were refused "not ISO dates" while the same
    file was read, and tz= did not resolve CST / IST as --tz does."""
    text = s.cast(pl.Utf8).str.strip_chars()
    if text.drop_nulls().is_empty() or not text.drop_nulls().str.contains(_ISO_DATE).all():
        return None
    words = {"UTC": 0, "GMT": 0, **(resolved_words(tz) if tz else {})}
    off = pl.DataFrame({"x": text}).select(suffix_offset(pl.col("x"), words)).to_series()
    if (off.is_null() & text.is_not_null()).any():
        return None
    sign = pl.when(off < 0).then(pl.lit("-")).otherwise(pl.lit("+"))
    mins = off.abs() // 60
    hhmm = (mins // 60).cast(pl.Utf8).str.zfill(2) + ":" + (mins % 60).cast(pl.Utf8).str.zfill(2)
    bare = text.str.replace(SUFFIX, "").str.strip_chars()
    return pl.select(bare + sign + hhmm).to_series().alias(s.name)


def frame_zone_hint(s: pl.Series, text: str) -> str | None:
    """How to give text times that end in a zone word naming several zones (`... IST`), where
    they do (leftover34: a frame's were "not ISO dates" with no word on the zone); None else."""
    words = s.drop_nulls().str.extract(SUFFIX, 1).str.to_uppercase().drop_nulls().unique()
    word = next((w for w in words.sort() if w in AMBIGUOUS), None)
    if word is None:
        return None
    secs = meanings_s(word)[0]
    sign, mins = ("-" if secs < 0 else "+"), abs(secs) // 60
    return (f"{word} names several zones ({AMBIGUOUS[word]}): write the offset you mean in the "
            f"text, e.g. {text}.str.replace(r'\\s*{word}$', '{sign}{mins // 60:02d}:{mins % 60:02d}', "
            "regex=True) (pandas), or tz= naming the zone that writes it (tz='Area/City'), as "
            "`trajlm data ingest --tz NAME` reads the file")  # fmt: skip
