"""Session 30 (leftover30): asked past a kNN-family verdict engine's 5 steps (newuser28 #19,
newuser29 #9), the engine answers up to them and the engine of lowest val error that reaches
further the rest (eval/verdict_reach.py; docs/api.md "Session 30 (leftover30)"), in Python, the
CLI, HTTP and eval's val-checked row alike."""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
import pytest
from helpers import invoke_cli


@pytest.fixture(scope="module")
def judged(tmp_path_factory) -> dict:
    """test_pverdict24's circles: a kNN verdict (kNN 2.0 m on val, constant velocity [time]
    124.7, linear-3 150.6, the untrained model 215.7)."""
    from test_pverdict24 import judged as built

    return built.__wrapped__(tmp_path_factory)


def _said(caught, text: str) -> list[str]:
    return [str(w.message) for w in caught if text in str(w.message)]


def test_past_knns_steps_the_reaching_engine_of_lowest_val_error_answers_the_rest(judged):
    """steps=8 / 80 s ahead of 10-s fixes: kNN answers up to its 5 steps, the reaching engine
    of lowest val error (here constant velocity [time], not the model that lost on val) the
    rest, said once with the val numbers; the rows kNN answers are its own answers."""
    from test_pverdict24 import _hist

    import trajlm
    from trajlm.eval.val_verdict import read_verdict
    from trajlm.eval.verdict_reach import reach_engine

    v = read_verdict(judged["run"])["predict"]
    alt = reach_engine(v)
    assert v["engine"].startswith("kNN") and alt == "constant velocity [time]"
    lm = trajlm.TrajLM.from_pretrained(judged["run"], threads=1)
    hist = _hist()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        long = lm.predict(hist, steps=8)
        lm.predict(hist, steps=8)
        five = lm.predict(hist, steps=5)
        asked = lm.predict(hist, seconds_ahead=[30, 80])
        near = lm.predict(hist, seconds_ahead=[30])
    said = _said(caught, "steps=8 is past")
    assert len(said) == 1 and f"{v['engine']} answers up to them and {alt} after" in said[0]
    assert "val 5-step ADE, m: " in said[0] and "model 215.7" in said[0]
    assert long.filter(pl.col("step") <= 5)["engine"].unique().to_list() == [v["engine"]]
    assert long.filter(pl.col("step") > 5)["engine"].unique().to_list() == [alt]
    first = long.filter(pl.col("step") <= 5).select("traj_id", "step", "lat", "lon")
    assert first.equals(five.select("traj_id", "step", "lat", "lon"))
    assert long["std_m"].is_not_nan().all()  # each engine's own val spread
    assert len(_said(caught, "an asked time (e.g. 'qc00') is past")) == 1
    assert asked.filter(pl.col("step") == 1)["engine"].unique().to_list() == [v["engine"]]
    assert asked.filter(pl.col("step") == 2)["engine"].unique().to_list() == [alt]
    np.testing.assert_array_equal(asked.filter(pl.col("step") == 1)["lat"], near["lat"])


def test_where_the_model_is_the_lowest_that_reaches_it_answers_and_says_it_lost(judged, tmp_path):
    """The model answers the whole trajectory past kNN's steps only where no reaching engine
    was better on val, and the line says it lost to kNN on val (it said neither)."""
    import json
    import shutil

    from test_pverdict24 import _hist

    import trajlm

    run = tmp_path / "run"
    shutil.copytree(judged["run"], run)
    doc = json.loads((run / "val_verdict.json").read_text())
    doc["predict"]["val_ade_m"]["model"] = 100.0  # below constant velocity [time]'s 124.7
    (run / "val_verdict.json").write_text(json.dumps(doc))
    lm = trajlm.TrajLM.from_pretrained(run, threads=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        long = lm.predict(_hist(), steps=8)
    said = _said(caught, "steps=8 is past")
    assert len(said) == 1 and "the model answers those trajectories whole" in said[0], said
    assert "though it lost to kNN continuation on val (50.29x its error)" in said[0], said
    assert set(long["engine"]) == {"model"}


def test_cli_predict_past_knns_steps_names_both_engines(judged, tmp_path):
    """`trajlm predict --steps 8` answers as TrajLM.predict (the CLI calls it)."""
    from test_pverdict24 import _hist

    import trajlm

    _hist().write_csv(tmp_path / "h.csv")
    r = invoke_cli(["predict", "--model", judged["run"], "--input", tmp_path / "h.csv",
                    "--steps", "8", "--out", tmp_path / "p.csv", "--threads", "1"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "is past kNN continuation's 5 steps" in " ".join(r.output.split())
    got = pl.read_csv(tmp_path / "p.csv")
    want = trajlm.TrajLM.from_pretrained(judged["run"], threads=1).predict(_hist(), steps=8)
    assert got["engine"].to_list() == want["engine"].to_list()


def test_evals_val_checked_row_answers_past_knns_steps_as_the_api(judged):
    """`trajlm eval`'s "(val-checked: kNN ...)" row at 8 steps: kNN's 5, then the reaching
    engine (it was the model's whole answer)."""
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.data.store import read_store
    from trajlm.eval.predict_verdict import ValCheckedPredictor, load_index
    from trajlm.eval.val_verdict import read_verdict
    from trajlm.eval.verdict_reach import reach_verdict

    v = read_verdict(judged["run"])["predict"]
    index, proj = load_index(judged["run"], v)

    class NoModel:
        name = "m"

        def predict_next(self, task):
            raise AssertionError("the model was asked")

    test = read_store(judged["store"], split="test")
    task = make_prediction_task(test, k=8)
    got = ValCheckedPredictor(NoModel(), v, index, proj).predict_next(task)
    assert got.shape == (len(task.lengths), 8, 2) and np.isfinite(got).all()
    five = ValCheckedPredictor(NoModel(), v, index, proj).predict_next(make_prediction_task(test))
    np.testing.assert_allclose(got[:, :5], five, atol=1e-9)
    alt = ValCheckedPredictor(NoModel(), reach_verdict(v), None, proj).predict_next(task)
    np.testing.assert_allclose(got[:, 5:], alt[:, 5:], atol=1e-9)


def test_http_predict_past_knns_steps_answers_as_python(judged):
    """HTTP /predict steps 8 and at_times past kNN's reach: the engines of TrajLM.predict."""
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient
    from test_pverdict24 import _hist

    import trajlm
    from trajlm.serve import create_app

    hist = _hist(n=1)
    body = [{"traj_id": r["traj_id"], "t": r["t"], "lat": r["lat"], "lon": r["lon"]}
            for r in hist.iter_rows(named=True)]  # fmt: skip
    lm = trajlm.TrajLM.from_pretrained(judged["run"], threads=1)
    last = int(hist["t"].max())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = lm.predict(hist, steps=8)["engine"].to_list()
        want_at = lm.predict(hist, at_times=[last + 30, last + 80])["engine"].to_list()
    with TestClient(create_app(lm)) as c:
        steps = c.post("/predict", json={"trajectories": body, "steps": 8})
        at = c.post("/predict", json={"trajectories": body, "at_times": [last + 30, last + 80]})
    assert steps.status_code == 200 and at.status_code == 200, (steps.text, at.text)
    assert [p["engine"] for p in steps.json()["points"]] == want
    assert [p["engine"] for p in at.json()["points"]] == want_at == [want[0], want[-1]]
    assert want[0] == judged["engine"] and want[-1] == "constant velocity [time]"
