"""badin33: the class of every hostile case of scripts/badin33/probe.py on its first read and
after this branch's fixes (R answered right, C one clear line, U an unclear line, S silently
wrong, T a traceback / a 500 / a hang), classified by hand from the probe's outputs. First
read: main as it stood at 03:42 UTC on 7 Dec 2026 (591103fb: d0a61639 plus ask33's first
commits, trajlm/llm only; PYTHONPATH=/work/main); after: branch badin33 (on d0a61639). Prints
docs/reliability.md's table.
Run: python scripts/badin33/classes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import classes as _cls  # noqa: E402
from badin_cases import print_section_table  # noqa: E402

SECTIONS = {  # probe.py's case numbers by surface (docs/reliability.md's table rows)
    "readers (.ubx, .wln, SQLite, .ods, NetCDF 3, Zeitpunkt, DST)": range(1, 64),
    "--classes auto / store": range(64, 74),
    "trajlm.read, paths and folders to model calls, check_validity(path)": range(74, 114),
    "TrajLM.reach": range(114, 142),
    "trajlm.places / next_place": range(142, 178),
    "predict(hold_stays=...)": range(178, 193),
    "Answer.yes": range(193, 201),
    "CLI reach / places / next-place / predict --no-hold-stays": range(201, 232),
    "HTTP /reach, /predict hold_stays + accuracy, /ask yes": range(232, 261),
}
PROBE = _cls(
    {
        "R": (1, 11, 14, 20, 21, 25, 27, 29, 32, 38, 41, 51, 57, 59, 62, 63, 64, 72, 74, 78, 80,
              92, 96, 99, 105, 108, 112, 113, 114, 115, 117, 119, 121, 122, 123, 124, 125, 133,
              134, 136, 137, 138, 139, 141, 142, 143, 144, 145, 147, 148, 149, 150, 151, 154,
              157, 163, 164, 165, 167, 170, 172, 178, 179, 183, 184, 185, 187, 188, 189, 191, 193,
              194, 196, 201, 202, 204, 215, 222, 226, 227, 228, 229, 231, 232, 235, 236, 243,
              246, 247, 248, 252, 255, 256, 258),
        "C": (3, 7, 8, 9, 10, 13, 15, 16, 17, 18, 19, 24, 26, 28, 31, 33, 34, 35, 36, 37, 39, 44,
              46, 47, 50, 52, 53, 54, 55, 56, 58, 60, 65, 70, 75, 76, 81, 82, 83, 84, 85, 88, 89,
              91, 93, 94, 97, 98, 100, 101, 103, 104, 106, 107, 109, 110, 111, 116, 118, 120,
              126, 127, 128, 131, 140, 146, 152, 153, 155, 156, 158, 159, 160, 161, 162, 169,
              173, 180, 181, 182, 195, 197, 198, 199, 200, 203, 205, 206, 207, 208, 209, 210,
              211, 212, 214, 216, 217, 218, 219, 220, 221, 223, 224, 225, 230, 233, 234, 237,
              238, 239, 240, 241, 242, 244, 245, 249, 250, 251, 257, 259, 260),
        "U": (4, 5, 6, 22, 23, 30, 40, 42, 43, 45, 67, 68, 73, 77, 79, 87, 90, 95, 102, 129, 132,
              135, 166, 168, 177, 186, 190, 254),
        "S": (2, 12, 48, 49, 61, 66, 69, 71, 130, 171, 174, 175, 176, 192),
        "T": (86, 213, 253),
    },
    {2: "C", 4: "C", 5: "C", 12: "C", 22: "C", 23: "C", 30: "C", 40: "C", 42: "C", 43: "C",
     45: "C", 48: "C", 49: "C", 61: "C", 66: "R", 67: "R", 68: "R", 69: "R", 71: "C", 73: "R",
     77: "R", 79: "C", 86: "R", 87: "C", 90: "R", 95: "C", 102: "R", 129: "C", 130: "C",
     132: "C", 135: "C", 166: "C", 168: "C", 171: "R", 174: "R", 175: "R", 176: "R",
     177: "C", 186: "C", 190: "C", 192: "C", 213: "C", 253: "C", 254: "R"},
)  # fmt: skip

if __name__ == "__main__":
    print_section_table(SECTIONS, PROBE)
