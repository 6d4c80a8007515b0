"""heldout38: a new user's Python API path on each raw file (docs/data.md "Session 38
(heldout38)"). For each set: TrajLM.from_pretrained("trajlm-small").predict(PATH) on the raw
file itself, then .predict / .predict(seconds_ahead=) on the last movers of the frame a user
reads where they would reach for pandas (`pd.json_normalize` of the search hits, `pd.read_csv`,
the MQTT lines' payloads parsed with `json`, `pd.read_json` of one workout); one line per call
(ok / the error's first line, and each warning's first line) and the engine that answered.
    PYTHONPATH=$PWD python scripts/heldout38/api_path.py [SET ...]   # raw files in $HELDOUT38/raw
"""

import json
import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import path_then_frames  # noqa: E402

H = os.environ.get("HELDOUT38", "/tmp/heldout38")
RAW = f"{H}/raw/"

FILES = {"elastic": "fleet-search.json", "bigquery": "bq-results-20261103-081512.csv",
         "splunk": "splunk_export.csv", "mqtt": "gps.log", "influx": "telemetry.lp",
         "gopro": "GX010042-GPS5.csv", "teslamate": "positions.csv",
         "samsung": "samsunghealth"}  # fmt: skip


def _elastic() -> pd.DataFrame:
    with open(RAW + FILES["elastic"]) as f:
        return pd.json_normalize(json.load(f)["hits"]["hits"])


def _mqtt() -> pd.DataFrame:
    with open(RAW + FILES["mqtt"]) as f:
        rows = [line.split(" ", 1) for line in f if line.strip()]
    return pd.DataFrame([{"topic": t, **json.loads(p)} for t, p in rows])


def _samsung() -> pd.DataFrame:
    one = sorted(Path(RAW + FILES["samsung"]).rglob("*.location_data.json"))[0]
    return pd.read_json(one)


FRAMES = {  # set -> (reader, the column a user would group movers by)
    "elastic": (_elastic, "_source.vehicle.id"),
    "bigquery": (lambda: pd.read_csv(RAW + FILES["bigquery"]), "vehicle_id"),
    "splunk": (lambda: pd.read_csv(RAW + FILES["splunk"]), "unit"),
    "mqtt": (_mqtt, "topic"),
    "gopro": (lambda: pd.read_csv(RAW + FILES["gopro"]), None),
    "teslamate": (lambda: pd.read_csv(RAW + FILES["teslamate"]), "drive_id"),
    "samsung": (_samsung, None),
}

if __name__ == "__main__":
    path_then_frames(FILES, FRAMES, RAW)
