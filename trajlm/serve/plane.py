"""``"crs": "local"`` over HTTP (local37): a request's points in x / y metres on a plane that is
not placed on the Earth (a pitch, a warehouse), as ``crs="local"`` in Python and ``--crs local``
on the command line (newuser36).

Rows send ``x`` / ``y`` (or ``lat`` / ``lon`` holding y / x metres), GeoJSON and MF-JSON
``[x, y]`` coordinates. The request's points are read onto the stand-in plane about
geo.LOCAL_ANCHOR that every trajlm call uses for such data, and the answer's points come back
in x / y metres (rows: keys ``x`` / ``y``; GeoJSON: ``[x, y]``). Before, metres sent as lat /
lon were refused by the plane check with a hint naming ``crs='local'``, which no HTTP body
took: a dead end. Whether the request was on a plane is kept per request (a ContextVar, as
echo keeps the request's time unit) from the parse to the answer's rendering.
"""

from __future__ import annotations

import re
from contextvars import ContextVar

import numpy as np
import polars as pl

from trajlm.data.schema import TrajlmInputError

PLANE: ContextVar[bool] = ContextVar("local_plane", default=False)
CRS_HELP = (
    '"local": the points are x / y metres on a plane not placed on the Earth (a pitch, a '
    "warehouse): rows send x / y, GeoJSON / MF-JSON [x, y]; the answer's points come back in "
    "x / y metres. Left out: WGS84 degrees."
)


def read_plane(df: pl.DataFrame, crs: str | None) -> pl.DataFrame:
    """The parsed request's table with its lat / lon (y / x metres when ``crs`` is "local")
    on the stand-in plane; records for the answer whether the request was on a plane."""
    PLANE.set(crs is not None)
    if crs is None or df.height == 0:
        return df
    from trajlm.data.geo import to_wgs84
    from trajlm.data.local_plane import refuse_degrees_as_local

    y, x = (df[c].cast(pl.Float64) for c in ("lat", "lon"))
    lat, lon = to_wgs84(x.to_numpy(), y.to_numpy(), "local")  # NaN (a gap to fill) stays NaN
    out = df.with_columns(lat=pl.Series(lat).fill_nan(None), lon=pl.Series(lon).fill_nan(None))
    refuse_degrees_as_local(out.drop_nulls(["lat", "lon"]), python=True)
    return out


def answer_plane(df: pl.DataFrame) -> pl.DataFrame:
    """An answer's lat / lon as y / x metres (same column names) when the request was on a
    plane; else ``df`` as it is."""
    if not PLANE.get() or not {"lat", "lon"} <= set(df.columns):
        return df
    from trajlm.data.geo import from_wgs84

    x, y = from_wgs84(df["lat"].to_numpy(), df["lon"].to_numpy(), "local")
    return df.with_columns(lat=pl.Series(np.round(y, 3)), lon=pl.Series(np.round(x, 3)))


def plane_keys() -> tuple[str, str]:
    """The names of an answer row's position: ("y", "x") on a plane, else ("lat", "lon")."""
    return ("y", "x") if PLANE.get() else ("lat", "lon")


def plane_pairs(pairs: np.ndarray, crs: str | None, field: str) -> np.ndarray:
    """(N, 2) ``[x, y]`` metres as ``[lat, lon]`` of the stand-in plane when ``crs`` is
    "local" (a non-finite value: one 422 naming the pair); else ``pairs`` as sent."""
    if crs is None:
        return pairs
    from trajlm.data.geo import to_wgs84

    bad = ~np.isfinite(pairs).all(axis=1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise TrajlmInputError(f"{pairs[i].tolist()} is not an [x, y] pair of metres",
                               field=f"{field}[{i}]")  # fmt: skip
    lat, lon = to_wgs84(pairs[:, 0], pairs[:, 1], "local")
    return np.column_stack([lat, lon])


def refuse_on_plane(crs: str | None, what: str, field: str = "crs") -> None:
    """One 422 for an endpoint whose places are latitude / longitude only (targets, orders,
    a similarity index of degrees): on a plane they mean nothing (local36's rule)."""
    if crs is None:
        return
    from trajlm.data.local_plane import degree_places_line

    raise TrajlmInputError(degree_places_line(what, python=True).replace("crs='local'",
                           '"crs": "local"'), field=field)  # fmt: skip


_DEGREE_RANGES = re.compile(r"finite lat in \[-90, 90\] and lon in \[-180, 180\]")
_AXIS = re.compile(r"(?<![\w/])(field |every |^)(lat|lon)\b")


def plane_words(text: str, field: str | None) -> tuple[str, str | None]:
    """An error's line and field in a plane request's words: the rows sent ``x`` / ``y``, which
    the parse reads as lon / lat (badin38: "field lat ... finite lat in [-90, 90]" for a null
    x); as they are when the request was not on a plane."""
    if not PLANE.get():
        return text, field
    text = _DEGREE_RANGES.sub("finite x / y metres", text).replace("lat / lon", "x / y")
    text = _KEY.sub(lambda m: "." + _SENT[m[1]], text)  # a parse error: the row's own key
    # a row's x and y are read onto the stand-in plane together: a bad one spoils both
    text = _AXIS.sub(lambda m: m[1] + "x / y", text)
    if field in ("lat", "lon"):
        field = "x / y"
    elif field is not None:
        field = _KEY.sub(lambda m: "." + _SENT[m[1]], field)
    return text, field


_KEY = re.compile(r"\.(lat|lon)\b")
_SENT = {"lat": "y", "lon": "x"}
