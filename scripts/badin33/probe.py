"""badin33: hostile inputs on session 32's surfaces, one line a case, classified by hand
(scripts/badin33/classes.py): heldout32's readers (AWARE SQLite, Wialon .wln, u-blox .ubx, .ods,
NetCDF 3, `Zeitpunkt`) truncated / corrupt / empty / huge, DST local times and text offsets per
row (`trajlm data ingest` in process); `--classes auto` on odd labels; `trajlm.read` and model
calls given paths and folders; `TrajLM.reach`; `trajlm.places` / `trajlm.next_place`;
`predict(hold_stays=...)`; `check_validity(path)`; `Answer.yes` (Python); `trajlm reach` /
`places` / `next-place` / `predict --no-hold-stays` (CLI in process); HTTP `/reach`,
`/predict` `hold_stays`, `/ask` `yes` (FastAPI's TestClient, trajlm-small).
Run: PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/python scripts/badin33/probe.py [OUT_DIR]
(default /tmp/badin33/probe)
"""

from __future__ import annotations

import os
import sqlite3
import struct
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases  # noqa: E402
from ingest_cases import IngestCases  # noqa: E402

import trajlm  # noqa: E402
from trajlm.data.readers.binary_logs import ubx_message  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin33/probe")
WORDS = ("rror", "arn", "drop", "NAV-PVT", "table", "header", "unit", "sheet", "record", "line",
         "zone", "ambiguous", "exist", "offset", "valid", "no fix", "skipped", "trunc", "cut")  # fmt: skip
CASES = IngestCases(OUT / "readers", WORDS, width=3, said=420)


def ingest(name: str, data: str | bytes, *opts: str, ext: str = "csv") -> None:
    def got(df, first) -> str:
        ids = sorted(map(str, df["traj_id"].unique().to_list()))[:4]
        return f" n={df.height} ids={ids} first={first} last={df.tail(1).select('t', 'lat', 'lon').rows()}"  # fmt: skip

    CASES(name, data, ext, opts, got)


# ---- u-blox .ubx (NAV-PVT)
def pvt(sec: int, lat: float, lon: float, fix: int = 3, year: int = 2026, month: int = 6,
        raw: tuple[int, int] | None = None) -> bytes:  # fmt: skip
    lo, la = raw if raw is not None else (round(lon * 1e7), round(lat * 1e7))
    p = struct.pack("<IHBBBBBBIiBBBBiiiiIIiiiiiIIH", 0, year, month, 15, 7, 10, sec,
                    0x07 if fix else 0, 30, 0, fix, 1 if fix else 0, 0, 12,
                    lo, la, 430000, 410000, 2500, 3500, 0, 0, 0, 8000, 9000000, 400, 800000, 150)  # fmt: skip
    return ubx_message(0x01, 0x07, p + bytes(92 - len(p)))


UBX = b"".join(pvt(s, 47.37 + s * 1e-4, 8.54) for s in range(8))
ingest("ubx 8 epochs (fine)", UBX, ext="ubx")
ingest("ubx cut inside the last message", UBX[:-30], ext="ubx")
ingest("ubx empty file", b"", ext="ubx")
ingest("ubx only no-fix epochs", b"".join(pvt(s, 0.0, 0.0, fix=0) for s in range(6)), ext="ubx")
ingest("ubx every checksum wrong", b"".join(m[:-2] + b"\x00\x00" for m in (pvt(s, 47.37, 8.54) for s in range(6))), ext="ubx")  # fmt: skip
ingest("ubx lat raw 2**31-1 (214 deg)", b"".join(pvt(s, 0, 0, raw=(85400000, 2**31 - 1)) for s in range(6)), ext="ubx")  # fmt: skip
ingest("ubx month 13 in every epoch", b"".join(pvt(s, 47.37 + s * 1e-4, 8.54, month=13) for s in range(6)), ext="ubx")  # fmt: skip
ingest("ubx random bytes named .ubx", bytes(np.random.default_rng(0).integers(0, 256, 4000, dtype=np.uint8)), ext="ubx")  # fmt: skip
ingest("ubx NAV-PVT of 40 bytes (short payload)", b"".join(ubx_message(0x01, 0x07, bytes(40)) for _ in range(6)), ext="ubx")  # fmt: skip
ingest("ubx year 0 epochs among good ones", UBX + b"".join(pvt(s, 47.38, 8.54, year=0) for s in range(9, 12)), ext="ubx")  # fmt: skip

# ---- Wialon .wln
WLN = "".join(f"REG;{1775458800 + 30 * i};27.5{i}0000;{53.90 + i / 1000:.6f};42;118;ALT:210.0,pwr_ext:12.9;in1:0,,SATS:11,gsm:4;;;;\r\n" for i in range(6))  # fmt: skip
ingest("wln 6 REG lines (fine)", WLN, ext="wln")
ingest("wln last line cut after the time", WLN + "REG;1775459100;27.", ext="wln")
ingest("wln empty file", "", ext="wln")
ingest("wln time as ISO text", WLN.replace("REG;1775458890;", "REG;2026-04-06T07:01:30;"), ext="wln")  # fmt: skip
ingest("wln latitude 1e30", WLN.replace("53.902000", "1e30"), ext="wln")
ingest("wln every line lat/lon 0;0", "".join(f"REG;{1775458800 + 30 * i};0;0;0;0;;;;;\r\n" for i in range(6)), ext="wln")  # fmt: skip
ingest("wln time 0 on one line (1970)", WLN.replace("REG;1775458860;", "REG;0;"), ext="wln")
ingest("wln lines of two fields", "".join(f"REG;{1775458800 + 30 * i}\r\n" for i in range(6)), ext="wln")  # fmt: skip
ingest("wln a CSV saved as .wln", "id,time,lat,lon\n" + "".join(f"a,2026-04-06T07:0{i}:00Z,53.9{i},27.5\n" for i in range(6)), ext="wln")  # fmt: skip
ingest("wln latitude in the 3rd field (lat first, by hand)", "".join(f"REG;{1775458800 + 30 * i};{53.90 + i / 1000:.6f};27.500000;42;118;;;;;\r\n" for i in range(6)), ext="wln")  # fmt: skip


