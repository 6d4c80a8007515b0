"""badin33b: hostile inputs on session 33's own new surfaces, one line a case, classified by
hand (docs/reliability.md "Session 33 (badin33b)"): reach's keyed targets (`to` with a `van_id`
column), HTTP `/reach` targets with `traj_id`, `trajlm serve --reach-memory`, `places` /
`next_place(stop_minutes=)` and `--stop-minutes`, `trajlm.read(path, format=)`, `trajlm data
ingest STORE...`, `region=` partition ids, a renamed column across files, heldout33's readers
(MAVLink .tlog, Tacview, CZML, gpsd, InfluxDB long tables, .bz2 / .xz, geohash, Java dates)
truncated / corrupt / empty, and ask's new words.
Run: PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/python scripts/badin33b/probe.py [OUT_DIR]
(default /tmp/badin33b/probe)
"""

from __future__ import annotations

import bz2
import json
import lzma
import shutil
import struct
import sys
from pathlib import Path

import pandas as pd
import polars as pl
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases  # noqa: E402

import trajlm  # noqa: E402
from trajlm.cli import app  # noqa: E402
from trajlm.data.readers.flight_logs import mavlink_packet  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin33b/probe")
shutil.rmtree(OUT, ignore_errors=True)
OUT.mkdir(parents=True)
say = Cases(got=260, warn=260, flush=True)
WORDS = ("rror", "arn", "drop", "wrote", "stay", "read", "partition", "column", "store", "line")


def cli(*args: str):
    def run() -> str:
        res = CliRunner().invoke(app, [str(a) for a in args])
        lines = [ln.strip() for ln in res.output.splitlines() if ln.strip()]
        exc = ("" if res.exception is None or isinstance(res.exception, SystemExit)
               else f" EXC {type(res.exception).__name__}: {str(res.exception)[:160]}")  # fmt: skip
        return f"exit={res.exit_code}{exc} :: " + " / ".join(ln for ln in lines if any(w in ln for w in WORDS))[:600]  # fmt: skip

    return run


def held(store: Path) -> str:
    df = trajlm.read(store)
    ids = sorted(map(str, df["traj_id"].unique().to_list()))
    return f"n={df.height} ids={ids[:6]}{'...' if len(ids) > 6 else ''}"


def ingest(name: str, inputs: list, *opts: str) -> None:
    out = OUT / f"st{say.n + 1:03d}"

    def run() -> str:
        got = cli("data", "ingest", *inputs, "--out", out, *opts)()
        return got + (" || " + held(out) if got.startswith("exit=0") and out.exists() else "")

    say(name, run)


def write(name: str, data: str | bytes) -> Path:
    p = OUT / "files" / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data if isinstance(data, bytes) else data.encode())
    return p


T0 = 1772359200
rows = [(v, T0 + 15 * k, 41.15, -8.61 + 0.0015 * k + (0.01 if v == "V2" else 0)) for v in ("V1", "V2") for k in range(8)]  # fmt: skip
live = pl.DataFrame(rows, schema=["van_id", "t", "lat", "lon"], orient="row")
stops = pl.DataFrame({"van_id": ["V1", "V2"], "stop_id": ["s1", "s2"], "lat": [41.15, 41.15], "lon": [-8.592, -8.582]})  # fmt: skip
lm = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)


def R(to, d=live, **kw):  # noqa: N802
    def run():
        o = lm.reach(d, to=to, **kw)
        o = pl.from_pandas(o) if isinstance(o, pd.DataFrame) else o
        return f"{o.height} rows {o.columns} {o.head(3).rows()}"

    return run


