"""Metres on a plane read as degrees (newuser36): refused in one line naming `--crs local`.

A football pitch's tracking (x -52.5..52.5, y -34..34 m), a warehouse's UWB tags (0..80 m) or a
simulator's plane fit the degree ranges, so a file with `x` / `y` columns was read as lat / lon
and written with only "41,187 steps faster than 340 m/s": every player 6 km from the next
frame. Such a read is refused when both hold on a chunk's steps:

* read as degrees, most steps (>= MOST) are faster than IMPOSSIBLE_SPEED_MPS, and
* read as metres, the 75th percentile of the step speeds lies in PLAUSIBLE_MPS: something
  walking, running or driving (degree data of interleaved movers would read as mm/s).

Data in degrees with a few bad fixes keeps the warning it had (a minority of fast steps).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.data.clean_common import _FIRST, IMPOSSIBLE_SPEED_MPS, _step_speed_mps
from trajlm.data.schema import TrajlmInputError

MOST = 0.5
PLAUSIBLE_MPS = (0.05, 60.0)
MIN_STEPS = 20


def plane_speeds(df: pl.DataFrame) -> tuple[float, float, int] | None:
    """(share of steps faster than 340 m/s read as degrees, the 75th percentile of step speeds
    read as metres, steps) of a cleaned table (sorted by traj_id, t); None: too few steps."""
    if len(df) <= MIN_STEPS or not {"traj_id", "t", "lat", "lon"} <= set(df.columns):
        return None
    dt = (pl.col("t") - pl.col("t").shift(1)).cast(pl.Float64)
    flat = ((pl.col("lat") - pl.col("lat").shift(1)) ** 2
            + (pl.col("lon") - pl.col("lon").shift(1)) ** 2).sqrt() / dt  # fmt: skip
    got = df.select(
        deg=_step_speed_mps(), flat=pl.when(_FIRST.fill_null(True)).then(None).otherwise(flat)
    ).drop_nulls()
    got = got.filter(pl.col("flat").is_finite() & pl.col("deg").is_finite())
    if len(got) < MIN_STEPS:
        return None
    share = float((got["deg"] > IMPOSSIBLE_SPEED_MPS).mean())
    return share, float(np.percentile(got["flat"].to_numpy(), 75)), len(got)


def refuse_plane_metres(
    df: pl.DataFrame, fields: tuple[str, str], python: bool = False, path: object = None
) -> None:
    """Raise when `df`'s lat / lon (read from columns `fields`) look like metres on a plane."""
    got = plane_speeds(df)
    if got is None:
        return
    share, p75, steps = got
    lo, hi = PLAUSIBLE_MPS
    if share < MOST or not lo <= p75 <= hi:
        return
    lat, lon = fields
    option = "crs='local'" if python else "--crs local"
    raise TrajlmInputError(
        f"columns {lat!r} / {lon!r} look like metres on a plane, not degrees: read as latitude / "
        f"longitude, {100 * share:.0f} % of {steps:,} steps are faster than "
        f"{IMPOSSIBLE_SPEED_MPS:.0f} m/s, while read as metres they move at "
        f"{p75:.1f} m/s (75th percentile)",
        hint=f"{option} reads x / y metres on a plane that is not placed on the Earth (a pitch, a "
        "warehouse, a simulator; answers come back in x / y metres); a projected grid on the "
        "Earth takes its code (EPSG:...)",
        path=path,  # type: ignore[arg-type]
    )
