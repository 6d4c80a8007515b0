"""badin30: hostile command lines after tidy30's lazy CLI import: every command should still
answer bad input with one `error: ...` line and exit 2 (no traceback), `--debug` should show
the traceback, `--help` should work without polars; plus predict / recover with short
histories and radii, huge horizons, outputs that exist, damaged inputs. Each case runs
`python -m trajlm.cli ...` in a fresh interpreter and prints `NNN name | rc=N | last stderr
line` (a traceback shows as its last line); classified by hand (scripts/badin30/classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin30/cli.py [OUT_DIR]   (default /tmp/badin30/cli)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin30/cli")
shutil.rmtree(OUT, ignore_errors=True)
OUT.mkdir(parents=True)
ENV = os.environ | {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
n = 0


def run(name: str, *args: str, env: dict[str, str] | None = None) -> None:
    global n
    n += 1
    p = subprocess.run([sys.executable, "-m", "trajlm.cli", *args], capture_output=True,
                       text=True, env=ENV | (env or {}), cwd=OUT, timeout=600)  # fmt: skip
    err = [x for x in p.stderr.strip().splitlines() if x.strip()]
    tb = any(x.startswith("Traceback") for x in err)
    last = " // ".join(x.strip() for x in err[-2:])[:330] if err else ""
    out = p.stdout.strip().splitlines()
    first_out = out[0][:120] if out else ""
    print(f"{n:03d} {name} | rc={p.returncode}{' TRACEBACK' if tb else ''} | {last} "
          f"|| out: {first_out}", flush=True)  # fmt: skip


def csv(name: str, text: str) -> str:
    (OUT / name).write_text(text)
    return name


head = "traj_id,time,lat,lon\n"
rows3 = "".join(
    f"a,2026-03-02 08:00:{15 * i:02d},41.15,{-8.61 + 0.0015 * i:.5f}\n" for i in range(3)
)
rows1 = "a,2026-03-02 08:00:00,41.15,-8.61\n"
three = csv("three.csv", head + rows3)
one = csv("one.csv", head + rows1)
M = ("--model", "trajlm-small", "--threads", "1")
# ---- the boundary after the lazy import
run(
    "no command",
)
run("unknown command", "pridict")
run("--help of predict", "predict", "--help")
run("--help of data ingest", "data", "ingest", "--help")
run("predict --steps abc", "predict", *M, "--input", three, "--steps", "abc", "--out", "p.csv")
run("predict --input missing.csv", "predict", *M, "--input", "missing.csv", "--out", "p.csv")
run("predict --input missing.csv --debug (traceback expected)", "--debug", "predict", *M, "--input", "missing.csv", "--out", "p.csv")  # fmt: skip
run("predict --model no_such_run", "predict", "--model", "no_such_run", "--input", three, "--out", "p.csv")  # fmt: skip
run("predict --radii 50,abc", "predict", *M, "--input", three, "--steps", "1", "--radii", "50,abc", "--out", "p.csv")  # fmt: skip
run("predict --radii 0", "predict", *M, "--input", three, "--steps", "1", "--radii", "0", "--out", "p.csv")  # fmt: skip
run("predict --radii 50,90 on 3 fixes (short radii)", "predict", *M, "--input", three, "--steps", "2", "--radii", "50,90", "--out", "p3.csv")  # fmt: skip
run("predict on 1 fix --radii 90", "predict", *M, "--input", one, "--steps", "1", "--radii", "90", "--out", "p1.csv")  # fmt: skip
run("predict --out exists (no --overwrite)", "predict", *M, "--input", three, "--steps", "1", "--out", "p3.csv")  # fmt: skip
run("predict --seconds-ahead 1e12", "predict", *M, "--input", three, "--seconds-ahead", "1e12", "--out", "p4.csv")  # fmt: skip
run("predict --seconds-ahead nan", "predict", *M, "--input", three, "--seconds-ahead", "nan", "--out", "p5.csv")  # fmt: skip
run("predict --seconds-ahead -5", "predict", *M, "--input", three, "--seconds-ahead", "-5", "--out", "p6.csv")  # fmt: skip
run("predict --seconds-ahead 3600 (past rollout)", "predict", *M, "--input", three, "--seconds-ahead", "3600", "--out", "p7.csv")  # fmt: skip
run("predict --steps 100000", "predict", *M, "--input", three, "--steps", "100000", "--out", "p8.csv")  # fmt: skip
run("predict --threads 0", "predict", "--model", "trajlm-small", "--threads", "0", "--input", three, "--out", "p9.csv")  # fmt: skip
run("predict empty CSV (header only)", "predict", *M, "--input", csv("empty.csv", head), "--out", "p10.csv")  # fmt: skip
run("predict a 0-byte file", "predict", *M, "--input", csv("zero.csv", ""), "--out", "p11.csv")  # fmt: skip
run("predict NaN / inf in lat", "predict", *M, "--input", csv("naninf.csv", head + "a,2026-03-02 08:00:00,nan,-8.61\na,2026-03-02 08:00:15,inf,-8.61\na,2026-03-02 08:00:30,41.15,-8.60\n"), "--out", "p12.csv")  # fmt: skip
run("predict ids 1 and 1.0 (mixed)", "predict", *M, "--input", csv("ids.csv", head + rows3 + rows3.replace("a,", "1,").replace("08:00", "09:00") + rows3.replace("a,", "1.0,").replace("08:00", "10:00")), "--steps", "1", "--out", "p13.csv")  # fmt: skip
run("predict --input a directory that is no store", "predict", *M, "--input", ".", "--out", "p14.csv")  # fmt: skip
run("predict --out into a missing folder", "predict", *M, "--input", three, "--steps", "1", "--out", "nodir/sub/p.csv")  # fmt: skip
run("recover --radii 50,90 on a gap row", "recover", *M, "--input", csv("gap.csv", head + "a,2026-03-02 08:00:00,41.15,-8.61\na,2026-03-02 08:00:15,,\na,2026-03-02 08:00:30,41.15,-8.607\n"), "--radii", "50,90", "--out", "r1.csv")  # fmt: skip
run("recover --every 0s", "recover", *M, "--input", "gap.csv", "--every", "0s", "--out", "r2.csv")  # fmt: skip
run("recover --every -1h", "recover", *M, "--input", "gap.csv", "--every", "-1h", "--out", "r3.csv")  # fmt: skip
run("recover --every 1ns", "recover", *M, "--input", "gap.csv", "--every", "1ns", "--out", "r4.csv")  # fmt: skip
run("recover --gap-rule nope", "recover", *M, "--input", "gap.csv", "--gap-rule", "nope", "--out", "r5.csv")  # fmt: skip
run("ask with an empty question", "ask", "", "--data", "/tmp/stores/porto")
run("ask --data missing", "ask", "how many trips?", "--data", "nostore")
run("ask --tz Mars/Olympus", "ask", "how many trips?", "--data", "/tmp/stores/porto", "--tz", "Mars/Olympus")  # fmt: skip
run("eval --task nope", "eval", "--task", "nope", "--data", "/tmp/stores/porto", "--model", "trajlm-small")  # fmt: skip
run("serve --port -1", "serve", "--model", "trajlm-small", "--port", "-1")
run("serve --port 70000", "serve", "--model", "trajlm-small", "--port", "70000")
run("serve --max-batch 0", "serve", "--model", "trajlm-small", "--max-batch", "0", "--port", "0")
run("data ingest --out existing file", "data", "ingest", three, "--out", three)
run("data inspect a CSV (not a store)", "data", "inspect", three)
run("train --data missing", "train", "--data", "nostore", "--out", "run1")
run("TRAJLM_DEBUG=1 and bad input (traceback expected)", "predict", *M, "--input", "missing.csv", "--out", "p.csv", env={"TRAJLM_DEBUG": "1"})  # fmt: skip
