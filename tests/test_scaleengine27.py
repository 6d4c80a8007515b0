"""Session 27 (scaleengine27): kNN continuation shrunk by geostop26's scale head as a verdict
engine ("kNN scaled [time]", trajlm/eval/scaled_knn_engine.py).

The store: walkers on one street at 10-s fixes. Half keep 10 m/s; the other half walked at
20 m/s, slowed to 10 m/s for 12 fixes and then stop for good. Over kNN's last few points the
two look the same (10 m/s straight), so kNN continues the stoppers; the head reads the faster
past in the whole history (the 90th-percentile speed) and shrinks their path to the stay point.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from helpers import invoke_cli
from test_pvbase24 import _model

from trajlm.data.store import read_store, write_store


def _walkers(n: int = 160, points: int = 60, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        v = np.full(points - 1, 10.0)
        if i % 2:  # a stopper: fast, then 10 m/s for 12 steps, then standing
            v[:8], v[20:] = 20.0, 0.0
        x = rng.uniform(0, 3000) + np.r_[0.0, np.cumsum(v * 10)] + rng.normal(0, 1, points)
        lat = 41.15 + np.degrees(rng.normal(0, 1, points) / 6371000)
        lon = -8.61 + np.degrees(x / (6371000 * np.cos(np.radians(41.15))))
        rows.append(pl.DataFrame({"traj_id": f"w{i:03d}", "lat": lat, "lon": lon,
                                  "t": 1_700_000_000 + i * 3600 + 10 * np.arange(points)}))  # fmt: skip
    return pl.concat(rows)


def _hist(store: Path) -> pl.DataFrame:
    val = read_store(store, split="val").drop("split")
    return val.group_by("traj_id", maintain_order=True).head(20)


@pytest.fixture(scope="module")
def judged(tmp_path_factory) -> dict:
    """The store, a run with an untrained model and its saved verdict (train's end code)."""
    import trajlm
    from trajlm.cli_train_check import save_predict_verdict
    from trajlm.eval.knn_check import knn_check, val_task_of

    d = tmp_path_factory.mktemp("se27")
    store, run = d / "walkers", d / "run"
    write_store(_walkers(), store)
    train = read_store(store, split="train").drop("split")
    model = _model(train)
    trajlm.TrajLM(model, threads=1).save_pretrained(run)
    fitted: dict = {}
    check = knn_check(model, train, val_task_of(store), fitted)
    save_predict_verdict(run, store, check, fitted, train)
    verdict = json.loads((run / "val_verdict.json").read_text())["predict"]
    return {"store": store, "run": run, "check": check, "verdict": verdict, "fitted": fitted}


# ------------------------------------------------------------------------------ fast
def test_saved_trees_answer_as_scikit_learn_does_with_nan_and_reject_a_broken_table() -> None:
    from sklearn.ensemble import HistGradientBoostingRegressor

    from trajlm.eval.scaled_knn_engine import Forest, forest_ok
    from trajlm.eval.stop_head import FEATURES

    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, len(FEATURES)))
    x[rng.random(x.shape) < 0.03] = np.nan  # NaN rows take the side they took at fit
    y = np.clip(np.nan_to_num(x[:, 0]) + 0.3 * rng.normal(size=400), 0, 1.5)
    # the scale head's kind of model (stop_head.fit_scale_head), fewer trees: a fast test
    head = HistGradientBoostingRegressor(loss="absolute_error", max_iter=25, max_leaf_nodes=15,
                                         min_samples_leaf=10, random_state=0).fit(x, y)  # fmt: skip
    forest = Forest.from_hgb(head)
    q = rng.normal(size=(300, len(FEATURES)))
    q[rng.random(q.shape) < 0.05] = np.nan
    np.testing.assert_allclose(forest.predict(q), head.predict(q), rtol=0, atol=1e-12)
    again = Forest(forest.table(), forest.baseline)  # the saved table, read back
    np.testing.assert_allclose(again.predict(q), head.predict(q), rtol=0, atol=1e-12)
    assert forest_ok(forest.table())
    broken = forest.table().with_columns(
        pl.when(pl.col("leaf")).then(pl.col("left")).otherwise(10_000).alias("left")
    )
    assert not forest_ok(broken) and not forest_ok(forest.table().drop("value"))


