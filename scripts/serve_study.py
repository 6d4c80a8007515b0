"""A `trajlm serve` for the study scripts that call the HTTP API (scripts/newuser28/walk_delivery.py,
scripts/fleetfix28/http_recover.py): ``with serving(port, *options) as url:`` starts
`trajlm serve --model trajlm-small --port PORT --threads 1 OPTIONS`, yields its URL once /health
answers (up to ~120 s), and stops it after. Measures nothing itself.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import requests


@contextmanager
def serving(port: int, *options: str) -> Iterator[str]:
    srv = subprocess.Popen([sys.executable, "-m", "trajlm.cli", "serve", "--model", "trajlm-small",
                            "--port", str(port), "--threads", "1", *options],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if requests.get(f"{url}/health", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(1)
        yield url
    finally:
        srv.terminate()
        srv.wait(10)
