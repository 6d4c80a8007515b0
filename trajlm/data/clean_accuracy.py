"""Fixes whose own error estimate says they are poor (session 26, readers26): a phone's
cell-tower fix (`accuracy_m` 1,500 m) among GPS fixes of 5-20 m, a receiver's fix at HDOP 30.

newuser25's phone study kept its 1 % cell-tower fixes (1,500 m off) as points: each made two
jumps of ~1.5 km that training and every baseline took for movement. What a user expects is
what location apps and mobility studies do: leave out the fixes the device itself marks as
poor, and say how many. The default keeps fixes of up to 200 m: Wi-Fi-located fixes (tens of
metres to ~100 m) stay, cell-tower fixes (500 m to several km) go. HDOP has no unit and no
threshold that fits every receiver (collar studies cut at 5 to 10), so its filter is opt-in
(`--max-hdop`). Counted as `low_accuracy` / `high_hdop` (cleaning choices, like thinning).
A row without a value (null, NaN) is kept: no estimate is no evidence of a poor fix."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from trajlm.data.clean_common import empty_report
from trajlm.data.schema import DropReport

DEFAULT_MAX_ACCURACY_M = 200.0
# the drop reason of a negative estimate, per estimate column (session 29)
NEGATIVE_REASONS = {"accuracy_m": "negative_accuracy", "hdop": "negative_hdop"}


def estimate_column(columns: list[str], name: str) -> str | None:
    """The column holding `name` ("accuracy_m" / "hdop"): a store's own, else the first a
    caller's frame names like one (`accuracy`, `horizontalAccuracy`: trajlm.clean(df) drops
    as ingest does)."""
    from trajlm.data.readers._estimate_units import estimate_name

    if name in columns:
        return name
    return next((c for c in columns if (estimate_name(c) or (None,))[0] == name), None)


def _say_unread(df: pl.DataFrame, col: str, name: str) -> None:
    """Warn where `col` holds text that is no accuracy ('good', '1500 yd'): such a fix is kept,
    its estimate unread (badin26); '1500 m', '1.5 km', '40 ft' are read in their unit
    (readers._sensors.accuracy_metres, as ingest reads them: session 27)."""
    from trajlm.data.readers._estimate_units import hdop_line
    from trajlm.data.readers._sensors import accuracy_unread, unread_line

    bad = accuracy_unread(df, col, name)
    if bad.height:
        import warnings

        line = hdop_line if name == "hdop" else unread_line
        warnings.warn(line(col, bad.height, bad[col][0]), stacklevel=2)


def estimate_expr(df: pl.DataFrame, col: str, name: str) -> pl.Expr:
    """`col` as Float64: an accuracy read with its unit ('1500 m', '0.8 km'), HDOP a number."""
    from trajlm.data.readers._estimate_units import hdop_number
    from trajlm.data.readers._sensors import accuracy_metres

    numeric = df.schema[col].is_numeric() or df.schema[col] == pl.Boolean
    if name == "accuracy_m":
        return accuracy_metres(col, numeric)
    return hdop_number(col, numeric)  # "2.1 (good)": the number (session 28)


def estimates_as_numbers(df: pl.DataFrame) -> pl.DataFrame:
    """A caller's frame whose text `hdop` / `accuracy_m` column is read as ingest reads it
    ("2.1 (good)", "12 m"; the canonical cast was a polars traceback: session 28), unread text
    said once."""
    for name in ("hdop", "accuracy_m"):
        if name in df.columns and df.schema[name] == pl.Utf8:
            _say_unread(df, name, name)
            df = df.with_columns(estimate_expr(df, name, name).alias(name))
    return df


@dataclass
class DropInaccurate:
    """Drop rows whose `accuracy_m` exceeds `max_accuracy_m` (metres) or whose `hdop` exceeds
    `max_hdop`; None switches a test off; a table without the column passes unchanged. A
    negative estimate drops its row too (`negative_accuracy` unless the accuracy test is off;
    `negative_hdop` always)."""

    max_accuracy_m: float | None = DEFAULT_MAX_ACCURACY_M
    max_hdop: float | None = None

    def apply(self, df: pl.DataFrame) -> tuple[pl.DataFrame, DropReport]:
        report = empty_report(df)
        if "argos_lc" in df.columns:  # Argos class Z: an invalid location (readers._argos)
            z = pl.col("argos_lc").cast(pl.Utf8).str.strip_chars().str.to_uppercase() == "Z"
            if n := int(df.select(z.fill_null(False).sum()).item()):
                df = df.filter(~z.fill_null(False))
                report.drop("argos_class_z", n)
        for name, limit, reason in (("accuracy_m", self.max_accuracy_m, "low_accuracy"),
                                    ("hdop", self.max_hdop, "high_hdop")):  # fmt: skip
            col = estimate_column(df.columns, name)
            if col is None or (limit is None and name == "accuracy_m"):
                continue
            # NaN is no estimate, as null is (polars orders NaN above every number: badin26)
            value = estimate_expr(df, col, name).fill_nan(None)
            # a negative estimate is no error radius (iOS writes a negative horizontalAccuracy
            # for a fix whose coordinates are invalid; a DOP is never negative): dropped and
            # counted, whatever the limit (badin28: -30 ft and "-3 (bad)" were kept silently)
            negative = (value < 0).fill_null(False)
            if n := int(df.select(negative.sum()).item()):
                df = df.filter(~negative)
                report.drop(NEGATIVE_REASONS[name], n)
                value = estimate_expr(df, col, name).fill_nan(None)
            if limit is None:
                continue
            _say_unread(df, col, name)
            poor = (value > limit).fill_null(False)
            n = int(df.select(poor.sum()).item())
            if n:
                df = df.filter(~poor)
                report.drop(reason, n)
        return df, report


# A filter asked for (CLI option, clean_overrides key) and the column it reads
_FILTERS = (
    ("max_accuracy_m", "accuracy_m", "--max-accuracy-m",
     "an accuracy column (accuracy, accuracy_m, horizontal_accuracy, hacc, ...)"),
    ("max_hdop", "hdop", "--max-hdop", "an HDOP column (hdop, h_dop, horizontal_dop)"),
)  # fmt: skip


def unused_filters(overrides: dict, columns: set[str]) -> list[str]:
    """The lines said when a filter asked for (`overrides`: the caller's clean_overrides) finds
    no column to read in a store's `columns` (badin26: `--max-hdop 5` on a file without HDOP
    did nothing, with no word)."""
    return [f"{opt} {overrides[key]:g} (clean_overrides[{key!r}]) reads {what}, and the input "
            f"has none: no fix dropped by it" for key, col, opt, what in _FILTERS
            if isinstance(overrides.get(key), int | float) and col not in columns]  # fmt: skip
