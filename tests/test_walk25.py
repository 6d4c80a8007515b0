"""Session 25 (walk25): closed-form walker predictors (``trajlm.eval.walkers``,
``scripts/walker_arms.py``, docs/candidates.md "Session 25 (walk25)"): the regime is read from
the history's own clock, the damping factors recover a known shrink, the stop mixture's spatial
median sides with the heavier mass, and the neighbours' own continuations are kNN's."""

from __future__ import annotations

import numpy as np
import pytest
from test_results_scripts import load_script

from trajlm.data.retrieval import RetrievalIndex
from trajlm.eval.walkers import (
    damped_points,
    dwell_fraction,
    fit_step_factors,
    fit_timed_factors,
    history_speed,
    interval_ratio,
    is_walker,
    neighbour_continuations,
    recent_velocity,
    stop_mixture_points,
    weighted_spatial_median,
)  # fmt: skip


def _line(speed: float, dt: float, n: int = 8, pad: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """One eastward track at `speed` m/s, a fix every `dt` s, right-padded by `pad` repeats."""
    t = np.arange(n) * dt
    xy = np.c_[speed * t, np.zeros(n)]
    return np.r_[xy, np.repeat(xy[-1:], pad, 0)][None], np.r_[t, np.repeat(t[-1], pad)][None]


def test_the_regime_comes_from_the_history_clock_and_padding_is_ignored():
    walk_xy, walk_t = _line(1.2, 15.0, pad=4)
    car_xy, car_t = _line(12.0, 15.0)
    lengths = np.array([8])
    assert history_speed(walk_xy, walk_t, lengths)[0] == pytest.approx(1.2)
    assert is_walker(walk_xy, walk_t, lengths)[0] and not is_walker(car_xy, car_t, lengths)[0]
    # a walker who stood still for half of his steps
    xy = walk_xy.copy()
    xy[0, 4:] = xy[0, 4]
    assert dwell_fraction(xy, walk_t, lengths)[0] == pytest.approx(3 / 7)
    with pytest.raises(ValueError, match="need xy"):
        history_speed(walk_xy[0], walk_t, lengths)


def test_recent_velocity_and_damped_points_on_a_straight_track():
    xy, t = _line(1.5, 10.0)
    v = recent_velocity(xy, t, np.array([8]), m=4)
    np.testing.assert_allclose(v, [[1.5, 0.0]])
    dt = np.array([[10.0, 20.0, 30.0, 40.0, 50.0]])
    pts = damped_points(xy[:, -1], v, dt, np.full(5, 0.5))
    np.testing.assert_allclose(pts[0, :, 0] - xy[0, -1, 0], 0.75 * np.arange(1, 6) * 10)
    # no time elapsed: velocity 0, not a division by zero
    assert np.all(recent_velocity(xy, np.zeros_like(t), np.array([8])) == 0)


def test_step_factors_recover_a_known_shrink_and_the_timed_exponent():
    rng = np.random.default_rng(0)
    last, cont = rng.normal(size=(200, 2)), rng.normal(size=(200, 5, 2)) * 30
    shrink = np.array([0.5, 0.6, 0.7, 0.8, 0.9])
    target = last[:, None] + shrink[None, :, None] * cont
    np.testing.assert_allclose(fit_step_factors(last, cont, target), shrink, atol=0.03)
    ratio = rng.uniform(0.5, 4.0, size=(200, 5))
    gamma, beta = fit_timed_factors(last, cont, last[:, None] + ratio[..., None] * cont, ratio)
    assert gamma == 1.0 and np.allclose(beta, 1.0, atol=0.03)


def test_interval_ratio_is_one_on_a_steady_track_and_sees_a_gap():
    t = np.arange(8)[None] * 15.0
    steady = t[0, -1] + 15.0 * np.arange(1, 6)[None]
    np.testing.assert_allclose(interval_ratio(t, np.array([8]), steady), 1.0)
    gap = steady + 75.0  # the first asked fix lies 6 intervals ahead
    assert interval_ratio(t, np.array([8]), gap)[0, 0] == pytest.approx(6.0)


def test_the_stop_mixture_sides_with_the_heavier_mass():
    pts = np.array([[[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]]])
    np.testing.assert_allclose(
        weighted_spatial_median(pts, np.ones((1, 3))), [[1.0, 0.0]], atol=1e-4
    )
    # 40 neighbours 10 m ahead; stay weight 0.7 -> stay, 0.3 -> go
    conts = np.zeros((2, 40, 5, 2))
    conts[..., 0] = 10.0
    got = stop_mixture_points(np.zeros((2, 2)), conts, np.array([0.7, 0.3]))
    np.testing.assert_allclose(got[0], 0.0, atol=1e-3)
    np.testing.assert_allclose(got[1, :, 0], 10.0, atol=1e-3)


def test_neighbour_continuations_aggregate_to_the_knn_answer():
    rng = np.random.default_rng(1)
    lib = np.cumsum(rng.normal(size=(400, 2)) * 5 + [3.0, 1.0], 0)
    keys = np.repeat(np.arange(4), 100)
    index = RetrievalIndex(5, 5, n_neighbors=7).fit(lib, keys)
    q = np.cumsum(rng.normal(size=(6, 9, 2)) * 5 + [0.0, 4.0], 1)
    lengths = np.array([9, 9, 7, 5, 9, 3])  # the last one is too short to be answered
    conts, found = neighbour_continuations(index, q, lengths, 7)
    got = index.query(q, lengths, n_neighbors=7)
    assert found.tolist() == got.found.tolist() == [True] * 5 + [False]
    # rotation is linear, so the mean of the rotated continuations is the rotated mean: the
    # mean-aggregating index's answer, exactly
    mean_index = RetrievalIndex(5, 5, n_neighbors=7, aggregate="mean").fit(lib, keys)
    np.testing.assert_allclose(
        conts[found].mean(1), mean_index.query(q, lengths).continuation[found], atol=1e-9
    )


@pytest.mark.slow
def test_walker_arms_script_end_to_end(tmp_path):
    from trajlm.data.ingest import synth_store

    store = tmp_path / "synth"
    synth_store(store, n_trajectories=80, seed=3)
    out = tmp_path / "walk.md"
    load_script("walker_arms").main(["--data", str(store), "--stage", "val", "--out", str(out)])
    text = out.read_text()
    assert "cross-fitted" in text and "| kNN (40) |" in text and "stop mixture" in text
    assert "steady walkers" in text and "past a gap" in text
