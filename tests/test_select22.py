"""The val-checked candidate selector (session 22, select22; trajlm/eval/selector_verdict.py).

At the end of a fit the selector, plain kNN and place-aware kNN are scored on val; the saved
verdict decides who answers through ``predict``, ``TrajLM.predict`` (an ``engine`` column),
``trajlm predict`` and ``trajlm eval`` (a line naming it). ``--no-val-check`` and
``engine=`` opt out; a folder saved before the check answers with the network, said in one
warning line. The HTTP server answers /predict with it too (tests/test_selhttp22.py).
"""

from __future__ import annotations

import json
import shutil
import warnings

import numpy as np
import polars as pl
import pytest
from test_selector_predictor import TINY, TINY_TOML, said
from typer.testing import CliRunner

import trajlm
from trajlm.cli import app
from trajlm.data.ingest import synth_store
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.errors import UserError
from trajlm.eval.candidate_selector import SelectorConfig
from trajlm.eval.protocol import split_tables
from trajlm.eval.selector_predictor import CandidateSelectorPredictor, knn_points
from trajlm.eval.selector_verdict import ENGINES, decide, engine_errors

runner = CliRunner()
pytestmark = pytest.mark.xdist_group("select22")


def _errors(sel_scale: float, n: int = 200, place: float = 1.05) -> dict:
    """Per-trip val errors: kNN 50-150 m, place-aware kNN `place` x, selector `sel_scale` x."""
    knn = np.random.default_rng(0).uniform(50, 150, n)
    return {"knn": knn, "place_knn": knn * place, "selector": knn * sel_scale}


NOISY = {"knn": np.full(8, 100.0), "place_knn": np.full(8, 110.0),
         "selector": np.array([40.0, 150.0] * 4)}  # fmt: skip


@pytest.mark.parametrize(
    "errors, engine",
    [
        (_errors(0.85), "selector"),  # lower on every trip: evidence
        (NOISY, "knn"),  # lower on average (0.95x), CI crosses 1: not enough
        (_errors(1.10), "knn"),  # worse (session 21's cyclists): the better kNN answers
        (_errors(1.10, place=0.9), "place_knn"),  # the better kNN is place-aware
        (_errors(1.0), "knn"),  # a tie is no evidence
    ],
)
def test_the_guarded_rule_needs_evidence_for_the_selector(errors, engine):
    v = decide(errors)
    assert v["engine"] == engine
    assert v["val_mae_m"]["knn"] == pytest.approx(float(np.mean(errors["knn"])))
    r = v["selector_over_best_knn"]
    assert r["lo"] <= r["ratio"] <= r["hi"] and v["n_val_trips"] == len(errors["knn"])


def test_argmin_rule_takes_the_lowest_val_mae_without_evidence():
    assert decide(NOISY)["engine"] == "knn"
    assert decide(NOISY, rule="argmin")["engine"] == "selector"


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """(root, parts, selector, folder): a 2-epoch selector on a 60-trip synthetic city, saved."""
    root = tmp_path_factory.mktemp("sel22")
    synth_store(root / "s", n_trajectories=60, seed=1)
    parts = split_tables(read_store(root / "s"))
    sel = CandidateSelectorPredictor(**TINY, selector=SelectorConfig(max_epochs=2))
    sel.fit(parts["train"], parts["val"], seed=0)
    sel.save(root / "sel")
    return root, parts, sel, root / "sel"


def test_fit_saves_the_val_verdict_and_predicts_with_its_engine(city):
    _, parts, sel, folder = city
    v = json.loads((folder / "config.json").read_text())["verdict"]
    val_task = make_prediction_task(parts["val"])
    assert v == decide(engine_errors(sel, val_task))  # recomputed from the saved pools: same
    assert set(v["val_mae_m"]) == set(ENGINES) and v["n_val_trips"] == len(val_task.lengths)
    task = make_prediction_task(parts["test"])
    xy, s = task.xy(sel.projection_), sel.settings_
    pool, nb = ("shape", s["knn"]["n_neighbors"]) if v["engine"] == "knn" else \
        ("place", s["place"]["n_neighbors"])  # fmt: skip
    if v["engine"] != "selector":  # the tiny city: the network shows no evidence
        own = knn_points(sel.indexes_[pool], xy, task.lengths, nb)
        assert np.array_equal(sel.predict(xy, task.lengths, 5), own)
    loaded = CandidateSelectorPredictor.load(folder)
    assert loaded.engine_ == v["engine"]
    assert np.array_equal(loaded.predict_next(task), sel.predict_next(task))


