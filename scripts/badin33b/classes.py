"""badin33b: the class of every hostile case of scripts/badin33b/probe.py on its first read and
after this branch's fixes (R answered right, C one clear line, U an unclear line, S silently
wrong, T a traceback / a 500 / a hang), classified by hand from the probe's outputs. First
read: main 08741df6 (PYTHONPATH=/work/main); after: branch badin33b. Prints
docs/reliability.md's table.
Run: python scripts/badin33b/classes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import classes as _cls  # noqa: E402
from badin_cases import print_section_table  # noqa: E402

SECTIONS = {  # probe.py's case numbers by surface (docs/reliability.md's table rows)
    "TrajLM.reach keyed targets (to with van_id)": range(1, 24),
    "HTTP /reach targets with traj_id": range(24, 34),
    "serve --reach-memory": range(34, 42),
    "places / next_place stop_minutes=, --stop-minutes": range(42, 73),
    "trajlm.read(path, format=)": range(73, 87),
    "ingest STORE ...": range(87, 97),
    "region= partitions, renamed columns": range(97, 114),
    "heldout33 readers (.tlog, Tacview, CZML, gpsd, Influx, .bz2/.xz, geohash, Java dates)": range(
        114, 165
    ),
    "ask: every van, did not stop, lunch": range(165, 180),
}
PROBE = _cls(
    {
        "R": (1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 17, 19, 23, 24, 25, 28, 31, 32, 34, 40, 41, 62,
              63, 70, 73, 81, 86, 87, 88, 91, 94, 96, 97, 98, 99, 100, 101, 102, 105, 106, 107,
              108, 109, 111, 112, 114, 116, 120, 127, 134, 137, 139, 141, 142, 144, 145, 153,
              157, 158, 159, 163, 165, 168, 170, 172, 173),
        "C": (10, 11, 12, 15, 18, 21, 22, 26, 27, 29, 33, 35, 36, 37, 38, 39, *range(42, 60), 64,
              65, 66, 67, 68, 69, 71, 72, 74, 75, 76, 77, 78, 79, 80, 82, 83, 84, 85, 89, 90, 95,
              110, 113, 117, 121, 122, 123, 124, 125, 128, 129, 130, 131, 132, 136, 138, 146,
              147, 148, 149, 150, 151, 152, 154, 155, 156, 162, 164, 166, 167, 171, 174, 175,
              176, 177, 178),
        "U": (14, 30, 60, 61, 92, 115, 118, 119, 135, 140, 143, 160, 169, 179),
        "S": (20, 103, 104, 161),
        "T": (93, 126, 133),
    },
    {20: "R", 60: "R", 61: "R", 92: "C", 93: "C", 115: "C", 118: "C", 126: "C", 133: "C", 140: "C",
     143: "C"},
)  # fmt: skip

if __name__ == "__main__":
    print_section_table(SECTIONS, PROBE)