# ---- SQLite (AWARE)
def aware(path: Path, rows=None, ts_scale: float = 1.0, extra_sql: str = "") -> bytes:
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE locations (_id INTEGER PRIMARY KEY, timestamp REAL, device_id TEXT, double_latitude REAL, double_longitude REAL, accuracy INTEGER)")  # fmt: skip
    rows = rows if rows is not None else [(1767600000000.0 * ts_scale + 60000 * ts_scale * i, dev, 60.17 + i / 1000, 24.94, 10) for dev in ("dev-a", "dev-b") for i in range(6)]  # fmt: skip
    db.executemany("INSERT INTO locations VALUES (NULL, ?, ?, ?, ?, ?)", rows)
    if extra_sql:
        db.executescript(extra_sql)
    db.commit()
    db.close()
    data = path.read_bytes()
    path.unlink()
    return data


TMPDB = OUT / "tmp.db"
ingest("sqlite AWARE locations (fine)", aware(TMPDB), ext="db")
ingest("sqlite empty file (0 bytes) .db", b"", ext="db")
ingest("sqlite cut to half its bytes", aware(TMPDB)[:6000], ext="db")
ingest("sqlite locations table empty", aware(TMPDB, rows=[]), ext="db")
ingest("sqlite latitude as text '60,17'", aware(TMPDB, rows=[(1767600000000.0 + 60000 * i, "a", f"60,{17 + i}", "24,94", 10) for i in range(6)]), ext="db")  # fmt: skip
ingest("sqlite timestamp NULL everywhere", aware(TMPDB, rows=[(None, "a", 60.17 + i / 1000, 24.94, 10) for i in range(6)]), ext="db")  # fmt: skip
ingest("sqlite timestamp in seconds (not ms)", aware(TMPDB, ts_scale=1e-3), ext="db")
ingest("sqlite latitude 1e308", aware(TMPDB, rows=[(1767600000000.0 + 60000 * i, "a", 1e308 if i == 2 else 60.17, 24.94, 10) for i in range(6)]), ext="db")  # fmt: skip
ingest("sqlite two tables with latitudes (locations + gps_backup)", aware(TMPDB, extra_sql="CREATE TABLE gps_backup (timestamp REAL, device_id TEXT, double_latitude REAL, double_longitude REAL); INSERT INTO gps_backup VALUES (1767600000000, 'z', 10.0, 10.0);"), ext="db")  # fmt: skip
ingest("sqlite a text file named .db", "id,time,lat,lon\na,1,2,3\n", ext="db")
ingest("sqlite accuracy -1 on every row", aware(TMPDB, rows=[(1767600000000.0 + 60000 * i, "a", 60.17 + i / 1000, 24.94, -1) for i in range(6)]), ext="db")  # fmt: skip


# ---- .ods
def ods(rows: list[list[str]], body_extra: str = "", content: str | None = None, mimetype: bool = True) -> bytes:  # fmt: skip
    cell = lambda v: f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'  # noqa: E731  # fmt: skip
    body = "".join("<table:table-row>" + "".join(cell(v) for v in r) + "</table:table-row>" for r in rows) + body_extra  # fmt: skip
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')  # fmt: skip
    xml = content if content is not None else (f"<office:document-content {ns}><office:body><office:spreadsheet>"
                                               f'<table:table table:name="P">{body}</table:table></office:spreadsheet></office:body></office:document-content>')  # fmt: skip
    p = OUT / "tmp.ods"
    with zipfile.ZipFile(p, "w") as z:
        if mimetype:
            z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        if xml is not False:
            z.writestr("content.xml", xml)
    data = p.read_bytes()
    p.unlink()
    return data


