"""heldout29: a new user's Python API path on each raw file (docs/generalization.md "Session 29
(heldout29)"). Reads the raw file with pandas as a user would, takes 3 movers, and calls
TrajLM.from_pretrained(RUN | "trajlm-small") .predict / .predict(seconds_ahead=) / .recover /
.travel_time; one line per call (ok / the error's first line, and each warning's first line).
The NMEA log and the inReach KML have no pandas reader a user would reach for: left out.
    PYTHONPATH=$PWD python scripts/heldout29/api_path.py [SET ...]   # runs in $HELDOUT29/runs/SET/best
"""

import json
import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import api_path  # noqa: E402

H = os.environ.get("HELDOUT29", "/tmp/heldout29")
RAW = f"{H}/raw/"


def sheep() -> pd.DataFrame:
    # the vendor's nested JSON flattened the usual pandas way: one row per position
    collars = json.load(open(RAW + "sheep_fence.json"))["collars"]
    return pd.json_normalize(collars, "positions", ["serial", "name"])


FRAMES = {  # set -> (reader, the column a user would group movers by, lat, lon)
    "dogsled_race": (lambda: pd.read_csv(RAW + "dogsled_race.csv"), "Bib", "Lat", "Lon"),
    "sheep_fence": (sheep, "name", "lat", "lng"),
    "pigeon_race": (lambda: pd.read_csv(RAW + "pigeon_race.csv", sep=";"), "Ring-Nr.", None,
                    None),
    "ebike_telemetry": (lambda: pd.read_json(RAW + "ebike_telemetry.jsonl", lines=True),
                        "deviceId", None, None),
    "police_avl": (lambda: pd.read_csv(RAW + "police_avl.csv"), "UNIT", "LAT", "LONG"),
    "golf_carts": (lambda: pd.read_csv(RAW + "golf_carts.csv"), "Cart", None, None),
}  # fmt: skip


def main() -> None:
    api_path(FRAMES, H)


if __name__ == "__main__":
    main()
