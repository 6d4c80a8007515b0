"""badin29: the class of every hostile case on its first read and after this branch's fixes
(R answered right, C one clear line, U an unclear line, S silently wrong, T a traceback / HTTP
500 / a hang), classified by hand from the scripts' outputs (first read: readers.py on main
e252ccd, api.py on api29 742932f (not yet merged), recover.py on recover29 b1448ed (HTTP 35-37:
main f099d73, the script's first request body was wrong), heldout.py on main ab83035, ask.py on
main 3078c93; after: this branch); prints docs/reliability.md's table.
Run: python scripts/badin29/classes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import classes as _cls  # noqa: E402
from badin_cases import print_class_table  # noqa: E402

READERS = _cls(  # scripts/badin29/readers.py (45)
    {
        "R": (1, 3, 4, 6, 8, 10, 11, 12, 13, 14, 18, 19, 20, 21, 23, 27, 29, 30, 32, 33, 34,
              35, 36, 37, 38, 39, 40, 44),
        "C": (2, 9, 17, 22, 25, 26, 28, 31, 43),
        "U": (5, 7, 41, 42, 45),
        "S": (15, 16, 24),
    },
    {i: "C" for i in (5, 7, 15, 16, 24, 41, 42, 45)},
)  # fmt: skip
API = _cls(  # scripts/badin29/api.py (46)
    {
        "R": (22, 34, 42, 43, 44, 46),
        "C": (1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 21, 23, 24, 28, 29,
              30, 32, 33, 35, 36, 37, 38, 39, 40),
        "U": (8, 9, 17, 31, 41),
        "S": (25, 27),
        "T": (26, 45),
    },
    {8: "C", 9: "C", 17: "R", 25: "C", 26: "C", 27: "C", 31: "C", 41: "R", 45: "R"},
)  # fmt: skip
RECOVER = _cls(  # scripts/badin29/recover.py (37)
    {
        "R": (8, 9, 14, 15, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 34, 37),
        "C": (1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 16, 27, 28, 29, 30, 31, 33, 35, 36),
        "U": (32,),
    },
    {32: "C"},
)  # fmt: skip
HELDOUT = _cls(  # scripts/badin29/heldout.py (28)
    {
        "R": (2, 4, 5, 10, 12, 13, 15, 17, 19, 21, 23, 24, 25, 27, 28),
        "C": (6, 7, 9, 11, 18, 26),
        "U": (1, 3, 8, 16),
        "S": (14, 22),
        "T": (20,),
    },
    {3: "C", 8: "C", 14: "C", 20: "C", 22: "R"},
)  # fmt: skip
ASK = _cls(  # scripts/badin29/ask.py (18)
    {
        "R": (2, 4, 5, 6, 9, 10, 11, 15, 16, 17, 18),
        "C": (8, 12, 13, 14),
        "U": (1, 3),
        "S": (7,),
    },
    {},
)  # fmt: skip
SCRIPTS = {"readers.py": READERS, "api.py": API, "recover.py": RECOVER, "heldout.py": HELDOUT,
           "ask.py": ASK}  # fmt: skip
SIZES = {"readers.py": 45, "api.py": 46, "recover.py": 37, "heldout.py": 28, "ask.py": 18}


def main() -> None:
    print_class_table(SCRIPTS, SIZES)


if __name__ == "__main__":
    main()
