"""badin35: hostile inputs on the middle-aged surfaces probed least, one line a case, classified
by hand (scripts/badin35/classes.py): `trajlm data inspect | synth | plot | resplit | match |
corpus`, `recover`, `travel-time`, `train-selector`, `train-recovery`, `similar`, `places`,
`next-place`, `reach`, `anomalies`, `route`; their Python twins (`TrajLM.recover / travel_time /
similar / match`, `trajlm.places / next_place / passages / clean / read`, `check_validity`);
HTTP `/recover`, `/travel-time`, `/reach`, `/validity` and the map page's routes. Hostile:
wrong types, empty and one-row inputs, NaN / inf, ids of mixed types, times out of order or
duplicated, a 10^6-row trip (in a child process held to 180 s), zones mixed, option values out
of range or contradictory, files that are folders, outputs that exist, networks with no edges
or disconnected parts, a selector / recovery folder from another store.
CLI calls run in process (typer's CliRunner), HTTP through FastAPI's TestClient.
Run: PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/python scripts/badin35/probe.py [OUT_DIR]
(default /tmp/badin35/probe)
"""

# fmt: off
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import TINY_TOML, Cases, cli_said  # noqa: E402

import trajlm  # noqa: E402
from trajlm.cli import app  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin35/probe")
shutil.rmtree(OUT, ignore_errors=True)
OUT.mkdir(parents=True)
say = Cases(got=260, warn=170, warn_total=500, flush=True)
WORDS = ("rror", "arn", "wrote", "refus", "nvalid", "must", "not ", "unknown", "Usage", "ignored", "no ", "exist")


def cli(*args: object):
    """A CLI call in process: exit code, any exception that is not SystemExit, the lines that
    say something (errors, warnings, what was written)."""
    return lambda: cli_said(app, args, WORDS, 480)


def child(*args: object, timeout: int = 180):
    """`trajlm ARGS` in a child process held to 6 GB and ``timeout`` s (the 10^6-row cases)."""
    def run() -> str:
        import resource

        lim = lambda: resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))  # noqa: E731
        cmd = [sys.executable, "-m", "trajlm.cli", *map(str, args)]
        try:
            res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, preexec_fn=lim, cwd=OUT)
        except subprocess.TimeoutExpired:
            return f"hang: no answer in {timeout} s"
        lines = [ln.strip(" │╭╰─") for ln in (res.stdout + res.stderr).splitlines() if ln.strip(" │╭╰─")]
        said = " / ".join(ln for ln in lines if any(w in ln for w in WORDS) or "Error" in ln)
        return f"exit={res.returncode} :: {said[-480:]}"
    return run


def put(name: str, data: str | bytes) -> Path:
    p = F / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data if isinstance(data, bytes) else data.encode())
    return p


def table(name: str, df: pl.DataFrame) -> Path:
    p = F / name
    (df.write_parquet if name.endswith(".parquet") else df.write_csv)(p)
    return p


# ---- fixtures: a 60-trip synthetic store (Turin), another store, a tiny run with infilling
# heads, a selector and a route-recovery model on the store, networks as GeoJSON
F = OUT / "fix"
F.mkdir()
STORE, STORE2, RUN = F / "store", F / "store2", F / "run"
TINY = TINY_TOML.replace('head = "gaussian"', 'head = "gaussian"\ninfill_heads = true\ninfill_anchor_inputs = true') + """
[train.objectives]
causal = 1.0
points = 1.0
od = 1.0
"""
SEL = """[selector]
top_k = 4
local = false
max_train_windows = 300
max_val_windows = 100
[selector.place_grid]
w_place = [0.1]
w_heading = [0.0]
n_neighbors = [5]
[selector.network]
d_hidden = 8
n_layers = 1
max_epochs = 1
"""
REC = """[recovery]
max_train_rows = 2000
long_gap_grid = [60.0]
train_mask_seeds = [0]
val_mask_seeds = [0]
[recovery.network]
d_hidden = 8
n_layers = 1
max_epochs = 1
"""
put("tiny.toml", TINY)
put("sel.toml", SEL)
put("rec.toml", REC)
ok = lambda *a: CliRunner().invoke(app, [str(x) for x in a])  # noqa: E731
assert ok("data", "synth", "-o", STORE, "-n", "60").exit_code == 0
assert ok("data", "synth", "-o", STORE2, "-n", "40", "--seed", "7").exit_code == 0
r = ok("train", "--data", STORE, "--out", RUN, "--config", F / "tiny.toml", "--max-steps", "5", "--threads", "1", "--no-val-check")
assert r.exit_code == 0, r.output
assert ok("train-selector", "--data", STORE, "--out", F / "sel", "--config", F / "sel.toml", "--no-val-check").exit_code == 0
assert ok("train-recovery", "--data", STORE, "--out", F / "rec", "--config", F / "rec.toml").exit_code == 0
lm = trajlm.TrajLM.from_pretrained(RUN, threads=1)
pts = trajlm.read(STORE)
base = pts.filter(pl.col("traj_id").is_in(sorted(pts["traj_id"].unique().to_list())[:3])).select("traj_id", "t", "lat", "lon").sort("traj_id", "t")
pdb = base.to_pandas()
gap_idx = [4, 5, 6, 30, 31]
gaps = base.with_columns(**{c: pl.when(pl.int_range(pl.len()).is_in(gap_idx)).then(None).otherwise(pl.col(c)) for c in ("lat", "lon")})
CSV, GAPS = table("pts.csv", base), table("gaps.csv", gaps)
put("empty_dir/.keep", "")
(F / "empty_dir" / ".keep").unlink()
put("mine.txt", "mine\n")
T0 = int(base["t"][0])

from trajlm.data.synthetic import generate_city  # noqa: E402
from trajlm.roads import from_synthetic  # noqa: E402

city = generate_city(n_trajectories=5, seed=0)
edges = from_synthetic(city.roads, city.projection).edges_frame()


def geojson(lines: list[list[list[float]]]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"way_id": i}, "geometry": {"type": "LineString", "coordinates": c}}
        for i, c in enumerate(lines)]})


NET = put("net.geojson", geojson(edges.filter(pl.col("u") < pl.col("v"))["geometry"].to_list()))
NET_EMPTY = put("net_empty.geojson", geojson([]))
far = [[[c[0] + 1.0, c[1]] for c in g] for g in edges.filter(pl.col("u") < pl.col("v"))["geometry"].to_list()[:40]]
NET_SPLIT = put("net_split.geojson", geojson(edges.filter(pl.col("u") < pl.col("v"))["geometry"].to_list()[:60] + far))
NET_ONE = put("net_one.geojson", geojson([[[7.676, 45.060], [7.679, 45.060]]]))
NET_POINT = put("net_point.geojson", json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [7.68, 45.07]}}]}))
NET_NAN = put("net_nan.geojson", geojson([[[7.676, 45.060], [float("nan"), 45.060]]]).replace("NaN", "NaN"))
(F / "net_dir.geojson").mkdir()
big = pl.DataFrame({"traj_id": ["big"] * 1_000_000, "t": np.arange(1_000_000, dtype=np.int64) * 5 + T0,
                    "lat": 45.06 + np.cumsum(np.full(1_000_000, 1e-7)), "lon": 7.68 + np.zeros(1_000_000)})
BIG = table("big.parquet", big)
BIGGAPS = table("biggaps.parquet", big.with_columns(**{c: pl.when(pl.int_range(pl.len()) % 50 == 7).then(None).otherwise(pl.col(c)) for c in ("lat", "lon")}))

# ---- trajlm data inspect
say("inspect the store (fine)", cli("data", "inspect", STORE))
say("inspect a missing path", cli("data", "inspect", F / "nope"))
say("inspect a CSV file", cli("data", "inspect", CSV))
say("inspect an empty folder", cli("data", "inspect", F / "empty_dir"))
say("inspect a run folder", cli("data", "inspect", RUN))
shutil.copytree(STORE, F / "st_noidx")
(F / "st_noidx" / "index.parquet").unlink()
say("inspect a store without index.parquet", cli("data", "inspect", F / "st_noidx"))
shutil.copytree(STORE, F / "st_badidx")
(F / "st_badidx" / "index.parquet").write_bytes(b"not parquet")
say("inspect a store with index.parquet cut", cli("data", "inspect", F / "st_badidx"))
shutil.copytree(STORE, F / "st_badman")
(F / "st_badman" / "manifest.json").write_text("{")
say("inspect a store with manifest.json cut", cli("data", "inspect", F / "st_badman"))
say("inspect a selector folder", cli("data", "inspect", F / "sel"))

