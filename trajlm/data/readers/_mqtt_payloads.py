"""MQTT payloads that are no JSON object (leftover39; heldout38's reader passed them over):
`key=value` text (`lat=40.7128;lon=-74.006;ts=1793692800`, separated by `;`, `&`, `,` or
spaces) becomes a record of those keys, read as a JSON payload's; a CSV payload of bare numbers
(`1793692800,40.7128,-74.0060,12.5`) is read when its values tell the fields apart: one Unix
time (10 or 13 digits) and, of the other numbers, the first two in degree ranges as latitude,
longitude (lat first, as such text is written, unless the first lies past 90), said in one
warning by the MQTT reader. Anything else is no record (passed over and counted); key=value
text giving one key two values is refused by the reader, naming its line (badin40: the last
value was read without a word)."""

from __future__ import annotations

import json
import re

_KV = re.compile(r"^\s*([A-Za-z_][\w.\-]*)\s*[=:]\s*(\S*?)\s*$")
_SEPARATORS = re.compile(r"[;&,\s]+")
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$")
CSV_FIELDS = ("time", "lat", "lon")  # the keys a bare-numbers payload gets
CONFLICT = "conflict:"  # payload_record's kind for a key=value payload giving a key twice


def payload_record(text: str) -> tuple[dict | None, str]:
    """(the payload as a record, its kind: "json" / "kv" / "csv"), or (None, ""); (None,
    CONFLICT + "lat=1 and lat=2") for key=value text giving one key two values."""
    text = text.strip()
    if text.startswith("{"):
        try:
            doc = json.loads(text)
        except ValueError:
            return None, ""
        return (doc, "json") if isinstance(doc, dict) else (None, "")
    if "=" in text:
        record = _key_values(text)
        return (
            (None, f"{CONFLICT}{record[CONFLICT]}")
            if record and CONFLICT in record
            else (record, "kv")
        )
    return _bare_numbers(text), "csv"


def _value(v: str) -> object:
    return float(v) if _NUMBER.match(v) and ("." in v or "e" in v.lower()) else (
        int(v) if _NUMBER.match(v) else v)  # fmt: skip


def _key_values(text: str) -> dict | None:
    pairs = [_KV.match(part) for part in _SEPARATORS.split(text) if part]
    if not pairs or not all(pairs):
        return None
    record: dict = {}
    for m in pairs:
        if m is not None and record.setdefault(m[1], _value(m[2])) != _value(m[2]):
            # `lat=40.7;...;lat=10.0`: which is the fix? (badin40: the last was read unsaid)
            return {CONFLICT: f"{m[1]}={record[m[1]]} and {m[1]}={m[2]}"}
    return record


def _bare_numbers(text: str) -> dict | None:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) < 3 or not all(_NUMBER.match(p) for p in parts):
        return None
    times = [
        i for i, p in enumerate(parts) if p.lstrip("+").isdigit() and len(p.lstrip("+")) in (10, 13)
    ]
    if len(times) != 1:
        return None
    rest = [float(p) for i, p in enumerate(parts) if i != times[0]]
    a, b = rest[0], rest[1]
    if not (abs(a) <= 180 and abs(b) <= 180) or (abs(a) > 90 and abs(b) > 90):
        return None
    lat, lon = (b, a) if abs(a) > 90 else (a, b)
    stamp = int(parts[times[0]])
    return {"time": stamp / 1000 if stamp > 1e11 else stamp, "lat": lat, "lon": lon,
            **{f"field_{k}": v for k, v in enumerate(rest[2:], start=4)}}  # fmt: skip
