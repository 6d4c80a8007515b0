"""The HTTP API (trajlm.serve): every endpoint with valid and invalid input, the limits, and
the micro-batcher (results equal to unbatched calls, order kept, 503 when full or slow)."""

from __future__ import annotations

import asyncio
import math
import threading
import time

import numpy as np
import polars as pl
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402
from serve_helpers import geojson, make_workdir, rows  # noqa: E402

import trajlm  # noqa: E402
from trajlm.data.store import read_store  # noqa: E402
from trajlm.serve import Limits, ServeSettings, create_app  # noqa: E402
from trajlm.serve.app import predict_batch  # noqa: E402
from trajlm.serve.batching import MicroBatcher, ModelWorker, Overloaded  # noqa: E402
from trajlm.serve.index import SimilarIndex  # noqa: E402


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return make_workdir(tmp_path_factory.mktemp("serve"))


@pytest.fixture(scope="module")
def model(work):
    return trajlm.TrajLM.from_pretrained(work / "run", threads=1)


@pytest.fixture(scope="module")
def trips(work) -> pl.DataFrame:
    """Six test trajectories of 12 points each."""
    test = read_store(work / "store", split="test").select("traj_id", "t", "lat", "lon")
    test = test.filter(pl.len().over("traj_id") >= 12)
    ids = test["traj_id"].unique().sort().head(6)
    return test.filter(pl.col("traj_id").is_in(ids.implode())).group_by(
        "traj_id", maintain_order=True).head(12)  # fmt: skip


@pytest.fixture(scope="module")
def client(model, work):
    limits = Limits(max_points_per_trajectory=100, max_points_per_request=300,
                    max_trajectories_per_request=10)  # fmt: skip
    app = create_app(model, ServeSettings(limits=limits, max_body_bytes=200_000),
                     SimilarIndex(model, work / "store"))  # fmt: skip
    with TestClient(app) as c:
        yield c


def _error(r, status: int, *words: str) -> str:
    assert r.status_code == status, r.text
    msg = r.json()["error"]
    for w in words:
        assert w in msg, (w, msg)
    return msg


