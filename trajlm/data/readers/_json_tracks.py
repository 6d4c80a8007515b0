"""JSON trajectory layouts other than MF-JSON, read by the `mfjson` reader (`.json`, `.geojson`):

  * Google Takeout location history `Records.json`: {"locations": [{latitudeE7, longitudeE7,
    timestamp (ISO) or timestampMs (Unix ms text)}, ...]}: one trajectory (the file stem), or
    one per `deviceTag` where several devices reported (heldout26);
  * Google Timeline, the on-device export (2024+): {"semanticSegments": [{"timelinePath":
    [{"point": "52.5200000°, 13.4050000°", "time": ISO with offset}, ...]}, ...]}; the older
    iOS export (a list of segments with "startTime" and "timelinePath": [{"point":
    "geo:52.52,13.405", "durationMinutesOffsetFromStartTime": "12"}]); and Semantic Location
    History months ({"timelineObjects": [{"activitySegment": {"simplifiedRawPath": {"points":
    [{latE7, lngE7, timestamp}]}}}]}): one trajectory (the file stem), every timed point;
    visits / place candidates carry no time per point and are not read;
  * Overland's batch body {"locations": [GeoJSON Point Features]}: a point table, as a
    FeatureCollection of Points.

`tracks(doc)` returns [(id or None, [[lon, lat], ...], [time, ...])] with times ISO text or Unix
milliseconds (numbers), as MF-JSON datetimes; None when the document is none of these.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from trajlm.data.readers._json_services import service_tracks
from trajlm.data.readers._path_lists import path_tracks

_POINT = re.compile(
    r"^\s*(?:geo:)?\s*([-+]?\d+(?:\.\d+)?)\s*°?\s*,\s*([-+]?\d+(?:\.\d+)?)\s*°?\s*$"
)
Track = tuple[str | None, list[list[float]], list[Any]]


def _e7(d: dict, lat: str, lon: str) -> list[float] | None:
    a, b = d.get(lat), d.get(lon)
    num = (int, float)  # not bool (an int in Python): `true` is no latitude
    if type(a) in num and type(b) in num:
        return [b / 1e7, a / 1e7]
    return None


def _stamp(d: dict) -> Any:
    """ISO `timestamp` text, or `timestampMs` (Unix ms, a string in Takeout) as a number."""
    if isinstance(d.get("timestamp"), str):
        return d["timestamp"]
    ms = d.get("timestampMs")
    try:
        return float(ms) if ms is not None else None
    except (TypeError, ValueError):
        return None


def _point(text: Any) -> list[float] | None:
    m = _POINT.match(text) if isinstance(text, str) else None
    return [float(m.group(2)), float(m.group(1))] if m else None


def _records(locs: list) -> list[Track]:
    """One trajectory, or one per `deviceTag` when the account's phones / tablets reported side
    by side (heldout26: a tablet at home interleaved with a phone's commute read as one track
    jumping km every few seconds)."""
    by: dict[Any, Track] = {}
    for d in locs:
        if isinstance(d, dict):
            tag = d.get("deviceTag")
            _, coords, times = by.setdefault(tag, (None if tag is None else f"device{tag}", [], []))
            coords.append(_e7(d, "latitudeE7", "longitudeE7") or [None, None])
            times.append(_stamp(d))
    if len(by) == 1:
        return [(None, *next(iter(by.values()))[1:])]
    return list(by.values())


def _timeline(segments: list) -> Track:
    coords, times = [], []
    for seg in segments:
        if not isinstance(seg, dict):
            continue
        start = seg.get("startTime")
        steps = seg.get("timelinePath")
        for p in steps if isinstance(steps, list) else []:
            if not isinstance(p, dict):
                continue
            t = p.get("time")
            if t is None and start and "durationMinutesOffsetFromStartTime" in p:
                try:  # the iOS export: minutes after the segment's start
                    base = datetime.fromisoformat(str(start).replace("Z", "+00:00"))
                    t = (
                        base + timedelta(minutes=float(p["durationMinutesOffsetFromStartTime"]))
                    ).isoformat()
                except (ValueError, TypeError, OverflowError):  # "abc", [1], "1e20"
                    t = None
            coords.append(_point(p.get("point")) or [None, None])
            times.append(t)
        act = seg.get("activitySegment")
        path = act.get("simplifiedRawPath") if isinstance(act, dict) else None
        raw = path.get("points") if isinstance(path, dict) else None
        for p in raw if isinstance(raw, list) else []:  # Semantic Location History months
            if isinstance(p, dict):
                coords.append(_e7(p, "latE7", "lngE7") or [None, None])
                times.append(_stamp(p))
    return None, coords, times


def _owntracks(locs: list) -> list[Track] | None:
    """OwnTracks location messages ({"_type": "location", "tst": Unix s, "lat", "lon", "tid"};
    the app's export, the Recorder's API `{"data": [...]}` and its `.rec` month files): one
    trajectory per tracker id `tid` (the file stem when there is one), else None."""
    rows = [d for d in locs if isinstance(d, dict) and d.get("_type") == "location"]
    if not rows or not all(k in rows[0] for k in ("tst", "lat", "lon")):
        return None
    by: dict[Any, Track] = {}
    for d in rows:
        tid = d.get("tid")
        _, coords, times = by.setdefault(tid, (None if tid is None else str(tid), [], []))
        ok = all(type(d.get(k)) in (int, float) for k in ("lat", "lon"))
        coords.append([d["lon"], d["lat"]] if ok else [None, None])
        tst = d.get("tst")
        times.append(tst * 1000 if type(tst) in (int, float) else None)  # Unix s -> ms
    if len(by) == 1:
        return [(None, *next(iter(by.values()))[1:])]
    return list(by.values())


def rec_lines(text: str) -> list[Any]:
    """The JSON payloads of an OwnTracks Recorder `.rec` file (`ISO<TAB>*<TAB>{...}` lines)."""
    import json

    out = []
    for line in text.splitlines():
        parts = line.split("\t", 2)
        if len(parts) == 3 and parts[2].lstrip().startswith("{"):
            try:
                out.append(json.loads(parts[2]))
            except ValueError:
                out.append(None)  # a damaged line: counted as a point without a fix / time
    return out


def tracks(doc: Any) -> list[Track] | None:
    """The trajectories of a Google / Overland / OwnTracks JSON document (or of a service's:
    `_json_services.py`), or None."""
    if isinstance(doc, dict) and isinstance(doc.get("data"), list):  # OwnTracks Recorder API
        if (own := _owntracks(doc["data"])) is not None:
            return own
    if isinstance(doc, list) and (own := _owntracks(doc)) is not None:
        return own
    if isinstance(doc, dict):
        locs = doc.get("locations")
        if isinstance(locs, list) and locs and isinstance(locs[0], dict):
            if "latitudeE7" in locs[0] or "timestampMs" in locs[0]:
                return _records(locs)
        for key in ("semanticSegments", "timelineObjects"):
            if isinstance(doc.get(key), list):
                return [_timeline(doc[key])]
    if isinstance(doc, list) and doc and all(isinstance(s, dict) for s in doc[:10]):
        if any("timelinePath" in s or "activitySegment" in s for s in doc[:50]):
            return [_timeline(doc)]
    found = service_tracks(doc)  # ADS-B Exchange, Arc, Moves, Polar (_json_services.py)
    return found if found is not None else path_tracks(doc)  # deck.gl trips (heldout37b)


def overland_features(doc: Any) -> list | None:
    """Overland's {"locations": [Feature, ...]}: its features, else None."""
    if isinstance(doc, dict) and isinstance(doc.get("locations"), list) and "type" not in doc:
        feats = doc["locations"]
        if feats and all(isinstance(f, dict) and f.get("type") == "Feature" for f in feats):
            return feats
    return None