# ---- trajlm data synth
say("synth -n 10 (fine)", cli("data", "synth", "-o", F / "syn5", "-n", "10"))
say("synth -n 0", cli("data", "synth", "-o", F / "syn0", "-n", "0"))
say("synth -n -3", cli("data", "synth", "-o", F / "synneg", "-n", "-3"))
say("synth -n 1", cli("data", "synth", "-o", F / "syn1", "-n", "1"))
say("synth -n 2.5", cli("data", "synth", "-o", F / "synf", "-n", "2.5"))
say("synth --seed -1", cli("data", "synth", "-o", F / "synseed", "-n", "10", "--seed", "-1"))
say("synth --out an existing store (no --overwrite)", cli("data", "synth", "-o", STORE, "-n", "10"))
say("synth --out an existing file", cli("data", "synth", "-o", F / "mine.txt", "-n", "10"))
put("userdir/notes.txt", "mine\n")
say("synth --out a folder of the user's --overwrite", cli("data", "synth", "-o", F / "userdir", "-n", "10", "--overwrite"))
say("synth --out the run folder --overwrite", cli("data", "synth", "-o", F / "run_copy", "-n", "10", "--overwrite") if shutil.copytree(RUN, F / "run_copy") else None)
say("synth -o '' (empty path)", cli("data", "synth", "-o", "", "-n", "10"))

# ---- trajlm data plot
say("plot (fine)", cli("data", "plot", STORE, "-o", F / "map.png"))
say("plot --n 0", cli("data", "plot", STORE, "-o", F / "map0.png", "--n", "0"))
say("plot --n -1", cli("data", "plot", STORE, "-o", F / "mapn.png", "--n", "-1"))
say("plot --split nope", cli("data", "plot", STORE, "-o", F / "maps.png", "--split", "nope"))
say("plot --out exists", cli("data", "plot", STORE, "-o", F / "map.png"))
say("plot --out .txt", cli("data", "plot", STORE, "-o", F / "map.txt"))
say("plot --out a folder", cli("data", "plot", STORE, "-o", F / "empty_dir"))
say("plot --out in a missing folder", cli("data", "plot", STORE, "-o", F / "no" / "where" / "map.png"))
say("plot a CSV (not a store)", cli("data", "plot", CSV, "-o", F / "mapcsv.png"))
say("plot the user's file as --out --overwrite", cli("data", "plot", STORE, "-o", F / "mine.txt", "--overwrite"))
say("plot --n 10^9", cli("data", "plot", STORE, "-o", F / "mapbig.png", "--n", "1000000000"))

# ---- trajlm data resplit
say("resplit --by time (fine)", cli("data", "resplit", STORE, "--by", "time", "-o", F / "rs1"))
say("resplit --by hour=17 (fine)", cli("data", "resplit", STORE, "--by", "hour=17", "-o", F / "rs2"))
say("resplit --by hour=25", cli("data", "resplit", STORE, "--by", "hour=25", "-o", F / "rs3"))
say("resplit --by hour=-1", cli("data", "resplit", STORE, "--by", "hour=-1", "-o", F / "rs4"))
say("resplit --by hour=abc", cli("data", "resplit", STORE, "--by", "hour=abc", "-o", F / "rs5"))
say("resplit --by hour=0 (everything test)", cli("data", "resplit", STORE, "--by", "hour=0", "-o", F / "rs5b"))
say("resplit --by user", cli("data", "resplit", STORE, "--by", "user", "-o", F / "rs6"))
say("resplit --by weekday (unknown)", cli("data", "resplit", STORE, "--by", "weekday", "-o", F / "rs7"))
say("resplit --out = the store itself", cli("data", "resplit", STORE, "--by", "time", "-o", STORE))
say("resplit --out an existing store", cli("data", "resplit", STORE, "--by", "time", "-o", F / "rs1"))
say("resplit --out a file", cli("data", "resplit", STORE, "--by", "time", "-o", F / "mine.txt"))
say("resplit a missing store", cli("data", "resplit", F / "nope", "--by", "time", "-o", F / "rs8"))
say("resplit a CSV", cli("data", "resplit", CSV, "--by", "time", "-o", F / "rs9"))
shutil.copytree(STORE, F / "st1")
table("trip1.csv", base.filter(pl.col("traj_id") == base["traj_id"][0]))
assert ok("data", "ingest", F / "trip1.csv", "--out", F / "syn1b").exit_code == 0
say("resplit a one-trip store --by time", cli("data", "resplit", F / "syn1b", "--by", "time", "-o", F / "rs10"))

# ---- trajlm data match
M = lambda inp, *o: cli("data", "match", inp, *o)  # noqa: E731
say("match (fine)", M(CSV, "--network", NET, "-o", F / "m1.csv"))
say("match --network missing", M(CSV, "--network", F / "no.geojson", "-o", F / "m2.csv"))
say("match --network a folder named .geojson", M(CSV, "--network", F / "net_dir.geojson", "-o", F / "m3.csv"))
say("match --network with no edges", M(CSV, "--network", NET_EMPTY, "-o", F / "m4.csv"))
say("match --network of points only", M(CSV, "--network", NET_POINT, "-o", F / "m5.csv"))
say("match --network in two parts 80 km apart", M(CSV, "--network", NET_SPLIT, "-o", F / "m6.csv"))
say("match --network one 200 m edge", M(CSV, "--network", NET_ONE, "-o", F / "m7.csv"))
say("match --network with a NaN coordinate", M(CSV, "--network", NET_NAN, "-o", F / "m8.csv"))
say("match --sigma-m 0", M(CSV, "--network", NET, "-o", F / "m9.csv", "--sigma-m", "0"))
say("match --sigma-m -5", M(CSV, "--network", NET, "-o", F / "m10.csv", "--sigma-m", "-5"))
say("match --sigma-m nan", M(CSV, "--network", NET, "-o", F / "m11.csv", "--sigma-m", "nan"))
say("match --radius-m 0", M(CSV, "--network", NET, "-o", F / "m12.csv", "--radius-m", "0"))
say("match --radius-m inf", M(CSV, "--network", NET, "-o", F / "m13.csv", "--radius-m", "inf"))
say("match --out exists", M(CSV, "--network", NET, "-o", F / "m1.csv"))
say("match --out .txt", M(CSV, "--network", NET, "-o", F / "m14.txt"))
say("match --out = the input", M(CSV, "--network", NET, "-o", CSV, "--overwrite"))
say("match input with NaN lat rows", M(GAPS, "--network", NET, "-o", F / "m15.csv"))
say("match input times duplicated", M(table("dup.csv", pl.concat([base, base]).sort("traj_id", "t")), "--network", NET, "-o", F / "m16.csv"))
say("match input one row", M(table("one.csv", base.head(1)), "--network", NET, "-o", F / "m17.csv"))
say("match input empty (header only)", M(put("hdr.csv", "traj_id,t,lat,lon\n"), "--network", NET, "-o", F / "m18.csv"))
say("match input 10^6-row trip (child, 180 s)", child("data", "match", BIG, "--network", NET, "-o", F / "m19.parquet"))
say("match the store (a folder)", M(STORE, "--network", NET, "-o", F / "m20.parquet"))

# ---- trajlm data corpus (a few not probed by badin34)
say("corpus spec a folder", cli("data", "corpus", F / "empty_dir", "--out", F / "c1"))
say("corpus spec missing", cli("data", "corpus", F / "no.toml", "--out", F / "c2"))
say("corpus spec a CSV file", cli("data", "corpus", CSV, "--out", F / "c3"))
say("corpus --out an existing store", cli("data", "corpus", put("c.toml", f'[[source]]\nname = "a"\npath = "{STORE}"\nformat = "store"\n'), "--out", STORE))

