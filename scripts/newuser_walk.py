"""What every new-user walk script needs (newuser30's vessels, newuser31's transit): run one
notebook cell and print its time, warnings and answer; call a local `trajlm serve`; start one.
Made one in session 31 (the duplicates check found newuser31's copies of newuser30's)."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any


def step(name: str, f: Any) -> Any:
    """Run one cell: its time, its warnings and the head of its answer."""
    t = time.time()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            r = f()
        except Exception as e:  # a refusal is a finding, not the end of the notebook
            print(f"== {name}: {type(e).__name__}: {e}")
            r = None
    print(f"== {name} ({time.time() - t:.1f}s)")
    for x in w:
        print(f"   WARN {x.category.__name__} {Path(x.filename).name}:{x.lineno}: {x.message}")
    if r is not None:
        print(
            r.head(6) if callable(getattr(r, "head", None)) else r
        )  # (a classifier's .head is a str)
        print(getattr(r, "shape", None))
    return r


def call(port: int, method: str, path: str, body: Any = None) -> tuple[int, str]:
    """One HTTP request to the local server: (status, body text)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    c.request(method, path, None if body is None else json.dumps(body),
              {"content-type": "application/json"})  # fmt: skip
    r = c.getresponse()
    return r.status, r.read().decode()


def start_server(run: str, port: int, log_path: Path) -> subprocess.Popen:
    """`trajlm serve --model run` on `port` (its output in log_path), once /health answers."""
    log = open(log_path, "w")
    srv = subprocess.Popen([sys.executable, "-m", "trajlm.cli", "serve", "--model", run, "--port",
                            str(port), "--threads", "1"], stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    for _ in range(120):
        try:
            print("health", *call(port, "GET", "/health"))
            break
        except OSError:
            time.sleep(1)
    return srv


def post_each(port: int, requests: list[tuple[str, Any]], width: int = 600) -> None:
    """POST each (path, body) and print its status, time and the head of its answer."""
    for path, body in requests:
        t = time.time()
        status, text = call(port, "POST", path, body)
        print(f"== {path} {sorted(body)}: {status} ({time.time() - t:.1f}s) {text[:width]}")


def walk_out(name: str) -> Path:
    """A walk's output folder: argv[1], else $NAME_OUT, else /tmp/name (newuser32)."""
    import os

    return Path(
        sys.argv[1] if len(sys.argv) > 1 else os.environ.get(f"{name.upper()}_OUT", f"/tmp/{name}")
    )


def cells(name: str) -> Any:
    """`step`, skipped unless $NAME_CELLS (comma-separated) names the cell's start (newuser32)."""
    import os

    only = set(os.environ.get(f"{name.upper()}_CELLS", "").split(",")) - {""}
    return lambda cell, f: (
        None if only and not any(cell.startswith(o) for o in only) else step(cell, f)
    )


def metres(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    """Equirectangular distance in metres (arrays or Series): a walk's error against its truth."""
    import numpy as np

    k = np.pi / 180
    x = (lon2 - lon1) * k * np.cos((lat1 + lat2) * k / 2)
    return 6_371_000 * np.hypot(x, (lat2 - lat1) * k)


def serve_and_post(run: str, port: int, log_path: Path, requests: list[tuple[str, Any]],
                   width: int = 600) -> None:  # fmt: skip
    """`trajlm serve --model run`, each request POSTed (`post_each`), the server stopped."""
    srv = start_server(run, port, log_path)
    try:
        post_each(port, requests, width)
    finally:
        srv.terminate()
        srv.wait()


def recorded_step(log: dict, name: str, fn: Any, width: int = 1800) -> None:
    """Run one cell and record it in ``log[name]``: ok and its result, or the exception's first
    line and where it was raised, every distinct warning's first line, and the seconds (the
    walk.json a before / after table is read from: newuser38, newuser40)."""
    import traceback

    t0 = time.time()
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        try:
            entry = {"ok": True, "result": fn()}
        except Exception as e:  # noqa: BLE001 - the walk records what a user would see
            tb = traceback.extract_tb(e.__traceback__)
            first = str(e).splitlines()[0] if str(e) else ""
            entry = {"ok": False, "error": f"{type(e).__name__}: {first}",
                     "where": f"{tb[-1].filename}:{tb[-1].lineno}"}  # fmt: skip
    entry["warnings"] = sorted(
        {f"{w.category.__name__}: {str(w.message).splitlines()[0][:400]}" for w in said}
    )
    entry["s"] = round(time.time() - t0, 1)
    log[name] = entry
    print(name, json.dumps(entry, default=str)[:width], flush=True)
