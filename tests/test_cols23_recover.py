"""Session 23 (cols23): the bridge's gap grouping, vectorized (1-s marathon tracks hide ~20k
rows a recover call; a dict filled row by row and a DataFrame per rollout track were ~14 % of a
call). The grouping must be the dict's exactly: same gaps, same order, same rows."""

from __future__ import annotations

import numpy as np

from trajlm.tasks.recover_bridge import hidden_gaps


def _by_dict(hidden: np.ndarray, prev: np.ndarray, nxt: np.ndarray) -> dict:
    gaps: dict[tuple[int, int], list[int]] = {}
    for r in hidden:
        gaps.setdefault((int(prev[r]), int(nxt[r])), []).append(int(r))
    return gaps


def test_gaps_are_the_row_by_row_grouping() -> None:
    rng = np.random.default_rng(0)
    for _ in range(300):
        n = int(rng.integers(1, 80))
        prev, nxt = rng.integers(-1, 6, n), rng.integers(-1, 6, n)  # (-1, -1): shared keys too
        hidden = np.flatnonzero(rng.random(n) < 0.6)
        want = _by_dict(hidden, prev, nxt)
        got = hidden_gaps(hidden, prev, nxt)
        assert [k for k, _ in got] == list(want)
        assert all(r.tolist() == want[k] for k, r in got)
    assert hidden_gaps(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)) == []
