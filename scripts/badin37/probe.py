"""badin37: hostile inputs on session 36's new surfaces, one line a case, classified by hand
(scripts/badin37/classes.py): `--crs local` / `crs="local"` on ingest, inspect, plot, predict,
similar, places, recover, anomalies and `trajlm.read`; wide per-player tables (`<id>_x` /
`<id>_y`) and `--time-format frames@RATE`; ORC / Avro lake files, `kcat -J` envelopes, Endomondo
JSON and TopoJSON; course columns (radians, compass words, `bearing`) and fixed-offset clocks with
zones36's one zone rule; eval reading each split from its own files and `--append` of a late day.
CLI calls run in process (typer's CliRunner).
Run: PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/python scripts/badin37/probe.py [OUT_DIR]
(default /tmp/badin37/probe; heldout36's generators write the format fixtures under it)
"""

# fmt: off
from __future__ import annotations

import base64
import gzip
import hashlib
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import TINY_TOML, Cases, as_degrees, cli_said, pitch_walkers, probe_out, write_file  # noqa: E402  # noqa: E402
from badin_cases import files_digest as digest  # noqa: E402

import trajlm  # noqa: E402
from trajlm.cli import app  # noqa: E402

OUT = probe_out("/tmp/badin37/probe")
say = Cases(got=700, warn=170, warn_total=460, flush=True)
WORDS = ("rror", "arn", "wrote", "refus", "nvalid", "must", "not ", "unknown", "Usage", "ignored",
         "no ", "exist", "append", "metres", "degrees", "crs", "local", "wide", "frame", "course",
         "clock", "zone", "times:", "envelope", "Topo", "ORC", "Avro", "split", "min_x", "x (m)")
ROOT = Path(__file__).resolve().parents[2]


def cli(*args: object, limit: int = 600):
    return lambda: cli_said(app, args, WORDS, limit)


def run_cli(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


F = OUT / "fix"
F.mkdir()


MADE: dict[Path, str] = {}  # every input file written -> its bytes' digest (did a run change it?)


def put(name: str, data: str | bytes) -> Path:
    p = write_file(OUT, name, data, folder="fix")
    MADE[p] = hashlib.sha256(p.read_bytes()).hexdigest()
    return p


def csv_of(name: str, df: pl.DataFrame | pd.DataFrame) -> Path:
    p = F / name
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(df, pd.DataFrame):
        df.to_csv(p, index=False)
    else:
        df.write_csv(p)
    MADE[p] = hashlib.sha256(p.read_bytes()).hexdigest()
    return p


def stored(store: Path) -> str:
    try:
        df = trajlm.read_store(store)
        man = json.loads((store / "manifest.json").read_text())
        crs = (man.get("reading") or {}).get("crs")
        return (f"n={df.height} trajs={df['traj_id'].n_unique()} crs={crs} "
                f"lat={df['lat'].min():.5f}..{df['lat'].max():.5f} lon={df['lon'].min():.5f}..{df['lon'].max():.5f}")
    except Exception as e:  # noqa: BLE001
        return f"UNREADABLE {type(e).__name__}: {str(e)[:120]}"


def ingest_case(name: str, inputs: list, *opts: object) -> None:
    out = OUT / "st" / f"s{say.n + 1:03d}"

    def run() -> str:
        got = cli("data", "ingest", *inputs, "--out", out, *opts)()
        return got + (" || " + stored(out) if got.startswith("exit=0") and out.exists() else "")

    say(name, run)


def read_case(name: str, path: Path, **kw) -> None:
    def run() -> str:
        df = trajlm.read(path, **kw)
        cols = [c for c in ("x", "y", "lat", "lon") if c in df.columns]
        rng = " ".join(f"{c}={df[c].min():.3f}..{df[c].max():.3f}" for c in cols)
        return f"rows={df.height} cols={df.columns[:8]} {rng}"

    say(name, run)


T0 = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
RNG = np.random.default_rng(37)


def walkers(**kw) -> pl.DataFrame:
    """Movers walking at ~speed m/s inside a box (metres), one fix every dt s."""
    return pitch_walkers(RNG, T0, **kw)


PITCH = walkers()
PLANE = csv_of("pitch.csv", PITCH)
DEG = csv_of("porto_walk.csv", as_degrees(walkers(speed=8.0, box=(3000.0, 2000.0))))
LOCAL = OUT / "st" / "local"
assert run_cli("data", "ingest", PLANE, "--out", LOCAL, "--crs", "local").exit_code == 0
DEGSTORE = OUT / "st" / "deg"
assert run_cli("data", "ingest", DEG, "--out", DEGSTORE).exit_code == 0


def fresh(name: str, src: Path) -> Path:
    dst = OUT / "st" / name
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst)
    return dst


# ============ A. --crs local
ingest_case("pitch metres, --crs local (fine)", [PLANE], "--crs", "local")
ingest_case("pitch metres, no --crs", [PLANE])
ingest_case("degrees given as --crs local", [DEG], "--crs", "local")
ingest_case("--crs LOCAL (upper case)", [PLANE], "--crs", "LOCAL")
ingest_case("--crs ' local '", [PLANE], "--crs", " local ")
ingest_case("--crs EPSG:local", [PLANE], "--crs", "EPSG:local")
ingest_case("--crs locale", [PLANE], "--crs", "locale")
ingest_case("--crs plane", [PLANE], "--crs", "plane")
ingest_case("--crs '' (empty)", [PLANE], "--crs", "")
ingest_case("--crs EPSG:4326 on pitch metres", [PLANE], "--crs", "EPSG:4326")
ingest_case("--crs EPSG:32629 on pitch metres", [PLANE], "--crs", "EPSG:32629")
ingest_case("--crs local on a lat/lon-named degree file", [DEG], "--crs", "local")
ingest_case("--crs local --lat-col y --lon-col x", [PLANE], "--crs", "local", "--lat-col", "y", "--lon-col", "x")
ingest_case("--crs local --lat-col x --lon-col y (swapped)", [PLANE], "--crs", "local", "--lat-col", "x", "--lon-col", "y")
nan_x = PITCH.with_columns(x=pl.when(pl.int_range(pl.len()) % 17 == 3).then(float("nan")).otherwise(pl.col("x")))
ingest_case("--crs local, NaN x in some rows", [csv_of("nan_x.csv", nan_x)], "--crs", "local")
inf_x = PITCH.with_columns(x=pl.when(pl.int_range(pl.len()) == 10).then(float("inf")).otherwise(pl.col("x")))
ingest_case("--crs local, one inf x", [csv_of("inf_x.csv", inf_x)], "--crs", "local")
ingest_case("--crs local, -inf y", [csv_of("ninf_y.csv", PITCH.with_columns(y=pl.when(pl.int_range(pl.len()) == 5).then(float("-inf")).otherwise(pl.col("y"))))], "--crs", "local")
ingest_case("--crs local, x all NaN", [csv_of("nan_all.csv", PITCH.with_columns(x=pl.lit(float("nan"))))], "--crs", "local")
ingest_case("--crs local, x text 'n/a' in rows", [csv_of("na_x.csv", PITCH.with_columns(x=pl.when(pl.int_range(pl.len()) % 50 == 1).then(pl.lit("n/a")).otherwise(pl.col("x").cast(pl.String))))], "--crs", "local")
for w in (1e4, 1e5, 1e6, 1e7, 3e7):
    big = walkers(n_movers=3, n=120, speed=20.0, box=(w, w), start=(0.95 * w, 0.95 * w))
    ingest_case(f"--crs local, movers {w:.0e} m from the origin", [csv_of(f"wide_{w:.0e}.csv", big)], "--crs", "local")


