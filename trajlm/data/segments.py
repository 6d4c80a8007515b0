"""Constant-mode segments of a labelled table (PROTOCOL.md task 4) and their split.

Labelling happens on the raw points (the GeoLife reader joins labels.txt intervals to every
fix), then the protocol's cleaning runs on whole trajectories, and only then are segments of
constant class cut. A segment is a maximal run of consecutive points of one trajectory with the
same *mapped* class; unlabelled points break runs and are not a class. Data preparation shared
by the classifier (trajlm.tasks.classify) and the harness (trajlm.eval.classify).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl

from trajlm.data.clean_common import FIRST_ROW
from trajlm.data.schema import DropReport
from trajlm.data.splits import SPLITS, assign_splits, trajectory_index

# PROTOCOL.md task 4: bike, bus, car+taxi, subway+train. Anything else (run, airplane, boat,
# walk) is dropped and counted per raw label.
CLASS_MAP: dict[str, str] = {
    "bike": "bike",
    "bus": "bus",
    "car": "car",
    "taxi": "car",
    "subway": "rail",
    "train": "rail",
}


def make_mode_segments(
    df: pl.DataFrame, class_map: Mapping[str, str] = CLASS_MAP, min_points: int = 10
) -> tuple[pl.DataFrame, DropReport]:
    """Cut a labelled canonical table into constant-class segments.

    Returns ``(segments, report)``: a canonical table whose ``traj_id`` is the segment id
    ``f"{traj_id}#{k}"`` (k = run number within the source trajectory), ``label`` the mapped
    class, ``raw_label`` the original one, ``source_traj`` the source trajectory; and a
    DropReport with ``rows_in == len(df) == len(segments) + report.total``, dropped points per
    reason ("unlabelled", "label_<raw>" for unmapped modes, "short_segment") and
    ``repaired["short_segments"]`` / ``["segments"]`` as segment counts.
    """
    if "label" not in df.columns:
        raise ValueError("make_mode_segments needs a per-point `label` column (GeoLife reader)")
    report = DropReport(rows_in=len(df))
    df = df.sort(["traj_id", "t"], maintain_order=True)
    cls = pl.col("label").replace_strict(dict(class_map), default=None, return_dtype=pl.Utf8)
    df = df.with_columns(cls.alias("_cls"))
    for raw, n in df.filter(pl.col("_cls").is_null())["label"].value_counts().iter_rows():
        report.drop("unlabelled" if raw is None else f"label_{raw}", n)
    # New run at each trajectory start and at each class change (null = its own "class").
    key = pl.col("_cls").fill_null("\x00")
    new_run = FIRST_ROW.fill_null(True) | (key != key.shift(1))
    df = df.with_columns(new_run.cast(pl.Int64).cum_sum().over("traj_id").alias("_k"))
    df = df.filter(pl.col("_cls").is_not_null())
    seg_id = pl.concat_str(pl.col("traj_id"), pl.lit("#"), pl.col("_k").cast(pl.Utf8))
    df = df.with_columns(pl.col("traj_id").alias("source_traj"), seg_id.alias("traj_id"))
    n = pl.len().over("traj_id")
    short = df.filter(n < min_points)
    report.drop("short_segment", len(short))
    report.repair("short_segments", short["traj_id"].n_unique())
    out = df.filter(n >= min_points)
    out = out.rename({"label": "raw_label"}).rename({"_cls": "label"}).drop("_k")
    report.repair("segments", out["traj_id"].n_unique())
    return out.sort(["traj_id", "t"], maintain_order=True), report


def split_segments(segments: pl.DataFrame, by: str = "time") -> dict[str, pl.DataFrame]:
    """Chronological 80/10/10 split of segments by start time.

    ``by="time"`` (PROTOCOL.md): one global time order (``trajlm.data.splits``); on GeoLife the
    last 10 % of segments come from the few users active last, so test classes are skewed.
    ``by="user_time"``: the same cut points within each ``user_id``'s own time order, so every
    user contributes their latest 10 % to test (still no future leaks into train per user).
    """
    if by == "time":
        idx = assign_splits(trajectory_index(segments)).select("traj_id", "split")
    elif by == "user_time":
        if "user_id" not in segments.columns:
            raise ValueError('split by="user_time" needs a user_id column')
        idx = (
            segments.group_by("traj_id")
            .agg(pl.col("t").min().alias("t_start"), pl.col("user_id").first())
            .sort(["user_id", "t_start", "traj_id"])
            .with_columns(
                pl.int_range(pl.len()).over("user_id").alias("_r"), pl.len().over("user_id")
            )
            .with_columns(
                pl.when(pl.col("_r") < (pl.col("len") * 0.8).floor())
                .then(pl.lit("train"))
                .when(pl.col("_r") < (pl.col("len") * 0.9).floor())
                .then(pl.lit("val"))
                .otherwise(pl.lit("test"))
                .alias("split")
            )
            .select("traj_id", "split")
        )
    else:
        raise ValueError(f'by must be "time" or "user_time", got {by!r}')
    # A store's own per-trajectory `split` must not shadow the segment split made here.
    joined = segments.drop("split", strict=False).join(idx, on="traj_id", how="left")
    return {
        s: joined.filter(pl.col("split") == s).drop("split").sort(["traj_id", "t"]) for s in SPLITS
    }


def segment_labels(segments: pl.DataFrame) -> np.ndarray:
    """(N,) class of each segment, rows in sorted segment-id order (as ``segment_features``)."""
    g = segments.group_by("traj_id").agg(pl.col("label").first()).sort("traj_id")
    return g["label"].to_numpy().astype(str)
