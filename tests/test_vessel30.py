"""Session 30 (vessel30): newuser30's maritime frictions (docs/api.md "Session 30 (vessel30)").

1. A run fitted on vessels that sail in, berth for hours and sail out warned that 16 of its own
   40 vessels' speeds were outside its coverage: the record's speeds were medians over whole
   tracks (berth included), a query's over its last ``history`` points (at sea). The record now
   also keeps medians over windows of the model's max_len points, and the warning reads those.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.data.store import write_store
from trajlm.model.coverage import compute_coverage, coverage_warnings


def _calls(n: int = 40, seed: int = 0, fast: float = 1.0) -> pl.DataFrame:
    """Port calls: 70 fixes in at 4-8 m/s, 160 at the berth (drift ~0.1 m/s), 70 out, 20 s
    apart: each whole track's median speed is the berth's, its last 59 fixes are at sea."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(n):
        v = rng.uniform(4.0, 8.0) * fast
        speeds = np.r_[np.full(70, v), np.full(160, 0.1), np.full(70, v)]
        heading = rng.uniform(0, 2 * np.pi)
        x = np.cumsum(speeds * 20.0 * np.cos(heading))
        y = np.cumsum(speeds * 20.0 * np.sin(heading))
        t0 = 1_780_000_000 + k * 3600
        rows.append(pl.DataFrame({
            "traj_id": f"v{k}", "t": t0 + 20 * np.arange(300),
            "lat": 52.0 + y / 111_320.0, "lon": 4.0 + x / (111_320.0 * np.cos(np.radians(52))),
        }))  # fmt: skip
    return pl.concat(rows)


def test_a_runs_own_vessels_do_not_warn_of_their_speed(tmp_path):
    df = _calls()
    store = tmp_path / "store"
    write_store(df, store)
    cov = compute_coverage(store, window=64)  # the Trainer passes the model's max_len
    assert cov["window_speed_mps"]["p99"] > 4.0 > cov["traj_speed_mps"]["p99"]
    own = coverage_warnings(cov, df, history=59)  # predict's history: max_len - steps
    assert not [s for s in own if "speed" in s], own
    # still warns where the speeds are outside what the windows held (5x faster vessels)
    lines = coverage_warnings(cov, _calls(seed=1, fast=5.0), history=59)
    assert any("median speed" in s and "training windows" in s for s in lines), lines