def plane_dist_case(w: float):
    """Movers at 20 m/s far out on the plane: the stored steps' speed vs 20 m/s."""
    def run() -> str:
        big = walkers(n_movers=2, n=60, speed=20.0, box=(w, w), start=(0.95 * w, 0.5 * w))
        store = OUT / "st" / f"far{w:.0e}"
        got = cli("data", "ingest", csv_of(f"far_{w:.0e}.csv", big), "--out", store, "--crs", "local")()
        if not store.exists():
            return got
        df = trajlm.read_store(store).sort("traj_id", "t")
        from trajlm.data.geometry import haversine
        d = haversine(df["lat"][:-1].to_numpy(), df["lon"][:-1].to_numpy(), df["lat"][1:].to_numpy(), df["lon"][1:].to_numpy())
        return f"{got[:160]} || true step 20 m; steps on the stored lat / lon: median {np.median(d[d < 1000]):.2f} m"
    return run


for w in (1e5, 1e6, 1e7):
    say(f"ingest --crs local, 20 m/s steps {w:.0e} m out (distance kept?)", plane_dist_case(w))
UTM = csv_of("utm.csv", PITCH.with_columns(x=pl.col("x") + 500_000.0, y=pl.col("y") + 4_550_000.0))
ingest_case("UTM eastings / northings given as --crs local", [UTM], "--crs", "local")
ingest_case("UTM eastings / northings, no --crs", [UTM])
read_case("read utm.csv crs=local", UTM, crs="local")
slow = walkers(n_movers=4, n=150, speed=0.02, box=(5.0, 5.0))
ingest_case("metres, a robot at 0.02 m/s, no --crs", [csv_of("slow.csv", slow)])
drone = walkers(n_movers=3, n=150, speed=90.0, box=(80.0, 80.0))
ingest_case("metres, drones at 90 m/s, no --crs", [csv_of("drone.csv", drone)])
ingest_case("metres sampled each 60 s, no --crs", [csv_of("pitch60.csv", walkers(n_movers=4, n=40, dt=60.0, speed=1.0))])
ingest_case("metres in a lat/lon-named table, no --crs", [csv_of("plane_as_latlon.csv", PITCH.rename({"x": "lon", "y": "lat"}))])
ingest_case("metres in a lat/lon-named table, --crs local", [csv_of("plane_as_latlon2.csv", PITCH.rename({"x": "lon", "y": "lat"}))], "--crs", "local")
ingest_case("negative metres (centre-spot origin), --crs local", [csv_of("centre.csv", PITCH.with_columns(x=pl.col("x") - 52.5, y=pl.col("y") - 34))], "--crs", "local")
ingest_case("x/y columns as text with commas (decimal comma)", [put("comma.csv", "id;time;x;y\n" + "".join(
    f"A;2026-11-03T08:00:{i:02d};{i * 3},5;10,0\n" for i in range(40)))], "--crs", "local")
ingest_case("--crs local --tz Europe/Rome", [PLANE], "--crs", "local", "--tz", "Europe/Rome")
ingest_case("--crs local a GPX file (degrees by format)", [put("t.gpx", "<?xml version='1.0'?><gpx version='1.1' xmlns='http://www.topografix.com/GPX/1/1'><trk><trkseg>" + "".join(
    f"<trkpt lat='41.{1000 + i}' lon='-8.{6000 + i}'><time>2026-11-03T08:00:{i:02d}Z</time></trkpt>" for i in range(30)) + "</trkseg></trk></gpx>")], "--crs", "local")


def append_case(name: str, src: Path, inputs: list, *opts: object) -> None:
    store = fresh(f"a{say.n + 1:03d}", src)
    before = digest(store)

    def run() -> str:
        got = cli("data", "ingest", *inputs, "--out", store, "--append", *opts)()
        return f"{got} || unchanged={digest(store) == before} {stored(store)}"

    say(name, run)


LATER = walkers(ids="Q")
LATER = LATER.with_columns(time=(pl.col("time").str.to_datetime() + pl.duration(hours=5)).dt.strftime("%Y-%m-%dT%H:%M:%S"))
PLANE2 = csv_of("pitch_later.csv", LATER)
DEG2 = csv_of("porto_later.csv", as_degrees(walkers(speed=8.0, box=(3000.0, 2000.0), ids="Q")).with_columns(
    time=(pl.col("time").str.to_datetime() + pl.duration(hours=5)).dt.strftime("%Y-%m-%dT%H:%M:%S")))
