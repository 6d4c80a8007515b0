"""Session 21 (httppieces21): the HTTP API cuts a vehicle's rows into trajectories as the
Python API does (data/coerce_pieces.py): rows keyed by ``vehicle_id`` / ``mmsi`` / ... are cut
at ingest's gap rule, answers carry the id as sent and a ``piece`` field, ``split_gaps`` as in
Python, and ``traj_id`` rows answer as before (docs/serve.md "Session 21 (httppieces21)")."""

from __future__ import annotations

import math
import warnings

import numpy as np
import polars as pl
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402

T0 = 1773900000  # 2026-03-19T06:00:00Z
R = 6371008.8


def van(vid, key: str = "vehicle_id", drives: int = 2, n: int = 12, dt: int = 15) -> list[dict]:
    """A Porto van's fixes: `drives` drives of n fixes dt s apart, 2 h parked between them
    (over ingest's 30-min gap: `drives` trajectories by the Python API's rule)."""
    rows, lat, lon = [], 41.1500, -8.6200
    for d in range(drives):
        t0 = T0 + d * (n * dt + 7200)
        for i in range(n):
            rows.append({key: vid, "t": t0 + dt * i, "lat": lat, "lon": lon})
            h = 0.6 + 0.05 * i + d
            lat += 9.0 * dt * math.cos(h) / R * 180 / math.pi
            lon += 9.0 * dt * math.sin(h) / (R * math.cos(math.radians(lat))) * 180 / math.pi
    return rows


def fleet(key: str = "vehicle_id") -> list[dict]:
    return van("VAN-01", key) + van("VAN-02", key)


@pytest.fixture(scope="module")
def client(small):
    from trajlm.serve import create_app

    with TestClient(create_app(small)) as c:
        yield c


def _post(client, path: str, body: dict) -> dict:
    r = client.post(path, json=body)
    assert r.status_code == 200, r.text
    return r.json()


def _python(fn, rows: list[dict], **kw) -> pl.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(pl.DataFrame(rows), **kw)


def test_predict_cuts_a_vehicle_as_the_python_api(client, small):
    ans = _post(client, "/predict", {"trajectories": fleet(), "steps": 2})
    assert ans["n_trajectories"] == 4  # before: 2, each van's two drives as one trajectory
    pts = ans["points"]
    assert {(p["traj_id"], p["piece"]) for p in pts} == {
        ("VAN-01", 0), ("VAN-01", 1), ("VAN-02", 0), ("VAN-02", 1)
    }  # fmt: skip
    py = _python(small.predict, fleet(), steps=2).sort("vehicle_id", "piece", "step")
    got = sorted(pts, key=lambda p: (p["traj_id"], p["piece"], p["step"]))
    assert np.allclose([p["lat"] for p in got], py["lat"].to_numpy(), atol=1e-9)
    assert np.allclose([p["lon"] for p in got], py["lon"].to_numpy(), atol=1e-9)
    line = next(w for w in ans["warnings"] if "read as movers" in w)
    assert (
        '"split_gaps": false reads each vehicle_id' in line and "join on (traj_id, piece)" in line
    )
    # a mover's key by another name (mmsi), and integer ids: answered as sent
    ans = _post(client, "/predict", {"trajectories": van(7, "mmsi") + van(9, "mmsi")})
    assert {(p["traj_id"], p["piece"]) for p in ans["points"]} == {(7, 0), (7, 1), (9, 0), (9, 1)}


def test_split_gaps_false_and_traj_id_rows_as_before(client):
    whole = _post(client, "/predict", {"trajectories": fleet(), "steps": 2, "split_gaps": False})
    assert whole["n_trajectories"] == 2 and "piece" not in whole["points"][0]
    trips = {"trajectories": fleet("traj_id"), "steps": 2}
    a = client.post("/predict", json=trips)
    b = client.post("/predict", json=trips | {"split_gaps": False})
    assert a.status_code == b.status_code == 200
    assert a.content == b.content  # traj_id rows: byte for byte what they answered before
    assert a.json()["n_trajectories"] == 2 and "piece" not in a.json()["points"][0]
    assert [p["lat"] for p in a.json()["points"]] == [p["lat"] for p in whole["points"]]
    for path in ("/embed", "/validity"):
        a = client.post(path, json={"trajectories": fleet("traj_id")})
        b = client.post(path, json={"trajectories": fleet("traj_id"), "split_gaps": False})
        assert a.status_code == 200 and a.content == b.content and b"piece" not in a.content


