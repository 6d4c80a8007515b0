"""Session 14 (serveuser): what a web developer building a dashboard on `trajlm serve` hit.
CORS for a browser app on another origin, `seconds_ahead: [0]` (a 500), /docs examples that
work when pasted, which model answers (/health, /model), HTTP-only error advice. Data: the
synthetic city of tests/serve_helpers.py (a tiny multi-task run, seconds)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402
from serve_helpers import make_workdir  # noqa: E402

import trajlm  # noqa: E402
from trajlm.serve import ServeSettings, create_app  # noqa: E402
from trajlm.serve.index import SimilarIndex  # noqa: E402

ORIGIN = "http://localhost:3000"


def walk(traj: str = "a", n: int = 6, t0: int = 1710750600, dt: int = 15) -> list[dict]:
    """A straight walk near the synthetic city's centre (Porto), as JSON table rows."""
    return [{"traj_id": traj, "t": t0 + dt * i, "lat": 41.15 + 0.0003 * i,
             "lon": -8.61 + 0.0004 * i} for i in range(n)]  # fmt: skip


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return make_workdir(tmp_path_factory.mktemp("serve14"), classifier=False)


@pytest.fixture(scope="module")
def model(work):
    return trajlm.TrajLM.from_pretrained(work / "run", threads=1)


@pytest.fixture(scope="module")
def client(model, work):
    app = create_app(
        model, ServeSettings(cors_origins=(ORIGIN,)), SimilarIndex(model, work / "store")
    )
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def plain(model, monkeypatch_module):
    monkeypatch_module.delenv("TRAJLM_CORS_ORIGINS", raising=False)
    with TestClient(create_app(model)) as c:
        yield c


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_cors_preflight_and_answers_for_an_allowed_origin(client):
    pre = client.options("/predict", headers={"Origin": ORIGIN, "Access-Control-Request-Method":
                         "POST", "Access-Control-Request-Headers": "content-type"})  # fmt: skip
    assert pre.status_code == 200, pre.text
    assert pre.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in pre.headers["access-control-allow-methods"]
    for r in (client.post("/predict", json={"trajectories": walk(), "steps": 2},
                          headers={"Origin": ORIGIN}),  # fmt: skip
              client.get("/model", headers={"Origin": ORIGIN}),
              client.post("/predict", json={"trajectories": walk(), "steps": 0},
                          headers={"Origin": ORIGIN})):  # fmt: skip  # a refusal too
        assert r.headers.get("access-control-allow-origin") == ORIGIN, r.status_code
    other = client.post(
        "/predict", json={"trajectories": walk()}, headers={"Origin": "http://evil"}
    )
    assert "access-control-allow-origin" not in other.headers


def test_no_cors_unless_asked(plain):
    r = plain.post(
        "/predict", json={"trajectories": walk(), "steps": 1}, headers={"Origin": ORIGIN}
    )
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers


def test_cors_origins_from_the_environment(monkeypatch):
    monkeypatch.setenv("TRAJLM_CORS_ORIGINS", f"{ORIGIN}/, http://b.example")
    assert ServeSettings().cors() == [ORIGIN, "http://b.example"]
    monkeypatch.delenv("TRAJLM_CORS_ORIGINS")
    assert ServeSettings().cors() == [] and ServeSettings(cors_origins=("*",)).cors() == ["*"]


@pytest.mark.parametrize("ahead", [[0], [0, 30], [-1]])
def test_seconds_ahead_zero_is_a_422_naming_the_field(client, ahead):
    r = client.post("/predict", json={"trajectories": walk(), "seconds_ahead": ahead})
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "seconds_ahead.0", r.json()  # a JSON path, no union tags


def test_every_docs_example_is_answered(client):
    """Each request example of /openapi.json (what /docs "Try it out" sends) gets a 200."""
    spec = client.get("/openapi.json").json()
    n = 0
    for path, ops in spec["paths"].items():
        body = ops.get("post", {}).get("requestBody", {}).get("content", {})
        examples = body.get("application/json", {}).get("examples", {})
        if ops.get("post"):
            assert examples, f"{path} has no request example"
        for name, ex in examples.items():
            r = client.post(path, json=ex["value"])
            ok = r.status_code == 200 or (path == "/classify" and r.status_code == 404)
            assert ok, f"{path} example {name}: {r.status_code} {r.text[:200]}"
            n += 1
    assert n >= 10
    assert {"400", "413", "422"} <= set(spec["paths"]["/predict"]["post"]["responses"])