# ------------------------------------------------------------------------------- predict
def test_predict_table_geojson_and_mfjson_match_the_python_api(client, model, trips):
    want = model.predict(trips, steps=3)
    r = client.post("/predict", json={"trajectories": rows(trips), "steps": 3})
    assert r.status_code == 200, r.text
    got = pl.DataFrame(r.json()["points"])
    assert r.json()["format"] == "table" and len(got) == 3 * 6
    assert got["traj_id"].to_list() == want["traj_id"].to_list()
    np.testing.assert_allclose(got["lat"], want["lat"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(got["std_m"], want["std_m"], rtol=1e-6)
    assert got["t"].to_list() == want["t"].to_list()
    # GeoJSON in (ISO times) -> GeoJSON out: a LineString per trajectory, per-vertex lists
    r = client.post("/predict", json={"trajectories": geojson(trips, iso=True), "steps": 3})
    fc = r.json()["points"]
    assert r.json()["format"] == "geojson" and len(fc["features"]) == 6
    f0 = fc["features"][0]
    assert f0["geometry"]["type"] == "LineString" and len(f0["properties"]["times"]) == 3
    assert f0["properties"]["std_m"][0] == pytest.approx(want["std_m"][0], rel=1e-6)
    # MF-JSON MovingPoint (datetimes in ms, as the spec has them) -> MF-JSON out
    g = trips.filter(pl.col("traj_id") == trips["traj_id"][0])
    mp = {"type": "MovingPoint", "coordinates": g.select("lon", "lat").rows(),
          "datetimes": (g["t"] * 1000).to_list()}  # fmt: skip
    r = client.post("/predict", json={"trajectories": mp, "steps": 2})
    assert r.status_code == 200, r.text
    tg = r.json()["points"]["features"][0]["temporalGeometry"]
    assert r.json()["format"] == "mfjson" and len(tg["datetimes"]) == 2
    assert tg["coordinates"][0][1] == pytest.approx(want["lat"][0], abs=1e-9)


def test_predict_at_times(client, trips):
    last = trips.group_by("traj_id").agg(pl.col("t").max())["t"].max()
    r = client.post("/predict", json={"trajectories": rows(trips), "seconds_ahead": [5, 20],
                                      "output": "table"})  # fmt: skip
    assert r.status_code == 200, r.text
    assert len(r.json()["points"]) == 12
    r = client.post("/predict", json={"trajectories": rows(trips), "at_times": [last + 10**6]})
    assert r.status_code == 200, r.text  # beyond the rollout: null, not NaN (JSON has none)
    assert all(p["lat"] is None for p in r.json()["points"])


BAD = [  # (mutation of a valid body, status, words the message must hold)
    (lambda b: b | {"steps": 0}, 422, ["steps"]),
    (lambda b: b | {"steps": 500}, 422, ["steps", "max_len"]),
    (lambda b: b | {"steps": "five"}, 422, ["steps"]),
    (lambda b: b | {"steps": 2, "seconds_ahead": [5]}, 422, ["seconds_ahead", "one of"]),
    (lambda b: b | {"stepz": 2}, 422, ["stepz"]),
    (lambda b: {"steps": 2}, 422, ["trajectories", "required"]),
    (lambda b: b | {"trajectories": []}, 422, ["trajectories", "empty"]),
    (lambda b: b | {"trajectories": "a string"}, 422, ["trajectories"]),
    (lambda b: b | {"trajectories": {"type": "Polygon"}}, 422, ["trajectories.type"]),
    (
        lambda b: b | {"trajectories": [dict(b["trajectories"][0], lat="x")]},
        422,
        ["trajectories[0].lat", "not a number"],
    ),
    (
        lambda b: b | {"trajectories": [dict(r, lat=95.0) for r in b["trajectories"]]},
        422,
        ["lat", "range"],
    ),
    (
        lambda b: b | {"trajectories": [dict(r, lon=-500.0) for r in b["trajectories"]]},
        422,
        ["lon"],
    ),
    (
        lambda b: (
            b | {"trajectories": [{k: v for k, v in b["trajectories"][0].items() if k != "t"}]}
        ),
        422,
        ["trajectories[0].t", "missing"],
    ),
    # table rows in reverse order are read in time order since session 28 (newuser28, as the
    # Python API reads a frame); one time at two places is still refused
    (
        lambda b: (
            b
            | {
                "trajectories": [
                    dict(r, t=b["trajectories"][0]["t"]) if i == 1 else r
                    for i, r in enumerate(b["trajectories"])
                ]
            }
        ),
        422,
        ["times[1]", "repeats"],
    ),  # fmt: skip
    (
        lambda b: (
            b | {"trajectories": b["trajectories"][:3] + [dict(b["trajectories"][2], lat=41.2)]}
        ),
        422,
        ["times[3]", "repeats"],
    ),
    (
        # one fix in ms among seconds (all in ms are read by size since session 20: httpuser20)
        lambda b: (
            b
            | {
                "trajectories": [
                    dict(r, t=r["t"] * (1000 if i == 2 else 1))
                    for i, r in enumerate(b["trajectories"])
                ]
            }
        ),  # fmt: skip
        422,
        ["milliseconds"],
    ),
    (
        lambda b: b | {"trajectories": [dict(r, t="yesterday") for r in b["trajectories"]]},
        422,
        ["ISO"],
    ),
    (lambda b: {"trajectories": b["trajectories"], "at_times": ["soon"]}, 422, ["at_times"]),
    (
        lambda b: {"trajectories": b["trajectories"], "seconds_ahead": [1e12]},
        422,
        ["seconds_ahead"],
    ),
    (
        lambda b: (
            b
            | {
                "trajectories": {
                    "type": "Feature",
                    "properties": {"times": []},
                    "geometry": {"type": "LineString", "coordinates": []},
                }
            }
        ),
        422,
        ["empty trajectory"],
    ),
    (
        lambda b: (
            b
            | {
                "trajectories": {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "geometry": {"type": "LineString", "coordinates": [[-8.6, 41.1]]},
                        }
                    ],
                }
            }
        ),
        422,
        ["features[0].properties.times"],
    ),
    (lambda b: b | {"steps": True}, 422, ["steps"]),  # was 200 with 1 step (lax int)
    (lambda b: b | {"steps": "3"}, 422, ["steps"]),
]


@pytest.mark.parametrize("case", range(len(BAD)))
def test_predict_refuses_bad_input_naming_the_field(client, trips, case):
    mutate, status, words = BAD[case]
    body = {"trajectories": rows(trips.head(12)), "steps": 2}
    _error(client.post("/predict", json=mutate(body)), status, *words)


