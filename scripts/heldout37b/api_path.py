"""heldout37b: a new user's Python API path on each raw file (docs/data.md "Session 37
(heldout37b)"). For each set: TrajLM.from_pretrained("trajlm-small").predict(PATH) on the raw
file itself, then .predict / .predict(seconds_ahead=) on the last movers of the frame a user
reads where they would reach for pandas (pd.json_normalize of Home Assistant's lists, sqlite3 +
pd.read_sql, pd.read_csv with the WiGLE settings line skipped, pd.read_csv of the QGIS file, the
deck.gl trips exploded); one line per call (ok / the error's first line, and each warning's
first line) and the engine that answered.
    PYTHONPATH=$PWD python scripts/heldout37b/api_path.py [SET ...]   # raw files in $HELDOUT37B/raw
"""

import json
import os
import sqlite3
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import path_then_frames  # noqa: E402

H = os.environ.get("HELDOUT37B", "/tmp/heldout37b")
RAW = f"{H}/raw/"

FILES = {"homeassistant": "history.json", "sqldump": "fleet_positions.sql",
         "kepler": "trips.geojson", "wigle": "WigleWifi_20261103080012.csv",
         "trackdb": "tracks.db", "valhalla": "traces", "qgis_xy": "positions_xy.csv",
         "decktrips": "trips.json"}  # fmt: skip


def _homeassistant() -> pd.DataFrame:
    return pd.json_normalize(
        [s for ent in json.load(open(RAW + FILES["homeassistant"])) for s in ent]
    )


def _trackdb() -> pd.DataFrame:
    with sqlite3.connect(RAW + "tracks.db") as db:
        return pd.read_sql("SELECT * FROM points", db)


def _decktrips() -> pd.DataFrame:
    rows = [{"trip": k, "lon": p[0], "lat": p[1], "t": t}
            for k, d in enumerate(json.load(open(RAW + FILES["decktrips"])))
            for p, t in zip(d["path"], d["timestamps"], strict=True)]  # fmt: skip
    return pd.DataFrame(rows)


FRAMES = {  # set -> (reader, the column a user would group movers by)
    "homeassistant": (_homeassistant, "entity_id"),
    "trackdb": (_trackdb, "parent_id"),
    "wigle": (lambda: pd.read_csv(RAW + FILES["wigle"], skiprows=1), None),
    "qgis_xy": (lambda: pd.read_csv(RAW + FILES["qgis_xy"]), "unit"),
    "decktrips": (_decktrips, "trip"),
}

if __name__ == "__main__":
    path_then_frames(FILES, FRAMES, RAW)
