"""Buddhist-Era years in time text (heldout28's Bangkok tuk-tuks; split out of _times.py in
session 28, tidy28): `28/11/2569 10:56` is read as `28/11/2026 10:56`. The names stay importable
from _times.
"""

from __future__ import annotations

import polars as pl

# A Buddhist-Era year (Thai calendar: 2569 BE = 2026 CE) beside a date separator: years
# 2533-2643 BE are 1990-2100 CE, and no GPS fix is dated 2533-2643 CE (heldout28's Bangkok
# tuk-tuks were refused as "time in the future", with no way to read them)
BUDDHIST_YEAR = r"(^|[/.\-\s])(253[3-9]|25[4-9]\d|26[0-3]\d|264[0-3])($|[/.\-\sT])"
BUDDHIST_OFFSET = 543


def common_era(s: pl.Expr) -> pl.Expr:
    """Time text with a Buddhist-Era year written as its Common-Era year (`28/11/2569 10:56`
    -> `28/11/2026 10:56`); other text unchanged."""
    year = s.str.extract(BUDDHIST_YEAR, 2).cast(pl.Int32, strict=False)
    ce = pl.concat_str(pl.lit("${1}"), (year - BUDDHIST_OFFSET).cast(pl.Utf8), pl.lit("${3}"))
    return pl.when(year.is_not_null()).then(s.str.replace(BUDDHIST_YEAR, ce)).otherwise(s)
