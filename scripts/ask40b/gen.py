"""Set 40b's four made data sets (ask40b), seeded (4002), written before any answer was read. The trip maker is
scripts/ask40/gen.py's ``fleet`` (straight legs, 2 m of noise), run on this set's own generator.

Writes under $ASK40B_OUT (default /tmp/ask40b):
- cabs.csv: a Dublin taxi co-op (headers cab / fare_id / fare_type / ts_ms / lat / lon; **Unix milliseconds**,
  asked with --tz Europe/Dublin); five cabs "CAB-11", "CAB-12", "CAB-14", "CAB-17", "CAB-19"; fare_type rank / app /
  hail drawn per fare; Mon 2 - Sun 15 November 2026; 5-s fixes; 4-9 fares a cab a day from 07:00-10:00, 2-15 km at
  15-45 km/h;
- trucks.csv: a Cape Town waste-collection fleet (headers truck / round_no / service / recorded / lat / lon; **ISO
  with +02:00**, asked with --tz Africa/Johannesburg); five trucks "CPT-101" ... "CPT-105"; service domestic /
  recycling drawn per round (CPT-104 domestic only); Mon 9 - Sat 14 February 2026; 5-s fixes; 3-6 rounds a truck a
  day from 05:00-06:30, 5-25 km at 10-30 km/h;
- elephants.csv: a wildlife vet's collared elephants in northern Botswana (headers elephant / bout / sex_class /
  fix_utc / lat / lon; **ISO UTC with Z**, asked with --tz Africa/Gaborone); "Tumelo", "Kagiso" (label bull),
  "Naledi", "Mpho", "Lorato" (label cow); Mon 13 - Wed 22 April 2026; 60-s fixes; 3-6 movement bouts a day from
  05:00-07:00, 1-6 km at 2-5 km/h; Naledi made no bout on Thu 16 April;
- helis.csv: a Queenstown helicopter tour operator (headers rego / flight_no / flight_kind / local_time / lat / lon;
  **naive local times**, asked with --tz Pacific/Auckland); "ZK-HBA", "ZK-HBB", "ZK-HBC"; flight_kind scenic /
  heliski drawn per flight; Mon 9 - Sun 15 February 2026; 2-s fixes; 3-7 flights a day from 08:00-09:30, 15-60 km at
  120-180 km/h.

    python scripts/ask40b/gen.py        # then bash scripts/ask40b/ingest.sh
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import load_script  # noqa: E402

OUT = Path(os.environ.get("ASK40B_OUT", "/tmp/ask40b"))
g40 = load_script("ask40_gen", "ask40/gen.py")
g40.rng = np.random.default_rng(4002)  # fleet() draws from its module's rng: this set's own seed
fleet = g40.fleet


def cabs() -> pd.DataFrame:
    fare = (["rank", "app", "hail"], [0.4, 0.35, 0.25])
    cabs_ = {c: fare for c in ["CAB-11", "CAB-12", "CAB-14", "CAB-17", "CAB-19"]}
    kinds = dict.fromkeys(fare[0], ((2, 15), (15, 45)))
    rows = fleet(pd.date_range("2026-11-02", "2026-11-15"), cabs_, (4, 10), (7, 10), kinds, 5,
                 (53.3498, -6.2603), 5, (5, 45), dict.fromkeys(cabs_, 23), "F")  # fmt: skip
    df = pd.DataFrame(rows, columns=["cab", "fare_id", "fare_type", "t", "lat", "lon"])
    utc = df.t.dt.tz_localize("Europe/Dublin").dt.tz_convert("UTC")
    df["ts_ms"] = (utc.astype("int64") // 1_000_000).astype("int64")
    return df[["cab", "fare_id", "fare_type", "ts_ms", "lat", "lon"]]


def trucks() -> pd.DataFrame:
    mixed = (["domestic", "recycling"], [0.6, 0.4])
    fleet_ = {f"CPT-10{i}": mixed for i in range(1, 6)}
    fleet_["CPT-104"] = (["domestic"], [1.0])
    kinds = {"domestic": ((5, 25), (10, 30)), "recycling": ((5, 25), (10, 30))}
    rows = fleet(pd.date_range("2026-02-09", "2026-02-14"), fleet_, (3, 7), (5, 6.5), kinds, 5,
                 (-33.93, 18.55), 8, (10, 40), dict.fromkeys(fleet_, 18), "R")  # fmt: skip
    df = pd.DataFrame(rows, columns=["truck", "round_no", "service", "t", "lat", "lon"])
    df["recorded"] = df.t.dt.strftime("%Y-%m-%dT%H:%M:%S+02:00")
    return df[["truck", "round_no", "service", "recorded", "lat", "lon"]]


def elephants() -> pd.DataFrame:
    rows = []
    sex = {"Tumelo": "bull", "Kagiso": "bull", "Naledi": "cow", "Mpho": "cow", "Lorato": "cow"}
    for day in pd.date_range("2026-04-13", "2026-04-22"):
        herd = {e: ([s], [1.0]) for e, s in sex.items()}
        if day == pd.Timestamp("2026-04-16"):
            del herd["Naledi"]
        kinds = {"bull": ((1, 6), (2, 5)), "cow": ((1, 6), (2, 5))}
        rows += fleet([day], herd, (3, 7), (5, 7), kinds, 60, (-19.2, 23.6), 10, (30, 120),
                      dict.fromkeys(herd, 20), f"B{day:%m%d}")  # fmt: skip
    df = pd.DataFrame(rows, columns=["elephant", "bout", "sex_class", "t", "lat", "lon"])
    df = df.sort_values(["t", "elephant"], kind="stable")
    utc = df.t.dt.tz_localize("Africa/Gaborone").dt.tz_convert("UTC")
    df["fix_utc"] = utc.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return df[["elephant", "bout", "sex_class", "fix_utc", "lat", "lon"]]


def helis() -> pd.DataFrame:
    kind = (["scenic", "heliski"], [0.65, 0.35])
    helis_ = {h: kind for h in ["ZK-HBA", "ZK-HBB", "ZK-HBC"]}
    kinds = dict.fromkeys(kind[0], ((15, 60), (120, 180)))
    rows = fleet(pd.date_range("2026-02-09", "2026-02-15"), helis_, (3, 8), (8, 9.5), kinds, 2,
                 (-45.03, 168.66), 5, (15, 60), dict.fromkeys(helis_, 19), "H")  # fmt: skip
    df = pd.DataFrame(rows, columns=["rego", "flight_no", "flight_kind", "t", "lat", "lon"])
    df["local_time"] = df.t.dt.strftime("%Y-%m-%d %H:%M:%S")
    return df[["rego", "flight_no", "flight_kind", "local_time", "lat", "lon"]]


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in [
        ("cabs", cabs),
        ("trucks", trucks),
        ("elephants", elephants),
        ("helis", helis),
    ]:
        df = make()
        df.to_csv(OUT / f"{name}.csv", index=False)
        print(name, len(df), "rows", df.iloc[:, 1].nunique(), "trips in column 2")
