"""badin32: the class of every hostile case on its first read and after this branch's fixes
(R answered right, C one clear line, U an unclear line, S silently wrong, T a traceback / a
500 / a hang), classified by hand from the scripts' outputs. First read: main as it stood at
01:07 UTC on 7 Dec 2026 (PYTHONPATH=/work/main; session 31's code plus the lead's merges);
after: branch badin32. Prints docs/reliability.md's table.
Run: python scripts/badin32/classes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import classes as _cls  # noqa: E402
from badin_cases import print_class_table  # noqa: E402

PROBE = _cls(  # scripts/badin32/probe.py (201)
    {
        "R": (1, 3, 4, 11, 12, 13, 17, 24, 26, 27, 37, 42, 43, 44, 46, 49, 50, 53, 54, 56, 57,
              58, 59, 61, 62, 63, 64, 65, 67, 69, 70, 72, 75, 76, 77, 78, 79, 82, 86, 100, 105,
              106, 107, 108, 111, 112, 113, 117, 119, 120, 124, 131, 134, 135, 136, 139, 142,
              143, 144, 146, 147, 148, 151, 152, 154, 155, 157, 158, 163, 164, 165, 166, 167,
              168, 171, 181, 182, 184, 191, 192, 194, 196),
        "C": (7, 9, 10, 15, 18, 19, 23, 33, 34, 35, 38, 39, 40, 41, 47, 52, 55, 60, 66, 80, 83,
              84, 85, 87, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 101, 102, 103, 104, 109,
              110, 114, 115, 116, 121, 122, 123, 125, 126, 127, 128, 129, 130, 132, 133, 137,
              138, 149, 150, 153, 159, 160, 161, 162, 169, 170, 172, 173, 174, 175, 176, 177,
              178, 183, 186, 187, 188, 189, 193, 197, 198, 199, 200, 201),
        "U": (2, 5, 14, 16, 20, 22, 25, 28, 29, 31, 32, 36, 48, 51, 88, 118, 156, 179, 185, 190),
        "S": (6, 8, 21, 45, 73, 74, 81, 140, 141),
        "T": (30, 68, 71, 145, 180, 195),
    },
    {2: "C", 6: "R", 8: "C", 14: "C", 16: "C", 20: "R", 21: "R", 25: "R", 28: "R", 29: "R",
     30: "C", 31: "R", 32: "R", 36: "R", 68: "R", 71: "R", 73: "C", 74: "C", 81: "C", 88: "C",
     118: "C", 140: "C", 141: "C", 145: "C", 179: "C", 180: "C", 185: "C", 195: "C"},
)  # fmt: skip
SILENT31 = _cls(  # scripts/badin32/silent31.py (13): badin31's three silent wrongs and neighbours
    {
        "R": (3, 4, 5, 6, 9, 10, 12, 13),
        "S": (1, 2, 7, 8, 11),
    },
    {1: "C", 2: "C", 7: "C", 8: "C", 11: "C"},
)  # fmt: skip
SCRIPTS = {"probe.py": PROBE, "silent31.py": SILENT31}

if __name__ == "__main__":
    print_class_table(SCRIPTS, {"probe.py": 201, "silent31.py": 13})
