"""JSON exports of tracking apps and flight trackers (session 18), read by the `mfjson` reader
beside the Google / OwnTracks layouts of `_json_tracks.py`:

  * ADS-B Exchange `trace_full_<icao>.json` / `trace_recent_*.json`: {"icao", "timestamp": Unix s,
    "trace": [[seconds after timestamp, lat, lon, altitude, ...], ...]}: one trajectory (the file);
  * Arc App (iOS) daily / monthly exports: {"timelineItems": [{"itemId", "samples": [{"location":
    {"latitude", "longitude", "timestamp": ISO}}]}]}: one trajectory per timeline item;
  * Moves app `storyline` exports: [{"date", "segments": [{"activities": [{"trackPoints": [{"lat",
    "lon", "time": "20140602T080000+0200"}]}]}]}]: one trajectory per segment (`<date>/<k>`);
  * Polar Flow account export `training-session-*.json`: {"exercises": [{"timezoneOffset":
    minutes, "samples": {"recordedRoute": [{"dateTime": local, "latitude", "longitude"}]}}]}:
    one trajectory per exercise (the file when it has one); the local times are made UTC with
    the exercise's `timezoneOffset`;
  * Komoot API tours (`/tours/{id}?_embedded=coordinates`, heldout34b): {"date": ISO start,
    "_embedded": {"coordinates": {"items": [{"lat", "lng", "alt", "t": ms since the start}]}}}:
    one trajectory (the file); the bare `/tours/{id}/coordinates` answer holds no start, and a
    planned tour's items no `t`: both one line.

`service_tracks(doc)` returns [(id or None, [[lon, lat], ...], [time, ...])] (times ISO text or
Unix milliseconds), as `_json_tracks.tracks`; None when the document is none of these.

Hostile input (badin18): numbers written as text (`"59.3"`) are read as numbers (they were
dropped as `no_fix`); a Polar `timezoneOffset` beyond +-14 h is one line naming it (it shifted
every time by that many minutes, silently: 100000 min = 69 days); an ADS-B trace whose rows are
none of them `[seconds, lat, lon, ...]` is one line showing a row (it was "field timestamp: time
is missing").
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from trajlm.errors import TrajlmInputError

Track = tuple[str | None, list[list[float]], list[Any]]
_NUM = (int, float)  # not bool


MAX_OFFSET_MIN = 14 * 60  # the widest UTC offset in use (UTC+14, Kiribati)


def _num(v: Any) -> float | None:
    """A JSON number, or a number written as text (`"59.3"`), else None."""
    if type(v) in _NUM:
        return float(v)
    if isinstance(v, str):
        try:
            f = float(v)
        except ValueError:
            return None
        return f if math.isfinite(f) else None
    return None


def _lonlat(lat: Any, lon: Any) -> list:
    a, b = _num(lat), _num(lon)
    return [b, a] if a is not None and b is not None else [None, None]


def _adsbx(doc: dict) -> list[Track]:
    base = _num(doc.get("timestamp"))
    if base is None and isinstance(doc.get("timestamp"), str):  # ISO text: read it too
        try:
            d = datetime.fromisoformat(doc["timestamp"].replace("Z", "+00:00"))
            base = (d if d.tzinfo else d.replace(tzinfo=UTC)).timestamp()
        except ValueError:
            pass  # the row check names the field
    coords, times = [], []
    rows = [isinstance(p, list) and len(p) >= 3 for p in doc["trace"]]
    if rows and not any(rows):
        raise TrajlmInputError(
            f"an ADS-B Exchange trace's rows are [seconds after 'timestamp', lat, lon, ...]; "
            f"this one's are not (trace[0]: {str(doc['trace'][0])[:80]})",
            field="trace[0]",
            hint="give the file as readsb / tar1090 wrote it",
        )
    for p, ok in zip(doc["trace"], rows, strict=True):
        coords.append(_lonlat(p[1], p[2]) if ok else [None, None])
        dt = _num(p[0]) if ok else None
        times.append((base + dt) * 1000 if base is not None and dt is not None else None)
    return [(None, coords, times)]


def _arc(items: list) -> list[Track]:
    out = []
    for k, item in enumerate(items):
        samples = item.get("samples") if isinstance(item, dict) else None
        if not isinstance(samples, list) or not samples:
            continue
        coords, times = [], []
        for s in samples:
            loc = s.get("location") if isinstance(s, dict) else None
            loc = loc if isinstance(loc, dict) else {}
            coords.append(_lonlat(loc.get("latitude"), loc.get("longitude")))
            t = loc.get("timestamp", s.get("date") if isinstance(s, dict) else None)
            times.append(t if isinstance(t, str) else None)
        out.append((str(item.get("itemId") or k), coords, times))
    return out


def _compact_iso(t: Any) -> Any:
    """Moves' `20140602T080000+0200` (ISO basic format) -> Unix ms; other text unchanged."""
    if isinstance(t, str) and len(t) >= 15 and t[8:9] == "T" and t[:8].isdigit():
        for fmt in ("%Y%m%dT%H%M%S%z", "%Y%m%dT%H%M%SZ"):
            try:
                d = datetime.strptime(t, fmt)
            except ValueError:
                continue
            return (d if d.tzinfo else d.replace(tzinfo=UTC)).timestamp() * 1000
    return t


