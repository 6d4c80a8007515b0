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


def _uplink(rec: dict) -> bool:
    return ("end_device_ids" in rec and "uplink_message" in rec) or (
        "deviceInfo" in rec and "object" in rec
    )


def _array_of_uplinks(path: Path) -> bool:
    """A JSON array of uplinks (`[{...}, {...}]`: an export or an API's answer, not lines;
    badfix32: was "keys name no time"), told by its first 64 kB."""
    if not path.is_file() or path.suffix.lower() not in _SUFFIXES:
        return False
    with path.open("rb") as f:
        head = f.read(1 << 16).lstrip()
    return head[:1] == b"[" and (
        (b'"end_device_ids"' in head and b'"uplink_message"' in head)
        or (b'"deviceInfo"' in head and b'"object"' in head)
    )


def is_lorawan(path: Path) -> bool:
    """A JSON Lines file whose first record is a TTN v3 or ChirpStack v4 uplink, or a JSON
    array of such uplinks."""
    rec = _first_record(path)
    return (rec is not None and _uplink(rec)) or _array_of_uplinks(path)


def _records(path: Path) -> list[tuple[str | int, Any]]:
    """(where, the parsed record or None) for each line of JSON Lines (where: the line
    number; blank lines left out), or each element of a JSON array (where: `record N`)."""
    if _array_of_uplinks(path):
        try:
            with path.open(encoding="utf-8", errors="replace") as f:
                items = json.load(f)
        except (ValueError, RecursionError) as e:
            raise TrajlmInputError(
                f"a JSON array of uplinks that does not parse ({e})", path=path
            ) from None
        if isinstance(items, list):
            return [(f"record {k}", rec) for k, rec in enumerate(items, 1)]
    out: list[tuple[str | int, Any]] = []
    with path.open(encoding="utf-8", errors="replace") as f:
        for k, line in enumerate(f, 1):
            try:
                out.append((k, json.loads(line)))
            except (ValueError, RecursionError):
                if line.strip():
                    out.append((k, None))
    return out


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


def lorawan_as_csv(path: Path, out: Path) -> list[str | int]:
    """The uplinks of `path` as `device_id,time,lat,lon,...` rows at `out` (see the module);
    each CSV line's line (or `record N` of an array) in `path`, for errors."""
    rows: list[dict] = []
    where: list[str | int] = [1]
    extra: dict[str, None] = {}
    bad: list[str | int] = []  # lines that are no JSON object (cut, damaged): said, not silent
    other: list[str | int] = []  # records of another kind (TTN join-accepts, ChirpStack status)
    for k, rec in _records(path):
        if not isinstance(rec, dict):
            bad.append(k)
            continue
        if not ("uplink_message" in rec or "deviceInfo" in rec):
            other.append(k)
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
        where.append(k)
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
    return where


def _say_skipped(path: Path, bad: list, other: list, kept: int) -> None:
    """One warning counting the lines skipped (leftover32: they were skipped without a word),
    with the first line number (an array's: `record N`) of each kind."""

    def at(k: str | int) -> str:
        return f"line {k}" if isinstance(k, int) else str(k)

    parts = [f"{len(bad):,} not a JSON object (e.g. {at(bad[0])})"] if bad else []
    if other:
        parts.append(f"{len(other):,} record(s) of another kind than a TTN v3 / ChirpStack v4 "
                     f"uplink (e.g. {at(other[0])}: join-accepts, status events)")  # fmt: skip
    if parts:
        total = kept + len(bad) + len(other)
        warnings.warn(f"{path.name}: {len(bad) + len(other):,} of {total:,} lines skipped: "
                      f"{'; '.join(parts)}; {kept:,} uplinks read", stacklevel=3)  # fmt: skip
