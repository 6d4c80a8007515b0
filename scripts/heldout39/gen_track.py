"""Seeded held-out sets for heldout39, track-day loggers and photo / app exports: four kinds no
earlier session read (docs/data.md "Session 39 (heldout39)").

Measures nothing itself: writes the raw files a new user would have.
    python scripts/heldout39/gen_track.py [OUTDIR]   # default $HELDOUT39/raw or /tmp/heldout39/raw
Outputs (under OUTDIR): session_20261205_140322.vbo (a Racelogic VBOX logger's file: `[header]`,
`[column names]`, `[data]` sections, latitude and longitude in MINUTES with WEST positive, time
`HHMMSS.SS` UTC, the day only in `File created on DD/MM/YYYY @ HH:MM:SS`),
session_20261205_153310.csv (a RaceChrono Pro "CSV v3" export: preamble lines, then three
header rows: names, units, sources; `Timestamp` Unix seconds), mapillary_images.json (a
Mapillary Graph API v4 `images?fields=...` response: `data[]` with `captured_at` Unix ms,
`geometry` and `computed_geometry` GeoJSON points, `sequence`), tracker-app-default-rtdb-export
.json (a Firebase Realtime Database console export: `locations/<uid>/<push id>` objects).
Same seed, same bytes.
"""

import json
import math
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from heldout_common import fleet as _fleet  # noqa: E402
from heldout_common import write_sets  # noqa: E402

FILES = {"vbox": "session_20261205_140322.vbo", "racechrono": "session_20261205_153310.csv",
         "mapillary": "mapillary_images.json",
         "firebase": "tracker-app-default-rtdb-export.json"}  # fmt: skip

# a 3.6 km loop near Silverstone (52.0733 N, 1.0147 W): ellipse radii in degrees
_LOOP = (52.0733, -1.0147, 0.0085, 0.0120)


def _lap_points(rng, n: int, hz: float, t0: pd.Timestamp) -> list[tuple]:
    """n fixes at hz round the loop at 25-55 m/s: (t, lat, lon, speed m/s, heading deg)."""
    lat0, lon0, ra, ro = _LOOP
    perim = 2 * math.pi * math.sqrt(((ra * 111320) ** 2 + (ro * 68500) ** 2) / 2)
    ang, rows = 0.3, []
    for i in range(n):
        v = 40 + 15 * math.sin(ang * 3) + rng.normal(0, 0.5)
        ang += 2 * math.pi * v / hz / perim
        la = lat0 + ra * math.sin(ang) + rng.normal(0, 3e-6)
        lo = lon0 + ro * math.cos(ang) + rng.normal(0, 4e-6)
        head = (
            math.degrees(math.atan2(-ro * math.sin(ang) * 0.66, ra * math.cos(ang))) + 360
        ) % 360
        rows.append((t0 + pd.Timedelta(seconds=i / hz), la, lo, v, head))
    return rows


def vbox(rng, out: Path) -> None:
    """One car, 8 minutes at 10 Hz from a VBOX 3i: lat / long in minutes, west positive."""
    t0 = pd.Timestamp("2026-12-05 14:03:22", tz="UTC")
    head = ["File created on 05/12/2026 @ 14:03:22", "", "[header]", "satellites", "time",
            "latitude", "longitude", "velocity kmh", "heading", "height", "vertical velocity kmh",
            "long accel g", "lat accel g", "", "[comments]", "VBOX3iS V5 SN:041873",
            "Log rate (Hz) : 10.00", "Software Version : 2.8.4", "GPS : Dual Antenna",
            "Kalman Filter : On", "", "[column names]",
            "sats time lat long velocity heading height vert-vel longacc latacc", "", "[data]"]  # fmt: skip
    lines = list(head)
    for t, la, lo, v, hd in _lap_points(rng, 4800, 10.0, t0):
        hhmmss = f"{t:%H%M%S}.{t.microsecond // 10000:02d}"
        lines.append(f"{int(rng.integers(11, 16)):03d} {hhmmss} {la * 60:+012.5f} "
                     f"{-lo * 60:+012.5f} {v * 3.6:07.3f} {hd:06.2f} {150 + rng.normal(0, 0.3):+010.2f} "
                     f"{rng.normal(0, 0.2):+07.3f} {rng.normal(0, 0.3):+06.2f} {rng.normal(0, 0.8):+06.2f}")  # fmt: skip
    (out / FILES["vbox"]).write_text("\r\n".join(lines) + "\r\n")


