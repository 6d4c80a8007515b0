"""POST /validity: every point's reason code and sentence, a summary per trajectory, the
request's format kept, time going backwards reported (not refused), bad input named."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402
from test_generate import STATS, tiny  # noqa: E402

import trajlm  # noqa: E402
from trajlm.serve import create_app  # noqa: E402

T0 = 1_709_539_200
DLON = 14.0 / (111_195.0 * 0.7071)  # ~14 m of longitude at 45 deg


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    d = tmp_path_factory.mktemp("validity") / "run"
    tiny(stats=STATS | {"lat0": 45.0, "lon0": 7.0}).save_pretrained(d)
    with TestClient(create_app(trajlm.TrajLM.from_pretrained(d, threads=1))) as c:
        yield c


def walk(traj="a", n=6, times=None):
    times = times or [T0 + 10 * i for i in range(n)]
    return [{"traj_id": traj, "t": t, "lat": 45.0, "lon": 7.0 + DLON * i}
            for i, t in enumerate(times)]  # fmt: skip


def test_validity_table(client):
    bad = walk("b")
    bad[3]["lon"] += 10 * DLON  # 140 m in 10 s
    r = client.post("/validity", json={"trajectories": walk("a") + bad, "mode": "walk"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["format"] == "table" and body["n_trajectories"] == 2
    codes = [p["reason_code"] for p in body["points"] if p["traj_id"] == "b"]
    assert codes[3] == "speed" and body["n_invalid_points"] == sum(c != "ok" for c in codes)
    per = {t["traj_id"]: t for t in body["trajectories"]}
    assert per["a"]["valid"] and not per["b"]["valid"]
    assert "walk limit" in per["b"]["reason"] and per["b"]["score"] < 1


def test_validity_reports_time_going_backwards(client):
    rows = walk("a", times=[T0, T0 + 10, T0 + 5, T0 + 20])
    r = client.post("/validity", json={"trajectories": rows})
    assert r.status_code == 200, r.text
    assert [p["reason_code"] for p in r.json()["points"]][2] == "time_backwards"


def test_validity_geojson_and_bad_mode(client):
    feat = {"type": "Feature", "properties": {"traj_id": "g", "times": [T0 + 10 * i for i in
            range(4)]}, "geometry": {"type": "LineString", "coordinates":
            [[7.0 + DLON * i, 45.0] for i in range(4)]}}  # fmt: skip
    r = client.post("/validity", json={"trajectories": feat, "mode": "bike"})
    assert r.status_code == 200, r.text
    props = r.json()["points"]["features"][0]["properties"]
    assert props["reason_code"] == ["ok"] * 4 and props["valid"] == [True] * 4
    r = client.post("/validity", json={"trajectories": walk(), "mode": "hovercraft"})
    assert r.status_code == 422 and r.json()["field"] == "mode"
    assert "unknown mode 'hovercraft'" in r.json()["error"]


def test_validity_reads_a_reported_speed_key(client):
    """A row key naming the reported speed (sog_kn here) is read as check_validity reads such a
    column (session 17): a fast step the report agrees with is not a speed failure."""
    fast = walk("v", n=6)
    for i, p in enumerate(fast):
        p["lon"] = 7.0 + 10 * DLON * i  # 14 m/s: over the walk limit
    body = client.post("/validity", json={"trajectories": fast, "mode": "walk"}).json()
    assert body["n_invalid_points"] > 0  # no report: judged by the mode's limit
    for p in fast:
        p["sog_kn"] = 14.0 / 0.514444  # the receiver's own speed agrees
    body = client.post("/validity", json={"trajectories": fast, "mode": "walk"}).json()
    assert body["n_invalid_points"] == 0, [p["reason"] for p in body["points"]]
    assert all("sog_kn" in p for p in body["points"])  # the caller's key comes back
