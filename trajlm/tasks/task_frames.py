"""The task models' frame boundary (user test ux6 item 4): ``ModelClassifier`` and the
embedders take any frame ``TrajLM`` takes (pandas, GeoPandas, a LazyFrame, other column names:
trajlm.data.coerce), made the canonical Polars table once, where they are called. A canonical
Polars table (traj_id, t, lat, lon) passes unchanged, so the evaluation pipelines that call
them with store tables see exactly what they saw before."""

from __future__ import annotations

from typing import Any

import polars as pl

CANONICAL = ("traj_id", "t", "lat", "lon")


def task_frame(data: Any, what: str = "input", **columns: Any) -> Any:
    """``data`` as a canonical Polars table (extra columns such as ``label`` kept); None
    stays None. ``columns``: the caller's names (``traj_col=``, ``time_col=``, ``lat_col=``,
    ``lon_col=``, ``crs=``), as ``TrajLM`` takes them. Errors are trajlm's one-line
    ``TrajlmInputError`` naming the column."""
    if data is None:
        return None
    canonical = isinstance(data, pl.DataFrame) and all(c in data.columns for c in CANONICAL)
    if canonical and not columns:
        return data
    from trajlm.data.coerce import coerce

    return coerce(data, source=what, **columns)[0]
