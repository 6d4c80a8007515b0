"""badin34b: hostile inputs on session 34's own new surfaces, one line a case, classified by
hand (docs/reliability.md "Session 34 (badin34b)"): `trajlm.parked` / `trajlm parked` /
`POST /parked`, `trajlm.divert` / `trajlm divert` / `POST /divert`, heldout34's readers (.zst,
tar archives, OGC MF-CSV, hex EWKB points, Stata .dta, OruxMaps SQLite, GeoPackage LineString M)
truncated / corrupt / hostile, leftover34's hive folders, CZML ECEF, `--tz` / `--utc-offset`,
`read(exact_times=True)`, `predict --time-format`, `ingest --json`, and ask34's home range,
ships at anchor.
Run: PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/python scripts/badin34b/probe.py [OUT_DIR]
(default /tmp/badin34b/probe; heldout34's generated files are written under OUT_DIR/raw)
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import struct
import subprocess
import sys
import tarfile
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases, cli_line, ingest_case, write_file  # noqa: E402

import trajlm  # noqa: E402
from trajlm.cli import app  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin34b/probe")
shutil.rmtree(OUT, ignore_errors=True)
OUT.mkdir(parents=True)
RAW = OUT / "raw"
for gen in ("gen_tables.py", "gen_db.py"):
    subprocess.run([sys.executable, str(ROOT / "scripts/heldout34" / gen), str(RAW)], check=True,
                   capture_output=True)  # fmt: skip
say = Cases(got=260, warn=200, flush=True)
WORDS = ("rror", "arn", "drop", "wrote", "read", "column", "store", "line", "parked", "refus",
         "give", "must", "not ", "no ")  # fmt: skip


def cli(*args):
    return lambda: cli_line(app, args, lambda ln: any(w in ln for w in WORDS))


def ingest(name: str, inputs: list, *opts: str) -> None:
    ingest_case(say, cli, OUT, name, inputs, *opts)


def write(name: str, data: str | bytes) -> Path:
    return write_file(OUT, name, data)


def tab(o) -> str:
    o = pl.from_pandas(o) if isinstance(o, pd.DataFrame) else o
    return f"{o.height} rows {o.head(3).rows()}"


T0 = 1772359200
# V1 stands 10 min then drives; V2 drives then stands 10 min (parked at its last fix)
rows = [("V1", T0 + 30 * k, 41.15 + (0 if k < 20 else 1e-3 * (k - 20)), -8.61) for k in range(30)]
rows += [("V2", T0 + 30 * k, 41.16 + (1e-3 * k if k < 10 else 1e-2), -8.60) for k in range(30)]
feed = pl.DataFrame(rows, schema=["van_id", "t", "lat", "lon"], orient="row")


def P(d=feed, **kw):  # noqa: N802
    return lambda: tab(trajlm.parked(d, **kw))


# ---- 1. trajlm.parked
say("parked (fine)", P())
say("parked pandas", P(feed.to_pandas()))
say("parked one fix", P(feed.head(1)))
say("parked two fixes 1 s apart", P(feed.head(2).with_columns(t=pl.Series([T0, T0 + 1]))))
say("parked all fixes at one time", P(feed.with_columns(t=pl.lit(T0))))
say("parked at= before the first fix", P(at=T0 - 3600))
say("parked at= far future (2100)", P(at="2100-01-01T00:00:00Z"))
say("parked at= NaN", P(at=float("nan")))
say("parked at= inf", P(at=float("inf")))
say("parked at= 'yesterday'", P(at="yesterday"))
say("parked at= '' (empty)", P(at=""))
say("parked at= a list", P(at=[T0]))
say("parked at= bool True", P(at=True))
say("parked at= ms number", P(at=(T0 + 600) * 1000))
say("parked at= naive ISO", P(at="2026-03-01T10:05:00"))
say("parked at= pandas Timestamp tz", P(at=pd.Timestamp(T0 + 300, unit="s", tz="Europe/Lisbon")))
say("parked stop_minutes=0", P(stop_minutes=0))
say("parked stop_minutes=-1", P(stop_minutes=-1))
say("parked stop_minutes=1e9", P(stop_minutes=1e9))
say("parked stop_minutes=NaN", P(stop_minutes=float("nan")))
say("parked stop_minutes='5'", P(stop_minutes="5"))
say("parked radius_m=-5", P(radius_m=-5))
say("parked radius_m=0", P(radius_m=0))
say("parked radius_m=inf", P(radius_m=float("inf")))
say("parked radius_m=1e7 (whole earth)", P(radius_m=1e7))
say("parked stale_minutes=0", P(stale_minutes=0))
say("parked stale_minutes=NaN", P(stale_minutes=float("nan")))
say("parked unknown keyword", P(radius=5))
say("parked empty frame", P(feed.head(0)))
say("parked lat all null", P(feed.with_columns(lat=pl.lit(None, pl.Float64))))
say("parked NaN lat in the last fix", P(feed.with_columns(lat=pl.when(pl.col("t") == T0 + 870).then(float("nan")).otherwise(pl.col("lat")))))  # fmt: skip
say("parked lat 95 (impossible)", P(feed.with_columns(lat=pl.lit(95.0))))
say("parked duplicated rows", P(pl.concat([feed, feed])))
say("parked rows unsorted", P(feed.reverse()))
say("parked ISO text times", P(feed.with_columns(t=pl.from_epoch("t").dt.strftime("%Y-%m-%dT%H:%M:%SZ"))))  # fmt: skip
say("parked across the antimeridian", P(feed.with_columns(lon=pl.when(pl.col("t") % 60 == 0).then(179.9999).otherwise(-179.9999))))  # fmt: skip
say("parked at the pole", P(feed.with_columns(lat=pl.lit(89.9999))))
say("parked accuracy 5 km column", P(feed.with_columns(accuracy=pl.lit(5000.0))))
say("parked no id column (one mover)", P(feed.filter(pl.col("van_id") == "V1").drop("van_id")))
say("parked not a frame (a list)", P(rows))

# ---- 2. CLI parked
feed.write_csv(write("feed.csv", ""))
F = OUT / "files/feed.csv"
for label, extra in (("fine", []), ("--at before first fix", ["--at", str(T0 - 3600)]),
                     ("--at nonsense", ["--at", "tomorrow"]), ("--at nan", ["--at", "nan"]),
                     ("--at inf", ["--at", "inf"]), ("--stop-minutes 0", ["--stop-minutes", "0"]),
                     ("--stop-minutes -1", ["--stop-minutes", "-1"]),
                     ("--stop-minutes nan", ["--stop-minutes", "nan"]),
                     ("--radius-m -5", ["--radius-m", "-5"]), ("--radius-m inf", ["--radius-m", "inf"]),
                     ("--stale-minutes 0", ["--stale-minutes", "0"]),
                     ("--out .txt", ["--out", str(OUT / "p.txt")]),
                     ("--out = input", ["--out", str(F)])):  # fmt: skip
    o = ["--out", str(OUT / f"parked{say.n + 1}.csv")] if "--out" not in extra else []
    say(f"CLI parked {label}", cli("parked", "--input", F, *o, *extra))
say("CLI parked missing input", cli("parked", "--input", OUT / "nope.csv", "--out", OUT / "p1.csv"))
say("CLI parked input header only", cli("parked", "--input", write("h.csv", "van_id,t,lat,lon\n"), "--out", OUT / "p2.csv"))  # fmt: skip

# ---- 3. HTTP /parked
from fastapi.testclient import TestClient  # noqa: E402

from trajlm.serve import create_app  # noqa: E402

lm = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
client = TestClient(create_app(lm), raise_server_exceptions=False).__enter__()
web = Cases(got=260, describe=lambda r: f"HTTP {r.status_code} {r.text}", flush=True)
hrows = [{"vehicle_id": v, "t": t, "lat": la, "lon": lo} for v, t, la, lo in rows]
PK = lambda **b: lambda: client.post("/parked", json={"trajectories": hrows, **b})  # noqa: E731
web.n = say.n
web("/parked (fine)", PK())
web("/parked one point", lambda: client.post("/parked", json={"trajectories": hrows[:1]}))
web("/parked at before first", PK(at=T0 - 3600))
web("/parked at far future", PK(at="2100-01-01T00:00:00Z"))
web("/parked at nonsense", PK(at="soon"))
web("/parked at null", PK(at=None))
web("/parked stop_minutes 0", PK(stop_minutes=0))
web("/parked stop_minutes 1e9", PK(stop_minutes=1e9))
web("/parked stop_minutes '5' (text)", PK(stop_minutes="5"))
web("/parked radius_m -1", PK(radius_m=-1))
web("/parked stale_minutes 0", PK(stale_minutes=0))
web("/parked empty trajectories", lambda: client.post("/parked", json={"trajectories": []}))
web("/parked unknown field", PK(radius=5))
web("/parked all points one time", lambda: client.post("/parked", json={"trajectories": [{**r, "t": T0} for r in hrows]}))  # fmt: skip

# ---- 4. trajlm.divert
order = (41.17, -8.59)


def D(o=order, d=feed, **kw):  # noqa: N802
    return lambda: tab(trajlm.divert(d, o, **kw))


say.n = web.n
stops = pl.DataFrame({"van_id": ["V1", "V2"], "lat": [41.15, 41.17], "lon": [-8.60, -8.61]})
memory = feed.with_columns(t=pl.col("t") - 86400)
say("divert (fine)", D())
say("divert order far away (Sydney)", D((-33.87, 151.21)))
say("divert order on the van's last fix", D((41.179, -8.61), d=feed.filter(pl.col("van_id") == "V1")))  # fmt: skip
say("divert order at exactly V2's last fix", D((41.17, -8.60)))
say("divert order lat 95", D((95.0, -8.59)))
say("divert order NaN", D((float("nan"), -8.59)))
say("divert order empty list", D([]))
say("divert order a string", D("41.17,-8.59"))
say("divert order (lon, lat) swapped", D((-8.59, 41.17)))
say("divert order three numbers", D((41.17, -8.59, 10.0)))
say("divert one fix per van (no history)", D(d=feed.group_by("van_id").last()))
say("divert empty data", D(d=feed.head(0)))
say("divert with to (fine)", D(to=stops))
say("divert to naming no van", D(to=stops.with_columns(van_id=pl.lit("V9"))))
say("divert to without van column", D(to=stops.drop("van_id")))
say("divert to empty", D(to=stops.head(0)))
say("divert to one van only (V2 has no 'to')", D(to=stops.head(1)))
say("divert to NaN lat", D(to=stops.with_columns(lat=pl.Series([float("nan"), 41.17]))))
say("divert service_s -5", D(service_s=-5))
say("divert service_s NaN", D(service_s=float("nan")))
say("divert service_s inf", D(service_s=float("inf")))
say("divert memory (fine)", D(memory=memory))
say("divert memory empty", D(memory=memory.head(0)))
say("divert memory other vans only", D(memory=memory.with_columns(van_id=pl.lit("V9"))))
say("divert memory a path that does not exist", D(memory="/nope/mem.csv"))
say("divert radius_m -1", D(radius_m=-1))
say("divert horizon_s 0", D(horizon_s=0))
say("divert every fix one time (pace from nothing)", D(d=feed.with_columns(t=pl.lit(T0))))
say("divert van standing still all along", D(d=feed.with_columns(lat=pl.lit(41.15), lon=pl.lit(-8.61))))  # fmt: skip
say("divert 100 orders", D([(41.15 + i * 1e-4, -8.59) for i in range(100)]))

# ---- 5. CLI divert
stops.write_csv(write("stops.csv", ""))
memory.write_csv(write("mem.csv", ""))
for label, extra in (("fine", ["--order", "41.17,-8.59"]), ("no --order", []),
                     ("--order ';'", ["--order", ";"]), ("--order '41.17'", ["--order", "41.17"]),
                     ("--order 'a,b'", ["--order", "a,b"]), ("--order '95,0'", ["--order", "95,0"]),
                     ("--order 'nan,nan'", ["--order", "nan,nan"]),
                     ("--order two with spaces", ["--order", " 41.17 , -8.59 ; 41.16,-8.6 "]),
                     ("--service-s -1", ["--order", "41.17,-8.59", "--service-s", "-1"]),
                     ("--service-s nan", ["--order", "41.17,-8.59", "--service-s", "nan"]),
                     ("--to-file (fine)", ["--order", "41.17,-8.59", "--to-file", str(OUT / "files/stops.csv")]),
                     ("--to-file missing", ["--order", "41.17,-8.59", "--to-file", str(OUT / "nope.csv")]),
                     ("--to-file header only", ["--order", "41.17,-8.59", "--to-file", str(write("st0.csv", "van_id,lat,lon\n"))]),
                     ("--to-file no van column", ["--order", "41.17,-8.59", "--to-file", str(write("st1.csv", "lat,lon\n41.1,-8.6\n"))]),
                     ("--memory (fine)", ["--order", "41.17,-8.59", "--memory", str(OUT / "files/mem.csv")]),
                     ("--memory missing", ["--order", "41.17,-8.59", "--memory", str(OUT / "nope2.csv")]),
                     ("--memory 0-byte", ["--order", "41.17,-8.59", "--memory", str(write("m0.csv", ""))])):  # fmt: skip
    say(
        f"CLI divert {label}",
        cli("divert", "--input", F, "--out", OUT / f"dv{say.n + 1}.csv", *extra),
    )

# ---- 6. HTTP /divert
DV = lambda **b: lambda: client.post("/divert", json={"trajectories": hrows, **b})  # noqa: E731
web.n = say.n
web("/divert (fine)", DV(order=[[41.17, -8.59]]))
web("/divert no order", DV())
web("/divert order []", DV(order=[]))
web("/divert order [[95, 0]]", DV(order=[[95, 0]]))
web("/divert order flat [41.17, -8.59]", DV(order=[41.17, -8.59]))
web("/divert order text", DV(order="41.17,-8.59"))
web("/divert to (fine)", DV(order=[[41.17, -8.59]], to=[{"lat": 41.15, "lon": -8.6, "traj_id": "V1"}]))  # fmt: skip
web("/divert to unknown van", DV(order=[[41.17, -8.59]], to=[{"lat": 41.15, "lon": -8.6, "traj_id": "V9"}]))  # fmt: skip
web("/divert to without traj_id", DV(order=[[41.17, -8.59]], to=[{"lat": 41.15, "lon": -8.6}]))
web("/divert to [] (empty)", DV(order=[[41.17, -8.59]], to=[]))
web("/divert service_s -1", DV(order=[[41.17, -8.59]], service_s=-1))
web("/divert order far (Sydney)", DV(order=[[-33.87, 151.21]]))
web("/divert one point per van", lambda: client.post("/divert", json={"trajectories": hrows[::30], "order": [[41.17, -8.59]]}))  # fmt: skip
web("/divert 101 orders", DV(order=[[41.17, -8.59]] * 101))
say.n = web.n

# ---- 7. heldout34 readers, hostile
zst = (RAW / "ais_2024_01_05.csv.zst").read_bytes()
ingest("zst (fine)", [RAW / "ais_2024_01_05.csv.zst"])
ingest("zst cut in half", [write("cut.csv.zst", zst[: len(zst) // 2])])
ingest("zst empty file", [write("e.csv.zst", b"")])
ingest("zst random bytes", [write("r.csv.zst", bytes(range(256)) * 20)])
ingest("zst named but gzip inside", [write("g.csv.zst", __import__("gzip").compress(b"traj_id,t,lat,lon\na,1772359200,41,-8\n"))])  # fmt: skip
buf = pa.BufferOutputStream()
with pa.CompressedOutputStream(buf, "zstd") as z:
    z.write(b"")
ingest("zst of nothing", [write("n.csv.zst", buf.getvalue().to_pybytes())])
ingest("zst with no inner extension (data.zst)", [write("data.zst", zst)])
ingest("zstd extension (.csv.zstd)", [write("a.csv.zstd", zst)])
tgz = (RAW / "scooter_dump.tgz").read_bytes()
ingest("tgz (fine)", [RAW / "scooter_dump.tgz"])
ingest("tgz cut in half", [write("cut.tgz", tgz[: len(tgz) // 2])])
ingest("tgz empty file", [write("e.tgz", b"")])


def tar_of(members: list[tuple[str, bytes | None, str | None]], mode: str = "w:gz") -> bytes:
    """(name, data, link target): a file, or a symlink when ``data`` is None."""
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode=mode) as t:
        for name, data, link in members:
            info = tarfile.TarInfo(name)
            if data is None:
                info.type, info.linkname = tarfile.SYMTYPE, link or ""
                t.addfile(info)
            else:
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
    return b.getvalue()


csv_a = ("traj_id,t,lat,lon\n" + "".join(f"a,{T0 + 10 * k},41.15,{-8.61 + 1e-4 * k}\n" for k in range(8))).encode()  # fmt: skip
csv_b = csv_a.replace(b"a,", b"b,").replace(b"41.15", b"41.16")
ingest("tar symlink to /etc/passwd", [write("sym.tgz", tar_of([("d1/a.csv", csv_a, None), ("d1/p.csv", None, "/etc/passwd")]))])  # fmt: skip
ingest("tar path traversal ../x.csv", [write("trav.tgz", tar_of([("d1/a.csv", csv_a, None), ("../x.csv", csv_b, None)]))])  # fmt: skip
ingest("tar absolute member /tmp/x.csv", [write("abs.tgz", tar_of([("d1/a.csv", csv_a, None), ("/tmp/x.csv", csv_b, None)]))])  # fmt: skip
ingest("tar nested tgz inside", [write("nest.tgz", tar_of([("d1/a.csv", csv_a, None), ("inner.tgz", tar_of([("b.csv", csv_b, None)]), None)]))])  # fmt: skip
ingest("tar only a README", [write("readme.tgz", tar_of([("README.txt", b"hello", None)]))])
ingest("tar of nothing", [write("none.tgz", tar_of([]))])
ingest("tar two members same name", [write("dup.tgz", tar_of([("d/a.csv", csv_a, None), ("d/a.csv", csv_b, None)]))])  # fmt: skip
ingest("tar mixed CSV columns", [write("mix.tgz", tar_of([("d/a.csv", csv_a, None), ("d/b.csv", b"x,y\n1,2\n", None)]))])  # fmt: skip
ingest("tar.xz (fine)", [write("p.tar.xz", tar_of([("d/a.csv", csv_a, None)], "w:xz"))])
ingest("tar member with a bad row", [write("bad.tgz", tar_of([("d/a.csv", csv_a + b"a,notatime,41,-8\n", None)]))])  # fmt: skip
mf = (RAW / "walkers_mf.csv").read_text()
mfl = mf.splitlines()
ingest("MF-CSV (fine)", [RAW / "walkers_mf.csv"])
ingest("MF-CSV header lines only", [write("mf0.csv", "\n".join(mfl[:2]) + "\n")])
ingest("MF-CSV CRS EPSG:3857", [write("mf1.csv", mf.replace("EPSG:6.6:4326", "EPSG:6.6:3857"))])
ingest("MF-CSV unit 'min' not 'sec'", [write("mf2.csv", mf.replace(",sec\n", ",min\n", 1))])
ingest("MF-CSV bad start time", [write("mf3.csv", mf.replace(mfl[0].split(",")[5], "later", 1))])
ingest("MF-CSV a segment with 3 numbers", [write("mf4.csv", "\n".join(mfl[:2] + [",".join(mfl[2].split(",")[:3] + [" ".join(mfl[2].split(",")[3].split()[:3])] + mfl[2].split(",")[4:])] + mfl[3:]) + "\n")])  # fmt: skip
ingest("MF-CSV end before start", [write("mf5.csv", "\n".join(mfl[:2] + [",".join([mfl[2].split(",")[0], mfl[2].split(",")[2], mfl[2].split(",")[1]] + mfl[2].split(",")[3:])] + mfl[3:]) + "\n")])  # fmt: skip
ingest("MF-CSV 3D header, 2D positions", [write("mf6.csv", mf.replace(",2D,", ",3D,", 1))])
ingest(
    "MF-CSV 3D with z values",
    [
        write(
            "mf6b.csv",
            "\n".join(
                [mfl[0].replace(",2D,", ",3D,")]
                + mfl[1:2]
                + [
                    ",".join(
                        r.split(",")[:3]
                        + [
                            " ".join(
                                f"{a} {b} 30.0"
                                for a, b in zip(
                                    r.split(",")[3].split()[::2],
                                    r.split(",")[3].split()[1::2],
                                    strict=True,
                                )
                            )
                        ]
                        + r.split(",")[4:]
                    )
                    for r in mfl[2:]
                ]
            )
            + "\n",
        )
    ],
)
ingest("MF-CSV lat 95 in a row", [write("mf7.csv", "\n".join(mfl[:2] + [mfl[2].replace(mfl[2].split(",")[3].split()[0], "95.0", 1)] + mfl[3:]) + "\n")])  # fmt: skip
pg = (RAW / "pings_postgis.csv").read_text()
pgl = pg.splitlines()
hx = pgl[1].split(",")[-1]


def ewkb(
    lon: float, lat: float, srid: int | None = 4326, z: float | None = None, be: bool = False
) -> str:
    flag = 1 | (0x20000000 if srid is not None else 0) | (0x80000000 if z is not None else 0)
    e = ">" if be else "<"
    body = struct.pack(f"{e}BI", 0 if be else 1, flag) + (struct.pack(f"{e}I", srid) if srid is not None else b"")  # fmt: skip
    return (body + struct.pack(f"{e}dd", lon, lat) + (struct.pack(f"{e}d", z) if z is not None else b"")).hex().upper()  # fmt: skip


def pg_with(fn) -> str:
    out = [pgl[0]]
    for i, ln in enumerate(pgl[1:]):
        parts = ln.split(",")
        lon, lat = struct.unpack("<dd", bytes.fromhex(parts[-1])[9:25])
        parts[-1] = fn(i, lon, lat)
        out.append(",".join(parts))
    return "\n".join(out) + "\n"


ingest("hex EWKB (fine)", [RAW / "pings_postgis.csv"])
ingest("hex WKB no SRID", [write("pg1.csv", pg_with(lambda i, lo, la: ewkb(lo, la, None)))])
ingest("hex EWKB SRID 3857", [write("pg2.csv", pg_with(lambda i, lo, la: ewkb(lo, la, 3857)))])
ingest("hex EWKB Z point", [write("pg3.csv", pg_with(lambda i, lo, la: ewkb(lo, la, 4326, 35.0)))])
ingest("hex EWKB big-endian", [write("pg4.csv", pg_with(lambda i, lo, la: ewkb(lo, la, 4326, be=True)))])  # fmt: skip
ingest("hex EWKB empty point (NaN NaN) in some rows", [write("pg5.csv", pg_with(lambda i, lo, la: ewkb(float("nan"), float("nan")) if i % 7 == 0 else ewkb(lo, la)))])  # fmt: skip
ingest("hex EWKB a linestring in one row", [write("pg6.csv", pg_with(lambda i, lo, la: ("0102000020E6100000" + "02000000" + struct.pack("<dddd", lo, la, lo, la).hex().upper()) if i == 3 else ewkb(lo, la)))])  # fmt: skip
ingest("hex EWKB cut (odd length)", [write("pg7.csv", pg_with(lambda i, lo, la: ewkb(lo, la)[:-3] if i == 5 else ewkb(lo, la)))])  # fmt: skip
ingest("hex EWKB garbage hex in one row", [write("pg8.csv", pg_with(lambda i, lo, la: "ZZZZ" if i == 5 else ewkb(lo, la)))])  # fmt: skip
ingest("hex EWKB lat 95", [write("pg9.csv", pg_with(lambda i, lo, la: ewkb(lo, 95.0)))])
ingest("hex EWKB x/y swapped (lat first)", [write("pg10.csv", pg_with(lambda i, lo, la: ewkb(la, lo)))])  # fmt: skip
ingest("hex EWKB empty cells", [write("pg11.csv", pg_with(lambda i, lo, la: "" if i % 3 == 0 else ewkb(lo, la)))])  # fmt: skip
dta = RAW / "travel_survey.dta"
sv = pd.read_stata(dta)
ingest("dta (fine)", [dta])
ingest("dta cut in half", [write("cut.dta", dta.read_bytes()[: dta.stat().st_size // 2])])
ingest("dta empty file", [write("e.dta", b"")])
ingest("dta not Stata (text)", [write("t.dta", "hello,world\n")])


def dta_of(df: pd.DataFrame, name: str, **kw) -> Path:
    p = OUT / "files" / name
    p.parent.mkdir(parents=True, exist_ok=True)
    df.to_stata(p, write_index=False, **kw)
    return p


numcols = [c for c in sv.columns if pd.api.types.is_float_dtype(sv[c])]
miss = sv.copy()
miss.loc[::5, numcols[0]] = float("nan")
ingest("dta with missing codes (.) in a coordinate", [dta_of(miss, "m.dta")])
strl = sv.copy()
strl["note"] = "x" * 3000
ingest("dta with a strL column", [dta_of(strl, "strl.dta", version=117, convert_strl=["note"])])
v114 = sv.copy()
ingest("dta version 114 (old Stata)", [dta_of(v114, "v114.dta", version=114)])
ingest("dta no time column", [dta_of(sv[[c for c in sv.columns if "time" not in c.lower() and "date" not in c.lower() and not str(sv[c].dtype).startswith("datetime")]], "nt.dta")])  # fmt: skip
db = RAW / "oruxmapstracks.db"
ingest("oruxmaps (fine)", [db])
ingest("oruxmaps cut in half", [write("cut.db", db.read_bytes()[: db.stat().st_size // 2])])
ingest("sqlite empty file", [write("e.db", b"")])
e2 = OUT / "files/empty_tables.db"
con = sqlite3.connect(e2)
con.execute("create table tracks(_id integer primary key, trkname text)")
con.execute("create table trackpoints(_id integer primary key, trkptlat real, trkptlon real, trkpttime integer, trkpttrack integer)")  # fmt: skip
con.commit()
con.close()
ingest("oruxmaps tables with no rows", [e2])
e3 = OUT / "files/oddtimes.db"
shutil.copy(db, e3)
con = sqlite3.connect(e3)
tabs = [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
pt = [t for t in tabs if "point" in t.lower()]
cols = [r[1] for r in con.execute(f"pragma table_info({pt[0]})")] if pt else []
tcol = [c for c in cols if "time" in c.lower()]
if tcol:
    con.execute(f"update {pt[0]} set {tcol[0]} = 'garbage' where rowid % 5 = 0")
con.commit()
con.close()
ingest("oruxmaps times 'garbage' in some rows", [e3])
gp = RAW / "trips_m.gpkg"
ingest("gpkg LineString M (fine)", [gp])
ingest("gpkg cut in half", [write("cut.gpkg", gp.read_bytes()[: gp.stat().st_size // 2])])
ingest("gpkg empty file", [write("e.gpkg", b"")])
g2 = OUT / "files/m_zero.gpkg"
shutil.copy(gp, g2)
con = sqlite3.connect(g2)
feat = [
    r[0] for r in con.execute("select table_name from gpkg_contents where data_type='features'")
]
gcol = [r[0] for r in con.execute("select column_name from gpkg_geometry_columns")]
con.close()
ingest("gpkg MovingPandas layer needs --traj-col", [RAW / "ferries_mpd.gpkg"])
ingest("gpkg --layer nope", [gp], "--layer", "nope")

# ---- 8. leftover34: hive folders, CZML ECEF, --tz / --utc-offset, exact_times, --time-format, --json
P_ = OUT / "lake"


def lake(files: dict[str, str]) -> Path:
    root = P_ / f"l{say.n + 1}"
    for rel, text in files.items():
        f = root / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)
    return root


def day(vid: str, lat: float, t0: int = T0) -> str:
    return "vehicle_id,ts,lat,lon\n" + "".join(f"{vid},{t0 + 10 * k},{lat},{-8.61 + 1e-4 * k}\n" for k in range(6))  # fmt: skip


ingest("hive key= and key=x", [lake({"region=/d.csv": day("V1", 41.1), "region=x/d.csv": day("V1", 38.7)})])  # fmt: skip
ingest("hive __HIVE_DEFAULT_PARTITION__", [lake({"region=__HIVE_DEFAULT_PARTITION__/d.csv": day("V1", 41.1), "region=x/d.csv": day("V1", 38.7)})])  # fmt: skip
ingest("hive a=b=c", [lake({"a=b=c/d.csv": day("V1", 41.1), "a=b=d/d.csv": day("V1", 38.7)})])
ingest("hive '=x' (no key)", [lake({"=x/d.csv": day("V1", 41.1), "=y/d.csv": day("V1", 38.7)})])
ingest("hive only 'key=' folders", [lake({"region=/d.csv": day("V1", 41.1)})])
ingest("hive key differs in depth (region= vs depot=)", [lake({"region=n/d.csv": day("V1", 41.1), "depot=n/d.csv": day("V1", 38.7)})])  # fmt: skip
ingest("hive key named like a column (vehicle_id=V9)", [lake({"vehicle_id=V9/d.csv": day("V1", 41.1), "vehicle_id=V8/d.csv": day("V1", 38.7)})])  # fmt: skip
ingest("hive URL-escaped value (region=a%2Fb)", [lake({"region=a%2Fb/d.csv": day("V1", 41.1), "region=c/d.csv": day("V1", 38.7)})])  # fmt: skip
CZ = [{"id": "document", "version": "1.0"}, {"id": "sat", "position": {"epoch": "2026-06-02T08:00:00Z", "cartesian": [0, 4331000.0, 651000.0, 4625000.0, 5, 4331010.0, 651010.0, 4625000.0, 10, 4331020.0, 651020.0, 4625000.0]}}]  # fmt: skip


def czml(mod) -> str:
    c = json.loads(json.dumps(CZ))
    mod(c[1]["position"])
    return json.dumps(c)


ingest("czml ECEF (fine)", [write("f.czml", json.dumps(CZ))])
ingest("czml ECEF at earth centre (0,0,0)", [write("c0.czml", czml(lambda p: p.update(cartesian=[0, 0, 0, 0, 5, 0, 0, 0])))])  # fmt: skip
ingest("czml ECEF length not a multiple of 4", [write("c1.czml", czml(lambda p: p.update(cartesian=p["cartesian"][:6])))])  # fmt: skip
ingest("czml ECEF INERTIAL", [write("c2.czml", czml(lambda p: p.update(referenceFrame="INERTIAL")))])  # fmt: skip
ingest("czml ECEF in km (under ground)", [write("c3.czml", czml(lambda p: p.update(cartesian=[v / 1000 if i % 4 else v for i, v in enumerate(p["cartesian"])])))])  # fmt: skip
ingest("czml ECEF static (no epoch, 3 numbers)", [write("c4.czml", czml(lambda p: (p.pop("epoch"), p.update(cartesian=[4331000.0, 651000.0, 4625000.0]))))])  # fmt: skip
ingest("czml ECEF NaN / text", [write("c5.czml", czml(lambda p: p.update(cartesian=[0, "x", 651000.0, 4625000.0, 5, 4331010.0, 651010.0, 4625000.0])))])  # fmt: skip
ingest("czml ECEF 1e12 m (space)", [write("c6.czml", czml(lambda p: p.update(cartesian=[0, 1e12, 0, 0, 5, 1e12, 1, 0])))])  # fmt: skip
ingest("czml cartesianVelocity (7 numbers)", [write("c7.czml", czml(lambda p: p.update(cartesianVelocity=p.pop("cartesian") + [0] * 9)))])  # fmt: skip
naive = "traj_id,t,lat,lon\n" + "".join(f"a,2026-03-01 10:0{k}:00,41.15,{-8.61 + 1e-4 * k}\n" for k in range(8))  # fmt: skip
cst = naive.replace(":00,", ":00 CST,")
NV = write("naive.csv", naive)
CS = write("cst.csv", cst)
ingest("--tz Europe/Lisbon (fine)", [NV], "--tz", "Europe/Lisbon")
ingest("--tz bad zone name", [NV], "--tz", "Mars/Olympus")
ingest("--tz lowercase europe/lisbon", [NV], "--tz", "europe/lisbon")
ingest("--tz an abbreviation CET", [NV], "--tz", "CET")
ingest("--tz ''", [NV], "--tz", "")
ingest("--utc-offset 25", [NV], "--utc-offset", "25")
ingest("--utc-offset -13", [NV], "--utc-offset", "-13")
ingest("--utc-offset nan", [NV], "--utc-offset", "nan")
ingest("--utc-offset 5.75 (Nepal)", [NV], "--utc-offset", "5.75")
ingest("--utc-offset and --tz both", [NV], "--utc-offset", "1", "--tz", "Europe/Lisbon")
ingest("CST without an option", [CS])
ingest("CST --tz America/Chicago", [CS], "--tz", "America/Chicago")
ingest("CST --tz Europe/Lisbon (does not write CST)", [CS], "--tz", "Europe/Lisbon")
ingest("CST --utc-offset 8", [CS], "--utc-offset", "8")
ingest("CST --utc-offset 3 (no meaning)", [CS], "--utc-offset", "3")
ingest("times with an offset AND --tz", [write("off.csv", naive.replace(":00,", ":00+02:00,"))], "--tz", "America/Chicago")  # fmt: skip
sub = "traj_id,t,lat,lon\n" + "".join(f"a,{T0 + 1.37 * k:.3f},41.15,{-8.61 + 1e-4 * k}\n" for k in range(12))  # fmt: skip
SB = write("sub.csv", sub)
say(
    "read(exact_times=True) (fine)",
    lambda: trajlm.read(SB, exact_times=True)["t"].head(3).to_list(),
)
say("read(exact_times='yes')", lambda: trajlm.read(SB, exact_times="yes")["t"].head(3).to_list())
say("read(exact_times=True) on a store", lambda: trajlm.read("/tmp/stores/geolife", exact_times=True).shape)  # fmt: skip
say("read(exact_times=True) a frame", lambda: trajlm.read(pl.read_csv(SB), exact_times=True).shape)
say("read(exact_times=True) ns epoch ints", lambda: trajlm.read(write("ns.csv", "traj_id,t,lat,lon\n" + "".join(f"a,{(T0 * 10**9) + 1370000 * k},41.15,{-8.61 + 1e-4 * k}\n" for k in range(12))), exact_times=True)["t"].head(3).to_list())  # fmt: skip
dm = "traj_id,t,lat,lon\n" + "".join(f"a,0{k + 1}/03/2026 10:00,41.15,{-8.61 + 1e-4 * k}\n" for k in range(8))  # fmt: skip
DM = write("dm.csv", dm)
for label, extra in (("dmy (fine)", ["--time-format", "dmy"]), ("none (dd/mm refused?)", []),
                     ("'nonsense'", ["--time-format", "nonsense"]), ("strftime %d/%m/%Y %H:%M", ["--time-format", "%d/%m/%Y %H:%M"]),
                     ("mdy (wrong for the data)", ["--time-format", "mdy"]),
                     ("unix on ISO text", ["--time-format", "unix"]),
                     ("on a store", ["--time-format", "dmy"])):  # fmt: skip
    inp = "/tmp/stores/porto" if label == "on a store" else DM
    say(f"predict --time-format {label}", cli("predict", "--model", ROOT / "trajlm/checkpoints/trajlm-small", "--input", inp, "--out", OUT / f"pr{say.n + 1}.csv", *extra))  # fmt: skip


def ingest_json(*args) -> str:
    r = subprocess.run([str(ROOT / ".venv/bin/trajlm"), "data", "ingest", *map(str, args), "--json"],
                       capture_output=True, text=True, env=__import__("os").environ, cwd=OUT)  # fmt: skip
    try:
        j = json.loads(r.stdout)
        valid = f"json keys={list(j)[:6]}"
    except json.JSONDecodeError:
        valid = f"stdout NOT json: {r.stdout[:120]!r}"
    return f"exit={r.returncode} {valid} stderr={r.stderr.strip().splitlines()[-1:] if r.stderr.strip() else ''}"


say("ingest --json (fine)", lambda: ingest_json(NV, "--out", OUT / "j1"))
say("ingest --json missing input", lambda: ingest_json(OUT / "nope.csv", "--out", OUT / "j2"))
say("ingest --json out exists", lambda: ingest_json(NV, "--out", OUT / "j1"))
say("ingest --json all rows dropped", lambda: ingest_json(write("bad.csv", "traj_id,t,lat,lon\na,x,y,z\n"), "--out", OUT / "j3"))  # fmt: skip
say("ingest --json bad option", lambda: ingest_json(NV, "--out", OUT / "j4", "--utc-offset", "99"))
say("ingest --json with --on-error skip and a bad file", lambda: ingest_json(NV, write("junk.csv", "hello\n"), "--out", OUT / "j5", "--on-error", "skip"))  # fmt: skip

# ---- 9. ask34: home range, ships at anchor, ship names
from trajlm.questions import ask as _ask  # noqa: E402


def Q(q, d):  # noqa: N802
    return lambda: (lambda a: f"value={a.value!r} :: {str(a)[:200]!r}")(_ask(q, d, planner="rules"))


def animal(pts: list[tuple[float, float]], name: str = "Kito") -> pl.DataFrame:
    return pl.DataFrame({"animal_id": [name] * len(pts), "t": [T0 + 3600 * i for i in range(len(pts))],
                         "lat": [p[0] for p in pts], "lon": [p[1] for p in pts]})  # fmt: skip


sq = [(-2.6, 37.2), (-2.6, 37.22), (-2.62, 37.22), (-2.62, 37.2), (-2.61, 37.21)] * 3
say("home range (fine: a square)", Q("What was the home range of Kito, in square km?", animal(sq)))
say("home range one fix", Q("What was the home range of Kito?", animal(sq[:1])))
say("home range two fixes", Q("What was the home range of Kito?", animal(sq[:2])))
say("home range collinear fixes", Q("What was the home range of Kito?", animal([(-2.6 + 0.01 * i, 37.2 + 0.01 * i) for i in range(10)])))  # fmt: skip
say("home range all one point", Q("What was the home range of Kito?", animal([(-2.6, 37.2)] * 10)))
say("home range across the antimeridian", Q("What was the home range of Kito?", animal([(10.0, 179.99), (10.0, -179.99), (10.02, -179.99), (10.02, 179.99)] * 3)))  # fmt: skip
say("home range of an unknown animal", Q("What was the home range of Zuri?", animal(sq)))
say("home range of every animal", Q("What was the home range of each animal?", pl.concat([animal(sq), animal(sq, "Zuri")])))  # fmt: skip
say("home range with NaN fixes", Q("What was the home range of Kito?", animal(sq + [(float("nan"), float("nan"))])))  # fmt: skip
say("home range in acres", Q("What was Kito's home range in acres?", animal(sq)))
ships = pl.DataFrame([{"vessel_name": n, "vessel_type": "Container Ship", "t": T0 + 600 * k, "lat": 51.3 + (1e-4 * k if k > 50 else 0), "lon": 4.3} for n in ("SCHELDE STAR", "NORD") for k in range(80)])  # fmt: skip
say("ask 'was SCHELDE STAR at anchor on 2026-03-01'", Q("Was SCHELDE STAR at anchor on 2026-03-01?", ships))  # fmt: skip
say("ask 'was SCHELDE at anchor' (half a name)", Q("Was SCHELDE at anchor?", ships))
say("ask 'which ships anchored for longer than -6 h'", Q("Which ships anchored for longer than -6 h?", ships))  # fmt: skip
say("ask 'which ships anchored for longer than 1e9 h'", Q("Which ships anchored for longer than 1e9 h?", ships))  # fmt: skip
say("ask 'was any ship at anchor' on no ships (vans)", Q("Was any ship at anchor for more than 2 h?", feed))  # fmt: skip