# ---- trajlm recover
RV = lambda *o: cli("recover", "--model", RUN, *o)  # noqa: E731
say("recover CSV (fine)", RV("--input", GAPS, "--out", F / "r1.csv"))
say("recover --input missing", RV("--input", F / "no.csv", "--out", F / "r2.csv"))
say("recover --input an empty folder", RV("--input", F / "empty_dir", "--out", F / "r3.csv"))
say("recover --mode fill", RV("--input", GAPS, "--out", F / "r4.csv", "--mode", "fill"))
say("recover --mode span (infill heads)", RV("--input", GAPS, "--out", F / "r5.csv", "--mode", "span"))
say("recover --every 0s", RV("--input", GAPS, "--out", F / "r6.csv", "--every", "0s"))
say("recover --every -30", RV("--input", GAPS, "--out", F / "r7.csv", "--every", "-30"))
say("recover --every 1ms (millions of rows?)", RV("--input", GAPS, "--out", F / "r8.csv", "--every", "1ms"))
say("recover --radii 200", RV("--input", GAPS, "--out", F / "r9.csv", "--radii", "200"))
say("recover --radii abc", RV("--input", GAPS, "--out", F / "r10.csv", "--radii", "abc"))
say("recover --radii 0", RV("--input", GAPS, "--out", F / "r11.csv", "--radii", "0"))
say("recover --gap-rule nope", RV("--input", GAPS, "--out", F / "r12.csv", "--gap-rule", "nope"))
say("recover --out exists", RV("--input", GAPS, "--out", F / "r1.csv"))
say("recover --out = the input --overwrite", RV("--input", GAPS, "--out", GAPS, "--overwrite"))
say("recover --split nope (store)", RV("--input", STORE, "--out", F / "r13.csv", "--split", "nope"))
say("recover no gaps", RV("--input", CSV, "--out", F / "r14.csv"))
say("recover lat 'abc' text", RV("--input", put("abc.csv", "traj_id,t,lat,lon\na,1710099497,45.07,7.68\na,1710099517,abc,\na,1710099537,45.071,7.681\n"), "--out", F / "r15.csv"))
say("recover --on-error nope", RV("--input", GAPS, "--out", F / "r16.csv", "--on-error", "nope"))
say("recover --model a selector folder", cli("recover", "--model", F / "sel", "--input", GAPS, "--out", F / "r17.csv"))
say("recover --model a route-recovery folder (fine)", cli("recover", "--model", F / "rec", "--input", GAPS, "--out", F / "r18.csv"))
say("recover --model a store", cli("recover", "--model", STORE, "--input", GAPS, "--out", F / "r19.csv"))
say("recover gap in a one-row trip", RV("--input", put("one_gap.csv", "traj_id,t,lat,lon\na,1710099497,,\n"), "--out", F / "r20.csv"))
say("recover trip whose first fix is a gap", RV("--input", put("first_gap.csv", "traj_id,t,lat,lon\na,1710099497,,\na,1710099517,45.07,7.68\na,1710099537,45.071,7.681\n"), "--out", F / "r21.csv"))
say("recover times out of order", RV("--input", table("shuf.csv", gaps.sample(fraction=1.0, shuffle=True, seed=1)), "--out", F / "r22.csv"))
say("recover 10^6-row trip with gaps (child, 180 s)", child("recover", "--model", RUN, "--input", BIGGAPS, "--out", F / "r23.parquet"))

# ---- trajlm travel-time
TTI = lambda name, text: cli("travel-time", "--model", RUN, "--input", put(name, text), "--out", F / (name + ".out.csv"))  # noqa: E731
say("travel-time (fine)", TTI("tt1.csv", "o_lat,o_lon,d_lat,d_lon,depart\n45.070,7.680,45.075,7.695,1710099497\n45.072,7.690,45.068,7.684,1710099597\n"))
say("travel-time depart Unix and ISO mixed", TTI("tt1b.csv", "o_lat,o_lon,d_lat,d_lon,depart\n45.070,7.680,45.075,7.695,1710099497\n45.072,7.690,45.068,7.684,2024-03-10T19:38:17Z\n"))
say("travel-time a NaN origin", TTI("tt2.csv", "o_lat,o_lon,d_lat,d_lon,depart\n,7.680,45.075,7.695,1710099497\n"))
say("travel-time no depart column", TTI("tt3.csv", "o_lat,o_lon,d_lat,d_lon\n45.070,7.680,45.075,7.695\n"))
say("travel-time header only", TTI("tt4.csv", "o_lat,o_lon,d_lat,d_lon,depart\n"))
say("travel-time depart 'soon'", TTI("tt5.csv", "o_lat,o_lon,d_lat,d_lon,depart\n45.070,7.680,45.075,7.695,soon\n"))
say("travel-time origin = destination", TTI("tt6.csv", "o_lat,o_lon,d_lat,d_lon,depart\n45.070,7.680,45.070,7.680,1710099497\n"))
say("travel-time lat 91", TTI("tt7.csv", "o_lat,o_lon,d_lat,d_lon,depart\n91,7.680,45.075,7.695,1710099497\n"))
say("travel-time destination 3000 km away", TTI("tt8.csv", "o_lat,o_lon,d_lat,d_lon,depart\n45.070,7.680,60.0,40.0,1710099497\n"))
say("travel-time depart in ms", TTI("tt9.csv", "o_lat,o_lon,d_lat,d_lon,depart\n45.070,7.680,45.075,7.695,1710099497000\n"))
say("travel-time depart naive ISO", TTI("tt10.csv", "o_lat,o_lon,d_lat,d_lon,depart\n45.070,7.680,45.075,7.695,2024-03-10T19:38:17\n"))
say("travel-time both column families", TTI("tt11.csv", "o_lat,o_lon,d_lat,d_lon,origin_lat,origin_lon,destination_lat,destination_lon,depart\n45.070,7.680,45.075,7.695,1,1,1,1,1710099497\n"))
say("travel-time --input a folder", cli("travel-time", "--model", RUN, "--input", F / "empty_dir", "--out", F / "tt12.csv"))
say("travel-time --out exists", cli("travel-time", "--model", RUN, "--input", F / "tt1.csv", "--out", F / "tt1.csv.out.csv"))
say("travel-time --out = input --overwrite", cli("travel-time", "--model", RUN, "--input", F / "tt1.csv", "--out", F / "tt1.csv", "--overwrite"))
say("travel-time --model a selector folder", cli("travel-time", "--model", F / "sel", "--input", F / "tt1.csv", "--out", F / "tt13.csv"))
say("travel-time lat as text column", TTI("tt14.csv", "o_lat,o_lon,d_lat,d_lon,depart\nnorth,7.680,45.075,7.695,1710099497\n"))

