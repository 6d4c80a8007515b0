"""heldout33: a new user's Python API path on each raw file (docs/data.md "Session 33
(heldout33)"). For each set: TrajLM.from_pretrained("trajlm-small").predict(PATH) on the raw
file itself, then .predict / .predict(seconds_ahead=) on 3 movers of the frame a user would
read with pandas (where pandas has a reader a user would reach for: pd.read_csv for the CSVs,
the .bz2 and the InfluxDB download (`comment="#"`), pd.read_json(lines=True) for the gpsd
capture); one line per call (ok / the error's first line, and each warning's first line).
    PYTHONPATH=$PWD python scripts/heldout33/api_path.py [SET ...]   # raw files in $HELDOUT33/raw
"""

import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import path_then_frames  # noqa: E402

H = os.environ.get("HELDOUT33", "/tmp/heldout33")
RAW = f"{H}/raw/"

FILES = {"torque_logs": "torque_logs", "bus_gpsd": "bus_gpsd.json", "sortie_acmi": "sortie.acmi",
         "drones_czml": "drones.czml", "fleet_influx": "fleet_influx.csv",
         "drone_tlogs": "drone_tlogs", "taxi_pings": "taxi_pings.csv.bz2",
         "pings_geohash": "pings_geohash.csv"}  # fmt: skip
FRAMES = {  # set -> (reader, the column a user would group movers by)
    "torque_logs": (lambda: pd.read_csv(sorted(Path(RAW, "torque_logs").glob("*.csv"))[0]), None),
    "bus_gpsd": (lambda: pd.read_json(RAW + "bus_gpsd.json", lines=True), None),
    "fleet_influx": (lambda: pd.read_csv(RAW + "fleet_influx.csv", comment="#"), "vehicle"),
    "taxi_pings": (lambda: pd.read_csv(RAW + "taxi_pings.csv.bz2"), "taxi_id"),
    "pings_geohash": (lambda: pd.read_csv(RAW + "pings_geohash.csv"), "ad_id"),
}


if __name__ == "__main__":
    path_then_frames(FILES, FRAMES, RAW)
