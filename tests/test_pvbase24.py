"""Session 24 (pvbase24): the prediction verdict beside the strongest baselines of `trajlm eval`
(constant velocity [time], linear-3 [time, fit], kNN and place-aware kNN tuned on val), the
val line in numbers (no "level" where the interval is only wide), and verdicts saved before
(three engines) still read.

The time-aware store: every trip drives a straight line at 12 m/s with irregular reports
(10-60 s apart), so the methods given the target times are exact, and linear-3 on point index
and kNN (which must guess when the next report comes) are not; an untrained model is far off."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from test_heldout23_knn_check import _circle_trips

from trajlm.data.store import read_store, write_store

SPEED = 12.0  # m/s, due east


def _irregular_trips(n: int = 30, points: int = 30, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        t = np.concatenate([[0.0], np.cumsum(rng.choice([10.0, 20.0, 60.0], points - 1))])
        x = SPEED * t
        lat = np.full(points, 41.15 + 0.001 * i)
        lon = -8.61 + np.degrees(x / (6371000 * np.cos(np.radians(41.15))))
        rows.append(pl.DataFrame({"traj_id": f"s{i:02d}", "t": 1_700_000_000 + i * 7200 + t,
                                  "lat": lat, "lon": lon}))  # fmt: skip
    return pl.concat(rows)


def _model(train: pl.DataFrame):
    torch = pytest.importorskip("torch")
    from trajlm.data.features import NormStats
    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    model = TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32,
                                        residual_base="constant_velocity"))  # fmt: skip
    model.config.stats = NormStats.fit(train).to_dict()
    return model


@pytest.fixture(scope="module")
def timed(tmp_path_factory) -> dict:
    """A store of irregular straight trips, a run and its saved verdict (train's end code)."""
    import trajlm
    from trajlm.cli_train_check import save_predict_verdict
    from trajlm.eval.knn_check import knn_check, val_task_of

    d = tmp_path_factory.mktemp("pvb24")
    store = d / "irregular"
    write_store(_irregular_trips(), store)
    train = read_store(store, split="train").drop("split")
    model = _model(train)
    run = d / "run"
    trajlm.TrajLM(model, threads=1).save_pretrained(run)
    fitted: dict = {}
    check = knn_check(model, train, val_task_of(store), fitted)
    save_predict_verdict(run, store, check, fitted, train)
    return {"store": store, "run": run, "train": train, "check": check, "fitted": fitted}


def test_the_check_holds_every_strong_baseline_and_times_the_tuned_ones(timed: dict) -> None:
    from trajlm.eval.predict_verdict import ENGINES

    check = timed["check"]
    # no reported speed and course in this store: no dead reckoning candidate (drverdict25)
    # the scaled engine is the choice's challenger, scored under "val_scaled" (scaleengine27)
    assert set(check["val_ade_baselines_m"]) == set(ENGINES) - {"model", "dead reckoning [time]",
                                                                "kNN scaled [time]"}  # fmt: skip
    assert set(check["val_baseline_fit_s"]) == {"kNN continuation",
                                                "kNN continuation (place-aware)"}  # fmt: skip
    # given the target times, a straight line at constant speed is exact: one of those wins
    assert check["val_best_baseline"] in ("constant velocity [time]", "linear-3 [time, fit]")
    assert check["val_ade_best_baseline_m"] < 1.0 < check["val_ade_baselines_m"]["linear-3"]
    assert timed["fitted"]["kNN continuation"].n_neighbors in (5, 10, 20, 40, 80)  # tuned grid


def test_a_time_aware_engine_answers_steps_at_the_median_interval(timed: dict) -> None:
    import trajlm
    from trajlm.data.features import LocalProjection

    v = json.loads((timed["run"] / "val_verdict.json").read_text())["predict"]
    engine = v["engine"]
    assert engine in ("constant velocity [time]", "linear-3 [time, fit]")
    hist = _irregular_trips(n=2, points=12, seed=5).with_columns(
        traj_id=pl.lit("q") + pl.col("traj_id")
    )
    lm = trajlm.TrajLM.from_pretrained(timed["run"], threads=1)
    got = lm.predict(hist, steps=3)
    assert set(got["engine"]) == {engine} and lm.last_engine == engine
    for tid, g in hist.group_by("traj_id", maintain_order=True):
        t = g["t"].to_numpy()
        want_t = t[-1] + np.median(np.diff(t)) * np.arange(1, 4)
        mine = got.filter(pl.col("traj_id") == tid[0])
        np.testing.assert_allclose(mine["t"].to_numpy(), want_t)
        proj = LocalProjection(float(g["lat"][0]), float(g["lon"][0]))
        x, _ = proj.forward(mine["lat"].to_numpy(), mine["lon"].to_numpy())
        x_last, _ = proj.forward(g["lat"].to_numpy()[-1:], g["lon"].to_numpy()[-1:])
        np.testing.assert_allclose(x - x_last, SPEED * (want_t - t[-1]), rtol=1e-3)


def test_the_line_says_what_val_showed_without_level() -> None:
    from trajlm.eval.knn_check import knn_line
    from trajlm.eval.predict_verdict import val_words, verdict_line

    words = val_words(21.6, 3.1, 80.0, "kNN continuation", 7)
    assert words == "the model was 21.6x kNN continuation's error on val (7 trips: CI 3.1-80)"
    wide = val_words(1.33, 0.70, 1.69, "kNN continuation (place-aware)", 4)
    assert "CI 0.7-1.69; val cannot tell them apart" in wide
    assert "cannot tell" not in val_words(1.02, 0.97, 1.07, "linear-3", 300)
    v = {"engine": "kNN continuation (place-aware)", "best_baseline": "kNN continuation (place-aware)",
         "model_over_best": {"ratio": 1.33, "lo": 0.70, "hi": 1.69}, "n_val_trips": 4,
         "val_ade_m": {"model": 20.0, "kNN continuation (place-aware)": 15.0}}  # fmt: skip
    line = verdict_line(v)
    assert "level" not in line and line.startswith("predict: the model was 1.33x")
    assert "kNN continuation (place-aware) answers" in line
    check = {"val_vs_best_baseline": "level", "val_ade_vs_best_baseline_ci": [0.70, 1.69],
             "val_ade_vs_best_baseline": 1.33, "val_best_baseline": "linear-3 [time, fit]",
             "val_baseline_trips": 4, "val_ade_model_m": 20.0,
             "val_ade_best_baseline_m": 15.0}  # fmt: skip
    assert "level" not in knn_line(check, "STORE") and "1.33x linear-3 [time, fit]" in knn_line(
        check, "STORE"
    )


def test_a_place_aware_verdict_is_saved_read_back_and_answers(tmp_path: Path) -> None:
    import trajlm
    from trajlm.cli_train_check import save_predict_verdict
    from trajlm.eval.place_knn import PlaceKNNContinuation
    from trajlm.eval.predict_verdict import PLACE_KNN, check_predict_fields, load_knn
    from trajlm.eval.val_verdict import read_verdict

    store = tmp_path / "circles"
    write_store(_circle_trips(n=20, points=30), store)
    train = read_store(store, split="train").drop("split")
    run = tmp_path / "run"
    trajlm.TrajLM(_model(train), threads=1).save_pretrained(run)
    place = PlaceKNNContinuation(n_neighbors=5, w_place=0.3, w_heading=30.0).fit(train)
    check = {"val_vs_best_baseline": "level", "val_best_baseline": PLACE_KNN,
             "val_ade_vs_best_baseline_ci": [0.9, 3.0], "val_ade_vs_best_baseline": 1.5,
             "val_ade_model_m": 9.0, "val_ade_baselines_m": {PLACE_KNN: 6.0, "linear-3": 8.0},
             "val_baseline_trips": 4}  # fmt: skip
    save_predict_verdict(run, store, check, {PLACE_KNN: place}, train)
    v = read_verdict(run)["predict"]
    assert v["engine"] == PLACE_KNN and check_predict_fields(v)
    assert (v["knn"]["w_place"], v["knn"]["w_heading"]) == (0.3, 30.0)
    index, _ = load_knn(run, v)
    np.testing.assert_array_equal(index.features_, place.index_.features_)
    hist = _circle_trips(n=2, points=20, seed=4).with_columns(
        traj_id=pl.lit("q") + pl.col("traj_id")
    )
    got = trajlm.TrajLM.from_pretrained(run, threads=1).predict(hist, steps=5)
    assert set(got["engine"]) == {PLACE_KNN}
    want = place.predict(hist, steps=5)
    np.testing.assert_allclose(got[["lat", "lon"]].to_numpy(), want[["lat", "lon"]].to_numpy(),
                               atol=1e-9)  # fmt: skip
    assert not check_predict_fields({**v, "knn": {**v["knn"], "w_place": "far"}})


def test_a_verdict_saved_before_pvbase24_still_reads_and_answers(timed: dict,
                                                                 tmp_path: Path) -> None:  # fmt: skip
    """pverdict24's file: three engines, linear-3 chosen, no val_ade_baselines_m anywhere."""
    import trajlm
    from trajlm.eval.predict_verdict import decide

    run = tmp_path / "run"
    shutil.copytree(timed["run"], run)
    doc = json.loads((run / "val_verdict.json").read_text())
    doc["predict"] = {
        "engine": "linear-3",
        "rule": "guarded: the model only where the paired bootstrap 95 % upper bound of its val "
        "ADE over the better of kNN continuation and linear-3 is under 1; else that baseline",
        "val_ade_m": {"model": 50.0, "kNN continuation": 45.0, "linear-3": 40.0},
        "best_baseline": "linear-3",
        "model_over_best": {"ratio": 1.25, "lo": 1.1, "hi": 1.4},
        "n_val_trips": 20,
        "train_box": doc["predict"]["train_box"],
    }
    (run / "val_verdict.json").write_text(json.dumps(doc))
    hist = _irregular_trips(n=2, points=12, seed=5).with_columns(
        traj_id=pl.lit("q") + pl.col("traj_id")
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = trajlm.TrajLM.from_pretrained(run, threads=1).predict(hist, steps=3)
    assert set(got["engine"]) == {"linear-3"}
    assert not [w for w in caught if "VerdictWarning" in type(w.message).__name__]
    old_check = {"val_vs_best_baseline": "worse", "val_best_baseline": "linear-3",
                 "val_ade_vs_best_baseline_ci": [1.1, 1.4], "val_ade_vs_best_baseline": 1.25,
                 "val_ade_model_m": 50.0, "val_ade_knn_m": 45.0, "val_ade_linear3_m": 40.0,
                 "val_baseline_trips": 20}  # fmt: skip
    assert set(decide(old_check, timed["train"])["val_ade_m"]) == {"model", "kNN continuation",
                                                                  "linear-3"}  # fmt: skip


def test_a_time_aware_engine_answers_asked_times_exactly(timed: dict) -> None:
    import trajlm

    engine = json.loads((timed["run"] / "val_verdict.json").read_text())["predict"]["engine"]
    hist = _irregular_trips(n=2, points=12, seed=5).with_columns(
        traj_id=pl.lit("q") + pl.col("traj_id")
    )
    lm = trajlm.TrajLM.from_pretrained(timed["run"], threads=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = lm.predict(hist, seconds_ahead=[30, 95])
    assert set(got["engine"]) == {engine}
    assert not [w for w in caught if "asked times" in str(w.message)]  # not "the model answers"
    last = hist.group_by("traj_id", maintain_order=True).agg(
        pl.col("lon").last(), pl.col("t").last()
    )
    for tid, lon_last, t_last in last.iter_rows():
        mine = got.filter(pl.col("traj_id") == tid)
        assert mine["t"].to_list() == [t_last + 30, t_last + 95]
        metres = np.radians(mine["lon"].to_numpy() - lon_last) * 6371000 * np.cos(np.radians(41.15))
        np.testing.assert_allclose(metres, SPEED * np.array([30.0, 95.0]), rtol=2e-3)
    model = lm.predict(hist, seconds_ahead=[30, 95], fallback=False)
    assert "engine" not in model.columns and model["t"].to_list() == got["t"].to_list()
    one = lm.predict(hist, at_times={"qs00": [float(last["t"][0]) + 60]})  # per trajectory
    assert one["traj_id"].to_list() == ["qs00"] and set(one["engine"]) == {engine}


def test_http_asked_times_follow_the_time_aware_verdict_and_fallback_false(timed: dict) -> None:
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    import trajlm
    from trajlm.serve import create_app

    engine = json.loads((timed["run"] / "val_verdict.json").read_text())["predict"]["engine"]
    hist = _irregular_trips(n=2, points=12, seed=5)
    body = [{"traj_id": r["traj_id"], "t": r["t"], "lat": r["lat"], "lon": r["lon"]}
            for r in hist.iter_rows(named=True)]  # fmt: skip
    app = create_app(trajlm.TrajLM.from_pretrained(timed["run"], threads=1))
    with TestClient(app) as c:
        on = c.post("/predict", json={"trajectories": body, "seconds_ahead": [30, 60]})
        off = c.post("/predict", json={"trajectories": body, "seconds_ahead": [30, 60],
                                       "fallback": False})  # fmt: skip
    assert on.status_code == 200 and off.status_code == 200, (on.text, off.text)
    assert on.json()["engine"] == engine
    assert off.json().get("engine") is None and "engine" not in off.json()["points"][0]