def test_health_and_model_say_which_model_answers(client, work):
    import hashlib

    want = hashlib.sha256((work / "run" / "best" / "model.safetensors").read_bytes()).hexdigest()
    h = client.get("/health").json()
    m = client.get("/model").json()
    assert h["weights_sha256"] == m["weights_sha256"] == want
    assert h["trajlm_version"] == m["trajlm_version"] == trajlm.__version__
    assert m["started_at"].endswith("Z")
    assert client.head("/health").status_code == 200


def test_refusals_give_http_advice_not_python(client):
    bad = walk()
    bad[3]["lat"] = 123.0
    r = client.post("/predict", json={"trajectories": bad})
    assert r.status_code == 422 and r.json()["field"] == "lat"
    msg = r.json()["error"]
    assert "out of range" in msg and "trajlm.clean" not in msg and "fix or drop" in msg
    ms = walk()  # one fix in ms (all in ms are read by size since session 20: httpuser20)
    ms[-1] = dict(ms[-1], t=ms[-1]["t"] * 1000)
    msg = client.post("/predict", json={"trajectories": ms}).json()["error"]
    assert "milliseconds" in msg and "pd.to_datetime" not in msg


def _local(rows: list[dict], offset: str) -> list[dict]:
    """The rows with ISO times on a clock `offset` ahead of UTC ('+11:00', '-05:00', 'Z')."""
    from datetime import UTC, datetime, timedelta, timezone

    if offset == "Z":
        tz = UTC
    else:
        sign = 1 if offset[0] == "+" else -1
        tz = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
    out = []
    for r in rows:
        s = datetime.fromtimestamp(r["t"], tz).isoformat()
        out.append(dict(r, t=s.replace("+00:00", "Z") if offset == "Z" else s))
    return out


@pytest.mark.parametrize("offset", ["+11:00", "-05:00", "+05:30"])
def test_answers_on_the_requests_clock(client, offset):
    r = client.post("/predict", json={"trajectories": _local(walk(), offset), "steps": 2}).json()
    u = client.post("/predict", json={"trajectories": walk(), "steps": 2}).json()
    for p, q in zip(r["points"], u["points"], strict=True):
        assert p["time"].endswith(offset), p["time"]
        assert p["t"] == q["t"] and p["lat"] == q["lat"]  # the same instants and positions
        from datetime import datetime

        assert datetime.fromisoformat(p["time"]).timestamp() == p["t"]
    gappy = _local(walk(n=8), offset)
    for i in (3, 4):
        gappy[i]["lat"] = gappy[i]["lon"] = None
    rec = client.post("/recover", json={"trajectories": gappy}).json()["points"]
    assert len(rec) == 8 and all(p["time"].endswith(offset) for p in rec)
    fc = client.post("/predict", json={"trajectories": _local(walk(), offset), "steps": 1,
                                       "output": "geojson"}).json()  # fmt: skip
    assert fc["points"]["features"][0]["properties"]["times"][0].endswith(offset)


def test_utc_answers_where_the_request_has_no_one_offset(client):
    for rows in (
        _local(walk(), "Z"),
        walk(),  # Z, Unix seconds
    ):
        r = client.post("/predict", json={"trajectories": rows, "steps": 1})
        assert r.status_code == 200, r.text
        assert r.json()["points"][0]["time"].endswith("Z")
    # mixed (a daylight-saving change): the offset at the answer's time, the last fix's (fix32;
    # was Z)
    rows = _local(walk(n=3), "+01:00") + _local(walk(n=6), "+02:00")[3:]
    r = client.post("/predict", json={"trajectories": rows, "steps": 1})
    assert r.status_code == 200, r.text
    assert r.json()["points"][0]["time"].endswith("+02:00")