def line_times(props: dict) -> Any:
    """The per-vertex times of a LineString feature: MF-JSON `datetimes`, togeojson's
    `coordTimes` or its newer `coordinateProperties.times`; None if it has none."""
    for key in ("datetimes", "coordTimes", "times", "timestamps", "time", "timestamp"):
        if isinstance(props.get(key), list):
            return props[key]
    cp = props.get("coordinateProperties")
    if isinstance(cp, dict) and isinstance(cp.get("times"), list):
        return cp["times"]
    return None


# Unix times in 1990-2100 as seconds or milliseconds: a position's 4th value that is a time
_UNIX_S, _UNIX_MS = (6.3e8, 4.2e9), (6.3e11, 4.2e12)


def measure_times(coords: Any) -> list[float] | None:
    """A LineString's times carried as each position's 4th value, [lon, lat, ele, time] (CalTopo
    / SARTopo exports: Unix milliseconds; heldout28's rescue tracks were refused): the times in
    milliseconds when every position has one in 1990-2100 (seconds or ms, one unit), else None."""
    if not isinstance(coords, list) or not coords:
        return None
    m = [c[3] if isinstance(c, list) and len(c) >= 4 else None for c in coords]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in m):
        return None
    for (lo, hi), per in ((_UNIX_MS, 1.0), (_UNIX_S, 1000.0)):
        if all(lo <= v <= hi for v in m):
            return [float(v) * per for v in m]
    return None


def split_multilines(feats: list[tuple[str | None, Any, str]]) -> list[tuple[str | None, Any, str]]:
    """A MultiLineString feature whose per-vertex times are one list per line (togeojson of a
    GPX track of several segments): one LineString feature per line, id `<id>/<k>`; other
    features unchanged."""
    out = []
    for fid, feat, where in feats:
        geom = feat.get("geometry") if isinstance(feat, dict) else None
        props = feat.get("properties") if isinstance(feat, dict) else None
        lines = geom.get("coordinates") if isinstance(geom, dict) else None
        times = line_times(props) if isinstance(props, dict) else None
        if (
            isinstance(geom, dict)
            and geom.get("type") == "MultiLineString"
            and isinstance(lines, list)
            and isinstance(times, list)
            and len(times) == len(lines)
            and all(isinstance(t, list) for t in times)
        ):
            for k, (line, ts) in enumerate(zip(lines, times, strict=True)):
                sub = {"type": "Feature", "geometry": {"type": "LineString", "coordinates": line},
                       "properties": {"datetimes": ts}}  # fmt: skip
                out.append((str(k) if fid is None else f"{fid}/{k}", sub, f"{where}.geometry[{k}]"))
        else:
            out.append((fid, feat, where))
    return out
