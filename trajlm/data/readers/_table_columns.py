"""Which columns a table reader reads, and the refusals before a row is read (split from
tabular.py, session 24, tidy24): the coordinate columns (one pair, or the pairs of
``coord_sources`` present), the columns needed, a missing column said with the closest header
names, and a mapping whose rows cannot become canonical points. CSV (tabular.py) and Parquet
(parquet_table.py) readers share them; both import them from tabular.py as before.
"""

from __future__ import annotations

from pathlib import Path

from trajlm.data.column_names import closest
from trajlm.data.readers._common import ColumnMap
from trajlm.data.readers.file_format import not_point_table
from trajlm.data.schema import TrajlmInputError


def _coord_cols(cm: ColumnMap, have: list[str]) -> list[str]:
    """The coordinate columns to read (with coord_sources: the pairs present in `have`)."""
    return list(_coord_axes(cm, have))


def _coord_axes(cm: ColumnMap, have: list[str]) -> dict[str, str]:
    """The coordinate columns to read -> "lat" / "lon" (which hemisphere letters they take)."""
    pairs = _present_sources(cm, have).values() if cm.coord_sources else [(cm.lat, cm.lon)]
    return {c: axis for pair in pairs for c, axis in zip(pair, ("lat", "lon"), strict=True)}


def _needed(cm: ColumnMap, have: list[str] | None = None) -> list[str]:
    """Input columns to read."""
    cols = [*cm.time_columns(), *_coord_cols(cm, have or []), *cm.extra.values()]
    return list(dict.fromkeys(([cm.traj_id] if cm.traj_id else []) + cols))


def _present_sources(cm: ColumnMap, have: list[str]) -> dict[str, tuple[str, str]]:
    return {k: p for k, p in cm.coord_sources.items() if p[0] in have and p[1] in have}


def _check_columns(cm: ColumnMap, have: list[str], path: Path, line: int | None = None) -> None:
    """Refuse (one line naming the header's line: `line`, else found) a header without the
    columns the map reads."""
    line = line or _header_line(path)
    missing = [c for c in _needed(cm, have) if c not in have]
    if cm.coord_sources and not _present_sources(cm, have):
        missing.append(f"one of the (lat, lon) pairs {list(cm.coord_sources.values())}")
    if missing and (what := not_point_table(have)):
        raise TrajlmInputError(what, path=path, line=line)
    if missing:
        raise TrajlmInputError(
            f"missing column(s) {missing}; the file has {have}{_suggest(cm, missing, have)}"
            + (_TITLE if len(have) <= 2 and len(missing) >= 3 else ""),
            path=path,
            line=line,
            hint="name them with --traj-col / --time-col / --lat-col / --lon-col "
            "(Python: columns=ColumnMap(traj_id=..., t=..., lat=..., lon=...))",
        )


# a 1-2 column "header" that misses three columns: a title / key-value line above the real one
_TITLE = ("; is that line a title or key / value line above the header? trajlm looks for the "
          "header in the first 60 lines (delete the lines above it)")  # fmt: skip


def _suggest(cm: ColumnMap, missing: list[str], have: list[str]) -> str:
    """ "; closest: t -> 'ts_ms', ..." for the missing columns, from the unused header names."""
    used = set(_needed(cm, have)) & set(have)
    free = [c for c in have if c not in used]
    field = {cm.traj_id: "traj_id", cm.t: "t", cm.lat: "lat", cm.lon: "lon"}
    said = []
    for c in missing:
        if found := closest(c, field.get(c), free):
            said.append(f"{c} -> {' or '.join(map(repr, found))}")
    return f"; closest: {', '.join(said)}" if said else ""


def check_mapping(cm: ColumnMap, paths: list[Path]) -> None:
    """Refuse, before reading a row, a mapping whose rows cannot become canonical points."""
    if wrong := cm.option_error():
        raise TrajlmInputError(wrong, path=paths[0] if paths else None, field=cm.time_field())
    why = cm.refusal()
    if why:
        raise TrajlmInputError(
            f"cannot make canonical points (UTC time, WGS84 lat/lon): {why}",
            path=paths[0] if paths else None,
            hint="this holds for every row, so on_error='skip' does not help",
        )


def _header_line(path: Path | None) -> int:
    from trajlm.data.readers._lines import header_line  # (_lines imports this module)

    return header_line(path)
