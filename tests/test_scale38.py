"""Session 38 (scale38): eval's kNN tunings hold the train points once, never a sorted copy.

`trajlm eval --task predict` at 6.1 M fixes peaked while the place-aware kNN was tuned: it and
the plain kNN's tuning had each sorted the train table again (already in order: a store's
split) and copied it to add x / y columns, then projected it. Now ``table_points`` sorts only
a table out of order, the two tunings share one projection (``tune_knn_baselines``) and the
points go once the place-aware windows are cut. These tests hold the old code beside the new:
the same points, scores, choices and answers, to the bit.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from trajlm.data.features import LocalProjection, add_local_xy
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.retrieval import RetrievalIndex, run_keys, table_points
from trajlm.data.synthetic import generate_city
from trajlm.eval.knn_check import candidates
from trajlm.eval.knn_tune import tune_knn, tune_knn_baselines
from trajlm.eval.place_knn import tune_place_knn
from trajlm.eval.protocol import split_tables
from trajlm.eval.task_scoring import ProjectedBaseline


def old_table_points(df: pl.DataFrame, projection: LocalProjection):
    """table_points at main d90d52f5, verbatim."""
    f = add_local_xy(df.sort(["traj_id", "t"]), projection)
    xy = np.stack([f["x_m"].to_numpy(), f["y_m"].to_numpy()], axis=1)
    return xy, run_keys(f["traj_id"])


@pytest.fixture(scope="module")
def parts() -> dict[str, pl.DataFrame]:
    pts = generate_city(n_trajectories=80, seed=38).points.select("traj_id", "t", "lat", "lon")
    df = pts.with_columns(pl.col("traj_id").cast(pl.String)).sort("traj_id", "t")
    return split_tables(df)


def same_points(a, b) -> None:
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert a[0].dtype == b[0].dtype and a[1].dtype == b[1].dtype and a[0].shape == b[0].shape


def test_points_of_a_table_in_order_are_the_old_ones_without_a_sort(parts, monkeypatch):
    train = parts["train"]
    proj = LocalProjection.fit(train)
    old = old_table_points(train, proj)
    # eval's train split: a slice of a table of several chunks (one per split read)
    chunked = pl.concat([train.slice(0, 1000), train.slice(1000)], rechunk=False)
    assert chunked.n_chunks() == 2

    def no_sort(*args, **kwargs):
        raise AssertionError("a table in (traj_id, t) order was sorted again")

    monkeypatch.setattr(pl.DataFrame, "sort", no_sort)
    same_points(table_points(train, proj), old)
    same_points(table_points(chunked, proj), old)


def test_points_of_a_table_out_of_order_or_with_twins_are_the_old_ones(parts):
    train = parts["train"]
    proj = LocalProjection.fit(train)
    shuffled = train.sample(fraction=1.0, shuffle=True, seed=1)
    same_points(table_points(shuffled, proj), old_table_points(shuffled, proj))
    # a (traj_id, t) twice: not strictly in order, so sorted as before (the old sort decides)
    twins = pl.concat([train.head(50), train.head(50)]).sort("traj_id", "t")
    same_points(table_points(twins, proj), old_table_points(twins, proj))
    with_null = train.head(30).with_columns(
        pl.when(pl.int_range(pl.len()) == 3).then(None).otherwise(pl.col("t")).alias("t")
    )
    same_points(table_points(with_null, proj), old_table_points(with_null, proj))


def test_the_two_tunings_from_one_projection_are_the_two_apart(parts):
    train, val, test = parts["train"], parts["val"], parts["test"]
    proj = LocalProjection.fit(train)
    val_task = make_prediction_task(val, k=5)
    knn, scores = tune_knn(train, val_task, proj)
    place, pscores = tune_place_knn(train, val_task, proj, knn.history)
    told: list[str] = []
    plain, placed = tune_knn_baselines(train, val_task, proj, told.append)
    assert told == ["tuning the place-aware kNN on val"]
    assert plain.scores == scores and placed.scores == pscores
    assert plain.seconds >= 0 and placed.seconds >= 0
    test_task = make_prediction_task(test, k=5)
    for new, old in ((plain.estimator, knn), (placed.estimator, place)):
        assert type(new) is type(old)
        assert new.get_params() == old.get_params()
        assert new.tuning_.to_dict() == old.tuning_.to_dict()
        np.testing.assert_array_equal(new.index_.features_, old.index_.features_)
        np.testing.assert_array_equal(
            ProjectedBaseline(new, proj).predict_next(test_task),
            ProjectedBaseline(old, proj).predict_next(test_task),
        )


def test_the_train_verdict_s_candidates_are_the_same_tunings(parts):
    train, val = parts["train"], parts["val"]
    proj = LocalProjection.fit(train)
    val_task = make_prediction_task(val, k=5)
    knn, _ = tune_knn(train, val_task, proj)
    place, _ = tune_place_knn(train, val_task, proj, knn.history)
    timings: dict[str, float] = {}
    ests = candidates(train, val_task, timings)
    assert set(timings) >= {knn.name, place.name}
    for old in (knn, place):
        assert ests[old.name].get_params() == old.get_params()


def test_an_index_without_points_needs_their_windows():
    with pytest.raises(ValueError, match="points .* or their windows"):
        RetrievalIndex().fit(None, None)
