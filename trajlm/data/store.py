"""Partitioned Parquet store of a canonical table (layout in docs/contracts.md).

    DIR/manifest.json     sources, counts, drop report, time span, bbox, split sizes, versions
    DIR/stats.json        NormStats fit on the train split
    DIR/index.parquet     traj_id, t_start, t_end, n_points, split (one row per trajectory)
    DIR/points/split=<train|val|test>/part-00000.parquet

Point files hold canonical rows sorted by (traj_id, t), zstd-compressed, in row groups of at
most 65,536 rows; a trajectory never spans two files (so a file is cut at the first trajectory
boundary after `rows_per_file` rows, and may exceed it by one trajectory). Every split has at
least one (possibly empty) part file so its schema is always readable. The store is written into
a temporary directory next to DIR and renamed into place, so readers never see half a store;
DIR/.trajlm marks it as trajlm's (only those files are ever replaced, see docs/reliability.md).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from trajlm._safety import (
    MARKER,
    check_output_dir,
    staged_dir,
    write_marker,
)
from trajlm._version import __version__
from trajlm.data.features import NormStats
from trajlm.data.longitude import table_lons
from trajlm.data.schema import SCHEMA_VERSION, DropReport, TrajlmInputError, conform, validate
from trajlm.data.splits import SPLITS, holdout_index, split_hours

# reading a store: trajlm/data/store_read.py (split out, review36); importable here as before
from trajlm.data.store_read import (  # noqa: F401
    inspect_store,
    is_store,
    iter_store_batches,
    load_index,
    load_manifest,
    load_stats,
    open_store,
    part_files,
    read_part,
    read_store,
    store_fingerprint,
    store_hint,
    store_zone,
    verify_store,
)

ROW_GROUP_ROWS = 65_536


def seconds_to_iso(t: int) -> str:
    return datetime.fromtimestamp(t, tz=UTC).isoformat().replace("+00:00", "Z")


def checked_table(df: pl.DataFrame) -> pl.DataFrame:
    if len(df) == 0:
        raise TrajlmInputError(
            "cannot write a store from an empty table", hint="check the cleaning report"
        )
    df = conform(df)
    # Times before 1990 are allowed here (synthetic data); everything else must be clean.
    problems = [p for p in validate(df) if p.issue != "before 1990"]
    if problems:
        p = problems[0]
        raise TrajlmInputError(
            f"{p.issue} in {p.n_rows} rows (first at row {p.first_row})",
            field=p.column,
            hint="run trajlm.data.clean.clean() before writing a store",
        )
    return df


def write_split_files(df: pl.DataFrame, folder: Path, rows_per_file: int) -> list[str]:
    """Write one split's rows (sorted by traj_id, t) into part files cut at trajectory starts."""
    folder.mkdir(parents=True)
    if len(df) == 0:
        pq.write_table(df.to_arrow(), folder / "part-00000.parquet", compression="zstd")
        return ["part-00000.parquet"]
    first = (df["traj_id"] != df["traj_id"].shift(1)).fill_null(True).to_numpy()
    starts = np.flatnonzero(first)  # (R,) row of each trajectory's first point
    file_of_traj = starts // rows_per_file  # a trajectory goes where its first point falls
    cut = np.flatnonzero(np.diff(file_of_traj, prepend=-1))  # first trajectory of each file
    bounds = np.append(starts[cut], len(df))
    names = []
    for k in range(len(cut)):
        name = f"part-{k:05d}.parquet"
        part = df.slice(int(bounds[k]), int(bounds[k + 1] - bounds[k]))
        pq.write_table(
            part.to_arrow(), folder / name, compression="zstd", row_group_size=ROW_GROUP_ROWS
        )
        names.append(name)
    return names


# What a store directory holds (anything else in it is the user's and is never touched).
STORE_FILES = ("points", "index.parquet", "stats.json", MARKER, "manifest.json")


def legacy_store(path: Path) -> str | None:
    return "store" if is_store(path) else None


def write_store(
    df: pl.DataFrame,
    out: str | os.PathLike,
    report: DropReport | None = None,
    sources: Sequence[str] = (),
    fractions: tuple[float, float, float] = (0.8, 0.1, 0.1),
    rows_per_file: int = 1_000_000,
    overwrite: bool = False,
    split_by: str = "time",
    reading: dict | None = None,
) -> dict:
    """Write a canonical table as a store at `out` and return its manifest (``reading``: the
    manifest's record of how the rows were read, e.g. ``{"crs": "local"}`` for x / y metres
    on a plane, as `trajlm data ingest` records it). Splits are
    chronological by trip start (`splits.assign_splits`), or by another
    `splits.holdout_index` rule (hour of day, user) when `split_by` says so.

    An existing store is replaced only with `overwrite` (default False since session 14, as
    `save_pretrained` and the CLI: a re-run notebook cell no longer replaces a store silently;
    and then only the store's own files: a user's notes inside stay); a non-empty directory that is not a store is refused. The
    store is locked (OUT/../.NAME.lock) while it is written, and temporaries of interrupted
    writes (killed processes) next to it are removed first."""
    out = Path(out)
    existing = check_output_dir(out, "store", overwrite=overwrite, legacy=legacy_store)
    df = checked_table(df)
    with staged_dir(out, what=f"store {out}") as tmp:
        manifest = _write_tree(df, tmp, report, sources, fractions, rows_per_file, split_by,
                               reading)  # fmt: skip
        write_marker(tmp, "store")
        if existing:
            swap_files_in(tmp, out)
        else:
            os.replace(tmp, out)  # onto a missing or empty directory: atomic
    return manifest