# ---- trajlm train-selector / train-recovery
TS = lambda cfg, *o, out=None: cli("train-selector", "--data", STORE, "--out", out or F / f"s_{Path(str(cfg)).stem}", "--config", cfg, "--no-val-check", *o)  # noqa: E731
TR = lambda cfg, *o, out=None: cli("train-recovery", "--data", STORE, "--out", out or F / f"q_{Path(str(cfg)).stem}", "--config", cfg, *o)  # noqa: E731
say("train-selector unknown key", TS(put("s1.toml", SEL.replace("top_k = 4", "top_k = 4\ntopk = 3"))))
say("train-selector kind = 'knn'", TS(put("s2.toml", SEL.replace("[selector]", '[selector]\nkind = "knn"'))))
say("train-selector top_k = 0", TS(put("s3.toml", SEL.replace("top_k = 4", "top_k = 0"))))
say("train-selector top_k = -2", TS(put("s4.toml", SEL.replace("top_k = 4", "top_k = -2"))))
say("train-selector network lr = nan", TS(put("s5.toml", SEL + "lr = nan\n")))
say("train-selector network d_hidden = 0", TS(put("s6.toml", SEL.replace("d_hidden = 8", "d_hidden = 0"))))
say("train-selector place_grid empty lists", TS(put("s7.toml", SEL.replace("w_place = [0.1]", "w_place = []"))))
say("train-selector max_train_windows = 0", TS(put("s8.toml", SEL.replace("max_train_windows = 300", "max_train_windows = 0"))))
say("train-selector config a folder", TS(F / "empty_dir"))
say("train-selector config without [selector]", TS(put("s9.toml", "[train]\nlr = 1e-3\n")))
say("train-selector --max-epochs 0", TS(F / "sel.toml", "--max-epochs", "0", out=F / "s_me0"))
say("train-selector --data a CSV", cli("train-selector", "--data", CSV, "--out", F / "s_csv", "--config", F / "sel.toml", "--no-val-check"))
say("train-selector --data a one-trip store", cli("train-selector", "--data", F / "syn1b", "--out", F / "s_one", "--config", F / "sel.toml", "--no-val-check"))
say("train-selector --out exists (no --overwrite)", TS(F / "sel.toml", out=F / "sel"))
say("train-selector --out the store --overwrite", TS(F / "sel.toml", "--overwrite", out=F / "st1"))
say("train-selector --out a user's folder --overwrite", TS(F / "sel.toml", "--overwrite", out=F / "userdir"))
say("train-selector --out the run --overwrite", TS(F / "sel.toml", "--overwrite", out=F / "run_copy"))
say("train-recovery unknown key", TR(put("q1.toml", REC.replace("[recovery]", "[recovery]\nradius = 3"))))
say("train-recovery kind = 'selector'", TR(put("q2.toml", REC.replace("[recovery]", '[recovery]\nkind = "selector"'))))
say("train-recovery radius_m = -1", TR(put("q3.toml", REC.replace("[recovery]", "[recovery]\nradius_m = -1"))))
say("train-recovery radius_m = 'far'", TR(put("q4.toml", REC.replace("[recovery]", '[recovery]\nradius_m = "far"'))))
say("train-recovery speed_m_s = 0", TR(put("q5.toml", REC.replace("[recovery]", "[recovery]\nspeed_m_s = 0"))))
say("train-recovery long_gap_grid = []", TR(put("q6.toml", REC.replace("long_gap_grid = [60.0]", "long_gap_grid = []"))))
say("train-recovery long_gap_grid = ['x']", TR(put("q7.toml", REC.replace("long_gap_grid = [60.0]", 'long_gap_grid = ["x"]'))))
say("train-recovery intervals = [0]", TR(put("q8.toml", REC.replace("[recovery]", "[recovery]\nintervals = [0]"))))
say("train-recovery train_mask_seeds = [1.5]", TR(put("q9.toml", REC.replace("train_mask_seeds = [0]", "train_mask_seeds = [1.5]"))))
say("train-recovery reverse = 'yes'", TR(put("q10.toml", REC.replace("[recovery]", '[recovery]\nreverse = "yes"'))))
say("train-recovery max_train_rows = 0", TR(put("q11.toml", REC.replace("max_train_rows = 2000", "max_train_rows = 0"))))
say("train-recovery max_pieces = -1", TR(put("q12.toml", REC.replace("[recovery]", "[recovery]\nmax_pieces = -1"))))
say("train-recovery --data a one-trip store", cli("train-recovery", "--data", F / "syn1b", "--out", F / "q_one", "--config", F / "rec.toml"))
say("train-recovery --out the selector folder --overwrite", TR(F / "rec.toml", "--overwrite", out=F / "sel_copy") if shutil.copytree(F / "sel", F / "sel_copy") else None)
say("train-recovery --out exists", TR(F / "rec.toml", out=F / "rec"))

# ---- trajlm similar
SI = lambda *o: cli("similar", "--model", RUN, *o)  # noqa: E731
say("similar (fine)", SI("--query", CSV, "--database", STORE, "--out", F / "sim1.csv"))
say("similar --k 0", SI("--query", CSV, "--database", STORE, "--out", F / "sim2.csv", "--k", "0"))
say("similar --k 10^6 (more than the database)", SI("--query", CSV, "--database", CSV, "--out", F / "sim3.csv", "--k", "1000000"))
say("similar --database missing", SI("--query", CSV, "--database", F / "no.csv", "--out", F / "sim4.csv"))
say("similar --database an empty folder", SI("--query", CSV, "--database", F / "empty_dir", "--out", F / "sim5.csv"))
say("similar --database header only", SI("--query", CSV, "--database", F / "hdr.csv", "--out", F / "sim6.csv"))
say("similar --query = --database --exclude-self", SI("--query", CSV, "--database", CSV, "--out", F / "sim7.csv", "--exclude-self"))
say("similar --exclude-self, database of one trip (nothing left)", SI("--query", F / "one.csv", "--database", F / "one.csv", "--out", F / "sim8.csv", "--exclude-self"))
say("similar --db-traj-col missing column", SI("--query", CSV, "--database", CSV, "--out", F / "sim9.csv", "--db-traj-col", "trip"))
say("similar --out exists", SI("--query", CSV, "--database", STORE, "--out", F / "sim1.csv"))
say("similar --model a selector", cli("similar", "--model", F / "sel", "--query", CSV, "--database", STORE, "--out", F / "sim10.csv"))
say("similar query with gaps (null lat)", SI("--query", GAPS, "--database", STORE, "--out", F / "sim11.csv"))
say("similar query ids int, database ids str", SI("--query", table("intid.csv", base.with_columns(traj_id=pl.col("traj_id").rank("dense").cast(pl.Int64))), "--database", CSV, "--out", F / "sim12.csv"))
say("similar --on-error nope", SI("--query", CSV, "--database", CSV, "--out", F / "sim13.csv", "--on-error", "nope"))

# ---- trajlm places / next-place
# a mover who stays at home (night) and work (day) for 5 days, a fix every 5 minutes
days = []
for d in range(5):
    for k in range(288):
        t = T0 + d * 86400 + k * 300
        h = k * 5 / 60
        lat, lon = (45.060, 7.660) if h < 8 or h >= 18 else (45.080, 7.700)
        days.append(("u1", t, lat + 1e-5 * (k % 3), lon))
MOVER = pl.DataFrame(days, schema=["traj_id", "t", "lat", "lon"], orient="row")
MV = table("mover.csv", MOVER)
PL = lambda *o, inp=MV: cli("places", "--input", inp, *o)  # noqa: E731
NP = lambda *o, inp=MV: cli("next-place", "--input", inp, *o)  # noqa: E731
say("places (fine)", PL("--out", F / "pl1.csv"))
say("places --radius-m 0", PL("--out", F / "pl2.csv", "--radius-m", "0"))
say("places --radius-m -5", PL("--out", F / "pl3.csv", "--radius-m", "-5"))
say("places --radius-m nan", PL("--out", F / "pl4.csv", "--radius-m", "nan"))
say("places --radius-m inf", PL("--out", F / "pl5.csv", "--radius-m", "inf"))
say("places --stop-minutes 0", PL("--out", F / "pl6.csv", "--stop-minutes", "0"))
say("places --stop-minutes -1", PL("--out", F / "pl7.csv", "--stop-minutes", "-1"))
say("places --stop-minutes 1e9", PL("--out", F / "pl8.csv", "--stop-minutes", "1e9"))
say("places --out .txt", PL("--out", F / "pl9.txt"))
say("places --out exists", PL("--out", F / "pl1.csv"))
say("places --split nope on a store", PL("--out", F / "pl10.csv", "--split", "nope", inp=STORE))
say("places one row", PL("--out", F / "pl11.csv", inp=F / "one.csv"))
say("places times duplicated", PL("--out", F / "pl12.csv", inp=table("mover_dup.csv", pl.concat([MOVER, MOVER]))))
say("places times out of order", PL("--out", F / "pl13.csv", inp=table("mover_shuf.csv", MOVER.sample(fraction=1.0, shuffle=True, seed=3))))
say("places 10^6-row trip (child, 180 s)", child("places", "--input", BIG, "--out", F / "pl14.csv"))
say("places --input the store's folder of points", PL("--out", F / "pl15.csv", inp=STORE / "points"))
say("next-place (fine)", NP("--out", F / "np1.csv"))
say("next-place --k 0", NP("--out", F / "np2.csv", "--k", "0"))
say("next-place --k 10^6", NP("--out", F / "np3.csv", "--k", "1000000"))
say("next-place --pseudo-count -1", NP("--out", F / "np4.csv", "--pseudo-count", "-1"))
say("next-place --pseudo-count nan", NP("--out", F / "np5.csv", "--pseudo-count", "nan"))
say("next-place --local-tz Mars/Olympus", NP("--out", F / "np6.csv", "--local-tz", "Mars/Olympus"))
say("next-place --local-tz +02:00", NP("--out", F / "np7.csv", "--local-tz", "+02:00"))
say("next-place --local-tz without --time-of-day", NP("--out", F / "np8.csv", "--local-tz", "Europe/Rome", "--no-time-of-day"))
say("next-place --radius-m 0", NP("--out", F / "np9.csv", "--radius-m", "0"))
say("next-place one row", NP("--out", F / "np10.csv", inp=F / "one.csv"))
say("next-place no stays (a drive)", NP("--out", F / "np11.csv", inp=CSV))
say("next-place 10^6-row trip (child, 180 s)", child("next-place", "--input", BIG, "--out", F / "np12.csv"))

