"""The self-similarity task (PROTOCOL.md task 5, t2vec's): each trajectory split into a query
(odd-indexed points) and a database entry (even-indexed points); query i's true match is
database entry i."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.geometry import trajectory_offsets


@dataclass
class SimilarityTask:
    """Query (odd-indexed points) and database (even-indexed) halves of each trajectory."""

    traj_ids: list[str]
    query: pl.DataFrame  # canonical rows of the queries, traj_id = source id, sorted
    database: pl.DataFrame  # same for the database; row i of each belongs to traj_ids[i]

    def padded(self, proj: LocalProjection) -> tuple[np.ndarray, ...]:
        """(Q (N, Tq, 2), q_len (N,), D (N, Td, 2), d_len (N,)) local metres, zero-padded."""
        return (*to_padded(self.query, proj), *to_padded(self.database, proj))


def make_similarity_task(test_df: pl.DataFrame, min_points: int = 10) -> SimilarityTask:
    """Split each test trajectory with >= ``min_points`` points into odd / even halves."""
    df = test_df.sort(["traj_id", "t"]).filter(pl.len().over("traj_id") >= max(min_points, 4))
    pos = pl.int_range(pl.len()).over("traj_id")
    df = df.with_columns((pos % 2).alias("_odd"))
    q = df.filter(pl.col("_odd") == 1).drop("_odd")
    d = df.filter(pl.col("_odd") == 0).drop("_odd")
    return SimilarityTask(q["traj_id"].unique(maintain_order=True).to_list(), q, d)


def to_padded(df: pl.DataFrame, proj: LocalProjection) -> tuple[np.ndarray, np.ndarray]:
    """Canonical table (sorted) -> (xy (N, T, 2) metres zero-padded at the end, lengths (N,))."""
    start, lengths = trajectory_offsets(df)
    x, y = proj.forward(df["lat"].to_numpy(), df["lon"].to_numpy())
    out = np.zeros((len(start), int(lengths.max(initial=1)), 2))
    row = np.repeat(np.arange(len(start)), lengths)
    col = np.arange(len(df)) - np.repeat(start, lengths)
    out[row, col] = np.stack([x, y], axis=1)
    return out, lengths