# ---- 1. reach with keyed targets
say("reach keyed (fine)", R(stops))
say("reach keyed, pandas", R(stops.to_pandas(), d=live.to_pandas()))
say("reach key ints vs text ids", R(stops.with_columns(van_id=pl.Series([1, 2])), d=live.with_columns(van_id=pl.col("van_id").str.slice(1).cast(pl.Int64).cast(pl.Utf8))))  # fmt: skip
say("reach key int ids vs int data ids", R(stops.with_columns(van_id=pl.Series([1, 2])), d=live.with_columns(van_id=pl.col("van_id").str.slice(1).cast(pl.Int64))))  # fmt: skip
say("reach key float 1.0 vs int data ids", R(stops.with_columns(van_id=pl.Series([1.0, 2.0])), d=live.with_columns(van_id=pl.col("van_id").str.slice(1).cast(pl.Int64))))  # fmt: skip
say("reach key text '1' vs int data ids", R(stops.with_columns(van_id=pl.Series(["1", "2"])), d=live.with_columns(van_id=pl.col("van_id").str.slice(1).cast(pl.Int64))))  # fmt: skip
say("reach key NaN (pandas float)", R(stops.to_pandas().assign(van_id=[float("nan"), float("nan")]), d=live.to_pandas()))  # fmt: skip
say("reach key None (polars null)", R(stops.with_columns(van_id=pl.lit(None, pl.Utf8))))
say("reach key '' (empty text)", R(stops.with_columns(van_id=pl.lit(""))))
say("reach key ' V1 ' (padded)", R(stops.with_columns(van_id=pl.Series([" V1 ", "V2"]))))
say("reach key 'v1' (case)", R(stops.with_columns(van_id=pl.Series(["v1", "V2"]))))
say("reach key matching no van", R(stops.with_columns(van_id=pl.lit("V9"))))
say("reach duplicated stop rows", R(pl.concat([stops, stops])))
say("reach key a list column", R(stops.with_columns(van_id=pl.Series([["V1"], ["V2"]]))))
say("reach key bool column", R(stops.with_columns(van_id=pl.Series([True, False]))))
say("reach to keyed by vehicle_id beside trip data", R(stops.rename({"van_id": "vehicle_id"}), d=live.with_columns(vehicle_id=pl.col("van_id"), van_id=pl.format("{}-trip", "van_id")).rename({"van_id": "trip_id"})))  # fmt: skip
say("reach to column 't' (the data's time)", R(stops.with_columns(t=pl.lit(5))))
say("reach to column 'lat' twice-ish: 'Lat' and 'lat'", R(stops.with_columns(Lat=pl.lit(0.0))))
say("reach keyed, no stop_id", R(stops.drop("stop_id")))
say("reach key col 'traj_id' while data uses van_id", R(stops.rename({"van_id": "traj_id"})))
say("reach to empty keyed frame", R(stops.head(0)))
say("reach key NaN lat in a keyed row", R(stops.with_columns(lat=pl.Series([float("nan"), 41.15]))))
say("reach keyed, data ids with '/' (north/V1)", R(stops.with_columns(van_id=pl.format("north/{}", "van_id")), d=live.with_columns(van_id=pl.format("north/{}", "van_id"))))  # fmt: skip

# ---- 2. HTTP /reach traj_id, --reach-memory
from fastapi.testclient import TestClient  # noqa: E402

from trajlm.serve import ServeSettings, create_app  # noqa: E402

web = Cases(got=260, describe=lambda r: f"HTTP {r.status_code} {r.text}", flush=True)
web.n = say.n
client = TestClient(create_app(lm), raise_server_exceptions=False).__enter__()
hrows = [{"vehicle_id": v, "t": t, "lat": la, "lon": lo} for v, t, la, lo in rows]
RE = lambda to, **b: lambda: client.post("/reach", json={"trajectories": hrows, "to": to, **b})  # noqa: E731
web("/reach traj_id (fine)", RE([{"lat": 41.15, "lon": -8.592, "traj_id": "V1"}]))
web("/reach traj_id null (every van)", RE([{"lat": 41.15, "lon": -8.592, "traj_id": None}]))
web("/reach traj_id unknown", RE([{"lat": 41.15, "lon": -8.592, "traj_id": "V9"}]))
web("/reach traj_id int 1", RE([{"lat": 41.15, "lon": -8.592, "traj_id": 1}]))
web("/reach traj_id '' ", RE([{"lat": 41.15, "lon": -8.592, "traj_id": ""}]))
web("/reach traj_id a list", RE([{"lat": 41.15, "lon": -8.592, "traj_id": ["V1"]}]))
web("/reach traj_id on some targets, pairs for others", RE([{"lat": 41.15, "lon": -8.592, "traj_id": "V1"}, [41.15, -8.58]]))  # fmt: skip
web("/reach traj_id duplicated targets", RE([{"lat": 41.15, "lon": -8.592, "traj_id": "V1", "id": "a"}] * 2))  # fmt: skip
web("/reach traj_id with rows keyed by traj_id", lambda: client.post("/reach", json={"trajectories": [{**r, "traj_id": r.pop("vehicle_id")} for r in [dict(x) for x in hrows]], "to": [{"lat": 41.15, "lon": -8.592, "traj_id": "V2"}]}))  # fmt: skip
web(
    "/reach vehicle_id key instead of traj_id",
    RE([{"lat": 41.15, "lon": -8.592, "vehicle_id": "V1"}]),
)
say.n = web.n
mem = live.rename({"van_id": "traj_id"}).with_columns(t=pl.col("t") - 86400)
mem.write_csv(write("mem.csv", ""))
mem.with_columns(lat=pl.lit(164000.0), lon=pl.lit(-40000.0) + pl.int_range(16) * 100.0).write_csv(write("mem_3763.csv", ""))  # fmt: skip
mem.with_columns(lat=pl.col("lat") + 10).write_csv(write("mem_far.csv", ""))
write("mem_empty.csv", "traj_id,t,lat,lon\n")
write("mem_zero.csv", "")
(OUT / "files" / "empty_dir").mkdir()


