"""Rows of a caller's table that are no fix of one mover, as ingest reads them (session 16):
AIS "position not available" (lat 91 / lon 181), placeholder MMSIs (0, 999999999, ...:
several ships at once) and receivers' repeated reports (same time, the same position within
REPEAT_DEG). ``coerce`` (trajlm/data/coerce.py) and ``trajlm.clean`` use these; ingest's
readers do the same in trajlm/data/readers/_common.py."""

from __future__ import annotations

import polars as pl

from trajlm.data.column_names import mmsi_placeholder
from trajlm.data.schema import LINE, TrajlmInputError
from trajlm.errors import warn_at_caller

NA_LAT, NA_LON = 91.0, 181.0  # AIS: latitude / longitude "not available"
REPEAT_DEG = 1e-4  # ~11 m: two receivers' copies of one report differ by rounding only


def not_available(lat: pl.Series, lon: pl.Series) -> pl.Series:
    """True where a row is AIS's "position not available" (both 91 and 181), or both
    coordinates a science logger's missing value -9999 / -999 (heldout30: radiosondes; ingest
    drops the same rows: readers/_common.check_rows)."""
    missing = ((lat == -9999) & (lon == -9999)) | ((lat == -999) & (lon == -999))
    return (((lat == NA_LAT) & (lon == NA_LON)) | missing).fill_null(False)


def placeholder_rows(df: pl.DataFrame, traj_col: str) -> pl.Series | None:
    """For a canonical table whose ids came from a column named MMSI: True on the rows whose
    id is a placeholder MMSI (column_names.MMSI_PLACEHOLDERS); None for other id columns."""
    expr = mmsi_placeholder(traj_col)
    return None if expr is None else df.select(expr.alias("m"))["m"]


def refuse_not_available(na: pl.Series, lat: str, lon: str) -> None:
    """Model input: a TrajlmInputError naming AIS's 91 / 181 (or -9999) rows and trajlm.clean
    (not the projected-coordinates hint a latitude of 91 would get)."""
    if na.any():
        raise TrajlmInputError(
            f"{int(na.sum()):,} row(s) have {lat!r} 91 and {lon!r} 181 (AIS's 'position not "
            f"available') or both -9999 / -999 (a missing value; first: row {int(na.arg_max())})",
            field=lat,
            hint="trajlm.clean(df) drops and counts them (no_fix), as `trajlm data ingest` does",
        )


def warn_placeholders(df: pl.DataFrame, traj_col: str) -> None:
    """Model input: one warning when ids read from an MMSI column are placeholders."""
    mmsi = placeholder_rows(df, traj_col)
    if mmsi is None or not mmsi.any():
        return
    ids = df.filter(mmsi)["traj_id"].unique(maintain_order=True).head(3).to_list()
    warn_at_caller(
        f"{int(mmsi.sum()):,} row(s) have a placeholder MMSI in {traj_col!r} ({ids}): several "
        "ships send these at once, so they are no one vessel's track; trajlm.clean(df) "
        "drops them (placeholder_mmsi), as `trajlm data ingest` does"
    )


def drop_repeats(df: pl.DataFrame) -> tuple[pl.DataFrame, int, str | None]:
    """Drop receivers' repeated reports from a canonical table in the caller's row order:
    a row whose (traj_id, t) came before, at a position within REPEAT_DEG of that first copy
    (a different position at one time is kept, for the checks to refuse). Returns the table,
    the number dropped and the first dropped one ("line 46" of a CSV, else "row 44")."""
    if len(df) == 0:
        return df, 0, None
    key = ["traj_id", "t"]
    first = pl.struct(key).is_first_distinct()
    near = [
        (pl.col(c) - pl.col(c).first().over(key)).abs().le(REPEAT_DEG).fill_null(False)
        for c in ("lat", "lon")
    ]
    rep = df.select((~first & near[0] & near[1]).alias("r"))["r"]
    n = int(rep.sum())
    if not n:
        return df, 0, None
    i = int(rep.arg_max())
    first = f"line {df[LINE][i]}" if LINE in df.columns else f"row {i}"
    return df.filter(~rep), n, first


def repeats_line(n: int, first: str | None) -> str:
    """The sentence for ``drop_repeats``' count, the same in `trajlm predict` and the API's
    methods (session 27, newuser27: the CLI dropped these rows, Python refused them)."""
    return (f"{n:,} row(s) repeat an earlier row of their trajectory (same time, position "
            f"within {REPEAT_DEG:g} deg; first: {first}): dropped, the first copy kept "
            "(receivers' duplicates)")  # fmt: skip


def say_repeats(layout: object) -> None:
    """One warning at the caller's line with ``coerce(..., repeats="drop")``'s count (none:
    silent). The API's rows are named by position or the caller's index label."""
    n, first = getattr(layout, "repeats", None) or (0, None)
    if n:
        first = str(first).replace("line ", "index label ")  # LINE: the API's index labels
        warn_at_caller("input: " + repeats_line(n, first))