def test_a_small_train_skips_the_head_and_the_verdict_line_says_why(tmp_path: Path) -> None:
    from trajlm.eval import baselines as B
    from trajlm.eval.predict_verdict import verdict_line
    from trajlm.eval.scaled_knn_engine import MIN_TRIPS, fit_scaled

    train = _walkers(n=30)
    est, info = fit_scaled(train, B.KNNContinuation().fit(train))
    assert est is None and f"train has 30 trips, under the {MIN_TRIPS}" in info["skipped"]
    v = {"engine": "kNN continuation", "val_ade_m": {"model": 2.0, "kNN continuation": 1.0},
         "best_baseline": "kNN continuation", "n_val_trips": 4,
         "model_over_best": {"ratio": 2.0, "lo": 1.5, "hi": 3.0},
         "scaled_check": info}  # fmt: skip
    assert verdict_line(v).endswith(f"kNN scaled [time] not fitted: {info['skipped']}")


def test_short_asks_are_carried_to_the_heads_horizon() -> None:
    from trajlm.eval.scaled_knn_engine import to_horizon

    t = np.array([[0.0, 10, 20, 20], [0, 5, 10, 15]])
    got = to_horizon(t, np.array([3, 4]), np.array([[30.0, 40], [25, 35]]), 5)
    np.testing.assert_array_equal(got, [[30, 40, 50, 60, 70], [25, 35, 45, 55, 65]])


# ------------------------------------------------------------------------------ end to end
@pytest.mark.slow  # the module's verdict: ~8 s of kNN tuning and head fit on 2 shared cores
def test_the_verdict_picks_the_scaled_engine_where_val_shows_it_and_saves_no_pickle(
    judged: dict,
) -> None:
    from trajlm.eval.scaled_knn_engine import SCALE_NAME, SCALED

    check, v = judged["check"], judged["verdict"]
    sc = check["val_scaled"]
    assert sc["answers"] and sc["hi"] < 1 and sc["rows"] >= 500 and sc["fit_s"] > 0
    assert sc["vs"] == check["val_best_baseline"]  # the untrained model loses: a baseline
    assert v["engine"] == SCALED and v["scaled_check"] == sc
    assert v["val_ade_m"][SCALED] < 0.5 * v["val_ade_m"]["kNN continuation"]
    assert SCALED in v["spread"] and v["scale"]["table_sha1"]
    table = pl.read_parquet(judged["run"] / SCALE_NAME)  # numbers only
    assert all(dt.is_numeric() or dt == pl.Boolean for dt in table.dtypes)