# ---- trajlm reach
RE = lambda *o, inp=CSV: cli("reach", "--model", RUN, "--input", inp, *o)  # noqa: E731
say("reach (fine)", RE("--to", "45.07,7.68", "--out", F / "re1.csv"))
say("reach --to garbage", RE("--to", "here", "--out", F / "re2.csv"))
say("reach --to 91,0", RE("--to", "91,0", "--out", F / "re3.csv"))
say("reach --to lon,lat swapped (7.68,45.07)", RE("--to", "7.68,45.07", "--out", F / "re4.csv"))
say("reach --to nan,nan", RE("--to", "nan,nan", "--out", F / "re5.csv"))
say("reach --to ';;'", RE("--to", ";;", "--out", F / "re6.csv"))
say("reach --to and --to-file both", RE("--to", "45.07,7.68", "--to-file", F / "one.csv", "--out", F / "re7.csv"))
say("reach --to-file missing", RE("--to-file", F / "no.csv", "--out", F / "re8.csv"))
say("reach --to-file without lat/lon columns", RE("--to-file", put("stops.csv", "name,x\nA,1\n"), "--out", F / "re9.csv"))
say("reach --radius-m -1", RE("--to", "45.07,7.68", "--radius-m", "-1", "--out", F / "re10.csv"))
say("reach --radius-m 0", RE("--to", "45.07,7.68", "--radius-m", "0", "--out", F / "re11.csv"))
say("reach --horizon-s 0", RE("--to", "45.07,7.68", "--horizon-s", "0", "--out", F / "re12.csv"))
say("reach --horizon-s 1e9", RE("--to", "45.07,7.68", "--horizon-s", "1e9", "--out", F / "re13.csv"))
say("reach --step-s 0", RE("--to", "45.07,7.68", "--step-s", "0", "--out", F / "re14.csv"))
say("reach --step-s > --horizon-s", RE("--to", "45.07,7.68", "--step-s", "600", "--horizon-s", "60", "--out", F / "re15.csv"))
say("reach --memory missing", RE("--to", "45.07,7.68", "--memory", F / "no", "--out", F / "re16.csv"))
say("reach --memory the other store", RE("--to", "45.07,7.68", "--memory", STORE2, "--out", F / "re17.csv"))
say("reach --memory a selector folder", RE("--to", "45.07,7.68", "--memory", F / "sel", "--out", F / "re18.csv"))
say("reach --out exists", RE("--to", "45.07,7.68", "--out", F / "re1.csv"))
say("reach --out .json", RE("--to", "45.07,7.68", "--out", F / "re19.json"))
say("reach input one row", RE("--to", "45.07,7.68", "--out", F / "re20.csv", inp=F / "one.csv"))
say("reach input with gaps", RE("--to", "45.07,7.68", "--out", F / "re21.csv", inp=GAPS))
say("reach --model a route-recovery folder", cli("reach", "--model", F / "rec", "--input", CSV, "--to", "45.07,7.68", "--out", F / "re22.csv"))

# ---- trajlm anomalies
AN = lambda *o: cli("anomalies", "--model", RUN, "--data", STORE, *o)  # noqa: E731
say("anomalies (fine, --limit 5)", AN("--limit", "5", "--out", F / "an1.csv"))
say("anomalies --alpha 0", AN("--limit", "5", "--alpha", "0", "--out", F / "an2.csv"))
say("anomalies --alpha 1.5", AN("--limit", "5", "--alpha", "1.5", "--out", F / "an3.csv"))
say("anomalies --alpha nan", AN("--limit", "5", "--alpha", "nan", "--out", F / "an4.csv"))
say("anomalies --score nope", AN("--limit", "5", "--score", "nope", "--out", F / "an5.csv"))
say("anomalies --calibration missing", AN("--limit", "5", "--calibration", F / "no.json", "--out", F / "an6.csv"))
say("anomalies --calibration not JSON", AN("--limit", "5", "--calibration", F / "mine.txt", "--out", F / "an7.csv"))
say("anomalies --calibration JSON of another kind", AN("--limit", "5", "--calibration", RUN / "config.json", "--out", F / "an8.csv"))
say("anomalies --calibrate-on nope", AN("--limit", "5", "--calibrate-on", "nope", "--out", F / "an9.csv"))
say("anomalies --calibrate-on test = --split test", AN("--limit", "5", "--calibrate-on", "test", "--split", "test", "--out", F / "an10.csv"))
say("anomalies --calibrate-on the other store", AN("--limit", "5", "--calibrate-on", STORE2, "--out", F / "an11.csv"))
say("anomalies --save-calibration the user's file", AN("--limit", "5", "--save-calibration", F / "mine.txt", "--out", F / "an12.csv"))
say("anomalies --save-calibration .csv", AN("--limit", "5", "--save-calibration", F / "cal.csv", "--out", F / "an13.csv"))
say("anomalies --calibration and --calibrate-on both", AN("--limit", "5", "--calibration", F / "no.json", "--calibrate-on", "val", "--out", F / "an14.csv"))
say("anomalies --limit 0", AN("--limit", "0", "--out", F / "an15.csv"))
say("anomalies --top -1", AN("--limit", "5", "--top", "-1", "--out", F / "an16.csv"))
say("anomalies --out .txt", AN("--limit", "5", "--out", F / "an17.txt"))
say("anomalies --data a one-row CSV", cli("anomalies", "--model", RUN, "--data", F / "one.csv", "--calibrate-on", STORE, "--out", F / "an18.csv"))
say("anomalies --data a CSV, --calibrate-on val (no splits)", cli("anomalies", "--model", RUN, "--data", CSV, "--out", F / "an19.csv"))
say("anomalies --split nope", AN("--limit", "5", "--split", "nope", "--out", F / "an20.csv"))
say("anomalies --model a selector", cli("anomalies", "--model", F / "sel", "--data", STORE, "--limit", "5", "--out", F / "an21.csv"))

# ---- trajlm route
DEP = ("--depart", "2024-03-10T08:00:00Z")
RO = lambda *o: cli("route", "--synthetic-seed", "0", *o, *(() if "--depart" in o else DEP))  # noqa: E731
ROUTE = lambda *o: cli("route", *o, *DEP)  # noqa: E731
A, B = "45.062,7.665", "45.078,7.695"
say("route synthetic (fine)", RO("--from", A, "--to", B))
say("route --from abc", RO("--from", "abc", "--to", B))
say("route --from 91,0", RO("--from", "91,0", "--to", B))
say("route --from = --to", RO("--from", A, "--to", A))
say("route --from 100 km away", RO("--from", "46.0,7.665", "--to", B))
say("route --from nan,nan", RO("--from", "nan,nan", "--to", B))
say("route --depart soon", RO("--from", A, "--to", B, "--depart", "soon"))
say("route --depart naive ISO", RO("--from", A, "--to", B, "--depart", "2024-03-10T08:00:00"))
say("route --avoid covering everything", RO("--from", A, "--to", B, "--avoid", "44,7,46,8"))
say("route --avoid min > max", RO("--from", A, "--to", B, "--avoid", "45.08,7.70,45.06,7.66"))
say("route --avoid 3 numbers", RO("--from", A, "--to", B, "--avoid", "45,7,46"))
say("route --arrive-before before --depart", RO("--from", A, "--to", B, "--depart", "2024-03-10T08:00:00Z", "--arrive-before", "2024-03-10T07:00:00Z"))
say("route --arrive-before 1 s after --depart", RO("--from", A, "--to", B, "--arrive-before", "2024-03-10T08:00:01Z"))
say("route --k 0", RO("--from", A, "--to", B, "--k", "0"))
say("route --k 11", RO("--from", A, "--to", B, "--k", "11"))
say("route --network and --synthetic-seed both", RO("--from", A, "--to", B, "--network", NET))
say("route --network geojson (fine)", ROUTE( "--network", NET, "--from", A, "--to", B))
say("route --network missing", ROUTE( "--network", F / "no.geojson", "--from", A, "--to", B))
say("route --network with no edges", ROUTE( "--network", NET_EMPTY, "--from", A, "--to", B))
say("route --network disconnected (to in the far part)", ROUTE( "--network", NET_SPLIT, "--from", A, "--to", "45.07,8.69"))
say("route neither --network nor --synthetic-seed", ROUTE( "--from", A, "--to", B))
say("route --speeds missing store", RO("--from", A, "--to", B, "--speeds", F / "no"))
say("route --speeds the store (fine)", RO("--from", A, "--to", B, "--speeds", STORE))
say("route --speeds-mode nope", RO("--from", A, "--to", B, "--speeds", STORE, "--speeds-mode", "nope"))
say("route --speeds-mode without --speeds", RO("--from", A, "--to", B, "--speeds-mode", "car"))
say("route --speeds a CSV", RO("--from", A, "--to", B, "--speeds", CSV))
say("route --model a selector folder", RO("--from", A, "--to", B, "--model", F / "sel"))
say("route --plot .txt", RO("--from", A, "--to", B, "--plot", F / "ro.txt"))
say("route --out exists", RO("--from", A, "--to", B, "--out", F / "mine.txt"))
say("route --out .parquet", RO("--from", A, "--to", B, "--out", F / "ro.parquet"))

