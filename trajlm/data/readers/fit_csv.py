"""Garmin FIT SDK `FitCSVTool` output (`java -jar FitCSVTool.jar ride.fit` -> `ride.csv`;
session 20): one line per FIT message, `Type,Local Number,Message,Field 1,Value 1,Units 1,...`.
The `Data` lines of `record` messages are streamed into a CSV (`time` from `timestamp`, FIT epoch
seconds since 1989-12-31 UTC; `lat` / `lon` from `position_lat` / `position_long` in
semicircles; `elevation_m` from `enhanced_altitude` / `altitude`; `heart_rate_bpm`,
`cadence_rpm`, `power_w`, `speed_mps` when present) and read as any CSV: one trajectory per file.
Records without a position (before the GPS lock, indoor) are `no_fix`."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

from trajlm.data.schema import TrajlmInputError

FIT_EPOCH = 631_065_600  # 1989-12-31 00:00:00 UTC
SEMICIRCLE = 2**31 / 180
_HEAD = "Type,Local Number,Message,Field 1,Value 1,Units 1"
_KEEP = {"enhanced_altitude": "elevation_m", "altitude": "elevation_m", "heart_rate": "heart_rate_bpm",
         "cadence": "cadence_rpm", "power": "power_w", "enhanced_speed": "speed_mps", "speed": "speed_mps"}  # fmt: skip
HEADER = [
    "time",
    "lat",
    "lon",
    "elevation_m",
    "heart_rate_bpm",
    "cadence_rpm",
    "power_w",
    "speed_mps",
]


def is_fit_csv(path: Path) -> bool:
    """A FitCSVTool CSV, by its header."""
    if not path.is_file() or path.suffix.lower() != ".csv":
        return False
    try:
        with path.open("rb") as f:
            return (
                f.readline(4096)
                .lstrip(b"\xef\xbb\xbf")
                .decode("utf-8", "replace")
                .startswith(_HEAD)
            )
    except OSError:
        return False


def _num(v: str) -> float | None:
    try:
        return float(v)
    except ValueError:
        return None


def _records(path: Path):  # noqa: ANN202 (iterator of (line, {field: value}))
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as src:
        for f in (r := csv.reader(src)):
            if len(f) >= 6 and f[0] == "Data" and f[2] == "record":
                yield r.line_num, {f[i]: f[i + 1] for i in range(3, len(f) - 1, 3) if f[i]}


def fit_csv_as_csv(path: Path, out: Path) -> list[int | None]:
    """Write the `record` messages of the FitCSVTool file `path` as a CSV at `out` (two passes:
    the first finds the sensor fields the file has, so no empty column is stored); the line of
    `path` each CSV line comes from (None: the header), for errors (archives.member_error)."""
    have = {_KEEP[k] for _, vals in _records(path) for k in vals if k in _KEEP}
    at: list[int | None] = [None]
    header = [c for c in HEADER if c in ("time", "lat", "lon") or c in have]
    n = fixed = 0
    with out.open("w", newline="", encoding="utf-8") as dst:
        w = csv.writer(dst, lineterminator="\n")
        w.writerow(header)
        for line, vals in _records(path):
            ts = _num(vals.get("timestamp", ""))
            if ts is None:
                continue  # a record without a time: not a point in time
            row = {"time": datetime.fromtimestamp(FIT_EPOCH + ts, UTC).isoformat()}
            la, lo = _num(vals.get("position_lat", "")), _num(vals.get("position_long", ""))
            if la is not None and lo is not None:
                row["lat"], row["lon"] = repr(la / SEMICIRCLE), repr(lo / SEMICIRCLE)
                fixed += 1
            for k, col in _KEEP.items():
                if col not in row and _num(vals.get(k, "")) is not None:
                    row[col] = vals[k]
            w.writerow([row.get(c, "") for c in header])
            at.append(line)
            n += 1
    if n == 0:
        raise TrajlmInputError(
            "a FitCSVTool file without `record` data messages that have a timestamp: no "
            "points (a settings / course / workout FIT?)",
            path=path,
        )
    if fixed == 0:  # was "line 2 field lat: latitude is missing ... on_error=skip" (badin20)
        raise TrajlmInputError(
            f"a FitCSVTool file whose {n} `record` messages have no position_lat / "
            "position_long: no GPS positions (an indoor or treadmill activity?)",
            path=path,
        )
    return at
