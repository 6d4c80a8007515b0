"""LoRaWAN network servers' uplink messages as JSON Lines (a webhook's or MQTT log's records;
heldout31: cargo-bike trackers from The Things Stack v3 were refused "missing traj_id, t, lat,
lon", and `--lat-col uplink_message.decoded_payload.latitude` was "missing column"): written
as a CSV before the read (`spreadsheet.sheets_as_csv`), one row per uplink.

- The Things Stack v3 (TTN): `end_device_ids.device_id`, `received_at` (the network server's
  time: the tracker's payload rarely carries one), the position from
  `uplink_message.decoded_payload` (the application's decoder).
- ChirpStack v4: `deviceInfo.deviceName`, `time`, the position from `object`.

The position is the decoder's `latitude` / `longitude` (any name trajlm reads as one, also one
level down: `gps: {lat, lng}`). The receiving gateways' own `location` in `rx_metadata[]` is
never read: it is where the gateway stands, kilometres from the tracker. An uplink whose
decoder wrote no position (a heartbeat, a status frame) has empty coordinates (`no_fix`); 0 / 0
(no GPS lock) is dropped as every reader drops it (`null_island`). Lines that are no JSON
object and records that are no uplink (a join-accept) are skipped and counted in one warning
(session 32, leftover32: they were skipped without a word)."""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path
from typing import Any

from trajlm.data.schema import TrajlmInputError

_SUFFIXES = (".json", ".jsonl", ".ndjson", ".log", ".txt")


def _first_record(path: Path) -> dict | None:
    if not path.is_file() or path.suffix.lower() not in _SUFFIXES:
        return None
    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            line = f.readline(1 << 20).strip()
        rec = json.loads(line)
    except (OSError, ValueError, RecursionError):  # a 100,000-deep array is not an uplink
        return None
    return rec if isinstance(rec, dict) else None


def is_lorawan(path: Path) -> bool:
    """A JSON Lines file whose first record is a TTN v3 or ChirpStack v4 uplink."""
    rec = _first_record(path)
    return rec is not None and (
        ("end_device_ids" in rec and "uplink_message" in rec)
        or ("deviceInfo" in rec and "object" in rec)
    )


def _point(decoded: Any) -> tuple[str, str, dict] | None:
    """(lat, lon, the other scalar fields) of a decoded payload, or None (no position)."""
    from trajlm.data.column_names import LAT, LON, candidates

    if not isinstance(decoded, dict):
        return None
    for d in (decoded, *(v for v in decoded.values() if isinstance(v, dict))):
        names = list(d)
        la, lo = candidates(LAT, names), candidates(LON, names)
        if len(la) == 1 and len(lo) == 1:
            rest = {k: v for k, v in d.items() if k not in (la[0], lo[0]) and _scalar(v)}
            return d[la[0]], d[lo[0]], rest
    return None


def _scalar(v: Any) -> bool:
    return isinstance(v, int | float | str | bool) or v is None


def lorawan_as_csv(path: Path, out: Path) -> None:
    """The uplinks of `path` as `device_id,time,lat,lon,...` rows at `out` (see the module)."""
    rows: list[dict] = []
    extra: dict[str, None] = {}
    bad: list[int] = []  # lines that are no JSON object (cut, damaged): said, not silent
    other: list[int] = []  # records of another kind (TTN join-accepts, ChirpStack status)
    with path.open(encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except (ValueError, RecursionError):
                rec = None
            if not isinstance(rec, dict):
                bad.append(n)
                continue
            if not ("uplink_message" in rec or "deviceInfo" in rec):
                other.append(n)
                continue
            if "uplink_message" in rec:  # The Things Stack v3
                up = rec.get("uplink_message") or {}
                dev = (rec.get("end_device_ids") or {}).get("device_id")
                when = rec.get("received_at") or up.get("received_at")
                decoded = up.get("decoded_payload")
            else:  # ChirpStack v4
                info = rec.get("deviceInfo") or {}
                dev = info.get("deviceName") or info.get("devEui")
                when, decoded = rec.get("time"), rec.get("object")
            got = _point(decoded)
            lat, lon, rest = got if got else ("", "", {})
            extra.update(dict.fromkeys(rest))
            rows.append({"device_id": dev, "time": when, "lat": lat, "lon": lon, **rest})
    if rows and not any(r["lat"] != "" for r in rows):
        raise TrajlmInputError(
            f"none of the {len(rows)} uplinks carries a position in its decoded payload "
            "(TTN `uplink_message.decoded_payload`, ChirpStack `object`: no latitude / longitude)",
            path=path,
            hint="add a payload decoder that writes latitude / longitude; the gateways' "
            "locations (rx_metadata / rxInfo) are where the gateways stand, never read as the "
            "tracker's",
        )
    _say_skipped(path, bad, other, len(rows))
    head = [
        "device_id",
        "time",
        "lat",
        "lon",
        *(k for k in extra if k not in ("device_id", "time")),
    ]
    with out.open("w", newline="", encoding="utf-8") as dst:
        w = csv.DictWriter(dst, head, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def _say_skipped(path: Path, bad: list[int], other: list[int], kept: int) -> None:
    """One warning counting the lines skipped (leftover32: they were skipped without a word),
    with the first line number of each kind."""
    parts = [f"{len(bad):,} not a JSON object (e.g. line {bad[0]})"] if bad else []
    if other:
        parts.append(f"{len(other):,} record(s) of another kind than a TTN v3 / ChirpStack v4 "
                     f"uplink (e.g. line {other[0]}: join-accepts, status events)")  # fmt: skip
    if parts:
        total = kept + len(bad) + len(other)
        warnings.warn(f"{path.name}: {len(bad) + len(other):,} of {total:,} lines skipped: "
                      f"{'; '.join(parts)}; {kept:,} uplinks read", stacklevel=3)  # fmt: skip
