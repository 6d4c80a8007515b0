"""badin40: hostile inputs on session 39's surfaces, one line a case, classified by hand
(scripts/badin40/classes.py): a corpus [[source]]'s `clean` table and its jump line; ingest's
jump counter (`reading.jump_steps`); `eval --compare` names; AIS's 102.3 kn code; a row-counter
`_id`; GPS lock columns; Elasticsearch's [lat, lon] swap check; JSON "lat,lon" / WKT / geohash
text; MQTT key=value payloads; Splunk's `unit`; deck.gl pairs; `--out` inside an input folder;
`at_times`; HTTP positions as text, `/ask` `columns`, local offsets on /parked /divert /reach;
the eight new readers (VBOX, RaceChrono v3, Mapillary, Firebase RTDB, DynamoDB export, Amazon
Location, Particle streams, ThingsBoard); `--split-at-stops` and float epoch seconds. CLI calls
run in process (typer's CliRunner), HTTP through FastAPI's TestClient.
Run: PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/python scripts/badin40/probe.py [OUT_DIR]
(default /tmp/badin40/probe; heldout39's generators write the reader fixtures under it)
"""

# fmt: off
from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import sys
import warnings
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases, cli_error_first, probe_out, read_summary, run_script, write_file  # noqa: E402
from badin_cases import ingest_case as shared_ingest_case  # noqa: E402

import trajlm  # noqa: E402
from trajlm.cli import app  # noqa: E402

OUT = probe_out("/tmp/badin40/probe")
say = Cases(got=600, warn=170, warn_total=420, flush=True)
WORDS = ("rror", "arn", "wrote", "refus", "nvalid", "must", "not ", "unknown", "Usage", "ignored",
         "no ", "exist", "jump", "step", "faster", "compare", "swapped", "geohash", "MQTT", "VBOX",
         "Stored", "stored", "points", "trajector", "can't", "inside", "stop", "Paired")
G = OUT / "gen"
F = OUT / "fix"
F.mkdir()
MADE: dict[Path, str] = {}
run_script("heldout39/gen_track.py", str(G))
run_script("heldout39/gen_cloud.py", str(G))
for p in G.rglob("*"):
    if p.is_file():
        MADE[p] = hashlib.sha256(p.read_bytes()).hexdigest()


def cli(*args: object, limit: int = 420):
    return lambda: cli_error_first(app, args, WORDS, limit)


def put(name: str, data: str | bytes) -> Path:
    p = write_file(OUT, name, data, folder="fix")
    MADE[p] = hashlib.sha256(p.read_bytes()).hexdigest()
    return p


def stored(store: Path) -> str:
    try:
        df = trajlm.read_store(store)
        man = json.loads((store / "manifest.json").read_text())
        rd = man.get("reading") or {}
        return (f"n={df.height} trajs={df['traj_id'].n_unique()} t:{df['t'].dtype} jumps={rd.get('jump_steps')} "
                f"lat={df['lat'].min():.4f}..{df['lat'].max():.4f} lon={df['lon'].min():.4f}..{df['lon'].max():.4f}"
                f" dropped={(man.get('drop_report') or {}).get('dropped')}")
    except Exception as e:  # noqa: BLE001
        return f"UNREADABLE {type(e).__name__}: {str(e)[:120]}"


def ingest_case(name: str, inputs: list, *opts: object) -> None:
    shared_ingest_case(say, cli, OUT / "st", name, inputs, *opts, summary=stored)


def read_case(name: str, path: object, **kw) -> None:
    say(name, lambda: read_summary(path, **kw))


T0 = 1_793_692_800  # 2026-11-03T08:00:00Z


def track(n: int = 30, dt: float = 10.0, lat0: float = 40.7, lon0: float = -74.0, step: float = 1e-4,
          movers: tuple[str, ...] = ("a", "b")) -> list[dict]:
    return [{"device": m, "ts": T0 + dt * i, "lat": lat0 + k * 0.01 + step * i, "lon": lon0 + step * i}
            for k, m in enumerate(movers) for i in range(n)]


def csv_rows(name: str, header: str, rows: list[str]) -> Path:
    return put(name, header + "\n" + "\n".join(rows) + ("\n" if rows else ""))


def track_csv(name: str, n: int = 30, dt: float = 10.0, **kw) -> Path:
    return csv_rows(name, "device,ts,lat,lon", [f"{r['device']},{r['ts']},{r['lat']:.6f},{r['lon']:.6f}" for r in track(n, dt, **kw)])


# ============ A. a corpus [[source]]'s clean table (load_corpus_spec / build_corpus)
from trajlm.data.corpus import build_corpus, load_corpus_spec  # noqa: E402

CORP = OUT / "corpus"
CORP.mkdir()


def avl(path: Path, n_trips: int = 12, jumps: bool = True, n: int = 30) -> Path:
    rows = ["tur_id;tidspunkt;breddegrad;lengdegrad"]
    for k in range(n_trips):
        for i in range(n):
            lat = 63.43 + (120.0 * i) / 111_320.0 + 0.002 * k
            if jumps and k == 0 and i in (7, 19):
                lat += 2000.0 / 111_320.0
            rows.append(f"B{k:02d};2026-03-{1 + k % 28:02d}T07:{i // 4:02d}:{(i % 4) * 15:02d}Z;{lat:.6f};10.39")
    path.write_text("\n".join(rows) + "\n")
    MADE[path] = hashlib.sha256(path.read_bytes()).hexdigest()
    return path


avl(CORP / "avl.csv")


def spec_text(extra: str, path: str = "avl.csv") -> str:
    return ('[corpus]\nname = "own"\nval_trips_per_source = 2\n\n[[source]]\nname = "avl"\nformat = "csv"\n'
            f'path = "{path}"\ncolumns = {{ traj_id = "tur_id", t = "tidspunkt", lat = "breddegrad", lon = "lengdegrad" }}\n' + extra)


def corpus_load(name: str, extra: str) -> None:
    def run() -> str:
        spec = CORP / f"spec{say.n + 1:03d}.toml"
        spec.write_text(spec_text(extra))
        got = load_corpus_spec(spec, data_root=str(CORP))
        return f"loaded: clean={[getattr(s, 'clean', None) for s in got.sources]}"
    say(name, run)


