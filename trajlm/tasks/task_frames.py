"""The task models' frame boundary (user test ux6 item 4): ``ModelClassifier`` and the
embedders take any frame ``TrajLM`` takes (pandas, GeoPandas, a LazyFrame, other column names:
trajlm.data.coerce), made the canonical Polars table once, where they are called. A canonical
Polars table (traj_id, t, lat, lon) passes unchanged, so the evaluation pipelines that call
them with store tables see exactly what they saw before.

A frame keyed by a vehicle / user / device is cut at ingest's gap rule as ``TrajLM`` cuts it
(``_arguments.with_gap_rule``; session 22, pieces22): these models answer bare arrays, whose
rows are the pieces by the caller's id and in time order within each (``VAN-01_0``,
``VAN-01_1``, ..., ``VAN-01_10``: not their names' text order, where ``VAN-01_10`` came before
``VAN-01_2``; session 23, tidy23), so the cut's warning says that instead of "results carry a
piece column"."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import numpy as np
import polars as pl

from trajlm._arguments import with_gap_rule
from trajlm.data.coerce_pieces import piece_order
from trajlm.data.pieces_said import joined_cut_lines, retold_at_caller, said_again

CANONICAL = ("traj_id", "t", "lat", "lon")


def for_arrays(lister: str) -> Callable[[str | None], str]:
    """The sentence of the cut's warning (coerce_pieces.retold) for an answer that is a bare
    array: its rows are the pieces in the order of their names."""

    def sentence(col: str | None) -> str:
        if col is None:
            return (f"each piece is one trajectory; answers as arrays come one row per piece in "
                    f"time order ('0', '1', ..., '10'; {lister} lists them).")  # fmt: skip
        return (f"each piece is one trajectory; answers as arrays come one row per piece, by "
                f"{col} (as text) and in time order within each ('<{col}>_0', '<{col}>_1', "
                f"..., '<{col}>_10'; {lister} lists them).")  # fmt: skip

    return sentence


def task_frame(
    data: Any,
    what: str = "input",
    lister: str = "trajlm.to_canonical(df, split_gaps=True)",
    **columns: Any,
) -> Any:
    """``data`` as a canonical Polars table (extra columns such as ``label`` kept); None
    stays None. ``columns``: the caller's names (``traj_col=``, ``time_col=``, ``lat_col=``,
    ``lon_col=``, ``crs=``, ``split_gaps=``), as ``TrajLM`` takes them. Errors are trajlm's
    one-line ``TrajlmInputError`` naming the column. ``lister``: what lists the rows' ids, in
    the cut's warning."""
    return task_frame_order(data, what, lister, **columns)[0]


def task_frame_order(
    data: Any,
    what: str = "input",
    lister: str = "trajlm.to_canonical(df, split_gaps=True)",
    **columns: Any,
) -> tuple[Any, np.ndarray | None]:
    """(``task_frame(data, ...)``, the order of its rows in an answer given as arrays): the
    positions that put the table's ids, sorted as text (the models' row order), in piece order
    (``array[order]``: ``VAN-01_2`` before ``VAN-01_10``; coerce_pieces.piece_order). None when
    the frame was not cut (the ids' text order stands)."""
    if data is None:
        return None, None
    canonical = isinstance(data, pl.DataFrame) and all(c in data.columns for c in CANONICAL)
    if canonical and not columns:
        return data, None
    from trajlm.data.coerce import coerce

    with said_for_arrays(lister):
        df, layout = coerce(data, source=what, **with_gap_rule(columns))
    return df, piece_order(df["traj_id"].unique().sort(), layout)


def in_order(rows: np.ndarray, order: np.ndarray | None) -> np.ndarray:
    """An answer's rows (one per id, ids sorted as text) in ``task_frame_order``'s order."""
    return rows if order is None else rows[order]


def one_cut_line() -> AbstractContextManager[None]:
    """The block's warnings said again at the caller's line, the cut's lines of its frames
    (``fit``'s train and val) as one line (coerce_pieces.joined_cut_lines; session 23,
    tidy23), also when the block raises."""
    return said_again(joined_cut_lines)


def said_for_arrays(lister: str) -> AbstractContextManager[None]:
    """The block's warnings said again at the caller's line, the cut's line in the words of an
    answer given as arrays (``for_arrays``)."""
    return retold_at_caller(for_arrays(lister))
