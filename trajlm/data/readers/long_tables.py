"""Two table shapes written as a plain point CSV before the read (`spreadsheet.sheets_as_csv`),
each refused with no way on before heldout33 (docs/data.md "Session 33 (heldout33)"):

- **Geohash positions**: a CSV with no latitude / longitude column but one named like
  `geohash` (`geohash`, `geo_hash`, `geohash8`, `location_geohash`) whose cells are geohashes
  (5-12 of `0-9b-hjkmnp-z`): `lat` / `lon` added, each cell's centre; a warning says the cell
  size (a geohash is a cell, not a fix). A cell that is no geohash is one line naming it.
- **Long ("tidy") measurement tables**: InfluxDB 2 annotated CSV (`#group` / `#datatype` /
  `#default` lines, a blank first column, a table per series, repeated header blocks) and any
  CSV with `_field` / `_value` (or `field` / `value`) columns where the field names hold one
  latitude and one longitude (`lat`, `latitude`, `lon`, `lng`, `longitude`): pivoted to a row
  per (time, series tags) with one column per field. Rows whose time and tags have a latitude
  but no longitude (or the reverse) are left out and counted in one warning.

Frames of either shape given to the Python API are read the same way (`reshaped_frame`, from
coerce.py), unless the caller names the latitude / longitude columns.
"""

from __future__ import annotations

import csv
import re
import warnings
from pathlib import Path

import polars as pl

from trajlm.data.column_names import find_columns, normalised
from trajlm.data.readers._fields import sniff_sep
from trajlm.data.readers._file_io import head, write_csv
from trajlm.data.schema import TrajlmInputError
from trajlm.errors import warn_at_caller

_B32 = "0123456789bcdefghjkmnpqrstuvwxyz"
_GEOHASH = re.compile(r"(?i)^[0-9b-hjkmnp-z]{5,12}$")
_TABLES = (".csv", ".txt", ".tsv")
_LAT_FIELDS, _LON_FIELDS = {"lat", "latitude"}, {"lon", "lng", "long", "longitude"}
# Influx's bookkeeping columns: not series tags (each table's query window and number)
_INFLUX_META = {"", "result", "table", "_start", "_stop", "_measurement"}


def _header(path: Path) -> tuple[str, list[str]] | None:
    """(separator, header) of the first line that is not an annotation (`#...`)."""
    if not path.is_file() or path.suffix.lower() not in _TABLES:
        return None
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as f:
            for _ in range(50):
                line = f.readline(1 << 20)
                if not line:
                    return None
                if line.strip() and not line.startswith("#"):
                    sep = sniff_sep(line) or ","
                    return sep, next(csv.reader([line.rstrip("\r\n")], delimiter=sep), [])
    except OSError:
        return None
    return None


# -- geohash ---------------------------------------------------------------------------------


def geohash_column(header: list[str]) -> int | None:
    """The geohash column of a header with no latitude / longitude column, else None."""
    names = [h.strip() for h in header]
    if find_columns("lat", names) or find_columns("lon", names):
        return None
    hits = [k for k, n in enumerate(names) if "geohash" in normalised(n).replace("_", "")]
    return hits[0] if len(hits) == 1 else None


def is_geohash_table(path: Path) -> bool:
    got = _header(path)
    return got is not None and geohash_column(got[1]) is not None


