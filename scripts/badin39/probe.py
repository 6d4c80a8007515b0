"""badin39: hostile inputs on session 38's new surfaces, one line a case, classified by hand
(scripts/badin39/classes.py): `data ingest --sub-second` (float `t` stores), `eval --obs-len /
--pred-len` on them, `predict` on a sub-second run, `--append` across resolutions;
`TrajLM.fit(mode=, lora_r=)`, `compare="trajlm,..."`; the readers of Elasticsearch responses,
BigQuery `POINT` text, Splunk CSV, MQTT logs, InfluxDB line protocol, GoPro GPS CSV, TeslaMate,
Samsung Health folders; WKT point columns whatever their name; the swapped lat / lon check by
reported speed; Avro snappy / zstd; HTTP rows' observed-thing rule; an option given twice;
Metrica / TRACAB truncation; `trajlm.read(pitch=)`, `TrajLM.travel_time(crs=)`; ask's stated
today, second-language words and typos. CLI calls run in process (typer's CliRunner), HTTP
through FastAPI's TestClient.
Run: PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/python scripts/badin39/probe.py [OUT_DIR]
(default /tmp/badin39/probe; session 37's and 38's generators write the fixtures under it)
"""

# fmt: off
from __future__ import annotations

import hashlib
import json
import shutil
import sys
import warnings
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import (  # noqa: E402
    TINY_TOML,
    Cases,
    as_degrees,
    cli_error_first,
    csv_made,
    pitch_walkers,
    probe_out,
    read_summary,
    run_script,
)

import trajlm  # noqa: E402
from trajlm.cli import app  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = probe_out("/tmp/badin39/probe")
say = Cases(got=700, warn=170, warn_total=420, flush=True)
WORDS = ("rror", "arn", "wrote", "refus", "nvalid", "must", "not ", "unknown", "Usage", "ignored",
         "no ", "exist", "sub-second", "second", "step", "resolution", "lora", "mode", "compare",
         "Elasticsearch", "BigQuery", "POINT", "Splunk", "MQTT", "Influx", "GoPro", "TeslaMate",
         "Samsung", "swapped", "Avro", "pitch", "Metrica", "TRACAB", "Stored", "stored", "points",
         "trajector", "answer", "MAE", "given", "can't", "today")
G = OUT / "gen"
F = OUT / "fix"
F.mkdir()
MADE: dict[Path, str] = {}


gen = run_script


gen("heldout38/gen_logs.py", str(G / "h38"))
gen("heldout38/gen_devices.py", str(G / "h38"))
gen("sports37/gen_metrica.py", "--out", str(G / "metrica"), "--minutes", "1")
gen("sports37/gen_tracab.py", "--out", str(G / "tracab"), "--minutes", "1")
gen("newuser37/gen_ethucy.py", "--out", str(G / "ethucy"), "--peds", "60")
for p in G.rglob("*"):
    if p.is_file():
        MADE[p] = hashlib.sha256(p.read_bytes()).hexdigest()


def cli(*args: object, limit: int = 520):
    return lambda: cli_error_first(app, args, WORDS, limit)


def run_cli(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args])


def put(name: str, data: str | bytes) -> Path:
    p = F / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data if isinstance(data, bytes) else data.encode())
    MADE[p] = hashlib.sha256(p.read_bytes()).hexdigest()
    return p


def csv_of(name: str, df: pl.DataFrame) -> Path:
    return csv_made(F, name, df, MADE)


def stored(store: Path) -> str:
    try:
        df = trajlm.read_store(store)
        man = json.loads((store / "manifest.json").read_text())
        rd = man.get("reading") or {}
        t = df["t"]
        return (f"n={df.height} trajs={df['traj_id'].n_unique()} t:{t.dtype} "
                f"res={rd.get('time_resolution_s')} crs={rd.get('crs')} "
                f"lat={df['lat'].min():.5f}..{df['lat'].max():.5f} lon={df['lon'].min():.5f}..{df['lon'].max():.5f}"
                f" t={t.min()}..{t.max()} dropped={dict(list((man.get('dropped') or man.get('report', {}).get('dropped') or {}).items())[:4])}")
    except Exception as e:  # noqa: BLE001
        return f"UNREADABLE {type(e).__name__}: {str(e)[:120]}"


def ingest_case(name: str, inputs: list, *opts: object, out: Path | None = None) -> None:
    out = out or OUT / "st" / f"s{say.n + 1:03d}"

    def run() -> str:
        got = cli("data", "ingest", *inputs, "--out", out, *opts)()
        return (stored(out) + " || " if got.startswith("exit=0") and out.exists() else "") + got

    say(name, run)


def read_case(name: str, path: object, **kw) -> None:
    say(name, lambda: read_summary(path, **kw))


T0 = datetime(2026, 11, 3, 8, 0, tzinfo=UTC).timestamp()
RNG = np.random.default_rng(39)


def walk(n_movers: int = 3, n: int = 120, dt: float = 0.1, t0: float = T0, speed: float = 1.4,
         lat0: float = 41.15, lon0: float = -8.61) -> pl.DataFrame:
    """Movers in degrees, one fix every dt s: columns id, t (float epoch), lat, lon."""
    rows = []
    for k in range(n_movers):
        ang = RNG.uniform(0, 6.28)
        x = y = 0.0
        for i in range(n):
            ang += RNG.normal(0, 0.1)
            x += speed * dt * np.cos(ang)
            y += speed * dt * np.sin(ang)
            rows.append((f"w{k}", t0 + i * dt, lat0 + k * 1e-3 + y / 111_320, lon0 + x / 83_800))
    return pl.DataFrame(rows, schema=["id", "t", "lat", "lon"], orient="row")