def serve_memory(path) -> str:
    from trajlm.cli import load_reach_memory

    m = load_reach_memory(Path(path))
    c = TestClient(create_app(lm, ServeSettings(reach_memory=m)), raise_server_exceptions=False)
    r = c.post("/reach", json={"trajectories": hrows, "to": [[41.15, -8.592]]})
    return f"HTTP {r.status_code} {r.text[:200]}"


def SM(path):  # noqa: N802
    def run():
        try:
            return serve_memory(path)
        except SystemExit as e:
            return f"exit {e.code}"

    return run


say("serve --reach-memory a CSV (fine)", SM(OUT / "files/mem.csv"))
say("serve --reach-memory missing file", SM(OUT / "files/nope.csv"))
say("serve --reach-memory header only", SM(OUT / "files/mem_empty.csv"))
say("serve --reach-memory 0-byte file", SM(OUT / "files/mem_zero.csv"))
say("serve --reach-memory empty folder", SM(OUT / "files/empty_dir"))
say("serve --reach-memory in EPSG:3763 metres", SM(OUT / "files/mem_3763.csv"))
say("serve --reach-memory another city (10 deg north)", SM(OUT / "files/mem_far.csv"))
say("serve --reach-memory the porto store", SM("/tmp/stores/porto"))

# ---- 3. places / next_place stop_minutes
week = []
for d in range(5):
    t = T0 + 86400 * d
    for lat, lon, mins in ((52.37, 4.89, 60), (52.39, 4.92, 60), (52.37, 4.89, 30)):
        for k in range(mins):
            week.append(("P1", t + 60 * k, lat, lon))
        t += 60 * mins
        for k in range(10):
            week.append(("P1", t + 60 * k, lat + 0.002 * k, lon))
        t += 600
week = pl.DataFrame(week, schema=["user_id", "t", "lat", "lon"], orient="row")
for v in (0, -1, float("nan"), float("inf"), 1e9, "5", "five", None, True, 0.01, 2):
    say(f"places stop_minutes={v!r}", lambda v=v: trajlm.places(week, stop_minutes=v).shape)
    say(f"next_place stop_minutes={v!r}", lambda v=v: trajlm.next_place(week, stop_minutes=v).shape)
week.write_csv(write("week.csv", ""))
for v in ("0", "-1", "nan", "inf", "1e9", "five", "2"):
    say(f"CLI places --stop-minutes {v}", cli("places", "--input", OUT / "files/week.csv", "--stop-minutes", v, "--out", OUT / f"pl{say.n}.csv"))  # fmt: skip
say("CLI next-place --stop-minutes nan", cli("next-place", "--input", OUT / "files/week.csv", "--stop-minutes", "nan", "--out", OUT / "np1.csv"))  # fmt: skip
say("CLI next-place --stop-minutes 1e9", cli("next-place", "--input", OUT / "files/week.csv", "--stop-minutes", "1e9", "--out", OUT / "np2.csv"))  # fmt: skip

