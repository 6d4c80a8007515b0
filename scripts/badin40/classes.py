"""badin40: the class of every hostile case of scripts/badin40/probe.py on its first read and
after this branch's fixes (R answered right, C one clear line, U an unclear line, S silently
wrong: a wrong answer, an option dropped or an input accepted without a word, T a traceback /
a 500 / a hang), classified by hand from the probe's outputs. First read: 32ac984f (this
branch's base); after: branch badin40. An `EXC TypeError ... rng = ...` line is the probe's
own summary failing on an empty frame: the read said why in its warning (classed by that).
Prints docs/reliability.md's table.
Run: python scripts/badin40/classes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import classes as _cls  # noqa: E402
from badin_cases import print_section_table  # noqa: E402

SECTIONS = {  # probe.py's case numbers by surface (docs/reliability.md's table rows)
    "a corpus [[source]]'s clean table and its jump line": range(1, 34),
    "ingest's jump counter, --max-speed-mps": range(34, 49),
    "AIS's 102.3 kn code, speeds by unit": range(49, 63),
    "a row-counter _id, GPS lock columns": range(63, 78),
    "Elasticsearch [lat, lon] swap check": range(78, 90),
    "JSON 'lat,lon' / WKT / geohash text": range(90, 130),
    "MQTT key=value / bare-number payloads": range(130, 148),
    "Splunk's unit as id, deck.gl pairs": range(148, 162),
    "--out inside an input folder": range(162, 170),
    "predict at_times / seconds_ahead": range(170, 185),
    "HTTP positions as text, offsets, /ask columns": range(185, 227),
    "eval --compare names": range(227, 238),
    "the eight new readers (VBOX .. ThingsBoard)": range(238, 307),
    "float epoch seconds, --split-at-stops": range(307, 326),
    "the user's files unchanged": range(326, 327),
}
RIGHT = (1, 15, 24, 27, 35, 36, 38, 39, 45, 48, *range(49, 63), 63, 64, 65, 66, 67, 68, 69, 71,
         73, 75, 78, 79, 80, 81, 82, 84, 86, 88, 89, 90, 92, 93, 94, 99, 104, 105, 107, 109, 115,
         117, 118, 122, 123, 125, 127, 128, 129, 130, 135, 136, 137, 140, 142, 144, 148, 151, 154,
         155, 164, 170, 171, 172, 178, 185, 187, 191, 194, 195, 197, 198, 200, 201, 203, 204, 206,
         207, 209, 210, 211, 213, 222, 223, 227, 232, 238, 241, 244, 249, 250, 251, 252, 255, 260,
         263, 266, 267, 268, 269, 273, 274, 275, 276, 280, 283, 285, 287, 288, 292, 297, 299, 300,
         306, 307, 309, 312, 313, 315, 323, 326)  # fmt: skip
UNCLEAR = (70, 85, 91, 95, 96, 97, 98, 101, 102, 103, 106, 108, 110, 111, 114, 119, 120, 121, 124,
           126, 141, 143, 145, 146, 147, 202, 215, 243, 245, 246, 254, 259, 265, 270, 271, 272,
           279, 282, 284, 290, 293, 294, 295, 296, 301, 302, 308)  # fmt: skip
SILENT = (13, 26, 32, 34, 74, 77, 100, 133, 298, 319)
TRACEBACK = ()
CLEAR = tuple(i for i in range(1, 327) if i not in RIGHT + UNCLEAR + SILENT + TRACEBACK)
AFTER = {  # case -> its class on the branch, where it changed
    # jumps over 1 % of the steps (the p99 a jump's): said by ingest and the corpus build; a
    # corpus source of 500 m/s steps said (the corpus rule had no 340 m/s cap)
    **dict.fromkeys((26, 32, 34), "R"),
    13: "C",  # clean = { min_points = 2.5 }: "expected a whole number"
    # GPS lock columns: 'nan' cells, true / false; a JSON record's `loc.lck` 0 (Particle):
    # every event without a lock, so all dropped, said in one line (as 72 / 76 are)
    **dict.fromkeys((74, 77), "R"),
    298: "C",
    100: "C",  # a point key of [a, b] lists and "lat,lon" text: refused (orders differ)
    133: "C",  # a key=value payload giving `lat` twice: one line naming the file's line
    # JSON text positions / geohashes no rule reads: the key, its value and what is read
    **dict.fromkeys((91, 95, 96, 97, 98, 101, 102, 103, 106, 108, 110, 111, 114), "C"),
    **dict.fromkeys((119, 120, 121, 124, 126), "C"),
    # VBOX: an impossible `File created on` date, [column names] lost or renamed
    **dict.fromkeys((243, 245, 246), "C"),
    295: "C",  # an event stream whose data is no JSON: said as such
    # a DynamoDB export without its data/ files, or a manifest read alone: said as such
    **dict.fromkeys((279, 284), "C"),
    302: "C",  # ThingsBoard series whose latitude and longitude never share a ts: said
}
PROBE = _cls({"R": RIGHT, "C": CLEAR, "U": UNCLEAR, "S": SILENT, "T": TRACEBACK}, AFTER)

if __name__ == "__main__":
    print_section_table(SECTIONS, PROBE)
