"""heldout31: a new user's Python API path on each raw file (docs/generalization.md "Session 31
(heldout31)"). Reads the raw file with pandas as a user would, takes 3 movers, and calls
TrajLM.from_pretrained(RUN | "trajlm-small") .predict / .predict(seconds_ahead=) / .recover /
.travel_time; one line per call (ok / the error's first line, and each warning's first line).
DJI .SRT clips and RTKLIB .pos files have no pandas reader a user would reach for, and
pd.read_excel cannot read XML Spreadsheet 2003: left out (ingest reads all three).
    PYTHONPATH=$PWD python scripts/heldout31/api_path.py [SET ...]   # runs in $HELDOUT31/runs/SET/best
"""

import json
import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import api_path  # noqa: E402

H = os.environ.get("HELDOUT31", "/tmp/heldout31")
RAW = f"{H}/raw/"


def ttn() -> pd.DataFrame:
    # the pandas way to flatten nested JSON records: dotted column names
    with open(RAW + "ttn_uplinks.jsonl") as f:
        return pd.json_normalize([json.loads(line) for line in f])


FRAMES = {  # set -> (reader, the column a user would group movers by, lat, lon)
    "vms_tacsat": (lambda: pd.read_csv(RAW + "vms_tacsat.csv"), "VE_REF", "SI_LATI", "SI_LONG"),
    "wialon_vans": (lambda: pd.read_csv(RAW + "wialon_vans.csv", sep=";", decimal=",",
                                        encoding="cp1251"), "Объект", "Широта", "Долгота"),
    "erddap_drifters": (lambda: pd.read_csv(RAW + "erddap_drifters.csv"), "ID", "latitude",
                        "longitude"),
    "fiets_rd": (lambda: pd.read_csv(RAW + "fiets_rd.csv", sep=";"), "rit", None, None),
    "ttn_uplinks": (ttn, "end_device_ids.device_id", "uplink_message.decoded_payload.latitude",
                    "uplink_message.decoded_payload.longitude"),
}  # fmt: skip


def main() -> None:
    api_path(FRAMES, H)


if __name__ == "__main__":
    main()
