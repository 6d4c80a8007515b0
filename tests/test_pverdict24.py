"""Session 24 (pverdict24): `trajlm train` saves a prediction verdict beside the weights and
``TrajLM.predict`` / `trajlm predict` answer with its engine, naming it.

Every trip drives the same circle at 10 s (tests/test_heldout23_knn_check.py's store): kNN
continuation fitted on the train trips is near exact, an untrained residual model overshoots
every turn, so the verdict is kNN. The verdict here is made by the code `trajlm train` runs at
its end (cli_train_check.save_predict_verdict), on a model that is not trained (seconds)."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from test_heldout23_knn_check import _circle_trips
from test_pvbase24 import _model

from trajlm.data.store import read_store, write_store


@pytest.fixture(scope="module")
def judged(tmp_path_factory) -> dict:
    """A store of circles, a run (weights only) and its saved prediction verdict."""
    import trajlm
    from trajlm.cli_train_check import save_predict_verdict
    from trajlm.eval.knn_check import knn_check, val_task_of

    d = tmp_path_factory.mktemp("pv24")
    store = d / "circles"
    write_store(_circle_trips(), store)
    train = read_store(store, split="train").drop("split")
    model = _model(train)
    plain = d / "plain"  # the same weights, no verdict: "a run trained before"
    trajlm.TrajLM(model, threads=1).save_pretrained(plain)
    run = d / "run"
    shutil.copytree(plain, run)
    fitted: dict = {}
    check = knn_check(model, train, val_task_of(store), fitted)
    save_predict_verdict(run, store, check, fitted, train)
    engine = json.loads((run / "val_verdict.json").read_text())["predict"]["engine"]
    return {"store": store, "run": run, "plain": plain, "train": train, "fitted": fitted,
            "engine": engine}  # fmt: skip


def _hist(n: int = 3, seed: int = 9) -> pl.DataFrame:
    return _circle_trips(n=n, points=25, seed=seed).with_columns(
        traj_id=pl.lit("q") + pl.col("traj_id")
    )


def test_verdict_saved_beside_the_weights_and_read_back(judged: dict) -> None:
    from trajlm.data.retrieval import traj_keys
    from trajlm.eval.predict_verdict import KNN_NAME, load_knn
    from trajlm.eval.val_verdict import read_verdict, weights_sha1

    run = judged["run"]
    doc = json.loads((run / "val_verdict.json").read_text())
    v = read_verdict(run)["predict"]
    assert doc["weights_sha1"] == weights_sha1(run)
    # pvbase24: both kNNs (tuned on val) are near exact on circles; either may answer
    assert v["engine"] in ("kNN continuation", "kNN continuation (place-aware)")
    assert v["model_over_best"]["lo"] > 1
    assert v["val_ade_m"]["kNN continuation"] < v["val_ade_m"]["model"]
    assert not list(run.glob(".*.tmp"))  # atomic writes leave no temp file
    index, proj = load_knn(run, v)
    knn = judged["fitted"][v["engine"]]
    np.testing.assert_array_equal(index.features_, knn.index_.features_)
    np.testing.assert_array_equal(index.continuations_, knn.index_.continuations_)
    assert (proj.lat0, proj.lon0) == (knn.projection_.lat0, knn.projection_.lon0)
    # train windows only: every window's trajectory is a train trip, none of val / test
    train_keys = set(traj_keys(judged["train"]["traj_id"].unique().to_numpy()).tolist())
    other = read_store(judged["store"]).filter(pl.col("split") != "train")
    assert set(index.traj_keys_.tolist()) <= train_keys
    assert not set(index.traj_keys_.tolist()) & set(traj_keys(other["traj_id"].to_numpy()).tolist())
    table = pl.read_parquet(run / KNN_NAME)  # numbers only, no object column
    assert all(dt.is_numeric() for dt in table.schema.values())


def test_predict_answers_with_the_verdict_and_names_it(judged: dict) -> None:
    import trajlm
    from trajlm.eval import baselines as B

    lm = trajlm.TrajLM.from_pretrained(judged["run"], threads=1)
    hist = _hist()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = lm.predict(hist.to_pandas(), steps=5)
    engine = judged["engine"]
    assert set(got["engine"]) == {engine} and lm.last_engine == engine
    assert not [w for w in caught if "on its store's val" in str(w.message)]
    knn = judged["fitted"][engine]  # the baseline as the check tuned and fitted it
    assert isinstance(knn, B.KNNContinuation)
    want = knn.predict(hist.to_pandas(), steps=5)
    np.testing.assert_allclose(got[["lat", "lon"]].to_numpy(), want[["lat", "lon"]].to_numpy(),
                               atol=1e-9)  # fmt: skip
    assert list(got["traj_id"].unique()) == hist["traj_id"].unique(maintain_order=True).to_list()


def test_fallback_false_and_a_run_without_verdict_are_the_model_bit_for_bit(judged: dict) -> None:
    import trajlm

    hist = _hist()
    plain = trajlm.TrajLM.from_pretrained(judged["plain"], threads=1).predict(hist, steps=5)
    lm = trajlm.TrajLM.from_pretrained(judged["run"], threads=1)
    off = lm.predict(hist, steps=5, fallback=False)
    assert "engine" not in plain.columns and off.equals(plain)
    with pytest.raises(Exception, match="fallback must be True or False"):
        lm.predict(hist, steps=5, fallback="no")


def test_calls_kNN_cannot_answer_stay_with_the_model_said_once(judged: dict) -> None:
    import trajlm

    hist = _hist()
    lm = trajlm.TrajLM.from_pretrained(judged["run"], threads=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        long = lm.predict(hist, steps=8)
        lm.predict(hist, steps=8)
    # leftover30: past kNN's 5 steps the reaching engine of lowest val error answers (here
    # constant velocity [time], not the model that lost on val), said once
    said = [str(w.message) for w in caught if "steps=8 is past kNN" in str(w.message)]
    assert len(said) == 1 and long.filter(pl.col("step") > 5)["engine"].unique().to_list() == [
        "constant velocity [time]"
    ]
    far = hist.with_columns(  # one trip moved 5 degrees north: another place
        lat=pl.when(pl.col("traj_id") == "qc00").then(pl.col("lat") + 5).otherwise(pl.col("lat"))
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mixed = lm.predict(far, steps=3)
    by = dict(mixed.group_by("traj_id").agg(pl.col("engine").first()).iter_rows())
    assert by["qc00"] == "model" and by["qc01"] == judged["engine"]
    assert any("from the train split's area" in str(w.message) for w in caught)
    ahead = lm.predict(hist, seconds_ahead=[10, 20])  # smallval25: kNN answers asked times
    assert set(ahead["engine"]) == {judged["engine"]}


def test_changed_weights_ignore_the_verdict_with_one_warning(judged: dict, tmp_path: Path) -> None:
    import trajlm
    from trajlm.eval.val_verdict import VerdictWarning

    run = tmp_path / "run"
    shutil.copytree(judged["run"], run)
    raw = bytearray((run / "model.safetensors").read_bytes())
    raw[-1] ^= 1  # one bit of the last weight
    (run / "model.safetensors").write_bytes(bytes(raw))
    lm = trajlm.TrajLM.from_pretrained(run, threads=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = lm.predict(_hist(), steps=5)
        lm.predict(_hist(), steps=5)
    said = [w for w in caught if issubclass(w.category, VerdictWarning)]
    assert len(said) == 1 and "judged other weights" in str(said[0].message)
    assert "engine" not in out.columns


def test_kNN_never_retrieves_from_the_querys_own_trajectory() -> None:
    from trajlm.data.retrieval import RetrievalIndex, traj_keys
    from trajlm.eval.predict_verdict import baseline_xy

    t = np.arange(10.0)
    own = np.stack([10 * t, np.zeros(10)], -1)  # trip "a": straight east at 10 m/step
    other = np.stack([10 * t, 3 * t**1.5], -1)  # trip "b": curving north
    xy = np.concatenate([own, other])
    keys = traj_keys(np.array(["a"] * 10 + ["b"] * 10))
    ix = RetrievalIndex(history=5, horizon=5, n_neighbors=1).fit(xy, keys)
    q = own[None, :5]  # a's own first window: its nearest library window is a's
    lengths = np.array([5])
    seen = baseline_xy("kNN continuation", ix, q, lengths, 5, None, None, None)
    left = baseline_xy("kNN continuation", ix, q, lengths, 5, None, None, traj_keys(["a"]))
    np.testing.assert_allclose(seen[0], own[5:], atol=1e-6)  # without the guard: a's own future
    assert np.abs(left[0] - own[5:]).max() > 1  # with it: b's continuation


def test_decide_follows_the_guarded_rule() -> None:
    from trajlm.eval.predict_verdict import check_predict_fields, decide

    train = pl.DataFrame({"lat": [41.0, 41.1], "lon": [-8.6, -8.5]})
    check = {"val_vs_best_baseline": "level", "val_best_baseline": "linear-3",
             "val_ade_vs_best_baseline_ci": [0.9, 1.1], "val_ade_model_m": 9.0,
             "val_ade_knn_m": 12.0, "val_ade_linear3_m": 10.0, "val_ade_vs_best_baseline": 0.9,
             "val_baseline_trips": 30}  # fmt: skip
    assert decide(check, train)["engine"] == "linear-3"  # level: the baseline answers
    won = decide({**check, "val_vs_best_baseline": "better"}, train)
    assert won["engine"] == "model" and check_predict_fields(won)
    assert decide({}, train) is None
    assert not check_predict_fields({**won, "engine": "oracle"})


def test_cli_predict_names_the_engine_and_no_fallback_opts_out(judged: dict,
                                                               tmp_path: Path) -> None:  # fmt: skip
    from typer.testing import CliRunner

    from trajlm.cli import app

    src = tmp_path / "in.csv"
    _hist().write_csv(src)
    runner = CliRunner()
    for extra, engine in (([], judged["engine"]), (["--no-fallback"], None)):
        out = tmp_path / f"p{len(extra)}.csv"
        res = runner.invoke(app, ["predict", "--model", str(judged["run"]), "--input", str(src),
                                  "--out", str(out), "--threads", "1", *extra])  # fmt: skip
        assert res.exit_code == 0, res.output
        got = pl.read_csv(out)
        if engine:
            assert set(got["engine"]) == {engine} and f"{engine} answers" in " ".join(
                res.output.split()
            )
        else:
            assert "engine" not in got.columns


def test_http_predict_names_the_engine_and_fallback_false_opts_out(judged: dict) -> None:
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    import trajlm
    from trajlm.serve import create_app

    hist = _hist()
    body = [{"traj_id": r["traj_id"], "t": r["t"], "lat": r["lat"], "lon": r["lon"]}
            for r in hist.iter_rows(named=True)]  # fmt: skip
    app = create_app(trajlm.TrajLM.from_pretrained(judged["run"], threads=1))
    with TestClient(app) as c:
        on = c.post("/predict", json={"trajectories": body, "steps": 3})
        off = c.post("/predict", json={"trajectories": body, "steps": 3, "fallback": False})
    assert on.status_code == 200 and off.status_code == 200, (on.text, off.text)
    assert on.json()["engine"] == judged["engine"]
    assert {p["engine"] for p in on.json()["points"]} == {judged["engine"]}
    assert off.json().get("engine") is None and "engine" not in off.json()["points"][0]


@pytest.mark.slow
def test_eval_scores_the_val_checked_row_beside_the_model(judged: dict, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from trajlm.cli import app

    args = ["eval", "--task", "predict", "--data", str(judged["store"]), "--model",
            str(judged["run"]), "--threads", "1", "--out", str(tmp_path / "e.json")]  # fmt: skip
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    text = (tmp_path / "e.md").read_text()
    # a kNN engine's row names its saved settings too (api29): ", 10 neighbours, ..."
    assert f"trajlm:run (val-checked: {judged['engine']}" in text and "| trajlm:run |" in text
    res = CliRunner().invoke(app, [*args[:-1], str(tmp_path / "f.json"), "--no-fallback"])
    assert res.exit_code == 0 and "val-checked" not in (tmp_path / "f.md").read_text()
