"""badin27: hostile files on heldout27's reader changes (docs/data.md "Session 27 (heldout27)"):
East Asian code pages and names, key / value preambles, Datum / Tijd pairs, point columns named
with their axis order, race-tracker `at` times and Kobo submissions in JSON, a units row, MEZ /
MESZ, 0..360 written both ways, the empty val / test split warning.

Prints one line per case: `NNN name | exit | ids / rows / the lines that matter`. Classified by
hand on first read (scripts/badin27/classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin27/readers.py [OUT_DIR]   (default /tmp/badin27/readers)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ingest_cases import IngestCases, rows  # noqa: E402

WORDS = ("rror", "warn", "drop", "zone", "read as", "times", "line", "split", "empty", "UTC")
CASES = IngestCases(
    Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin27/readers"), WORDS, width=3, said=420
)


def ingest(name: str, data: str | bytes, ext: str = "csv", *opts: str) -> None:
    CASES(name, data, ext, opts, lambda df, first: (
        f" ids={sorted(map(str, df['traj_id'].unique().to_list()))[:5]} n={df.height} first={first}"))  # fmt: skip


# ---------------------------------------------------------------- East Asian code pages / names
jp = "配達員ID,記録日時,緯度,経度\n" + "".join(f"D01,{t},{a},{o}\n" for t, a, o in rows())
ingest("Shift-JIS courier (the case fixed)", jp.encode("cp932"))
ingest("the same in UTF-8", jp.encode("utf-8"))
ingest("EUC-JP bytes (not one of the four)", jp.encode("euc_jp"))
ingest("Shift-JIS, one byte cut mid-character", jp.encode("cp932")[:-40] + b"\x82\n")
ingest(
    "Shift-JIS header, ASCII rows with a Latin-1 é",
    jp.encode("cp932") + "D01,2026-03-01 10:05:00,35.69,139.77,caf\xe9\n".encode("latin-1"),
)
kr = "기사ID,기록일시,위도,경도\n" + "".join(
    f"K1,{t},{a},{o}\n" for t, a, o in rows(lat0=37.56, lon0=126.97)
)
ingest("EUC-KR (cp949) names", kr.encode("cp949"))
cn = "司机ID,记录时间,纬度,经度\n" + "".join(
    f"C1,{t},{a},{o}\n" for t, a, o in rows(lat0=31.23, lon0=121.47)
)
ingest("GBK names", cn.encode("gb18030"))
ingest(
    "Big5 names (經度)",
    (
        "司機ID,記錄時間,緯度,經度\n"
        + "".join(f"T1,{t},{a},{o}\n" for t, a, o in rows(lat0=25.03, lon0=121.56))
    ).encode("big5"),
)
ingest(
    "緯度 and 経度 swapped in the header (lon first)",
    ("配達員ID,記録日時,経度,緯度\n" + "".join(f"D01,{t},{o},{a}\n" for t, a, o in rows())).encode(
        "cp932"
    ),
)
ingest(
    "two time columns 記録日時 and 受付時刻",
    (
        "配達員ID,受付時刻,記録日時,緯度,経度\n"
        + "".join(f"D01,09:00:00,{t},{a},{o}\n" for t, a, o in rows())
    ).encode("cp932"),
)
ingest(
    "Windows-1252 German (Länge) still Latin",
    (
        "Fahrzeug,Zeit,Breite,Länge\n"
        + "".join(f"F1,{t},{a},{o}\n" for t, a, o in rows(lat0=52.5, lon0=13.4))
    ).encode("cp1252"),
)

# ---------------------------------------------------------------- preambles
motec = ('"Format","MoTeC CSV File"\n"Venue","Berlin"\n"Log Date","01/03/2026"\n"Log Time","10:00:00"\n'
         '"Sample Rate","10","Hz"\n\n"Time","GPS Latitude","GPS Longitude","Lap Number"\n"s","deg","deg",""\n\n'
         + "".join(f'"{k * 0.1:.1f}","{52.5 + 1e-5 * k}","{13.4 + 1e-5 * k}","1"\n' for k in range(50)))  # fmt: skip
ingest("MoTeC log, no option (refused naming --time-origin?)", motec)
ingest("MoTeC log with --time-origin", motec, "csv", "--time-origin", "2026-03-01T10:00:00Z")
motec5 = motec.replace(
    '"Lap Number"\n"s","deg","deg",""', '"Lap Number","Speed"\n"s","deg","deg","","km/h"'
).replace(',"1"\n', ',"1","90"\n')
ingest("MoTeC log, 5 columns, no option", motec5)
ingest(
    "MoTeC log, 5 columns, --time-origin", motec5, "csv", "--time-origin", "2026-03-01T10:00:00Z"
)
ingest(
    "25 preamble lines (one past the 24 looked at)",
    "".join(f'"Key{i}","v{i}"\n' for i in range(25))
    + "id,time,lat,lon\n"
    + "".join(f"a,{t},{a},{o}\n" for t, a, o in rows()),
)
ingest(
    "a preamble line that looks like a header (lat,lon,time)",
    '"lat","lon","time"\n"x","y","z"\n\nid,time,lat,lon\n'
    + "".join(f"a,{t},{a},{o}\n" for t, a, o in rows()),
)

# ---------------------------------------------------------------- Datum / Tijd
nl = "Schip;Datum;Tijd;Breedtegraad;Lengtegraad\n" + "".join(
    f"Vrouw Maria;{t[:10]};{t[11:]};{str(a).replace('.', ',')};{str(o).replace('.', ',')}\n"
    for t, a, o in rows(lat0=52.37, lon0=4.89)
)
ingest("barges (the case fixed)", nl)
ingest("Datum day-first 01-03-2026", nl.replace("2026-03-01", "01-03-2026"))
ingest("Datum 13-03-2026 (day-first only)", nl.replace("2026-03-01", "13-03-2026"))
ingest("Datum empty on one row", nl.replace("2026-03-01;10:00:50", ";10:00:50"))
ingest("Tijd with 24:00:00", nl.replace("10:01:50", "24:00:00"))
ingest("Datum + Tijd where Tijd already holds a date", nl.replace(";10:0", ";2026-03-02 10:0"))

# ---------------------------------------------------------------- point columns
pt = 'bus,Time,"Location (Lat, Long)"\n' + "".join(
    f'B7,{t},"{a}, {o - 227.5}"\n' for t, a, o in rows(lat0=41.89)
)
ingest("Location (Lat, Long) (the case fixed)", pt, "csv", "--tz", "UTC")
ingest(
    "Location (Lat, Long) holding lon, lat (lon > 90)",
    pt.replace("Lat, Long", "Long, Lat"),
    "csv",
    "--tz",
    "UTC",
)
ingest(
    "Location (Lat, Long) but values written lon-first",
    'bus,Time,"Location (Lat, Long)"\n'
    + "".join(f'B7,{t},"{o - 227.5}, {a}"\n' for t, a, o in rows(lat0=41.89)),
    "csv",
    "--tz",
    "UTC",
)
ingest(
    "Location (Lat, Long) one row empty",
    pt.replace(pt.splitlines()[5].split(",", 2)[2], '""'),
    "csv",
    "--tz",
    "UTC",
)
ingest(
    "Location (Lat, Long) beside lat / lon columns",
    'bus,Time,lat,lon,"Location (Lat, Long)"\n'
    + "".join(f'B7,{t},{a},{o - 227.5},"{a + 1}, {o - 227.5}"\n' for t, a, o in rows(lat0=41.89)),
    "csv",
    "--tz",
    "UTC",
)

# ---------------------------------------------------------------- JSON records
race = {"teams": [{"name": "Boat A", "moments": [{"at": 1772359200 + 60 * k, "lat": 43.1 + 1e-3 * k, "lon": 5.9 + 1e-3 * k} for k in range(12)]},
                  {"name": "Boat B", "moments": [{"at": 1772359200 + 60 * k, "lat": 43.2 + 1e-3 * k, "lon": 5.9} for k in range(12)]}]}  # fmt: skip
ingest("race tracker (the case fixed)", json.dumps(race), "json")
r2 = json.loads(json.dumps(race))
for m in r2["teams"][0]["moments"]:
    m["at"] *= 1000
ingest("race tracker 'at' in ms", json.dumps(r2), "json")
r3 = json.loads(json.dumps(race))
r3["teams"][1]["name"] = "Boat A"
ingest("two teams with one name", json.dumps(r3), "json")
r4 = json.loads(json.dumps(race))
for m in r4["teams"][0]["moments"]:
    m["at"] = "2026-03-01T10:00:00Z"
ingest("race tracker 'at' all the same ISO text", json.dumps(r4), "json")
kobo = {"count": 3, "results": [{"_id": i, "_uuid": f"u{i}", "start": f"2026-03-01T10:0{i}:00.000+01:00", "_submission_time": "2026-03-01T15:00:00",
                                 "enumerator": "E1", "_geolocation": [48.1 + 1e-3 * i, 11.5]} for i in range(6)]}  # fmt: skip
ingest("Kobo (the case fixed)", json.dumps(kobo), "json")
k2 = json.loads(json.dumps(kobo))
k2["results"][2]["_geolocation"] = [11.5, 48.1]
ingest("Kobo with one [lon, lat] geolocation", json.dumps(k2), "json")
k3 = json.loads(json.dumps(kobo))
for r in k3["results"]:
    r["_geolocation"] = [None, None]
ingest("Kobo with no fix at all", json.dumps(k3), "json")
k4 = json.loads(json.dumps(kobo))
k4["results"][1].pop("start")
ingest("Kobo with one submission missing 'start'", json.dumps(k4), "json")

# ---------------------------------------------------------------- zones / 0..360 / splits
ingest(
    "MEZ header in July (summer: MESZ expected)",
    "id,Zeitstempel (MEZ),lat,lon\n"
    + "".join(
        f"a,{t.replace('03-01', '07-01')},{a},{o}\n" for t, a, o in rows(lat0=47.0, lon0=11.0)
    ),
)
ingest(
    "MESZ header in January",
    "id,Zeitstempel (MESZ),lat,lon\n"
    + "".join(
        f"a,{t.replace('03-01', '01-15')},{a},{o}\n" for t, a, o in rows(lat0=47.0, lon0=11.0)
    ),
)
ingest(
    "0..360 both ways, not near 180 (lon 10 and 370)",
    "id,time,lat,lon\n"
    + "".join(
        f"a,{t},{a},{o if k % 2 else o + 360}\n" for k, (t, a, o) in enumerate(rows(lon0=10.0))
    ),
)
ingest(
    "0..360 both ways near 180",
    "id,time,lat,lon\n"
    + "".join(
        f"a,{t},{a},{-179.99 + 1e-3 * k if k % 2 else 180.01 + 1e-3 * k}\n"
        for k, (t, a, o) in enumerate(rows(lat0=-17.0))
    ),
)
ingest(
    "one trajectory: empty val / test said",
    "id,time,lat,lon\n" + "".join(f"a,{t},{a},{o}\n" for t, a, o in rows(n=200)),
)
print("done", CASES.n)