def test_nan_bad_json_and_limits(client, trips):
    body = rows(trips.head(12))
    raw = str(body).replace("'", '"').replace(str(body[4]["lat"]), "NaN", 1)
    r = client.post("/predict", content=b'{"trajectories": ' + raw.encode() + b"}",
                    headers={"content-type": "application/json"})  # fmt: skip
    _error(r, 422, "lat")
    r = client.post(
        "/predict", content=b'{"trajectories": [', headers={"content-type": "application/json"}
    )
    _error(r, 400, "JSON")
    long = [dict(traj_id="a", t=1_700_000_000 + 5 * i, lat=41.15 + 1e-5 * i, lon=-8.61)
            for i in range(101)]  # fmt: skip
    _error(client.post("/predict", json={"trajectories": long}), 422, "101 points", "limit")
    many = [dict(r, traj_id=f"x{i}") for i in range(11) for r in body[:2]]
    _error(client.post("/predict", json={"trajectories": many}), 422, "more than 10 traject")
    r = client.post("/predict", content=b"[" + b" " * 300_000 + b"]",
                    headers={"content-type": "application/json"})  # fmt: skip
    _error(r, 413, "limit")
    # a body the JSON parser gives up on (100k nested arrays) and an unknown route had come
    # back as {"detail": ...}, not the documented {"error", "field"} (the second new-user test)
    deep = b'{"trajectories": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    r = client.post("/predict", content=deep, headers={"content-type": "application/json"})
    assert r.status_code == 400 and set(r.json()) == {"error", "field"}, r.text
    r = client.get("/no-such-endpoint")
    assert r.status_code == 404 and set(r.json()) == {"error", "field"}, r.text


# ---------------------------------------------------------------------------- the others
def test_recover(client, trips):
    body = rows(trips.head(12))
    for r in body[3:9:2]:
        r["lat"] = r["lon"] = None
    r = client.post("/recover", json={"trajectories": body})
    assert r.status_code == 200, r.text
    pts = r.json()["points"]
    assert sum(p["recovered"] for p in pts) == 3
    assert all(math.isfinite(p["lat"]) for p in pts)
    r = client.post("/recover", json={"trajectories": body, "mode": "bridge"})  # any checkpoint
    assert r.status_code == 200 and sum(p["recovered"] for p in r.json()["points"]) == 3, r.text
    body[0]["lat"] = body[0]["lon"] = None  # before the first known point: left empty, said
    r = client.post("/recover", json={"trajectories": body})
    assert r.status_code == 200, r.text
    first = r.json()["points"][0]
    assert first["lat"] is None and not first["recovered"], first
    assert any("left empty" in w for w in r.json()["warnings"]), r.json()["warnings"]


def test_travel_time(client):
    body = {"origins": [[41.15, -8.61], [41.14, -8.62]],
            "destinations": [[41.158, -8.59], [41.16, -8.60]], "depart": "2024-03-18T08:30:00Z"}  # fmt: skip
    r = client.post("/travel-time", json=body)
    assert r.status_code == 200, r.text
    assert len(r.json()["seconds"]) == 2 and all(s > 0 for s in r.json()["seconds"])
    _error(client.post("/travel-time", json=body | {"destinations": [[41.1, -8.6]]}), 422,
           "destinations")  # fmt: skip
    _error(client.post("/travel-time", json=body | {"origins": [[41.1]]}), 422, "origins")
    _error(client.post("/travel-time", json=body | {"depart": [1, 2, 3]}), 422, "depart")
    _error(client.post("/travel-time", json=body | {"depart": "at noon"}), 422, "field depart")
    _error(client.post("/travel-time", json=body | {"depart": "at noon"}), 422, "field depart")


def test_embed_and_similar(client, model, trips, work):
    r = client.post("/embed", json={"trajectories": geojson(trips)})
    assert r.status_code == 200, r.text
    emb = r.json()["embeddings"]
    want = model.embed(trips)
    assert [e["traj_id"] for e in emb] == want["traj_id"].to_list()
    np.testing.assert_allclose(emb[0]["embedding"], want.row(0)[1:], rtol=1e-6)
    r = client.post("/similar", json={"trajectories": rows(trips), "k": 3, "geometry": True})
    assert r.status_code == 200, r.text
    res = r.json()["results"]
    assert len(res) == 6 and all(len(q["matches"]) == 3 for q in res)
    d = [m["distance"] for m in res[0]["matches"]]
    assert d == sorted(d) and len(res[0]["matches"][0]["track"]) >= 2
    # whole trips of the indexed store find themselves first, at distance 0
    store = read_store(work / "store", split="test").select("traj_id", "t", "lat", "lon")
    whole = store.filter(pl.len().over("traj_id") <= 90)
    whole = whole.filter(
        pl.col("traj_id").is_in(whole["traj_id"].unique().sort().head(3).implode())
    )
    r = client.post("/similar", json={"trajectories": rows(whole), "k": 2})
    assert r.status_code == 200, r.text
    res = r.json()["results"]
    assert all(q["matches"][0]["traj_id"] == q["traj_id"] for q in res)
    assert res[0]["matches"][0]["distance"] == pytest.approx(0, abs=1e-3)
    _error(client.post("/similar", json={"trajectories": rows(trips), "k": 0}), 422, "k")


