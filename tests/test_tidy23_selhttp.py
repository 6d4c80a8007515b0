"""tidy23 item 3: a candidate selector's HTTP /predict joins the server's micro-batcher, as the
transformer's does (it ran one ``predict`` call per request on the model thread). Concurrent
requests share one call; each answer equals the Python API's own answer for its rows (to
1e-9) with its own warning lines, for every engine the val check can pick. docs/api.md
"Session 23 (tidy23)"."""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import polars as pl
import pytest
from test_selector_predictor import TINY

import trajlm
from trajlm.data.ingest import synth_store
from trajlm.data.store import read_store
from trajlm.eval.candidate_selector import SelectorConfig
from trajlm.eval.protocol import split_tables
from trajlm.eval.selector_predictor import CandidateSelectorPredictor

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402

from trajlm.serve.app import create_app  # noqa: E402
from trajlm.serve.convert import predict_batch  # noqa: E402
from trajlm.serve.limits import ServeSettings  # noqa: E402
from trajlm.serve.pieces import http_words  # noqa: E402

pytestmark = pytest.mark.xdist_group("tidy23_selhttp")


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """(val and test trips, saved folder): a 2-epoch selector on a 60-trip synthetic city."""
    root = tmp_path_factory.mktemp("tidy23_selhttp")
    synth_store(root / "s", n_trajectories=60, seed=1)
    parts = split_tables(read_store(root / "s"))
    sel = CandidateSelectorPredictor(**TINY, selector=SelectorConfig(max_epochs=2))
    sel.fit(parts["train"], parts["val"], seed=0)
    sel.save(root / "sel")
    test = pl.concat([parts[k].select("traj_id", "t", "lat", "lon") for k in ("val", "test")])
    if test["t"].dtype.is_temporal():
        test = test.with_columns(pl.col("t").dt.epoch("s"))
    return test.with_columns(pl.col("traj_id").cast(pl.Utf8)), root / "sel"


def _trips(test: pl.DataFrame, first: int, n: int) -> pl.DataFrame:
    ids = test["traj_id"].unique(maintain_order=True)[first : first + n]
    return test.filter(pl.col("traj_id").is_in(ids.implode()))


def _requests(test: pl.DataFrame) -> list[pl.DataFrame]:
    """Eight requests: 1-3 trips each, one with a single-point trip, one far from the city
    (the coverage line), one a vehicle's two drives 2 h apart (cut into pieces)."""
    out = [_trips(test, i, 1 + i % 3) for i in range(5)]
    one = _trips(test, 7, 2)
    out.append(one.filter(pl.col("traj_id") != one["traj_id"][0]).vstack(one.head(1)))
    out.append(_trips(test, 9, 1).with_columns(pl.col("lat") + 5.0))  # ~550 km away
    a, b = _trips(test, 10, 1), _trips(test, 11, 1)
    b = b.with_columns(pl.col("t") - b["t"].min() + a["t"].max() + 7200)
    out.append(pl.concat([a, b]).with_columns(traj_id=pl.lit("bus-7")).rename(
        {"traj_id": "vehicle_id"}))  # fmt: skip
    return out


def _own(model, df: pl.DataFrame, steps: int) -> tuple[pl.DataFrame, list[str]]:
    """The Python API's own answer for one request's rows, and its lines in HTTP words."""
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        cut = {"split_gaps": True} if "vehicle_id" in df.columns else {}  # as the server asks
        out = model.predict(df, steps=steps, **cut)
    lines = [str(w.message) for w in said if issubclass(w.category, UserWarning)]
    return out, list(dict.fromkeys(http_words(lines)))


@pytest.mark.parametrize("engine", ["auto", "selector", "knn", "place_knn"])
def test_one_pass_gives_each_request_its_own_answer(city, engine):
    from trajlm.api_selector import SelectorTrajLM

    test, folder = city
    model = SelectorTrajLM.from_pretrained(folder, engine=engine)
    frames = [f for f in _requests(test) if "traj_id" in f.columns]
    got = predict_batch(model)(("steps", 3, "Int64"), frames)
    for frame, out in zip(frames, got, strict=True):
        want, _ = _own(model, frame, 3)
        assert out["traj_id"].to_list() == want["traj_id"].to_list()
        assert out["step"].to_list() == want["step"].to_list()
        assert out["t"].to_list() == want["t"].to_list()
        err = np.abs(out.select("lat", "lon").to_numpy() - want.select("lat", "lon").to_numpy())
        assert err.max() <= 1e-9
        assert set(out["engine"]) == {model.engine}


def test_concurrent_requests_share_passes_and_keep_their_lines(city):
    test, folder = city
    model = trajlm.TrajLM.from_pretrained(folder)
    reqs = _requests(test) * 2
    settings = ServeSettings(max_delay_ms=200.0)  # wide enough to gather the burst
    with TestClient(create_app(model, settings)) as client:
        before = client.get("/health").json()
        assert before["batched_requests"] == 0 and before["kind"] == "candidate_selector"

        def post(df: pl.DataFrame) -> dict:
            r = client.post("/predict", json={"trajectories": df.to_dicts(), "steps": 2})
            assert r.status_code == 200, r.text
            return r.json()

        with ThreadPoolExecutor(len(reqs)) as pool:
            answers = list(pool.map(post, reqs))
        health = client.get("/health").json()
    assert health["batched_requests"] == len(reqs)  # before: 0 (one call per request)
    assert health["batches"] < len(reqs)  # some requests shared a pass
    for df, got in zip(reqs, answers, strict=True):
        want, lines = _own(model, df, 2)
        key = "vehicle_id" if "vehicle_id" in df.columns else "traj_id"
        assert [p["traj_id"] for p in got["points"]] == want[key].to_list()
        assert [p.get("piece") for p in got["points"]] == (
            want["piece"].to_list() if "piece" in want.columns else [None] * len(want)
        )
        xy = np.array([[p["lat"], p["lon"]] for p in got["points"]])
        assert np.abs(xy - want.select("lat", "lon").to_numpy()).max() <= 1e-9
        assert got.get("warnings", []) == lines
        assert got["engine"] == model.engine
    said = [" ".join(a.get("warnings", [])) for a in answers[:8]]
    assert "single point" in said[5] and "outside the training coverage" in said[6]
    assert "piece field" in said[7] and not any(said[:5])
