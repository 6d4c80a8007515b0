"""JSON documents that are tables in another shape, turned into a list of records for
`_json_records.record_tracks` (session 35, heldout35: each was refused "no MovingPoint
temporalGeometry ..." with no way on):

  * pandas' `DataFrame.to_json` in its orients: `columns` (the default: {"col": {"row label":
    value}}), `index` ({"row label": {"col": value}}), `split` ({"columns", "index"?, "data"})
    and `table` ({"schema": {"fields"}, "data": [records]}); datetime columns come as epoch
    milliseconds (pandas' default `date_unit`), read by size as any Unix number;
  * Esri JSON FeatureSets (ArcGIS REST `query?f=json`, Field Maps / Survey123 layers):
    {"spatialReference": {"wkid"}, "features": [{"attributes": {...}, "geometry": {"x", "y"}}]},
    the points reprojected from the set's wkid (Web Mercator 102100 / 3857, a UTM zone, ...) to
    WGS84; Esri date fields are epoch milliseconds;
  * Google Fit data points (Google Takeout's `Fit/All Data/*.json`): {"Data Source", "Data
    Points": [{"dataTypeName", "startTimeNanos", "fitValue": [{"value": {"fpVal"}}, ...]}]}:
    `com.google.location.sample` holds latitude, longitude, accuracy, altitude in that order;
    every other data type (steps, heart rate) holds no position (`fit_without_positions`).

`table_records(doc)` returns the records (keys as the table's columns), or None when `doc` is
none of these. A table holds no id of its own: the records' columns are matched as a CSV header
would be (`column_names`).
"""

from __future__ import annotations

from typing import Any

from trajlm.errors import TrajlmInputError

SAMPLE = 50
FIT_LOCATION = "com.google.location.sample"
FIT_LOCATION_FIELDS = ("latitude", "longitude", "accuracy", "altitude")  # Google Fit's order


def table_records(doc: Any) -> list[dict] | None:
    """The rows of a pandas / Esri / Google Fit JSON table as records, or None."""
    if not isinstance(doc, dict) or not doc:
        return None
    if isinstance(doc.get("features"), list) and (
        "spatialReference" in doc or "geometryType" in doc
    ):
        return _esri(doc)
    if isinstance(doc.get("Data Points"), list):
        return _fit(doc["Data Points"], FIT_LOCATION)
    for shape in (_split, _table, _by_label):
        if (rows := shape(doc)) is not None:
            return rows
    return None


def fit_without_positions(doc: Any) -> str | None:
    """Why a Google Fit data file holds nothing to read: its data type is not a location (steps,
    heart rate, ...), so a Takeout `All Data` folder is read for its location files only."""
    if not isinstance(doc, dict) or not isinstance(doc.get("Data Points"), list):
        return None
    kinds = {p.get("dataTypeName") for p in doc["Data Points"][:SAMPLE] if isinstance(p, dict)}
    if FIT_LOCATION in kinds:
        return None
    named = ", ".join(sorted(str(k) for k in kinds if k)) or "none named"
    return f"Google Fit data points of {named}: no positions (only {FIT_LOCATION} has them)"


def _fit(points: list, kind: str) -> list[dict] | None:
    rows = []
    for p in points:
        if not isinstance(p, dict) or p.get("dataTypeName") != kind:
            continue
        vals = p.get("fitValue") if isinstance(p.get("fitValue"), list) else []
        nums = [v.get("value", {}).get("fpVal") if isinstance(v, dict) else None for v in vals]
        row = dict(zip(FIT_LOCATION_FIELDS, nums, strict=False))
        # start = end for a location sample; the start is when the fix was taken
        row["timestamp"] = p.get("startTimeNanos", p.get("endTimeNanos"))
        rows.append(row)
    return rows or None


def _split(doc: dict) -> list[dict] | None:
    """pandas `orient="split"`: {"columns": [...], "index": [...], "data": [[...], ...]}."""
    cols, data = doc.get("columns"), doc.get("data")
    if not (isinstance(cols, list) and isinstance(data, list)) or set(doc) - {
        "columns",
        "index",
        "data",
        "name",
    }:
        return None
    if not all(isinstance(r, list) and len(r) == len(cols) for r in data[:SAMPLE]):
        return None
    return [dict(zip(map(str, cols), r, strict=True)) for r in data if isinstance(r, list)]


def _table(doc: dict) -> list[dict] | None:
    """pandas `orient="table"`: {"schema": {"fields": [...], "pandas_version"}, "data": [...]}."""
    schema, data = doc.get("schema"), doc.get("data")
    if not (isinstance(schema, dict) and isinstance(schema.get("fields"), list)):
        return None
    if not (isinstance(data, list) and all(isinstance(r, dict) for r in data[:SAMPLE])):
        return None
    return data


def _by_label(doc: dict) -> list[dict] | None:
    """pandas `orient="columns"` ({"col": {"label": v}}) or `orient="index"` ({"label": {"col":
    v}}): every value an object, all with the same keys, the row labels pandas' integer index
    written as text ("0", "4011"; a dict keyed by vehicle names is an API's snapshot, not read
    here, so its keys are never lost)."""
    inner = list(doc.values())
    if len(inner) < 2 or not all(isinstance(v, dict) and v for v in inner):
        return None
    keys = list(inner[0])
    if any(set(v) != set(keys) for v in inner[1:]):
        return None
    if any(isinstance(x, dict | list) for v in inner[:SAMPLE] for x in list(v.values())[:SAMPLE]):
        return None  # nested objects: an API answer, not a frame
    if all(_label(k) for k in keys):  # orient="columns": transpose
        return [{str(c): col.get(k) for c, col in doc.items()} for k in keys]
    if all(_label(k) for k in doc):  # orient="index"
        return [{str(c): row.get(c) for c in keys} for row in inner]
    return None