def corpus_build(name: str, extra: str, path: str = "avl.csv") -> None:
    def run() -> str:
        spec = CORP / f"spec{say.n + 1:03d}.toml"
        spec.write_text(spec_text(extra, path))
        lines: list[str] = []
        rec = build_corpus(load_corpus_spec(spec, data_root=str(CORP)), CORP / f"c{say.n + 1:03d}", log=lines.append)
        src = rec["sources"][0]
        return (f"n_points={src.get('n_points')} clean={src.get('clean')} jumps={src.get('jumps')} :: "
                + " / ".join(m for m in lines if "corpus" in m or "step" in m)[:300])
    say(name, run)


for label, extra in (
    ("clean = {} (empty table)", "clean = {}"),
    ("clean unknown key 'bogus'", "clean = { bogus = 1 }"),
    ("clean negative max_speed_mps -30", "clean = { max_speed_mps = -30 }"),
    ("clean max_speed_mps = 0", "clean = { max_speed_mps = 0 }"),
    ("clean max_speed_mps = nan", "clean = { max_speed_mps = nan }"),
    ("clean max_speed_mps = inf", "clean = { max_speed_mps = inf }"),
    ("clean max_speed_mps = 'thirty'", 'clean = { max_speed_mps = "thirty" }'),
    ("clean max_speed_mps = '30' (numeric text)", 'clean = { max_speed_mps = "30" }'),
    ("clean max_speed_mps = true", "clean = { max_speed_mps = true }"),
    ("clean max_speed_mps = [30]", "clean = { max_speed_mps = [30] }"),
    ("clean max_speed_mps = { v = 30 }", "clean = { max_speed_mps = { v = 30 } }"),
    ("clean min_points = -1", "clean = { min_points = -1 }"),
    ("clean min_points = 2.5", "clean = { min_points = 2.5 }"),
    ("clean min_points = 0", "clean = { min_points = 0 }"),
    ("clean max_gap_s = 1e300", "clean = { max_gap_s = 1e300 }"),
    ("clean max_gap_s = -inf", "clean = { max_gap_s = -inf }"),
    ("clean = 5", "clean = 5"),
    ("clean = []", "clean = []"),
    ("clean = 'strict'", 'clean = "strict"'),
    ("clean key with dashes '--max-gap-s'", 'clean = { "--max-gap-s" = 600 }'),
    ("clean key in upper case MAX_SPEED_MPS", "clean = { MAX_SPEED_MPS = 30 }"),
    ("clean max_accuracy_m = -5", "clean = { max_accuracy_m = -5 }"),
    ("clean min_year = 'x'", 'clean = { min_year = "x" }'),
    ("clean as [source.clean] sub-table", "[source.clean]\nmax_speed_mps = 30"),
    ("clean twice (TOML duplicate key)", "clean = { max_speed_mps = 30 }\nclean = { max_gap_s = 5 }"),
):
    corpus_load(label, extra + "\n")
corpus_build("build: jumps said (fine)", "")
corpus_build("build: clean max_speed_mps 30 (fine)", "clean = { max_speed_mps = 30 }\n")
corpus_build("build: clean max_speed_mps 0.001 (drops all?)", "clean = { max_speed_mps = 0.001 }\n")
corpus_build("build: clean min_points 100000 (drops every trip)", "clean = { min_points = 100000 }\n")
avl(CORP / "one.csv", n_trips=1, n=1)
corpus_build("build: a one-row source", "", path="one.csv")
(CORP / "head.csv").write_text("tur_id;tidspunkt;breddegrad;lengdegrad\n")
corpus_build("build: a header-only source", "", path="head.csv")
jo = ["tur_id;tidspunkt;breddegrad;lengdegrad"] + [f"J;2026-03-01T07:00:{i * 10:02d}Z;{63.43 + (0.05 if i % 2 else 0):.6f};10.39" for i in range(6)]
(CORP / "jumponly.csv").write_text("\n".join(jo) + "\n")
corpus_build("build: a jump-only track (every step 5 km / 10 s)", "", path="jumponly.csv")
corpus_build("build: max_speed_mps = nan", "clean = { max_speed_mps = nan }\n")

# ============ B. ingest's jump counter (reading.jump_steps), --max-speed-mps
JUMPY = csv_rows("jumpy.csv", "device,ts,lat,lon", [f"{r['device']},{r['ts']},{r['lat'] + (0.02 if i in (7, 19) else 0):.6f},{r['lon']:.6f}" for i, r in enumerate(track(40))])
ingest_case("a feed with two 2 km jumps (fine: said)", [JUMPY])
ingest_case("a jump-only track (every step 5 km / 10 s)", [csv_rows("jumponly.csv", "device,ts,lat,lon", [f"a,{T0 + 10 * i},{40.7 + (0.05 if i % 2 else 0):.6f},-74.0" for i in range(20)])])
ingest_case("every fix at the same place (0 m/s)", [csv_rows("still.csv", "device,ts,lat,lon", [f"a,{T0 + 10 * i},40.7,-74.0" for i in range(20)])])
ingest_case("one row", [csv_rows("one.csv", "device,ts,lat,lon", ["a,1793692800,40.7,-74.0"])])
ingest_case("two rows 50 km apart in 1 s", [csv_rows("two.csv", "device,ts,lat,lon", ["a,1793692800,40.7,-74.0", "a,1793692801,41.15,-74.0"])])
ingest_case("jumps at the same time stamp (dt 0)", [csv_rows("dt0.csv", "device,ts,lat,lon", [f"a,{T0 + 10 * (i // 2)},{40.7 + (0.02 if i % 2 else 0) + i * 1e-4:.6f},-74.0" for i in range(20)])])
for v in ("0", "-5", "nan", "inf", "abc", "1e9", "0.0001"):
    ingest_case(f"--max-speed-mps {v}", [JUMPY], "--max-speed-mps", v)
ingest_case("--max-speed-mps 30 --max-speed-mps 60", [JUMPY], "--max-speed-mps", "30", "--max-speed-mps", "60")
ingest_case("--max-speed-mps with --full-rate", [JUMPY], "--max-speed-mps", "30", "--full-rate")

# ============ C. AIS's 102.3 kn code only on AIS names; speeds by unit
def spd_csv(name: str, col: str, val: object, n: int = 30, step: float = 1e-4) -> Path:
    return csv_rows(name, f"device,ts,lat,lon,{col}", [f"a,{T0 + 10 * i},{40.7 + step * i:.6f},{-74.0 + step * i:.6f},{val}" for i in range(n)])