def _moves(days: list) -> list[Track]:
    out = []
    for day in days:
        for k, seg in enumerate(day.get("segments") or []):
            coords, times = [], []
            acts = seg.get("activities") if isinstance(seg, dict) else None
            for act in acts if isinstance(acts, list) else []:
                pts = act.get("trackPoints") if isinstance(act, dict) else None
                for p in pts if isinstance(pts, list) else []:
                    p = p if isinstance(p, dict) else {}
                    coords.append(_lonlat(p.get("lat"), p.get("lon")))
                    times.append(_compact_iso(p.get("time")))
            if coords:
                out.append((f"{day.get('date')}/{k}", coords, times))
    return out


def _polar(doc: dict) -> list[Track]:
    out = []
    exercises = [e for e in doc["exercises"] if isinstance(e, dict)]
    for k, ex in enumerate(exercises):
        route = (ex.get("samples") or {}).get("recordedRoute")
        if not isinstance(route, list) or not route:
            continue
        offset = _num(ex.get("timezoneOffset", doc.get("timeZoneOffset")))
        if offset is not None and abs(offset) > MAX_OFFSET_MIN:
            raise TrajlmInputError(
                f"exercise {k}'s timezoneOffset is {offset:g} minutes, beyond the +-{MAX_OFFSET_MIN}"
                " of any time zone (Polar writes minutes east of UTC, e.g. 180 for UTC+3)",
                field=f"exercises[{k}].timezoneOffset",
                hint="correct it in the file; the local dateTime values are read with it",
            )
        coords, times = [], []
        for p in route:
            p = p if isinstance(p, dict) else {}
            coords.append(_lonlat(p.get("latitude"), p.get("longitude")))
            times.append(_local(p.get("dateTime"), offset))
        out.append((None if len(exercises) == 1 else str(k), coords, times))
    return out


def _local(t: Any, offset_min: float | None) -> Any:
    """A zone-less local `dateTime` + the exercise's UTC offset in minutes -> Unix ms."""
    if not isinstance(t, str) or offset_min is None:
        return t
    try:
        d = datetime.fromisoformat(t)
    except ValueError:
        return t
    if d.tzinfo is not None:
        return t
    return (d - timedelta(minutes=offset_min)).replace(tzinfo=UTC).timestamp() * 1000


