"""badfix32: badin32's probe (scripts/badin32/probe.py, 201 cases) classified by hand as badin32
left it (its "after", scripts/badin32/classes.py) and on this branch (R answered right, C one
clear line, U an unclear line, S silently wrong, T a traceback / 500 / hang). The cases whose
line changed only in naming the source's line (7, 9, 15, 35, 39, 40) stay C.
Run: python scripts/badfix32/classes.py   (after: PYTHONPATH=$PWD .venv/bin/python
scripts/badin32/probe.py /tmp/badfix32/probe, read by hand)
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))
from badin_cases import print_class_table  # noqa: E402

_spec = importlib.util.spec_from_file_location("badin32_classes", HERE / "badin32" / "classes.py")
_badin32 = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(_badin32)  # type: ignore[union-attr]

# 45 ERDDAP degrees_west, 5 TTN array, 22 UTF-16 .SRT, 51 KOI8-R, 48 units row only,
# 156 two VehicleRefs on one journey, 190 /ask store
CHANGED = {45: "R", 5: "R", 22: "R", 51: "R", 48: "C", 156: "C", 190: "C"}
PROBE = {i: f"{v.split('>')[1]}>{CHANGED.get(i, v.split('>')[1])}"
         for i, v in _badin32.PROBE.items()}  # fmt: skip

if __name__ == "__main__":
    print_class_table({"probe.py": PROBE}, {"probe.py": 201})
