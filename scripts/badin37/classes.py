"""badin37: the class of every hostile case of scripts/badin37/probe.py on its first read and
after this branch's fixes (R answered right, C one clear line, U an unclear line, S silently
wrong: a wrong answer, an option dropped or an input accepted without a word, T a traceback /
a 500 / a hang), classified by hand from the probe's outputs. First read: 202f3591 (a detached
worktree of it on PYTHONPATH); after: branch badin37. A line such as "... p4 columns" shows
the case before it and is classed as that answer is. Prints docs/reliability.md's table.
Run: python scripts/badin37/classes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import classes as _cls  # noqa: E402
from badin_cases import print_section_table  # noqa: E402

SECTIONS = {  # probe.py's case numbers by surface (docs/reliability.md's table rows)
    "--crs local at ingest: units, NaN / inf, far planes, UTM, a GPX": range(1, 40),
    "--crs local: appends across planes": range(40, 47),
    "--crs local: inspect, plot, predict, similar, places, recover, anomalies": range(47, 81),
    "trajlm.read / TrajLM.predict / TrajLM.similar with crs=": range(81, 106),
    "a model trained on a plane; eval, serve on a local store": range(106, 113),
    "wide per-player tables (<id>_x / <id>_y)": range(113, 138),
    "--time-format frames@RATE": range(138, 167),
    "ORC / Avro lake files": range(167, 189),
    "kcat -J message envelopes": range(189, 203),
    "Endomondo JSON": range(203, 213),
    "TopoJSON": range(213, 226),
    "course columns (radians, compass words, bearing)": range(226, 247),
    "fixed-offset clocks and the one zone rule": range(247, 301),
    "eval's split files, --append a late day, the user's files": range(301, 328),
}
RIGHT = (1, 4, 5, 13, 14, 16, 17, 20, 21, 25, 35, 36, 38, 40, 46, 47, 48, 49, 50, 51, 52, 56,
         63, 64, 70, 71, 74, 75, 76, 77, 81, 82, 88, 89, 92, 93, 94, 95, 101, 106, 109, 111,
         135, 136, 138, 146, 147, 148, 153, 154, 159, 167, 170, 171, 172, 173, 174, 179, 184,
         187, 188, 189, 195, 203, 208, 213, 220, 226, 227, 233, 234, 235, 236, 237, 238, 240,
         241, 242, 243, 244, 245, 256, 260, 261, 262, 263, 265, 267, 274, 276, 277, 278, 290,
         292, 298, 299, 301, 310, 314, 315, 319, 322, 323, 324, 326, 327)  # fmt: skip
UNCLEAR = (6, 7, 8, 9, 15, 18, 19, 31, 37, 59, 60, 61, 83, 85, 91, 96, 99, 100, 107, 108, 110,
           113, 114, 115, 118, 121, 122, 123, 124, 125, 126, 127, 128, 130, 131, 132, 133, 137,
           140, 141, 142, 143, 144, 145, 149, 150, 151, 152, 156, 160, 164, 166, 182, 190, 191,
           192, 197, 198, 199, 200, 201, 205, 207, 211, 212, 239, 247, 248, 249, 250, 251, 252,
           253, 254, 257, 258, 259, 273, 280, 281, 282, 287, 288, 293, 294)  # fmt: skip
SILENT = (11, 22, 23, 24, 26, 27, 28, 30, 39, 42, 44, 45, 53, 54, 55, 58, 65, 66, 67, 73, 78,
          79, 87, 90, 98, 105, 129, 165, 178, 183, 194, 215, 228, 229, 230, 231, 232, 246, 296,
          297, 325)  # fmt: skip
TRACEBACK = (291,)
CLEAR = tuple(i for i in range(1, 328) if i not in RIGHT + UNCLEAR + SILENT + TRACEBACK)
AFTER = {  # case -> its class on the branch, where it changed
    # refused in one line: degrees read as a plane, planes past 500 km, appends / searches
    # across planes, --crs / crs= on stores and GPX, TopoJSON scale 0, radians past 4 pi,
    # mils, fixed offsets given as zones (GPX too), --utc-offset 25 on a GPX
    **dict.fromkeys(
        (
            22,
            23,
            24,
            26,
            27,
            28,
            30,
            39,
            42,
            44,
            45,
            53,
            54,
            55,
            58,
            65,
            66,
            67,
            73,
            78,
            79,
            87,
            90,
            98,
            105,
            183,
            215,
            228,
            229,
            231,
            246,
            296,
            297,
            325,
        ),
        "C",
    ),  # fmt: skip
    **dict.fromkeys((52, 89), "C"),  # a store's own crs given again: refused as any crs
    # reworded: `local` named for unknown CRSs, the frame rate, the naive origin, offsets
    **dict.fromkeys(
        (
            6,
            7,
            8,
            9,
            61,
            83,
            85,
            96,
            131,
            132,
            133,
            140,
            141,
            142,
            145,
            149,
            150,
            151,
            152,
            156,
            166,
            190,
            191,
            192,
            197,
            198,
            199,
            247,
            248,
            249,
            250,
            251,
            252,
            253,
            254,
            257,
            258,
            259,
            273,
            280,
            281,
            282,
            287,
            288,
            291,
            293,
        ),
        "C",
    ),  # fmt: skip
    # answered right: no "radians?" on a plane, players A / F / V read, a lone _x said, NaN
    # cells empty, predict in x / y through --tz / frames@, payload objects, -180..180 kept
    **dict.fromkeys(
        (
            37,
            113,
            114,
            115,
            118,
            121,
            122,
            123,
            124,
            125,
            126,
            127,
            129,
            130,
            143,
            144,
            160,
            164,
            165,
            194,
            232,
        ),
        "R",
    ),  # fmt: skip
}
PROBE = _cls({"R": RIGHT, "C": CLEAR, "U": UNCLEAR, "S": SILENT, "T": TRACEBACK}, AFTER)

if __name__ == "__main__":
    print_section_table(SECTIONS, PROBE)
