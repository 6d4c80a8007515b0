"""badin31: hostile files on session 30's readers (aligned text, HTML tables saved as .xls, wide
lat_<id> / lon_<id> tables, Signal K deltas, `--time-format jalali`, other languages' month
names) beyond badin30's cases, and values users really get wrong in any table (units, swapped
columns, times in the future / far past, duplicated rows, NaN / inf text, empty files, huge ids,
mixed zones). Each case writes a tiny file and reads it with `trajlm data ingest`
(scripts/ingest_cases.py), one line a case; classified by hand (scripts/badin31/classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin31/readers.py [OUT_DIR]   (default /tmp/badin31/readers)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ingest_cases import IngestCases  # noqa: E402

WORDS = ("rror", "arn", "drop", "zone", "line", "pairs", "jalali", "Hijri", "month", "table",
         "Signal", "no points", "wide", "swap", "future", "dupl", "year", "unit")  # fmt: skip
CASES = IngestCases(
    Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin31/readers"), WORDS, width=3, said=520
)


def ingest(name: str, data: str | bytes, *opts: str, ext: str = "csv") -> None:
    def got(df, first) -> str:
        last = df.tail(1).select("t", "lat", "lon").rows()
        ids = sorted(df["traj_id"].unique().to_list())[:4]
        return f" n={df.height} ids={ids} first={first} last={last}"

    CASES(name, data, ext, opts, got)


def rows(cell, header: str = "id,time,lat,lon", n: int = 12) -> str:
    return header + "\n" + "".join(cell(k) + "\n" for k in range(n))


def t(k: int) -> str:
    return f"2026-03-01 10:00:{k * 4:02d}"


# ---- aligned text (heldout30's reader)
al = "".join(f"{'A1':>4} 2026-11-01 10:5{i}:00 {48.2 + i / 1e3:>9.4f} {-122.4:>9.4f}\n" for i in range(6))  # fmt: skip
ingest("aligned: west longitudes (fine)", f"{'id':>4} Date Time {'Lat':>9} {'Lon':>9}\n" + al, ext="txt")  # fmt: skip
ingest("aligned: Lon column before Lat", f"{'id':>4} Date Time {'Lon':>9} {'Lat':>9}\n" + "".join(f"{'A1':>4} 2026-11-01 10:5{i}:00 {-122.4:>9.4f} {48.2 + i / 1e3:>9.4f}\n" for i in range(6)), ext="txt")  # fmt: skip
ingest("aligned: a footer 'Total 6 rows'", f"{'id':>4} Date Time {'Lat':>9} {'Lon':>9}\n" + al + "Total 6 rows\n", ext="txt")  # fmt: skip
ingest("aligned: header 'DateTime' one word over two fields", f"{'id':>4} DateTime {'Lat':>9} {'Lon':>9}\n" + al, ext="txt")  # fmt: skip
ingest("aligned: -9999 in a lat", f"{'id':>4} Date Time {'Lat':>9} {'Lon':>9}\n" + al.replace("48.2020", "-9999", 1), ext="txt")  # fmt: skip
ingest("aligned: .dat with only 5 rows (below the sample)", f"{'id':>4} Date Time {'Lat':>9} {'Lon':>9}\n" + "".join(al.splitlines(True)[:4]), ext="dat")  # fmt: skip
ingest("aligned: glued columns '48.2000-122.4000'", "id Date Time LatLon\n" + "".join(f"A1 2026-11-01 10:5{i}:00 {48.2 + i / 1e3:.4f}{-122.4:.4f}\n" for i in range(6)), ext="txt")  # fmt: skip
ingest("aligned: NaN text in lon", f"{'id':>4} Date Time {'Lat':>9} {'Lon':>9}\n" + al.replace("-122.4000", "NaN", 1), ext="txt")  # fmt: skip


# ---- HTML tables as .xls (heldout30)
def html(rows_: list[str], head: str = "<tr><th>Vehicle</th><th>Date/Time</th><th>Latitude</th><th>Longitude</th></tr>") -> str:  # fmt: skip
    return "<html><body><table>" + head + "\n" + "\n".join(rows_) + "</table></body></html>"


hr = [f"<tr><td>W1</td><td>01.12.2026 07:5{i}:00</td><td>{48.16 + i * 1e-3}</td><td>16.39</td></tr>" for i in range(5)]  # fmt: skip
ingest("HTML: Longitude column first", html([f"<tr><td>W1</td><td>01.12.2026 07:5{i}:00</td><td>16.39</td><td>{48.16 + i * 1e-3}</td></tr>" for i in range(5)], "<tr><th>Vehicle</th><th>Date/Time</th><th>Longitude</th><th>Latitude</th></tr>"), ext="xls")  # fmt: skip
ingest("HTML: decimal commas '48,161'", html([r.replace(f"{48.16 + i * 1e-3}", f"{48.16 + i * 1e-3:.3f}".replace(".", ",")) for i, r in enumerate(hr)]), ext="xls")  # fmt: skip
ingest("HTML: a tfoot totals row", html(hr).replace("</table>", "<tfoot><tr><td>Total</td><td>5 fixes</td><td></td><td></td></tr></tfoot></table>"), ext="xls")  # fmt: skip
ingest("HTML: colspan in a row", html(hr + ['<tr><td colspan="4">Ignition off</td></tr>']), ext="xls")  # fmt: skip
ingest("HTML: .htm suffix", html(hr), ext="htm")
ingest("HTML .xls saved as UTF-16", html(hr).encode("utf-16"), ext="xls")
ingest("HTML: dd.mm.yyyy where day 13+ (no ambiguity)", html([f"<tr><td>W1</td><td>13.12.2026 07:5{i}:00</td><td>{48.16 + i * 1e-3}</td><td>16.39</td></tr>" for i in range(5)]), ext="xls")  # fmt: skip
ingest("HTML: an empty <table></table>", "<html><body><table></table></body></html>", ext="xls")  # fmt: skip


# ---- wide lat_<id> / lon_<id> (heldout30)
def wide(head: str, cell) -> str:
    return head + "\n" + "".join(f"2026-01-08 07:3{i}:00," + cell(i) + "\n" for i in range(5))


ingest("wide: lon_ before lat_ per pair", wide("time," + ",".join(f"lon_{c},lat_{c}" for c in (1, 2, 3)), lambda i: ",".join(f"45.9{i},23.{c}{i}" for c in (1, 2, 3))))  # fmt: skip
ingest("wide: <id>_lat / <id>_lon", wide("time," + ",".join(f"{c}_lat,{c}_lon" for c in ("a", "b", "c")), lambda i: ",".join(f"23.{c}{i},45.9{i}" for c in (1, 2, 3))))  # fmt: skip
ingest("wide: lat_1 twice", wide("time,lat_1,lon_1,lat_1,lon_2,lat_3,lon_3", lambda i: ",".join(f"23.{c}{i},45.9{i}" for c in (1, 2, 3))))  # fmt: skip
ingest("wide: one mover's values swapped (lat 45, lon 23 -> lat 145?)", wide("time," + ",".join(f"lat_{c},lon_{c}" for c in (1, 2, 3)), lambda i: ",".join((f"145.9{i},23.1{i}" if c == 2 else f"23.{c}{i},45.9{i}") for c in (1, 2, 3))))  # fmt: skip
ingest("wide: 40 movers", wide("time," + ",".join(f"lat_{c},lon_{c}" for c in range(40)), lambda i: ",".join(f"23.{c:02d}{i},45.9{i}" for c in range(40))))  # fmt: skip
ingest("wide: no time column", "".join([",".join(f"lat_{c},lon_{c}" for c in (1, 2, 3)) + "\n"] + [",".join(f"23.{c}{i},45.9{i}" for c in (1, 2, 3)) + "\n" for i in range(5)]))  # fmt: skip
ingest("wide: a mover's lat empty, lon given", wide("time," + ",".join(f"lat_{c},lon_{c}" for c in (1, 2, 3)), lambda i: ",".join((f",45.9{i}" if c == 3 else f"23.{c}{i},45.9{i}") for c in (1, 2, 3))))  # fmt: skip
ingest("wide: ';' separator and decimal commas", wide("time;" + ";".join(f"lat_{c};lon_{c}" for c in (1, 2, 3)), lambda i: ";".join(f"23,{c}{i};45,9{i}" for c in (1, 2, 3))).replace("07:3", "07:3").replace(",", ";", 0).replace("2026-01-08 07:3", "2026-01-08 07:3"))  # fmt: skip
# ---- Signal K (heldout30)
MM = "vessels.urn:mrn:imo:mmsi:235071200"


def delta(ctx, s: int, pos, ts: str | None = None, path: str = "navigation.position") -> str:
    upd = {
        "timestamp": ts or f"2026-05-04T05:30:{s:02d}.000Z",
        "values": [{"path": path, "value": pos}],
    }
    return json.dumps({"context": ctx, "updates": [upd]} if ctx is not None else {"updates": [upd]})


P = lambda s: {"longitude": 6.72 + s * 1e-4, "latitude": 53.87}  # noqa: E731
ingest("Signal K: two vessels interleaved", "\n".join(delta(MM if s % 10 else MM.replace("235071200", "235000001"), s, P(s)) for s in range(0, 40, 5)), ext="jsonl")  # fmt: skip
ingest("Signal K: timestamps going backwards", "\n".join(delta(MM, 40 - s, P(s)) for s in range(0, 40, 5)), ext="jsonl")  # fmt: skip
ingest("Signal K: only speed deltas, no position", "\n".join(delta(MM, s, 3.2, path="navigation.speedOverGround") for s in range(0, 40, 5)), ext="jsonl")  # fmt: skip
ingest("Signal K: no context (self)", "\n".join(delta(None, s, P(s)) for s in range(0, 40, 5)), ext="jsonl")  # fmt: skip
ingest("Signal K: a JSON array of deltas", "[" + ",".join(delta(MM, s, P(s)) for s in range(0, 40, 5)) + "]", ext="json")  # fmt: skip
ingest("Signal K: updates null on a line", "\n".join(delta(MM, s, P(s)) for s in range(0, 40, 5)) + '\n{"context": "x", "updates": null}', ext="jsonl")  # fmt: skip
ingest("Signal K: position with latitude as a string", "\n".join(delta(MM, s, {"longitude": 6.72 + s * 1e-4, "latitude": "53.87"}) for s in range(0, 40, 5)), ext="jsonl")  # fmt: skip
ingest("Signal K: timestamp epoch number", "\n".join(delta(MM, s, P(s), ts=1777872600 + s) for s in range(0, 40, 5)), ext="jsonl")  # fmt: skip
ingest("Signal K: duplicated deltas (same time twice)", "\n".join(delta(MM, s, P(s)) for s in (0, 5, 5, 10, 15, 20, 25, 30)), ext="jsonl")  # fmt: skip
# ---- --time-format jalali (heldout30)
jh = "runner,date,time,lat,lng\n"
ingest("jalali: datetime in one column '1405/09/02 06:53:00'", "runner,when,lat,lng\n" + "".join(f"r01,1405/09/02 06:53:0{i},35.76{i},51.41\n" for i in range(5)), "--time-format", "jalali")  # fmt: skip
ingest("jalali: 2-digit years '05/09/02'", jh + "".join(f"r01,05/09/02,06:53:0{i},35.76{i},51.41\n" for i in range(5)), "--time-format", "jalali")  # fmt: skip
ingest("jalali: times with +03:30", jh + "".join(f"r01,1405/09/02,06:53:0{i}+03:30,35.76{i},51.41\n" for i in range(5)), "--time-format", "jalali")  # fmt: skip
ingest("jalali on an epoch column", "id,t,lat,lon\n" + "".join(f"r,{1772359200 + i},35.76{i},51.41\n" for i in range(5)), "--time-format", "jalali")  # fmt: skip
ingest("--time-format julian (unknown word)", jh + "".join(f"r01,1405/09/02,06:53:0{i},35.76{i},51.41\n" for i in range(5)), "--time-format", "julian")  # fmt: skip
ingest("jalali year 1300 (1921 AD, far past)", jh + "".join(f"r01,1300/01/01,06:53:0{i},35.76{i},51.41\n" for i in range(5)), "--time-format", "jalali")  # fmt: skip
ingest("jalali with --tz Asia/Tehran", jh + "".join(f"r01,1405/09/02,06:53:0{i},35.76{i},51.41\n" for i in range(5)), "--time-format", "jalali", "--tz", "Asia/Tehran")  # fmt: skip
# ---- month names (heldout30)
ingest("English 'Mar 3, 2026 10:00:04'", rows(lambda k: f'v,"Mar 3, 2026 10:00:{k * 4:02d}",40.4,{-3.7 + 1e-4 * k}'))  # fmt: skip
ingest("Portuguese '3 de março de 2026'", rows(lambda k: f"v,3 de março de 2026 10:00:{k * 4:02d},38.7,{-9.1 + 1e-4 * k}"))  # fmt: skip
ingest("Oracle '03-MAR-26 10.00.04'", rows(lambda k: f"v,03-MAR-26 10.00.{k * 4:02d},40.4,{-3.7 + 1e-4 * k}"))  # fmt: skip
ingest("Spanish and English months mixed in one column", rows(lambda k: f"v,{10 + k}-{'ene' if k % 2 else 'Jan'}-2026 10:00:00,40.4,{-3.7 + 1e-4 * k}"))  # fmt: skip
ingest("'Sept' abbreviation", rows(lambda k: f"v,3-Sept-2026 10:00:{k * 4:02d},40.4,{-3.7 + 1e-4 * k}"))  # fmt: skip
ingest("Italian 'gen' + 'set' (Jan / Sep)", rows(lambda k: f"v,{1 + k}-{'gen' if k < 6 else 'set'}-2026 10:00:00,41.9,{12.5 + 1e-4 * k}"))  # fmt: skip
ingest("German weekday + month 'Mo, 2. März 2026'", rows(lambda k: f'v,"Mo, 2. März 2026 10:00:{k * 4:02d}",48.1,{11.5 + 1e-4 * k}'))  # fmt: skip
# ---- values users get wrong in any table
ingest("a 0-byte .csv", "")
ingest("a BOM only", b"\xef\xbb\xbf")
ingest("lat / lon columns swapped (Tokyo: 'lat' 139.7)", rows(lambda k: f"v,{t(k)},{139.76 + 1e-4 * k},35.68"))  # fmt: skip
ingest("times in 2099", rows(lambda k: f"v,2099-03-01 10:00:{k * 4:02d},41.15,{-8.61 + 1e-4 * k}"))  # fmt: skip
ingest("times in 1900", rows(lambda k: f"v,1900-03-01 10:00:{k * 4:02d},41.15,{-8.61 + 1e-4 * k}"))  # fmt: skip
ingest("every row twice (exact duplicates)", "id,time,lat,lon\n" + "".join(f"v,{t(k)},41.15,{-8.61 + 1e-4 * k}\n" * 2 for k in range(10)))  # fmt: skip
ingest("same time, two positions 5 km apart", rows(lambda k: f"v,{t(k if k != 5 else 4)},41.15,{-8.61 + 1e-4 * k + (0.06 if k == 5 else 0)}"))  # fmt: skip
ingest("'NaN' text in lat on one row", rows(lambda k: f"v,{t(k)},{'NaN' if k == 3 else 41.15},{-8.61 + 1e-4 * k}"))  # fmt: skip
ingest("'-inf' text in lon on one row", rows(lambda k: f"v,{t(k)},41.15,{'-inf' if k == 3 else -8.61 + 1e-4 * k}"))  # fmt: skip
ingest("ids past int64 (12345678901234567890123)", rows(lambda k: f"{12345678901234567890123 + (k // 6)},{t(k)},41.15,{-8.61 + 1e-4 * k}"))  # fmt: skip
ingest("ids 1.0 and 1 (one id or two?)", rows(lambda k: f"{'1.0' if k < 6 else '1'},{t(k)},41.15,{-8.61 + 1e-4 * k}"))  # fmt: skip
ingest("offsets +01:00 and +02:00 (a DST change)", rows(lambda k: f"v,2026-03-29T0{1 if k < 6 else 3}:00:{k * 4:02d}{'+01:00' if k < 6 else '+02:00'},52.5,{13.4 + 1e-4 * k}"))  # fmt: skip
ingest("epoch seconds mixed with epoch ms", rows(lambda k: f"v,{(1772359200 + 4 * k) * (1000 if k % 2 else 1)},41.15,{-8.61 + 1e-4 * k}", "id,t,lat,lon"))  # fmt: skip
ingest("radians (0.7182, -0.1503)", rows(lambda k: f"v,{t(k)},0.71820,{-0.15027 + 2e-6 * k}"))  # fmt: skip
ingest("latitude '41°09'N' DMS text", rows(lambda k: f"v,{t(k)},41°09'N,8°36'W"))  # fmt: skip
ingest("a header row repeated mid-file", rows(lambda k: f"v,{t(k)},41.15,{-8.61 + 1e-4 * k}" if k != 6 else "id,time,lat,lon"))  # fmt: skip
ingest("time '24:00:00'", rows(lambda k: f"v,2026-03-01 {'24:00:00' if k == 11 else f'23:59:{k * 4:02d}'},41.15,{-8.61 + 1e-4 * k}"))  # fmt: skip
ingest("Feb 29 in 2026 (no leap year)", rows(lambda k: f"v,2026-02-29 10:00:{k * 4:02d},41.15,{-8.61 + 1e-4 * k}"))  # fmt: skip
ingest("speed 300 m/s jump in one row (a teleport)", rows(lambda k: f"v,{t(k)},{41.15 + (1.0 if k == 6 else 0)},{-8.61 + 1e-4 * k}"))  # fmt: skip
ingest("lat 0 lon 0 rows (null island)", rows(lambda k: f"v,{t(k)},{0 if k in (2, 3) else 41.15},{0 if k in (2, 3) else -8.61 + 1e-4 * k}"))  # fmt: skip
ingest("--tz Mars/Olympus", rows(lambda k: f"v,{t(k)},41.15,{-8.61 + 1e-4 * k}"), "--tz", "Mars/Olympus")  # fmt: skip
ingest("--tz and --utc-offset together", rows(lambda k: f"v,{t(k)},41.15,{-8.61 + 1e-4 * k}"), "--tz", "Europe/Lisbon", "--utc-offset", "1")  # fmt: skip
ingest("--utc-offset 30 (past 14)", rows(lambda k: f"v,{t(k)},41.15,{-8.61 + 1e-4 * k}"), "--utc-offset", "30")  # fmt: skip
ingest("--lat-col that does not exist", rows(lambda k: f"v,{t(k)},41.15,{-8.61 + 1e-4 * k}"), "--lat-col", "latitude")  # fmt: skip
ingest("--lat-col and --lon-col the same column", rows(lambda k: f"v,{t(k)},41.15,{-8.61 + 1e-4 * k}"), "--lat-col", "lat", "--lon-col", "lat")  # fmt: skip