def _label(k: str) -> bool:
    """A row label pandas writes: the integer index as text ("0", "4011")."""
    return k.lstrip("-").isdigit()


# -- Esri JSON --------------------------------------------------------------------------------

_ESRI_ALIAS = {102100: 3857, 102113: 3857, 104326: 4326}  # Esri's wkids for EPSG codes


def _esri(doc: dict) -> list[dict] | None:
    feats = [f for f in doc["features"] if isinstance(f, dict)]
    if not feats or not any(isinstance(f.get("geometry"), dict) for f in feats[:SAMPLE]):
        return None
    geoms = [f.get("geometry") if isinstance(f.get("geometry"), dict) else {} for f in feats]
    if any(g and not ("x" in g and "y" in g) for g in geoms[:SAMPLE]):
        kind = doc.get("geometryType", "not points")
        raise TrajlmInputError(
            f"an Esri JSON FeatureSet of {kind}: trajlm reads point features ({{x, y}}) with a "
            "time attribute, one row per fix",
            field="geometryType",
        )
    xs = [_float(g.get("x")) for g in geoms]
    ys = [_float(g.get("y")) for g in geoms]
    lat, lon = _esri_to_wgs84(xs, ys, doc.get("spatialReference"))
    rows = []
    for f, la, lo in zip(feats, lat, lon, strict=True):
        attrs = f.get("attributes") if isinstance(f.get("attributes"), dict) else {}
        row = {k: v for k, v in attrs.items() if k.lower() not in ("lat", "lon", "latitude", "longitude")}  # fmt: skip
        row["latitude"], row["longitude"] = la, lo
        rows.append(row)
    return rows


def _float(v: Any) -> float | None:
    return float(v) if type(v) in (int, float) else None


def _esri_to_wgs84(
    xs: list[float | None], ys: list[float | None], sref: Any
) -> tuple[list[float | None], list[float | None]]:
    """(latitudes, longitudes) of Esri points in `spatialReference` (its `latestWkid`, else its
    `wkid`; none: WGS84, the Esri JSON default when a layer says nothing)."""
    wkid = None
    if isinstance(sref, dict):
        wkid = sref.get("latestWkid", sref.get("wkid"))
        if wkid is None and sref.get("wkt"):
            wkid = sref["wkt"]
    if wkid is None or _ESRI_ALIAS.get(wkid, wkid) == 4326:
        return ys, xs
    crs = f"EPSG:{_ESRI_ALIAS.get(wkid, wkid)}" if isinstance(wkid, int) else str(wkid)
    from trajlm.data.geo import crs_refusal, to_wgs84

    if (why := crs_refusal(crs)) is not None:
        raise TrajlmInputError(
            f"an Esri JSON FeatureSet in wkid {wkid}: {why}", field="spatialReference"
        )
    keep = [i for i, (x, y) in enumerate(zip(xs, ys, strict=True)) if x is not None and y is not None]  # fmt: skip
    lat_k, lon_k = to_wgs84([xs[i] for i in keep], [ys[i] for i in keep], crs)
    lat: list[float | None] = [None] * len(xs)
    lon: list[float | None] = [None] * len(xs)
    for j, i in enumerate(keep):
        lat[i], lon[i] = float(lat_k[j]), float(lon_k[j])
    return lat, lon


# -- Strava streams beside the athlete's activities.json --------------------------------------


def strava_summaries(doc: Any) -> bool:
    """Strava's `GET /athlete/activities` answer saved as `activities.json`: activity summaries
    (id, start_date, no time series), read only as the starts of streams beside them."""
    return (
        isinstance(doc, list)
        and bool(doc)
        and all(isinstance(a, dict) and "start_date" in a and "id" in a for a in doc[:SAMPLE])
    )


def strava_start(path: Any, siblings: list) -> float | None:
    """The Unix seconds an activity's streams file (`streams_<id>.json`, `<id>.json`) starts at,
    from an `activities.json` among `siblings` holding that id's `start_date` (UTC, `Z`)."""
    import json
    import re
    from datetime import datetime

    digits = re.findall(r"\d{6,}", path.stem)
    if not digits:
        return None
    for s in siblings:
        if s.name.lower() != "activities.json" or s.parent != path.parent:
            continue
        try:
            acts = json.loads(s.read_bytes())
        except (OSError, ValueError):
            return None
        for a in acts if strava_summaries(acts) else []:
            if str(a.get("id")) == digits[-1] and isinstance(a.get("start_date"), str):
                try:
                    when = datetime.fromisoformat(a["start_date"].replace("Z", "+00:00"))
                except ValueError:
                    return None
                return when.timestamp() if when.tzinfo is not None else None
    return None


def strava_streams(doc: Any, start_s: float) -> list | None:
    """[(None, [[lon, lat], ...], [ms, ...])] of Strava streams (keyed by type, or a list of
    {"type", "data"}) whose `time` counts seconds from `start_s`."""
    if isinstance(doc, list):
        doc = {s.get("type"): s for s in doc if isinstance(s, dict)}
    if not isinstance(doc, dict):
        return None
    ll = doc.get("latlng", {}).get("data") if isinstance(doc.get("latlng"), dict) else None
    tt = doc.get("time", {}).get("data") if isinstance(doc.get("time"), dict) else None
    if not (isinstance(ll, list) and isinstance(tt, list)) or len(ll) != len(tt):
        return None
    coords = [[p[1], p[0]] if isinstance(p, list) and len(p) == 2 else [None, None] for p in ll]
    times = [(start_s + t) * 1000 if type(t) in (int, float) else None for t in tt]
    return [(None, coords, times)]