# ---- 4. trajlm.read(path, format=)
csv = write("a.csv", "traj_id,t,lat,lon\n" + "".join(f"a,{T0 + 10 * k},41.15,{-8.61 + 1e-4 * k}\n" for k in range(6)))  # fmt: skip
for fmt in ("csv", "CSV", " csv", "gpx", "parquet", "json", "nope", "", None, 3, "csv.bz2", "geojson"):  # fmt: skip
    say(f"read(a.csv, format={fmt!r})", lambda f=fmt: trajlm.read(csv, format=f).shape)
say("read(folder, format='csv')", lambda: trajlm.read(csv.parent, format="csv").shape)
say("read(store, format='csv')", lambda: trajlm.read("/tmp/stores/geolife", format="csv").shape)

# ---- 5. ingest STORE...
s1, s2 = OUT / "s1", OUT / "s2"
cli("data", "ingest", csv, "--out", s1)()
write("b.csv", "traj_id,t,lat,lon,speed\n" + "".join(f"b,{T0 + 10 * k},41.16,{-8.61 + 1e-4 * k},3\n" for k in range(6)))  # fmt: skip
cli("data", "ingest", OUT / "files/b.csv", "--out", s2)()
ingest("ingest two stores (fine)", [s1, s2])
ingest("ingest the same store twice", [s1, s1])
ingest("ingest a store and a CSV", [s1, OUT / "files/b.csv"])
ingest("ingest a store and its own source CSV", [s1, csv])
ingest("ingest stores with different columns (speed)", [s2, s1])
partial = OUT / "partial"
shutil.copytree(s1, partial)
(partial / "manifest.json").unlink(missing_ok=True)
ingest("ingest a store being written (no manifest)", [partial])
broken = OUT / "broken"
shutil.copytree(s1, broken)
for p in broken.rglob("*.parquet"):
    if "points" in str(p):
        p.write_bytes(p.read_bytes()[:50])
        break
ingest("ingest a store with a cut part file", [broken])
ingest("ingest a store with --on-error skip", [s1], "--on-error", "skip")
say("ingest --out the input store", cli("data", "ingest", s1, "--out", s1))
ingest("ingest a store with --split-at-stops", [s1], "--split-at-stops")

# ---- 6. region= partitions and renamed columns
P = OUT / "lake"


def lake(files: dict[str, str]) -> Path:
    root = P / f"l{say.n + 1}"
    for rel, text in files.items():
        f = root / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)
    return root


def day(vid: str, lat: float, col: str = "vehicle_id", t0: int = T0) -> str:
    return f"{col},ts,lat,lon\n" + "".join(f"{vid},{t0 + 10 * k},{lat},{-8.61 + 1e-4 * k}\n" for k in range(6))  # fmt: skip


