"""Session 25 (drverdict25): dead reckoning [time] among the prediction verdict's candidates
where the store reports speed and course (trajlm/eval/dr_verdict.py).

The ships: straight east with irregular reports (10-60 s apart), 6 m/s until fix 19, 12 m/s
from there on; each report's speed is the one the ship leaves that fix with. Dead reckoning
from the last report is exact; every method reading positions sees 6 m/s at the cut (the
k-step task's history is the first 20 fixes) and is far off; an untrained model too."""

from __future__ import annotations

import json
import warnings

import numpy as np
import polars as pl
import pytest
from test_pvbase24 import _model

from trajlm.data.store import read_store, write_store

SLOW, FAST, CUT = 6.0, 12.0, 19  # m/s before / from fix CUT


def _ships(n: int = 40, points: int = 30, seed: int = 0, motion: bool = True) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        dt = rng.choice([10.0, 20.0, 60.0], points - 1)
        v = np.where(np.arange(points) >= CUT, FAST, SLOW)  # the speed leaving each fix
        t = np.concatenate([[0.0], np.cumsum(dt)])
        x = np.concatenate([[0.0], np.cumsum(v[:-1] * dt)])
        lat = np.full(points, 41.15 + 0.001 * i)
        lon = -8.61 + np.degrees(x / (6371000 * np.cos(np.radians(41.15))))
        cols = {"traj_id": f"v{i:02d}", "t": 1_700_000_000 + i * 7200 + t, "lat": lat, "lon": lon}
        if motion:
            cols |= {"sog_mps": v, "cog_deg": np.full(points, 90.0)}
        rows.append(pl.DataFrame(cols))
    return pl.concat(rows)


@pytest.fixture(scope="module")
def ships(tmp_path_factory) -> dict:
    """A store of reporting ships, a run and its saved verdict (train's end code)."""
    import trajlm
    from trajlm.cli_train_check import save_predict_verdict, val_table
    from trajlm.eval.knn_check import knn_check, val_task_of

    d = tmp_path_factory.mktemp("dr25")
    store = d / "ships"
    write_store(_ships(), store)
    train = read_store(store, split="train").drop("split")
    model = _model(train)
    run = d / "run"
    trajlm.TrajLM(model, threads=1).save_pretrained(run)
    fitted: dict = {}
    check = knn_check(model, train, val_task_of(store), fitted, val_table(store, train))
    save_predict_verdict(run, store, check, fitted, train)
    return {"store": store, "run": run, "check": check}


class FarOff:
    """The harness's predictor: far off wherever it answers."""

    name = "trajlm: run"

    def predict_next(self, task):
        return task.target_latlon + 1.0


def saved_verdict(ships: dict) -> dict:
    """The prediction verdict the ``ships`` run saved (train's end code)."""
    return json.loads((ships["run"] / "val_verdict.json").read_text())["predict"]


def scored_split() -> tuple[pl.DataFrame, object]:
    """(a test table of reporting ships, ids apart from the store's; its k-step task)."""
    from trajlm.data.protocol_tasks import make_prediction_task

    test = _ships(n=6, seed=3).with_columns(traj_id=pl.lit("t") + pl.col("traj_id"))
    return test, make_prediction_task(test)


def _x(g: pl.DataFrame, lat0: float, lon0: float) -> np.ndarray:
    from trajlm.data.features import LocalProjection

    return LocalProjection(lat0, lon0).forward(g["lat"].to_numpy(), g["lon"].to_numpy())[0]


def test_the_verdict_picks_dead_reckoning_where_it_is_exact(ships: dict) -> None:
    from trajlm.eval.predict_verdict import DR, check_predict_fields

    check = ships["check"]
    assert check["val_best_baseline"] == DR
    mae = check["val_ade_baselines_m"]
    assert mae[DR] < 1.0 < 50.0 < min(m for e, m in mae.items() if e != DR)
    v = saved_verdict(ships)
    assert v["engine"] == DR and check_predict_fields(v)


