"""badin26: hostile inputs on session 26's reader / cleaning surfaces (readers26): the
accuracy_m / HDOP filter (`trajlm.clean`, `trajlm data ingest --max-accuracy-m / --max-hdop`),
per-row zones, header line numbers past title lines, one id reused by two movers (<id>#2).

Prints one line per case: `name | exit/exception | first line of output`. Classified by hand on
first read (docs/reliability.md "Session 26 (badin26)").
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin26/readers.py [OUT_DIR]   (default /tmp/badin26/readers)
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import polars as pl
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases  # noqa: E402

import trajlm  # noqa: E402
from trajlm.cli import app
from trajlm.data.store import read_store

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin26/readers")
shutil.rmtree(OUT, ignore_errors=True)
OUT.mkdir(parents=True)


say = Cases(got=300, error=300, where=120, warnings_said=False)


def ingest(name: str, text: str, *opts: str) -> str:
    src = OUT / f"{name}.csv"
    src.write_text(text)
    out = OUT / f"{name}_store"
    res = CliRunner().invoke(app, ["data", "ingest", str(src), "--out", str(out), *opts])
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    tail = " / ".join(
        ln
        for ln in lines
        if any(w in ln for w in ("rror", "drop", "accuracy", "hdop", "reused", "line", "zone", "#"))
    )[:400]
    ids = ""
    if res.exit_code == 0 and out.exists():
        df = read_store(out)
        ids = f" ids={sorted(df['traj_id'].unique().to_list())[:6]} n={df.height}"
    exc = (
        ""
        if res.exception is None or isinstance(res.exception, SystemExit)
        else f" EXC {type(res.exception).__name__}: {res.exception}"
    )
    return f"exit={res.exit_code}{ids}{exc} :: {tail}"


def phones(acc: list, col: str = "accuracy_m", n: int = 12) -> str:
    rows = [f"p1,2026-03-01 10:00:{2 * k:02d},45.{100 + k},-73.{500 + k},{acc[k % len(acc)]}"
            for k in range(n)]  # fmt: skip
    return "\n".join([f"id,time,lat,lon,{col}", *rows]) + "\n"


def frame(acc, col="accuracy_m") -> pl.DataFrame:
    n = len(acc)
    return pl.DataFrame({"traj_id": ["a"] * n, "t": 1_772_000_000 + np.arange(n) * 10,
                         "lat": 45.1 + 1e-4 * np.arange(n), "lon": -73.5 + 1e-4 * np.arange(n),
                         col: acc}, strict=False)  # fmt: skip


def clean(df: pl.DataFrame) -> str:
    out, rep = trajlm.clean(df)
    return f"kept {out.height}/{df.height} cols={out.columns} report={rep}"[:300]


# ---- trajlm.clean on accuracy columns (Python) ----
say("clean acc NaN", lambda: clean(frame([5.0, float("nan"), 6.0, 7.0])))
say("clean acc inf", lambda: clean(frame([5.0, float("inf"), 6.0, 7.0])))
say("clean acc negative", lambda: clean(frame([5.0, -300.0, 6.0, 7.0])))
say("clean acc text 'abc'", lambda: clean(frame(["5", "abc", "6", "7"])))
say("clean acc text '1500 m'", lambda: clean(frame(["5", "1500 m", "6", "7"])))
say("clean acc null", lambda: clean(frame([5.0, None, 6.0, 7.0])))
say("clean acc bool", lambda: clean(frame([True, False, True, True])))
say("clean acc all 1500", lambda: clean(frame([1500.0] * 4)))
say("clean hdop 40 (default off)", lambda: clean(frame([40.0] * 4, "hdop")))
say(
    "clean 2 acc cols",
    lambda: clean(
        frame([5.0, 1500.0, 6.0, 7.0]).with_columns(
            horizontalAccuracy=pl.Series([1500.0, 5.0, 5.0, 5.0])
        )
    ),
)
say("clean 'Accuracy' capital", lambda: clean(frame([5.0, 1500.0, 6.0, 7.0], "Accuracy")))
say("clean acc as int", lambda: clean(frame([5, 1500, 6, 7])))

# ---- CLI options ----
good = phones([5, 8, 1500, 12])
for opt in (["--max-accuracy-m", "-1"], ["--max-accuracy-m", "nan"], ["--max-accuracy-m", "inf"],
            ["--max-accuracy-m", "abc"], ["--max-accuracy-m", "0"], ["--max-hdop", "0"],
            ["--max-hdop", "-2"], ["--max-hdop", "nan"], ["--max-hdop", "inf"],
            ["--max-accuracy-m", "1e-9"]):  # fmt: skip
    say(
        f"ingest {' '.join(opt)}",
        lambda o=opt: ingest("opt" + "_".join(o).replace("-", ""), good, *o),
    )
say("ingest acc all poor", lambda: ingest("allpoor", phones([1500])))
say("ingest acc text column", lambda: ingest("acctext", phones(["good", "bad"])))
say("ingest acc '5 m' units", lambda: ingest("accunits", phones(["5 m", "1500 m"])))
say("ingest acc empty cells", lambda: ingest("accempty", phones(["", 5, 1500])))
say("ingest acc negative", lambda: ingest("accneg", phones([-5, 5])))
say("ingest acc NaN text", lambda: ingest("accnan", phones(["NaN", 5, 1500])))
say(
    "ingest hdop col + --max-hdop 5",
    lambda: ingest("hdop5", phones([1, 2, 30], "hdop"), "--max-hdop", "5"),
)
say(
    "ingest hdop col + --max-accuracy-m 5 (no acc col)",
    lambda: ingest("hdopacc", phones([1, 30], "hdop"), "--max-accuracy-m", "5"),
)
say(
    "ingest --max-hdop without hdop col",
    lambda: ingest("nohdop", phones([5, 8]), "--max-hdop", "5"),
)


# ---- per-row zones ----
def zones(vals: list[str], n: int = 8) -> str:
    rows = [
        f"T1,2025-10-09 08:{5 * k:02d}:00,{vals[k % len(vals)]},{35 + 1e-3 * k},-100"
        for k in range(n)
    ]  # noqa: E501
    return "\n".join(["unit_id,Local Time,Time Zone,lat,lon", *rows]) + "\n"


say("zone Mars/Olympus", lambda: ingest("zmars", zones(["Mars/Olympus"])))
say("zone empty cells", lambda: ingest("zempty", zones(["America/Denver", ""])))
say("zone CST alone", lambda: ingest("zcst", zones(["CST"])))
say("zone +05:00", lambda: ingest("zoff", zones(["+05:00"])))
say("zone UTC+14", lambda: ingest("zoff14", zones(["UTC+14"])))
say("zone +25:00", lambda: ingest("zoff25", zones(["+25:00"])))
say("zone lowercase america/denver", lambda: ingest("zlower", zones(["america/denver"])))
say("zone numbers -6", lambda: ingest("znum", zones(["-6"])))
say("zone mixed IANA + abbrev", lambda: ingest("zmix", zones(["America/Chicago", "MST"])))
say(
    "zone spring-forward gap",
    lambda: ingest(
        "zgap",
        "\n".join(
            ["unit_id,Local Time,Time Zone,lat,lon"]
            + [
                f"T1,2026-03-08 0{h}:{m:02d}:00,America/Denver,35.{k},-100"
                for k, (h, m) in enumerate([(1, 30), (1, 50), (2, 10), (2, 30), (3, 10), (3, 30)])
            ]
        )
        + "\n",
    ),
)
say("zone + --tz both", lambda: ingest("ztz", zones(["America/Denver"]), "--tz", "UTC"))
say(
    "zone col + times with Z",
    lambda: ingest(
        "zZ",
        "\n".join(
            ["unit_id,Local Time,Time Zone,lat,lon"]
            + [f"T1,2025-10-09T08:{5 * k:02d}:00Z,America/Denver,35.{k},-100" for k in range(6)]
        )
        + "\n",
    ),
)

# ---- header line numbers past title lines ----
title = "Fleet export\nGenerated 2026-01-01\n\n"
body = "\n".join(
    ["id,time,lat,lon"] + [f"a,2026-01-01 10:00:{k:02d},45.{k},-73.{k}" for k in range(8)]
)
say(
    "title lines + bad lat line 7",
    lambda: ingest("tbad", title + body.replace("45.3,", "abc,") + "\n"),
)
say(
    "title lines + lat 95 row", lambda: ingest("t95", title + body.replace("45.3,", "95.3,") + "\n")
)
say(
    "title lines + short row",
    lambda: ingest(
        "tshort", title + body.replace("a,2026-01-01 10:00:04,45.4,-73.4", "a,2026") + "\n"
    ),
)
say(
    "title lines + bad time",
    lambda: ingest("ttime", title + body.replace("2026-01-01 10:00:05", "yesterday") + "\n"),
)
say(
    "BOM + title + bad lat",
    lambda: ingest("tbom", "\ufeff" + title + body.replace("45.3,", "abc,") + "\n"),
)
say(
    "CRLF + title + bad lat",
    lambda: ingest("tcrlf", (title + body.replace("45.3,", "abc,") + "\n").replace("\n", "\r\n")),
)

# ---- reused ids ----
T0 = "2026-01-05 06:{:02d}:{:02d}"


def run(unit: str, lon: float, start: int, n: int = 12) -> list[str]:
    return [
        f"{unit},{T0.format(start + k // 6, 10 * (k % 6))},45.1,{lon + 1e-4 * k}" for k in range(n)
    ]


say(
    "reused id + an id already named 12#2",
    lambda: ingest(
        "r2",
        "\n".join(
            [
                "unit_id,time,lat,lon",
                *run("12", -75.0, 0),
                *run("12#2", -74.0, 0),
                *run("12", -75.2, 0),
            ]
        )
        + "\n",
    ),
)
say(
    "reused id three times",
    lambda: ingest(
        "r3",
        "\n".join(
            [
                "unit_id,time,lat,lon",
                *run("12", -75.0, 0),
                *run("12", -75.2, 0),
                *run("12", -75.4, 0),
            ]
        )
        + "\n",
    ),
)
say(
    "reused id run of 4 rows (glitch)",
    lambda: ingest(
        "r4",
        "\n".join(["unit_id,time,lat,lon", *run("12", -75.0, 0), *run("12", -75.2, 0, n=4)]) + "\n",
    ),
)
say(
    "reused id int-looking ids 012 / 12",
    lambda: ingest(
        "r5",
        "\n".join(["unit_id,time,lat,lon", *run("012", -75.0, 0), *run("12", -75.2, 0)]) + "\n",
    ),
)
print(f"{say.n} cases")
