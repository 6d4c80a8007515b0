"""badin34b: the class of every hostile case of scripts/badin34b/probe.py on its first read and
after this branch's fixes (R answered right, C one clear line, U an unclear line, S silently
wrong, T a traceback / a 500 / a hang), classified by hand from the probe's outputs. First
read: main f9086b05 (PYTHONPATH=/work/main; probe_byo34.py's cases 258-309: main 3f012c8f's
byo34 code); after: branch badin34b. Prints
docs/reliability.md's table.
Run: python scripts/badin34b/classes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import classes as _cls  # noqa: E402
from badin_cases import print_section_table  # noqa: E402

SECTIONS = {  # probe.py's case numbers by surface (docs/reliability.md's table rows)
    "trajlm.parked": range(1, 41),
    "trajlm parked (CLI)": range(41, 56),
    "POST /parked": range(56, 70),
    "trajlm.divert": range(70, 100),
    "trajlm divert (CLI)": range(100, 117),
    "POST /divert": range(117, 131),
    "heldout34 readers (.zst, tar, MF-CSV, hex EWKB, .dta, OruxMaps, GeoPackage M)": range(
        131, 192
    ),
    "hive folders, CZML ECEF": range(192, 209),
    "--tz / --utc-offset, exact_times, predict --time-format, ingest --json": range(209, 243),
    "ask34: home range, ships at anchor": range(243, 258),
    # probe_byo34.py (byo34 merged while probe.py ran; first read: main 3f012c8f's code)
    "trajlm data queries (CLI)": range(258, 273),
    "trajlm eval --predictions": range(273, 301),
    "trajlm.queries / trajlm.score": range(301, 310),
}
PROBE = _cls(
    {
        "R": (1, 2, 3, 4, 5, 7, 15, 16, 19, 25, 31, 33, 34, 35, 37, 41, 56, 57, 59, 61, 70, 72, 73,
              82, 86, 91, 99, 100, 107, 110, 114, 117, 123, 126, 131, 138, 139, 142, 150, 152, 155,
              162, 163, 165, 166, 169, 170, 173, 174, 179, 180, 182, 187, 192, 193, 194, 195, 196,
              198, 199, 200, 209, 212, 215, 217, 220, 222, 224, 225, 226, 227, 230, 233, 234, 237,
              243, 246, 247, 257, 258, 272, 273, 274, 288, 289, 292, 297, 301, 305, 307),
        "C": (6, 8, 9, 10, 11, 12, 13, 17, 18, 20, 21, 22, 23, 24, 26, 27, 28, 29, 30, 32, 39, 40,
              *range(42, 56), 58, 60, *range(62, 70), 74, 75, 76, 77, 79, 81, 83, 84, 85, 87, 88,
              89, 90, 92, 93, 94, 95, 96, 97, 101, 102, 103, 104, 105, 106, 108, 111, 112, 113,
              115, 116, 118, 119, 120, 121, 122, 124, 125, 127, 130, 132, 133, 134, 135, 136, 137,
              140, 141, 146, 147, 149, 151, 153, 154, 156, 157, 161, 164, 168, 171, 175, 178, 181,
              183, 184, 185, 186, 188, 189, 190, 191, 201, 202, 203, 204, 205, 206, 208, 210, 211,
              213, 214, 218, 219, 221, 223, 228, 229, 231, 232, 235, 236, 238, 239, 240, 241, 242,
              244, 245, 250, 251, 252, 254, 255, 256, *range(259, 272), *range(275, 285), 286,
              287, 290, 291, 293, 294, 295, 296, 298, 299, 300, 302, 303, 306, 308, 309),
        "U": (14, 38, 80, 98, 109, 129, 158, 160, 177, 197, 207, 249, 253, 304),
        "S": (36, 71, 78, 128, 143, 144, 145, 148, 159, 172, 248, 285),
        "T": (167, 176, 216),
    },
    {14: "C", 36: "R", 38: "C", 71: "C", 78: "C", 80: "C", 98: "C", 109: "C", 128: "C", 129: "C",
     143: "C", 144: "C", 145: "C", 148: "C", 158: "C", 159: "C", 160: "R", 167: "R", 176: "C", 177: "C",
     197: "C", 207: "C", 216: "C", 248: "R", 285: "C", 304: "C"},
)  # fmt: skip

if __name__ == "__main__":
    print_section_table(SECTIONS, PROBE)
