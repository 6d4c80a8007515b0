"""serve39: every call a fleet dashboard makes, classified (works / told / dead end / silent
wrong / 500 / confusing), in process through FastAPI's TestClient on trajlm-small.

The fleet is scripts/serve39/fleet.py's (seed 39: 12 Oulu snow ploughs over a DST change,
`unitId`, `ts` with offsets, `latitude` / `longitude` as text in some rows). Answers are
compared with the Python API on the same rows. The real-server checks (gzip, a 2 MB answer,
16 concurrent clients, a restart, a weights swap) are scripts/serve39/server_checks.py.

    PYTHONPATH=$PWD python scripts/serve39/calls.py        # the code on PYTHONPATH
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fleet import make_fleet  # noqa: E402

warnings.simplefilter("ignore")


def main() -> None:
    from fastapi.testclient import TestClient

    import trajlm
    from trajlm.serve import create_app

    rows = make_fleet(39, 12)
    num = [dict(r, latitude=float(r["latitude"]), longitude=float(r["longitude"])) for r in rows]
    two = [r for r in rows if r["unitId"] in ("PL-01", "PL-02")]
    two_num = [r for r in num if r["unitId"] in ("PL-01", "PL-02")]
    model = trajlm.TrajLM.from_pretrained("trajlm/checkpoints/trajlm-small")
    py = model.predict(pl.DataFrame(two_num), steps=3)
    got: list[tuple[str, str, str]] = []

    def note(name: str, verdict: str, why: str) -> None:
        got.append((name, verdict, why))
        print(f"{verdict:12s} {name}: {why}"[:300])

    with TestClient(create_app(model)) as c:
        r = c.post("/predict", json={"trajectories": two, "steps": 3})
        if r.status_code == 200:
            same = [p["lat"] for p in r.json()["points"]] == py["latitude"].to_list()
            note("predict, text lat/lon in some rows", "works" if same else "silent wrong",
                 f"200, equal to Python: {same}")  # fmt: skip
        else:
            note("predict, text lat/lon in some rows", "told", r.json()["error"])
        bad = [dict(x) for x in two_num]
        bad[3]["latitude"] = "65,01"
        e = c.post("/predict", json={"trajectories": bad}).json()
        note("predict, '65,01'", "told" if "latitude" in e["field"] else "confusing",
             f"{e['field']}: {e['error']}")  # fmt: skip
        at = {"PL-01": ["2026-03-29T04:30:00+03:00"], "PL-02": ["2026-03-29T04:10:00+03:00"]}
        r = c.post(
            "/predict", json={"trajectories": two_num, "at_times": at, "radii": [50, 90, 95]}
        )
        pa = model.predict(pl.DataFrame(two_num), at_times=at, radii=[50, 90, 95])
        same = (
            r.status_code == 200
            and [p["lat"] for p in r.json()["points"]] == pa["latitude"].to_list()
        )
        note("predict at_times per vehicle + radii", "works" if same else "silent wrong",
             f"{r.status_code}, equal to Python: {same}, times {[p['time'] for p in r.json()['points']]}")  # fmt: skip
        r = c.post("/predict", json={"trajectories": two_num, "latest": True, "steps": 2})
        note("predict latest", "works" if r.status_code == 200 else "told", r.text[:120])
        gap = [
            dict(x, latitude=None, longitude=None) if i in (5, 6) else x
            for i, x in enumerate(two_num)
        ]
        r = c.post("/recover", json={"trajectories": gap})
        n = sum(p.get("recovered", False) for p in r.json().get("points", []))
        pr = model.recover(
            pl.DataFrame(gap, schema_overrides={"latitude": pl.Float64, "longitude": pl.Float64})
        )
        same = (
            r.status_code == 200
            and [p["lat"] for p in r.json()["points"]] == pr["latitude"].to_list()
        )
        note("recover 2 nulls", "works" if n == 2 and same else "silent wrong",
             f"{r.status_code}, {n} recovered, equal to Python: {same}")  # fmt: skip
        for path, body in (("/travel-time", {"origins": [[65.01, 25.46]], "destinations": [[65.03, 25.5]],
                                            "depart": "2026-03-29T04:30:00+03:00"}),
                           ("/classify", {"trajectories": two_num}), ("/similar", {"trajectories": two_num})):  # fmt: skip
            r = c.post(path, json=body)
            note(
                path,
                "told" if r.status_code == 404 else f"{r.status_code}",
                r.json().get("error", "")[:150],
            )
        r = c.post("/validity", json={"trajectories": two})
        if r.status_code == 200:
            cv = trajlm.check_validity(pl.DataFrame(two_num))
            same = [p["valid"] for p in r.json()["points"]] == cv["valid"].to_list()
            note(
                "validity",
                "works" if same else "silent wrong",
                f"200, equal to check_validity: {same}",
            )
        else:
            note("validity", "told", r.json()["error"])
        r = c.post("/ask", json={"question": "how far did each vehicle drive?", "rows": rows})
        msg = r.json().get("error", "")
        note(
            "ask per vehicle (unitId rows)", "dead end" if "columns={" in msg else "told", msg[:200]
        )
        r = c.post("/ask", json={"question": "how far did each vehicle drive?", "rows": rows,
                                 "columns": {"vehicle_id": "unitId"}})  # fmt: skip
        note(
            "ask per vehicle with columns",
            "works" if r.status_code == 200 else "dead end",
            r.text[:150],
        )
        last = [x for x in two if x["unitId"] == "PL-01"][-1]["ts"]
        for path, body, key in (("/parked", {"trajectories": two}, "last_fix"),
                                ("/parked", {"trajectories": two_num}, "last_fix"),
                                ("/divert", {"trajectories": two_num, "order": [[65.0125, 25.4651]]}, "arrive_time"),
                                ("/reach", {"trajectories": two_num, "horizon_s": 900,
                                            "to": [[64.9984, 25.6556]]}, "reach_time")):  # fmt: skip
            r = c.post(path, json=body)
            res = r.json().get("results", [{}])
            said = [x.get(key) for x in res]
            clock = all(not isinstance(v, str) or v.endswith("+03:00") for v in said)
            note(path, ("works" if clock else "confusing") if r.status_code == 200 else str(r.status_code),
                 f"{key} {said[:2]} (PL-01's last ts {last})")  # fmt: skip
        for g in ("/health", "/model", "/", "/openapi.json", "/background"):
            r = c.get(g)
            note(
                "GET " + g,
                "works" if r.status_code == 200 else str(r.status_code),
                r.headers["content-type"],
            )
        r = c.get("/docs")  # localhost only: a page whose script comes from a CDN stays blank
        local = "/static/" in r.text
        note("GET /docs without internet", "works" if local else "dead end",
             "a local fallback script" if local else "Swagger UI from cdn.jsdelivr.net only: blank")  # fmt: skip
        r = c.post(
            "/predict", content=b"x" * 4_200_000, headers={"content-type": "application/json"}
        )
        note("4.2 MB body", "told" if r.status_code == 413 else str(r.status_code), r.text[:120])
    print(json.dumps({v: sum(1 for _, w, _ in got if w == v) for v in {w for _, w, _ in got}}))


if __name__ == "__main__":
    main()