for col, val in (("sog", 102.3), ("sog_kn", 102.3), ("speed_kn", 102.3), ("speed_kmh", 102.3), ("speed", 102.3),
                 ("sog", -1), ("sog", "nan"), ("sog", 1e9), ("speed_kmh", 1200), ("speed_mph", 500),
                 ("speed_kn", 700), ("sog", "fast"), ("SOG", 102.3), ("speed_ms", 340.1)):
    read_case(f"read a {col} column of {val!r}", spd_csv(f"spd_{col}_{val}.csv", col, val))

# ============ D. a row counter _id; GPS lock columns
def idcsv(name: str, ids: list[object], extra: str = "") -> Path:
    return csv_rows(name, "_id,ts,lat,lon" + extra, [f"{x},{T0 + 10 * i},{40.7 + 1e-4 * i:.6f},-74.0" for i, x in enumerate(ids)])


read_case("_id 0..n on one time-ordered track", idcsv("id_rows.csv", list(range(40))))
read_case("_id 1..n starting at 1", idcsv("id_rows1.csv", list(range(1, 41))))
read_case("_id counting down", idcsv("id_down.csv", list(range(40, 0, -1))))
read_case("_id all the same", idcsv("id_same.csv", [7] * 40))
read_case("_id Mongo ObjectIds (hex)", idcsv("id_oid.csv", [f"65f0a1b2c3d4e5f6a7b8{i:04x}" for i in range(40)]))
read_case("_id two movers a/b in turns", idcsv("id_ab.csv", ["a" if i % 2 else "b" for i in range(40)]))
read_case("_id row counter with --traj-col device beside", csv_rows("id_dev.csv", "_id,device,ts,lat,lon", [f"{i},d{i % 2},{T0 + 10 * i},{40.7 + 1e-4 * i:.6f},-74.0" for i in range(40)]))
read_case("_id row counter, traj_col='_id' given", idcsv("id_given.csv", list(range(40))), traj_col="_id")
read_case("_id row counter, one row", idcsv("id_one.csv", [0]))


def lock_csv(name: str, col: str, values: list[object]) -> Path:
    return csv_rows(name, f"date,lat,lon,{col}", [f"2026-09-12T10:{k // 60:02d}:{k % 60:02d}Z,{47.23 + k * 1e-4:.6f},{11.38 + k * 1e-4:.6f},{v}" for k, v in enumerate(values)])


read_case("GPS fix column all 0 (no fix anywhere)", lock_csv("fix_all0.csv", "fix", [0] * 60))
read_case("GPS fix column half 0 half 3 (fine)", lock_csv("fix_half.csv", "fix", [0 if i % 2 else 3 for i in range(60)]))
read_case("GPS fix column 'no fix' / NaN / empty", lock_csv("fix_mix.csv", "gps_fix", ["no fix", "nan", "", "3D"] * 15))
read_case("GPS fix column -1", lock_csv("fix_neg.csv", "fix", [-1] * 30 + [3] * 30))
read_case("GPS fix column 'NO_FIX' one row", lock_csv("fix_one.csv", "lock", ["NO_FIX"]))
read_case("GPS fix column booleans true/false", lock_csv("fix_bool.csv", "fix", ["true", "false"] * 30))

# ============ E. Elasticsearch [lat, lon] swap check
def es(name: str, point, n: int = 30, speed_key: str | None = "speed_kmh", extra: dict | None = None) -> Path:
    hits = []
    for i in range(n):
        lat, lon = 38.7 + 1e-4 * i, -9.14 + 1e-4 * i
        src = {"vehicle": "v1", "@timestamp": T0 + 10 * i, "location": point(lat, lon) if callable(point) else point}
        if speed_key:
            src[speed_key] = 40.0
        src.update(extra or {})
        hits.append({"_index": "fleet", "_id": f"v1-{i}", "_source": src})
    return put(name, json.dumps({"took": 3, "hits": {"total": {"value": n}, "hits": hits}}))


read_case("ES [lat, lon] array beside a speed (swapped, said)", es("es_latfirst.json", lambda a, o: [a, o]))
read_case("ES [lon, lat] array beside a speed (fine)", es("es_lonfirst.json", lambda a, o: [o, a]))
read_case("ES 'lat,lon' text (fine)", es("es_text.json", lambda a, o: f"{a},{o}"))
read_case("ES 3-number array", es("es_three.json", lambda a, o: [o, a, 12.0]))
read_case("ES [lat, lon] with lat > 90 in the pair", es("es_big.json", lambda a, o: [a + 100, o]))
read_case("ES point null everywhere", es("es_null.json", None))
read_case("ES point as {'lat', 'lon'} object (fine)", es("es_obj.json", lambda a, o: {"lat": a, "lon": o}))
read_case("ES point as text array ['38.7', '-9.1']", es("es_strarr.json", lambda a, o: [str(o), str(a)]))
read_case("ES speed NaN text", es("es_spnan.json", lambda a, o: [a, o], extra={"speed_kmh": "NaN"}))
read_case("ES no hits", put("es_empty.json", json.dumps({"took": 1, "hits": {"total": {"value": 0}, "hits": []}})))
read_case("ES one hit", es("es_one.json", lambda a, o: [a, o], n=1))
read_case("ES [lat, lon] beside speed 0 (parked)", es("es_parked.json", lambda a, o: [a, o], extra={"speed_kmh": 0.0}))

# ============ F. JSON records with a "lat,lon" / WKT / geohash text position
def recs(name: str, key: str, values: list[object], idk: str = "device") -> Path:
    return put(name, json.dumps([{idk: "a", "ts": T0 + 10 * i, key: v} for i, v in enumerate(values)]))


def txt(fmt: str, n: int = 20) -> list[str]:
    return [fmt.format(lat=40.7 + 1e-4 * i, lon=-74.0 + 1e-4 * i) for i in range(n)]


