"""Session 20 (httpuser20): a dashboard developer's requests to `trajlm serve` (docs/serve.md
"Session 20 (httpuser20)"): Unix milliseconds (JavaScript's Date.now()) read by their size on
every endpoint as the Python API reads them, answered in that unit; integer ids answered as
integers, as the Python API keeps them."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402

SMALL = Path("trajlm/checkpoints/trajlm-small/model.safetensors")
pytestmark = pytest.mark.skipif(not SMALL.is_file(), reason="trajlm-small not built")
T0 = 1773900000  # 2026-03-19T06:00:00Z
R = 6371008.8
MS_LINE = "read as Unix milliseconds by their size"


def taxi(tid, n: int = 12, dt: int = 15, scale: int = 1, heading: float = 0.6) -> list[dict]:
    """A Porto taxi turning gently, a fix every `dt` s; `scale` 1000: times in milliseconds."""
    rows, lat, lon = [], 41.1500, -8.6200
    for i in range(n):
        rows.append({"traj_id": tid, "t": (T0 + dt * i) * scale, "lat": lat, "lon": lon})
        h = heading + 0.05 * i
        lat += 9.0 * dt * math.cos(h) / R * 180 / math.pi
        lon += 9.0 * dt * math.sin(h) / (R * math.cos(math.radians(lat))) * 180 / math.pi
    return rows


@pytest.fixture(scope="module")
def client(small):
    from trajlm.serve import create_app

    with TestClient(create_app(small)) as c:
        yield c


def _api(fn, rows):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(pl.DataFrame(rows))


def test_milliseconds_are_read_as_the_python_api_reads_them(client, small):
    """Date.now() times were a 422 ("divide by 1000") while `TrajLM.predict` read the same
    frame by size and answered in ms (status.md Open 10): now the server agrees, says so, and
    gives `t` back in ms; `time` is the same instant as for the request in seconds."""
    ms = taxi("a", scale=1000) + taxi("b", scale=1000, heading=2.0)
    r = client.post("/predict", json={"steps": 3, "trajectories": ms})
    assert r.status_code == 200, r.text
    body = r.json()
    assert any(MS_LINE in w for w in body["warnings"]), body.get("warnings")
    ref = _api(lambda f: small.predict(f, steps=3), ms).sort(["traj_id", "step"])
    got = pl.DataFrame(body["points"]).sort(["traj_id", "step"])
    assert got["t"].to_list() == ref["t"].to_list()  # milliseconds, as the Python API answers
    assert np.abs(got["lat"].to_numpy() - ref["lat"].to_numpy()).max() < 1e-9
    assert np.abs(got["lon"].to_numpy() - ref["lon"].to_numpy()).max() < 1e-9
    secs = client.post(
        "/predict", json={"steps": 3, "trajectories": taxi("a") + taxi("b", heading=2.0)}
    )
    same = pl.DataFrame(secs.json()["points"]).sort(["traj_id", "step"])
    assert got["time"].to_list() == same["time"].to_list()
    assert (got["t"] // 1000).to_list() == same["t"].to_list()
    assert "warnings" not in secs.json()  # seconds: answered exactly as before


@pytest.mark.parametrize("path", ["/recover", "/embed", "/similar", "/validity"])
def test_milliseconds_on_every_endpoint(client, small, path):
    ms, secs = taxi(7, scale=1000), taxi(7)
    if path == "/recover":
        for rows in (ms, secs):
            rows[4]["lat"] = rows[4]["lon"] = None
    if path == "/similar":
        from trajlm.serve import create_app
        from trajlm.serve.index import SimilarIndex
        from trajlm.similarity import EmbeddingSearch

        idx = SimilarIndex.__new__(SimilarIndex)  # two indexed trips, without a store
        idx.store, idx.n_points, idx.tracks = "none", None, {}
        emb = _api(small.embed, taxi("p") + taxi("q", heading=2.5))
        idx.ids = emb["traj_id"].to_list()
        idx.search = EmbeddingSearch(metric="l2").fit(
            emb.select(pl.exclude("traj_id")).to_numpy().astype(np.float32)
        )
        c = TestClient(create_app(small, index=idx))
    else:
        c = client
    a, b = c.post(path, json={"trajectories": ms}), c.post(path, json={"trajectories": secs})
    assert a.status_code == 200 and b.status_code == 200, a.text
    assert any(MS_LINE in w for w in a.json()["warnings"])
    ja, jb = a.json(), b.json()
    if "points" in ja:  # rows back in the unit sent, the same answers otherwise
        assert [p["t"] for p in ja["points"]] == [p["t"] * 1000 for p in jb["points"]]
        drop = ("t", "traj_id")
        assert [{k: v for k, v in p.items() if k not in drop} for p in ja["points"]] == \
            [{k: v for k, v in p.items() if k not in drop} for p in jb["points"]]  # fmt: skip
    if path == "/recover":
        ref = _api(small.recover, ms)
        assert [p["t"] for p in ja["points"]] == ref["t"].to_list()
        assert abs(ja["points"][4]["lat"] - ref["lat"][4]) < 1e-9 and ja["points"][4]["recovered"]
    if path == "/embed":
        assert np.allclose(ja["embeddings"][0]["embedding"], jb["embeddings"][0]["embedding"])
    if path == "/similar":
        assert ja["results"][0]["matches"] == jb["results"][0]["matches"]


def test_geojson_times_in_ms_and_date_now_below_the_second(client):
    """GeoJSON `properties.times` from Date.now() (a part below the second): read by size,
    answered in ms with the exact instants (the Python API's sub-second rule)."""
    rows = taxi("g", scale=1000)
    times = [r["t"] + 123 for r in rows]
    f = {"type": "Feature", "properties": {"traj_id": "g", "times": times},
         "geometry": {"type": "LineString", "coordinates": [[r["lon"], r["lat"]] for r in rows]}}  # fmt: skip
    r = client.post("/predict", json={"steps": 2, "trajectories": f})
    assert r.status_code == 200, r.text
    props = r.json()["points"]["features"][0]["properties"]
    assert props["t"] == [times[-1] + 15_000, times[-1] + 30_000]
    assert props["times"][0].endswith(".123Z")


def test_at_times_and_depart_in_ms_are_read_by_their_own_size(client):
    """`at_times` in ms beside trajectories in seconds (or ISO): the same answer as in seconds,
    `t` in the trajectories' unit, a line saying how at_times were read."""
    last = T0 + 15 * 11
    a = client.post("/predict", json={"at_times": [(last + 40) * 1000], "trajectories": taxi("x")})
    b = client.post("/predict", json={"at_times": [last + 40], "trajectories": taxi("x")})
    assert a.status_code == 200, a.text
    pa, pb = a.json()["points"][0], b.json()["points"][0]
    assert pa == pb and pa["t"] == last + 40
    assert any("at_times " + MS_LINE in w for w in a.json()["warnings"])
    both = client.post("/predict", json={"at_times": [(last + 40) * 1000],
                                         "trajectories": taxi("x", scale=1000)})  # fmt: skip
    assert both.json()["points"][0]["t"] == (last + 40) * 1000
    assert sum(MS_LINE in w for w in both.json()["warnings"]) == 1  # said once


def test_two_units_in_one_request_name_a_point_of_each(client):
    rows = taxi("m")
    rows[5]["t"] *= 1000
    r = client.post("/predict", json={"trajectories": rows})
    assert r.status_code == 422
    msg = r.json()["error"]
    assert "two units" in msg and "times[0]" in msg and "times[5]" in msg, msg
    assert "divide by 1000" not in msg  # that advice would break the rows in seconds


def test_microseconds_too_and_counters_stay_refused(client):
    us = taxi("u", scale=1_000_000)
    r = client.post("/predict", json={"steps": 1, "trajectories": us})
    assert r.status_code == 200 and r.json()["points"][0]["t"] == (T0 + 15 * 12) * 1_000_000
    big = [dict(p, t=p["t"] * 10) for p in taxi("z", scale=1000)]  # year ~2500 in ms: no unit
    assert client.post("/predict", json={"trajectories": big}).status_code == 422


def test_integer_ids_come_back_as_integers(client, small):
    """`"traj_id": 13` was answered `"13"` on every endpoint while the Python API keeps int64
    ids: a dashboard's `===` join broke."""
    rows = taxi(13) + taxi(14, heading=2.0)
    pred = client.post("/predict", json={"steps": 2, "trajectories": rows}).json()
    assert {p["traj_id"] for p in pred["points"]} == {13, 14}
    assert _api(lambda f: small.predict(f, steps=1), rows)["traj_id"].dtype == pl.Int64
    gaps = [dict(p) for p in rows]
    gaps[3]["lat"] = gaps[3]["lon"] = None
    assert {
        p["traj_id"] for p in client.post("/recover", json={"trajectories": gaps}).json()["points"]
    } == {13, 14}
    emb = client.post("/embed", json={"trajectories": rows}).json()
    assert [e["traj_id"] for e in emb["embeddings"]] == [13, 14]
    val = client.post("/validity", json={"trajectories": rows}).json()
    assert {p["traj_id"] for p in val["points"]} == {13, 14}
    assert [t["traj_id"] for t in val["trajectories"]] == [13, 14]
    f = {"type": "Feature", "id": 57, "properties": {"times": [p["t"] for p in rows[:12]]},
         "geometry": {"type": "LineString", "coordinates": [[p["lon"], p["lat"]] for p in rows[:12]]}}  # fmt: skip
    g = client.post("/predict", json={"steps": 1, "trajectories": f}).json()["points"]["features"][
        0
    ]
    assert g["id"] == 57 and g["properties"]["traj_id"] == 57
    # strings stay strings, "007" too; a Feature without an id keeps its index as before
    s = client.post("/predict", json={"steps": 1, "trajectories": taxi("007")}).json()
    assert s["points"][0]["traj_id"] == "007"
    f.pop("id")
    g = client.post("/predict", json={"steps": 1, "trajectories": f}).json()["points"]["features"][
        0
    ]
    assert g["properties"]["traj_id"] == "0"


def test_travel_time_depart_in_ms(tmp_path_factory):
    """`depart: Date.now()` was a 422 ("divide by 1000"): read by size, the same seconds."""
    from serve_helpers import make_workdir

    import trajlm
    from trajlm.serve import create_app

    work = make_workdir(tmp_path_factory.mktemp("httpuser20"), classifier=False)
    with TestClient(create_app(trajlm.TrajLM.from_pretrained(work / "run", threads=1))) as c:
        trip = {"origins": [[41.15, -8.61]], "destinations": [[41.16, -8.60]]}
        a = c.post("/travel-time", json=trip | {"depart": T0 * 1000})
        b = c.post("/travel-time", json=trip | {"depart": T0})
        assert a.status_code == 200, a.text
        assert a.json()["seconds"] == b.json()["seconds"]
        assert any("depart " + MS_LINE in w for w in a.json()["warnings"])


def test_refusals_quote_json_not_python(client):
    """A JSON client read `None is not a string or integer` and `'41.15' is not a number`; a
    row without an id listed ~50 accepted names before the advice."""
    rows = taxi(None)
    r = client.post("/predict", json={"trajectories": rows})
    assert r.json()["error"].startswith("field trajectories[0].traj_id: null is not"), r.text
    rows = taxi("s")
    rows[2]["lat"] = "41,15"  # a decimal comma (decimal text is read since serve39)
    assert (
        '"41,15" is not a number'
        in client.post("/predict", json={"trajectories": rows}).json()["error"]
    )
    bare = [{k: v for k, v in p.items() if k != "traj_id"} for p in taxi("n")]
    # rows with no id are one mover's fixes, as the Python API reads a frame without one
    # (pieces22); "split_gaps": false keeps the refusal, as split_gaps=False does there
    ans = client.post("/predict", json={"trajectories": bare})
    assert ans.status_code == 200 and ans.json()["points"][0]["traj_id"] is None, ans.text
    msg = client.post("/predict", json={"trajectories": bare, "split_gaps": False}).json()["error"]
    assert "traj_id" in msg and len(msg) < 200, msg
