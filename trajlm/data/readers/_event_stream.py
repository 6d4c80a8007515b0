"""A Server-Sent Events stream saved to a file (heldout39): `curl -N` of an IoT cloud's event
stream (the Particle Cloud's `/v1/devices/events/loc`, any `text/event-stream` endpoint) writes
`event: NAME` / `data: {...}` lines, an empty line after each event, `:` comment lines
(`:ok`, keep-alives) between. Was: read as a CSV, "missing column(s) ... the file has [':ok']".

Rule: a text file (`.txt`, `.log`, `.out`, `.sse`, none) whose non-empty lines all start with
an SSE field (`event:`, `data:`, `id:`, `retry:`) or `:`, with two or more `data:` lines (or none, but `:ok` / `event:` lines: said empty), is
read as a JSON document: the list of its events' data (the `data:` lines of one event joined),
each object with its event's name as `event`. Data that is no JSON object is passed over and
counted (`no_fix`, by the caller). The records are then read as an API's position records
(`_json_records`): a payload written as JSON text (Particle's `data`) is parsed in place
(`_json_reshape`), the fix's own time beside its position (`loc.time`) chosen over the
message's, and the cloud's `published_at` (when it arrived) is not a time name.
"""

from __future__ import annotations

import json
from pathlib import Path

SUFFIXES = (".txt", ".log", ".out", ".sse", ".events", "")
_FIELDS = ("event:", "data:", "id:", "retry:", ":")
_SNIFF = 60


def is_event_stream(path: Path) -> bool:
    """Whether `path` is a saved Server-Sent Events stream (judged by its first lines)."""
    if not path.is_file() or path.suffix.lower() not in SUFFIXES:
        return False
    try:
        with path.open("rb") as f:
            lines = [f.readline(1 << 16).decode("utf-8", errors="replace").strip()
                     for _ in range(_SNIFF)]  # fmt: skip
    except OSError:
        return False
    lines = [x for x in lines if x]
    data = sum(x.startswith("data:") for x in lines)
    # a stream saved before its events came (`:ok`, `event:` lines alone; fix40b: was read as
    # a CSV, "missing column(s) ... [':ok']"): the reader says so
    waiting = data == 0 and any(x.startswith((":ok", "event:")) for x in lines)
    return (data >= 2 or waiting) and all(x.startswith(_FIELDS) for x in lines)


def event_records(text: str) -> tuple[list[dict], int]:
    """(the events' data objects, each with `event` = its event's name unless it has one;
    how many events' data was no JSON object)."""
    out: list[dict] = []
    bad = 0
    name, data = "message", []
    for line in [*text.splitlines(), ""]:
        if not line.strip():
            if data:
                try:
                    value = json.loads("\n".join(data))
                except ValueError:
                    value = None
                if isinstance(value, dict):
                    out.append({"event": name, **value} if "event" not in value else value)
                else:
                    bad += 1
            name, data = "message", []
            continue
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "event":
            name = value
        elif field == "data":
            data.append(value)
    return out, bad
