"""heldout34: a new user's Python API path on each raw file (docs/data.md "Session 34
(heldout34)"). For each set: TrajLM.from_pretrained("trajlm-small").predict(PATH) on the raw
file itself, then .predict / .predict(seconds_ahead=) on the last movers of the frame a user
would read with pandas / geopandas where there is a reader a user would reach for
(pd.read_csv for the PostGIS CSV, pd.read_stata, pd.read_sql on OruxMaps' `trackpoints`,
gpd.read_file for the GeoPackages); one line per call (ok / the error's first line, and each
warning's first line) and the engine that answered.
    PYTHONPATH=$PWD python scripts/heldout34/api_path.py [SET ...]   # raw files in $HELDOUT34/raw
"""

import os
import sqlite3
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import path_then_frames  # noqa: E402

H = os.environ.get("HELDOUT34", "/tmp/heldout34")
RAW = f"{H}/raw/"

FILES = {"ais_zst": "ais_2024_01_05.csv.zst", "scooter_tgz": "scooter_dump.tgz",
         "walkers_mf": "walkers_mf.csv", "pings_postgis": "pings_postgis.csv",
         "travel_survey": "travel_survey.dta", "oruxmaps": "oruxmapstracks.db",
         "trips_m": "trips_m.gpkg", "ferries_mpd": "ferries_mpd.gpkg"}  # fmt: skip


def _gpd(name: str):
    import geopandas as gpd

    return gpd.read_file(RAW + name)


def _orux() -> pd.DataFrame:
    with sqlite3.connect(RAW + "oruxmapstracks.db") as db:
        return pd.read_sql("SELECT * FROM trackpoints", db)


FRAMES = {  # set -> (reader, the column a user would group movers by; None: the last 900 rows)
    "pings_postgis": (lambda: pd.read_csv(RAW + "pings_postgis.csv"), "vehicle_id"),
    "travel_survey": (lambda: pd.read_stata(RAW + "travel_survey.dta"), None),
    "oruxmaps": (_orux, "trkptseg"),
    "trips_m": (lambda: _gpd("trips_m.gpkg"), "vehicle"),
    "ferries_mpd": (lambda: _gpd("ferries_mpd.gpkg"), "ferry"),
}


if __name__ == "__main__":
    path_then_frames(FILES, FRAMES, RAW)