def test_split_gaps_true_or_seconds_cuts_traj_id_rows(client):
    ans = _post(client, "/predict", {"trajectories": fleet("traj_id"), "split_gaps": True})
    assert ans["n_trajectories"] == 4
    ans = _post(client, "/embed", {"trajectories": fleet("traj_id"), "split_gaps": 10000})
    assert len(ans["embeddings"]) == 2  # a 2-h gap is under 10,000 s: no cut, no piece
    assert "piece" not in ans["embeddings"][0]
    ans = _post(client, "/embed", {"trajectories": fleet("traj_id"), "split_gaps": 600})
    assert sorted((e["traj_id"], e["piece"]) for e in ans["embeddings"]) == [
        ("VAN-01", 0), ("VAN-01", 1), ("VAN-02", 0), ("VAN-02", 1)
    ]  # fmt: skip
    for bad in (0, -5, "yes"):
        r = client.post("/embed", json={"trajectories": fleet(), "split_gaps": bad})
        assert r.status_code == 422 and "split_gaps" in r.text


def test_embed_and_geojson_answers_carry_the_piece(client, small):
    ans = _post(client, "/embed", {"trajectories": fleet()})
    py = _python(small.embed, fleet()).sort("vehicle_id", "piece")
    got = sorted(ans["embeddings"], key=lambda e: (e["traj_id"], e["piece"]))
    assert [(e["traj_id"], e["piece"]) for e in got] == py.select("vehicle_id", "piece").rows()
    Z = py.select(pl.exclude("vehicle_id", "piece")).to_numpy()
    assert np.allclose([e["embedding"] for e in got], Z, atol=1e-5)
    for fmt in ("geojson", "mfjson"):
        ans = _post(client, "/predict", {"trajectories": fleet(), "output": fmt})
        feats = ans["points"]["features"]
        assert len(feats) == 4 and ans["n_trajectories"] == 4
        assert {(f["properties"]["traj_id"], f["properties"]["piece"]) for f in feats} == {
            ("VAN-01", 0), ("VAN-01", 1), ("VAN-02", 0), ("VAN-02", 1)
        }  # fmt: skip
        assert len({f["id"] for f in feats}) == 4  # VAN-01_0, ... as the API names pieces


def test_recover_keeps_every_row_with_its_piece(client):
    rows = fleet()
    for i in (5, 18, 30):
        rows[i] = rows[i] | {"lat": None, "lon": None}
    ans = _post(client, "/recover", {"trajectories": rows})
    pts = ans["points"]
    assert len(pts) == len(rows) and ans["n_trajectories"] == 4
    assert [p["piece"] for p in pts[:24]] == [0] * 12 + [1] * 12
    assert all(p["lat"] is not None for p in pts) and sum(p["recovered"] for p in pts) == 3


def test_validity_points_and_summaries_per_piece(client):
    ans = _post(client, "/validity", {"trajectories": fleet()})
    assert len(ans["points"]) == 48 and {p["piece"] for p in ans["points"]} == {0, 1}
    per = ans["trajectories"]
    assert sorted((s["traj_id"], s["piece"]) for s in per) == [
        ("VAN-01", 0), ("VAN-01", 1), ("VAN-02", 0), ("VAN-02", 1)
    ]  # fmt: skip
    assert all(s["n_points"] == 12 for s in per)
    assert any("read as movers" in w for w in ans.get("warnings", []))
    whole = _post(client, "/validity", {"trajectories": fleet(), "split_gaps": False})
    assert len(whole["trajectories"]) == 2 and "piece" not in whole["points"][0]


@pytest.mark.slow  # trains a tiny run and classifier (serve_helpers.make_workdir)
def test_classify_answers_per_piece(tmp_path_factory):
    from serve_helpers import make_workdir

    import trajlm
    from trajlm.serve import create_app

    clf = trajlm.TrajLM.from_pretrained(make_workdir(tmp_path_factory.mktemp("c")) / "modes")
    with TestClient(create_app(clf)) as c:
        ans = _post(c, "/classify", {"trajectories": fleet()})
        py = _python(clf.classify, fleet()).sort("vehicle_id", "piece")
        got = sorted(ans["results"], key=lambda r: (r["traj_id"], r["piece"]))
        assert [(r["traj_id"], r["piece"]) for r in got] == py.select("vehicle_id", "piece").rows()
        assert [r["label"] for r in got] == py["label"].to_list()
        whole = _post(c, "/classify", {"trajectories": fleet(), "split_gaps": False})
        assert len(whole["results"]) == 2 and "piece" not in whole["results"][0]
