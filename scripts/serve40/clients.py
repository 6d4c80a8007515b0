"""serve40: a Python `requests` user and a JavaScript `fetch` user (scripts/serve40/
fetch_user.mjs, node 18+) call every endpoint of docs/serve.md on a real `trajlm serve`
(trajlm-small, `--index` of a 100-trip synthetic store, `--ask-root`, `--cors-origin`, the
default `--timeout` 10 s) on a free localhost port; each call is classified works / told /
dead end / silent wrong / 500 / hang / confusing. The server runs the code on $SERVE40_CODE
(default: this checkout), so the same script gives the before (main 32ac984f, e.g.
`git archive 32ac984f trajlm | tar -x -C /tmp/base`) and the after:

    PYTHONPATH=$PWD python scripts/serve40/clients.py                       # after
    SERVE40_CODE=/tmp/base PYTHONPATH=$PWD python scripts/serve40/clients.py   # before

The rows are serve39's Oulu plough feed (`unitId`, `ts` with offsets, `latitude` /
`longitude`, some as text). Output: $SERVE40_OUT (default /tmp/serve40)/clients-LABEL.json.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "serve39"))
from fleet import make_fleet  # noqa: E402

OUT = Path(os.environ.get("SERVE40_OUT", "/tmp/serve40"))
CODE = Path(os.environ.get("SERVE40_CODE", Path.cwd()))
SMALL = Path("trajlm/checkpoints/trajlm-small").resolve()
ORIGIN = "http://localhost:3000"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(port: int, index: Path, ask_root: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(CODE), OMP_NUM_THREADS="1")
    cmd = [sys.executable, "-m", "trajlm.cli", "serve", "--model", str(SMALL), "--port",
           str(port), "--threads", "1", "--index", str(index), "--ask-root", str(ask_root),
           "--cors-origin", ORIGIN]  # fmt: skip
    log = (OUT / "clients-server.log").open("a")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=CODE)
    for _ in range(600):
        try:
            if requests.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return proc
        except requests.RequestException:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit("the server did not start (see clients-server.log)")


def verdict(r: requests.Response | None, ok: bool = True, want: str | None = None) -> str:
    """works (2xx and ``ok``) / told (a 4xx one-line {error, field}, or a 2xx whose warning
    says ``want``) / 500 / confusing."""
    if r is None:
        return "hang"
    if r.status_code >= 500 and r.status_code != 503:
        return "500"
    try:
        j = r.json()
    except ValueError:
        j = None
    if r.status_code < 300:
        if want is not None:
            return "told" if want in json.dumps(j) else "confusing"
        return "works" if ok else "silent wrong"
    one = isinstance(j, dict) and isinstance(j.get("error"), str) and "\n" not in j["error"]
    return "told" if one else "confusing"


def main() -> None:
    import polars as pl

    import trajlm

    warnings.simplefilter("ignore")
    OUT.mkdir(parents=True, exist_ok=True)
    label = os.environ.get("SERVE40_LABEL", "after" if CODE == Path.cwd() else "before")
    index = OUT / "index-store"
    if not index.exists():
        from trajlm.data.synth_store import synth_store

        synth_store(index, n_trajectories=100, seed=40, overwrite=False)
    rows = make_fleet(39, 12)
    num = [dict(r, latitude=float(r["latitude"]), longitude=float(r["longitude"])) for r in rows]
    two = [r for r in rows if r["unitId"] in ("PL-01", "PL-02")]
    two_num = [r for r in num if r["unitId"] in ("PL-01", "PL-02")]
    model = trajlm.TrajLM.from_pretrained(SMALL)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = start(port, index, OUT)
    got: list[dict] = []
    try:
        s = requests.Session()

        def call(name: str, method: str, path: str, body=None, timeout: float = 120, **kw):
            t = time.time()
            try:
                r = s.request(method, url + path, json=body, timeout=timeout, **kw)
            except requests.Timeout:
                r = None
            return r, time.time() - t

        def note(name: str, v: str, why: str, took: float) -> None:
            got.append({"client": "requests", "call": name, "verdict": v, "why": why[:240],
                        "s": round(took, 2)})  # fmt: skip
            print(f"{v:12s} {took:6.1f}s {name}: {why}"[:260])

        py = model.predict(pl.DataFrame(two_num), steps=3)
        r, t = call("predict", "POST", "/predict", {"trajectories": two, "steps": 3})
        same = (
            r is not None
            and r.ok
            and [p["lat"] for p in r.json()["points"]] == py["latitude"].to_list()
        )
        note("POST /predict (feed rows, text positions)", verdict(r, same),
             f"{r.status_code}, equal to Python: {same}", t)  # fmt: skip
        r, t = call("own keys", "POST", "/predict",
                    {"trajectories": two, "steps": 3, "keys": "request"})  # fmt: skip
        own = r is not None and r.ok and "unitId" in r.json()["points"][0]
        v = verdict(r, own) if r is not None and r.ok else "dead end"
        note(
            "POST /predict, answers in my keys (keys: request)",
            v,
            f"{r.status_code} {json.dumps(r.json()['points'][0] if r.ok else r.json())}",
            t,
        )
        at = {"PL-01": ["2026-03-29T04:30:00+03:00"]}
        r, t = call("at", "POST", "/predict", {"trajectories": two_num, "at_times": at})
        note("POST /predict at_times per vehicle", verdict(r), f"{r.status_code}", t)
        gap = [dict(x, latitude=None, longitude=None) if i in (5, 6) else x
               for i, x in enumerate(two_num)]  # fmt: skip
        r, t = call("recover", "POST", "/recover", {"trajectories": gap})
        n = sum(p.get("recovered", False) for p in r.json().get("points", [])) if r.ok else 0
        note("POST /recover (2 nulls)", verdict(r, n == 2), f"{r.status_code}, {n} recovered", t)
        od = {"origins": [[65.01, 25.46]], "destinations": [[65.02, 25.48]],
              "depart": "2026-03-29T04:30:00+03:00"}  # fmt: skip
        r, t = call("tt", "POST", "/travel-time", od)
        note("POST /travel-time (trajlm-small)", verdict(r), f"{r.status_code} {r.text[:150]}", t)
        r, t = call("cls", "POST", "/classify", {"trajectories": two_num})
        note("POST /classify (trajlm-small)", verdict(r), f"{r.status_code} {r.text[:150]}", t)
        r, t = call("embed", "POST", "/embed", {"trajectories": two_num})
        note("POST /embed", verdict(r, r.ok and len(r.json()["embeddings"]) == 2),
             f"{r.status_code}", t)  # fmt: skip
        r, t = call("similar", "POST", "/similar", {"trajectories": two_num, "k": 3})
        note("POST /similar (--index)", verdict(r, r.ok and len(r.json()["results"]) == 2),
             f"{r.status_code} {r.text[:120]}", t)  # fmt: skip
        r, t = call("reach", "POST", "/reach", {"trajectories": two_num,
                                                "to": [{"lat": 65.02, "lon": 25.47, "id": "S1"}]})  # fmt: skip
        note("POST /reach", verdict(r), f"{r.status_code} {r.text[:120]}", t)
        r, t = call("parked", "POST", "/parked", {"trajectories": two_num})
        note("POST /parked", verdict(r), f"{r.status_code} {r.text[:120]}", t)
        r, t = call("divert", "POST", "/divert", {"trajectories": two_num,
                                                  "order": [[65.02, 25.47]]})  # fmt: skip
        note("POST /divert", verdict(r), f"{r.status_code} {r.text[:120]}", t)
        r, t = call("validity", "POST", "/validity", {"trajectories": two_num})
        note("POST /validity", verdict(r), f"{r.status_code}", t)
        q = {"question": "how far did each vehicle drive?", "rows": num,
             "columns": {"vehicle_id": "unitId"}}  # fmt: skip
        r, t = call("ask", "POST", "/ask", q)
        note("POST /ask (rows, columns)", verdict(r), f"{r.status_code} {r.text[:120]}", t)
        for path in ("/model", "/health", "/", "/docs", "/background", "/openapi.json"):
            r, t = call(path, "GET", path)
            note(f"GET {path}", verdict(r), f"{r.status_code} {len(r.content)} bytes", t)
        bad = [dict(x) for x in two_num]
        bad[3]["latitude"] = "65,01"
        r, t = call("bad", "POST", "/predict", {"trajectories": bad})
        note("POST /predict, latitude '65,01'", verdict(r), f"{r.status_code} {r.text[:150]}", t)
        big = {"trajectories": [dict(x, unitId=f"{x['unitId']}-{k}") for k in range(40)
                                for x in num[:500]], "steps": 30}  # fmt: skip
        r, t = call("big", "POST", "/predict", big, timeout=90)
        late = r is not None and r.ok and t > 10
        v = "hang" if r is None else "confusing" if late else verdict(r)
        note("POST /predict, 480 vehicles x 30 steps (20,000 rows), --timeout 10", v,
             f"{'none' if r is None else r.status_code} after {t:.1f} s "
             f"{'' if r is None or r.ok else r.text[:160]}", t)  # fmt: skip
        node = subprocess.run(["node", str(HERE / "fetch_user.mjs"), url, ORIGIN],
                              capture_output=True, text=True, timeout=600)  # fmt: skip
        for line in node.stdout.splitlines():
            if line.startswith("{"):
                x = json.loads(line)
                got.append(x | {"client": "fetch"})
                print(f"{x['verdict']:12s} {x['s']:6.1f}s [fetch] {x['call']}: {x['why']}"[:260])
        if node.returncode:
            print("fetch user failed:", node.stderr[-400:])
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    for client in ("requests", "fetch"):
        print(client, dict(Counter(g["verdict"] for g in got if g["client"] == client)))
    (OUT / f"clients-{label}.json").write_text(json.dumps(got, indent=1))


if __name__ == "__main__":
    main()
