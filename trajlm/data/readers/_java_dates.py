"""Java's and JavaScript's Date text (heldout33), read with its offset wherever times are read:
files (`_times.parse_time`), frames (`times.time_column_seconds`), the naive-time note
(`_naive_times`) and the style answers are written back in (`time_text.text_style`)."""

from __future__ import annotations

import polars as pl

from trajlm.data.readers._zone_suffix import OFFSETS

# Java's Date.toString() (`Mon Mar 02 07:40:02 GMT+01:00 2026`: Android apps' logs, Torque Pro's
# `GPS Time`; heldout33: refused as not parseable, so Torque's naive `Device Time` was read as
# UTC, an hour off) and JavaScript's (`Mon Mar 02 2026 07:40:02 GMT+0100 (Central European
# Standard Time)`): the weekday optional, the offset after GMT / UTC (none: +00:00). A zone word
# of _zone_suffix's table in its place (Java's `CET`, `PDT`) is its offset; an ambiguous or
# unknown one (`CST`) is left unparsed, so the error names the value.
JAVA_DATE = (r"^(?:[A-Za-z]{3},?\s+)?([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}:\d\d:\d\d)\s+"
              r"(?:(?:GMT|UTC)([+-]\d\d:?\d\d)?|([A-Za-z]{2,5}))\s+(\d{4})$")  # fmt: skip
JS_DATE = (r"^(?:[A-Za-z]{3},?\s+)?([A-Za-z]{3})\s+(\d{1,2})\s+(\d{4})\s+(\d{1,2}:\d\d:\d\d)\s+"
            r"(?:GMT|UTC)([+-]\d\d:?\d\d)?(?:\s+\(.*\))?$")  # fmt: skip


def with_resolved_words(s: pl.Expr, words: dict[str, int]) -> pl.Expr:
    """Java Date text whose zone word is one of `words` (an ambiguous word --tz / --utc-offset
    resolved: _zone_suffix.resolved_words) with that offset written as `GMT+05:30` instead."""
    word = s.str.extract(JAVA_DATE, 5).str.to_uppercase()
    for w, secs in words.items():
        sign, mins = ("-" if secs < 0 else "+"), abs(secs) // 60
        gmt = f"GMT{sign}{mins // 60:02d}:{mins % 60:02d}"
        s = (
            pl.when(word == w)
            .then(s.str.replace(r"\s[A-Za-z]{2,5}(\s+\d{4})$", f" {gmt}$1"))
            .otherwise(s)
        )
    return s


def java_js_offsets(s: pl.Expr) -> pl.Expr:
    """The UTC offset (`+01:00`) Java / JavaScript Date text `s` names: after GMT / UTC (none:
    +00:00) or a zone word of _zone_suffix's table (`CET`, `PDT`); null for other text and for
    an ambiguous or unknown word (`CST`: the time stays unparsed, the error names it)."""
    secs = (s.str.extract(JAVA_DATE, 5).str.to_uppercase()
            .replace_strict(OFFSETS, default=None, return_dtype=pl.Int64))  # fmt: skip
    sign = pl.when(secs < 0).then(pl.lit("-")).otherwise(pl.lit("+"))
    hh = (secs.abs() // 3600).cast(pl.Utf8).str.zfill(2)
    mm = (secs.abs() % 3600 // 60).cast(pl.Utf8).str.zfill(2)
    worded = pl.concat_str(sign, hh, pl.lit(":"), mm)
    java = (pl.when(s.str.extract(JAVA_DATE, 5).is_not_null()).then(worded)
            .otherwise(pl.coalesce(s.str.extract(JAVA_DATE, 4), pl.lit("+00:00"))))  # fmt: skip
    return (pl.when(s.str.contains(JAVA_DATE)).then(java)
            .when(s.str.contains(JS_DATE)).then(pl.coalesce(s.str.extract(JS_DATE, 5), pl.lit("+00:00"))))  # fmt: skip


# the weekday a Date text opens with ("Tue Mar 02 ..."), where one does: a month word follows it
_WEEKDAY = r"^([A-Za-z]{3}),?\s+[A-Za-z]{3}\s"
_WEEKDAYS = {d: k + 1 for k, d in enumerate(["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"])}


def java_js_dates(s: pl.Expr) -> pl.Expr:
    """Java / JavaScript Date text as aware datetimes; null for other text, and for text whose
    weekday contradicts its date (badin33b: `Tue Mar 02 ... 2026`, a Monday, was read by the date
    without a word; Date.toString() never writes that, so the text was edited or damaged: left
    unparsed, the error names the value)."""
    local = pl.coalesce(
        pl.when(s.str.contains(JAVA_DATE)).then(s.str.replace(JAVA_DATE, "${6}-${1}-${2} ${3}")),
        pl.when(s.str.contains(JS_DATE)).then(s.str.replace(JS_DATE, "${3}-${1}-${2} ${4}")),
    )
    said = (s.str.extract(_WEEKDAY, 1).str.to_uppercase()
            .replace_strict(_WEEKDAYS, default=None, return_dtype=pl.Int8))  # fmt: skip
    day = local.str.to_datetime("%Y-%b-%d %H:%M:%S", strict=False).dt.weekday()
    text = pl.concat_str(local, pl.lit(" "), java_js_offsets(s))  # null offset: null
    parsed = text.str.to_datetime("%Y-%b-%d %H:%M:%S %#z", strict=False)
    return pl.when(said.is_null() | (said == day)).then(parsed)


def java_js_as_offsets(s: pl.Series) -> pl.Series:
    """Java / JavaScript Date text (`Mon Mar 02 07:40:02 GMT+01:00 2026`) as ISO-like text of
    its offset, so results come back on it (heldout33: written in UTC while the CLI said the
    input's offsets were kept); the date part is a placeholder: only the style is read here."""
    named = s.str.contains(JAVA_DATE) | s.str.contains(JS_DATE)
    if not named.any():
        return s
    offset = java_js_offsets(pl.lit(s)).fill_null("Z")
    return pl.select(
        pl.when(named).then(pl.lit("2000-01-01 00:00:00") + offset).otherwise(s)
    ).to_series()
