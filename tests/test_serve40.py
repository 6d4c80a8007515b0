"""Session 40 (serve40): answers in the caller's own keys on request, a 20,000-row request read
in one pass over its key names, and ``--timeout`` counted from the request's arrival.
docs/serve.md "Session 40 (serve40)". Each test fails on main 32ac984f."""

from __future__ import annotations

import warnings

import polars as pl
import pytest
from test_serve39 import numbers, plough

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402


@pytest.fixture(scope="module")
def client(small):
    from trajlm.serve import create_app

    with warnings.catch_warnings(), TestClient(create_app(small)) as c:
        warnings.simplefilter("ignore")
        yield c


def fleet() -> list[dict]:
    return plough("PL-01") + plough("PL-02", lat0=65.03)


def _ok(r) -> dict:
    assert r.status_code == 200, r.text
    return r.json()


def test_keys_request_answers_in_the_rows_own_keys_and_the_default_is_unchanged(client, small):
    """A dashboard sent `unitId` / `ts` / `latitude` / `longitude` and got `traj_id` / `t` /
    `time` / `lat` / `lon` back, with no way to ask for its own: now `"keys": "request"`
    answers in them (the time as sent: ISO on the request's clock), the keys the Python API
    names its answer by; left out (or "trajlm") the answer is what it was, byte for byte."""
    rows = fleet()
    plain = client.post("/predict", json={"trajectories": rows, "steps": 2})
    said = client.post("/predict", json={"trajectories": rows, "steps": 2, "keys": "trajlm"})
    assert plain.content == said.content
    own = _ok(client.post("/predict", json={"trajectories": rows, "steps": 2, "keys": "request"}))
    base = plain.json()["points"]
    assert [list(p)[:4] for p in own["points"]] == [["unitId", "ts", "latitude", "longitude"]] * 4
    assert [(p["unitId"], p["ts"], p["latitude"], p["longitude"]) for p in own["points"]] == [
        (p["traj_id"], p["time"], p["lat"], p["lon"]) for p in base
    ]
    assert all("t" not in p and "time" not in p and "std_m" in p for p in own["points"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        py = small.predict(pl.DataFrame(numbers(rows)), steps=2)
    assert {"unitId", "ts", "latitude", "longitude"} <= set(py.columns)  # Python's names
    for path, part in (("/recover", "points"), ("/validity", "points"), ("/embed", "embeddings"),
                       ("/parked", "results"), ("/validity", "trajectories")):  # fmt: skip
        plain = _ok(client.post(path, json={"trajectories": rows}))
        own = _ok(client.post(path, json={"trajectories": rows, "keys": "request"}))
        assert "unitId" in own[part][0] and "traj_id" not in own[part][0], (path, own[part][0])
        assert [r["unitId"] for r in own[part]] == [r["traj_id"] for r in plain[part]]
    parked = _ok(client.post("/parked", json={"trajectories": rows, "keys": "request"}))
    assert {"latitude", "longitude"} <= set(parked["results"][0])


def test_keys_request_gives_numeric_times_back_in_their_unit(client):
    """Unix milliseconds (JavaScript's Date.now()) sent as `ts` come back as milliseconds."""
    rows = [{"unitId": "V1", "ts": 1_774_744_800_000 + 15_000 * i, "lat": 65.01 + 0.0004 * i,
             "lon": 25.46} for i in range(10)]  # fmt: skip
    plain = _ok(client.post("/predict", json={"trajectories": rows, "steps": 1}))
    own = _ok(client.post("/predict", json={"trajectories": rows, "steps": 1, "keys": "request"}))
    assert list(own["points"][0])[:4] == ["unitId", "ts", "lat", "lon"]
    assert own["points"][0]["ts"] == plain["points"][0]["t"] > 1e12


def test_keys_request_refuses_what_it_cannot_name_in_one_line(client):
    rows = fleet()
    mixed = [dict(r) for r in numbers(rows)]
    mixed[3] = {"unitId": mixed[3]["unitId"], "ts": mixed[3]["ts"], "lat": mixed[3]["latitude"],
                "lon": mixed[3]["longitude"]}  # fmt: skip
    r = client.post("/predict", json={"trajectories": mixed, "steps": 1, "keys": "request"})
    assert r.status_code == 422 and r.json()["field"] == "keys", r.text
    assert "latitude" in r.json()["error"] and "lat" in r.json()["error"]
    # rows keyed `target_id` (read as the id by its ending): /reach answers its own target_id
    clash = [{"target_id": r["unitId"], **{k: v for k, v in r.items() if k != "unitId"}}
             for r in rows]  # fmt: skip
    body = {"trajectories": clash, "to": [[65.02, 25.47]]}
    assert "target_id" in _ok(client.post("/reach", json=body))["results"][0]
    r = client.post("/reach", json=body | {"keys": "request"})
    assert r.status_code == 422 and r.json()["field"] == "keys", r.text
    assert "'target_id'" in r.json()["error"]
    r = client.post("/predict", json={"trajectories": rows, "keys": "mine"})
    assert r.status_code == 422 and r.json()["field"] == "keys", r.text


def test_a_feeds_rows_are_matched_to_the_api_names_once_not_row_by_row(monkeypatch):
    """Each of 20,000 rows matched its keys against the API's ~50 names (9 of a 480-vehicle
    request's 10 s, on the event loop, outside the timeout): the names are now read once per
    set of keys, so the work no longer grows with the rows."""
    from trajlm.serve import rows as row_keys
    from trajlm.serve.formats import parse_trajectories
    from trajlm.serve.limits import Limits

    seen = []
    real = row_keys.candidates

    def counted(*a, **k):
        seen.append(1)
        return real(*a, **k)

    monkeypatch.setattr(row_keys, "candidates", counted)
    calls = []
    for n in (2, 40):
        seen.clear()
        rows = [dict(r, unitId=f"{r['unitId']}-{k}") for k in range(n) for r in numbers(fleet())]
        df, _ = parse_trajectories(rows, Limits())
        assert df["traj_id"].n_unique() == 2 * n
        calls.append(len(seen))
    assert calls[1] == calls[0], calls


def test_the_timeout_counts_the_reading_of_the_request(small, monkeypatch):
    """A request that used its whole --timeout before the model was called was still given
    the whole timeout again for each model call (28 s under 10 s): now it is a 503 saying
    its own work took the time (no Retry-After), and the model is not called for it."""
    from trajlm.serve import create_app, deadline, routes
    from trajlm.serve.limits import ServeSettings

    clock = [1000.0]
    monkeypatch.setattr(deadline, "now", lambda: clock[0])
    real = routes.parse_trajectories

    def slow_reading(*a, **k):
        clock[0] += 11.0  # the reading took 11 s of the 10-s budget
        return real(*a, **k)

    monkeypatch.setattr(routes, "parse_trajectories", slow_reading)
    app = create_app(small, ServeSettings(timeout_s=10))
    ran = []
    with TestClient(app) as c:
        monkeypatch.setattr(app.state.batcher, "run_batch", lambda *a: ran.append(a) or [])
        monkeypatch.setattr(small, "embed", lambda *a, **k: ran.append(a))
        r = c.post("/predict", json={"trajectories": numbers(fleet()), "steps": 2})
        e = c.post("/embed", json={"trajectories": numbers(fleet())})
    for got in (r, e):
        assert got.status_code == 503, got.text
        line = got.json()["error"]
        assert "too slow" in line and "reading" in line and "--timeout" in line, line
        assert "retry-after" not in got.headers
    assert ran == []


@pytest.fixture(scope="module")
def multitask(tmp_path_factory):
    """A tiny multi-task run (infilling heads: /travel-time answers)."""
    from serve_helpers import tiny_run

    import trajlm

    return trajlm.TrajLM.from_pretrained(tiny_run(tmp_path_factory.mktemp("mt")) / "run")


def test_points_as_lat_lon_objects_are_read_as_pairs(multitask, client):
    """/reach took `{lat, lon}` objects while /travel-time and /divert refused the same object
    with "Input should be a valid tuple"; Leaflet's `{lat, lng}` is read too, and an object
    that is no point is one line saying what to send."""
    from trajlm.serve import create_app

    pairs = {"origins": [[41.15, -8.61], [41.16, -8.6]], "destinations": [[41.155, -8.6]] * 2,
             "depart": "2024-03-18T08:30:00Z"}  # fmt: skip
    objects = pairs | {"origins": [{"lat": 41.15, "lon": -8.61}, {"lat": 41.16, "lng": -8.6}],
                       "destinations": [{"lat": 41.155, "lon": -8.6}] * 2}  # fmt: skip
    with warnings.catch_warnings(), TestClient(create_app(multitask)) as c:
        warnings.simplefilter("ignore")
        want = _ok(c.post("/travel-time", json=pairs))
        got = _ok(c.post("/travel-time", json=objects))
        assert got["seconds"] == want["seconds"] and got["engine"] == want["engine"]
        bad = c.post("/travel-time", json=pairs | {"origins": [{"latitude": 41.15, "lon": -8.61}]})
        # a request after one keyed `latitude` is told in its own words (pairs: [lat, lon])
        _ok(c.post("/predict", json={"trajectories": numbers(fleet()), "steps": 1}))
        out = c.post("/travel-time", json=pairs | {"origins": [[123, 8], [41.16, -8.6]]})
        assert "[123, 8] is not a [lat, lon] pair" in out.json()["error"], out.text
    assert bad.status_code == 422 and bad.json()["field"] == "origins.0", bad.text
    assert "latitude" in bad.json()["error"] and '{"lat"' in bad.json()["error"]
    assert "Value error" not in bad.json()["error"]
    body = {"trajectories": numbers(fleet())}
    want = _ok(client.post("/divert", json=body | {"order": [[65.02, 25.47]]}))
    assert (
        _ok(client.post("/divert", json=body | {"order": [{"lat": 65.02, "lon": 25.47}]})) == want
    )
