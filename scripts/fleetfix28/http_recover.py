"""fleetfix28: HTTP /recover of VAN-101 + VAN-102's three days with every 30 s (newuser28's
503 request), timed: `trajlm serve --model trajlm-small --threads 1 --timeout T` on PORT, one
warm-up request of 60 rows, then the request; prints status, seconds and points.

    PYTHONPATH=$PWD python scripts/fleetfix28/http_recover.py [TIMEOUT_S] [EXPORT]
        # TIMEOUT_S default 10 (the server's default); EXPORT: gen_delivery.py's parquet
        # (default /tmp/fleetfix28/nu/telematics_export.parquet). Prints only.
"""

import json
import sys
import time
from pathlib import Path

import pandas as pd
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from serve_study import serving  # noqa: E402

PORT = 8729


def main(argv: list[str]) -> None:
    timeout = argv[0] if argv else "10"
    path = argv[1] if len(argv) > 1 else "/tmp/fleetfix28/nu/telematics_export.parquet"
    df = pd.read_parquet(path)
    rows = json.loads(df[df.vehicle_id.isin(["VAN-101", "VAN-102"])].to_json(orient="records"))
    with serving(PORT, "--timeout", timeout) as url:
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


if __name__ == "__main__":
    main(sys.argv[1:])
