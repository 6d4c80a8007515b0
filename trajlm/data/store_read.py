"""Reading a store (layout in trajlm/data/store.py and docs/contracts.md): opening and checking
it, its manifest, stats and index, its part files whole or a row group at a time, and what to
give instead of a path that is not one. Written by trajlm/data/store.py; split out of it
(review36): store.py writes, this module reads, and store.py re-exports every name here."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

from trajlm._safety import DamagedFileError, reading
from trajlm.data.features import NormStats
from trajlm.data.schema import TrajlmInputError
from trajlm.data.splits import SPLITS
from trajlm.data.table_order import merge_traj_sorted, traj_sorted
from trajlm.errors import MissingFileError


def is_store(path: Path) -> bool:
    return (path / "manifest.json").is_file() and (path / "points").is_dir()


# What to do about a damaged store file: it is derived data, so write it again.
_REBUILD = "write the store again (trajlm data ingest/synth ... --overwrite)"


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
    from trajlm.data.subsec_store import resolution_note, time_resolution_s

    if (step := time_resolution_s(manifest)) is not None:  # float seconds (subsec38)
        ms = {k: None if v is None else round(v, 3) for k, v in info["sampling_interval_s"].items()}
        info["sampling_interval_s"] = ms  # exact to the ms: float64 Unix seconds hold ~0.2 us
        info["time_resolution"] = resolution_note(step)
    if manifest.get("reading", {}).get("crs") == "local":  # x / y metres, no place (newuser36)
        from trajlm.data.local_plane import local_bbox

        info["bbox"] = local_bbox(manifest["bbox"])
        info["crs"] = "local (x / y metres on a plane not placed on the Earth)"
    return info


def store_zone(data: Any) -> str | None:
    """The zone a store's times were local to at ingest (``--tz`` / ``--utc-offset``, kept in
    its manifest since session 14): a zone name ("Europe/Paris") or a fixed offset ("+03:30";
    ``local_clock.wall_clock`` reads both); else None:
    the clock `trajlm ask` answers hours on, and the travel-time baselines read hour / weekday
    on (moved from llm/ask_data.py, newuser28)."""
    if not isinstance(data, str | os.PathLike) or not is_store(Path(data)):  # frames, corpora
        return None
    local = load_manifest(data).get("reading", {}).get("local_time") or {}
    if local.get("tz"):
        return str(local["tz"])
    if off := int(local.get("utc_offset_s") or 0):
        from trajlm.data.local_clock import offset_text, zones_at

        if off % 3600 and (keep := zones_at(off)):  # Polars reads "+02:00" but no "+05:30": a
            return keep[0]  # zone that keeps it all year, canonical first (leftover35, 36)
        return offset_text(off)  # none keeps it (-03:30): the fixed offset (data/local_clock.py)
    return None
