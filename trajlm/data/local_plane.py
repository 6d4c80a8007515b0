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

from trajlm.data.clean_common import FIRST_ROW, IMPOSSIBLE_SPEED_MPS, step_speed_mps
from trajlm.data.schema import TrajlmInputError

MOST = 0.5
PLAUSIBLE_MPS = (0.05, 60.0)
MIN_STEPS = 20
PLANE_SAMPLE_ROWS = 200_000  # a frame's check reads its first rows (a sort: bounded)


def plane_speeds(df: pl.DataFrame) -> tuple[float, float, int] | None:
    """(share of steps faster than 340 m/s read as degrees, the 75th percentile of step speeds
    read as metres, steps) of a cleaned table (sorted by traj_id, t); None: too few steps."""
    if len(df) <= MIN_STEPS or not {"traj_id", "t", "lat", "lon"} <= set(df.columns):
        return None
    dt = (pl.col("t") - pl.col("t").shift(1)).cast(pl.Float64)
    flat = ((pl.col("lat") - pl.col("lat").shift(1)) ** 2
            + (pl.col("lon") - pl.col("lon").shift(1)) ** 2).sqrt() / dt  # fmt: skip
    got = df.select(
        deg=step_speed_mps(), flat=pl.when(FIRST_ROW.fill_null(True)).then(None).otherwise(flat)
    ).drop_nulls()
    got = got.filter(pl.col("flat").is_finite() & pl.col("deg").is_finite())
    if len(got) < MIN_STEPS:
        return None
    share = float((got["deg"] > IMPOSSIBLE_SPEED_MPS).mean())
    return share, float(np.percentile(got["flat"].to_numpy(), 75)), len(got)


def taking_turns(df: pl.DataFrame) -> bool:
    """Whether the jumps are two movers reporting in turns (a cloned MMSI: A, B, A, B ...): read
    as degrees each step is impossible but each fix lies near the one two rows back, which
    metres read as degrees never do (their two-step moves are impossible too). Such a table is
    the validity check's to flag as teleports, not a plane (session 37: local37's plane check
    refused `check_validity` on two ships 30 km apart). ``df``: sorted by traj_id, t."""
    same = pl.col("traj_id") == pl.col("traj_id").shift(2)
    dt2 = (pl.col("t") - pl.col("t").shift(2)).cast(pl.Float64)
    dlat = pl.col("lat") - pl.col("lat").shift(2)
    dlon = (pl.col("lon") - pl.col("lon").shift(2)) * pl.col("lat").radians().cos()
    speed = (dlat**2 + dlon**2).sqrt() * 111_195.0 / dt2  # m/s, equirectangular: enough here
    got = df.select(v=pl.when(same & (dt2 > 0)).then(speed)).drop_nulls()
    got = got.filter(pl.col("v").is_finite())
    return len(got) >= MIN_STEPS and float((got["v"] > IMPOSSIBLE_SPEED_MPS).mean()) < MOST


# degrees of one place: a spread this many times smaller than the distance from 0 (Madrid's
# 40.4 / -3.7 +- 0.1); a plane's metres spread from near its origin (a pitch, a lab, a warehouse)
PLACE_RATIO = 20.0
# movers taking turns jump across their area: the median step a sizeable share of the spread
# (a smooth track's steps are a small share of it, however fast its times make it)
JUMP_SHARE = 0.05


def interleaved_movers(df: pl.DataFrame) -> bool:
    """Whether a table's jumps are degrees of several movers taking turns under one id
    (heldout38: a Splunk export's ten trucks with no id-named column, or read by the gateway's
    `host`): its positions a small spread far from (0, 0), as no plane's metres are; such jumps
    were refused as metres on a plane. Two movers in turns (a cloned MMSI) are left to the
    validity check's teleports (`taking_turns`); one mover whose steps are short against the
    spread (a smooth track too fast: its times in the wrong unit) is no several movers."""
    if taking_turns(df):
        return False
    spread = max(float(df["lat"].max() - df["lat"].min()), float(df["lon"].max() - df["lon"].min()))
    centre = max(abs(float(df["lat"].mean())), abs(float(df["lon"].mean())))
    if not (spread > 0 and centre > PLACE_RATIO * spread):
        return False
    same = pl.col("traj_id") == pl.col("traj_id").shift(1)
    step = (pl.col("lat") - pl.col("lat").shift(1)).abs() + (
        pl.col("lon") - pl.col("lon").shift(1)
    ).abs()
    steps = df.select(d=pl.when(same).then(step)).drop_nulls()["d"]
    return len(steps) > 0 and float(steps.median()) > JUMP_SHARE * spread  # type: ignore[arg-type]


