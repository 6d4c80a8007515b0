"""Why a JSON API answer yields no position records to read (split from _json_records.py, which
reads them): every list empty, a GTFS-rt poll with no vehicle, locations all null, keys that
look like positions but name no single latitude / longitude / time, Strava streams without
their start. `mfjson` asks these after `record_tracks` finds nothing."""

from __future__ import annotations

import json
from typing import Any

from trajlm.data.column_names import TIERS, tier_of
from trajlm.data.readers._json_fields import MAX_DEPTH, SAMPLE, field_keys, flat_record
from trajlm.data.readers._json_point_text import text_number_pair, unread_text_position

_LOCATION_KEYS = ("location", "position", "lastlocation", "last_location", "coordinates")


def null_locations(doc: Any) -> int:
    """How many records of an API answer have a location object that is null or absent
    while no record has one (Find My's `Items.data` while no item had a fix: was "top level is
    not a JSON object"); 0 when the answer is something else. Counted as no_fix."""
    for _, records in _dict_lists(doc):
        recs = [r for r in records if isinstance(r, dict)]
        keyed = [k for r in recs for k in r if k.lower() in _LOCATION_KEYS]
        if recs and keyed and all(r.get(k) is None for r in recs for k in keyed):
            return len(recs)
    return 0


def _dict_lists(doc: Any, where: str = "$", depth: int = 0):  # noqa: ANN202 (iterator)
    """(path, list) of every list in ``doc`` that is empty or holds objects, to MAX_DEPTH."""
    if depth > MAX_DEPTH:
        return
    if isinstance(doc, list):
        if not doc or isinstance(doc[0], dict):
            yield where, doc
        for k, r in enumerate(doc[:SAMPLE]):
            yield from _dict_lists(r, f"{where}[{k}]", depth + 1)
    elif isinstance(doc, dict):
        for k, v in doc.items():
            if isinstance(v, list | dict):
                yield from _dict_lists(v, f"{where}.{k}", depth + 1)


def no_vehicles(doc: Any) -> bool:
    """A GTFS-realtime feed saved as JSON while no vehicle reports: {"header": {...}} with no
    (or an empty) ``entity`` list (MessageToJson leaves an empty list out). One poll of a folder
    read as nothing, not the folder refused (badin19)."""
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("header"), dict)
        and set(doc) <= {"header", "entity"}
        and not doc.get("entity")
    )


def empty_records(doc: Any) -> str | None:
    """Why an API answer holds no position records: every list in it is empty (Geotab's `[]`,
    Samsara's {"data": []}); None when any list holds something (badin19: was "top level is
    not a JSON object" / "no MovingPoint temporalGeometry")."""
    if why := _search_failed(doc):
        return why
    head = doc[0] if isinstance(doc, list) and doc and isinstance(doc[0], dict) else {}
    if "ERROR" in head and head.get("ERROR"):
        return f"an AISHub error answer ({str(head.get('ERROR_MESSAGE', 'no message'))[:120]})"
    if "ERROR" in head and not any(isinstance(r, list) and r for r in doc[1:]):
        return "no position records in it: an AISHub answer without records"
    lists = list(_dict_lists(doc))
    if not lists or any(v for _, v in lists):
        return None
    where = ", ".join(w for w, _ in lists[:3])
    return f"no position records in it: {where} {'is an empty list' if len(lists) == 1 else 'are empty lists'}"


def _search_failed(doc: Any) -> str | None:
    """An Elasticsearch / OpenSearch answer that holds no documents: an error response, or hits
    without their `_source` (badin39: both were "no MovingPoint temporalGeometry ...")."""
    if not isinstance(doc, dict):
        return None
    err = doc.get("error")
    if isinstance(err, dict) and ("status" in doc or "type" in err):
        return (f"an Elasticsearch error response ({err.get('type', 'no type')}: "
                f"{str(err.get('reason', 'no reason'))[:120]}): the search failed; save the "
                "response of a search that ran")  # fmt: skip
    hits = doc.get("hits").get("hits") if isinstance(doc.get("hits"), dict) else None
    if (
        isinstance(hits, list)
        and hits
        and all(
            isinstance(h, dict) and "_id" in h and not ({"_source", "fields"} & set(h))
            for h in hits
        )
    ):
        return (f"an Elasticsearch response whose {len(hits)} hits carry no documents (no "
                "_source: a search with \"_source\": false or stored_fields only); search again "
                "with the documents' fields")  # fmt: skip
    return None


