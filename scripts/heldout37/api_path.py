"""heldout37: a new user's Python API path on each raw file (docs/data.md "Session 37
(heldout37)"). For each set: TrajLM.from_pretrained("trajlm-small").predict(PATH) on the raw
file itself, then .predict / .predict(seconds_ahead=) on the last movers of the frame a user
reads where they would reach for pandas / NumPy (pd.read_json(lines=True) of the Firehose
object, np.load of the .npz, pd.read_csv, pd.read_pickle of their own pickle, sqlite3 +
pd.read_sql); one line per call (ok / the error's first line, and each warning's first line)
and the engine that answered.
    PYTHONPATH=$PWD python scripts/heldout37/api_path.py [SET ...]   # raw files in $HELDOUT37/raw
"""

import os
import sqlite3
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import path_then_frames  # noqa: E402

H = os.environ.get("HELDOUT37", "/tmp/heldout37")
RAW = f"{H}/raw/"

FILES = {"firehose": "fleet-positions-1-2026-11-03-08-00-07-5d1e.gz", "eventhubs": "12.avro",
         "msgpack": "positions.msgpack", "npz": "trajectories.npz", "ethucy": "biwi_hotel.txt",
         "od_matrix": "od_weekday_2026-11.csv", "pickle": "tracks.pkl", "osmand": "tracks"}  # fmt: skip


def _npz() -> pd.DataFrame:
    with np.load(RAW + "trajectories.npz") as z:
        return pd.DataFrame({k: z[k] for k in z.files})


def _osmand() -> pd.DataFrame:
    with sqlite3.connect(RAW + "tracks") as db:
        return pd.read_sql("SELECT * FROM track", db)


FRAMES = {  # set -> (reader, the column a user would group movers by)
    "firehose": (lambda: pd.read_json(RAW + FILES["firehose"], lines=True), "deviceId"),
    "npz": (_npz, "traj_id"),
    "ethucy": (lambda: pd.read_csv(RAW + "biwi_hotel.txt", sep="\t", header=None), 1),
    "od_matrix": (lambda: pd.read_csv(RAW + "od_weekday_2026-11.csv"), "origin_zone"),
    "pickle": (lambda: pd.read_pickle(RAW + "tracks.pkl"), "rider_id"),  # the user's own file
    "osmand": (_osmand, None),
}

if __name__ == "__main__":
    path_then_frames(FILES, FRAMES, RAW)
