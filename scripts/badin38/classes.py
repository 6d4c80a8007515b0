"""badin38: the class of every hostile case of scripts/badin38/probe.py on its first read and
after this branch's fixes (R answered right, C one clear line, U an unclear line, S silently
wrong: a wrong answer, an option dropped or an input accepted without a word, T a traceback /
a 500 / a hang), classified by hand from the probe's outputs. First read: d90d52f5 (a detached
worktree of it on PYTHONPATH); after: branch badin38. A line such as "... pk1 rows" shows the
case before it and is classed as that answer is. Prints docs/reliability.md's table.
Run: python scripts/badin38/classes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import classes as _cls  # noqa: E402
from badin_cases import print_section_table  # noqa: E402

SECTIONS = {  # probe.py's case numbers by surface (docs/reliability.md's table rows)
    "Metrica / TRACAB, --pitch-size, period / half, --full-rate": range(1, 64),
    "ETH / UCY, TrajNet++, SDD; trajlm.read of them": range(64, 113),
    "eval --steps / --pred-len / --history / --obs-len, TrajLM.evaluate": range(113, 140),
    "--crs on parked / next-place / divert / reach / travel-time / anomalies": range(140, 179),
    'HTTP "crs": "local"': range(179, 213),
    "Avro, Firehose, MessagePack, .npz": range(213, 251),
    "track DBs (parent_id), Home Assistant, SQL dumps, WiGLE, deck.gl": range(251, 304),
    "similar format=, predict --tz, direction by values": range(304, 333),
    "ask: sprints, top speed, halves, weeks, runs, splits": range(333, 355),
    "the user's files unchanged": range(355, 356),
}
RIGHT = (1, 2, 3, 4, 5, 13, 14, 15, 19, 30, 31, 32, 36, 37, 39, 40, 41, 45, 49, 50, 53, 54, 55,
         56, 57, 58, 59, 60, 61, 62, 64, 65, 67, 75, 77, 78, 79, 85, 94, 97, 107, 109, 110, 112,
         113, 123, 126, 127, 140, 141, 142, 152, 157, 173, 176, 179, 189, 194, 196, 197, 201,
         208, 213, 219, 220, 223, 225, 229, 230, 231, 237, 238, 243, 244, 245, 251, 252, 253,
         254, 257, 259, 260, 263, 270, 274, 282, 283, 284, 285, 286, 288, 292, 295, 296, 304,
         313, 314, 320, 321, 322, 324, 325, 326, 327, 328, 329, 330, 331, 332, 333, 334, 336,
         339, 340, 341, 342, 344, 346, 352, 355)  # fmt: skip
UNCLEAR = (18, 24, 26, 43, 46, 48, 51, 69, 71, 72, 73, 74, 83, 88, 89, 96, 104, 106, 139, 144, 185,
           186, 192, 193, 195, 216, 222, 226, 227, 248, 293, 294, 297, 299, 300, 349, 353,
           354)  # fmt: skip
SILENT = (23, 28, 29, 42, 118, 122, 275, 277, 301, 335, 337, 338, 345, 348)
TRACEBACK = (111, 177, 210)
CLEAR = tuple(i for i in range(1, 356) if i not in RIGHT + UNCLEAR + SILENT + TRACEBACK)
AFTER = {  # case -> its class on the branch, where it changed
    # refused in one line: cut-short Metrica rows / TRACAB frames / SQL dumps, Metrica values
    # that are no fractions of the pitch, an option given twice with two values, the sports
    # words the plan could not read (another half, a speed, a week, an unknown player)
    **dict.fromkeys((23, 28, 29, 42, 118, 122, 275, 277, 335, 337, 338, 345, 348), "C"),
    # near misses said as what they are: TRACAB-like lines, ETH / UCY rows, TrajNet++ fps,
    # .gz that is no gzip or holds nothing, .npz that is no zip, deck.gl paths, an Avro of 0
    # bytes, a pitch under 1 m, deck.gl's --time-origin that is no time, trajlm.read(pitch=)
    **dict.fromkeys(
        (
            18,
            46,
            48,
            51,
            69,
            71,
            72,
            73,
            74,
            83,
            88,
            111,
            216,
            226,
            227,
            248,
            293,
            294,
            297,
            299,
            300,
        ),
        "C",
    ),  # fmt: skip
    # more near misses: TrajNet++ fps past 1,000, SDD's layout with its own label, a
    # --time-origin on a file of dates said as the cause, a one-record JSON object; HTTP
    # errors on a plane name x / y (were lat / lon and degree ranges)
    **dict.fromkeys((89, 104, 106, 222, 185, 186, 192, 193, 195), "C"),
    349: "C",  # sprints asked of data that is no player tracking: said as such
    **dict.fromkeys((26, 43), "C"),  # a feed of one frame said as such (was "a row key")
    # TrajLM.travel_time(crs=) taken: the probe's model has no infilling heads, said in a line
    177: "C",
    # answered: HTTP /ask's player table, parked on a local store (with its own --crs too),
    # evaluate(steps=np.int64), TrajNet++'s rate said as no scene's
    **dict.fromkeys((210, 144, 139, 96), "R"),
}
PROBE = _cls({"R": RIGHT, "C": CLEAR, "U": UNCLEAR, "S": SILENT, "T": TRACEBACK}, AFTER)

if __name__ == "__main__":
    print_section_table(SECTIONS, PROBE)
