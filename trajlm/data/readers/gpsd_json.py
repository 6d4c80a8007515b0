"""gpsd JSON reports (`gpspipe -w` captures, any name: `.json`, `.log`, `.jsonl`) written as CSV
before the read (`spreadsheet.sheets_as_csv` through `device_logs.log_files`; heldout33: a
`.json` capture was refused "not valid JSON ... line 2", with no way on).

One JSON object a line, each with a `class`: VERSION / DEVICES / WATCH / SKY / ... are not
positions and are skipped; every TPV report is a row: `time`, `lat`, `lon`, height (`altHAE`,
older gpsd `alt`), `speed`, `track`, and `accuracy_m` from `eph` (else the larger of `epx` /
`epy`), so the accuracy rule applies. TPV with `mode` < 2 (no fix) keeps its time with empty
coordinates: `no_fix`, counted; TPV without a time (no fix yet) is left out and counted in the
same warning as lines that are not JSON (a capture stopped mid-line). Reports of several
receivers (`device`) are movers of their own; one receiver: the file's trajectory."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

from trajlm.data.readers._file_io import head, write_csv
from trajlm.data.schema import TrajlmInputError

_CLASSES = {"VERSION", "TPV", "SKY", "DEVICES", "DEVICE", "WATCH", "GST", "ATT", "PPS", "TOFF",
            "ERROR", "POLL", "RAW", "IMU"}  # fmt: skip
_HEADER = ["time", "device", "lat", "lon", "alt_m", "speed_mps", "track_deg", "accuracy_m"]


def is_gpsd_json(path: Path) -> bool:
    """A file whose first line is a gpsd JSON report (`{"class":"VERSION", ...}`)."""
    if not path.is_file():
        return False
    start = head(path, 2048).decode("utf-8", errors="replace").lstrip("\ufeff \r\n\t")
    first = start.split("\n", 1)[0].strip()
    if not first.startswith('{"class"') and '"class"' not in first[:40]:
        return False
    try:
        doc = json.loads(first)
    except ValueError:
        return False
    return isinstance(doc, dict) and doc.get("class") in _CLASSES


def _num(rec: dict, *keys: str) -> object:
    for k in keys:
        v = rec.get(k)
        if isinstance(v, int | float) and not isinstance(v, bool):
            return v
    return ""


def gpsd_as_csv(path: Path, out: Path) -> list[int]:
    """Each TPV report of a gpsd capture as a `time,device,lat,lon,...` row at `out`; each CSV
    line's line in the capture (for errors)."""
    rows: list[list[object]] = []
    where, skipped, devices = [1], 0, set()
    with path.open(encoding="utf-8-sig", errors="replace") as f:
        for k, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                skipped += 1
                continue
            if not isinstance(rec, dict) or rec.get("class") != "TPV":
                continue
            if not isinstance(rec.get("time"), str):
                skipped += 1
                continue
            dev = str(rec.get("device", ""))
            devices.add(dev)
            fix = isinstance(rec.get("mode"), int) and rec["mode"] >= 2 and "lat" in rec
            acc = _num(rec, "eph")
            if acc == "" and rec.get("epx") is not None:
                acc = max(_num(rec, "epx") or 0, _num(rec, "epy") or 0)
            if fix:
                rows.append([rec["time"], dev, _num(rec, "lat"), _num(rec, "lon"),
                             _num(rec, "altHAE", "alt"), _num(rec, "speed"),
                             _num(rec, "track"), acc])  # fmt: skip
            else:  # no fix: the time kept without a position (`no_fix`, counted)
                rows.append([rec["time"], dev, "", "", "", "", "", ""])
            where.append(k)
    if not rows:
        raise TrajlmInputError(
            "a gpsd capture with no TPV report (only VERSION / DEVICES / SKY ...)",
            path=path,
            hint="capture with `gpspipe -w` while the receiver has a fix",
        )
    if skipped:
        warnings.warn(
            f"{path.name}: {skipped:,} line(s) left out: not JSON (a capture stopped mid-line) "
            "or a TPV report without a time",
            stacklevel=2,
        )
    if len(devices) == 1:  # one receiver: the file is the trajectory
        rows = [r[:1] + r[2:] for r in rows]
        write_csv(out, _HEADER[:1] + _HEADER[2:], rows)
    else:
        write_csv(out, _HEADER, rows)
    return where
