"""badin38: hostile inputs on session 37's new surfaces, one line a case, classified by hand
(scripts/badin38/classes.py): Metrica / TRACAB pitch feeds, `--pitch-size`, `period` / `half`
columns and `--full-rate`; ETH / UCY / TrajNet++ pedestrian files and the SDD refusal; eval
`--steps / --pred-len / --history / --obs-len` and `TrajLM.evaluate(steps=, history=)`; `--crs`
on anomalies / reach / travel-time / parked / next-place / divert and HTTP `"crs": "local"`;
Event Hubs Capture Avro, Firehose objects, MessagePack, `.npz`, track databases with
`parent_id`, Home Assistant history, SQL dumps, WiGLE, deck.gl path lists; `similar`'s
`format=`, `predict --tz`, `direction` read by its values; `trajlm ask` sprints / top speed /
halves / weeks / runs / splits. CLI calls run in process (typer's CliRunner), HTTP through
FastAPI's TestClient.
Run: PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/python scripts/badin38/probe.py [OUT_DIR]
(default /tmp/badin38/probe; session 37's generators write the format fixtures under it)
"""

# fmt: off
from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import TINY_TOML, Cases, as_degrees, pitch_walkers, probe_out, write_file  # noqa: E402  # noqa: E402

import trajlm  # noqa: E402
from trajlm.cli import app  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = probe_out("/tmp/badin38/probe")
say = Cases(got=1000, warn=170, warn_total=420, flush=True)
WORDS = ("rror", "arn", "wrote", "refus", "nvalid", "must", "not ", "unknown", "Usage", "ignored",
         "no ", "exist", "metres", "degrees", "crs", "local", "pitch", "Metrica", "TRACAB", "period",
         "frame", "ETH", "TrajNet", "SDD", "steps", "history", "Avro", "Firehose", "MessagePack",
         "npz", "SQL", "WiGLE", "deck", "Home Assistant", "track", "zone", "tz", "Stored", "stored",
         "points", "trajector", "format", "x (m)", "answer", "sprint", "speed", "half", "week",
         "can't", "MAE", "k=")
G = OUT / "gen"
F = OUT / "fix"
F.mkdir()
MADE: dict[Path, str] = {}


def gen(script: str, *args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "scripts" / script), *args], check=True,
                   capture_output=True)


gen("heldout37/gen_files.py", str(G / "h37"))
gen("heldout37/gen_bus.py", str(G / "bus"))
gen("heldout37b/gen_files.py", str(G / "h37b"))
gen("sports37/gen_metrica.py", "--out", str(G / "metrica"), "--minutes", "1")
gen("sports37/gen_tracab.py", "--out", str(G / "tracab"), "--minutes", "1")
gen("newuser37/gen_ethucy.py", "--out", str(G / "ethucy"))
gen("newuser37/gen_trajnetpp.py", "--out", str(G / "tnpp"))
gen("newuser37/gen_sdd.py", "--out", str(G / "sdd"))
for p in G.rglob("*"):
    if p.is_file():
        MADE[p] = hashlib.sha256(p.read_bytes()).hexdigest()


def cli(*args: object, limit: int = 520):
    """cli_said with the `error:` / `can't answer` line first (a long reading warning cut it off)."""
    def run() -> str:
        res = CliRunner().invoke(app, [str(a) for a in args])
        lines = [ln.strip(" │╭╰─") for ln in res.output.splitlines() if ln.strip(" │╭╰─")]
        first = [ln for ln in lines if ln.startswith(("error:", "can't answer", "Error:"))]
        exc = ("" if res.exception is None or isinstance(res.exception, SystemExit)
               else f" EXC {type(res.exception).__name__}: {str(res.exception)[:160]}")
        rest = " / ".join(ln for ln in lines if ln not in first and any(w in ln for w in WORDS))
        return f"exit={res.exit_code}{exc} :: " + " / ".join(first)[:400] + " // " + rest[:limit]
    return run