# ---- Python: TrajLM.recover / travel_time / similar / match
def rec_summary(o):
    o = pl.from_pandas(o) if isinstance(o, pd.DataFrame) else o
    return f"{o.shape} rec={int(o['recovered'].sum())} nan={int(o['lat'].is_null().sum() + o['lat'].is_nan().sum())}"


RC = lambda d, **kw: lambda: rec_summary(lm.recover(d, **kw))  # noqa: E731
say("API recover (fine)", RC(gaps))
say("API recover times duplicated at a gap", RC(pl.concat([gaps, gaps[4:5]]).sort("traj_id", "t")))
say("API recover rows out of order", RC(gaps.sample(fraction=1.0, shuffle=True, seed=1)))
say("API recover ids mixed int and str", RC(gaps.to_pandas().assign(traj_id=lambda x: [1 if v == x["traj_id"][0] else v for v in x["traj_id"]])))
say("API recover inf lon in a known row", RC(gaps.with_columns(lon=pl.when(pl.int_range(pl.len()) == 2).then(float("inf")).otherwise(pl.col("lon")))))
say("API recover zones mixed (UTC and +02:00 text)", RC(gaps.with_columns(t=pl.from_epoch("t").dt.replace_time_zone("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S%:z")).with_columns(t=pl.when(pl.int_range(pl.len()) % 2 == 0).then(pl.col("t")).otherwise(pl.col("t").str.replace(r"\+00:00$", "+02:00")))))
say("API recover mode=1", RC(gaps, mode=1))
say("API recover radii=[200]", RC(gaps, radii=[200]))
say("API recover radii='90'", RC(gaps, radii="90"))
say("API recover every=True", RC(gaps, every=True))
say("API recover gap_rule='spline'", RC(gaps, gap_rule="spline"))
say("API recover fallback='no'", RC(gaps, fallback="no"))
say("API recover engine=True on a run", RC(gaps, engine=True))
say("API recover empty frame", RC(gaps.head(0)))
say("API recover unknown keyword", RC(gaps, lat_column="lat"))
say("API recover a store path", RC(str(STORE)))
TT = lambda o, d, dep, **kw: lambda: str(np.round(np.asarray(lm.travel_time(o, d, dep, **kw), dtype=float), 1))  # noqa: E731
ORIG = np.array([[45.070, 7.680], [45.072, 7.690]])
DEST = np.array([[45.075, 7.695], [45.068, 7.684]])
T1 = 1710099497
say("API travel_time (fine)", TT(ORIG, DEST, T1))
say("API travel_time lists of tuples", TT([(45.070, 7.680)], [(45.075, 7.695)], T1))
say("API travel_time text numbers", TT([["45.07", "7.68"]], [["45.075", "7.695"]], T1))
say("API travel_time 0 pairs (empty arrays)", TT(np.zeros((0, 2)), np.zeros((0, 2)), T1))
say("API travel_time inf origin", TT(np.array([[np.inf, 7.68]]), DEST[:1], T1))
say("API travel_time one pair as flat (2,)", TT(ORIG[0], DEST[0], T1))
say("API travel_time origin = destination", TT(ORIG, ORIG, T1))
say("API travel_time depart 'soon'", TT(ORIG, DEST, "soon"))
say("API travel_time depart list of 3 for 2 pairs", TT(ORIG, DEST, [T1, T1, T1]))
say("API travel_time depart ISO list mixed zones", TT(ORIG, DEST, ["2024-03-10T19:38:17Z", "2024-03-10T21:38:17+02:00"]))
say("API travel_time pandas DataFrame origins", TT(pd.DataFrame(ORIG, columns=["lat", "lon"]), DEST, T1))
say("API travel_time fallback=None", TT(ORIG, DEST, T1, fallback=None))
SM = lambda d, db=None, **kw: lambda: str(lm.similar(d, db, **kw).head(4).rows())  # noqa: E731
say("API similar (fine)", SM(base, pts.head(2000), k=2))
say("API similar k=0", SM(base, base, k=0))
say("API similar k=-1", SM(base, base, k=-1))
say("API similar k=2.5", SM(base, base, k=2.5))
say("API similar k > database size", SM(base, base, k=50))
say("API similar empty database", SM(base, base.head(0)))
say("API similar n_points=0", SM(base, base, n_points=0))
say("API similar n_points=1", SM(base, base, n_points=1))
say("API similar database=None", SM(base))
say("API similar ids 1 (int) and '1' (str) across", SM(base.with_columns(traj_id=pl.lit("1")), base.to_pandas().assign(traj_id=1)))
say("API similar one-row query", SM(base.head(1), base))
MA = lambda d, net, **kw: lambda: (lambda m: f"{m.shape} unmatched={int(m['edge_id'].is_null().sum()) if 'edge_id' in m.columns else '?'}")(pl.from_pandas(x) if isinstance(x := trajlm.TrajLM.match(d, net, **kw), pd.DataFrame) else x)  # noqa: E731
say("API match (fine)", MA(base, NET))
say("API match network None", MA(base, None))
say("API match network a dict", MA(base, {"edges": []}))
say("API match network no edges", MA(base, NET_EMPTY))
say("API match network in two parts", MA(base, NET_SPLIT))
say("API match sigma_m=-1", MA(base, NET, sigma_m=-1))
say("API match sigma_m='10'", MA(base, NET, sigma_m="10"))
say("API match unknown option sigma", MA(base, NET, sigma=5))
say("API match empty frame", MA(base.head(0), NET))
say("API match NaN lat rows", MA(gaps, NET))
say("API match the network as a RoadGraph (fine)", MA(base, from_synthetic(city.roads, city.projection)))

