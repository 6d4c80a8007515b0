"""badin30: hostile HTTP bodies on `trajlm serve` (in process, FastAPI's TestClient, the shipped
trajlm-small): bad JSON, wrong types, NaN / huge numbers, short histories with radii (uncert30),
asked times NaN / unsorted / mixed zones, ids of mixed types, one-point and empty trajectories,
huge horizons, /recover radii, /ask without a store. Prints `NNN name | HTTP code body[:260]`;
a 500 is a fault; classified by hand on first read (scripts/badin30/classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin30/serve_http.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases  # noqa: E402

import trajlm  # noqa: E402
from trajlm.serve.app import create_app  # noqa: E402

say = Cases(got=330, warn=120, warn_total=200, describe=lambda r: f"HTTP {r.status_code} {r.text}", flush=True)  # fmt: skip
client = TestClient(create_app(trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)),
                    raise_server_exceptions=False).__enter__()  # fmt: skip  # runs the lifespan (micro-batcher)
T0 = 1772359200


def pts(n: int, tid="a", dt: int = 15) -> list[dict]:
    return [
        {"traj_id": tid, "t": T0 + dt * k, "lat": 41.15, "lon": -8.61 + 0.0014 * k}
        for k in range(n)
    ]


def post(path: str, body) -> object:
    if isinstance(body, (str, bytes)):
        return lambda: client.post(path, content=body, headers={"content-type": "application/json"})
    return lambda: client.post(path, json=body)


say("/predict not JSON", post("/predict", "{trajectories: [}"))
say("/predict JSON array body", post("/predict", [1, 2, 3]))
say("/predict JSON null", post("/predict", "null"))
say("/predict NaN literal in lat", post("/predict", '{"trajectories": [{"traj_id": "a", "t": 1, "lat": NaN, "lon": 2}, {"traj_id": "a", "t": 2, "lat": 1, "lon": 2}]}'))  # fmt: skip
say("/predict Infinity literal in t", post("/predict", '{"trajectories": [{"traj_id": "a", "t": Infinity, "lat": 1, "lon": 2}, {"traj_id": "a", "t": 2, "lat": 1, "lon": 2}]}'))  # fmt: skip
say("/predict lat 1e400", post("/predict", '{"trajectories": [{"traj_id": "a", "t": 1, "lat": 1e400, "lon": 2}, {"traj_id": "a", "t": 20, "lat": 1, "lon": 2}]}'))  # fmt: skip
say("/predict 1 fix, radii [50, 90]", post("/predict", {"trajectories": pts(1), "steps": 1, "radii": [50, 90]}))  # fmt: skip
say("/predict 2 fixes, radii [90]", post("/predict", {"trajectories": pts(2), "steps": 1, "radii": [90]}))  # fmt: skip
say("/predict 3 fixes, radii [0]", post("/predict", {"trajectories": pts(3), "steps": 1, "radii": [0]}))  # fmt: skip
say("/predict radii [90.5]", post("/predict", {"trajectories": pts(3), "steps": 1, "radii": [90.5]}))  # fmt: skip
say("/predict radii true", post("/predict", {"trajectories": pts(3), "steps": 1, "radii": True}))
say("/predict steps 1e9", post("/predict", {"trajectories": pts(5), "steps": 10**9}))
say("/predict steps '3' (text)", post("/predict", {"trajectories": pts(5), "steps": "3"}))
say("/predict seconds_ahead [1e12]", post("/predict", {"trajectories": pts(5), "seconds_ahead": [1e12]}))  # fmt: skip
say("/predict seconds_ahead 3600 (past rollout?)", post("/predict", {"trajectories": pts(5), "seconds_ahead": [3600]}))  # fmt: skip
say("/predict at_times unsorted", post("/predict", {"trajectories": pts(5), "at_times": [T0 + 200, T0 + 100]}))  # fmt: skip
say("/predict at_times [null]", post("/predict", {"trajectories": pts(5), "at_times": [None]}))
say("/predict at_times zone-aware ISO, t Unix", post("/predict", {"trajectories": pts(5), "at_times": ["2026-03-01T10:03:00+01:00"]}))  # fmt: skip
say("/predict at_times naive ISO and aware ISO mixed", post("/predict", {"trajectories": [dict(p, t=f"2026-03-01T10:00:{15 * k:02d}Z") for k, p in enumerate(pts(4))], "at_times": ["2026-03-01T10:03:00", "2026-03-01T10:04:00+00:00"]}))  # fmt: skip
say("/predict at_times for an unknown id", post("/predict", {"trajectories": pts(5), "at_times": {"zzz": [T0 + 200]}}))  # fmt: skip
say("/predict ids 1 (int) and '1' (str)", post("/predict", {"trajectories": pts(4, tid=1) + [dict(p, t=p["t"] + 3600) for p in pts(4, tid="1")]}))  # fmt: skip
say("/predict id a list", post("/predict", {"trajectories": [dict(p, traj_id=[1]) for p in pts(4)]}))  # fmt: skip
say("/predict empty trajectories", post("/predict", {"trajectories": []}))
say("/predict t as text 'now'", post("/predict", {"trajectories": [dict(p, t="now") for p in pts(3)]}))  # fmt: skip
say("/predict 100k-char traj_id", post("/predict", {"trajectories": pts(3, tid="x" * 100_000), "steps": 1}))  # fmt: skip
say("/recover gap row, radii [50, 90]", post("/recover", {"trajectories": [*pts(2), {"traj_id": "a", "t": T0 + 40, "lat": None, "lon": None}, dict(pts(5)[4])], "radii": [50, 90]}))  # fmt: skip
say("/recover radii [75]", post("/recover", {"trajectories": [*pts(2), {"traj_id": "a", "t": T0 + 40, "lat": None, "lon": None}, dict(pts(5)[4])], "radii": [75]}))  # fmt: skip
say("/recover every position null", post("/recover", {"trajectories": [dict(p, lat=None, lon=None) for p in pts(4)]}))  # fmt: skip
say("/travel-time depart NaN text", post("/travel-time", {"origins": [[41.1, -8.6]], "destinations": [[41.2, -8.5]], "depart": "NaN"}))  # fmt: skip
say("/ask with no store", post("/ask", {"question": "how many trips?", "rows": []}))
say("/ask question 10k chars", post("/ask", {"question": "how many " * 1200, "rows": pts(5)}))
say("/validity lat 91", post("/validity", {"trajectories": [dict(p, lat=91.0) for p in pts(3)]}))
say("/embed one fix", post("/embed", {"trajectories": pts(1)}))
say("/predict body with a BOM", post("/predict", "\ufeff" + json.dumps({"trajectories": pts(3)})))
say("/predict content-type text/plain", lambda: client.post("/predict", content=json.dumps({"trajectories": pts(3)}), headers={"content-type": "text/plain"}))  # fmt: skip
