"""badin31: hostile command lines on vessel30's `trajlm predict --at-times` and wrong option
combinations (fresh interpreters: `NNN name | rc=N | last stderr line || first stdout line`),
then HTTP bodies on newuser30's `/predict` `"latest": true` (FastAPI's TestClient in process,
the shipped trajlm-small: `NNN name | ok | HTTP code body`). Classified by hand
(scripts/badin31/classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin31/cli_http.py [OUT_DIR]   (default /tmp/badin31/cli)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin31/cli")
shutil.rmtree(OUT, ignore_errors=True)
OUT.mkdir(parents=True)
ENV = os.environ | {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
n = 0


def run(name: str, *args: str) -> None:
    global n
    n += 1
    p = subprocess.run([sys.executable, "-m", "trajlm.cli", *args], capture_output=True,
                       text=True, env=ENV, cwd=OUT, timeout=600)  # fmt: skip
    err = [x for x in p.stderr.strip().splitlines() if x.strip()]
    tb = any(x.startswith("Traceback") for x in err)
    last = " // ".join(x.strip() for x in err[-2:])[:330] if err else ""
    out = p.stdout.strip().splitlines()
    print(f"{n:03d} {name} | rc={p.returncode}{' TRACEBACK' if tb else ''} | {last} "
          f"|| out: {out[0][:100] if out else ''} / {out[1][:100] if len(out) > 1 else ''}",
          flush=True)  # fmt: skip


def csv(name: str, text: str) -> str:
    (OUT / name).write_text(text)
    return name


three = csv("three.csv", "traj_id,time,lat,lon\n" + "".join(
    f"a,2026-03-02T08:00:{15 * i:02d}Z,41.15,{-8.61 + 0.0015 * i:.5f}\n" for i in range(4)))  # fmt: skip
M = ("predict", "--model", "trajlm-small", "--threads", "1", "--input", three)
run("--at-times two ISO times with Z (fine)", *M, "--at-times", "2026-03-02T08:01:00Z,2026-03-02T08:01:30Z", "--out", "p1.csv")  # fmt: skip
run("--at-times epoch seconds", *M, "--at-times", "1772438460", "--out", "p2.csv")
run("--at-times ISO without a zone", *M, "--at-times", "2026-03-02T08:01:00", "--out", "p3.csv")
run("--at-times before the last fix", *M, "--at-times", "2026-03-02T07:00:00Z", "--out", "p4.csv")
run("--at-times a missing file times.txt", *M, "--at-times", "times.txt", "--out", "p5.csv")
run("--at-times an empty file", *M, "--at-times", csv("empty.txt", ""), "--out", "p6.csv")
run("--at-times a file with a bad line 2", *M, "--at-times", csv("bad.txt", "2026-03-02T08:01:00Z\nsoon\n"), "--out", "p7.csv")  # fmt: skip
run("--at-times epoch ms", *M, "--at-times", "1772438460000", "--out", "p8.csv")
run("--at-times 'nan'", *M, "--at-times", "nan", "--out", "p9.csv")
run("--at-times '' (empty)", *M, "--at-times", "", "--out", "p10.csv")
run("--at-times with --steps", *M, "--at-times", "1772438460", "--steps", "2", "--out", "p11.csv")
run("--at-times with --holdout 2", *M, "--at-times", "1772438460", "--holdout", "2", "--out", "p12.csv")  # fmt: skip
run("--at-times in 2099", *M, "--at-times", "2099-01-01T00:00:00Z", "--out", "p13.csv")
run("--at-times duplicated", *M, "--at-times", "1772438460,1772438460", "--out", "p14.csv")
run("--at-times ' , , '", *M, "--at-times", " , , ", "--out", "p15.csv")
run("--at-times with +05:30 offset", *M, "--at-times", "2026-03-02T13:31:00+05:30", "--out", "p16.csv")  # fmt: skip
run("--at-times a date only '2026-03-02'", *M, "--at-times", "2026-03-02", "--out", "p17.csv")
run("--at-times '-5'", *M, "--at-times", "-5", "--out", "p18.csv")
run("--seconds-ahead 15 --latest", *M, "--seconds-ahead", "15", "--latest", "--out", "p19.csv")
run("--out the input file itself", *M, "--steps", "1", "--out", three)
# ---- HTTP /predict "latest": true
from fastapi.testclient import TestClient  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases  # noqa: E402

import trajlm  # noqa: E402
from trajlm.serve.app import create_app  # noqa: E402

say = Cases(got=300, describe=lambda r: f"HTTP {r.status_code} {r.text}", flush=True)
say.n = n
client = TestClient(create_app(trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)),
                    raise_server_exceptions=False).__enter__()  # fmt: skip
T0 = 1772359200


def van(vid, start, n=6, dt=15):
    return [{"vehicle_id": vid, "t": start + dt * k, "lat": 41.15, "lon": -8.61 + 0.0014 * k}
            for k in range(n)]  # fmt: skip


two_days = van("V1", T0) + van("V1", T0 + 86400)
post = lambda body: lambda: client.post("/predict", json=body)  # noqa: E731
say("latest true, one van two days (fine)", post({"trajectories": two_days, "steps": 1, "latest": True}))  # fmt: skip
say("latest 'true' (a string)", post({"trajectories": two_days, "steps": 1, "latest": "true"}))  # fmt: skip
say("latest 1", post({"trajectories": two_days, "steps": 1, "latest": 1}))
say("latest null", post({"trajectories": two_days, "steps": 1, "latest": None}))
say("latest true on traj_id rows (trips, no vehicle)", post({"trajectories": [{**p, "traj_id": p.pop("vehicle_id")} for p in van("T1", T0)], "steps": 1, "latest": True}))  # fmt: skip
say("latest true with at_times", post({"trajectories": two_days, "at_times": [T0 + 86400 + 90], "latest": True}))  # fmt: skip
say("latest true with at_times before the latest piece's end", post({"trajectories": two_days, "at_times": [T0 + 90], "latest": True}))  # fmt: skip
say("latest true with seconds_ahead for a piece id", post({"trajectories": two_days, "seconds_ahead": {"V1": [15]}, "latest": True}))  # fmt: skip
say("latest true, duplicated rows", post({"trajectories": two_days + two_days[-2:], "steps": 1, "latest": True}))  # fmt: skip
say("latest true, t in ms", post({"trajectories": [{**p, "t": p["t"] * 1000} for p in two_days], "steps": 1, "latest": True}))  # fmt: skip
say("latest true, mixed ids 7 and '7'", post({"trajectories": van(7, T0) + van("7", T0 + 86400), "steps": 1, "latest": True}))  # fmt: skip
say("latest true, id 2**70", post({"trajectories": van(2**70, T0), "steps": 1, "latest": True}))  # fmt: skip
say("latest true, lat / lon swapped", post({"trajectories": [{**p, "lat": p["lon"], "lon": p["lat"]} for p in two_days], "steps": 1, "latest": True}))  # fmt: skip
say("latest true, empty trajectories", post({"trajectories": [], "steps": 1, "latest": True}))