SS = ["--sub-second"]
# ============ A. data ingest --sub-second
W = walk()
WCSV = csv_of("walk10hz.csv", W)
ingest_case("sub-second CSV 10 Hz float epoch (fine)", [WCSV], *SS)
ingest_case("same file without --sub-second", [WCSV])
ingest_case("steps of 1e-9 s", [csv_of("ns.csv", walk(dt=1e-9))], *SS)
ingest_case("steps of 1e-6 s (1e6 fixes a second)", [csv_of("us.csv", walk(n=2000, dt=1e-6))], *SS)
ingest_case("steps of 1e-3 s (1 kHz)", [csv_of("ms.csv", walk(n=600, dt=1e-3))], *SS)
mixed = W.with_columns(t=pl.when(pl.int_range(pl.len()) % 2 == 0).then(pl.col("t").round(0)).otherwise(pl.col("t")))
ingest_case("mixed whole and fractional times", [csv_of("mixed.csv", mixed)], *SS)
ingest_case("all whole-second times with --sub-second", [csv_of("whole.csv", walk(dt=1.0))], *SS)
ingest_case("negative fractional epoch times", [csv_of("neg.csv", walk(t0=-1e6 + 0.3))], *SS)
ingest_case("a NaN time among fractions", [csv_of("nan_t.csv", W.with_columns(t=pl.when(pl.int_range(pl.len()) == 7).then(float("nan")).otherwise(pl.col("t"))))], *SS)
ingest_case("an inf time among fractions", [csv_of("inf_t.csv", W.with_columns(t=pl.when(pl.int_range(pl.len()) == 7).then(float("inf")).otherwise(pl.col("t"))))], *SS)
ingest_case("times going backwards", [csv_of("back.csv", W.reverse())], *SS)
ingest_case("every fractional row twice", [csv_of("dup.csv", pl.concat([W, W]).sort("id", "t"))], *SS)
ingest_case("fixes 1 ns apart (near repeats)", [csv_of("near.csv", pl.concat([W, W.with_columns(t=pl.col("t") + 1e-9)]).sort("id", "t"))], *SS)
ingest_case("float epoch milliseconds with fractions", [csv_of("epoch_ms.csv", W.with_columns(t=pl.col("t") * 1000 + 0.5))], *SS)
ingest_case("epoch 1e15 with fractions (microseconds)", [csv_of("epoch_us.csv", W.with_columns(t=pl.col("t") * 1e6 + 0.25))], *SS)
iso = W.with_columns(time=pl.from_epoch((pl.col("t") * 1e6).cast(pl.Int64), time_unit="us").dt.strftime("%Y-%m-%dT%H:%M:%S%.fZ")).drop("t")
ingest_case("ISO times with microseconds (fine)", [csv_of("iso_us.csv", iso)], *SS)
iso_ns = W.with_columns(time=pl.from_epoch((pl.col("t") * 1e6).cast(pl.Int64), time_unit="us").dt.strftime("%Y-%m-%dT%H:%M:%S%.9f") + "Z").drop("t")
ingest_case("ISO times with nanoseconds", [csv_of("iso_ns.csv", iso_ns)], *SS)
iso_mix = iso.with_columns(time=pl.when(pl.int_range(pl.len()) % 3 == 0).then(pl.col("time").str.slice(0, 19) + "Z").otherwise(pl.col("time")))
ingest_case("ISO some with fractions, some without", [csv_of("iso_mix.csv", iso_mix)], *SS)
ingest_case("ISO comma decimal (08:00:00,5)", [csv_of("iso_comma.csv", iso.with_columns(time=pl.col("time").str.replace(r"\.", ",")))], *SS)
ingest_case("one row --sub-second", [csv_of("one.csv", W.head(1))], *SS)
ingest_case("header only --sub-second", [put("head.csv", "id,t,lat,lon\n")], *SS)
ingest_case("--sub-second --full-rate", [WCSV], *SS, "--full-rate")
ingest_case("--sub-second given twice", [WCSV], *SS, *SS)
ingest_case("--sub-second --min-interval 1", [WCSV], *SS, "--min-interval", "1")
ingest_case("--sub-second --min-interval 0.05", [WCSV], *SS, "--min-interval", "0.05")
ingest_case("--sub-second --max-gap-s 0.01", [WCSV], *SS, "--max-gap-s", "0.01")
ETH = G / "ethucy" / "biwi_plaza.txt"
TO = ["--time-origin", "2026-11-03T15:00:00Z"]
ingest_case("ETH/UCY --sub-second (fine)", [ETH], *SS, *TO)
MET = G / "metrica"
ingest_case("Metrica folder --sub-second (25 Hz)", [MET], *SS, *TO)
ingest_case("TRACAB --sub-second", [G / "tracab" / "match_tracab.dat"], *SS, *TO)
FR = W.with_columns(frame=pl.int_range(pl.len()).over("id")).drop("t")
FRCSV = csv_of("frames.csv", FR)
for fmt in ("frames@25", "frames@0", "frames@1e9", "frames@-5", "frames@abc", "frames@0.001"):
    ingest_case(f"--time-format {fmt} --sub-second", [FRCSV], *SS, "--time-format", fmt, "--time-col", "frame", *TO)
ingest_case("--time-format %H:%M:%S.%f --sub-second", [csv_of("hms.csv", iso.with_columns(time=pl.col("time").str.slice(11, 15)))], *SS, "--time-format", "%H:%M:%S.%f")
ingest_case("t as text '0.5s'", [csv_of("text_t.csv", W.with_columns(t=pl.col("t").round(1).cast(pl.String) + "s"))], *SS)
ingest_case("t 0.30000000000000004-style float noise", [csv_of("noise.csv", W.with_columns(t=pl.col("t") + 4e-17))], *SS)
PL = pitch_walkers(RNG, datetime(2026, 11, 3, 8, 0, tzinfo=UTC), n_movers=3, n=120, dt=1.0)
PL = PL.with_columns(t=(pl.lit(T0) + pl.int_range(pl.len()).over("id") * 0.2)).drop("time")
ingest_case("plane x/y 5 Hz --sub-second --crs local", [csv_of("plane5hz.csv", PL)], *SS, "--crs", "local")
SUBST = OUT / "st" / "sub"
WHOLE = OUT / "st" / "whole"
assert run_cli("data", "ingest", WCSV, "--out", SUBST, *SS).exit_code == 0
assert run_cli("data", "ingest", csv_of("whole2.csv", walk(dt=1.0, t0=T0 + 5000)), "--out", WHOLE).exit_code == 0


def copy_store(src: Path, name: str) -> Path:
    dst = OUT / "st" / name
    shutil.copytree(src, dst)
    return dst


W2 = csv_of("walk10hz_b.csv", walk(t0=T0 + 9000).with_columns(id=pl.col("id") + "b"))
ingest_case("--append a sub-second file onto a whole-second store", [W2], *SS, "--append", out=copy_store(WHOLE, "ap1"))
ingest_case("--append a whole-second file onto a sub-second store", [csv_of("whole3.csv", walk(dt=1.0, t0=T0 + 20000).with_columns(id=pl.col("id") + "c"))], "--append", out=copy_store(SUBST, "ap2"))
ingest_case("--append sub-second onto sub-second (fine)", [W2], *SS, "--append", out=copy_store(SUBST, "ap3"))
ingest_case("--append 10 Hz file without --sub-second onto a sub-second store", [W2], "--append", out=copy_store(SUBST, "ap4"))
ingest_case("--append --overwrite --sub-second", [W2], *SS, "--append", "--overwrite", out=copy_store(SUBST, "ap5"))
ingest_case("--append the same sub-second file again", [WCSV], *SS, "--append", out=copy_store(SUBST, "ap6"))
read_case("trajlm.read(10 Hz CSV, exact_times=True)", WCSV, exact_times=True)
read_case("trajlm.read(10 Hz CSV, exact_times='yes')", WCSV, exact_times="yes")
read_case("trajlm.read(1e-9 s CSV, exact_times=True)", F / "ns.csv", exact_times=True)

# ============ B. eval --obs-len / --pred-len on sub-second stores, compare=
ESUB = OUT / "st" / "ethsub"
assert run_cli("data", "ingest", ETH, "--out", ESUB, *SS, *TO).exit_code == 0
EV = ("eval", "--task", "predict", "--data", ESUB, "--seeds", "1")


