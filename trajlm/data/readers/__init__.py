"""Readers: raw trajectory files -> canonical table (`trajlm.data.schema`) + DropReport.

    df, report = read("train.1k.csv", "porto")                       # whole table
    for chunk, report in iter_read("Data/", "geolife", chunk_rows=200_000): ...   # streaming
    read("route14_outbound.csv", "csv", columns=PRESETS["liverpool_bus"])
    read("icebergs_v5.zip", "csv", columns=PRESETS["icebergs"])        # zip members, streamed
    read("points.csv", "auto")   # format from names / headers; id, time, lat, lon columns guessed

Readers only parse. They drop (on_error="skip", counted) or raise on (on_error="raise", the
default: TrajlmInputError naming file, line and field) rows that cannot be canonical points:
malformed lines, non-UTF-8 bytes, unparseable fields, NaN/inf, |lat| > 90, |lon| > 180,
t < 1990, t in the future. Speed filters, gap splits and de-duplication are `clean.py`'s job.
Counting: `report.rows_in` = input records (points; a record that yields no point, e.g. a
malformed line or an empty Porto POLYLINE, counts one) and rows_in == len(df) + report.total.
Repairs that keep rows (re-sorting by time, a GeoLife header line missing) are counted in
`report.repaired`. Structural checks and resource limits: docs/reliability.md ("Readers").
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import polars as pl

from trajlm.data.readers._common import ColumnMap, Ctx, ReadLimits
from trajlm.data.readers._export_folders import export_data_files
from trajlm.data.readers._lines import expand_paths, header_names, rglob_follow, sniff_sep
from trajlm.data.readers._nmea_lines import nmea_files
from trajlm.data.readers._partitions import read_by_partition, store_points
from trajlm.data.readers._regroup import check_points_per_traj, regroup
from trajlm.data.readers._sources import byte_copies
from trajlm.data.readers._times import exact_seconds
from trajlm.data.readers.ais import iter_ais
from trajlm.data.readers.aivdm import iter_aivdm
from trajlm.data.readers.archives import (
    cleanup_after,
    member_error,
    unpack,
    warnings_name_sources,
)
from trajlm.data.readers.detect import (
    TRACK_FORMATS as TRACK_FORMATS,
)
from trajlm.data.readers.detect import (
    detect_format,
    file_format,
    resolve_columns,
    track_files,
)
from trajlm.data.readers.file_format import FOLDER_TRACK_FORMATS, archives_in, json_folder
from trajlm.data.readers.fit import iter_fit
from trajlm.data.readers.geolife import iter_geolife
from trajlm.data.readers.gpx import iter_gpx
from trajlm.data.readers.gtfs_rt import iter_gtfs_rt
from trajlm.data.readers.gz import activity_types
from trajlm.data.readers.igc import iter_igc
from trajlm.data.readers.mapmatched import iter_mapmatched
from trajlm.data.readers.mfjson import iter_mfjson
from trajlm.data.readers.nmea import iter_nmea
from trajlm.data.readers.ozi import iter_ozi
from trajlm.data.readers.parquet_table import iter_parquet
from trajlm.data.readers.pitch_feeds import CUT_SHORT
from trajlm.data.readers.porto import iter_porto
from trajlm.data.readers.queclink import iter_queclink
from trajlm.data.readers.spreadsheet import cut_lines, layer_of, pitch_of, sheets_as_csv
from trajlm.data.readers.tabular import PRESETS, iter_csv
from trajlm.data.readers.xml_tracks import iter_xml_tracks
from trajlm.data.schema import DropReport, OnError, TrajlmInputError, conform, empty_table

FORMATS = (
    "porto", "geolife", "ais", "gpx", "tdrive", "csv", "parquet", "porto_mapmatched", "mfjson",
    "kml", "tcx", "nmea", "fit", "igc", "aivdm", "gtfs_rt", "tracks", "ozi", "sml", "queclink",
)  # fmt: skip
# Files picked up when a directory is given.
_PATTERNS = {
    "geolife": "*.plt",
    "gpx": "*.gpx",
    "parquet": "*.parquet",
    "porto_mapmatched": "*_input.txt",
    "mfjson": "*.*json",  # .json, .geojson
    "kml": "*.km[lz]",
    "tcx": "*.tcx",
    "sml": "*.sml",
    "nmea": "*.nm*",
    "fit": "*.fit*",  # .fit, .fit.gz
    "igc": "*.igc*",
    "gtfs_rt": "*.pb*",
    "ozi": "*.plt*",
    "queclink": "*.*",
}
# Formats whose files under a folder are chosen by their content / per-file format.
_BY_FILE = ("aivdm", "tracks")

# Formats whose chunks hold whole trajectories with ids unique across the read by
# construction (Porto: one row per trip, duplicate TRIP_IDs refused; GeoLife: one file per
# trajectory, duplicate ids refused). The others go through `regroup`.
_WHOLE = ("porto", "geolife")

__all__ = ["FORMATS", "PRESETS", "ColumnMap", "ReadLimits", "detect_format", "iter_read", "read",
           "resolve_columns", "header_names", "sniff_sep"]  # fmt: skip


def check_keep_copies(keep_copies: object) -> None:
    """keep_copies is True or False: a string such as "no" is truthy and read byte copies twice
    without a word (badin23)."""
    if not isinstance(keep_copies, bool):
        raise TrajlmInputError(
            f"keep_copies must be True or False, got {keep_copies!r}", field="keep_copies"
        )


def _open(
    paths: str | Path | Sequence[str | Path],
    format: str,
    on_error: OnError,
    columns: ColumnMap | None,
    chunk_rows: int,
    limits: ReadLimits | None,
    keep_copies: bool = False,
) -> tuple[Ctx, Iterator[pl.DataFrame]]:
    check_keep_copies(keep_copies)
    paths, sheets = sheets_as_csv(
        store_points([Path(p) for p in ([paths] if isinstance(paths, str | Path) else paths)]),
        format,
        layer_of(columns),
        pitch_of(columns),
        on_error,
    )
    try:
        with warnings_name_sources(sheets):  # `s.xlsx: units row ...`, not the sheet's CSV
            ctx, chunks = _open_read(
                paths, format, on_error, columns, chunk_rows, limits, keep_copies
            )
        ctx.report.rows_in += cut_lines(sheets)  # a feed's lines cut short (fix40): in and
        ctx.report.drop(CUT_SHORT, cut_lines(sheets))  # out, so that rows in - dropped = kept
    except TrajlmInputError as e:
        if sheets is not None:
            sheets.cleanup()
        raise member_error(e, sheets) from None
    return ctx, cleanup_after(chunks, sheets)  # .xlsx: the sheet's CSV removed after the read


def _open_read(
    paths: list[Path],
    format: str,
    on_error: OnError,
    columns: ColumnMap | None,
    chunk_rows: int,
    limits: ReadLimits | None,
    keep_copies: bool = False,
) -> tuple[Ctx, Iterator[pl.DataFrame]]:
    if format == "auto":
        format = detect_format(paths)
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; choose 'auto' or one of {FORMATS}")
    given = columns
    columns, _ = resolve_columns(paths, format, columns)
    default_crs = ColumnMap.__dataclass_fields__["crs"].default
    if format == "csv" and columns is not None and (given is None or given.crs == default_crs):
        from trajlm.data.readers.gis_files import prj_crs

        if (crs := prj_crs(paths)) is not None:  # `cabs.prj` beside `cabs.csv`, as ingest reads it
            columns = dataclasses.replace(columns, crs=crs)
            warnings.warn(f"coordinates in {crs}, from the .prj file beside the CSV", stacklevel=3)
    if chunk_rows < 1:
        raise ValueError(f"chunk_rows must be >= 1, got {chunk_rows}")
    ctx = Ctx(on_error, limits=limits or ReadLimits.from_env(), keep_copies=keep_copies)
    ctx.columns_mapped = format in ("csv", "parquet", "tdrive", "ais")
    ctx.full_rate = bool(getattr(columns, "full_rate", False))  # sports37 (full_rate.py)
    ctx.sub_second = bool(getattr(columns, "sub_second", False))  # subsec38 (subsec_store.py)
    tmp = None
    if format == "tracks":  # an export .zip: its track members, extracted (archives.py)
        given = [Path(p) for p in ([paths] if isinstance(paths, str | Path) else paths)]
        # an unzipped export whose tracks are in zips (Garmin): those zips instead of the folder
        paths, tmp = unpack([z for q in given for z in (archives_in(q) or [q])], ctx.limits)
    if format in _BY_FILE:
        files = _files_by_content(paths, format)
    elif format == "mfjson":  # a folder of JSON under other names (Find My `.data`)
        given = [Path(p) for p in ([paths] if isinstance(paths, str | Path) else paths)]
        files = [
            f
            for q in given
            for f in (
                export_data_files(q)  # a DynamoDB export's data, not its manifests (heldout39)
                or (
                    json_folder(q)
                    if q.is_dir() and not rglob_follow(q, "*.*json")
                    else expand_paths(q, "*.*json")
                )
            )
        ]
    elif format == "nmea":  # a dashcam's folder of `.gps` NMEA clips (heldout40)
        given = [Path(p) for p in ([paths] if isinstance(paths, str | Path) else paths)]
        files = [f for q in given for f in nmea_files(q) or expand_paths(q, "*.nm*")]
    else:
        files = expand_paths(paths, _PATTERNS.get(format, "*.csv"))
    copies: list[Path] = []
    if format not in _WHOLE and not keep_copies:  # GeoLife compares its points itself
        files, copies = byte_copies(files)
    # region=north/, region=south/: an id read inside its partition (session 33, _partitions.py)
    chunks = read_by_partition(files, lambda fs: _reader(fs, format, ctx, columns, chunk_rows))
    if format not in _WHOLE:
        chunks = regroup(chunks, ctx, chunk_rows)
    if copies:
        chunks = _count_copies(chunks, copies, format, ctx, columns, chunk_rows)
    return ctx, cleanup_after(_limit_points(chunks, ctx), tmp)


def _count_copies(
    chunks: Iterator[pl.DataFrame],
    copies: list[Path],
    format: str,
    ctx: Ctx,
    columns: ColumnMap | None,
    chunk_rows: int,
) -> Iterator[pl.DataFrame]:
    """The chunks, then each byte copy's records counted as `duplicate_file` (read, not kept:
    rows_in == kept + dropped holds as for GeoLife's copies)."""
    yield from chunks
    for copy in copies:
        scratch = Ctx(ctx.on_error, limits=ctx.limits)
        with warnings.catch_warnings():  # said once already, for the original
            warnings.simplefilter("ignore")
            for _ in _reader([copy], format, scratch, columns, chunk_rows):
                pass
        ctx.report.rows_in += scratch.report.rows_in
        ctx.report.drop("duplicate_file", scratch.report.rows_in)


