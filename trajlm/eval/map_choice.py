"""A per-query choice between two answers made by a movement map (geomap37, issue 15;
docs/candidates.md "Session 37 (geomap37)").

Answer B (G28: the gated selector) replaces answer A (E: the shipped engine) where the map
scores B's path more than ``delta`` above A's, on queries whose last fix lies on the map; off
the map one fixed answer is used (``off_b``). Everything read is history-side: the two answers'
map scores and the last fix's coverage, never a target. ``fit_choice`` picks (delta, off_b) on
rows the caller says are fair; ``forward_choice`` answers each time-ordered block with the
choice fitted on the earlier blocks only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

DELTAS = (-np.inf, -1.0, -0.5, -0.25, -0.1, 0.0, 0.1, 0.25, 0.5, 1.0, np.inf)


def choose_b(score_b: np.ndarray, score_a: np.ndarray, on_map: np.ndarray, delta: float,
             off_b: bool) -> np.ndarray:  # fmt: skip
    """(..., N) bool: True where B answers. On the map: B's score minus A's strictly above
    ``delta`` (a tie goes to A); off it: ``off_b``. ``score_b`` may carry leading seed axes."""
    on = np.broadcast_to(np.asarray(on_map, bool), np.shape(score_b))
    gain = np.asarray(score_b, np.float64) - np.asarray(score_a, np.float64)
    return np.where(on, gain > delta, bool(off_b))


def choice_error(err_b: np.ndarray, err_a: np.ndarray, use_b: np.ndarray) -> np.ndarray:
    """Per-row error of the choice (``err_b`` / ``use_b`` may carry leading seed axes; they are
    averaged after the choice)."""
    got = np.where(use_b, err_b, np.broadcast_to(err_a, np.shape(err_b)))
    return got.reshape(-1, got.shape[-1]).mean(0)


def fit_choice(err_b: np.ndarray, err_a: np.ndarray, score_b: np.ndarray, score_a: np.ndarray,
               on_map: np.ndarray,
               deltas: Sequence[float] = DELTAS) -> tuple[float, bool, dict]:  # fmt: skip
    """(delta, off_b, mean error per (delta, off_b)) with the least mean choice error on these
    rows; ties go to the larger delta, then to off_b = False (toward A, the shipped engine)."""
    grid = [(d, o) for d in sorted(deltas, reverse=True) for o in (False, True)]
    errs = {
        (d, o): float(choice_error(err_b, err_a, choose_b(score_b, score_a, on_map, d, o)).mean())
        for d, o in grid
    }
    best = min(grid, key=lambda k: errs[k])  # min keeps the first of equal errors
    return best[0], best[1], errs


def forward_choice(blocks: np.ndarray, err_b: np.ndarray, err_a: np.ndarray,
                   score_b: np.ndarray, score_a: np.ndarray, on_map: np.ndarray,
                   deltas: Sequence[float] = DELTAS) -> tuple[np.ndarray, dict]:  # fmt: skip
    """(use_b like ``score_b``, {block: (delta, off_b)}): each block after the first answered by
    the choice fitted on the rows of the earlier blocks only; the first block's rows are False
    (no earlier rows: not judged)."""
    blocks = np.asarray(blocks)
    if blocks.shape[-1:] != np.shape(err_a)[-1:]:
        raise ValueError(f"blocks: {blocks.shape[-1]} rows for {np.shape(err_a)[-1]} errors")
    ids = np.unique(blocks)
    if len(ids) < 2:
        raise ValueError("a forward choice needs at least 2 blocks")
    use = np.zeros(np.shape(score_b), bool)
    chosen = {}
    for b in ids[1:]:
        fit, held = blocks < b, blocks == b
        d, o, _ = fit_choice(err_b[..., fit], err_a[fit], score_b[..., fit], score_a[fit],
                             on_map[fit], deltas)  # fmt: skip
        use[..., held] = choose_b(score_b[..., held], score_a[held], on_map[held], d, o)
        chosen[int(b)] = (d, o)
    return use, chosen
