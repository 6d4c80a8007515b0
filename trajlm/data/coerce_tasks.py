"""Canonical tables for the tasks that need more than coercion: gap filling's input (rows with
missing positions are the points to fill) and trajectory numbers over a sorted table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.coerce import coerce
from trajlm.data.coerce_names import relabel
from trajlm.data.coerce_rows import say_repeats
from trajlm.data.coerce_subsec import FRAC
from trajlm.data.local_plane import refuse_plane_layout
from trajlm.data.outlier_flags import flag_columns, marked_rows
from trajlm.data.recover_grid import every_seconds, with_grid_rows
from trajlm.data.schema import MIN_T, MIN_T_DATED, check_model_input
from trajlm.errors import TrajlmInputError, warn_at_caller


def recovery_input(data: Any, source: str = "recover input", every: Any = None, **cols: Any):
    """(canonical table, Layout, known (P,) bool) for gap filling; every trajectory must start
    and end with a known point (``recovery_input_edges`` leaves the rows outside them)."""
    df, layout, known, _ = recovery_input_edges(data, source, every, edges="refuse", **cols)
    return df, layout, known


def recovery_input_edges(data: Any, source: str = "recover input", every: Any = None,
                         edges: str = "leave", **cols: Any):  # fmt: skip
    """(canonical table, Layout, known (P,) bool, edge (P,) bool) for gap filling: rows whose
    lat or lon is missing are the points to fill, and so are rows marked as outliers
    (Movebank's `visible` false, `*-marked-outlier` true: outlier_flags.py, one warning). ``every`` (seconds,
    a timedelta or text such as "1h") adds empty rows at that interval inside the gaps
    (recover_grid.py). Validated like model input (missing positions aside); every trajectory
    must start and end with a known point, or (``edges="leave"``, the default) the rows
    before its first known fix or after its last are the ``edge`` rows, said in one warning
    and left empty by the caller (never extrapolated; fix31). Receivers' exact repeats (same
    time, same position) are dropped and counted in one warning, as ``predict`` drops them
    (newuser28: a fleet export that ``predict`` read was refused here for them)."""
    df, layout = coerce(data, validate=False, repeats="drop", **cols)
    refuse_plane_layout(df, layout)  # metres read as degrees: refused, not filled (local37)
    say_repeats(layout)
    df = _poor_fixes_as_gaps(_outliers_as_gaps(df, source), source)
    if every is not None:
        df, added = with_grid_rows(df, every_seconds(every))
        if added and layout.frac is not None:  # the added rows sit on whole seconds
            zero = df.select("traj_id", "t").join(layout.frac, on=["traj_id", "t"], how="anti")
            extra = zero.with_columns(pl.lit(0, dtype=layout.frac.schema[c]).alias(c)
                                      for c in layout.frac.columns if c not in ("traj_id", "t"))  # fmt: skip
            layout.frac = pl.concat([layout.frac, extra.select(layout.frac.columns)])
    known = (df["lat"].is_not_null() & df["lon"].is_not_null()).to_numpy()
    dated = MIN_T if layout.time_kind == "epoch" and layout.kind != "movingpandas" else MIN_T_DATED
    with relabel(layout):  # errors name the caller's columns and ids (errnames18)
        # the gaps stand in at a known position of their own trip (a (0, 0) stand-in would be
        # refused as a missing-fix marker; a trip with no known fix is all edge rows, below)
        gaps = pl.col("lat", "lon").forward_fill().backward_fill().over("traj_id").fill_null(1.0)
        check_model_input(df.with_columns(gaps), source, dated)
        edge, outside = _edge_rows(df, layout, known)
        if edges == "leave":
            _say_edges(outside, source)
        else:
            _check_ends(outside)
    return df, layout, known, edge


def _poor_fixes_as_gaps(df: pl.DataFrame, source: str) -> pl.DataFrame:
    """``df`` with the positions of fixes whose own estimate marks them as poor emptied (filled
    as gaps), by the rule ingest, trajlm.clean and ``predict`` drop them by (an accuracy over
    200 m: a cell-tower fix; clean_accuracy.DropInaccurate), said in one warning; the caller's
    rows stay (fix32: they were anchors of the fill)."""
    from trajlm.data.clean_accuracy import DEFAULT_MAX_ACCURACY_M, DropInaccurate

    row = "__poor_fix_row"
    numbered = df.with_row_index(row)
    kept, report = DropInaccurate(DEFAULT_MAX_ACCURACY_M).apply(numbered)
    if len(kept) == len(df):
        return df
    known = pl.col("lat").is_not_null() & pl.col("lon").is_not_null()
    poor = ~numbered[row].is_in(kept[row]) & numbered.select(known).to_series()
    if not (n := int(poor.sum())):
        return df
    reasons = ", ".join(sorted(report.dropped))
    warn_at_caller(
        f"{source}: {n} fix(es) marked as poor by their own estimate ({reasons}; low_accuracy: "
        f"an accuracy over {DEFAULT_MAX_ACCURACY_M:.0f} m, a cell-tower fix) are read as gaps: "
        "their positions are recovered (recovered=True), as `trajlm data ingest` and "
        "trajlm.clean drop them"
    )
    return df.with_columns(
        pl.when(poor).then(None).otherwise(pl.col(c)).alias(c) for c in ("lat", "lon")
    )


EDGE_ORDER = "__edge_order"  # the rows' order while the edge rows wait beside the filled ones


def fill_inside_edges(
    df: pl.DataFrame,
    known: np.ndarray,
    edge: np.ndarray,
    fill: Callable[[pl.DataFrame, np.ndarray], pl.DataFrame],
) -> pl.DataFrame:
    """``fill(rows, known)`` (a canonical answer with a ``recovered`` column) on the rows inside
    each trajectory's known ends, and the ``edge`` rows of ``recovery_input_edges`` put back in
    order, empty and ``recovered`` False (fix31; every recovering model: leftover32)."""
    if not edge.any():
        return fill(df, known)
    df = df.with_row_index(EDGE_ORDER)
    inner = fill(df.filter(pl.Series(~edge)), known[~edge])
    left = df.filter(pl.Series(edge)).with_columns(recovered=pl.lit(False))
    out = pl.concat([inner, left], how="diagonal_relaxed").sort(EDGE_ORDER)
    return out.drop(EDGE_ORDER)


def _outliers_as_gaps(df: pl.DataFrame, source: str) -> pl.DataFrame:
    """``df`` with the positions of rows marked as outliers emptied (filled as gaps), said in
    one warning; unchanged without flag columns or marked rows."""
    marked = marked_rows(df)
    if marked is None or not (n := int(marked.sum())):
        return df
    warn_at_caller(
        f"{source}: {n} row(s) marked as outliers ({', '.join(flag_columns(df.columns).values())})"
        " are read as gaps: their positions are recovered (recovered=True); drop them first "
        "to keep them out of the result (trajlm.clean drops and counts them)"
    )
    return df.with_columns(
        pl.when(marked).then(None).otherwise(pl.col(c)).alias(c) for c in ("lat", "lon")
    )


def _edge_rows(df: pl.DataFrame, layout: Any, known: np.ndarray) -> tuple[np.ndarray, pl.Series]:
    """((P,) bool: the rows to fill with no known fix before them or none after them in their
    trajectory, the trajectory id of every such row, the fixes dropped within a second too;
    those count as known, at their exact time)."""
    rows = df.select("traj_id", "t", k=pl.Series(known)).with_row_index("__i")
    if layout.frac is not None and FRAC in layout.frac.columns:  # each fix at its exact time
        rows = rows.join(layout.frac.select("traj_id", "t", FRAC), on=["traj_id", "t"],
                         how="left", maintain_order="left")  # fmt: skip
    rows = rows.with_columns(pl.col("t").cast(pl.Float64) + _frac(rows))
    rows = rows.select("__i", "traj_id", "t", "k")
    sub = layout.sub_second_rows
    if sub is not None and len(sub) and FRAC in sub.columns:  # fixes dropped within a second
        dropped = sub.select(pl.lit(None, dtype=pl.UInt32).alias("__i"), "traj_id",
                             pl.col("t").cast(pl.Float64) + _frac(sub),
                             k=pl.col("lat").is_not_null() & pl.col("lon").is_not_null())  # fmt: skip
        rows = pl.concat([rows, dropped], how="vertical_relaxed")
    k = pl.col("k").cast(pl.Int8)
    marked = (
        rows.sort("traj_id", "t", "__i", maintain_order=True, nulls_last=False)
        .with_columns(
            before=k.cum_max().over("traj_id"), after=k.cum_max(reverse=True).over("traj_id")
        )  # fmt: skip
        .filter((pl.col("before") == 0) | (pl.col("after") == 0))
    )
    edge = np.zeros(len(known), bool)
    edge[marked["__i"].drop_nulls().to_numpy()] = True
    return edge, marked.sort("__i", nulls_last=True, maintain_order=True)["traj_id"]


def _check_ends(outside: pl.Series) -> None:
    """Every trajectory starts and ends with a known point (a TrajlmInputError naming the
    first that does not; ``outside``: the trajectory id of each row outside its known ends)."""
    bad = outside.unique(maintain_order=True).to_list()
    if bad:
        more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""  # not "(and 0 more)"
        error = TrajlmInputError(
            f"trajectory {bad[0]!r}{more} starts or ends with a missing position; recovery "
            "fills gaps between known points",
            field="lat",
            hint="drop those rows, or use predict for points after the last known one",
        )
        error.traj_id = bad[0]
        raise error


def _say_edges(outside: pl.Series, source: str) -> None:
    """One warning naming how many rows lie before a trajectory's first known fix or after its
    last (left empty: never extrapolated) and which trajectories (the first three)."""
    if not len(outside):
        return
    trips = outside.unique(maintain_order=True).to_list()
    names = ", ".join(repr(t) for t in trips[:3]) + (f" (and {len(trips) - 3} more)"
                                                     if len(trips) > 3 else "")  # fmt: skip
    n = len(outside)
    warn_at_caller(
        f"{source}: {n:,} row{'s' if n != 1 else ''} before the first or after the last known "
        f"position of {len(trips):,} trajector{'ies' if len(trips) != 1 else 'y'} ({names}) "
        "left empty (recovered=False): recovery fills gaps between known points; predict "
        "answers after the last one"
    )


def _frac(rows: pl.DataFrame) -> pl.Expr:
    """The part below the second of ``rows``' fixes (0 where there is none)."""
    if FRAC not in rows.columns:
        return pl.lit(0.0)
    return pl.col(FRAC).cast(pl.Float64).fill_null(0.0)


def trajectory_numbers(df: pl.DataFrame) -> np.ndarray:
    """(P,) 0, 0, 1, 1, 1, ...: the trajectory number of each row of a sorted table."""
    ids = df["traj_id"]
    return ((ids != ids.shift(1)).fill_null(True).cum_sum() - 1).to_numpy()
