"""Session 18 (serve18): a fleet integrator's requests to `trajlm serve` (docs/serve.md
"Session 18 (serve18)"): sub-second times answered exactly (10 Hz drones, 0.5 s phones,
millisecond ISO and epoch-float times), /validity on fixes under a second apart, gzip request
bodies, HEAD on the GET endpoints, and 404 / 405 answers that name the endpoints."""

from __future__ import annotations

import gzip
import json
import math
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import polars as pl
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402

SMALL = Path("trajlm/checkpoints/trajlm-small/model.safetensors")
pytestmark = pytest.mark.skipif(not SMALL.is_file(), reason="trajlm-small not built")
T0 = 1773900000.0  # 2026-03-19T06:00:00Z
R = 6371008.8


def track(dt: float, n: int, speed: float = 8.0, start: float = 0.0, tid: str = "v") -> list:
    """A straight north-east track at `speed` m/s, a fix every `dt` s from T0 + `start`."""
    rows = []
    for i in range(n):
        d = speed * dt * i / math.sqrt(2)
        lat = 41.1579 + d / R * 180 / math.pi
        lon = -8.6291 + d / (R * math.cos(math.radians(41.1579))) * 180 / math.pi
        rows.append({"traj_id": tid, "t": T0 + start + dt * i, "lat": lat, "lon": lon})
    return rows


def iso(t: float, hours: float = 0.0) -> str:
    s = datetime.fromtimestamp(t, timezone(timedelta(hours=hours))).isoformat("T", "milliseconds")
    return s.replace("+00:00", "Z")


def instant(s: str) -> float:
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


@pytest.fixture(scope="module")
def client(small):
    from trajlm.serve import create_app

    with TestClient(create_app(small)) as c:
        yield c


def test_sub_second_fixes_are_predicted_at_their_cadence_with_exact_times(client):
    """A 0.5 s phone (ISO with ms) and a 10 Hz drone (epoch floats): the next points at the
    track's own interval, `time` with milliseconds, `t` exact (before: the API's
    1 s steps from the last kept fix, labelled with the floored second)."""
    phone = [dict(r, t=iso(r["t"])) for r in track(0.5, 30, 1.4, start=0.25, tid="phone")]
    drone = [dict(r, t=iso(r["t"])) for r in track(0.1, 40, 12.0, start=0.05, tid="drone")]
    car = [dict(r, t=iso(r["t"])) for r in track(15.0, 12, tid="car")]  # steps as the API's
    r = client.post("/predict", json={"steps": 3, "trajectories": phone + car + drone})
    assert r.status_code == 200, r.text
    pts = r.json()["points"]
    assert [p["traj_id"] for p in pts] == ["car"] * 3 + ["drone"] * 3 + ["phone"] * 3  # API order
    for tid, rows, dt in (("phone", phone, 0.5), ("drone", drone, 0.1), ("car", car, 15.0)):
        mine = [p for p in pts if p["traj_id"] == tid]
        last = instant(rows[-1]["t"])
        want = [last + k * dt for k in (1, 2, 3)]
        assert [p["step"] for p in mine] == [1, 2, 3]
        assert [round(instant(p["time"]), 3) for p in mine] == [round(w, 3) for w in want]
        # `t` the exact instant as the API gives it (floored to the second before session 20)
        assert [round(p["t"], 3) for p in mine] == [round(w, 3) for w in want]
        assert all("." in p["time"] for p in mine)
    geo = client.post("/predict", json={"steps": 2, "output": "geojson", "trajectories": phone})
    times = geo.json()["points"]["features"][0]["properties"]["times"]
    assert times == [iso(instant(phone[-1]["t"]) + 0.5 * k) for k in (1, 2)]
    mf = client.post("/predict", json={"steps": 2, "output": "mfjson", "trajectories": phone})
    assert mf.json()["points"]["features"][0]["temporalGeometry"]["datetimes"] == times


