"""badin31: the class of every hostile case on its first read and after this branch's fixes
(R answered right, C one clear line, U an unclear line, S silently wrong, T a traceback / a
hang), classified by hand from the scripts' outputs. First read on main 49c8e0b0 (polars 2.1.0):
readers.py cases 1-40 (case 40 grew past 21 GB and was killed), cases 41-72 from the run after
the Solar Hijri fix (which touches no other case); surfaces.py and cli_http.py on this branch
before the move_map and --at-times fixes. Prints docs/reliability.md's table.
Run: python scripts/badin31/classes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import classes as _cls  # noqa: E402
from badin_cases import print_class_table  # noqa: E402

READERS = _cls(  # scripts/badin31/readers.py (72)
    {
        "R": (1, 2, 9, 10, 11, 13, 17, 18, 21, 23, 25, 26, 28, 30, 31, 32, 33, 37, 44, 45, 46,
              53, 54, 57, 58, 59, 62, 63, 66, 67),
        "C": (3, 5, 7, 8, 12, 15, 16, 19, 20, 22, 24, 34, 35, 36, 38, 41, 43, 48, 50, 51, 52,
              55, 56, 60, 64, 68, 69, 70, 71),
        "U": (4, 6, 14, 27, 29, 39, 42, 47, 49, 65, 72),
        "S": (61,),
        "T": (40,),
    },
    {40: "R"},
)  # fmt: skip
SURFACES = _cls(  # scripts/badin31/surfaces.py (52)
    {
        "R": (1, 11, 13, 14, 15, 18, 19, 20, 23, 24, 25, 30, 31, 33, 35, 37, 39, 40, 41, 42, 47,
              49, 50),
        "C": (16, 17, 21, 22, 29, 32, 34, 36, 38, 43, 44, 45, 46, 48, 51),
        "U": (3, 10, 26, 52),
        "S": (2, 4, 5, 6, 7, 8, 12, 27, 28),
        "T": (9,),
    },
    {2: "C", 3: "C", 4: "C", 5: "C", 6: "C", 7: "C", 8: "C", 9: "C", 10: "C", 12: "R"},
)  # fmt: skip
CLI_HTTP = _cls(  # scripts/badin31/cli_http.py (34: 20 command lines, 14 HTTP bodies)
    {
        "R": (1, 2, 8, 14, 16, 19, 21, 25, 26, 28, 29, 30, 32),
        "C": (3, 4, 6, 7, 9, 10, 11, 12, 13, 15, 17, 18, 20, 22, 23, 24, 27, 31, 34),
        "U": (5, 33),
    },
    {5: "C"},
)  # fmt: skip
SCRIPTS = {"readers.py": READERS, "surfaces.py": SURFACES, "cli_http.py": CLI_HTTP}
SIZES = {"readers.py": 72, "surfaces.py": 52, "cli_http.py": 34}


def main() -> None:
    print_class_table(SCRIPTS, SIZES)


if __name__ == "__main__":
    main()
