"""pieces22: HTTP rows that name no trajectory are one mover's fixes cut at gaps, as the Python
API reads a frame without an id (they were refused: "traj_id: missing"); a vehicle's /predict
rows share the micro-batched pass with other requests (they took one model call each), with
the answer the API's own call gives. docs/api.md "Session 22 (pieces22)"."""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
import pytest
from test_httppieces21 import van

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402


@pytest.fixture(scope="module")
def client(trajlm_small):
    from trajlm.serve import create_app

    with TestClient(create_app(trajlm_small)) as c:
        yield c


def _bare(drives: int = 3) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "vehicle_id"} for r in van("x", drives=drives)]


def test_rows_without_an_id_are_one_movers_pieces(client, trajlm_small):
    rows = _bare()
    r = client.post("/predict", json={"trajectories": rows, "steps": 2})
    assert r.status_code == 200, r.text  # before: 422 "trajectories[0].traj_id: missing"
    got = r.json()
    assert [(p["traj_id"], p["piece"]) for p in got["points"]] == [
        (None, i) for i in (0, 0, 1, 1, 2, 2)
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = trajlm_small.predict(pl.DataFrame(rows), steps=2)  # the Python API: piece = id
    np.testing.assert_allclose([p["lat"] for p in got["points"]], want["lat"].to_numpy())
    line = " ".join(got["warnings"])
    assert "no row names its trajectory" in line and "1 mover -> 3 trajectories" in line
    assert "traj_id null and a piece field" in line and "traj_col=" not in line
    geo = client.post("/predict", json={"trajectories": rows, "steps": 2, "output": "geojson"})
    assert [f["id"] for f in geo.json()["points"]["features"]] == ["0", "1", "2"]
    for path in ("/recover", "/embed", "/validity"):
        assert client.post(path, json={"trajectories": rows}).status_code == 200, path
    emb = client.post("/embed", json={"trajectories": rows}).json()["embeddings"]
    assert [(e["traj_id"], e["piece"]) for e in emb] == [(None, 0), (None, 1), (None, 2)]


def test_rows_without_an_id_refused_where_the_api_refuses(client):
    rows = _bare()
    r = client.post("/predict", json={"trajectories": rows, "split_gaps": False})
    assert r.status_code == 422 and r.json()["field"] == "trajectories[0].traj_id"
    assert '"split_gaps": false' in r.json()["error"]
    plate = [r | {"plate": "AB-12" if i % 2 else "CD-34"} for i, r in enumerate(rows)]
    r = client.post("/predict", json={"trajectories": plate})  # two movers read as one: no
    assert r.status_code == 422 and "'plate' holds 2 values" in r.json()["error"], r.text
    some = [dict(r) for r in van("VAN-01")]
    del some[3]["vehicle_id"]  # one row without the id the others carry: refused as before
    r = client.post("/predict", json={"trajectories": some})
    assert r.status_code == 422 and "trajectories[3].traj_id" in r.json()["error"], r.text


def test_a_vehicles_predict_shares_the_batched_pass(client, trajlm_small):
    from trajlm.serve.pieces import http_words

    rows = van("VAN-01") + van("VAN-02")
    before = client.get("/health").json()["batched_requests"]
    got = client.post("/predict", json={"trajectories": rows, "steps": 3}).json()
    assert client.get("/health").json()["batched_requests"] == before + 1  # was: not batched
    iso = [r | {"t": f"{np.datetime64(r['t'], 's')}Z"} for r in rows]  # ISO times too
    assert client.post("/predict", json={"trajectories": iso, "steps": 3}).json() == got
    assert client.get("/health").json()["batched_requests"] == before + 2
    # the Python API's own answer and lines, in the request's words
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        want = trajlm_small.predict(pl.DataFrame(rows), steps=3, split_gaps=True)  # as sent
    assert got["warnings"] == list(dict.fromkeys(http_words([str(w.message) for w in said])))
    assert [(p["traj_id"], p["piece"], p["step"], p["t"]) for p in got["points"]] == list(
        want.select("vehicle_id", "piece", "step", "t").iter_rows()
    )
    np.testing.assert_allclose([p["lon"] for p in got["points"]], want["lon"].to_numpy())
    np.testing.assert_allclose([p["std_m"] for p in got["points"]], want["std_m"].to_numpy())


def test_traj_id_rows_answer_as_before(client):
    """Guard: trip rows (no cut) are batched and answered as with "split_gaps": false."""
    rows = [r | {"traj_id": r.pop("vehicle_id")} for r in van("T1", drives=1)]
    a = client.post("/predict", json={"trajectories": rows, "steps": 2})
    b = client.post("/predict", json={"trajectories": rows, "steps": 2, "split_gaps": False})
    assert a.status_code == 200 and a.content == b.content
    assert "piece" not in a.json()["points"][0]


def test_a_vehicles_pieces_and_trip_rows_in_one_pass(trajlm_small):
    """The shared pass concatenates requests: a vehicle's pieces (canonical, Int64 seconds)
    and trip rows parsed from JSON (Int64 seconds) stack, and each gets its own answer."""
    from trajlm.serve.convert import predict_batch
    from trajlm.serve.pieces import cut_rows, pieces_answer

    trip = pl.DataFrame([r | {"traj_id": r.pop("vehicle_id")} for r in van("T1", drives=1)])
    table, layout, lines = cut_rows(pl.DataFrame(van("VAN-01")), {"traj_col": "vehicle_id",
                                                                  "split_gaps": True})  # fmt: skip
    assert trip["t"].dtype == table["t"].dtype == pl.Int64 and len(lines) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a, b = predict_batch(trajlm_small)(("steps", 2, False), [trip, table])
        alone = trajlm_small.predict(trip, steps=2)
    assert a["traj_id"].to_list() == ["T1", "T1"]
    np.testing.assert_allclose(a["lat"].to_numpy(), alone["lat"].to_numpy(), atol=1e-9)
    back = pieces_answer(b, layout)
    assert back.select("traj_id", "piece").rows() == [("VAN-01", 0)] * 2 + [("VAN-01", 1)] * 2
