"""heldout28: a new user's Python API path on each raw file (docs/generalization.md "Session 28
(heldout28)"). Reads the raw file with pandas as a user would, takes 3 movers, and calls
TrajLM.from_pretrained(RUN | "trajlm-small") .predict / .predict(seconds_ahead=) / .recover /
.travel_time; one line per call (ok / the error's first line, and each warning's first line).
    PYTHONPATH=$PWD python scripts/heldout28/api_path.py [SET ...]   # runs in $HELDOUT28/runs/SET/best
"""

import json
import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import api_path  # noqa: E402

H = os.environ.get("HELDOUT28", "/tmp/heldout28")
RAW = f"{H}/raw/"


def caltopo() -> pd.DataFrame:
    # each LineString's [lon, lat, ele, epoch ms] positions, one row each (markers left out)
    feats = json.load(open(RAW + "rescue_caltopo.json"))["features"]
    return pd.DataFrame(
        [{"track": f["properties"]["title"], "lon": c[0], "lat": c[1], "ele": c[2], "time": c[3]}
         for f in feats if f["geometry"]["type"] == "LineString"
         for c in f["geometry"]["coordinates"]]
    )  # fmt: skip


FRAMES = {  # set -> (reader, the column a user would group movers by, lat, lon)
    "whale_argos": (lambda: pd.read_csv(RAW + "whale_argos.csv"), "DeployID", "Latitude",
                    "Longitude"),
    "tuktuk_bangkok": (lambda: pd.read_csv(RAW + "tuktuk_bangkok.csv"), "ทะเบียนรถ", "ละติจูด",
                       "ลองจิจูด"),
    "rowing_eight": (lambda: pd.read_csv(RAW + "rowing_eight.csv"), "Session", "Latitude",
                     "Longitude"),
    "yard_trucks": (lambda: pd.read_csv(RAW + "yard_trucks.csv", sep=";"), "che_id", None, None),
    "rescue_caltopo": (caltopo, "track", "lat", "lon"),
    "reindeer_lotek": (lambda: pd.read_csv(RAW + "reindeer_lotek.txt", sep="\t"), "Device ID",
                       "Latitude [deg]", "Longitude [deg]"),
    "balloon_flights": (lambda: pd.read_csv(RAW + "balloon_flights.csv"), "Balloon", None, None),
    "harvester_yield": (lambda: pd.read_csv(RAW + "harvester_yield.csv"), "Field", "Latitude",
                        "Longitude"),
}  # fmt: skip


def main() -> None:
    api_path(FRAMES, H)


if __name__ == "__main__":
    main()
