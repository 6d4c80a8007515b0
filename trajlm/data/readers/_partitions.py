"""Files in Hive-style partition folders (session 33, newuser33): a data lake's
`raw/region=north/date=2026-11-01.csv`, as PyArrow, Polars and DuckDB write and read them.

A fleet numbered per region reuses its ids: `V0001` is one van under `region=north` and
another under `region=south`. Read as one id, the two vans' fixes were sorted into one track
that zigzagged between the cities (173,387 steps over 340 m/s on newuser33's month, warned,
kept) and fixes of the two vans at the same second were dropped as repeated times.

Rule: when the files read lie under two or more values of a partition key that is not a time
(`date=`, `day=`, `year=`, `hour=`, ... or a value that reads as a date), each file's ids are
read inside its partition: `north/V0001`, `south/V0001` (traj_id and the owner column), said
once. Files under one value (a night's `region=north` alone) keep their ids as written, and a
time partition (`date=2026-11-01`) never qualifies an id: a van's days stay one mover.

A folder is read as PyArrow / Polars / Spark read it (session 34, leftover34; badin33b found both
merged unsaid): the key ends at the first `=` (`a=b=c` is key `a`, value `b=c`, so `a=b=c` and
`a=b=d` are two values), and an empty value (`region=`, or Hive's `__HIVE_DEFAULT_PARTITION__`)
is the key's null value: a value of its own beside `region=x` (the same id there is two movers),
whose ids stay as written, as the ids of files outside the partition folders do (Hive reads
those as null too).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl

from trajlm.data.schema import SOURCE_ID

OWNER_COLUMNS = ("traj_id", "vehicle_id", "user_id")
# time partitions never qualify an id (split=train|val|test: a trajlm store's own folders)
_TIME_KEYS = {"date", "day", "dt", "ds", "year", "yyyy", "yy", "y", "month", "mm", "m", "d",
              "dd", "hour", "hh", "h", "minute", "week", "ymd", "time", "timestamp", "ts",
              "period", "batch", "run", "load", "ingest", "version", "split"}  # fmt: skip
# Hive writes a null partition value as this name; PyArrow and Polars read `key=` as null too
NULL_VALUE = ""
_HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"
_DATE_VALUE = re.compile(r"^\d{4}([-_/]?\d{2}){0,2}([T ]\d{2}(:?\d{2}){0,2})?Z?$")


def _is_time_key(key: str, value: str) -> bool:
    k = key.lower().strip()
    if k in _TIME_KEYS or k.endswith(("_date", "_day", "_dt", "_ts", "_time", "_hour")):
        return True
    return bool(_DATE_VALUE.match(value))


def partition_of(path: Path) -> tuple[tuple[str, str], ...]:
    """The non-time `key=value` folders above (and in the name of) `path`, outermost first."""
    parts = [*path.parent.parts, path.stem]
    found = []
    for part in parts:
        key, eq, value = part.partition("=")  # `a=b=c`: key `a`, value `b=c` (as PyArrow reads)
        if not (eq and key.strip()):
            continue
        value = NULL_VALUE if value == _HIVE_NULL else value
        if not _is_time_key(key, value):
            found.append((key, value))
    return tuple(found)


def qualifying_keys(files: list[Path]) -> list[str]:
    """The partition keys with two or more values among `files` (their ids are read per value)."""
    values: dict[str, set[str]] = {}
    for f in files:
        for key, value in partition_of(f):
            values.setdefault(key, set()).add(value)
    return [k for k, v in values.items() if len(v) > 1]


def _prefix(own: dict[str, str], keys: list[str]) -> str:
    """The id prefix of a file's partition values (`north`, `north/depot7`); "" where every key is
    null or absent (its ids stay as written); a null value among others is an empty segment."""
    values = [own.get(k, NULL_VALUE) for k in keys]
    return "/".join(values) if any(values) else ""


def _say_unqualified(files: list[Path]) -> None:
    """One warning where files sit under different `key=value` folders yet no key has two
    values (`region=n/` beside `depot=n/`): their ids are read as written, one id one mover
    across them; this was unsaid (badin34b)."""
    kinds = {partition_of(f) for f in files}
    if len(kinds) < 2:
        return
    named = sorted({f"{k}={v}" for kind in kinds for k, v in kind})
    warnings.warn(
        f"files under different partition folders ({', '.join(named[:4])}"
        f"{' ...' if len(named) > 4 else ''}) with no key of two values: ids read as written "
        "across them (the same id in two folders is one mover); give one key two values "
        "(region=north / region=south) to read ids per partition",
        stacklevel=4,
    )


def read_by_partition(
    files: list[Path], read: Callable[[list[Path]], Iterator[pl.DataFrame]]
) -> Iterator[pl.DataFrame]:
    """`read(files)`'s chunks, with ids qualified by their partition where the files span two or
    more values of a non-time partition key (module doc); otherwise `read(files)` as is."""
    keys = qualifying_keys(files)
    if not keys:
        _say_unqualified(files)
        yield from read(files)
        return
    groups: dict[str, list[Path]] = {}
    for f in files:
        own = dict(partition_of(f))
        groups.setdefault(_prefix(own, keys), []).append(f)
    said = ", ".join(f"{k}=" for k in keys)
    example = next(g for g in groups if g)
    null = " (an empty value, `key=`, is a partition of its own: its ids stay as written)"
    warnings.warn(
        f"ids read per partition ({said}: {len(groups)} values): the same id in two partitions "
        f"is two movers, stored as '{example}/<id>'" + (null if "" in groups else ""),
        stacklevel=4,
    )
    for prefix, group in groups.items():
        if not prefix:  # null / outside the partitions on every key: ids as written
            yield from read(group)
            continue
        for chunk in read(group):
            cols = [c for c in OWNER_COLUMNS if c in chunk.columns]
            yield chunk.with_columns(
                (pl.lit(prefix + "/") + pl.col(c).cast(pl.Utf8)).alias(c) for c in cols
            )


def store_points(paths: list[Path]) -> list[Path]:
    """`paths` with each trajlm store folder (manifest.json + points/) given as its points'
    Parquet files (newuser33: a nightly job ingests each night's files into a store of its own and
    builds the month from those stores, reading Parquet, not re-parsing a month of CSV; a store
    given to ingest was read as its index.parquet and refused)."""
    import pyarrow.parquet as pq

    from trajlm._safety import reading
    from trajlm.errors import TrajlmInputError

    out: list[Path] = []
    for p in paths:
        if p.is_dir() and (p / "points").is_dir() and not (p / "manifest.json").is_file() \
                and (p / "index.parquet").is_file():  # fmt: skip
            # badin33b: read as a folder of Parquet, refused as "index.parquet: missing column(s)"
            raise TrajlmInputError(
                f"{p}: a trajlm store without its manifest.json: still being written, or its "
                "ingest stopped; wait for it to finish (or ingest it again with --overwrite)"
            )
        if p.is_dir() and (p / "manifest.json").is_file() and (p / "points").is_dir():
            parts = sorted((p / "points").glob("split=*/*.parquet"))
            rows = []
            for q in parts:  # a cut part file: one line naming it (badin33b: ArrowInvalid)
                with reading(q, "write the store again (trajlm data ingest ... --overwrite)"):
                    if pq.ParquetFile(q).metadata.num_rows:  # an empty split is left out
                        rows.append(q)
            out.extend(rows or parts or [p])
        else:
            out.append(p)
    return out


def is_store_part(path: Path) -> bool:
    """Whether ``path`` is a trajlm store's points file (STORE/points/split=NAME/x.parquet)."""
    store = path.parent.parent.parent
    return (path.parent.name.startswith("split=") and path.parent.parent.name == "points"
            and (store / "manifest.json").is_file())  # fmt: skip


def stores_column_map(paths: list[Path], column_map: dict | None) -> tuple[list[Path], dict | None]:
    """Ingest's inputs with stores given as their points (store_points), and, where one is a
    store whose trips carry the id before the gap split (`source_traj_id`), that id read as the
    trajectory's: the month built from its nights' stores is cut and named as the month read
    from the raw files (the trips' ids `north/V0001_0` of one night, not `..._0_0`)."""
    out = store_points(paths)
    if out == paths or (column_map or {}).get("traj_id"):
        return out, column_map
    import pyarrow.parquet as pq

    part = next(p for p in out if p.suffix == ".parquet" and p.parent.name.startswith("split="))
    if SOURCE_ID in pq.read_schema(part).names:
        return out, {**(column_map or {}), "traj_id": SOURCE_ID}
    return out, column_map