@pytest.mark.slow
def test_api_cli_http_and_eval_answer_with_it_and_save_pretrained_carries_it(
    judged: dict, tmp_path: Path
) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    import trajlm
    from trajlm.cli_eval_models import val_checked_predict_rows
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.eval import metrics as M
    from trajlm.eval.scaled_knn_engine import SCALED
    from trajlm.model.rollout import ModelPredictor
    from trajlm.serve import create_app

    hist = _hist(judged["store"])
    lm = trajlm.TrajLM.from_pretrained(judged["run"], threads=1)
    got = lm.predict(hist, steps=5)
    assert set(got["engine"]) == {SCALED} and got["std_m"].is_finite().all()
    own = lm.predict(hist, steps=5, fallback=False)  # the model's own answer, no engine column
    assert "engine" not in own.columns and not np.allclose(own["lon"], got["lon"])
    # from the history's last fix the stoppers (odd ids) walk 100 m more and stand; the movers
    # (and kNN alone, for both) walk 500 m in 5 steps
    last = hist.group_by("traj_id", maintain_order=True).last()
    end = got.filter(pl.col("step") == 5).join(last, on="traj_id", suffix="_h")
    gone = (end["lon"] - end["lon_h"]).abs() * 111_000 * np.cos(np.radians(41.15))
    stop = end["traj_id"].str.slice(1).cast(pl.Int64) % 2 == 1
    assert gone.filter(stop).median() < 200 < 450 < gone.filter(~stop).median()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        long = lm.predict(hist, steps=7)
    # leftover30: past its 5 steps the reaching engine of lowest val error (not the model)
    from trajlm.eval.predict_verdict import reach_engine

    later = reach_engine(judged["verdict"])
    assert long.filter(pl.col("step") <= 5)["engine"].unique().to_list() == [SCALED]
    assert long.filter(pl.col("step") > 5)["engine"].unique().to_list() == [later]
    assert any("steps=7 is past" in str(w.message) for w in caught)
    asked = lm.predict(hist, seconds_ahead=[10, 25, 50])  # interpolated along its 5 steps
    assert set(asked["engine"]) == {SCALED} and asked["std_m"].is_finite().all()
    at50 = asked.filter(pl.col("step") == 3)["lon"].to_numpy()
    np.testing.assert_allclose(at50, got.filter(pl.col("step") == 5)["lon"].to_numpy(), rtol=1e-9)
    # CLI predict and HTTP /predict: the same rows
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    hist.write_csv(src)
    res = invoke_cli(["predict", "--model", judged["run"], "--input", src, "--out", out,
                      "--steps", "5", "--threads", "1"])  # fmt: skip
    assert res.exit_code == 0, res.output
    cli = pl.read_csv(out)
    assert set(cli["engine"]) == {SCALED}
    # CSV positions are written to 7 decimals (leftover30)
    np.testing.assert_allclose(cli["lat"].to_numpy(), got["lat"].to_numpy(), rtol=0, atol=5.1e-8)
    body = [{"traj_id": r["traj_id"], "t": r["t"], "lat": r["lat"], "lon": r["lon"]}
            for r in hist.iter_rows(named=True)]  # fmt: skip
    with TestClient(create_app(lm)) as c:
        r = c.post("/predict", json={"trajectories": body, "steps": 5, "output": "table"})
    assert r.status_code == 200, r.text
    http = pl.DataFrame(r.json()["rows"] if "rows" in r.json() else r.json()["points"])
    assert set(http["engine"]) == {SCALED}
    np.testing.assert_allclose(http["lon"].to_numpy(), got["lon"].to_numpy(), rtol=1e-9)
    # trajlm eval's val-checked row answers val with the check's own number
    val = read_store(judged["store"], split="val").drop("split")
    (row,) = val_checked_predict_rows([ModelPredictor(lm.model)], [judged["run"]])
    task = make_prediction_task(val)
    ade = M.point_errors(row.predict_next(task), task.target_latlon).mean()
    assert ade == pytest.approx(judged["check"]["val_scaled"]["val_ade_m"], rel=1e-6)
    # save_pretrained carries the verdict and its trees; the re-loaded run answers the same
    lm.save_pretrained(tmp_path / "copy")
    again = trajlm.TrajLM.from_pretrained(tmp_path / "copy", threads=1).predict(hist, steps=5)
    assert set(again["engine"]) == {SCALED}
    np.testing.assert_allclose(again["lat"].to_numpy(), got["lat"].to_numpy(), rtol=1e-12)


@pytest.mark.slow
def test_a_changed_or_missing_tree_table_is_one_line(judged: dict, tmp_path: Path) -> None:
    import shutil

    import trajlm
    from trajlm.errors import TrajlmInputError
    from trajlm.eval.scaled_knn_engine import SCALE_NAME

    hist = _hist(judged["store"])
    for how in ("changed", "missing"):
        run = tmp_path / how
        shutil.copytree(judged["run"], run)
        if how == "changed":
            t = pl.read_parquet(run / SCALE_NAME)
            t.with_columns(pl.col("value") * 2).write_parquet(run / SCALE_NAME)
        else:
            (run / SCALE_NAME).unlink()
        with pytest.raises(TrajlmInputError, match=f"{SCALE_NAME}: {how}"):
            trajlm.TrajLM.from_pretrained(run, threads=1).predict(hist, steps=5)


@pytest.mark.slow
def test_a_hand_edited_scale_entry_is_one_line(judged: dict, tmp_path: Path) -> None:
    import shutil

    import trajlm
    from trajlm.errors import TrajlmInputError

    hist = _hist(judged["store"])
    for edit in ({"baseline": "0.5"}, {"baseline": float("nan")}, {"features": ["speed"]}, None):
        run = tmp_path / f"e{len(list(tmp_path.iterdir()))}"
        shutil.copytree(judged["run"], run)
        doc = json.loads((run / "val_verdict.json").read_text())
        if edit is None:
            del doc["predict"]["scale"]
        else:
            doc["predict"]["scale"] |= edit
        (run / "val_verdict.json").write_text(json.dumps(doc))
        with pytest.raises(TrajlmInputError, match="not a val verdict this trajlm reads"):
            trajlm.TrajLM.from_pretrained(run, threads=1).predict(hist, steps=5)
