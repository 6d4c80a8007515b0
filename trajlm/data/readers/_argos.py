"""Argos location classes (session 29, heldout28's leftover): a satellite tag's fixes carry a
class instead of an error in metres (CLS Argos user's manual: 3 under 250 m, 2 250-500 m, 1
500-1,500 m, 0 over 1,500 m, A and B no estimate (B often several km), Z an invalid location).
A Wildlife Computers `-Locations.csv` writes them as `Quality`, Movebank as `argos:lc`, CLS as
`LC` / `Location class`. They were not kept and Z fixes were read as any other.

The classes are not turned into `accuracy_m`: the class bounds (250 m for the best class) all
lie over the default accuracy filter's 200 m, which would drop every Argos fix. They are kept as
the store's `argos_lc` column and said; Z fixes are dropped and counted (`argos_class_z`), as
the field does (clean_accuracy.DropInaccurate)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from trajlm.data.column_names import normalised
from trajlm.data.readers._column_map import ColumnMap
from trajlm.data.readers._headers import id_sample, read_header
from trajlm.data.readers._lines import rglob_follow

ARGOS_COLUMN = "argos_lc"
CLASSES = ("3", "2", "1", "0", "A", "B", "Z")
# names that say Argos (any class values) and names that need a letter class among the values
# (`Quality`, `class`: a GPS fix quality 0 / 1 / 2 is no Argos class)
_ARGOS_NAMES = ("argos_lc", "argos:lc", "argos_location_class", "location_class",
                "locationclass", "loc_class", "argos_class", "argos_quality", "lc")  # fmt: skip
_GENERIC_NAMES = ("quality", "class", "location_quality")
SAID = (
    "{col!r} holds Argos location classes, kept as argos_lc (3 / 2 / 1: error under 250 / 500 / "
    "1,500 m; 0: over 1,500 m; A / B: not estimated, B often several km); class Z fixes (an "
    "invalid location) are dropped ('argos_class_z'); to keep only some classes, filter the "
    "store's argos_lc (Python: df.filter(pl.col('argos_lc').is_in(['3', '2', '1'])))"
)


def argos_classes(values: list, generic: bool) -> bool:
    """Whether every non-empty value is an Argos class (and, for a `generic` name, one is a
    letter class A / B / Z)."""
    texts = [str(v).strip().upper() for v in values if v is not None and str(v).strip()]
    if not texts or any(t not in CLASSES for t in texts):
        return False
    return not generic or any(t in ("A", "B", "Z") for t in texts)


def keep_argos_column(
    paths: str | Path | Sequence[str | Path], format: str, columns: ColumnMap | None
) -> tuple[ColumnMap | None, str | None]:
    """csv / parquet: keep a column of Argos location classes as `argos_lc` when the map keeps
    none. Returns the map to read with and the column taken (None: none)."""
    cm = columns or ColumnMap()
    if format not in ("csv", "parquet") or ARGOS_COLUMN in cm.extra:
        return columns, None
    first = Path(paths if isinstance(paths, str | Path) else paths[0])
    if first.is_dir():
        first = next(iter(rglob_follow(first, f"*.{format}")), first)
    if not first.is_file() or first.suffix.lower() == ".zip":
        return columns, None
    used = {cm.traj_id, *cm.time_columns(), cm.lat, cm.lon, *cm.extra.values()}
    for c in read_header(first, format, cm.sep) or []:
        name = normalised(c)
        if c in used or name not in (*_ARGOS_NAMES, *_GENERIC_NAMES):
            continue
        values = id_sample(first, format, cm.sep, c) or []
        if argos_classes(values, generic=name in _GENERIC_NAMES):
            return dataclasses.replace(cm, extra={**cm.extra, ARGOS_COLUMN: c}), c
    return columns, None
