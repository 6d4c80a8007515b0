"""The self-similarity task (PROTOCOL.md task 5, t2vec's): each trajectory split into a query
(odd-indexed points) and a database entry (even-indexed points); query i's true match is
database entry i."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.geometry import EARTH_RADIUS_M, trajectory_offsets


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


def make_hard_similarity_task(
    test_df: pl.DataFrame,
    seed: int = 0,
    noise_m: tuple[float, float] | None = (20.0, 50.0),
    keep_every: int = 2,
    window: tuple[float, float] | None = (0.5, 0.8),
    min_points: int = 10,
    shift_s: tuple[float, float] | None = None,
) -> SimilarityTask:
    """A harder self-similarity task: the database is each trip's even-indexed half, as in
    ``make_similarity_task``; the query is its odd-indexed half made unlike it three (with
    ``shift_s`` four) ways, so a method cannot match on shared exact steps, time steps or length:

    - partial: a contiguous sub-window of the odd half, a fraction U(``window``) of it (at
      least 4 points) at a uniformly drawn start;
    - re-sampled: every ``keep_every``-th point of that window (another sampling rate);
    - noisy: i.i.d. Gaussian GPS noise on every query point, its std U(``noise_m``) metres per
      trip (local east / north metres converted to degrees);
    - clock-shifted (``shift_s``, off by default): every query's timestamps moved by one
      U(``shift_s``) seconds per trip, so a model cannot match on the time of day either.

    ``None`` / 1 switches a part off (the other parts' draws stay the same). Deterministic in
    ``seed`` (one generator, trips in sorted order); the database is ``make_similarity_task``'s."""
    base = make_similarity_task(test_df, min_points)
    rng = np.random.default_rng(seed)
    q = perturb_trips(base.query, rng, noise_m, keep_every, window)
    if shift_s is not None:  # its own generator: the other parts stay as without it
        start, lengths = trajectory_offsets(q)
        off = np.random.default_rng([seed, 1]).uniform(*shift_s, size=len(start))
        t = q["t"].to_numpy() + np.round(np.repeat(off, lengths)).astype(np.int64)
        q = q.with_columns(pl.Series("t", t, dtype=q.schema["t"]))
    return SimilarityTask(base.traj_ids, q, base.database)


def perturb_trips(
    df: pl.DataFrame,
    rng: np.random.Generator,
    noise_m: tuple[float, float] | None = (20.0, 50.0),
    keep_every: int = 2,
    window: tuple[float, float] | None = (0.5, 0.8),
) -> pl.DataFrame:
    """Every trip of a table sorted by (traj_id, t) cut to a random sub-window, re-sampled
    every ``keep_every``-th point and given Gaussian noise (``make_hard_similarity_task``;
    also the contrastive views' augmentation). Draws from ``rng`` in trip order."""
    if keep_every < 1:
        raise ValueError(f"keep_every must be >= 1, got {keep_every}")
    if len(df) == 0:
        return df
    start, lengths = trajectory_offsets(df)
    rows, sigma = [], []
    for s, m in zip(start, lengths, strict=True):
        w = m if window is None else int(min(m, max(4, round(rng.uniform(*window) * m))))
        a = int(rng.integers(0, m - w + 1))
        rows.append(s + a + np.arange(0, w, keep_every))
        sigma.append(rng.uniform(*(noise_m or (0.0, 0.0))))  # drawn always: same windows
    q = df[np.concatenate(rows)]
    if noise_m is not None:
        sd = np.repeat(sigma, [len(r) for r in rows])
        dy, dx = rng.normal(size=len(q)) * sd, rng.normal(size=len(q)) * sd  # north, east (m)
        lat = q["lat"].to_numpy()
        dlat = np.degrees(dy / EARTH_RADIUS_M)
        dlon = np.degrees(dx / (EARTH_RADIUS_M * np.cos(np.radians(lat))))
        q = q.with_columns(
            pl.Series("lat", lat + dlat), pl.Series("lon", q["lon"].to_numpy() + dlon)
        )
    return q