def test_epoch_floats_below_the_second_reach_the_model_exact(client, small):
    """1 Hz fixes stamped .25 s (no two in one second) were floored before the model read
    them: positions for the wrong instants. Now the answer is the Python API's on the exact
    times, labelled .250."""
    rows = track(1.0, 20, 9.0, start=0.25, tid="gnss")
    r = client.post("/predict", json={"steps": 3, "trajectories": rows})
    assert r.status_code == 200, r.text
    want = small.predict(pl.DataFrame(rows), steps=3)
    got = r.json()["points"]
    np.testing.assert_allclose([p["lat"] for p in got], want["lat"], atol=1e-9)
    assert [p["time"] for p in got] == [iso(t) for t in want["t"].to_list()]
    assert [p["time"][-5:] for p in got] == [".250Z"] * 3


def test_asked_times_keep_their_milliseconds_and_offset(client):
    rows = [dict(r, t=iso(r["t"], 2)) for r in track(2.0, 20, 10.0, tid="bus")]
    last = instant(rows[-1]["t"])
    asked = [iso(last + 0.75, 2), iso(last + 4.25, 2)]
    r = client.post("/predict", json={"at_times": asked, "trajectories": rows})
    assert [p["time"] for p in r.json()["points"]] == asked, r.text
    ahead = client.post("/predict", json={"seconds_ahead": {"bus": [5.5]}, "trajectories": rows})
    assert ahead.json()["points"][0]["time"] == iso(last + 5.5, 2), ahead.text


def test_seconds_ahead_counts_from_the_last_fix_sent_at_10_hz(client):
    """The Python API keeps one fix a second and counted seconds_ahead from the kept one (up
    to 0.9 s before the last fix sent); the server counts from the last fix sent."""
    rows = track(0.1, 30, 12.0, start=0.05, tid="d")
    r = client.post("/predict", json={"seconds_ahead": [0.5, 2], "trajectories": rows})
    assert r.status_code == 200, r.text
    got = [instant(p["time"]) for p in r.json()["points"]]
    np.testing.assert_allclose(got, [rows[-1]["t"] + 0.5, rows[-1]["t"] + 2], atol=1e-3)
    d = [math.dist((p["lat"], p["lon"]), (rows[-1]["lat"], rows[-1]["lon"])) * R * math.pi / 180
         for p in r.json()["points"]]  # fmt: skip
    assert 3 < d[0] < 9 and 18 < d[1] < 30, d  # 12 m/s: 6 m and 24 m on, give or take


def test_recover_rows_keep_their_millisecond_times(client):
    rows = [dict(r, t=iso(r["t"])) for r in track(0.5, 20, 1.4, start=0.5, tid="walk")]
    for i in (8, 9):
        rows[i] = dict(rows[i], lat=None, lon=None)
    r = client.post("/recover", json={"trajectories": rows})
    assert r.status_code == 200, r.text
    pts = r.json()["points"]
    assert [p["time"] for p in pts] == [x["t"] for x in rows]
    assert sum(p["recovered"] for p in pts) == 2


def test_validity_on_10_hz_fixes_is_not_a_wall_of_repeated_times(client):
    """Floored times made 90 of 100 clean drone fixes "same timestamp as the previous point".
    Now one fix a second is checked (as check_validity does), the others come back
    `not_checked` with `valid` null, every row at its own time, and the answer says why."""
    rows = [dict(r, t=iso(r["t"])) for r in track(0.1, 100, 15.0, start=0.05, tid="drone")]
    r = client.post("/validity", json={"trajectories": rows})
    assert r.status_code == 200, r.text
    j = r.json()
    pts = j["points"]
    assert len(pts) == 100 and [p["time"] for p in pts] == [x["t"] for x in rows]
    codes = [p["reason_code"] for p in pts]
    assert "duplicate_time" not in codes and codes.count("not_checked") == 90
    assert all(p["valid"] is None for p in pts if p["reason_code"] == "not_checked")
    assert j["trajectories"][0]["valid"] and j["n_invalid_points"] == 0
    assert any("less than a second" in w for w in j["warnings"])
    whole = client.post("/validity", json={"trajectories": track(15.0, 10, tid="car")}).json()
    assert "warnings" not in whole and all(isinstance(p["t"], int) for p in whole["points"])


