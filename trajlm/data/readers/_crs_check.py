"""A projected CRS given for coordinates that are WGS84 degrees (session 17, bigin17).

`--crs EPSG:2100` on a file of Greek positions in degrees read them as metres: every point
landed in a ~10 m blob near the grid's origin, hundreds of km from Greece, and the store was
written with only a "median speed 1.3e-05 m/s" note. Such a read is refused in one line that
names the option. Projected data with small coordinates is kept: the refusal needs every
value inside the degree range *and* either

* the points, read as degrees, inside the CRS's area of use while, read as metres in it, they
  all land outside it (1 degree of margin), or
* all the points within a 1 x 1 unit box (a whole read that moves less than a metre is not a
  projected trajectory; in degrees it is one place).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trajlm.data.schema import TrajlmInputError

MARGIN_DEG = 1.0


def _area(crs: Any) -> tuple[str, tuple[float, float, float, float]] | None:
    """(name, (west, south, east, north)) of the CRS's area of use; None when unknown."""
    try:
        import pyproj

        from trajlm.data.geo import parse_crs

        c = pyproj.CRS.from_user_input(parse_crs(crs))
        a = c.area_of_use
        if a is None:
            return None
        return c.name, (a.west, a.south, a.east, a.north)
    except Exception:  # the reprojection itself says what is wrong with the CRS
        return None


def _inside(lat: np.ndarray, lon: np.ndarray, box: tuple, margin: float) -> np.ndarray:
    w, s, e, n = box
    in_lon = (lon >= w - margin) & (lon <= e + margin) if w <= e else (lon >= w) | (lon <= e)
    return in_lon & (lat >= s - margin) & (lat <= n + margin)


def check_not_degrees(
    north: np.ndarray,
    east: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    crs: Any,
    option: str = "--crs",
) -> None:
    """Raise when `north`/`east` (as given, read as `crs`) look like WGS84 degrees.

    `lat`/`lon` are the same points reprojected to WGS84 (what the read would keep)."""
    north, east = np.asarray(north, float), np.asarray(east, float)
    ok = np.isfinite(north) & np.isfinite(east)
    if not ok.any():
        return
    n, e = north[ok], east[ok]
    _not_degrees(n, e, np.asarray(lat, float)[ok], np.asarray(lon, float)[ok], crs, option)
    # then metres near the CRS's origin, outside its area of use (badfix37)
    check_not_local_plane(n, e, np.asarray(lat, float)[ok], np.asarray(lon, float)[ok], crs, option)


def _not_degrees(
    n: np.ndarray, e: np.ndarray, lat: np.ndarray, lon: np.ndarray, crs: Any, option: str
) -> None:
    """``check_not_degrees`` on the finite points."""
    if np.abs(n).max() > 90 or np.abs(e).max() > 180:
        return  # not degrees: metres (the usual case, decided on the first value mostly)
    where = None
    from trajlm.data.geo import is_local

    if is_local(crs):  # a player standing for a second stays within 1 m: the plane's own
        return  # check (local_plane.refuse_degrees_as_local) reads the steps instead
    if max(np.ptp(n), np.ptp(e)) < 1.0:
        where = "all lie within 1 m of each other, near the CRS's origin"
    elif (area := _area(crs)) is not None:
        name, box = area
        la, lo = lat, lon
        fin = np.isfinite(la) & np.isfinite(lo)
        as_deg_inside = _inside(n, e, box, 0.0).all()
        if as_deg_inside and not _inside(la[fin], lo[fin], box, MARGIN_DEG).any():
            where = f"all lie outside {name}'s area of use"
    if where is None:
        return
    raise TrajlmInputError(
        f"{option}={crs}: the coordinates look like WGS84 degrees (latitude "
        f"{n.min():.6g}..{n.max():.6g}, longitude {e.min():.6g}..{e.max():.6g}); read as "
        f"metres in that CRS they {where}",
        hint=f"leave out {option} for coordinates in degrees (WGS84); give it only for "
        "projected eastings / northings",
    )


# Metres within this of a projected CRS's origin (0, 0) are a local plane's (a pitch, a hall),
# not eastings / northings, when the origin lies outside the CRS's area of use: UTM's is 500 km
# west of its zone (badfix37: a pitch given EPSG:32629 was read 1.5 degrees west of the zone).
NEAR_ORIGIN_M = 100_000.0


def check_not_local_plane(
    north: np.ndarray, east: np.ndarray, lat: np.ndarray, lon: np.ndarray, crs: Any,
    option: str = "--crs",
) -> None:  # fmt: skip
    """Raise when finite ``north`` / ``east`` all lie near the CRS's origin and, reprojected
    (``lat`` / ``lon``), all land outside its area of use (1 degree of margin): metres on a
    local plane given a national grid. Eastings / northings of a place inside the area, or
    far from the origin (Norway's whole coast in UTM 33), are kept."""
    from trajlm.data.geo import is_local

    if (
        is_local(crs)
        or not len(north)
        or max(np.abs(north).max(), np.abs(east).max()) > NEAR_ORIGIN_M
    ):
        return
    fin = np.isfinite(lat) & np.isfinite(lon)
    if not fin.any() or (area := _area(crs)) is None:
        return
    name, box = area
    if _inside(lat[fin], lon[fin], box, MARGIN_DEG).any():
        return
    local = "--crs local" if option.startswith("--") else "crs='local'"
    raise TrajlmInputError(
        f"{option}={crs}: x {east.min():.6g}..{east.max():.6g}, y {north.min():.6g}..{north.max():.6g} "
        f"lie within {NEAR_ORIGIN_M / 1000:.0f} km of that CRS's origin, and read in it every point "
        f"lands outside its area of use ({name}; near {np.median(lat[fin]):.3f}, "
        f"{np.median(lon[fin]):.3f})",
        hint=f"metres on a local plane (a pitch, a hall, a lab)? give {local}; for eastings / "
        "northings check the CRS code",
    )


# Formats whose positions are latitude / longitude degrees by their own definition: a --crs
# (a projected code or `local`) cannot apply to them (badin37: `--crs local` on a GPX was
# dropped without a word, the track read as degrees and the store not marked as a plane).
DEGREE_FORMATS = ("gpx", "kml", "tcx", "nmea", "fit", "igc", "aivdm", "gtfs_rt", "ozi", "sml",
                  "geolife")  # fmt: skip


def crs_not_used(format: str, crs: Any, cli: bool = True) -> str | None:
    """Why ``crs`` cannot be taken for files of ``format`` (None where it can)."""
    from trajlm.data.geo import is_wgs84

    if is_wgs84(crs) or format not in DEGREE_FORMATS:
        return None
    option = f"--crs {crs}" if cli else f"crs={crs!r}"
    return (
        f"{option}: {format} files hold latitude / longitude degrees by the format's own "
        f"definition, so a CRS does not apply to them; leave out {option.split(' ')[0].rstrip('=')}"
    )