def ev(name: str, *opts: object, data: Path | None = None) -> None:
    base = EV if data is None else ("eval", "--task", "predict", "--data", data, "--seeds", "1")
    say(name, cli(*base, *opts, "--out", OUT / f"ev{say.n + 1:03d}.json", limit=360))


ev("eval --obs-len 8 --pred-len 12 on a 0.4-s store (fine)", "--obs-len", "8", "--pred-len", "12")
ev("eval --obs-len 0", "--obs-len", "0", "--pred-len", "12")
ev("eval --obs-len -1", "--obs-len", "-1", "--pred-len", "12")
ev("eval --obs-len 1000000000", "--obs-len", "1000000000", "--pred-len", "12")
ev("eval --obs-len abc", "--obs-len", "abc")
ev("eval --obs-len 2.5", "--obs-len", "2.5")
ev("eval --pred-len 0", "--obs-len", "8", "--pred-len", "0")
ev("eval --pred-len -3", "--obs-len", "8", "--pred-len", "-3")
ev("eval --pred-len 100000", "--obs-len", "8", "--pred-len", "100000")
ev("eval --obs-len 8 --obs-len 9", "--obs-len", "8", "--obs-len", "9", "--pred-len", "12")
ev("eval --obs-len 8 --history 8 (same value)", "--obs-len", "8", "--history", "8", "--pred-len", "12")
ev("eval --pred-len 12 --steps 12 (same value)", "--obs-len", "8", "--pred-len", "12", "--steps", "12")
ev("eval --obs-len 1 --pred-len 1", "--obs-len", "1", "--pred-len", "1")
ev("eval --obs-len 8 --pred-len 12 --windows all", "--obs-len", "8", "--pred-len", "12", "--windows", "all")
ev("eval --windows bogus", "--obs-len", "8", "--pred-len", "12", "--windows", "bogus")
ev("eval --obs-len on a whole-second store", "--obs-len", "8", "--pred-len", "12", data=WHOLE)
ev("eval --obs-len 8 --pred-len 12 on the 10 Hz degree store", "--obs-len", "8", "--pred-len", "12", data=SUBST)
say("eval --task tte --obs-len 8 on the sub-second store", cli("eval", "--task", "tte", "--data", ESUB, "--seeds", "1", "--obs-len", "8", "--out", OUT / "evtte.json", limit=360))
SHORT = OUT / "st" / "short"
assert run_cli("data", "ingest", csv_of("short.csv", walk(n_movers=12, n=6)), "--out", SHORT, *SS).exit_code in (0, 2)
ev("eval --obs-len 8 --pred-len 12 on 6-fix walkers", "--obs-len", "8", "--pred-len", "12", data=SHORT)
for comp in ("trajlm,constant velocity", "trajlm,", ",", "trajlm,trajlm", "bogus,constant velocity",
             "TRAJLM,kNN continuation", "trajlm;constant velocity", "trajlm,constant velocity,kNN continuation"):
    ev(f"eval --compare {comp!r}", "--obs-len", "8", "--pred-len", "12", "--compare", comp)

# ============ C. predict on a sub-second run; Python predict with float times
CFG = put("tiny.toml", TINY_TOML)
RUNS = OUT / "run_sub"
r = run_cli("train", "--data", ESUB, "--out", RUNS, "--config", CFG, "--max-steps", "5", "--threads", "1", "--no-val-check")
assert r.exit_code == 0, r.output[-800:]
DEGSTORE = OUT / "st" / "deg"
DEGDF = as_degrees(pitch_walkers(RNG, datetime(2026, 11, 3, 8, 0, tzinfo=UTC), speed=8.0, box=(3000.0, 2000.0)))
DEG = csv_of("porto_walk.csv", DEGDF)
assert run_cli("data", "ingest", DEG, "--out", DEGSTORE).exit_code == 0
RUN = OUT / "run_deg"
r = run_cli("train", "--data", DEGSTORE, "--out", RUN, "--config", CFG, "--max-steps", "5", "--threads", "1", "--no-val-check")
assert r.exit_code == 0, r.output[-800:]
RUNW = OUT / "run_w"
r = run_cli("train", "--data", SUBST, "--out", RUNW, "--config", CFG, "--max-steps", "5", "--threads", "1", "--no-val-check")
RUNW = RUNW if r.exit_code == 0 else RUN
PR = ("predict", "--model", RUNS, "--input", ETH, *TO, "--limit", "2")
say("predict sub-second run on ETH file (fine)", cli(*PR, "--out", OUT / "p1.csv"))
say("  ... p1 rows", lambda: pl.read_csv(OUT / "p1.csv").head(3).rows() if (OUT / "p1.csv").exists() else "no file")
say("predict --steps 0", cli(*PR, "--steps", "0", "--out", OUT / "p2.csv"))
say("predict --steps -1", cli(*PR, "--steps", "-1", "--out", OUT / "p3.csv"))
say("predict --steps 1000000", cli(*PR, "--steps", "1000000", "--out", OUT / "p4.csv"))
say("predict --seconds-ahead 0.4", cli(*PR, "--seconds-ahead", "0.4", "--out", OUT / "p5.csv"))
say("predict --seconds-ahead 0.0000001", cli(*PR, "--seconds-ahead", "0.0000001", "--out", OUT / "p6.csv"))
say("predict --seconds-ahead nan", cli(*PR, "--seconds-ahead", "nan", "--out", OUT / "p7.csv"))
say("predict --at-times fractional ISO", cli(*PR, "--at-times", "2026-11-03T15:00:30.25Z", "--out", OUT / "p8.csv"))
say("predict --at-times before the history", cli(*PR, "--at-times", "2026-11-03T14:00:00.5Z", "--out", OUT / "p9.csv"))
say("predict sub-second run on a 1-s degree CSV", cli("predict", "--model", RUNS, "--input", DEG, "--limit", "2", "--out", OUT / "p10.csv"))
say("predict 10 Hz run on the 10 Hz CSV", cli("predict", "--model", RUNW, "--input", WCSV, "--limit", "2", "--out", OUT / "p11.csv"))
say("  ... p11 rows", lambda: pl.read_csv(OUT / "p11.csv").head(3).rows() if (OUT / "p11.csv").exists() else "no file")
say("predict 1-s run on the 10 Hz CSV", cli("predict", "--model", RUN, "--input", WCSV, "--limit", "2", "--out", OUT / "p12.csv"))
say("predict sub-second run --input the sub-second store", cli("predict", "--model", RUNS, "--input", ESUB, "--limit", "2", "--out", OUT / "p13.csv"))
say("predict 1e-9 s CSV with a 10 Hz run", cli("predict", "--model", RUNW, "--input", F / "ns.csv", "--limit", "2", "--out", OUT / "p14.csv"))
lms = trajlm.TrajLM.from_pretrained(RUNW)
fw = W.rename({"id": "traj_id"})


def pred(df, **kw):
    def run() -> str:
        got = lms.predict(df, **kw)
        return f"rows={len(got)} cols={list(got.columns)[:6]} head={got.head(2).rows() if isinstance(got, pl.DataFrame) else got.head(2).to_dict('records')}"
    return run