def test_whole_second_requests_answer_as_before(client, small):
    rows = track(15.0, 12, tid="car")
    for r in rows:
        r["t"] = int(r["t"])
    got = client.post("/predict", json={"steps": 3, "trajectories": rows}).json()["points"]
    want = small.predict(pl.DataFrame(rows), steps=3)
    assert [p["t"] for p in got] == want["t"].to_list()
    assert [p["time"] for p in got] == [
        datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for t in want["t"]
    ]


def test_gzip_request_bodies(client):
    body = json.dumps({"steps": 2, "trajectories": track(15.0, 10)}).encode()
    plain = client.post("/predict", content=body, headers={"content-type": "application/json"})
    packed = client.post("/predict", content=gzip.compress(body),
                         headers={"content-type": "application/json",
                                  "content-encoding": "gzip"})  # fmt: skip
    assert packed.status_code == 200 and packed.json() == plain.json(), packed.text
    bomb = gzip.compress(b'{"steps": 2, "trajectories": [' + b" " * 5_000_000 + b"]}")
    r = client.post("/predict", content=bomb, headers={"content-type": "application/json",
                                                       "content-encoding": "gzip"})  # fmt: skip
    assert r.status_code == 413 and "decompressed" in r.json()["error"], r.text
    r = client.post("/predict", content=b"not gzip at all",
                    headers={"content-type": "application/json", "content-encoding": "gzip"})  # fmt: skip
    assert r.status_code == 400 and "gzip" in r.json()["error"], r.text
    r = client.post("/predict", content=body, headers={"content-type": "application/json",
                                                       "content-encoding": "br"})  # fmt: skip
    assert r.status_code == 415 and "'br'" in r.json()["error"], r.text


def test_head_on_the_get_endpoints(client):
    for path in ("/health", "/model", "/background", "/"):
        assert client.head(path).status_code == 200, path


def test_unknown_paths_and_methods_name_the_endpoints(client):
    r = client.post("/travel_time", json={})
    assert r.status_code == 404 and "did you mean /travel-time?" in r.json()["error"], r.text
    assert "/predict" in r.json()["error"]
    r = client.post("/anomalies", json={})
    assert r.status_code == 404 and "trajlm anomalies" in r.json()["error"], r.text
    r = client.get("/predict")
    assert r.status_code == 405 and "takes POST" in r.json()["error"], r.text
    r = client.post("/predict/", json={"steps": 1, "trajectories": track(15.0, 6)})
    assert r.status_code == 200 and len(r.json()["points"]) == 1, r.text


def test_a_long_id_is_said_once_and_short(client):
    rows = [dict(r, traj_id="v" * 300) for r in track(15.0, 4)]
    r = client.post("/predict", json={"steps": 1, "trajectories": rows})
    err = r.json()["error"]
    assert r.status_code == 422 and "300 characters; the limit is 256" in err, err
    assert "v" * 40 not in err and "v" * 40 not in r.json()["field"], err


def test_a_shared_pass_logs_the_callers_ids(small, caplog):
    """Requests sharing a /predict pass carry an internal prefix meanwhile; the server log
    quoted it (`trajectory '000000\\x1fc1'`)."""
    from trajlm.serve.convert import predict_batch

    frames = [pl.DataFrame(track(1.0, 12, tid=f"c{i}")) for i in range(2)]  # 1 s: a warning
    with caplog.at_level("WARNING", logger="trajlm.serve"):
        out = predict_batch(small)(("steps", 1, False), frames)
    assert [o["traj_id"].to_list() for o in out] == [["c0"], ["c1"]]
    said = " ".join(r.getMessage() for r in caplog.records)
    assert "sampling interval" in said and "\x1f" not in said and "000000" not in said, said


