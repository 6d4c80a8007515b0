"""badin30: hostile files on session 30's reader changes: leftover30's zone-word mix refusal
and `_e6` / `_e7` header names, heldout30's readers (other languages' month names, HTML tables
saved as .xls, whitespace-aligned text tables, -9999 / projected 0 0 pairs, Traccar's `valid`
column, wide lat_<id> / lon_<id> tables, Signal K deltas, Solar Hijri dates). Each case writes a
tiny file and reads it with `trajlm data ingest` (scripts/ingest_cases.py), one line a case;
classified by hand on first read (scripts/badin30/classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin30/readers.py [OUT_DIR]   (default /tmp/badin30/readers)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ingest_cases import IngestCases  # noqa: E402

WORDS = ("rror", "arn", "drop", "zone", "line", "no_fix", "pairs", "jalali", "Hijri", "e6",
         "e7", "month", "valid", "table", "Signal", "no points", "wide")  # fmt: skip
CASES = IngestCases(
    Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin30/readers"), WORDS, width=3, said=520
)


def ingest(name: str, data: str | bytes, *opts: str, ext: str = "csv") -> None:
    def got(df, first) -> str:
        last = df.tail(1).select("t", "lat", "lon").rows()
        return f" n={df.height} ids={sorted(df['traj_id'].unique().to_list())[:4]} first={first} last={last}"

    CASES(name, data, ext, opts, got)


def rows(cell, header: str = "id,time,lat,lon", n: int = 12) -> str:
    return header + "\n" + "".join(cell(k) + "\n" for k in range(n))


def t(k: int) -> str:
    return f"2026-03-01 10:00:{k * 4:02d}"


# ---- leftover30: a zone word on some rows only
ingest("AKST on odd rows (the fixed case)", rows(lambda k: f"v,{t(k)}{' AKST' if k % 2 else ''},61.2,{-149.9 + 1e-4 * k}"))  # fmt: skip
ingest("AKST on one row only (the last)", rows(lambda k: f"v,{t(k)}{' AKST' if k == 11 else ''},61.2,{-149.9 + 1e-4 * k}"))  # fmt: skip
ingest("AKST rows beside +09:00 offsets", rows(lambda k: f"v,{t(k)}{' AKST' if k % 2 else '+09:00'},61.2,{-149.9 + 1e-4 * k}"))  # fmt: skip
ingest("UTC word beside zone-less rows", rows(lambda k: f"v,{t(k)}{' UTC' if k % 2 else ''},61.2,{-149.9 + 1e-4 * k}"))  # fmt: skip
ingest("Z suffix beside zone-less rows", rows(lambda k: f"v,{t(k).replace(' ', 'T')}{'Z' if k % 2 else ''},61.2,{-149.9 + 1e-4 * k}"))  # fmt: skip
ingest("akst lowercase beside zone-less", rows(lambda k: f"v,{t(k)}{' akst' if k % 2 else ''},61.2,{-149.9 + 1e-4 * k}"))  # fmt: skip
ingest("AKST and AKDT rows (one zone's two words)", rows(lambda k: f"v,{t(k)} {'AKDT' if k % 2 else 'AKST'},61.2,{-149.9 + 1e-4 * k}"))  # fmt: skip
ingest("AKST mix with --utc-offset -9", rows(lambda k: f"v,{t(k)}{' AKST' if k % 2 else ''},61.2,{-149.9 + 1e-4 * k}"), "--utc-offset", "-9")  # fmt: skip
ingest("AKST mix with --tz Europe/Lisbon (a clock the words contradict)", rows(lambda k: f"v,{t(k)}{' AKST' if k % 2 else ''},61.2,{-149.9 + 1e-4 * k}"), "--tz", "Europe/Lisbon")  # fmt: skip
ingest("12-hour 'AM' on every row, PST on half", rows(lambda k: f"v,03/01/2026 10:00:{k * 4:02d} AM{' PST' if k % 2 else ''},61.2,{-149.9 + 1e-4 * k}"))  # fmt: skip
# ---- leftover30: scaled degrees by header name
ingest("LAT_e7 header over x1e6 values", rows(lambda k: f"v,{t(k)},41150000,{-8610000 + 100 * k}", "id,time,LAT_e7,LONG_e7"))  # fmt: skip
ingest("lat_e6 lowercase over x1e7 values", rows(lambda k: f"v,{t(k)},411500000,{-86100000 + 100 * k}", "id,time,lat_e6,lon_e6"))  # fmt: skip
ingest("LAT_E6 over x1e7, LON_E6 over x1e6 (one column each)", rows(lambda k: f"v,{t(k)},411500000,{-8610000 + 100 * k}", "id,time,LAT_E6,LON_E6"))  # fmt: skip
ingest("LAT_e6 over x1e5 values (decimal degrees x 1e5)", rows(lambda k: f"v,{t(k)},4115000,{-861000 + 10 * k}", "id,time,LAT_e6,LONG_e6"))  # fmt: skip
ingest("LAT_e6 over decimal degrees (41.15)", rows(lambda k: f"v,{t(k)},41.15,{-8.61 + 1e-4 * k}", "id,time,LAT_e6,LONG_e6"))  # fmt: skip
ingest("LAT_e6 over x1e7 near 0 N (3 degrees: x1e7 fits x1e6's range)", rows(lambda k: f"v,{t(k)},30000000,{10000000 + 100 * k}", "id,time,LAT_e6,LONG_e6"))  # fmt: skip
# ---- heldout30: month words
ingest("Spanish '10-ene-2026' with ';' and decimal commas", "Collar;Fecha;Hora;Latitud;Longitud\n" + "".join(f"VC-1;{10 + i}-ene-2026;0{i}:30:00;39,4{i};-6,3{i}\n" for i in range(6)))  # fmt: skip
ingest("German 'Mär' month", rows(lambda k: f"v,1. Mär 2026 10:00:{k * 4:02d},48.1,{11.5 + 1e-4 * k}"))  # fmt: skip
ingest("French 'févr.' month", rows(lambda k: f"v,1 févr. 2026 10:00:{k * 4:02d},48.8,{2.3 + 1e-4 * k}"))  # fmt: skip
ingest("'mar' (Spanish martes? March?) '3-mar-2026'", rows(lambda k: f"v,3-mar-2026 10:00:{k * 4:02d},40.4,{-3.7 + 1e-4 * k}"))  # fmt: skip
ingest("'31-feb-2026' (no such day)", rows(lambda k: f"v,31-feb-2026 10:00:{k * 4:02d},40.4,{-3.7 + 1e-4 * k}"))  # fmt: skip
ingest("Dutch 'mei' month", rows(lambda k: f"v,5 mei 2026 10:00:{k * 4:02d},52.3,{4.9 + 1e-4 * k}"))  # fmt: skip
ingest("month word of no language 'foo'", rows(lambda k: f"v,5 foo 2026 10:00:{k * 4:02d},52.3,{4.9 + 1e-4 * k}"))  # fmt: skip
# ---- heldout30: HTML .xls and aligned text
html = ('<html><body><table><tr><th>Vehicle</th><th>Date/Time</th><th>Latitude</th><th>Longitude</th></tr>\n'
        + "".join(f"<tr><td>W1</td><td>01.12.2026 07:5{i}:00</td><td>{48.16 + i * 1e-3}</td><td>16.39</td></tr>\n" for i in range(5))
        + "</table></body></html>")  # fmt: skip
ingest("HTML .xls (fine)", html, ext="xls")
ingest("HTML .xls with no <table>", "<html><body><p>No data for this period</p></body></html>", ext="xls")  # fmt: skip
ingest("HTML .xls: header row only", '<html><body><table><tr><th>Vehicle</th><th>Date/Time</th><th>Latitude</th><th>Longitude</th></tr></table></body></html>', ext="xls")  # fmt: skip
ingest("HTML .xls: two tables (a summary first)", '<html><body><table><tr><td>Total km</td><td>12</td></tr></table>' + html.split("<body>")[1], ext="xls")  # fmt: skip
ingest("HTML .xls: a cell '&nbsp;' for a lat", html.replace(f"<td>{48.16 + 2e-3}</td>", "<td>&nbsp;</td>"), ext="xls")  # fmt: skip
ingest("a real binary .xls header but garbage", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ext="xls")  # fmt: skip
aligned = "".join(f"{'A1':>4} 2026-11-01 10:5{i}:00 {48.2 + i / 1e3:>9.4f} {11.5:>9.4f}\n" for i in range(6))  # fmt: skip
ingest("aligned text table (fine)", f"{'id':>4} Date Time {'Lat':>9} {'Lon':>9}\n" + aligned, ext="txt")  # fmt: skip
ingest("aligned text, a row with a missing column", f"{'id':>4} Date Time {'Lat':>9} {'Lon':>9}\n" + aligned + "  A1 2026-11-01 10:59:00 48.3\n", ext="txt")  # fmt: skip
ingest("aligned text with tabs mixed in", f"id\tDate Time {'Lat':>9} {'Lon':>9}\n" + aligned.replace("  A1", "A1\t"), ext="txt")  # fmt: skip
# ---- heldout30: missing-value pairs
ingest("-9999 lat with a good lon", rows(lambda k: f"v,{t(k)},{-9999 if k == 3 else 48.2},{11.5 + 1e-4 * k}"))  # fmt: skip
ingest("-999 / -999 pair", rows(lambda k: f"v,{t(k)},{-999 if k == 3 else 48.2},{-999 if k == 3 else 11.5 + 1e-4 * k}"))  # fmt: skip
ingest("-99.999 pair (other sentinel)", rows(lambda k: f"v,{t(k)},{-99.999 if k == 3 else 48.2},{-99.999 if k == 3 else 11.5 + 1e-4 * k}"))  # fmt: skip
ingest("every row -9999 / -9999", rows(lambda k: f"v,{t(k)},-9999,-9999"))
ingest("projected x/y -9999 (--crs EPSG:27700)", rows(lambda k: f"v,{t(k)},{-9999 if k == 3 else 708300 + 5 * k},{-9999 if k == 3 else 262400 + 5 * k}", "id,time,Northing,Easting"), "--crs", "EPSG:27700")  # fmt: skip
# ---- heldout30: Traccar valid
tc = "id,protocol,deviceid,fixtime,valid,latitude,longitude\n"
ingest("Traccar valid all 0", tc + "".join(f"{880001 + i},osmand,1400,2026-02-03 20:2{i}:00,0,-43.5{i},172.6{i}\n" for i in range(6)))  # fmt: skip
ingest("Traccar valid 'false'/'true'", tc + "".join(f"{880001 + i},osmand,1400,2026-02-03 20:2{i}:00,{'false' if i == 2 else 'true'},-43.5{i},172.6{i}\n" for i in range(6)))  # fmt: skip
ingest("a 'valid' column of 0/1 that is no fix flag (a door sensor)", "van,time,valid,lat,lon\n" + "".join(f"v,{t(i)},{i % 2},-43.5{i},172.6{i}\n" for i in range(8)))  # fmt: skip
ingest("Traccar valid blank on a row", tc + "".join(f"{880001 + i},osmand,1400,2026-02-03 20:2{i}:00,{'' if i == 2 else 1},-43.5{i},172.6{i}\n" for i in range(6)))  # fmt: skip
# ---- heldout30: wide lat_<id> / lon_<id>
whead = "time_utc," + ",".join(f"lat_{c},lon_{c}" for c in (201, 202, 203))
ingest("wide: 3 pairs (fine)", whead + "\n" + "".join(f"2026-01-08 07:3{i}:00," + ",".join(f"23.{c}{i},45.9{i}" for c in (201, 202, 203)) + "\n" for i in range(5)))  # fmt: skip
ingest("wide: lat_203 without lon_203", "time_utc,lat_201,lon_201,lat_202,lon_202,lat_203,lon_204,lat_205,lon_205\n" + "".join(f"2026-01-08 07:3{i}:00," + ",".join(["23.1", "45.9"] * 4) + "\n" for i in range(5)))  # fmt: skip
ingest("wide: pairs and an id column too", "car,time_utc," + ",".join(f"lat_{c},lon_{c}" for c in (1, 2, 3)) + "\n" + "".join(f"x,2026-01-08 07:3{i}:00," + ",".join(f"23.{c}{i},45.9{i}" for c in (1, 2, 3)) + "\n" for i in range(5)))  # fmt: skip
ingest("wide: every cell empty", whead + "\n" + "".join(f"2026-01-08 07:3{i}:00,,,,,,\n" for i in range(5)))  # fmt: skip
ingest("wide: lat_a,lon_a pair ids with a comma-free '1.0' and '1'", "time," + "lat_1,lon_1,lat_1.0,lon_1.0,lat_2,lon_2" + "\n" + "".join(f"2026-01-08 07:3{i}:00," + ",".join(f"23.{c}{i},45.9{i}" for c in (1, 2, 3)) + "\n" for i in range(5)))  # fmt: skip
# ---- heldout30: Signal K


def delta(ctx, s: int, pos: dict | None, ts: str | None = None) -> str:
    vals = [{"path": "navigation.position", "value": pos}] if pos is not None else []
    upd = {"timestamp": ts or f"2026-05-04T05:30:{s:02d}.000Z", "values": vals}
    return json.dumps({"context": ctx, "updates": [upd]})


MM = "vessels.urn:mrn:imo:mmsi:235071200"
ingest("Signal K fine", "\n".join(delta(MM, s, {"longitude": 6.72 + s * 1e-4, "latitude": 53.87}) for s in range(0, 40, 5)), ext="jsonl")  # fmt: skip
ingest("Signal K: a position with latitude null", "\n".join(delta(MM, s, {"longitude": 6.72 + s * 1e-4, "latitude": None if s == 10 else 53.87}) for s in range(0, 40, 5)), ext="jsonl")  # fmt: skip
ingest("Signal K: position as a [lon, lat] list", "\n".join(delta(MM, s, [6.72 + s * 1e-4, 53.87]) for s in range(0, 40, 5)), ext="jsonl")  # fmt: skip
ingest("Signal K: no timestamp in updates", "\n".join(json.dumps({"context": MM, "updates": [{"values": [{"path": "navigation.position", "value": {"longitude": 6.7, "latitude": 53.8}}]}]}) for _ in range(5)), ext="jsonl")  # fmt: skip
ingest("Signal K: context a number", "\n".join(delta(235071200, s, {"longitude": 6.72 + s * 1e-4, "latitude": 53.87}) for s in range(0, 40, 5)), ext="jsonl")  # fmt: skip
ingest("Signal K: one line cut short", "\n".join(delta(MM, s, {"longitude": 6.72 + s * 1e-4, "latitude": 53.87}) for s in range(0, 40, 5))[:-30], ext="jsonl")  # fmt: skip
ingest("Signal K: timestamps with +02:00 offset", "\n".join(delta(MM, s, {"longitude": 6.72 + s * 1e-4, "latitude": 53.87}, f"2026-05-04T07:30:{s:02d}+02:00") for s in range(0, 40, 5)), ext="jsonl")  # fmt: skip
ingest("Signal K: latitude 153.87 (out of range)", "\n".join(delta(MM, s, {"longitude": 6.72 + s * 1e-4, "latitude": 153.87}) for s in range(0, 40, 5)), ext="jsonl")  # fmt: skip
# ---- heldout30: Solar Hijri
jh = "runner,date,time,lat,lng\n"
ingest("Jalali without --time-format (named?)", jh + "".join(f"r01,1405/09/02,06:53:0{i},35.76{i},51.41\n" for i in range(5)))  # fmt: skip
ingest("Jalali 1404/12/30 (no such day) --time-format jalali", jh + "".join(f"r01,1404/12/30,06:53:0{i},35.76{i},51.41\n" for i in range(5)), "--time-format", "jalali")  # fmt: skip
ingest("Jalali month 13 --time-format jalali", jh + "".join(f"r01,1405/13/02,06:53:0{i},35.76{i},51.41\n" for i in range(5)), "--time-format", "jalali")  # fmt: skip
ingest("Gregorian dates with --time-format jalali", rows(lambda k: f"v,{t(k)},35.7,{51.4 + 1e-4 * k}"), "--time-format", "jalali")  # fmt: skip
ingest("Jalali with Persian digits ۱۴۰۵/۰۹/۰۲", jh + "".join(f"r01,۱۴۰۵/۰۹/۰۲,06:53:0{i},35.76{i},51.41\n" for i in range(5)), "--time-format", "jalali")  # fmt: skip
ingest("Jalali 1405-09-02 with dashes", jh + "".join(f"r01,1405-09-02,06:53:0{i},35.76{i},51.41\n" for i in range(5)), "--time-format", "jalali")  # fmt: skip
