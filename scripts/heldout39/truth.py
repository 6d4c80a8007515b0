"""heldout39: each store against the truth its raw file holds (docs/data.md "Session 39
(heldout39)"): the movers, the fixes (the earliest of each second, as a store keeps them), and
the largest position and time error over the fixes matched by (mover, second). The truth is
read here from the raw files with plain json / pandas and each format's documented meaning
(VBOX: minutes, west positive; Amazon Location: SampleTime; Particle: the payload's
`loc.time`), not with trajlm.
    PYTHONPATH=$PWD python scripts/heldout39/truth.py [SET ...]   # $HELDOUT39/raw, /stores
"""

import gzip
import json
import math
import os
import sys
from pathlib import Path

import pandas as pd
import polars as pl

H = Path(os.environ.get("HELDOUT39", "/tmp/heldout39"))
RAW = H / "raw"


def _vbox() -> pd.DataFrame:
    lines = (RAW / "session_20261205_140322.vbo").read_text().splitlines()
    day = pd.Timestamp(pd.to_datetime(lines[0].split()[3], format="%d/%m/%Y"), tz="UTC")
    rows = lines[lines.index("[data]") + 1 :]
    out = []
    for r in rows:
        f = r.split()
        hms = f[1]
        t = day + pd.Timedelta(hours=int(hms[:2]), minutes=int(hms[2:4]), seconds=float(hms[4:]))
        out.append(("vbox", t.timestamp(), float(f[2]) / 60, -float(f[3]) / 60))
    return pd.DataFrame(out, columns=["id", "t", "lat", "lon"])


def _racechrono() -> pd.DataFrame:
    df = pd.read_csv(RAW / "session_20261205_153310.csv", skiprows=9, header=0).iloc[2:]
    return pd.DataFrame({"id": "car", "t": df["Timestamp"].astype(float),
                         "lat": df["Latitude"].astype(float), "lon": df["Longitude"].astype(float)})  # fmt: skip


def _mapillary() -> pd.DataFrame:
    d = json.loads((RAW / "mapillary_images.json").read_text())["data"]
    return pd.DataFrame([(r["sequence"], r["captured_at"] / 1000, r["geometry"]["coordinates"][1],
                          r["geometry"]["coordinates"][0]) for r in d], columns=["id", "t", "lat", "lon"])  # fmt: skip


def _firebase() -> pd.DataFrame:
    d = json.loads((RAW / "tracker-app-default-rtdb-export.json").read_text())["locations"]
    return pd.DataFrame([(u, p["timestamp"] / 1000, p["latitude"], p["longitude"])
                         for u, ps in d.items() for p in ps.values()], columns=["id", "t", "lat", "lon"])  # fmt: skip


def _aws() -> pd.DataFrame:
    rows = []
    for f in sorted((RAW / "aws-location").glob("*.json")):
        for p in json.loads(f.read_text())["DevicePositions"]:
            t = pd.Timestamp(p["SampleTime"]).timestamp()
            rows.append((p["DeviceId"], t, p["Position"][1], p["Position"][0]))
    return pd.DataFrame(rows, columns=["id", "t", "lat", "lon"])


def _dynamodb() -> pd.DataFrame:
    rows = []
    for f in sorted((RAW / "AWSDynamoDB").rglob("data/*.json.gz")):
        for line in gzip.open(f, "rt"):
            i = json.loads(line)["Item"]
            rows.append((i["scooterId"]["S"], int(i["ts"]["N"]) / 1000, float(i["lat"]["N"]), float(i["lng"]["N"])))  # fmt: skip
    return pd.DataFrame(rows, columns=["id", "t", "lat", "lon"])


def _particle() -> pd.DataFrame:
    rows = []
    for line in (RAW / "loc-events.txt").read_text().splitlines():
        if line.startswith("data: "):
            e = json.loads(line[6:])
            loc = json.loads(e["data"])["loc"]
            rows.append((e["coreid"], loc["time"], loc["lat"], loc["lon"]))
    return pd.DataFrame(rows, columns=["id", "t", "lat", "lon"])


def _thingsboard() -> pd.DataFrame:
    d = json.loads((RAW / "telemetry.json").read_text())
    return pd.DataFrame({"id": "van", "t": [x["ts"] / 1000 for x in d["latitude"]],
                         "lat": [float(x["value"]) for x in d["latitude"]],
                         "lon": [float(x["value"]) for x in d["longitude"]]})  # fmt: skip


TRUTH = {"vbox": _vbox, "racechrono": _racechrono, "mapillary": _mapillary,
         "firebase": _firebase, "aws": _aws, "dynamodb": _dynamodb, "particle": _particle,
         "thingsboard": _thingsboard}  # fmt: skip
ONE = {"vbox", "racechrono", "thingsboard"}  # one mover: the store's id is the file's


def check(name: str) -> str:
    truth = TRUTH[name]().sort_values(["id", "t"])
    truth["s"] = truth["t"].map(math.floor)
    truth = truth.drop_duplicates(["id", "s"])
    store = H / "stores" / name
    if not (store / "manifest.json").exists():
        return f"{name}: no store; truth {truth['id'].nunique()} movers, {len(truth)} fixes"
    pts = pl.read_parquet(store / "points" / "**" / "*.parquet").to_pandas()
    src = pts["source_traj_id"] if "source_traj_id" in pts else pts["traj_id"]
    pts["id"] = "car" if name == "racechrono" else ("vbox" if name == "vbox" else
                ("van" if name == "thingsboard" else src.astype(str).str.rsplit("/", n=1).str[-1]))  # fmt: skip
    m = truth.merge(pts, left_on=["id", "s"], right_on=["id", "t"], suffixes=("", "_s"))
    err_m = ((m["lat"] - m["lat_s"]) * 111320).abs().combine(
        ((m["lon"] - m["lon_s"]) * 111320 * m["lat"].map(lambda x: math.cos(math.radians(x)))).abs(), max)  # fmt: skip
    movers = src.nunique()
    return (f"{name}: movers {movers} (truth {truth['id'].nunique()}), fixes {len(pts)} "
            f"(truth {len(truth)}), matched by (mover, second) {len(m)}, largest position "
            f"error {err_m.max():.1f} m" if len(m) else f"{name}: movers {movers} (truth "
            f"{truth['id'].nunique()}), fixes {len(pts)} (truth {len(truth)}), none matched by (mover, second)")  # fmt: skip


if __name__ == "__main__":
    for n in sys.argv[1:] or list(TRUTH):
        print(check(n), flush=True)