def test_travel_time_names_the_bad_pair(tmp_path_factory):
    """lat 123 in `origins` was refused as `travel_time input field lat ... traj_id '0' ...
    each trajectory's times increasing`: words for trajectories, not for [lat, lon] pairs."""
    from serve_helpers import make_workdir

    import trajlm
    from trajlm.serve import create_app

    work = make_workdir(tmp_path_factory.mktemp("serve18"), classifier=False)
    with TestClient(create_app(trajlm.TrajLM.from_pretrained(work / "run", threads=1))) as c:
        ok = c.post("/travel-time", json={"origins": [[41.15, -8.61]],
                                          "destinations": [[41.16, -8.60]], "depart": T0})  # fmt: skip
        assert ok.status_code == 200, ok.text
        r = c.post("/travel-time", json={"origins": [[41.15, -8.61]],
                                         "destinations": [[41.16, -8.60], [123, 8]][1:],
                                         "depart": T0})  # fmt: skip
        assert r.status_code == 422 and r.json()["field"] == "destinations[0]", r.text
        assert "[123, 8] is not a [lat, lon] pair" in r.json()["error"]
        assert "trajector" not in r.json()["error"]


@pytest.mark.parametrize("bad", [None, 123.0])
def test_a_bad_position_among_sub_second_fixes_is_refused_like_any_other(client, bad):
    """Row 5 of a 10 Hz track (not the first fix of its second): lat 123 was refused with the
    Python API's advice ("pass crs='EPSG:...' (lat_col = northing)"), a null one accepted."""
    rows = track(0.1, 30, 12.0, start=0.05, tid="d")
    rows[5] = dict(rows[5], lat=bad)
    r = client.post("/predict", json={"steps": 2, "trajectories": rows})
    assert r.status_code == 422 and r.json()["field"] == "lat", r.text
    assert "row 5" in r.json()["error"] and "crs=" not in r.json()["error"], r.text


def test_large_answers_are_gzip_compressed_for_clients_that_accept_it(client):
    """A batch job's answer (here 120 vehicles x 20 steps) came back as plain JSON only."""
    rows = [r for i in range(120) for r in track(15.0, 12, tid=f"v{i:03d}")]
    body = {"steps": 20, "trajectories": rows}
    packed = client.post("/predict", json=body, headers={"accept-encoding": "gzip"})
    plain = client.post("/predict", json=body, headers={"accept-encoding": "identity"})
    assert packed.headers.get("content-encoding") == "gzip", packed.headers
    assert "content-encoding" not in plain.headers and packed.json() == plain.json()
    assert len(plain.content) > 65_536 > int(packed.headers["content-length"])
    small = client.post("/predict", json={"steps": 1, "trajectories": track(15.0, 6)},
                        headers={"accept-encoding": "gzip"})  # fmt: skip
    assert "content-encoding" not in small.headers  # under 64 KiB: as before


def test_a_browser_may_send_gzip_bodies_across_origins(small):
    """The preflight of a map page that gzips its body (CompressionStream) was refused:
    `request headers 'content-type,content-encoding': send only Content-Type`."""
    from trajlm.serve import ServeSettings, create_app

    app = create_app(small, ServeSettings(cors_origins=("http://map.example",)))
    with TestClient(app) as c:
        r = c.options("/predict", headers={"Origin": "http://map.example",
                                           "Access-Control-Request-Method": "POST",
                                           "Access-Control-Request-Headers":
                                           "content-type,content-encoding"})  # fmt: skip
        assert r.status_code == 200, r.text
        body = gzip.compress(json.dumps({"steps": 1, "trajectories": track(15.0, 6)}).encode())
        r = c.post("/predict", content=body, headers={"Origin": "http://map.example",
                   "content-type": "application/json", "content-encoding": "gzip"})  # fmt: skip
        assert r.status_code == 200 and r.headers["access-control-allow-origin"], r.text
