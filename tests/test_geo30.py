"""Session 30 (geo30): the movement map (trajlm.data.move_map) and its two corrections
(trajlm.eval.map_arms), on a one-street synthetic city."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import load_script

from trajlm.data.move_map import MoveMap
from trajlm.eval.map_arms import (
    choose_on_rows,
    heading_frame,
    map_knn,
    map_turn,
    neighbour_scores,
    weighted_median,
)


def east_street(y: float = 0.0, step: float = 8.0) -> tuple[np.ndarray, np.ndarray]:
    """One track driving east along y = ``y`` from x = 0 to 2,000 m, a fix every 2 s."""
    x = np.arange(0.0, 2000.0, step)
    return np.stack([x, np.full_like(x, y)], 1), np.arange(len(x)) * 2.0


def street_map() -> MoveMap:
    return MoveMap().fit([east_street(), east_street()], max_gap_s=120, max_step_m=500)


def test_the_map_scores_the_street_in_its_heading_above_the_wrong_way_and_off_street():
    m = street_map()
    last = np.array([[500.0, 0.0]])
    along = last[:, None] + np.array([[[10.0 * j, 0.0] for j in range(1, 6)]])
    wrong_way = last[:, None] - np.array([[[10.0 * j, 0.0] for j in range(1, 6)]])
    off = last[:, None] + np.array([[[0.0, 100.0 + 10.0 * j] for j in range(1, 6)]])
    still = np.repeat(last[:, None], 5, 1)  # a stop reads the cell over all headings
    s_along, s_wrong, s_off, s_still = (
        m.path_score(last, p)[0] for p in (along, wrong_way, off, still)
    )
    assert s_along > s_still > 0.0
    assert s_wrong == s_off == 0.0  # the street is only ever driven east
    assert m.coverage(np.array([[500.0, 15.0], [500.0, 200.0]])).tolist() == [True, False]


def test_jumps_past_the_limits_are_not_counted_and_bad_settings_are_refused():
    xy = np.array([[0.0, 0.0], [100.0, 0.0], [5000.0, 0.0]])
    m = MoveMap().fit([(xy, np.array([0.0, 10.0, 20.0]))], max_gap_s=120, max_step_m=500)
    assert m.n_samples_ == 10  # the 100-m pair only, every 10 m; the 4.9-km jump adds nothing
    assert not m.coverage(np.array([[3000.0, 0.0]]))[0]
    with pytest.raises(ValueError, match="cell_m"):
        MoveMap(cell_m=0.0)


def test_the_weighted_median_is_numpys_with_equal_weights_and_follows_the_weight():
    v = np.random.default_rng(0).normal(size=(4, 6, 5, 2))
    assert np.allclose(weighted_median(v, np.ones((4, 6))), np.median(v, 1))
    w = np.full((4, 6), 1e-9)
    w[:, 2] = 1.0
    assert np.allclose(weighted_median(v, w), v[:, 2])


def test_map_knn_is_knn_at_tau_0_and_takes_the_neighbours_on_the_street():
    m = street_map()
    hist = np.array([[[460.0 + 10 * i, 0.0] for i in range(5)]])  # heading east
    last, frame = hist[:, -1], heading_frame(hist, np.array([5]))
    on = np.array([[10.0 * j, 0.0] for j in range(1, 6)])
    off = np.array([[0.0, 40.0 * j] for j in range(1, 6)])  # a turn into buildings
    conts = np.stack([on, on, off, off, off])[None]  # (1, 5 neighbours, 5, 2)
    scores = neighbour_scores(m, last, conts)
    assert scores[0, :2].min() > scores[0, 2:].max()
    assert np.allclose(map_knn(scores, last, conts, 0.0, frame), last[:, None] + off)  # median
    assert np.allclose(map_knn(scores, last, conts, 50.0, frame), last[:, None] + on)


def test_map_turn_brings_an_answer_back_onto_the_street_and_never_turns_at_lambda_inf():
    m = street_map()
    last = np.array([[500.0, 0.0]])
    angle = np.deg2rad(40)  # 30-m steps 40 degrees off the street: the last ends 96 m off it
    answer = last[:, None] + np.array([[[30.0 * j * np.cos(angle), 30.0 * j * np.sin(angle)]
                                        for j in range(1, 6)]])  # fmt: skip
    turned = map_turn(m, last, answer, lam=0.5)
    assert np.abs(turned[0, :, 1]).max() < 40.0  # every point back within the smoothed street
    assert np.allclose(map_turn(m, last, answer, lam=np.inf), answer)


def test_choose_on_rows_takes_the_lowest_error_and_the_earlier_value_on_a_tie():
    assert choose_on_rows([0.0, 1.0, 2.0], lambda g: abs(g - 1.0))[0] == 1.0
    assert choose_on_rows([np.inf, 4.0], lambda g: 3.0)[0] == np.inf


def test_the_script_refuses_before_any_work(tmp_path):
    script = load_script("geo30", "map_arms.py")
    (tmp_path / "val.md").write_text("taken")
    for argv in (["--out", str(tmp_path)],  # an existing output, no --overwrite
                 ["--out", str(tmp_path / "o"), "--stage", "test"],  # test with no arm
                 ["--out", str(tmp_path / "o"), "--cache", str(tmp_path)]):  # fmt: skip
        with pytest.raises(SystemExit) as e:
            script.main(argv)
        assert e.value.code == 2