def refuse_interleaved(
    df: pl.DataFrame, python: bool = False, path: object = None, got: tuple | None = None
) -> None:
    """Raise when a table read as one mover jumps as several movers taking turns do
    (`interleaved_movers`, most steps impossible), naming the id option. ``df``: sorted by
    traj_id, t; ``got``: its `plane_speeds` when the caller has them."""
    got = got or plane_speeds(df)
    if got is None or got[0] < MOST or not interleaved_movers(df):
        return
    one = df["traj_id"].n_unique() == 1
    raise TrajlmInputError(
        (
            "read as one mover (no column names the trajectory)"
            if one
            else "read by the trajectory column given or guessed"
        )
        + f", {100 * got[0]:.0f} % of {got[2]:,} steps are faster than "
        f"{IMPOSSIBLE_SPEED_MPS:.0f} m/s: the rows of several movers taking turns"
        + ("" if one else " under one id (a gateway's, a fleet's?)"),
        hint=("traj_col=" if python else "--traj-col ")
        + "NAME: the column whose values name the vehicles / people",
        path=path,  # type: ignore[arg-type]
    )


def refuse_plane_metres(
    df: pl.DataFrame,
    fields: tuple[str, str],
    python: bool = False,
    path: object = None,
    option: str | None = None,
) -> None:
    """Raise when `df`'s lat / lon (read from columns `fields`) look like metres on a plane.
    ``option``: how the caller says crs local, when neither the CLI's nor a frame's keyword."""
    got = plane_speeds(df)
    if got is None:
        return
    share, p75, steps = got
    lo, hi = PLAUSIBLE_MPS
    lat, lon = fields
    refuse_interleaved(df, python, path, got)
    if share < MOST or not lo <= p75 <= hi or taking_turns(df):
        return
    option = option or ("crs='local'" if python else "--crs local")
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


def refuse_degrees_as_local(df: pl.DataFrame, python: bool = False, path: object = None) -> None:
    """Raise when a table read with `crs="local"` holds degrees: read as metres its steps
    crawl (75th percentile under 1 cm/s) while read as degrees they are plausible."""
    from trajlm.data.geo import from_wgs84

    if len(df) <= MIN_STEPS:
        return
    x, y = from_wgs84(df["lat"].to_numpy(), df["lon"].to_numpy(), "local")
    as_given = df.with_columns(lat=pl.Series(y), lon=pl.Series(x))  # the values the user gave
    got = plane_speeds(as_given)
    if got is None:
        return
    share, p75, steps = got
    if share > 0.05 or p75 >= 0.01:
        return
    option = "crs='local'" if python else "--crs local"
    raise TrajlmInputError(
        f"{option}: the coordinates look like degrees (read as metres on a plane, {steps:,} "
        f"steps move at {100 * p75:.2g} cm/s (75th percentile); read as degrees they move at "
        "plausible speeds)",
        hint=f"leave out {option} for latitude / longitude in degrees",
        path=path,  # type: ignore[arg-type]
    )