def racechrono(rng, out: Path) -> None:
    """One car, 7 minutes at 10 Hz from RaceChrono Pro's CSV v3 export."""
    t0 = pd.Timestamp("2026-12-05 15:33:10", tz="UTC")
    names = ["Timestamp", "Fragment ID", "Lap #", "Elapsed time", "Distance traveled",
             "Accuracy", "Altitude", "Bearing", "Device update rate", "Fix type", "Latitude",
             "Longitude", "Satellites", "Speed", "Combined acceleration", "Lateral acceleration",
             "Longitudinal acceleration"]  # fmt: skip
    units = ["unix time", "", "", "s", "m", "m", "m", "deg", "Hz", "", "deg", "deg", "sats",
             "m/s", "G", "G", "G"]  # fmt: skip
    src = [""] * 3 + ["", "100: gps"] + ["100: gps"] * 9 + ["100: calc"] * 3
    lines = ["This file is created using RaceChrono v9.0.6 ( http://racechrono.com/ ).",
             "Format,3", 'Session title,"Silverstone 5 Dec"', "Session type,Lap timing",
             'Track name,"Silverstone National"', "Driver name,", "Created,05/12/2026,15:33",
             "Note,", "", ",".join(names), ",".join(units), ",".join(src)]  # fmt: skip
    dist, lap = 0.0, 1
    for i, (t, la, lo, v, hd) in enumerate(_lap_points(rng, 4200, 10.0, t0)):
        dist += v / 10
        lap = 1 + int(dist // 3600)
        g = abs(rng.normal(0, 0.6))
        lines.append(f"{t.timestamp():.3f},0,{lap},{i / 10:.3f},{dist:.3f},{rng.uniform(0.5, 1.5):.1f},"
                     f"{150 + rng.normal(0, 0.5):.1f},{hd:.1f},10.0,3,{la:.7f},{lo:.7f},"
                     f"{int(rng.integers(14, 22))},{v:.2f},{g:.2f},{rng.normal(0, 0.8):.2f},{rng.normal(0, 0.3):.2f}")  # fmt: skip
    (out / FILES["racechrono"]).write_text("\n".join(lines) + "\n")


_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def mapillary(rng, out: Path) -> None:
    """5 capture sequences in Lisbon (a phone on a car dashboard, a photo every ~2 s), the
    Graph API's `images?fields=id,captured_at,compass_angle,geometry,computed_geometry,sequence,
    creator&bbox=...` saved with curl: rows in the API's order (by image id, not by time)."""
    t0 = pd.Timestamp("2026-10-14 09:00", tz="UTC")
    seqs = ["".join(rng.choice(list(_B62), 22)) for _ in range(5)]
    rows = _fleet(rng, 38.72, -9.14, 0.03, t0, 5, (180, 320), 2.0, lambda: rng.uniform(5, 12),
                  lambda k: seqs[k])  # fmt: skip
    users = ["joao_mapper", "lx_streets", "ana.r"]
    data = []
    for seq, t, la, lo, _v in rows:
        cla, clo = la + rng.normal(0, 2e-5), lo + rng.normal(0, 2e-5)
        data.append({"id": str(int(rng.integers(10**14, 10**15))),
                     "captured_at": int(t.timestamp() * 1000),
                     "compass_angle": round(float(rng.uniform(0, 360)), 4),
                     "geometry": {"type": "Point", "coordinates": [lo, la]},
                     "computed_geometry": {"type": "Point", "coordinates": [round(clo, 7), round(cla, 7)]},
                     "sequence": seq, "creator": {"username": users[ord(seq[0]) % 3], "id": f"10{ord(seq[0]) % 3:04d}"}})  # fmt: skip
    data.sort(key=lambda d: d["id"])
    doc = {"data": data, "paging": {"cursors": {"before": "MAZDZD", "after": "MjQ5OQZDZD"}}}
    (out / FILES["mapillary"]).write_text(json.dumps(doc))


def _push_ids(rng, t: pd.Timestamp) -> str:
    """A Firebase push id: 8 characters of the ms time, 12 random ones (ordered by time)."""
    chars = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
    ms, head = int(t.timestamp() * 1000), ""
    for _ in range(8):
        head = chars[ms % 64] + head
        ms //= 64
    return head + "".join(rng.choice(list(chars), 12))


def firebase(rng, out: Path) -> None:
    """6 couriers' phones in Warsaw posting to `locations/<uid>` with `push()`, exported from
    the Firebase console (Realtime Database > Export JSON): each fix an object under its push
    id, `timestamp` Unix ms from `ServerValue.TIMESTAMP`; a `users` branch beside."""
    t0 = pd.Timestamp("2026-11-20 10:00", tz="UTC")
    uids = ["".join(rng.choice(list(_B62), 28)) for _ in range(6)]
    rows = _fleet(rng, 52.23, 21.01, 0.04, t0, 6, (120, 260), 15.0, lambda: rng.uniform(3, 9),
                  lambda k: uids[k])  # fmt: skip
    locs: dict = {u: {} for u in uids}
    for u, t, la, lo, v in rows:
        locs[u][_push_ids(rng, t)] = {"accuracy": round(float(rng.uniform(3, 20)), 1),
                                      "latitude": la, "longitude": lo, "speed": v,
                                      "timestamp": int(t.timestamp() * 1000)}  # fmt: skip
    doc = {"locations": {u: dict(sorted(p.items())) for u, p in sorted(locs.items())},
           "users": {u: {"name": f"Kurier {i + 1}", "vehicle": "bike"} for i, u in enumerate(uids)}}  # fmt: skip
    (out / FILES["firebase"]).write_text(json.dumps(doc, indent=2))


if __name__ == "__main__":
    write_sets([vbox, racechrono, mapillary, firebase], "HELDOUT39", 3900, FILES)
