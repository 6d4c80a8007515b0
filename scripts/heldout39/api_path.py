"""heldout39: a new user's Python API path on each raw file (docs/data.md "Session 39
(heldout39)"). For each set: TrajLM.from_pretrained("trajlm-small").predict(PATH) on the raw
file itself, then .predict / .predict(seconds_ahead=) on the last movers of the frame a user
builds where they would reach for pandas (`pd.read_csv(skiprows=9)` of the RaceChrono export,
`pd.json_normalize` of the API answers and of the DynamoDB lines, the Firebase branches and the
Particle events' payloads flattened with `json`, ThingsBoard's key lists side by side); one line
per call (ok / the error's first line, and each warning's first line) and the engine that
answered.
    PYTHONPATH=$PWD python scripts/heldout39/api_path.py [SET ...]   # raw files in $HELDOUT39/raw
"""

import gzip
import json
import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import path_then_frames  # noqa: E402

H = os.environ.get("HELDOUT39", "/tmp/heldout39")
RAW = f"{H}/raw/"

FILES = {"vbox": "session_20261205_140322.vbo", "racechrono": "session_20261205_153310.csv",
         "mapillary": "mapillary_images.json", "firebase": "tracker-app-default-rtdb-export.json",
         "aws": "aws-location", "dynamodb": "AWSDynamoDB", "particle": "loc-events.txt",
         "thingsboard": "telemetry.json"}  # fmt: skip


def _load(name: str):
    with open(RAW + FILES[name]) as f:
        return json.load(f)


def _firebase() -> pd.DataFrame:
    locs = _load("firebase")["locations"]
    return pd.DataFrame([{"uid": u, **p} for u, pts in locs.items() for p in pts.values()])


def _aws() -> pd.DataFrame:
    docs = [json.loads(p.read_text()) for p in sorted(Path(RAW + FILES["aws"]).glob("*.json"))]
    return pd.json_normalize([d for doc in docs for d in doc["DevicePositions"]])


def _dynamodb() -> pd.DataFrame:
    lines = []
    for p in sorted(Path(RAW + FILES["dynamodb"]).rglob("data/*.json.gz")):
        lines += [json.loads(x) for x in gzip.open(p, "rt") if x.strip()]
    return pd.json_normalize(lines)


def _particle() -> pd.DataFrame:
    with open(RAW + FILES["particle"]) as f:
        events = [json.loads(x[6:]) for x in f if x.startswith("data: ")]
    return pd.json_normalize([{"coreid": e["coreid"], **json.loads(e["data"])} for e in events])


def _thingsboard() -> pd.DataFrame:
    doc = _load("thingsboard")
    df = pd.DataFrame({k: [float(x["value"]) for x in v] for k, v in doc.items()})
    df.insert(0, "ts", pd.to_datetime([x["ts"] for x in doc["latitude"]], unit="ms"))
    return df


FRAMES = {  # set -> (reader, the column a user would group movers by)
    "racechrono": (lambda: pd.read_csv(RAW + FILES["racechrono"], skiprows=9), None),
    "mapillary": (lambda: pd.json_normalize(_load("mapillary")["data"]), "sequence"),
    "firebase": (_firebase, "uid"),
    "aws": (_aws, "DeviceId"),
    "dynamodb": (_dynamodb, "Item.scooterId.S"),
    "particle": (_particle, "coreid"),
    "thingsboard": (_thingsboard, None),
}

if __name__ == "__main__":
    path_then_frames(FILES, FRAMES, RAW)