append_case("append local metres to a local store, --crs local (fine)", LOCAL, [PLANE2], "--crs", "local")
append_case("append local metres to a local store, no --crs", LOCAL, [PLANE2])
append_case("append a degree file to a local store (no --crs)", LOCAL, [DEG2])
append_case("append a degree file to a local store --crs local", LOCAL, [DEG2], "--crs", "local")
append_case("append local metres --crs local to a degree store", DEGSTORE, [PLANE2], "--crs", "local")
append_case("append a degree file --crs EPSG:4326 to a local store", LOCAL, [DEG2], "--crs", "EPSG:4326")
append_case("append --crs LOCAL to a local store", LOCAL, [PLANE2], "--crs", "LOCAL")
say("inspect a local store", cli("data", "inspect", LOCAL))
say("plot a local store", cli("data", "plot", LOCAL, "--out", OUT / "plot_local.png"))
say("  ... the plot exists", lambda: (OUT / "plot_local.png").exists())
PRED = ("predict", "--model", "trajlm-small", "--steps", "2", "--limit", "2")
say("predict --input LOCAL_STORE", cli(*PRED, "--input", LOCAL, "--out", OUT / "p1.csv"))
say("  ... p1 columns", lambda: pl.read_csv(OUT / "p1.csv").columns)
say("predict --input LOCAL_STORE --crs local", cli(*PRED, "--input", LOCAL, "--crs", "local", "--out", OUT / "p2.csv"))
say("predict --input LOCAL_STORE --crs EPSG:4326", cli(*PRED, "--input", LOCAL, "--crs", "EPSG:4326", "--out", OUT / "p3.csv"))
say("predict --input DEGREE_STORE --crs local", cli(*PRED, "--input", DEGSTORE, "--crs", "local", "--out", OUT / "p4.csv"))
say("  ... p4 columns / first row", lambda: pl.read_csv(OUT / "p4.csv").row(0, named=True) if (OUT / "p4.csv").exists() else "no file")
say("predict --input pitch.csv --crs local", cli(*PRED, "--input", PLANE, "--crs", "local", "--out", OUT / "p5.csv"))
say("predict --input pitch.csv (no --crs)", cli(*PRED, "--input", PLANE, "--out", OUT / "p6.csv"))
say("predict --input porto.csv --crs local", cli(*PRED, "--input", DEG, "--crs", "local", "--out", OUT / "p7.csv"))
say("predict --input nan_x.csv --crs local", cli(*PRED, "--input", F / "nan_x.csv", "--crs", "local", "--out", OUT / "p8.csv"))
say("predict --input inf_x.csv --crs local", cli(*PRED, "--input", F / "inf_x.csv", "--crs", "local", "--out", OUT / "p9.csv"))
say("predict --input pitch.csv --crs EPSG:local", cli(*PRED, "--input", PLANE, "--crs", "EPSG:local", "--out", OUT / "p10.csv"))
say("predict --input LOCAL_STORE --tz Europe/Rome", cli(*PRED, "--input", LOCAL, "--tz", "Europe/Rome", "--out", OUT / "p11.csv"))
say("predict --input pitch.csv --crs local --lat-col x --lon-col y", cli(*PRED, "--input", PLANE, "--crs", "local", "--lat-col", "x", "--lon-col", "y", "--out", OUT / "p12.csv"))
SIM = ("similar", "--model", "trajlm-small", "--k", "2")
say("similar --query pitch.csv --crs local --database LOCAL_STORE", cli(*SIM, "--query", PLANE, "--crs", "local", "--database", LOCAL, "--out", OUT / "s1.csv"))
say("similar --query pitch.csv --crs local --database DEGREE_STORE", cli(*SIM, "--query", PLANE, "--crs", "local", "--database", DEGSTORE, "--out", OUT / "s2.csv"))
say("similar --query porto.csv --database LOCAL_STORE", cli(*SIM, "--query", DEG, "--database", LOCAL, "--out", OUT / "s3.csv"))
say("similar --query LOCAL_STORE --database DEGREE_STORE", cli(*SIM, "--query", LOCAL, "--database", DEGSTORE, "--out", OUT / "s4.csv"))
say("similar --query pitch.csv (no --crs) --database LOCAL_STORE", cli(*SIM, "--query", PLANE, "--database", LOCAL, "--out", OUT / "s5.csv"))
say("similar --query pitch.csv --crs local --database pitch.csv --db-crs EPSG:4326", cli(*SIM, "--query", PLANE, "--crs", "local", "--database", PLANE, "--db-crs", "EPSG:4326", "--out", OUT / "s6.csv"))
say("similar --query pitch.csv --crs local --database pitch.csv --db-crs local", cli(*SIM, "--query", PLANE, "--crs", "local", "--database", PLANE, "--db-crs", "local", "--out", OUT / "s7.csv"))
say("  ... s7 columns", lambda: pl.read_csv(OUT / "s7.csv").columns if (OUT / "s7.csv").exists() else "no file")
say("places --input LOCAL_STORE", cli("places", "--input", LOCAL, "--out", OUT / "pl1.csv"))
say("places --input pitch.csv (no --crs option)", cli("places", "--input", PLANE, "--out", OUT / "pl2.csv"))
say("places --input LOCAL_STORE --radius-m 5 --stop-minutes 0.5", cli("places", "--input", LOCAL, "--radius-m", "5", "--stop-minutes", "0.5", "--out", OUT / "pl3.csv"))
say("recover --input LOCAL_STORE", cli("recover", "--model", "trajlm-small", "--input", LOCAL, "--every", "30", "--out", OUT / "r1.csv"))
say("  ... r1 columns", lambda: pl.read_csv(OUT / "r1.csv").columns if (OUT / "r1.csv").exists() else "no file")
say("recover --input pitch.csv --crs local", cli("recover", "--model", "trajlm-small", "--input", PLANE, "--crs", "local", "--every", "30", "--out", OUT / "r2.csv"))
say("recover --input DEGREE_STORE --crs local", cli("recover", "--model", "trajlm-small", "--input", DEGSTORE, "--crs", "local", "--every", "30", "--out", OUT / "r3.csv"))
say("  ... r3 columns", lambda: pl.read_csv(OUT / "r3.csv").columns if (OUT / "r3.csv").exists() else "no file")
say("anomalies --data pitch.csv (file, no --crs option)", cli("anomalies", "--data", PLANE, "--model", "trajlm-small", "--out", OUT / "an1.csv"))
read_case("read pitch.csv crs=local", PLANE, crs="local")
read_case("read pitch.csv crs='LOCAL'", PLANE, crs="LOCAL")
read_case("read pitch.csv crs='EPSG:local'", PLANE, crs="EPSG:local")
read_case("read pitch.csv crs=5", PLANE, crs=5)
read_case("read pitch.csv crs=''", PLANE, crs="")
read_case("read pitch.csv (no crs)", PLANE)
read_case("read porto.csv crs=local", DEG, crs="local")
read_case("read LOCAL_STORE", LOCAL)
read_case("read LOCAL_STORE crs=local", LOCAL, crs="local")
read_case("read DEGREE_STORE crs=local", DEGSTORE, crs="local")
read_case("read nan_x.csv crs=local", F / "nan_x.csv", crs="local")
read_case("read inf_x.csv crs=local", F / "inf_x.csv", crs="local")
read_case("read pitch.csv crs=local tz=Europe/Rome", PLANE, crs="local", tz="Europe/Rome")
small = trajlm.TrajLM.from_pretrained("trajlm-small")
frame = PITCH.with_columns(t=pl.col("time").str.to_datetime()).drop("time")


def api_pred(fr, **kw):
    def run() -> str:
        got = small.predict(fr, steps=2, **kw)
        return f"cols={list(got.columns)} first={dict(list(got.iloc[0].items())[:6]) if hasattr(got, 'iloc') else got.row(0)}"
    return run


say("TrajLM.predict(pitch frame, crs='local')", api_pred(frame, crs="local"))
say("TrajLM.predict(pitch frame, crs='LOCAL')", api_pred(frame, crs="LOCAL"))
say("TrajLM.predict(pitch frame, crs='EPSG:local')", api_pred(frame, crs="EPSG:local"))
say("TrajLM.predict(pitch frame) (no crs)", api_pred(frame))
say("TrajLM.predict(degree frame, crs='local')", api_pred(as_degrees(PITCH).with_columns(t=pl.col("time").str.to_datetime()).drop("time"), crs="local"))
say("TrajLM.predict(pitch frame with NaN x, crs='local')", api_pred(nan_x.with_columns(t=pl.col("time").str.to_datetime()).drop("time"), crs="local"))
say("TrajLM.predict(pitch frame with inf x, crs='local')", api_pred(inf_x.with_columns(t=pl.col("time").str.to_datetime()).drop("time"), crs="local"))
say("TrajLM.predict(LOCAL_STORE path)", api_pred(str(LOCAL)))
say("TrajLM.predict(DEGREE_STORE path, crs='local')", api_pred(str(DEGSTORE), crs="local"))
say("TrajLM.predict(LOCAL_STORE path, crs='EPSG:4326')", api_pred(str(LOCAL), crs="EPSG:4326"))
say("TrajLM.similar(pitch frame, DEGREE_STORE, crs='local')", lambda: str(small.similar(frame, str(DEGSTORE), k=1, crs="local"))[:200])
say("TrajLM.similar(degree frame, LOCAL_STORE)", lambda: str(small.similar(as_degrees(PITCH).with_columns(t=pl.col("time").str.to_datetime()).drop("time"), str(LOCAL), k=1))[:200])
# a model trained on the local store (its card), used on degrees and on the local store
cfg = put("tiny.toml", TINY_TOML)
RUN = OUT / "run_local"
r = run_cli("train", "--data", LOCAL, "--out", RUN, "--config", cfg, "--max-steps", "5", "--threads", "1", "--no-val-check")
say("train a tiny model on the local store", lambda: f"exit={r.exit_code} :: {' / '.join(ln for ln in r.output.splitlines() if 'local' in ln or 'rror' in ln)[:300]}")
say("  ... its card names the plane?", lambda: [p.name for p in RUN.rglob("*.json")][:5] and "crs" in "".join(p.read_text() for p in RUN.rglob("*.json")))
say("predict --model LOCAL_RUN --input DEGREE_STORE", cli("predict", "--model", RUN, "--input", DEGSTORE, "--steps", "2", "--limit", "2", "--out", OUT / "p13.csv"))
say("predict --model LOCAL_RUN --input LOCAL_STORE", cli("predict", "--model", RUN, "--input", LOCAL, "--steps", "2", "--limit", "2", "--out", OUT / "p14.csv"))
say("eval --data DEGREE_STORE --model LOCAL_RUN", cli("eval", "--task", "predict", "--data", DEGSTORE, "--model", RUN, "--out", OUT / "e1.json", limit=300))
say("eval --data LOCAL_STORE --model trajlm-small", cli("eval", "--task", "predict", "--data", LOCAL, "--model", "trajlm-small", "--out", OUT / "e2.json", limit=300))
say("serve --index LOCAL_STORE (start refused?)", lambda: subprocess.run(
    [sys.executable, "-m", "trajlm.cli", "serve", "--model", "trajlm-small", "--index", str(LOCAL), "--port", "0"],
    capture_output=True, text=True, timeout=60).stderr.strip().splitlines()[-1:])