def geohash_centre(code: str) -> tuple[float, float, float, float]:
    """(lat, lon, lat half-height, lon half-width) of a geohash cell, in degrees."""
    lo, hi, even = [-90.0, -180.0], [90.0, 180.0], True
    for ch in code.lower():
        bits = _B32.index(ch)
        for shift in range(4, -1, -1):
            i = 1 if even else 0  # even bits split longitude
            mid = (lo[i] + hi[i]) / 2
            if bits >> shift & 1:
                lo[i] = mid
            else:
                hi[i] = mid
            even = not even
    return (lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (hi[0] - lo[0]) / 2, (hi[1] - lo[1]) / 2


def geohash_as_csv(path: Path, out: Path) -> list[int]:
    """`path` with `lat`, `lon` (each geohash cell's centre) appended at `out`; each CSV line's
    line in `path` (for errors)."""
    sep, header = _header(path)  # type: ignore[misc]
    col = geohash_column(header)
    assert col is not None
    where, sizes = [1], set()
    with (
        path.open(encoding="utf-8-sig", errors="replace", newline="") as src,
        out.open("w", newline="", encoding="utf-8") as dst,
    ):
        w = csv.writer(dst, lineterminator="\n")
        rows = csv.reader(src, delimiter=sep)
        w.writerow([*next(rows), "lat", "lon"])
        for row in rows:
            if not any(c.strip() for c in row):
                continue
            code = row[col].strip() if col < len(row) else ""
            if code and not _GEOHASH.match(code):
                raise TrajlmInputError(
                    f"{code[:40]!r} is not a geohash (5-12 of 0-9, b-h, j, k, m, n, p-z)",
                    path=path,
                    line=rows.line_num,
                    field=header[col],
                )
            lat, lon = ("", "")
            if code:
                lat, lon, *_ = geohash_centre(code)
                sizes.add(len(code))
            w.writerow([*row, lat, lon])
            where.append(rows.line_num)
    if sizes:
        dlat, dlon = geohash_centre("s" * min(sizes))[2:]
        warnings.warn(
            f"{path.name}: positions are the centres of the '{header[col]}' geohash cells "
            f"({min(sizes)}+ characters: up to {dlat * 111_320:,.0f} m north-south, "
            f"{dlon * 111_320:,.0f} m east-west from the fix at the equator)",
            stacklevel=2,
        )
    return where


# -- long (field / value) tables ---------------------------------------------------------------


def _long_columns(header: list[str]) -> tuple[int, int] | None:
    names = [normalised(h.strip()) for h in header]
    for f, v in (("_field", "_value"), ("field", "value")):
        if f in names and v in names:
            return names.index(f), names.index(v)
    return None


def is_long_table(path: Path) -> bool:
    """A CSV (InfluxDB annotated or plain) with field / value columns whose fields name a
    latitude and a longitude."""
    got = _header(path)
    if got is None or (cols := _long_columns(got[1])) is None:
        return False
    fields: set[str] = set()
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as f:
        for k, row in enumerate(csv.reader(f, delimiter=got[0])):
            if k > 20_000:
                break
            if row and not row[0].startswith("#") and len(row) > cols[0]:
                fields.add(row[cols[0]].strip().lower())
    if bool(fields & _LAT_FIELDS) and bool(fields & _LON_FIELDS):
        return True
    # badin33b: an Influx export without both position fields (or of no rows) was read as a
    # plain CSV and refused as "column name(s) ['false', 'true'] appear more than once"; read
    # here, it gets its own line (long_table_as_csv). A wide table's lat / lon columns win.
    wide = {normalised(h.strip()) for h in got[1]} & (_LAT_FIELDS | _LON_FIELDS)
    return not wide and head(path, 16).startswith((b"#group", b"#datatype", b"\xef\xbb\xbf#"))


def long_table_as_csv(path: Path, out: Path) -> list[int]:
    """The field / value rows of `path` pivoted at `out`: the time, the series tags, a column
    per field. Returns no line map (`[]`): each pivoted row gathers several source lines."""
    sep, header = _header(path)  # type: ignore[misc]
    fcol, vcol = _long_columns(header)  # type: ignore[misc]
    names = [h.strip() for h in header]
    tcol = next((k for k, n in enumerate(names) if normalised(n) in ("_time", "time")), None)
    if tcol is None:
        found = find_columns("t", [n for k, n in enumerate(names) if k not in (fcol, vcol)])
        tcol = names.index(found[0]) if len(found) == 1 else None
    if tcol is None:
        raise TrajlmInputError(
            f"a field / value table ('{names[fcol]}' / '{names[vcol]}') with no time column",
            path=path,
            line=1,
        )
    tags = [k for k, n in enumerate(names)
            if k not in (fcol, vcol, tcol) and normalised(n) not in _INFLUX_META]  # fmt: skip
    points: dict[tuple[str, ...], dict[str, str]] = {}
    fields: list[str] = []
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as f:
        for row in csv.reader(f, delimiter=sep):
            if not row or row[0].startswith("#") or not any(c.strip() for c in row):
                continue
            if [c.strip() for c in row] == names:  # a header block repeated (another table)
                continue
            cells = [c.strip() for c in row] + [""] * (len(names) - len(row))
            key = (cells[tcol], *(cells[k] for k in tags))
            field = cells[fcol]
            if field not in fields:
                fields.append(field)
            points.setdefault(key, {})[field] = cells[vcol]
    lat = next((f for f in fields if f.lower() in _LAT_FIELDS), None)
    lon = next((f for f in fields if f.lower() in _LON_FIELDS), None)
    if lat is None or lon is None:
        raise TrajlmInputError(
            f"a field / value table ('{names[fcol]}' / '{names[vcol]}') whose fields {fields[:8]} "
            "hold no " + ("latitude" if lat is None else "longitude") + " field (lat, latitude / "
            "lon, lng, longitude): query both position fields",
            path=path,
        )
    half = sum((lat in p) != (lon in p) for p in points.values())
    if half:
        warnings.warn(
            f"{path.name}: {half:,} time(s) with a '{lat}' but no '{lon}' value (or the "
            "reverse) left out",
            stacklevel=2,
        )
    rows = ([*key, *(vals.get(f, "") for f in fields)]
            for key, vals in sorted(points.items(), key=lambda kv: (kv[0][1:], kv[0][0]))
            if (lat in vals) == (lon in vals))  # fmt: skip
    write_csv(out, [names[tcol], *(names[k] for k in tags), *fields], rows)
    return []


# -- the same two shapes as frames (the Python API: coerce.py) --------------------------------


def reshaped_frame(df: pl.DataFrame, lat_col: str | None, lon_col: str | None) -> pl.DataFrame:
    """A frame of geohashes with `lat` / `lon` added, or a field / value frame pivoted, as the
    files are read (heldout33: both were "no lat column"); others unchanged, and any frame
    whose latitude / longitude the caller named."""
    if lat_col is not None or lon_col is not None:
        return df
    cols = list(df.columns)
    k = geohash_column(cols)
    if k is not None and df.schema[cols[k]] == pl.Utf8:
        return _geohash_frame(df, cols[k])
    if (lc := _long_columns(cols)) is not None and not find_columns("lat", cols):
        return _pivot_frame(df, cols[lc[0]], cols[lc[1]])
    return df


def _geohash_frame(df: pl.DataFrame, col: str) -> pl.DataFrame:
    codes = df[col].str.strip_chars()
    bad = codes.drop_nulls().filter(~codes.drop_nulls().str.contains(_GEOHASH.pattern))
    if len(bad):
        raise TrajlmInputError(
            f"{bad[0][:40]!r} is not a geohash (5-12 of 0-9, b-h, j, k, m, n, p-z)", field=col
        )
    centres = [geohash_centre(c)[:2] if c else (None, None) for c in codes.to_list()]
    if n := codes.drop_nulls().str.len_chars().min():
        dlat, dlon = geohash_centre("s" * int(n))[2:]
        warn_at_caller(
            f"positions are the centres of the {col!r} geohash cells ({n}+ characters: up to "
            f"{dlat * 111_320:,.0f} m north-south, {dlon * 111_320:,.0f} m east-west at the "
            "equator)"
        )
    return df.with_columns(
        pl.Series("lat", [c[0] for c in centres], pl.Float64),
        pl.Series("lon", [c[1] for c in centres], pl.Float64),
    )


def _pivot_frame(df: pl.DataFrame, fcol: str, vcol: str) -> pl.DataFrame:
    fields = df[fcol].cast(pl.Utf8).drop_nulls().unique(maintain_order=True).to_list()
    lat = next((f for f in fields if f.lower() in _LAT_FIELDS), None)
    lon = next((f for f in fields if f.lower() in _LON_FIELDS), None)
    if lat is None or lon is None:
        return df
    names = [c for c in df.columns if c not in (fcol, vcol)]
    tcol = next((c for c in names if normalised(c) in ("_time", "time")), None)
    if tcol is None and len(found := find_columns("t", names)) == 1:
        tcol = found[0]
    if tcol is None:
        raise TrajlmInputError(
            f"a field / value frame ({fcol!r} / {vcol!r}) with no time column", field=fcol
        )
    # series tags: not Influx's bookkeeping, pandas' `Unnamed: 0` (the blank first column), nor
    # a row's own number (the frame's `_file_line`): each differs between a time's fields
    tags = [c for c in names if c != tcol and normalised(c) not in _INFLUX_META
            and not c.startswith(("Unnamed:", "_file_line")) and df[c].null_count() < len(df)]  # fmt: skip
    wide = df.select(tcol, *tags, pl.col(fcol).cast(pl.Utf8), vcol).pivot(
        on=fcol, index=[tcol, *tags], values=vcol, aggregate_function="first"
    )
    both = pl.col(lat).is_not_null() & pl.col(lon).is_not_null()
    half = wide.filter(pl.col(lat).is_null() != pl.col(lon).is_null()).height
    if half:
        warn_at_caller(
            f"{half:,} time(s) with a {lat!r} but no {lon!r} value (or the reverse) left out"
        )
    warn_at_caller(
        f"a field / value frame: {fcol!r} values pivoted to columns ({', '.join(fields[:6])}) "
        f"per {tcol!r}" + (f" and {tags}" if tags else "")
    )
    return wide.filter(both).sort([*tags, tcol])
