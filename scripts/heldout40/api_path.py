"""heldout40: a new user's Python API path on each raw file (docs/data.md "Session 40
(heldout40)"). For each set: TrajLM.from_pretrained("trajlm-small").predict(PATH) on the raw
file itself, then .predict / .predict(seconds_ahead=) on 3 movers of the frame a user builds
where they would reach for pandas (`pd.json_normalize` of the Meshtastic lines, of Swarm's
`items` and of Navixy's `list`s with the file's tracker, `pd.read_csv(comment="#")` of the Argo
index, `pd.read_csv(skiprows=2)` of the ForeFlight log, `pd.read_csv` of iNaturalist's); one
line per call (ok / the error's first line, and each warning's first line) and the engine.
    PYTHONPATH=$PWD python scripts/heldout40/api_path.py [SET ...]   # raw files in $HELDOUT40/raw
"""

import json
import os
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import path_then_frames  # noqa: E402

H = os.environ.get("HELDOUT40", "/tmp/heldout40")
RAW = f"{H}/raw/"

FILES = {"aprs": "aprs-raw.txt", "meshtastic": "msh-json.log", "blackvue": "Record",
         "argo": "ar_index_global_prof.txt", "inaturalist": "observations-512345.csv",
         "foreflight": "foreflight-tracklog.csv", "swarm": "checkins1.json", "navixy": "navixy"}  # fmt: skip


def _meshtastic() -> pd.DataFrame:
    with open(RAW + FILES["meshtastic"]) as f:
        return pd.json_normalize([json.loads(x) for x in f if x.strip()])


def _navixy() -> pd.DataFrame:
    parts = []
    for p in sorted(Path(RAW + FILES["navixy"]).glob("*.json")):
        d = pd.json_normalize(json.loads(p.read_text())["list"])
        d.insert(0, "tracker", p.stem)
        parts.append(d)
    return pd.concat(parts, ignore_index=True)


FRAMES = {  # set -> (reader, the column a user would group movers by)
    "meshtastic": (_meshtastic, "from"),
    "argo": (lambda: pd.read_csv(RAW + FILES["argo"], comment="#"), None),
    "inaturalist": (lambda: pd.read_csv(RAW + FILES["inaturalist"]), "user_login"),
    "foreflight": (lambda: pd.read_csv(RAW + FILES["foreflight"], skiprows=2), None),
    "swarm": (
        lambda: pd.json_normalize(json.loads(Path(RAW + FILES["swarm"]).read_text())["items"]),
        None,
    ),
    "navixy": (_navixy, "tracker"),
}

if __name__ == "__main__":
    path_then_frames(FILES, FRAMES, RAW)
