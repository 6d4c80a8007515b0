"""badin36: hostile inputs on session 35's new surfaces and the Python API's frames, one line a
case, classified by hand (scripts/badin36/classes.py): `trajlm data ingest NEW --out STORE
--append` / `trajlm.ingest(append=True)` (kills, readers beside it, the same file twice, stores
resplit / split by hour or user, a store without recorded cleaning, other zones, links, the
user's own files), `trajlm eval --compare` / `trajlm.score(compare=)` /
`TrajLM.evaluate(compare=)`, `trajlm data queries --horizon-s` / `--at-report-times` and
`trajlm.queries`, `trajlm predict --tz` / `--utc-offset`, `trajlm.read`'s keywords and the same
keywords on a path given to the model calls, the MDS trips reader, `trajlm places` between trips,
`data resplit` keeping the zone, and the Python API's DataFrame-in / DataFrame-out contract with
pandas extension dtypes, zoned datetimes, a MultiIndex, duplicate column names, a GeoDataFrame
in a projected CRS and a polars LazyFrame.
CLI calls run in process (typer's CliRunner); kills and concurrent readers in child processes.
Run: PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/python scripts/badin36/probe.py [OUT_DIR]
(default /tmp/badin36/probe)
"""

# fmt: off
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import TINY_TOML, Cases, cli_said, probe_out, write_file  # noqa: E402

import trajlm  # noqa: E402
from trajlm.cli import app  # noqa: E402

OUT = probe_out("/tmp/badin36/probe")
say = Cases(got=1000, warn=170, warn_total=460, flush=True)
WORDS = ("rror", "arn", "wrote", "refus", "nvalid", "must", "not ", "unknown", "Usage", "ignored",
         "no ", "exist", "append", "Append", "| k=", "| h=", "reading", "level", "better", "zone")


def cli(*args: object):
    return lambda: cli_said(app, args, WORDS, 520)


EVAL_WORDS = ("rror", "level", "better", "no row", "Paired", "itself", "Usage", "ambiguous", "reads as")


def ecli(*args: object):
    """An eval run's summary: its errors and the --compare table's rows, not the main table."""
    return lambda: cli_said(app, args, EVAL_WORDS, 700)


