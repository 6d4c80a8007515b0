"""badin28: the class of every hostile case on its first read and after this branch's fixes
(R answered right, C one clear line, U an unclear line, S silently wrong, T a traceback / HTTP
500 / a hang or an allocation that cannot finish), classified by hand from the scripts' outputs
(first read: main 462a61e for recover.py / motion.py / tte.py 1-24, main ae24a4f for tte.py
25-27, main bc293d6 for readers.py and tte.py 28-39; motion.py 46-47 run on main bc293d6; after: this branch);
prints docs/reliability.md's table.
Run: python scripts/badin28/classes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import classes as _cls  # noqa: E402
from badin_cases import print_class_table  # noqa: E402

RECOVER = _cls(  # scripts/badin28/recover.py (98)
    {
        "R": (1, 2, 3, 4, 5, 9, 12, 13, 15, 18, 19, 20, 21, 22, 23, 25, 26, 28, 38, 39, 42, 46,
              49, 50, 55, 56, 60, 62, 64, 70, 71, 72, 73, 74, 75, 80, 82, 83, 85, 86, 87, 88,
              89, 91, 92, 93, 94, 97, 98),
        "C": (6, 7, 8, 10, 11, 14, 16, 17, 24, 27, 30, 31, 32, 33, 34, 35, 36, 37, 41, 44, 45,
              47, 48, 51, 52, 53, 54, 57, 58, 59, 61, 65, 66, 67, 68, 69, 78, 79, 81),
        "S": (29, 40, 43, 76, 77, 90, 95, 96),
        "T": (63, 84),
    },
    {**{i: "C" for i in (38, 39, 40, 42, 43, 46, 49, 76, 77, 82, 83, 84, 85, 86, 87, 88, 89,
                          90, 91, 92, 95, 96, 97, 98)}, 63: "R"},
)  # fmt: skip
MOTION = _cls(  # scripts/badin28/motion.py (47)
    {
        "R": (1, 2, 3, 4, 5, 6, 7, 8, 13, 14, 17, 20, 22, 23, 24, 25, 27, 28, 29, 40, 41, 47),
        "C": (9, 10, 11, 12, 15, 16, 18, 19, 21, 26, 30, 31, 34, 35, 37, 38, 39, 42, 43, 44),
        "U": (36,),
        "S": (32, 33, 45, 46),
    },
    {i: "C" for i in (32, 33, 36, 45, 46, 47)},
)  # fmt: skip
TTE = _cls(  # scripts/badin28/tte.py (39)
    {
        "R": (1, 3, 9, 10, 12, 13, 19, 28, 32, 33, 37),
        "C": (2, 4, 5, 6, 7, 8, 11, 14, 15, 16, 17, 20, 22, 23, 24),
        "U": (18, 25, 26, 27, 34),
        "S": (30, 35, 36, 39),
        "T": (21, 29, 31, 38),
    },
    {**{i: "C" for i in (18, 21, 25, 27, 29, 30, 31, 34, 35, 36, 38)}, 26: "R"},
)  # fmt: skip
READERS = _cls(  # scripts/badin28/readers.py (34)
    {
        "R": (2, 3, 5, 6, 8, 9, 10, 11, 12, 16, 17, 18, 20, 22, 26, 32, 34),
        "C": (7, 13, 14, 24),
        "U": (4, 15, 21, 27, 28, 29, 30, 31, 33),
        "S": (1, 19, 23, 25),
    },
    {i: "C" for i in (28, 29, 30, 31)},
)  # fmt: skip
SCRIPTS = {"recover.py": RECOVER, "motion.py": MOTION, "tte.py": TTE, "readers.py": READERS}
SIZES = {"recover.py": 98, "motion.py": 47, "tte.py": 39, "readers.py": 34}


def main() -> None:
    print_class_table(SCRIPTS, SIZES)


if __name__ == "__main__":
    main()