for label, key, vals in (
    ("'lat,lon' text (fine)", "position", txt("{lat:.5f},{lon:.5f}")),
    ("'lat,lon,alt' three numbers", "position", txt("{lat:.5f},{lon:.5f},12.5")),
    ("'lat;lon' semicolon", "position", txt("{lat:.5f};{lon:.5f}")),
    ("'lat lon' space only", "position", txt("{lat:.5f} {lon:.5f}")),
    ("'lon,lat' lon first (lon past 90: told?)", "position", [f"{151.2 + 1e-4 * i:.5f},{-33.86 + 1e-4 * i:.5f}" for i in range(20)]),
    ("'91,200' out of range", "position", ["91,200"] * 20),
    ("'a,b' words", "position", ["a,b"] * 20),
    ("'40,7,-74,0' comma decimals", "position", ["40,7,-74,0"] * 20),
    ("'' empty texts", "position", [""] * 20),
    ("half text half null", "position", [t if i % 2 else None for i, t in enumerate(txt("{lat:.5f},{lon:.5f}"))]),
    ("text mixed with [lat, lon] lists", "position", [t if i % 2 else [40.7, -74.0] for i, t in enumerate(txt("{lat:.5f},{lon:.5f}"))]),
    ("'NaN,NaN'", "position", ["NaN,NaN"] * 20),
    ("'inf,-inf'", "position", ["inf,-inf"] * 20),
    ("'40.7N,74.0W' hemisphere letters", "position", txt("{lat:.5f}N,74.0W")),
    ("'(40.7, -74.0)' parenthesised", "position", txt("({lat:.5f}, {lon:.5f})")),
    ("WKT POINT (fine)", "location", txt("POINT ({lon:.5f} {lat:.5f})")),
    ("WKT POINT EMPTY everywhere", "location", ["POINT EMPTY"] * 20),
    ("WKT POINT EMPTY on half", "location", [t if i % 2 else "POINT EMPTY" for i, t in enumerate(txt("POINT ({lon:.5f} {lat:.5f})"))]),
    ("WKT MULTIPOINT", "location", txt("MULTIPOINT (({lon:.5f} {lat:.5f}), ({lon:.5f} {lat:.5f}))")),
    ("WKT POINT Z", "location", txt("POINT Z ({lon:.5f} {lat:.5f} 12)")),
    ("WKT POINT with one number", "location", txt("POINT ({lon:.5f})")),
    ("WKT LINESTRING", "location", txt("LINESTRING ({lon:.5f} {lat:.5f}, {lon:.5f} {lat:.5f})")),
    ("WKT POINT lat-first (lon past 90)", "location", [f"POINT ({-33.86 + 1e-4 * i:.5f} {151.2 + 1e-4 * i:.5f})" for i in range(20)]),
    ("WKT POINT (200 100) out of range", "location", ["POINT (200 100)"] * 20),
    ("WKT truncated 'POINT (-74.0'", "location", txt("POINT ({lon:.5f}")),
    ("WKT SRID=4326;POINT", "location", txt("SRID=4326;POINT({lon:.5f} {lat:.5f})")),
    ("WKT SRID=3857;POINT in metres", "location", [f"SRID=3857;POINT({-8238310 + i} {4969803 + i})" for i in range(20)]),
):
    read_case(f"JSON {label}", recs(f"jt{say.n + 1:03d}.json", key, vals))

GH = ["dr5regw3p", "dr5regw3r", "dr5regw3x", "dr5regw6b", "dr5regw6c", "dr5regw6f"] * 3
for label, vals in (
    ("geohash 9 chars (fine)", GH),
    ("geohash odd length 7", [g[:7] for g in GH]),
    ("geohash of 1 char", ["d"] * 18),
    ("geohash of 20 chars", [g + "bcdefghjkmn" for g in GH]),
    ("geohash invalid chars 'a', 'i', 'l', 'o'", ["dr5aiwlo"] * 18),
    ("geohash upper case", [g.upper() for g in GH]),
    ("geohash mixed lengths 3..9", [g[: 3 + i % 7] for i, g in enumerate(GH)]),
    ("geohash empty text", [""] * 18),
    ("geohash numbers only '12345'", ["12345"] * 18),
    ("geohash a number (JSON int)", [12345] * 18),
    ("geohash with spaces", [" " + g + " " for g in GH]),
    ("geohash null on half", [g if i % 2 else None for i, g in enumerate(GH)]),
):
    read_case(f"JSON {label}", recs(f"gh{say.n + 1:03d}.json", "geohash", vals, idk="unit"))
read_case("JSON geohash beside lat / lon that disagree", put("gh_dis.json", json.dumps([{"unit": "u", "time": T0 + 10 * i, "geohash": g, "lat": 51.5, "lon": -0.1} for i, g in enumerate(GH)])))

# ============ G. MQTT key=value / bare-number payloads
def mq(name: str, lines: list[str]) -> Path:
    return put(name, "\n".join(lines) + "\n")


KV = [f"fleet/cb{k}/gps lat={40.7 + 1e-4 * i + 0.01 * k:.5f};lon={-74.0 + 1e-4 * i:.5f};ts={T0 + 10 * i}" for i in range(15) for k in range(2)]
for label, lines in (
    ("key=value (fine)", KV),
    ("key=value lat only", [ln.split(";lon")[0] + f";ts={T0 + i}" for i, ln in enumerate(KV)]),
    ("key=value lat=abc", [ln.replace("lat=40", "lat=abc40") for ln in KV]),
    ("key=value lat twice, different values", [ln + ";lat=10.0" for ln in KV]),
    ("key=value no ts", [ln.split(";ts")[0] for ln in KV]),
    ("key=value ts ISO", [ln.split(";ts")[0] + f";ts=2026-11-03T08:00:{i // 2:02d}Z" for i, ln in enumerate(KV)]),
    ("key=value with & separators", [ln.replace(";", "&") for ln in KV]),
    ("key=value comma separators", [ln.replace(";", ",") for ln in KV]),
    ("key=value lat=91", [ln.replace("lat=40", "lat=91") for ln in KV]),
    ("key=value empty values 'lat=;lon='", [f"fleet/x/gps lat=;lon=;ts={T0 + i}" for i in range(20)]),
    ("bare numbers ts,lat,lon (fine)", [f"fleet/{d}/gps {T0 + 10 * i},{40.7 + 1e-4 * i:.5f},{-74.0 + 1e-4 * i:.5f}" for i in range(15) for d in "ab"]),
    ("bare numbers 2 fields", [f"fleet/{d}/gps {40.7 + 1e-4 * i:.5f},{-74.0 + 1e-4 * i:.5f}" for i in range(15) for d in "ab"]),
    ("bare numbers lat,lon,ts order", [f"fleet/{d}/gps {40.7 + 1e-4 * i:.5f},{-74.0 + 1e-4 * i:.5f},{T0 + 10 * i}" for i in range(15) for d in "ab"]),
    ("bare numbers NaN", [f"fleet/{d}/gps {T0 + 10 * i},nan,nan" for i in range(15) for d in "ab"]),
    ("JSON and key=value mixed", [ln if i % 2 else "fleet/cb0/gps " + json.dumps({"lat": 40.7, "lon": -74.0, "ts": T0 + i}) for i, ln in enumerate(KV)]),
    ("only a status line", ["fleet/cb016/status online"] * 5),
    ("topics only, no payload", ["fleet/cb016/gps"] * 10),
    ("key=value one line", KV[:1]),
):
    read_case(f"MQTT {label}", mq(f"mq{say.n + 1:03d}.log", lines))

