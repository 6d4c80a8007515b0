"""badin29: hostile files on heldout29's reader fixes (docs/data.md "Session 29 (heldout29)"):
zone abbreviations ending a time (AKST / AKDT), 14-digit yyyymmddHHMMSS integers, whole-number
degrees that fit x1e6 and x1e7, a nested GeoJSON Point, timed KML Points per Folder, the
continuous 3x-median gap rule, `Cart` / `Ring-Nr.` ids. Each case writes a tiny file and reads it
with `trajlm data ingest` (scripts/ingest_cases.py); classified by hand (classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin29/heldout.py [OUT_DIR]   (default /tmp/badin29/heldout)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ingest_cases import IngestCases  # noqa: E402

WORDS = ("rror", "arn", "drop", "zone", "line", "scale", "1e6", "1e7", "Folder", "gap", "split")
CASES = IngestCases(
    Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin29/heldout"), WORDS, width=3, said=480
)


def ingest(name: str, data: str | bytes, *opts: str, ext: str = "csv") -> None:
    def got(df, first) -> str:
        last = df.tail(1).select("t", "lat", "lon").rows()
        return f" n={df.height} ids={df['traj_id'].n_unique()} first={first} last={last}"

    CASES(name, data, ext, opts, got)


def rows(cell, n: int = 12, header: str = "id,time,lat,lon") -> str:
    return header + "\n" + "".join(cell(k) + "\n" for k in range(n))


# ---- zone abbreviations ending a time
ingest("AKST on some rows, none on others",
       rows(lambda k: f"v,2026-03-01 10:00:{k * 4:02d}{' AKST' if k % 2 else ''},61.2,{-149.9 + 1e-4 * k}"))  # fmt: skip
ingest("AKST on a July date (wrong season's abbreviation)",
       rows(lambda k: f"v,2026-07-01 10:00:{k * 4:02d} AKST,61.2,{-149.9 + 1e-4 * k}"))  # fmt: skip
ingest("'CST' (ambiguous: US Central / China)",
       rows(lambda k: f"v,2026-03-01 10:00:{k * 4:02d} CST,41.9,{-87.7 + 1e-4 * k}"))  # fmt: skip
ingest(
    "'akst' lower case",
    rows(lambda k: f"v,2026-03-01 10:00:{k * 4:02d} akst,61.2,{-149.9 + 1e-4 * k}"),
)
ingest("'AKST' with --tz Europe/Paris (two zones asked)",
       rows(lambda k: f"v,2026-03-01 10:00:{k * 4:02d} AKST,61.2,{-149.9 + 1e-4 * k}"), "--tz", "Europe/Paris")  # fmt: skip
ingest("'10:00 AKST+01:00' (word and offset)",
       rows(lambda k: f"v,2026-03-01 10:00:{k * 4:02d} AKST+01:00,61.2,{-149.9 + 1e-4 * k}"))  # fmt: skip
ingest(
    "'XYZT' unknown zone word",
    rows(lambda k: f"v,2026-03-01 10:00:{k * 4:02d} XYZT,61.2,{-149.9 + 1e-4 * k}"),
)
# ---- 14-digit integers
ingest("14-digit times with an invalid month (20261312...)",
       rows(lambda k: f"v,{20261312100000 + 4 * k},41.15,{-8.61 + 1e-4 * k}"))  # fmt: skip
ingest("14-digit times, one row 13 digits",
       rows(lambda k: f"v,{(20260301100000 + 4 * k) if k != 5 else 2026030110000},41.15,{-8.61 + 1e-4 * k}"))  # fmt: skip
ingest("14-digit times that are also ms epochs? (2026030110000 4 -> 1e13 ms = 2286)",
       rows(lambda k: f"v,{20260301100000 + 4 * k},41.15,{-8.61 + 1e-4 * k}"))  # fmt: skip
ingest("14-digit times with --time-format unix_ms",
       rows(lambda k: f"v,{20260301100000 + 4 * k},41.15,{-8.61 + 1e-4 * k}"), "--time-format", "unix_ms")  # fmt: skip
ingest("14-digit times as floats '20260301100000.0'",
       rows(lambda k: f"v,{20260301100000 + 4 * k}.0,41.15,{-8.61 + 1e-4 * k}"))  # fmt: skip
ingest("14-digit times, second 60 (20260301100060)",
       rows(lambda k: f"v,{20260301100000 + (60 if k == 3 else k)},41.15,{-8.61 + 1e-4 * k}"))  # fmt: skip
# ---- whole-number degrees
ingest("microdegrees with one row x1e7 (Porto)",
       rows(lambda k: f"v,2026-03-01 10:00:{k * 4:02d},{411500000 if k == 3 else 41150000},{-8610000 + 100 * k}"))  # fmt: skip
ingest("whole degrees near 0,0 (lat 5, lon 7: e0? e6?)",
       rows(lambda k: f"v,2026-03-01 10:00:{k * 4:02d},5,{7 + k}"))  # fmt: skip
ingest("LAT_e6 header with values x1e7",
       rows(lambda k: f"v,2026-03-01 10:00:{k * 4:02d},411500000,{-86100000 + 100 * k}", header="id,time,LAT_e6,LONG_e6"))  # fmt: skip


# ---- GeoJSON Point records
def jl(objs) -> str:
    return "\n".join(json.dumps(o) for o in objs) + "\n"


def pt(k: int, c) -> dict:
    return {"deviceId": "b1", "ts": f"2026-03-01T10:00:{k * 4:02d}+02:00",
            "location": {"type": "Point", "coordinates": c}}  # fmt: skip


ingest("GeoJSON Point with 3 coordinates (lon, lat, alt)",
       jl(pt(k, [8.61 + 1e-4 * k, 41.15, 120.0]) for k in range(12)), ext="jsonl")  # fmt: skip
ingest("GeoJSON Point with one coordinate", jl(pt(k, [8.61]) for k in range(12)), ext="jsonl")
ingest("GeoJSON Point coordinates null on one row",
       jl(pt(k, None if k == 4 else [8.61 + 1e-4 * k, 41.15]) for k in range(12)), ext="jsonl")  # fmt: skip
ingest("GeoJSON LineString in the location",
       jl({**pt(k, None), "location": {"type": "LineString", "coordinates": [[8.61, 41.15], [8.62, 41.16]]}}
          for k in range(12)), ext="jsonl")  # fmt: skip
ingest("GeoJSON Point lat-first (41.15, 8.61 swapped: [41.15, 8.61])",
       jl(pt(k, [41.15, 8.61 + 1e-4 * k]) for k in range(12)), ext="jsonl")  # fmt: skip


# ---- KML timed Points per Folder
def kml(folders) -> str:
    out = ['<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>']
    for name, pts in folders:
        out.append(f"<Folder><name>{name}</name>" if name is not None else "<Folder>")
        for t, lat, lon in pts:
            out.append(
                f"<Placemark><TimeStamp><when>{t}</when></TimeStamp><Point><coordinates>{lon},{lat}</coordinates></Point></Placemark>"
            )
        out.append("</Folder>")
    out.append("</Document></kml>")
    return "\n".join(out)


track = lambda lat0: [(f"2026-03-01T10:00:{k * 4:02d}Z", lat0 + 1e-4 * k, -8.61) for k in range(12)]  # noqa: E731
ingest(
    "KML: two Folders with the same name",
    kml([("Anna", track(41.15)), ("Anna", track(41.25))]),
    ext="kml",
)
ingest(
    "KML: a Folder with no name beside a named one",
    kml([(None, track(41.15)), ("Ben", track(41.25))]),
    ext="kml",
)
ingest(
    "KML: Folder names with '/' and spaces",
    kml([("team A/boat 1", track(41.15)), ("team A/boat 2", track(41.25))]),
    ext="kml",
)
ingest("KML: nested Folders (day inside paddler)",
       kml([("Anna", [])]).replace("<Folder><name>Anna</name>\n</Folder>",
                                   "<Folder><name>Anna</name><Folder><name>day1</name>" + "".join(
            f"<Placemark><TimeStamp><when>{t}</when></TimeStamp><Point><coordinates>{lon},{lat}</coordinates></Point></Placemark>"
            for t, lat, lon in track(41.15)) + "</Folder></Folder>"), ext="kml")  # fmt: skip
# ---- ids and the gap rule
ingest("Cart column of hole numbers? (Cart 1..12 each one row)",
       rows(lambda k: f"{k},2026-03-01 10:00:{k * 4:02d},41.15,{-8.61 + 1e-4 * k}", header="Cart,time,lat,lon"))  # fmt: skip
ingest("15-min sampler with one 2-h hole (3x median = 45 min: cut once)",
       rows(lambda k: f"v,2026-03-01 {(k * 15 + (120 if k >= 6 else 0)) // 60:02d}:{(k * 15) % 60:02d}:00,41.15,{-8.61 + 1e-3 * k}"))  # fmt: skip
ingest("1-s sampler with a 20-min hole (30 min floor: not cut)",
       rows(lambda k: f"v,2026-03-01 10:{20 if k >= 6 else 0:02d}:{k:02d},41.15,{-8.61 + 1e-5 * k}"))  # fmt: skip
