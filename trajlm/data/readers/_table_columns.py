"""Which columns a table reader reads, and the refusals before a row is read (split from
tabular.py, session 24, tidy24): the coordinate columns (one pair, or the pairs of
``coord_sources`` present), the columns needed, a missing column said with the closest header
names, and a mapping whose rows cannot become canonical points. CSV (tabular.py) and Parquet
(parquet_table.py) readers share them; both import them from tabular.py as before.
"""

from __future__ import annotations

import re
from pathlib import Path

from trajlm.data.column_notes import closest
from trajlm.data.readers._common import ColumnMap
from trajlm.data.readers.file_format import not_point_table
from trajlm.data.schema import TrajlmInputError


def coord_cols(cm: ColumnMap, have: list[str]) -> list[str]:
    """The coordinate columns to read (with coord_sources: the pairs present in `have`)."""
    return list(coord_axes(cm, have))


def coord_axes(cm: ColumnMap, have: list[str]) -> dict[str, str]:
    """The coordinate columns to read -> "lat" / "lon" (which hemisphere letters they take)."""
    pairs = present_sources(cm, have).values() if cm.coord_sources else [(cm.lat, cm.lon)]
    return {c: axis for pair in pairs for c, axis in zip(pair, ("lat", "lon"), strict=True)}


def needed_columns(cm: ColumnMap, have: list[str] | None = None) -> list[str]:
    """Input columns to read."""
    cols = [*cm.time_columns(), *coord_cols(cm, have or []), *cm.extra.values()]
    return list(dict.fromkeys(([cm.traj_id] if cm.traj_id else []) + cols))


def present_sources(cm: ColumnMap, have: list[str]) -> dict[str, tuple[str, str]]:
    return {k: p for k, p in cm.coord_sources.items() if p[0] in have and p[1] in have}


def check_columns(cm: ColumnMap, have: list[str], path: Path, line: int | None = None) -> None:
    """Refuse (one line naming the header's line: `line`, else found) a header without the
    columns the map reads."""
    line = line or _header_line(path)
    missing = [c for c in needed_columns(cm, have) if c not in have]
    if cm.coord_sources and not present_sources(cm, have):
        missing.append(f"one of the (lat, lon) pairs {list(cm.coord_sources.values())}")
    if missing and (what := not_point_table(have)):
        raise TrajlmInputError(what, path=path, line=line)
    if missing and len(have) >= 2 and all(_NUMBER.fullmatch(c.strip()) for c in have):
        from trajlm.data.readers.pedestrian_files import eth_near_miss

        near = eth_near_miss(path) if path.is_file() else None  # badin38: why it is not one
        raise TrajlmInputError(  # heldout37: ETH / UCY's `biwi_hotel.txt`, `frame ped x y`
            f"the first line holds only numbers ({have[:6]}): the file has no header line, so "
            "no column can be told apart by its name" + (f"; {near}" if near else ""),
            path=path,
            line=line,
            hint="add a header line naming each column (e.g. `frame,ped,x,y` or `t,id,lat,lon`), "
            "then --traj-col / --time-col / --lat-col / --lon-col as needed (x / y in metres: "
            "--crs local; frame numbers: --time-format frames@RATE); in Python: "
            "pd.read_csv(path, header=None, names=[...])",
        )
    if missing and not _rows_after(path, line):  # badin39: said as "missing lat / lon"
        raise TrajlmInputError(
            f"the file has a header but no data rows (its header: {have[:12]}), so no "
            "column can be read from its values",
            path=path,
            line=line,
            hint="export the rows again (a query or a recording that returned none?)",
        )
    if missing and len(have) == 1 and (why := table_never_starts(path)):  # (fix40b)
        raise TrajlmInputError(why, path=path, hint="export the recording again, with its rows")
    if missing:
        raise TrajlmInputError(
            f"missing column(s) {missing}; the file has {have}{suggest_columns(cm, missing, have)}"
            + (_TITLE if len(have) <= 2 and len(missing) >= 3 else ""),
            path=path,
            line=line,
            hint="name them with --traj-col / --time-col / --lat-col / --lon-col "
            "(Python: columns=ColumnMap(traj_id=..., t=..., lat=..., lon=...))",
        )


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")  # a header cell that is data

# a 1-2 column "header" that misses three columns: a title / key-value line above the real one
_TITLE = ("; is that line a title or key / value line above the header? trajlm looks for the "
          "header in the first 60 lines (delete the lines above it)")  # fmt: skip


def suggest_columns(cm: ColumnMap, missing: list[str], have: list[str]) -> str:
    """ "; closest: t -> 'ts_ms', ..." for the missing columns, from the unused header names."""
    used = set(needed_columns(cm, have)) & set(have)
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


