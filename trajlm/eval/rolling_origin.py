"""Rolling-origin model selection for chronological splits (issue 15, session 9).

One val block chose an arm whose gain vanished on test three sessions running
(docs/travel-time.md): the splits are chronological and the trips drift between periods, so a
single 10 % block cannot tell a real gain from that period's luck. Rolling origin scores every
arm on several consecutive time blocks, each fitted on *everything before it* only:

    rows in time order:  [ fit ........................ | b1 | b2 | b3 | b4 | b5 = val ]
    block b: fit on every row before b's first row, score b

and the choice is the arm with the best mean over blocks (``choose``), with its worst block
reported beside it. Nothing here reads the test split.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from trajlm.errors import UserError


def rolling_origin_splits(
    t: Sequence[float] | np.ndarray, n_blocks: int = 5, block_size: int | None = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(fit rows, score rows) per block, oldest block first; rows index ``t`` (start times).

    The last ``n_blocks * block_size`` rows in time order are cut into ``n_blocks`` consecutive
    blocks (the last one is the newest); block b is fitted on every row that comes before its
    first row in time order, so no block trains on its own or later trips. ``block_size``
    defaults to a tenth of the rows (the protocol's val size). Ties in ``t`` are ordered
    stably by position, so a fit row is never later than a score row of its block.
    """
    t = np.asarray(t, np.float64)
    n = len(t)
    size = max(1, n // 10) if block_size is None else int(block_size)
    if n_blocks < 1 or size < 1:
        raise UserError(f"rolling origin: n_blocks={n_blocks}, block_size={size}: need >= 1")
    if n_blocks * size >= n:
        raise UserError(f"rolling origin: {n_blocks} blocks of {size} rows leave no rows to fit "
                        f"the first block on ({n} rows)")  # fmt: skip
    if not np.isfinite(t).all():
        raise UserError("rolling origin: a start time is NaN or inf")
    order = np.argsort(t, kind="stable")
    first = n - n_blocks * size
    return [(order[: first + b * size], order[first + b * size : first + (b + 1) * size])
            for b in range(n_blocks)]  # fmt: skip


def score_blocks(
    fit_predict: Callable[[np.ndarray, np.ndarray], dict[str, np.ndarray]],
    truth: np.ndarray,
    splits: list[tuple[np.ndarray, np.ndarray]],
    metrics: dict[str, Callable[[np.ndarray, np.ndarray], float]],
) -> dict[str, list[dict[str, float]]]:
    """arm -> one metrics dict per block. ``fit_predict(fit_rows, score_rows)`` fits every arm
    on the fit rows and returns {arm: predictions}, (len(score_rows),) or (seeds, len) -- a
    seeded arm's metric is then the mean over its seeds; ``metrics`` are
    ``f(pred, truth) -> float``."""
    truth = np.asarray(truth)
    out: dict[str, list[dict[str, float]]] = {}
    for fit_rows, score_rows in splits:
        for arm, pred in fit_predict(fit_rows, score_rows).items():
            y = truth[score_rows]
            p = np.atleast_2d(np.asarray(pred, np.float64))  # (seeds, rows)
            out.setdefault(arm, []).append({m: float(np.mean([f(q, y) for q in p]))
                                            for m, f in metrics.items()})  # fmt: skip
    return out


def relative_to(
    blocks: dict[str, list[dict[str, float]]], ref: str, metric: str
) -> dict[str, dict[str, float]]:
    """arm -> {mean, worst, per_block}: the arm's metric relative to ``ref``'s, block by block
    ((arm - ref) / ref), its mean over blocks and its worst (largest) block."""
    if ref not in blocks:
        raise UserError(f"rolling origin: the reference arm {ref!r} was not scored")
    base = np.array([b[metric] for b in blocks[ref]])
    out = {}
    for arm, rows in blocks.items():
        rel = np.array([b[metric] for b in rows]) / base - 1
        out[arm] = {"mean": float(rel.mean()), "worst": float(rel.max()),
                    "per_block": rel.tolist()}  # fmt: skip
    return out


def choose(rel: dict[str, dict[str, float]], tie: float = 0.0025) -> str:
    """The arm with the lowest mean relative score over blocks; arms within ``tie`` of that
    mean are ranked by their worst block instead (the one that drifts least wins)."""
    if not rel:
        raise UserError("rolling origin: no arm to choose from")
    best = min(r["mean"] for r in rel.values())
    near = [a for a, r in rel.items() if r["mean"] <= best + tie]
    return min(near, key=lambda a: (rel[a]["worst"], rel[a]["mean"]))
