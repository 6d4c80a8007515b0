"""The diary's stated modes on the GPS fixes (walk_study.label_fixes), written as labelled.csv:
the file a researcher ingests with --traj-col trip --label-col mode.
Command: PYTHONPATH=. python scripts/newuser32/label_csv.py [OUT]"""

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from newuser_walk import walk_out  # noqa: E402
from walk_study import label_fixes  # noqa: E402

OUT = walk_out("newuser32")
trips = label_fixes(pd.read_csv(OUT / "gps.csv"), pd.read_csv(OUT / "survey_trips.csv"))
trips.drop(columns="trip_no").to_csv(OUT / "labelled.csv", index=False)
print(f"labelled.csv: {len(trips):,} fixes of {trips['trip'].nunique():,} diary trips")