say("TrajLM.predict(10 Hz frame) (fine)", pred(fw, steps=3))
say("TrajLM.predict(frame, t with a NaN)", pred(fw.with_columns(t=pl.when(pl.int_range(pl.len()) == 5).then(float("nan")).otherwise(pl.col("t"))), steps=3))
say("TrajLM.predict(frame, 1e-9 s steps)", pred(walk(dt=1e-9).rename({"id": "traj_id"}), steps=3))
say("TrajLM.predict(frame, every row twice)", pred(pl.concat([fw, fw]).sort("traj_id", "t"), steps=3))
say("TrajLM.predict(frame, mixed whole / fractional)", pred(mixed.rename({"id": "traj_id"}), steps=3))
say("TrajLM.predict(frame, t as Float32)", pred(fw.with_columns(pl.col("t").cast(pl.Float32)), steps=3))
say("TrajLM.predict(frame, steps=2.5)", pred(fw, steps=2.5))
say("TrajLM.predict(frame, seconds_ahead=[0.1, 0.2])", pred(fw, seconds_ahead=[0.1, 0.2]))
say("TrajLM.predict(frame, seconds_ahead=[-0.1])", pred(fw, seconds_ahead=[-0.1]))

# ============ D. TrajLM.fit(mode=, lora_r=), init_from across planes
SYN = OUT / "st" / "syn"
from trajlm.data.ingest import synth_store  # noqa: E402

synth_store(SYN, n_trajectories=30, seed=3, overwrite=False)
FDF = trajlm.read_store(SYN).drop("split")
LOCALST = OUT / "st" / "local"
assert run_cli("data", "ingest", csv_of("pitch.csv", pitch_walkers(RNG, datetime(2026, 11, 3, 8, 0, tzinfo=UTC)) ), "--out", LOCALST, "--crs", "local").exit_code == 0
RUNL = OUT / "run_local"
assert run_cli("train", "--data", LOCALST, "--out", RUNL, "--config", CFG, "--max-steps", "5", "--threads", "1", "--no-val-check").exit_code == 0


def fit(name: str, **kw) -> None:
    out = OUT / "fit" / f"f{say.n + 1:03d}"

    def run() -> str:
        kw.setdefault("max_steps", 2)
        kw.setdefault("threads", 1)
        got = trajlm.TrajLM.fit(kw.pop("data", FDF), out, **kw)
        return f"ok {type(got).__name__} files={sorted(p.name for p in out.iterdir())[:6]}"

    def guarded() -> str:
        try:
            return run()
        finally:
            if not out.exists():
                pass

    say(name, guarded)


fit("fit mode='lora' lora_r=2 init_from=RUN (fine)", mode="lora", lora_r=2, init_from=str(RUN))
for mode in ("LoRA", "lora ", "", None, 5, "Full", "qlora", "selective "):
    fit(f"fit mode={mode!r}", mode=mode, init_from=str(RUN))
for r_ in (0, -1, 10**9, 2.5, "8", True, None, np.int64(4), float("nan")):
    fit(f"fit mode='lora' lora_r={r_!r}", mode="lora", lora_r=r_, init_from=str(RUN))
fit("fit mode='selective' lora_r=4", mode="selective", lora_r=4, init_from=str(RUN))
fit("fit mode='selective' (fine)", mode="selective", init_from=str(RUN))
fit("fit mode='lora' without init_from", mode="lora")
fit("fit init_from a missing folder", init_from=str(OUT / "nope"))
fit("fit init_from a CSV file", init_from=str(DEG))
fit("fit init_from a plane run on degrees (across planes)", init_from=str(RUNL))
fit("fit mode='lora' init_from a plane run on degrees", mode="lora", lora_r=2, init_from=str(RUNL))
fit("fit init_from a degree run on a plane frame", data=pitch_walkers(RNG, datetime(2026, 11, 3, 8, 0, tzinfo=UTC)).with_columns(t=pl.col("time").str.to_datetime()).drop("time"), init_from=str(RUN), crs="local")
fit("fit mode='lora' max_steps=0", mode="lora", lora_r=2, init_from=str(RUN), max_steps=0)
fit("fit mode='lora' on an empty frame", mode="lora", lora_r=2, init_from=str(RUN), data=FDF.head(0))
fit("fit mode='lora' on a one-row frame", mode="lora", lora_r=2, init_from=str(RUN), data=FDF.head(1))
fit("fit mode='lora' init_from=5", mode="lora", init_from=5)
fit("fit mode='lora' lora_r=64 on the tiny d_model=16 run", mode="lora", lora_r=64, init_from=str(RUN))
fit("fit mode='lora' on the 10 Hz sub-second store from a 1-s run", mode="lora", lora_r=2, init_from=str(RUN), data=str(SUBST))
lmd = trajlm.TrajLM.from_pretrained(RUN)


def api_eval(model, data, **kw):
    def run() -> str:
        with warnings.catch_warnings():
            got = model.evaluate(data, seeds=1, **kw)
        return str(got)[:400]
    return run


for comp in ("trajlm,constant velocity", ("trajlm", "constant velocity"), "trajlm", ["trajlm,"], [("trajlm",)], 5,
             [("trajlm", "trajlm")], "constant velocity,trajlm"):
    say(f"TrajLM.evaluate(compare={comp!r})", api_eval(lmd, str(DEGSTORE), task="predict", compare=comp))

# ============ E. session 38's readers
H = G / "h38"
ES = json.loads((H / "fleet-search.json").read_text())
hits = ES["hits"]["hits"]


def es(name: str, fn) -> None:
    body = json.loads(json.dumps(ES))
    body["hits"]["hits"] = fn([json.loads(json.dumps(h)) for h in hits[:400]])
    ingest_case(f"Elasticsearch: {name}", [put(f"es_{say.n + 1:03d}.json", json.dumps(body))])


def with_src(f):
    def g(hs):
        for h in hs:
            f(h["_source"])
        return hs
    return g


