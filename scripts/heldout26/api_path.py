"""heldout26: a new user's Python API path on each raw file (docs/generalization.md "Session 26
(heldout26)"). Reads the raw file with pandas as a user would, takes 3 movers, and calls
TrajLM.from_pretrained(RUN | "trajlm-small") .predict / .predict(seconds_ahead=) / .recover /
.travel_time; one line per call (ok / the error's first line, and each warning's first line).
    PYTHONPATH=$PWD python scripts/heldout26/api_path.py [SET ...]   # runs in $HELDOUT26/runs/SET/best
"""

import json
import os
import sys
from pathlib import Path

import pandas as pd

from trajlm import TrajLM

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import call, movers, recover_and_time  # noqa: E402

H = os.environ.get("HELDOUT26", "/tmp/heldout26")
RAW = f"{H}/raw/"


def ferry() -> pd.DataFrame:
    # no pandas reader keeps coordTimes: a user explodes the LineStrings by hand
    rows = []
    for i, f in enumerate(json.load(open(RAW + "ferry_dateline.geojson"))["features"]):
        for (lon, lat), t in zip(
            f["geometry"]["coordinates"], f["properties"]["coordTimes"], strict=True
        ):
            rows.append({"crossing": i, "time": t, "lat": lat, "lon": lon})
    return pd.DataFrame(rows)


def takeout() -> pd.DataFrame:
    return pd.json_normalize(json.load(open(RAW + "takeout_records.json"))["locations"])


FRAMES = {  # set -> (reader, the column a user would group movers by)
    "endurance_horses": (lambda: pd.read_csv(RAW + "endurance_horses.csv"), "bib"),
    "rail_tunnels": (lambda: pd.read_parquet(RAW + "rail_tunnels.parquet"), "train_id"),
    "ferry_dateline": (ferry, "crossing"),
    "snow_groomers": (lambda: pd.read_excel(RAW + "snow_groomers.xlsx"), "Fahrzeug"),
    "purse_seiner": (lambda: pd.read_csv(RAW + "purse_seiner.csv"), "Vessel Name"),
    "refuse_trucks": (lambda: pd.read_json(RAW + "refuse_trucks.jsonl", lines=True), "veh"),
    "mower_fix": (lambda: pd.read_csv(RAW + "mower_fix.csv"), None),
    "takeout_records": (takeout, "deviceTag"),
}


def main() -> None:
    want = set(sys.argv[1:])
    for name, (read, idcol) in FRAMES.items():
        if want and name not in want:
            continue
        df = read()
        print(f"== {name}: columns {list(df.columns)}", flush=True)
        sub = movers(df, idcol)
        for which in (f"{H}/runs/{name}/best", "trajlm-small"):
            tag = "small" if which == "trajlm-small" else "RUN"
            m = TrajLM.from_pretrained(which, threads=1)
            s = sub
            try:
                m.predict(s)
            except Exception as e:
                msg = str(e).splitlines()[0]
                print(f"{tag}: raw frame refused: {msg[:300]}", flush=True)
                if "trajlm.clean" in msg:
                    import trajlm

                    s = trajlm.clean(s)[0]
                    print(f"{tag}: trajlm.clean(sub) as the message says", flush=True)
            call(f"{tag} predict", m.predict, s)
            call(f"{tag} at_times", m.predict, s, seconds_ahead=[60, 300])
            lat = next((c for c in s.columns if "lat" in c.lower()), None)
            lon = next(
                (
                    c
                    for c in s.columns
                    if c != lat and ("lon" in c.lower() or c.lower() in ("lng", "länge"))
                ),
                None,
            )
            if lat and lon:
                recover_and_time(tag, m, s, idcol, lat, lon)
            else:
                print(
                    f"{tag} recover/travel_time: skipped (no numeric lat/lon columns: {lat}, {lon})",
                    flush=True,
                )


if __name__ == "__main__":
    main()