# ============ B. wide per-player tables, frames@RATE
def wide(cols: list[str], n: int = 60, rate: float = 1.0, txt: dict | None = None, time_col: str = "Time [s]") -> str:
    lines = [",".join([time_col, *cols])]
    for i in range(n):
        row = [f"{i / rate:.2f}"]
        for k, c in enumerate(cols):
            base = 10 + 5 * k + 0.8 * i
            if txt and c in txt:
                row.append(txt[c])
            else:
                row.append(f"{base if c.lower().endswith('x') or '_x' in c.lower() or c.lower().startswith('x') else 20 + k + 0.3 * i:.2f}")
        lines.append(",".join(row))
    return "\n".join(lines) + "\n"


ORIG = ("--time-origin", "2026-11-03T15:00:00Z", "--crs", "local")


def wide_case(name: str, cols: list[str], *opts: object, **kw) -> None:
    ingest_case(name, [put(f"wide{say.n + 1:03d}.csv", wide(cols, **kw))], *(opts or ORIG))


ingest_case("wide Metrica-style 4 players (fine)", [put("wide_ok.csv", wide(["Home_1_x", "Home_1_y", "Home_2_x", "Home_2_y", "Away_1_x", "Away_1_y", "Ball_x", "Ball_y"]))], *ORIG)
wide_case("wide, odd pairs: an _x without its _y", ["A_x", "A_y", "B_x", "B_y", "C_x", "C_y", "D_x"])
wide_case("wide, a _y without its _x", ["A_x", "A_y", "B_x", "B_y", "C_x", "C_y", "D_y"])
wide_case("wide, duplicate id (A_x twice)", ["A_x", "A_y", "B_x", "B_y", "C_x", "C_y", "A_x"])
wide_case("wide, duplicate pair A_x/A_y twice", ["A_x", "A_y", "B_x", "B_y", "A_x", "A_y"])
wide_case("wide, same id in two cases (a_x, A_x)", ["a_x", "a_y", "A_x", "A_y", "B_x", "B_y"])
wide_case("wide, only two pairs", ["A_x", "A_y", "B_x", "B_y"])
wide_case("wide, sensor triples only (acc/gyro/mag)", ["acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z", "mag_x", "mag_y", "mag_z"])
wide_case("wide, 3 players + sensor triples", ["A_x", "A_y", "B_x", "B_y", "C_x", "C_y", "acc_x", "acc_y", "acc_z"])
wide_case("wide, players with a _z (3-D tags)", ["A_x", "A_y", "A_z", "B_x", "B_y", "B_z", "C_x", "C_y", "C_z"])
wide_case("wide, x_A style (prefix)", ["x_A", "y_A", "x_B", "y_B", "x_C", "y_C"])
wide_case("wide, ids that are numbers (1_x)", ["1_x", "1_y", "2_x", "2_y", "3_x", "3_y"])
wide_case("wide, id 'x' (x_x, x_y)", ["x_x", "x_y", "y_x", "y_y", "z_x", "z_y"])
wide_case("wide, a plain x / y beside pairs", ["x", "y", "A_x", "A_y", "B_x", "B_y", "C_x", "C_y"])
wide_case("wide, pairs beside an id column", ["player", "A_x", "A_y", "B_x", "B_y", "C_x", "C_y"], txt={"player": "7"})
wide_case("wide, one player's x is text", ["A_x", "A_y", "B_x", "B_y", "C_x", "C_y"], txt={"B_x": "left"})
wide_case("wide, one player all empty", ["A_x", "A_y", "B_x", "B_y", "C_x", "C_y", "D_x", "D_y"], txt={"D_x": "", "D_y": ""})
wide_case("wide, 'NaN' cells for a player", ["A_x", "A_y", "B_x", "B_y", "C_x", "C_y"], txt={"C_x": "NaN", "C_y": "NaN"})
wide_case("wide, degrees in pairs named _x/_y", ["A_x", "A_y", "B_x", "B_y", "C_x", "C_y"], "--time-origin", "2026-11-03T15:00:00Z")
wide_case("wide, no --crs local", ["A_x", "A_y", "B_x", "B_y", "C_x", "C_y"], "--time-origin", "2026-11-03T15:00:00Z")
wide_case("wide, no --time-origin", ["A_x", "A_y", "B_x", "B_y", "C_x", "C_y"], "--crs", "local")
wide_case("wide lat_<id>/lon_<id> odd pair", ["lat_1", "lon_1", "lat_2", "lon_2", "lat_3", "lon_3", "lat_4"], "--time-origin", "2026-11-03T15:00:00Z")
say("read wide_ok.csv crs=local time_origin=", lambda: (lambda d: f"rows={d.height} ids={sorted(d['traj_id'].unique().to_list())} cols={d.columns}")(
    trajlm.read(F / "wide_ok.csv", crs="local", time_origin="2026-11-03T15:00:00Z")))
say("TrajLM.predict(wide_ok.csv path, crs='local', time_origin)", lambda: str(small.predict(str(F / "wide_ok.csv"), steps=1, crs="local", time_origin="2026-11-03T15:00:00Z"))[:300])
say("pd.read_csv(wide) frame to TrajLM.predict(crs='local')", lambda: str(small.predict(pd.read_csv(F / "wide_ok.csv"), steps=1, crs="local"))[:300])
FR = "frame_no,player,x,y\n" + "".join(f"{i},{p},{10 + 0.12 * i + 7 * p:.2f},{30 + 0.05 * i:.2f}\n" for p in range(3) for i in range(0, 600, 5))
FRAMES = put("frames.csv", FR)
FO = ("--time-origin", "2026-11-03T15:00:00Z", "--crs", "local", "--time-col", "frame_no")
ingest_case("frames@25 (fine)", [FRAMES], *FO, "--time-format", "frames@25")
for rate in ("frames@0", "frames@-5", "frames@abc", "frames@1e9", "frames@12.5", "frames@0.5", "frames@", "frames@25hz",
             "frame@25", "frames@ 25", "frames@25.0.0", "frames@inf", "frames@nan", "frames@1e3", "FRAMES@25", "frames:25", "frames@0.0001"):
    ingest_case(f"--time-format {rate}", [FRAMES], *FO, "--time-format", rate)