ingest("region= two values (fine)", [lake({"region=north/d.csv": day("V1", 41.1), "region=south/d.csv": day("V1", 38.7)})])  # fmt: skip
ingest("region= one value", [lake({"region=north/d.csv": day("V1", 41.1)})])
ingest("region= nested keys (region/depot)", [lake({"region=n/depot=a/d.csv": day("V1", 41.1), "region=n/depot=b/d.csv": day("V1", 41.2), "region=s/depot=a/d.csv": day("V1", 38.7)})])  # fmt: skip
ingest("region= date keys only", [lake({"date=2026-03-01/d.csv": day("V1", 41.1), "date=2026-03-02/d.csv": day("V1", 41.1, t0=T0 + 86400)})])  # fmt: skip
ingest("region= ids already holding '/'", [lake({"region=a/d.csv": day("b/V1", 41.1), "region=a/depot=b/d.csv": day("V1", 41.2, t0=T0)})])  # fmt: skip
ingest("region= value with spaces/unicode", [lake({"region=Nord Ost/d.csv": day("V1", 41.1), "region=Süd/d.csv": day("V1", 38.7)})])  # fmt: skip
ingest("region= empty value 'region='", [lake({"region=/d.csv": day("V1", 41.1), "region=x/d.csv": day("V1", 38.7)})])  # fmt: skip
ingest("region= key with two '=' (a=b=c)", [lake({"a=b=c/d.csv": day("V1", 41.1), "a=b=d/d.csv": day("V1", 38.7)})])  # fmt: skip
ingest("region= in the file name", [lake({"region=north.csv": day("V1", 41.1), "region=south.csv": day("V1", 38.7)})])  # fmt: skip
ingest("region= numeric values (zone=1, zone=2)", [lake({"zone=1/d.csv": day("V1", 41.1), "zone=2/d.csv": day("V1", 38.7)})])  # fmt: skip
ingest("region= dates as a non-time key (batch_id=2026...)", [lake({"src=2026-03-01/d.csv": day("V1", 41.1), "src=2026-03-02/d.csv": day("V1", 38.7)})])  # fmt: skip
ingest("region= two files given by name", [lake({"region=north/d.csv": day("V1", 41.1), "region=south/d.csv": day("V1", 38.7)}) / "region=north/d.csv", P / f"l{say.n + 1}" / "region=south/d.csv"])  # fmt: skip
ingest("renamed id column in a later file (unit_id)", [lake({"d1.csv": day("V1", 41.1), "d2.csv": day("V1", 41.1, col="unit_id", t0=T0 + 86400)})])  # fmt: skip
ingest("renamed id column: two candidates (unit_id + device)", [lake({"d1.csv": day("V1", 41.1), "d2.csv": day("V1", 41.1, col="unit_id", t0=T0 + 86400).replace("unit_id,", "unit_id,device,").replace("V1,", "V1,x,")})])  # fmt: skip
ingest("renamed lat column (latitude) later", [lake({"d1.csv": day("V1", 41.1), "d2.csv": day("V1", 41.1, t0=T0 + 86400).replace(",lat,", ",latitude,")})])  # fmt: skip
ingest("later file with lat/lon swapped names (lon,lat)", [lake({"d1.csv": day("V1", 41.1), "d2.csv": day("V1", 41.1, t0=T0 + 86400).replace("lat,lon", "lon,lat")})])  # fmt: skip
ingest("later file with no id column at all", [lake({"d1.csv": day("V1", 41.1), "d2.csv": "ts,lat,lon\n" + "".join(f"{T0 + 86400 + 10 * k},41.1,-8.6\n" for k in range(6))})])  # fmt: skip


# ---- 7. heldout33's readers, hostile
def pos(us: int, lat: float, lon: float, seq: int) -> bytes:
    p = struct.pack("<IiiiihhhH", 1000, round(lat * 1e7), round(lon * 1e7), 60000, 40000, 300, 400, 0, 9000)  # fmt: skip
    return struct.pack(">Q", us) + mavlink_packet(33, p, seq, 1)


