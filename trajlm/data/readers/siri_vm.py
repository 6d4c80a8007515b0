"""SIRI-VM (Vehicle Monitoring) XML (session 20): the UK Bus Open Data Service, Entur and most
European AVL feeds publish vehicle positions as `<Siri><ServiceDelivery>
<VehicleMonitoringDelivery><VehicleActivity>` elements: `<RecordedAtTime>` (ISO with offset),
`<MonitoredVehicleJourney>` with `<VehicleRef>`, `<LineRef>`, `<Bearing>` and
`<VehicleLocation><Longitude>` / `<Latitude>` (WGS 84). A file, or a folder of polls (one file a
poll, as collected), is streamed (expat) into one CSV (`vehicle_id`, `recorded_at_time`, `lat`,
`lon`, `line_ref`, `bearing`) read as any CSV: one trajectory per vehicle across the polls; a
vehicle's repeated report in two polls is cleaning's `duplicate_timestamp`. Activities without a
position or time are not written. DTDs with entity declarations are refused (entity expansion)."""

from __future__ import annotations

import csv
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.parsers import expat

from trajlm.data.readers._file_io import parse_xml
from trajlm.data.schema import TrajlmInputError

HEADER = ["vehicle_id", "recorded_at_time", "lat", "lon", "line_ref", "bearing"]
_FIELDS = {"VehicleRef": "vehicle_id", "RecordedAtTime": "recorded_at_time", "Latitude": "lat",
           "Longitude": "lon", "LineRef": "line_ref", "Bearing": "bearing"}  # fmt: skip


def _is_siri(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return b"<Siri" in head and (b"VehicleMonitoringDelivery" in head or b"ServiceDelivery" in head)


def siri_files(path: Path) -> list[Path]:
    """The SIRI-VM files `path` stands for: itself, or a folder's `.xml` files when all are
    SIRI; else []."""
    if path.is_dir():
        files = sorted(path.rglob("*.xml"))
        return files if files and all(map(_is_siri, files)) else []
    return [path] if path.is_file() and path.suffix.lower() == ".xml" and _is_siri(path) else []


class _Activities:
    """expat handlers collecting each VehicleActivity's fields into CSV rows of `w`; `line`
    says the parser's line, kept in `at` for each row written (the VehicleActivity's first)."""

    def __init__(self, w: Any, line: Callable[[], int]) -> None:  # a csv writer
        self.w, self.n, self.partial, self.line = w, 0, 0, line
        self.at: list[int] = []
        self.start_line = 0
        self.rec: dict[str, str] | None = None
        self.stack: list[str] = []
        self.text: list[str] = []

    def start(self, name: str, _attrs: dict) -> None:
        local = name.rsplit(" ", 1)[-1]
        self.stack.append(local)
        self.text.clear()
        if local == "VehicleActivity":
            self.rec, self.start_line = {}, self.line()

    def end(self, _name: str) -> None:
        local, rec = self.stack.pop(), self.rec
        if rec is not None and local in _FIELDS and _FIELDS[local] not in rec:
            rec[_FIELDS[local]] = "".join(self.text).strip()
        if local == "VehicleActivity" and rec is not None:
            if all(rec.get(k) for k in ("vehicle_id", "recorded_at_time", "lat", "lon")):
                self.w.writerow([rec.get(k, "") for k in HEADER])
                self.at.append(self.start_line)
                self.n += 1
            else:  # no position (a vehicle at the depot) or no ref / time: said below
                self.partial += 1
            self.rec = None
        self.text.clear()


def siri_as_csv(files: list[Path], out: Path) -> list[int | tuple[Path, int] | None]:
    """Write the vehicle activities of the SIRI-VM `files` as one CSV at `out`; where each CSV
    line comes from (None: the header; one file: its line; several: (file, line)), for errors
    (archives.member_error: `poll.xml line 40 field lat`, not the CSV's line)."""
    n = partial = 0
    at: list[int | tuple[Path, int] | None] = [None]
    with out.open("w", newline="", encoding="utf-8") as dst:
        w = csv.writer(dst, lineterminator="\n")
        w.writerow(HEADER)
        for path in files:
            parser = expat.ParserCreate(namespace_separator=" ")
            acts = _Activities(w, lambda p=parser: p.CurrentLineNumber)
            parser.StartElementHandler, parser.EndElementHandler = acts.start, acts.end
            parser.CharacterDataHandler = acts.text.append
            parse_xml(parser, path, "SIRI-VM")
            n += acts.n
            partial += acts.partial
            at += acts.at if len(files) == 1 else [(path, k) for k in acts.at]
    if n and partial:  # was skipped without a word (badin20)
        warnings.warn(
            f"{files[0].name}: {partial} VehicleActivity element(s) without a VehicleRef, "
            "RecordedAtTime or VehicleLocation skipped",
            stacklevel=2,
        )
    if n == 0:
        raise TrajlmInputError(
            "SIRI XML without a VehicleActivity that has a VehicleRef, RecordedAtTime and "
            "VehicleLocation: no vehicle positions to read",
            path=files[0],
        )
    return at
