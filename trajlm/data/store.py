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
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from trajlm._safety import (
    MARKER,
    DamagedFileError,
    check_output_dir,
    reading,
    staged_dir,
    write_marker,
)
from trajlm._version import __version__
from trajlm.data.features import NormStats
from trajlm.data.longitude import table_lons
from trajlm.data.schema import SCHEMA_VERSION, DropReport, TrajlmInputError, conform, validate
from trajlm.data.splits import SPLITS, holdout_index, split_hours
from trajlm.data.table_order import merge_traj_sorted, traj_sorted
from trajlm.errors import MissingFileError

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


def is_store(path: Path) -> bool:
    return (path / "manifest.json").is_file() and (path / "points").is_dir()


_is_store = is_store  # the name data/coerce_path.py imports (leftover36 edits that file)


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
) -> dict:
    """Write a canonical table as a store at `out` and return its manifest. Splits are
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
        manifest = _write_tree(df, tmp, report, sources, fractions, rows_per_file, split_by)
        write_marker(tmp, "store")
        if existing:
            swap_files_in(tmp, out)
        else:
            os.replace(tmp, out)  # onto a missing or empty directory: atomic
    return manifest


def _write_tree(df, tmp, report, sources, fractions, rows_per_file, split_by="time") -> dict:
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


# What to do about a damaged store file: it is derived data, so write it again.
_REBUILD = "write the store again (trajlm data ingest/synth ... --overwrite)"


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


def store_hint(path: str | os.PathLike) -> str:
    """What to give instead of `path`, which is not a store."""
    path = Path(path)
    up = next((p for p in path.parents if is_store(p)), None)
    if up is not None:
        return f"give the store folder {str(up)!r}, not a file inside it"
    if path.is_file():
        return (
            "a file, not a store: ingest it with `trajlm data ingest FILE --out STORE`, or read "
            "it into a DataFrame (pd.read_csv) and give that"
        )
    if not path.exists():
        return "no such path; give a store folder from `trajlm data ingest` or a DataFrame"
    return "give a store folder from `trajlm data ingest` (it has manifest.json) or a DataFrame"


def _present(f: Path) -> Path:  # a store file gone: one line, not FileNotFoundError (badin35)
    if not f.is_file():
        raise DamagedFileError(f.parent, f"{f.name} is missing", _REBUILD)
    return f


def open_store(path: str | os.PathLike) -> Path:
    path = Path(path)
    if not is_store(path):
        raise MissingFileError(
            f"{path} is not a trajlm store (no manifest.json / points/)",
            hint=store_hint(path),
        )
    return path


def part_files(store: Path, split: str) -> list[Path]:
    """The parquet part files of one split of ``store``, in order (a split's rows are theirs)."""
    if split not in SPLITS:
        raise TrajlmInputError(f"split must be one of {SPLITS}, got {split!r}", field="split")
    return sorted((store / "points" / f"split={split}").glob("part-*.parquet"))


def read_part(f: Path, columns: list[str] | None) -> pl.DataFrame:
    """One part file (``columns`` of it, or all); a file cut short says how to rebuild the store."""
    with reading(f, _REBUILD):
        return pl.read_parquet(f, columns=columns, glob=False)


def read_store(
    path: str | os.PathLike, split: str | None = None, columns: Sequence[str] | None = None
) -> pl.DataFrame:
    """Read a store (one split or all) as a canonical table plus a `split` column.
    With split=None the rows are re-sorted by (traj_id, t) across splits."""
    store = open_store(path)
    cols = list(columns) if columns is not None else None
    frames = []
    for s in SPLITS if split is None else (split,):
        files = part_files(store, s)
        if not files:
            raise DamagedFileError(store / "points" / f"split={s}", "no part files", _REBUILD)
        part = pl.concat([read_part(f, cols) for f in files])
        if {"traj_id", "t"} <= set(part.columns):  # appended part files follow the store's
            part = traj_sorted(part)
        frames.append(part.with_columns(pl.lit(s).alias("split")))
    if split is None and {"traj_id", "t"} <= set(frames[0].columns):
        return merge_traj_sorted(frames)  # the splits' sorted parts merged, not re-sorted
    return pl.concat(frames)


def iter_store_batches(
    path: str | os.PathLike, split: str, columns: Sequence[str] | None = None
) -> Iterator[pl.DataFrame]:
    """Yield one split's rows one Parquet row group at a time (<= 65,536 rows, constant memory),
    file by file, each file in (traj_id, t) order. A trajectory may continue into the next
    batch (never the next file), so each is one run of rows in time order. An appended test
    split (store_append) is in order per file, not as a whole: callers that need the whole
    split in order read it with read_store (tests/test_append35b.py)."""
    store = open_store(path)
    cols = list(columns) if columns is not None else None
    for f in part_files(store, split):
        with reading(f, _REBUILD):
            pf = pq.ParquetFile(f)
        for i in range(pf.num_row_groups):
            with reading(f, _REBUILD):
                batch = pl.from_arrow(pf.read_row_group(i, columns=cols))
            yield batch


def load_manifest(path: str | os.PathLike) -> dict:
    f = _present(open_store(path) / "manifest.json")
    with reading(f, _REBUILD):
        manifest = json.loads(f.read_text())
        for key in ("n_points", "n_trajectories", "splits", "bbox", "time_span"):
            manifest[key]  # noqa: B018 - a KeyError names the missing key
    return manifest


def load_stats(path: str | os.PathLike) -> NormStats:
    f = _present(open_store(path) / "stats.json")
    with reading(f, _REBUILD):
        return NormStats.load(f)


def store_fingerprint(path: str | os.PathLike) -> str:
    """A short digest of what a model trained on this store sees: its normalisation stats and
    its split sizes (equal for a copy or a re-ingest of the same data; a run records it so a
    resume on other data is caught)."""
    import hashlib

    m = load_manifest(path)
    key = json.dumps([load_stats(path).to_dict(), m["n_points"], m["n_trajectories"],
                      m["splits"]], sort_keys=True)  # fmt: skip
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def load_index(path: str | os.PathLike) -> pl.DataFrame:
    f = _present(open_store(path) / "index.parquet")
    with reading(f, _REBUILD):
        return pl.read_parquet(f, glob=False)


def verify_store(path: str | os.PathLike) -> dict:
    """Cheap check that a store is whole before a command reads it: the manifest, stats and
    index parse, and every part file has a readable Parquet footer whose row counts add up to
    the manifest's. Raises DamagedFileError naming the first bad file; returns the manifest."""
    store = open_store(path)
    manifest = load_manifest(store)
    load_stats(store)
    load_index(store)
    n = 0
    for s in SPLITS:
        files = part_files(store, s)
        if not files:
            raise DamagedFileError(store / "points" / f"split={s}", "no part files", _REBUILD)
        for f in files:
            with reading(f, _REBUILD):
                n += pq.read_metadata(f).num_rows
    if n != manifest["n_points"]:
        raise DamagedFileError(
            store / "manifest.json", f"{n} points in the part files, manifest says "
            f"{manifest['n_points']}", _REBUILD,
        )  # fmt: skip
    return manifest


def inspect_store(path: str | os.PathLike) -> dict:
    """Summary for `trajlm data inspect`: counts, sampling interval percentiles (s), points per
    trajectory percentiles, bbox, time span, split sizes, drop report, label histogram (rows)."""
    store = open_store(path)
    manifest = load_manifest(store)
    index = load_index(store)
    has_label = "label" in manifest.get("columns", {})
    from trajlm.data.store_inspect import intervals_and_labels  # a part file at a time

    files = [f for split in SPLITS for f in part_files(store, split)]
    dt, labels = intervals_and_labels(files, read_part, has_label)
    qs = (0.05, 0.5, 0.95)
    info = {
        "n_points": manifest["n_points"],
        "n_trajectories": manifest["n_trajectories"],
        "sampling_interval_s": {f"p{round(q * 100)}": dt.quantile(q) for q in qs},
        "points_per_trajectory": {f"p{round(q * 100)}": index["n_points"].quantile(q) for q in qs},
        "bbox": manifest["bbox"],
        "time_span": manifest["time_span"],
        "splits": manifest["splits"],
        "drop_report": manifest.get("drop_report"),
        "sources": manifest.get("sources", []),
    }
    if labels is not None:
        info["labels"] = labels
    return info


def store_zone(data: Any) -> str | None:
    """The zone a store's times were local to at ingest (``--tz`` / ``--utc-offset``, kept in
    its manifest since session 14), as Polars reads it ("Europe/Paris", "+02:00"); else None:
    the clock `trajlm ask` answers hours on, and the travel-time baselines read hour / weekday
    on (moved from llm/ask_data.py, newuser28)."""
    if not isinstance(data, str | os.PathLike) or not is_store(Path(data)):  # frames, corpora
        return None
    local = load_manifest(data).get("reading", {}).get("local_time") or {}
    if local.get("tz"):
        return str(local["tz"])
    if off := int(local.get("utc_offset_s") or 0):
        if off % 3600:  # Polars reads "+02:00" but no "+05:30": a zone that keeps it all year
            from trajlm.data.coerce_tz import zones_at  # (leftover35: eval's traceback, ask's

            if keep := zones_at(off):  # "unknown time zone '+05:30'" on --utc-offset 5.5)
                return keep[0]
        return f"{'+-'[off < 0]}{abs(off) // 3600:02d}:{abs(off) % 3600 // 60:02d}"
    return None
