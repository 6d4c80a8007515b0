"""One label per trajectory: keep each labelled trajectory whole at ingest (classify22).

A file such as MAT's vehicles / animals (one ``tid`` per labelled sample, one class each) is a
set of labelled trajectories, not a stream to cut at time gaps: the default 30-min gap split
cut the 70 MAT animals into 836 pieces and dropped the short ones (237 train points).

Rule (``trajlm data ingest`` / ``trajlm.data.ingest.ingest``, ``--preset auto``): a CSV or
Parquet input whose ``label`` column holds exactly one class in every trajectory that has one
(and at least one trajectory has one) is not split at time gaps, unless a gap comes from the
user (``--max-gap-s``) or from the layout (hurricanes: 1 day). Said in one line. A label that
changes inside a trajectory (GeoLife's per-point modes) keeps the gap split.

A label that is a kind of mover keeps the gap split too (badin23, ``per_mover_label``): the
label column is a ship type, a species or a vehicle type (``kind_columns.KIND_NAMES``, found or given with
``--label-col``), or the trajectory column is the mover's (``--vehicle-col`` / an ``mmsi``
column kept as the owner). One class per vessel is the vessel's type, not its voyages' class:
a fleet of 105 voyages was kept as 10 "voyages". Said in one line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from trajlm.data.readers import ColumnMap

MISSING = ("", "nan", "null", "none")  # label text read as no label


def per_mover_label(label: str | None, owner: str | None, columns: ColumnMap | None) -> str | None:
    """What the label is one class per when it names a kind of mover, else None: its column
    is a ship type / species, or the trajectory ids are the movers' (the owner column)."""
    from trajlm.data.column_names import normalised
    from trajlm.data.kind_columns import KIND_NAMES, VEHICLE_KIND_NAMES

    if label is not None and normalised(label) in VEHICLE_KIND_NAMES:
        return f"{label!r} is a vehicle type column"
    if label is not None and normalised(label) in KIND_NAMES:
        return f"{label!r} is a ship type / species column"
    traj = columns.traj_id if columns is not None else None
    if owner is not None and traj in (None, owner):
        return f"{owner!r} names the movers, not their trips"
    return None


def mover_line(why: str, gap_s: float) -> str:
    """The one line ingest says when a label per track is a kind of mover (``per_mover_label``)."""
    return (f"one label per track, but {why}: the label is a kind of mover, not a class of trip, "
            f"so tracks are still cut at gaps over {gap_s:g} s (trip ids with one class each, "
            "MAT's tid, are kept whole)")  # fmt: skip


def one_label_per_trajectory(
    paths: Sequence[str | Path], format: str, columns: ColumnMap | None
) -> int | None:
    """How many trajectories carry a label when every one of them carries exactly one class;
    None when some trajectory carries two or more, none carries any, or the input is not plain
    CSV / Parquet files (folders, archives: not scanned, the gap split applies)."""
    if columns is None or "label" not in columns.extra or format not in ("csv", "parquet"):
        return None
    label, traj = columns.extra["label"], columns.traj_id
    frames = []
    for i, p in enumerate(map(Path, paths)):
        if not p.is_file() or p.suffix.lower() not in (".csv", ".txt", ".parquet", ".tsv"):
            return None
        cols = [c for c in (traj, label) if c is not None]
        try:
            lf = (
                pl.scan_parquet(p)
                if format == "parquet"
                else pl.scan_csv(p, separator=columns.sep or ",", infer_schema=False)
            )
            f = lf.select(cols).collect()
        except Exception:  # an unusual layout: the reader says what is wrong, not this scan
            return None
        f = f.with_columns(pl.lit(i).alias("_file"))
        if traj is None:  # each file is one trajectory
            f = f.with_columns(pl.lit("").alias("_traj"))
        else:
            f = f.with_columns(pl.col(traj).cast(pl.Utf8).alias("_traj"))
        frames.append(f.select("_file", "_traj", pl.col(label).cast(pl.Utf8).alias("_label")))
    if not frames:
        return None
    text = pl.col("_label").str.strip_chars().str.to_lowercase()
    # a float label column's NaN reads "NaN" (Parquet cast, pandas' to_csv): no label, not a
    # class (badin22: a file of NaN labels was kept whole as "every trajectory one class")
    lab = pl.concat(frames).filter(pl.col("_label").is_not_null() & ~text.is_in(MISSING))
    if not len(lab):
        return None
    per = lab.group_by("_file", "_traj").agg(pl.col("_label").n_unique().alias("n"))
    return int(len(per)) if int(per["n"].max()) == 1 else None