def near_records(doc: Any) -> str | None:
    """Why a list of objects that looks like position records is not read: the keys that
    name no latitude, longitude or time, or more than one (`lat` beside `latitude`), for the
    first list whose keys name at least two of the three, or a time and an id."""
    words = {"lat": "latitude", "lon": "longitude", "t": "time"}
    for where, records in _dict_lists(doc):
        sample = [flat_record(r) for r in records[:SAMPLE] if isinstance(r, dict)]
        keys = list(dict.fromkeys(k for r in sample for k in r))
        got = {name: field_keys(name, keys) for name in words}  # Samsung's `start_time` (badin39)
        ided = any(tier_of(TIERS["traj_id"], k) is not None for k in keys)
        text = None if got["lat"] or got["lon"] else (
            unread_text_position(sample) or text_number_pair(records[:SAMPLE]))  # fmt: skip
        if not sample or sum(bool(v) for v in got.values()) + (ided and bool(got["t"])) + bool(text) < 2:  # fmt: skip
            continue  # (an id and a time: GTFS-rt vehicles without a position)
        why = [f"no {words[n]}" if not v else f"several {words[n]}s {v}"
               for n, v in got.items() if len(v) != 1]  # fmt: skip
        if not why:
            continue
        if text:  # a position written as text that none of the rules reads (badin40)
            return f"the {len(records)} records at {where} hold no position trajlm reads: {text}"
        return (
            f"the {len(records)} records at {where} look like positions but their keys name "
            f"{' and '.join(why)} (keys: {keys[:12]}); convert them to a CSV and name the "
            "columns (--lat-col / --lon-col / --time-col)"
        )
    return None


def values_apart(records: Any) -> str | None:
    """Why records made from series of one value each (ThingsBoard's `{key: [{ts, value}]}`,
    _json_reshape) give no fix: their latitude and longitude never share a `ts` (badin40: was
    "no MovingPoint temporalGeometry ..."); else None."""
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        return None
    keys = list(dict.fromkeys(k for r in records for k in r))
    lat, lon = field_keys("lat", keys), field_keys("lon", keys)
    if len(lat) != 1 or len(lon) != 1 or any(lat[0] in r and lon[0] in r for r in records):
        return None
    return (f"the series' '{lat[0]}' and '{lon[0]}' values never share a time (no record holds both: "
            "logged at different times?); a fix needs both at one time")  # fmt: skip


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
        "streams do not hold (it is the activity's start_date); save the athlete's "
        "activities (GET /athlete/activities) as activities.json beside streams_<id>.json and "
        "read the folder, export the activity as GPX / FIT, or add start_date to the times "
        "and write a CSV"
    )


def _hollow(v: Any) -> bool:
    return (
        v is None or v == {} or v == [] or (isinstance(v, dict) and all(map(_hollow, v.values())))
    )


def hollow_export(doc: Any) -> str | None:
    """Why an export whose every branch is empty or null holds nothing (a Firebase Realtime
    Database export `{"locations": {}}` / `{"locations": null}`; badin40 270, 271: "no
    MovingPoint temporalGeometry ..."), naming the first such branch; else None."""
    if not isinstance(doc, dict) or not doc or "type" in doc or not _hollow(doc):
        return None
    where, v = "$", doc
    while isinstance(v, dict) and v:
        k = next(iter(v))
        where, v = f"{where}.{k}", v[k]
    return f"no position records in it: {where} is {json.dumps(v)} (an empty export?)"


def lone_branch(doc: Any) -> str | None:
    """Why an export holds no trajectory: one record under keys one deep each (a Firebase
    export of one user's one push: `locations/<uid>/<push id>`), or one series of
    ThingsBoard's `{key: [{ts, value}]}` with no other (a latitude without its longitude;
    badin40 272, 301: "no MovingPoint temporalGeometry ..."); else None."""
    if not isinstance(doc, dict) or "type" in doc:
        return None
    if len(doc) == 1 and isinstance(v := next(iter(doc.values())), list) and v and all(
            isinstance(p, dict) and set(p) == {"ts", "value"} for p in v[:SAMPLE]):  # fmt: skip
        key = next(iter(doc))
        other = "longitude" if field_keys("lat", [key]) else "latitude"
        return (
            f"one series ({key!r}: {len(v)} {{ts, value}} pairs, ThingsBoard's telemetry) "
            f"and no {other} series: a fix needs both at one time; ask for both keys"
        )
    where, v = "$", doc
    while isinstance(v, dict) and len(v) == 1 and isinstance(next(iter(v.values())), dict):
        k = next(iter(v))
        where, v = f"{where}.{k}", v[k]
    if where == "$" or not isinstance(v, dict):
        return None
    keys = [k for k, x in v.items() if not isinstance(x, dict | list)]
    if not (field_keys("lat", keys) and field_keys("lon", keys)):
        return None
    return (
        f"one position record (at {where}), where a trajectory is two or more fixes: was "
        "the export cut, or taken before the second fix?"
    )


def broken_json_text(doc: Any) -> str | None:
    """Why records whose payload is JSON text (a Particle event's `data`, parsed in place by
    _json_reshape) give nothing: the text does not parse (badin40 296: a stream whose inner
    data was cut, "top level is not a JSON object"); names the key and the parser's words."""
    for where, records in _dict_lists(doc):
        for r in records[:SAMPLE]:
            for k, v in r.items() if isinstance(r, dict) else ():
                if isinstance(v, str) and v.lstrip().startswith("{"):
                    try:
                        json.loads(v)
                    except ValueError as e:
                        return (f"the {len(records)} records at {where} hold their payload as "
                                f"JSON text in {k!r}, which does not parse ({e}: {v[:60]!r}...); "
                                "was the text cut or its quotes lost?")  # fmt: skip
    return None