ingest_case("frames@25 with a naive --time-origin", [FRAMES], "--crs", "local", "--time-col", "frame_no", "--time-format", "frames@25", "--time-origin", "2026-11-03T15:00:00")
ingest_case("frames@25 without --time-origin", [FRAMES], "--crs", "local", "--time-col", "frame_no", "--time-format", "frames@25")
ingest_case("frames@25 on an ISO time column", [PLANE], "--crs", "local", "--time-format", "frames@25", "--time-origin", "2026-11-03T15:00:00Z")
ingest_case("frames@25 on negative frame numbers", [put("negframes.csv", FR.replace("\n0,", "\n-5,"))], *FO, "--time-format", "frames@25")
ingest_case("frames@25 on fractional frames", [put("fracframes.csv", "frame_no,player,x,y\n" + "".join(f"{i + 0.5},{p},{10 + 0.12 * i:.2f},{30 + p}\n" for p in range(3) for i in range(0, 300, 5)))], *FO, "--time-format", "frames@25")
say("read(frames.csv, time_format='frames@0')", lambda: trajlm.read(FRAMES, time_format="frames@0", time_origin="2026-11-03T15:00:00Z", crs="local").height)
say("read(frames.csv, time_format='frames@-1')", lambda: trajlm.read(FRAMES, time_format="frames@-1", time_origin="2026-11-03T15:00:00Z", crs="local").height)
say("read(frames.csv, time_format='frames@25') no origin", lambda: trajlm.read(FRAMES, time_format="frames@25", crs="local").height)
say("predict --input frames.csv --crs local frames@25 (answers in x / y?)", cli(*PRED, "--input", FRAMES, "--crs", "local", "--time-col", "frame_no", "--time-format", "frames@25", "--time-origin", "2026-11-03T15:00:00Z", "--out", OUT / "p18.csv"))
say("predict --input pitch.csv --crs local --tz Europe/Rome (answers in x / y?)", cli(*PRED, "--input", PLANE, "--crs", "local", "--tz", "Europe/Rome", "--out", OUT / "p19.csv"))
say("predict --input frames.csv --time-format frames@0", cli(*PRED, "--input", FRAMES, "--crs", "local", "--time-col", "frame_no", "--time-format", "frames@0", "--time-origin", "2026-11-03T15:00:00Z", "--out", OUT / "p15.csv"))

# ============ C. ORC / Avro / kcat / Endomondo / TopoJSON
RAW = OUT / "raw"
for gen in ("gen_lake.py", "gen_apps.py"):
    subprocess.run([sys.executable, str(ROOT / "scripts" / "heldout36" / gen), str(RAW)], check=True, capture_output=True)
import pyarrow as pa  # noqa: E402
import pyarrow.orc as orc  # noqa: E402

orc_tab = orc.read_table(RAW / "positions.orc")


def orc_file(name: str, table: pa.Table, **kw) -> Path:
    p = F / name
    orc.write_table(table, p, **kw)
    return p


ingest_case("ORC as generated (fine)", [RAW / "positions.orc"])
ingest_case("ORC with 0 rows (schema only)", [orc_file("empty.orc", orc_tab.slice(0, 0))])
ingest_case("ORC without position columns", [orc_file("nopos.orc", orc_tab.drop_columns(["latitude", "longitude"]))])
nested = pa.table({"device_id": orc_tab["device_id"], "event_time": orc_tab["event_time"],
                   "pos": pa.StructArray.from_arrays([orc_tab["latitude"].combine_chunks(), orc_tab["longitude"].combine_chunks()], ["lat", "lon"])})
ingest_case("ORC with a nested struct position", [orc_file("nested.orc", nested)])
ingest_case("ORC, lat/lon as strings", [orc_file("strpos.orc", orc_tab.set_column(2, "latitude", orc_tab["latitude"].cast(pa.string())))])
ingest_case("ORC, one huge stripe (stripe_size 1 GB)", [orc_file("bigstripe.orc", orc_tab, stripe_size=1 << 30)])
ingest_case("ORC, tiny stripes (1 KB)", [orc_file("tinystripe.orc", orc_tab, stripe_size=1024)])
ingest_case("ORC, zoned timestamps", [orc_file("zoned.orc", orc_tab.set_column(1, "event_time", orc_tab["event_time"].cast(pa.timestamp("ns", tz="UTC"))))])
ingest_case("a text file named .orc", [put("fake.orc", "id,time,lat,lon\n")])
ingest_case("a truncated ORC", [put("cut.orc", (RAW / "positions.orc").read_bytes()[:5000])])
ingest_case("an empty .orc (0 bytes)", [put("zero.orc", b"")])
ingest_case("ORC, lat/lon swapped names", [orc_file("swap.orc", orc_tab.rename_columns(["device_id", "event_time", "longitude", "latitude", "speed_kmh", "dt"]))])
avro_df = pl.read_avro(RAW / "telemetry.avro")


def avro_file(name: str, df: pl.DataFrame) -> Path:
    p = F / name
    df.write_avro(p)
    return p


ingest_case("Avro as generated (fine)", [RAW / "telemetry.avro"])
ingest_case("Avro with 0 rows", [avro_file("empty.avro", avro_df.head(0))])
ingest_case("Avro without positions", [avro_file("nopos.avro", avro_df.drop("position"))])
ingest_case("Avro, doubly nested record", [avro_file("deep.avro", avro_df.select("vehicleId", "recordedAt", fix=pl.struct(pl.col("position").alias("coords"), pl.col("odometerKm"))))])
ingest_case("Avro, positions in a list column", [avro_file("list.avro", avro_df.select("vehicleId", "recordedAt", coords=pl.concat_list(pl.col("position").struct.field("latitude"), pl.col("position").struct.field("longitude"))))])
ingest_case("Avro, nulls in the record", [avro_file("nulls.avro", avro_df.with_columns(position=pl.when(pl.int_range(pl.len()) % 7 == 0).then(None).otherwise(pl.col("position"))))])
ingest_case("a text file named .avro", [put("fake.avro", "hello")])
ingest_case("a truncated Avro", [put("cut.avro", (RAW / "telemetry.avro").read_bytes()[:4000])])
ingest_case("Avro, record times as strings with +05:45", [avro_file("tz.avro", avro_df.with_columns(recordedAt=pl.col("recordedAt").dt.strftime("%Y-%m-%dT%H:%M:%S+05:45")))])
ingest_case("Avro, times as epoch ms integers", [avro_file("ms.avro", avro_df.with_columns(recordedAt=pl.col("recordedAt").dt.epoch("ms")))])
kc = [json.loads(x) for x in gzip.decompress((RAW / "vehicle-positions.ndjson.gz").read_bytes()).decode().splitlines()]


def kcat(name: str, msgs: list[dict]) -> Path:
    return put(name, "".join(json.dumps(m) + "\n" for m in msgs))


