"""badin35: the class of every hostile case of scripts/badin35/probe.py on its first read and
after this branch's fixes (R answered right, C one clear line, U an unclear line, S silently
wrong, T a traceback / a 500 / a hang: no answer in 180 s), classified by hand from the
probe's outputs. First read: 1017fee5 (a detached worktree of it on PYTHONPATH); after:
branch badin35. A Python case that ends in a TrajlmInputError subclass (UserError,
ArgumentError, UnknownFormat, ...: the probe prints them as EXC by name) is a clear line when
its text is; an answer with a warning that says what is off is answered right.
Prints docs/reliability.md's table.
Run: python scripts/badin35/classes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import classes as _cls  # noqa: E402
from badin_cases import print_section_table  # noqa: E402

SECTIONS = {  # probe.py's case numbers by surface (docs/reliability.md's table rows)
    "data inspect / synth / plot / resplit": range(1, 46),
    "data match (networks: none, split, one edge, NaN, a folder)": range(46, 68),
    "data corpus (spec a folder, a CSV)": range(68, 72),
    "recover (CLI)": range(72, 97),
    "travel-time (CLI)": range(97, 114),
    "train-selector / train-recovery configs and folders": range(114, 146),
    "similar (CLI)": range(146, 160),
    "places / next-place (CLI)": range(160, 188),
    "reach (CLI)": range(188, 211),
    "anomalies (CLI)": range(211, 232),
    "route (CLI)": range(232, 262),
    "TrajLM.recover / travel_time / similar / match": range(262, 312),
    "trajlm.places / next_place / passages / clean / read": range(312, 365),
    "check_validity": range(365, 384),
    "HTTP /recover, /travel-time, /reach, /validity, the map page": range(384, 449),
    "models of one store asked elsewhere; 10^6-row trips": range(449, 460),
}
RIGHT = (1, 10, 21, 28, 31, 32, 33, 38, 45, 46, 51, 63, 64, 66, 67, 72, 76, 87, 91, 94, 95, 96,
         97, 103, 105, 107, 146, 160, 172, 173, 174, 176, 178, 187, 188, 191, 202, 204, 208,
         211, 221, 228, 232, 239, 244, 248, 254,
         262, 264, 267, 274, 277, 278, 279, 280, 283, 284, 287, 288, 290, 301, 305, 311, 312,
         320, 321, 322, 331, 339, 340, 341, 342, 346, 347, 348, 349, 352, 361, 365, 369, 377,
         378, 379, 380, 382,
         384, 391, 395, 399, 400, 403, 409, 411, 412, 414, 423, 424, 427, 429, 433, 434, 435,
         436, 440, 441, 442, 443, 444,
         449, 451, 452, 453, 457, 459)  # fmt: skip
UNCLEAR = (68, 98, 122, 241, 251, 332, 362, 363, 388, 410, 445, 450, 454)
SILENT = (108, 116, 119, 135, 138, 139, 183, 236, 256, 306, 360, 455)
TRACEBACK = (6, 48, 52, 53, 113, 117, 118, 120, 121, 134, 137, 141, 255, 307, 343, 344, 373,
             374, 375, 383, 456, 458)  # fmt: skip
CLEAR = tuple(i for i in range(1, 460) if i not in RIGHT + UNCLEAR + SILENT + TRACEBACK)
AFTER = {  # case -> its class on the branch, where it changed
    **dict.fromkeys(
        (6, 48, 53, 113, 117, 118, 120, 121, 134, 137, 141, 255, 307, 343, 344, 373, 375, 383), "C"
    ),  # tracebacks now one line
    **dict.fromkeys((52, 374, 456), "R"),  # tracebacks now answered
    **dict.fromkeys((108, 116, 119, 135, 138, 139, 183, 236, 256, 306, 360), "C"),  # refused
    455: "R",  # answered, the far memory said
    **dict.fromkeys((68, 98, 122, 241, 251, 332, 362, 363, 388, 410, 445), "C"),
    **dict.fromkeys((450, 454), "R"),  # answered with the library's coverage line
    458: "R",  # answered within 180 s on the after read: load, not a fix (docs/reliability.md)
}
PROBE = _cls({"R": RIGHT, "C": CLEAR, "U": UNCLEAR, "S": SILENT, "T": TRACEBACK}, AFTER)

if __name__ == "__main__":
    print_section_table(SECTIONS, PROBE)
