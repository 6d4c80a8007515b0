"""The one line for asked times that get NaN (before a trajectory's last fix, or beyond its
rollout: how far it reached, or the bound that kept it from being rolled out; leftover39),
moved out of api_rollout.py (shared by the verdict engines' asked times)."""

from __future__ import annotations

import numpy as np


def _first_and_more(hit: np.ndarray) -> tuple[int, str]:
    """(first trajectory with a hit, " (and N more trajectories)" or "") of a (B, k) mask."""
    rows = np.flatnonzero(hit.any(1))
    more = len(rows) - 1
    return int(rows[0]), f" (and {more} more trajectories)" if more else ""


def nan_message(ids: list, ahead: np.ndarray, reach: np.ndarray, n_steps: np.ndarray,
                nan: np.ndarray, cap: int = 256, pace: float | None = None) -> str:  # fmt: skip
    """One line: how many asked positions are NaN, and for the first trajectory of each cause
    its id, the time asked and (beyond the rollout) how far its rollout of N steps reached."""
    parts = []
    before = nan & (ahead < 0)
    beyond = nan & ~before
    if before.any():
        b, more = _first_and_more(before)
        parts.append(
            f"{int(before.sum())} asked time(s) lie before a trajectory's last point, e.g. "
            f"{ahead[b][before[b]][0]:+.0f} s for trajectory {ids[b]!r}{more}"
            " (ask for times after each trajectory's last point)"
        )
    if beyond.any():
        b, more = _first_and_more(beyond)
        if n_steps[b]:
            reached = (f"whose rollout of {n_steps[b]} steps reached {reach[b]:+.0f} s (steps of "
                       f"{reach[b] / n_steps[b]:.2g} s on average"
                       f"{'; not rolled further: the steps left would not reach it' * bool(n_steps[b] < cap)})")  # fmt: skip
        else:  # api_reach_bound.out_of_reach_at: not rolled out at all
            reached = (f"whose {cap} steps reached at most {reach[b]:+.0f} s (each "
                       f"{pace or 0:g}x its longest interval between fixes): not rolled "
                       "out")  # fmt: skip
        parts.append(
            f"{int(beyond.sum())} asked time(s) lie beyond the rollout, e.g. "
            f"{ahead[b][beyond[b]].max():+.0f} s for trajectory {ids[b]!r}, {reached}{more}"
            f"; rollouts go to at most {cap} steps: ask for fewer seconds ahead, or see "
            "the whole track with predict(steps=N) (--steps N)"
        )
    return f"NaN where no position can be given: {'; '.join(parts)}"
