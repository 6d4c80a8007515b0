"""heldout40: each store against the truth its raw file holds (docs/data.md "Session 40
(heldout40)"): the movers, the fixes (the earliest of each second, as a store keeps them), and
the largest position error over the fixes matched by (mover, second). The truth is read here
from the raw files with plain text / json / pandas and each format's documented meaning (APRS:
DDMM.mm and base-91 positions at the time aprs.fi heard them; Meshtastic: `latitude_i` / 1e7 at
`payload.time`, one packet once; BlackVue: `$GPRMC` with status A; Argo: the WMO number in the
path; iNaturalist: `time_observed_at`, rows without it not fixes; Navixy: `get_time` in
Europe/Riga), not with trajlm.
    PYTHONPATH=$PWD python scripts/heldout40/truth.py [SET ...]   # $HELDOUT40/raw, /stores
"""

import json
import math
import os
import re
import sys
from pathlib import Path

import pandas as pd
import polars as pl

H = Path(os.environ.get("HELDOUT40", "/tmp/heldout40"))
RAW = H / "raw"
COLS = ["id", "t", "lat", "lon"]


def _dm(v: str, hemi: str, width: int) -> float:
    x = int(v[:width]) + float(v[width:]) / 60
    return -x if hemi in "SW" else x


def _b91(s: str) -> int:
    return sum((ord(c) - 33) * 91 ** (3 - k) for k, c in enumerate(s))


def _aprs() -> pd.DataFrame:
    rows = []
    for line in (RAW / "aprs-raw.txt").read_text().splitlines():
        ts, rest = line.split(" UTC: ", 1)
        call, info = rest.split(">", 1)[0], rest.split(":", 1)[1]
        t = pd.Timestamp(ts, tz="UTC").timestamp()
        if m := re.match(r"[=!/@](?:\d{6}z)?(\d{4}\.\d\d)([NS]).(\d{5}\.\d\d)([EW])", info):
            rows.append((call, t, _dm(m[1], m[2], 2), _dm(m[3], m[4], 3)))
        elif info.startswith("!/"):
            rows.append((call, t, 90 - _b91(info[2:6]) / 380926, -180 + _b91(info[6:10]) / 190463))
    return pd.DataFrame(rows, columns=COLS)


def _meshtastic() -> pd.DataFrame:
    rows, seen = [], set()
    for line in (RAW / "msh-json.log").read_text().splitlines():
        d = json.loads(line)
        if d["type"] == "position" and d["id"] not in seen:
            seen.add(d["id"])
            p = d["payload"]
            rows.append((str(d["from"]), p["time"], p["latitude_i"] / 1e7, p["longitude_i"] / 1e7))
    return pd.DataFrame(rows, columns=COLS)


def _blackvue() -> pd.DataFrame:
    rows = []
    for f in sorted((RAW / "Record").glob("*.gps")):
        for line in f.read_text().splitlines():
            p = line.split("]", 1)[1].split("*")[0].split(",")
            if p[0] == "$GPRMC" and p[2] == "A":
                t = pd.Timestamp(pd.to_datetime(p[9] + p[1], format="%d%m%y%H%M%S.%f"), tz="UTC")
                rows.append(("car", t.timestamp(), _dm(p[3], p[4], 2), _dm(p[5], p[6], 3)))
    return pd.DataFrame(rows, columns=COLS)


def _argo() -> pd.DataFrame:
    df = pd.read_csv(RAW / "ar_index_global_prof.txt", comment="#").dropna(subset=["latitude"])
    t = pd.to_datetime(df["date"].astype(str), format="%Y%m%d%H%M%S", utc=True)
    return pd.DataFrame({"id": df["file"].str.split("/").str[1], "t": (t - pd.Timestamp(0, tz="UTC")).dt.total_seconds(),
                         "lat": df["latitude"], "lon": df["longitude"]})  # fmt: skip


def _inaturalist() -> pd.DataFrame:
    df = pd.read_csv(RAW / "observations-512345.csv").dropna(subset=["time_observed_at"])
    t = pd.to_datetime(df["time_observed_at"].str.replace(" UTC", ""), utc=True)
    return pd.DataFrame({"id": df["user_id"].astype(str), "t": (t - pd.Timestamp(0, tz="UTC")).dt.total_seconds(),
                         "lat": df["latitude"], "lon": df["longitude"]})  # fmt: skip


def _foreflight() -> pd.DataFrame:
    df = pd.read_csv(RAW / "foreflight-tracklog.csv", skiprows=2)
    return pd.DataFrame({"id": "plane", "t": df["Timestamp"], "lat": df["Latitude"], "lon": df["Longitude"]})  # fmt: skip


def _swarm() -> pd.DataFrame:
    d = json.loads((RAW / "checkins1.json").read_text())["items"]
    return pd.DataFrame([("me", pd.Timestamp(i["createdAt"], tz="UTC").timestamp(), i["lat"], i["lng"])
                         for i in d], columns=COLS)  # fmt: skip


def _navixy() -> pd.DataFrame:
    rows = []
    for f in sorted((RAW / "navixy").glob("*.json")):
        for p in json.loads(f.read_text())["list"]:
            t = pd.Timestamp(p["get_time"]).tz_localize("Europe/Riga").timestamp()
            rows.append((f.stem, t, p["lat"], p["lng"]))
    return pd.DataFrame(rows, columns=COLS)


TRUTH = {"aprs": _aprs, "meshtastic": _meshtastic, "blackvue": _blackvue, "argo": _argo,
         "inaturalist": _inaturalist, "foreflight": _foreflight, "swarm": _swarm, "navixy": _navixy}  # fmt: skip


def _store_ids(src: pd.Series, truth_ids: list[str]) -> pd.Series:
    """Each store mover named by the truth's id its own id holds (the longest one); against a
    truth of one mover, every store mover is a piece of it (a dashcam's clips: a file each)."""
    if len(truth_ids) == 1:
        return pd.Series(truth_ids[0], index=src.index)
    names = {s: max((i for i in truth_ids if i in s), key=len, default=s) for s in src.unique()}
    return src.map(names)


def check(name: str) -> str:
    truth = TRUTH[name]().sort_values(["id", "t"])
    truth["id"] = truth["id"].astype(str)
    truth["s"] = truth["t"].map(math.floor)
    truth = truth.drop_duplicates(["id", "s"])
    store = H / "stores" / name
    if not (store / "manifest.json").exists():
        return f"{name}: no store; truth {truth['id'].nunique()} movers, {len(truth)} fixes"
    pts = pl.read_parquet(store / "points" / "**" / "*.parquet").to_pandas()
    src = (pts["source_traj_id"] if "source_traj_id" in pts else pts["traj_id"]).astype(str)
    pts["id"] = _store_ids(src, sorted(truth["id"].unique()))
    m = truth.merge(pts, left_on=["id", "s"], right_on=["id", "t"], suffixes=("", "_s"))
    head = (f"{name}: movers {src.nunique()} (truth {truth['id'].nunique()}), fixes {len(pts)} "
            f"(truth {len(truth)}), matched by (mover, second) {len(m)}")  # fmt: skip
    if not len(m):
        return head
    err = ((m["lat"] - m["lat_s"]) * 111320).abs().combine(
        ((m["lon"] - m["lon_s"]) * 111320 * m["lat"].map(lambda x: math.cos(math.radians(x)))).abs(), max)  # fmt: skip
    return head + f", largest position error {err.max():.1f} m"


if __name__ == "__main__":
    for n in sys.argv[1:] or list(TRUTH):
        print(check(n), flush=True)
