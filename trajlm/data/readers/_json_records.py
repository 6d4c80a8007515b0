"""JSON API answers that are lists of position records (session 19), read by `mfjson` after the
layouts it knows by name (`_json_tracks.py`, `_json_services.py`):

  * Geotab `Get<LogRecord>`: [{"dateTime", "latitude", "longitude", "device": {"id"}}, ...];
  * Samsara `/fleet/vehicles/locations/history`: {"data": [{"id", "name", "locations": [{"time",
    "latitude", "longitude"}]}]}: the record lists inside objects with an id, one per vehicle;
  * FlightAware AeroAPI `/flights/{id}/track`: {"positions": [{"fa_flight_id", "timestamp",
    "latitude", "longitude"}]};
  * GTFS-realtime feeds saved as JSON (`MessageToJson`): {"entity": [{"vehicle": {"vehicle":
    {"id"}, "position": {"latitude", "longitude"}, "timestamp": "1772611200"}}]};
  * any list of objects whose (nested, dotted) keys name a latitude, a longitude and a time
    the way a CSV header would (`column_names`: one candidate each, else not read here).

Each record's keys are flattened (`vehicle.position.latitude`) and matched with the CSV
column names. The trajectory is the record's id field (GTFS-rt: `vehicle.vehicle.id`), else
the id of the object holding the list (Samsara), else the file. Times are ISO-8601 text or
Unix numbers (also as text) whose unit is told by their size (`_epoch_size`). Returns tracks
as `_json_tracks.tracks` does: [(id or None, [[lon, lat], ...], [time, ...])], times as ISO
text or Unix milliseconds; None when no list of position records is found.
"""

from __future__ import annotations

from typing import Any

from trajlm.data.column_names import TIERS, candidates, tier_of
from trajlm.data.readers._epoch_size import SCALES, unit_by_size

Track = tuple[str | None, list[list[float]], list[Any]]
MAX_DEPTH = 6  # how deep record lists are looked for
SAMPLE = 20  # records whose keys are compared


def _flat(d: dict, prefix: str = "", depth: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and depth < 3:
            out.update(_flat(v, key + ".", depth + 1))
        elif not isinstance(v, list | dict):
            out[key] = v
    return out


def _fields(records: list) -> dict[str, str] | None:
    """{"lat", "lon", "t"[, "traj_id"]: flattened key} of a list of position records."""
    sample = [_flat(r) for r in records[:SAMPLE] if isinstance(r, dict)]
    if not sample:
        return None
    keys = list(dict.fromkeys(k for r in sample for k in r))
    found: dict[str, str] = {}
    for name in ("lat", "lon", "t"):
        got = candidates(TIERS[name], keys)
        if len(got) != 1:
            return None
        found[name] = got[0]
    if "vehicle.vehicle.id" in keys:  # GTFS-rt: the vehicle, not the entity (often per snapshot)
        found["traj_id"] = "vehicle.vehicle.id"
    elif (tid := _id_key(sample, [k for k in keys if k not in found.values()])) is not None:
        found["traj_id"] = tid
    return found


def _id_key(sample: list[dict], keys: list[str]) -> str | None:
    """The id key of the records: the first named like an id (by tier; the whole name or its
    last dotted part: Geotab's `device.id`) whose values repeat, so not a row key (Geotab's
    own `id`)."""
    ranked = sorted((t, k) for k in keys if (t := tier_of(TIERS["traj_id"], k)) is not None)
    for _, k in ranked:
        values = [str(r[k]) for r in sample if r.get(k) is not None]
        if values and (len(sample) < 5 or len(set(values)) < len(values)):
            return k
    return None


def _lists(doc: Any, owner: Any = None, depth: int = 0):  # noqa: ANN202 (iterator)
    """(list of dicts, the object holding it) anywhere in `doc`, down to MAX_DEPTH."""
    if depth > MAX_DEPTH:
        return
    if isinstance(doc, list):
        if doc and all(isinstance(r, dict) for r in doc[:SAMPLE]):
            if _fields(doc) is not None:  # position records (their own lists not searched)
                yield doc, owner
                return
            for r in doc:
                yield from _lists(r, r, depth + 1)
        return
    if isinstance(doc, dict):
        for v in doc.values():
            if isinstance(v, list | dict):
                yield from _lists(v, doc, depth + 1)


def _times(values: list) -> list:
    """ISO text as it is; Unix numbers (or numeric text) as milliseconds, unit by size."""
    nums = [v for v in values if v is not None]
    unit = unit_by_size(nums)
    if unit is None:
        return values
    per = SCALES[unit] / 1000
    return [None if v is None else float(v) / per for v in values]


def record_tracks(doc: Any) -> list[Track] | None:
    """The trajectories of a JSON document holding lists of position records, or None."""
    found = []
    for records, owner in _lists(doc):
        fields = _fields(records)
        if fields is not None:
            found.append((records, owner, fields))
    if not found:
        return None
    out: list[Track] = []
    owner_ids = len(found) > 1 or found[0][1] is not doc
    for records, owner, fields in found:
        flat = [_flat(r) for r in records if isinstance(r, dict)]
        parent = None
        if owner_ids and isinstance(owner, dict):
            own = candidates(
                TIERS["traj_id"], [k for k, v in owner.items() if not isinstance(v, list | dict)]
            )
            parent = str(owner[own[0]]) if len(own) == 1 else None
        times = _times([r.get(fields["t"]) for r in flat])
        groups: dict[str | None, tuple[list, list]] = {}
        for r, t in zip(flat, times, strict=True):
            tid = r.get(fields["traj_id"]) if "traj_id" in fields else None
            key = str(tid) if tid is not None else parent
            coords, ts = groups.setdefault(key, ([], []))
            coords.append([r.get(fields["lon"]), r.get(fields["lat"])])
            ts.append(t)
        out.extend((k, c, t) for k, (c, t) in groups.items())
    return out


def streams_without_start(doc: Any) -> str | None:
    """Why Strava activity streams (`latlng` + `time`, keyed by type or as a list of
    {"type": ...}) cannot be read: their times count from a start the file does not hold."""
    kinds: set = set()
    if isinstance(doc, dict):
        kinds = {k for k, v in doc.items() if isinstance(v, dict) and "data" in v}
    elif isinstance(doc, list):
        kinds = {s.get("type") for s in doc if isinstance(s, dict) and "data" in s}
    if not {"latlng", "time"} <= kinds:
        return None
    return (
        "Strava activity streams: `time` counts seconds from the activity's start, which the "
        "streams do not hold (it is the activity's start_date); export the activity as GPX / "
        "FIT, or add start_date to the times and write a CSV"
    )
