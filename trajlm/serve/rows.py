"""Table rows of the HTTP API's requests: the keys a row is read by (the Python API's names
for the columns: time, timestamp, latitude, lng, trip_id, ...) and rows whose position keys
were left out (missing positions). Split from formats.py in session 14."""

from __future__ import annotations

import json
import math
from typing import Any

from trajlm.data.column_names import TIERS, candidates
from trajlm.errors import TrajlmInputError


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _bad(message: str, field: str, hint: str | None = None) -> TrajlmInputError:
    return TrajlmInputError(message, field=field, hint=hint)


def _canonical_row(r: dict, where: str) -> tuple[dict, set[str]]:
    """A row whose keys are named as the Python API names columns (trajlm.data.column_names:
    time, timestamp, latitude, lng, trip_id, ...) -> ({traj_id, t, lat, lon, ...}, the keys
    read for them)."""
    out, read = dict(r), set()
    for key, tiers in TIERS.items():
        if key in r:
            continue
        found = [c for c in candidates(tiers, [k for k in r if isinstance(k, str)])
                 if c not in TIERS]  # fmt: skip
        if len(found) != 1:
            names = ", ".join(n for tier in tiers for n in tier)
            what = f"ambiguous ({found})" if found else "missing"
            raise _bad(what, f"{where}.{key}", f"name it {key} (or one of: {names})")
        out[key] = r[found[0]]
        read.add(found[0])
    return out, read


def _gap_keys(rows: list) -> tuple[str, ...]:
    """The request's position keys (``lat``/``lon`` or its names for them) when some rows have
    them: a row without either is a missing position (null), as JavaScript's JSON.stringify
    writes ``{lat: undefined}``. None when no row names them (the parse says how to name them)."""
    names = {k for r in rows if isinstance(r, dict) for k in r if isinstance(k, str)}
    keys = []
    for key in ("lat", "lon"):
        found = [key] if key in names else candidates(TIERS[key], sorted(names))
        if len(found) != 1:
            return ()
        keys.append(found[0])
    return tuple(keys)


def _names_position(r: dict) -> bool:
    keys = [k for k in r if isinstance(k, str)]
    return bool(candidates(TIERS["lat"], keys) or candidates(TIERS["lon"], keys))


def extras_json(extra: dict[str, Any]) -> str:
    """A row's own keys as JSON text for the answer; NaN / Infinity (which the request parser
    accepts) become null: the answer is strict JSON (they were a 500; fuzz14)."""

    def finite(v: Any) -> Any:
        if isinstance(v, float) and not math.isfinite(v):
            return None
        if isinstance(v, dict):
            return {k: finite(x) for k, x in v.items()}
        return [finite(x) for x in v] if isinstance(v, list) else v

    return json.dumps(finite(extra))
