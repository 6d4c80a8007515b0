"""fix40: the class of every case of scripts/fix40/cases.py at 32ac984f and on this branch (R
answered right, C one clear line, U an unclear line, S silently wrong, T a traceback / 500 /
hang), classified by hand from the two runs' outputs. Prints docs/reliability.md's table.
Run: python scripts/fix40/classes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import classes as _cls  # noqa: E402
from badin_cases import print_section_table  # noqa: E402

SECTIONS = {  # cases.py's case numbers by leftover (docs/status.md "Session 39" item 3)
    "(a) WKT POINT(lat lon)": range(1, 5),
    "(b) swapped names beside a speed of 0 / NaN / text / -8": range(5, 12),
    "(c) ISO comma decimal seconds": range(12, 16),
    "(d) trajlm.read keeping sub-second fixes": range(16, 20),
    "(e) MQTT logs without a topic": range(20, 26),
    "(f) TeslaMate cars sharing drive ids": range(26, 31),
    "(g) Metrica / TRACAB cut short, --on-error skip": range(31, 38),
    "(h) ask: a stated today in numbers": range(38, 44),
    "(i) JSON [lat, lon] swap hint": range(44, 45),
}
FIRST = {
    "R": (4, 11, 24, 25, 29),
    "C": (35,),
    "U": (30, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 28, 31, 32, 33, 34, 36, 37, 38, 39,
          40, 41, 42, 43, 44),
    "S": (1, 2, 3, 5, 6, 7, 8, 9, 10, 26, 27),
}  # fmt: skip
AFTER = {30: "R", 1: "R", 3: "R", 5: "C", 6: "C", 7: "C", 8: "R", 9: "R", 10: "C", 12: "R", 13: "R",
         14: "R", 15: "R", 16: "C", 17: "R", 18: "R", 19: "C", 20: "C", 21: "C", 23: "C", 26: "R",
         27: "R", 31: "R", 32: "R", 33: "R", 34: "R", 36: "R", 37: "C", 38: "C", 39: "R",
         40: "R", 41: "C", 42: "R", 43: "C", 44: "R"}  # fmt: skip
# left: 2 (S: WKT lat first with no speed, nothing tells), 22 (U: key=value payloads without a
# topic: "cannot tell the format"), 28 (U: badin39 213, car 1's rows again as car 2 by a text
# replace that also changed other fields of some rows: "no points left ... copies of one fix")

if __name__ == "__main__":
    print_section_table(SECTIONS, _cls(FIRST, AFTER))