# ============ H. Splunk's unit as id; deck.gl pairs
def splunk(name: str, unit) -> Path:
    rows = [(T0 + 10 * i + k, f"gw-{(i + k) % 2}", unit(i, k), 40.1 + 0.05 * k + i * 2e-4, -3.6 - 0.04 * k + i * 1e-4) for i in range(30) for k in range(3)]
    rows.sort(reverse=True)
    return csv_rows(name, "_time,host,unit,lat,lon", [f"{t},{h},{u},{a:.6f},{b:.6f}" for t, h, u, a, b in rows])


read_case("Splunk unit M-0..2 (fine)", splunk("sp_fine.csv", lambda i, k: f"M-{k}"))
read_case("Splunk unit all the same", splunk("sp_same.csv", lambda i, k: "M"))
read_case("Splunk unit empty on every row", splunk("sp_empty.csv", lambda i, k: ""))
read_case("Splunk unit numbers", splunk("sp_num.csv", lambda i, k: k))
read_case("Splunk unit a fresh value per row", splunk("sp_row.csv", lambda i, k: f"u{i}-{k}"))
read_case("Splunk unit 'm/s' (a unit of measure)", splunk("sp_ms.csv", lambda i, k: "m/s"))


def deck(name: str, pairs) -> Path:
    return put(name, json.dumps([{"vendor": "v1", "path": pairs, "timestamps": [T0 + 10 * i for i in range(len(pairs) if isinstance(pairs, list) else 0)]}]))


TOK = [[35.68 + i * 1e-4, 139.76 + i * 1e-4] for i in range(12)]
read_case("deck.gl lat-first told by a lon past 90 (fine)", deck("dk_tok.json", TOK))
read_case("deck.gl pairs of 3 numbers", deck("dk_three.json", [[139.76, 35.68 + i * 1e-4, 10] for i in range(12)]))
read_case("deck.gl pairs of 1 number", deck("dk_one.json", [[139.76 + i] for i in range(12)]))
read_case("deck.gl empty path", deck("dk_empty.json", []))
read_case("deck.gl pairs as text", deck("dk_text.json", [[str(a), str(b)] for a, b in TOK]))
read_case("deck.gl both past 180", deck("dk_big.json", [[200 + i, 300] for i in range(12)]))
read_case("deck.gl timestamps shorter than path", put("dk_short.json", json.dumps([{"vendor": "v", "path": TOK, "timestamps": [T0, T0 + 10]}])))
read_case("deck.gl null pairs among", deck("dk_null.json", [p if i % 3 else None for i, p in enumerate(TOK)]))

# ============ I. --out inside an input folder
IN = F / "infolder"
IN.mkdir()
shutil.copy(track_csv("inf_a.csv"), IN / "a.csv")
MADE[IN / "a.csv"] = hashlib.sha256((IN / "a.csv").read_bytes()).hexdigest()
say("ingest --out INPUT_FOLDER/store", cli("data", "ingest", IN, "--out", IN / "store"))
say("ingest --out INPUT_FOLDER itself", cli("data", "ingest", IN, "--out", IN))
say("ingest --out a file's own folder (input a file)", cli("data", "ingest", IN / "a.csv", "--out", IN / "st2"))
say("ingest --out the parent of INPUT_FOLDER", cli("data", "ingest", IN, "--out", F))
(F / "link_in").symlink_to(IN / "sub_store", target_is_directory=True)
say("ingest --out a symlink pointing inside INPUT_FOLDER", cli("data", "ingest", IN, "--out", F / "link_in"))
say("ingest --out INPUT_FOLDER/../infolder/x (dots)", cli("data", "ingest", IN, "--out", F / "x" / ".." / "infolder" / "x"))
say("trajlm.ingest(folder, out=folder/store)", lambda: trajlm.ingest(IN, out=IN / "py_store"))
say("ingest --out the input CSV file path itself", cli("data", "ingest", IN / "a.csv", "--out", IN / "a.csv"))

# ============ J. predict: at_times / seconds_ahead on trajlm-small, HTTP through TestClient
warnings.simplefilter("ignore")
small = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
warnings.resetwarnings()
HIST = pl.DataFrame([{"traj_id": r["device"], "t": int(r["ts"]), "lat": r["lat"], "lon": r["lon"]} for r in track(20, 15.0, step=1.5e-4)])


def pred(**kw):
    return lambda: str(small.predict(HIST, **kw).head(4).rows())[:400]


for label, kw in (
    ("at_times one hour on (fine)", {"at_times": "2026-11-03T09:00:00Z"}),
    ("at_times ten years on", {"at_times": "2036-11-03T09:00:00Z"}),
    ("at_times before the last fix", {"at_times": "2026-11-03T07:00:00Z"}),
    ("at_times NaN", {"at_times": float("nan")}),
    ("at_times inf", {"at_times": float("inf")}),
    ("at_times 'tomorrow'", {"at_times": "tomorrow"}),
    ("at_times empty list", {"at_times": []}),
    ("at_times list mixed ISO and numbers", {"at_times": ["2026-11-03T08:10:00Z", T0 + 900]}),
    ("at_times 1e12 (ms epoch?)", {"at_times": 1.7936928e12}),
    ("at_times '+25:00' offset", {"at_times": "2026-11-03T09:00:00+25:00"}),
    ("seconds_ahead -60", {"seconds_ahead": -60}),
    ("seconds_ahead 1e9", {"seconds_ahead": 1e9}),
    ("seconds_ahead 0", {"seconds_ahead": 0}),
    ("seconds_ahead and at_times both", {"seconds_ahead": 60, "at_times": "2026-11-03T09:00:00Z"}),
    ("seconds_ahead 'abc'", {"seconds_ahead": "abc"}),
):
    say(f"predict {label}", pred(**kw))

