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
from trajlm.data.retrieval import (
    RetrievalIndex,
    aggregate_continuations,
    rotate,
    run_keys,
    table_points,
)
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


def old_query_answers(index: RetrievalIndex, xy: np.ndarray, lengths: np.ndarray, k: int):
    """RetrievalIndex.query's vote and spread at main d90d52f5, verbatim: the whole
    (Q, n_nb, k, 2) gather of the neighbours' continuations."""
    feats, _, _ = index.features(xy, lengths)
    _, nb = index.neighbours(feats, index.n_neighbors)
    conts = index.continuations_[nb, :k]  # (Q, n_nb, k, 2)
    agg = aggregate_continuations(conts, index.aggregate)
    return agg, np.linalg.norm(conts[:, :, -1] - agg[:, None, -1], axis=-1).mean(1)


@pytest.mark.parametrize("aggregate", ["median", "mean"])
@pytest.mark.parametrize("k", [3, 5])
def test_a_query_votes_by_blocks_of_rows_the_same_numbers(aggregate, k, monkeypatch):
    """At 80 neighbours of 14,520 test trips the whole gather and the median's sorted copy
    were ~190 MB, eval's scoring peak at 6.1 M fixes; now blocks of rows (4 rows a block
    here: 3,000 queries are 750 blocks)."""
    import trajlm.data.retrieval_vote as vote  # where GATHER_ITEMS is read (review39)

    rng = np.random.default_rng(38)
    steps = rng.normal(0, 10, (400, 30, 2)).cumsum(1)  # 400 trips of 30 points
    xy, keys = steps.reshape(-1, 2), np.repeat(np.arange(400), 30)
    index = RetrievalIndex(history=5, horizon=5, n_neighbors=80, aggregate=aggregate).fit(xy, keys)
    queries = rng.normal(0, 10, (3000, 8, 2)).cumsum(1)
    lengths = rng.integers(5, 9, 3000)
    agg, spread = old_query_answers(index, queries, lengths, k)
    monkeypatch.setattr(vote, "GATHER_ITEMS", 4 * 80 * k * 2)
    got = index.query(queries, lengths, k)
    assert got.found.all()
    _, c, s = index.features(queries, lengths)
    np.testing.assert_array_equal(got.continuation, rotate(agg, c, s))
    np.testing.assert_array_equal(got.spread, spread)


def test_a_query_never_holds_the_whole_gather(monkeypatch):
    """3,000 queries x 80 neighbours x 5 steps: the whole gather is 19.2 MB and the median's
    sorted copy as much again; by blocks the query holds the search's own arrays and the
    neighbours' k-th points beside one block (traced: the old query 43 MB, now 20 MB)."""
    import tracemalloc

    import trajlm.data.retrieval_vote as vote  # where GATHER_ITEMS is read (review39)

    rng = np.random.default_rng(7)
    steps = rng.normal(0, 10, (400, 30, 2)).cumsum(1)
    index = RetrievalIndex(history=5, horizon=5, n_neighbors=80).fit(
        steps.reshape(-1, 2), np.repeat(np.arange(400), 30)
    )
    queries = rng.normal(0, 10, (3000, 8, 2)).cumsum(1)
    monkeypatch.setattr(vote, "GATHER_ITEMS", 1 << 16)
    tracemalloc.start()
    try:
        index.query(queries, np.full(3000, 8), 5)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 30e6, f"{peak / 1e6:.1f} MB"  # the old query: 43 MB, by blocks: 20 MB


def group_by_counts(df: pl.DataFrame) -> dict[str, int]:
    """check_scored_split's counts at main d90d52f5, verbatim."""
    starts = df.group_by("traj_id").agg(pl.col("t").min(), pl.col("split").first())
    return {s: int((starts["split"] == s).sum()) for s in ("train", "val", "test")}


def test_trips_per_split_are_the_group_by_s_counts(parts):
    from trajlm.eval.eval_splits import trips_per_split

    store_like = pl.concat([parts[s].with_columns(split=pl.lit(s)) for s in parts], rechunk=False)
    assert trips_per_split(store_like) == group_by_counts(store_like)
    assert trips_per_split(store_like) == {s: parts[s]["traj_id"].n_unique() for s in parts}
    # a trajectory in two runs, in two splits: its first row's split counts (the fallback)
    mixed = pl.DataFrame({"traj_id": ["a", "a", "b", "a", "c", "c"], "t": [0, 1, 0, 2, 0, 1],
                          "split": ["val", "val", "test", "train", "train", "train"]})  # fmt: skip
    assert trips_per_split(mixed) == group_by_counts(mixed) == {"train": 1, "val": 1, "test": 1}
    with_null = mixed.with_columns(pl.when(pl.col("traj_id") == "b").then(None)
                                   .otherwise(pl.col("traj_id")).alias("traj_id"))  # fmt: skip
    assert trips_per_split(with_null) == group_by_counts(with_null)
    assert trips_per_split(mixed.head(0)) == {"train": 0, "val": 0, "test": 0}


