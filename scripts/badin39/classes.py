"""badin39: the class of every hostile case of scripts/badin39/probe.py on its first read and
after this branch's fixes (R answered right, C one clear line, U an unclear line, S silently
wrong: a wrong answer, an option dropped or an input accepted without a word, T a traceback /
a 500 / a hang), classified by hand from the probe's outputs. First read: a28c0e89 (a detached
worktree of it on PYTHONPATH); after: branch badin39. A line such as "... p1 rows" shows the
case before it and is classed as that answer is. Prints docs/reliability.md's table.
Run: python scripts/badin39/classes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import classes as _cls  # noqa: E402
from badin_cases import print_section_table  # noqa: E402

SECTIONS = {  # probe.py's case numbers by surface (docs/reliability.md's table rows)
    "ingest --sub-second, --append across resolutions, read(exact_times=)": range(1, 49),
    "eval --obs-len / --pred-len on sub-second stores, --compare": range(49, 76),
    "predict on a sub-second run, TrajLM.predict of float times": range(76, 101),
    "TrajLM.fit(mode=, lora_r=, init_from=), evaluate(compare=)": range(101, 141),
    "Elasticsearch, BigQuery, Splunk, MQTT, InfluxDB, GoPro, TeslaMate, Samsung": range(141, 222),
    "WKT point columns by any name, swapped lat / lon by reported speed": range(222, 242),
    "Avro snappy / zstd maps": range(242, 248),
    "HTTP rows' observed-thing rule, sub-second rows": range(248, 260),
    "a single-valued option given twice": range(260, 272),
    "Metrica / TRACAB truncation": range(272, 280),
    "trajlm.read(pitch=), TrajLM.travel_time(crs=)": range(280, 301),
    "ask: a stated today, second-language words, typos": range(301, 326),
    "the user's files unchanged": range(326, 327),
}
RIGHT = (1, 2, 5, 11, 14, 15, 16, 17, 23, 24, 27, 28, 29, 30, 38, 39, 42, 48, 49, 59, 60, 61, 62,
         64, 77, 81, 82, 84, 85, 87, 88, 89, 90, 91, 92, 95, 96, 99, 101, 120, 131, 132, 133, 134,
         140, 141, 145, 153, 154, 160, 163, 165, 168, 169, 179, 182, 183, 185, 188, 189, 190, 193,
         194, 196, 197, 199, 200, 202, 206, 207, 208, 211, 214, 217, 220, 222, 223, 224, 226, 231,
         233, 241, 242, 243, 248, 251, 252, 254, 255, 256, 257, 262, 269, 278, 279, 280, 281, 290,
         292, 293, 301, 304, 306, 308, 309, 317, 318, 319, 320, 324, 325, 326)  # fmt: skip
UNCLEAR = (3, 4, 6, 12, 13, 18, 19, 46, 76, 117, 143, 144, 149, 157, 161, 162, 164, 167, 172, 181,
           187, 203, 212, 213, 218, 227, 228, 230, 273, 274, 276, 300, 307, 310, 312)  # fmt: skip
SILENT = (7, 22, 25, 35, 126, 146, 166, 204, 225, 232, 234, 235, 236, 237, 238, 239, 311, 323)
TRACEBACK = (65, 112)
CLEAR = tuple(i for i in range(1, 327) if i not in RIGHT + UNCLEAR + SILENT + TRACEBACK)
AFTER = {  # case -> its class on the branch, where it changed
    # sub-second ingest: fixes under 1 ms apart (and exact copies) dropped under "every fix
    # kept" now counted in that line; every fix sharing its time: the hint names the causes
    **dict.fromkeys((3, 4, 6, 12, 13, 18), "C"),
    # --sub-second on whole times said; --min-interval on exact times; --full-rate refused
    **dict.fromkeys((7, 25, 35), "R"),
    22: "C",
    65: "R",  # eval of a sub-second store with an empty val split (was a SchemaError)
    112: "C",  # lora_r past the model's width: one line, no folder (was a 64 GB allocation)
    131: "C",  # lora_r=64 on a 16-wide model: refused the same way (adds memory, not capacity)
    117: "R",  # lora_r=np.int64(4) taken
    126: "C",  # a plane frame fitted from a degree run: refused "cannot cross planes"
    # Elasticsearch: geo_point text read; an error response / hits without _source said
    **dict.fromkeys((144, 149), "R"),
    **dict.fromkeys((143, 157), "C"),
    # a geography column with some POINT EMPTY rows read, those rows dropped as no_fix
    161: "R",
    # header-only exports said as such; records without latitude named by their keys
    **dict.fromkeys((172, 203, 212, 218), "C"),
    # swapped lat / lon names told by a speed named without its unit
    **dict.fromkeys((232, 236, 238), "R"),
    # a stated today: "last month", "N days ago" past 99, "-2 days ago", today said twice
    **dict.fromkeys((323, 310), "R"),
    **dict.fromkeys((311, 312), "C"),
    300: "C",  # travel_time(crs="EPSG:32629") of a plane model: refused as predict refuses it
}
PROBE = _cls({"R": RIGHT, "C": CLEAR, "U": UNCLEAR, "S": SILENT, "T": TRACEBACK}, AFTER)

if __name__ == "__main__":
    print_section_table(SECTIONS, PROBE)
