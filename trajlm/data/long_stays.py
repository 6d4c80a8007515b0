"""Long stays inside trips of a feed with reported speeds (leftover31).

newuser30's AIS feed: a vessel comes in, berths 1-2.5 h reporting every ~3 min, and goes out;
no gap cuts it, so ingest keeps in-berth-out as one trip and a trip's duration (gradient
boosting's ETA, "hours at sea" from `trajlm ask`) counts the berth time. A maritime user means
voyages. Ingest keeps its rule (cut at gaps; `--split-at-stops` cuts at stays, ships17) and says
it once where a trip holds a stay of LONG_STAY_S or more and stays were not cut.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.data.clean_split import reported_speed, stop_rows

LONG_STAY_S = 3600.0  # an hour settled: a berth or an anchorage, not a lock or a pilot pick-up


def trips_with_long_stays(cleaned: pl.DataFrame) -> tuple[int, int, float]:
    """(trips holding a stay of LONG_STAY_S or more, trips, the longest such stay in s) of a
    cleaned chunk (sorted by traj_id, t) that has a reported-speed column; (0, 0, 0.0) else."""
    if len(cleaned) < 2 or reported_speed(cleaned) is None:
        return 0, 0, 0.0
    lo, hi = stop_rows(cleaned, min_duration_s=LONG_STAY_S)
    if len(lo) == 0:
        return 0, cleaned["traj_id"].n_unique(), 0.0
    t = cleaned["t"].to_numpy()
    held = cleaned["traj_id"].gather(pl.Series(lo)).n_unique()
    return held, cleaned["traj_id"].n_unique(), float(np.max(t[hi] - t[lo]))


def long_stays_line(held: int, trips: int, longest_s: float) -> str:
    """The ingest line for ``held`` of ``trips`` trips holding a long stay."""
    return (
        f"{held:,} of {trips:,} trips hold a stay of {LONG_STAY_S / 3600:g} h or more (up to "
        f"{longest_s / 3600:.1f} h settled: a ship moored or at anchor, reports still coming): "
        "each is kept as one trip, so its duration (travel-time ETAs, `ask` hours at sea) "
        "counts the stay; --split-at-stops cuts trips there (voyages; Python: "
        "clean_overrides={'stop_min_s': 600})"
    )