TLOG = b"".join(pos((T0 + s) * 10**6, -34.93 + s * 1e-4, 138.6, s) for s in range(8))
ingest("tlog (fine)", [write("f.tlog", TLOG)])
ingest("tlog empty", [write("e.tlog", b"")])
ingest("tlog cut mid-record", [write("c.tlog", TLOG[:-10])])
ingest("tlog random bytes", [write("r.tlog", bytes(range(256)) * 8)])
ingest("tlog timestamps 0 (1970)", [write("z.tlog", b"".join(pos(0, -34.93 + s * 1e-4, 138.6, s) for s in range(6)))])  # fmt: skip
ingest("tlog lat 1e3 deg", [write("l.tlog", b"".join(pos((T0 + s) * 10**6, 200.0, 138.6, s) for s in range(6)))])  # fmt: skip
ACMI = "FileType=text/acmi/tacview\nFileVersion=2.2\n0,ReferenceTime=2026-03-02T17:00:00Z\n0,ReferenceLongitude=-116\n0,ReferenceLatitude=36\n#0\na1,T=0.1|0.2|6000\n#1\na1,T=0.11|0.21|6000\n#2\na1,T=0.12|0.22|6000\n"  # fmt: skip
ingest("acmi (fine)", [write("f.txt.acmi", ACMI)])
ingest("acmi empty", [write("e.txt.acmi", "")])
ingest("acmi no ReferenceTime", [write("n.txt.acmi", ACMI.replace("0,ReferenceTime=2026-03-02T17:00:00Z\n", ""))])  # fmt: skip
ingest("acmi frame time text '#abc'", [write("t.txt.acmi", ACMI.replace("#1\n", "#abc\n"))])
ingest("acmi T= garbage", [write("g.txt.acmi", ACMI.replace("T=0.11|0.21|6000", "T=x|y|z"))])
ingest("acmi zipped (.zip.acmi) as text", [write("z.zip.acmi", b"PK\x03\x04garbage")])
ingest("acmi cut mid-line", [write("c.txt.acmi", ACMI[:-8])])
CZML = [{"id": "document", "version": "1.0"}, {"id": "d1", "position": {"epoch": "2026-06-02T08:00:00Z", "cartographicDegrees": [0, 8.5, 47.3, 450, 5, 8.501, 47.301, 451, 10, 8.502, 47.302, 452]}}]  # fmt: skip
ingest("czml (fine)", [write("f.czml", json.dumps(CZML))])
ingest("czml empty", [write("e.czml", "")])
ingest("czml cut", [write("c.czml", json.dumps(CZML)[:-30])])
ingest("czml samples not a multiple of 4", [write("m.czml", json.dumps([CZML[0], {"id": "d1", "position": {"epoch": "2026-06-02T08:00:00Z", "cartographicDegrees": [0, 8.5, 47.3, 450, 5, 8.501]}}]))])  # fmt: skip
ingest("czml bad epoch", [write("b.czml", json.dumps(CZML).replace("2026-06-02T08:00:00Z", "yesterday"))])  # fmt: skip
ingest("czml static positions only", [write("s.czml", json.dumps([CZML[0], {"id": "g", "position": {"cartographicDegrees": [8.5, 47.3, 0]}}]))])  # fmt: skip
ingest("czml degrees as text", [write("t.czml", json.dumps(CZML).replace("8.501", '"8.501"'))])
TPV = "\n".join(json.dumps({"class": "TPV", "device": "/dev/a", "mode": 3, "time": f"2026-05-11T05:30:0{s}.000Z", "lat": 45.76 + s * 1e-4, "lon": 4.84}) for s in range(6)) + "\n"  # fmt: skip
ingest("gpsd (fine)", [write("g.json", TPV)])
ingest("gpsd only mode 1", [write("g1.json", TPV.replace('"mode": 3', '"mode": 1'))])
ingest("gpsd times missing", [write("g2.json", "\n".join(json.dumps({"class": "TPV", "mode": 3, "lat": 45.7, "lon": 4.8}) for _ in range(4)))])  # fmt: skip
ingest("gpsd garbage lines between", [write("g3.json", TPV.replace("\n", "\n%%garbage\n", 2))])
ingest("gpsd lat text", [write("g4.json", TPV.replace('"lat": 45.7601', '"lat": "north"'))])
INF = "#group,false,false,true,true,false,false,true,true,true\n#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string,string\n#default,_result,,,,,,,,\n,result,table,_start,_stop,_time,_value,_field,_measurement,vehicle\n"  # fmt: skip
inf_rows = [f",,{i},2026-04-13T00:00:00Z,2026-04-14T00:00:00Z,2026-04-13T06:0{m}:00Z,{b + m / 1000},{f},gps,van-1" for i, (f, b) in enumerate((("lat", 51.9), ("lon", 4.48))) for m in range(4)]  # fmt: skip
ingest("influx (fine)", [write("i.csv", INF + "\n".join(inf_rows) + "\n")])
ingest("influx lat field only", [write("i1.csv", INF + "\n".join(inf_rows[:4]) + "\n")])
ingest("influx duplicated rows (same time/field)", [write("i2.csv", INF + "\n".join(inf_rows + inf_rows[:2]) + "\n")])  # fmt: skip
ingest("influx _value text", [write("i3.csv", INF + "\n".join(inf_rows).replace("51.901", "abc") + "\n")])  # fmt: skip
ingest("influx header only", [write("i4.csv", INF)])
plain = "traj_id,t,lat,lon\n" + "".join(f"a,{T0 + 10 * k},41.15,{-8.61 + 1e-4 * k}\n" for k in range(6))  # fmt: skip
ingest("bz2 (fine)", [write("p.csv.bz2", bz2.compress(plain.encode()))])
ingest("xz (fine)", [write("p.csv.xz", lzma.compress(plain.encode()))])
ingest("bz2 cut", [write("c.csv.bz2", bz2.compress(plain.encode())[:-20])])
ingest("xz cut", [write("c.csv.xz", lzma.compress(plain.encode())[:-20])])
ingest("bz2 empty file", [write("e.csv.bz2", b"")])
ingest("bz2 of nothing", [write("n.csv.bz2", bz2.compress(b""))])
ingest("bz2 named but gzip inside", [write("g.csv.bz2", __import__("gzip").compress(plain.encode()))])  # fmt: skip
ingest("xz wrapping a bz2", [write("w.csv.bz2.xz", lzma.compress(bz2.compress(plain.encode())))])  # fmt: skip
ingest("bz2 with no inner extension (data.bz2)", [write("data.bz2", bz2.compress(plain.encode()))])  # fmt: skip
GH = "ad_id,geohash,event_ts\n" + "".join(f"a1,9v6kp0b{c},{1770642000 + 60 * k}\n" for k, c in enumerate("zyxwvu"))  # fmt: skip
ingest("geohash (fine)", [write("gh.csv", GH)])
ingest("geohash with 'a' (not base32)", [write("gh1.csv", GH.replace("9v6kp0bz", "9v6kp0ba"))])
ingest("geohash of 1 char (5000 km cells)", [write("gh2.csv", GH.replace("9v6kp0b", ""))])
ingest("geohash 20 chars", [write("gh3.csv", GH.replace("9v6kp0b", "9v6kp0bzzzzzzzzzzzz"))])
ingest("geohash empty cells", [write("gh4.csv", GH.replace("9v6kp0bz", ""))])
ingest("geohash uppercase", [write("gh5.csv", GH.upper().replace("AD_ID,GEOHASH,EVENT_TS", "ad_id,geohash,event_ts"))])  # fmt: skip
JD = "id,time,lat,lon\n" + "".join(f"a,Mon Mar 02 10:0{k}:00 CET 2026,41.15,{-8.61 + 1e-4 * k}\n" for k in range(6))  # fmt: skip
ingest("java dates (fine)", [write("j.csv", JD)])
ingest("java dates with a zone word that is ambiguous (IST)", [write("j1.csv", JD.replace("CET", "IST"))])  # fmt: skip
ingest("java dates with day name wrong (Tue Mar 02)", [write("j2.csv", JD.replace("Mon", "Tue"))])
ingest("java dates without zone", [write("j3.csv", JD.replace(" CET", ""))])
ingest("javascript Date text (GMT+0100 (CET))", [write("j4.csv", JD.replace("Mon Mar 02 10:0", "Mon Mar 02 2026 10:0").replace(":00 CET 2026", ":00 GMT+0100 (Central European Standard Time)"))])  # fmt: skip
ingest("java dates month 'Foo'", [write("j5.csv", JD.replace("Mar", "Foo"))])

