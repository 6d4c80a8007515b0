"""heldout27: a new user's Python API path on each raw file (docs/generalization.md "Session 27
(heldout27)"). Reads the raw file with pandas as a user would, takes 3 movers, and calls
TrajLM.from_pretrained(RUN | "trajlm-small") .predict / .predict(seconds_ahead=) / .recover /
.travel_time; one line per call (ok / the error's first line, and each warning's first line).
    PYTHONPATH=$PWD python scripts/heldout27/api_path.py [SET ...]   # runs in $HELDOUT27/runs/SET/best
"""

import json
import os
import re
import sys
from pathlib import Path

import pandas as pd

from trajlm import TrajLM

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import call, movers, recover_and_time  # noqa: E402

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
    want = set(sys.argv[1:])
    for name, (read, idcol, lat, lon) in FRAMES.items():
        if want and name not in want:
            continue
        df = read()
        print(f"== {name}: columns {list(df.columns)}", flush=True)
        sub = movers(df, idcol)
        for which in (f"{H}/runs/{name}/best", "trajlm-small"):
            tag = "small" if which == "trajlm-small" else "RUN"
            m = TrajLM.from_pretrained(which, threads=1)
            s, opts = sub, {}
            for _ in range(2):  # follow what a refusal names: traj_col=, then trajlm.clean
                try:
                    m.predict(s, **opts)
                    break
                except Exception as e:
                    msg = str(e).splitlines()[0]
                    print(f"{tag}: raw frame refused: {msg[:300]}", flush=True)
                    if named := re.search(r"traj_col='([^']+)'", msg):
                        opts = {"traj_col": named[1]}
                        print(f"{tag}: traj_col={named[1]!r} as the message says", flush=True)
                    elif "trajlm.clean" in msg:
                        import trajlm

                        s = trajlm.clean(s, **opts)[0]
                        print(f"{tag}: trajlm.clean(sub) as the message says", flush=True)
                    else:
                        break
            call(f"{tag} predict", m.predict, s, **opts)
            call(f"{tag} at_times", m.predict, s, seconds_ahead=[60, 300], **opts)
            if lat and lon and lat in s.columns:
                recover_and_time(tag, m, s, idcol, lat, lon, **opts)
            else:
                print(f"{tag} recover/travel_time: skipped (no lat/lon column pair)", flush=True)


if __name__ == "__main__":
    main()