from fastapi.testclient import TestClient  # noqa: E402

from trajlm.serve import create_app  # noqa: E402

client = TestClient(create_app(small))
client.__enter__()
ROWS = [{"unitId": r["device"], "ts": f"2026-11-03T{8 + int(r['ts'] - T0) // 3600:02d}:{(int(r['ts'] - T0) // 60) % 60:02d}:{int(r['ts'] - T0) % 60:02d}+02:00",
         "latitude": round(r["lat"], 6), "longitude": round(r["lon"], 6)} for r in track(16, 30.0, step=2e-4)]


def http(name: str, path: str, body: object) -> None:
    def run() -> str:
        r = client.post(path, json=body)
        return f"{r.status_code} {r.text[:360]}"
    say(name, run)


def with_lat(v: object, every: int = 3) -> list[dict]:
    return [{**r, "latitude": v if i % every == 1 else r["latitude"]} for i, r in enumerate(ROWS)]


http("HTTP /predict rows (fine)", "/predict", {"trajectories": ROWS, "steps": 2})
for v in ("1e2", " 40.71 ", "0x10", "40.71.02", "-0", "+40.71", "٤٠.٧١", "40.71e", "4.071e1", "40.71\n", "true"):
    http(f"HTTP /predict a latitude text {v!r}", "/predict", {"trajectories": with_lat(v), "steps": 2})
http("HTTP /predict every latitude '91.0' text", "/predict", {"trajectories": with_lat("91.0", every=1), "steps": 2})
http("HTTP /predict text positions in both keys on one row", "/predict", {"trajectories": [{**r, "latitude": str(r["latitude"]), "longitude": str(r["longitude"])} for r in ROWS], "steps": 2})
for off in ("+25:00", "+14:00", "-12:30", "+03", "+0530", "Z", "+99:99", "-00:00"):
    rows = [{**r, "ts": r["ts"].replace("+02:00", off)} for r in ROWS]
    http(f"HTTP /parked ts offset {off!r}", "/parked", {"trajectories": rows})
mixed = [{**r, "ts": r["ts"].replace("+02:00", "+05:00" if i % 2 else "+02:00")} for i, r in enumerate(ROWS)]
http("HTTP /parked offsets alternating on one mover", "/parked", {"trajectories": mixed})
http("HTTP /divert ts offset +25:00", "/divert", {"trajectories": [{**r, "ts": r["ts"].replace("+02:00", "+25:00")} for r in ROWS], "order": [[40.72, -73.99]]})
http("HTTP /divert fine offsets (+02:00)", "/divert", {"trajectories": ROWS, "order": [[40.72, -73.99]]})
http("HTTP /reach ts offset +14:00", "/reach", {"trajectories": [{**r, "ts": r["ts"].replace("+02:00", "+14:00")} for r in ROWS], "to": [[40.71, -73.99]], "horizon_s": 600, "radius_m": 80, "route": False})
http("HTTP /reach ts naive (no offset)", "/reach", {"trajectories": [{**r, "ts": r["ts"][:19]} for r in ROWS], "to": [[40.71, -73.99]], "horizon_s": 600, "radius_m": 80, "route": False})
http("HTTP /reach mixed naive and zoned", "/reach", {"trajectories": [{**r, "ts": r["ts"][:19] if i % 2 else r["ts"]} for i, r in enumerate(ROWS)], "to": [[40.71, -73.99]], "horizon_s": 600, "radius_m": 80, "route": False})
Q = "how far did each vehicle drive?"
for label, cols in (
    ("{'vehicle_id': 'unitId'} (fine)", {"vehicle_id": "unitId"}),
    ("naming a missing field", {"vehicle_id": "plate"}),
    ("mapping to the time key", {"vehicle_id": "ts"}),
    ("a list, not a dict", ["unitId"]),
    ("a string", "unitId"),
    ("an unknown API name", {"colour": "unitId"}),
    ("empty dict", {}),
    ("value null", {"vehicle_id": None}),
    ("value a number", {"vehicle_id": 5}),
    ("two API names on one key", {"vehicle_id": "unitId", "traj_id": "unitId"}),
    ("lat mapped to longitude", {"lat": "longitude", "lon": "latitude"}),
    ("key with different case 'UNITID'", {"vehicle_id": "UNITID"}),
):
    http(f"HTTP /ask columns {label}", "/ask", {"question": Q, "rows": ROWS, "columns": cols})
http("HTTP /ask columns with no rows", "/ask", {"question": Q, "rows": [], "columns": {"vehicle_id": "unitId"}})
http("HTTP /ask columns, question empty", "/ask", {"question": "", "rows": ROWS, "columns": {"vehicle_id": "unitId"}})

# ============ K. eval --compare names
from trajlm.data.store import write_store  # noqa: E402
from trajlm.data.synthetic import generate_city  # noqa: E402

CITY = OUT / "st" / "city"
write_store(generate_city(n_trajectories=40, seed=3).points.drop("label"), CITY)
for comp in ("constant velocity,linear-3", "linear-3,nope", ",,", "constant velocity,constant velocity",
             "CONSTANT VELOCITY,linear-3", " constant velocity , linear-3 ", "constant velocity", "linear-3;knn",
             "trajlm,constant velocity", "constant velocity," * 20):
    say(f"eval --compare {comp[:60]!r}", cli("eval", "--task", "predict", "--data", CITY, "--compare", comp, "--out", OUT / f"ev{say.n + 1:03d}.json", limit=300))
say("eval --compare given twice", cli("eval", "--task", "predict", "--data", CITY, "--compare", "constant velocity,linear-3", "--compare", "linear-3,knn", limit=300))

