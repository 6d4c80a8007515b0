"""What a sub-second source's dropped fixes say, kept beside the fix each second keeps
(sports37). A store's `t` is whole seconds, so a 10-25 Hz source (player tracking, GPS vests)
keeps the first fix of each second (`sub_second_fix`): its distances are the chords between
1-s fixes (2-3 % short of the 25-Hz path on a pitch) and a burst shorter than a second is
averaged away. Asked for (`data ingest --full-rate`, `ColumnMap(full_rate=True)`; on by itself
for Metrica / TRACAB feeds), the read keeps two columns on each kept fix:

- `path_m`: the path the source's own fixes trace from this fix to the first fix of the next
  second (steps of 1 s or less; a gap's step is left to the chord);
- `peak_mps`: the fastest of those steps.

`llm/trips.steps` then reads a step of 1 s from `path_m` (distances, mean speeds, stops in
`ask`), and `llm/sports_answers` top speeds from `peak_mps`. Stores ingested without it, and
1 Hz sources, are unchanged. Within a reader's chunk: a second split across two chunks loses its
last step to the chord."""

from __future__ import annotations

import polars as pl

from trajlm.data.geometry import haversine_m

PATH_M, PEAK_MPS = "path_m", "peak_mps"
MAX_SUB_STEP_S = 1.0


def with_full_rate(df: pl.DataFrame, t_ms: str) -> pl.DataFrame:
    """``df`` (traj_id, t whole seconds, exact milliseconds ``t_ms``, lat, lon) with PATH_M and
    PEAK_MPS for every row: the path and fastest step from its second's fixes to the next
    second's first fix. The caller keeps each second's first fix; row order is kept."""
    order = "_full_rate_row"
    nxt = [pl.col(c).shift(-1).over("traj_id") for c in ("lat", "lon", t_ms)]
    out = df.with_row_index(order).sort("traj_id", t_ms)
    dt = (nxt[2] - pl.col(t_ms)) / 1000.0
    d = haversine_m(pl.col("lat"), pl.col("lon"), nxt[0], nxt[1])
    out = out.with_columns(_dt=dt, _d=d)
    ok = (pl.col("_dt") > 0) & (pl.col("_dt") <= MAX_SUB_STEP_S)
    out = out.with_columns(
        pl.when(ok).then(pl.col("_d")).otherwise(0.0).sum().over("traj_id", "t").alias(PATH_M),
        pl.when(ok).then(pl.col("_d") / pl.col("_dt")).max().over("traj_id", "t").alias(PEAK_MPS),
    )
    return out.sort(order).drop(order, "_dt", "_d")
