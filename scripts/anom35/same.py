"""anom35: `trajlm anomalies` before and after, on the same inputs: runs the command with the
code at BEFORE_SRC (a `git archive` of the base commit's trajlm/) and with this checkout's,
each in a child process, and says whether the two output tables are IDENTICAL (the CSV bytes
and the frames, column by column), with each child's CPU seconds (user + sys) and peak RSS.
Inputs from scripts/anom35/gen.py.
Run: PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/python scripts/anom35/same.py \
    BEFORE_SRC [TRIP] [OUT]   (defaults: /tmp/anom35/trip_1000000.parquet, /tmp/anom35/same)
Exit status 1 when the tables differ.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parents[2]
BEFORE_SRC = Path(sys.argv[1])
TRIP = Path(sys.argv[2] if len(sys.argv) > 2 else "/tmp/anom35/trip_1000000.parquet")
OUT = Path(sys.argv[3] if len(sys.argv) > 3 else "/tmp/anom35/same")
OUT.mkdir(parents=True, exist_ok=True)
INPUTS = TRIP.parent


def run(name: str, src: Path) -> tuple[Path, float, float, int]:
    """The command with `src` first on the path: (output csv, CPU s, wall s, peak RSS MB)."""
    out = OUT / f"{name}.csv"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, "-c",
           "import resource, runpy, sys; sys.argv = ['trajlm'] + sys.argv[1:]\n"
           "try:\n    runpy.run_module('trajlm.cli', run_name='__main__')\n"
           "finally:\n    print('maxrss_kb', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
           " file=sys.stderr)",
           "anomalies", "--model", str(INPUTS / "run"), "--data", str(TRIP),
           "--calibrate-on", str(INPUTS / "store"), "--out", str(out)]  # fmt: skip
    env = dict(os.environ, PYTHONPATH=str(src), OMP_NUM_THREADS="1")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=OUT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if res.returncode != 0 or not out.exists():
        sys.exit(f"{name}: exit {res.returncode}\n{res.stderr[-2000:]}")
    rss = [ln for ln in res.stderr.splitlines() if ln.startswith("maxrss_kb")]
    return out, cpu, wall, int(rss[-1].split()[1]) // 1024 if rss else -1


rows = []
for name, src in (("before", BEFORE_SRC), ("after", HERE)):
    out, cpu, wall, rss = run(name, src)
    rows.append((name, out, cpu, wall, rss))
    print(f"{name:6s} CPU {cpu:6.1f} s  wall {wall:6.1f} s  peak RSS {rss} MB  ({src})", flush=True)
a, b = rows[0][1], rows[1][1]
same_bytes = a.read_bytes() == b.read_bytes()
fa, fb = pl.read_csv(a), pl.read_csv(b)
same_frame = fa.equals(fb, null_equal=True)
print(f"{TRIP.name}: {len(fa)} row(s), columns {fa.columns}")
print(
    "IDENTICAL"
    if same_bytes and same_frame
    else f"DIFFERENT (bytes {same_bytes}, frame {same_frame})"
)
sys.exit(0 if same_bytes and same_frame else 1)
