"""Session 28 (irreg28): on an irregular store every read the prediction verdict makes of an
engine's val error asks it at the report times: fewtrip27's windows of a few val trips and
smallval25's tuned-or-default kNN too, not only the first windows (irreg27); a regular store
is scored as before, bit for bit. And `trajlm eval`'s "MODEL (val-checked: ENGINE)" row asked
at times (--at-report-times, --horizon-s) answers through TrajLM.predict(seconds_ahead=) with the
run's verdict (it answered in steps, and --horizon-s stopped on it)."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
from test_heldout23_knn_check import _circle_trips
from test_irreg27_report_verdict import Oracle, _noisy_irregular, _store


def _spied(monkeypatch, s: dict, at_times) -> tuple[dict, dict]:
    """knn_check on ``s``'s val with the callables it hands the small-val rule recorded."""
    import trajlm.eval.knn_check as kc

    seen: dict = {}
    real_windows, real_shrink = kc.best_on_windows, kc.shrink_to_defaults

    def windows(answer, ests, *args):
        seen["answer"], seen["ests"] = answer, ests
        return real_windows(answer, ests, *args)

    def shrink(ests, train, proj, per_trip):
        seen["per_trip"] = per_trip
        return real_shrink(ests, train, proj, per_trip)

    monkeypatch.setattr(kc, "best_on_windows", windows)
    monkeypatch.setattr(kc, "shrink_to_defaults", shrink)
    task = kc.val_task_of(s["store"])
    check = kc.knn_check(s["model"], s["train"], task, None, s["val"], s["val"], at_times)
    return check, seen | {"task": task}


@pytest.fixture(scope="module")
def small_irregular(tmp_path_factory) -> dict:
    return _store(tmp_path_factory.mktemp("irreg28"), "irregular", _noisy_irregular())


def test_the_small_val_rule_reads_the_engines_at_report_times(small_irregular, monkeypatch):
    from trajlm.eval import metrics as M
    from trajlm.eval.few_trips import windows_task
    from trajlm.eval.knn_check import baseline_answer
    from trajlm.eval.report_times import AtReportTimes
    from trajlm.eval.report_verdict import steps_engine_at_times

    s = small_irregular
    check, seen = _spied(monkeypatch, s, Oracle(s["val"]))
    assert check["val_scored_at"] == "report times" and "val_small_rule" in check
    more = windows_task(s["val"], seen["task"])
    assert more is not None and len(more.lengths) > len(seen["task"].lengths)
    ests, answer = seen["ests"], seen["answer"]
    l3 = ests["linear-3"]
    # linear-3 on the windows: asked at their report times, as the API answers (not its steps)
    np.testing.assert_allclose(answer(l3, more), steps_engine_at_times("linear-3", l3, more))
    assert not np.allclose(answer(l3, more), baseline_answer(l3, l3.projection_, more))
    # kNN past its 5 stored steps: the model's answer at those times, as the API hands it over
    knn = ests["kNN continuation"]
    own = steps_engine_at_times("kNN continuation", knn, more)
    past = np.isnan(own).any(axis=(1, 2))
    assert past.any() and not past.all()
    oracle = AtReportTimes(Oracle(s["val"]), s["val"]).predict_next(more)
    np.testing.assert_allclose(answer(knn, more)[past], oracle[past])
    np.testing.assert_allclose(answer(knn, more)[~past], own[~past])
    # the [time] engines were given the times already: as before
    cv = ests["constant velocity [time]"]
    np.testing.assert_array_equal(answer(cv, more), baseline_answer(cv, cv.projection_, more))
    # smallval25's tuned-or-default kNN reads the first windows at report times too
    task = seen["task"]
    err = M.point_errors(steps_engine_at_times("linear-3", l3, task), task.target_latlon)
    np.testing.assert_allclose(seen["per_trip"](l3), err.mean(1))
    # the windows' pick is the engine of lowest mean error over the windows at report times
    errs = {n: M.point_errors(answer(e, more), more.target_latlon).mean(1)
            for n, e in ests.items() if n in check["val_ade_baselines_m"]}  # fmt: skip
    ok = np.all([np.isfinite(e) for e in errs.values()], axis=0)
    best = min(errs, key=lambda n: errs[n][ok].mean())
    assert check["val_best_baseline"] == best
    assert f": {best}, {errs[best][ok].mean():.1f} m" in check["val_small_rule"]