ingest_case("Elasticsearch response (fine)", [H / "fleet-search.json"])
es("no hits", lambda hs: [])
es("hits without _source", lambda hs: [{k: v for k, v in h.items() if k != "_source"} for h in hs])
es("geo_point as 'lat,lon' text", with_src(lambda s: s.update(location=f"{s['location'][1]},{s['location'][0]}")))
es("geo_point as {lat, lon}", with_src(lambda s: s.update(location={"lat": s["location"][1], "lon": s["location"][0]})))
es("geo_point as [lat, lon] (wrong order)", with_src(lambda s: s.update(location=[s["location"][1], s["location"][0]])))
es("geo_point [NaN, NaN] as null", with_src(lambda s: s.update(location=[None, None])))
es("geo_point one number", with_src(lambda s: s.update(location=[s["location"][0]])))
es("geo_point as WKT POINT text", with_src(lambda s: s.update(location=f"POINT ({s['location'][0]} {s['location'][1]})")))
es("@timestamp missing", with_src(lambda s: s.pop("@timestamp")))
es("@timestamp garbage", with_src(lambda s: s.update({"@timestamp": "soon"})))
es("@timestamp epoch ms number", with_src(lambda s: s.update({"@timestamp": 1793689496822})))
es("vehicle.id missing", with_src(lambda s: s["vehicle"].pop("id")))
es("every hit twice", lambda hs: hs + hs)
es("one hit", lambda hs: hs[:1])
ingest_case("Elasticsearch truncated JSON", [put("es_trunc.json", (H / "fleet-search.json").read_text()[:50000])])
ingest_case("Elasticsearch error response", [put("es_err.json", json.dumps({"error": {"type": "index_not_found_exception", "reason": "no such index"}, "status": 404}))])
ingest_case("Elasticsearch aggregations only", [put("es_agg.json", json.dumps({"took": 3, "hits": {"total": {"value": 0}, "hits": []}, "aggregations": {"a": {"buckets": []}}}))])
ingest_case("Elasticsearch scroll pages as NDJSON", [put("es_pages.ndjson", json.dumps(ES) + "\n" + json.dumps(ES) + "\n")])
BQ = H / "bq-results-20261103-081512.csv"
bq = BQ.read_text().splitlines(keepends=True)


def bq_case(name: str, fn) -> None:
    ingest_case(f"BigQuery: {name}", [put(f"bq_{say.n + 1:03d}/bq-results.csv", bq[0] + "".join(fn(ln) for ln in bq[1:]))])


ingest_case("BigQuery POINT CSV (fine)", [BQ])
bq_case("POINT EMPTY rows", lambda ln: ln.replace(ln.split(",")[2], "POINT EMPTY") if ln.split(",")[1][-8] in "05" else ln)
bq_case("POINT(lon) one number", lambda ln: ln.replace(ln.split(",")[2], "POINT(" + ln.split(",")[2][6:].split()[0] + ")"))
bq_case("POINT Z (lon lat alt)", lambda ln: ln.replace(")", " 12.5)", 1))
bq_case("POINT(NaN NaN)", lambda ln: ln.replace(ln.split(",")[2], "POINT(NaN NaN)"))
bq_case("lower-case point(...)", lambda ln: ln.replace("POINT", "point"))
bq_case("POINT(lat lon) swapped", lambda ln: ",".join(p if i != 2 else "POINT(" + " ".join(reversed(p[6:-1].split())) + ")" for i, p in enumerate(ln.rstrip("\n").split(","))) + "\n")
bq_case("MULTIPOINT", lambda ln: ln.replace("POINT(", "MULTIPOINT((").replace(")", "))", 1))
bq_case("timestamps without ' UTC'", lambda ln: ln.replace(" UTC", ""))
bq_case("timestamps ' UTC' as ' PST'", lambda ln: ln.replace(" UTC", " PST"))
bq_case("geog column empty", lambda ln: ln.replace(ln.split(",")[2], ""))
bq_case("POINT(999 999)", lambda ln: ln.replace(ln.split(",")[2], "POINT(999 999)"))
ingest_case("BigQuery header only", [put("bq_head/bq-results.csv", bq[0])])
SPL = H / "splunk_export.csv"
spl = SPL.read_text().splitlines(keepends=True)
ingest_case("Splunk CSV (fine)", [SPL])
ingest_case("Splunk _time garbage", [put("spl_badt/splunk_export.csv", spl[0] + "".join("never" + ln[ln.index(","):] for ln in spl[1:400]))])
ingest_case("Splunk _raw only (fields not extracted)", [put("spl_raw/splunk_export.csv", "_time,_raw\n" + "".join(ln.split(",", 1)[0] + "," + ln.split(",", 6)[6] for ln in spl[1:400]))])
ingest_case("Splunk _time without offset", [put("spl_nooff/splunk_export.csv", spl[0] + "".join(ln.replace("+01:00", "", 1) for ln in spl[1:400]))])
ingest_case("Splunk truncated row", [put("spl_trunc/splunk_export.csv", "".join(spl[:300]) + spl[300][:30])])
ingest_case("Splunk lat / lon empty", [put("spl_empty/splunk_export.csv", spl[0] + "".join(",".join(p if i not in (3, 4) else "" for i, p in enumerate(ln.split(",", 6))) for ln in spl[1:400]))])
MQ = H / "gps.log"
mq = MQ.read_text().splitlines(keepends=True)
ingest_case("MQTT log (fine)", [MQ])
ingest_case("MQTT lines without JSON", [put("mq_nojson.log", "".join(ln.split(" ", 1)[0] + " hello\n" for ln in mq[:300]))])
ingest_case("MQTT topic with no id level", [put("mq_notopic.log", "".join("gps " + ln.split(" ", 1)[1] for ln in mq[:300]))])
ingest_case("MQTT truncated last JSON", [put("mq_trunc.log", "".join(mq[:300]) + mq[300][:40])])
ingest_case("MQTT a status topic mixed in", [put("mq_mixed.log", "".join(ln + ln.split(" ", 1)[0].replace("gps", "status") + ' {"battery": 80}\n' for ln in mq[:300]))])
ingest_case("MQTT empty file .log", [put("mq_empty.log", "")])
ingest_case("MQTT ts in ms", [put("mq_ms.log", "".join(ln.replace('"ts":', '"ts":1000*').replace("1000*", "") if False else ln.replace(',"lat"', '000,"lat"') for ln in mq[:300]))])
ingest_case("MQTT lat as text", [put("mq_txt.log", "".join(ln.replace('"lat":', '"lat":"n') .replace(',"lon"', '","lon"') for ln in mq[:300]))])
ingest_case("MQTT -v off (JSON only, no topic)", [put("mq_nov.log", "".join(ln.split(" ", 1)[1] for ln in mq[:300]))])
LP = H / "telemetry.lp"
lp = LP.read_text().splitlines(keepends=True)
head, body = lp[:7], lp[7:]
ingest_case("InfluxDB line protocol (fine)", [LP])
ingest_case("InfluxDB without its DDL / DML preamble", [put("lp_nopre.lp", "".join(body[:400]))])
ingest_case("InfluxDB timestamps in ms", [put("lp_ms.lp", "".join(head) + "".join(ln.rsplit(" ", 1)[0] + " " + ln.rsplit(" ", 1)[1].strip()[:13] + "\n" for ln in body[:400]))])
ingest_case("InfluxDB no timestamps", [put("lp_nots.lp", "".join(head) + "".join(ln.rsplit(" ", 1)[0] + "\n" for ln in body[:400]))])
ingest_case("InfluxDB lat missing from fields", [put("lp_nolat.lp", "".join(head) + "".join(ln.replace("lat=", "lax=") for ln in body[:400]))])
ingest_case("InfluxDB lat as a string field", [put("lp_strlat.lp", "".join(head) + "".join(ln.replace("lat=", 'lat="').replace(",lon=", '",lon=') for ln in body[:400]))])
ingest_case("InfluxDB escaped space in a tag", [put("lp_esc.lp", "".join(head) + "".join(ln.replace("device=", "device=my\\ ") for ln in body[:400]))])
ingest_case("InfluxDB truncated last line", [put("lp_trunc.lp", "".join(head) + "".join(body[:400]) + body[400][:25])])
ingest_case("InfluxDB two measurements (gps, battery)", [put("lp_two.lp", "".join(head) + "".join(ln + "battery,device=trk-02 level=80i " + ln.rsplit(" ", 1)[1] for ln in body[:400]))])
ingest_case("InfluxDB every line twice", [put("lp_dup.lp", "".join(head) + "".join(ln + ln for ln in body[:400]))])
ingest_case("InfluxDB lat=1e308", [put("lp_huge.lp", "".join(head) + "".join(ln.replace("lat=", "lat=1e308,latx=") for ln in body[:400]))])
GP = H / "GX010042-GPS5.csv"
gp = GP.read_text().splitlines(keepends=True)
ingest_case("GoPro GPS5 CSV (fine)", [GP])
ingest_case("GoPro GPS5 --sub-second", [GP], *SS)
ingest_case("GoPro date column missing", [put("GX_nodate-GPS5.csv", "".join(",".join(p for i, p in enumerate(ln.split(",")) if i != 1) for ln in gp[:1500]))])
ingest_case("GoPro cts backwards", [put("GX_back-GPS5.csv", gp[0] + "".join(reversed(gp[1:1500])))])
ingest_case("GoPro header only", [put("GX_head-GPS5.csv", gp[0])])
ingest_case("GoPro fix 0 everywhere (no lock)", [put("GX_nofix-GPS5.csv", gp[0] + "".join(ln.rsplit(",", 2)[0] + ",0," + ln.rsplit(",", 1)[1] for ln in gp[1:1500]))])
ingest_case("GoPro lat / lon 0,0", [put("GX_zero-GPS5.csv", gp[0] + "".join(",".join(p if i not in (2, 3) else "0" for i, p in enumerate(ln.split(","))) for ln in gp[1:1500]))])
ingest_case("GoPro speed column x 1000", [put("GX_fast-GPS5.csv", gp[0] + "".join(",".join(p if i != 5 else str(float(p) * 1000) for i, p in enumerate(ln.split(","))) for ln in gp[1:1500]))])
TM = H / "positions.csv"
tm = TM.read_text().splitlines(keepends=True)
ingest_case("TeslaMate positions (fine)", [TM])
ingest_case("TeslaMate without drive_id", [put("tm_nodrive/positions.csv", "".join(",".join(p for i, p in enumerate(ln.rstrip("\n").split(",")) if i != 14) + "\n" for ln in tm))])
ingest_case("TeslaMate drive_id empty (parked rows)", [put("tm_nulldrive/positions.csv", "".join(",".join(p if i != 14 else "" for i, p in enumerate(ln.rstrip("\n").split(","))) + "\n" if j else ln for j, ln in enumerate(tm)))])
ingest_case("TeslaMate date with +01 zone", [put("tm_zone/positions.csv", "".join(ln.replace(",52.", "+01,52.", 1) if j else ln for j, ln in enumerate(tm)))])
ingest_case("TeslaMate speed in mph header", [put("tm_mph/positions.csv", tm[0].replace(",speed,", ",speed_mph,") + "".join(tm[1:]))])
ingest_case("TeslaMate header only", [put("tm_head/positions.csv", tm[0])])
ingest_case("TeslaMate two cars, same drive ids", [put("tm_cars/positions.csv", "".join(tm) + "".join(ln.replace(",1,", ",2,", 1) for ln in tm[1:]))])
SAM = H / "samsunghealth"


