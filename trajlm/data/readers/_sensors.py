"""Sensor values of sports tracks, kept beside the points (session 16): heart rate, cadence,
power, the device's speed and the air temperature, in SI-like units named in the column.

GPX: any element of a `<trkpt>` (its `<extensions>`, Garmin's TrackPointExtension v1 / v2,
cluetrust gpxdata, Strava's bare `<power>`, Apple Health's `<speed>`) whose local name is one of
`XML_NAMES`. TCX: `HeartRateBpm/Value`, `Cadence` / `RunCadence`, ActivityExtension `Speed`,
`Watts`. FIT: the `record` fields in `FIT_FIELDS`. A column is added only when the file has a
value for it, so a track without sensors reads exactly as before."""

from __future__ import annotations

from typing import Any

import polars as pl

from trajlm.data.readers._estimate_units import ACCURACY_NAMES as ACCURACY_NAMES  # re-exported

SENSOR_COLUMNS = ("heart_rate_bpm", "cadence_rpm", "power_w", "speed_mps", "temperature_c")
XML_NAMES = {
    "hr": "heart_rate_bpm",
    "heartrate": "heart_rate_bpm",
    "heartratebpm": "heart_rate_bpm",
    "cad": "cadence_rpm",
    "cadence": "cadence_rpm",
    "runcadence": "cadence_rpm",
    "power": "power_w",
    "watts": "power_w",
    "speed": "speed_mps",
    "atemp": "temperature_c",
    "temp": "temperature_c",
    "temperature": "temperature_c",
}
# FIT record fields (fitdecode applies the profile's scale: m/s, degrees C) -> column, in order
# of preference (enhanced_speed before speed).
FIT_FIELDS = (
    ("heart_rate", "heart_rate_bpm"),
    ("cadence", "cadence_rpm"),
    ("power", "power_w"),
    ("enhanced_speed", "speed_mps"),
    ("speed", "speed_mps"),
    ("temperature", "temperature_c"),
)


def empty_columns() -> dict[str, list]:
    return {c: [] for c in SENSOR_COLUMNS}


def number(value: object) -> str | None:
    """A FIT field value as the text the frame parses (None when absent or not a number)."""
    return (
        repr(float(value))
        if isinstance(value, int | float) and not isinstance(value, bool)
        else None
    )


def present(cols: dict[str, list]) -> list[str]:
    """The sensor columns of `cols` with at least one value."""
    return [c for c in SENSOR_COLUMNS if any(v is not None for v in cols.get(c, ()))]


def without_empty(cols: dict[str, list]) -> dict[str, list]:
    """`cols` without its sensor columns that hold no value (a track without sensors)."""
    keep = set(present(cols))
    return {k: v for k, v in cols.items() if k not in SENSOR_COLUMNS or k in keep}


def sensor_exprs(columns: list[str]) -> list[pl.Expr]:
    """Float columns for the sensor (and label) columns among `columns` (text in the frame)."""
    from trajlm.data.readers._common import parse_float

    out = [parse_float(c).alias(c) for c in SENSOR_COLUMNS if c in columns]
    return out + ([pl.col("label")] if "label" in columns else [])


# Sensor columns of a plain CSV / Parquet (session 17): normalised header name -> column. A
# bare `speed` is not taken (km/h as often as m/s in fleet exports; `speed_mps` says its unit).
TABLE_NAMES = {
    "hr": "heart_rate_bpm", "heart_rate": "heart_rate_bpm", "heartrate": "heart_rate_bpm",
    "heart_rate_bpm": "heart_rate_bpm", "hr_bpm": "heart_rate_bpm", "bpm": "heart_rate_bpm",
    "cadence": "cadence_rpm", "cad": "cadence_rpm", "cadence_rpm": "cadence_rpm",
    "power": "power_w", "watts": "power_w", "power_w": "power_w", "power_watts": "power_w",
    "temp": "temperature_c", "temperature": "temperature_c", "atemp": "temperature_c",
    "temperature_c": "temperature_c", "temp_c": "temperature_c",
    "speed_mps": "speed_mps", "speed_ms": "speed_mps", "speed_m_s": "speed_mps",
}  # fmt: skip


# A fix's own error estimate (session 26, readers26): a phone's horizontal accuracy in metres
# (Android `accuracy`, iOS `horizontalAccuracy`; a cell-tower fix says ~1,500 m) and a GPS
# receiver's HDOP (no unit). Kept beside the points; cleaning drops the poor ones
# (trajlm/data/clean_accuracy.py). Names as column_names.normalised writes them.
ACCURACY_COLUMNS = ("accuracy_m", "hdop")  # their names: _estimate_units.ACCURACY_NAMES


def table_accuracy(header: list[str], used: set[str]) -> dict[str, str]:
    """{accuracy_m / hdop: header column} for a table's error-estimate columns not read as
    something else (`used`); the first column of each wins."""
    from trajlm.data.readers._estimate_units import estimate_name

    out: dict[str, str] = {}
    for c in header:
        name = (estimate_name(c) or (None,))[0]  # `accuracy_ft` too (its unit: session 28)
        if name and name not in out and c not in used:
            out[name] = c
    return out


