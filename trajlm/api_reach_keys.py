"""Targets asked of one mover each (session 33, dispatch33): a dispatcher's `to` frame of
each van's next stops carries the van's id (``van_id``, the data's own id column). Before,
`TrajLM.reach` answered every van for every stop (30 vans x 90 stops: 2,700 rows, 2,610 of them
about another van's stops) or, where the column's name was the data's id column, failed with
Polars' "column 'van_id' is duplicate". Now a `to` column named as the data's trajectory id
column or its mover column (``vehicle_id`` beside a ``trip_id``) says whose target each row
is: only that trajectory (or that mover's) is asked about it; a row whose id is empty is asked
of every trajectory, as every target was."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from trajlm.data.coerce_pieces import mover_column
from trajlm.data.schema import SOURCE_ID
from trajlm.errors import warn_at_caller


def _text(v: Any) -> str | None:
    """An id as text (12, 12.0 and "12" alike), None for an empty one."""
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v)
    return None if s in ("", "nan", "None", "<NA>") else s


def target_frame(to: Any) -> Any:
    """A pandas ``to`` with its named index as columns (``stops.set_index("van_id")``)."""
    names = [n for n in getattr(getattr(to, "index", None), "names", [None]) if n is not None]
    return to.reset_index() if names and not isinstance(to, pl.DataFrame) else to


def target_keys(to: Any, id_col: str, hist: pl.DataFrame) -> tuple[str, list[str | None]] | None:
    """(the `to` column naming each target's trajectory / mover, each target's id as text or
    None), or None when ``to`` is no frame or has no column named as the data's id column
    ``id_col`` or its mover column."""
    if not hasattr(to, "columns"):
        return None
    cols = [str(c) for c in target_frame(to).columns]
    # "traj_id": the key's name in POST /reach and trajlm's own; a `to` keyed so over data
    # whose id column is `van_id` asked every van about every stop, unsaid (badin33b)
    names = [id_col, *([m] if (m := mover_column(hist.columns)) else []), "traj_id"]
    key = next((n for n in names if n in cols), None)
    if key is None:
        return None
    return key, [_text(v) for v in list(target_frame(to)[key])]


def ids_of(hist: pl.DataFrame) -> dict[Any, set[str]]:
    """Each canonical trajectory's ids as the caller gave them: its own (the caller's id
    before a cut into pieces) and its mover's."""
    mover = mover_column(hist.columns)
    cols = [
        "traj_id",
        *([SOURCE_ID] if SOURCE_ID in hist.columns else []),
        *([mover] if mover else []),
    ]
    out: dict[Any, set[str]] = {}
    for row in hist.select(cols).unique(maintain_order=True).iter_rows():
        out.setdefault(row[0], set()).update(t for v in row if (t := _text(v)) is not None)
    return out


def keep_own_targets(table: pl.DataFrame, keys: tuple[str, list[str | None]],
                     ids: dict[Any, set[str]]) -> pl.DataFrame:  # fmt: skip
    """``table`` (one row per (traj_id, target)) without the rows of a target that names
    another trajectory; targets naming none of the data's trajectories are said in one
    warning (they get no row)."""
    key, values = keys
    known = set().union(*ids.values()) if ids else set()
    lost = [i for i, v in enumerate(values) if v is not None and v not in known]
    if lost:
        warn_at_caller(
            f"to: {len(lost)} target(s) name a {key} that is not in the data (e.g. target "
            f"{lost[0]}, {key} {values[lost[0]]!r}): they get no row"
        )
    tids, targets = table["traj_id"].to_list(), table["target"].to_list()
    keep = [
        values[j] is None or values[j] in ids.get(t, ()) for t, j in zip(tids, targets, strict=True)
    ]
    return table.filter(pl.Series(keep, dtype=pl.Boolean))


def asked_targets(keys: tuple[str, list[str | None]],
                  ids: dict[Any, set[str]]) -> dict[Any, np.ndarray]:  # fmt: skip
    """Per trajectory, the indices of the targets asked of it: those naming it and those
    naming no one. Given to the route search so a 30-van x 90-stop list searches each van's
    own stops, not all 2,700 pairs (fix33b; keep_own_targets drops the same pairs after)."""
    values = keys[1]
    return {
        tid: np.flatnonzero([v is None or v in own for v in values]) for tid, own in ids.items()
    }