def test_a_small_regular_store_is_scored_in_steps_as_before(tmp_path, monkeypatch):
    from trajlm.eval.knn_check import baseline_answer

    s = _store(tmp_path, "regular", _circle_trips(n=30))
    before, _ = _spied(monkeypatch, s, None)
    after, seen = _spied(monkeypatch, s, Oracle(s["val"]))
    assert "val_small_rule" in after and "val_scored_at" not in after
    before.pop("val_baseline_fit_s"), after.pop("val_baseline_fit_s")  # wall times
    assert after == before
    l3 = seen["ests"]["linear-3"]
    task = seen["task"]
    np.testing.assert_array_equal(
        seen["answer"](l3, task), baseline_answer(l3, l3.projection_, task)
    )


# ----------------------------------------------------------------- trajlm eval's val-checked row
@pytest.fixture(scope="module")
def linear3_run(small_irregular, tmp_path_factory) -> dict:
    """The untrained model saved as a run whose verdict names linear-3 (as `trajlm train`
    saves one; the numbers are made up: only the engine answers)."""
    import trajlm
    from trajlm.eval.predict_verdict import decide
    from trajlm.eval.val_verdict import save_verdict

    s = small_irregular
    run = tmp_path_factory.mktemp("irreg28run") / "run"
    trajlm.TrajLM(s["model"], threads=1).save_pretrained(run)
    check = {"val_vs_best_baseline": "worse", "val_best_baseline": "linear-3",
             "val_ade_baselines_m": {"linear-3": 10.0}, "val_ade_model_m": 30.0,
             "val_ade_vs_best_baseline": 3.0, "val_ade_vs_best_baseline_ci": [2.0, 4.0],
             "val_baseline_trips": 3}  # fmt: skip
    save_verdict(run, {"predict": decide(check, s["train"])}, None, str(s["store"]))
    return s | {"run": run}


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_the_val_checked_row_asked_at_times_is_the_apis_answer(linear3_run):
    import trajlm
    from trajlm.cli_eval_models import val_checked_predict_rows
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.eval.report_times import AtReportTimes, prediction_history, seconds_ahead
    from trajlm.model.rollout import ModelPredictor

    s = linear3_run
    p = ModelPredictor(s["model"], name="trajlm:run")
    (steps,) = val_checked_predict_rows([p], [s["run"]], s["val"])
    (asked,) = val_checked_predict_rows(
        [p], [s["run"]], s["val"], at_times=True, lm_class=trajlm.TrajLM
    )
    assert asked.name == steps.name == "trajlm:run (val-checked: linear-3)"
    task = make_prediction_task(s["val"])
    got = AtReportTimes(asked, s["val"]).predict_next(task)
    hist, ahead = prediction_history(s["val"], task), seconds_ahead(task)
    ids = hist["traj_id"].unique(maintain_order=True).to_list()
    api = trajlm.TrajLM.from_pretrained(s["run"], threads=1).predict(
        hist, seconds_ahead={i: list(a) for i, a in zip(ids, ahead, strict=True)}
    )
    assert set(api["engine"]) == {"linear-3"}
    want = api.sort("traj_id", "step").select("lat", "lon").to_numpy().reshape(got.shape)
    np.testing.assert_allclose(got, want)
    assert not np.allclose(got, steps.predict_next(task))  # the k-step row guesses the times


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_eval_horizon_s_scores_a_run_with_a_verdict(linear3_run, tmp_path):
    """--horizon-s stopped with "cannot answer at times" on any run with a prediction verdict
    (other than dead reckoning); the row now answers as the API does."""
    from reliability_helpers import invoke

    s = linear3_run
    out = tmp_path / "ev"
    r = invoke("eval", "--task", "predict", "--data", s["store"], "--model", s["run"],
               "--horizon-s", "60", "--seeds", 1, "--threads", 1, "--out", out)  # fmt: skip
    assert r.exit_code == 0, r.output
    rows = json.loads((out / "eval_predict.json").read_text())["results"]
    mine = [row for row in rows if row["method"] == "trajlm:run (val-checked: linear-3)"]
    assert mine and all(np.isfinite(row["metrics"]["mae_m"]) for row in mine)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_predict_int8_answers_with_the_verdict_as_the_api_does(linear3_run, tmp_path):
    """`trajlm predict --int8` skipped the run's verdict without a word (the model answered
    asked times); TrajLM.from_pretrained(run, quantize="int8") answers with it."""
    from reliability_helpers import invoke

    s, out = linear3_run, tmp_path / "p.csv"
    r = invoke("predict", "--model", s["run"], "--input", s["store"], "--split", "val",
               "--seconds-ahead", "30,60", "--int8", "--threads", 1, "--out", out)  # fmt: skip
    assert r.exit_code == 0, r.output
    got = pl.read_csv(out)
    assert set(got["engine"]) == {"linear-3"} and got.height == 2 * 3
