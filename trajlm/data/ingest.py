"""Raw files -> readers -> cleaning -> store, with one merged drop report.

Readers stream chunks in which every trajectory is whole and appears only once (`iter_read`
regroups interleaved feeds), so each chunk is cleaned on its own, with the same result as
cleaning the whole read at once, and handed to the streaming store writer
(`store_stream.StoreStreamWriter`): memory stays bounded by a chunk and a part file, whatever
the input size (bench/scale.py: 100 M points).
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from trajlm.data.clean import IMPOSSIBLE_SPEED_MPS, clean, fast_points
from trajlm.data.clean_accuracy import unused_filters
from trajlm.data.full_rate import FullRateCheck
from trajlm.data.geo import is_local, is_wgs84
from trajlm.data.ingest_cleaning import (  # noqa: F401  (importable from here as before)
    FORMAT_PRESET,
    SOURCE_OVERRIDES,
    check_overrides,
    clean_config,
)
from trajlm.data.ingest_columns import LABEL_NAMES as LABEL_NAMES  # re-exported (llm/frames)
from trajlm.data.ingest_columns import (
    keep_label_column,
    keep_mds_columns,
    keep_sensor_columns,
    labelled_rows,
)
from trajlm.data.ingest_hints import nothing_left_hint, one_trip_per_row
from trajlm.data.ingest_progress import PlainProgress
from trajlm.data.jump_steps import JUMPS, JumpSteps
from trajlm.data.kind_columns import is_taxon, is_vessel_type, name_vessel_types
from trajlm.data.local_plane import refuse_degrees_as_local, refuse_plane_metres
from trajlm.data.long_stays import long_stays_line, trips_with_long_stays
from trajlm.data.periods import keep_period_column
from trajlm.data.radians_check import RadiansCheck
from trajlm.data.readers import ColumnMap, ReadLimits, detect_format, iter_read, resolve_columns
from trajlm.data.readers._argos import SAID as ARGOS_SAID
from trajlm.data.readers._argos import keep_argos_column
from trajlm.data.readers._column_map import option_refusal
from trajlm.data.readers._encoding import text_encodings
from trajlm.data.readers._geojson_points import point_columns
from trajlm.data.readers._naive_times import (
    STORE_CLOCK,
    kept_clock_line,
    text_offset_s,
    zone_given,
    zone_not_used,
    zone_refusal,
)
from trajlm.data.readers.ais import keep_motion_columns
from trajlm.data.readers.archives import member_error, warnings_name_sources
from trajlm.data.readers.detect import keep_owner_column, naive_times, unused_columns
from trajlm.data.readers.gis_files import prj_crs
from trajlm.data.readers.pedestrian_files import on_plane
from trajlm.data.readers.pitch_feeds import on_pitch
from trajlm.data.readers.spreadsheet import layer_of, pitch_of, sheets_as_csv
from trajlm.data.schema import DropReport, TrajlmInputError
from trajlm.data.store_stream import StoreStreamWriter
from trajlm.data.subsec_store import SubSecondSteps, thinned_line
from trajlm.data.synth_store import synth_store as synth_store  # re-exported (review38b split)
from trajlm.data.whole_labelled import mover_line, one_label_per_trajectory, per_mover_label
from trajlm.errors import warn_at_caller

# Known layouts whose times are the device's local time without a zone (said like any naive
# time column: --tz to place them).
LOCAL_TIME_LAYOUTS = ("dji_flightrecord",)
# the plane check's way to say x / y metres, for `trajlm data ingest` and `trajlm.ingest` (local37)
INGEST_LOCAL = "--crs local (trajlm.ingest: column_map={'crs': 'local'})"


def ingest(
    paths: str | Path | Sequence[str | Path],
    format: str,
    out: str | Path,
    *,
    preset: str = "auto",
    on_error: str = "raise",
    clean_overrides: dict | None = None,
    column_map: dict | None = None,
    column_preset: str | None = None,
    progress: bool = False,
    overwrite: bool = True,
    chunk_rows: int = 500_000,
    limits: ReadLimits | None = None,
    vehicle_col: str | None = None,
    keep_copies: bool = False,
    append: bool = False,
) -> dict:
    """Read, clean and store; returns the store manifest (with the merged drop report).

    ``append=True``: `out` is an existing store; the files' trajectories are added to its test
    split without rewriting its part files (`trajlm data ingest --append`; the rule and what is
    refused: data/store_append.py); returns the appended store's manifest (its ``appends``
    lists each append's files, counts and drop report; ``overwrite`` is not used).

    `overwrite=False` refuses an existing store at `out` (write_store). chunk_rows (points per
    streamed chunk) changes memory use, never the result; limits are the readers' resource
    limits (ReadLimits; default from the environment); keep_copies=True reads byte copies of a
    file as files of their own (PROTOCOL's GeoLife split; default: read once)."""
    from trajlm.data.readers import check_keep_copies  # a string "no" is truthy (badin23)

    if (
        not isinstance(append, bool) and type(append).__name__ != "bool_"
    ):  # numpy's True too  # append="yes" appended, append="no" too (badin36)
        raise TrajlmInputError(f"append must be True or False, got {append!r}", field="append")
    if not isinstance(paths, str | os.PathLike) and not list(paths):  # a StopIteration before
        raise TrajlmInputError("no input files: give one or more files or folders to read",
                               field="paths")  # fmt: skip
    if append:  # the files into a temporary store beside `out`, then appended to it
        from trajlm.data.store_append import ingest_appended

        again = dict(preset=preset, on_error=on_error, clean_overrides=clean_overrides,
                     column_map=column_map, column_preset=column_preset, progress=progress,
                     chunk_rows=chunk_rows, limits=limits, vehicle_col=vehicle_col,
                     keep_copies=keep_copies)  # fmt: skip
        paths = [paths] if isinstance(paths, str | Path) else list(paths)
        return ingest_appended(out, lambda tmp: ingest(paths, format, tmp, **again),
                               [str(p) for p in paths])  # fmt: skip

    check_keep_copies(keep_copies)
    if isinstance(paths, str | Path):  # one path, not a sequence of characters
        paths = [paths]
    for p in paths:
        if not Path(p).exists():
            raise TrajlmInputError("no such file or folder", path=p)
    sources = [str(Path(p)) for p in paths]
    from trajlm.data.readers._partitions import stores_column_map

    # a store given as input: its points (a night's store into the month's; newuser33)
    paths, column_map = stores_column_map(list(map(Path, paths)), column_map)
    paths, sheets = sheets_as_csv(paths, format, layer_of(column_map), pitch_of(column_map))
    column_map = on_pitch(column_map, getattr(sheets, "kinds", {}))  # Metrica / TRACAB
    column_map = on_plane(column_map, getattr(sheets, "kinds", {}))  # ETH / UCY, TrajNet++
    try:
        with warnings_name_sources(sheets):  # `s.xlsx: units row ...`, not the sheet's CSV
            return _ingest(paths, format, out, preset=preset, on_error=on_error,
                           clean_overrides=clean_overrides, column_map=column_map,
                           column_preset=column_preset, progress=progress, overwrite=overwrite,
                           chunk_rows=chunk_rows, limits=limits, vehicle_col=vehicle_col,
                           sources=sources, keep_copies=keep_copies,
                           converted=getattr(sheets, "kinds", {}))  # fmt: skip
    except TrajlmInputError as e:
        raise member_error(e, sheets) from None  # `book.xlsx!book.csv line 5`, no temp path
    finally:
        if sheets is not None:
            sheets.cleanup()


def _ingest(
    paths: list[Path], format: str, out: str | Path, *, preset: str, on_error: str,
    clean_overrides: dict | None, column_map: dict | None, column_preset: str | None,
    progress: bool, overwrite: bool, chunk_rows: int, limits: ReadLimits | None,
    vehicle_col: str | None, sources: list[str], keep_copies: bool = False,
    converted: dict[str, str] | None = None,
) -> dict:  # fmt: skip
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
    reading: dict = {"format": format}
    if keep_copies:  # the store says it holds byte copies twice (PROTOCOL's GeoLife split)
        reading["keep_copies"] = True
    if format == "auto":
        format = reading["format"] = detect_format(paths)
        reading["format_detected"] = True
    if converted:  # `app.db` read as the CSV it was written to: the kind read said too
        reading["converted_from"] = sorted(set(converted.values()))
        reading["converted_all"] = len(converted) == len(sources)
    columns = None
    if column_preset or column_map:
        from trajlm.data.readers import PRESETS as COLUMN_PRESETS

        if column_preset and column_preset not in COLUMN_PRESETS:
            raise ValueError(
                f"unknown column mapping {column_preset!r}; choose from {sorted(COLUMN_PRESETS)}"
            )
        base = COLUMN_PRESETS[column_preset] if column_preset else ColumnMap()
        columns = dataclasses.replace(base, **(column_map or {}))
        if column_preset:  # the layout named (`--columns liverpool_bus`): `trajlm ask` reads it
            reading["columns"] = column_preset
    if columns is not None and (why := option_refusal(format, columns)):  # every format (badin37:
        raise ValueError(why)  # a UTC GPX kept --tz +05:45 / --utc-offset 25 as its clock)
    if columns is not None and (why := zone_refusal(paths, format, columns)):
        raise ValueError(why)  # a UTC GPX is taken: the zone is its clock (zones36)
    columns, guessed = resolve_columns(paths, format, columns)
    if guessed:
        reading["columns_guessed"] = guessed
    if format == "csv" and columns is not None and not (column_map or {}).get("crs"):
        if (crs := prj_crs(paths)) is not None:  # `cabs.csv` + `cabs.prj` (session 20)
            columns = dataclasses.replace(columns, crs=crs)
            reading["crs_from_prj"] = crs
            warnings.warn(f"coordinates in {crs}, from the .prj file beside the CSV", stacklevel=2)
    if columns is not None and is_local(columns.crs):  # outputs go back to x / y (newuser36)
        reading["crs"] = "local"
    columns, owner = keep_owner_column(paths, format, columns, vehicle_col)
    if owner is not None:
        reading["owner_column"] = owner
    columns, label = keep_label_column(paths, format, columns)
    given = columns.extra.get("label") if columns is not None and label is None else None
    kind_col = (
        label or given
    )  # --label-col ship_type is a kind of mover as the found one is (badin23)
    if (
        owner is None
        and kind_col is not None
        and columns is not None
        and columns.traj_id
        and is_taxon(kind_col)
    ):
        # a Movebank animal's id is its mover's ("how many red deer" counts animals, not gap-split tracks; labels22)
        columns = dataclasses.replace(
            columns, extra={**columns.extra, "vehicle_id": columns.traj_id}
        )
        reading["owner_column"] = owner = columns.traj_id
    columns, _ = keep_motion_columns(paths, format, columns)  # SOG / COG kept (session 16)
    columns, _ = keep_mds_columns(paths, format, columns)  # provider, sticker (leftover36)
    columns, sensors = keep_sensor_columns(paths, format, columns)  # hr, cadence, ... (17)
    columns, accuracy = keep_sensor_columns(paths, format, columns, accuracy=True)
    columns, argos = keep_argos_column(paths, format, columns)  # Argos classes (session 29)
    columns, period = keep_period_column(paths, format, columns)  # a match's halves (sports37)
    if period is not None:
        reading["period_column"] = period
    if argos:
        warn_at_caller(ARGOS_SAID.format(col=argos))
    sensors = {**sensors, **accuracy}  # accuracy_m <- 'accuracy' (clean_accuracy.py)
    if sensors:  # said with the guessed columns: `heart_rate_bpm <- 'hr'`
        reading["columns_guessed"] = {**reading.get("columns_guessed", {}), **sensors}
    if label is not None:
        reading["label_column"] = label  # said once (the CLI prints which column was taken)
    if columns is not None and (columns.tz or columns.utc_offset_s):  # hours for `trajlm ask`
        reading["local_time"] = {"tz": columns.tz, "utc_offset_s": columns.utc_offset_s}
        # Unix times, `Z` / `+01:00` text, a UTC GPX: the instants stay and the zone is the
        # store's clock (leftover36: MDS trips in Los Angeles), said once (zones36: in the words
        # every route says it; the CLI says it with its options); badin36 found it unsaid
        kind = zone_not_used(paths, format, columns)
        if kind or (
            format in ("csv", "parquet")
            and not naive_times(
                paths, format, dataclasses.replace(columns, tz=None, utc_offset_s=None)
            )
        ):
            kind = kind or "Unix or zoned"
            reading["local_time"] |= {"times_kept": True, "times_kind": kind,
                                      "time_column": columns.t}  # fmt: skip
            given = zone_given(columns.tz, columns.utc_offset_s)
            warn_at_caller(kept_clock_line(given, columns.t, kind, STORE_CLOCK))
    elif off := text_offset_s(
        paths, format, columns
    ):  # "06:30+01:00" in every row: asked on that clock
        reading["local_time"] = {"tz": None, "utc_offset_s": off, "from_text": True}
    if unused := unused_columns(paths, format, columns):  # said once: not kept in the store
        reading["columns_not_kept"] = unused
    overrides = dict(clean_overrides or {})
    if columns is not None and columns.min_t is not None:  # historical records (hurricanes)
        overrides.setdefault("min_t", columns.min_t)
    source = column_preset or guessed.get("columns")  # a layout recognised from the header
    if format == "mfjson" and (props := point_columns(list(paths), columns)) is not None:
        source = "geojson_points"  # a point table: cleaned like a CSV (gap split), not per Feature
        given = columns or ColumnMap()
        said = {k: v for k, v in props.items() if getattr(given, k) != v}
        if said:
            reading["columns_guessed"] = {**guessed, **said}
    cut: list[str] = []  # lines a code page cannot read (a character cut short: session 29)
    if format == "csv" and (codecs := text_encodings(paths, cut)):  # Shift-JIS ... (heldout27)
        reading["encoding"] = codecs
        warn_at_caller(f"text read as {', '.join(codecs)}, from the bytes of the file(s)")
        for note in cut:
            warn_at_caller(note)
    local = source in LOCAL_TIME_LAYOUTS  # a known layout of naive local times: said too
    if (source is None or local) and (naive := naive_times(paths, format, columns)):
        reading["times_naive"] = naive  # read as UTC: said once (the CLI prints it)
    cfg = clean_config(format, preset, overrides, source=source)
    vessels = kind_col is not None and is_vessel_type(kind_col)  # codes named per chunk (labels22)
    mover = per_mover_label(kind_col, owner, columns)  # per mover, not per trip: gaps still split
    if preset == "auto" and cfg.max_gap_s and "max_gap_s" not in {
        **overrides, **SOURCE_OVERRIDES.get(source or format, {})
    }:  # fmt: skip
        if (n := one_label_per_trajectory(paths, format, columns)) is not None and mover:
            reading["label_per_mover"] = mover
            warn_at_caller(mover_line(mover, cfg.max_gap_s))
        elif n is not None:
            cfg = dataclasses.replace(cfg, max_gap_s=None, gap_intervals=None)
            reading["whole_labelled"] = n  # classify22: one labelled sample per trajectory
            warn_at_caller(f"every labelled trajectory carries one class ({n:,} trajectories): "
                           "each is kept whole, not split at time gaps (--max-gap-s S splits "
                           "them; Python: clean_overrides={'max_gap_s': S})")  # fmt: skip

    report = DropReport()
    bar = Progress(
        TextColumn(f"[bold]ingest {format}"), BarColumn(), TextColumn("{task.fields[rows]} rows"),
        TimeElapsedColumn(), disable=not progress, transient=True,
        console=Console(stderr=True),  # stdout is --json's object alone (its stop wrote "\n")
    )  # fmt: skip
    n_kept, n_fast, v_fast, n_labelled, seen = 0, 0, 0.0, 0, set()
    plain = PlainProgress(progress)
    stays = (0, 0, 0.0)  # trips holding a stay of an hour or more, trips, the longest (s)
    names = (columns.lat, columns.lon) if columns is not None else ("lat", "lon")
    radians = RadiansCheck(names, paths[0] if len(paths) == 1 else None)  # badin32
    full_rate = FullRateCheck()  # a sub-second path that is noise, said (sports37)
    steps = SubSecondSteps()  # a sub-second store's step, recorded and said (subsec38)
    jumps = JumpSteps()  # steps far above the input's own speeds (fix39): said, not dropped
    if columns is not None and not is_wgs84(columns.crs):  # reprojected, or a plane's lat / lon
        radians.in_box = False  # about 1 N 1 E: no radians (badin37: every pitch was "radians?")
    # x / y metres read as degrees: refused on the first chunk (newuser36, local_plane.py)
    plane_unchecked = columns is not None and (is_wgs84(columns.crs) or is_local(columns.crs))
    with bar, StoreStreamWriter(out, sources=sources, overwrite=overwrite) as writer:
        task = bar.add_task("ingest", total=None, rows="0")
        chunks = iter_read(
            list(paths),
            format,
            on_error=on_error,
            columns=columns,
            chunk_rows=chunk_rows,
            limits=limits,
            keep_copies=keep_copies,
        )
        for chunk, read_report in chunks:
            radians.add(chunk)  # a reported speed that says radians: refused before writing
            if vessels:  # 80 -> "tanker", the code kept as vessel_type_code
                chunk = name_vessel_types(chunk)
            cleaned, clean_report = clean(chunk, cfg, return_report=True)
            if plane_unchecked and len(cleaned) > 1:
                one = paths[0] if len(paths) == 1 else None
                if is_local(columns.crs):  # degrees given as --crs local
                    refuse_degrees_as_local(cleaned, path=one)
                else:
                    # trajlm.ingest's own way too (local37: the hint named only the CLI's)
                    refuse_plane_metres(cleaned, names, path=one, option=INGEST_LOCAL)
                plane_unchecked = False
            # The reader's rows_in is the raw count; cleaning's drops add to it.
            report = report.add(read_report.merge(clean_report))
            writer.add(cleaned)
            full_rate.add(cleaned)
            steps.add(cleaned)
            seen.update(chunk.columns)
            n_kept += len(cleaned)
            if label is not None and "label" in cleaned.columns:
                n_labelled += labelled_rows(cleaned["label"])
            if cfg.stop_min_s is None:  # a ship's berth inside a trip (leftover31)
                held, trips, most = trips_with_long_stays(cleaned)
                stays = (stays[0] + held, stays[1] + trips, max(stays[2], most))
            n, v = fast_points(cleaned)  # kept, but said: a swapped lat/lon row, a bad fix
            n_fast, v_fast = n_fast + n, max(v_fast, v)
            jumps.add(cleaned)
            bar.update(task, rows=f"{report.rows_in:,}")
            plain.update(report.rows_in, n_kept)  # a log file: a line every 30 s (newuser33)
        if n_kept == 0:
            raise TrajlmInputError(
                f"no points left after reading and cleaning {len(paths)} input(s): "
                f"{report.to_dict()['dropped']}"
                + (
                    f"; the first skipped row: {report.first_problem}"
                    if report.first_problem
                    else ""
                ),  # fmt: skip
                hint=nothing_left_hint(report, cfg, columns.time_format if columns else None)
                if not (key := one_trip_per_row(report, paths, format, columns))
                else key,
            )
        if label is not None and n_labelled == 0:  # taken by its name, but nothing in it
            reading.pop("label_column", None)
            reading["label_column_empty"] = label
            warn_at_caller(
                f"column {label!r} (taken as the class label by its name) is empty in every kept "
                "row: the store has no labels; --label-col NAME (Python: ColumnMap(extra="
                "{'label': NAME})) takes another column"
            )
        for line in unused_filters(clean_overrides or {}, seen):  # --max-hdop, no HDOP column
            warn_at_caller(line)
        if stays[0]:
            reading["long_stays"] = {"trips": stays[0], "of": stays[1],
                                     "longest_s": round(stays[2])}  # fmt: skip
            warn_at_caller(long_stays_line(*stays))
        local = columns is not None and is_local(columns.crs)  # metres: no radians (heldout37)
        if not local and (line := radians.line()):
            reading["radians_suspected"] = True
            warn_at_caller(line)
        if (rate := full_rate.record()) is not None:
            reading["full_rate"] = rate
            if line := full_rate.line():
                warn_at_caller(line)
        if (step := steps.record()) is not None:
            reading.update(step)
            warn_at_caller(steps.line())
        elif line := thinned_line(report.dropped.get("sub_second_fix", 0)):
            warn_at_caller(line)  # one fix a second kept: the option that keeps them, named
        if n_fast:
            reading["impossible_speed"] = {"steps": n_fast, "max_mps": round(v_fast, 1),
                                           "threshold_mps": IMPOSSIBLE_SPEED_MPS}  # fmt: skip
        if (jumped := jumps.record()) is not None and jumped["steps"] > n_fast:
            reading[JUMPS] = jumped  # more than the impossible ones: said instead of them
        if report.first_problem and report.bad >= 0.5 * max(report.rows_in, 1):
            reading["first_skipped"] = report.first_problem  # most rows bad: say why (tidy23)
        return writer.close(report, reading, dataclasses.asdict(cfg))
