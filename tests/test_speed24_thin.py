"""Session 24 (speed24): the bridge thins every gap side's history in one vectorized call
(``thin_sides``); it must give ``thin_side``'s indices exactly, side by side, for any anchor,
direction, run, cap and step (integer and sub-second times, dense and sparse feeds)."""

from __future__ import annotations

import numpy as np
import pytest

from trajlm.tasks.recover_dense import thin_side, thin_sides


@pytest.mark.parametrize("step", [-1, 1])
@pytest.mark.parametrize("dt", [0.0, 1.0, 15.0, 40.0])
def test_thin_sides_equals_thin_side_side_by_side(step: int, dt: float) -> None:
    rng = np.random.default_rng(int(dt) * 3 + step + 7)
    for trial in range(40):
        lens = rng.integers(1, 60, rng.integers(1, 6))  # runs (trajectories) of known points
        steps = [rng.choice([1, 2, 5, 15, 30], n) for n in lens]
        if trial % 2:  # sub-second float times
            steps = [s + rng.random(len(s)) for s in steps]
        times = np.concatenate([1e9 + 1e5 * r + np.cumsum(s) for r, s in enumerate(steps)])
        if trial % 2 == 0:
            times = times.astype(np.int64)
        edges = np.r_[0, np.cumsum(lens)]
        run = np.repeat(np.arange(len(lens)), lens)
        js = rng.integers(0, len(times), rng.integers(0, 30))
        lo, hi = edges[run[js]], edges[run[js] + 1]
        cap = int(rng.integers(1, 70))
        got = thin_sides(times, js, lo, hi, step, dt, cap)
        want = [thin_side(times, int(j), int(a), int(b), step, dt, cap)
                for j, a, b in zip(js, lo, hi, strict=True)]  # fmt: skip
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert g.tolist() == np.asarray(w).tolist()


def test_thin_sides_thins_a_dense_run_and_keeps_a_sparse_one() -> None:
    dense = np.arange(100, dtype=np.int64)  # 1-s fixes
    (side,) = thin_sides(dense, np.array([99]), np.array([0]), np.array([100]), -1, 15.0, 62)
    assert side.tolist() == [99, 84, 69, 54, 39, 24, 9]
    sparse = np.arange(0, 1500, 15, dtype=np.int64)  # 15-s fixes: as they are
    (side,) = thin_sides(sparse, np.array([10]), np.array([0]), np.array([100]), 1, 15.0, 5)
    assert side.tolist() == [10, 11, 12, 13, 14]