def _files_by_content(paths: str | Path | Sequence[str | Path], format: str) -> list[Path]:
    """aivdm: the files holding !AIVDM sentences; tracks: every track file (GPX, TCX, KML, FIT,
    IGC, NMEA and their .gz), each to be read with its own reader."""
    files = []
    for p in [paths] if isinstance(paths, str | Path) else paths:
        p = Path(p)
        if p.is_dir():
            if format == "tracks":
                found = list(track_files(p))
            else:
                found = [f for f in expand_paths(p, "*") if file_format(f) == "aivdm"]
            if not found:
                raise TrajlmInputError(f"no {format} files under directory", path=p)
            files.extend(found)
        else:
            files.extend(expand_paths(p, "*"))
    return files


def _tracks(files: list[Path], ctx: Ctx, chunk_rows: int) -> Iterator[pl.DataFrame]:
    """Each file with the reader of its own format (a Strava export's activities/)."""
    by_format: dict[str, list[Path]] = {}
    for f in files:
        by_format.setdefault(file_format(f) or "", []).append(f)
    for fmt, group in by_format.items():
        if fmt not in FOLDER_TRACK_FORMATS:
            names = ", ".join(f.name for f in group[:3])
            raise TrajlmInputError(f"not a track file trajlm reads: {names}", path=group[0].parent)
        labels = activity_types(group)
        for chunk in _reader(group, fmt, ctx, None, chunk_rows):
            if labels:  # Strava's activity type per file, as the trajectory's label
                first = pl.col("traj_id").str.split("/").list.first()
                own = pl.col("label") if "label" in chunk.columns else None  # a FIT's sport
                chunk = chunk.with_columns(
                    label=first.replace_strict(labels, default=own, return_dtype=pl.Utf8)
                )
            yield chunk