# ============ L. the eight new readers
VBO = G / "session_20261205_140322.vbo"
vbo = VBO.read_bytes().decode()
head, data = vbo.split("[data]")
dl = data.strip("\r\n").split("\r\n")
RC = G / "session_20261205_153310.csv"
rc = RC.read_text().splitlines()
for label, text in (
    ("VBOX (fine)", vbo),
    ("VBOX no [data] section", head),
    ("VBOX [data] empty", head + "[data]\r\n"),
    ("VBOX one data row", head + "[data]\r\n" + dl[0] + "\r\n"),
    ("VBOX truncated mid-row", head + "[data]\r\n" + "\r\n".join(dl[:50]) + "\r\n" + dl[50][:20]),
    ("VBOX no [column names]", vbo.replace("[column names]", "[colnames]")),
    ("VBOX column names fewer than fields", vbo.replace("sats time lat long velocity", "sats time lat long")),
    ("VBOX no lat column named", vbo.replace(" lat long ", " x y ")),
    ("VBOX created on 32/13/2026", vbo.replace("05/12/2026", "32/13/2026")),
    ("VBOX created line missing, times go past midnight", vbo.replace("File created on 05/12/2026 @ 14:03:22", "")),
    ("VBOX time column garbage", head + "[data]\r\n" + "\r\n".join(ln.replace("1403", "xx03", 1) for ln in dl[:40]) + "\r\n"),
    ("VBOX lat minutes all 0", head + "[data]\r\n" + "\r\n".join(" ".join(p if j != 2 else "+00000.00000" for j, p in enumerate(ln.split())) for ln in dl[:40]) + "\r\n"),
    ("VBOX times going backwards", head + "[data]\r\n" + "\r\n".join(reversed(dl[:60])) + "\r\n"),
    ("VBOX LF line ends", vbo.replace("\r\n", "\n")),
):
    read_case(f"{label}", put(f"vb{say.n + 1:03d}.vbo", text))
for label, lines in (
    ("RaceChrono v3 (fine)", rc),
    ("RaceChrono v3 units row only (no data)", rc[:12]),
    ("RaceChrono v3 header rows only", rc[:11]),
    ("RaceChrono v3 Format,4", [ln.replace("Format,3", "Format,4") for ln in rc]),
    ("RaceChrono v3 without Timestamp column", [",".join(p for j, p in enumerate(ln.split(",")) if j != 0) if i >= 9 else ln for i, ln in enumerate(rc)]),
    ("RaceChrono v3 truncated mid-row", rc[:200] + [rc[200][:15]]),
    ("RaceChrono v3 a blank Latitude on every row", [",".join("" if j == 10 else p for j, p in enumerate(ln.split(","))) if i >= 12 else ln for i, ln in enumerate(rc)]),
    ("RaceChrono v3 preamble only", rc[:8]),
):
    read_case(f"{label}", put(f"rc{say.n + 1:03d}.csv", "\n".join(lines) + "\n"))
