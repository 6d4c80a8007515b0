"""Month names of other languages in time text (heldout30's Spanish cattle-collar portal:
`10-ene-2026 00:40:46`, refused with a strptime hint that could not help: `%b` reads English
names only). A month word between a day and a year, in Spanish, Portuguese, French, Italian,
German or Dutch, is written as its English abbreviation before the time is parsed, so the
auto read (`%d-%b-%Y ...`) and a user's own `--time-format '%d %b %Y ...'` both see `Jan`.
"""

from __future__ import annotations

import polars as pl

# month number -> names (abbreviations and full) that are not already English
_NAMES = {
    1: "ene enero janv janvier gen gennaio januar jän jänner januari janeiro",
    2: "febrero fev fevereiro févr fevr février fevrier febbraio februar februari",
    3: "marzo março marco mars mär märz maerz mrz marzo maart mrt",
    4: "abr abril avr avril aprile april",
    5: "mayo mai maio mag maggio mei",
    6: "junio juin giu giugno juni junho",
    7: "julio juil juillet lug luglio juli julho",
    8: "ago agosto août aout augustus",
    9: "sept septiembre setiembre set setembro septembre settembre",
    10: "octubre out outubro octobre ott ottobre okt oktober",
    11: "noviembre novembro novembre",
    12: "dic diciembre dez dezembro déc dec décembre decembre dicembre dezember",
}
_ENGLISH = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
TO_ENGLISH = {w: _ENGLISH[m - 1] for m, ws in _NAMES.items() for w in ws.split()}
# the word must sit between a day and a year (`10-ene-2026`, `10 de enero de 2026` without the
# `de`s is not matched: only separators), so an `out` or `set` elsewhere in a cell is left alone
MONTH_WORD = r"(?i)(\d[\s./-])(\pL+)\.?([\s./-]\d)"


def english_months(s: pl.Expr) -> pl.Expr:
    """Time text with another language's month word written in English (`10-ene-2026` ->
    `10-Jan-2026`); other text unchanged."""
    word = s.str.extract(MONTH_WORD, 2).str.to_lowercase()
    english = word.replace_strict(TO_ENGLISH, default=None, return_dtype=pl.Utf8)
    new = pl.concat_str(pl.lit("${1}"), english, pl.lit("${3}"))
    return pl.when(english.is_not_null()).then(s.str.replace(MONTH_WORD, new)).otherwise(s)
