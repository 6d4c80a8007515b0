"""local37: the HTTP API on x / y metres (newuser36's UWB forklifts), without and with
`"crs": "local"`; each request's status and answer head (docs/data.md "Session 37 (local37)").
Usage: python scripts/local37/walk_http.py --raw DIR (gen_gps.py's output)."""

from __future__ import annotations

import argparse
import json
import warnings
from pathlib import Path

import polars as pl
from fastapi.testclient import TestClient

import trajlm
from trajlm.serve import create_app


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--raw", type=Path, default=Path("/tmp/local37/raw"))
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    df = pl.read_csv(args.raw / "uwb_forklifts.csv").filter(pl.col("tag_id") == "FL-01")
    df = df.head(120)[::2]
    xy = [{"traj_id": "FL-01", "t": r["timestamp"], "x": r["x_m"], "y": r["y_m"]}
          for r in df.iter_rows(named=True)]  # fmt: skip
    gap = xy[:3] + [dict(xy[3], x=None, y=None)] + xy[4:8]
    calls = [
        ("/predict", {"trajectories": xy, "steps": 2}),
        ("/predict", {"trajectories": xy, "steps": 2, "crs": "local"}),
        ("/predict", {"trajectories": xy, "steps": 2, "crs": "local", "output": "geojson"}),
        ("/recover", {"trajectories": gap, "crs": "local"}),
        ("/parked", {"trajectories": xy, "crs": "local"}),
        ("/validity", {"trajectories": xy[:5], "crs": "local"}),
        ("/reach", {"trajectories": xy, "crs": "local", "to": [[1.0, 1.0]]}),
        ("/divert", {"trajectories": xy, "crs": "local", "order": [[1.0, 1.0]]}),
        (
            "/travel-time",
            {
                "origins": [[10, 5]],
                "destinations": [[70, 35]],
                "depart": 1796191200,
                "crs": "local",
            },
        ),  # fmt: skip
        ("/ask", {"question": "describe trip FL-01", "rows": xy, "crs": "local"}),
    ]
    with TestClient(create_app(trajlm.TrajLM.from_pretrained("trajlm-small", threads=1))) as c:
        for path, body in calls:
            r = c.post(path, json=body)
            print(
                f"== {path} crs={body.get('crs')!r}: {r.status_code} {json.dumps(r.json())[:300]}"
            )


if __name__ == "__main__":
    main()
