"""A fix's error estimate written the way exports write it (session 28, readers27's left items):
an accuracy column named with its unit (`accuracy_ft`, `Accuracy (ft)`, `hAcc [km]`: its numbers
were read as metres, or the column was not kept) and an HDOP written with a word after its number
("2.1 (good)", "9.5 poor": such cells became no estimate with no word)."""

from __future__ import annotations

import re

import polars as pl

# A fix's own error estimate (session 26, readers26; in _sensors.py until session 28): a phone's
# horizontal accuracy in metres (Android `accuracy`, iOS `horizontalAccuracy`) and a receiver's
# HDOP (no unit). Names as column_names.normalised writes them.
ACCURACY_NAMES = {
    "accuracy": "accuracy_m", "accuracy_m": "accuracy_m", "accuracy_meters": "accuracy_m",
    "accuracy_metres": "accuracy_m", "horizontal_accuracy": "accuracy_m",
    "horizontalaccuracy": "accuracy_m", "horizontal_accuracy_m": "accuracy_m",
    "h_accuracy": "accuracy_m", "hacc": "accuracy_m", "h_acc": "accuracy_m",
    "location_accuracy": "accuracy_m", "gps_accuracy": "accuracy_m",
    "position_accuracy": "accuracy_m", "accuracy_radius": "accuracy_m",
    "hdop": "hdop", "h_dop": "hdop", "horizontal_dop": "hdop",
}  # fmt: skip


# The unit an accuracy column's name ends with -> metres per unit (a number written with its own
# unit in a cell, "40 ft", is read in that unit: _sensors.ACCURACY_UNITS)
NAME_UNITS = {"m": 1.0, "meter": 1.0, "meters": 1.0, "metre": 1.0, "metres": 1.0, "km": 1000.0,
              "ft": 0.3048, "feet": 0.3048, "foot": 0.3048, "mi": 1609.344, "miles": 1609.344,
              "yd": 0.9144, "yards": 0.9144}  # fmt: skip
_UNIT_WORDS = "|".join(sorted(NAME_UNITS, key=len, reverse=True))
_NAMED_UNIT = re.compile(
    rf"(?i)^(?P<base>.*?)(?:\s*[\(\[]\s*(?P<bracket>{_UNIT_WORDS})\s*[\)\]]|[\s_\-](?:in_)?(?P<suffix>{_UNIT_WORDS}))\s*$"
)


def estimate_name(column: str) -> tuple[str, float] | None:
    """("accuracy_m" or "hdop", metres per unit of the column's numbers) for a column named as a
    fix's error estimate (`accuracy`, `hdop`: _sensors.ACCURACY_NAMES), an accuracy possibly with
    its unit after the name (`accuracy_ft`, `Accuracy (ft)`, `horizontal_accuracy_feet`); None
    for any other column."""
    from trajlm.data.column_names import normalised

    m = _NAMED_UNIT.match(column.strip().strip('"'))
    if m and ACCURACY_NAMES.get(normalised(m["base"])) == "accuracy_m":
        return "accuracy_m", NAME_UNITS[(m["bracket"] or m["suffix"]).lower()]
    name = ACCURACY_NAMES.get(normalised(column))
    return None if name is None else (name, 1.0)


def name_factor(column: str) -> float:
    """Metres per unit of an accuracy column's bare numbers, by its name (1.0 when it names none)."""
    named = estimate_name(column)
    return named[1] if named and named[0] == "accuracy_m" else 1.0


# An HDOP with a word after it: "2.1 (good)", "9.5 poor", "1,2 [ideal]" (receivers' and loggers'
# exports rate the DOP beside its number)
_HDOP_TEXT = r"^([-+]?\d+(?:[.,]\d+)?)\s*(?:[\(\[][^\)\]]*[\)\]]|[a-z][a-z \-]*)?\.?$"


def hdop_number(column: str, numeric: bool = False) -> pl.Expr:
    """An HDOP column as Float64: a number (decimal comma read as a point), or the number before a
    rating word ("2.1 (good)"); null for anything else. `numeric`: cast only."""
    if numeric:
        return pl.col(column).cast(pl.Float64, strict=False)
    text = pl.col(column).cast(pl.Utf8).str.strip_chars().str.to_lowercase()
    number = text.str.extract(_HDOP_TEXT, 1).str.replace(",", ".")
    return number.cast(pl.Float64, strict=False)


def hdop_line(column: str, n: int, example: object, where: str = "") -> str:
    """The one line said for HDOP values that hold no number ("good", "n/a (no fix)")."""
    return (f"{column!r}: {n:,} value(s) are not an HDOP number (e.g. {example!r}{where}): "
            "those fixes are kept, their HDOP unread (write the number alone, e.g. 2.1)")  # fmt: skip