def _garmin_details(doc: dict) -> list[Track] | None:
    """Garmin Connect's activity details (`/activity-service/activity/{id}/details`, session 20):
    `metricDescriptors` name each index of the `activityDetailMetrics[].metrics` rows;
    `directLatitude` / `directLongitude` in degrees, `directTimestamp` Unix ms (UTC)."""
    index = {
        d.get("key"): d.get("metricsIndex") for d in doc["metricDescriptors"] if isinstance(d, dict)
    }
    keys = ("directLatitude", "directLongitude", "directTimestamp")
    if not all(isinstance(index.get(k), int) for k in keys):
        missing = [k for k in keys if not isinstance(index.get(k), int)]
        raise TrajlmInputError(
            f"Garmin Connect activity details without {missing} among metricDescriptors: no "
            "positions / times to read (an indoor activity, or details fetched without GPS)",
            field="metricDescriptors",
        )
    la, lo, ts = (index[k] for k in keys)
    coords, times = [], []
    for row in doc["activityDetailMetrics"]:
        m = row.get("metrics") if isinstance(row, dict) else None
        m = (
            m
            if isinstance(m, list) and len(m) > max(la, lo, ts)
            else [None] * (max(la, lo, ts) + 1)
        )
        coords.append(_lonlat(m[la], m[lo]))
        times.append(m[ts])
    return [(None, coords, times)]


def _komoot_items(doc: dict) -> list | None:
    """The `items` of a Komoot tour's coordinates (embedded in the tour, or the bare answer)."""
    emb = doc.get("_embedded")
    coords = emb.get("coordinates") if isinstance(emb, dict) else None
    items = (coords if isinstance(coords, dict) else doc).get("items")
    if not isinstance(items, list) or not items:
        return None
    first = items[0] if isinstance(items[0], dict) else {}
    # a coordinate holds lat / lng / alt / t only: Swarm's check-ins (`items` with `lat` /
    # `lng` beside `id`, `createdAt`, `venue`) were called a planned tour (heldout40)
    return items if {"lat", "lng"} <= set(first) <= {"lat", "lng", "alt", "t"} else None


def _komoot(doc: dict, items: list) -> list[Track]:
    if not any(isinstance(p, dict) and "t" in p for p in items[:10]):
        raise TrajlmInputError(
            "a Komoot planned tour: its coordinates have no `t`, so no times; it is a route, "
            "not a recording",
            field="items",
            hint="fetch a recorded tour (type tour_recorded) or export its GPX",
        )
    start = doc.get("date")
    try:
        t0 = (
            datetime.fromisoformat(start.replace("Z", "+00:00")) if isinstance(start, str) else None
        )
    except ValueError:
        t0 = None
    if t0 is None or t0.tzinfo is None:
        raise TrajlmInputError(
            "Komoot tour coordinates: `t` counts milliseconds from the tour's start, and the "
            f"file's `date` ({start!r}) is not a start with a UTC offset",
            field="date",
            hint="fetch the tour with ?_embedded=coordinates (it holds `date`) or export its GPX",
        )
    base = t0.timestamp() * 1000
    coords, times = [], []
    for p in items:
        p = p if isinstance(p, dict) else {}
        coords.append(_lonlat(p.get("lat"), p.get("lng")))
        dt = _num(p.get("t"))
        times.append(None if dt is None else base + dt)
    return [(None, coords, times)]


def service_tracks(doc: Any) -> list[Track] | None:
    """The trajectories of an ADS-B Exchange / Arc / Moves / Polar / Garmin Connect details /
    Komoot tour JSON export, or None."""
    if isinstance(doc, dict):
        if isinstance(doc.get("trace"), list) and "icao" in doc:
            return _adsbx(doc)
        if isinstance(doc.get("metricDescriptors"), list) and isinstance(
            doc.get("activityDetailMetrics"), list
        ):
            return _garmin_details(doc)
        if isinstance(doc.get("timelineItems"), list):
            return _arc(doc["timelineItems"])
        if isinstance(doc.get("exercises"), list) and any(
            isinstance(e, dict) and isinstance(e.get("samples"), dict) for e in doc["exercises"]
        ):
            return _polar(doc)
        items = _komoot_items(doc)
        if items is not None:
            return _komoot(doc, items)
    if isinstance(doc, list) and doc and all(isinstance(d, dict) for d in doc[:10]):
        if any(isinstance(d.get("segments"), list) for d in doc[:10]):
            return _moves([d for d in doc if isinstance(d, dict)])
    return None