def store_crs(store: object) -> str | None:
    """ "local" for a store ingested with `--crs local` (its lat / lon are bookkeeping about
    geo.LOCAL_ANCHOR, never to be shown as places), else None (WGS84 degrees)."""
    import json
    from pathlib import Path

    try:
        manifest = json.loads((Path(str(store)) / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    crs = (manifest.get("reading") or {}).get("crs") if isinstance(manifest, dict) else None
    return crs if isinstance(crs, str) else None


def local_bbox(bbox: dict) -> dict:
    """A store's lat / lon bounding box as x / y metres on its local plane."""
    from trajlm.data.geo import from_wgs84

    x, y = from_wgs84(
        [bbox["min_lat"], bbox["max_lat"]], [bbox["min_lon"], bbox["max_lon"]], "local"
    )
    return {"min_x_m": round(float(x[0]), 3), "min_y_m": round(float(y[0]), 3),
            "max_x_m": round(float(x[1]), 3), "max_y_m": round(float(y[1]), 3)}  # fmt: skip


def as_plane_columns(table: pl.DataFrame, round_mm: bool = False) -> pl.DataFrame:
    """An answer table's ``lat`` / ``lon`` (bookkeeping on a local plane) as ``y`` / ``x``
    metres, in their places: what a `--crs local` store's places or rows are shown as."""
    from trajlm.data.geo import from_wgs84

    if not {"lat", "lon"} <= set(table.columns):
        return table
    x, y = from_wgs84(table["lat"].to_numpy(), table["lon"].to_numpy(), "local")
    out = table.with_columns(lat=pl.Series(y), lon=pl.Series(x))
    if round_mm:  # a file a person reads: mm, not 15 digits
        out = out.with_columns(pl.col("lat", "lon").round(3))
    return out.rename({"lat": "y", "lon": "x"})


def plane_place(lat: float, lon: float) -> str:
    """ "x 12.3 m, y -4.0 m": a `--crs local` plane's point from its lat / lon bookkeeping."""
    from trajlm.data.geo import from_wgs84

    x, y = from_wgs84([lat], [lon], "local")
    return f"x {float(x[0]):.1f} m, y {float(y[0]):.1f} m"


def is_local_input(data: object, crs: object = None) -> bool:
    """True when `data` is read on a `--crs local` plane: ``crs="local"`` given, or a store
    path ingested with it."""
    import os

    from trajlm.data.geo import is_local

    if is_local(crs):
        return True
    return isinstance(data, str | os.PathLike) and store_crs(data) == "local"


def degree_places_line(what: str, python: bool = False, file: bool = False) -> str:
    """The one line for a call whose places are given in latitude / longitude on a local
    plane, where they mean nothing (local36: they were matched against the stand-in 1 N 1 E).
    ``file``: a file read with the command's own ``--crs local`` (local37), not a store."""
    option = ("crs='local'" if python else "a file read with --crs local" if file
              else "a store read by `trajlm data ingest --crs local`")  # fmt: skip
    return (
        f"{what} takes places in latitude / longitude, which mean nothing on {option} (x / y "
        "metres on a plane); not supported on a local plane"
    )


def refuse_plane_layout(table: pl.DataFrame, layout: object) -> None:
    """`refuse_plane_metres` for a reader that coerces with ``validate=False`` (trajlm.parked,
    trajlm.next_place, recover, check_validity): x / y metres read as degrees were answered
    silently (local37: a forklift "not parked" at 14 km/s), where a checked read refuses them
    naming ``crs='local'``. ``table``: canonical; its rows without a position are left out."""
    names = (getattr(layout, "lat_col", "lat"), getattr(layout, "lon_col", "lon"))
    refuse_plane_read(table, getattr(layout, "crs", None), names)


def refuse_plane_read(table: pl.DataFrame, crs: object, names: tuple = ("lat", "lon")) -> None:
    """`refuse_plane_layout` for a canonical ``table`` read in ``crs`` (None: degrees)."""
    from trajlm.data.geo import is_wgs84

    if not is_wgs84(crs) or not {"traj_id", "t", "lat", "lon"} <= set(table.columns):
        return
    head = table.head(PLANE_SAMPLE_ROWS).drop_nulls(["lat", "lon"])
    refuse_plane_metres(head.sort(["traj_id", "t"], maintain_order=True), names, python=True)


def refuse_mixed_planes(query_local: bool, base_local: bool, query: str, base: str) -> None:
    """One line where a search's queries and library are on different planes (badin37:
    `similar` matched pitch metres against a store of degrees, and degrees against a local
    store, answering nearest trajectories 4,500 km apart as if they were neighbours)."""
    if query_local == base_local:
        return
    kind = {True: "x / y metres on a local plane", False: "latitude / longitude degrees"}
    raise TrajlmInputError(
        f"{query} holds {kind[query_local]} and {base} {kind[base_local]}: trajectories on a "
        "plane and on the Earth have no distance between them",
        hint="search a library read as the queries were (both with --crs local / crs='local', "
        "or neither)",
    )
