"""The columns `ingest` keeps beside traj_id, t, lat, lon, chosen from a CSV / Parquet header
before reading (split from ingest.py, session 27): a class column as the store's `label`
(LABEL_NAMES, a kind of mover), sensor values and a fix's own accuracy estimate
(readers._sensors)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from trajlm.data.kind_columns import KIND_NAMES
from trajlm.data.readers import ColumnMap

# Class columns taken as the store's label without --label-col (names normalised as in
# column_names: case, spaces, dashes and dots ignored), first match wins.
LABEL_NAMES = ("label", "mode", "transport_mode", "transportation_mode", "travel_mode",
               "activity", "label_mode")  # fmt: skip


def keep_sensor_columns(
    paths: str | Path | Sequence[str | Path],
    format: str,
    columns: ColumnMap | None,
    accuracy: bool = False,
) -> tuple[ColumnMap | None, dict[str, str]]:
    """csv / parquet: keep heart rate, cadence, power, temperature and speed_mps columns
    (with accuracy=True: the fix's error estimate, `accuracy_m` / `hdop`: _sensors.ACCURACY_NAMES)
    (readers._sensors.TABLE_NAMES) under the names GPX / TCX / FIT sensors get, unless the map
    already keeps that name. Returns the map to read with and {sensor: column} taken."""
    from trajlm.data.readers._sensors import table_accuracy, table_sensors
    from trajlm.data.readers.detect import read_header, rglob_follow

    cm = columns or ColumnMap()
    if format not in ("csv", "parquet"):
        return columns, {}
    first = Path(paths if isinstance(paths, str | Path) else paths[0])
    if first.is_dir():
        first = next(iter(rglob_follow(first, f"*.{format}")), first)
    if not first.is_file() or first.suffix.lower() == ".zip":
        return columns, {}
    used = {cm.traj_id, *cm.time_columns(), cm.lat, cm.lon, *cm.extra.values()}
    pick = table_accuracy if accuracy else table_sensors  # accuracy: the fix's error estimate
    found = pick(read_header(first, format, cm.sep) or [], used)
    found = {k: v for k, v in found.items() if k not in cm.extra}
    later = _later_columns(paths, format, cm, first, pick, used, {*cm.extra, *found})
    if not found and not later:
        return columns, {}
    cm = dataclasses.replace(cm, later_extras=(*cm.later_extras, *later))
    return dataclasses.replace(cm, extra={**cm.extra, **found, **later}), {**found, **later}


def _later_columns(paths: str | Path | Sequence[str | Path], format: str, cm: ColumnMap,
                   first: Path, pick: Any, used: set, kept: set) -> dict[str, str]:  # fmt: skip
    """{name: column} that files after the first have and the first lacks (fix33b: a vendor
    added `accuracy` on day 16; it was dropped without a word, its 500 m fixes kept). Each
    later file's header is read (a line each); the first file to name a column wins."""
    from trajlm.data.readers.detect import read_header, rglob_follow

    given = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    files = [f for p in given for f in (rglob_follow(p, f"*.{format}") if p.is_dir() else [p])]
    out: dict[str, str] = {}
    for f in files:
        if f == first or not f.is_file() or f.suffix.lower() == ".zip":
            continue
        for k, v in pick(read_header(f, format, cm.sep) or [], used).items():
            if k not in kept and k not in out:
                out[k] = v
    return out


def keep_label_column(
    paths: str | Path | Sequence[str | Path], format: str, columns: ColumnMap | None
) -> tuple[ColumnMap | None, str | None]:
    """csv / parquet: keep a class column named like LABEL_NAMES (label, mode, transport_mode,
    activity, ...) as the store's ``label`` when none is mapped (an explicit ``--label-col`` /
    ``ColumnMap(extra={"label": ...})`` wins). Returns the map to read with and the column
    taken (None: none)."""
    from trajlm.data.column_names import normalised
    from trajlm.data.readers.detect import read_header, rglob_follow

    cm = columns or ColumnMap()
    if format not in ("csv", "parquet") or "label" in cm.extra:
        return columns, None
    first = Path(paths if isinstance(paths, str | Path) else paths[0])
    if first.is_dir():
        first = next(iter(rglob_follow(first, f"*.{format}")), first)
    have = read_header(first, format, cm.sep) if first.is_file() else None
    used = {cm.traj_id, *cm.time_columns(), cm.lat, cm.lon, *cm.extra.values()}
    by_name = {normalised(c): c for c in reversed(have or []) if c not in used}
    col = next((by_name[n] for n in LABEL_NAMES if n in by_name), None)
    if col is None:  # an AIS ship type, a Movebank species: the kind of mover (labels22)
        col = next((by_name[n] for n in KIND_NAMES if n in by_name), None)
    if col is None:
        return columns, None
    return dataclasses.replace(cm, extra={**cm.extra, "label": col}), col


def labelled_rows(label: pl.Series) -> int:
    """How many rows of a label column hold a class (not null, not blank text)."""
    if label.dtype == pl.Utf8:
        return int((label.str.strip_chars().str.len_chars() > 0).sum())
    return int(label.is_not_null().sum())


def keep_mds_columns(
    paths: str | Path | Sequence[str | Path], format: str, columns: ColumnMap | None
) -> tuple[ColumnMap | None, list[str]]:
    """The map to read an MDS CSV (``readers.mds.mds_as_csv``'s header) with, keeping
    `provider_name` and `vehicle_code` as columns of the store (a map that names them already:
    as given); and the columns kept ([] when the file is no MDS CSV). leftover36."""
    from trajlm.data.readers.detect import read_header
    from trajlm.data.readers.mds import HEADER, KEPT

    cm = columns or ColumnMap()
    first = Path(paths if isinstance(paths, str | Path) else paths[0])
    if format != "csv" or not first.is_file():
        return columns, []
    have = read_header(first, format, cm.sep) or []
    if have != HEADER:
        return columns, []
    kept = [c for c in KEPT if c not in cm.extra and c not in cm.extra.values()]
    return dataclasses.replace(cm, extra={**cm.extra, **{c: c for c in kept}}), kept
