"""Longitudes written 0..360 (session 26, heldout26).

Pacific plotters, NetCDF-derived tracks and some GeoJSON writers unwrap longitudes east of the
antimeridian past 180 (180.2 for -179.8). Such a track used to be refused at its first fix past
180 ("longitude outside [-180, 180]"), and the hint (`--on-error skip`) dropped every fix east of
180: half a ferry crossing. A trajectory is read as 0..360 when it crosses 180 that way: it never
writes a negative longitude, writes some in (90, 180] and some past 180 (never past 360), and spans
less than half the globe, or when every fix is within 90 degrees of the antimeridian, some written
-179.x and some past 180 (heldout27: crossings written both ways in one frame). One stray 200 in a European track (2.1 ... 200), a lone fix at 200, a
track wholly past 180 (Hawaii as 204: no crossing to tell it from a bad column) and AIS's 181 ("not
available") are refused / skipped as before.
"""

from __future__ import annotations

import polars as pl

from trajlm.data.schema import DropReport


def wrap_0_360(df: pl.DataFrame, report: DropReport) -> pl.DataFrame:
    """`df` (typed traj_id, lon) with the longitudes of 0..360 trajectories moved to [-180, 180);
    the number of fixes moved is counted as repaired `lon_0_360`."""
    lon = pl.col("lon")
    if len(df) == 0 or not df.select((lon > 180).fill_null(False).any()).item():
        return df
    finite = pl.when(lon.is_finite()).then(lon)
    by = pl.col("traj_id") if "traj_id" in df.columns else pl.lit(0)
    west = ((lon > 90) & (lon <= 180)).fill_null(False).any().over(by)  # 0..360: the crossing
    whole = (
        (finite.min().over(by) >= 0)
        & (finite.max().over(by) <= 360)
        & (finite.max().over(by) - finite.min().over(by) < 180)
        & west
    ).fill_null(False)
    # a crossing written both ways in one trajectory (heldout27: a ferry frame read as one mover,
    # some crossings -179.8, others 180.2): every fix within 90 degrees of the antimeridian,
    # some each side of 180 as written
    near = ((finite > 90) | (finite < -90)).fill_null(True).all().over(by)
    mixed = (near & west & (finite < -90).fill_null(False).any().over(by)).fill_null(False)
    whole = whole | (mixed & (finite.max().over(by) <= 360)).fill_null(False)
    # exactly 181 is AIS's "longitude not available", never a place (still refused / skipped)
    moved = whole & ((lon > 180) & (lon != 181)).fill_null(False)
    n = int(df.select(moved.sum()).item())
    report.repair("lon_0_360", n)
    return df.with_columns(lon=pl.when(moved).then(lon - 360).otherwise(lon)) if n else df
