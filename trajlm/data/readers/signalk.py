"""Signal K delta logs (heldout30: crew-transfer vessels at a wind farm, each boat's Signal K
server logging one delta a line; refused as "missing traj_id, t, lat, lon; the file has
['context', 'updates']" with advice to delete lines above a header). Each delta's
`updates[].values[]` entry with path `navigation.position` (`{"longitude", "latitude"}`) is one
fix at its update's `timestamp`, of the vessel its `context` names (`vessels.urn:mrn:imo:mmsi:
235071200` -> `235071200`; no context: `self`); deltas of other paths (wind, depth, speed in m/s,
course in radians) hold no position and are left out. Written as a CSV
(`spreadsheet.sheets_as_csv`), so the usual time parsing and checks apply. Lines that are not
JSON deltas are counted and said in one warning."""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path

_SUFFIXES = (".jsonl", ".ndjson", ".json", ".log", ".txt")
_PREFIXES = ("vessels.", "urn:mrn:imo:mmsi:", "urn:mrn:signalk:uuid:")


def _is_delta(obj: object) -> bool:
    return isinstance(obj, dict) and isinstance(obj.get("updates"), list)


def is_signalk(path: Path) -> bool:
    """A file whose first non-blank line is a Signal K delta (a JSON object with `updates`)."""
    if not path.is_file() or path.suffix.lower() not in _SUFFIXES:
        return False
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as f:
            for line in f:
                if line.strip():
                    return _is_delta(json.loads(line))
    except (OSError, ValueError, RecursionError):  # too deep: the JSON reader says so
        return False
    return False


def _vessel(context: object) -> str:
    name = str(context or "vessels.self")
    for p in _PREFIXES:
        name = name.removeprefix(p)
    return name


def signalk_as_csv(path: Path, out: Path) -> list[int | None]:
    """Write the `navigation.position` fixes of the Signal K delta log `path` as a CSV at `out`;
    the line of `path` each CSV line comes from (None: the header; a delta's several fixes
    share its line), for errors (archives.member_error)."""
    bad = 0
    at: list[int | None] = [None]
    with (
        path.open(encoding="utf-8-sig", errors="replace") as src,
        out.open("w", newline="", encoding="utf-8") as dst,
    ):
        w = csv.writer(dst, lineterminator="\n")
        w.writerow(["vessel", "timestamp", "latitude", "longitude"])
        for number, line in enumerate(src, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except (ValueError, RecursionError):
                obj = None
            if not _is_delta(obj):
                bad += 1
                continue
            vessel = _vessel(obj.get("context"))
            for upd in obj["updates"]:
                for v in upd.get("values") or [] if isinstance(upd, dict) else []:
                    pos = v.get("value") if isinstance(v, dict) else None
                    if v.get("path") == "navigation.position" and isinstance(pos, dict):
                        w.writerow([vessel, upd.get("timestamp", ""), pos.get("latitude", ""),
                                    pos.get("longitude", "")])  # fmt: skip
                        at.append(number)
    if bad:
        warnings.warn(
            f"{path.name}: {bad} line(s) that are not Signal K deltas skipped", stacklevel=2
        )
    return at