def run_cli(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def put(name: str, data: str | bytes) -> Path:
    p = write_file(OUT, name, data, folder="fix")
    MADE[p] = hashlib.sha256(p.read_bytes()).hexdigest()
    return p


def csv_of(name: str, df: pl.DataFrame | pd.DataFrame) -> Path:
    p = F / name
    p.parent.mkdir(parents=True, exist_ok=True)
    (df.to_csv(p, index=False) if isinstance(df, pd.DataFrame) else df.write_csv(p))
    MADE[p] = hashlib.sha256(p.read_bytes()).hexdigest()
    return p


def stored(store: Path) -> str:
    try:
        df = trajlm.read_store(store)
        man = json.loads((store / "manifest.json").read_text())
        crs = (man.get("reading") or {}).get("crs")
        extra = [c for c in ("period", "half", "path_m", "peak_mps", "course", "speed") if c in df.columns]
        return (f"n={df.height} trajs={df['traj_id'].n_unique()} crs={crs} extra={extra} "
                f"lat={df['lat'].min():.5f}..{df['lat'].max():.5f} lon={df['lon'].min():.5f}..{df['lon'].max():.5f}"
                f" t={df['t'].min()}..{df['t'].max()}")
    except Exception as e:  # noqa: BLE001
        return f"UNREADABLE {type(e).__name__}: {str(e)[:120]}"


ORIGIN: list[str] = []  # options a section's files are told to take (frame feeds: --time-origin; WiGLE: --time-col)
TO = ["--time-origin", "2026-11-03T15:00:00Z"]


def ingest_case(name: str, inputs: list, *opts: object) -> None:
    out = OUT / "st" / f"s{say.n + 1:03d}"
    opts = (*opts, *ORIGIN) if "--time-origin" not in opts else opts

    def run() -> str:
        got = cli("data", "ingest", *inputs, "--out", out, *opts)()
        return got + (" || " + stored(out) if got.startswith("exit=0") and out.exists() else "")

    say(name, run)


def read_case(name: str, path: object, **kw) -> None:
    def run() -> str:
        df = trajlm.read(path, **kw)
        cols = [c for c in ("x", "y", "lat", "lon") if c in df.columns]
        rng = " ".join(f"{c}={df[c].min():.4f}..{df[c].max():.4f}" for c in cols)
        return f"rows={df.height} trajs={df['traj_id'].n_unique() if 'traj_id' in df.columns else '?'} cols={df.columns[:9]} {rng}"

    say(name, run)


def lines_of(p: Path) -> list[str]:
    return p.read_text().splitlines(keepends=True)


T0 = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
RNG = np.random.default_rng(38)


def walkers(**kw) -> pl.DataFrame:
    return pitch_walkers(RNG, T0, **kw)


PITCH = walkers()
PLANE = csv_of("pitch.csv", PITCH)
DEGDF = as_degrees(walkers(speed=8.0, box=(3000.0, 2000.0)))
DEG = csv_of("porto_walk.csv", DEGDF)
DEGSTORE = OUT / "st" / "deg"
assert run_cli("data", "ingest", DEG, "--out", DEGSTORE).exit_code == 0
LOCAL = OUT / "st" / "local"
assert run_cli("data", "ingest", PLANE, "--out", LOCAL, "--crs", "local").exit_code == 0
MET = G / "metrica"
HOME, AWAY = MET / "Sample_Game_RawTrackingData_Home_Team.csv", MET / "Sample_Game_RawTrackingData_Away_Team.csv"
TRACAB = G / "tracab" / "match_tracab.dat"
MSTORE = OUT / "st" / "metrica"
assert run_cli("data", "ingest", MET, "--out", MSTORE, *TO).exit_code == 0

# ============ A. Metrica / TRACAB, --pitch-size, period / half, --full-rate
ORIGIN[:] = TO
ingest_case("metrica home file (fine)", [HOME])
ingest_case("metrica folder (fine)", [MET])
ingest_case("metrica home + away files", [HOME, AWAY])
ingest_case("metrica home file given twice", [HOME, HOME])
for size in ("105x68", "0x68", "-105x68", "105", "abc", "105x68x3", "1e9x1e9", "nanxnan", "105 x 68",
             "105X68", "105,68", "infx68", "501x68", "0.001x0.001", "68x105", ""):
    ingest_case(f"metrica --pitch-size {size!r}", [HOME], "--pitch-size", size)
ORIGIN[:] = []
ingest_case("--pitch-size on a GPS degree CSV", [DEG], "--pitch-size", "105x68")
ingest_case("--pitch-size on pitch.csv --crs local", [PLANE], "--crs", "local", "--pitch-size", "120x80")
home = lines_of(HOME)
ORIGIN[:] = TO
ingest_case("metrica truncated mid-row", [put("m_trunc/Home.csv", "".join(home[:200]) + home[200][:25])])
ingest_case("metrica two header lines only", [put("m_two/Home.csv", "".join(home[:2]))])
ingest_case("metrica header, no rows", [put("m_head/Home.csv", "".join(home[:3]))])
ingest_case("metrica one data row", [put("m_one/Home.csv", "".join(home[:4]))])


def metrica_map(name: str, fn) -> Path:
    out = home[:3]
    for ln in home[3:400]:
        cells = ln.rstrip("\n").split(",")
        out.append(",".join(fn(cells)) + "\n")
    return put(f"m_{name}/Home.csv", "".join(out))


ingest_case("metrica every player cell NaN", [metrica_map("nan", lambda c: c[:3] + ["NaN"] * (len(c) - 3))])
ingest_case("metrica values x 100 (metres, not 0-1)", [metrica_map("metres", lambda c: c[:3] + [
    f"{float(v) * 100:.2f}" if v not in ("NaN", "") else v for v in c[3:]])])
ingest_case("metrica negative values (-0.5 .. 0.5)", [metrica_map("neg", lambda c: c[:3] + [
    f"{float(v) - 0.5:.4f}" if v not in ("NaN", "") else v for v in c[3:]])])
ingest_case("metrica time column going backwards", [metrica_map("back", lambda c: c[:2] + [f"{100 - float(c[2]):.2f}"] + c[3:])])
ingest_case("metrica period 'first' as text", [metrica_map("ptext", lambda c: ["first"] + c[1:])])
ingest_case("metrica duplicated rows", [put("m_dup/Home.csv", "".join(home[:3] + [x for ln in home[3:300] for x in (ln, ln)]))])
ingest_case("metrica time column text 'n/a'", [metrica_map("tna", lambda c: c[:2] + ["n/a"] + c[3:])])
ingest_case("metrica inf cells", [metrica_map("inf", lambda c: c[:3] + ["inf"] * (len(c) - 3))])
ingest_case("metrica --crs EPSG:4326", [HOME], "--crs", "EPSG:4326")
ingest_case("metrica --tz Europe/Rome", [HOME], "--tz", "Europe/Rome")
ingest_case("metrica --time-origin 2026-11-03T15:00:00Z", [HOME], "--time-origin", "2026-11-03T15:00:00Z")
ingest_case("metrica --time-origin garbage", [HOME], "--time-origin", "yesterday-ish")
ingest_case("metrica --no-full-rate", [HOME], "--no-full-rate")
ingest_case("metrica renamed .txt", [put("m_txt/home.txt", HOME.read_text())])
ingest_case("TRACAB .dat (fine)", [TRACAB])
tr = lines_of(TRACAB)
ingest_case("TRACAB truncated last line", [put("t_trunc.dat", "".join(tr[:300]) + tr[300][:40])])
ingest_case("TRACAB one frame", [put("t_one.dat", tr[0])])
ingest_case("TRACAB empty file", [put("t_empty.dat", "")])
ingest_case("TRACAB frames backwards", [put("t_back.dat", "".join(reversed(tr[:400])))])
ingest_case("TRACAB ball only", [put("t_ball.dat", "".join(f"{ln.split(':')[0]}::{ln.split(':')[2]}:\n" for ln in tr[:300]))])
ingest_case("TRACAB coordinates x 1e6", [put("t_huge.dat", "".join(
    ln.split(":")[0] + ":" + ";".join(",".join(f[:3] + [str(int(f[3]) * 1000000), f[4], f[5]]) if len(f) == 6 else ",".join(f)
                                      for f in (t.split(",") for t in ln.split(":")[1].split(";"))) + ":" + ln.split(":", 2)[2]
    for ln in tr[:300]))])
ingest_case("TRACAB text in x", [put("t_text.dat", "".join(ln.replace(",1,1,", ",1,1,abc", 1) for ln in tr[:300]))])
ingest_case("TRACAB duplicated frames", [put("t_dup.dat", "".join(x for ln in tr[:300] for x in (ln, ln)))])
ingest_case("TRACAB --pitch-size 100x64", [TRACAB], "--pitch-size", "100x64")
ingest_case("TRACAB negative frame numbers", [put("t_neg.dat", "".join("-" + ln for ln in tr[:200]))])
ingest_case("TRACAB .dat --crs EPSG:32629", [TRACAB], "--crs", "EPSG:32629")
ORIGIN[:] = []
ingest_case("--full-rate on a 1-Hz degree CSV", [DEG], "--full-rate")
fast = walkers(n_movers=3, n=300, dt=0.1, speed=5.0)
fast = fast.with_columns(time=(pl.lit(T0.timestamp()) + pl.int_range(pl.len()).over("id") * 0.1).map_elements(
    lambda s: datetime.fromtimestamp(s, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3], return_dtype=pl.String))
FAST = csv_of("fast10hz.csv", fast)
ingest_case("--full-rate on a 10-Hz pitch CSV --crs local", [FAST], "--crs", "local", "--full-rate")
ingest_case("--no-full-rate on a 10-Hz pitch CSV --crs local", [FAST], "--crs", "local", "--no-full-rate")
per = PITCH.with_columns(period=pl.when(pl.int_range(pl.len()).over("id") < 75).then(1).otherwise(2))
ingest_case("period column 1 / 2 in a pitch CSV --crs local", [csv_of("period12.csv", per)], "--crs", "local")
ingest_case("period column 1, 2, 1 (back to the first)", [csv_of("period121.csv", PITCH.with_columns(
    period=(pl.int_range(pl.len()).over("id") // 50 % 2) + 1))], "--crs", "local")
ingest_case("period column 'H1' / 'H2'", [csv_of("periodH.csv", per.with_columns(period=pl.format("H{}", "period")))], "--crs", "local")
ingest_case("period column all empty", [csv_of("periodNA.csv", PITCH.with_columns(period=pl.lit(None, pl.Int64)))], "--crs", "local")
ingest_case("period column -1 / 1e9", [csv_of("periodNeg.csv", per.with_columns(period=pl.when(pl.col("period") == 1).then(-1).otherwise(10**9)))], "--crs", "local")
ingest_case("half column 1 / 2 in degrees", [csv_of("half_deg.csv", as_degrees(PITCH).with_columns(
    half=pl.when(pl.int_range(pl.len()).over("id") < 75).then(1).otherwise(2)))])
ingest_case("period and half both, disagreeing", [csv_of("period_half.csv", per.with_columns(half=3 - pl.col("period")))], "--crs", "local")
ingest_case("period changing every row", [csv_of("period_flip.csv", PITCH.with_columns(period=pl.int_range(pl.len()) % 2 + 1))], "--crs", "local")

# ============ B. ETH / UCY, TrajNet++, SDD
ETH = G / "ethucy" / "biwi_plaza.txt"
ETHH = G / "ethucy" / "biwi_plaza_header.txt"
TNPP = G / "tnpp" / "plaza_trajnetpp.ndjson"
SDD = G / "sdd" / "annotations.txt"
eth = lines_of(ETH)
ORIGIN[:] = TO
ingest_case("ETH/UCY .txt (fine)", [ETH])
ingest_case("ETH/UCY with header (fine)", [ETHH])
ingest_case("ETH/UCY --crs EPSG:4326", [ETH], "--crs", "EPSG:4326")
ingest_case("ETH/UCY --crs local (redundant)", [ETH], "--crs", "local")
ingest_case("ETH/UCY truncated (3 fields on the last row)", [put("eth_trunc.txt", "".join(eth[:300]) + "\t".join(eth[300].split("\t")[:3]) + "\n")])
ingest_case("ETH/UCY a NaN x", [put("eth_nan.txt", "".join(eth[:40]) + "600.0\t7.0\tnan\t1.0\n" + "".join(eth[41:300]))])
ingest_case("ETH/UCY an inf y", [put("eth_inf.txt", "".join(ln if i != 60 else ln.rsplit("\t", 1)[0] + "\tinf\n" for i, ln in enumerate(eth[:300])))])
ingest_case("ETH/UCY negative frames", [put("eth_negf.txt", "".join("-" + ln for ln in eth[:300]))])
ingest_case("ETH/UCY frames shuffled", [put("eth_shuf.txt", "".join(RNG.permutation(eth[:300])))])
ingest_case("ETH/UCY ped id 7.5", [put("eth_frac.txt", "".join(ln.replace("\t7.0\t", "\t7.5\t") for ln in eth[:300]))])
ingest_case("ETH/UCY one row", [put("eth_one.txt", eth[0])])
ingest_case("ETH/UCY duplicated rows", [put("eth_dup.txt", "".join(x for ln in eth[:300] for x in (ln, ln)))])
ingest_case("ETH/UCY coordinates 1e7 m", [put("eth_big.txt", "".join(
    "\t".join(p[:2] + [f"{float(p[2]) * 1e6:.1f}", f"{float(p[3]) * 1e6:.1f}"]) + "\n" for p in (ln.split() for ln in eth[:300])))])
ingest_case("ETH/UCY --time-origin 2026-11-03T10:00:00Z", [ETH], "--time-origin", "2026-11-03T10:00:00Z")
ingest_case("ETH/UCY --tz Europe/Zurich", [ETH], "--tz", "Europe/Zurich")
ingest_case("ETH/UCY comma separated .csv", [put("eth_comma.csv", "".join(ln.replace("\t", ",") for ln in eth[:300]))])
ingest_case("ETH/UCY empty .txt", [put("eth_empty.txt", "")])
ingest_case("ETH/UCY header only", [put("eth_head.txt", "frame\tped\tx\ty\n")])
ingest_case("ETH/UCY every row the same frame", [put("eth_sameframe.txt", "".join("500.0\t" + ln.split("\t", 1)[1] for ln in eth[:300]))])
ingest_case("ETH/UCY frames in seconds-like decimals (0.4 steps)", [put("eth_dec.txt", "".join(
    f"{float(ln.split()[0]) / 25:.1f}\t" + ln.split("\t", 1)[1] for ln in eth[:300]))])
ingest_case("ETH/UCY --pitch-size 20x20", [ETH], "--pitch-size", "20x20")
tn = lines_of(TNPP)
tracks = [ln for ln in tn if '"track"' in ln]
scenes = [ln for ln in tn if '"scene"' in ln]
ingest_case("TrajNet++ (fine)", [TNPP])
ingest_case("TrajNet++ scene fps 0", [put("tn_fps0.ndjson", "".join(ln.replace('"fps": 2.5', '"fps": 0') for ln in tn))])
ingest_case("TrajNet++ scene fps -2.5", [put("tn_fpsneg.ndjson", "".join(ln.replace('"fps": 2.5', '"fps": -2.5') for ln in tn))])
ingest_case("TrajNet++ scene fps 'abc'", [put("tn_fpstxt.ndjson", "".join(ln.replace('"fps": 2.5', '"fps": "abc"') for ln in tn))])
ingest_case("TrajNet++ scene fps 1e9", [put("tn_fpshuge.ndjson", "".join(ln.replace('"fps": 2.5', '"fps": 1e9') for ln in tn))])
ingest_case("TrajNet++ a track without x", [put("tn_nox.ndjson", "".join(scenes) + tracks[5].replace('"x"', '"xx"') + "".join(tracks))])
ingest_case("TrajNet++ a track x NaN", [put("tn_nan.ndjson", "".join(scenes) + "".join(t if i != 7 else json.dumps({"track": {**json.loads(t)["track"], "x": float("nan")}}) + "\n" for i, t in enumerate(tracks)))])
ingest_case("TrajNet++ a track f as text", [put("tn_ftext.ndjson", "".join(scenes) + "".join(t if i != 7 else json.dumps({"track": {**json.loads(t)["track"], "f": "ten"}}) + "\n" for i, t in enumerate(tracks)))])
ingest_case("TrajNet++ a line not JSON", [put("tn_bad.ndjson", "".join(tn[:50]) + "{oops\n" + "".join(tn[50:]))])
ingest_case("TrajNet++ blank lines", [put("tn_blank.ndjson", "\n\n".join(tn[:400]))])
ingest_case("TrajNet++ scenes only", [put("tn_scenes.ndjson", "".join(scenes))])
ingest_case("TrajNet++ tracks only (no scene, no fps)", [put("tn_tracks.ndjson", "".join(tracks))])
ingest_case("TrajNet++ duplicated track rows", [put("tn_dup.ndjson", "".join(scenes) + "".join(x for t in tracks for x in (t, t)))])
ingest_case("TrajNet++ two scenes' fps disagreeing", [put("tn_fpsmix.ndjson", "".join(
    ln.replace('"fps": 2.5', '"fps": 25') if i % 2 else ln for i, ln in enumerate(scenes)) + "".join(tracks))])
ingest_case("TrajNet++ a track with x as a list", [put("tn_xlist.ndjson", "".join(scenes) + "".join(t if i != 3 else json.dumps({"track": {**json.loads(t)["track"], "x": [1, 2]}}) + "\n" for i, t in enumerate(tracks)))])
ingest_case("TrajNet++ truncated mid-record", [put("tn_trunc.ndjson", "".join(tn[:300]) + tn[300][:20])])
ingest_case("SDD annotations (told)", [SDD])
ingest_case("SDD --crs local", [SDD], "--crs", "local")
ingest_case("SDD truncated line", [put("sdd_trunc/annotations.txt", "".join(lines_of(SDD)[:100]) + lines_of(SDD)[100][:12])])
ingest_case("SDD an unknown label", [put("sdd_lab/annotations.txt", "".join(ln.replace('"Cart"', '"Robot"') for ln in lines_of(SDD)[:200]))])
put("ethdir/b.txt", "1\t2\tx\ty\tz\n")
ingest_case("a folder of ETH files, one broken", [put("ethdir/a.txt", "".join(eth[:200])).parent])
ingest_case("ETH + a degree CSV together", [ETH, DEG])
ORIGIN[:] = []
read_case("trajlm.read(ETH file)", ETH, time_origin="2026-11-03T15:00:00Z")
read_case("trajlm.read(ETH file, crs='EPSG:4326')", ETH, time_origin="2026-11-03T15:00:00Z", crs="EPSG:4326")
read_case("trajlm.read(TrajNet++ file)", TNPP, time_origin="2026-11-03T15:00:00Z")
read_case("trajlm.read(Metrica file)", HOME, time_origin="2026-11-03T15:00:00Z")
read_case("trajlm.read(Metrica file, pitch='0x0')", HOME, time_origin="2026-11-03T15:00:00Z", pitch="0x0")
read_case("trajlm.read(TRACAB file)", TRACAB, time_origin="2026-11-03T15:00:00Z")

# ============ C. eval --steps / --pred-len / --history / --obs-len, TrajLM.evaluate
ESTORE = OUT / "st" / "eth"
assert run_cli("data", "ingest", ETH, "--out", ESTORE, *TO).exit_code == 0
EV = ("eval", "--task", "predict", "--data", ESTORE, "--seeds", "1")


def ev(name: str, *opts: object) -> None:
    say(name, cli(*EV, *opts, "--out", OUT / f"ev{say.n + 1:03d}.json", limit=360))


ev("eval --obs-len 8 --pred-len 12 (fine)", "--obs-len", "8", "--pred-len", "12")
ev("eval --steps 0", "--steps", "0")
ev("eval --steps -1", "--steps", "-1")
ev("eval --steps abc", "--steps", "abc")
ev("eval --steps 2.5", "--steps", "2.5")
ev("eval --steps 5 --pred-len 12 (both)", "--steps", "5", "--pred-len", "12")
ev("eval --history 0", "--history", "0")
ev("eval --history 100000", "--history", "100000")
ev("eval --steps 100000", "--steps", "100000")
ev("eval --history 8 --obs-len 20 (both)", "--history", "8", "--obs-len", "20")
ev("eval --steps 1 --history 1", "--steps", "1", "--history", "1")
say("eval --task tte --steps 3 (predict's option)", cli("eval", "--task", "tte", "--data", ESTORE, "--seeds", "1", "--steps", "3", "--out", OUT / "evtte.json", limit=360))
say("eval --task recover --history 8", cli("eval", "--task", "recover", "--data", ESTORE, "--seeds", "1", "--history", "8", "--out", OUT / "evrec.json", limit=360))
say("eval --steps 5 on the degree store (fine)", cli("eval", "--task", "predict", "--data", DEGSTORE, "--seeds", "1", "--steps", "5", "--out", OUT / "evdeg.json", limit=360))
CFG = put("tiny.toml", TINY_TOML)
RUN = OUT / "run_deg"
r = run_cli("train", "--data", DEGSTORE, "--out", RUN, "--config", CFG, "--max-steps", "5", "--threads", "1", "--no-val-check")
assert r.exit_code == 0, r.output[-800:]
RUNL = OUT / "run_local"
r = run_cli("train", "--data", LOCAL, "--out", RUNL, "--config", CFG, "--max-steps", "5", "--threads", "1", "--no-val-check")
assert r.exit_code == 0, r.output[-800:]
lm = trajlm.TrajLM.from_pretrained(RUN)
lml = trajlm.TrajLM.from_pretrained(RUNL)


def api_eval(model, data, **kw):
    def run() -> str:
        got = model.evaluate(data, seeds=1, **kw)
        return str(got)[:400]
    return run


say("TrajLM.evaluate(ETH store, steps=12, history=8) (fine)", api_eval(lml, str(ESTORE), steps=12, history=8))
say("TrajLM.evaluate(steps=0)", api_eval(lml, str(ESTORE), steps=0))
say("TrajLM.evaluate(steps=-3)", api_eval(lml, str(ESTORE), steps=-3))
say("TrajLM.evaluate(steps=2.5)", api_eval(lml, str(ESTORE), steps=2.5))
say("TrajLM.evaluate(steps='5')", api_eval(lml, str(ESTORE), steps="5"))
say("TrajLM.evaluate(steps=True)", api_eval(lml, str(ESTORE), steps=True))
say("TrajLM.evaluate(history=0)", api_eval(lml, str(ESTORE), history=0))
say("TrajLM.evaluate(history=float('nan'))", api_eval(lml, str(ESTORE), history=float("nan")))
say("TrajLM.evaluate(history=10**9)", api_eval(lml, str(ESTORE), history=10**9))
say("TrajLM.evaluate(history='8')", api_eval(lml, str(ESTORE), history="8"))
say("TrajLM.evaluate(task='tte', steps=3)", api_eval(lml, str(ESTORE), task="tte", steps=3))
say("TrajLM.evaluate(DEGREE store) with a plane model", api_eval(lml, str(DEGSTORE), steps=3))
say("TrajLM.evaluate(steps=np.int64(4))", api_eval(lml, str(ESTORE), steps=np.int64(4)))

# ============ D. --crs on anomalies / reach / travel-time / parked / next-place / divert; HTTP
say("parked --input pitch.csv --crs local (fine)", cli("parked", "--input", PLANE, "--crs", "local", "--out", OUT / "pk1.csv"))
say("  ... pk1 rows", lambda: pl.read_csv(OUT / "pk1.csv").head(2).rows() if (OUT / "pk1.csv").exists() else "no file")
say("parked --crs LOCAL", cli("parked", "--input", PLANE, "--crs", "LOCAL", "--out", OUT / "pk2.csv"))
say("parked --crs bogus", cli("parked", "--input", PLANE, "--crs", "bogus", "--out", OUT / "pk3.csv"))
say("parked --input LOCAL_STORE --crs local", cli("parked", "--input", LOCAL, "--crs", "local", "--out", OUT / "pk4.csv"))
say("parked --input porto.csv --crs local (degrees as metres)", cli("parked", "--input", DEG, "--crs", "local", "--out", OUT / "pk5.csv"))
say("parked --input pitch.csv (no --crs)", cli("parked", "--input", PLANE, "--out", OUT / "pk6.csv"))
say("parked --crs local --radius-m -5", cli("parked", "--input", PLANE, "--crs", "local", "--radius-m", "-5", "--out", OUT / "pk7.csv"))
say("parked --crs local --stop-minutes nan", cli("parked", "--input", PLANE, "--crs", "local", "--stop-minutes", "nan", "--out", OUT / "pk8.csv"))
say("parked --crs local --at 'tomorrow'", cli("parked", "--input", PLANE, "--crs", "local", "--at", "tomorrow", "--out", OUT / "pk9.csv"))
say("parked --crs ''", cli("parked", "--input", PLANE, "--crs", "", "--out", OUT / "pk10.csv"))
say("next-place --crs local (no radius)", cli("next-place", "--input", PLANE, "--crs", "local", "--out", OUT / "np1.csv"))
say("next-place --crs local --radius-m 5 --stop-minutes 0.2", cli("next-place", "--input", PLANE, "--crs", "local", "--radius-m", "5", "--stop-minutes", "0.2", "--out", OUT / "np2.csv"))
say("next-place --crs local --local-tz Mars/Base", cli("next-place", "--input", PLANE, "--crs", "local", "--radius-m", "5", "--stop-minutes", "0.2", "--local-tz", "Mars/Base", "--out", OUT / "np3.csv"))
say("next-place --crs local --radius-m inf", cli("next-place", "--input", PLANE, "--crs", "local", "--radius-m", "inf", "--stop-minutes", "0.2", "--out", OUT / "np4.csv"))
say("next-place --crs local --k 0", cli("next-place", "--input", PLANE, "--crs", "local", "--k", "0", "--out", OUT / "np5.csv"))
say("divert --crs local --order 10,5", cli("divert", "--input", PLANE, "--crs", "local", "--order", "10,5", "--out", OUT / "dv1.csv"))
UTM = csv_of("utm.csv", PITCH.with_columns(x=pl.col("x") + 530_000.0, y=pl.col("y") + 4_555_000.0))
say("divert --crs EPSG:32629 --order 41.15,-8.61", cli("divert", "--input", UTM, "--crs", "EPSG:32629", "--order", "41.15,-8.61", "--out", OUT / "dv2.csv"))
say("divert --order 'nan,nan' on degrees", cli("divert", "--input", DEG, "--order", "nan,nan", "--out", OUT / "dv3.csv"))
say("reach --crs local --to 10,5", cli("reach", "--model", RUNL, "--input", PLANE, "--crs", "local", "--to", "10,5", "--out", OUT / "rc1.csv"))
say("reach --crs EPSG:32629 (UTM) --to 41.15,-8.61", cli("reach", "--model", RUN, "--input", UTM, "--crs", "EPSG:32629", "--to", "41.15,-8.61", "--out", OUT / "rc2.csv"))
say("reach --crs '' on degrees", cli("reach", "--model", RUN, "--input", DEG, "--crs", "", "--to", "41.15,-8.61", "--out", OUT / "rc3.csv"))
say("reach --radius-m -1 on degrees", cli("reach", "--model", RUN, "--input", DEG, "--to", "41.15,-8.61", "--radius-m", "-1", "--out", OUT / "rc4.csv"))
OD = csv_of("od_m.csv", pl.DataFrame({"o_x": [10.0, 20.0], "o_y": [5.0, 30.0], "d_x": [90.0, 50.0], "d_y": [60.0, 10.0],
                                       "depart": ["2026-11-03T08:00:00Z"] * 2}))
say("travel-time --input od in metres --crs local", cli("travel-time", "--model", RUNL, "--input", OD, "--crs", "local", "--out", OUT / "tt1.csv"))
say("travel-time --input od in metres (no --crs)", cli("travel-time", "--model", RUN, "--input", OD, "--out", OUT / "tt2.csv"))
ODD = csv_of("od_deg.csv", pl.DataFrame({"o_lat": [41.15], "o_lon": [-8.61], "d_lat": [41.16], "d_lon": [-8.6], "depart": ["2026-11-03T08:00:00Z"]}))
say("travel-time --input od in degrees --crs local", cli("travel-time", "--model", RUNL, "--input", ODD, "--crs", "local", "--out", OUT / "tt3.csv"))
ODN = csv_of("od_nan.csv", pl.DataFrame({"o_x": [float("nan"), 1.0], "o_y": [5.0, 2.0], "d_x": [90.0, float("inf")], "d_y": [60.0, 3.0],
                                          "depart": ["2026-11-03T08:00:00Z"] * 2}))
say("travel-time od with NaN / inf --crs local", cli("travel-time", "--model", RUNL, "--input", ODN, "--crs", "local", "--out", OUT / "tt4.csv"))
say("travel-time od metres with a degree model --crs local", cli("travel-time", "--model", RUN, "--input", OD, "--crs", "local", "--out", OUT / "tt5.csv"))
say("anomalies --data pitch.csv --crs local", cli("anomalies", "--data", PLANE, "--model", RUNL, "--crs", "local", "--out", OUT / "an1.csv"))
say("anomalies --data pitch.csv --crs local with a degree model", cli("anomalies", "--data", PLANE, "--model", RUN, "--crs", "local", "--out", OUT / "an2.csv"))
say("anomalies --data LOCAL_STORE --crs local", cli("anomalies", "--data", LOCAL, "--model", RUNL, "--crs", "local", "--out", OUT / "an3.csv"))
say("anomalies --data porto.csv --crs local", cli("anomalies", "--data", DEG, "--model", RUN, "--crs", "local", "--out", OUT / "an4.csv"))
say("anomalies --data porto.csv --crs EPSG:4326", cli("anomalies", "--data", DEG, "--model", RUN, "--crs", "EPSG:4326", "--out", OUT / "an5.csv"))
frame = PITCH.with_columns(t=pl.col("time").str.to_datetime()).drop("time")
say("trajlm.parked(pitch frame, crs='local')", lambda: str(trajlm.parked(frame, crs="local"))[:300])
say("trajlm.parked(pitch frame) no crs", lambda: str(trajlm.parked(frame))[:300])
say("trajlm.next_place(pitch frame, crs='local')", lambda: str(trajlm.next_place(frame, crs="local"))[:300])
say("trajlm.next_place(pitch frame, crs='local', radius_m=5, stop_minutes=0.2)", lambda: str(trajlm.next_place(frame, crs="local", radius_m=5, stop_minutes=0.2))[:300])
say("TrajLM.travel_time([[10,5]], [[90,60]], depart, crs='local')", lambda: str(lml.travel_time([[10, 5]], [[90, 60]], "2026-11-03T08:00:00Z", crs="local")))
say("TrajLM.reach(pitch frame, [[10,5]], crs='local')", lambda: str(lml.reach(frame, [[10, 5]], crs="local"))[:300])

sys.path.insert(0, str(ROOT / "tests"))
from fastapi.testclient import TestClient  # noqa: E402

from trajlm.serve import create_app  # noqa: E402

client = TestClient(create_app(lml))
client.__enter__()
ROWS = [{"traj_id": r["id"], "t": r["time"] + "Z", "x": r["x"], "y": r["y"]} for r in PITCH.filter(pl.col("id") == "P0").head(60).iter_rows(named=True)]


def http(name: str, path: str, body: object) -> None:
    def run() -> str:
        r = client.post(path, json=body) if not isinstance(body, bytes | str) else client.post(path, content=body, headers={"content-type": "application/json"})
        return f"{r.status_code} {r.text[:380]}"
    say(name, run)


http("HTTP /predict crs local x/y (fine)", "/predict", {"trajectories": ROWS, "steps": 2, "crs": "local"})
http("HTTP /predict crs 'LOCAL'", "/predict", {"trajectories": ROWS, "steps": 2, "crs": "LOCAL"})
http("HTTP /predict crs 'epsg:4326'", "/predict", {"trajectories": ROWS, "steps": 2, "crs": "epsg:4326"})
http("HTTP /predict crs null on metres", "/predict", {"trajectories": ROWS, "steps": 2, "crs": None})
http("HTTP /predict crs 5", "/predict", {"trajectories": ROWS, "steps": 2, "crs": 5})
DROWS = [{"traj_id": r["id"], "t": r["time"] + "Z", "lat": r["lat"], "lon": r["lon"]} for r in DEGDF.filter(pl.col("id") == "P0").head(60).iter_rows(named=True)]
http("HTTP /predict crs local on degree rows", "/predict", {"trajectories": [{**d, "x": d["lon"], "y": d["lat"]} for d in DROWS], "steps": 2, "crs": "local"})
http("HTTP /predict crs local, a null x", "/predict", {"trajectories": [{**p, "x": None} if i == 5 else p for i, p in enumerate(ROWS)], "steps": 2, "crs": "local"})
http("HTTP /predict crs local, x as text", "/predict", {"trajectories": [{**p, "x": str(p["x"])} for p in ROWS], "steps": 2, "crs": "local"})
http("HTTP /predict crs local, x 1e12", "/predict", {"trajectories": [{**p, "x": 1e12 + i} for i, p in enumerate(ROWS)], "steps": 2, "crs": "local"})
http("HTTP /predict crs local, x and lat both", "/predict", {"trajectories": [{**p, "lat": 41.1, "lon": -8.6} for p in ROWS], "steps": 2, "crs": "local"})
http("HTTP /predict crs local, one row", "/predict", {"trajectories": ROWS[:1], "steps": 2, "crs": "local"})
http("HTTP /predict crs local, empty list", "/predict", {"trajectories": [], "steps": 2, "crs": "local"})
http("HTTP /predict crs local, x y lists (geojson-ish)", "/predict", {"trajectories": {"type": "FeatureCollection", "features": []}, "crs": "local"})
http("HTTP /predict crs local, NaN literal in body", "/predict", json.dumps({"trajectories": ROWS, "steps": 2, "crs": "local"}).replace(str(ROWS[3]["x"]), "NaN", 1))
http("HTTP /predict crs local, Infinity in body", "/predict", json.dumps({"trajectories": ROWS, "steps": 2, "crs": "local"}).replace(str(ROWS[3]["x"]), "Infinity", 1))
http("HTTP /predict crs local output geojson", "/predict", {"trajectories": ROWS, "steps": 2, "crs": "local", "output": "geojson"})
http("HTTP /recover crs local, every x null", "/recover", {"trajectories": [{**p, "x": None, "y": None} for p in ROWS], "crs": "local"})
http("HTTP /parked crs local", "/parked", {"trajectories": ROWS, "crs": "local"})
http("HTTP /validity crs local", "/validity", {"trajectories": ROWS, "crs": "local"})
http("HTTP /similar crs local", "/similar", {"trajectories": ROWS, "crs": "local"})
http("HTTP /reach crs local", "/reach", {"trajectories": ROWS, "crs": "local", "to": [[1.0, 1.0]]})
http("HTTP /divert crs local", "/divert", {"trajectories": ROWS, "crs": "local", "order": [[1.0, 1.0]]})
http("HTTP /embed crs local", "/embed", {"trajectories": ROWS, "crs": "local"})
http("HTTP /classify crs local", "/classify", {"trajectories": ROWS, "crs": "local"})
http("HTTP /travel-time crs local (fine)", "/travel-time", {"origins": [[10, 5]], "destinations": [[70, 35]], "depart": "2026-11-03T08:00:00Z", "crs": "local"})
http("HTTP /travel-time crs local, 3-number origin", "/travel-time", {"origins": [[10, 5, 1]], "destinations": [[70, 35]], "depart": "2026-11-03T08:00:00Z", "crs": "local"})
http("HTTP /travel-time crs local, origin 1e9", "/travel-time", {"origins": [[1e9, 1e9]], "destinations": [[70, 35]], "depart": "2026-11-03T08:00:00Z", "crs": "local"})
http("HTTP /travel-time crs local, depart list too short", "/travel-time", {"origins": [[10, 5], [20, 5]], "destinations": [[70, 35], [60, 30]], "depart": ["2026-11-03T08:00:00Z"], "crs": "local"})
http("HTTP /travel-time without crs on metres (model on a plane)", "/travel-time", {"origins": [[10, 5]], "destinations": [[70, 35]], "depart": "2026-11-03T08:00:00Z"})
http("HTTP /ask crs local (fine)", "/ask", {"question": "describe trip P0", "rows": ROWS, "crs": "local"})
http("HTTP /ask crs local, empty rows", "/ask", {"question": "describe trip P0", "rows": [], "crs": "local"})
http("HTTP /ask crs local, top speed", "/ask", {"question": "what was the top speed of each player", "rows": ROWS, "crs": "local"})
http("HTTP /ask crs local on degree rows", "/ask", {"question": "describe trip P0", "rows": DROWS, "crs": "local"})
http("HTTP /ask crs 'EPSG:3857'", "/ask", {"question": "describe trip P0", "rows": ROWS, "crs": "EPSG:3857"})

# ============ E. readers: Avro, Firehose, MessagePack, npz, track DBs, Home Assistant, SQL, WiGLE, deck.gl
AVRO = G / "bus" / "12.avro"
FIRE = next((G / "bus").glob("fleet-positions-*.gz"))
MSGP = G / "bus" / "positions.msgpack"
NPZ = G / "bus" / "trajectories.npz"
av = AVRO.read_bytes()
ingest_case("Event Hubs Avro (fine)", [AVRO])
ingest_case("Avro truncated at half", [put("avro_half.avro", av[: len(av) // 2])])
ingest_case("Avro header only (first 600 bytes)", [put("avro_head.avro", av[:600])])
ingest_case("Avro 0 bytes", [put("avro_zero.avro", b"")])
ingest_case("Avro sync marker flipped mid-file", [put("avro_flip.avro", av[:2000] + bytes(b ^ 0xFF for b in av[2000:2016]) + av[2016:])])
ingest_case("Avro bytes of a CSV named .avro", [put("avro_csv.avro", DEG.read_bytes())])
ingest_case("Avro given twice", [AVRO, AVRO])
fire = gzip.decompress(FIRE.read_bytes()).decode()
recs = [r + "}" for r in fire.split("}{")]
recs = [recs[0]] + ["{" + r for r in recs[1:]]
recs[-1] = recs[-1][:-1]
ingest_case("Firehose object (fine)", [FIRE])
ingest_case("Firehose truncated mid-record", [put("fh_trunc.gz", gzip.compress(fire[: len(fire) // 2].encode()))])
ingest_case("Firehose one record", [put("fh_one.gz", gzip.compress(recs[0].encode()))])
ingest_case("Firehose lat as text", [put("fh_text.gz", gzip.compress("".join(r.replace('"lat": ', '"lat": "', 1).replace(', "lng"', '", "lng"', 1) for r in recs).encode()))])
ingest_case("Firehose NaN literal", [put("fh_nan.gz", gzip.compress("".join(r.replace('"lat": 5', '"lat": NaN, "x": 5', 1) if i % 7 == 0 else r for i, r in enumerate(recs)).encode()))])
ingest_case("Firehose newline-separated", [put("fh_nl.gz", gzip.compress("\n".join(recs).encode()))])
ingest_case("Firehose not gzip but named .gz", [put("fh_plain.gz", fire.encode())])
ingest_case("Firehose empty gzip", [put("fh_empty.gz", gzip.compress(b""))])
ingest_case("Firehose garbage between records", [put("fh_junk.gz", gzip.compress("@@".join(recs).encode()))])
ingest_case("Firehose duplicated records", [put("fh_dup.gz", gzip.compress("".join(r + r for r in recs).encode()))])
ingest_case("Firehose lat / lng swapped names", [put("fh_swap.gz", gzip.compress("".join(r.replace('"lat"', '"LNG_"').replace('"lng"', '"lat"').replace('"LNG_"', '"lng"') for r in recs).encode()))])
mp = MSGP.read_bytes()
ingest_case("MessagePack (fine)", [MSGP])
ingest_case("MessagePack truncated", [put("mp_trunc.msgpack", mp[: len(mp) // 3 + 7])])
ingest_case("MessagePack 0 bytes", [put("mp_zero.msgpack", b"")])
ingest_case("MessagePack random bytes", [put("mp_rand.msgpack", bytes(RNG.integers(0, 256, 4000, dtype=np.uint8)))])
ingest_case("MessagePack one nil", [put("mp_nil.msgpack", b"\xc0")])
ingest_case("MessagePack an array of ints", [put("mp_arr.msgpack", b"\x93\x01\x02\x03" * 50)])
ingest_case("MessagePack doubled", [put("mp_double.msgpack", mp + mp)])
z = dict(np.load(NPZ))


def npz(name: str, arrays: dict) -> Path:
    p = F / name
    np.savez(p, **arrays)
    MADE[p] = hashlib.sha256(p.read_bytes()).hexdigest()
    return p


ingest_case(".npz (fine)", [NPZ])
ingest_case(".npz arrays of different lengths", [npz("len.npz", {**z, "lat": z["lat"][:-5]})])
ingest_case(".npz empty arrays", [npz("empty.npz", {k: v[:0] for k, v in z.items()})])
ingest_case(".npz a 2-D lat array", [npz("twod.npz", {**z, "lat": np.stack([z["lat"], z["lat"]], 1)})])
ingest_case(".npz lat all NaN", [npz("nan.npz", {**z, "lat": np.full_like(z["lat"], np.nan)})])
ingest_case(".npz timestamps in ms", [npz("ms.npz", {**z, "timestamp": z["timestamp"] * 1000})])
ingest_case(".npz timestamps float seconds", [npz("fl.npz", {**z, "timestamp": z["timestamp"].astype(float) + 0.25})])
ingest_case(".npz lat as strings", [npz("str.npz", {**z, "lat": z["lat"].astype(str)})])
ingest_case(".npz one array (lat only)", [npz("one.npz", {"lat": z["lat"]})])
ingest_case(".npz an object array", [npz("obj.npz", {**z, "traj_id": z["traj_id"].astype(object)})])
ingest_case(".npz not a zip", [put("nozip.npz", b"not a zip file at all")])
ingest_case(".npz lat / lon swapped names", [npz("swap.npz", {**z, "lat": z["lon"], "lon": z["lat"]})])
ingest_case(".npy single array", [put("one.npy", b"")])
TDB = G / "h37b" / "tracks.db"
OSM = G / "h37" / "tracks"


def db_copy(name: str, sql: str) -> Path:
    p = F / name
    shutil.copy(TDB, p)
    con = sqlite3.connect(p)
    con.executescript(sql)
    con.commit()
    con.close()
    MADE[p] = hashlib.sha256(p.read_bytes()).hexdigest()
    return p


ingest_case("track DB with parent_id (fine)", [TDB])
ingest_case("OsmAnd track DB, no suffix (fine)", [OSM])
ingest_case("track DB parent_id pointing at no track", [db_copy("orphan.db", "UPDATE points SET parent_id = 999 WHERE _id % 3 = 0;")])
ingest_case("track DB parent_id NULL", [db_copy("nullparent.db", "UPDATE points SET parent_id = NULL;")])
ingest_case("track DB points table empty", [db_copy("nopoints.db", "DELETE FROM points;")])
ingest_case("track DB no points table", [db_copy("droppoints.db", "DROP TABLE points;")])
ingest_case("track DB time in seconds (not ms)", [db_copy("secs.db", "UPDATE points SET time = time / 1000;")])
ingest_case("track DB lat as text", [db_copy("textlat.db", "UPDATE points SET lat = 'north';")])
ingest_case("track DB tracks table empty", [db_copy("notracks.db", "DELETE FROM tracks;")])
ingest_case("track DB duplicate points", [db_copy("duppts.db", "CREATE TABLE p2 AS SELECT * FROM points; INSERT INTO points (parent_id, lat, lon, altitude, time, speed, accuracy) SELECT parent_id, lat, lon, altitude, time, speed, accuracy FROM p2; DROP TABLE p2;")])
ingest_case("track DB 0-byte file .db", [put("zero.db", b"")])
ingest_case("track DB truncated", [put("trunc.db", TDB.read_bytes()[:5000])])
HA = G / "h37b" / "history.json"
ha = json.loads(HA.read_text())
ingest_case("Home Assistant history (fine)", [HA])
ingest_case("Home Assistant []", [put("ha_empty.json", "[]")])
ingest_case("Home Assistant [[]]", [put("ha_empty2.json", "[[]]")])
ingest_case("Home Assistant without latitude", [put("ha_nolat.json", json.dumps([[{**r, "attributes": {k: v for k, v in r["attributes"].items() if k != "latitude"}} for r in ent] for ent in ha]))])
ingest_case("Home Assistant latitude text", [put("ha_txt.json", json.dumps([[{**r, "attributes": {**r["attributes"], "latitude": "47.3x"}} for r in ent] for ent in ha]))])
ingest_case("Home Assistant without last_updated", [put("ha_nots.json", json.dumps([[{k: v for k, v in r.items() if k not in ("last_updated", "last_changed")} for r in ent] for ent in ha]))])
ingest_case("Home Assistant one record", [put("ha_one.json", json.dumps([[ha[0][0]]]))])
ingest_case("Home Assistant duplicated", [put("ha_dup.json", json.dumps([ent + ent for ent in ha]))])
ingest_case("Home Assistant last_updated garbage", [put("ha_badts.json", json.dumps([[{**r, "last_updated": "soon", "last_changed": "soon"} for r in ent] for ent in ha]))])
ingest_case("Home Assistant truncated", [put("ha_trunc.json", HA.read_text()[: len(HA.read_text()) // 2])])
ingest_case("Home Assistant state only (zones, no GPS)", [put("ha_zone.json", json.dumps([[{"entity_id": "person.a", "state": "home", "attributes": {}, "last_updated": "2026-11-03T08:00:00+00:00"}] * 5]))])
SQL = G / "h37b" / "fleet_positions.sql"
sql = SQL.read_text()
ingest_case("pg_dump .sql (fine)", [SQL])
ingest_case("pg_dump truncated mid-INSERT", [put("pg_trunc.sql", sql[: len(sql) // 2])])
ingest_case("pg_dump COPY block with \\N", [put("pg_copy.sql", "CREATE TABLE public.pos (id bigint, vehicle_id text, recorded_at timestamp with time zone, lat double precision, lon double precision);\nCOPY public.pos (id, vehicle_id, recorded_at, lat, lon) FROM stdin;\n" + "".join(
    f"{i}\tv1\t2026-11-03 08:{i // 60:02d}:{i % 60:02d}+00\t{52.08 + i * 1e-4 if i % 9 else chr(92) + 'N'}\t4.33\n" for i in range(200)) + "\\.\n")])
ingest_case("pg_dump COPY without its end marker", [put("pg_copy_noend.sql", "CREATE TABLE public.pos (id bigint, vehicle_id text, recorded_at timestamp with time zone, lat double precision, lon double precision);\nCOPY public.pos (id, vehicle_id, recorded_at, lat, lon) FROM stdin;\n" + "".join(
    f"{i}\tv1\t2026-11-03 08:{i // 60:02d}:{i % 60:02d}+00\t{52.08 + i * 1e-4}\t4.33\n" for i in range(200)))])
ingest_case("pg_dump INSERT with 'NaN'", [put("pg_nan.sql", sql.replace("52.08007, 4.331185", "'NaN', 4.331185"))])
ingest_case("pg_dump no table with positions", [put("pg_none.sql", "CREATE TABLE public.users (id bigint, name text);\nINSERT INTO public.users VALUES (1, 'a');\n")])
ingest_case("pg_dump empty .sql", [put("pg_empty.sql", "")])
ingest_case("pg_dump DROP statements only", [put("pg_drop.sql", "-- PostgreSQL database dump\nDROP TABLE public.positions;\n")])
ingest_case("mysqldump multi-row INSERT", [put("my.sql", "-- MySQL dump 10.13\nCREATE TABLE `positions` (\n  `id` int NOT NULL,\n  `device` varchar(20),\n  `ts` datetime,\n  `lat` double,\n  `lon` double\n);\nINSERT INTO `positions` VALUES " + ",".join(
    f"({i},'d1','2026-11-03 08:{i // 60:02d}:{i % 60:02d}',{52.08 + i * 1e-4},{4.33 + i * 1e-4})" for i in range(200)) + ";\n")])
ingest_case("mysqldump escaped quotes and backslashes", [put("my_esc.sql", "-- MySQL dump 10.13\nCREATE TABLE `positions` (`id` int, `device` varchar(20), `ts` datetime, `lat` double, `lon` double);\nINSERT INTO `positions` VALUES " + ",".join(
    f"({i},'d\\'1\\\\','2026-11-03 08:{i // 60:02d}:{i % 60:02d}',{52.08 + i * 1e-4},{4.33})" for i in range(200)) + ";\n")])
ingest_case("pg_dump two position tables", [put("pg_two.sql", sql + "\n" + sql.replace("public.positions", "public.positions_old"))])
ingest_case("pg_dump lat / lon swapped in values", [put("pg_swap.sql", "\n".join(
    ln if not ln.startswith("INSERT") else ln.replace(", 52.", ", XX.").replace(", 4.", ", 52.").replace(", XX.", ", 4.") for ln in sql.splitlines()))])
WIG = G / "h37b" / "WigleWifi_20261103080012.csv"
wig = lines_of(WIG)
ORIGIN[:] = ["--time-col", "FirstSeen"]  # heldout37b: WiGLE is told to name its time column
ingest_case("WiGLE (fine)", [WIG])
ingest_case("WiGLE header only", [put("WigleWifi_head.csv", "".join(wig[:2]))])
ingest_case("WiGLE without its settings line", [put("WigleWifi_nopre.csv", "".join(wig[1:]))])
ingest_case("WiGLE rows at 0,0 (no fix)", [put("WigleWifi_zero.csv", "".join(wig[:2]) + "".join(
    ",".join(p[:6] + ["0.0", "0.0"] + p[8:]) for p in (ln.split(",") for ln in wig[2:200])))])
ingest_case("WiGLE truncated row", [put("WigleWifi_trunc.csv", "".join(wig[:300]) + wig[300][:20])])
ingest_case("WiGLE FirstSeen 1970", [put("WigleWifi_1970.csv", "".join(wig[:2]) + "".join(ln.replace("2026-11-03", "1970-01-01") for ln in wig[2:300]))])
DECK = G / "h37b" / "trips.json"
deck = json.loads(DECK.read_text())
ORIGIN[:] = ["--time-origin", "2026-11-03T07:00:00Z"]  # deck.gl: told to give the time origin
ingest_case("deck.gl trips (fine)", [DECK])
ingest_case("deck.gl timestamps shorter than path", [put("deck_short.json", json.dumps([{**d, "timestamps": d["timestamps"][:-3]} for d in deck]))])
ingest_case("deck.gl an empty path", [put("deck_empty.json", json.dumps([{**deck[0], "path": [], "timestamps": []}] + deck[1:]))])
ingest_case("deck.gl 3-number points", [put("deck_3d.json", json.dumps([{**d, "path": [p + [10.0] for p in d["path"]]} for d in deck]))])
ingest_case("deck.gl timestamps not rising", [put("deck_back.json", json.dumps([{**d, "timestamps": d["timestamps"][::-1]} for d in deck]))])
ingest_case("deck.gl no timestamps", [put("deck_nots.json", json.dumps([{k: v for k, v in d.items() if k != "timestamps"} for d in deck]))])
ingest_case("deck.gl timestamps 1e15", [put("deck_huge.json", json.dumps([{**d, "timestamps": [t * 1e12 for t in d["timestamps"]]} for d in deck]))])
ingest_case("deck.gl points as strings", [put("deck_str.json", json.dumps([{**d, "path": [[str(a), str(b)] for a, b in d["path"]]} for d in deck]))])
ingest_case("deck.gl --time-origin garbage", [DECK], "--time-origin", "last tuesday")
ingest_case("deck.gl lat-first pairs", [put("deck_latfirst.json", json.dumps([{**d, "path": [[b, a] for a, b in d["path"]]} for d in deck]))])
ingest_case("deck.gl NaN in a path", [put("deck_nan.json", json.dumps([{**d, "path": [[float('nan'), float('nan')] if i == 3 else p for i, p in enumerate(d["path"])]} for d in deck]))])
ingest_case("deck.gl [] ", [put("deck_none.json", "[]")])
ORIGIN[:] = []

# ============ F. similar format=, predict --tz, direction by values
say("TrajLM.similar(porto.csv, DEGREE_STORE, format='csv') (fine)", lambda: str(lm.similar(str(DEG), str(DEGSTORE), k=1, format="csv"))[:200])
say("TrajLM.similar(porto.csv, format='gpx')", lambda: str(lm.similar(str(DEG), str(DEGSTORE), k=1, format="gpx"))[:200])
say("TrajLM.similar(porto.csv, format='bogus')", lambda: str(lm.similar(str(DEG), str(DEGSTORE), k=1, format="bogus"))[:200])
say("TrajLM.similar(porto.csv, format=5)", lambda: str(lm.similar(str(DEG), str(DEGSTORE), k=1, format=5))[:200])
dframe = DEGDF.with_columns(t=pl.col("time").str.to_datetime()).drop("time")
say("TrajLM.similar(frame, format='csv') (a frame has no format)", lambda: str(lm.similar(dframe, str(DEGSTORE), k=1, format="csv"))[:200])
say("TrajLM.similar(store, store, format='csv')", lambda: str(lm.similar(str(DEGSTORE), str(DEGSTORE), k=1, format="csv"))[:200])
say("TrajLM.similar(porto.csv, time_format='%d')", lambda: str(lm.similar(str(DEG), str(DEGSTORE), k=1, time_format="%d"))[:200])
say("TrajLM.similar(porto.csv, on_error='bogus')", lambda: str(lm.similar(str(DEG), str(DEGSTORE), k=1, on_error="bogus"))[:200])
say("TrajLM.similar(porto.csv, time_origin='garbage')", lambda: str(lm.similar(str(DEG), str(DEGSTORE), k=1, time_origin="garbage"))[:200])
PRED = ("predict", "--model", RUN, "--input", DEG, "--limit", "2")
say("predict --tz Europe/Lisbon --at-times naive (fine)", cli(*PRED, "--tz", "Europe/Lisbon", "--at-times", "2026-11-03T08:03:00", "--out", OUT / "pt1.csv"))
say("  ... pt1 rows", lambda: pl.read_csv(OUT / "pt1.csv").head(2).rows() if (OUT / "pt1.csv").exists() else "no file")
say("predict --tz Mars/Olympus", cli(*PRED, "--tz", "Mars/Olympus", "--at-times", "2026-11-03T08:03:00", "--out", OUT / "pt2.csv"))
say("predict --tz ''", cli(*PRED, "--tz", "", "--at-times", "2026-11-03T08:03:00", "--out", OUT / "pt3.csv"))
say("predict --tz Europe/Lisbon --utc-offset +02:00", cli(*PRED, "--tz", "Europe/Lisbon", "--utc-offset", "+02:00", "--at-times", "2026-11-03T08:03:00", "--out", OUT / "pt4.csv"))
say("predict --tz on a store", cli("predict", "--model", RUN, "--input", DEGSTORE, "--limit", "2", "--tz", "Europe/Lisbon", "--out", OUT / "pt5.csv"))
say("predict --tz +02:00", cli(*PRED, "--tz", "+02:00", "--at-times", "2026-11-03T08:03:00", "--out", OUT / "pt6.csv"))
say("predict --tz UTC --at-times with Z", cli(*PRED, "--tz", "UTC", "--at-times", "2026-11-03T08:03:00Z", "--out", OUT / "pt7.csv"))
say("predict --tz Europe/Lisbon, no --at-times", cli(*PRED, "--tz", "Europe/Lisbon", "--out", OUT / "pt8.csv"))
say("predict --tz Asia/Kathmandu --at-times before the history", cli(*PRED, "--tz", "Asia/Kathmandu", "--at-times", "2026-11-03T08:03:00", "--out", OUT / "pt9.csv"))
say("predict --tz europe/lisbon (lower case)", cli(*PRED, "--tz", "europe/lisbon", "--at-times", "2026-11-03T08:03:00", "--out", OUT / "pt10.csv"))
base = DEGDF.with_columns(speed=pl.lit(8.0))
dirs = {"degrees 0-360": (pl.int_range(pl.len()) * 7 % 360).cast(pl.Float64),
        "0 / 1 flags": (pl.int_range(pl.len()) % 2).cast(pl.Float64),
        "words N / S": pl.when(pl.int_range(pl.len()) % 2 == 0).then(pl.lit("N")).otherwise(pl.lit("S")),
        "radians 0-6.28": (pl.int_range(pl.len()) * 0.05 % 6.28),
        "all empty": pl.lit(None, pl.Float64),
        "720 .. 1080": (pl.int_range(pl.len()) % 360 + 720).cast(pl.Float64),
        "negative -180..180": (pl.int_range(pl.len()) * 7 % 360 - 180).cast(pl.Float64),
        "one value 90": pl.lit(90.0)}
for name, expr in dirs.items():
    ingest_case(f"direction column {name} beside speed", [csv_of(f"dir_{len(MADE)}.csv", base.with_columns(direction=expr))])
ingest_case("direction degrees without a speed column", [csv_of("dir_nospeed.csv", DEGDF.with_columns(direction=(pl.int_range(pl.len()) * 7 % 360).cast(pl.Float64)))])

# ============ G. trajlm ask: sprints, top speed, halves, weeks, runs, splits
for q in ("how many sprints did each player make", "what was the top speed of each player",
          "top speed of player home_99", "who covered the most distance in the second half",
          "distance per player in the third half", "how many sprints over -5 m/s",
          "top speed of each player in km/h", "which week had the most distance",
          "did home_1 run a negative split", "top speed of the ball", "",
          "sprints " * 200, "how many sprints in the 0th half", "how many sprints did each player make in the first half",
          "how many runs were there", "what was the top speed in the week of 9 March"):
    say(f"ask metrica store: {q[:60]!r}", cli("ask", "--data", MSTORE, q, limit=420))
for q in ("how many sprints did each vehicle make", "what was the top speed of each trip",
          "how many runs were there", "which week had the most trips", "did P0 run a negative split",
          "distance per mover in the second half"):
    say(f"ask degree store: {q!r}", cli("ask", "--data", DEGSTORE, q, limit=420))

say("no input file changed", lambda: [p.name for p, h in MADE.items() if p.exists() and hashlib.sha256(p.read_bytes()).hexdigest() != h] or f"none of {len(MADE)}")
client.__exit__(None, None, None)
_ = zipfile  # npz are zips; kept for readers of this probe
