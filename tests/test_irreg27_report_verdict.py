"""Session 27 (irreg27): on a store whose reports are irregular (the train split's p90 / p10 of
intervals over 4) the prediction verdict scores every engine, the model included, at the val
trips' true report times, as an asked-times call would answer (trajlm/eval/report_verdict.py).

The store: trips driving due east at 12 m/s with reports 10, 20 or 60 s apart (spread 6) and
3 m of GPS noise, positions only. The model is untrained (it stays at the last fix); an
"oracle" answering at asked times with the true positions stands in for a model that knows
where it will be at a time but not when the next report comes: in steps it is not better, at
the report times it is, and it must win there."""

from __future__ import annotations

import json
import warnings

import numpy as np
import polars as pl
import pytest
from test_heldout23_knn_check import _circle_trips
from test_pvbase24 import _model

from trajlm.data.store import read_store, write_store

SPEED, NOISE_M = 12.0, 3.0
M_PER_DEG = 111_320.0


def _noisy_irregular(n: int = 30, points: int = 30, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        t = np.concatenate([[0.0], np.cumsum(rng.choice([10.0, 20.0, 60.0], points - 1))])
        x = SPEED * t + rng.normal(0, NOISE_M, points)
        lat = 41.15 + 0.001 * i + rng.normal(0, NOISE_M, points) / M_PER_DEG
        lon = -8.61 + np.degrees(x / (6371000 * np.cos(np.radians(41.15))))
        rows.append(pl.DataFrame({"traj_id": f"s{i:02d}", "t": 1_700_000_000 + i * 7200 + t,
                                  "lat": lat, "lon": lon}))  # fmt: skip
    return pl.concat(rows)


class Oracle:
    """Answers ``predict_at`` with the table's own positions at the asked times."""

    name = "model"

    def __init__(self, table: pl.DataFrame) -> None:
        self.table = table.with_columns(pl.col("t").cast(pl.Float64))

    def predict_at(self, hist: pl.DataFrame, ahead: np.ndarray) -> np.ndarray:
        out = np.full((*ahead.shape, 2), np.nan)
        for i, ((tid,), g) in enumerate(hist.group_by("traj_id", maintain_order=True)):
            # a window's history is "<trajectory>@<window>" (report_times.prediction_history)
            full = self.table.filter(pl.col("traj_id") == str(tid).split("@")[0]).sort("t")
            want = float(g["t"].cast(pl.Float64).max()) + ahead[i]
            t = full["t"].to_numpy()
            out[i, :, 0] = np.interp(want, t, full["lat"].to_numpy())
            out[i, :, 1] = np.interp(want, t, full["lon"].to_numpy())
        return out


def _store(tmp, name: str, df: pl.DataFrame) -> dict:
    store = tmp / name
    write_store(df, store)
    train = read_store(store, split="train").drop("split")
    val = read_store(store, split="val").drop("split")
    return {"store": store, "train": train, "val": val, "model": _model(train)}


@pytest.fixture(scope="module")
def irregular(tmp_path_factory) -> dict:
    from trajlm.eval.knn_check import knn_check, val_task_of

    s = _store(tmp_path_factory.mktemp("irreg27"), "irregular", _noisy_irregular())
    task = val_task_of(s["store"])
    s["steps"] = knn_check(s["model"], s["train"], task, None, None, s["val"])
    s["at"] = knn_check(s["model"], s["train"], task, None, None, s["val"], Oracle(s["val"]))
    return s


def test_an_irregular_store_is_scored_at_report_times_and_the_winner_there_answers(irregular):
    from trajlm.eval.predict_verdict import check_predict_fields, decide, verdict_line

    steps, at = irregular["steps"], irregular["at"]
    assert "val_scored_at" not in steps and at["val_scored_at"] == "report times"
    assert at["val_interval_spread"] > 4.0
    # the oracle is exact at the report times: the model wins there, not in steps
    assert at["val_ade_model_m"] < 1e-6 and at["val_vs_best_baseline"] == "better"
    assert steps["val_vs_best_baseline"] != "better"
    v = decide(at, irregular["train"])
    assert v["engine"] == "model" and check_predict_fields(v) and v["scored_at"] == "report times"
    assert decide(steps, irregular["train"])["engine"] != "model"
    assert "at the val trips' report times (irregular reports" in verdict_line(v)
    # the [time] engines were given the report times already: their rows stand
    for name in ("constant velocity [time]", "linear-3 [time, fit]"):
        assert at["val_ade_baselines_m"][name] == steps["val_ade_baselines_m"][name]
    # linear-3 in steps guesses when each report comes; at the asked times it answers on a line
    l3_steps, l3_at = (c["val_ade_baselines_m"]["linear-3"] for c in (steps, at))
    assert l3_at < 0.5 * l3_steps
    assert at["val_ade_model_steps_m"] == pytest.approx(steps["val_ade_model_m"])


def test_step_engines_past_their_reach_are_scored_with_the_models_answer(irregular):
    at = irregular["at"]
    handed = at["val_handed_to_model"]
    assert set(handed) == {"linear-3", "kNN continuation", "kNN continuation (place-aware)"}
    assert handed["linear-3"] == 0 and handed["kNN continuation"] >= 1  # kNN stores 5 steps


def test_a_regular_store_is_scored_in_steps_as_before(tmp_path):
    from trajlm.eval.knn_check import knn_check, val_task_of

    s = _store(tmp_path, "regular", _circle_trips())
    task = val_task_of(s["store"])
    before = knn_check(s["model"], s["train"], task, None, None, s["val"])
    after = knn_check(s["model"], s["train"], task, None, None, s["val"], Oracle(s["val"]))
    before.pop("val_baseline_fit_s"), after.pop("val_baseline_fit_s")  # wall times
    assert "val_scored_at" not in after and after == before


@pytest.mark.filterwarnings("ignore::trajlm.model.coverage.CoverageWarning")
def test_the_saved_verdict_answers_asked_times_with_its_engine_and_spread(irregular, tmp_path):
    """The real path: the untrained model asked through TrajLM at the report times loses; the
    winning engine answers ``seconds_ahead`` with its own std_m."""
    import trajlm
    from trajlm.cli_train_check import at_times_of, save_predict_verdict
    from trajlm.eval.knn_check import knn_check, val_task_of

    s = irregular
    fitted: dict = {}
    check = knn_check(s["model"], s["train"], val_task_of(s["store"]), fitted, None, s["val"],
                      at_times_of(trajlm.TrajLM, s["model"]))  # fmt: skip
    assert check["val_scored_at"] == "report times" and check["val_vs_best_baseline"] == "worse"
    run = tmp_path / "run"
    trajlm.TrajLM(s["model"], threads=1).save_pretrained(run)
    save_predict_verdict(run, s["store"], check, fitted, s["train"])
    saved = json.loads((run / "val_verdict.json").read_text())["predict"]
    assert saved["scored_at"] == "report times" and saved["engine"] == check["val_best_baseline"]
    lm = trajlm.TrajLM.from_pretrained(run, threads=1)
    hist = s["val"].filter(pl.col("traj_id") == s["val"]["traj_id"][0]).head(20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        got = lm.predict(hist, seconds_ahead=[15, 70])
    assert set(got["engine"]) == {saved["engine"]} and got["std_m"].is_finite().all()


def test_no_class_no_report_times():
    from trajlm.cli_train_check import at_times_of

    assert at_times_of(None, object()) is None


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("how", ["cli", "fit"])
def test_train_and_fit_pass_the_api_so_the_check_asks_at_report_times(tmp_path, how):
    """`trajlm train` and TrajLM.fit hand the check TrajLM (it sits above them): a 2-step run
    on the irregular store saves a verdict scored at report times."""
    from reliability_helpers import TINY, invoke

    import trajlm

    (tmp_path / "tiny.toml").write_text(TINY.replace("eval_every = 0", "eval_every = 2"))
    store, run = tmp_path / "s", tmp_path / "run"
    write_store(_noisy_irregular(), store)
    if how == "cli":
        r = invoke("train", "--data", store, "--out", run, "--config", tmp_path / "tiny.toml",
                   "--max-steps", 2, "--seed", 0, "--threads", 1)  # fmt: skip
        assert r.exit_code == 0, r.output
    else:
        trajlm.TrajLM.fit(store, run, config=tmp_path / "tiny.toml", max_steps=2, seed=0,
                          threads=1)  # fmt: skip
    summary = json.loads((run / "train_summary.json").read_text())
    assert summary["val_scored_at"] == "report times"


def test_windows_get_their_own_history_rows_and_the_dr_spread_is_read(tmp_path):
    """uncert26's spread reads every window of val; with reported speed / course dead
    reckoning was asked there with every window's history taken from its trajectory's first
    rows (a shape error: `trajlm train` skipped the whole check on such stores)."""
    from test_drverdict25 import _ships

    from trajlm.cli_train_check import val_table
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.eval.knn_check import knn_check, val_task_of
    from trajlm.eval.report_times import prediction_history

    s = _store(tmp_path, "ships", _ships())
    task = make_prediction_task(s["val"], windows=50)
    assert len(set(task.traj_ids)) < len(task.traj_ids)  # several windows per trajectory
    hist = prediction_history(s["val"], task)
    for j, ((_,), g) in enumerate(hist.group_by("traj_id", maintain_order=True)):
        n = task.lengths[j]
        assert np.array_equal(g["t"].to_numpy(), task.hist_t[j, :n])
        np.testing.assert_allclose(g.select("lat", "lon").to_numpy(), task.hist_latlon[j, :n])
    check = knn_check(s["model"], s["train"], val_task_of(s["store"]), None,
                      val_table(s["store"], s["train"]), s["val"])  # fmt: skip
    assert check["val_best_baseline"] == "dead reckoning [time]"
    assert "dead reckoning [time]" in check["val_spread"]