# ---- 8. ask's new words
fleet = pl.DataFrame([{"vehicle_id": v, "traj_id": f"{v}-{d}", "t": T0 + 86400 * d + 60 * k, "lat": 41.15 + (1e-3 * k if k < 5 or k > 25 else 5e-3), "lon": -8.61} for v in ("VAN-07", "VAN-08") for d in range(2) for k in range(30)])  # fmt: skip
from trajlm.questions import ask as _ask  # noqa: E402


def Q(q, d=fleet):  # noqa: N802
    return lambda: (lambda a: f"yes={a.yes!r} :: {str(a)[:200]!r}")(_ask(q, d, planner="rules"))


for q in ("Did every van stop?", "Did every van stop for lunch?", "Which vans did not stop?",
          "Did VAN-07 not stop?", "Were all the vans out?", "Did every van go out on Sunday?",
          "Which van didn't stop for more than 5 min?", "Did every van stop at lunch time?",
          "Did every vehicle stop?", "Did every bike stop?", "Did every van stop for more than -5 min?",
          "Did every van stop for more than 1e9 min?", "How long was lunch?"):  # fmt: skip
    say(f"ask {q!r}", Q(q))
say("ask 'Did every van stop?' on an empty frame", Q("Did every van stop?", fleet.head(0)))
say("ask 'Did every van stop?' without vehicle_id", Q("Did every van stop?", fleet.drop("vehicle_id")))  # fmt: skip