def test_engine_can_be_forced_at_load_and_a_bad_one_is_one_line(city):
    _, parts, sel, folder = city
    task = make_prediction_task(parts["test"], k=3)
    xy, got = task.xy(sel.projection_), {}
    for engine in ENGINES:
        forced = CandidateSelectorPredictor.load(folder, engine=engine)
        assert forced.engine_ == engine
        got[engine] = forced.predict_next(task)
        assert np.array_equal(got[engine], sel.predict_next(task, engine=engine))
        assert np.array_equal(forced.predict(xy, task.lengths, 3), sel._engine_points(
            engine, xy, task.lengths, 3))  # fmt: skip
    assert not np.allclose(got["knn"], got["place_knn"])  # two engines, two answers
    with pytest.raises(UserError, match="engine must be one of auto, selector") as e:
        CandidateSelectorPredictor.load(folder, engine="transformer")
    assert "\n" not in str(e.value)


def test_a_folder_saved_before_the_check_answers_with_the_network_and_says_so(city, tmp_path):
    _, parts, sel, folder = city
    old = tmp_path / "old"
    shutil.copytree(folder, old)
    cfg = json.loads((old / "config.json").read_text())
    del cfg["verdict"]
    (old / "config.json").write_text(json.dumps(cfg))
    with warnings.catch_warnings(record=True) as said_:
        warnings.simplefilter("always")
        loaded = CandidateSelectorPredictor.load(old)
    lines = [str(w.message) for w in said_]
    assert len(lines) == 1 and "fitted before the val check" in lines[0] and str(old) in lines[0]
    assert "\n" not in lines[0] and loaded.engine_ == "selector"
    task = make_prediction_task(parts["test"])
    net = CandidateSelectorPredictor.load(folder, engine="selector")
    assert np.array_equal(loaded.predict_next(task), net.predict_next(task))
    root = city[0]
    args = ["predict", "--model", str(old), "--input", str(root / "s"), "--limit", "2"]
    r = runner.invoke(app, [*args, "--steps", "2", "--out", str(tmp_path / "p.csv")])
    assert r.exit_code == 0, r.output
    assert said(r).count("fitted before the val check") == 1 and "answers (" not in said(r)
    assert pl.read_csv(tmp_path / "p.csv")["engine"].unique().to_list() == ["selector"]


def test_the_api_names_the_engine_in_every_answer(city):
    _, parts, sel, folder = city
    model = trajlm.TrajLM.from_pretrained(folder)
    got = model.predict(parts["test"], steps=3)
    assert got["engine"].unique().to_list() == [sel.engine_] and model.engine == sel.engine_
    assert f"engine={sel.engine_!r}" in repr(model)
    ref = sel.predict(parts["test"], steps=3)
    assert np.allclose(got.select("lat", "lon").to_numpy(), ref.select("lat", "lon").to_numpy())
    from trajlm.api_selector import SelectorTrajLM

    net = SelectorTrajLM.from_pretrained(folder, engine="selector")
    assert net.predict(parts["test"], steps=3)["engine"].unique().to_list() == ["selector"]
    assert "forced at load" in net.engine_line()


def test_the_http_server_serves_a_selector_naming_its_engine(city):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from trajlm.serve.app import create_app

    model = trajlm.TrajLM.from_pretrained(city[3])  # selhttp22: served (it was refused)
    with TestClient(create_app(model)) as client:
        assert client.get("/health").json()["engine"] == city[2].engine_
    # tests/test_selhttp22.py: /predict equals the Python API, the other tasks one line each


@pytest.mark.slow
def test_cli_fit_predict_eval_name_the_engine_and_no_val_check_opts_out(city, tmp_path):
    root, parts, _, _ = city
    cfg = tmp_path / "tiny.toml"
    cfg.write_text(TINY_TOML)
    base = ["train-selector", "--data", str(root / "s"), "--config", str(cfg)]
    r = runner.invoke(app, [*base, "--out", str(tmp_path / "a")])
    assert r.exit_code == 0, r.output
    v = json.loads((tmp_path / "a" / "config.json").read_text())["verdict"]
    assert "val check:" in said(r) and "answers" in said(r) and v["engine"] in ENGINES
    r = runner.invoke(app, [*base, "--out", str(tmp_path / "b"), "--no-val-check"])
    assert r.exit_code == 0, r.output
    v = json.loads((tmp_path / "b" / "config.json").read_text())["verdict"]
    assert v["engine"] == "selector" and "val_mae_m" not in v and "opted out" in said(r)

    out = tmp_path / "pred.csv"
    args = ["predict", "--model", str(tmp_path / "b"), "--input", str(root / "s"), "--limit", "3"]
    r = runner.invoke(app, [*args, "--steps", "2", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "(val check): opted out (--no-val-check)" in said(r)
    assert pl.read_csv(out)["engine"].unique().to_list() == ["selector"]

    ev = ["eval", "--task", "predict", "--data", str(root / "s"), "--model", str(tmp_path / "a")]
    r = runner.invoke(app, [*ev, "--out", str(tmp_path / "ev")])
    assert r.exit_code == 0, r.output
    assert "candidate selector:a (val check):" in said(r) and "answers (val MAE" in said(r)
