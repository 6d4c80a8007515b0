"""heldout27: a new user's Python API path on each raw file (docs/generalization.md "Session 27
(heldout27)"). Reads the raw file with pandas as a user would, takes 3 movers, and calls
TrajLM.from_pretrained(RUN | "trajlm-small") .predict / .predict(seconds_ahead=) / .recover /
.travel_time; one line per call (ok / the error's first line, and each warning's first line).
    PYTHONPATH=$PWD python scripts/heldout27/api_path.py [SET ...]   # runs in $HELDOUT27/runs/SET/best
"""

import json
import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import api_path  # noqa: E402

H = os.environ.get("HELDOUT27", "/tmp/heldout27")
RAW = f"{H}/raw/"


def yacht() -> pd.DataFrame:
    # the tracker's teams -> moments, exploded by hand
    race = json.load(open(RAW + "yacht_race.json"))
    return pd.DataFrame([{"team": t["name"], **m} for t in race["teams"] for m in t["moments"]])


def motec() -> pd.DataFrame:
    # the header is on line 12; the units row under it dropped by hand (pandas skips the blank line)
    return pd.read_csv(RAW + "formula_e_motec.csv", skiprows=11).iloc[1:]


def kobo() -> pd.DataFrame:
    return pd.json_normalize(json.load(open(RAW + "kobo_survey.json"))["results"])


def glider() -> pd.DataFrame:
    return pd.json_normalize(json.load(open(RAW + "glider_flights.geojson"))["features"])


FRAMES = {  # set -> (reader, the column a user would group movers by, lat, lon)
    "stork_ornitela": (lambda: pd.read_csv(RAW + "stork_ornitela.csv"), "device_id",
                       "Latitude", "Longitude"),
    "yacht_race": (yacht, "team", "lat", "lon"),
    "formula_e_motec": (motec, "Lap Number", "GPS Latitude", "GPS Longitude"),
    "tokyo_couriers": (lambda: pd.read_csv(RAW + "tokyo_couriers.csv", encoding="cp932"),
                       "配達員ID", "緯度", "経度"),
    "kobo_survey": (kobo, "enumerator", None, None),
    "glider_flights": (glider, "properties.flight", None, None),
    "school_buses": (lambda: pd.read_csv(RAW + "school_buses.csv"), "Vehicle", None, None),
    "canal_barges": (lambda: pd.read_csv(RAW + "canal_barges.csv", sep=";", decimal=","),
                     "Schip", "Breedtegraad", "Lengtegraad"),
}  # fmt: skip


def main() -> None:
    api_path(FRAMES, H)


if __name__ == "__main__":
    main()
