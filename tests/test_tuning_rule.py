"""kNN settings chosen on val by one function (session 30, knn30; trajlm/eval/tuning_rule.py):
the lowest val ADE (the default rule, ties by grid order) or, opt-in, the defaults unless a tuned
cell beats them reliably; either way the evidence against the default is said."""

import numpy as np
import pytest

from trajlm.eval.tuning_rule import choose, default_key


def _noise(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).gamma(2.0, 20.0, n)  # per-window ADEs, metres


def test_a_tie_within_noise_keeps_the_default() -> None:
    base = _noise(17, 0)
    # the tuned cell is 3 % lower on average but the windows disagree: not reliably better
    other = base * np.where(np.arange(17) % 2 == 0, 0.6, 1.34)
    errors = {"history=3,n_neighbors=20": other, "history=5,n_neighbors=10": base}
    assert other.mean() < base.mean()
    c = choose(errors, "history=5,n_neighbors=10", "guarded")
    assert (c.key, c.best) == ("history=5,n_neighbors=10", "history=3,n_neighbors=20")
    assert c.lo < 1 <= c.hi
    assert "not reliably better" in c.words()
    lowest = choose(errors, "history=5,n_neighbors=10", "argmin")  # picked, and said to be noise
    assert (
        lowest.key == "history=3,n_neighbors=20" and "val cannot tell them apart" in lowest.words()
    )


def test_a_clear_win_takes_the_tuned_cell() -> None:
    base = _noise(40, 1)
    errors = {"a": base * 1.05, "default": base, "b": base * 0.7 + 0.1}
    c = choose(errors, "default", "guarded")
    assert c.key == "b" and c.hi < 1
    assert c.words().startswith("b (the lowest val ADE, reliably better: val ADE ratio 0.")


def test_equal_cells_break_ties_by_grid_order_and_keep_the_default() -> None:
    base = _noise(12, 2)
    c = choose({"first": base.copy(), "default": base.copy()}, "default", "guarded")
    assert (c.best, c.key) == ("first", "default")  # grid order ranks; equal is not better
    c = choose({"first": base.copy(), "second": base.copy()}, None)  # no default in the grid
    assert (c.key, c.rule) == ("first", "argmin")


def test_the_default_must_be_in_the_grid_and_rules_are_named() -> None:
    with pytest.raises(ValueError, match="not in the grid"):
        choose({"a": np.ones(3)}, "b")
    with pytest.raises(ValueError, match="rule must be one of"):
        choose({"a": np.ones(3)}, "a", "lowest")
    cells = {"x": {"n_neighbors": 20, "w_place": 0.1}, "y": {"n_neighbors": 5, "w_place": 0.1}}
    assert default_key(cells, {"n_neighbors": 20.0, "w_place": 0.1}) == "x"
    assert default_key(cells, {"n_neighbors": 10, "w_place": 0.1}) is None


def test_several_windows_per_trip_resample_the_trips() -> None:
    from trajlm.eval.tuning_rule import beats

    base = _noise(30, 3)
    owners = np.repeat(np.arange(6), 5)  # 6 trips of 5 windows: the interval counts 6 items
    r = beats(base * 0.9, base, owners)
    assert r["n"] == 6 and r["better"] and abs(r["ratio"] - 0.9) < 1e-12
    assert beats(base * 0.9, base)["n"] == 30  # no owners: the windows are the items
    c = choose({"default": base, "x": base * 0.9}, "default", "guarded", owners=owners)
    assert c.key == "x" and c.n == 6