def sam_copy(name: str, fn) -> Path:
    d = F / f"sam_{name}"
    shutil.copytree(SAM, d)
    for p in sorted(d.rglob("*location_data.json")):
        fn(p)
    return d


ingest_case("Samsung Health folder (fine)", [SAM])
ingest_case("Samsung Health folder, every JSON '[]'", [sam_copy("empty", lambda p: p.write_text("[]"))])
ingest_case("Samsung Health folder, a JSON truncated", [sam_copy("trunc", lambda p: p.write_text(p.read_text()[:300]))])
ingest_case("Samsung Health folder, start_time in seconds", [sam_copy("secs", lambda p: p.write_text(json.dumps([{**r, "start_time": r["start_time"] // 1000} for r in json.loads(p.read_text())])))])
ingest_case("Samsung Health folder, no latitude", [sam_copy("nolat", lambda p: p.write_text(json.dumps([{k: v for k, v in r.items() if k != "latitude"} for r in json.loads(p.read_text())])))])
ingest_case("Samsung Health folder, JSONs removed", [sam_copy("nojson", lambda p: p.unlink())])
ingest_case("Samsung Health one location JSON alone", [next(SAM.rglob("*location_data.json"))])
ingest_case("Samsung Health the summary CSV alone", [next(SAM.glob("*.csv"))])

# ============ F. WKT point columns by any name; swapped lat / lon by reported speed
WKT = {"where": ("POINT ({} {})", "lon", "lat"), "geom": ("POINT({} {})", "lon", "lat"),
       "pos": ("SRID=4326;POINT({} {})", "lon", "lat"), "place": ("POINT ({} {})", "lat", "lon"),
       "loc": ("point({} {})", "lon", "lat"), "shape": ("POINT EMPTY",),
       "g": ("LINESTRING ({} {}, {} {})", "lon", "lat", "lon", "lat"), "wkt": ("POINT ({})", "lon")}
for col, (fmt, *cols) in WKT.items():
    expr = pl.format(fmt, *cols) if cols else pl.lit(fmt)
    ingest_case(f"WKT point column {col!r}: {fmt[:24]!r}", [csv_of(f"wkt_{col}.csv", DEGDF.with_columns(expr.alias(col)).drop("lat", "lon"))])
two = DEGDF.with_columns(a=pl.format("POINT ({} {})", "lon", "lat"), b=pl.format("POINT ({} {})", "lon", "lat")).drop("lat", "lon")
ingest_case("two WKT point columns", [csv_of("wkt_two.csv", two)])
ingest_case("a WKT column beside lat / lon that disagree", [csv_of("wkt_dis.csv", DEGDF.with_columns(geom=pl.format("POINT ({} {})", pl.col("lon") + 1, "lat")))])
spd = DEGDF.with_columns(speed=pl.lit(8.0))
ingest_case("lat / lon names swapped, speed 8 m/s", [csv_of("swap_speed.csv", spd.rename({"lat": "lon", "lon": "lat"}))])
ingest_case("lat / lon names right, speed 8 m/s", [csv_of("right_speed.csv", spd)])
ingest_case("swapped names, speed all 0", [csv_of("swap_zero.csv", spd.with_columns(speed=pl.lit(0.0)).rename({"lat": "lon", "lon": "lat"}))])
ingest_case("swapped names, speed NaN", [csv_of("swap_nan.csv", spd.with_columns(speed=pl.lit(float("nan"))).rename({"lat": "lon", "lon": "lat"}))])
ingest_case("swapped names, speed in km/h (28.8)", [csv_of("swap_kmh.csv", spd.with_columns(speed=pl.lit(28.8)).rename({"lat": "lon", "lon": "lat"}))])
ingest_case("swapped names, speed -8", [csv_of("swap_neg.csv", spd.with_columns(speed=pl.lit(-8.0)).rename({"lat": "lon", "lon": "lat"}))])
ingest_case("swapped names, speed 1e9", [csv_of("swap_huge.csv", spd.with_columns(speed=pl.lit(1e9)).rename({"lat": "lon", "lon": "lat"}))])
ingest_case("swapped names, speed as text 'fast'", [csv_of("swap_text.csv", spd.with_columns(speed=pl.lit("fast")).rename({"lat": "lon", "lon": "lat"}))])
ingest_case("swapped names, one row", [csv_of("swap_one.csv", spd.head(1).rename({"lat": "lon", "lon": "lat"}))])
ingest_case("swapped names --lat-col / --lon-col given", [csv_of("swap_named.csv", spd.rename({"lat": "lon", "lon": "lat"}))], "--lat-col", "lon", "--lon-col", "lat")

# ============ G. Avro snappy / zstd
sys.path.insert(0, str(ROOT / "tests"))
from test_leftover38 import _recoded  # noqa: E402

gen("heldout37/gen_bus.py", str(G / "bus"))
CAP = next(p for p in (G / "bus").rglob("*.avro"))
ingest_case("Avro snappy maps (fine)", [_recoded(CAP, F / "snappy.avro", "snappy")])
ingest_case("Avro zstd maps (fine)", [_recoded(CAP, F / "zstd.avro", "zstandard")])
ingest_case("Avro snappy damaged block", [_recoded(CAP, F / "snappy_bad.avro", "snappy", damage=True)])
ingest_case("Avro zstd damaged block", [_recoded(CAP, F / "zstd_bad.avro", "zstandard", damage=True)])
sn = (F / "snappy.avro").read_bytes()
ingest_case("Avro snappy truncated", [put("snappy_cut.avro", sn[: len(sn) // 2])])
ingest_case("Avro codec 'lz4' (unknown)", [put("lz4.avro", sn.replace(b"snappy", b"lz4\x00\x00\x00", 1))])

# ============ H. HTTP rows' observed-thing rule
from fastapi.testclient import TestClient  # noqa: E402

from trajlm.serve import create_app  # noqa: E402

client = TestClient(create_app(lmd))
client.__enter__()
P0 = DEGDF.filter(pl.col("id") == "P0").head(40)
ROWS = [{"t": r["time"] + "Z", "lat": r["lat"], "lon": r["lon"]} for r in P0.iter_rows(named=True)]


def http(name: str, path: str, body: object) -> None:
    def run() -> str:
        r = client.post(path, json=body) if not isinstance(body, bytes | str) else client.post(path, content=body, headers={"content-type": "application/json"})
        return f"{r.status_code} {r.text[:380]}"
    say(name, run)


wig = [{**r, "SSID": s} for r in ROWS for s in ("home", "cafe")]
http("HTTP /predict rows with SSID per fix (one phone)", "/predict", {"trajectories": wig, "steps": 2})
http("HTTP /predict rows with plate, two movers in turns", "/predict", {"trajectories": [{**r, "plate": "AB" if i % 2 else "CD"} for i, r in enumerate(ROWS)], "steps": 2})
http("HTTP /predict SSID per fix, no time key", "/predict", {"trajectories": [{k: v for k, v in r.items() if k != "t"} for r in wig], "steps": 2})
http("HTTP /predict SSID null on half", "/predict", {"trajectories": [{**r, "SSID": None if i % 2 else r["SSID"]} for i, r in enumerate(wig)], "steps": 2})
http("HTTP /predict SSID numbers", "/predict", {"trajectories": [{**r, "SSID": i % 3} for i, r in enumerate(wig)], "steps": 2})
http("HTTP /predict rows with lat / lon as text", "/predict", {"trajectories": [{**r, "lat": str(r["lat"]), "SSID": "x" if i % 2 else "y"} for i, r in enumerate(ROWS)], "steps": 2})
http("HTTP /predict a key 'mac' per fix, 3 values", "/predict", {"trajectories": [{**r, "mac": m} for r in ROWS for m in ("a", "b", "c")], "steps": 2})
http("HTTP /predict observed key with one row", "/predict", {"trajectories": wig[:1], "steps": 2})
http("HTTP /predict rows with nested dict values", "/predict", {"trajectories": [{**r, "meta": {"a": 1}} for r in ROWS], "steps": 2})
http("HTTP /predict rows, fractional seconds", "/predict", {"trajectories": [{**r, "t": f"2026-11-03T08:00:{i * 0.1:06.3f}Z"} for i, r in enumerate(ROWS)], "steps": 2})
http("HTTP /predict rows, t 1e-9 s apart", "/predict", {"trajectories": [{**r, "t": T0 + i * 1e-9} for i, r in enumerate(ROWS)], "steps": 2})
http("HTTP /predict rows, a list not a dict", "/predict", {"trajectories": [[r["lat"], r["lon"]] for r in ROWS], "steps": 2})

# ============ I. a single-valued option given twice
say("ingest --out A --out B", cli("data", "ingest", WCSV, "--out", OUT / "tw1", "--out", OUT / "tw2"))
say("ingest --crs local --crs EPSG:4326", cli("data", "ingest", WCSV, "--out", OUT / "tw3", "--crs", "local", "--crs", "EPSG:4326"))
say("ingest --crs=local --crs local (same, two spellings)", cli("data", "ingest", F / "plane5hz.csv", "--out", OUT / "tw4", "--crs=local", "--crs", "local"))
say("ingest --preset x --preset y", cli("data", "ingest", WCSV, "--out", OUT / "tw5", "--preset", "gps", "--preset", "ais"))
say("eval --seeds 1 --seeds 3", cli(*EV, "--seeds", "3", "--out", OUT / "tw6.json"))
say("predict --model A --model B (single)", cli("predict", "--model", RUN, "--model", RUNS, "--input", DEG, "--limit", "1", "--out", OUT / "tw7.csv"))
say("eval --model A --model B (repeatable, fine)", cli(*EV, "--model", RUNS, "--model", RUNS, "--obs-len", "8", "--pred-len", "12", "--out", OUT / "tw8.json"))
say("predict --steps 3 --seconds-ahead 3", cli("predict", "--model", RUN, "--input", DEG, "--limit", "1", "--steps", "3", "--seconds-ahead", "3", "--out", OUT / "tw9.csv"))
say("predict --tz UTC --tz=Europe/Lisbon", cli("predict", "--model", RUN, "--input", DEG, "--limit", "1", "--tz", "UTC", "--tz=Europe/Lisbon", "--out", OUT / "tw10.csv"))
say("ingest --overwrite --overwrite (flag twice)", cli("data", "ingest", WCSV, "--out", OUT / "tw11", "--overwrite", "--overwrite"))
say("ingest --sub-second then a file named --sub-second after --", cli("data", "ingest", WCSV, "--out", OUT / "tw12", "--sub-second", "--", "--sub-second"))
say("train --max-steps 5 --max-steps 6", cli("train", "--data", DEGSTORE, "--out", OUT / "tw13", "--config", CFG, "--max-steps", "5", "--max-steps", "6", "--no-val-check"))

# ============ J. Metrica / TRACAB truncation
HOME = MET / "Sample_Game_RawTrackingData_Home_Team.csv"
home = HOME.read_text().splitlines(keepends=True)
TRACAB = G / "tracab" / "match_tracab.dat"
tr = TRACAB.read_text().splitlines(keepends=True)
ingest_case("Metrica cut mid-row at row 3 (first data row)", [put("m1/Home.csv", "".join(home[:3]) + home[3][:20])], *TO)
ingest_case("Metrica cut inside the header", [put("m2/Home.csv", home[0] + home[1][:30])], *TO)
ingest_case("Metrica cut mid-row, with --on-error skip", [put("m3/Home.csv", "".join(home[:300]) + home[300][:25])], *TO, "--on-error", "skip")
ingest_case("Metrica a short row in the middle", [put("m4/Home.csv", "".join(home[:150]) + home[150][:25] + "\n" + "".join(home[151:300]))], *TO)
ingest_case("TRACAB cut mid-frame, --on-error skip", [put("t1.dat", "".join(tr[:300]) + tr[300][:40])], *TO, "--on-error", "skip")
ingest_case("TRACAB a short frame in the middle", [put("t2.dat", "".join(tr[:150]) + tr[150][:30] + "\n" + "".join(tr[151:300]))], *TO)
ingest_case("TRACAB cut with no newline after a whole frame", [put("t3.dat", "".join(tr[:300]).rstrip("\n"))], *TO)
ingest_case("TRACAB a frame of only ':'", [put("t4.dat", "".join(tr[:150]) + ":\n" + "".join(tr[151:300]))], *TO)

# ============ K. trajlm.read(pitch=), TrajLM.travel_time(crs=)
for pitch in ("105x68", "120x80", "0x68", "-105x68", "abc", "1e9x1e9", "nanxnan", 105, (105, 68), ""):
    read_case(f"trajlm.read(Metrica, pitch={pitch!r})", HOME, time_origin="2026-11-03T15:00:00Z", pitch=pitch)
read_case("trajlm.read(TRACAB, pitch='100x64')", TRACAB, time_origin="2026-11-03T15:00:00Z", pitch="100x64")
read_case("trajlm.read(degree CSV, pitch='105x68')", DEG, pitch="105x68")
MT = put("tiny_mt.toml", TINY_TOML.replace('head = "gaussian"', 'head = "gaussian"\ninfill_heads = true')
         + "\n[train.objectives]\ncausal = 1.0\npoints = 1.0\nod = 1.0\n")
RUNMT = OUT / "run_local_mt"
r = run_cli("train", "--data", LOCALST, "--out", RUNMT, "--config", MT, "--max-steps", "5", "--threads", "1", "--no-val-check")
assert r.exit_code == 0, r.output[-800:]
lml = trajlm.TrajLM.from_pretrained(RUNMT)
for name, o, d, dep, kw in (
    ("plane pairs crs='local'", [[10, 5]], [[90, 60]], "2026-11-03T08:00:00Z", {"crs": "local"}),
    ("crs='LOCAL'", [[10, 5]], [[90, 60]], "2026-11-03T08:00:00Z", {"crs": "LOCAL"}),
    ("crs='bogus'", [[10, 5]], [[90, 60]], "2026-11-03T08:00:00Z", {"crs": "bogus"}),
    ("crs=5", [[10, 5]], [[90, 60]], "2026-11-03T08:00:00Z", {"crs": 5}),
    ("crs='local' NaN pair", [[float("nan"), 5]], [[90, 60]], "2026-11-03T08:00:00Z", {"crs": "local"}),
    ("crs='local' empty pairs", [], [], "2026-11-03T08:00:00Z", {"crs": "local"}),
    ("crs='local' 3 numbers a pair", [[1, 2, 3]], [[4, 5, 6]], "2026-11-03T08:00:00Z", {"crs": "local"}),
    ("crs='local' lengths differ", [[1, 2], [3, 4]], [[4, 5]], "2026-11-03T08:00:00Z", {"crs": "local"}),
    ("crs='EPSG:32629' on a plane model", [[530000, 4555000]], [[531000, 4556000]], "2026-11-03T08:00:00Z", {"crs": "EPSG:32629"}),
):
    say(f"TrajLM.travel_time({name})", lambda o=o, d=d, dep=dep, kw=kw: str(lml.travel_time(o, d, dep, **kw)))

# ============ L. ask: stated today, second-language words, typos
AST = OUT / "st" / "askdeg"


def ask(q: str):
    def run() -> str:
        res = run_cli("ask", "--data", AST, q)
        lines = [ln.strip(" │╭╰─") for ln in res.output.splitlines() if ln.strip(" │╭╰─")]
        exc = ("" if res.exception is None or isinstance(res.exception, SystemExit)
               else f" EXC {type(res.exception).__name__}: {str(res.exception)[:160]}")
        return f"exit={res.exit_code}{exc} :: " + " / ".join(lines)[:400]
    return run

assert run_cli("data", "ingest", DEG, "--out", AST).exit_code == 0
for q in ("Today is Tuesday 3 November 2026. How many trips were there yesterday?",
          "Today is Monday 3 November 2026. How many trips yesterday?",
          "Today is 31 February 2026. How many trips yesterday?",
          "Today is 3 November. How many trips today?",
          "today is tomorrow. how many trips yesterday",
          "It's 2026-11-04. How many trips yesterday?",
          "It's 04/11/2026. How many trips yesterday?",
          "Today is 3 November 1900. How many trips last week?",
          "Today is 3 November 9999. How many trips 5 days ago?",
          "Today is 4 November 2026. How many trips 100000 days ago?",
          "Today is 4 November 2026. How many trips -2 days ago?",
          "Today is 4 November 2026. Today is 5 November 2026. How many trips yesterday?",
          "How many trips yesterday?",
          "Heute ist der 4. November 2026. Wie viele Fahrten gestern?",
          "¿Cuántos viajes hubo ayer? Hoy es 4 de noviembre de 2026",
          "combien de trajets hier",
          "how many tirps were there",
          "hwo many trips",
          "how mnay trips on 3 Novmber",
          "how many trips on 3 Nov 2026",
          "trips trips trips trips " * 100,
          "",
          "Today is 4 November 2026. How many trips last month?",
          "Today is 4 November 2026. How many trips last Tuesday?",
          "Today is Wednesday 4 November 2026. How many trips this week?"):
    say(f"ask: {q[:70]!r}", ask(q))

say("no input file changed", lambda: [p.name for p, h in MADE.items() if p.exists() and hashlib.sha256(p.read_bytes()).hexdigest() != h] or f"none of {len(MADE)}")
client.__exit__(None, None, None)
