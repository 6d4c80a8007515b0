"""A candidate selector over HTTP (session 22, selhttp22; trajlm/serve/selector_routes.py).

`trajlm serve --model SELECTOR_DIR` answers /predict as ``TrajLM.from_pretrained(DIR).predict``
does (to 1e-9, the `engine` named in every point and the answer), refuses what a selector cannot
answer (times, /recover, /embed, ...) in one 4xx line naming what to use instead, names
the engine at /health and /model, and still serves the map page and /validity.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import polars as pl
import pytest
from test_selector_predictor import TINY

import trajlm
from trajlm.data.ingest import synth_store
from trajlm.data.store import read_store
from trajlm.errors import TrajlmInputError
from trajlm.eval.candidate_selector import SelectorConfig
from trajlm.eval.protocol import split_tables
from trajlm.eval.selector_predictor import CandidateSelectorPredictor
from trajlm.eval.selector_verdict import ENGINES

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from trajlm.serve.app import create_app  # noqa: E402

pytestmark = pytest.mark.xdist_group("selhttp22")


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """(test trips, saved folder): a 2-epoch selector on a 60-trip synthetic city."""
    root = tmp_path_factory.mktemp("selhttp22")
    synth_store(root / "s", n_trajectories=60, seed=1)
    parts = split_tables(read_store(root / "s"))
    sel = CandidateSelectorPredictor(**TINY, selector=SelectorConfig(max_epochs=2))
    sel.fit(parts["train"], parts["val"], seed=0)
    sel.save(root / "sel")
    return parts["test"], root / "sel"


@pytest.fixture(scope="module")
def served(city):
    """(model, client) over the saved selector."""
    model = trajlm.TrajLM.from_pretrained(city[1])
    with TestClient(create_app(model)) as client:
        yield model, client


def _rows(df: pl.DataFrame, n: int = 4) -> tuple[pl.DataFrame, list[dict]]:
    """The first `n` trips (numeric Unix-second times) and the same rows as JSON table rows."""
    ids = df["traj_id"].unique(maintain_order=True)[:n]
    sub = df.filter(pl.col("traj_id").is_in(ids.implode())).select("traj_id", "t", "lat", "lon")
    if sub["t"].dtype.is_temporal():
        sub = sub.with_columns(pl.col("t").dt.epoch("ms") / 1000.0)
    sub = sub.with_columns(pl.col("traj_id").cast(pl.Utf8))
    return sub, sub.to_dicts()


def _one_line(r, status: int, field: str | None = None) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert "\n" not in body["error"] and len(body["error"]) < 500
    if field is not None:
        assert body["field"] == field
    return body["error"]


@pytest.mark.parametrize("steps", [None, 1, 3])
def test_predict_equals_the_python_api_and_names_the_engine(served, city, steps):
    model, client = served
    sub, rows = _rows(city[0])
    body = {"trajectories": rows, "output": "table"} | ({} if steps is None else {"steps": steps})
    r = client.post("/predict", json=body)
    assert r.status_code == 200, r.text
    got = r.json()
    ref = model.predict(sub, steps=steps)
    k = steps or 5
    assert got["engine"] == model.engine and model.engine in ENGINES
    assert got["n_trajectories"] == sub["traj_id"].n_unique()
    pts = got["points"]
    assert len(pts) == len(ref) == sub["traj_id"].n_unique() * k
    for p, q in zip(pts, ref.iter_rows(named=True), strict=True):
        assert p["traj_id"] == q["traj_id"] and p["step"] == q["step"]
        assert abs(p["lat"] - q["lat"]) <= 1e-9 and abs(p["lon"] - q["lon"]) <= 1e-9
        assert p["engine"] == q["engine"] == model.engine
        # the engine's val spread (uncert27): null only where the API's is NaN
        assert (p["std_m"] is None) == math.isnan(q["std_m"])
        assert p["std_m"] is None or abs(p["std_m"] - q["std_m"]) <= 1e-9 * q["std_m"]
        assert abs(p["t"] - q["t"]) <= 1.0  # whole Unix seconds in `t`
    # the other formats carry the same positions
    gj = client.post("/predict", json=body | {"output": "geojson"}).json()
    coords = [c for f in gj["points"]["features"] for c in f["geometry"]["coordinates"]]
    assert np.allclose(coords, ref.select("lon", "lat").to_numpy(), atol=1e-9, rtol=0)


def test_a_vehicles_rows_are_cut_into_pieces_as_the_python_api_cuts_them(served, city):
    model, client = served
    sub, _ = _rows(city[0], n=2)
    ids = sub["traj_id"].unique(maintain_order=True)
    later = sub.filter(pl.col("traj_id") == ids[1]).with_columns(
        pl.col("t") - pl.col("t").min() + sub["t"].max() + 7200  # after a 2 h gap
    )
    veh = (
        pl.concat([sub.filter(pl.col("traj_id") == ids[0]), later])
        .rename({"traj_id": "vehicle_id"})
        .with_columns(vehicle_id=pl.lit("bus-7"))
    )
    got = client.post("/predict", json={"trajectories": veh.to_dicts(), "steps": 2}).json()
    with pytest.warns(UserWarning, match="vehicle_id"):
        ref = model.predict(veh, steps=2)
    assert [p["piece"] for p in got["points"]] == ref["piece"].to_list() == [0, 0, 1, 1]
    xy = np.array([[p["lat"], p["lon"]] for p in got["points"]])
    assert np.abs(xy - ref.select("lat", "lon").to_numpy()).max() <= 1e-9
    assert {p["traj_id"] for p in got["points"]} == {"bus-7"}
    assert any("piece" in w for w in got["warnings"])


def test_a_forced_engine_answers_over_http_as_in_python(city):
    from trajlm.api_selector import SelectorTrajLM

    sub, rows = _rows(city[0], n=3)
    answers = {}
    for engine in ENGINES:
        model = SelectorTrajLM.from_pretrained(city[1], engine=engine)
        with TestClient(create_app(model)) as client:
            got = client.post("/predict", json={"trajectories": rows, "steps": 2}).json()
            assert client.get("/health").json()["engine"] == engine
        ref = model.predict(sub, steps=2)
        xy = np.array([[p["lat"], p["lon"]] for p in got["points"]])
        assert got["engine"] == engine and {p["engine"] for p in got["points"]} == {engine}
        assert np.abs(xy - ref.select("lat", "lon").to_numpy()).max() <= 1e-9
        answers[engine] = xy
    assert not np.allclose(answers["knn"], answers["place_knn"])  # engines answer differently


def test_times_radii_and_too_many_steps_are_one_line_each(served, city):
    model, client = served
    _, rows = _rows(city[0], n=2)
    r = client.post("/predict", json={"trajectories": rows, "seconds_ahead": [30, 60]})
    said = _one_line(r, 422, "seconds_ahead")
    assert "candidate selector" in said and "send steps" in said
    r = client.post("/predict", json={"trajectories": rows, "at_times": [1.7e9]})
    assert "send steps" in _one_line(r, 422, "at_times")
    r = client.post("/predict", json={"trajectories": rows, "steps": 2, "radii": [90]})
    assert r.status_code == 200 and "r90_m" in r.json()["points"][0]  # uncert27: answered
    r = client.post("/predict", json={"trajectories": rows, "steps": model.horizon + 1})
    assert f"steps <= {model.horizon}" in _one_line(r, 422, "steps")
    r = client.post("/predict", json={"trajectories": rows, "steps": 2, "seconds_ahead": [30]})
    assert "give one of" in _one_line(r, 422, "seconds_ahead")
    bad = [dict(rows[0], lat=123.0), *rows[1:]]  # the server's own input checks still apply
    assert "lat" in _one_line(client.post("/predict", json={"trajectories": bad}), 422)


@pytest.mark.parametrize(
    "path, instead",
    [
        ("/recover", "route-recovery"),
        ("/travel-time", "travel-time head"),
        ("/embed", "embeddings"),
        ("/classify", "classifier"),
        ("/similar", "--index"),
    ],
)
def test_tasks_a_selector_has_not_are_one_404_line_naming_what_to_use(served, city, path, instead):
    _, client = served
    _, rows = _rows(city[0], n=2)
    body = {"trajectories": rows, "origins": [[0, 0]], "destinations": [[0, 0]], "depart": 0}
    said = _one_line(client.post(path, json=body), 404)
    assert "candidate selector" in said and "POST /predict with steps" in said and instead in said
    assert str(city[1]) in said


def test_health_model_page_and_validity_still_answer(served, city):
    model, client = served
    h = client.get("/health").json()
    assert h["status"] == "ok" and h["engine"] == model.engine
    assert h["kind"] == "candidate_selector" and len(h["weights_sha256"]) == 64
    card = client.get("/model").json()
    assert card["engine"] == model.engine and card["tasks"] == ["predict"]
    assert card["max_steps"] == model.horizon and card["params"] > 0
    assert card["verdict"]["engine"] == model.engine and "val check" in card["engine_line"]
    assert card["coverage"]["centre"]["lat"] == pytest.approx(model.selector.projection_.lat0)
    json.dumps(card)  # plain JSON all through
    page = client.get("/")
    assert page.status_code == 200 and "<html" in page.text.lower()
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/background").json() == {"type": "FeatureCollection", "features": []}
    _, rows = _rows(city[0], n=2)
    v = client.post("/validity", json={"trajectories": rows})
    assert v.status_code == 200 and len(v.json()["points"]) == len(rows)
    assert "/predict" in client.get("/openapi.json").json()["paths"]


def test_an_index_with_a_selector_is_refused_in_one_line(city):
    from trajlm.serve.index import SimilarIndex

    model = trajlm.TrajLM.from_pretrained(city[1])
    idx = SimilarIndex.__new__(SimilarIndex)  # any index: refused before it is used
    with pytest.raises(TrajlmInputError, match="no embedding for /similar") as e:
        create_app(model, index=idx)
    assert "\n" not in str(e.value)


@pytest.mark.slow
def test_cli_serve_refuses_index_with_a_selector_in_one_line(city, tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "trajlm.cli", "serve", "--model", str(city[1]), "--index",
         str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert r.returncode != 0 and "Traceback" not in r.stderr + r.stdout
    assert "no embedding for /similar" in " ".join((r.stderr + r.stdout).split())
