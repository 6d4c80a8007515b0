"""Set 34's three made data sets (ask34), seeded, written before any answer was read.

Writes under $ASK34_OUT (default /tmp/ask34):
- ais.csv: a port authority's AIS export for the Scheldt and the port of Antwerp (headers VesselName / VoyageID /
  BaseDateTime / LAT / LON / SOG / VesselType; **naive UTC** text, asked with --tz Europe/Brussels (+02:00 in
  June); 8 vessels by name (some names with spaces), types "Container Ship" / "Tanker" / "Bulk Carrier";
  Mon 8 - Sun 14 Jun 2026; 60-s fixes; an inbound voyage comes in from the North Sea, waits at the Wandelaar
  anchorage for 0-16 h on about half the calls (swinging at anchor: a few metres of jitter), then sails up the
  Scheldt to a terminal; an outbound voyage goes back out to sea; SOG in knots from the fixes themselves);
- bikes.csv: a Montreal bike-share's ride GPS (headers ride_id / bike_id / ts / lat / lng / bike_type; **Unix
  seconds**, asked with --tz America/Toronto (-04:00 in June); bikes 4001-4060 (numbers), "classic" /
  "electric"; Mon 1 - Sun 7 Jun 2026; 10-s fixes; weekday peaks at 8 and 17, weekend rides around midday and
  slower; bike 4017 ridden more than the others; some rides wait 1-2 min at a light);
- collars.csv: an ecologist's GPS collars in Amboseli, Kenya (headers animal_id / species / fix_time_utc /
  latitude / longitude; **ISO UTC with Z**, asked with --tz Africa/Nairobi (+03:00); elephants Kito, Naserian,
  Baraka, Zawadi and giraffes Twiga, Neema; Mon 1 - Sun 14 Jun 2026; one fix an hour; Baraka's collar silent
  through 11 and 12 June, local; each animal one track, its id the track).

    python scripts/ask34/gen.py        # then bash scripts/ask34/ingest.sh
"""

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ask_study_common import offset  # noqa: E402
from ask_study_common import path as common_path  # noqa: E402

OUT = Path(os.environ.get("ASK34_OUT", "/tmp/ask34"))
rng = np.random.default_rng(34)
KN = 1.852  # km/h per knot

SEA = (51.52, 2.95)  # North Sea approach
ANCHORAGE = (51.43, 3.08)  # Wandelaar
RIVER = [(51.44, 3.58), (51.40, 4.05), (51.40, 4.21)]  # Vlissingen, Hansweert, Bath
TERMINALS = {
    "Container Ship": [(51.292, 4.262), (51.333, 4.285)],  # Deurganck, Europa
    "Tanker": [(51.300, 4.330), (51.284, 4.314)],
    "Bulk Carrier": [(51.262, 4.358)],
}
VESSELS = {
    "NORDIC ORION": "Container Ship",
    "SCHELDE STAR": "Container Ship",
    "MERIDIAN": "Container Ship",
    "ATLANTIC DAWN": "Tanker",
    "KESTREL": "Tanker",
    "STOLT LARK": "Tanker",
    "BALTIC PRIDE": "Bulk Carrier",
    "VEGA TRADER": "Bulk Carrier",
}


def path(points, t0, kmh, step_s, dwells=(), noise_m=1.0):
    """ask_study_common.path with this set's generator, straight legs."""
    return common_path(points, t0, kmh, step_s, rng, dwells, noise_m)


def ais() -> pd.DataFrame:
    rows, n = [], 0
    end = pd.Timestamp("2026-06-14 20:00")  # UTC
    for name, kind in VESSELS.items():
        t = pd.Timestamp("2026-06-08 00:00") + pd.Timedelta(minutes=int(rng.integers(0, 36 * 60)))
        while t < end:
            term = TERMINALS[kind][int(rng.integers(0, len(TERMINALS[kind])))]
            wait_h = float(rng.uniform(0.5, 16)) if rng.random() < 0.5 else 0.0
            kn = float(rng.uniform(10, 14))
            n += 1  # inbound
            pts = [SEA, ANCHORAGE, *RIVER, term]
            T, LA, LO = path(pts, t, kn * KN, 60, [wait_h * 60], noise_m=4.0)
            rows += [
                (name, f"VOY{n:03d}", a, b, c, kind) for a, b, c in zip(T, LA, LO, strict=True)
            ]
            t = T[-1] + pd.Timedelta(hours=float(rng.uniform(12, 36)))  # alongside: no fixes kept
            if t >= end:
                break
            n += 1  # outbound
            T, LA, LO = path([term, *RIVER[::-1], SEA], t, kn * KN, 60, noise_m=4.0)
            rows += [
                (name, f"VOY{n:03d}", a, b, c, kind) for a, b, c in zip(T, LA, LO, strict=True)
            ]
            t = T[-1] + pd.Timedelta(hours=float(rng.uniform(12, 40)))  # away at sea
    df = pd.DataFrame(rows, columns=["VesselName", "VoyageID", "ts", "LAT", "LON", "VesselType"])
    df = df.sort_values(["VoyageID", "ts"], kind="stable").reset_index(drop=True)
    la, lo = np.radians(df.LAT), np.radians(df.LON)
    d = (
        2
        * 6371008.8
        * np.arcsin(
            np.sqrt(
                np.sin(la.diff() / 2) ** 2
                + np.cos(la) * np.cos(la.shift()) * np.sin(lo.diff() / 2) ** 2
            )
        )
    )
    sog = (d / df.ts.diff().dt.total_seconds() * 3600 / 1852).where(
        df.VoyageID.eq(df.VoyageID.shift())
    )
    df["SOG"] = sog.fillna(0.0).round(1)
    df["BaseDateTime"] = df.ts.dt.strftime("%Y-%m-%dT%H:%M:%S")
    return df[["VesselName", "VoyageID", "BaseDateTime", "LAT", "LON", "SOG", "VesselType"]]