def test_predict_answers_with_dead_reckoning_steps_and_asked_times(ships: dict) -> None:
    import trajlm

    hist = _ships(n=2, points=CUT + 1, seed=7).with_columns(traj_id=pl.lit("q") + pl.col("traj_id"))
    lm = trajlm.TrajLM.from_pretrained(ships["run"], threads=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # the engine answers: nothing to say
        got = lm.predict(hist, steps=3)
        at = lm.predict(hist, seconds_ahead=[30, 90])
    assert set(got["engine"]) == {"dead reckoning [time]"} == set(at["engine"])
    assert lm.last_engine == "dead reckoning [time]"
    for tid, g in hist.group_by("traj_id", maintain_order=True):
        lat0, lon0 = float(g["lat"][0]), float(g["lon"][0])
        t = g["t"].to_numpy()
        want_t = t[-1] + np.median(np.diff(t)) * np.arange(1, 4)
        mine = got.filter(pl.col("traj_id") == tid[0])
        np.testing.assert_allclose(mine["t"].to_numpy(), want_t)
        x_last = _x(g, lat0, lon0)[-1]
        np.testing.assert_allclose(_x(mine, lat0, lon0) - x_last, FAST * (want_t - t[-1]),
                                   rtol=1e-3)  # fmt: skip
        asked = at.filter(pl.col("traj_id") == tid[0])
        np.testing.assert_allclose(_x(asked, lat0, lon0) - x_last, FAST * np.array([30, 90]),
                                   rtol=1e-3)  # fmt: skip


def test_a_query_without_speed_and_course_falls_back_and_says_so_once(ships: dict) -> None:
    import trajlm
    from trajlm.eval.dr_verdict import POSITION_ONLY, fallback_engine

    v = saved_verdict(ships)
    hist = _ships(n=2, points=CUT + 1, seed=7, motion=False)
    lm = trajlm.TrajLM.from_pretrained(ships["run"], threads=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = lm.predict(hist, steps=3)
        lm.predict(hist, seconds_ahead=[30])
    lines = [str(w.message) for w in caught if "no reported speed and course" in str(w.message)]
    want = fallback_engine(v)
    assert want in POSITION_ONLY and len(lines) == 1 and want in lines[0]
    assert set(got["engine"]) == {want} and lm.last_engine == want


def test_a_store_without_speed_and_course_keeps_its_candidates(tmp_path) -> None:
    from trajlm.cli_train_check import val_table
    from trajlm.eval.dr_verdict import dr_val_errors
    from trajlm.eval.knn_check import val_task_of

    store = tmp_path / "plain"
    write_store(_ships(n=12, motion=False), store)
    train = read_store(store, split="train").drop("split")
    assert val_table(store, train) is None  # nothing read, no candidate
    val = read_store(store, split="val").drop("split")
    assert dr_val_errors(train, val, val_task_of(store)) is None


def test_the_fallback_is_the_best_position_only_engine_or_the_model() -> None:
    from trajlm.eval.dr_verdict import fallback_engine

    mae = {"dead reckoning [time]": 10.0, "kNN continuation": 20.0, "linear-3": 90.0,
           "constant velocity [time]": 40.0, "linear-3 [time, fit]": 30.0}  # fmt: skip
    assert fallback_engine({"val_ade_m": {**mae, "model": 50.0}}) == "linear-3 [time, fit]"
    assert fallback_engine({"val_ade_m": {**mae, "model": 25.0}}) == "model"


def test_the_eval_row_dead_reckons_at_report_times_and_falls_back_in_steps(ships: dict) -> None:
    from trajlm.eval import metrics as M
    from trajlm.eval.dr_verdict import DRValChecked, fallback_engine
    from trajlm.eval.predict_verdict import ValCheckedPredictor
    from trajlm.eval.report_times import AtReportTimes

    v = saved_verdict(ships)
    test, task = scored_split()
    row = DRValChecked(FarOff(), v, test)  # the scored table (fewval26: its name says it)
    assert row.name == "trajlm: run (val-checked: dead reckoning [time])"
    at = AtReportTimes(row, test).predict_next(task)
    assert M.point_errors(at, task.target_latlon).max() < 5.0  # dead reckoning: exact
    plain = ValCheckedPredictor(FarOff(), {**v, "engine": fallback_engine(v)})
    np.testing.assert_allclose(DRValChecked(FarOff(), v).predict_next(task),
                               plain.predict_next(task))  # fmt: skip
    bare = AtReportTimes(row, test.drop("sog_mps", "cog_deg")).predict_next(task)
    assert M.point_errors(bare, task.target_latlon).mean() > 50.0  # positions only: 6 m/s


def test_a_trajectory_without_reports_is_said(ships: dict) -> None:
    import trajlm

    hist = _ships(n=2, points=CUT + 1, seed=7).with_columns(
        sog_mps=pl.when(pl.col("traj_id") == "v01").then(None).otherwise(pl.col("sog_mps"))
    )
    lm = trajlm.TrajLM.from_pretrained(ships["run"], threads=1)
    with pytest.warns(UserWarning, match="1 of 2 trajectories have no usable reported speed"):
        got = lm.predict(hist, steps=2)
    assert set(got["engine"]) == {"dead reckoning [time]"}
