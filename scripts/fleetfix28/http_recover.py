"""fleetfix28: HTTP /recover of VAN-101 + VAN-102's three days with every 30 s (newuser28's
503 request), timed: `trajlm serve --model trajlm-small --threads 1 --timeout T` on PORT, one
warm-up request of 60 rows, then the request; prints status, seconds and points.

    PYTHONPATH=$PWD python scripts/fleetfix28/http_recover.py [TIMEOUT_S] [EXPORT]
        # TIMEOUT_S default 10 (the server's default); EXPORT: gen_delivery.py's parquet
        # (default /tmp/fleetfix28/nu/telematics_export.parquet). Prints only.
"""

import json
import subprocess
import sys
import time

import pandas as pd
import requests

PORT = 8729


def main(argv: list[str]) -> None:
    timeout = argv[0] if argv else "10"
    path = argv[1] if len(argv) > 1 else "/tmp/fleetfix28/nu/telematics_export.parquet"
    df = pd.read_parquet(path)
    rows = json.loads(df[df.vehicle_id.isin(["VAN-101", "VAN-102"])].to_json(orient="records"))
    srv = subprocess.Popen([sys.executable, "-m", "trajlm.cli", "serve", "--model", "trajlm-small",
                            "--port", str(PORT), "--threads", "1", "--timeout", timeout],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{PORT}"
    try:
        for _ in range(120):
            try:
                if requests.get(f"{url}/health", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(1)
        body = {"trajectories": rows[:60], "every": "30s", "output": "table"}
        requests.post(f"{url}/recover", json=body)  # warm-up
        body["trajectories"] = rows
        t0 = time.perf_counter()
        r = requests.post(f"{url}/recover", json=body)
        secs = time.perf_counter() - t0
        doc = r.json()
        n = len(doc.get("points", doc.get("rows", []))) if isinstance(doc, dict) else len(doc)
        detail = doc.get("detail", "") if isinstance(doc, dict) else ""
        print(f"/recover {len(rows)} rows, --timeout {timeout}: {r.status_code}, {secs:.1f} s, "
              f"{n} points {str(detail)[:200]}")  # fmt: skip
    finally:
        srv.terminate()
        srv.wait()


if __name__ == "__main__":
    main(sys.argv[1:])
