"""A reported speed written with its unit in each cell (session 29, badin28's leftover): a Dutch
barge log's `Snelheid (km/u)` holding "18 km/u", a boat's "5 kn", a fleet's "12 km/h". Such
cells became no speed with no word. A unit trajlm knows (`motion_columns.SPEED_UNITS`) is read
in that unit whatever the column's name says; a cell with a unit it does not know, or with text
that is no number, is said in one line naming the column, a value and its file line."""

from __future__ import annotations

import warnings
from typing import Any

import polars as pl

from trajlm.data.clean_common import IMPOSSIBLE_SPEED_MPS
from trajlm.data.motion_columns import KNOT_MPS, SPEED_UNITS

# a kept speed's name -> metres per second per unit of its store column (schema.conform turns
# sog_kmh / sog_mph into sog_mps)
STORE_UNITS = {"sog_kn": KNOT_MPS, "sog_mps": 1.0, "sog_kmh": 1 / 3.6, "sog_mph": 0.44704,
               "sog_kt": KNOT_MPS}  # fmt: skip
_WITH_UNIT = r"^([-+]?\d+(?:[.,]\d+)?(?:e[-+]?\d+)?)\s*([a-z/]*)\.?$"
_NOT_AVAILABLE_MPS = 102.25 * KNOT_MPS  # schema._not_available's limit
_NO_VALUE = ("", "nan", "na", "n/a", "null", "none", "-", "--", "?")


def speed_value(column: str, name: str, numeric: bool = False) -> pl.Expr:
    """A kept speed (`name`: sog_kn / sog_mps / sog_kmh / sog_mph) as Float64 in its store unit:
    a bare number (decimal comma read as a point) as the column's name gives it, a number with a
    unit written after it ("18 km/u", "5 kn", "3.2 m/s") converted from that unit; null for
    anything else."""
    if numeric:
        return pl.col(column).cast(pl.Float64, strict=False)
    text = pl.col(column).cast(pl.Utf8).str.strip_chars().str.to_lowercase()
    parts = text.str.extract_groups(_WITH_UNIT)
    number = parts.struct.field("1").str.replace(",", ".").cast(pl.Float64, strict=False)
    per_unit = parts.struct.field("2").replace_strict(
        {"": STORE_UNITS[name], **SPEED_UNITS}, default=None, return_dtype=pl.Float64
    )
    return number * per_unit / STORE_UNITS[name]


def say_unread_speeds(raw: pl.DataFrame, extra: dict[str, str], ctx: Any) -> None:
    """Warn once a read where a kept speed column holds text that is no speed ("fast", "18
    furlongs"), naming the column, how many in this chunk, the first value and its file line."""
    for name, column in extra.items():
        if name not in STORE_UNITS or column not in raw.columns or column in ctx.said:
            continue
        if raw.schema[column].is_numeric():
            continue
        text = pl.col(column).cast(pl.Utf8).str.strip_chars().str.to_lowercase()
        value = speed_value(column, name) * STORE_UNITS[name]  # m/s
        written = text.is_not_null() & ~text.is_in(list(_NO_VALUE))
        bad = raw.filter(value.is_null() & written)
        # read, but a speed the store keeps as "not available" (schema._not_available: AIS's
        # codes), which made "-12 km/h" or "99999 km/h" null with no word (badin29)
        # (AIS's code for AIS-named speeds only, kept as `sog_kn`: fix39)
        top = _NOT_AVAILABLE_MPS if name == "sog_kn" else IMPOSSIBLE_SPEED_MPS
        odd = raw.filter(written & ((value < 0) | (value >= top) | value.is_nan()))
        if not (bad.height or odd.height):
            continue
        ctx.said.add(column)
        first = (bad if bad.height else odd).row(0, named=True)
        where = (f", {ctx.paths[first['_file']].name} line {first['_line']}"
                 if "_line" in raw.columns else "")  # fmt: skip
        units = ", ".join(sorted(SPEED_UNITS))
        what = (f"{bad.height:,} value(s) are not a speed" if bad.height else
                f"{odd.height:,} value(s) are negative, not finite or over " + (
                "102.25 kn (AIS's 'not available')" if name == "sog_kn" else
                f"{IMPOSSIBLE_SPEED_MPS:g} m/s (faster than sound)"))  # fmt: skip
        warnings.warn(
            f"{column!r}: {what} (e.g. {first[column]!r}{where}): those fixes are kept, their "
            f"speed unread (write the number alone, or with one of the units {units})",
            stacklevel=2,
        )
