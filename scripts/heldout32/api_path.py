"""heldout32: a new user's Python API path on each raw file (docs/data.md "Session 32
(heldout32)"). For each set: TrajLM.from_pretrained("trajlm-small").predict(PATH) on the raw
file itself, then .predict / .predict(seconds_ahead=) on 3 movers of the frame a user would
read with pandas (where pandas has a reader a user would reach for: pd.read_sql for SQLite,
pd.read_csv for .wln / .tsv, pd.read_excel for .ods, pd.read_parquet); one line per call (ok /
the error's first line, and each warning's first line).
    PYTHONPATH=$PWD python scripts/heldout32/api_path.py [SET ...]   # raw files in $HELDOUT32/raw
"""

import os
import sqlite3
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import path_then_frames  # noqa: E402

H = os.environ.get("HELDOUT32", "/tmp/heldout32")
RAW = f"{H}/raw/"


def aware() -> pd.DataFrame:
    with sqlite3.connect(RAW + "aware_phones.db") as db:
        return pd.read_sql("SELECT * FROM locations", db)


def wln() -> pd.DataFrame:  # no header: pandas numbers the columns
    return pd.read_csv(next(Path(RAW, "wialon_wln").glob("*.wln")), sep=";", header=None)


FILES = {"aware_phones": "aware_phones.db", "wialon_wln": "wialon_wln", "ublox_ubx": "ublox_ubx",
         "fleet_calc": "fleet_calc.ods", "saildrone_nccf": "saildrone_ncCF.nc",
         "tracker_de": "tracker_de.tsv", "opentracks": "opentracks.kmz",
         "scooters": "scooters.parquet"}  # fmt: skip
FRAMES = {  # set -> (reader, the column a user would group movers by)
    "aware_phones": (aware, "device_id"),
    "wialon_wln": (wln, None),
    "fleet_calc": (lambda: pd.read_excel(RAW + "fleet_calc.ods", skiprows=2), "Vehicle"),
    "tracker_de": (lambda: pd.read_csv(RAW + "tracker_de.tsv", sep="\t", decimal=","), "Tracker"),
    "scooters": (lambda: pd.read_parquet(RAW + "scooters.parquet"), "vehicle_id"),
}


if __name__ == "__main__":
    path_then_frames(FILES, FRAMES, RAW)
