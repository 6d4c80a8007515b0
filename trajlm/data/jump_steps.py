"""Steps far above an input's own speeds, counted over ingest's cleaned chunks and said in one
line naming the option that drops them (session 39, fix39: newuser39's leftover).

`trajlm data ingest` said only the steps faster than 340 m/s (clean.IMPOSSIBLE_SPEED_MPS), so a
bus feed's 1-4 km bad fixes 10-30 s apart (100-300 m/s) went unmentioned: newuser39's Trondheim
feed held 1,040 such steps, trained on with no word. The rule is the corpus build's
(corpus_clean.jump_steps): a step faster than GLITCH_SPEED_FACTOR x the input's 99th-percentile
step speed (or TAIL_OVER_P90 x its 90th, where the 99th is a jump's: badin40), never under
MIN_JUMP_MPS, never over 340 m/s. A chunked ingest cannot hold every
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
    TAIL_OVER_P90,
    jump_limit,
    reference_speed,
    step_speed_mps,
)

BIN_MPS = 0.25  # the step-speed histogram's bin width
TOP_MPS = 2_000.0  # faster steps share the last bin (never under the threshold: it is <= 340)
JUMPS = "jump_steps"  # the manifest's reading key


class JumpSteps:
    """Step speeds of ingest's cleaned chunks (sorted by traj_id, t), binned; ``record`` the
    steps over clean_common.jump_limit of their 90th / 99th percentiles."""

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
        """{steps, threshold_mps, p90_mps, p99_mps, max_mps} where steps faster than the threshold
        exist, else None."""
        total = int(self.counts.sum())
        if total < 3:
            return None
        cum = np.cumsum(self.counts)  # a percentile: its bin's upper edge
        p90, p99 = ((int(np.searchsorted(cum, math.ceil(q * total))) + 1) * BIN_MPS
                    for q in (0.9, 0.99))  # fmt: skip
        edge = math.ceil(jump_limit(p90, p99) / BIN_MPS)  # bins >= edge: faster than edge * BIN
        n = int(self.counts[edge:].sum())
        if n == 0:
            return None
        return {"steps": n, "threshold_mps": edge * BIN_MPS, "p90_mps": p90, "p99_mps": p99,
                "max_mps": round(self.fastest, 1)}  # fmt: skip


def jump_line(jumps: dict[str, Any], n_impossible: int = 0) -> str:
    """The one line ingest says of ``JumpSteps.record()`` (with the steps over 340 m/s among
    them, ``n_impossible``)."""
    limit = jumps["threshold_mps"]
    usual = reference_speed(jumps.get("p90_mps", jumps["p99_mps"]), jumps["p99_mps"])
    which = (f"99th-percentile step speed, {usual:g} m/s" if usual == jumps["p99_mps"] else
             f"usual step speed, {usual:g} m/s = {TAIL_OVER_P90:g}x its 90th percentile, its "
             "99th being a jump's")  # fmt: skip
    among = (f"; {n_impossible:,} of them over {IMPOSSIBLE_SPEED_MPS:g} m/s: a swapped lat/lon?"
             if n_impossible else "")  # fmt: skip
    return (
        f"warning: {jumps['steps']:,} step(s) between consecutive points are faster than "
        f"{limit:g} m/s ({GLITCH_SPEED_FACTOR:g}x this input's {which}; fastest {jumps['max_mps']:,.0f} m/s{among}): bad fixes or "
        f"jumps, kept; --max-speed-mps {limit:g} drops them"
    )