def _rows_after(path: Path | None, line: int | None) -> bool:
    """Whether a non-blank line follows the header line ``line`` (True when unknown: a path
    that is no file, or past the first 64 KiB)."""
    if path is None or not path.is_file():
        return True
    with path.open("rb") as f:
        head = f.read(1 << 16)
    rest = head.splitlines()[(line or 1) :]
    return len(head) == 1 << 16 or any(r.strip() for r in rest)


def _header_line(path: Path | None) -> int:
    from trajlm.data.readers._lines import header_line  # (_lines imports this module)

    return header_line(path)


def renamed_columns(
    cm: ColumnMap, have: list[str], path: Path, said_before: set | None = None
) -> list[str]:
    """`have` with a core column the vendor renamed between files read under the map's name
    (session 33, newuser33: a month of day files whose `vehicle_id` became `unit_id` on day 16
    was refused at day 16). Only where both names are ones the column rules recognise for that
    field (traj_id, t, lat, lon) and exactly one column of this file is; said at the first file
    of each rename (`said_before`: the read's Ctx.said)."""
    from trajlm.data.column_names import find_columns

    out, said = list(have), []
    for field in ("traj_id", "t", "lat", "lon"):
        mapped = getattr(cm, field)
        if not mapped or mapped in have or find_columns(field, [mapped]) != [mapped]:
            continue
        free = [c for c in out if c not in needed_columns(cm, out)]
        found = find_columns(field, free)
        if len(found) == 1:
            out[out.index(found[0])] = mapped
            said.append(f"{found[0]!r} as {mapped!r}")
    key = ("renamed", *said)
    if said and key not in (said_before if said_before is not None else set()):
        import warnings

        if said_before is not None:
            said_before.add(key)
        warnings.warn(
            f"{path.name}: read {', '.join(said)} (the column the other files name so; the "
            "vendor renamed it; later files renamed alike are read so too)",
            stacklevel=4,
        )
    return out


def dropped_extras(
    cm: ColumnMap, have: list[str], path: Path, file: int, said_before: set
) -> list[str]:
    """The kept columns (owner, accuracy, sensors, label: ``cm.extra``) that a later file of a
    read lacks, read as empty for its rows (session 33, newuser33: the month's first stores had
    `vehicle_id`, the vendor's new files `unit_id` only; a night's store without a column the
    others kept refused the month). The first file (whose header chose the columns) still
    refuses, unless the column is one only later files have (``cm.later_extras``, fix33b:
    then the first files' rows are empty, said once); said once per column."""
    later = {cm.extra[k] for k in cm.later_extras if k in cm.extra}
    gone = [c for c in dict.fromkeys(cm.extra.values()) if c not in have]
    notyet = [c for c in gone if c in later]
    if new := [c for c in notyet if ("later", c) not in said_before]:
        import warnings

        said_before.update(("later", c) for c in new)
        warnings.warn(
            f"{path.name}: no column {', '.join(map(repr, new))}, which a later file has and "
            "the store keeps: empty for the rows of every file without it",
            stacklevel=4,
        )
    if file == 0:
        return notyet
    if new := [c for c in gone if c not in later and ("empty", c) not in said_before]:
        import warnings

        said_before.update(("empty", c) for c in new)
        warnings.warn(
            f"{path.name}: no column {', '.join(map(repr, new))}, which the first file has and "
            "the store keeps: empty for this file's rows (and any later file without it)",
            stacklevel=4,
        )
    return gone


def table_never_starts(path: Path, most: int = 60) -> str | None:
    """Why a short file of text lines has no table under its title lines (badin40 254, 259: a
    lap timer's export of its preamble alone, or of its preamble and header, was "missing
    column(s) ... the file has ['This file is created using ...']"): it ends after a header
    naming a latitude and a longitude, or holds no such header at all; None otherwise."""
    from trajlm.data.column_names import find_columns

    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            lines = [x.strip() for _, x in zip(range(most + 1), f, strict=False)]
    except OSError:
        return None
    if len(lines) > most or not lines:
        return None
    for n, x in enumerate(lines, 1):
        names = [c.strip().strip('"') for c in re.split(r"[,;\t]", x)]
        if find_columns("lat", names) and find_columns("lon", names):
            rows = [y for y in lines[n:] if y and any(ch.isdigit() for ch in y)]
            if len(rows) <= 2:  # a units / sources row or two (RaceChrono), no fix
                return (f"the file ends after its header (line {n}: {x[:60]!r}...) with no data "
                        f"rows: {len(lines)} lines in all, no fix")  # fmt: skip
            return None
    if any(len(re.split(r"[,;\t]", x)) >= 4 for x in lines):  # a table of other names
        return None
    return (f"{len(lines)} line(s) of text and no table under them (no line names a latitude and "
            f"a longitude; line 1: {lines[0][:70]!r})")  # fmt: skip
