"""Where a JSON document's position records are and which of their keys are the fields: each
record flattened to dotted keys (`vehicle.position.latitude`), the keys matched with the CSV
column names (lat, lon, time, the trajectory id), and the record lists found anywhere in the
document with the object holding each (Samsara's vehicle, AISHub's header).

Split from _json_records.py by review38b (track assembly stays there)."""

from __future__ import annotations

import re
from typing import Any

from trajlm.data.column_names import (
    SERVER_WORDS,
    TIERS,
    by_ending,
    candidates,
    last_resort,
    tier_of,
)
from trajlm.data.derived_points import measured, snake
from trajlm.data.readers._json_point_text import text_point

MAX_DEPTH = 6  # how deep record lists are looked for
SAMPLE = 20  # records whose keys are compared


_TIME_KEYS = ("timeiso8601",)  # (`at`, race trackers' moments: a TIME name since heldout27)
# KoboToolbox / ODK submissions (heldout27: a household survey's API JSON was refused): the
# geopoint as `_geolocation: [lat, lon]`, the time the form was opened on the phone as `start`
# (`_submission_time` is the server's, hours later at upload)
_FORM_META = ("_submission_time", "_uuid", "meta/instanceid", "__system", "_xform_id_string")
# ids of a device by their top-level key when no id name matched (formats21: Find My's
# `Items.data`, two AirTags in one snapshot were read as one trajectory)
_SERIALS = (
    "serialnumber",
    "serial_number",
    "serial",
    "identifier",
    "uuid",
)
# heldout39: a street-photo capture's `sequence` (Mapillary, KartaView): the images of one drive,
# finer than its `creator.id` (one photographer's drives on other days); a number counting rows
# is no text, so not read
# the time a record was made, read where no key names another (heldout40: Swarm's check-ins,
# `createdAt` UTC text, were refused for "no time"); a top-level key only, not `venue.createdAt`
_MADE = ("created_at", "created", "creation_time", "created_time")
# the node a radio message came from, where no id name says the mover (Meshtastic's MQTT JSON:
# `from` the node's number, `sender` the gateway that heard it)
SENDERS = ("from", "from_id", "fromid")
SEQUENCES = (
    "sequence",
    "sequence_key",
    "sequence_id",
)  # time keys no column tier names: `Samples[].TimeISO8601`


