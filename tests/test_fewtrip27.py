"""Session 27 (fewtrip27): below 10 val trips the verdict's best baseline is read on up to 5
windows of each val trip (eval/few_trips.py), not on the first window alone; 10+ val trips keep
the first-window choice.

Val trips here run straight for their first window (linear-3 exact) and then circle (the train
split's circles: kNN near exact), so the first windows and all windows disagree."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from test_heldout23_knn_check import _circle_trips


def _straight_then_circle(n: int, seed: int = 1) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    a = -np.pi / 2 + 0.25 * np.arange(1, 31)  # the train circles' 300 m at 0.25 rad a step
    for i in range(n):
        x = np.r_[75 * np.arange(25.0), 75 * 24 + 300 * np.cos(a)] + rng.normal(0, 1, 55)
        y = np.r_[np.zeros(25), 300 + 300 * np.sin(a)] + rng.normal(0, 1, 55)
        lat = 41.15 + np.degrees(y / 6371000)
        lon = -8.61 + np.degrees(x / (6371000 * np.cos(np.radians(41.15))))
        t = 1_800_000_000 + i * 3600 + 10 * np.arange(55)
        rows.append(pl.DataFrame({"traj_id": f"v{i}", "t": t, "lat": lat, "lon": lon}))
    return pl.concat(rows)


@pytest.fixture(scope="module")
def untrained():
    torch = pytest.importorskip("torch")
    from trajlm.data.features import NormStats
    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    model = TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32,
                                        residual_base="constant_velocity"))  # fmt: skip
    train = _circle_trips(n=12, points=40)
    model.config.stats = NormStats.fit(train).to_dict()
    return model, train


def test_few_val_trips_choose_the_baseline_on_their_windows(untrained) -> None:
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.eval.knn_check import knn_check
    from trajlm.eval.predict_verdict import decide, verdict_line

    model, train = untrained
    val = _straight_then_circle(4)
    task = make_prediction_task(val)
    check = knn_check(model, train, task, spread_from=val)
    first = check["val_ade_baselines_m"]  # on the first windows linear-3 is near exact
    assert min(first, key=first.get) in ("linear-3", "linear-3 [time, fit]")
    assert check["val_best_baseline"].startswith("kNN continuation"), check["val_best_baseline"]
    assert check["val_small_rule"].startswith("val has 4 trips (under 10): ")
    assert (
        f"read on 20 windows of the 4 val trips (up to 5 each): {check['val_best_baseline']}, "
        in (check["val_small_rule"])
    )
    verdict = decide(check, train)  # the untrained model does not beat it: the kNN answers
    assert verdict["engine"] == check["val_best_baseline"]
    assert "20 windows of the 4 val trips" in verdict_line(verdict)


def test_ten_val_trips_keep_the_first_window_choice(untrained) -> None:
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.eval.knn_check import knn_check
    from trajlm.eval.small_val import MIN_VAL_TRIPS

    model, train = untrained
    val = _straight_then_circle(MIN_VAL_TRIPS)
    check = knn_check(model, train, make_prediction_task(val), spread_from=val)
    assert check["val_best_baseline"] in ("linear-3", "linear-3 [time, fit]")
    assert "val_small_rule" not in check


def test_windows_task_only_where_trips_give_more_windows() -> None:
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.eval.few_trips import WINDOWS, windows_task

    val = _straight_then_circle(3)
    task = make_prediction_task(val)
    assert windows_task(None, task) is None
    more = windows_task(val, task)
    assert more is not None and len(more.lengths) == 3 * WINDOWS
    short = val.group_by("traj_id", maintain_order=True).head(25)  # one window per trip only
    assert windows_task(short, make_prediction_task(short)) is None
    other = val.filter(pl.col("traj_id") == "v0")  # only the task's trips are read
    assert len(windows_task(val, make_prediction_task(other)).lengths) == WINDOWS
