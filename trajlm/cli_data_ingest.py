"""`trajlm data ingest`: files or folders read, cleaned and written as a store (or appended to
one), with the lines and the --json object that say what was read and dropped. Registered on
the `data` sub-app by trajlm/cli_data.py (split out of it, review36)."""

from __future__ import annotations

import calendar
import json
import math
import sys
import warnings
from pathlib import Path

import typer

from trajlm import _cli_io as io
from trajlm._cli_io import console
from trajlm._cli_io import fail as _fail
from trajlm._cli_io import say as _say
from trajlm._safety import UserError
from trajlm.cli_data_append import (
    APPEND_HELP,
    append_ingested,
    append_summary,
    appended_line,
    check_append,
    discard_staged,
)
from trajlm.cli_data_ingest_words import format_line, ingest_summary
from trajlm.cli_data_splits import empty_splits

STOP_DRIFT_MAX_KN = 2.0  # --stop-drift-kn: a ship reporting more is under way, not drifting

FORMAT_HELP = "porto|geolife|ais|gpx|tdrive|csv|parquet|porto_mapmatched|mfjson|kml|tcx|nmea|fit|igc|ozi|aivdm|gtfs_rt|queclink|sml|tracks"


def data_ingest(
    paths: list[Path] = typer.Argument(..., help="Files or folders to read."),
    format: str = typer.Option(
        "auto", "--format", "-f", help=f"auto (from names and CSV headers) | {FORMAT_HELP}"
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Store directory to write."),
    preset: str = typer.Option(
        "auto", help="Cleaning preset (auto = the format's PROTOCOL preset, else 'default')."
    ),
    on_error: str = typer.Option("raise", help="raise | skip (count and drop bad rows)."),
    max_speed_mps: float = typer.Option(None, help="Drop points implying a faster speed."),
    max_gap_s: float = typer.Option(None, help="Split trajectories at time gaps longer than this."),
    max_accuracy_m: float = typer.Option(
        None,
        "--max-accuracy-m",
        help="Drop fixes whose own accuracy column (accuracy, horizontal_accuracy, ...) says "
        "more than this many metres ('low_accuracy'; default 200: cell-tower fixes go, GPS and "
        "Wi-Fi fixes stay; 0 keeps every fix).",
    ),
    max_hdop: float = typer.Option(
        None,
        "--max-hdop",
        help="Drop fixes whose HDOP column is above this ('high_hdop'; off by default).",
    ),
    min_points: int = typer.Option(None, min=1, help="Drop trajectories with fewer points."),
    split_at_stops: bool = typer.Option(
        False,
        "--split-at-stops",
        help="Cut trips / voyages where the mover stays within --stop-radius-m for at least "
        "--stop-minutes (anchored, moored, parked); the time stopped is dropped ('stopped').",
    ),
    stop_radius_m: float = typer.Option(
        None, "--stop-radius-m", help="With --split-at-stops: metres (default 100)."
    ),
    stop_minutes: float = typer.Option(
        None, "--stop-minutes", help="With --split-at-stops: minutes (default 10)."
    ),
    stop_drift_kn: float = typer.Option(
        None,
        "--stop-drift-kn",
        help="With --split-at-stops and a reported speed (AIS SOG): a ship reporting under this "
        "many knots between two stays drifts at anchor, still the stop (0 to 2; default 0.97 = "
        "0.5 m/s; 0: the box alone).",
    ),
    min_interval: float = typer.Option(
        None,
        "--min-interval",
        help="Thin to >= this many seconds between kept points ('thinned'), e.g. a model's "
        "training sampling (config.json coverage dt_s p50: 15 for trajlm-small).",
    ),
    traj_col: str = typer.Option(None, "--traj-col", help="csv/parquet: trajectory id column."),
    time_col: str = typer.Option(None, "--time-col", help="csv/parquet: time column."),
    lat_col: str = typer.Option(None, "--lat-col", help="csv/parquet: latitude column."),
    lon_col: str = typer.Option(None, "--lon-col", help="csv/parquet: longitude column."),
    vehicle_col: str = typer.Option(
        None,
        "--vehicle-col",
        help="csv/parquet: vehicle / user id column, kept as vehicle_id (resplit --by user); "
        "one named vehicle_id, user_id, driver_id, taxi_id, mmsi ... is kept by itself.",
    ),
    label_col: str = typer.Option(
        None,
        "--label-col",
        help="csv/parquet: class column (e.g. a transport mode), kept as the store's label "
        "(what `trajlm finetune --task classify` learns).",
    ),
    time_format: str = typer.Option(None, help=io.TIME_FORMAT_HELP),
    utc_offset: float = typer.Option(
        None,
        "--utc-offset",
        help="csv/parquet: times without a zone are local, HOURS ahead of UTC (e.g. 2, -5, 5.5).",
    ),
    tz: str = typer.Option(
        None,
        "--tz",
        help="csv/parquet: times without a zone are local in this IANA zone (Europe/Helsinki; "
        "daylight saving included); times that say their instant (Unix, `Z`) are not moved, "
        "the zone is kept as the store's clock for local hours (ask, eval, travel-time).",
    ),
    sep: str = typer.Option(None, help="csv: field separator."),
    zip_members: str = typer.Option(
        None, "--zip-members", help="csv: glob of the members read from a .zip input (*.csv)."
    ),
    layer: str = typer.Option(
        None,
        "--layer",
        help="GeoPackage / multi-layer GIS file: the point layer to read (default: the one "
        "point layer with times).",
    ),
    pitch_size: str = typer.Option(
        None,
        "--pitch-size",
        help="Metrica / TRACAB tracking feeds: the pitch's length x width in metres (default "
        "105x68): Metrica's 0-1 coordinates become metres by it.",
    ),
    full_rate: bool = typer.Option(
        None,
        "--full-rate/--no-full-rate",
        help="Sources faster than 1 Hz (tracking, vests): keep the path and fastest step of "
        "each second's dropped fixes on its kept fix (path_m, peak_mps; ask reads distances and "
        "top speeds from them). Default: off, on for Metrica / TRACAB feeds.",
    ),
    sub_second: bool = typer.Option(
        None,
        "--sub-second/--whole-seconds",
        help="Sources faster than 1 Hz (pedestrians at 0.4 s, 10-25 Hz tracking, drones): keep "
        "every fix at its exact time (the store's t in float seconds; eval's --obs-len / "
        "--pred-len then count these steps). Default: whole seconds, the earliest fix of each "
        "second kept (sub_second_fix).",
    ),
    columns: str = typer.Option(
        None,
        help="csv/parquet: a named column mapping (liverpool_bus, hurricanes, icebergs, ...).",
    ),
    min_year: int = typer.Option(
        None,
        "--min-year",
        min=1900,
        help="csv/parquet: earliest valid year (default 1990: no civil GPS before; 1900 for "
        "historical records, as the API reads dated times).",
    ),
    overwrite: bool = typer.Option(False, help="Replace an existing store at --out."),
    append: bool = typer.Option(False, "--append", help=APPEND_HELP),
    keep_copies: bool = typer.Option(
        False,
        "--keep-copies",
        help="Read byte copies of a file (a backup, GeoLife users 081 / 125's shared .plt) as "
        "files of their own; default: once, counted as duplicate_file. PROTOCOL's GeoLife split "
        "(3,329 segments) keeps them.",
    ),
    crs: str = typer.Option(
        None,
        "--crs",
        help="csv/parquet: CRS of projected coordinates (EPSG:32629; lat = northing), or local: "
        "x / y metres on a plane not on the Earth (a pitch, a warehouse; docs/data.md).",
    ),
    time_origin: str = typer.Option(
        None,
        "--time-origin",
        help="csv/parquet: times are seconds elapsed since this instant (2020-01-01T00:00Z; with --time-format elapsed_h: hours).",
    ),
    json_summary: bool = typer.Option(
        False,
        "--json",
        help="Print one JSON object on stdout (store, rows read / kept / dropped by reason, "
        "trips, points, splits, time span); every other line goes to stderr.",
    ),
) -> None:
    """Read raw files, clean them (drop report printed), write a partitioned Parquet store."""
    from trajlm._safety import check_output_dir
    from trajlm.data.clean import PRESETS, STOP_MIN_S
    from trajlm.data.ingest import ingest
    from trajlm.data.motion_columns import KNOT_MPS
    from trajlm.data.readers import FORMATS
    from trajlm.data.readers import PRESETS as COLUMN_PRESETS
    from trajlm.data.readers._time_columns import is_local_time_name, local_time_note
    from trajlm.data.store import legacy_store

    if json_summary:
        _lines_on_stderr()
    io.choice(format, ("auto", *FORMATS), "--format")
    io.choice(preset, ("auto", *PRESETS), "--preset")
    io.choice(on_error, ("raise", "skip"), "--on-error")
    io.choice(columns, COLUMN_PRESETS, "--columns")
    io.positive(max_speed_mps, "--max-speed-mps")
    io.positive(max_gap_s, "--max-gap-s")
    io.positive(max_hdop, "--max-hdop")
    if max_accuracy_m is not None and not (math.isfinite(max_accuracy_m) and max_accuracy_m >= 0):
        _fail(f"--max-accuracy-m must be a number of metres >= 0 (0 keeps every fix), "
              f"got {max_accuracy_m}")  # fmt: skip
    io.positive(stop_radius_m, "--stop-radius-m")
    io.positive(stop_minutes, "--stop-minutes")
    io.positive(min_interval, "--min-interval")
    if stop_drift_kn is not None and not (0 <= stop_drift_kn <= STOP_DRIFT_MAX_KN):
        _fail(f"--stop-drift-kn must be a number of knots from 0 to {STOP_DRIFT_MAX_KN:g} (a ship "
              f"reporting more is under way, not drifting), got {stop_drift_kn}")  # fmt: skip
    stops = (stop_radius_m, stop_minutes, stop_drift_kn)
    if any(v is not None for v in stops) and not split_at_stops:
        _fail("--stop-radius-m / --stop-minutes / --stop-drift-kn need --split-at-stops")
    if sep is not None and len(sep) != 1:
        _fail(f"--sep must be one character, got {sep!r}")
    if utc_offset is not None and not math.isfinite(utc_offset):  # NaN: int(round()) raised
        _fail(f"--utc-offset must be a number of hours ahead of UTC (2, -5, 5.5), got {utc_offset}")
    for p in paths:
        io.must_exist(p, "input")
        if out.resolve() == p.resolve() or out.resolve() in p.resolve().parents:
            _fail(f"--out {out} would write over the input {p}; choose another --out")
    if layer is not None:
        from trajlm.data.readers.gis_files import gis_members

        if not any(gis_members(p) for p in paths):
            _fail(f"--layer {layer} names a layer of a GeoPackage / GIS file, and no input is one")
    if append:  # the new files go to a temporary store first (cli_data_append.py)
        target = check_append(out, overwrite)
    else:
        check_output_dir(out, "store", overwrite=overwrite, option="--out", legacy=legacy_store)
        target = out
    overrides = {
        k: v
        for k, v in dict(
            max_speed_mps=max_speed_mps,
            max_gap_s=max_gap_s,
            max_hdop=max_hdop,
            min_points=min_points,
            min_interval_s=min_interval,
            stop_min_s=(STOP_MIN_S if stop_minutes is None else stop_minutes * 60.0)
            if split_at_stops
            else None,
            stop_radius_m=stop_radius_m,
            stop_drift_mps=None if stop_drift_kn is None else stop_drift_kn * KNOT_MPS,
        ).items()
        if v is not None
    }
    if max_accuracy_m is not None:  # 0: every fix kept, whatever its accuracy column says
        overrides["max_accuracy_m"] = max_accuracy_m or None
    if stop_drift_kn == 0:  # no drift joins: the box alone, as without a reported speed
        overrides["stop_drift_mps"] = None
    mapping = {
        k: v
        for k, v in dict(
            traj_id=traj_col,
            t=time_col,
            lat=lat_col,
            lon=lon_col,
            time_format=time_format,
            sep=sep,
            zip_members=zip_members,
            layer=layer,
            pitch=pitch_size,
            full_rate=full_rate,
            sub_second=sub_second,
            crs=crs,
            utc_offset_s=None if utc_offset is None else int(round(utc_offset * 3600)),
            tz=tz,
            time_origin=time_origin,
            min_t=None if min_year is None else calendar.timegm((min_year, 1, 1, 0, 0, 0)),
            extra=None if label_col is None else {"label": label_col},
        ).items()
        if v is not None
    }
    try:
        with warnings.catch_warnings():  # said below with the CLI's options (zones36)
            warnings.filterwarnings("ignore", message=r"times: .* carry their instant")
            manifest = ingest(paths, format, target, preset=preset, on_error=on_error,
                              clean_overrides=overrides, column_map=mapping,
                              column_preset=columns, progress=True, overwrite=overwrite,
                              vehicle_col=vehicle_col, keep_copies=keep_copies)  # fmt: skip
    except ValueError as e:  # readers' option errors (e.g. a column mapping that does not fit)
        if isinstance(e, UserError) or type(e) is not ValueError:
            raise
        raise UserError(str(e)) from e
    finally:
        if append and sys.exc_info()[0] is not None:  # the ingest failed: its temporary goes
            discard_staged(target)
    merged = append_ingested(out, target, paths, manifest.get("clean_config")) if append else None
    reading = manifest.get("reading", {})
    if reading.get("owner_column") and not vehicle_col:
        _say(f"owner: {reading['owner_column']!r} kept as the trajectories' vehicle / user id "
             "(resplit --by user holds owners out)")  # fmt: skip
    if reading.get("label_column") and not label_col:
        _say(f"label: {reading['label_column']!r} kept as the store's label (the classes "
             "`trajlm finetune --task classify` learns; --label-col NAME to take another)")  # fmt: skip
    if reading.get("format_detected"):
        _say(format_line(reading))
    guessed = dict(reading.get("columns_guessed") or {})
    if layout := guessed.pop("columns", None):  # the header is a known data set's
        _say(f"columns: laid out like {layout!r}, read as with --columns {layout}")
    by_size = guessed.pop("time unit", None)  # readers.layouts.BY_SIZE: why, said apart
    if zone := guessed.pop("time zone", None):  # zone_names.ZONE_SAID: a zone in the header
        guessed.pop("utc_offset_s", None)
        _say(f"times: {zone}")
    if zones := guessed.pop("zones", None):  # _row_zones.ZONES_SAID: a zone column per row
        _say(f"times: {zones}")
    if era := guessed.pop("calendar", None):  # _time_columns.CALENDAR_SAID (heldout28)
        _say(f"times: {era}")
    guessed.pop("lat/lon swapped", None)  # _swapped_axes.SWAP_SAID: its warning said why
    if guessed:
        said = ", ".join(f"{k} <- {v!r}" for k, v in guessed.items())
        _say(f"columns: {said} (guessed from the header; --traj-col/--time-col/... to choose)")
    if by_size:
        _say(f"times: {by_size}, read as --time-format {guessed.get('time_format')} (1990-2100 "
             "as seconds, ms, us and ns do not overlap; --time-format to choose)")  # fmt: skip
    if unused := reading.get("columns_not_kept"):
        _say(f"columns not kept in the store: {unused} (a store keeps traj_id, t, lat, lon; "
             "--label-col NAME keeps a class column as the label; Python: ColumnMap(extra={name: "
             "column}) keeps one)")  # fmt: skip
    if (local := reading.get("local_time") or {}).get("times_kept"):  # leftover36: MDS in LA
        from trajlm.data.readers._naive_times import STORE_CLOCK, kept_clock_line, zone_given

        given = zone_given(local.get("tz"), local.get("utc_offset_s"), cli=True)
        kind = local.get("times_kind", "Unix or zoned")
        _say(kept_clock_line(given, local.get("time_column"), kind, STORE_CLOCK))
    if (naive := reading.get("times_naive")) and is_local_time_name(naive):  # newuser28
        _say(
            f"warning: {local_time_note(naive, '--tz NAME (e.g. --tz America/Chicago) or --utc-offset HOURS')}"
        )
    elif naive:
        _say(f"times in {naive!r} have no zone; read as UTC (--utc-offset HOURS or --tz NAME "
             "to change)")  # fmt: skip
    if naive:
        if back := manifest["drop_report"]["repaired"].get("sorted_by_time"):  # newuser27
            _say(f"warning: {back:,} row(s) of {naive!r} go back in time within their "
                 "trajectory and were re-sorted; local times without a zone go back an hour "
                 "where daylight time ends (01:59 -> 01:00): if these are local times, --tz NAME "
                 "reads that hour in order")  # fmt: skip
    console.print(io.report_table(manifest["drop_report"]))
    if poor := manifest["drop_report"]["dropped"].get("low_accuracy"):  # clean_accuracy.py
        limit = manifest.get("clean_config", {}).get("max_accuracy_m")
        _say(f"accuracy: {poor:,} fix(es) whose accuracy column says over {limit:g} m dropped "
             "('low_accuracy': cell-tower fixes; --max-accuracy-m M to change, 0 keeps them)")  # fmt: skip
    if first := reading.get("first_skipped"):  # rows bad, not the preset's (tidy23)
        _say(f"warning: most rows were skipped; the first: {first}")
    drops = manifest["drop_report"]
    if (thinned := drops["dropped"].get("thinned", 0)) >= 0.5 * max(drops["rows_in"], 1):
        gap = manifest.get("clean_config", {}).get("min_interval_s") or 0
        _say(f"thinned: {thinned:,} of {drops['rows_in']:,} rows came under {gap:g} s after the "
             "last kept fix (the preset's spacing; --min-interval S to change it)")  # fmt: skip
    if fast := reading.get("impossible_speed"):
        _say(f"warning: {fast['steps']:,} step(s) between consecutive points are faster than "
             f"{fast['threshold_mps']:g} m/s (fastest {fast['max_mps']:,.0f} m/s: a swapped "
             "lat/lon or a bad fix); the points are kept: --max-speed-mps "
             f"{fast['threshold_mps']:g} drops them")  # fmt: skip
    if merged is not None:
        _say(appended_line(out, manifest, merged))
    else:
        _say(f"wrote {out}: {manifest['n_trajectories']:,} trajectories, "
             f"{manifest['n_points']:,} points; splits {json.dumps(manifest.get('splits', {}))}")  # fmt: skip
    if (empty := empty_splits(manifest)) and merged is None:
        _say(empty)
    if json_summary:
        summary = ingest_summary(out, manifest)
        typer.echo(
            json.dumps(summary if merged is None else append_summary(summary, manifest, merged))
        )


def _lines_on_stderr() -> None:
    """--json (newuser33: a pipeline parsed the printed table): every line the command says
    goes to stderr, so stdout holds the one JSON object (BoundaryGroup.invoke puts the console
    back on stdout when the command ends)."""
    console.stderr = True
