"""TopoJSON (heldout36): `geo2topo` writes GeoJSON as a Topology: each LineString's `arcs` index
shared arcs (`~i`: arc i reversed), and with a `transform` the arcs are quantized integers,
each position a delta from the one before. Tracks keep their properties (togeojson's
`coordTimes`), so decoded back to GeoJSON Features they read as GeoJSON LineStrings with
per-vertex times do. Was: "no MovingPoint temporalGeometry nor LineString + per-vertex times"."""

from __future__ import annotations

from typing import Any

from trajlm.data.schema import TrajlmInputError


def topology_features(doc: Any) -> list[dict] | None:
    """The GeoJSON Features of a TopoJSON Topology, every object's geometries in order (a
    GeometryCollection's members one Feature each); None when `doc` is no Topology."""
    if not (isinstance(doc, dict) and doc.get("type") == "Topology"):
        return None
    objects, arcs = doc.get("objects"), doc.get("arcs")
    if not isinstance(objects, dict) or not isinstance(arcs, list):
        return None
    try:
        decoded = _decode_arcs(arcs, doc.get("transform"))
        feats: list[dict] = []
        for obj in objects.values():
            members = (obj.get("geometries", []) if obj.get("type") == "GeometryCollection"
                       else [obj])  # fmt: skip
            for g in members:
                if isinstance(g, dict) and (geom := _geometry(g, decoded, doc.get("transform"))):
                    feat = {"type": "Feature", "properties": g.get("properties") or {},
                            "geometry": geom}  # fmt: skip
                    if "id" in g:
                        feat["id"] = g["id"]
                    feats.append(feat)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as e:
        raise TrajlmInputError(
            f"a TopoJSON Topology whose arcs or transform cannot be decoded ({type(e).__name__}: "
            f"{e}); geo2topo writes `arcs` as lists of [x, y] and `transform` as "
            "{scale: [sx, sy], translate: [tx, ty]}",
            field="$",
        ) from None
    return feats


def _decode_arcs(arcs: list, transform: Any) -> list[list[list[float]]]:
    """Each arc as absolute [x, y, ...] positions (quantized deltas undone by `transform`)."""
    if not isinstance(transform, dict):
        return [[list(p) for p in arc] for arc in arcs]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    if not (sx and sy):  # badin37: every arc decoded to its one start point, written unsaid
        raise ValueError(f"transform scale {[sx, sy]} puts every point of an arc on one place")
    out = []
    for arc in arcs:
        x = y = 0
        pts = []
        for p in arc:
            x, y = x + p[0], y + p[1]
            pts.append([x * sx + tx, y * sy + ty, *p[2:]])
        out.append(pts)
    return out


def _line(indexes: list, arcs: list) -> list:
    """One line from its arc indexes (`~i` = -i - 1: arc i reversed); the point two arcs share
    is kept once."""
    pts: list = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(arc[1:] if pts else arc)
    return pts


def _point(p: list, transform: Any) -> list:
    if not isinstance(transform, dict):
        return list(p)
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    return [p[0] * sx + tx, p[1] * sy + ty, *p[2:]]


def _geometry(g: dict, arcs: list, transform: Any) -> dict | None:
    kind = g.get("type")
    if kind == "LineString":
        return {"type": kind, "coordinates": _line(g["arcs"], arcs)}
    if kind == "MultiLineString":
        return {"type": kind, "coordinates": [_line(a, arcs) for a in g["arcs"]]}
    if kind == "Point":
        return {"type": kind, "coordinates": _point(g["coordinates"], transform)}
    if kind == "MultiPoint":
        return {"type": kind, "coordinates": [_point(p, transform) for p in g["coordinates"]]}
    if kind == "Polygon":
        return {"type": kind, "coordinates": [_line(r, arcs) for r in g["arcs"]]}
    if kind == "MultiPolygon":
        return {"type": kind, "coordinates": [[_line(r, arcs) for r in p] for p in g["arcs"]]}
    return None