ingest_case("kcat -J as generated (fine)", [RAW / "vehicle-positions.ndjson.gz"])
ingest_case("kcat, every payload not JSON", [kcat("notjson.ndjson", [{**m, "payload": "lat=1 lon=2"} for m in kc])])
ingest_case("kcat, some payloads not JSON (5 %)", [kcat("somebad.ndjson", [{**m, "payload": "garbage{"} if i % 20 == 0 else m for i, m in enumerate(kc)])])
ingest_case("kcat, base64 payloads", [kcat("b64.ndjson", [{**m, "payload": base64.b64encode(m["payload"].encode()).decode()} for m in kc])])
other = [{**m, "topic": "driver-events", "payload": json.dumps({"driver": "d1", "event": "login", "lat": 53.3, "lon": -6.2, "at": "2026-11-03T08:00:00Z"})} for m in kc[:200]]
ingest_case("kcat, two topics of different shapes", [kcat("mixed.ndjson", kc[:1500] + other)])
ingest_case("kcat, payloads as JSON objects (not text)", [kcat("objpay.ndjson", [{**m, "payload": json.loads(m["payload"])} for m in kc])])
ingest_case("kcat, payload null on some", [kcat("nullpay.ndjson", [{**m, "payload": None} if i % 10 == 0 else m for i, m in enumerate(kc)])])
ingest_case("kcat, payload without a time", [kcat("notime.ndjson", [{**m, "payload": json.dumps({k: v for k, v in json.loads(m["payload"]).items() if k != "fix_time"})} for m in kc])])
ingest_case("kcat, payload without lon", [kcat("nolon.ndjson", [{**m, "payload": json.dumps({k: v for k, v in json.loads(m["payload"]).items() if k != "lon"})} for m in kc])])
ingest_case("kcat, payload a JSON array", [kcat("arr.ndjson", [{**m, "payload": json.dumps([json.loads(m["payload"])])} for m in kc])])
ingest_case("kcat, tombstones (payload empty string)", [kcat("tomb.ndjson", [{**m, "payload": ""} if i % 9 == 0 else m for i, m in enumerate(kc)])])
ingest_case("kcat, payload with its own lat but no id (key only)", [kcat("keyonly.ndjson", [{**m, "payload": json.dumps({k: v for k, v in json.loads(m["payload"]).items() if k != "vehicle_id"})} for m in kc])])
say("read(kcat base64) frame via pd.read_json to TrajLM.predict", lambda: str(small.predict(pd.read_json(F / "b64.ndjson", lines=True), steps=1))[:200])
say("pl.read_ndjson(mixed topics) to TrajLM.predict", lambda: str(small.predict(pl.read_ndjson(F / "mixed.ndjson"), steps=1))[:250])
endo = json.loads(next((RAW / "endomondo" / "Workouts").glob("*.json")).read_text())


def endo_file(name: str, doc) -> Path:
    return put(f"Workouts/{name}", json.dumps(doc))


def endo_points(fn):
    return [dict(o) if "points" not in o else {"points": [fn(p) for p in o["points"]]} for o in endo]


ingest_case("Endomondo as generated (fine)", [RAW / "endomondo" / "Workouts"])
ingest_case("Endomondo, an empty list", [endo_file("empty.json", [])])
ingest_case("Endomondo, points []", [endo_file("nopoints.json", endo_points(lambda p: p)[:8] + [{"points": []}])])
ingest_case("Endomondo, points without timestamp", [endo_file("notime.json", endo_points(lambda p: [q for q in p if "timestamp" not in q]))])
ingest_case("Endomondo, points without longitude", [endo_file("nolon.json", endo_points(lambda p: [{"location": [[p[0]["location"][0][0]]]}, *p[1:]]))])
ingest_case("Endomondo, timestamp in CEST", [endo_file("cest.json", endo_points(lambda p: [*p[:-1], {"timestamp": p[-1]["timestamp"].replace("UTC", "CEST")}]))])
ingest_case("Endomondo, timestamp as epoch ms", [endo_file("ms.json", endo_points(lambda p: [*p[:-1], {"timestamp": 1559459413000}]))])
ingest_case("Endomondo, timestamp garbage", [endo_file("garbage.json", endo_points(lambda p: [*p[:-1], {"timestamp": "yesterday"}]))])
ingest_case("Endomondo, location as one object", [endo_file("flatloc.json", endo_points(lambda p: [{"location": {"latitude": p[0]["location"][0][0]["latitude"], "longitude": p[0]["location"][0][1]["longitude"]}}, *p[1:]]))])
ingest_case("Endomondo, duplicate keys in a point (two timestamps)", [endo_file("twotimes.json", endo_points(lambda p: [*p, {"timestamp": "Sun Jun 02 09:10:13 UTC 2019"}]))])
topo = json.loads((RAW / "tracks.topojson").read_text())


def topo_file(name: str, doc) -> Path:
    return put(name, json.dumps(doc))


def topo_edit(fn) -> dict:
    doc = json.loads(json.dumps(topo))
    fn(doc)
    return doc


geoms = lambda d: d["objects"]["tracks"]["geometries"]  # noqa: E731
ingest_case("TopoJSON as generated (fine)", [RAW / "tracks.topojson"])
ingest_case("TopoJSON, transform removed (deltas read as degrees?)", [topo_file("notransform.topojson", topo_edit(lambda d: d.pop("transform")))])
ingest_case("TopoJSON, transform scale 0", [topo_file("scale0.topojson", topo_edit(lambda d: d["transform"].update(scale=[0, 0])))])
ingest_case("TopoJSON, arc index out of range", [topo_file("badarc.topojson", topo_edit(lambda d: geoms(d)[0].update(arcs=[999])))])
ingest_case("TopoJSON, arcs without coordTimes", [topo_file("notimes.topojson", topo_edit(lambda d: [g["properties"].pop("coordTimes") for g in geoms(d)]))])
ingest_case("TopoJSON, one track without coordTimes", [topo_file("onenotimes.topojson", topo_edit(lambda d: geoms(d)[0]["properties"].pop("coordTimes")))])
ingest_case("TopoJSON, coordTimes one short", [topo_file("short.topojson", topo_edit(lambda d: geoms(d)[0]["properties"]["coordTimes"].pop()))])
ingest_case("TopoJSON, reversed arc ~0", [topo_file("rev.topojson", topo_edit(lambda d: geoms(d)[0].update(arcs=[-1])))])
ingest_case("TopoJSON, arcs empty list", [topo_file("noarcs.topojson", topo_edit(lambda d: d.update(arcs=[])))])
ingest_case("TopoJSON, objects empty", [topo_file("noobj.topojson", topo_edit(lambda d: d.update(objects={})))])
ingest_case("TopoJSON, a MultiLineString", [topo_file("multi.topojson", topo_edit(lambda d: geoms(d)[0].update(type="MultiLineString", arcs=[[0]])))])
ingest_case("TopoJSON, Points only", [topo_file("points.topojson", {"type": "Topology", "objects": {"p": {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [1, 2]}]}}, "arcs": []})])
ingest_case("TopoJSON, transform translate text", [topo_file("txt.topojson", topo_edit(lambda d: d["transform"].update(translate=["a", "b"])))])

# ============ D. course columns, fixed-offset clocks, one zone rule
def course_table(name: str, heading, col: str = "heading", speed: bool = True) -> Path:
    n = 60
    df = as_degrees(walkers(n_movers=2, n=n, speed=8.0, box=(2000.0, 2000.0))).with_columns(
        **{col: pl.Series([heading(i) for i in range(2 * n)])})
    if speed:
        df = df.with_columns(sog_mps=pl.lit(8.0))
    return csv_of(name, df)


