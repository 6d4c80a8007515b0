"""JSON documents whose position records are written in another shape than a list of objects
(heldout39), made that list so `_json_records` reads them as it reads any API's records:

  * DynamoDB JSON (an export to S3, `aws dynamodb scan`): every value typed, `{"N": "59.33"}`,
    `{"S": "SC-4100"}`, `{"BOOL": true}`, `{"M": {...}}`, `{"L": [...]}`, a line's item under
    `Item` (an export) or a scan's under `Items`: the plain values, numbers as numbers;
  * values of one key over time, keyed by the key (ThingsBoard's `values/timeseries` answer:
    `{"latitude": [{"ts": 1764..., "value": "45.76"}], "longitude": [...], ...}`): one record
    per time, `{"ts": ..., "latitude": 45.76, "longitude": ...}`;
  * records keyed by their id rather than listed (the Firebase Realtime Database, its console's
    "Export JSON": `{"locations": {"<uid>": {"<push id>": {"latitude", ...}}}}`): each object
    whose values are objects sharing their keys is a list of them, its key kept in `key` (a
    row key) and, one level up, the mover's in `owner.id`;
  * a record field holding JSON text (a Particle Cloud event's `data`, a message body written
    as a string): that text parsed in place, one level deep.

`reshaped(doc)` applies them where they apply and returns `doc` itself when none does, so a
document another rule reads is never touched (the caller tries it only after those).
"""

from __future__ import annotations

import json
from typing import Any

_TYPES = {"S", "N", "BOOL", "NULL", "M", "L", "SS", "NS", "B", "BS"}
_SAMPLE = 20
_MAX_DEPTH = 8


def reshaped(doc: Any) -> Any:
    """`doc` with its position records made a list of plain objects, or `doc` itself."""
    try:
        out = _untyped(doc) if _dynamo(doc) else doc
        out = _series_records(out)
        out = _keyed_lists(out, 0)
        out = _json_text(out, 0)
    except RecursionError:  # nested past Python's stack: left as it is (read or refused so)
        return doc
    return doc if out == doc else out


def _dynamo_value(v: Any) -> bool:
    return isinstance(v, dict) and len(v) == 1 and next(iter(v)) in _TYPES


def _dynamo(doc: Any) -> bool:
    """Whether `doc` holds DynamoDB items: objects whose every value is one typed value."""
    items = doc if isinstance(doc, list) else doc.get("Items") if isinstance(doc, dict) else None
    if not isinstance(items, list) or not items:
        return False
    sample = [i.get("Item", i) if isinstance(i, dict) else i for i in items[:_SAMPLE]]
    return all(
        isinstance(i, dict) and i and all(_dynamo_value(v) for v in i.values()) for i in sample
    )


def _plain(v: Any) -> Any:
    """One DynamoDB typed value as its plain value (numbers from their text)."""
    if not _dynamo_value(v):
        return v
    kind, x = next(iter(v.items()))
    if kind == "N":
        try:
            n = float(x)
        except (TypeError, ValueError):
            return x
        return int(n) if n.is_integer() and "." not in str(x) and "e" not in str(x).lower() else n
    if kind == "NULL":
        return None
    if kind == "M":
        return {k: _plain(y) for k, y in x.items()} if isinstance(x, dict) else x
    if kind in ("L", "SS", "NS"):
        return [_plain(y) if kind == "L" else y for y in x] if isinstance(x, list) else x
    return x  # S, BOOL, B, BS


def _untyped(doc: Any) -> Any:
    items = doc if isinstance(doc, list) else doc["Items"]
    return [
        {k: _plain(v) for k, v in (i.get("Item", i) if isinstance(i, dict) else {}).items()}
        for i in items
    ]


def _series_records(doc: Any) -> Any:
    """ThingsBoard's `{key: [{"ts", "value"}, ...]}`: one record per `ts`. Only where every
    value of `doc` is such a list."""
    if not isinstance(doc, dict) or len(doc) < 2:
        return doc
    if not all(
        isinstance(v, list) and v and all(_point_value(p) for p in v[:_SAMPLE])
        for v in doc.values()
    ):
        return doc
    rows: dict[Any, dict] = {}
    for key, values in doc.items():
        for p in values:
            if _point_value(p):
                # values stay as written: numeric text is read as a number where it is a
                # coordinate (_json_records), as any API's quoted coordinates are
                rows.setdefault(p["ts"], {"ts": p["ts"]})[key] = p["value"]
    return list(rows.values())


def _point_value(p: Any) -> bool:
    return isinstance(p, dict) and set(p) == {"ts", "value"}


def _records_by_key(v: Any, least: int = 2) -> bool:
    """An object of `least` or more objects keyed by id that share their keys (Firebase's push
    ids under a user; not an object of differently-shaped branches)."""
    if not isinstance(v, dict) or len(v) < least:
        return False
    sample = list(v.values())[:_SAMPLE]
    if not all(isinstance(r, dict) and r for r in sample):
        return False
    first = set(sample[0])
    return all(set(r) == first for r in sample) and not all(
        isinstance(x, dict | list) for x in sample[0].values()
    )


def _keyed_lists(doc: Any, depth: int) -> Any:
    """Objects of id-keyed records as lists (the key in `key`); an object of such objects as
    one list, each record's owner in `owner.id` (Firebase's `locations/<uid>/<push id>`)."""
    if depth > _MAX_DEPTH or not isinstance(doc, dict):
        return doc
    if _records_by_key(doc):
        return [{**r, "key": k} for k, r in doc.items() if isinstance(r, dict)]
    if len(doc) >= 2 and all(_records_by_key(v, 1) for v in doc.values()):
        return [
            {**r, "key": k, "owner": {"id": owner}}
            for owner, v in doc.items()
            for k, r in v.items()
            if isinstance(r, dict)
        ]
    return {k: _keyed_lists(v, depth + 1) for k, v in doc.items()}


def _json_text(doc: Any, depth: int) -> Any:
    """A record list's fields holding JSON object text, parsed (one level: the text's own
    strings stay text)."""
    if depth > _MAX_DEPTH:
        return doc
    if isinstance(doc, dict):
        return {k: _json_text(v, depth + 1) for k, v in doc.items()}
    if not isinstance(doc, list) or not doc:
        return doc
    if not all(isinstance(r, dict) for r in doc[:_SAMPLE]):
        return doc
    keys = {k for r in doc[:_SAMPLE] for k, v in r.items() if _object_text(v)}
    if not keys:
        return [_json_text(r, depth + 1) for r in doc]
    return [{k: _parsed(v) if k in keys else v for k, v in r.items()} for r in doc]


def _object_text(v: Any) -> bool:
    return isinstance(v, str) and v.startswith("{") and v.endswith("}") and _parsed(v) is not v


def _parsed(v: Any) -> Any:
    try:
        out = json.loads(v)
    except (TypeError, ValueError, RecursionError):
        return v
    return out if isinstance(out, dict) else v
