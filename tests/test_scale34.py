"""Session 34 (scale34): eval's kNN grid searches on val, the same numbers faster.

`trajlm eval --task predict` at a million fixes spent nearly all its time in the kNN tuning
on val: every cell re-read the train table and re-cut its windows, and asked the library
once per neighbour count. Now the points are projected once, a weight pair of the
place-aware grid reuses the cut windows, and one search serves every neighbour count of a
library (eval/knn_grid.py). These tests hold the old loops (main f3f47f24,
scripts/scale34/cellwise.py) beside the new ones: every val score and the kept estimator's
answers must be equal to the bit, on trips with parked stretches and duplicated trips,
where windows tie exactly.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from helpers import load_script

from trajlm.data.features import LocalProjection
from trajlm.data.place_retrieval import PlaceRetrievalIndex
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.retrieval import RetrievalIndex, table_points
from trajlm.data.synthetic import generate_city
from trajlm.eval import baselines as B
from trajlm.eval.knn_grid import nearest_sets, predict_grid
from trajlm.eval.place_knn import PlaceKNNContinuation, tune_place_knn
from trajlm.eval.protocol import split_tables, tune_knn
from trajlm.eval.task_scoring import ProjectedBaseline


@pytest.fixture(scope="module")
def parts() -> dict[str, pl.DataFrame]:
    """A small city whose trips are doubled (a copy under another id: identical windows, so
    neighbours tie at the same distance) and end parked (identical standing windows)."""
    pts = generate_city(n_trajectories=90, seed=3).points.select("traj_id", "t", "lat", "lon")
    last = pts.group_by("traj_id").agg(pl.all().sort_by("t").last())
    parked = pl.concat([last.with_columns(pl.col("t") + 15 * i) for i in range(1, 9)]).select(
        pts.columns
    )
    pts = pl.concat([pts, parked])
    copy = pts.with_columns(pl.col("traj_id").cast(pl.String) + "_copy")
    df = pl.concat([pts.with_columns(pl.col("traj_id").cast(pl.String)), copy])
    return split_tables(df.sort("traj_id", "t"))


CELLWISE = load_script("scale34", "cellwise.py")  # main f3f47f24's loops


def test_the_kept_knn_and_every_val_score_are_the_old_loops(parts):
    """Plain kNN: 15 cells (history 3 / 5 / 8: 4 to 14 features, a KD-tree)."""
    train, val, test = parts["train"], parts["val"], parts["test"]
    proj = LocalProjection.fit(train)
    val_task = make_prediction_task(val, k=5)
    knn, scores = tune_knn(train, val_task, proj)
    assert scores == CELLWISE.tune_knn_cellwise(train, val_task, proj)
    old = B.KNNContinuation(knn.n_neighbors, knn.history, 5).fit(train, proj)
    test_task = make_prediction_task(test, k=5)
    new_pred = ProjectedBaseline(knn, proj).predict_next(test_task)
    np.testing.assert_array_equal(new_pred, ProjectedBaseline(old, proj).predict_next(test_task))


@pytest.mark.parametrize("history", [3, 8])  # 8 features (KD-tree), 18 (a brute-force search)
def test_the_kept_place_knn_and_every_val_score_are_the_old_loops(parts, history):
    train, val, test = parts["train"], parts["val"], parts["test"]
    proj = LocalProjection.fit(train)
    val_task = make_prediction_task(val, k=5)
    est, scores = tune_place_knn(train, val_task, proj, history)
    assert scores == CELLWISE.tune_place_cellwise(train, val_task, proj, history)
    settings = {p: getattr(est, p) for p in ("n_neighbors", "w_place", "w_heading")}
    old = PlaceKNNContinuation(history=history, horizon=5, **settings).fit(train, proj)
    np.testing.assert_array_equal(est.index_.features_, old.index_.features_)
    test_task = make_prediction_task(test, k=5)
    np.testing.assert_array_equal(
        ProjectedBaseline(est, proj).predict_next(test_task),
        ProjectedBaseline(old, proj).predict_next(test_task),
    )


@pytest.mark.parametrize("method", ["kd_tree", "brute"])
def test_a_tie_at_a_count_s_boundary_is_searched_again(parts, method):
    """The windows of a trip and of its copy are at the same distance from every query: a
    count that falls between them is not read off the front of a larger search. A tree asks
    again for the tied rows only; a brute-force search (blockwise distances) for every row."""
    train = parts["train"]
    ids = train["traj_id"].unique().sort()
    copied = ids.filter(~ids.str.ends_with("_copy")).head(10)  # 10 trips keep their copy
    train = train.filter(~pl.col("traj_id").str.ends_with("_copy") | pl.col("traj_id").is_in(
        copied + "_copy"))  # fmt: skip
    proj = LocalProjection.fit(train)
    index = RetrievalIndex(history=5, horizon=5).fit(*table_points(train, proj))
    index.nn_ = type(index.nn_)(algorithm=method).fit(index.features_)
    q = index.features_[::3]  # library windows: those of a copied trip tie with the copy's
    calls = []

    class Spy:
        _fit_method = index.nn_._fit_method

        def kneighbors(self, feats, n_neighbors, return_distance=True):
            calls.append((n_neighbors, len(feats)))
            return index.nn_.kneighbors(feats, n_neighbors, return_distance)

    sets = nearest_sets(Spy(), q, [1, 2, 3])
    assert calls[0] == (3, len(q))
    again = dict(calls[1:])
    assert 1 in again and again[1] == (len(q) if method == "brute" else again[1])
    if method == "kd_tree":
        assert 0 < again[1] < len(q)  # the tied rows only
    for n, nb in sets.items():
        want = index.nn_.kneighbors(q, n_neighbors=n, return_distance=False)
        assert (np.sort(nb, 1) == np.sort(want, 1)).all()


def test_predict_grid_refuses_as_predict_does(parts):
    est = B.KNNContinuation(5, 5, 3).fit(parts["train"])
    task = make_prediction_task(parts["val"], k=5)
    with pytest.raises(Exception, match="horizon 3, asked for 5"):
        predict_grid(est, task.xy(est.projection_), task.lengths, 5, (5, 10))
    with pytest.raises(Exception, match="not fitted"):
        predict_grid(B.KNNContinuation(), task.xy(est.projection_), task.lengths, 3, (5, 10))


def test_cut_windows_must_be_the_index_s_own(parts):
    proj = LocalProjection.fit(parts["train"])
    points = table_points(parts["train"], proj)
    windows = PlaceRetrievalIndex(history=5).train_windows(*points)
    with pytest.raises(ValueError, match="windows cut for"):
        PlaceRetrievalIndex(history=3).fit(*points, windows=windows)