def _write_tree(df, tmp, report, sources, fractions, rows_per_file, split_by="time",
                reading=None) -> dict:  # fmt: skip
    index = holdout_index(df, split_by, fractions)
    df = df.join(index.select("traj_id", "split"), on="traj_id", how="left").sort(
        ["traj_id", "t"], maintain_order=True
    )
    files, sizes = {}, {}
    for s in SPLITS:
        part = df.filter(pl.col("split") == s).drop("split")
        files[s] = write_split_files(part, tmp / "points" / f"split={s}", rows_per_file)
        sizes[s] = {"n_trajectories": part["traj_id"].n_unique(), "n_points": len(part)}
        if s == "train":
            if len(part) == 0:
                raise TrajlmInputError(
                    f"the train split is empty with fractions {fractions}",
                    hint="give more trajectories",
                )
            NormStats.fit(part).save(tmp / "stats.json")
    index.write_parquet(tmp / "index.parquet", compression="zstd")
    ext = df.select(
        pl.col("t").min().alias("t0"),
        pl.col("t").max().alias("t1"),
        pl.col("lat").min().alias("min_lat"),
        pl.col("lat").max().alias("max_lat"),
        pl.col("lon").min().alias("min_lon"),
        pl.col("lon").max().alias("max_lon"),
    ).row(0, named=True)
    if len(df):  # a fleet across the antimeridian: min_lon > max_lon, not -180..180 (ships24)
        ext["min_lon"], ext["max_lon"] = table_lons(df["lon"].to_numpy())
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "trajlm_version": __version__,
        "created_at": seconds_to_iso(int(datetime.now(tz=UTC).timestamp())),
        "sources": [str(s) for s in sources],
        "n_points": len(df),
        "n_trajectories": len(index),
        "columns": {c: str(d) for c, d in df.drop("split").schema.items()},
        "time_span": {
            "start_unix": ext["t0"],
            "end_unix": ext["t1"],
            "start_iso": seconds_to_iso(ext["t0"]),
            "end_iso": seconds_to_iso(ext["t1"]),
        },
        "bbox": {k: ext[k] for k in ("min_lat", "min_lon", "max_lat", "max_lon")},
        "fractions": list(fractions),
        "split_by": split_by,
        "splits": sizes,
        "files": files,
        "drop_report": report.to_dict() if report is not None else None,
    }
    if reading:
        manifest["reading"] = dict(reading)
    if split_by.startswith("hour"):  # which hours of day (UTC) went to which split
        manifest["split_hours_utc"] = split_hours(index)
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest


def swap_files_in(tmp: Path, out: Path) -> None:
    """Replace an existing store's own files with tmp's, leaving the user's files in `out`.

    manifest.json goes first and comes back last: a kill in between leaves a folder that no
    reader takes for a store (no manifest) rather than a mix of two stores."""
    (out / "manifest.json").unlink(missing_ok=True)
    for name in STORE_FILES:
        old = out / name
        if old.is_dir() and not old.is_symlink():
            aside = tmp / f".old-{name}"
            os.replace(old, aside)  # then deleted with tmp
        os.replace(tmp / name, old)


def resplit_store(src: str | os.PathLike, out: str | os.PathLike, split_by: str) -> dict:
    """Copy a store to `out` with its trajectories re-split by `split_by` (e.g. "hour=6",
    "user"), so `trajlm train` and `trajlm eval` see the same hold-out split; the norm
    statistics are refit on the new train split. Sources, drop report and how ingest read the
    data (``reading``: its zone) are kept."""
    src, out = open_store(src), Path(out)
    if out.resolve() == src.resolve():
        raise TrajlmInputError("resplit writes a new store; give another --out", path=out)
    old = load_manifest(src)
    manifest = write_store(read_store(src).drop("split"), out, sources=old.get("sources", ()),
                           fractions=tuple(old.get("fractions", (0.8, 0.1, 0.1))),
                           split_by=split_by, overwrite=False)  # fmt: skip
    manifest["drop_report"] = old.get("drop_report")
    if "reading" in old:  # how ingest read it: its zone (`ask`'s hours, the TTE clock) with it
        manifest["reading"] = old["reading"]  # (leftover35: a resplit store was on UTC unsaid)
    if "clean_config" in old:  # how it was cleaned: an --append to the copy is checked on it
        manifest["clean_config"] = old["clean_config"]
    manifest["resplit_from"] = str(src)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest
