"""Cesium CZML documents (`.czml`; heldout33, moved out of flight_logs.py by leftover34):
each packet's `position` samples, written as CSV before the read (`device_logs.log_files`).

- `cartographicDegrees` [time, lon, lat, height, ...] (LONGITUDE first; times as seconds after
  `position.epoch` or ISO dates); `cartographicRadians` converted.
- `cartesian` [time, x, y, z, ...]: Earth-centred, Earth-fixed metres (WGS84 ECEF, EPSG:4978;
  CZML's default `referenceFrame` FIXED), converted to latitude / longitude / height on the WGS84
  ellipsoid (session 34, leftover34; heldout33 left them out with a warning). A packet in the
  INERTIAL frame is left out and said: its positions turn with the stars, not the Earth, and
  reading them needs the Earth's rotation at each time. Values that are not Earth-centred
  metres (a point kilometres under the ground: local metres, or kilometres) are refused on one
  line naming the packet and sample.
- A packet of one fixed position is a point, not a mover (counted as a trajectory under 2 points).
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from trajlm.data.readers._file_io import head, write_csv
from trajlm.data.readers.flight_logs import iso_datetime
from trajlm.data.schema import TrajlmInputError

# WGS84, as EPSG:4978 -> 4326 (pyproj agrees to < 1 mm: tests/test_leftover34.py)
_A = 6378137.0
_F = 1 / 298.257223563
_B = _A * (1 - _F)
_E2 = _F * (2 - _F)
_EP2 = _E2 / (1 - _E2)
# an ECEF point further under the ellipsoid than this is not Earth-centred metres
_DEEPEST_M = -20_000.0
_HIGHEST_M = (
    1e9  # past the Moon: millimetres or another unit (1e12 m ended as 'null_island'; badin34b)
)
_POSITION_KEYS = ("cartographicDegrees", "cartographicRadians", "cartesian")


def ecef_to_geodetic(x: float, y: float, z: float) -> tuple[float, float, float]:
    """(lat, lon, height_m) on the WGS84 ellipsoid of an Earth-centred, Earth-fixed point in
    metres (Bowring's formula, iterated twice: sub-millimetre from the ground to orbit)."""
    lon = math.atan2(y, x)
    p = math.hypot(x, y)
    beta = math.atan2(z * _A, p * _B)  # reduced latitude, first guess
    for _ in range(2):
        lat = math.atan2(z + _EP2 * _B * math.sin(beta) ** 3, p - _E2 * _A * math.cos(beta) ** 3)
        beta = math.atan((1 - _F) * math.tan(lat))
    s, c = math.sin(lat), math.cos(lat)
    h = p * c + z * s - _A * math.sqrt(1 - _E2 * s * s)
    return math.degrees(lat), math.degrees(lon), h


def is_czml(path: Path) -> bool:
    """A `.czml` file, or a JSON array whose first packet is CZML's `document` packet."""
    if not path.is_file():
        return False
    if path.suffix.lower() == ".czml":
        return True
    start = head(path, 512).decode("utf-8", errors="replace").lstrip("\ufeff \r\n\t")
    return start.startswith("[") and '"id"' in start and '"document"' in start[:200]


def _position_reader(key: str) -> Callable[[float, float, float], tuple[float, float, float]]:
    """(a, b, c) of one sample of `key` -> (lat, lon, height_m)."""
    if key == "cartesian":
        return ecef_to_geodetic
    scale = 1.0 if key == "cartographicDegrees" else 180 / math.pi
    return lambda lon, lat, h: (lat * scale, lon * scale, h)


def czml_as_csv(path: Path, out: Path) -> list[str]:
    """Each CZML packet's position samples as `time,object_id,name,lat,lon,height_m` rows at
    `out`; each CSV line's packet and sample (`packet 'drone-1' sample 3`, for errors)."""
    try:
        packets = json.loads(path.read_text(encoding="utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as e:
        raise TrajlmInputError(f"a CZML file that is not valid JSON ({e})", path=path) from None
    if isinstance(packets, dict):
        packets = [packets]
    rows: list[list[object]] = []
    where, inertial = ["header"], []
    for packet in packets if isinstance(packets, list) else []:
        pos = packet.get("position") if isinstance(packet, dict) else None
        if not isinstance(pos, dict):
            continue
        pid = str(packet.get("id", ""))
        key = next((k for k in _POSITION_KEYS if k in pos), None)
        values = pos.get(key) if key else None
        if not isinstance(values, list) or len(values) in (0, 3):
            continue  # nothing, or one fixed position (a station): a point, no time
        if str(pos.get("referenceFrame", "FIXED")).upper() == "INERTIAL":
            inertial.append(pid)
            continue
        if len(values) % 4:
            raise TrajlmInputError(
                f"CZML packet {pid!r}: {key} holds {len(values)} values, not [time, "
                + ("x, y, z" if key == "cartesian" else "lon, lat, height")
                + "] groups of 4",
                path=path,
            )
        for j, t, lat, lon, h in _samples(path, pid, key, pos, values):
            rows.append([t.isoformat(timespec="milliseconds").replace("+00:00", "Z"), pid,
                         packet.get("name", ""), lat, lon, h])  # fmt: skip
            where.append(f"packet {pid!r} sample {j}")
    left = (
        f"{len(inertial)} packet(s) with positions in the INERTIAL frame left out (e.g. "
        f"{inertial[0]!r}): they turn with the stars, not the Earth; write them in the FIXED "
        "frame (Earth-centred, Earth-fixed) or as cartographicDegrees"
        if inertial
        else ""
    )
    if not rows:
        raise TrajlmInputError(
            "a CZML file with no packet holding time-tagged positions (cartographicDegrees, "
            "cartographicRadians or cartesian samples in the FIXED frame)"
            + (f"; {left}" if left else ""),
            path=path,
        )
    if left:
        warnings.warn(f"{path.name}: {left}", stacklevel=2)
    write_csv(out, ["time", "object_id", "name", "lat", "lon", "height_m"], rows)
    return where


def _samples(
    path: Path, pid: str, key: str, pos: dict, values: list
) -> list[tuple[int, datetime, float, float, float]]:
    """(sample number, time, lat, lon, height_m) of each sample of one packet's positions."""
    epoch = iso_datetime(path, None, pos["epoch"]) if pos.get("epoch") else None
    position = _position_reader(key)
    out = []
    for j in range(0, len(values), 4):
        when, a, b, c = values[j : j + 4]
        n = j // 4 + 1
        if not all(isinstance(v, int | float) for v in (a, b, c if key == "cartesian" else 0)):
            names = "x, y, z" if key == "cartesian" else "lon, lat"
            raise TrajlmInputError(  # was a TypeError (badin33b)
                f"CZML packet {pid!r} sample {n}: {key} holds {a!r}, {b!r}"
                + (f", {c!r}" if key == "cartesian" else "")
                + f" where numbers ({names}) belong",
                path=path,
            )
        if isinstance(when, str):
            t = iso_datetime(path, None, when)
        elif epoch is None:
            raise TrajlmInputError(
                f"CZML packet {pid!r}: sample times in seconds without position.epoch", path=path
            )
        else:
            t = epoch + timedelta(seconds=float(when))
        lat, lon, h = position(a, b, c)
        if key == "cartesian" and h < _DEEPEST_M:
            raise TrajlmInputError(
                f"CZML packet {pid!r} sample {n}: cartesian [{a}, {b}, {c}] lies "
                f"{-h / 1000:,.0f} km under the ground: not Earth-centred (ECEF) metres",
                path=path,
                hint="CZML's cartesian positions are metres from the Earth's centre (WGS84); "
                "write local positions as cartographicDegrees",
            )
        if key == "cartesian" and h > _HIGHEST_M:
            raise TrajlmInputError(
                f"CZML packet {pid!r} sample {n}: cartesian [{a}, {b}, {c}] lies "
                f"{h / 1000:,.0f} km above the ground, past the Moon: not Earth-centred (ECEF) "
                "metres", path=path,
                hint="CZML's cartesian positions are metres from the Earth's centre (WGS84)",
            )  # fmt: skip
        out.append((n, t, lat, lon, h))
    return out