# The units an accuracy is written in beside its number ("1500 m", "12.5m", "0.8 km", "40 ft":
# session 27, readers27; such text was read as no estimate, a cell-tower fix kept with no word)
ACCURACY_UNITS = {"": 1.0, "m": 1.0, "meter": 1.0, "meters": 1.0, "metre": 1.0, "metres": 1.0,
                  "km": 1000.0, "ft": 0.3048, "feet": 0.3048, "foot": 0.3048}  # fmt: skip
_WITH_UNIT = r"^([-+]?\d+(?:[.,]\d+)?(?:e[-+]?\d+)?)\s*([a-z]*)\.?$"
# what a cell says when there is no estimate: not a value left unread
NO_VALUE = ("", "nan", "na", "n/a", "null", "none", "-", "--", "?", "unknown")


def accuracy_metres(column: str, numeric: bool = False) -> pl.Expr:
    """A fix's accuracy as Float64 metres: a number (decimal comma read as a point) in the unit
    the column's name gives (`accuracy_ft`: feet; none: metres), or a number with its own unit
    (m / km / ft, ACCURACY_UNITS); null for anything else. `numeric`: the column already holds
    numbers (cast only)."""
    from trajlm.data.readers._estimate_units import name_factor

    factor = name_factor(column)
    if numeric:
        return pl.col(column).cast(pl.Float64, strict=False) * factor
    text = pl.col(column).cast(pl.Utf8).str.strip_chars().str.to_lowercase()
    parts = text.str.extract_groups(_WITH_UNIT)
    number = parts.struct.field("1").str.replace(",", ".").cast(pl.Float64, strict=False)
    unit = parts.struct.field("2").replace_strict(
        ACCURACY_UNITS, default=None, return_dtype=pl.Float64
    )
    return pl.coalesce(sensor_value(column) * factor, number * unit)


def accuracy_unread(df: pl.DataFrame, column: str, name: str = "accuracy_m") -> pl.DataFrame:
    """The rows of `df` whose `column` holds text that is neither a number of metres nor a
    number with a unit read (`1500 yd`, `good`), nor a blank / NaN / n/a cell; `name` "hdop":
    neither a number nor one with a rating word ("2.1 (good)": session 28)."""
    from trajlm.data.readers._estimate_units import hdop_number

    if df.schema[column].is_numeric() or df.schema[column] == pl.Boolean:
        return df.clear()
    text = pl.col(column).cast(pl.Utf8).str.strip_chars().str.to_lowercase()
    value = hdop_number(column) if name == "hdop" else accuracy_metres(column)
    unread = value.is_null() & ~text.is_in(list(NO_VALUE)) & text.is_not_null()
    return df.filter(unread)


def unread_line(column: str, n: int, example: object, where: str = "") -> str:
    """The one line said for accuracy values that could not be read (ingest and trajlm.clean)."""
    return (f"{column!r}: {n:,} value(s) are not a number of metres, nor one with its unit "
            f"(m, km, ft) (e.g. {example!r}{where}): those fixes are kept, their accuracy "
            "unread (write the numbers alone, in metres)")  # fmt: skip


def say_unread_accuracy(raw: pl.DataFrame, column: str, ctx: Any, name: str = "accuracy_m") -> None:
    """Warn once a read (`ctx`: the read's _common.Ctx) where a table's accuracy (or HDOP: `name`)
    column holds text that is no estimate, naming the first such file line (readers27: it
    became null)."""
    from trajlm.data.readers._estimate_units import hdop_line

    bad = accuracy_unread(raw, column, name)
    if not bad.height or column in ctx.said:
        return
    import warnings

    ctx.said.add(column)
    first = bad.row(0, named=True)
    where = (
        f", {ctx.paths[first['_file']].name} line {first['_line']}"
        if "_line" in bad.columns
        else ""
    )
    line = hdop_line if name == "hdop" else unread_line
    warnings.warn(line(column, bad.height, first[column], where), stacklevel=2)


def say_unread_estimates(raw: pl.DataFrame, extra: dict[str, str], ctx: Any) -> None:
    """`say_unread_accuracy` for a reader's kept accuracy and HDOP columns (`extra`: the column
    map's {kept name: input column})."""
    for name in ACCURACY_COLUMNS:
        if column := extra.get(name):
            say_unread_accuracy(raw, column, ctx, name)


def table_sensors(header: list[str], used: set[str]) -> dict[str, str]:
    """{sensor column: header column} for the recognised sensor columns of a table header not
    already read as something else (`used`); the first column of each sensor wins."""
    from trajlm.data.column_names import normalised

    out: dict[str, str] = {}
    for c in header:
        name = TABLE_NAMES.get(normalised(c))
        if name and name not in out and c not in used:
            out[name] = c
    if normalised(out.get("power_w", "")) == "power" and not out.keys() & _SPORT:
        del out["power_w"]  # heldout38: TeslaMate's `power` is the car's kW, not a rider's W
    return out


# A bare `power` is a power meter's watts beside a heart rate or a cadence (a ride's table);
# alone (a car's, a battery's, a generator's log) its unit is unknown: not kept
_SPORT = {"heart_rate_bpm", "cadence_rpm"}


def sensor_value(column: str) -> pl.Expr:
    """A sensor column of a table as Float64 (text with a decimal comma read as a point;
    anything else that is no number: null)."""
    text = pl.col(column).cast(pl.Utf8).str.strip_chars()
    return text.str.replace(r"^([-+]?\d+),(\d+)$", "${1}.${2}").cast(pl.Float64, strict=False)