def _reader(
    files: list[Path], format: str, ctx: Ctx, columns: ColumnMap | None, chunk_rows: int
) -> Iterator[pl.DataFrame]:
    if format == "fit":
        return iter_fit(files, ctx)
    if format == "igc":
        return iter_igc(files, ctx)
    if format == "aivdm":
        return iter_aivdm(files, ctx)
    if format == "gtfs_rt":
        return iter_gtfs_rt(files, ctx)
    if format == "tracks":
        return _tracks(files, ctx, chunk_rows)
    if format == "ozi":
        return iter_ozi(files, ctx)
    if format == "queclink":
        return iter_queclink(files, ctx)
    if format == "porto":
        return iter_porto(files, ctx, chunk_rows)
    if format == "geolife":
        return iter_geolife(files, ctx, chunk_rows)
    if format == "ais":
        return iter_ais(files, ctx, chunk_rows, columns)
    if format == "gpx":
        return iter_gpx(files, ctx, chunk_rows)
    if format == "tdrive":
        return iter_csv(files, columns or PRESETS["tdrive"], ctx, chunk_rows)
    if format == "csv":
        return iter_csv(files, columns or ColumnMap(), ctx, chunk_rows)
    if format == "porto_mapmatched":
        return iter_mapmatched(files, ctx, chunk_rows)
    if format == "mfjson":
        return iter_mfjson(files, ctx, chunk_rows, columns)
    if format in ("kml", "tcx", "sml"):
        return iter_xml_tracks(files, ctx, format)
    if format == "nmea":
        return iter_nmea(files, ctx)
    return iter_parquet(files, columns or ColumnMap(), ctx, chunk_rows)