# ---- Python: trajlm.places / next_place / passages / clean / read / check_validity
PLA = lambda d, **kw: lambda: (lambda o: f"{o.shape} {o.head(2).rows() if hasattr(o, 'rows') else o.head(2).values.tolist()}")(trajlm.places(d, **kw))  # noqa: E731
say("API places (fine)", PLA(MOVER))
say("API places radius_m=0", PLA(MOVER, radius_m=0))
say("API places radius_m=nan", PLA(MOVER, radius_m=float("nan")))
say("API places radius_m='250'", PLA(MOVER, radius_m="250"))
say("API places stop_minutes=-1", PLA(MOVER, stop_minutes=-1))
say("API places empty frame", PLA(MOVER.head(0)))
say("API places one row", PLA(MOVER.head(1)))
say("API places ids mixed int and str", PLA(MOVER.to_pandas().assign(traj_id=[1 if i % 2 else "1" for i in range(MOVER.height)])))
say("API places times duplicated", PLA(pl.concat([MOVER, MOVER])))
say("API places zones mixed (aware + naive pandas)", PLA(MOVER.to_pandas().assign(t=lambda x: pd.to_datetime(x["t"], unit="s")).astype({"t": object}).assign(t=lambda x: [v.tz_localize("UTC") if i % 2 else v for i, v in enumerate(x["t"])])))
NPL = lambda d, **kw: lambda: (lambda o: f"{o.shape} {o.head(3).rows() if hasattr(o, 'rows') else o.head(3).values.tolist()}")(trajlm.next_place(d, **kw))  # noqa: E731
say("API next_place (fine)", NPL(MOVER))
say("API next_place k=0", NPL(MOVER, k=0))
say("API next_place k=1.5", NPL(MOVER, k=1.5))
say("API next_place pseudo_count=-1", NPL(MOVER, pseudo_count=-1))
say("API next_place pseudo_count=inf", NPL(MOVER, pseudo_count=float("inf")))
say("API next_place local_tz='Mars/Olympus'", NPL(MOVER, local_tz="Mars/Olympus", time_of_day=True))
say("API next_place time_of_day='yes'", NPL(MOVER, time_of_day="yes"))
say("API next_place empty frame", NPL(MOVER.head(0)))
say("API next_place one row", NPL(MOVER.head(1)))
PA = lambda d, a, b, **kw: lambda: (lambda o: f"{o.shape} {o.head(2).rows() if hasattr(o, 'rows') else o.head(2).values.tolist()}")(trajlm.passages(d, a, b, **kw))  # noqa: E731
HOME, WORK = (45.060, 7.660), (45.080, 7.700)
say("API passages (fine)", PA(MOVER, HOME, WORK))
say("API passages a == b", PA(MOVER, HOME, HOME))
say("API passages a text 'home'", PA(MOVER, "home", WORK))
say("API passages a (91, 0)", PA(MOVER, (91, 0), WORK))
say("API passages a (nan, nan)", PA(MOVER, (float("nan"), float("nan")), WORK))
say("API passages a of 3 numbers", PA(MOVER, (45.06, 7.66, 10), WORK))
say("API passages radius_m=0", PA(MOVER, HOME, WORK, radius_m=0))
say("API passages radius_m=-1", PA(MOVER, HOME, WORK, radius_m=-1))
say("API passages a and b swapped lon/lat", PA(MOVER, HOME[::-1], WORK[::-1]))
say("API passages empty frame", PA(MOVER.head(0), HOME, WORK))
say("API passages rows out of order", PA(MOVER.sample(fraction=1.0, shuffle=True, seed=4), HOME, WORK))
CL = lambda d, *a, **kw: lambda: (lambda o: str(o if isinstance(o, tuple) else o.shape)[:200])(trajlm.clean(d, *a, **kw))  # noqa: E731
say("API clean (fine)", CL(base))
say("API clean config a dict", CL(base, {"max_speed_mps": 50}))
say("API clean config a string", CL(base, "strict"))
say("API clean return_report='yes'", CL(base, return_report="yes"))
say("API clean empty frame", CL(base.head(0)))
say("API clean one row", CL(base.head(1)))
say("API clean NaN lat rows", CL(gaps))
say("API clean times duplicated", CL(pl.concat([base, base])))
say("API clean unknown keyword", CL(base, max_speed=5))
from trajlm.data.clean import CleanConfig  # noqa: E402

say("API clean CleanConfig(max_speed_mps=-1)", CL(base, CleanConfig(max_speed_mps=-1)) if "max_speed_mps" in CleanConfig.__dataclass_fields__ else (lambda: f"no max_speed_mps: {list(CleanConfig.__dataclass_fields__)[:6]}"))
RD = lambda p, **kw: lambda: (lambda o: f"{o.shape} {o.columns[:5]}")(trajlm.read(p, **kw))  # noqa: E731
say("API read a store (fine)", RD(STORE))
say("API read a missing path", RD(F / "no.csv"))
say("API read an empty folder", RD(F / "empty_dir"))
say("API read a folder named .csv", RD((F / "dir.csv").mkdir() or F / "dir.csv"))
say("API read an empty file", RD(put("empty.csv", "")))
say("API read format='nope'", RD(CSV, format="nope"))
say("API read format=3", RD(CSV, format=3))
say("API read on_error='ignore'", RD(CSV, on_error="ignore"))
say("API read exact_times='yes'", RD(CSV, exact_times="yes"))
say("API read bytes of a path", RD(str(CSV).encode()))
say("API read a run folder", RD(RUN))
say("API read a selector folder", RD(F / "sel"))
say("API read an int", RD(5))
from trajlm import check_validity  # noqa: E402

CV = lambda d, *a, **kw: lambda: (lambda o: f"{o.shape} invalid={int((~o['valid']).sum()) if 'valid' in o.columns else '?'}")(pl.from_pandas(x) if isinstance(x := check_validity(d, *a, **kw), pd.DataFrame) else x)  # noqa: E731
say("API check_validity (fine)", CV(base))
say("API check_validity mode='rocket'", CV(base, "rocket"))
say("API check_validity mode=5", CV(base, 5))
say("API check_validity per='trip'", CV(base, per="trip"))
say("API check_validity per='trajectory'", CV(base, per="trajectory"))
say("API check_validity limits unknown key", CV(base, limits={"top_speed": 5}))
say("API check_validity limits negative speed", CV(base, limits={"max_speed_mps": -5}))
say("API check_validity limits a list", CV(base, limits=[1, 2]))
say("API check_validity network a text", CV(base, "car", "roads"))
say("API check_validity network geojson, mode car", CV(base, "car", NET))
say("API check_validity network with no edges", CV(base, "car", NET_EMPTY))
say("API check_validity empty frame", CV(base.head(0)))
say("API check_validity one row", CV(base.head(1)))
say("API check_validity NaN lat rows", CV(gaps))
say("API check_validity times duplicated", CV(pl.concat([base, base]).sort("traj_id", "t")))
say("API check_validity rows out of order", CV(base.sample(fraction=1.0, shuffle=True, seed=5)))
say("API check_validity ids mixed int and str", CV(pdb.assign(traj_id=[1 if v == pdb["traj_id"][0] else v for v in pdb["traj_id"]])))
say("API check_validity 10^6-row trip", CV(big))
say("API check_validity config a dict", CV(base, config={"max_speed_mps": 5}))

# ---- HTTP: /recover, /travel-time, /reach, /validity, the map page's routes
from fastapi.testclient import TestClient  # noqa: E402

from trajlm.serve.app import create_app  # noqa: E402

