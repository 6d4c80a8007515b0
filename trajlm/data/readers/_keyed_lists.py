"""Objects written as lists of one-key objects (heldout36): Endomondo's account export writes a
workout as `[{"name": ...}, {"sport": ...}, {"start_time": ...}, {"points": [...]}]` and each
point as `[{"location": [[{"latitude": 59.3}, {"longitude": 18.0}]]}, {"altitude": 21.0},
{"timestamp": "Sun Jun 02 07:10:13 UTC 2019"}]` (a Java serialiser's map entries). Was: "the
2 records at $[8].points[0][0].location[0] look like positions but their keys name no time".

Rule: a list of two or more one-key objects whose keys all differ is one object; a list holding
only one list that becomes an object is that object, and so is a list holding only a list of
one one-key object (`[[{"latitude": 59.3}]]`: its longitude lost, said by the records' rule). Applied only to a document
no other JSON rule reads, so record tables are never reshaped."""

from __future__ import annotations

from typing import Any


def merged(doc: Any) -> Any:
    """`doc` with every list of one-key objects (distinct keys, two or more) made one object,
    and a one-item list around such a list unwrapped; `doc` itself when none is found."""
    try:
        out, changed = _merge(doc)
    except RecursionError:  # nested past Python's stack: left as it is (read or refused so)
        return doc
    return out if changed else doc


def _keyed(items: list) -> bool:
    if len(items) < 2 or not all(isinstance(i, dict) and len(i) == 1 for i in items):
        return False
    return len({next(iter(i)) for i in items}) == len(items)


def _merge(x: Any) -> tuple[Any, bool]:
    if isinstance(x, dict):
        changed = False
        out = {}
        for k, v in x.items():
            out[k], c = _merge(v)
            changed = changed or c
        return out, changed
    if not isinstance(x, list):
        return x, False
    if _keyed(x):
        whole = {}
        for item in x:
            ((k, v),) = item.items()
            whole[k], _ = _merge(v)
        return whole, True
    parts = [_merge(i) for i in x]
    out = [p for p, _ in parts]
    changed = any(c for _, c in parts)
    if len(x) == 1 and isinstance(x[0], list) and isinstance(out[0], dict):
        return out[0], True  # `[[{"latitude"}, {"longitude"}]]`: the one merged object
    if (len(x) == 1 and isinstance(x[0], list) and len(x[0]) == 1
            and isinstance(x[0][0], dict) and len(x[0][0]) == 1):  # fmt: skip
        return out[0][0], True  # `[[{"latitude"}]]`, a longitude lost: said as such (badfix37)
    return out, changed
