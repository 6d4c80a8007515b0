"""Session 37 (geomap37): the movement map's per-query choice between two answers
(trajlm.eval.map_choice) and its study script's guards."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from helpers import load_script

from trajlm.eval.map_choice import choice_error, choose_b, fit_choice, forward_choice


def test_a_tie_goes_to_a_and_off_the_map_the_fixed_answer_is_used():
    score_a = np.array([1.0, 1.0, 1.0, 1.0])
    score_b = np.array([[1.0, 1.5, 0.5, 9.0]])  # one seed axis
    on = np.array([True, True, True, False])
    assert choose_b(score_b, score_a, on, 0.0, False).tolist() == [[False, True, False, False]]
    assert choose_b(score_b, score_a, on, 0.5, True).tolist() == [[False, False, False, True]]
    assert choose_b(score_b, score_a, on, -np.inf, False).tolist() == [[True, True, True, False]]
    assert not choose_b(score_b, score_a, on, np.inf, False).any()
    # seeds choose apart and are averaged after the choice
    err = choice_error(np.array([[1.0, 1.0], [3.0, 3.0]]), np.array([5.0, 5.0]),
                       np.array([[True, False], [False, True]]))  # fmt: skip
    assert err.tolist() == [3.0, 4.0]


def test_the_fit_takes_the_threshold_where_b_wins_and_ties_go_toward_a():
    rng = np.random.default_rng(0)
    n = 400
    score_a = np.zeros(n)
    score_b = rng.uniform(-1, 1, n)[None]
    on = np.arange(n) % 4 != 0
    err_a = np.full(n, 10.0)
    err_b = np.where(score_b[0] > 0.3, 5.0, 15.0)[None]  # B wins where the map prefers it
    err_b[0, ~on] = 20.0  # off the map B loses
    delta, off_b, grid = fit_choice(err_b, err_a, score_b, score_a, on)
    assert (delta, off_b) == (0.25, False)
    assert grid[(delta, off_b)] < min(err_a.mean(), err_b.mean())
    # equal errors everywhere: the larger delta (never B), then off = A
    assert fit_choice(err_a[None], err_a, score_b, score_a, on)[:2] == (np.inf, False)


def test_the_forward_choice_never_reads_a_later_block():
    n = 300
    blocks = np.repeat([0, 1, 2], n // 3)
    score_a, score_b, on = np.zeros(n), np.ones((1, n)), np.ones(n, bool)
    err_a = np.full(n, 10.0)
    err_b = np.full((1, n), 5.0)  # B better everywhere ...
    use, chosen = forward_choice(blocks, err_b, err_a, score_b, score_a, on)
    assert not use[:, blocks == 0].any() and use[:, blocks > 0].all()
    later = err_b.copy()
    later[:, blocks == 2] = 50.0  # ... a later block where B is far worse changes nothing before it
    use2, chosen2 = forward_choice(blocks, later, err_a, score_b, score_a, on)
    assert chosen2[1] == chosen[1] and (use2[:, blocks == 1] == use[:, blocks == 1]).all()
    for bad in (np.zeros(n, int), blocks[:-1]):
        with pytest.raises(ValueError):
            forward_choice(bad, err_b, err_a, score_b, score_a, on)


def test_train_windows_of_a_val_trip_or_a_wrong_block_are_refused():
    script = load_script("geomap37", "choice_arms.py")
    from trajlm.data.retrieval import traj_keys

    blocked = pl.DataFrame({"traj_id": ["a", "a", "b", "c"], "_b": [0, 0, 1, 2]})
    keys = traj_keys(np.array(["a", "b", "c"]))
    ok = {"keys": keys, "block": np.array([0, 1, 2])}
    assert script.check_blocks(ok, blocked, np.array(["v"])) == {"a": 0, "b": 1, "c": 2}
    with pytest.raises(ValueError, match="val / test"):
        script.check_blocks(ok, blocked, np.array(["b"]))
    with pytest.raises(ValueError, match="blocks differ"):
        script.check_blocks({**ok, "block": np.array([0, 2, 2])}, blocked, np.array(["v"]))


def test_the_script_refuses_before_any_work(tmp_path):
    script = load_script("geomap37", "choice_arms.py")
    (tmp_path / "choice_val.md").write_text("taken")
    for argv in (["--out-dir", str(tmp_path)],  # an existing output, no --overwrite
                 ["--out-dir", str(tmp_path / "o"), "--stage", "test"],  # test, no selector
                 ["--out-dir", str(tmp_path / "o"), "--gate-dir", str(tmp_path)]):  # fmt: skip
        with pytest.raises(SystemExit) as e:
            script.main(argv)
        assert e.value.code == 2


def test_two_candidate_caches_compare_array_for_array(tmp_path):
    script = load_script("geomap37", "compare_cands.py")
    for name in ("a", "b"):
        (tmp_path / name / "tag").mkdir(parents=True)
        np.savez(tmp_path / name / "tag" / "train.npz", cands=np.arange(6.0), kind=np.array([1]))
    a, b = tmp_path / "a", tmp_path / "b"
    assert script.compare(a, b) == []
    np.savez(b / "tag" / "train.npz", cands=np.arange(6.0) + 1e-12, kind=np.array([1]))
    assert script.compare(a, b) == ["tag/train.npz: cands differs"]
    (b / "tag" / "train.npz").rename(b / "tag" / "val.npz")
    assert "different files" in script.compare(a, b)[0]
    with pytest.raises(SystemExit) as e:
        script.main([str(a), str(tmp_path / "missing")])
    assert e.value.code == 2


def test_the_train_grid_bands_the_map_gap_and_refuses_missing_inputs(tmp_path):
    script = load_script("geomap37", "train_grid.py")
    gap = np.array([-2.0, -0.5, 0.0, 0.1, 0.3, 5.0])
    err_g = np.array([9.0, 1.0, 3.0, 1.0, 1.0, 1.0])
    err_e = np.full(6, 2.0)
    rows = script.gap_bands(gap, err_g, err_e)
    # (-inf, -1]: 1 pair lost by 7; (-1, -0.25]: 1 won; (-0.25, 0]: 0.0 belongs here, lost
    assert rows[:3] == ["| (-inf, -1.0] | 1 | 0.0% | +7.0 |", "| (-1.0, -0.25] | 1 | 100.0% | -1.0 |",
                        "| (-0.25, 0.0] | 1 | 0.0% | +1.0 |"]  # fmt: skip
    assert len(rows) == 6
    with pytest.raises(SystemExit) as e:
        script.main(["--gate-dir", str(tmp_path), "--out-dir", str(tmp_path / "o")])
    assert e.value.code == 2
    # the train answers are read back from their cache, never recomputed
    cache = tmp_path / "train_answers.npz"
    np.savez(cache, last=np.zeros((2, 2)))
    got = load_script("geomap37", "choice_arms.py").cached_train_answers({}, cache)
    assert got["last"].shape == (2, 2)
