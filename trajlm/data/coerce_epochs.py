"""Time columns ``coerce`` reads before it picks columns (session 18, pyuser18; split out of
coerce_shapes.py in session 19):

- Unix times whose column name says the unit (``ts_ms``, ``timestamp_ns``, ``epoch_us``): read
  in that unit and given back in it; with no time column by name, the only datetime column;
- (session 19) Unix numbers in a column whose name says no unit (``timestamp``) read in the
  one unit every value fits as a 1990-2100 date (milliseconds, microseconds, nanoseconds: the
  ranges do not overlap; readers/_epoch_size.py, as ingest reads files), said in one warning
  and given back in that unit;
- times asked (at_times) read by their own size, else in the input's unit (``unit_values``).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from trajlm.data.coerce_shapes import from_pandas
from trajlm.data.column_names import TIME, candidates
from trajlm.data.column_notes import trip_log_words
from trajlm.data.schema import TrajlmInputError


def time_column(df: pl.DataFrame, time_col: str | None) -> str | None:
    """The time column when none is given and no name tier finds one: the only column named
    as a time with its epoch unit (``ts_ms``, as files are read, readers/layouts.py), else
    the only datetime column; several of either are an error naming them. None leaves the
    choice (and its error) to the name tiers."""
    from trajlm.data.readers.layouts import epoch_unit_column

    cols = [str(c) for c in df.columns]
    if time_col is not None or candidates(TIME, cols):
        return time_col
    for what, found in (
        ("Unix times named by unit", [c for c in cols if epoch_unit_column([c])]),
        ("datetimes", [c for c, d in df.schema.items() if isinstance(d, pl.Datetime)]),
    ):
        if len(found) == 1:
            return found[0]
        if found:
            raise TrajlmInputError(
                f"several columns could be t ({what}): {found}; the columns are {cols}"
                + trip_log_words(found),  # a bike-share log's started_at / ended_at (newuser31)
                field="t",
                hint="choose one with time_col=...",
            )
    return None


_PER_SECOND = {"ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}


def epoch_unit(df: pl.DataFrame, tcol: str) -> tuple[pl.DataFrame, str | None]:
    """(frame, unit): Unix numbers in a column whose name says their unit (``ts_ms``,
    ``timestamp_ns``, ``epoch_us``) as UTC datetimes of that unit, so they are read exactly
    (sub-second parts kept) and come back as numbers in that unit (coerce_out); other
    columns unchanged (None)."""
    from trajlm.data.readers.layouts import epoch_unit_column

    df, s = _finite(df, tcol)
    found = epoch_unit_column([str(tcol)])
    if found is not None and s.dtype == pl.Utf8 and s.str.contains(r"^\s*\d+\s*$").all():
        s = s.str.strip_chars().cast(pl.Int64)  # a CSV read as text: ms digits
    if found is None and s.dtype.is_numeric():
        unit = series_unit_by_size(s, str(tcol))
    elif found is None or not s.dtype.is_numeric():
        return df, None
    else:
        unit = {"unix_ms": "ms", "unix_us": "us", "unix_ns": "ns"}[found[1]]
        _unit_fits(s, str(tcol), unit)
    if unit is None:
        return df, None
    if s.dtype.is_float():
        ns = (s * (1_000_000_000 // _PER_SECOND[unit])).round().cast(pl.Int64)
        t = pl.from_epoch(ns, time_unit="ns").cast(pl.Datetime(unit))
    else:
        t = pl.from_epoch(s.cast(pl.Int64), time_unit=unit)
    return df.with_columns(t.dt.replace_time_zone("UTC").alias(tcol)), unit


def _finite(df: pl.DataFrame, tcol: str) -> tuple[pl.DataFrame, pl.Series]:
    """A float time column with NaN as missing (null: the schema check names its row, as a
    pandas NaN is read) and an infinite time refused in one line (badin19: both were
    polars' InvalidOperationError from a cast)."""
    s = df[tcol]
    if not s.dtype.is_float():
        return df, s
    inf = s.is_infinite().fill_null(False)
    if inf.any():
        i = int(inf.arg_max())
        raise TrajlmInputError(
            f"{int(inf.sum())} time(s) are infinite (first at row {i}: {s[i]})",
            field=str(tcol),
            hint="drop those rows or give their times",
        )
    if s.is_nan().any():
        s = s.fill_nan(None)
        df = df.with_columns(s.alias(tcol))
    return df, s


def series_unit_by_size(s: pl.Series, tcol: str) -> str | None:
    """ "ms" / "us" / "ns" when every value of the unnamed column ``s`` is a 1990-2100 date in
    that unit only (readers/_epoch_size.unit_by_size, as ingest reads files), said in one
    warning; None for seconds, elapsed counters and mixed sizes (the time checks say those)."""
    from trajlm.data.readers._epoch_size import WORDS, unit_by_size
    from trajlm.errors import warn_once_at_caller

    v = s.drop_nulls()
    if s.dtype.is_float():
        v = v.filter(v.is_finite())
    # unit_by_size reads only the smallest and largest number (every value here is one):
    # those two, not a Python list of every row (anom35: 1.2 s of a 10^6-row trip's read)
    found = unit_by_size([v.min(), v.max()]) if len(v) else None
    if found is None and len(v):
        _two_units(s, tcol)
    if found in (None, "unix"):
        return None
    warn_once_at_caller(f"times in {tcol!r} read as Unix {WORDS[found]} by their size (every value "
                   f"is a 1990-2100 date only in that unit); results give them back in "
                   f"{WORDS[found]} (name the column e.g. {tcol}_ms to say the unit)")  # fmt: skip
    return found.removeprefix("unix_")


def _two_units(s: pl.Series, tcol: str) -> None:
    """One line when the column holds dates in two units (seconds in some rows, milliseconds
    in others): "divide by 1000" would break the other rows (badin19)."""
    from trajlm.data.readers._epoch_size import SCALES, WORDS

    lo, hi = _YEARS_S
    v = s.cast(pl.Float64)
    units = {u: ((v >= lo * k) & (v <= hi * k)).fill_null(False) for u, k in SCALES.items()}
    have = [(u, int(m.arg_max())) for u, m in units.items() if m.any()]
    if len(have) < 2:
        return
    (a, i), (b, j) = sorted(have, key=lambda x: x[1])[:2]
    raise TrajlmInputError(
        f"times in two units: row {i}'s {s[i]} is a date in {WORDS[a]}, row {j}'s {s[j]} "
        f"in {WORDS[b]}",
        field=tcol,
        hint="give every time in one unit (or as datetimes)",
    )


_YEARS_S = (631_152_000, 4_102_444_800)  # 1990-01-01 .. 2100-01-01, Unix seconds


def _unit_fits(s: pl.Series, tcol: str, unit: str) -> None:
    """One line when the column's name says ``unit`` but its values are dates (1990-2100)
    only in another unit (seconds in ``time_ms``, nanoseconds in ``ts_ms``)."""
    v = s.drop_nulls().cast(pl.Float64)
    v = v.filter(v.is_finite())
    if len(v) == 0:
        return
    mid = float(v.median())  # type: ignore[arg-type]
    units = {"s": 1, **_PER_SECOND}
    lo, hi = _YEARS_S
    if lo <= mid / units[unit] <= hi:
        return
    fits = [u for u, per in units.items() if lo <= mid / per <= hi]
    if not fits:
        return  # not dates in any unit: the time checks say what they are
    raise TrajlmInputError(
        f"column {tcol!r} is named as Unix {unit} but its values (e.g. {mid:.0f}) are dates "
        f"only in {fits[0] if fits[0] != 's' else 'seconds'}",
        field=tcol,
        hint=f"rename the column (its name gives the unit), or convert the values to {unit}",
    )


def epoch_back(t: pl.Expr, unit: str, dtype: Any) -> pl.Expr:
    """UTC datetimes -> Unix numbers in ``unit`` of the caller's ``dtype`` (epoch_unit's
    inverse)."""
    out = t.dt.epoch(unit)  # type: ignore[arg-type]
    return out.cast(dtype) if dtype is not None and dtype.is_numeric() else out


def unit_values(values: Any, unit: str | None, key: str = "traj_id") -> Any:
    """Times asked (at_times) as Unix numbers -> Unix seconds (a dict's values, a frame's
    columns other than the id column ``key``); datetimes and text unchanged. The numbers are
    read by their own size as the input's times are (seconds, ms, us, ns: 1990-2100 dates in
    one unit only; session 20, leftovers20: Unix seconds asked beside a millisecond frame were
    read as ms, 1970, and answered NaN), said in one warning when that differs from the
    input's ``unit`` (None: seconds); numbers that are no such date (elapsed counters) are in
    the input's unit; dates in two units are refused in one line."""
    nums = _asked_numbers(values, key)
    own = _asked_unit(nums) if nums else None
    if own is False:
        own = unit  # not Unix dates: the input's unit (elapsed times)
    elif own != unit:
        from trajlm.data.readers._epoch_size import WORDS
        from trajlm.errors import warn_at_caller

        said = {None: "seconds", **{u: WORDS[f"unix_{u}"] for u in _PER_SECOND}}
        warn_at_caller(f"at_times read as Unix {said[own]} by their size (every number asked "
                       f"is a 1990-2100 date only in that unit), beside input times in "
                       f"{said[unit]}; results give t in {said[unit]}, as the input's")  # fmt: skip
    return values if own is None else _divided(values, _PER_SECOND[own], key)


def _asked_numbers(values: Any, key: str) -> list[float]:
    """The Unix numbers among the times asked (datetimes and text left out)."""
    import numpy as np

    if isinstance(values, dict):
        return [x for v in values.values() for x in _asked_numbers(v, key)]
    if hasattr(values, "columns") and not hasattr(values, "geometry"):
        df = values if isinstance(values, pl.DataFrame) else from_pandas(values)
        cols = [c for c, d in df.schema.items() if c not in (key, "traj_id") and d.is_numeric()]
        return [float(x) for c in cols for x in df[c].drop_nulls().to_list()]
    if isinstance(values, bool | str) or values is None:
        return []
    scalar = isinstance(values, int | float | np.integer | np.floating)
    try:
        arr = np.asarray([values] if scalar else values)
    except (TypeError, ValueError):
        return []
    if arr.dtype.kind not in "iuf":
        return []
    arr = arr.astype(np.float64).ravel()
    return arr[np.isfinite(arr)].tolist()


def _asked_unit(nums: list[float]) -> str | None | bool:
    """The unit of the numbers asked by size: None (seconds), "ms" / "us" / "ns"; False when
    they are no 1990-2100 dates (elapsed times); dates in two units: one line."""
    from trajlm.data.readers._epoch_size import SCALES, WORDS, unit_by_size

    found = unit_by_size(nums)
    if found is not None:
        return None if found == "unix" else found.removeprefix("unix_")
    lo, hi = _YEARS_S
    seen = {u: x for x in nums for u, k in SCALES.items() if lo * k <= x <= hi * k}
    if len(seen) < 2:
        return False
    (a, x), (b, y) = list(seen.items())[:2]
    raise TrajlmInputError(
        f"at_times in two units: {x:.0f} is a date in {WORDS[a]}, {y:.0f} in {WORDS[b]}",
        field="at_times",
        hint="give every time asked in one unit (or as datetimes)",
    )


def _divided(values: Any, per: int, key: str) -> Any:
    """The numbers among ``values`` divided by ``per`` (to Unix seconds)."""
    import numpy as np

    if isinstance(values, dict):
        return {k: _divided(v, per, key) for k, v in values.items()}
    if hasattr(values, "columns") and not hasattr(values, "geometry"):
        df = values if isinstance(values, pl.DataFrame) else from_pandas(values)
        times = [c for c, d in df.schema.items() if c not in (key, "traj_id") and d.is_numeric()]
        return df.with_columns(pl.col(c) / per for c in times)
    scalar = isinstance(values, int | float | np.integer | np.floating)
    arr = np.asarray([values] if scalar else values)
    if arr.dtype.kind in "iuf":
        return arr / per if not scalar else float(arr[0] / per)
    return values
