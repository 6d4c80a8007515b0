"""A frame whose columns are numbered 0, 1, 2, ... (pandas' names for a file read with
`header=None`: apipath32's Wialon `.wln`): no column name says what it holds, so the refusal
says what each column's values look like and the call that reads it (leftover33).

The columns are not read by their values: two columns of degrees within +-90 cannot tell the
latitude from the longitude (a `.wln` writes the longitude first; Minsk's 27.6 E / 53.9 N are
both latitudes by value), so a guess would be silently wrong for half the files."""

from __future__ import annotations

import polars as pl

from trajlm.data.schema import TrajlmInputError

_SAMPLE = 1000  # values looked at per column: a hint, not a read


def _time_kind(s: pl.Series) -> str | None:
    """What a column's values say about time: "Unix seconds", "date-time text", ... or None."""
    s = s.drop_nulls().head(_SAMPLE)
    if s.is_empty():
        return None
    if s.dtype.is_temporal():
        return "date-times"
    if s.dtype.is_numeric():
        whole = bool((s.cast(pl.Float64) % 1 == 0).all())
        mid = float(s.cast(pl.Float64).abs().median() or 0)
        if whole and 1e8 <= mid < 5e9:
            return "Unix seconds"
        if whole and 1e11 <= mid < 5e12:
            return "Unix milliseconds"
        return None
    if s.dtype == pl.Utf8:
        try:  # polars infers the format from the first values: none is no time text
            parsed = s.str.strip_chars().str.to_datetime(strict=False, time_unit="us")
        except pl.exceptions.PolarsError:
            return None
        return "date-time text" if parsed.null_count() <= 0.1 * len(s) else None
    return None


def _degrees(s: pl.Series) -> float | None:
    """The largest |value| of a column of fractional numbers within +-180 (degrees), else None."""
    s = s.drop_nulls().head(_SAMPLE)
    if s.dtype == pl.Utf8:
        s = s.str.strip_chars().cast(pl.Float64, strict=False)
    if s.is_empty() or not s.dtype.is_numeric() or s.null_count():
        return None
    s = s.cast(pl.Float64)
    top = float(s.abs().max())  # type: ignore[arg-type]
    return top if top <= 180 and bool((s % 1 != 0).any()) else None


def numbered_refusal(
    df: pl.DataFrame, time_col: str | None, lat_col: str | None, lon_col: str | None
) -> TrajlmInputError | None:
    """The one-line refusal for a frame of numbered columns whose time / lat / lon the caller
    has not named; None for any other frame."""
    cols = [str(c) for c in df.columns]
    if not cols or not all(c.isdigit() for c in cols) or None not in (time_col, lat_col, lon_col):
        return None
    times = {c: k for c in cols if (k := _time_kind(df[c])) is not None}
    degrees = {c: top for c in cols if c not in times and (top := _degrees(df[c])) is not None}
    said = [f"{c!r} holds {k}" for c, k in times.items()]
    if degrees:
        said.append(f"{' and '.join(map(repr, degrees))} hold{'s' * (len(degrees) == 1)} degrees")
    call = [f"time_col={next(iter(times))!r}" if len(times) == 1 else "time_col=..."]
    order = ""
    if len(degrees) == 2:
        (a, ta), (b, tb) = degrees.items()
        if max(ta, tb) > 90 >= min(ta, tb):  # only one can be a latitude
            lat, lon = (a, b) if ta <= 90 else (b, a)
            call += [f"lat_col={lat!r}", f"lon_col={lon!r}"]
        else:
            call += ["lat_col=...", "lon_col=..."]
            order = (f" (which of {a!r} / {b!r} is the latitude is the file's own order: both "
                     "lie within +-90, so their values cannot tell)")  # fmt: skip
    else:
        call += ["lat_col=...", "lon_col=..."]
    found = f": by their values, {', '.join(said)}" if said else ""
    return TrajlmInputError(
        f"the columns are numbered {cols[0]}..{cols[-1]}, as pandas names a file read with "
        f"header=None, so none says what it holds{found}",
        field="t" if time_col is None else "lat" if lat_col is None else "lon",
        hint=f"name them: {', '.join(call)}{order}; or give the file's path, which is read as "
        "`trajlm data ingest` reads it (a known layout such as Wialon .wln by its own rules)",
    )
