"""heldout35: a new user's Python API path on each raw file (docs/data.md "Session 35
(heldout35)"). For each set: TrajLM.from_pretrained("trajlm-small").predict(PATH) on the raw
file (or folder) itself, then .predict / .predict(seconds_ahead=) on the last movers of the
frame pandas reads where a user would reach for pandas (pd.read_csv, pd.read_json; the Verizon report with skiprows=4); one line
per call (ok / the error's first line, and each warning's first line) and the engine that
answered.
    PYTHONPATH=$PWD python scripts/heldout35/api_path.py [SET ...]   # raw files in $HELDOUT35/raw
"""

import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import path_then_frames  # noqa: E402

H = os.environ.get("HELDOUT35", "/tmp/heldout35")
RAW = f"{H}/raw/"

FILES = {"sumo_fcd": "fcd.xml", "esri_tracks": "tracks_query.json", "google_fit": "google_fit",
         "garmin_details": "garmin", "strava_streams": "strava_streams",
         "agents_rad": "agents_rad.csv", "motive": "motive",
         "pings_frame": "pings_frame.json",
         "verizon_history": "location_history.csv"}  # fmt: skip

FRAMES = {  # set -> (reader, the column a user would group movers by)
    "agents_rad": (lambda: pd.read_csv(RAW + "agents_rad.csv"), "agent"),
    "pings_frame": (lambda: pd.read_json(RAW + "pings_frame.json"), "scooter"),
    # the report's 4 title / blank lines skipped, as a pandas user would after a first look
    "verizon_history": (
        lambda: pd.read_csv(RAW + "location_history.csv", skiprows=4),
        "Vehicle Name",
    ),
}

if __name__ == "__main__":
    path_then_frames(FILES, FRAMES, RAW)