def test_classify_needs_a_classifier(client, work, trips):
    _error(client.post("/classify", json={"trajectories": rows(trips)}), 404, "not a classifier")
    clf = trajlm.TrajLM.from_pretrained(work / "modes", threads=1)
    with TestClient(create_app(clf)) as c:
        r = c.post("/classify", json={"trajectories": rows(trips)})
        assert r.status_code == 200, r.text
        out = r.json()
        assert len(out["results"]) == 6 and out["classes"]
        p = out["results"][0]["proba"]
        assert sum(p.values()) == pytest.approx(1.0, abs=1e-5)
        _error(c.post("/similar", json={"trajectories": rows(trips)}), 404, "--index")
        _error(c.post("/classify", json={"trajectories": []}), 422, "empty")


def test_health_model_card_docs_and_page(client):
    assert client.get("/health").json()["status"] == "ok"
    card = client.get("/model").json()
    assert card["params"] > 0 and "recover" in card["tasks"] and card["config"]["max_len"] == 32
    assert card["coverage"]["centre"]["lat"] == pytest.approx(41.15, abs=0.05)
    assert card["metrics"]["train_summary.json"]["steps"] == 20 and card["index"]["trajectories"]
    assert "/predict" in client.get("/openapi.json").json()["paths"]
    assert client.get("/docs").status_code == 200
    page = client.get("/").text
    assert "/static/vendor/leaflet/leaflet.js" in page and "http" not in page.split("<body>")[0]
    assert client.get("/static/vendor/leaflet/leaflet.js").status_code == 200
    assert client.get("/background").json()["features"]


# ------------------------------------------------------------------------------ batching
def _split(trips: pl.DataFrame) -> list[pl.DataFrame]:
    """Requests of different sizes: 1, 2 and 3 trajectories, histories 12, 9 and 6 points."""
    ids = trips["traj_id"].unique(maintain_order=True).to_list()
    return [trips.filter(pl.col("traj_id").is_in(ids[:1])),
            trips.filter(pl.col("traj_id").is_in(ids[1:3])).group_by("traj_id").head(9).sort("traj_id", "t"),
            trips.filter(pl.col("traj_id").is_in(ids[3:])).group_by("traj_id").head(6).sort("traj_id", "t")]  # fmt: skip


def test_batched_predictions_equal_unbatched_calls_in_order(model, trips):
    frames = _split(trips) * 3  # the same ids in several requests of one batch
    run = predict_batch(model)
    batched = run(("steps", 4), frames)
    assert len(batched) == len(frames)
    for f, got in zip(frames, batched, strict=True):
        want = model.predict(f, steps=4)
        assert got["traj_id"].to_list() == want["traj_id"].to_list()  # order and ids kept
        assert (
            got["t"].to_list() == want["t"].to_list()
            and got["step"].to_list() == want["step"].to_list()
        )
        # one float32 pass over a padded batch vs one per request: equal to float32 rounding
        np.testing.assert_allclose(got["lat"], want["lat"], rtol=0, atol=1e-8)  # < 1 mm
        np.testing.assert_allclose(got["lon"], want["lon"], rtol=0, atol=1e-8)
        np.testing.assert_allclose(got["std_m"], want["std_m"], rtol=1e-5)


def test_concurrent_requests_share_passes_and_get_their_own_answers(model, trips):
    frames = _split(trips) * 4
    app = create_app(model, ServeSettings(max_delay_ms=50))
    with TestClient(app) as c:
        out: list = [None] * len(frames)

        def go(i):
            out[i] = c.post("/predict", json={"trajectories": rows(frames[i]), "steps": 2})

        threads = [threading.Thread(target=go, args=(i,)) for i in range(len(frames))]
        [t.start() for t in threads]
        [t.join() for t in threads]
        batcher = app.state.batcher
        assert batcher.items == len(frames) and batcher.batches < len(frames)  # shared passes
    for f, r in zip(frames, out, strict=True):
        assert r.status_code == 200, r.text
        want = model.predict(f, steps=2)
        got = pl.DataFrame(r.json()["points"])
        assert got["traj_id"].to_list() == want["traj_id"].to_list()
        np.testing.assert_allclose(got["lat"], want["lat"], rtol=0, atol=1e-8)


