"""Steps far above an input's own speeds, counted over ingest's cleaned chunks and said in one
line naming the option that drops them (session 39, fix39: newuser39's leftover).

`trajlm data ingest` said only the steps faster than 340 m/s (clean.IMPOSSIBLE_SPEED_MPS), so a
bus feed's 1-4 km bad fixes 10-30 s apart (100-300 m/s) went unmentioned: newuser39's Trondheim
feed held 1,040 such steps, trained on with no word. The rule is the corpus build's
(corpus_clean.jump_steps): a step faster than GLITCH_SPEED_FACTOR x the input's 99th-percentile
step speed, never under MIN_JUMP_MPS, never over 340 m/s. A chunked ingest cannot hold every
step, so the speeds are binned (BIN_MPS wide); the threshold is the bin edge at or above the
rule's value, so the count above it is exact. Nothing is dropped here: the store is the same.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.clean_common import (
    GLITCH_SPEED_FACTOR,
    IMPOSSIBLE_SPEED_MPS,
    MIN_JUMP_MPS,
    step_speed_mps,
)

BIN_MPS = 0.25  # the step-speed histogram's bin width
TOP_MPS = 2_000.0  # faster steps share the last bin (never under the threshold: it is <= 340)
JUMPS = "jump_steps"  # the manifest's reading key


class JumpSteps:
    """Step speeds of ingest's cleaned chunks (sorted by traj_id, t), binned; ``record`` the
    steps over GLITCH_SPEED_FACTOR x their 99th percentile (at least MIN_JUMP_MPS, at most
    IMPOSSIBLE_SPEED_MPS)."""

    def __init__(self) -> None:
        self.counts = np.zeros(int(TOP_MPS / BIN_MPS) + 1, dtype=np.int64)
        self.fastest = 0.0

    def add(self, cleaned: pl.DataFrame) -> None:
        if len(cleaned) < 2:
            return
        v = cleaned.select(step_speed_mps().alias("v"))["v"].drop_nulls().to_numpy()
        v = v[np.isfinite(v)]
        if not len(v):
            return
        index = np.clip(np.ceil(v / BIN_MPS).astype(np.int64) - 1, 0, len(self.counts) - 1)
        self.counts += np.bincount(index, minlength=len(self.counts))
        self.fastest = max(self.fastest, float(v.max()))

    def record(self) -> dict[str, Any] | None:
        """{steps, threshold_mps, p99_mps, max_mps} where steps faster than the threshold
        exist, else None."""
        total = int(self.counts.sum())
        if total < 3:
            return None
        at = int(np.searchsorted(np.cumsum(self.counts), math.ceil(0.99 * total)))
        p99 = (at + 1) * BIN_MPS  # the bin's upper edge
        rule = min(max(GLITCH_SPEED_FACTOR * p99, MIN_JUMP_MPS), IMPOSSIBLE_SPEED_MPS)
        edge = math.ceil(rule / BIN_MPS)  # steps in bins >= edge are faster than edge * BIN
        n = int(self.counts[edge:].sum())
        if n == 0:
            return None
        return {"steps": n, "threshold_mps": edge * BIN_MPS, "p99_mps": p99,
                "max_mps": round(self.fastest, 1)}  # fmt: skip


def jump_line(jumps: dict[str, Any], n_impossible: int = 0) -> str:
    """The one line ingest says of ``JumpSteps.record()`` (with the steps over 340 m/s among
    them, ``n_impossible``)."""
    limit = jumps["threshold_mps"]
    among = (f"; {n_impossible:,} of them over {IMPOSSIBLE_SPEED_MPS:g} m/s: a swapped lat/lon?"
             if n_impossible else "")  # fmt: skip
    return (
        f"warning: {jumps['steps']:,} step(s) between consecutive points are faster than "
        f"{limit:g} m/s ({GLITCH_SPEED_FACTOR:g}x this input's 99th-percentile step speed, "
        f"{jumps['p99_mps']:g} m/s; fastest {jumps['max_mps']:,.0f} m/s{among}): bad fixes or "
        f"jumps, kept; --max-speed-mps {limit:g} drops them"
    )
