"""geo35: the travel mode inferred from a history as a key for kNN's neighbours
(trajlm.eval.mode_knn, scripts/geo35/mode_arms.py)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import load_script

from trajlm.data.retrieval import RetrievalIndex, rotate
from trajlm.eval.mode_knn import (
    MODE_CLASSES,
    MOTION_FEATURES,
    affinity,
    crossfit_posteriors,
    last_window,
    mode_class,
    motion_features,
    neighbour_windows,
    point_windows,
    posterior,
    window_ends,
)
from trajlm.eval.walkers import neighbour_continuations


def _track(speed: float, n: int, dt: float = 15.0, turn: float = 0.0, seed: int = 0):
    rng = np.random.default_rng(seed)
    head = np.cumsum(np.full(n, turn)) + rng.normal(0, 0.05, n)
    step = speed * dt * (1 + rng.normal(0, 0.1, n))
    xy = np.cumsum(np.stack([step * np.cos(head), step * np.sin(head)], 1), 0)
    return xy, np.arange(n) * dt


def test_mode_class_merges_and_drops():
    got = mode_class([None, "bike", "bus", "car", "taxi", "train", "subway", "run", "Boat"])
    assert got.tolist() == [0, 1, 2, 3, 3, 4, 4, -1, -1]
    assert MODE_CLASSES[0] == "none"


def test_point_windows_stay_inside_their_trajectory():
    keys = np.array([7, 7, 7, 9, 9, 9, 9])
    xy = np.stack([np.arange(7.0), np.zeros(7)], 1)
    w_xy, w_t, lengths = point_windows(xy, np.arange(7.0), keys, window=3)
    assert lengths.tolist() == [1, 2, 3, 1, 2, 3, 3]
    for i, n in enumerate(lengths):  # the window ends at the point and never reads key 7 for 9
        assert w_xy[i, n - 1, 0] == i and w_t[i, n - 1] == i
        assert keys[w_xy[i, :n, 0].astype(int)].tolist() == [keys[i]] * n


def test_last_window_keeps_the_last_fixes_left_aligned():
    xy = np.arange(10.0)[None, :, None].repeat(2, -1).repeat(2, 0)
    t = np.arange(10.0)[None].repeat(2, 0)
    w_xy, w_t, n = last_window(xy, t, np.array([10, 4]), window=3)
    assert n.tolist() == [3, 3] and w_t[0].tolist() == [7, 8, 9] and w_t[1].tolist() == [1, 2, 3]


def test_motion_features_read_speed_stops_and_straightness():
    walk, t = _track(1.4, 20)
    car, _ = _track(12.0, 20, turn=0.0)
    stand = np.zeros((20, 2))
    f = motion_features(np.stack([walk, car, stand]), np.stack([t] * 3), np.array([20, 20, 20]))
    col = {n: i for i, n in enumerate(MOTION_FEATURES)}
    assert f.shape == (3, len(MOTION_FEATURES))
    assert abs(f[0, col["speed_p50"]] - 1.4) < 0.3 and abs(f[1, col["speed_p50"]] - 12) < 2
    assert f[2, col["stop_share"]] == 1.0 and f[0, col["stop_share"]] == 0.0
    assert f[1, col["straightness"]] > 0.95 and f[0, col["interval_s"]] == 15.0
    assert f[0, col["n_steps"]] == 19


def test_crossfit_classifier_separates_and_answers_every_class_column():
    rows, cls, groups = [], [], []
    for i in range(300):
        c = i % 3  # none (walk), bike, car by speed
        xy, t = _track((1.3, 4.0, 13.0)[c], 20, seed=i)
        rows.append(motion_features(xy[None], t[None], np.array([20]))[0])
        cls.append((0, 1, 3)[c])
        groups.append(i // 100)
    X, y = np.array(rows), np.array(cls)
    p, fitted = crossfit_posteriors(X, y, np.array(groups), seed=0)
    assert p.shape == (300, len(MODE_CLASSES)) and set(fitted) == {0, 1, 2}
    assert np.allclose(p.sum(1), 1) and (p[:, [2, 4]] == 0).all()  # never seen: 0
    assert (p.argmax(1) == y).mean() > 0.9
    assert np.allclose(posterior(fitted[0], X[:5]), p[:5])  # group 0 answered by its own fit


def test_affinity_is_the_log_chance_of_a_shared_class():
    q = np.array([[1.0, 0, 0, 0, 0]])
    nb = np.array([[[1.0, 0, 0, 0, 0], [0, 1.0, 0, 0, 0], [0.5, 0.5, 0, 0, 0]]])
    a = affinity(q, nb)
    assert a[0, 0] == 0.0 and a[0, 1] == np.log(1e-6) and np.isclose(a[0, 2], np.log(0.5))


def test_window_ends_and_neighbour_windows_match_the_index():
    tracks = [_track(s, n, seed=i) for i, (s, n) in enumerate([(1.4, 30), (5, 12), (12, 40)])]
    xy = np.concatenate([x for x, _ in tracks])
    keys = np.repeat([11, 5, 8], [30, 12, 40])
    index = RetrievalIndex(5, 5, max_windows=10**7).fit(xy, keys)
    ends = window_ends(keys, 5, 5)
    assert len(ends) == index.n_windows_ and np.allclose(xy[ends], index.origins_)
    q = np.stack([tracks[0][0][:20], tracks[2][0][:20]])
    nb = neighbour_windows(index, q, np.array([20, 3]), 6)
    conts, found = neighbour_continuations(index, q, np.array([20, 3]), 6)
    assert found.tolist() == [True, False] and (nb[1] == -1).all()
    _, c, s = index.features(q[:1], np.array([20]))
    mine = rotate(index.continuations_[nb[0]].reshape(1, -1, 2), c, s)
    assert np.allclose(mine.reshape(6, 5, 2), conts[0])


def test_scripts_refuse_before_work(tmp_path, capsys):
    arms, bound = load_script("geo35", "mode_arms.py"), load_script("geo35", "mode_bound.py")
    (tmp_path / "val.md").write_text("keep")
    (tmp_path / "bound.md").write_text("keep")
    for script, argv, said in (
        (arms, ["--out", str(tmp_path)], "exists"),  # an existing output, no --overwrite
        (arms, ["--out", str(tmp_path), "--stage", "test"], "--arm"),  # test with no arm
        (arms, ["--out", str(tmp_path), "--overwrite", "--data", "/nope"], "not found"),
        (bound, ["--out", str(tmp_path)], "exists"),
    ):
        with pytest.raises(SystemExit) as e:
            script.main(argv)
        assert e.value.code == 2 and said in capsys.readouterr().err
    assert (tmp_path / "val.md").read_text() == "keep" == (tmp_path / "bound.md").read_text()
