"""``trajlm.ask``'s column keywords (``traj_col=``, ``time_col=`` ... as ``TrajLM`` and
``data ingest --traj-col`` take them) read into its ``columns`` (out of questions.py, review37)."""

from __future__ import annotations

from typing import Any

from trajlm.errors import TrajlmInputError

# TrajLM's (and ingest's --traj-col ...) column keywords -> ``columns``' keys (session 32:
# ``trajlm.ask(q, trips, traj_col="trip")`` was "TypeError: ask() got an unexpected keyword")
COLUMN_KEYS = {"traj_col": "traj_id", "time_col": "t", "lat_col": "lat", "lon_col": "lon",
               "label_col": "label", "vehicle_col": "vehicle_id"}  # fmt: skip


def keyword_columns(columns: dict | None, keywords: dict[str, Any]) -> dict | None:
    """``columns`` with the column keywords added (each a column name), one line for a
    keyword that is none of them or a key given both ways."""
    if not keywords:
        return columns
    from trajlm._arguments import check_keywords

    check_keywords("trajlm.ask", keywords, COLUMN_KEYS)
    out = dict(columns or {})
    for k, v in keywords.items():
        if v is None:
            continue
        if not isinstance(v, str):
            raise TrajlmInputError(f"{k} must be a column name, got {v!r}", field=k)
        if COLUMN_KEYS[k] in out and out[COLUMN_KEYS[k]] != v:
            raise TrajlmInputError(f"{k}={v!r} and columns['{COLUMN_KEYS[k]}']="
                                   f"{out[COLUMN_KEYS[k]]!r}: give one", field=k)  # fmt: skip
        out[COLUMN_KEYS[k]] = v
    return out
