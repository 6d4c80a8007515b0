"""badin36: the class of every hostile case of scripts/badin36/probe.py on its first read and
after this branch's fixes (R answered right, C one clear line, U an unclear line, S silently
wrong: a wrong answer, an option dropped or an input accepted without a word, T a traceback /
a 500 / a hang), classified by hand from the probe's outputs. First read: 042f4373 (a detached
worktree of it on PYTHONPATH); after: branch badin36. A Python case that ends in a
TrajlmInputError subclass (UserError, MissingFileError, UnknownFormat: the probe prints them as
EXC by name) is a clear line when its text is; a Python TypeError for a keyword a call does not
take is Python's own clear line; an answer with a warning that says what is off is answered
right. Prints docs/reliability.md's table.
Run: python scripts/badin36/classes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import classes as _cls  # noqa: E402
from badin_cases import print_section_table  # noqa: E402

SECTIONS = {  # probe.py's case numbers by surface (docs/reliability.md's table rows)
    "ingest --append (CLI: refusals, zones, kills, readers, links)": range(1, 52),
    "trajlm.ingest(append=)": range(52, 62),
    "eval --compare (CLI)": range(62, 85),
    "trajlm.score(compare=) / TrajLM.evaluate(compare=)": range(85, 120),
    "data queries --horizon-s / --at-report-times, trajlm.queries": range(120, 154),
    "predict --tz / --utc-offset": range(154, 177),
    "trajlm.read(time_origin=, time_format=, tz=, utc_offset=, format=, on_error=)": range(
        177, 216
    ),
    "those keywords on a path given to the model calls": range(216, 234),
    "MDS trips reader": range(234, 253),
    "places between trips": range(253, 266),
    "data resplit keeping the zone": range(266, 275),
    "DataFrame in / out: extension dtypes, zones, MultiIndex, GeoDataFrame, LazyFrame": range(
        275, 330
    ),
}
RIGHT = (1, 2, 5, 13, 16, 17, 18, 19, 22, 32, 33, 34, 39, 40, 44, 46, 47, 48, 49, 50, 52, 53,
         60, 62, 70, 72, 73, 76, 77, 78, 79, 82, 84, 96, 97, 98, 103, 108, 109, 112, 116, 118,
         119, 120, 128, 131, 133, 138, 141, 145, 150, 154, 155, 156, 157, 159, 162, 167, 175,
         177, 178, 179, 194, 201, 202, 203, 214, 216, 217, 219, 220, 223, 227, 234, 235, 239,
         240, 249, 250, 251, 253, 254, 255, 256, 257, 258, 260, 264, 265, 266, 267, 268, 271,
         272, 274, 275, 276, 278, 279, 280, 281, 283, 284, 285, 286, 287, 288, 289, 294, 295,
         296, 297, 298, 299, 300, 301, 303, 304, 305, 306, 307, 308, 309, 310, 311, 313, 316,
         317, 318, 319, 320, 322, 323, 324, 325, 329)  # fmt: skip
UNCLEAR = (9, 20, 56, 71, 198, 200, 237, 243, 245, 247, 248, 263, 269, 314, 327, 328)
SILENT = (21, 23, 24, 45, 54, 55, 99, 127, 169, 170, 171, 188, 189, 190, 191, 192, 193, 241,
          242, 252, 259)  # fmt: skip
TRACEBACK = (58, 315)
CLEAR = tuple(i for i in range(1, 330) if i not in RIGHT + UNCLEAR + SILENT + TRACEBACK)
AFTER = {  # case -> its class on the branch, where it changed
    58: "C",
    315: "R",  # tracebacks: `ingest([])` one line; a LazyFrame of origins answered
    **dict.fromkeys((21, 23, 24, 54, 55, 99, 127, 190, 191, 192, 193, 241, 242), "C"),  # refused
    **dict.fromkeys(
        (45, 169, 170, 171, 188, 189, 252, 259), "R"
    ),  # answered right / the unused option said
    **dict.fromkeys((9, 20, 56, 198, 200, 237, 243, 247, 248, 263, 269, 314, 328), "C"),  # reworded
    **dict.fromkeys((71, 327), "R"),  # a pair asked twice compared once; indexed answers read
    **dict.fromkeys(
        (85, 86, 87, 88, 95, 101, 117, 326), "R"
    ),  # the row named as given; lazy answers
}
PROBE = _cls({"R": RIGHT, "C": CLEAR, "U": UNCLEAR, "S": SILENT, "T": TRACEBACK}, AFTER)

if __name__ == "__main__":
    print_section_table(SECTIONS, PROBE)
