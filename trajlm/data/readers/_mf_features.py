"""The Features of an MF-JSON / GeoJSON trajectory document (split from mfjson.py, fix36):
each Feature-like object with its JSON path, and one Feature's coordinates and per-vertex
times (a MovingPoint `temporalGeometry`, or a LineString / MultiPoint with times in its
properties or its coordinates' fourth value), with the refusals a Feature can earn: a `crs`
other than WGS84, a Point feature among moving ones, a map marker, lists of unequal length.
mfjson.py turns what these give into trajlm's rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trajlm.data.readers._common import WGS84
from trajlm.data.readers._json_tracks import line_times, measure_times
from trajlm.data.schema import TrajlmInputError

_NOT_READ = (
    "no MovingPoint temporalGeometry nor LineString + per-vertex times (properties.datetimes, "
    "coordTimes or coordinateProperties.times)"
)


class BadFeature(Exception):
    """A Feature that cannot give points: (message, JSON field path)."""


class PointFeature(BadFeature):
    """A GeoJSON Point feature in a collection that also holds moving features."""


class MapMarker(BadFeature):
    """A Point feature with no time among moving features: a map marker (CalTopo / SARTopo's
    clue and waypoint markers beside the tracks; heldout28), counted as `map_marker`."""


# property names that give a Point feature a time of its own (without one it is no fix)
_POINT_TIMES = {"time", "times", "timestamp", "datetime", "datetimes", "date", "when", "t",
                "coordtimes", "recorded_at", "ts"}  # fmt: skip


class NotWgs84(Exception):
    """A `crs` other than WGS84: (message, JSON field path); raised in both on_error modes."""


def check_crs(obj: dict, where: str) -> None:
    crs = obj.get("crs")
    if not isinstance(crs, dict):
        return
    name = str((crs.get("properties") or {}).get("name") or crs.get("href") or "")
    if name and not any(w.lower() in name.lower() for w in WGS84):
        raise NotWgs84(f"crs {name!r} is not WGS84 lon/lat", f"{where}.crs")


def mf_features(doc: Any) -> list[tuple[str | None, dict, str]]:
    """(id or None, feature, JSON path) of every Feature-like object in the document."""
    if not isinstance(doc, dict):
        raise BadFeature("top level is not a JSON object", "$")
    kind = doc.get("type")
    if kind == "FeatureCollection":
        feats = doc.get("features")
        if not isinstance(feats, list):
            raise BadFeature("FeatureCollection without a 'features' list", "features")
        out = []
        for k, f in enumerate(feats):
            fid = f.get("id") if isinstance(f, dict) else None
            out.append((str(fid if fid is not None else k), f, f"features[{k}]"))
        return out
    if kind == "MovingPoint":
        return [(None, {"type": "Feature", "temporalGeometry": doc}, "$")]
    fid = doc.get("id")
    return [(None if fid is None else str(fid), doc, "$")]


def feature_track(feat: Any, where: str) -> tuple[list, list]:
    """(coordinates, datetimes) of one Feature; raises BadFeature."""
    if not isinstance(feat, dict):
        raise BadFeature("not a JSON object", where)
    check_crs(feat, where)
    tg = feat.get("temporalGeometry")
    if isinstance(tg, dict):
        if tg.get("type") != "MovingPoint":
            raise BadFeature(f"temporalGeometry type {tg.get('type')!r} (only MovingPoint)", where)
        coords, times, at = tg.get("coordinates"), tg.get("datetimes"), "temporalGeometry"
    else:
        geom = feat.get("geometry")
        geom = geom if isinstance(geom, dict) else {}  # a string / number: not a geometry
        props = feat.get("properties") or {}
        if geom.get("type") == "Point":  # among moving features (all Points: a point table)
            if isinstance(props, dict) and not {str(k).lower() for k in props} & _POINT_TIMES:
                raise MapMarker("a Point feature with no time (a map marker)", where)
            raise PointFeature(
                "a GeoJSON Point feature (one fix) among moving features; a file of Point "
                "features only is read as a point table (--traj-col / --time-col)",
                where,
            )
        times = line_times(props) if isinstance(props, dict) else None
        if times is None and geom.get("type") == "LineString":  # [lon, lat, ele, time] (CalTopo)
            times = measure_times(geom.get("coordinates"))
        if geom.get("type") not in ("LineString", "MultiPoint") or times is None:
            raise BadFeature(_NOT_READ, where)
        coords, at = geom.get("coordinates"), "properties"
    if not isinstance(coords, list) or not isinstance(times, list):
        raise BadFeature("coordinates and datetimes must be lists", f"{where}.{at}")
    if len(coords) != len(times):
        raise BadFeature(
            f"{len(coords)} coordinates but {len(times)} datetimes", f"{where}.{at}.datetimes"
        )
    if not all(isinstance(c, list) and len(c) >= 2 for c in coords):
        raise BadFeature("coordinates must be [lon, lat] positions", f"{where}.{at}.coordinates")
    return coords, times


def crs_error(e: NotWgs84, path: Path) -> TrajlmInputError:
    import re

    name = re.search(r"crs '([^']*)'", e.args[0])
    try:  # an unknown name (EPSG::999999) is not "reproject first" (badin20)
        import pyproj

        if name is not None:
            pyproj.CRS.from_user_input(name.group(1))
    except ImportError:
        pass
    except Exception:
        return TrajlmInputError(
            f"crs {name.group(1)!r} is no CRS pyproj knows, so its coordinates cannot be read",
            path=path,
            field=e.args[1],
            hint="name the CRS as EPSG:NNNN or urn:ogc:def:crs:EPSG::NNNN, or reproject to "
            "EPSG:4326",
        )
    return TrajlmInputError(
        f"{e.args[0]}; canonical lat/lon are WGS84 degrees (every point would be wrong)",
        path=path,
        field=e.args[1],
        hint="reproject to CRS84/EPSG:4326 first (GeoJSON Points in a projected CRS are "
        "reprojected on reading; LineStrings are not)",
    )
