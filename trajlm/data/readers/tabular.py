"""Generic point-per-row CSV / Parquet reader with a column mapping, plus presets.

Presets (`PRESETS[name]`, pass as `columns=`; "ais" and "tdrive" are also formats):
  ais            boat-positions.csv (MovingPandas / VesselsValue): ID, ais_pos_timestamp
                 "DD/MM/YYYY HH:MM" UTC, longitude, latitude; traj_id = vehicle_id = ID.
  tdrive         T-Drive TaxiID,TimeStamp,Longitude,Latitude. TimeStamp is Beijing local time
                 (UTC+8, no DST), converted to UTC by subtracting 8 h; traj_id = vehicle_id = TaxiID.
  liverpool_bus  UK BODS export: trip_id, timestamp (UTC), latitude, longitude, vehicle_id, bearing.
  geolife_small  MovingPandas demo extract (`;`-separated, X=lon, Y=lat, t with "+00" offset).
  hurricanes     MAT HURDAT extract: time from Year/Month/Day/Hour (UTC), lat, lon (negative =
                 W, as in HURDAT; a few east-of-0 points are real), traj_id = tid (one storm),
                 label = class (storm's max category), name = Name. min_t = 1900 (data from 1944).
  icebergs       BYU/NIC consolidated iceberg CSVs (read straight from icebergs_v5.zip): date =
                 YYYYDDD (UTC day), one iceberg per file (traj_id = member stem, e.g. "b15a"). The
                 position comes from whichever sensor columns the file has, first with a fix in the
                 order ascat, oscat, qscat, seawinds, nscat, ers, sass (daily scatterometer
                 tracks), then nic (irregular NIC reports); `coord_source` names it. Rows with no
                 fix at all (every pair 0, 0) are `no_fix`. min_t = 1900 (data from 1978).
  trackintel     trackintel positionfix CSVs (`;`-separated user_id, tracked_at, latitude,
                 longitude, ...): traj_id = "<file stem>/<user_id>", user_id kept; naive times
                 (posmo) are UTC, as trackintel reads them (tz="UTC").
  mat_animals    MAT Starkey animals: times are elapsed hours and coordinates an undocumented
                 planar transform: refused with a TrajlmInputError naming what reads them
                 (--time-origin ISO, and --crs EPSG:4326 to declare the values degrees).
  mat_vehicles   MAT Athens vehicles: elapsed seconds (refused without --time-origin), projected
                 metres EPSG:2100 (reprojected).

Rows of a trajectory need not be contiguous (a time-ordered feed interleaves vehicles): chunks
from here may then hold parts of a trajectory, and `iter_read` regroups them (_regroup.py) so
that every trajectory is in exactly one chunk. Rows whose time goes backwards within their
trajectory (in file order, across chunks and files) are counted as repaired["sorted_by_time"].
Which columns are read, and the refusals before a row is: _table_columns.py (session 24); the
rows as canonical points (coordinates, fix drops, kept columns): _table_points.py (review40b).
"""

from __future__ import annotations

import dataclasses
import gzip
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import polars as pl

from trajlm.data.readers._cf_units import cf_units_row, say_units
from trajlm.data.readers._clock_change import resolve_local
from trajlm.data.readers._common import (
    ColumnMap,
    Ctx,
    check_rows,
    count_resorted,
    finalize,
    hold_back,
)
from trajlm.data.readers._coord_text import hemisphere_columns, parse_coords
from trajlm.data.readers._encoding import SNIFF_BYTES, header_text, is_binary
from trajlm.data.readers._label_rows import label_rows
from trajlm.data.readers._lines import (
    after_comments,
    first_line,
    header_names,
    iter_line_blocks,
    iter_sources,
    lines_frame,
    split_fields,
)
from trajlm.data.readers._point_text import hex_points_as_wkt, one_column, point_exprs
from trajlm.data.readers._reused_ids import split_reused_ids
from trajlm.data.readers._row_zones import zoned_times
from trajlm.data.readers._sensors import say_unread_estimates
from trajlm.data.readers._speed_text import say_unread_speeds
from trajlm.data.readers._table_columns import (  # noqa: F401  (parquet_table imports them here)
    check_columns,
    check_mapping,
    coord_axes,
    coord_cols,
    dropped_extras,
    needed_columns,
    present_sources,
    renamed_columns,
    suggest_columns,
)
from trajlm.data.readers._table_points import column_fields, table_coords, to_points
from trajlm.data.readers._tabular_times import (
    column_time_hint,
    local_time_exprs,
    time_expr,
    zone_reader,
)
from trajlm.data.readers._times import date_and_time, with_offset
from trajlm.data.readers._zone_mix import refuse_zone_mix
from trajlm.data.readers.file_format import SEP_LINE, SPREADSHEET_HINT, binary_kind
from trajlm.data.readers.presets import HISTORICAL_MIN_T as HISTORICAL_MIN_T  # re-exported
from trajlm.data.readers.presets import PRESETS as PRESETS
from trajlm.data.schema import TrajlmInputError, conform


