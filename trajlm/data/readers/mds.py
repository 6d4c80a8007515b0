"""Mobility Data Specification (MDS) provider feeds (newuser35): e-scooter / bike-share operators
publish `trips` pages to cities as JSON, `{"version", "data": {"trips": [...]}, "links"}` (0.x),
or `{"version", "trips": [...]}`; each trip holds `trip_id`, `device_id`, `vehicle_type`,
`provider_name`, `start_time` / `end_time` (Unix ms) and its `route`, a GeoJSON
FeatureCollection of Points with a `timestamp` (Unix ms) in each point's properties.

The generic JSON reader found the routes but named each `#1`, `#2` (their FeatureCollection has
no id): every page's trips lost their `trip_id`, the `device_id` behind them and the
`vehicle_type`. Here a file, or a folder of pages (the `status_changes` feed beside them), is
written as one CSV (`trip_id`, `device_id`, `provider_name`, `vehicle_type`, `vehicle_code` (the
trip's `vehicle_id`, the scooter's sticker), `timestamp`, `lat`, `lon`) read as any CSV: one
trajectory per trip, `device_id` kept as its owner, `vehicle_type` as its label,
`provider_name` and `vehicle_code` as columns (``ingest_columns.keep_mds_columns``). A route point without a `timestamp` is written with an empty time (refused
by the read naming the page and point, or dropped and counted with --on-error skip); routes
listed newest first are sorted by the read.
`status_changes` pages are events, not routes: not read, said in one line."""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path
from typing import Any

from trajlm.data.readers._lines import rglob_follow
from trajlm.data.schema import TrajlmInputError

# a trip's `vehicle_id` is the code on the scooter (its sticker): written as `vehicle_code`, for
# `vehicle_id` is trajlm's owner column (here the `device_id`); kept in the store with the
# provider's name (leftover36: both were dropped, "columns not kept: ['provider_name']")
HEADER = ["trip_id", "device_id", "provider_name", "vehicle_type", "vehicle_code", "timestamp",
          "lat", "lon"]  # fmt: skip
KEPT = ("provider_name", "vehicle_code")
_TRIP_KEYS = ["trip_id", "device_id", "provider_name", "vehicle_type", "vehicle_id"]
_HEAD_BYTES = 4096


def _kind(path: Path) -> str | None:
    """'trips' / 'status_changes' for an MDS page (from its first bytes), else None."""
    if path.suffix.lower() != ".json" or not path.is_file():
        return None
    try:
        with path.open("rb") as f:
            head = f.read(_HEAD_BYTES)
    except OSError:
        return None
    if not head.lstrip().startswith(b"{"):
        return None
    ids = b'"trip_id"' in head and b'"device_id"' in head  # a route may come first, long
    if b'"trips"' in head and (b'"route"' in head or ids):
        return "trips"
    if b'"status_changes"' in head and b'"event_type"' in head:
        return "status_changes"
    return None


def mds_files(path: Path) -> list[Path]:
    """The MDS pages `path` stands for: itself, or a folder's `.json` files when every one is an
    MDS page and one or more is a trips page; else []."""
    if path.is_dir():
        files = sorted(f for f in rglob_follow(path, "*.json") if not f.name.startswith("."))
        kinds = [_kind(f) for f in files]
    else:
        files, kinds = [path], [_kind(path)]
    if files and set(kinds) == {"status_changes"}:  # before: "not a trajectory JSON" (badin36)
        raise TrajlmInputError(
            "an MDS status_changes feed: events (a vehicle available, reserved, ...), not routes",
            path=path,
            hint="give the operator's trips pages (their routes are the tracks)",
        )
    return files if files and None not in kinds and "trips" in kinds else []


def _trips(doc: Any) -> list | None:
    """The trips list of an MDS page, or None."""
    if not isinstance(doc, dict):
        return None
    data = doc.get("data")
    trips = data.get("trips") if isinstance(data, dict) else doc.get("trips")
    return trips if isinstance(trips, list) else None


def _events(doc: Any) -> int:
    data = doc.get("data") if isinstance(doc, dict) else None
    ev = (data if isinstance(data, dict) else doc or {}).get("status_changes")
    return len(ev) if isinstance(ev, list) else 0