def course_case(name: str, heading, col: str = "heading", speed: bool = True) -> None:
    out = OUT / "st" / f"c{say.n + 1:03d}"

    def run() -> str:
        got = cli("data", "ingest", course_table(f"course{say.n + 1:03d}.csv", heading, col, speed), "--out", out)()
        if got.startswith("exit=0"):
            df = trajlm.read_store(out)
            got += f" || cog: {df['cog_deg'].describe()['value'].to_list()[:7] if 'cog_deg' in df.columns else 'no cog_deg'}"
        return got

    say(name, run)


course_case("heading degrees 0..359 (fine)", lambda i: float(i * 6 % 360))
course_case("heading_rad 0..6.2 (fine)", lambda i: i * 0.1 % 6.28, "heading_rad")
course_case("heading_rad with values up to 12 (over 2 pi)", lambda i: i * 0.2 % 12, "heading_rad")
course_case("heading_rad holding degrees (0..359)", lambda i: float(i * 6 % 360), "heading_rad")
course_case("heading (degrees name) holding radians 0..6.2", lambda i: i * 0.1 % 6.28)
course_case("heading over 360 (0..720)", lambda i: float(i * 12 % 720))
course_case("heading negative (-180..180)", lambda i: float(i * 6 % 360 - 180))
course_case("heading compass words", lambda i: ["N", "NNE", "NE", "ENE", "E"][i % 5])
course_case("heading 'NNE ' with spaces", lambda i: [" NNE ", "NE  ", " e"][i % 3])
course_case("heading lower-case words", lambda i: ["north", "south-west", "nne"][i % 3])
course_case("heading mixed numbers and words", lambda i: ["NE", "45", "90°", "E"][i % 4])
course_case("heading mixed degrees and radians", lambda i: ["270", "1.57", "3.14"][i % 3])
course_case("heading 'N/A' and '-'", lambda i: ["N/A", "-", "90"][i % 3])
course_case("heading words not compass ('left')", lambda i: ["left", "right", "straight"][i % 3])
course_case("bearing degrees (fine)", lambda i: float(i * 6 % 360), "bearing")
course_case("bearing_rad up to 2 pi", lambda i: i * 0.1 % 6.28, "bearing_rad")
course_case("bearing with no speed column", lambda i: float(i * 6 % 360), "bearing", speed=False)
course_case("bearing '135°' text", lambda i: f"{i * 6 % 360}°", "bearing")
course_case("cog_rad negative (-pi..pi)", lambda i: (i * 0.1 % 6.28) - 3.14, "cog_rad")
course_case("heading 'NNE' lower-case 'nne ' trailing", lambda i: "nne ", "heading")
course_case("course in mils (0..6400) as heading", lambda i: float(i * 100 % 6400))
NAIVE = csv_of("naive.csv", as_degrees(walkers(n_movers=2, n=60, speed=8.0, box=(2000.0, 2000.0))))
Z = csv_of("z.csv", pl.read_csv(NAIVE).with_columns(pl.col("time") + "Z"))
for tz in ("+05:45", "-03:30", "UTC+14", "+25:00", "+14:00", "-12:00", "UTC-3:30", "GMT+5", "Etc/GMT+14", "Etc/GMT-14", "+0545", "+5:45", "05:45", "Asia/Kathmandu"):
    ingest_case(f"--tz {tz} on naive times", [NAIVE], "--tz", tz)
for off in ("5.75", "-3.5", "14", "25", "-13", "abc", "0.1", "nan", "inf", "5:45"):
    ingest_case(f"--utc-offset {off}", [NAIVE], "--utc-offset", off)
ingest_case("--tz Europe/Rome --utc-offset 2 (both)", [NAIVE], "--tz", "Europe/Rome", "--utc-offset", "2")
ingest_case("--tz Europe/Rome --utc-offset 1 (agree in winter)", [NAIVE], "--tz", "Europe/Rome", "--utc-offset", "1")
ingest_case("--tz +05:45 on Z times (kept as clock)", [Z], "--tz", "+05:45")
ingest_case("--utc-offset -3.5 on Z times", [Z], "--utc-offset", "-3.5")
ingest_case("times with +25:00 offsets in the data", [csv_of("off25.csv", pl.read_csv(NAIVE).with_columns(pl.col("time") + "+25:00"))])
ingest_case("times with +05:45 offsets in the data, --tz Europe/Rome", [csv_of("off545.csv", pl.read_csv(NAIVE).with_columns(pl.col("time") + "+05:45"))], "--tz", "Europe/Rome")
ingest_case("times mixing Z and +02:00", [csv_of("mixoff.csv", pl.read_csv(NAIVE).with_columns(pl.when(pl.int_range(pl.len()) % 2 == 0).then(pl.col("time") + "Z").otherwise(pl.col("time") + "+02:00").alias("time")))])
ingest_case("times mixing naive and Z", [csv_of("mixnaive.csv", pl.read_csv(NAIVE).with_columns(pl.when(pl.int_range(pl.len()) % 2 == 0).then(pl.col("time") + "Z").otherwise(pl.col("time")).alias("time")))])
ingest_case("a 'tz' column in the file and --tz", [csv_of("tzcol.csv", pl.read_csv(NAIVE).with_columns(tz=pl.lit("Asia/Tokyo")))], "--tz", "Europe/Rome")
read_case("read(naive, tz='+05:45')", NAIVE, tz="+05:45")
read_case("read(naive, tz='UTC+14')", NAIVE, tz="UTC+14")
read_case("read(naive, tz='+25:00')", NAIVE, tz="+25:00")
read_case("read(naive, utc_offset=25)", NAIVE, utc_offset=25)
read_case("read(naive, utc_offset='5.75')", NAIVE, utc_offset="5.75")
read_case("read(naive, utc_offset=True)", NAIVE, utc_offset=True)
read_case("read(naive, tz='Europe/Rome', utc_offset=1)", NAIVE, tz="Europe/Rome", utc_offset=1)
read_case("read(Z, tz='+05:45')", Z, tz="+05:45")
nf = pl.read_csv(NAIVE).with_columns(t=pl.col("time").str.to_datetime()).drop("time")
zf = nf.with_columns(pl.col("t").dt.replace_time_zone("Asia/Tokyo"))


def api_at(fr, at, **kw):
    def run() -> str:
        got = small.predict(fr, at_times=at, **kw)
        return f"{got.row(0, named=True) if isinstance(got, pl.DataFrame) else dict(got.iloc[0])}"
    return run


say("predict(naive frame, tz='+05:45', at_times naive)", api_at(nf, ["2026-11-03 14:01:30"], tz="+05:45"))
say("predict(naive frame, utc_offset=-3.5, at_times naive)", api_at(nf, ["2026-11-03 04:31:30"], utc_offset=-3.5))
say("predict(Tokyo frame, tz='Europe/Rome') (frame tz vs tz)", api_at(zf, ["2026-11-03 09:01:30"], tz="Europe/Rome"))
say("predict(Tokyo frame, tz='+25:00')", api_at(zf, ["2026-11-03 09:01:30"], tz="+25:00"))
say("predict(naive path, tz='Asia/Tokyo', at_times naive)", api_at(str(NAIVE), ["2026-11-03 17:01:30"], tz="Asia/Tokyo"))
say("predict(naive path, tz='UTC+14')", api_at(str(NAIVE), ["2026-11-03 22:01:30"], tz="UTC+14"))
say("predict --input naive.csv --tz +05:45 --at-times naive", cli("predict", "--model", "trajlm-small", "--limit", "2", "--input", NAIVE, "--tz", "+05:45", "--at-times", "2026-11-03T13:46:30", "--out", OUT / "p16.csv"))
say("predict --input naive.csv --tz X --utc-offset Y", cli(*PRED, "--input", NAIVE, "--tz", "Asia/Tokyo", "--utc-offset", "3", "--out", OUT / "p17.csv"))
ingest_case("a UTC GPX with --tz +05:45", [F / "t.gpx"], "--tz", "+05:45")
ingest_case("a UTC GPX with --utc-offset 25", [F / "t.gpx"], "--utc-offset", "25")
ingest_case("kcat (UTC instants) with --tz Europe/Dublin", [RAW / "vehicle-positions.ndjson.gz"], "--tz", "Europe/Dublin")
ingest_case("ORC naive times with --utc-offset 5.75", [RAW / "positions.orc"], "--utc-offset", "5.75")
ingest_case("TopoJSON Z times with --tz UTC+14", [RAW / "tracks.topojson"], "--tz", "UTC+14")

