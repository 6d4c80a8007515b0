"""Canonical tables for the tasks that need more than coercion: gap filling's input (rows with
missing positions are the points to fill) and trajectory numbers over a sorted table."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from trajlm.data.coerce import coerce
from trajlm.data.coerce_names import relabel
from trajlm.data.coerce_subsec import FRAC
from trajlm.data.schema import MIN_T, MIN_T_DATED, check_model_input
from trajlm.errors import TrajlmInputError


def recovery_input(data: Any, source: str = "recover input", **cols: Any):
    """(canonical table, Layout, known (P,) bool) for gap filling: rows whose lat or lon is
    missing are the points to fill. Validated like model input (missing positions aside);
    every trajectory must start and end with a known point."""
    df, layout = coerce(data, validate=False, **cols)
    known = (df["lat"].is_not_null() & df["lon"].is_not_null()).to_numpy()
    dated = MIN_T if layout.time_kind == "epoch" and layout.kind != "movingpandas" else MIN_T_DATED
    with relabel(layout):  # errors name the caller's columns and ids (errnames18)
        check_model_input(df.with_columns(pl.col("lat", "lon").fill_null(0.0)), source, dated)
        _check_ends(df, layout, known)
    return df, layout, known


def _check_ends(df: pl.DataFrame, layout: Any, known: np.ndarray) -> None:
    """Every trajectory starts and ends with a known point (a TrajlmInputError naming the
    first that does not)."""
    ends = df.with_columns(k=pl.Series(known)).group_by("traj_id", maintain_order=True).agg(
        pl.col("k").first() & pl.col("k").last())  # fmt: skip
    bad = ends.filter(~pl.col("k"))["traj_id"].to_list()
    bad += [i for i in _missing_last_sub_second(df, layout.sub_second_rows) if i not in bad]
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


def _missing_last_sub_second(df: pl.DataFrame, rows: pl.DataFrame | None) -> list[str]:
    """Trajectories whose last fix is one coerce dropped for sharing a second with an earlier
    one (``rows``, Layout.sub_second_rows) and whose position is missing: they end with a gap
    too (session 18)."""
    if rows is None or not len(rows):
        return []
    last = df.group_by("traj_id").agg(pl.col("t").max().alias("__last"))
    tail = (
        rows.join(last, on="traj_id")
        .filter(pl.col("t") == pl.col("__last"))
        .sort("traj_id", FRAC)
        .group_by("traj_id", maintain_order=True)
        .agg(pl.col("lat", "lon").last())
    )
    return tail.filter(pl.col("lat").is_null() | pl.col("lon").is_null())["traj_id"].to_list()


def trajectory_numbers(df: pl.DataFrame) -> np.ndarray:
    """(P,) 0, 0, 1, 1, 1, ...: the trajectory number of each row of a sorted table."""
    ids = df["traj_id"]
    return ((ids != ids.shift(1)).fill_null(True).cum_sum() - 1).to_numpy()