OR = [["Vehicle", "Date/Time (UTC)", "Latitude", "Longitude"]] + [[f"FR-{k}", f"2026-09-14T07:0{i}:00", f"45.7{i}", "4.84"] for k in (1, 2) for i in range(5)]  # fmt: skip
ingest("ods (fine)", ods(OR), ext="ods")
ingest("ods cut to half its bytes", ods(OR)[: len(ods(OR)) // 2], ext="ods")
ingest("ods zip without content.xml", ods(OR, content=False), ext="ods")
ingest("ods content.xml not XML", ods(OR, content="<office:document-content><oops"), ext="ods")
ingest("ods header row only", ods(OR[:1]), ext="ods")
ingest("ods latitude 1e308 in one row", ods([OR[0]] + [[a, b, "1e308" if j == 3 else c, d] for j, (a, b, c, d) in enumerate(OR[1:])]), ext="ods")  # fmt: skip
ingest("ods a row repeated 10**6 times (data, not blank)", ods(OR, body_extra='<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="string"><text:p>FR-9</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>2026-09-14T08:00:00</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>45.7</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>4.84</text:p></table:table-cell></table:table-row>'), ext="ods")  # fmt: skip
ingest("ods an empty zip", ods(OR, content=False, mimetype=False), ext="ods")
ingest("ods entity bomb in content.xml", ods(OR, content='<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]><x>&f;</x>'), ext="ods")  # fmt: skip


# ---- NetCDF 3
def nc(*, n_obs: int = 7, units: bytes | None = b"minutes since 2026-07-01T00:00:00Z", lat_val=None,
       rowsize=(3, 4), fill_all: bool = False) -> bytes:  # fmt: skip
    from scipy.io import netcdf_file

    p = OUT / "tmp.nc"
    f = netcdf_file(p, "w", version=2)
    f.featureType = b"trajectory"
    for dim, n in (("trajectory", 2), ("strlen", 4), ("obs", n_obs)):
        f.createDimension(dim, n)
    ids = f.createVariable("trajectory", "c", ("trajectory", "strlen"))
    ids[:], ids.cf_role = np.array([list("1031"), list("1038")], dtype="S1"), b"trajectory_id"
    size = f.createVariable("rowSize", "i", ("trajectory",))
    size[:] = np.array(rowsize, dtype="i4")
    size.sample_dimension = b"obs"
    v = f.createVariable("time", "d", ("obs",))
    v[:] = np.arange(n_obs) * 5.0
    if units is not None:
        v.units = units
    v._FillValue = 9.96921e36
    for name, u, base in (("lat", b"degrees_north", 36.5), ("lon", b"degrees_east", -123.5)):
        v = f.createVariable(name, "d", ("obs",))
        v[:] = base + np.arange(n_obs) / 1000
        if fill_all:
            v[:] = 9.96921e36
        if name == "lat" and lat_val is not None:
            v[2] = lat_val
        v.units = u
        v._FillValue = 9.96921e36
    f.close()
    data = p.read_bytes()
    p.unlink()
    return data


ingest("nc3 ragged (fine)", nc(), ext="nc")
ingest("nc3 cut to half its bytes", nc()[: len(nc()) // 2], ext="nc")
ingest("nc3 empty file", b"", ext="nc")
ingest("nc3 time without units", nc(units=None), ext="nc")
ingest("nc3 time units 'fortnights since never'", nc(units=b"fortnights since never"), ext="nc")
ingest("nc3 a latitude 1e30 (not the fill value)", nc(lat_val=1e30), ext="nc")
ingest("nc3 every position the fill value", nc(fill_all=True), ext="nc")
ingest("nc3 rowSize sums to 9 of 7 obs", nc(rowsize=(5, 4)), ext="nc")
ingest("nc3 rowSize negative", nc(rowsize=(-3, 10)), ext="nc")
ingest("nc3 time units in days since 1-1-1", nc(units=b"days since 0001-01-01 00:00:00"), ext="nc")

# ---- German TSV with Zeitpunkt; DST
ZP = "Tracker\tZeitpunkt\tBreitengrad\tLängengrad\n" + "".join(f"GT-{k}\t0{i + 1}.12.2026 08:15:0{i}\t52,52{i}\t13,40{k}\n" for k in (1, 2) for i in range(5))  # fmt: skip
ingest("Zeitpunkt (fine)", ZP, ext="tsv")
ingest("Zeitpunkt 24:00:00 on one row", ZP.replace("02.12.2026 08:15:01", "02.12.2026 24:00:00"), ext="tsv")  # fmt: skip
ingest("Zeitpunkt Breitengrad text 'k.A.'", ZP.replace("52,521", "k.A."), ext="tsv")
ingest("Zeitpunkt only dates (no clock)", ZP.replace(" 08:15:0", "").replace("\t52", "x\t52").replace("x\t", "\t"), ext="tsv")  # fmt: skip
ingest("Zeitpunkt cut inside the last row", ZP[:-8], ext="tsv")
ingest("Zeitpunkt with MEZ/MESZ words", ZP.replace(":00\t", ":00 MEZ\t").replace(":01\t", ":01 MESZ\t"), ext="tsv")  # fmt: skip
DSTA = "id,time,lat,lon\n" + "".join(f"v,2026-10-25 0{h}:{m:02d}:00,52.5{k},13.4\n" for k, (h, m) in enumerate([(1, 50), (2, 10), (2, 30), (2, 50), (2, 10), (2, 30), (3, 10)]))  # fmt: skip
ingest("DST --tz Europe/Berlin, the repeated hour 02:10 twice (ambiguous)", DSTA, "--tz", "Europe/Berlin")  # fmt: skip
DSTN = "id,time,lat,lon\n" + "".join(f"v,2026-03-29 0{h}:{m:02d}:00,52.5{k},13.4\n" for k, (h, m) in enumerate([(1, 40), (1, 50), (2, 10), (2, 30), (3, 10), (3, 20)]))  # fmt: skip
ingest("DST --tz Europe/Berlin, 02:10 / 02:30 that never happened", DSTN, "--tz", "Europe/Berlin")  # fmt: skip
DSTO = "id,time,lat,lon\n" + "".join(f"v,{t},52.5{k},13.4\n" for k, t in enumerate(["2026-10-25T02:40:00+02:00", "2026-10-25T02:50:00+02:00", "2026-10-25T02:10:00+01:00", "2026-10-25T02:20:00+01:00", "2026-10-25T02:30:00+01:00"]))  # fmt: skip
ingest("DST offsets per row across the change (+02 then +01)", DSTO)
ingest("DST offsets per row, one row +25:00", DSTO.replace("02:10:00+01:00", "02:10:00+25:00"))
ingest("DST naive and offset rows mixed", DSTO.replace("02:20:00+01:00", "02:20:00"))
ingest("DST offsets per row with --tz also given", DSTO, "--tz", "America/New_York")
ingest("ubx NAV-PVT of 84 bytes (u-blox 7, protocol 14)", b"".join(ubx_message(0x01, 0x07, pvt(s, 47.37 + s * 1e-4, 8.54)[6:-2][:84]) for s in range(6)), ext="ubx")  # fmt: skip

# ---- --classes auto / store on odd labels (finetune's own calls, no training)
from trajlm.eval.classify import make_mode_segments  # noqa: E402
from trajlm.eval.classify_notes import (  # noqa: E402,E501  # fmt: skip
    class_map_for,
    dropped_classes,
    dropped_line,
    resolved_classes,
    too_few_classes,
)

say = Cases(got=300, warn=170, warn_total=700, flush=True)
say.n = CASES.n


def labelled(labels: list[str | None], n: int = 24) -> pl.DataFrame:
    return pl.DataFrame([{"traj_id": f"t{i}", "t": 1772359200 + 10 * k, "lat": 41.15 + 1e-4 * k, "lon": -8.61 + 1e-4 * k * (i + 1), "label": lab}
                         for i, lab in enumerate(labels) for k in range(n)])  # fmt: skip


def classes_case(labels: list[str | None], source: str | None = "csv", classes: str = "auto"):
    def run() -> str:
        df = labelled(labels)
        cls, said = resolved_classes(classes, df, source)
        cmap = class_map_for(cls, df)
        seg, _ = make_mode_segments(df, cmap, min_points=10)
        problem = too_few_classes(df, seg, cls, "--data S")
        if problem:
            raise ValueError(problem)
        got = sorted(seg["label"].unique().to_list())
        return f"classes={cls} -> {got} said={said!r:.120} drop={dropped_line(dropped_classes(df, seg, cmap))!r:.150}"  # fmt: skip

    return run


say("classes auto: walk / bike / bus (csv diary, fine)", classes_case(["walk", "bike", "bus"] * 2))
say("classes auto: one label only (van)", classes_case(["van"] * 6))
say("classes auto: 'Walk', 'walk ', 'WALK' + bike", classes_case(["Walk", "walk ", "WALK", "bike", "bike", "Walk"]))  # fmt: skip
say("classes auto, no source: 'Car ', ' bus' (GeoLife names padded)", classes_case(["Car ", " bus", "Car ", " bus"], source=None))  # fmt: skip
say("classes auto, no source: 'TAXI' and 'Subway'", classes_case(["TAXI", "Subway", "TAXI", "Subway"], source=None))  # fmt: skip
say("classes auto: labels '' and '  ' among real ones", classes_case(["", "  ", "van", "bike", "van", "bike"]))  # fmt: skip
say("classes auto: all labels null", classes_case([None] * 6))
say("classes store: 'van' and 'van\\t'", classes_case(["van", "van\t", "van", "van\t"], classes="store"))  # fmt: skip
say("classes auto: numeric-looking labels '1', '01', '1.0'", classes_case(["1", "01", "1.0", "1", "01", "1.0"]))  # fmt: skip
say("classes auto, geolife source: 'Walk' and 'Bus' capitalised", classes_case(["Walk", "Bus", "Car", "Bus"], source="geolife"))  # fmt: skip

# ---- trajlm.read and model calls given paths / folders
P = OUT / "paths"
P.mkdir(parents=True, exist_ok=True)
CSV = "id,time,lat,lon\n" + "".join(f"a,2026-03-01T10:{k // 4:02d}:{(k % 4) * 15:02d}Z,41.15,{-8.61 + 0.0015 * k:.4f}\n" for k in range(10))  # fmt: skip
(P / "ok.csv").write_text(CSV)
(P / "empty_dir").mkdir(exist_ok=True)
imgs = P / "images"
imgs.mkdir(exist_ok=True)
for i in range(3):
    (imgs / f"IMG_{i}.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(200))
mixed = P / "mixed"
mixed.mkdir(exist_ok=True)
(mixed / "a.csv").write_text(CSV)
(mixed / "b.gpx").write_text('<?xml version="1.0"?><gpx version="1.1" creator="x" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>' + "".join(f'<trkpt lat="41.16" lon="{-8.61 + 1e-3 * k}"><time>2026-03-01T11:0{k}:00Z</time></trkpt>' for k in range(6)) + "</trkseg></trk></gpx>")  # fmt: skip
(mixed / "notes.txt").write_text("hello\n")
(mixed / "c.jsonl").write_text("".join(f'{{"id":"c","ts":"2026-03-01T12:0{k}:00Z","lat":41.17,"lon":{-8.61 + 1e-3 * k}}}\n' for k in range(6)))  # fmt: skip
loop = P / "loop"
loop.mkdir(exist_ok=True)
if not (loop / "self").exists():
    os.symlink(loop, loop / "self")
(loop / "a.csv").write_text(CSV)
loop2 = P / "loop2"
loop2.mkdir(exist_ok=True)
for a, b in (("x", "y"), ("y", "x")):
    if not (loop2 / a).is_symlink():
        os.symlink(loop2 / b, loop2 / a)
unread = P / "unreadable.csv"
unread.write_text(CSV)
unread.chmod(0)
writing = P / "store_being_written"
writing.mkdir(exist_ok=True)
(writing / "points.parquet.tmp").write_bytes(b"PAR1")
(writing / ".lock").write_text("12345")
half_store = P / "half_store"
half_store.mkdir(exist_ok=True)
(half_store / "manifest.json").write_text('{"splits": {"train": 0.8}')
(P / "dir.csv").mkdir(exist_ok=True)
(P / "dangling.csv").unlink(missing_ok=True)
os.symlink(P / "gone.csv", P / "dangling.csv")
(P / "bom_empty.csv").write_bytes(b"\xef\xbb\xbf")
lm = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
RD = lambda p, **kw: lambda: (lambda d: f"{d.shape} {d.columns} {d.head(2).rows()}")(trajlm.read(p, **kw))  # noqa: E731  # fmt: skip
say("read a CSV (fine)", RD(P / "ok.csv"))
say("read an empty folder", RD(P / "empty_dir"))
say("read a folder of .jpg images", RD(imgs))
say("read a folder of mixed kinds (csv, gpx, jsonl, txt)", RD(mixed))
say("read a folder with a symlink to itself", RD(loop))
say("read a symlink loop x -> y -> x", RD(loop2 / "x"))
say("read an unreadable file (chmod 0)", RD(unread))
say("read a store being written (.tmp, .lock)", RD(writing))
say("read a store with a cut manifest.json", RD(half_store))
say("read a folder named dir.csv", RD(P / "dir.csv"))
say("read a dangling symlink", RD(P / "dangling.csv"))
say("read a file of only a BOM", RD(P / "bom_empty.csv"))
say("read path as bytes b'ok.csv'", RD(str(P / "ok.csv").encode()))
say("read path '' (empty string)", RD(""))
say("read on_error=True", RD(P / "ok.csv", on_error=True))
say("read /dev/null", RD("/dev/null"))
say("read the porto store folder (fine)", lambda: trajlm.read("/tmp/stores/porto").shape)
say("read a store's points.parquet directly", lambda: trajlm.read(next(Path("/tmp/stores/porto").glob("*.parquet"))).shape)  # fmt: skip
PP = lambda p, **kw: lambda: lm.predict(p, steps=1, **kw).head(2).rows()  # noqa: E731
say("predict(path to a CSV) (fine)", PP(str(P / "ok.csv")))
say("predict(Path of an empty folder)", PP(P / "empty_dir"))
say("predict(folder of images)", PP(imgs))
say("predict(symlink loop)", PP(loop2 / "x"))
say("predict(unreadable file)", PP(unread))
say("predict(a store being written)", PP(writing))
say("predict(path with traj_col= naming no column)", PP(str(P / "ok.csv"), traj_col="nope"))
say("predict(path with lat_col='lon', lon_col='lat')", PP(str(P / "ok.csv"), lat_col="lon", lon_col="lat"))  # fmt: skip
say("predict(a path string with ~)", PP("~/no_such_trajlm_file.csv"))
say("predict(a URL)", PP("https://example.com/x.csv"))
say("reach(path to a folder of mixed kinds)", lambda: lm.reach(mixed, (41.16, -8.60), horizon_s=300).head(3).rows())  # fmt: skip
say("places(path to a CSV)", lambda: trajlm.places(str(P / "ok.csv")))
say("embed(folder of images)", lambda: lm.embed(imgs))
say("check_validity(path) (fine)", lambda: trajlm.check_validity(str(P / "ok.csv")).head(2).rows())  # fmt: skip
say("check_validity(empty folder)", lambda: trajlm.check_validity(P / "empty_dir"))
say("check_validity(folder of images)", lambda: trajlm.check_validity(imgs))
say("check_validity(unreadable file)", lambda: trajlm.check_validity(unread))
say("check_validity(dangling symlink)", lambda: trajlm.check_validity(P / "dangling.csv"))
say(
    "check_validity(path, per='trip')", lambda: trajlm.check_validity(str(P / "ok.csv"), per="trip")
)
say("check_validity(path, mode='rocket')", lambda: trajlm.check_validity(str(P / "ok.csv"), mode="rocket"))  # fmt: skip
say("check_validity(a .ubx path)", lambda: trajlm.check_validity(CASES.out / "001.ubx").shape)
say("check_validity(store path)", lambda: trajlm.check_validity("/tmp/stores/porto", per="trajectory").shape)  # fmt: skip

# ---- TrajLM.reach
T0 = 1772359200
car = pl.DataFrame({"traj_id": ["a"] * 8, "t": [T0 + 15 * k for k in range(8)], "lat": [41.15] * 8, "lon": [-8.61 + 0.0015 * k for k in range(8)]})  # fmt: skip
ahead = (41.15, -8.61 + 0.0015 * 12)
R = lambda to, d=car, **kw: lambda: lm.reach(d, to, **kw).to_dicts()[:2]  # noqa: E731
say("reach 600 m ahead (fine)", R(ahead))
say("reach a target 20,000 km away (antipode)", R((-41.15, 171.39)))
say("reach horizon_s=0", R(ahead, horizon_s=0))
say("reach horizon_s=1 (under one step)", R(ahead, horizon_s=1))
say("reach horizon_s=-60", R(ahead, horizon_s=-60))
say("reach data a path of one point", R(ahead, d=car.head(1)))
say("reach data two points at the same time", R(ahead, d=car.head(2).with_columns(t=pl.lit(T0))))  # fmt: skip
say("reach data all at one place (parked)", R(ahead, d=car.with_columns(lon=pl.lit(-8.61))))
say("reach data a heading column NaN", R(ahead, d=car.with_columns(heading=pl.lit(float("nan")))))  # fmt: skip
say("reach data a heading column 720", R(ahead, d=car.with_columns(heading=pl.lit(720.0))))
say("reach data cog text 'N'", R(ahead, d=car.with_columns(cog=pl.lit("N"))))
say("reach data in EPSG:3763 with crs=, to in degrees", R(ahead, d=car.with_columns(lat=pl.lit(164000.0) + 0.0, lon=pl.lit(-40000.0) + pl.int_range(8) * 126.0), crs="EPSG:3763"))  # fmt: skip
say("reach data in degrees, to in metres (EPSG:3763 pair)", R((164000.0, -38000.0)))
say("reach data crs='EPSG:4326' given, to a frame in EPSG:3857", R(pd.DataFrame({"x": [-958000.0], "y": [5034000.0]})))  # fmt: skip
say("reach to GeoDataFrame in EPSG:3857", lambda: __import__("geopandas") and lm.reach(car, __import__("geopandas").GeoDataFrame({"stop": ["s"]}, geometry=__import__("geopandas").points_from_xy([-956000.0], [5034000.0]), crs="EPSG:3857")).to_dicts()[:1])  # fmt: skip
say("reach route=None", R(ahead, route=None))
say("reach route='no'", R(ahead, route="no"))
say("reach memory= a path that does not exist", R(ahead, memory="/tmp/badin33/no_such_memory.csv"))  # fmt: skip
say("reach memory= an empty frame", R(ahead, memory=car.head(0)))
say("reach memory= the data itself", R(ahead, memory=car))
say("reach memory= frame of other column names (VehicleRef)", R(ahead, memory=car.rename({"traj_id": "VehicleRef"})))  # fmt: skip
say("reach memory= a list", R(ahead, memory=[1, 2, 3]))
say("reach to a target at the 180 meridian from a ship at 179.99", R((0.0, -179.99), d=car.with_columns(lat=pl.lit(0.0), lon=179.98 + pl.int_range(8) * 0.0015)))  # fmt: skip
say("reach to a pole (90, 0)", R((90.0, 0.0)))
say("reach step_s=horizon_s exactly", R(ahead, horizon_s=600, step_s=600))
say("reach data times out of order", R(ahead, d=car.reverse()))
say("reach radius_m=inf", R(ahead, radius_m=float("inf")))
say("reach data a mover with 3 trips, stop on the 1st trip's path", R(ahead, d=pl.concat([car.with_columns(t=pl.col("t") - 86400 * k, traj_id=pl.lit(f"r{k}")) for k in range(3)]).with_columns(vehicle_id=pl.lit("V"))))  # fmt: skip


# ---- trajlm.places / trajlm.next_place
def day(
    mover: str, d: int, legs: list[tuple[float, float, int]], t0: int = 1772323200
) -> list[dict]:
    """Fixes every 60 s: stays at (lat, lon) for minutes, with 10-min moves between them."""
    rows, t = [], t0 + 86400 * d + 7 * 3600
    prev = None
    for lat, lon, minutes in legs:
        if prev is not None:
            for k in range(1, 10):
                rows.append({"user_id": mover, "t": t, "lat": prev[0] + (lat - prev[0]) * k / 10, "lon": prev[1] + (lon - prev[1]) * k / 10})  # fmt: skip
                t += 60
        for _ in range(minutes):
            rows.append({"user_id": mover, "t": t, "lat": lat, "lon": lon})
            t += 60
        prev = (lat, lon)
    return rows


HOME, WORK, GYM = (52.37, 4.89, 60), (52.39, 4.92, 60), (52.35, 4.95, 30)
week = pl.DataFrame([r for d in range(5) for r in day("P1", d, [HOME, WORK, GYM if d % 2 else WORK, HOME])])  # fmt: skip


def shown(o) -> str:
    """An answer's shape and first rows, Polars or pandas."""
    o = pl.from_pandas(o) if isinstance(o, pd.DataFrame) else o
    return f"{o.shape} {o.head(3).rows()}"


def PLC(d, **kw):  # noqa: N802
    return lambda: shown(trajlm.places(d, **kw))


def NXT(d, **kw):  # noqa: N802
    return lambda: shown(trajlm.next_place(d, **kw))


say("places a 5-day week (fine)", PLC(week))
say("next_place a 5-day week (fine)", NXT(week))
say("places one stay only", PLC(pl.DataFrame(day("P1", 0, [HOME]))))
say("next_place one stay only", NXT(pl.DataFrame(day("P1", 0, [HOME]))))
say("places no stays (always moving)", PLC(car))
say("next_place one mover, two places, one move", NXT(pl.DataFrame(day("P1", 0, [HOME, WORK]))))
say("places times shuffled", PLC(week.sample(fraction=1.0, shuffle=True, seed=1)))
say("next_place times shuffled", NXT(week.sample(fraction=1.0, shuffle=True, seed=1)))
say("places duplicate rows (every fix twice)", PLC(pl.concat([week, week])))
say("next_place ties (two places equally likely)", NXT(pl.DataFrame([r for d in range(4) for r in day("P1", d, [HOME, WORK if d % 2 else GYM, HOME])])))  # fmt: skip
say("places radius_m=0", PLC(week, radius_m=0))
say("places radius_m=-1", PLC(week, radius_m=-1))
say("places radius_m=1e7 (all one place)", PLC(week, radius_m=1e7))
say("places radius_m='250'", PLC(week, radius_m="250"))
say("next_place k=0", NXT(week, k=0))
say("next_place k=100 (more than places)", NXT(week, k=100))
say("next_place k=2.0", NXT(week, k=2.0))
say("next_place pseudo_count=0", NXT(week, pseudo_count=0))
say("next_place time_of_day='yes'", NXT(week, time_of_day="yes"))
say("next_place local_tz='CEST'", NXT(week, local_tz="CEST"))
say("next_place local_tz='+02:00'", NXT(week, local_tz="+02:00"))
say("next_place local_tz='Europe/Amsterdam', time_of_day", NXT(week, local_tz="Europe/Amsterdam", time_of_day=True))  # fmt: skip
say("places pandas datetime tz-aware", PLC(week.to_pandas().assign(t=lambda x: pd.to_datetime(x["t"], unit="s", utc=True).dt.tz_convert("Europe/Amsterdam"))))  # fmt: skip
say("places a NaN lat row in a stay", PLC(week.with_columns(lat=pl.when(pl.int_range(pl.len()) == 30).then(float("nan")).otherwise(pl.col("lat")))))  # fmt: skip
say("places accuracy column 5000 m everywhere", PLC(week.with_columns(accuracy=pl.lit(5000.0))))
say("places accuracy column text 'high'", PLC(week.with_columns(accuracy=pl.lit("high"))))
say("places accuracy column negative", PLC(week.with_columns(accuracy=pl.lit(-5.0))))
say("places empty frame", PLC(week.head(0)))
say("places with a trip column and user_id (mover by user)", PLC(week.with_columns(traj_id=pl.lit("trip1"))))  # fmt: skip
say("next_place two movers, one with no stay", NXT(pl.concat([week, car.rename({"traj_id": "user_id"}).with_columns(user_id=pl.lit("P2"))], how="diagonal")))  # fmt: skip
say("places t in ms", PLC(week.with_columns(t=pl.col("t") * 1000)))
say("places typo keyword radius=100", PLC(week, radius=100))
study = week.with_columns(trip_id=pl.format("P1-d{}", ((pl.col("t") - 1772323200) // 86400))).rename({"user_id": "participant_id"})  # fmt: skip
say("places a study keyed by trip_id beside participant_id", PLC(study))
say("next_place a study keyed by trip_id beside participant_id", NXT(study))
say("places a store-like frame: traj_id pieces + user_id", PLC(study.rename({"trip_id": "traj_id", "participant_id": "user_id"})))  # fmt: skip
say("next_place every fix accuracy 5000 m", NXT(week.with_columns(accuracy=pl.lit(5000.0))))

# ---- predict(hold_stays=...): a stay at the end, odd accuracies
stay = pl.DataFrame({"traj_id": ["p"] * 20, "t": [T0 + 60 * k for k in range(20)], "lat": [52.37 + (1e-3 * k if k < 6 else 6e-3) for k in range(20)], "lon": [4.89] * 20})  # fmt: skip


def HS(d=stay, **kw):  # noqa: N802
    return lambda: (
        lm.predict(d, steps=1, **kw).select("lat", "lon", "std_m", pl.col("^engine$")).rows()
    )


say("hold_stays default on a 14-min stay (fine)", HS())
say("hold_stays=False", HS(hold_stays=False))
say("hold_stays='false' (text)", HS(hold_stays="false"))
say("hold_stays=0", HS(hold_stays=0))
say("hold_stays=None", HS(hold_stays=None))
say("hold_stays=np.bool_(False)", HS(hold_stays=np.bool_(False)))
say("hold_stays: a stay at the very last fix only (one fix there)", HS(d=stay.head(7)))
say("hold_stays: accuracy NaN on the stay", HS(d=stay.with_columns(accuracy=pl.lit(float("nan")))))
say("hold_stays: accuracy negative", HS(d=stay.with_columns(accuracy=pl.lit(-10.0))))
say("hold_stays: accuracy text '5 m'", HS(d=stay.with_columns(accuracy=pl.lit("5 m"))))
say("hold_stays: accuracy text 'good'", HS(d=stay.with_columns(accuracy=pl.lit("good"))))
say("hold_stays: accuracy 300 on the last fix only", HS(d=stay.with_columns(accuracy=pl.when(pl.int_range(pl.len()) == 19).then(300.0).otherwise(5.0))))  # fmt: skip
say("hold_stays: accuracy 300 on every fix", HS(d=stay.with_columns(accuracy=pl.lit(300.0))))
say("hold_stays with latest=True", HS(latest=True))
say("hold_stays with at_times 2 h later", lambda: lm.predict(stay, at_times=[T0 + 19 * 60 + 7200]).select("lat", "lon", "std_m", pl.col("^engine$")).rows())  # fmt: skip

# ---- Answer.yes
from trajlm.questions import ask as _ask  # noqa: E402

fleet = pl.DataFrame([{"vehicle_id": v, "traj_id": f"{v}-{d}", "t": T0 + 86400 * d + 60 * k, "lat": 41.15 + 1e-3 * k, "lon": -8.61} for v in ("VAN-07", "VAN-08") for d in range(2) for k in range(10)])  # fmt: skip


def Y(q):  # noqa: N802
    return lambda: (lambda a: f"yes={a.yes!r} :: {str(a)[:140]!r}")(_ask(q, fleet, planner="rules"))


say("yes: 'Was VAN-07 out?' (fine)", Y("Was VAN-07 out?"))
say("yes: 'How many trips are there?' (not yes/no)", Y("How many trips are there?"))
say("yes: 'Is it true that there are 4 trips?'", Y("Is it true that there are 4 trips?"))
say("yes: 'Which van drove the most?'", Y("Which van drove the most?"))
say("yes: 'Did VAN-99 go out?' (no such van)", Y("Did VAN-99 go out?"))
say("yes: 'Were there more than 100 trips?'", Y("Were there more than 100 trips?"))
say("yes: 'Was VAN-07 or VAN-08 out?'", Y("Was VAN-07 or VAN-08 out?"))
say("yes: 'Did no van go out?' (negated)", Y("Did no van go out?"))

# ---- the CLI in process: trajlm reach / places / next-place / predict --no-hold-stays
from typer.testing import CliRunner  # noqa: E402

from trajlm.cli import app  # noqa: E402


def cli(*args: str):
    def run() -> str:
        res = CliRunner().invoke(app, list(args))
        lines = [ln.strip() for ln in res.output.splitlines() if ln.strip()]
        exc = ("" if res.exception is None or isinstance(res.exception, SystemExit)
               else f" EXC {type(res.exception).__name__}: {str(res.exception)[:120]}")  # fmt: skip
        return f"exit={res.exit_code}{exc} :: " + " / ".join(ln for ln in lines if "rror" in ln or "arn" in ln or "wrote" in ln or "stay" in ln)[:700]  # fmt: skip

    return run


C = OUT / "cli"
C.mkdir(parents=True, exist_ok=True)
car.write_csv(C / "car.csv")
week.write_csv(C / "week.csv")
stay.write_csv(C / "stay.csv")
(C / "stops.csv").write_text("stop_id,stop_lat,stop_lon\n0045,41.15,-8.592\n")
(C / "stops_bad.csv").write_text("stop_id,stop_lat,stop_lon\n0045,north,-8.592\n")
(C / "stops_empty.csv").write_text("stop_id,stop_lat,stop_lon\n")
(C / "stops_nolat.csv").write_text("stop_id,name\n0045,Main\n")
M = ("--model", "trajlm-small", "--threads", "1")
say("CLI reach --to (fine)", cli("reach", *M, "--input", str(C / "car.csv"), "--to", "41.15,-8.592", "--out", str(C / "r1.csv"), "--overwrite"))  # fmt: skip
say("CLI reach --to-file stops.txt (fine)", cli("reach", *M, "--input", str(C / "car.csv"), "--to-file", str(C / "stops.csv"), "--out", str(C / "r2.csv"), "--overwrite"))  # fmt: skip
say("CLI reach --to '41.15 -8.592' (space)", cli("reach", *M, "--input", str(C / "car.csv"), "--to", "41.15 -8.592", "--out", str(C / "r3.csv"), "--overwrite"))  # fmt: skip
say("CLI reach --to '41.15,-8.592;' (trailing ;)", cli("reach", *M, "--input", str(C / "car.csv"), "--to", "41.15,-8.592;", "--out", str(C / "r4.csv"), "--overwrite"))  # fmt: skip
say("CLI reach --to '91,0'", cli("reach", *M, "--input", str(C / "car.csv"), "--to", "91,0", "--out", str(C / "r5.csv"), "--overwrite"))  # fmt: skip
say("CLI reach --to 'nan,nan'", cli("reach", *M, "--input", str(C / "car.csv"), "--to", "nan,nan", "--out", str(C / "r6.csv"), "--overwrite"))  # fmt: skip
say("CLI reach --horizon-s 0", cli("reach", *M, "--input", str(C / "car.csv"), "--to", "41.15,-8.592", "--horizon-s", "0", "--out", str(C / "r7.csv"), "--overwrite"))  # fmt: skip
say("CLI reach --to-file with text lat", cli("reach", *M, "--input", str(C / "car.csv"), "--to-file", str(C / "stops_bad.csv"), "--out", str(C / "r8.csv"), "--overwrite"))  # fmt: skip
say("CLI reach --to-file empty", cli("reach", *M, "--input", str(C / "car.csv"), "--to-file", str(C / "stops_empty.csv"), "--out", str(C / "r9.csv"), "--overwrite"))  # fmt: skip
say("CLI reach --to-file without lat/lon columns", cli("reach", *M, "--input", str(C / "car.csv"), "--to-file", str(C / "stops_nolat.csv"), "--out", str(C / "r10.csv"), "--overwrite"))  # fmt: skip
say("CLI reach --to-file a folder", cli("reach", *M, "--input", str(C / "car.csv"), "--to-file", str(imgs), "--out", str(C / "r11.csv"), "--overwrite"))  # fmt: skip
say("CLI reach --memory an empty folder", cli("reach", *M, "--input", str(C / "car.csv"), "--to", "41.15,-8.592", "--memory", str(P / "empty_dir"), "--out", str(C / "r12.csv"), "--overwrite"))  # fmt: skip
say("CLI reach --input a symlink loop", cli("reach", *M, "--input", str(loop2 / "x"), "--to", "41.15,-8.592", "--out", str(C / "r13.csv"), "--overwrite"))  # fmt: skip
say("CLI reach --out the --to-file itself", cli("reach", *M, "--input", str(C / "car.csv"), "--to-file", str(C / "stops.csv"), "--out", str(C / "stops.csv"), "--overwrite"))  # fmt: skip
say("CLI places (fine)", cli("places", "--input", str(C / "week.csv"), "--out", str(C / "pl1.csv"), "--overwrite"))  # fmt: skip
say("CLI places on a moving car (no stays)", cli("places", "--input", str(C / "car.csv"), "--out", str(C / "pl2.csv"), "--overwrite"))  # fmt: skip
say("CLI places --radius-m 0", cli("places", "--input", str(C / "week.csv"), "--radius-m", "0", "--out", str(C / "pl3.csv"), "--overwrite"))  # fmt: skip
say("CLI places --radius-m nan", cli("places", "--input", str(C / "week.csv"), "--radius-m", "nan", "--out", str(C / "pl4.csv"), "--overwrite"))  # fmt: skip
say("CLI places --input empty folder", cli("places", "--input", str(P / "empty_dir"), "--out", str(C / "pl5.csv"), "--overwrite"))  # fmt: skip
say("CLI places --out .json", cli("places", "--input", str(C / "week.csv"), "--out", str(C / "pl6.json"), "--overwrite"))  # fmt: skip
say("CLI places --traj-col nope", cli("places", "--input", str(C / "week.csv"), "--traj-col", "nope", "--out", str(C / "pl7.csv"), "--overwrite"))  # fmt: skip
say("CLI next-place (fine)", cli("next-place", "--input", str(C / "week.csv"), "--out", str(C / "np1.csv"), "--overwrite"))  # fmt: skip
say("CLI next-place --k 0", cli("next-place", "--input", str(C / "week.csv"), "--k", "0", "--out", str(C / "np2.csv"), "--overwrite"))  # fmt: skip
say("CLI next-place --local-tz Mars/Olympus", cli("next-place", "--input", str(C / "week.csv"), "--local-tz", "Mars/Olympus", "--out", str(C / "np3.csv"), "--overwrite"))  # fmt: skip
say("CLI next-place --pseudo-count -1", cli("next-place", "--input", str(C / "week.csv"), "--pseudo-count", "-1", "--out", str(C / "np4.csv"), "--overwrite"))  # fmt: skip
say("CLI next-place one stay only", cli("next-place", "--input", str(C / "stay.csv"), "--out", str(C / "np5.csv"), "--overwrite"))  # fmt: skip
say("CLI next-place --split val on a CSV", cli("next-place", "--input", str(C / "week.csv"), "--split", "val", "--out", str(C / "np6.csv"), "--overwrite"))  # fmt: skip
say("CLI predict --no-hold-stays (fine)", cli("predict", *M, "--input", str(C / "stay.csv"), "--steps", "1", "--no-hold-stays", "--out", str(C / "ph1.csv"), "--overwrite"))  # fmt: skip
say("CLI predict on a stay (held, said)", cli("predict", *M, "--input", str(C / "stay.csv"), "--steps", "1", "--out", str(C / "ph2.csv"), "--overwrite"))  # fmt: skip
say("CLI predict --hold-stays=false", cli("predict", *M, "--input", str(C / "stay.csv"), "--steps", "1", "--hold-stays=false", "--out", str(C / "ph3.csv"), "--overwrite"))  # fmt: skip
say("CLI predict --no-hold-stays --no-fallback", cli("predict", *M, "--input", str(C / "stay.csv"), "--steps", "1", "--no-hold-stays", "--no-fallback", "--out", str(C / "ph4.csv"), "--overwrite"))  # fmt: skip

# ---- HTTP (TestClient)
from fastapi.testclient import TestClient  # noqa: E402

from trajlm.serve.app import create_app  # noqa: E402

web = Cases(got=260, describe=lambda r: f"HTTP {r.status_code} {r.text}", flush=True)
web.n = say.n
client = TestClient(create_app(lm), raise_server_exceptions=False).__enter__()
rows = [{"vehicle_id": "V1", "t": T0 + 15 * k, "lat": 41.15, "lon": -8.61 + 0.0015 * k} for k in range(8)]  # fmt: skip
RE = lambda body: lambda: client.post("/reach", json={"trajectories": rows, **body})  # noqa: E731
web("/reach (fine)", RE({"to": [list(ahead)]}))
web("/reach to [] (none)", RE({"to": []}))
web("/reach to [[41.15]] (one number)", RE({"to": [[41.15]]}))
web("/reach to [[-8.592, 41.15]] (swapped)", RE({"to": [[-8.592, 41.15]]}))
web("/reach to objects with id", RE({"to": [{"lat": 41.15, "lon": -8.592, "id": "0045"}]}))
web("/reach to mixed pairs and objects", RE({"to": [[41.15, -8.592], {"lat": 41.15, "lon": -8.59}]}))  # fmt: skip
web("/reach horizon_s 0", RE({"to": [list(ahead)], "horizon_s": 0}))
web("/reach horizon_s '600' (text)", RE({"to": [list(ahead)], "horizon_s": "600"}))
web("/reach radius_m true", RE({"to": [list(ahead)], "radius_m": True}))
web("/reach step_s 0.001", RE({"to": [list(ahead)], "step_s": 0.001}))
web("/reach route 'false' (text)", RE({"to": [list(ahead)], "route": "false"}))
web("/reach one point of history", lambda: client.post("/reach", json={"trajectories": rows[:1], "to": [list(ahead)]}))  # fmt: skip
web("/reach memory field (not served)", RE({"to": [list(ahead)], "memory": "/tmp/stores/porto"}))
web("/reach to 10,001 points", RE({"to": [list(ahead)] * 10001}))
web("/reach heading NaN text in rows", lambda: client.post("/reach", json={"trajectories": [{**r, "heading": "NaN"} for r in rows], "to": [list(ahead)]}))  # fmt: skip
srows = [{"vehicle_id": "P", "t": T0 + 60 * k, "lat": 52.37 + (1e-3 * k if k < 6 else 6e-3), "lon": 4.89} for k in range(20)]  # fmt: skip
PR = lambda body: lambda: client.post("/predict", json={"trajectories": srows, "steps": 1, **body})  # noqa: E731
web("/predict on a stay (held, said)", PR({}))
web("/predict hold_stays false", PR({"hold_stays": False}))
web("/predict hold_stays 'false' (text)", PR({"hold_stays": "false"}))
web("/predict hold_stays 0", PR({"hold_stays": 0}))
web("/predict hold_stays null", PR({"hold_stays": None}))
web("/predict rows' accuracy 'NaN' text", lambda: client.post("/predict", json={"trajectories": [{**r, "accuracy": "NaN"} for r in srows], "steps": 1}))  # fmt: skip
web("/predict rows' accuracy -5", lambda: client.post("/predict", json={"trajectories": [{**r, "accuracy": -5} for r in srows], "steps": 1}))  # fmt: skip
web("/predict rows' accuracy 'good'", lambda: client.post("/predict", json={"trajectories": [{**r, "accuracy": "good"} for r in srows], "steps": 1}))  # fmt: skip
frows = [{"vehicle_id": v, "traj_id": f"{v}-{d}", "t": T0 + 86400 * d + 60 * k, "lat": 41.15 + 1e-3 * k, "lon": -8.61} for v in ("VAN-07", "VAN-08") for d in range(2) for k in range(10)]  # fmt: skip
AS = lambda q: lambda: client.post("/ask", json={"question": q, "rows": frows})  # noqa: E731
web("/ask 'Was VAN-07 out?' yes (fine)", AS("Was VAN-07 out?"))
web("/ask 'How many trips?' yes null", AS("How many trips are there?"))
web("/ask 'Is it true that there are 4 trips?'", AS("Is it true that there are 4 trips?"))
web("/ask 'Which van drove the most?'", AS("Which van drove the most?"))
web("/ask 'Did VAN-99 go out?'", AS("Did VAN-99 go out?"))
web("/ask 'Were there more than 100 trips?'", AS("Were there more than 100 trips?"))