# ============ E. eval reading each split from its files; --append a late day
def synth_store(name: str, *opts: str) -> Path:
    """A store ingested from a synthetic city's trips written as a plain CSV (id, time, lat, lon)."""
    raw = OUT / "st" / f"{name}_raw"
    assert run_cli("data", "synth", "-o", raw, "-n", "40", *opts).exit_code == 0
    df = trajlm.read_store(raw).select(id="traj_id", time=pl.from_epoch("t").dt.strftime("%Y-%m-%dT%H:%M:%SZ"), lat="lat", lon="lon")
    out = OUT / "st" / name
    assert run_cli("data", "ingest", csv_of(f"{name}.csv", df), "--out", out).exit_code == 0
    return out


SYN = synth_store("syn")
SYN2 = synth_store("syn2", "--seed", "5")


def eval_case(name: str, prep, *opts: object) -> None:
    s = fresh(f"e{say.n + 1:03d}", SYN)
    prep(s)
    task = () if "--task" in opts else ("--task", "predict")
    say(name, cli("eval", *task, "--data", s, "--out", OUT / f"ev{say.n + 1:03d}.json", *opts, limit=400))


def part(s: Path, split: str) -> Path:
    return next((s / "points" / f"split={split}").glob("*.parquet"))


eval_case("eval, store as is (fine)", lambda s: None)
eval_case("eval, test split file removed", lambda s: part(s, "test").unlink())
eval_case("eval, val split folder removed", lambda s: shutil.rmtree(s / "points" / "split=val"))
eval_case("eval, test file renamed part-x.txt", lambda s: part(s, "test").rename(s / "points" / "split=test" / "part-x.txt"))
eval_case("eval, test file truncated", lambda s: part(s, "test").write_bytes(part(s, "test").read_bytes()[:300]))
eval_case("eval, test file from another store", lambda s: shutil.copy(part(SYN2, "test"), part(s, "test")))
eval_case("eval, train file from another store", lambda s: shutil.copy(part(SYN2, "train"), part(s, "train")))
eval_case("eval, test file replaced by train's", lambda s: shutil.copy(part(s, "train"), part(s, "test")))
eval_case("eval, an extra part file in test (copy of val)", lambda s: shutil.copy(part(s, "val"), s / "points" / "split=test" / "part-00009.parquet"))
eval_case("eval, a split=extra folder", lambda s: shutil.copytree(s / "points" / "split=val", s / "points" / "split=extra"))
eval_case("eval, test file 0 bytes", lambda s: part(s, "test").write_bytes(b""))
eval_case("eval, test a folder named like a file", lambda s: (part(s, "test").unlink(), (s / "points" / "split=test" / "part-00000.parquet").mkdir()))
eval_case("eval, index.parquet removed", lambda s: (s / "index.parquet").unlink())
eval_case("eval, manifest splits say 4 test trips more", lambda s: (s / "manifest.json").write_text(json.dumps(
    (lambda m: (m["splits"]["test"].update(n_trajectories=m["splits"]["test"]["n_trajectories"] + 4), m)[1])(json.loads((s / "manifest.json").read_text())))))
eval_case("eval, test file with rows shuffled", lambda s: pl.read_parquet(part(s, "test")).sample(fraction=1.0, shuffle=True, seed=1).write_parquet(part(s, "test")))
eval_case("eval, test file lacking the lon column", lambda s: pl.read_parquet(part(s, "test")).drop("lon").write_parquet(part(s, "test")))
eval_case("eval --task recover with test removed", lambda s: part(s, "test").unlink(), "--task", "recover")
say("data queries on a store with val removed", lambda: (lambda s: (shutil.rmtree(s / "points" / "split=val"), cli("data", "queries", s, "--out", OUT / "q1.csv")())[1])(fresh("q1", SYN)))
pts = trajlm.read_store(SYN).select("traj_id", "t", "lat", "lon")
first_t, last_t = int(pts["t"].min()), int(pts["t"].max())


def late_day(name: str, shift_s: int, suffix: str = "_L", n: int = 5) -> Path:
    ids = pts["traj_id"].unique().sort().head(n)
    df = pts.filter(pl.col("traj_id").is_in(ids)).with_columns(
        id=pl.col("traj_id") + suffix, time=pl.from_epoch(pl.col("t") - first_t + shift_s).dt.strftime("%Y-%m-%dT%H:%M:%S")).select("id", "time", "lat", "lon")
    return csv_of(name, df)


def pieces(s: Path) -> str:
    idx = pl.read_parquet(s / "index.parquet")
    return f"splits={idx.group_by('split').len().sort('split').rows()} last ids={idx['traj_id'].sort().tail(3).to_list()}"


def late_case(name: str, src: Path, day: Path, *opts: object) -> None:
    store = fresh(f"l{say.n + 1:03d}", src)
    before = digest(store)

    def run() -> str:
        got = cli("data", "ingest", day, "--out", store, "--append", *opts)()
        return f"{got} || unchanged={digest(store) == before} {pieces(store)}"

    say(name, run)


late_case("append a day after the store's last", SYN, late_day("after.csv", last_t + 86400))
late_case("append a day before the store's first", SYN, late_day("before.csv", first_t - 5 * 86400))
late_case("append a day inside the store's span", SYN, late_day("inside.csv", first_t + (last_t - first_t) // 2))
late_case("append trips whose ids exist (same ids, later day)", SYN, late_day("sameids.csv", last_t + 86400, suffix=""))
late_case("append a trip spanning the store's last time", SYN, late_day("straddle.csv", last_t - 60, n=1))
late_case("append a late day, trips split by a gap (pieces)", SYN, csv_of("gappy.csv", pl.concat([pl.read_csv(late_day("g1.csv", last_t + 86400, n=2)),
          pl.read_csv(late_day("g2.csv", last_t + 86400 + 7200, n=2))])))
late_case("append a late day of degrees to a local store", LOCAL, late_day("late_deg.csv", int(T0.timestamp()) + 86400))
say("eval after a late-day append", lambda: (lambda s: (run_cli("data", "ingest", F / "after.csv", "--out", s, "--append"),
    cli("eval", "--task", "predict", "--data", s, "--out", OUT / "ev_late.json", limit=300)())[1])(fresh("late_eval", SYN)))
say("the user's input files unchanged", lambda: f"{len(MADE)} files; changed: "
    f"{[p.name for p, d in MADE.items() if not p.exists() or hashlib.sha256(p.read_bytes()).hexdigest() != d]}")
