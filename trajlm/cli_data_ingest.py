"""`trajlm data ingest`: files or folders read, cleaned and written as a store (or appended to
one), with the lines and the --json object that say what was read and dropped. Registered on
the `data` sub-app by trajlm/cli_data.py (split out of it, review36). `data_ingest` runs named
steps (review38): the options checked and translated (cli_data_ingest_options.py), the sources
and the target checked, the read, the append, the lines said (cli_data_ingest_words.py)."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import typer

from trajlm import _cli_io as io
from trajlm._cli_io import console
from trajlm._cli_io import fail as _fail
from trajlm._safety import UserError
from trajlm.cli_data_append import APPEND_HELP, append_ingested, check_append, discard_staged
from trajlm.cli_data_ingest_options import (  # noqa: F401 (STOP_DRIFT_MAX_KN: as before)
    STOP_DRIFT_MAX_KN,
    check_options,
    clean_overrides,
    column_mapping,
)
from trajlm.cli_data_ingest_words import (  # noqa: F401 (format_line, ingest_summary: as before)
    format_line,
    ingest_summary,
    say_cleaning,
    say_reading,
    say_written,
)

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
    if json_summary:
        _lines_on_stderr()
    check_options(format=format, preset=preset, on_error=on_error, columns=columns,
                  max_speed_mps=max_speed_mps, max_gap_s=max_gap_s, max_hdop=max_hdop,
                  max_accuracy_m=max_accuracy_m, stop_radius_m=stop_radius_m,
                  stop_minutes=stop_minutes, min_interval=min_interval,
                  stop_drift_kn=stop_drift_kn, split_at_stops=split_at_stops, sep=sep,
                  utc_offset=utc_offset, full_rate=full_rate, sub_second=sub_second)  # fmt: skip
    check_sources(paths, out, layer)
    target = store_target(out, append=append, overwrite=overwrite)
    overrides = clean_overrides(max_speed_mps=max_speed_mps, max_gap_s=max_gap_s,
                                max_hdop=max_hdop, max_accuracy_m=max_accuracy_m,
                                min_points=min_points, min_interval=min_interval,
                                split_at_stops=split_at_stops, stop_minutes=stop_minutes,
                                stop_radius_m=stop_radius_m, stop_drift_kn=stop_drift_kn)  # fmt: skip
    mapping = column_mapping(traj_col=traj_col, time_col=time_col, lat_col=lat_col,
                             lon_col=lon_col, time_format=time_format, sep=sep,
                             zip_members=zip_members, layer=layer, pitch_size=pitch_size,
                             full_rate=full_rate, sub_second=sub_second, crs=crs,
                             utc_offset=utc_offset, tz=tz,
                             time_origin=time_origin, min_year=min_year,
                             label_col=label_col)  # fmt: skip
    manifest = read_sources(paths, format, target, preset=preset, on_error=on_error,
                            overrides=overrides, mapping=mapping, columns=columns,
                            overwrite=overwrite, vehicle_col=vehicle_col,
                            keep_copies=keep_copies, append=append)  # fmt: skip
    merged = append_ingested(out, target, paths, manifest.get("clean_config")) if append else None
    say_reading(manifest, vehicle_col=vehicle_col, label_col=label_col)
    say_cleaning(manifest)
    say_written(out, manifest, merged, json_summary=json_summary)


def check_sources(paths: list[Path], out: Path, layer: str | None) -> None:
    """Each input exists and is not under --out's store; --layer names a layer of one of them."""
    for p in paths:
        io.must_exist(p, "input")
        if out.resolve() == p.resolve() or out.resolve() in p.resolve().parents:
            _fail(f"--out {out} would write over the input {p}; choose another --out")
    from trajlm.data.out_in_inputs import out_in_input_folder

    if line := out_in_input_folder(paths, out):  # read as input next time (review38)
        _fail(f"--out {line.replace('choose an out', 'choose an --out')}")
    if layer is not None:
        from trajlm.data.readers.gis_files import gis_members

        if not any(gis_members(p) for p in paths):
            _fail(f"--layer {layer} names a layer of a GeoPackage / GIS file, and no input is one")


def store_target(out: Path, *, append: bool, overwrite: bool) -> Path:
    """Where the ingest writes: --out itself (checked: a store replaced only with --overwrite),
    or with --append a temporary store beside it, merged in after the read."""
    from trajlm._safety import check_output_dir
    from trajlm.data.store import legacy_store

    if append:  # the new files go to a temporary store first (cli_data_append.py)
        return check_append(out, overwrite)
    check_output_dir(out, "store", overwrite=overwrite, option="--out", legacy=legacy_store)
    return out


def read_sources(
    paths: list[Path],
    format: str,
    target: Path,
    *,
    preset: str,
    on_error: str,
    overrides: dict,
    mapping: dict,
    columns: str | None,
    overwrite: bool,
    vehicle_col: str | None,
    keep_copies: bool,
    append: bool,
) -> dict:
    """Read, clean and write the store at `target`; its manifest. A reader's plain ValueError
    (an option that does not fit the file) becomes a UserError; with --append a failed read's
    temporary store is removed."""
    from trajlm.data.ingest import ingest

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
    return manifest


def _lines_on_stderr() -> None:
    """--json (newuser33: a pipeline parsed the printed table): every line the command says
    goes to stderr, so stdout holds the one JSON object (BoundaryGroup.invoke puts the console
    back on stdout when the command ends)."""
    console.stderr = True