def test_the_bootstraps_blocks_hold_a_quarter_of_scale37_s():
    """2,000 resamples of 14,520 items (eval's test trips at 6.1 M fixes): blocks of 2^21
    items held 34 MB traced, 2^19 9 MB; the same numbers (tests/test_scale37.py checks
    blocks of 1 to 2^21 items against the whole draw)."""
    import tracemalloc

    from trajlm.eval import compare

    rng = np.random.default_rng(1)
    a, b, w = rng.gamma(2.0, 300.0, 14_520), rng.gamma(2.0, 300.0, 14_520), np.ones(14_520)
    tracemalloc.start()
    try:
        compare.paired_bootstrap_ratio(a, b, weights=w)
        compare.paired_bootstrap_ci(a, b, weights=w)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20e6, f"{peak / 1e6:.1f} MB"


@pytest.mark.parametrize(
    "ids",
    [["a", "a", "b", "c", "c"], ["a", "b", "a"], [None, None, "b"], ["b", None, "b", None], [],
     [3, 3, 1, 2, 2]],
)  # fmt: skip
def test_trajectories_counted_from_runs_are_n_unique(ids):
    from trajlm.data.table_order import count_trajectories

    df = pl.DataFrame(
        {"traj_id": ids}, schema={"traj_id": pl.Int64 if ids[:1] == [3] else pl.String}
    )
    assert count_trajectories(df) == df["traj_id"].n_unique()


def old_train_windows(index: RetrievalIndex, xy: np.ndarray, keys: np.ndarray):
    """RetrievalIndex.train_windows at main d90d52f5 (every window gathered at once), verbatim."""
    from functools import partial

    keys = np.asarray(keys, np.int64)
    w = index.history + index.horizon
    starts = index._window_starts(keys, w)
    win = np.asarray(xy, np.float64)[starts[:, None] + np.arange(w)]  # (M, w, 2)
    own = type(index).features is not RetrievalIndex.features and (
        type(index)._window_features is RetrievalIndex._window_features
    )
    featurize = index.features if own else partial(RetrievalIndex.features, index)
    shape, c, s = featurize(win[:, : index.history], np.full(len(win), index.history))
    origin = win[:, index.history - 1 : index.history]
    conts = rotate(win[:, index.history :] - origin, c, -s)  # (M, horizon, 2)
    return shape, c, s, origin[:, 0], conts, keys[starts]


class SpeedKeyed(RetrievalIndex):
    """A subclass with its own features (as scripts/geolife_memory_knn.py's speed key)."""

    def features(self, hist, lengths):
        shape, c, s = super().features(hist, lengths)
        speed = np.linalg.norm(hist[:, -1] - hist[:, -2], axis=1, keepdims=True)
        return np.concatenate([shape, speed], axis=1), c, s


@pytest.mark.parametrize("block", [1, 7, 1 << 14])
@pytest.mark.parametrize("kind", ["plain", "place", "own features"])
def test_windows_cut_by_blocks_are_the_whole_cut(block, kind, monkeypatch):
    import trajlm.data.window_cut as window_cut
    from trajlm.data.place_retrieval import PlaceRetrievalIndex

    rng = np.random.default_rng(block)
    steps = rng.normal(0, 10, (60, 25, 2)).cumsum(1)
    steps[3, 10:] = steps[3, 10]  # a parked stretch: heading (1, 0), zero continuations
    xy, keys = steps.reshape(-1, 2), np.repeat(np.arange(60) * 7919, 25)
    make = {"plain": RetrievalIndex, "place": PlaceRetrievalIndex, "own features": SpeedKeyed}
    index = make[kind](history=8, horizon=5, max_windows=500, random_state=3)
    old = old_train_windows(index, xy, keys)
    monkeypatch.setattr(window_cut, "BLOCK_WINDOWS", block)
    new = index.train_windows(xy, keys)
    got = (new.shape, new.c, new.s, new.origins, new.conts, new.keys)
    for a, b in zip(got, old, strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


def test_a_cut_never_gathers_every_window_at_once(monkeypatch):
    """20,000 windows of 13 points: the whole cut held 15.7 MB traced (the gather, its
    index, the features' and rotations' temporaries beside the outputs); by blocks of 1,024
    windows 5.9 MB."""
    import tracemalloc

    import trajlm.data.window_cut as window_cut

    rng = np.random.default_rng(0)
    xy = rng.normal(0, 10, (400, 70, 2)).cumsum(1).reshape(-1, 2)
    index = RetrievalIndex(history=8, horizon=5, max_windows=20_000)
    keys = np.repeat(np.arange(400), 70)
    monkeypatch.setattr(window_cut, "BLOCK_WINDOWS", 1024)
    tracemalloc.start()
    try:
        index.train_windows(xy, keys)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8e6, f"{peak / 1e6:.1f} MB"
