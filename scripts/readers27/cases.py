"""readers27: the readers' left items (docs/status.md open item 6): an accuracy written with its
unit ("1500 m"), `--max-hdop` without an HDOP column, a zone column beside `--tz`, a `visible`
column counting satellites, a row whose zone cannot be read, Parquet with a zone per row.

Writes tiny seeded files, reads each through `trajlm data ingest` (CliRunner), `trajlm predict
--input FILE --on-error skip` where it matters, and the Python frames (`trajlm.clean`), and prints
one line per case: `NNN name | exit / rows kept / drops | the lines said`. Judged by hand
(docs/data.md "Session 27 (readers27)"): run it on main and on this branch to compare.

Run: PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/python scripts/readers27/cases.py [OUT_DIR]
(default $READERS27_OUT or /tmp/readers27/cases; the files and stores are written there).
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from pathlib import Path

import numpy as np
import polars as pl
from typer.testing import CliRunner

import trajlm
from trajlm.cli import app
from trajlm.data.store import read_store

OUT = Path(
    sys.argv[1] if len(sys.argv) > 1 else os.environ.get("READERS27_OUT", "/tmp/readers27/cases")
)
shutil.rmtree(OUT, ignore_errors=True)
OUT.mkdir(parents=True)
N = 0
WORDS = ("rror", "drop", "accuracy", "hdop", "zone", "tz", "outlier", "visible", "line", "UTC")


def say(name: str, fn) -> None:
    global N
    N += 1
    try:
        with warnings.catch_warnings(record=True) as got:
            warnings.simplefilter("always")
            out = fn()
        said = " / ".join(str(w.message)[:160] for w in got)
        print(f"{N:03d} {name} | {out}" + (f" | warned: {said}" if said else ""))
    except Exception as e:  # noqa: BLE001
        print(f"{N:03d} {name} | {type(e).__name__}: {str(e).splitlines()[0][:300]}")


def cli(args: list[str]) -> str:
    res = CliRunner().invoke(app, args)
    lines = [ln.strip() for ln in res.output.splitlines() if ln.strip()]
    tail = " / ".join(ln for ln in lines if any(w in ln for w in WORDS))[:500]
    exc = "" if res.exception is None or isinstance(res.exception, SystemExit) else (
        f" EXC {type(res.exception).__name__}: {res.exception}"
    )  # fmt: skip
    return f"exit={res.exit_code}{exc} :: {tail}"


def ingest(name: str, text: str | pl.DataFrame, *opts: str) -> str:
    if isinstance(text, pl.DataFrame):
        src = OUT / f"{name}.parquet"
        text.write_parquet(src)
    else:
        src = OUT / f"{name}.csv"
        src.write_text(text)
    out = OUT / f"{name}_store"
    said = cli(["data", "ingest", str(src), "--out", str(out), *opts])
    if out.exists() and said.startswith("exit=0"):
        df = read_store(out)
        t0 = df.sort("traj_id", "t")["t"][0]
        said = f"n={df.height} t0={t0} " + said
    return said


def phones(acc: list, col: str = "accuracy", n: int = 12) -> str:
    rows = [f"p1,2026-03-01T10:{k:02d}:00Z,45.{100 + k},-73.{500 + k},{acc[k % len(acc)]}"
            for k in range(n)]  # fmt: skip
    return "\n".join([f"id,time,lat,lon,{col}", *rows]) + "\n"


def frame(values: list, col: str = "accuracy") -> pl.DataFrame:
    n = len(values)
    return pl.DataFrame({"traj_id": ["a"] * n, "t": 1_772_000_000 + np.arange(n) * 60,
                         "lat": 45.1 + 1e-4 * np.arange(n), "lon": -73.5 + 1e-4 * np.arange(n),
                         col: values}, strict=False)  # fmt: skip


def clean(df: pl.DataFrame) -> str:
    out, rep = trajlm.clean(df)
    return f"kept {out.height}/{df.height} dropped={dict(rep.dropped)}"


def predict(name: str, text: str) -> str:
    src = OUT / f"{name}.csv"
    src.write_text(text)
    dst = OUT / f"{name}_pred.csv"
    return cli(["predict", "--input", str(src), "--model", "trajlm-small", "--on-error",
                "skip", "--out", str(dst), "--threads", "1"])  # fmt: skip


# ---- 1. an accuracy written with its unit ----
UNITS = {"m": ["12 m", "1500 m"], "m_nospace": ["12m", "1500m"], "km": ["0.012 km", "1.5 km"],
         "ft": ["40 ft", "5000 ft"], "metres": ["12 metres", "1500 metres"],
         "comma": ["\"12,5 m\"", "\"1500,0 m\""]}  # fmt: skip
for unit, vals in UNITS.items():
    say(f"ingest accuracy in {unit} {vals}", lambda v=vals, u=unit: ingest(f"acc_{u}", phones(v)))
say("ingest accuracy 'abc' text", lambda: ingest("acc_text", phones(["12", "abc"])))
say(
    "ingest accuracy '1500 yd' (unit not read)", lambda: ingest("acc_yd", phones(["12", "1500 yd"]))
)
say("ingest accuracy 'n/a' placeholders", lambda: ingest("acc_na", phones(["12", "n/a", "1500"])))
say("ingest accuracy parquet '1500 m'",
    lambda: ingest("acc_pq", pl.read_csv(OUT / "acc_m.csv")))  # fmt: skip
say(
    "predict --on-error skip, accuracy '1500 m'",
    lambda: predict("pred_m", phones(["12 m", "1500 m"])),
)
say("predict --on-error skip, accuracy 1500", lambda: predict("pred_n", phones(["12", "1500"])))
say("clean accuracy '1500 m'", lambda: clean(frame(["12 m", "1500 m", "13 m", "14 m"])))
say("clean accuracy '1.5 km'", lambda: clean(frame(["12 m", "1.5 km", "13 m", "14 m"])))
say("clean accuracy 'abc'", lambda: clean(frame(["12", "abc", "13", "14"])))

# ---- 2. a filter option without its column ----
say(
    "ingest --max-hdop 5, no hdop column",
    lambda: ingest("nohdop", phones([5, 8]), "--max-hdop", "5"),
)
say("ingest --max-accuracy-m 50, no accuracy column",
    lambda: ingest("noacc", phones([5, 8], "sats"), "--max-accuracy-m", "50"))  # fmt: skip
say(
    "ingest --max-hdop 5 with hdop",
    lambda: ingest("hdop", phones([1, 30], "hdop"), "--max-hdop", "5"),
)


# ---- 3. / 5. zone columns ----
def zones(vals: list[str], n: int = 8, head: str = "unit_id,Local Time,Time Zone,lat,lon") -> str:
    rows = [f"T1,2025-10-09 08:{5 * k:02d}:00,{vals[k % len(vals)]},{35 + 1e-3 * k},-100"
            for k in range(n)]  # fmt: skip
    return "\n".join([head, *rows]) + "\n"


say("zone column Denver, no --tz", lambda: ingest("z_none", zones(["America/Denver"])))
say(
    "zone column Denver + --tz UTC",
    lambda: ingest("z_utc", zones(["America/Denver"]), "--tz", "UTC"),
)
say("zone column Denver + --tz Europe/Paris",
    lambda: ingest("z_paris", zones(["America/Denver"]), "--tz", "Europe/Paris"))  # fmt: skip
say("zone column Denver + --tz America/Denver",
    lambda: ingest("z_same", zones(["America/Denver"]), "--tz", "America/Denver"))  # fmt: skip
say(
    "zone column CST/MST + --tz UTC", lambda: ingest("z2_utc", zones(["CST", "MST"]), "--tz", "UTC")
)
say(
    "zone column 'Mars/Olympus' row",
    lambda: ingest("z_mars", zones(["America/Denver", "Mars/Olympus"])),
)
say("zone column CST alone", lambda: ingest("z_cst", zones(["CST"])))
say("zone column CST + IST", lambda: ingest("z_ist", zones(["CST", "IST"])))
say("zone column empty cell", lambda: ingest("z_empty", zones(["America/Denver", "MST", ""])))
ZPQ = pl.read_csv(OUT / "z2_utc.csv") if (OUT / "z2_utc.csv").exists() else None
if ZPQ is not None:
    say("parquet zone per row (CST, MST)", lambda: ingest("z_pq", ZPQ))
    say("parquet zone per row + --tz UTC", lambda: ingest("z_pq_utc", ZPQ, "--tz", "UTC"))


# ---- 4. a `visible` column that counts satellites ----
def visible(vals: list, n: int = 8) -> str:
    rows = [f"g1,2026-03-01T10:{k:02d}:00Z,45.{100 + k},-73.{500 + k},{vals[k % len(vals)]}"
            for k in range(n)]  # fmt: skip
    return "\n".join(["individual-local-identifier,timestamp,location-lat,location-long,visible",
                      *rows]) + "\n"  # fmt: skip


say("ingest visible = satellites 8,9,0,7", lambda: ingest("vis_sats", visible([8, 9, 0, 7])))
say("ingest visible = satellites 0..12", lambda: ingest("vis_012", visible(list(range(13)), 13)))
say("ingest visible true/false (Movebank)", lambda: ingest("vis_mb", visible(["true", "false"])))
say("ingest visible 1/0", lambda: ingest("vis_10", visible([1, 0, 1, 1])))
MOVEBANK = {"traj_id": "individual-local-identifier", "t": "timestamp", "lat": "location-lat",
            "lon": "location-long"}  # fmt: skip
say("clean visible = satellites 8,9,0,7",
    lambda: clean(frame([8, 9, 0, 7], "visible").rename(MOVEBANK)))  # fmt: skip
say("clean visible true/false",
    lambda: clean(frame([True, False, True, True], "visible").rename(MOVEBANK)))  # fmt: skip
print(f"{N} cases")