def flat_record(d: dict, prefix: str = "", depth: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if _geojson_point(v):  # an IoT platform's `location` (OGC SensorThings, heldout34b)
            out[key + ".lon"], out[key + ".lat"] = v["coordinates"][:2]
        elif isinstance(v, dict) and depth < 3:
            out.update(flat_record(v, key + ".", depth + 1))
        elif isinstance(v, list) and len(v) == 1 and isinstance(v[0], dict) and depth < 3:
            out.update(
                flat_record(v[0], key + ".", depth + 1)
            )  # SensorThings' `Locations: [{...}]`
        elif k == "_geolocation" and isinstance(v, list) and len(v) == 2:  # Kobo: [lat, lon]
            out[key + ".lat"], out[key + ".lon"] = v
        elif (order := pair_order(k, v)) is not None:  # Elasticsearch's geo_point [lon, lat]
            out[key + f".{order[0]}"], out[key + f".{order[1]}"] = v[:2]
        elif (point := text_point(key, v)) is not None:  # "lat,lon", WKT, a geohash (leftover39)
            out[key + ".lat"], out[key + ".lon"] = point
        elif not isinstance(v, list | dict):
            out[key] = v
    return out


def pair_order(key: str, v: Any) -> tuple[str, str] | None:
    """("lon", "lat") / ("lat", "lon") for a list of 2-3 numbers under a key named as a point
    (`location`, `pin.location`, `coordinates`, `latlng`), as the JSON Lines tables split them
    (`_pair_columns`): latitude first where the name says so, else GeoJSON's, Elasticsearch's
    and MongoDB's [lon, lat] unless its values say otherwise (heldout38: a search response's
    `geo_point` arrays were not read). None for anything else."""
    from trajlm.data.column_names import normalised
    from trajlm.data.readers._pair_columns import LAT_FIRST, LON_FIRST_NAMES
    from trajlm.data.readers._point_text import POINT_NAMES

    name = normalised(key)
    if name not in POINT_NAMES + LON_FIRST_NAMES + LAT_FIRST or not isinstance(v, list):
        return None
    if not 2 <= len(v) <= 3 or not all(type(x) in (int, float) for x in v):
        return None
    lat_first = name in LAT_FIRST or (abs(v[1]) > 90 and not abs(v[0]) > 90)
    return ("lat", "lon") if lat_first else ("lon", "lat")


def _geojson_point(v: Any) -> bool:
    """`{"type": "Point", "coordinates": [lon, lat, ...]}` (GeoJSON's axis order)."""
    if not isinstance(v, dict) or v.get("type") != "Point":
        return False
    c = v.get("coordinates")
    return isinstance(c, list) and len(c) >= 2 and all(type(x) in (int, float) for x in c[:2])


def _ended(name: str, keys: list[str]) -> list[str]:
    """`by_ending`, less a time a server wrote when the record arrived (Kobo's
    `_submission_time`, hours after the form's `start`; an `upload_time`): the fix's time is
    read from the record's own names below (session 37: heldout37's endings took the upload)."""
    got = by_ending(name, keys)
    if name != "t":
        return got
    return [
        k
        for k in got
        if k.lower() not in _FORM_META
        # camelCase apart: heldout39's Amazon Location `SampleTime` beside its `ReceivedTime`
        and not SERVER_WORDS & set(re.split(r"[^a-z0-9]+", snake(k)))
    ]


def _beside(times: list[str], lat: str) -> list[str]:
    """The one time key in the same object as the latitude (a Particle Tracker's payload:
    `loc.time` the fix's, beside the message's own `time`; heldout39), else all of them."""
    parent = lat.rpartition(".")[0]
    one = [k for k in times if k.rpartition(".")[0] == parent]
    return one if len(one) == 1 else times


def own_time(keys: list[str], lat: str) -> str | None:
    """The one key named as a time inside the object holding the latitude, where a whole-name
    time outside it won (Meshtastic's `payload.time`, the fix's, beside the gateway's
    `timestamp`: read 1-30 s late, and a packet heard twice read twice); None otherwise."""
    parent = lat.rpartition(".")[0]
    if not parent:
        return None
    inner = [k for k in keys if k.rpartition(".")[0] == parent]
    own = candidates(TIERS["t"], [k.rpartition(".")[2] for k in inner])
    return f"{parent}.{own[0]}" if len(own) == 1 else None


def field_keys(name: str, keys: list[str]) -> list[str]:
    """The flattened keys that may hold ``name`` ("lat", "lon", "t"), found as record_fields
    first finds them (by name, by ending: `start_time`, `eventTime`, then the last resort)."""
    return candidates(TIERS[name], keys) or _ended(name, keys) or last_resort(name, keys)


def record_fields(records: list) -> dict[str, str] | None:
    """{"lat", "lon", "t"[, "traj_id"]: flattened key} of a list of position records."""
    sample = [flat_record(r) for r in records[:SAMPLE] if isinstance(r, dict)]
    if not sample:
        return None
    keys = list(dict.fromkeys(k for r in sample for k in r))
    found: dict[str, str] = {}
    for name in ("lat", "lon", "t"):
        got = candidates(TIERS[name], keys) or _ended(name, keys)  # `eventTime` (heldout37)
        got = got or last_resort(name, keys)  # `ts_ms` (heldout25)
        if len(got) > 1:
            got = _beside(got, found["lat"]) if name == "t" else measured(got)
        elif name == "t" and (own := own_time(keys, found["lat"])) is not None:
            got = [own]  # the fix's own time in the position's object (heldout40)
        if name == "t" and not got:  # the Suunto app's sample time (session 20, badin20)
            got = [k for k in keys if k.rsplit(".", 1)[-1].lower() in _TIME_KEYS]
        if (
            name == "t"
            and not got
            and "start" in keys
            and any(k.lower() in _FORM_META for k in keys)
        ):
            got = ["start"]  # a Kobo / ODK form's start (its device clock, with the offset)
        if name == "t" and not got:  # a check-in's / a post's `createdAt`, when no other key
            got = [k for k in keys if snake(k) in _MADE]  # is a time: made when it happened
        if name == "t" and not got and "seen_pos" in keys:  # readsb / tar1090 aircraft.json
            got = ["seen_pos"]  # seconds before the poll's `now` (record_tracks)
        if len(got) != 1:
            return None
        found[name] = got[0]
    if "vehicle.vehicle.id" in keys:  # GTFS-rt: the vehicle, not the entity (often per snapshot)
        found["traj_id"] = "vehicle.vehicle.id"
    elif found["t"] == "seen_pos" and "hex" in keys:  # the aircraft's ICAO address
        found["traj_id"] = "hex"
    elif seq := [k for k in keys if k.lower() in SEQUENCES and _repeats(sample, k) and _text(sample, k)]:  # fmt: skip
        found["traj_id"] = seq[0]
    elif (tid := _id_key(sample, [k for k in keys if k not in found.values()], found["t"])) is not None:  # fmt: skip
        found["traj_id"] = tid
    elif sender := [k for k in keys if k.lower() in SENDERS and _repeats(sample, k, found["t"])]:
        found["traj_id"] = sender[0]  # a mesh radio's node (Meshtastic's `from`; heldout40)
    elif serial := [k for name in _SERIALS for k in keys if k.lower() == name and _repeats(sample, k) and _text(sample, k)]:  # fmt: skip
        found["traj_id"] = serial[0]  # Find My's items (a uuid per fix is a row key: not read)
    return found


def _repeats(sample: list[dict], k: str, t: str | None = None) -> bool:
    """`k` has values in the sample that repeat (or the sample is too small to tell); with the
    time key `t`, at different times: a message's id heard by two gateways repeats at one time
    (heldout40: Meshtastic's packet `id`, read as 159 movers of 5 radios)."""
    pairs = {(str(r[k]), str(r.get(t)) if t else i) for i, r in enumerate(sample) if r.get(k) is not None}  # fmt: skip
    values = [v for v, _ in pairs]
    return bool(values) and (len(sample) < 5 or len(set(values)) < len(values))


def _id_key(sample: list[dict], keys: list[str], tkey: str | None = None) -> str | None:
    """The id key of the records: the first named like an id (by tier; the whole name or its
    last dotted part: Geotab's `device.id`) whose values repeat, so not a row key (Geotab's
    own `id`)."""
    keys = [k for k in keys if not of_place(k)]
    ranked = sorted((t, k) for k in keys if (t := tier_of(TIERS["traj_id"], k)) is not None)
    found = next((k for _, k in ranked if _repeats(sample, k, tkey)), None)
    if found is None:  # `scooterId`, `Item.deviceId` (heldout39: a DynamoDB table's hash key)
        ended = [k for k in by_ending("traj_id", keys) if _repeats(sample, k, tkey)]
        found = ended[0] if len(ended) == 1 and _text(sample, ended[0]) else None
    return found


# objects that name where a record is, not who moved: Swarm's `venue.id` repeats on every
# check-in at a café and was read as 10 movers of one user (heldout40)
_PLACES = {"venue", "place", "poi", "stop", "station", "location", "address", "geofence", "zone"}


def of_place(key: str) -> bool:
    """`key` is an id inside an object that names a place (`venue.id`), not a mover's."""
    owner = key.rpartition(".")[0].rpartition(".")[2]
    return snake(owner) in _PLACES


def _text(sample: list[dict], k: str) -> bool:
    return all(isinstance(r[k], str) for r in sample if r.get(k) is not None)


def record_lists(doc: Any, owner: Any = None, depth: int = 0):  # noqa: ANN202 (iterator)
    """(list of dicts, the object holding it) anywhere in `doc`, down to MAX_DEPTH."""
    if depth > MAX_DEPTH:
        return
    if isinstance(doc, list):
        if doc and all(isinstance(r, dict) for r in doc[:SAMPLE]):
            if record_fields(doc) is not None:  # position records (their own lists not searched)
                yield doc, owner
                return
            for r in doc:
                yield from record_lists(r, r, depth + 1)
        elif any(isinstance(r, list) for r in doc[:SAMPLE]):  # AISHub: [header, records]
            for r in doc[:SAMPLE]:
                yield from record_lists(r, r if isinstance(r, dict) else owner, depth + 1)
        return
    if isinstance(doc, dict):
        for v in doc.values():
            if isinstance(v, list | dict):
                yield from record_lists(v, doc, depth + 1)


def records_time_key(doc: Any) -> str | None:
    """The one key the position records of ``doc`` take their time from (`captured_at`,
    `SampleTime`), so a bad time names it (badin40 265, 290: the check named the reader's own
    `timestamp`); None where lists take it from different keys or none is found."""
    try:
        keys = {f["t"] for records, _ in record_lists(doc) if (f := record_fields(records))}
    except (TypeError, ValueError, RecursionError):
        return None
    return keys.pop() if len(keys) == 1 else None