MTL = (45.5019, -73.5674)  # Montreal


def bikes() -> pd.DataFrame:
    rows, n = [], 0
    ids = np.arange(4001, 4061)
    weight = np.ones(len(ids))
    weight[ids == 4017] = 4.0  # the favourite by the metro
    weight /= weight.sum()
    for day in pd.date_range("2026-06-01", "2026-06-07"):
        weekend = day.weekday() >= 5
        for _ in range(int(rng.integers(55, 80))):
            if weekend:
                hour = float(np.clip(rng.normal(13.5, 2.5), 7, 22))
            else:
                hour = float(rng.choice([rng.normal(8.2, 0.7), rng.normal(17.3, 0.8), rng.uniform(10, 21)],
                                        p=None))  # fmt: skip
                hour = float(np.clip(hour, 5.5, 23))
            t0 = day + pd.Timedelta(seconds=int(hour * 3600))
            bike = int(rng.choice(ids, p=weight))
            kind = "electric" if (bike % 3 == 0) else "classic"
            km = float(np.clip(rng.lognormal(np.log(2.6), 0.6), 0.4, 12))
            a = offset(*MTL, rng.uniform(0, 4), rng.uniform(0, 360))
            b = offset(*a, km, rng.uniform(0, 360))
            kmh = (19.0 if kind == "electric" else 14.0) * (0.85 if weekend else 1.0)
            dw = [rng.uniform(1, 2)] if rng.random() < 0.3 else []
            pts = [a, offset(*a, km / 2, rng.uniform(0, 360)), b] if dw else [a, b]
            n += 1
            T, LA, LO = path(pts, t0, kmh, 10, dw, noise_m=3.0)
            rows += [(f"R{n:04d}", bike, x, y, z, kind) for x, y, z in zip(T, LA, LO, strict=True)]
    df = pd.DataFrame(rows, columns=["ride_id", "bike_id", "t", "lat", "lng", "bike_type"])
    local = df.t.dt.tz_localize("America/Toronto")
    df["ts"] = (
        local.dt.tz_convert("UTC") - pd.Timestamp("1970-01-01", tz="UTC")
    ).dt.total_seconds()
    df["ts"] = df.ts.astype("int64")
    return df[["ride_id", "bike_id", "ts", "lat", "lng", "bike_type"]]


AMBOSELI = (-2.65, 37.26)
ANIMALS = {
    "Kito": ("elephant", 0.55),
    "Naserian": ("elephant", 0.45),
    "Baraka": ("elephant", 0.70),
    "Zawadi": ("elephant", 0.35),
    "Twiga": ("giraffe", 0.30),
    "Neema": ("giraffe", 0.35),
}  # species, mean km an hour by day


def collars() -> pd.DataFrame:
    rows = []
    hours = pd.date_range("2026-06-01 00:00", "2026-06-14 23:00", freq="h")  # Nairobi clock
    for name, (species, kmh) in ANIMALS.items():
        here = offset(*AMBOSELI, rng.uniform(2, 15), rng.uniform(0, 360))
        heading = rng.uniform(0, 360)
        for h in hours:
            silent = name == "Baraka" and h.day in (11, 12)
            if not silent:
                rows.append((name, species, h, here[0], here[1]))
            day = 6 <= h.hour < 19
            step = float(rng.gamma(2.0, (kmh if day else kmh * 0.3) / 2.0))
            if silent:
                step *= 0.05  # stays near where the collar went quiet
            heading = (heading + rng.normal(0, 50)) % 360
            pull = np.degrees(np.arctan2(AMBOSELI[1] - here[1], AMBOSELI[0] - here[0])) % 360
            if rng.random() < 0.15:  # back towards the swamp now and then
                heading = pull
            here = offset(*here, step, heading)
    df = pd.DataFrame(rows, columns=["animal_id", "species", "t", "latitude", "longitude"])
    df["latitude"] = (df.latitude + rng.normal(0, 8 / 111320, len(df))).round(6)
    df["longitude"] = (df.longitude + rng.normal(0, 8 / 111320, len(df))).round(6)
    utc = df.t.dt.tz_localize("Africa/Nairobi").dt.tz_convert("UTC")
    df["fix_time_utc"] = utc.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return df[["animal_id", "species", "fix_time_utc", "latitude", "longitude"]]


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in [("ais", ais), ("bikes", bikes), ("collars", collars)]:
        df = make()
        df.to_csv(OUT / f"{name}.csv", index=False)
        print(name, len(df), "rows", df.iloc[:, 1].nunique(), "ids in column 2")
