"""SUMO floating-car-data output (`sumo --fcd-output fcd.xml`; session 35, heldout35: was
"cannot tell the format from the name"), converted to a CSV before the read (spreadsheet.py's
text kinds, as SIRI-VM XML):

    <fcd-export>
      <timestep time="21600.00">
        <vehicle id="flow_0.12" x="11.343" y="44.494" angle="87.2" type="passenger"
                 speed="12.10" pos="33.5" lane="-123#1_0" slope="0.00"/>
        <person id="p3" x=... y=... angle=... speed=... .../>

One row per vehicle / person / container in each timestep: `id`, `time` (the timestep's
simulation seconds), `lat` = y, `lon` = x, `speed_mps`, `course_deg` (SUMO's angle: degrees
clockwise from north, as a compass course), `type`. The times count seconds from the
simulation's begin, an undated instant: the read asks for `--time-origin` (the day and time the
simulation stands for), as for any elapsed-seconds column. x / y are degrees only when the run
wrote `--fcd-output.geo true`; network coordinates (metres from the network's own origin) are
one line saying so (the network's `location` offset and projection are in the .net.xml, not
here).
"""

from __future__ import annotations

import csv
from pathlib import Path
from xml.parsers import expat

from trajlm.data.readers._file_io import head, parse_xml
from trajlm.data.schema import TrajlmInputError

HEADER = ["id", "time", "lat", "lon", "speed_mps", "course_deg", "type"]
_MOVERS = ("vehicle", "person", "container")


def is_sumo_fcd(path: Path) -> bool:
    """An `.xml` whose root element is SUMO's `<fcd-export>`."""
    if not (path.is_file() and path.suffix.lower() == ".xml"):
        return False
    return b"<fcd-export" in head(path)


def sumo_fcd_as_csv(path: Path, out: Path) -> list[int | None]:
    """Write the movers of the FCD file `path` as a CSV at `out`; the line of `path` each CSV
    line comes from (None: the header; errors name it, archives.py)."""
    at: list[int | None] = [None]
    state = {"time": None, "far": 0, "first": None}
    parser = expat.ParserCreate()
    with out.open("w", newline="", encoding="utf-8") as dst:
        w = csv.writer(dst, lineterminator="\n")
        w.writerow(HEADER)

        def start(name: str, a: dict) -> None:
            if name == "timestep":
                state["time"] = a.get("time")
            elif name in _MOVERS and "x" in a and "y" in a:
                x, y = a["x"], a["y"]
                try:
                    far = abs(float(x)) > 180 or abs(float(y)) > 90
                except ValueError:
                    far = False  # the reader names the value
                if far and state["first"] is None:
                    state["first"] = (parser.CurrentLineNumber, x, y)
                w.writerow([a.get("id", ""), state["time"] or "", y, x, a.get("speed", ""),
                            a.get("angle", ""), a.get("type", name)])  # fmt: skip
                at.append(parser.CurrentLineNumber)

        parser.StartElementHandler = start
        parse_xml(parser, path, "SUMO FCD")
    if state["first"] is not None:
        line, x, y = state["first"]
        raise TrajlmInputError(
            f"SUMO FCD positions in network coordinates (x={x}, y={y}: metres from the "
            "network's origin, not degrees)",
            path=path,
            line=line,
            hint="run SUMO again with --fcd-output.geo true (x / y as longitude / latitude)",
        )
    if len(at) == 1:
        raise TrajlmInputError(
            "SUMO FCD output without a vehicle, person or container position", path=path
        )
    return at
