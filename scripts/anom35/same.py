"""anom35: `trajlm anomalies` before and after, on the same inputs: runs the command with the
code at BEFORE_SRC (a `git archive` of the base commit's trajlm/) and with this checkout's,
each in a child process, and says whether the two output tables are IDENTICAL (the CSV bytes
and the frames, column by column), with each child's CPU seconds (user + sys) and peak RSS.
With --points, also the Python twin's per-point evidence (`AnomalyDetector.score_points`:
the rollout value, dwell, step z2 and segment rows of every one of the trip's rows) before
and after, compared the same way (Parquet frames).
Inputs from scripts/anom35/gen.py.
Run: PYTHONPATH=$PWD OMP_NUM_THREADS=1 .venv/bin/python scripts/anom35/same.py \
    BEFORE_SRC [TRIP] [OUT] [--points]   (defaults: /tmp/anom35/trip_1000000.parquet, /tmp/anom35/same)
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
POINTS = "--points" in sys.argv
ARGS = [a for a in sys.argv[1:] if a != "--points"]
BEFORE_SRC = Path(ARGS[0])
TRIP = Path(ARGS[1] if len(ARGS) > 1 else "/tmp/anom35/trip_1000000.parquet")
OUT = Path(ARGS[2] if len(ARGS) > 2 else "/tmp/anom35/same")
OUT.mkdir(parents=True, exist_ok=True)
INPUTS = TRIP.parent


CLI = ("import resource, runpy, sys; sys.argv = ['trajlm'] + sys.argv[1:]\n"
       "try:\n    runpy.run_module('trajlm.cli', run_name='__main__')\n"
       "finally:\n    print('maxrss_kb', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
       " file=sys.stderr)")  # fmt: skip
API = """import resource, sys, warnings
import trajlm
warnings.simplefilter("ignore")  # the 6-trip calibration's alpha warning
run, store, trip, out = sys.argv[1:]
det = trajlm.AnomalyDetector(run).fit(store)  # as --calibrate-on STORE
det.score_points(trip).write_parquet(out)
print('maxrss_kb', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def run(name: str, src: Path) -> tuple[Path, float, float, int]:
    """The command (or, for "points_*", the API) with `src` first on the path: (output
    file, CPU s, wall s, peak RSS MB)."""
    api = name.startswith("points")
    out = OUT / f"{name}.{'parquet' if api else 'csv'}"
    out.unlink(missing_ok=True)
    run_, store = str(INPUTS / "run"), str(INPUTS / "store")
    cmd = [sys.executable, "-c", API, run_, store, str(TRIP), str(out)] if api else [
        sys.executable, "-c", CLI, "anomalies", "--model", run_, "--data", str(TRIP),
        "--calibrate-on", store, "--out", str(out)]  # fmt: skip
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


def compare(before: str, after: str) -> bool:
    rows = []
    for name, src in ((before, BEFORE_SRC), (after, HERE)):
        out, cpu, wall, rss = run(name, src)
        rows.append(out)
        print(f"{name:13s} CPU {cpu:6.1f} s  wall {wall:6.1f} s  peak RSS {rss} MB  ({src})",
              flush=True)  # fmt: skip
    a, b = rows
    read = pl.read_parquet if a.suffix == ".parquet" else pl.read_csv
    fa, fb = read(a), read(b)
    same_bytes = a.suffix == ".parquet" or a.read_bytes() == b.read_bytes()
    same_frame = fa.equals(fb, null_equal=True)
    print(f"{TRIP.name}: {len(fa)} row(s), columns {fa.columns}")
    print(
        "IDENTICAL"
        if same_bytes and same_frame
        else f"DIFFERENT (bytes {same_bytes}, frame {same_frame})"
    )
    return same_bytes and same_frame


ok = compare("before", "after")
if POINTS:
    ok = compare("points_before", "points_after") and ok
sys.exit(0 if ok else 1)