def run_cli(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


F = OUT / "fix"
F.mkdir()


def put(name: str, data: str | bytes) -> Path:
    """``data`` written at fix/NAME (a case's input file)."""
    return write_file(OUT, name, data, folder="fix")


def table(name: str, df: pl.DataFrame) -> Path:
    p = F / name
    p.parent.mkdir(parents=True, exist_ok=True)
    (df.write_parquet if name.endswith(".parquet") else df.write_csv)(p)
    return p


def digest(folder: Path) -> str:
    """The store's files and bytes (did an append leave it as it was?)."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:10]


def stored(store: Path) -> str:
    try:
        df = trajlm.read_store(store)
        man = json.loads((store / "manifest.json").read_text())
        sp = {k: v["n_trajectories"] for k, v in man["splits"].items()}
        return (f"n={df.height} trajs={df['traj_id'].n_unique()} splits={sp} "
                f"appends={len(man.get('appends', []))} tz={man.get('tz') or man.get('time_zone')}")
    except Exception as e:  # noqa: BLE001
        return f"UNREADABLE {type(e).__name__}: {str(e)[:120]}"


# ---- fixtures: a synthetic city's trips as CSV files of two days (ingested and appended),
# a tiny run, a 60-trip store
SYN = F / "syn"
assert run_cli("data", "synth", "-o", SYN, "-n", "60").exit_code == 0
pts = trajlm.read_store(SYN).select("traj_id", "t", "lat", "lon").sort("traj_id", "t")
starts = pts.group_by("traj_id").agg(pl.col("t").min().alias("s")).sort("s")
cut = int(starts["s"][40])
early = starts.filter(pl.col("s") < cut)["traj_id"]
late = starts.filter(pl.col("s") >= cut)["traj_id"]


def as_csv(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(time=pl.from_epoch("t").dt.strftime("%Y-%m-%dT%H:%M:%S")).select(
        id="traj_id", time="time", lat="lat", lon="lon",
        vehicle_id=pl.lit("v") + (pl.col("traj_id").str.extract(r"-(\d+)_").cast(pl.Int64) % 4).cast(pl.String))


DAY1 = table("day1.csv", as_csv(pts.filter(pl.col("traj_id").is_in(early))))
DAY2 = table("day2.csv", as_csv(pts.filter(pl.col("traj_id").is_in(late) & (pl.col("traj_id").is_in(late.head(10))))))
DAY3 = table("day3.csv", as_csv(pts.filter(pl.col("traj_id").is_in(late.tail(10)))))
DAY2Z = table("day2z.csv", as_csv(pts.filter(pl.col("traj_id").is_in(late.head(10)))).with_columns(pl.col("time") + "Z"))
DAY2X = table("day2x.csv", as_csv(pts.filter(pl.col("traj_id").is_in(late.head(10)))).with_columns(speed=pl.lit(3.0)))
DAY2R = table("day2r.csv", as_csv(pts.filter(pl.col("traj_id").is_in(late.head(10)))).with_columns(pl.col("id") + "_r"))
DAY2I = table("day2i.parquet", pts.filter(pl.col("traj_id").is_in(late.head(10))).with_columns(
    traj_id=pl.col("traj_id").rank("dense").cast(pl.Int64) + 1000, t=pl.col("t")))
EMPTY = put("empty.csv", "id,time,lat,lon\n")
ONEPT = table("onept.csv", as_csv(pts.filter(pl.col("traj_id") == late[0]).head(1)).with_columns(pl.col("id") + "_1"))
base1 = F / "base1"  # the day-1 store every append case copies
assert run_cli("data", "ingest", DAY1, "--out", base1).exit_code == 0
baseZ = F / "baseZ"
assert run_cli("data", "ingest", DAY1, "--out", baseZ, "--tz", "Europe/Rome").exit_code == 0


def fresh(name: str, src: Path = base1) -> Path:
    dst = OUT / "st" / name
    shutil.rmtree(dst, ignore_errors=True)
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(src, dst)
    return dst


def append_case(name: str, inputs: list, *opts: object, src: Path = base1, prep=None) -> None:
    store = fresh(f"a{say.n + 1:03d}", src)
    if prep is not None:
        prep(store)
    before = digest(store)

    def run() -> str:
        got = cli("data", "ingest", *inputs, "--out", store, "--append", *opts)()
        same = digest(store) == before if store.exists() else "gone"
        return f"{got} || unchanged={same} {stored(store) if store.exists() else 'NO STORE'}"
    say(name, run)


# ============ A. ingest --append (CLI)
append_case("append day 2 to day 1 (fine)", [DAY2])
append_case("append day 2 then day 3 (second append)", [DAY3], prep=lambda s: run_cli("data", "ingest", DAY2, "--out", s, "--append"))
append_case("append the same file twice", [DAY2], prep=lambda s: run_cli("data", "ingest", DAY2, "--out", s, "--append"))
append_case("append day 1 again (ids there, earlier)", [DAY1])
append_case("append day 2 and day 2 in one call", [DAY2, DAY2])
append_case("append an earlier day (renamed ids)", [table("early_r.csv", as_csv(pts.filter(pl.col("traj_id").is_in(early.head(5)))).with_columns(pl.col("id") + "_x"))])
append_case("append a header-only CSV", [EMPTY])
append_case("append a one-point trip (cleaned away)", [ONEPT])
append_case("append with --max-gap-s 60 (other cleaning)", [DAY2], "--max-gap-s", "60")
append_case("append with --min-points 3 (other cleaning)", [DAY2], "--min-points", "3")
append_case("append with --split-at-stops", [DAY2], "--split-at-stops")
append_case("append with --preset none", [DAY2], "--preset", "none")
append_case("append a file with an extra column", [DAY2X])
append_case("append a Parquet with integer ids", [DAY2I])
append_case("append with --overwrite too", [DAY2], "--overwrite")
append_case("append with --json", [DAY2], "--json")
append_case("append with --on-error skip", [DAY2], "--on-error", "skip")
append_case("append with --keep-copies", [DAY2], "--keep-copies")
append_case("append Z-suffixed times (UTC) to a naive store", [DAY2Z])
append_case("append naive + --tz Europe/Rome to a naive (UTC) store", [DAY2], "--tz", "Europe/Rome")
append_case("append naive to a Europe/Rome store (no --tz)", [DAY2], src=baseZ)
append_case("append --tz Europe/Rome to a Europe/Rome store (fine)", [DAY2], "--tz", "Europe/Rome", src=baseZ)
append_case("append --tz America/New_York to a Europe/Rome store", [DAY2], "--tz", "America/New_York", src=baseZ)
append_case("append --utc-offset 1 to a Europe/Rome store", [DAY2], "--utc-offset", "1", src=baseZ)
append_case("append --tz Nowhere/Zone", [DAY2], "--tz", "Nowhere/Zone")
append_case("append --time-origin on ISO times", [DAY2], "--time-origin", "2024-01-01T00:00:00")
append_case("append --format gpx on a CSV", [DAY2], "--format", "gpx")
append_case("append a missing file", [F / "nope.csv"])
append_case("append the store to itself", [OUT / "st" / f"a{say.n + 1:03d}"])
append_case("append another store (a folder)", [F / "syn"])
append_case("append with --traj-col nope", [DAY2], "--traj-col", "nope")


def drop_clean(s: Path) -> None:
    m = json.loads((s / "manifest.json").read_text())
    m.pop("clean_config", None)
    (s / "manifest.json").write_text(json.dumps(m))


append_case("append to a store without recorded cleaning (older)", [DAY2], prep=drop_clean)
append_case("append other cleaning to a store without recorded cleaning", [DAY2], "--max-gap-s", "60", prep=drop_clean)


def resplit_to(by: str):
    def prep(s: Path) -> None:
        tmp = s.with_name(s.name + "_rs")
        shutil.rmtree(tmp, ignore_errors=True)
        r = run_cli("data", "resplit", s, "--out", tmp, "--by", by)
        assert r.exit_code == 0, r.output
        shutil.rmtree(s)
        tmp.rename(s)
    return prep


append_case("append to a store resplit --by time", [DAY2], prep=resplit_to("time"))
append_case("append to a store resplit --by hour", [DAY2], prep=resplit_to("hour"))
append_case("append to a store resplit --by user", [DAY2], prep=resplit_to("user"))
append_case("append to a store with the index missing", [DAY2], prep=lambda s: (s / "index.parquet").unlink())
append_case("append to a store with manifest.json cut", [DAY2], prep=lambda s: (s / "manifest.json").write_text("{"))
append_case("append to a store with the user's notes.txt inside", [DAY2], prep=lambda s: (s / "notes.txt").write_text("mine"))
append_case("append to a store with a leftover temp sibling", [DAY2], prep=lambda s: shutil.copytree(s, s.with_name("." + s.name + ".append-tmp")))
say("append --out a folder that is not a store", cli("data", "ingest", DAY2, "--out", put("userdir/n.txt", "mine").parent, "--append"))
say("append --out a missing folder", cli("data", "ingest", DAY2, "--out", F / "nostore", "--append"))
say("append --out a file", cli("data", "ingest", DAY2, "--out", put("afile.txt", "mine"), "--append"))
say("  ... the user's file after", lambda: (F / "afile.txt").read_text())


def sym_case() -> str:
    real = fresh("symreal")
    link = OUT / "st" / "symlink"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(real)
    got = cli("data", "ingest", DAY2, "--out", link, "--append")()
    return f"{got} || link still a link={link.is_symlink()} real={stored(real)} via link={stored(link)}"


say("append --out a symlink to the store", sym_case)


def ro_case() -> str:
    s = fresh("ro")
    before = digest(s)
    os.chmod(s.parent, 0o555)
    try:
        got = cli("data", "ingest", DAY2, "--out", s, "--append")()
    finally:
        os.chmod(s.parent, 0o755)
    return f"{got} || unchanged={digest(s) == before}"


say("append into a read-only parent folder", ro_case)

# kills and readers beside an append, in child processes (a bigger day so the append takes time)
big_late = pl.concat([pts.filter(pl.col("traj_id").is_in(late)).with_columns(
    traj_id=pl.col("traj_id") + f"_{k}") for k in range(150)])
BIGDAY = table("bigday.csv", as_csv(big_late))
CHILD_ENV = {**os.environ, "OMP_NUM_THREADS": "1"}


def kill_case(after_s: float) -> str:
    s = fresh(f"kill{after_s}")
    before = digest(s)
    p = subprocess.Popen([sys.executable, "-m", "trajlm.cli", "data", "ingest", str(BIGDAY), "--out", str(s), "--append"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=CHILD_ENV, start_new_session=True)
    time.sleep(after_s)
    p.send_signal(signal.SIGKILL)
    p.wait()
    left = sorted(x.name for x in s.parent.iterdir() if x.name.startswith(".") or "tmp" in x.name)
    return (f"killed at {after_s}s; store unchanged={digest(s) == before}; {stored(s)}; "
            f"leftovers beside: {left[:4]}")


say("kill -9 an append at 2 s", lambda: kill_case(2.0))
say("kill -9 an append at 5 s", lambda: kill_case(5.0))


def after_kill_again() -> str:
    s = OUT / "st" / "kill2.0"
    got = cli("data", "ingest", DAY2, "--out", s, "--append")()
    return f"{got} || {stored(s)}"


say("append again after a killed append", after_kill_again)

READER = """
import sys, time, trajlm
store, t_end, bad = sys.argv[1], time.time() + float(sys.argv[2]), 0
n = 0
while time.time() < t_end:
    try:
        df = trajlm.read_store(store)
        n += 1
    except Exception as e:
        bad += 1
        last = f"{type(e).__name__}: {str(e)[:100]}"
print(f"reads={n} failed={bad}" + (f" last={last}" if bad else ""))
"""


def reader_case() -> str:
    s = fresh("reading")
    r = subprocess.Popen([sys.executable, "-c", READER, str(s), "25"], stdout=subprocess.PIPE, text=True, env=CHILD_ENV)
    time.sleep(2)
    got = cli("data", "ingest", BIGDAY, "--out", s, "--append")()
    out = r.communicate()[0].strip()
    return f"{got[:200]} || reader: {out} || {stored(s)}"


say("append while another process reads the store", reader_case)


BIGEARLY = table("bigearly.csv", as_csv(pl.concat([pts.filter(pl.col("traj_id").is_in(late.head(10))).with_columns(
    traj_id=pl.col("traj_id") + f"_{k}") for k in range(150)])))


def two_appends() -> str:
    """A slow append of the earlier trips, then a quick one of later trips while it runs."""
    s = fresh("twice")
    ps = []
    for d in (BIGEARLY, DAY3):
        ps.append(subprocess.Popen([sys.executable, "-m", "trajlm.cli", "data", "ingest", str(d), "--out", str(s), "--append"],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=CHILD_ENV))
        time.sleep(1.5)
    outs = [p.communicate()[0].strip().splitlines()[-1:] for p in ps]
    idx = pl.read_parquet(s / "index.parquet").filter(pl.col("split") == "test")
    order = idx.sort("t_start")["traj_id"].to_list()[-3:] if "t_start" in idx.columns else idx.columns
    return f"rc={[p.returncode for p in ps]} {[o[0][:150] for o in outs if o]} || {stored(s)} last test ids by start={order}"


say("two appends to one store at once", two_appends)

# ============ A2. trajlm.ingest(append=True)
def api_append(name: str, src: Path = base1, **kw):
    def run() -> str:
        s = fresh(f"p{say.n + 1:03d}", src)
        m = trajlm.ingest(kw.pop("paths", [DAY2]), kw.pop("format", "auto"), s, **kw)
        return f"keys={sorted(m)[:6]} || {stored(s)}"
    say(name, run)


api_append("ingest(append=True) day 2 (fine)", append=True)
api_append("ingest(append=True, overwrite=True) (the default overwrite)", append=True, overwrite=True)
api_append("ingest(append='yes')", append="yes")
api_append("ingest(append=1)", append=1)
api_append("ingest(append=True) clean_overrides max_gap_s 60", append=True, clean_overrides={"max_gap_s": 60})
api_append("ingest(append=True) the same day 1", append=True, paths=[DAY1])
api_append("ingest(append=True) paths=[]", append=True, paths=[])
api_append("ingest(append=True) format='nope'", append=True, format="nope")
api_append("ingest(append=True) a str path", append=True, paths=str(DAY2))
say("ingest(append=True) to a missing store", lambda: trajlm.ingest([DAY2], "auto", F / "nostore2", append=True))

# ============ B. eval --compare / score(compare=) / evaluate(compare=)
STORE = SYN
KNN, CV = "kNN continuation", "constant velocity"
say("compare two baselines (fine)", ecli("eval", "--task", "predict", "--data", STORE, "--compare", f"{CV},{KNN}"))
say("compare a name that does not exist", ecli("eval", "--task", "predict", "--data", STORE, "--compare", f"{CV},nope"))
say("compare the same row twice", ecli("eval", "--task", "predict", "--data", STORE, "--compare", f"{CV},{CV}"))
say("compare one name only", ecli("eval", "--task", "predict", "--data", STORE, "--compare", CV))
say("compare three names", ecli("eval", "--task", "predict", "--data", STORE, "--compare", f"{CV},{KNN},linear-3"))
say("compare an empty string", ecli("eval", "--task", "predict", "--data", STORE, "--compare", ""))
say("compare ',' only", ecli("eval", "--task", "predict", "--data", STORE, "--compare", ","))
say("compare names in other case", ecli("eval", "--task", "predict", "--data", STORE, "--compare", "Constant Velocity,knn continuation"))
say("compare with spaces around", ecli("eval", "--task", "predict", "--data", STORE, "--compare", f"  {CV} ,  {KNN} "))
say("compare twice the same pair", ecli("eval", "--task", "predict", "--data", STORE, "--compare", f"{CV},{KNN}", "--compare", f"{CV},{KNN}"))
say("compare A,B and B,A", ecli("eval", "--task", "predict", "--data", STORE, "--compare", f"{CV},{KNN}", "--compare", f"{KNN},{CV}"))
say("compare a name with brackets [time]", ecli("eval", "--task", "predict", "--data", STORE, "--compare", "constant velocity [time],linear-3 [time, fit]"))
say("compare with --shift rows", ecli("eval", "--task", "predict", "--data", STORE, "--shift", "+8h", "--compare", f"{CV},{KNN}"))
say("compare with --horizon-s", ecli("eval", "--task", "predict", "--data", STORE, "--horizon-s", "60,300", "--compare", f"{CV},{KNN}"))
say("compare with --at-report-times", ecli("eval", "--task", "predict", "--data", STORE, "--at-report-times", "--compare", f"{CV},{KNN}"))
say("compare with --windows all", ecli("eval", "--task", "predict", "--data", STORE, "--windows", "all", "--compare", f"{CV},{KNN}"))
say("compare with --score-on val", ecli("eval", "--task", "predict", "--data", STORE, "--score-on", "val", "--compare", f"{CV},{KNN}"))
say("compare with --holdout-by hour", ecli("eval", "--task", "predict", "--data", STORE, "--holdout-by", "hour", "--compare", f"{CV},{KNN}"))
say("compare --task recover", ecli("eval", "--task", "recover", "--data", STORE, "--seeds", "1", "--compare", "linear,akima spline"))
say("compare --task recover a predict name", ecli("eval", "--task", "recover", "--data", STORE, "--seeds", "1", "--compare", f"{CV},{KNN}"))
say("compare --out writes JSON with comparisons", lambda: ecli("eval", "--task", "predict", "--data", STORE, "--compare", f"{CV},{KNN}", "--out", OUT / "cmp.json")()
    + " || json comparisons=" + str(len(json.loads((OUT / "cmp.json").read_text()).get("comparisons", json.loads((OUT / "cmp.json").read_text()).get("meta", {}).get("comparisons", [])) or [])))
say("compare --out exists (no overwrite): refused before work?", ecli("eval", "--task", "predict", "--data", STORE, "--compare", f"{CV},nope", "--out", OUT / "cmp.json"))
say("  ... the user's cmp.json after", lambda: str(len((OUT / "cmp.json").read_text())))

# answers: constant velocity written as the user's own (queries -> answers)
inputs, asks = trajlm.queries(STORE)


def cv_answers(inp: pd.DataFrame, ask: pd.DataFrame) -> pd.DataFrame:
    last = inp.sort_values(["query_id", "step"]).groupby("query_id").tail(2)
    g = last.groupby("query_id")
    d = g[["lat", "lon"]].diff().groupby(last["query_id"]).last()
    e = g[["lat", "lon"]].last()
    out = ask[["query_id", "k"]].copy()
    out["lat"] = out.apply(lambda r: e.loc[r.query_id, "lat"] + r.k * d.loc[r.query_id, "lat"], axis=1)
    out["lon"] = out.apply(lambda r: e.loc[r.query_id, "lon"] + r.k * d.loc[r.query_id, "lon"], axis=1)
    return out


ans = cv_answers(inputs, asks)
ANS = F / "ans.csv"
ans.to_csv(ANS, index=False)
ANS2 = F / "ans2.csv"
ans.assign(lat=ans["lat"] + 1e-5).to_csv(ANS2, index=False)


def score(**kw):
    def run() -> str:
        df = trajlm.score(STORE, kw.pop("answers", ANS), **kw)
        cmp = df.attrs.get("comparisons")
        return f"rows={len(df)} comparisons=" + str([(c['a'], c['b'], round(c['diff'], 3), c['n'], c['verdict']) for c in (cmp or [])])[:220]
    return run


say("score compare answers vs cv (fine)", score(compare=[("answers", CV)]))
say("score compare 'answers,constant velocity' text", score(compare=["answers,constant velocity"]))
say("score compare a bare tuple ('answers', CV)", score(compare=("answers", CV)))
say("score compare a bare string", score(compare=f"answers,{CV}"))
say("score compare a name not in the table", score(compare=[("mine", CV)]))
say("score compare a dict", score(compare={"answers": CV}))
say("score compare 5", score(compare=5))
say("score compare [(A,)]", score(compare=[("answers",)]))
say("score compare [(A,B,C)]", score(compare=[("answers", CV, KNN)]))
say("score compare [(A, None)]", score(compare=[("answers", None)]))
say("score compare [[A,B]] (a list)", score(compare=[["answers", CV]]))
say("score compare [] (empty)", score(compare=[]))
say("score name with a comma, compare text", score(name="my, method", compare=[f"my, method,{CV}"]))
say("score name with a comma, compare tuple", score(name="my, method", compare=[("my, method", CV)]))
say("score name equal to a baseline's", score(name=CV, compare=[(CV, KNN)]))
say("score name '' ", score(name="", compare=[("answers", CV)]))
say("score two sources one name: compare the mean row", score(answers=[ANS, ANS2], name="mine", compare=[("mine", CV)]))
say("score two sources one name: compare one seed's row", score(answers=[ANS, ANS2], name="mine", compare=[(f"mine: {ANS2.name}", CV)]))
say("score two names: compare them", score(answers=[ANS, ANS2], name=["a", "b"], compare=[("a", "b")]))
say("score answers identical to cv: compare (a tie)", score(compare=[("answers", CV)], name="twin"))
say("score answers with a NaN lat, compare", score(answers=ans.assign(lat=[np.nan] + list(ans["lat"][1:])), compare=[("answers", CV)]))
say("score compare with windows='all' answers mismatch", score(windows="all", compare=[("answers", CV)]))
say("score compare on split='val' (answers for test)", score(split="val", compare=[("answers", CV)]))

cfg = put("tiny.toml", TINY_TOML.replace('head = "gaussian"', 'head = "gaussian"\ninfill_heads = true\ninfill_anchor_inputs = true')
          + "\n[train.objectives]\ncausal = 1.0\npoints = 1.0\nod = 1.0\n")  # infilling heads: recover / travel_time
RUN = F / "run"
r = run_cli("train", "--data", STORE, "--out", RUN, "--config", cfg, "--max-steps", "5", "--threads", "1", "--no-val-check")
assert r.exit_code == 0, r.output
lm = trajlm.TrajLM.from_pretrained(RUN, threads=1)


def evaluate(**kw):
    def run() -> str:
        df = lm.evaluate(STORE, **kw)
        cmp = df.attrs.get("comparisons")
        return f"rows={len(df)} methods={list(df['method'])[-2:]} comparisons=" + str([(c['a'], c['b'], round(c['diff'], 2), c['verdict']) for c in (cmp or [])])[:200]
    return run


say("evaluate compare model vs kNN (row name?)", evaluate(compare=[("run", KNN)]))
say("evaluate compare 'trajlm:run' vs kNN", evaluate(compare=[("trajlm:run", KNN)]))
say("evaluate compare a name not there", evaluate(compare=[("trajlm-small", KNN)]))
say("evaluate compare the same row twice", evaluate(compare=[(KNN, KNN)]))
say("evaluate compare='A,B' bare string", evaluate(compare=f"{CV},{KNN}"))
say("evaluate compare with task='recover'", evaluate(task="recover", seeds=1, compare=[("linear", "akima spline")]))
say("evaluate compare with horizon_s=[60]", evaluate(horizon_s=[60], compare=[(CV, KNN)]))
say("evaluate compare with shift='+8h'", evaluate(shift="+8h", compare=[(CV, KNN)]))
say("eval --model run --compare 'run,kNN continuation'", ecli("eval", "--task", "predict", "--data", STORE, "--model", RUN, "--compare", f"run,{KNN}"))
say("eval --predictions twice one name --compare mean row", ecli("eval", "--task", "predict", "--data", STORE, "--predictions", ANS, "--predictions", ANS2, "--predictions-name", "mine", "--compare", f"mine,{CV}"))
say("eval --predictions-name 'a,b' --compare 'a,b,constant velocity'", ecli("eval", "--task", "predict", "--data", STORE, "--predictions", ANS, "--predictions-name", "a,b", "--compare", f"a,b,{CV}"))
say("eval --predictions-name 'a,b' + a row 'a' --compare ambiguous", ecli("eval", "--task", "predict", "--data", STORE, "--predictions", ANS, "--predictions", ANS2, "--predictions-name", "a,b", "--predictions-name", "a", "--compare", f"a,b,{CV}"))

# ============ C. data queries --horizon-s / --at-report-times, trajlm.queries
def q(*opts: object):
    out = OUT / "q" / f"q{say.n + 1:03d}.csv"
    out.parent.mkdir(exist_ok=True)
    def run() -> str:
        got = cli("data", "queries", STORE, "-o", out, *opts)()
        if out.exists():
            df = pd.read_csv(out)
            asks = sorted(out.parent.glob(f"{out.stem}*ask*"))
            got += f" || inputs={len(df)} asks={[ (a.name, len(pd.read_csv(a))) for a in asks][:1]}"
        return got
    return run


say("queries --horizon-s 60,300 (fine)", q("--horizon-s", "60,300"))
say("queries --horizon-s 0", q("--horizon-s", "0"))
say("queries --horizon-s -60", q("--horizon-s", "-60"))
say("queries --horizon-s abc", q("--horizon-s", "abc"))
say("queries --horizon-s nan", q("--horizon-s", "nan"))
say("queries --horizon-s inf", q("--horizon-s", "inf"))
say("queries --horizon-s 1e12", q("--horizon-s", "1e12"))
say("queries --horizon-s 60,60", q("--horizon-s", "60,60"))
say("queries --horizon-s 300,60 (unsorted)", q("--horizon-s", "300,60"))
say("queries --horizon-s '' ", q("--horizon-s", ""))
say("queries --horizon-s '60,'", q("--horizon-s", "60,"))
say("queries --horizon-s 0.5", q("--horizon-s", "0.5"))
say("queries --horizon-s 60s", q("--horizon-s", "60s"))
say("queries --at-report-times (fine)", q("--at-report-times"))
say("queries --at-report-times --horizon-s 60", q("--at-report-times", "--horizon-s", "60"))
say("queries --task recover --horizon-s 60", q("--task", "recover", "--horizon-s", "60"))
say("queries --task recover --at-report-times", q("--task", "recover", "--at-report-times"))
say("queries --horizon-s 60 --windows all", q("--horizon-s", "60", "--windows", "all"))
say("queries --horizon-s 60 --split val", q("--horizon-s", "60", "--split", "val"))
say("queries --horizon-s 60 --split train", q("--horizon-s", "60", "--split", "train"))
say("queries --horizon-s 60 -o .txt", cli("data", "queries", STORE, "-o", OUT / "q.txt", "--horizon-s", "60"))
say("queries(horizon_s=[60, 300]) (fine)", lambda: str([len(x) for x in trajlm.queries(STORE, horizon_s=[60, 300])]))
say("queries(horizon_s=[60, 'x'])", lambda: str([len(x) for x in trajlm.queries(STORE, horizon_s=[60, "x"])]))
say("queries(horizon_s=True)", lambda: str([len(x) for x in trajlm.queries(STORE, horizon_s=True)]))
say("queries(horizon_s=np.array([60.]))", lambda: str([len(x) for x in trajlm.queries(STORE, horizon_s=np.array([60.0]))]))
say("queries(horizon_s=60)", lambda: str([len(x) for x in trajlm.queries(STORE, horizon_s=60)]))
say("queries(horizon_s=[])", lambda: str([len(x) for x in trajlm.queries(STORE, horizon_s=[])]))
say("queries(horizon_s=[nan])", lambda: str([len(x) for x in trajlm.queries(STORE, horizon_s=[float("nan")])]))
say("queries(at_report_times='yes')", lambda: str([len(x) for x in trajlm.queries(STORE, at_report_times="yes")]))
say("queries(at_report_times=1)", lambda: str([len(x) for x in trajlm.queries(STORE, at_report_times=1)]))
hin, hask = trajlm.queries(STORE, horizon_s=[60])
say("queries horizon asks: columns", lambda: f"inputs={list(hin.columns)} asks={list(hask.columns)}")
say("score k-step answers as horizon answers", score(answers=ANS, horizon_s="60"))
say("score horizon answers without horizon_s", score(answers=hask.assign(lat=45.07, lon=7.69)))
say("score at_report_times='yes'", score(at_report_times="yes"))

# ============ D. trajlm predict --tz / --utc-offset
naive = pts.filter(pl.col("traj_id").is_in(late.head(3))).with_columns(
    time=pl.from_epoch("t").dt.strftime("%Y-%m-%d %H:%M:%S")).select("traj_id", "time", "lat", "lon")
NAIVE = table("naive.csv", naive)
ZONED = table("zoned.csv", naive.with_columns(pl.col("time") + "+01:00"))
UNIX = table("unix.csv", pts.filter(pl.col("traj_id").is_in(late.head(3))).select("traj_id", "t", "lat", "lon"))


def pred(*opts: object, inp: Path = NAIVE):
    out = OUT / "pred" / f"p{say.n + 1:03d}.csv"
    out.parent.mkdir(exist_ok=True)
    def run() -> str:
        k = () if "--at-times" in opts or "--seconds-ahead" in opts else ("-k", "2")
        got = cli("predict", "--model", RUN, "--input", inp, "--out", out, *k, *opts)()
        if out.exists():
            df = pd.read_csv(out)
            tc = next((c for c in df.columns if c in ("time", "t", "timestamp")), df.columns[1])
            got += f" || {tc}[0]={df[tc].iloc[0]} cols={list(df.columns)[:5]}"
        return got
    return run


say("predict naive CSV (fine, UTC)", pred())
say("predict --tz Europe/Rome", pred("--tz", "Europe/Rome"))
say("predict --utc-offset 1", pred("--utc-offset", "1"))
say("predict --utc-offset 5.5", pred("--utc-offset", "5.5"))
say("predict --utc-offset 15", pred("--utc-offset", "15"))
say("predict --utc-offset -13", pred("--utc-offset", "-13"))
say("predict --utc-offset nan", pred("--utc-offset", "nan"))
say("predict --utc-offset inf", pred("--utc-offset", "inf"))
say("predict --utc-offset 1.234", pred("--utc-offset", "1.234"))
say("predict --tz Nowhere/Zone", pred("--tz", "Nowhere/Zone"))
say("predict --tz ''", pred("--tz", ""))
say("predict --tz europe/rome (case)", pred("--tz", "europe/rome"))
say("predict --tz +02:00", pred("--tz", "+02:00"))
say("predict --tz CET", pred("--tz", "CET"))
say("predict --tz and --utc-offset both", pred("--tz", "Europe/Rome", "--utc-offset", "1"))
say("predict --tz on zoned times (+01:00)", pred("--tz", "America/New_York", inp=ZONED))
say("predict --utc-offset on zoned times", pred("--utc-offset", "-5", inp=ZONED))
say("predict --tz on Unix seconds", pred("--tz", "Europe/Rome", inp=UNIX))
say("predict --tz on a store input", pred("--tz", "America/New_York", inp=STORE))
say("predict --utc-offset on a store input", pred("--utc-offset", "3", inp=STORE))
say("predict --tz with --at-times naive", pred("--tz", "Europe/Rome", "--at-times", "2024-03-15 12:00:00"))
say("predict --tz with --seconds-ahead", pred("--tz", "Europe/Rome", "--seconds-ahead", "60"))
say("predict --tz Europe/Rome on a store zoned Europe/Rome", pred("--tz", "Europe/Rome", inp=baseZ))

# ============ E. trajlm.read keywords
GPX = put("t.gpx", """<?xml version="1.0"?><gpx version="1.1" creator="x"><trk><name>a</name><trkseg>
<trkpt lat="45.06" lon="7.68"><time>2024-03-15T10:00:00Z</time></trkpt>
<trkpt lat="45.061" lon="7.681"><time>2024-03-15T10:00:10Z</time></trkpt>
<trkpt lat="45.062" lon="7.682"><time>2024-03-15T10:00:20Z</time></trkpt></trkseg></trk></gpx>""")
ELAPSED = put("elapsed.csv", "id,time,lat,lon\na,0,45.06,7.68\na,10,45.061,7.681\na,20,45.062,7.682\n")
SECCOL = put("seccol.csv", "id,sec,lat,lon\na,0,45.06,7.68\na,10,45.061,7.681\na,20,45.062,7.682\n")
DMY = put("dmy.csv", "id,time,lat,lon\na,03/04/2024 10:00:00,45.06,7.68\na,03/04/2024 10:00:10,45.061,7.681\na,03/04/2024 10:00:20,45.062,7.682\n")
BADROW = put("badrow.csv", "id,time,lat,lon\na,2024-03-15T10:00:00,45.06,7.68\na,2024-03-15T10:00:10,abc,7.681\na,2024-03-15T10:00:20,45.062,7.682\n")


def rd(path: Path, **kw):
    def run() -> str:
        df = trajlm.read(path, **kw)
        return f"n={df.height} t0={df['t'][0]} cols={df.columns[:5]}"
    return run


say("read naive CSV (fine)", rd(NAIVE))
say("read tz='Europe/Rome'", rd(NAIVE, tz="Europe/Rome"))
say("read utc_offset=1", rd(NAIVE, utc_offset=1))
say("read utc_offset='1'", rd(NAIVE, utc_offset="1"))
say("read utc_offset=True", rd(NAIVE, utc_offset=True))
say("read utc_offset=nan", rd(NAIVE, utc_offset=float("nan")))
say("read utc_offset=30", rd(NAIVE, utc_offset=30))
say("read tz and utc_offset both", rd(NAIVE, tz="Europe/Rome", utc_offset=1))
say("read tz='Mars/Base'", rd(NAIVE, tz="Mars/Base"))
say("read tz=5", rd(NAIVE, tz=5))
say("read tz='' ", rd(NAIVE, tz=""))
say("read tz on Z-suffixed GPX", rd(GPX, tz="America/New_York"))
say("read utc_offset on Unix seconds", rd(UNIX, utc_offset=3))
say("read tz on a store", rd(baseZ, tz="America/New_York"))
say("read utc_offset on a store", rd(base1, utc_offset=5))
say("read time_origin on a store", rd(base1, time_origin="2020-01-01"))
say("read format='gpx' on a store", rd(base1, format="gpx"))
say("read time_origin (fine)", rd(ELAPSED, time_origin="2024-03-15T10:00:00Z"))
say("read time_origin='yesterday'", rd(ELAPSED, time_origin="yesterday"))
say("read time_origin=5", rd(ELAPSED, time_origin=5))
say("read time_origin naive + tz", rd(ELAPSED, time_origin="2024-03-15T10:00:00", tz="Europe/Rome"))
say("read time_origin on ISO times", rd(NAIVE, time_origin="2024-03-15T10:00:00Z"))
say("read no time_origin on elapsed seconds", rd(ELAPSED))
say("read a time column trajlm does not know ('sec')", rd(SECCOL, time_origin="2024-03-15T10:00:00Z"))
say("read time_format='dmy'", rd(DMY, time_format="dmy"))
say("read time_format='mdy'", rd(DMY, time_format="mdy"))
say("read time_format='%d/%m/%Y %H:%M:%S'", rd(DMY, time_format="%d/%m/%Y %H:%M:%S"))
say("read time_format='xyz'", rd(DMY, time_format="xyz"))
say("read time_format=5", rd(DMY, time_format=5))
say("read time_format='unix' on ISO", rd(NAIVE, time_format="unix"))
say("read DMY with no time_format", rd(DMY))
say("read format='nope'", rd(NAIVE, format="nope"))
say("read format='gpx' on a CSV", rd(NAIVE, format="gpx"))
say("read format=5", rd(NAIVE, format=5))
say("read format='GPX' (case) on a GPX", rd(GPX, format="GPX"))
say("read on_error='ignore'", rd(BADROW, on_error="ignore"))
say("read on_error=None", rd(BADROW, on_error=None))
say("read on_error='skip'", rd(BADROW, on_error="skip"))
say("read bad row (raise)", rd(BADROW))

# ============ F. those keywords on a path given to the model calls
def first_row(df) -> str:
    return f"{type(df).__name__} {df.shape} " + str(df.row(0, named=True) if isinstance(df, pl.DataFrame) else df.iloc[0].to_dict())[:200]


say("predict(path, tz=)", lambda: first_row(lm.predict(NAIVE, steps=1, tz="Europe/Rome")))
say("predict(path, utc_offset=1)", lambda: first_row(lm.predict(NAIVE, steps=1, utc_offset=1)))
say("predict(path, tz='Nowhere')", lambda: first_row(lm.predict(NAIVE, steps=1, tz="Nowhere")))
say("predict(path, time_format='dmy') on ISO", lambda: str(lm.predict(NAIVE, steps=1, time_format="dmy").shape))
say("predict(path, time_origin=) elapsed", lambda: first_row(lm.predict(ELAPSED, steps=1, time_origin="2024-03-15T10:00:00Z")))
say("predict(path, format='gpx') on a CSV", lambda: str(lm.predict(NAIVE, steps=1, format="gpx").shape))
say("predict(path, on_error='x')", lambda: str(lm.predict(BADROW, steps=1, on_error="x").shape))
say("predict(path, on_error='skip')", lambda: str(lm.predict(BADROW, steps=1, on_error="skip").shape))
say("predict(frame, time_origin=)", lambda: str(lm.predict(naive.to_pandas(), steps=1, time_origin="2024-01-01").shape))
say("predict(frame, format='csv')", lambda: str(lm.predict(naive.to_pandas(), steps=1, format="csv").shape))
say("predict(store path, tz=)", lambda: str(lm.predict(baseZ, steps=1, tz="America/New_York").shape))
say("recover(path, tz=)", lambda: str(lm.recover(NAIVE, tz="Europe/Rome").shape))
say("recover(path, on_error='x')", lambda: str(lm.recover(BADROW, on_error="x").shape))
say("travel_time(path, tz=)", lambda: str(lm.travel_time(NAIVE, tz="Europe/Rome").shape))
say("similar(path, format='gpx') on a GPX", lambda: str(lm.similar(GPX, STORE, format="gpx").shape))
say("similar(path, tz=) ", lambda: str(lm.similar(NAIVE, STORE, tz="Europe/Rome").shape))
say("classify(path, tz=) (no classifier)", lambda: str(lm.classify(NAIVE, tz="Europe/Rome").shape))
say("predict(path, utc_offset='x')", lambda: str(lm.predict(NAIVE, steps=1, utc_offset="x").shape))

# ============ G. MDS trips reader
T0MS = 1_790_900_000_000


def mds_trip(k: int, device: str = "dev-a", n: int = 6, t0: int = T0MS, step: int = 60_000, **extra) -> dict:
    feats = [{"type": "Feature", "properties": {"timestamp": t0 + i * step},
              "geometry": {"type": "Point", "coordinates": [-118.49 + 0.001 * i + 0.01 * k, 34.01 + 0.0005 * i]}}
             for i in range(n)]
    return {"provider_name": "op", "device_id": device, "vehicle_type": "scooter", "trip_id": f"trip-{k}",
            "route": {"type": "FeatureCollection", "features": feats}, "start_time": t0,
            "end_time": t0 + (n - 1) * step, **extra}


def page(name: str, trips: list, top: bool = False, version: str = "0.4.1") -> Path:
    doc = {"version": version, "trips": trips} if top else {"version": version, "data": {"trips": trips}}
    return put(f"mds/{name}", json.dumps(doc))


def mds(path: Path, **kw):
    def run() -> str:
        df = trajlm.read(path, **kw)
        return (f"n={df.height} trajs={df['traj_id'].n_unique()} cols={df.columns[:7]} "
                f"t0={df['t'].min()}")
    return run


say("MDS page (fine)", mds(page("ok.json", [mds_trip(0), mds_trip(1, "dev-b")])))
say("MDS top-level trips (1.x)", mds(page("top.json", [mds_trip(0)], top=True, version="1.2.0")))
say("MDS empty trips list", mds(page("empty.json", [])))
say("MDS a trip without route", mds(page("noroute.json", [mds_trip(0), {k: v for k, v in mds_trip(1).items() if k != "route"}])))
say("MDS a route point without timestamp", mds(page("nots.json", [mds_trip(0) | {"route": {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [-118.49, 34.01]}}] + mds_trip(0)["route"]["features"]}}])))
say("MDS timestamps in seconds (not ms)", mds(page("secs.json", [mds_trip(0, t0=T0MS // 1000, step=60)])))
say("MDS timestamps as ISO text", mds(page("iso.json", [mds_trip(0) | {"route": {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"timestamp": f"2026-10-02T00:0{i}:00Z"}, "geometry": {"type": "Point", "coordinates": [-118.49 + 0.001 * i, 34.01]}} for i in range(5)]}}])))
say("MDS a trip_id repeated across pages", lambda: mds(put("mdsdup/.k", "").parent)() if (page("../mdsdup/p1.json", [mds_trip(0)]), page("../mdsdup/p2.json", [mds_trip(0, t0=T0MS + 86_400_000)])) else "")
say("MDS a trip_id repeated in one page", mds(page("dup1.json", [mds_trip(0), mds_trip(0, t0=T0MS + 3_600_000)])))
say("MDS route as a LineString", mds(page("line.json", [mds_trip(0) | {"route": {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"timestamp": T0MS}, "geometry": {"type": "LineString", "coordinates": [[-118.49, 34.01], [-118.48, 34.02]]}}]}}])))
say("MDS NaN coordinates", mds(put("mds/nan.json", json.dumps({"version": "0.4.1", "data": {"trips": [mds_trip(0)]}}).replace("-118.49,", "NaN,", 1))))
say("MDS coordinates [lat, lon] swapped", mds(page("swap.json", [mds_trip(0) | {"route": {"type": "FeatureCollection", "features": [dict(f, geometry={"type": "Point", "coordinates": f["geometry"]["coordinates"][::-1]}) for f in mds_trip(0)["route"]["features"]]}}])))
say("MDS a page cut mid-file", mds(put("mds/cut.json", json.dumps({"version": "0.4.1", "data": {"trips": [mds_trip(0)]}})[:300])))
say("MDS status_changes page alone", mds(put("mds/status_changes.json", json.dumps({"version": "0.4.1", "data": {"status_changes": [{"device_id": "d", "event_type": "available", "event_time": T0MS}]}}))))
say("MDS trip_id null", mds(page("nullid.json", [mds_trip(0) | {"trip_id": None}, mds_trip(1)])))
say("MDS device_id missing", mds(page("nodev.json", [{k: v for k, v in mds_trip(0).items() if k != "device_id"}])))
say("MDS timestamps newest first", mds(page("rev.json", [mds_trip(0) | {"route": {"type": "FeatureCollection", "features": mds_trip(0)["route"]["features"][::-1]}}])))
say("MDS ingest a page", cli("data", "ingest", F / "mds" / "ok.json", "--out", OUT / "mdsstore"))
say("MDS ingest --tz on ms timestamps", cli("data", "ingest", F / "mds" / "ok.json", "--out", OUT / "mdsstore2", "--tz", "America/Los_Angeles"))

# ============ H. trajlm places between trips
def trips_frame(spec: list[tuple[str, str, int, float, float, float, float]]) -> pd.DataFrame:
    """(device, trip, t0, lat0, lon0, lat1, lon1): 6 fixes a minute apart from start to end."""
    rows = []
    for dev, trip, t0, a0, o0, a1, o1 in spec:
        for i in range(6):
            rows.append({"device_id": dev, "trip_id": trip, "t": pd.Timestamp(t0 + 60 * i, unit="s", tz="UTC"),
                         "lat": a0 + (a1 - a0) * i / 5, "lon": o0 + (o1 - o0) * i / 5})
    return pd.DataFrame(rows)


H0 = 1_790_900_000
A, B = (34.01, -118.49), (34.03, -118.46)
parked = trips_frame([("d1", "t1", H0, *A, *B), ("d1", "t2", H0 + 3 * 3600, *B, *A), ("d1", "t3", H0 + 6 * 3600, *A, *B)])


def plc(df, **kw):
    def run() -> str:
        got = trajlm.places(df, **kw)
        return f"{len(got)} rows " + str(got.drop(columns=[c for c in got.columns if c in ("first_arrival", "last_departure")]).round(4).to_dict("records"))[:220]
    return run


say("places between trips (fine)", plc(parked))
say("places trips overlapping in time", plc(trips_frame([("d1", "t1", H0, *A, *B), ("d1", "t2", H0 + 120, *B, *A)])))
say("places next trip starts at the same instant", plc(trips_frame([("d1", "t1", H0, *A, *B), ("d1", "t2", H0 + 300, *B, *A)])))
say("places a 60-day gap between trips", plc(trips_frame([("d1", "t1", H0, *A, *B), ("d1", "t2", H0 + 60 * 86400, *B, *A)])))
say("places two devices, same spots", plc(trips_frame([("d1", "t1", H0, *A, *B), ("d2", "t2", H0 + 3 * 3600, *B, *A)])))
say("places one trip only", plc(trips_frame([("d1", "t1", H0, *A, *B)])))
say("places a trip id reused by two devices", plc(trips_frame([("d1", "t1", H0, *A, *B), ("d2", "t1", H0 + 3 * 3600, *B, *A), ("d1", "t2", H0 + 6 * 3600, *B, *A)])))
say("places traj_col='trip_id' (each trip)", plc(parked, traj_col="trip_id"))
say("places radius_m=0", plc(parked, radius_m=0))
say("places stop_minutes=-1", plc(parked, stop_minutes=-1))
say("places device_id with a null", plc(parked.assign(device_id=[None] + list(parked["device_id"][1:]))))
say("places on the MDS page", plc(trajlm.read(F / "mds" / "ok.json").to_pandas()))
say("places CLI on the MDS page", cli("places", "--input", F / "mds" / "ok.json", "--out", OUT / "pl.csv"))

# ============ I. data resplit keeping the zone
def rs(src: Path, by: str, *opts: object):
    out = OUT / "rs" / f"r{say.n + 1:03d}"
    def run() -> str:
        got = cli("data", "resplit", src, "--out", out, "--by", by, *opts)()
        if (out / "manifest.json").exists():
            m = json.loads((out / "manifest.json").read_text())
            src_m = json.loads((src / "manifest.json").read_text())
            zone = lambda x: (x.get("reading") or {}).get("local_time")  # noqa: E731
            got += f" || zone: {zone(src_m)} -> {zone(m)} clean={'clean_config' in m}"
        return got
    return run


say("resplit a Rome store --by hour", rs(baseZ, "hour"))
say("resplit a Rome store --by time", rs(baseZ, "time"))
say("resplit a Rome store --by hour=7", rs(baseZ, "hour=7"))
say("resplit a Rome store --by hour=abc", rs(baseZ, "hour=abc"))
say("resplit a Rome store --by hour=0", rs(baseZ, "hour=0"))
say("resplit a Rome store --by user", rs(baseZ, "user"))
say("resplit an appended store --by time", rs(OUT / "st" / "a001", "time"))
say("resplit --out = the input", lambda: cli("data", "resplit", fresh("rsself"), "--out", OUT / "st" / "rsself", "--by", "time")() + " || " + stored(OUT / "st" / "rsself"))
say("resplit --utc-offset store --by hour", lambda: rs(F / "off55", "hour")() if run_cli("data", "ingest", DAY1, "--out", F / "off55", "--utc-offset", "5.5").exit_code == 0 else "setup failed")

# ============ J. the Python API's DataFrame-in / DataFrame-out contract
hist = pts.filter(pl.col("traj_id").is_in(late.head(3))).to_pandas()
hist["time"] = pd.to_datetime(hist["t"], unit="s", utc=True)
hist = hist.drop(columns=["t"])


def api(fn, df, **kw):
    def run() -> str:
        got = fn(df, **kw)
        crs = f" crs={got.crs}" if hasattr(got, "crs") else ""
        if isinstance(got, pd.DataFrame):
            tcols = [c for c in got.columns if "time" in str(c) or c == "t"]
            return (f"{type(got).__name__} {got.shape} dtypes={ {c: str(got[c].dtype) for c in list(got.columns)[:4]} } "
                    f"{tcols[:1]}[0]={got[tcols[0]].iloc[0] if tcols else ''} id0={got.iloc[0, 0]!r}{crs}")
        return f"{type(got).__name__} {getattr(got, 'shape', '')} {str(got)[:160]}"
    return run


P = lambda df, **kw: lm.predict(df, steps=1, **kw)  # noqa: E731
say("predict pandas UTC frame (fine)", api(P, hist))
say("predict Int64 ids", api(P, hist.assign(traj_id=hist["traj_id"].rank(method="dense").astype("Int64"))))
say("predict Int64 ids with a <NA>", api(P, hist.assign(traj_id=pd.array([pd.NA] + list(hist["traj_id"].rank(method="dense").astype(int)[1:]), dtype="Int64"))))
say("predict string[pyarrow] ids", api(P, hist.assign(traj_id=hist["traj_id"].astype("string[pyarrow]"))))
say("predict category ids", api(P, hist.assign(traj_id=hist["traj_id"].astype("category"))))
say("predict category ids with unused categories", api(P, hist.assign(traj_id=pd.Categorical(hist["traj_id"], categories=[*hist["traj_id"].unique(), "ghost"]))))
say("predict Float64 lat/lon", api(P, hist.assign(lat=hist["lat"].astype("Float64"), lon=hist["lon"].astype("Float64"))))
say("predict Float64 lat with <NA>", api(P, hist.assign(lat=pd.array([pd.NA] + list(hist["lat"][1:]), dtype="Float64"))))
say("predict double[pyarrow] lat/lon", api(P, hist.assign(lat=hist["lat"].astype("double[pyarrow]"), lon=hist["lon"].astype("double[pyarrow]"))))
say("predict datetime64[ns, Europe/Rome]", api(P, hist.assign(time=hist["time"].dt.tz_convert("Europe/Rome"))))
say("predict datetime64[us, UTC]", api(P, hist.assign(time=hist["time"].astype("datetime64[us, UTC]"))))
say("predict datetime64[ms] naive", api(P, hist.assign(time=hist["time"].dt.tz_localize(None).astype("datetime64[ms]"))))
say("predict datetime64[s, Asia/Kolkata]", api(P, hist.assign(time=hist["time"].dt.tz_convert("Asia/Kolkata").astype("datetime64[s, Asia/Kolkata]"))))
say("predict timestamp[us, tz=UTC][pyarrow]", api(P, hist.assign(time=hist["time"].astype("timestamp[us, tz=UTC][pyarrow]"))))
say("predict time as object Timestamps mixed zones", api(P, hist.assign(time=[x.tz_convert("Europe/Rome") if i % 2 else x for i, x in enumerate(hist["time"])])))
say("predict a MultiIndex (traj_id, time) frame", api(P, hist.set_index(["traj_id", "time"])))
say("predict a MultiIndex columns frame", api(P, hist.set_axis(pd.MultiIndex.from_tuples([("a", c) for c in hist.columns]), axis=1)))
say("predict duplicate column names (two lat)", api(P, pd.concat([hist, hist[["lat"]] + 1], axis=1)))
say("predict duplicate column names (two traj_id)", api(P, pd.concat([hist, hist[["traj_id"]]], axis=1)))
say("predict a non-default RangeIndex (shuffled)", api(P, hist.sample(frac=1, random_state=0)))
say("predict a polars LazyFrame", api(P, pl.from_pandas(hist).lazy()))
say("predict a polars frame with Categorical ids", api(P, pl.from_pandas(hist).with_columns(pl.col("traj_id").cast(pl.Categorical))))
say("predict a polars Enum ids", api(P, pl.from_pandas(hist).with_columns(pl.col("traj_id").cast(pl.Enum(sorted(hist["traj_id"].unique()))))))
say("predict a polars time Datetime('ms', 'Europe/Rome')", api(P, pl.from_pandas(hist).with_columns(pl.col("time").dt.cast_time_unit("ms").dt.convert_time_zone("Europe/Rome"))))

import geopandas as gpd  # noqa: E402

g = gpd.GeoDataFrame(hist.drop(columns=["lat", "lon"]), geometry=gpd.points_from_xy(hist["lon"], hist["lat"]), crs="EPSG:4326")
say("predict a GeoDataFrame EPSG:4326 (fine)", api(P, g))
say("predict a GeoDataFrame EPSG:32632 (projected)", api(P, g.to_crs("EPSG:32632")))
say("predict a GeoDataFrame EPSG:3857", api(P, g.to_crs("EPSG:3857")))
say("predict a GeoDataFrame without a CRS (metres)", api(P, g.to_crs("EPSG:32632").set_crs(None, allow_override=True)))
say("predict a GeoDataFrame projected + lat/lon columns too", api(P, g.to_crs("EPSG:32632").assign(lat=hist["lat"], lon=hist["lon"])))
say("recover a GeoDataFrame EPSG:32632 (answer CRS?)", lambda: (lambda r: f"{type(r).__name__} crs={getattr(r, 'crs', None)} x0={r.geometry.iloc[0].x if hasattr(r, 'geometry') else ''}")(lm.recover(g.to_crs("EPSG:32632"))))
say("recover Int64 ids", api(lm.recover, hist.assign(traj_id=hist["traj_id"].rank(method="dense").astype("Int64"))))
say("recover category ids", api(lm.recover, hist.assign(traj_id=hist["traj_id"].astype("category"))))
say("recover datetime64[ns, Europe/Rome]", api(lm.recover, hist.assign(time=hist["time"].dt.tz_convert("Europe/Rome"))))
say("recover a LazyFrame", api(lm.recover, pl.from_pandas(hist).lazy()))
od = hist.groupby("traj_id").agg(lat=("lat", "first"), lon=("lon", "first"), lat1=("lat", "last"), lon1=("lon", "last"), time=("time", "first")).reset_index()
ORIG = od[["lat", "lon"]].astype("Float64")
DEST = od[["lat1", "lon1"]].rename(columns={"lat1": "lat", "lon1": "lon"})
TT = lambda o, d, dep: lambda: str(np.round(lm.travel_time(o, d, dep), 1))  # noqa: E731
say("travel_time Float64 origins, Rome departures (fine)", TT(ORIG, DEST, od["time"].dt.tz_convert("Europe/Rome")))
say("travel_time departures as datetime64[ms] naive", TT(ORIG, DEST, od["time"].dt.tz_localize(None).astype("datetime64[ms]")))
say("travel_time departures as pyarrow timestamps", TT(ORIG, DEST, od["time"].astype("timestamp[us, tz=UTC][pyarrow]")))
say("travel_time origins with a <NA>", TT(ORIG.assign(lat=pd.array([pd.NA, *ORIG["lat"][1:]], dtype="Float64")), DEST, od["time"]))
say("travel_time origins a MultiIndex frame", TT(ORIG.set_index(pd.MultiIndex.from_arrays([od["traj_id"], od["time"]])), DEST, od["time"]))
say("travel_time origins with duplicate lat columns", TT(pd.concat([ORIG, ORIG[["lat"]]], axis=1), DEST, od["time"]))
say("travel_time origins a LazyFrame", TT(pl.from_pandas(ORIG).lazy(), DEST, od["time"]))
say("travel_time origins a GeoDataFrame EPSG:32632", TT(gpd.GeoDataFrame(geometry=gpd.points_from_xy(ORIG["lon"], ORIG["lat"]), crs="EPSG:4326").to_crs("EPSG:32632"), DEST, od["time"]))
say("places category ids", api(trajlm.places, parked.assign(device_id=parked["device_id"].astype("category"))))
say("places string[pyarrow] ids", api(trajlm.places, parked.assign(device_id=parked["device_id"].astype("string[pyarrow]"))))
say("places datetime64[ms, Europe/Rome]", api(trajlm.places, parked.assign(t=parked["t"].dt.tz_convert("Europe/Rome").astype("datetime64[ms, Europe/Rome]"))))
say("places a LazyFrame", api(trajlm.places, pl.from_pandas(parked).lazy()))
say("places duplicate column names", api(trajlm.places, pd.concat([parked, parked[["lat"]]], axis=1)))
say("clean category ids", api(trajlm.clean, hist.assign(traj_id=hist["traj_id"].astype("category"))))
say("clean a LazyFrame", api(trajlm.clean, pl.from_pandas(hist).lazy()))
say("clean datetime64[us, Asia/Kolkata]", api(trajlm.clean, hist.assign(time=hist["time"].dt.tz_convert("Asia/Kolkata").astype("datetime64[us, Asia/Kolkata]"))))
say("score answers with Int64 k and string[pyarrow] query_id", score(answers=ans.assign(k=ans["k"].astype("Int64"), query_id=ans["query_id"].astype("string[pyarrow]"))))
say("score answers as a LazyFrame", score(answers=pl.from_pandas(ans).lazy()))
say("score answers with a MultiIndex", score(answers=ans.set_index(["query_id", "k"])))
say("score answers with duplicate lat columns", score(answers=pd.concat([ans, ans[["lat"]]], axis=1)))
say("evaluate a LazyFrame store?", lambda: str(lm.evaluate(pl.from_pandas(hist).lazy()).shape))
print("done", flush=True)