def _rows(trip: Any, where: str) -> tuple[list[list], list[str]]:
    """(CSV rows, where each comes from) of one trip."""
    if not isinstance(trip, dict) or trip.get("trip_id") in (None, ""):
        raise TrajlmInputError("an MDS trip without a trip_id", field=f"{where}.trip_id")
    route = trip.get("route")
    feats = route.get("features") if isinstance(route, dict) else None
    if not isinstance(feats, list):
        raise TrajlmInputError(
            "an MDS trip's route is not a GeoJSON FeatureCollection", field=f"{where}.route"
        )
    keep = [str(trip.get(k) if trip.get(k) is not None else "") for k in _TRIP_KEYS]
    rows, at = [], []
    for k, f in enumerate(feats):
        geom = f.get("geometry") if isinstance(f, dict) else None
        coords = geom.get("coordinates") if isinstance(geom, dict) else None
        if isinstance(geom, dict) and geom.get("type") not in (None, "Point"):  # badin36
            raise TrajlmInputError(
                f"a route point is a {geom.get('type')}, not a Point (MDS routes are Points, "
                "each with its timestamp)", field=f"{where}.route.features[{k}].geometry",
            )  # fmt: skip
        if not (isinstance(coords, list) and len(coords) >= 2):
            raise TrajlmInputError(
                "a route point without [lon, lat] coordinates",
                field=f"{where}.route.features[{k}].geometry",
            )
        props = f.get("properties") if isinstance(f.get("properties"), dict) else {}
        ts = props.get("timestamp")
        rows.append([*keep, "" if ts is None else ts, coords[1], coords[0]])
        at.append(f"{where}.route.features[{k}]")
    return rows, at


def _repeated(seen: dict, rows: list[list], path: Path, where: str) -> bool:
    """True where this trip's id was read before with the same route (a page window overlap);
    one line where it was read with another route (badin36: two trips under one trip_id were
    read as one track jumping back a day, without a word)."""
    key = str(rows[0][0]) if rows else None
    if key is None:
        return False
    if key not in seen:
        seen[key] = (rows, path, where)
        return False
    first, first_path, first_where = seen[key]
    if first == rows:
        return True
    raise TrajlmInputError(
        f"trip_id {key!r} names two different routes: here and at {first_path.name} "
        f"{first_where}; an MDS trip_id names one trip",
        path=path,
        field=f"{where}.trip_id",
        hint="keep one page of each operator's trips window, or give the trips ids of their own",
    )


def mds_as_csv(files: list[Path], out: Path) -> list[Any]:
    """Write the trips of the MDS `files` as one CSV at `out`; where each CSV line comes from
    ((file, JSON path); None: the header), for errors naming the page and the trip's point."""
    at: list[Any] = [None]
    n = events = repeats = 0
    seen: dict[str, tuple[list[list], Path, str]] = {}
    with out.open("w", newline="", encoding="utf-8") as dst:
        w = csv.writer(dst, lineterminator="\n")
        w.writerow(HEADER)
        for path in files:
            try:
                doc = json.loads(path.read_bytes())
            except (ValueError, RecursionError) as e:
                raise TrajlmInputError(f"not valid JSON ({e})", path=path) from None
            trips = _trips(doc)
            if trips is None:
                events += _events(doc)
                continue
            root = "$.data.trips" if isinstance(doc.get("data"), dict) else "$.trips"
            for i, trip in enumerate(trips):
                try:
                    rows, where = _rows(trip, f"{root}[{i}]")
                except TrajlmInputError as e:
                    said = str(e).removeprefix(f"field {e.field}: ")  # not said twice
                    raise TrajlmInputError(said, path=path, field=e.field) from None
                if _repeated(seen, rows, path, f"{root}[{i}]"):
                    repeats += 1
                    continue
                w.writerows(rows)
                at += [(path, x) for x in where]
                n += len(rows)
    if repeats:  # overlapping query windows give a trip on two pages
        warnings.warn(f"{repeats} MDS trip(s) repeated on another page, each the same route: "
                      "read once", stacklevel=2)  # fmt: skip
    if events:
        warnings.warn(
            f"{events} MDS status_changes event(s) not read: events, not routes "
            "(the trips pages' routes are read)",
            stacklevel=2,
        )
    if n == 0:
        raise TrajlmInputError(
            "MDS trips pages without a route point: nothing to read", path=files[0]
        )
    return at