MAP = json.loads((G / "mapillary_images.json").read_text())
for label, fn in (
    ("Mapillary (fine)", lambda d: d),
    ("Mapillary data []", lambda d: {"data": []}),
    ("Mapillary captured_at missing", lambda d: {"data": [{k: v for k, v in x.items() if k != "captured_at"} for x in d["data"]]}),
    ("Mapillary geometry null", lambda d: {"data": [{**x, "geometry": None} for x in d["data"]]}),
    ("Mapillary geometry and computed both null", lambda d: {"data": [{**x, "geometry": None, "computed_geometry": None} for x in d["data"]]}),
    ("Mapillary captured_at text", lambda d: {"data": [{**x, "captured_at": "yesterday"} for x in d["data"]]}),
    ("Mapillary captured_at in seconds", lambda d: {"data": [{**x, "captured_at": x["captured_at"] // 1000} for x in d["data"]]}),
    ("Mapillary sequence missing", lambda d: {"data": [{k: v for k, v in x.items() if k != "sequence"} for x in d["data"]]}),
    ("Mapillary one image", lambda d: {"data": d["data"][:1]}),
):
    read_case(label, put(f"mp{say.n + 1:03d}.json", json.dumps(fn(MAP))))
FB = json.loads((G / "tracker-app-default-rtdb-export.json").read_text())
uid0 = next(iter(FB["locations"]))
for label, doc in (
    ("Firebase RTDB (fine)", FB),
    ("Firebase locations {}", {"locations": {}}),
    ("Firebase locations null", {"locations": None}),
    ("Firebase one uid, one push", {"locations": {uid0: dict(list(FB["locations"][uid0].items())[:1])}}),
    ("Firebase timestamps as text", {"locations": {u: {k: {**v, "timestamp": str(v["timestamp"])} for k, v in p.items()} for u, p in FB["locations"].items()}}),
    ("Firebase a uid whose pushes are numbers", {"locations": {**FB["locations"], "bad": {"-x": 5, "-y": 6}}}),
    ("Firebase one level deeper (users/uid/locations/...)", {"users": {u: {"locations": p} for u, p in FB["locations"].items()}}),
):
    read_case(label, put(f"fb{say.n + 1:03d}.json", json.dumps(doc)))
DDB = G / "AWSDynamoDB"


def ddb_copy(name: str, fn) -> Path:
    d = F / f"ddb_{name}"
    shutil.copytree(DDB, d / "AWSDynamoDB")
    for p in sorted((d / "AWSDynamoDB").rglob("*.json.gz")):
        fn(p)
    return d / "AWSDynamoDB"


read_case("DynamoDB export folder (fine)", DDB)
read_case("DynamoDB folder, data gz files empty", ddb_copy("empty", lambda p: p.write_bytes(gzip.compress(b""))))
read_case("DynamoDB folder, a gz truncated", ddb_copy("trunc", lambda p: p.write_bytes(p.read_bytes()[:100])))
read_case("DynamoDB folder, data removed", ddb_copy("nodata", lambda p: p.unlink()))
read_case("DynamoDB folder, not gzip (plain text .gz)", ddb_copy("plain", lambda p: p.write_bytes(gzip.decompress(p.read_bytes()))))
read_case("DynamoDB folder, lat as {'S': 'abc'}", ddb_copy("latS", lambda p: p.write_bytes(gzip.compress(gzip.decompress(p.read_bytes()).replace(b'"lat": {"N"', b'"lat": {"S"').replace(b'"lat": {"S": "59', b'"lat": {"S": "abc')))))
read_case("DynamoDB folder, ts missing", ddb_copy("nots", lambda p: p.write_bytes(gzip.compress(b"\n".join(json.dumps({"Item": {k: v for k, v in json.loads(ln)["Item"].items() if k != "ts"}}).encode() for ln in gzip.decompress(p.read_bytes()).splitlines())))))
read_case("DynamoDB one data file alone", next(DDB.rglob("*.json.gz")))
read_case("DynamoDB manifest-files.json alone", next(DDB.rglob("manifest-files.json")))
AWS = G / "aws-location"
one = json.loads(next(iter(sorted(AWS.glob("*.json")))).read_text())
for label, doc in (
    ("Amazon Location one device (fine)", one),
    ("Amazon Location DevicePositions []", {"DevicePositions": []}),
    ("Amazon Location Position of 3 numbers", {"DevicePositions": [{**p, "Position": [*p["Position"], 12.0]} for p in one["DevicePositions"]]}),
    ("Amazon Location Position [lat, lon] swapped", {"DevicePositions": [{**p, "Position": p["Position"][::-1]} for p in one["DevicePositions"]]}),
    ("Amazon Location SampleTime missing", {"DevicePositions": [{k: v for k, v in p.items() if k != "SampleTime"} for p in one["DevicePositions"]]}),
    ("Amazon Location SampleTime garbage", {"DevicePositions": [{**p, "SampleTime": "soon"} for p in one["DevicePositions"]]}),
    ("Amazon Location Position null", {"DevicePositions": [{**p, "Position": None} for p in one["DevicePositions"]]}),
):
    read_case(label, put(f"al{say.n + 1:03d}.json", json.dumps(doc)))
PAR = (G / "loc-events.txt").read_text()
blocks = PAR.split("\n\n")
for label, text in (
    ("Particle stream (fine)", PAR),
    ("Particle stream ':ok' only", ":ok\n\n"),
    ("Particle stream events without data", "\n\n".join(b for b in blocks if "data:" not in b) + "\nevent: loc\n\n"),
    ("Particle stream data not JSON", PAR.replace('data: {"data"', 'data: nonsense {"data"')),
    ("Particle stream inner data truncated", "\n\n".join(b.replace('\\"lon\\"', '\\"lo') if "data:" in b else b for b in blocks)),
    ("Particle stream cut mid-event", PAR[: len(PAR) // 2]),
    ("Particle stream lck 0 everywhere", PAR.replace('\\"lck\\":1', '\\"lck\\":0')),
    ("Particle stream CRLF", PAR.replace("\n", "\r\n")),
):
    read_case(label, put(f"pa{say.n + 1:03d}.txt", text))
TB = json.loads((G / "telemetry.json").read_text())
for label, doc in (
    ("ThingsBoard (fine)", TB),
    ("ThingsBoard latitude only", {"latitude": TB["latitude"]}),
    ("ThingsBoard longitude ts shifted by 1 ms", {**TB, "longitude": [{**v, "ts": v["ts"] + 1} for v in TB["longitude"]]}),
    ("ThingsBoard values not numbers", {**TB, "latitude": [{**v, "value": "north"} for v in TB["latitude"]]}),
    ("ThingsBoard empty lists", {"latitude": [], "longitude": []}),
    ("ThingsBoard longitude list shorter", {**TB, "longitude": TB["longitude"][:3]}),
    ("ThingsBoard ts as text", {k: [{**v, "ts": str(v["ts"])} for v in vs] for k, vs in TB.items()}),
):
    read_case(label, put(f"tb{say.n + 1:03d}.json", json.dumps(doc)))

# ============ M. float epoch seconds; --split-at-stops to the ms
def flt(name: str, fmt) -> Path:
    return csv_rows(name, "device,ts,lat,lon", [f"a,{fmt(T0 + 0.4 * i)},{40.7 + 1e-5 * i:.6f},-74.0" for i in range(60)])


read_case("float epoch seconds 0.4 s apart (fine)", flt("fe_fine.csv", lambda t: f"{t:.3f}"))
read_case("float epoch seconds, exact_times=True", flt("fe_exact.csv", lambda t: f"{t:.3f}"), exact_times=True)
read_case("float epoch seconds in exponent form", flt("fe_exp.csv", lambda t: f"{t:.6e}"))
read_case("float epoch seconds negative", flt("fe_neg.csv", lambda t: f"{t - 2 * T0:.3f}"))
read_case("float epoch seconds with NaN rows", csv_rows("fe_nan.csv", "device,ts,lat,lon", [f"a,{'nan' if i % 7 == 3 else f'{T0 + 0.4 * i:.3f}'},{40.7 + 1e-5 * i:.6f},-74.0" for i in range(60)]))
read_case("float epoch ms with fractions", flt("fe_ms.csv", lambda t: f"{t * 1000:.1f}"))
read_case("float epoch seconds with 9 decimals", flt("fe_ns.csv", lambda t: f"{t:.9f}"))
read_case("float epoch seconds comma decimals (quoted)", csv_rows("fe_comma.csv", "device;ts;lat;lon", [f"a;{T0 + 0.4 * i:.3f};{40.7 + 1e-5 * i:.6f};-74.0".replace(".", ",") for i in range(60)]))
STAY = csv_rows("stay.csv", "device,ts,lat,lon", [f"a,{T0 + 0.4 * i:.1f},{40.7 + (1e-4 * i if i < 100 or i > 2000 else 0.01):.6f},-74.0" for i in range(2200)])
ingest_case("--split-at-stops on a 0.4-s stay (fine)", [STAY], "--sub-second", "--split-at-stops")
for opt, v in (("--stop-minutes", "0"), ("--stop-minutes", "-1"), ("--stop-minutes", "nan"), ("--stop-minutes", "0.001"),
               ("--stop-radius-m", "0"), ("--stop-radius-m", "-5"), ("--stop-radius-m", "inf"), ("--stop-minutes", "1e9")):
    ingest_case(f"--split-at-stops {opt} {v}", [STAY], "--sub-second", "--split-at-stops", opt, v)
ingest_case("--stop-minutes without --split-at-stops", [STAY], "--sub-second", "--stop-minutes", "5")
ingest_case("--split-at-stops on a one-row file", [csv_rows("stay_one.csv", "device,ts,lat,lon", ["a,1793692800.4,40.7,-74.0"])], "--sub-second", "--split-at-stops")

say("no input file changed", lambda: [p.name for p, h in MADE.items() if p.exists() and hashlib.sha256(p.read_bytes()).hexdigest() != h] or f"none of {len(MADE)}")
client.__exit__(None, None, None)
