"""badin30: the class of every hostile case on its first read and after this branch's fixes
(R answered right, C one clear line, U an unclear line, S silently wrong, T a traceback / HTTP
500 / a hang), classified by hand from the scripts' outputs. First read: api.py and cli.py on
main 8eae9e16; readers.py on main 8eae9e16 with leftover30 0881caa5, heldout30 db051ff8 and
tidy30 70d3f8a1 applied (not yet merged); serve_http.py on main 8eae9e16 (+ this branch's first
commit; its first run was a script bug, TestClient without its lifespan); ask.py on ask30
c1661722; knn.py on main f6cabbf7; reach.py on main 09efcc65. After: this branch (readers.py: as
first, heldout30 not merged). Prints docs/reliability.md's table.
Run: python scripts/badin30/classes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import classes as _cls  # noqa: E402
from badin_cases import print_class_table  # noqa: E402

API = _cls(  # scripts/badin30/api.py (64)
    {
        "R": (1, 2, 3, 4, 5, 6, 7, 11, 13, 15, 19, 20, 22, 23, 24, 26, 30, 31, 37, 43, 46, 47,
              53, 54, 59),
        "C": (8, 9, 10, 12, 14, 16, 17, 18, 21, 25, 27, 28, 29, 32, 33, 34, 35, 36, 38, 39, 40,
              41, 42, 44, 45, 48, 49, 50, 51, 52, 55, 56, 57, 58, 60, 61, 62, 63, 64),
    },
    {},
)  # fmt: skip
CLI = _cls(  # scripts/badin30/cli.py (41)
    {
        "R": (3, 4, 7, 11, 12, 17, 23, 25, 26, 41),
        "C": (1, 2, 5, 6, 8, 9, 10, 13, 14, 15, 16, 18, 19, 20, 21, 24, 27, 28, 30, 31, 32, 33,
              34, 35, 36, 37, 38, 39, 40),
        "U": (22, 29),
    },
    {22: "C", 29: "C"},
)  # fmt: skip
READERS = _cls(  # scripts/badin30/readers.py (60)
    {
        "R": (3, 4, 5, 7, 8, 9, 11, 14, 16, 17, 19, 20, 22, 24, 27, 30, 34, 40, 42, 44, 46, 47,
              51, 52, 53, 58, 60),
        "C": (1, 2, 6, 10, 12, 13, 15, 21, 23, 25, 26, 28, 29, 31, 32, 33, 35, 37, 38, 45, 50,
              55, 57),
        "U": (18, 36, 39, 41, 48, 49, 54, 56, 59),
        "S": (43,),
    },
    {},
)  # fmt: skip
HTTP = _cls(  # scripts/badin30/serve_http.py (35)
    {
        "R": (7, 8, 15, 16, 18, 26, 33, 34),
        "C": (1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 17, 20, 21, 22, 23, 24, 25, 27, 28, 29,
              30, 31, 35),
        "U": (19, 32),
    },
    {19: "C", 32: "C"},
)  # fmt: skip
ASK = _cls(  # scripts/badin30/ask.py (22)
    {
        "R": (1, 6, 7, 8, 10, 14, 16, 17, 21),
        "C": (9, 11, 12, 13, 15, 19, 20, 22),
        "U": (2, 3, 4, 5),
        "S": (18,),
    },
    {18: "C"},
)  # fmt: skip
KNN = _cls(  # scripts/badin30/knn.py (12)
    {
        "R": (3, 4, 5, 6, 7, 8, 9),
        "C": (10, 11),
        "U": (12,),
        "S": (1, 2),
    },
    {1: "R", 2: "R", 12: "C"},
)  # fmt: skip
REACH = _cls(  # scripts/badin30/reach.py (18)
    {
        "R": (1, 2, 3, 4, 5, 6, 7, 8, 9, 15),
        "C": (10, 11, 12, 13, 16, 17, 18),
        "U": (14,),
    },
    {14: "R"},
)  # fmt: skip
SCRIPTS = {"api.py": API, "cli.py": CLI, "readers.py": READERS, "serve_http.py": HTTP,
           "ask.py": ASK, "knn.py": KNN, "reach.py": REACH}  # fmt: skip
SIZES = {"api.py": 64, "cli.py": 41, "readers.py": 60, "serve_http.py": 35, "ask.py": 22,
         "knn.py": 12, "reach.py": 18}  # fmt: skip


def main() -> None:
    print_class_table(SCRIPTS, SIZES)


if __name__ == "__main__":
    main()
