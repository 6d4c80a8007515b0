"""Splits for classifying whole trajectories of a labelled store (session 21, classify21).

A benchmark such as MAT's vehicles / animals labels each *source* trajectory and ships its own
train and test files. Ingest may cut a source trajectory into pieces (the gap split keeps
`source_traj_id`), and with one `--time-origin` every trajectory starts at the same instant, so
PROTOCOL's split by start time is arbitrary there and puts pieces of one trajectory into train
and test. The helpers here keep each source trajectory whole and in one split:

- ``join_pieces``: one trajectory per source trajectory (the store's gap-split pieces joined
  back; the unit the labels were given for), with how many pieces were joined;
- ``split_by_source``: a seeded 80/10/10 (or any fractions) split of source trajectories,
  stratified by class, so every class is in every split when it has trajectories enough;
- ``time_split_leaks`` / ``one_start_instant``: what a split by time would do to such a store.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

SOURCE_COL = "source_traj_id"  # written by ingest's gap split: the trajectory a piece came from
SPLIT_SEED = 0  # the split is a property of the data set, not of a training seed


def source_ids(df: pl.DataFrame) -> pl.Expr:
    """The source trajectory of each row (as text): ``source_traj_id`` (the store's, from
    ingest's gap split) when present, else a segment's ``source_traj`` (make_mode_segments),
    else the trajectory itself."""
    own = pl.col("source_traj" if "source_traj" in df.columns else "traj_id").cast(pl.Utf8)
    if SOURCE_COL in df.columns:
        return pl.coalesce(pl.col(SOURCE_COL).cast(pl.Utf8), own)
    return own


def join_pieces(df: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """One trajectory per source trajectory: ``traj_id`` becomes the source id and the rows
    are sorted by time within it. Returns the table and how many pieces were joined away
    (trajectories in minus trajectories out; 0 when the store has no ``source_traj_id``)."""
    n_in = df["traj_id"].n_unique()
    out = df.with_columns(source_ids(df).alias("traj_id")).drop(SOURCE_COL, strict=False)
    out = out.unique(subset=["traj_id", "t"], keep="first", maintain_order=True)
    out = out.sort(["traj_id", "t"], maintain_order=True)
    return out, n_in - out["traj_id"].n_unique()


def split_by_source(
    segments: pl.DataFrame,
    fractions: Sequence[float] = (0.8, 0.1, 0.1),
    seed: int = SPLIT_SEED,
    names: Sequence[str] = ("train", "val", "test"),
) -> dict[str, pl.DataFrame]:
    """Split segments so that every source trajectory (``source_ids``) lies in exactly one part, stratified by its first segment's
    class: within each class the sources are shuffled (``seed``) and cut by ``fractions``
    (rounded; a class with at least as many sources as parts gets one in each). Returns
    ``{name: segments}`` for every name, sorted by (traj_id, t)."""
    if len(fractions) != len(names) or any(f < 0 for f in fractions) or sum(fractions) <= 0:
        raise ValueError(f"fractions {list(fractions)} must be {len(names)} shares >= 0")
    src = source_ids(segments)
    firsts = (
        segments.with_columns(src.alias("_src"))
        .group_by("_src")
        .agg(pl.col("label").sort_by("t").first())
        .sort("_src")
    )
    rng = np.random.default_rng(seed)
    share = np.asarray(fractions, np.float64) / float(np.sum(fractions))
    part_of: dict[str, str] = {}
    for cls in sorted(firsts["label"].unique().to_list()):
        ids = firsts.filter(pl.col("label") == cls)["_src"].to_list()
        rng.shuffle(ids)
        counts = _counts(len(ids), share)
        a = 0
        for name, n in zip(names, counts, strict=True):
            part_of.update(dict.fromkeys(ids[a : a + n], name))
            a += n
    lookup = pl.DataFrame({"_src": list(part_of), "_part": list(part_of.values())})
    joined = segments.with_columns(src.alias("_src")).join(lookup, on="_src", how="left")
    return {
        n: joined.filter(pl.col("_part") == n).drop("_src", "_part").sort(["traj_id", "t"])
        for n in names
    }


def _counts(n: int, share: np.ndarray) -> list[int]:
    """n items over parts in proportion ``share`` (largest remainders); with n >= the number
    of non-empty parts, none of them is left empty (a class must reach val and test)."""
    raw = share * n
    counts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - counts), kind="stable")[: n - counts.sum()]:
        counts[i] += 1
    live = np.flatnonzero(share > 0)
    if n >= len(live):
        for i in live:
            if counts[i] == 0:
                counts[int(np.argmax(counts))] -= 1
                counts[i] += 1
    return counts.tolist()


def time_split_leaks(parts: dict[str, pl.DataFrame]) -> tuple[int, int]:
    """(source trajectories with segments in more than one part, source trajectories)."""
    frames = []
    for name, seg in parts.items():
        if len(seg):
            frames.append(seg.select(source_ids(seg).alias("_s"), pl.lit(name).alias("_p")))
    if not frames:
        return 0, 0
    per = pl.concat(frames).unique().group_by("_s").agg(pl.col("_p").n_unique().alias("n"))
    return int((per["n"] > 1).sum()), per.height


def one_start_instant(df: pl.DataFrame, share: float = 0.5) -> int | None:
    """The start time (the ``t`` of each source trajectory's first point) that at least
    ``share`` of 10 or more source trajectories have in common (a store read with one
    ``--time-origin``), else None."""
    starts = df.group_by(source_ids(df).alias("_s")).agg(pl.col("t").min())
    if starts.height < 10:
        return None
    # a tie in count: the earliest instant, on every call (value_counts' order of equal
    # counts changed from call to call; evalapi35)
    counts = starts["t"].value_counts(name="n")
    top = counts.sort(["n", "t"], descending=[True, False]).row(0)
    return top[0] if top[1] >= share * starts.height else None
