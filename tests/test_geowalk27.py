"""Session 27 (geowalk27): the scale head's next arms (``trajlm.eval.scale_head_arms``,
``scripts/geowalk27/scale_arms.py``, docs/candidates.md "Session 27 (geowalk27)"): the 2-D labels
and answer are exact, the signed features see a turn's side, the hour is a circle that a clock
shift moves, regime heads answer only their regime, and the losses are what they say."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import load_script

from trajlm.eval.scale_head_arms import (
    fit_regime_heads,
    fit_shrink_head,
    hour_features,
    mae_weight,
    optimal_scale_turn,
    predict_regime,
    signed_turn_features,
    turn_points,
)


def _go(n: int) -> np.ndarray:
    """(n, 5, 2) an eastward continuation of 10 m a step."""
    return np.tile(np.c_[np.arange(1, 6) * 10.0, np.zeros(5)][None], (n, 1, 1))


def test_scale_turn_labels_and_answer_are_exact():
    last, cont = np.array([[0.0, 0.0], [5.0, -3.0], [1.0, 1.0]]), _go(3)
    scale, angle = np.array([1.0, 0.5, 1.2]), np.deg2rad([0.0, 30.0, -45.0])
    target = turn_points(last, cont, scale, angle)
    np.testing.assert_allclose(target[0], last[0] + cont[0])  # (1, 0) is kNN itself
    np.testing.assert_allclose(target[1, 1] - last[1], 0.5 * 20.0 * np.array([np.cos(np.pi / 6), 0.5]))  # fmt: skip
    s, a = optimal_scale_turn(last, cont, target)
    np.testing.assert_allclose(s, scale, atol=1e-9)
    np.testing.assert_allclose(a, angle, atol=1e-9)
    # a stop (target = the last fix): scale 0, and the tie over angles goes to 0 (straight)
    s0, a0 = optimal_scale_turn(last[:1], cont[:1], np.repeat(last[:1, None], 5, 1))
    assert s0[0] == 0.0 and a0[0] == 0.0


def test_signed_turn_features_see_the_side_of_a_turn():
    t = np.tile(np.arange(8) * 15.0, (3, 1))
    heading = np.stack([np.zeros(7), np.deg2rad(10.0) * np.arange(7), -np.deg2rad(10.0) * np.arange(7)])  # fmt: skip
    steps = 15.0 * np.stack([np.cos(heading), np.sin(heading)], -1)
    xy = np.concatenate([np.zeros((3, 1, 2)), np.cumsum(steps, 1)], 1)
    last = xy[:, -1]
    lengths = np.full(3, 8)
    # kNN goes straight on for the first, turns 90 degrees left of the last step for the others
    h_last = heading[:, -1]
    forward, left = np.c_[np.cos(h_last), np.sin(h_last)], np.c_[-np.sin(h_last), np.cos(h_last)]
    direction = np.where(np.array([[True], [False], [False]]), forward, left)
    knn = last[:, None] + direction[:, None] * 10.0 * np.arange(1, 6)[None, :, None]
    f = signed_turn_features(xy, t, lengths, knn)
    np.testing.assert_allclose(f[:, 0], np.deg2rad([0.0, 10.0, -10.0]), atol=1e-9)
    np.testing.assert_allclose(f[:, 1], [0.0, np.pi / 2, np.pi / 2], atol=1e-9)
    # a standing history has no heading: both features 0, not NaN
    still = signed_turn_features(np.zeros((1, 8, 2)), t[:1], lengths[:1], knn[:1])
    assert (still == 0).all()


def test_hour_is_a_circle_that_a_clock_shift_moves():
    t = np.array([23.5 * 3600.0, 0.5 * 3600.0, 12 * 3600.0])
    h = hour_features(t)
    assert np.linalg.norm(h[0] - h[1]) < 0.3 and np.linalg.norm(h[0] - h[2]) > 1.9
    np.testing.assert_allclose(hour_features(t, 24 * 3600.0), h, atol=1e-9)
    np.testing.assert_allclose(hour_features(t, 8 * 3600.0), hour_features(t + 8 * 3600.0))
    assert not np.allclose(hour_features(t, 4 * 3600.0), h)


def test_regime_heads_answer_only_their_regime():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 2))
    walker = np.arange(300) < 200
    shrink = np.where(x[:, 0] > 0, 0.2, 1.0)
    heads = fit_regime_heads(x, shrink, walker, regimes=(True,))
    assert list(heads) == [True]
    got = predict_regime(heads, np.array([[2.0, 0.0], [2.0, 0.0]]), np.array([True, False]))
    assert got[0] < 0.4 and got[1] == 1.0  # the others keep kNN (shrink 1)
    few = fit_regime_heads(x, shrink, np.arange(300) < 10)  # 10 walkers: too few for a head
    assert list(few) == [False]


def test_losses_weights_and_quantiles():
    cont = _go(2) * np.array([1.0, 0.0])[:, None, None]
    np.testing.assert_allclose(mae_weight(cont), [30.0, 1.0])  # mean of 10..50 m; the floor
    rng = np.random.default_rng(1)
    x = rng.normal(size=(300, 1))
    y = rng.uniform(0.0, 1.0, 300)  # the same spread everywhere: the head learns its quantiles
    lo, hi = (fit_shrink_head(x, y, quantile=q).predict(np.zeros((1, 1)))[0] for q in (0.2, 0.8))
    assert lo < 0.4 < 0.6 < hi
    # weights move the L1 fit towards the heavy rows: the y = 0 rows weighted 10x pull it to 0
    y2 = np.where(np.arange(300) % 2 == 0, 0.0, 1.0)
    w = np.where(y2 == 0.0, 10.0, 1.0)
    assert fit_shrink_head(x, y2, weight=w).predict(np.zeros((1, 1)))[0] < 0.2
    with pytest.raises(ValueError, match="quantile"):
        fit_shrink_head(x, y, quantile=1.5)


def test_knn_points_can_leave_the_rows_own_trajectory_out():
    from trajlm.data.retrieval import RetrievalIndex
    from trajlm.eval.selector_predictor import knn_points

    # two straight eastward trips, 10 and 20 m a step: a 10-m query's nearest windows are its own
    steps = np.r_[np.arange(12) * 10.0, np.arange(12) * 20.0]
    xy = np.c_[steps, np.zeros(24)]
    keys = np.repeat([7, 9], 12)
    index = RetrievalIndex(5, 5, n_neighbors=1).fit(xy, keys)
    query, lengths = xy[None, :5], np.array([5])
    own = knn_points(index, query, lengths, 1)
    other = knn_points(index, query, lengths, 1, exclude=np.array([7]))
    np.testing.assert_allclose(own[0, -1] - query[0, -1], [50.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(other[0, -1] - query[0, -1], [100.0, 0.0], atol=1e-6)


@pytest.mark.slow
def test_scale_arms_script_end_to_end(tmp_path):
    from trajlm.data.ingest import synth_store

    mod = load_script("geowalk27", "scale_arms.py")
    store = tmp_path / "synth"
    synth_store(store, n_trajectories=80, seed=3)
    out, js = tmp_path / "val.md", tmp_path / "val.json"
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.data.store import read_store
    from trajlm.eval.protocol import split_tables

    val = make_prediction_task(split_tables(read_store(store))["val"])
    gate = tmp_path / "sel.npz"  # a selector that answers the truth: G shrinks a perfect answer
    np.savez(gate, val_latlon=val.target_latlon, val_traj_ids=np.asarray(val.traj_ids).astype(str))
    mod.main(["--data", str(store), "--out", str(out), "--json", str(js), "--seeds", "0",
              "--all-train", "--gate", str(gate)])  # fmt: skip
    text = out.read_text()
    assert (
        "| A selector (seed 0) | 0.0 | 0.0 | 0.0 |" in text and "| G post-selector gate |" in text
    )
    assert "cross-fitted" in text and "| B scale head |" in text and "D scale + heading" in text
    assert "| T all-train head |" in text
    assert "clocks +8 h" in text and "Passing:" in text and "oracle: best shrink" in text
    with pytest.raises(SystemExit):  # nothing replaced unasked
        mod.main(["--data", str(store), "--out", str(out), "--seeds", "0"])
    with pytest.raises(SystemExit):  # test is read only for one named arm
        mod.main(["--data", str(store), "--stage", "test", "--out", str(tmp_path / "t.md")])
    with pytest.raises(SystemExit):  # T's rows are built only with --all-train
        mod.main(["--data", str(store), "--arms", "T all-train head", "--out", str(tmp_path / "v.md")])  # fmt: skip
    with pytest.raises(SystemExit):
        mod.main(["--data", str(store), "--stage", "test", "--arms", "Z nothing",
                  "--out", str(tmp_path / "t.md")])  # fmt: skip