web = Cases(got=260, describe=lambda r: f"HTTP {r.status_code} {r.text}", flush=True)
web.n = say.n
client = TestClient(create_app(lm), raise_server_exceptions=False).__enter__()
rows = [{"traj_id": r["traj_id"], "t": r["t"], "lat": r["lat"], "lon": r["lon"]} for r in gaps.filter(pl.col("traj_id") == gaps["traj_id"][0]).to_dicts()]
full = [{"traj_id": r["traj_id"], "t": r["t"], "lat": r["lat"], "lon": r["lon"]} for r in base.filter(pl.col("traj_id") == base["traj_id"][0]).to_dicts()]
post = lambda path, body: lambda: client.post(path, json=body)  # noqa: E731
web("/recover (fine)", post("/recover", {"trajectories": rows}))
web("/recover mode 'fill'", post("/recover", {"trajectories": rows, "mode": "fill"}))
web("/recover every '0s'", post("/recover", {"trajectories": rows, "every": "0s"}))
web("/recover every -5", post("/recover", {"trajectories": rows, "every": -5}))
web("/recover every '1ms'", post("/recover", {"trajectories": rows, "every": "1ms"}))
web("/recover radii [200]", post("/recover", {"trajectories": rows, "radii": [200]}))
web("/recover radii [90.5]", post("/recover", {"trajectories": rows, "radii": [90.5]}))
web("/recover no gaps", post("/recover", {"trajectories": full}))
web("/recover every position null", post("/recover", {"trajectories": [{**r, "lat": None, "lon": None} for r in full]}))
web("/recover trajectories []", post("/recover", {"trajectories": []}))
web("/recover times duplicated", post("/recover", {"trajectories": rows + rows[3:5]}))
web("/recover rows out of order", post("/recover", {"trajectories": rows[::-1]}))
web("/recover ids 1 and '1'", post("/recover", {"trajectories": [{**r, "traj_id": 1 if i % 2 else "1"} for i, r in enumerate(rows)]}))
web("/recover lat 'NaN' text", post("/recover", {"trajectories": [{**r, "lat": "NaN" if r["lat"] is None else r["lat"]} for r in rows]}))
web("/recover one row (a gap)", post("/recover", {"trajectories": [{**rows[0], "lat": None, "lon": None}]}))
web("/recover t ISO mixed zones", post("/recover", {"trajectories": [{**r, "t": dt.datetime.fromtimestamp(r["t"], dt.UTC).isoformat() if i % 2 else dt.datetime.fromtimestamp(r["t"], dt.timezone(dt.timedelta(hours=2))).isoformat()} for i, r in enumerate(rows)]}))
TB = {"origins": [[45.070, 7.680]], "destinations": [[45.075, 7.695]], "depart": T1}
web("/travel-time (fine)", post("/travel-time", TB))
web("/travel-time 2 origins 1 destination", post("/travel-time", {**TB, "origins": [[45.070, 7.680]] * 2}))
web("/travel-time origin of 3 numbers", post("/travel-time", {**TB, "origins": [[45.07, 7.68, 0]]}))
web("/travel-time origin text", post("/travel-time", {**TB, "origins": [["45.07", "7.68"]]}))
web("/travel-time lat 91", post("/travel-time", {**TB, "origins": [[91, 7.68]]}))
web("/travel-time origins []", post("/travel-time", {**TB, "origins": [], "destinations": []}))
web("/travel-time depart 'soon'", post("/travel-time", {**TB, "depart": "soon"}))
web("/travel-time depart null", post("/travel-time", {**TB, "depart": None}))
web("/travel-time depart list of 2 for 1 pair", post("/travel-time", {**TB, "depart": [T1, T1]}))
web("/travel-time depart in ms", post("/travel-time", {**TB, "depart": T1 * 1000}))
web("/travel-time depart -1", post("/travel-time", {**TB, "depart": -1}))
web("/travel-time origin = destination", post("/travel-time", {**TB, "destinations": TB["origins"]}))
web("/travel-time fallback 'no'", post("/travel-time", {**TB, "fallback": "no"}))
web("/travel-time unknown key", post("/travel-time", {**TB, "mode": "car"}))
RB = {"trajectories": full, "to": [[45.07, 7.68]]}
web("/reach (fine)", post("/reach", RB))
web("/reach to []", post("/reach", {**RB, "to": []}))
web("/reach to [[91, 0]]", post("/reach", {**RB, "to": [[91, 0]]}))
web("/reach to text", post("/reach", {**RB, "to": "45.07,7.68"}))
web("/reach radius_m -1", post("/reach", {**RB, "radius_m": -1}))
web("/reach radius_m '50' text", post("/reach", {**RB, "radius_m": "50"}))
web("/reach horizon_s 0", post("/reach", {**RB, "horizon_s": 0}))
web("/reach horizon_s 1e12", post("/reach", {**RB, "horizon_s": 1e12}))
web("/reach step_s 0", post("/reach", {**RB, "step_s": 0}))
web("/reach step_s > horizon_s", post("/reach", {**RB, "step_s": 600, "horizon_s": 60}))
web("/reach target traj_id not sent", post("/reach", {**RB, "to": [{"lat": 45.07, "lon": 7.68, "traj_id": "nobody"}]}))
web("/reach targets mixed pairs and objects", post("/reach", {**RB, "to": [[45.07, 7.68], {"lat": 45.07, "lon": 7.68}]}))
web("/reach trajectories with gaps", post("/reach", {**RB, "trajectories": rows}))
web("/reach one-row trajectory", post("/reach", {**RB, "trajectories": full[:1]}))
web("/reach trajectories []", post("/reach", {**RB, "trajectories": []}))
VB = {"trajectories": full}
web("/validity (fine)", post("/validity", VB))
web("/validity mode 'rocket'", post("/validity", {**VB, "mode": "rocket"}))
web("/validity mode 5", post("/validity", {**VB, "mode": 5}))
web("/validity empty trajectories", post("/validity", {"trajectories": []}))
web("/validity one row", post("/validity", {"trajectories": full[:1]}))
web("/validity times duplicated", post("/validity", {"trajectories": full + full[:3]}))
web("/validity rows out of order", post("/validity", {"trajectories": full[::-1]}))
web("/validity null positions", post("/validity", {"trajectories": rows}))
web("/validity ids 1 and '1'", post("/validity", {"trajectories": [{**r, "traj_id": 1 if i % 2 else "1"} for i, r in enumerate(full)]}))
web("/validity lat 1e308", post("/validity", {"trajectories": [{**r, "lat": 1e308} if i == 2 else r for i, r in enumerate(full)]}))
web("/validity unknown key per", post("/validity", {**VB, "per": "trajectory"}))
web("GET / (the map page)", lambda: client.get("/"))
web("GET /model", lambda: client.get("/model"))
web("GET /background", lambda: client.get("/background"))
web("GET /static/app.js", lambda: client.get("/static/app.js"))
web("GET /static/../../etc/passwd", lambda: client.get("/static/..%2F..%2Fetc%2Fpasswd"))
web("POST / (the map page)", lambda: client.post("/", json={}))
web("/similar without an index (the map's button)", post("/similar", {"trajectories": full, "k": 5, "geometry": True}))
web("/predict GeoJSON the map sends, one point", post("/predict", {"trajectories": {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"t": T1}, "geometry": {"type": "Point", "coordinates": [7.68, 45.07]}}]}, "steps": 3, "output": "table"}))
web("/predict GeoJSON LineString without times", post("/predict", {"trajectories": {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[7.68, 45.07], [7.681, 45.071]]}}]}, "steps": 3, "output": "table"}))
client.__exit__(None, None, None)

# ---- models fitted on one store, asked about another place (appended: numbers kept)
say.n = web.n
porto = base.with_columns(lat=pl.col("lat") - 45.07 + 41.15, lon=pl.col("lon") - 7.68 - 8.61)
PORTO, PORTOGAPS = table("porto.csv", porto), table("portogaps.csv", porto.with_columns(**{c: pl.when(pl.int_range(pl.len()).is_in(gap_idx)).then(None).otherwise(pl.col(c)) for c in ("lat", "lon")}))
say("recover --model route-recovery of store, --input the other store", cli("recover", "--model", F / "rec", "--input", STORE2, "--out", F / "x1.csv"))
say("recover --model route-recovery of Turin, gaps in Porto", cli("recover", "--model", F / "rec", "--input", PORTOGAPS, "--out", F / "x2.csv"))
say("recover --model a Turin run, gaps in Porto", cli("recover", "--model", RUN, "--input", PORTOGAPS, "--out", F / "x3.csv"))
say("predict --model a Turin selector, Porto input", cli("predict", "--model", F / "sel", "--input", PORTO, "--out", F / "x4.csv"))
say("API selector of Turin predicts Porto", lambda: str(trajlm.TrajLM.from_pretrained(F / "sel").predict(porto, steps=2).head(2).rows()))
say("API route-recovery of Turin recovers Porto", lambda: rec_summary(trajlm.TrajLM.from_pretrained(F / "rec").recover(pl.read_csv(PORTOGAPS))))
say("reach --memory a Porto file, input in Turin", RE("--to", "45.07,7.68", "--memory", PORTO, "--out", F / "x5.csv"))
say("reach 10^6-row trip (child, 180 s)", child("reach", "--model", RUN, "--input", BIG, "--to", "45.07,7.68", "--out", F / "x6.csv"))
say("similar 10^6-row query (child, 180 s)", child("similar", "--model", RUN, "--query", BIG, "--database", STORE, "--out", F / "x7.csv", "--k", "3"))
say("anomalies 10^6-row trip (child, 180 s)", child("anomalies", "--model", RUN, "--data", BIG, "--calibrate-on", STORE, "--out", F / "x8.csv"))
say("travel-time 10^5 rows (child, 180 s)", child("travel-time", "--model", RUN, "--input", table("tt_big.csv", pl.DataFrame({"o_lat": np.full(100_000, 45.07), "o_lon": np.full(100_000, 7.68), "d_lat": np.full(100_000, 45.075), "d_lon": np.full(100_000, 7.695), "depart": np.full(100_000, T1)})), "--out", F / "x9.csv"))
print(f"done: {say.n} cases")
