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

from trajlm.data.clean_common import _report
from trajlm.data.schema import DropReport

DEFAULT_MAX_ACCURACY_M = 200.0


def estimate_column(columns: list[str], name: str) -> str | None:
    """The column holding `name` ("accuracy_m" / "hdop"): a store's own, else the first a
    caller's frame names like one (`accuracy`, `horizontalAccuracy`: trajlm.clean(df) drops
    as ingest does)."""
    from trajlm.data.column_names import normalised
    from trajlm.data.readers._sensors import ACCURACY_NAMES

    if name in columns:
        return name
    return next((c for c in columns if ACCURACY_NAMES.get(normalised(c)) == name), None)


def _say_unread(df: pl.DataFrame, col: str, value: pl.Expr) -> None:
    """Warn where `col` holds text that is not a number ('1500 m'): such a fix is kept, its
    estimate unread (badin26: a cell-tower fix written with its unit was kept with no word)."""
    bad = df.filter(value.is_null() & pl.col(col).is_not_null())[col]
    bad = bad.filter(bad.cast(pl.Utf8).str.strip_chars().str.to_lowercase() != "nan")
    if bad.len():
        import warnings

        warnings.warn(f"{col!r}: {bad.len():,} value(s) are not numbers (e.g. {bad[0]!r}): those "
                      "fixes are kept, their accuracy unread (write the numbers alone, in metres)",
                      stacklevel=2)  # fmt: skip


@dataclass
class DropInaccurate:
    """Drop rows whose `accuracy_m` exceeds `max_accuracy_m` (metres) or whose `hdop` exceeds
    `max_hdop`; None switches a test off; a table without the column passes unchanged."""

    max_accuracy_m: float | None = DEFAULT_MAX_ACCURACY_M
    max_hdop: float | None = None

    def apply(self, df: pl.DataFrame) -> tuple[pl.DataFrame, DropReport]:
        report = _report(df)
        for name, limit, reason in (("accuracy_m", self.max_accuracy_m, "low_accuracy"),
                                    ("hdop", self.max_hdop, "high_hdop")):  # fmt: skip
            col = estimate_column(df.columns, name)
            if limit is None or col is None:
                continue
            # NaN is no estimate, as null is (polars orders NaN above every number: badin26)
            value = pl.col(col).cast(pl.Float64, strict=False).fill_nan(None)
            _say_unread(df, col, value)
            poor = (value > limit).fill_null(False)
            n = int(df.select(poor.sum()).item())
            if n:
                df = df.filter(~poor)
                report.drop(reason, n)
        return df, report
