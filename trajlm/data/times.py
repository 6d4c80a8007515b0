"""A time column read as Unix seconds: datetimes (tz-aware, or naive = UTC), Unix seconds
(numbers or numeric text; milliseconds refused with a hint), ISO 8601 strings. Day/month
orders that would be guessed (02/12/2026) are refused; unparsed strings are named with their
file line. The kind and zone come back too, so results can be mapped back (data/coerce.py).
"""

from __future__ import annotations

import polars as pl

from trajlm.data.schema import LINE, TrajlmInputError


def _unparsed(df: pl.DataFrame, s: pl.Series) -> str:
    """The first values of text times `s` that do not parse, with their file line (LINE) or
    row; the first values when no format can be inferred at all."""
    try:
        bad = s.str.to_datetime(time_zone="UTC", strict=False).is_null() & s.is_not_null()
    except pl.exceptions.PolarsError:
        return f"first values {s.head(3).to_list()}"
    idx = bad.arg_true().head(3).to_list()
    if not idx:
        return f"first values {s.head(3).to_list()}"
    lines = df[LINE] if LINE in df.columns else None
    where = [f"file line {lines[i]}" if lines is not None else f"row {i}" for i in idx]
    return "e.g. " + ", ".join(f"{s[i]!r} at {w}" for i, w in zip(idx, where, strict=True))


def _time_to_seconds(df: pl.DataFrame, col: str) -> tuple[pl.Series, str, str | None]:
    """The time column as Int64 UTC seconds, with its kind and zone (to map results back)."""
    s = df[col]
    dt = s.dtype
    if dt == pl.Date:
        s, dt = s.cast(pl.Datetime("us")), pl.Datetime("us")
    if isinstance(dt, pl.Datetime):
        zone = dt.time_zone
        if zone is None:
            s = s.dt.replace_time_zone("UTC")  # naive = UTC
        return s.dt.epoch("s"), "datetime", zone
    if dt == pl.Utf8 and s.str.contains(r"^\s*[+-]?\d+(\.\d*)?\s*$").all():
        # Unix seconds as text (a CSV read with dtype=str): the numbers' path, ms check included
        return _time_to_seconds(pl.DataFrame({col: s.str.strip_chars().cast(pl.Float64)}), col)
    slash = r"^\s*\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"  # 02/12/2026, 02.12.2026
    if dt == pl.Utf8 and s.str.contains(slash).any():
        raise TrajlmInputError(  # polars would guess day-first: 02/12 would silently be 2 Dec
            f"times like {s.filter(s.str.contains(slash)).head(1).to_list()} leave the "
            "day/month order to a guess",
            field=col,
            hint="parse them first, e.g. pd.to_datetime(df[col], format='%d/%m/%Y %H:%M'), "
            "or give ISO 8601 strings (2026-12-02T10:05:00Z)",
        )
    if dt == pl.Utf8:
        try:
            parsed = s.str.to_datetime(time_zone="UTC")
        except pl.exceptions.PolarsError as e:
            raise TrajlmInputError(
                f"times are strings that do not parse as ISO dates ({_unparsed(df, s)})",
                field=col,
                hint="give datetimes, Unix seconds or ISO 8601 strings",
            ) from e
        return parsed.dt.epoch("s"), "string", "UTC"
    if dt.is_numeric():
        big = s.abs().max()
        if big is not None and big > 1e11:
            raise TrajlmInputError(
                f"times reach {big:.3g}, which as Unix seconds is after the year 5000",
                field=col,
                hint="these look like milliseconds: divide by 1000",
            )
        return s.cast(pl.Float64).floor().cast(pl.Int64), "epoch", "UTC"
    raise TrajlmInputError(
        f"times have type {dt}", field=col, hint="give datetimes, Unix seconds or ISO strings"
    )