def _limit_points(chunks: Iterator[pl.DataFrame], ctx: Ctx) -> Iterator[pl.DataFrame]:
    """Chunks hold whole trajectories here: refuse one over limits.max_points_per_traj."""
    for chunk in chunks:
        if len(chunk) > ctx.limits.max_points_per_traj:
            check_points_per_traj(chunk.group_by("traj_id").len(), ctx)
        yield chunk


def iter_read(
    paths: str | Path | Sequence[str | Path],
    format: str = "auto",
    *,
    on_error: OnError = "raise",
    columns: ColumnMap | None = None,
    chunk_rows: int = 500_000,
    limits: ReadLimits | None = None,
    keep_copies: bool = False,
) -> Iterator[tuple[pl.DataFrame, DropReport]]:
    """Stream (chunk, chunk_report) pairs; each chunk is canonical, sorted by (traj_id, t).

    Memory is bounded by chunk_rows (about that many points per chunk), not by file size. Each
    traj_id appears in exactly one chunk, whatever the row order of the input (a time-ordered
    feed is regrouped through a temporary spill, see _regroup.py), so cleaning chunk by chunk
    equals cleaning the whole read. chunk_report counts the drops since the previous chunk and has
    rows_in == len(chunk) + total, so `DropReport.add` over all chunks gives the whole read's
    report. Drops after the last kept row come with a final empty chunk. keep_copies=True reads
    byte copies of a file as files of their own (default: once, the copy counted as
    `duplicate_file`).
    """
    ctx, chunks = _open(paths, format, on_error, columns, chunk_rows, limits, keep_copies)
    seen = DropReport()  # drops already handed out
    for chunk in chunks:
        yield chunk, _delta(ctx.report, seen, len(chunk))
    late = ctx.report.total > seen.total or ctx.report.repaired != seen.repaired
    if late or ctx.report.rows_in == 0:
        yield empty_table(), _delta(ctx.report, seen, 0)


def _delta(now: DropReport, seen: DropReport, n_kept: int) -> DropReport:
    """Drops and repairs in `now` not yet in `seen` (then marked seen), for n_kept rows."""
    dropped = now.dropped - seen.dropped
    repaired = now.repaired - seen.repaired
    seen.dropped.update(dropped)
    seen.repaired.update(repaired)
    return DropReport(n_kept + sum(dropped.values()), dropped, repaired, now.first_problem)


def read(
    paths: str | Path | Sequence[str | Path],
    format: str = "auto",
    *,
    on_error: OnError = "raise",
    columns: ColumnMap | None = None,
    chunk_rows: int = 500_000,
    limits: ReadLimits | None = None,
    keep_copies: bool = False,
    exact_times: bool = False,
) -> tuple[pl.DataFrame, DropReport]:
    """Read whole files into one canonical table sorted by (traj_id, t), plus the DropReport
    (keep_copies: as iter_read). exact_times: `t` as float seconds where a fix has a fraction of
    a second (ADS-B traces' `4.56`, GPX's `.250Z`), for a model call that puts the fractions back
    on its answers (leftover34); a store keeps whole seconds (the default)."""
    ctx, chunks = _open(paths, format, on_error, columns, chunk_rows, limits, keep_copies)
    ctx.exact_times = exact_times  # read lazily: set before the first chunk is read
    parts = [c for c in chunks if len(c)]
    if not parts:
        return empty_table(), ctx.report
    df = conform(pl.concat(parts, how="diagonal_relaxed"))
    return (exact_seconds(df) if exact_times else df), ctx.report