def test_request_size_refusal_says_what_was_sent_and_what_fits(model):
    from trajlm.serve import Limits

    app = create_app(model, ServeSettings(limits=Limits(max_points_per_request=100)))
    rows = [p for k in range(10) for p in walk(f"v{k}", n=12)]  # 120 points in 10 trajectories
    with TestClient(app) as c:
        for doc in (rows, {"type": "FeatureCollection", "features": [
                {"type": "Feature", "properties": {"traj_id": f"v{k}", "times": [p["t"] for p in
                 walk(n=12)]}, "geometry": {"type": "LineString", "coordinates": [
                 [p["lon"], p["lat"]] for p in walk(n=12)]}} for k in range(10)]}):  # fmt: skip
            r = c.post("/predict", json={"trajectories": doc})
            assert r.status_code == 422 and r.json()["field"] == "trajectories"
            msg = r.json()["error"]
            assert "120 points in 10 trajectories" in msg and "last 10 points" in msg, msg
            tail = [p for k in range(10) for p in walk(f"v{k}", n=12)[-10:]]
            assert c.post("/predict", json={"trajectories": tail, "steps": 1}).status_code == 200


def test_recover_and_validity_rows_keep_the_callers_other_keys(client):
    rows = [dict(p, trip_seq=i, driver="d7", meta={"k": [1, 2]}) for i, p in enumerate(walk(n=8))]
    for i in (3, 4):
        rows[i]["lat"] = rows[i]["lon"] = None
    r = client.post("/recover", json={"trajectories": rows[::-1][::-1]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert "warnings" not in body or not any("ignored" in w for w in body["warnings"])
    out = body["points"]
    assert [p["trip_seq"] for p in out] == list(range(8))  # each row's own keys, in time order
    assert all(p["driver"] == "d7" and p["meta"] == {"k": [1, 2]} for p in out)
    assert [p["recovered"] for p in out] == [i in (3, 4) for i in range(8)]
    clash = [dict(p, recovered="mine") for p in walk(n=4)]  # never over the answer's own keys
    clash[1]["lat"] = clash[1]["lon"] = None
    assert [p["recovered"] for p in client.post("/recover", json={"trajectories": clash}).json()[
        "points"]] == [False, True, False, False]  # fmt: skip
    v = client.post("/validity", json={"trajectories": rows[:3] + rows[5:]}).json()["points"]
    assert [p["trip_seq"] for p in v] == [0, 1, 2, 5, 6, 7]
    p = client.post("/predict", json={"trajectories": [dict(q, trip_seq=1) for q in walk()]})
    assert any("ignored: trip_seq" in w for w in p.json()["warnings"])  # predict: new points


def test_a_bug_is_one_500_and_the_connection_stays_usable(model, monkeypatch):
    import httpx
    from serve_helpers import live_server

    def boom(*a, **k):
        raise RuntimeError("a bug")

    app = create_app(model, ServeSettings(cors_origins=(ORIGIN,)))
    with live_server(app) as url, httpx.Client(base_url=url, timeout=30) as c:
        monkeypatch.setattr(model, "embed", boom)
        r = c.post("/embed", json={"trajectories": walk()}, headers={"Origin": ORIGIN})
        assert r.status_code == 500 and "RuntimeError" in r.json()["error"]
        assert r.headers.get("access-control-allow-origin") == ORIGIN
        monkeypatch.undo()
        for _ in range(3):  # the same kept-alive connection
            assert c.post("/predict", json={"trajectories": walk(), "steps": 1}).status_code == 200


@pytest.mark.parametrize("names", [("lat", "lon"), ("latitude", "lng")])
def test_rows_without_position_keys_are_missing_positions(client, names):
    """JavaScript's JSON.stringify leaves `lat: undefined` out: such a row is a gap to fill."""
    rows = [{"traj_id": p["traj_id"], "t": p["t"], names[0]: p["lat"], names[1]: p["lon"]}
            for p in walk(n=8)]  # fmt: skip
    for i in (3, 4):
        rows[i] = {"traj_id": "a", "t": rows[i]["t"]}
    r = client.post("/recover", json={"trajectories": rows})
    assert r.status_code == 200, r.text
    assert [p["recovered"] for p in r.json()["points"]] == [i in (3, 4) for i in range(8)]
    p = client.post("/predict", json={"trajectories": rows})  # predict: refused, naming the gap
    assert p.status_code == 422 and "missing value" in p.json()["error"]
    none = [{"traj_id": "a", "t": q["t"], "Breite": q["lat"]} for q in walk()]  # no row names lon
    msg = client.post("/recover", json={"trajectories": none}).json()["error"]
    assert "name it lat" in msg or "name it lon" in msg


def test_per_trajectory_times_as_the_python_api_takes_them(client, model):
    import pandas as pd

    rows = walk("a") + walk("b", t0=1710750600 + 40)
    r = client.post("/predict", json={"trajectories": rows, "seconds_ahead": {"b": [30, 60]}})
    assert r.status_code == 200, r.text
    pts = r.json()["points"]
    py = model.predict(pd.DataFrame(rows), seconds_ahead={"b": [30, 60]})
    assert [p["traj_id"] for p in pts] == ["b", "b"] and [p["t"] for p in pts] == list(py["t"])
    assert [p["lat"] for p in pts] == pytest.approx(list(py["lat"]), abs=1e-12)
    last = rows[-1]["t"]
    r = client.post("/predict", json={"trajectories": rows, "at_times": {"a": [last + 10],
                                      "b": [last + 20, last + 50]}})  # fmt: skip
    assert r.status_code == 200, r.text
    assert [(p["traj_id"], p["t"]) for p in r.json()["points"]] == [
        ("a", last + 10), ("b", last + 20), ("b", last + 50)]  # fmt: skip
    bad = client.post("/predict", json={"trajectories": rows, "seconds_ahead": {"zz": [30]}})
    assert bad.status_code == 422 and "zz" in bad.json()["error"]
    zero = client.post("/predict", json={"trajectories": rows, "seconds_ahead": {"a": [0]}})
    assert zero.status_code == 422


def test_map_page_script_parses_and_shows_warnings():
    """The page's script is valid JavaScript (node --check, where node exists; the browser test
    needs chromium) and lists the answers' warnings in #warnings."""
    import shutil
    import subprocess
    from pathlib import Path

    static = Path(trajlm.__file__).parent / "serve" / "static"
    js = (static / "app.js").read_text()
    assert 'id="warnings"' in (static / "index.html").read_text()
    assert "data.warnings" in js and "r.time.slice(11, 19)" not in js
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    r = subprocess.run([node, "--check", str(static / "app.js")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_a_request_slower_than_the_timeout_is_told_so_not_to_retry(model, monkeypatch):
    import threading
    import time

    real = model.embed

    def slow(*a, **k):
        time.sleep(0.6)
        return real(*a, **k)

    app = create_app(model, ServeSettings(timeout_s=0.3))
    with TestClient(app) as c:
        monkeypatch.setattr(model, "embed", slow)
        r = c.post("/embed", json={"trajectories": walk()})
        assert r.status_code == 503 and "too slow" in r.json()["error"]
        assert "retry-after" not in r.headers and "--timeout" in r.json()["error"]
        time.sleep(0.5)  # the abandoned call ends
        out = {}
        t = threading.Thread(target=lambda: out.update(a=c.post("/embed", json={"trajectories":
                                                                                  walk()})))  # fmt: skip
        t.start()
        time.sleep(0.05)
        b = c.post("/validity", json={"trajectories": walk()})  # no model call: answered
        q = c.post("/embed", json={"trajectories": walk("b")})  # waits behind the slow call
        t.join()
        assert b.status_code == 200
        assert q.status_code == 503 and "busy" in q.json()["error"], q.text
        assert q.headers["retry-after"] == "1"


def test_union_fields_name_a_json_path(client):
    r = client.post("/predict", json={"trajectories": walk(), "at_times": [None]})
    assert r.status_code == 422 and r.json()["field"] == "at_times.0", r.json()
    r = client.post("/predict", json={"trajectories": walk(), "seconds_ahead": {"a": [0]}})
    assert r.status_code == 422 and r.json()["field"] == "seconds_ahead.a.0", r.json()


def test_cli_serve_cors_origin_option_reaches_the_app(work, monkeypatch):
    """`trajlm serve --cors-origin URL` (lead, session 14): the flag, not only the environment."""
    import uvicorn
    from typer.testing import CliRunner

    from trajlm.cli import app

    seen = {}
    monkeypatch.delenv("TRAJLM_CORS_ORIGINS", raising=False)
    monkeypatch.setattr(uvicorn, "run", lambda asgi, **kw: seen.setdefault("app", asgi))
    args = ["serve", "--model", str(work / "run"), "--threads", "1", "--cors-origin", ORIGIN]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "CORS" in r.output and ORIGIN in r.output
    with TestClient(seen["app"]) as c:
        pre = c.options("/predict", headers={"Origin": ORIGIN,
                                             "Access-Control-Request-Method": "POST"})  # fmt: skip
        assert pre.headers.get("access-control-allow-origin") == ORIGIN