def file_without_rows(ctx: Ctx, file: int, what: str) -> None:
    """A file with no data rows: an error, or one counted `empty_file` unit."""
    if ctx.on_error == "raise":
        raise ctx.error(what, file, None, None)
    ctx.report.rows_in += 1
    ctx.report.drop("empty_file", 1)


def iter_csv(paths: list[Path], cm: ColumnMap, ctx: Ctx, chunk_rows: int) -> Iterator[pl.DataFrame]:
    """Stream canonical chunks (whole trajectories) from point-per-row CSV files.

    A `.zip` path is read member by member (those matching cm.zip_members), each member streamed
    through the same CSV path as a plain file, named `archive.zip/member.csv` in errors."""
    check_mapping(cm, paths)
    if cm.min_t is not None:
        ctx.min_t = cm.min_t
    ctx.time_hint, ctx.zone_column = column_time_hint(cm), cm.t_zone
    buf: list[pl.DataFrame] = []  # small files (zip members) are merged up to chunk_rows
    n_buf = 0
    for archive in paths:
        for path, opener in iter_sources(archive, cm.zip_members, ctx.limits):
            try:
                for chunk in _csv_file(path, opener, cm, ctx, chunk_rows):
                    buf.append(chunk)
                    n_buf += len(chunk)
                    if n_buf >= chunk_rows:
                        yield conform(pl.concat(buf, how="diagonal_relaxed"))
                        buf, n_buf = [], 0
            except zipfile.BadZipFile as e:  # a corrupt member (e.g. CRC mismatch)
                raise TrajlmInputError(f"corrupt zip member ({e})", path=path) from None
            except (gzip.BadGzipFile, EOFError, zlib.error) as e:  # damaged or cut .gz
                raise TrajlmInputError(f"not a readable gzip file ({e})", path=path) from None
    if buf:
        yield conform(pl.concat(buf, how="diagonal_relaxed"))


def _refuse_binary(path: Path, opener: Callable[[], IO[bytes]]) -> None:
    """Raise when the file's raw first bytes are not text in any encoding (random, compressed
    or encrypted data named .csv): no conversion advice fits such a file."""
    if path.is_file() and path.suffix.lower() != ".gz":  # raw bytes, before UTF-16 decoding
        with open(path, "rb") as f:
            head = f.read(SNIFF_BYTES)
    else:
        with opener() as f:
            head = f.read(SNIFF_BYTES)
    if is_binary(head):
        raise TrajlmInputError(
            "not a text table: binary data (random, compressed or encrypted bytes), not CSV "
            "in any text encoding",
            path=path,
            hint="check that this is the file you meant (a compressed export keeps its "
            ".gz / .zip name)",
        )


