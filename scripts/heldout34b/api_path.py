"""heldout34b: a new user's Python API path on each raw file (docs/data.md "Session 34
(heldout34b)"). For each set: TrajLM.from_pretrained("trajlm-small").predict(PATH) on the raw
file or folder itself, then .predict / .predict(seconds_ahead=) on 3 movers of the frame a user
would read with pandas: pd.read_csv for the CSVs, one JSON file's record list put in a frame for
the Komoot tour (`items`, `t` in ms since the start) and the SensorThings answer
(`pd.json_normalize(value)`, its `Locations` a list per row); one line per call.
    PYTHONPATH=$PWD python scripts/heldout34b/api_path.py [SET ...]   # raw files in $HELDOUT34B/raw
"""

import glob
import json
import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import path_then_frames  # noqa: E402

H = os.environ.get("HELDOUT34B", "/tmp/heldout34b")
RAW = f"{H}/raw/"

FILES = {"fieldmaps": "fieldmaps_tracks.csv", "motive": "motive_locations.csv",
         "komoot": "komoot_tours", "sensorthings": "sensorthings",
         "garmin": "garmin_details"}  # fmt: skip


def _first_json(folder: str) -> dict:
    return json.loads(Path(sorted(glob.glob(RAW + folder + "/*.json"))[0]).read_text())


FRAMES = {  # set -> (reader, the column a user would group movers by)
    "fieldmaps": (lambda: pd.read_csv(RAW + "fieldmaps_tracks.csv"), "full_name"),
    "motive": (lambda: pd.read_csv(RAW + "motive_locations.csv"), "Vehicle"),
    "komoot": (lambda: pd.DataFrame(_first_json("komoot_tours")["_embedded"]["coordinates"]["items"]), None),
    "sensorthings": (lambda: pd.json_normalize(_first_json("sensorthings")["value"]), None),
}  # fmt: skip


if __name__ == "__main__":
    path_then_frames(FILES, FRAMES, RAW)
