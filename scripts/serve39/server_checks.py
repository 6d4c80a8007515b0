"""serve39: a real `trajlm serve` on a free localhost port, as a dashboard meets it: all 12
ploughs in one body, a gzip body, a 2 MB answer (480 vehicles x 30 steps, gzip), 48 requests
from 16 threads against their serial answers, the weights file swapped under a running server,
a restart mid-use, and a half-copied weights file at start-up.

    PYTHONPATH=$PWD python scripts/serve39/server_checks.py   # work under $SERVE39_OUT (/tmp/serve39)
"""

from __future__ import annotations

import concurrent.futures as cf
import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
from safetensors.numpy import load_file, save_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fleet import make_fleet  # noqa: E402

OUT = Path(os.environ.get("SERVE39_OUT", "/tmp/serve39"))
SMALL = Path("trajlm/checkpoints/trajlm-small")


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(model: Path, port: int) -> subprocess.Popen:
    log = (OUT / "server.log").open("a")
    cmd = [
        sys.executable,
        "-m",
        "trajlm.cli",
        "serve",
        "--model",
        str(model),
        "--port",
        str(port),
        "--threads",
        "1",
    ]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(400):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("the server did not start (see server.log)")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rows = make_fleet(39, 12)
    num = [dict(r, latitude=float(r["latitude"]), longitude=float(r["longitude"])) for r in rows]
    mdir = OUT / "model"  # a copy: the swap below must not touch the shipped folder
    shutil.rmtree(mdir, ignore_errors=True)
    shutil.copytree(SMALL, mdir)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    srv = start(mdir, port)
    try:
        c = httpx.Client(base_url=url, timeout=120)
        body = {"trajectories": num, "steps": 3}
        ref = c.post("/predict", json=body)
        print("12 ploughs in one body:", ref.status_code, len(ref.content), "bytes")
        gz = gzip.compress(json.dumps(body).encode())
        r = c.post(
            "/predict",
            content=gz,
            headers={"content-type": "application/json", "content-encoding": "gzip"},
        )
        print("gzip body:", r.status_code, "same answer:", r.json() == ref.json())
        big = {
            "trajectories": [
                dict(x, unitId=f"{x['unitId']}-{k}") for k in range(40) for x in num[:500]
            ],
            "steps": 30,
        }
        t = time.time()
        r = c.post("/predict", json=big)
        print(f"480 vehicles x 30 steps: {r.status_code} in {time.time() - t:.1f} s {r.text[:90] if r.status_code != 200 else ''}, "
              f"{int(r.headers.get('content-length', 0)):,} bytes on the wire ({r.headers.get('content-encoding')})")  # fmt: skip

        def one(i: int) -> dict:
            b = {
                "trajectories": [x for x in num if x["unitId"] == f"PL-{i % 12 + 1:02d}"],
                "steps": 3,
            }
            got = httpx.post(url + "/predict", json=b, timeout=120)
            return {"status": got.status_code, "points": got.json().get("points")}

        with cf.ThreadPoolExecutor(16) as ex:
            res = list(ex.map(one, range(48)))
        serial = {i: one(i)["points"] for i in range(12)}
        ok = [(i, x) for i, x in enumerate(res) if x["status"] == 200 and serial[i % 12]]
        diff = max((abs(a["lat"] - b["lat"]) for i, x in ok
                    for a, b in zip(x["points"], serial[i % 12], strict=True)), default=float("nan"))  # fmt: skip
        codes = Counter(x["status"] for x in res)
        print(
            f"48 requests, 16 threads: statuses {dict(codes)}, max |concurrent - serial| {diff:.1e} deg"
        )
        h1 = c.get("/health").json()
        w = {k: v * 1.01 for k, v in load_file(mdir / "model.safetensors").items()}
        save_file(w, str(mdir / "model.safetensors.new"))
        os.replace(mdir / "model.safetensors.new", mdir / "model.safetensors")
        r = c.post("/predict", json=body)
        print("weights swapped while serving: same answer", r.json() == ref.json(),
              "| /health sha unchanged", c.get("/health").json()["weights_sha256"] == h1["weights_sha256"])  # fmt: skip
        srv.terminate()
        srv.wait()
        try:
            c.post("/predict", json=body)
        except httpx.HTTPError as e:
            print("while down:", type(e).__name__)
        srv = start(mdir, port)
        r = c.post("/predict", json=body)
        h2 = c.get("/health").json()
        print("after restart:", r.status_code, "answer changed", r.json() != ref.json(),
              "| sha changed", h2["weights_sha256"] != h1["weights_sha256"])  # fmt: skip
    finally:
        srv.terminate()
        srv.wait()
    (mdir / "model.safetensors").write_bytes((SMALL / "model.safetensors").read_bytes()[:1000])
    p = subprocess.run([sys.executable, "-m", "trajlm.cli", "serve", "--model", str(mdir), "--port", str(port)],
                       capture_output=True, text=True, timeout=300)  # fmt: skip
    print(
        "half-copied weights at start: exit",
        p.returncode,
        (p.stdout + p.stderr).strip().splitlines()[-1][:200],
    )


if __name__ == "__main__":
    main()