def _csv_file(
    path: Path, opener: Callable[[], IO[bytes]], cm: ColumnMap, ctx: Ctx, chunk_rows: int
) -> Iterator[pl.DataFrame]:
    file = ctx.add_path(path)
    first, skip = first_line(opener, path, ctx.limits.max_line_bytes), 1
    if declared := SEP_LINE.fullmatch(first):  # Excel's `sep=,` line (DJI flight records)
        cm, skip = dataclasses.replace(cm, sep=declared[1].decode()), 2
        with opener() as f:
            first = f.readline(ctx.limits.max_line_bytes + 1) and f.readline(
                ctx.limits.max_line_bytes + 1
            )
    if skip == 1:  # `# exported by ...` comment lines before the header (_lines.py)
        first, skip = after_comments(opener, first, ctx.limits.max_line_bytes)
    if not first.strip():
        _refuse_binary(path, opener)
        file_without_rows(ctx, file, "file is empty (expected a header line)")
        return
    try:
        if b"\x00" in first:  # UTF-16 without a byte-order mark (with one: _encoding.py)
            raise UnicodeDecodeError("utf-8", first, 0, 1, "NUL byte")
        if "\ufffd".encode() in first:  # a UTF-16 decoding error (_encoding.py): binary?
            _refuse_binary(path, opener)
        try:
            names = header_names(header_text(first), cm.sep, path, line_no=skip)
        except TrajlmInputError:  # random bytes whose first "line" happens to be UTF-8
            _refuse_binary(path, opener)
            raise
    except UnicodeDecodeError:  # the whole file, most likely: skipping rows cannot help
        if kind := binary_kind(first):
            raise TrajlmInputError(
                f"not CSV text: {kind}", path=path, hint=SPREADSHEET_HINT
            ) from None
        _refuse_binary(path, opener)
        if not first.strip(b"\x00\r\n"):  # not UTF-16: nothing but NULs
            raise TrajlmInputError(
                "header line is only NUL bytes: a zero-filled file (space reserved but never "
                "written, e.g. a copy cut short by a crash)",
                path=path,
                line=skip,
            ) from None
        if first[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in first:  # cp1252 advice: garbage
            raise TrajlmInputError(
                "header is UTF-16 (Excel's 'Unicode Text' / PowerShell export), not UTF-8",
                path=path,
                line=skip,
                hint="convert it first: iconv -f utf-16 -t utf-8 IN.csv > OUT.csv",
            ) from None
        from trajlm.data.readers._encoding import east_asian_header

        if asian := east_asian_header(first):  # not Western: cp1252's advice is wrong here
            raise TrajlmInputError(
                f"header is not valid UTF-8: {asian[0]}",
                path=path,
                line=skip,
                hint=f"convert it first: iconv -f {asian[1]} -t utf-8 -c IN.csv > OUT.csv (-c "
                "drops what is no character; Python: pd.read_csv(path, encoding="
                f"'{asian[1]}', encoding_errors='replace'))",
            ) from None
        raise TrajlmInputError(
            "header is not valid UTF-8 (a Windows-1252 / Latin-1 export, e.g. Excel's 'CSV')",
            path=path,
            line=skip,
            hint="convert it first: iconv -f cp1252 -t utf-8 IN.csv > OUT.csv (Python: "
            "pd.read_csv(path, encoding='cp1252')), or save it from Excel as 'CSV UTF-8'",
        ) from None
    names = renamed_columns(cm, names, path, ctx.said)  # `unit_id` for `vehicle_id` (newuser33)
    empty = dropped_extras(cm, names, path, file, ctx.said)  # a kept column gone in a later file
    try:
        check_columns(cm, names + empty, path, line=skip)
    except TrajlmInputError:  # a header of random bytes that happens to parse
        _refuse_binary(path, opener)
        raise
    units = cf_units_row(opener, skip, names, cm.sep, cm.lat, cm.lon)  # ERDDAP (_cf_units.py)
    if units:
        skip += 1
        say_units(path, units, {"lat": cm.lat, "lon": cm.lon})
    else:  # a lap timer's units / sources rows (RaceChrono; _label_rows.py, heldout39)
        skip += label_rows(opener, skip, names, cm.sep, cm.lat, cm.lon)
    point_col, named_cm = cm.lat, cm
    cm, point = one_column(cm)  # WKT POINT / "lat,lon" in one column (_point_text.py)
    axes = coord_axes(cm, names)
    hemi = None if cm.coord_sources else hemisphere_columns(names, cm.lat, cm.lon)
    carry, rows_before = None, ctx.report.rows_in
    blocks = iter_line_blocks(
        path, chunk_rows, skip=skip, opener=opener, max_line_bytes=ctx.limits.max_line_bytes
    )
    for data, line0 in blocks:
        raw = split_fields(lines_frame([(file, data, line0)], ctx), names, cm.sep, ctx)
        raw = raw.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c) for c in empty)
        if cm.traj_parent:  # `persid` numbered again in each `hhid`: the pair (detect.py)
            pair = pl.concat_str([pl.col(cm.traj_parent), pl.col(cm.traj_id)], separator="/")
            raw = raw.with_columns(pair.alias(cm.traj_id))
        if cm.t_date:  # Date + Time in two columns: one text, parsed as one time
            raw = raw.with_columns(date_and_time(cm.t_date, cm.t).alias(cm.t))
        if cm.t_offset:  # each row's UTC offset in a column of its own
            raw = raw.with_columns(with_offset(cm.t, cm.t_offset).alias(cm.t))
        refuse_zone_mix(raw, cm, path)  # `10:00 AKST` rows beside zone-less ones (leftover30)
        t_ms, local = time_expr(cm), local_time_exprs(cm)
        if cm.t_zone:  # each row's own zone (`Time Zone`: CST / MST; _row_zones.py)
            raw, t_ms, local = zoned_times(raw, cm.t, cm.t_zone, zone_reader(cm))
        if point:  # PostGIS' hex EWKB points as WKT text (_point_text.py)
            raw = hex_points_as_wkt(raw, point_col, cm.crs, path)
        if point and named_cm is not None:  # which of lat / lon the pairs write first
            point, named_cm = point_exprs(raw, point_col, named_cm, path, t_ms), None
        raw = table_coords(parse_coords(raw.with_columns(point), axes, hemi), cm, ctx)
        if units:  # degrees west / south: as degrees north / east
            raw = raw.with_columns(pl.col(f"_{k}") * f for k, (_, f) in units.items())
        say_unread_estimates(raw, cm.extra, ctx)  # accuracy / HDOP text left unread
        say_unread_speeds(raw, cm.extra, ctx)  # a speed cell that is no speed ("fast")
        pts = to_points(raw, cm, path.stem, t_ms, local)
        pts = check_rows(resolve_local(pts, ctx, cm.tz, cm.time_field()), ctx, column_fields(cm))
        pts = split_reused_ids(pts, ctx, path.name)  # one id, two movers at the same times
        count_resorted(pts, ctx, across_chunks=True)
        done, carry = hold_back(finalize(pts), carry)
        if len(done):
            yield conform(done)
    if carry is not None and len(carry):
        yield conform(carry)
    if ctx.report.rows_in == rows_before:
        file_without_rows(ctx, file, "file has a header but no data rows")