def test_batcher_refuses_when_full_or_slow():
    def slow(key, payloads):
        time.sleep(0.3)
        return [p * 2 for p in payloads]

    async def scenario():
        worker = ModelWorker(max_pending=4, timeout_s=5)
        b = MicroBatcher(slow, worker, max_batch=2, max_delay_ms=1, max_queue=2, timeout_s=5)
        b.start()
        first = asyncio.create_task(b.submit("k", 1))
        await asyncio.sleep(0.05)  # the collector took it: the model thread is busy
        queued = [asyncio.create_task(b.submit("k", i)) for i in (2, 3)]
        await asyncio.sleep(0.01)
        with pytest.raises(Overloaded, match="queue is full"):
            await b.submit("k", 4)
        assert [await first] + [await q for q in queued] == [2, 4, 6]
        fast = MicroBatcher(slow, worker, max_batch=2, max_delay_ms=1, max_queue=2, timeout_s=0.1)
        fast.start()
        with pytest.raises(Overloaded, match="within"):
            await fast.submit("k", 5)
        await b.stop()
        await fast.stop()
        worker.close()

    asyncio.run(scenario())


def test_overload_is_503_with_retry_after(model, trips):
    app = create_app(model, ServeSettings(timeout_s=0.2))
    worker_block = threading.Event()
    with TestClient(app) as c:
        # warm: a first request's reading (lazy imports) counts against its 0.2 s since serve40
        c.post("/predict", json={"trajectories": rows(trips.head(2)), "steps": 1})
        # occupy the model thread, then a request cannot be answered within 0.2 s
        app.state.batcher.worker.executor.submit(worker_block.wait, 5)
        r = c.post("/predict", json={"trajectories": rows(trips.head(12)), "steps": 2})
        worker_block.set()
        assert r.status_code == 503 and r.headers["Retry-After"] == "1"
        assert "overloaded" in r.json()["error"]
        # and it recovers: on a loaded box (2 xdist workers on 2 cores) one answer may itself
        # take longer than 0.2 s, so a few tries; a server stuck in overload answers 503 to all
        codes = []
        for _ in range(10):
            r = c.post("/predict", json={"trajectories": rows(trips.head(2)), "steps": 1})
            codes.append(r.status_code)
            if r.status_code == 200:
                break
            time.sleep(0.2)
        assert codes[-1] == 200, codes


def test_cli_serve_refuses_a_missing_model_in_one_line(tmp_path):
    from typer.testing import CliRunner

    from trajlm.cli import app

    r = CliRunner().invoke(app, ["serve", "--model", str(tmp_path / "nope")])
    assert r.exit_code == 2 and "--model" in r.output and "Traceback" not in r.output
    assert "--max-batch" in CliRunner().invoke(app, ["serve", "--help"]).output


def test_from_env_factory_for_uvicorn_workers(work, monkeypatch):
    from trajlm.serve.app import from_env

    monkeypatch.setenv("TRAJLM_MODEL", str(work / "run"))
    monkeypatch.setenv("TRAJLM_INDEX", str(work / "store"))
    with TestClient(from_env()) as c:
        card = c.get("/model").json()
    assert card["index"]["trajectories"] > 0 and "predict" in card["tasks"]


def test_model_worker_bounds_waiting_calls():
    async def scenario():
        worker = ModelWorker(max_pending=1, timeout_s=5)
        first = asyncio.create_task(worker.call(time.sleep, 0.3))
        await asyncio.sleep(0.05)
        with pytest.raises(Overloaded, match="waiting"):
            await worker.call(time.sleep, 0)
        await first
        assert await worker.call(lambda: 7) == 7  # free again
        slow = ModelWorker(max_pending=4, timeout_s=0.05)
        with pytest.raises(Overloaded, match="within"):
            await slow.call(time.sleep, 0.3)
        worker.close()
        slow.close()

    asyncio.run(scenario())


def test_index_limit_spreads_over_the_store(model, work):
    """--index-limit took the first N sorted ids (a GeoLife store's first users only)."""
    all_ids = read_store(work / "store")["traj_id"].unique().sort().to_list()
    idx = SimilarIndex(model, work / "store", limit=5)
    assert len(idx) == 5 and idx.ids[0] == all_ids[0] and idx.ids[-1] == all_ids[-1]
