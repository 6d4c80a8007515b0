"""The commands' point inputs: a store directory, CSV, Parquet (GeoParquet too) or any file a
reader knows -> the canonical table (traj_id, t, lat, lon, ...), with one-line errors that
name the file, line and field, and the --traj-col / --time-col / --lat-col / --lon-col / --crs
options by their CLI names. ``with_layout=True`` also returns the input's ``Layout`` (its
column names), which ``trajlm predict`` writes its output with (trajlm/cli_predict.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from trajlm._cli_io import must_exist, read_store_checked, say
from trajlm._cli_tables import (  # count_lines, columns_present, input_errors: importable here
    columns_present,  # noqa: F401
    coord_names,
    count_lines,
    geoparquet,
    input_errors,
    log_as_csv,
    skip_bad_rows,
    table_text_coords,
    titled,
    with_lines,
)
from trajlm._cli_times import with_time_origin
from trajlm._safety import UserError, reading
from trajlm.errors import TrajlmInputError

if TYPE_CHECKING:  # annotations only: importing the CLI loads no polars
    import polars as pl


def read_points(
    path: Path,
    option: str,
    split: str | None = None,
    columns: dict | None = None,
    on_error: str | None = None,
    with_layout: bool = False,
    time_origin: int | None = None,
    time_format: str | None = None,
    time_format_option: bool = False,
    zone: dict | None = None,
    sub_second: bool = False,
):
    """Model input from a store directory, CSV, Parquet or any file a reader knows (GPX, PLT,
    MF-JSON, ...: format detected), validated by check_model_input (NaN, latitude 200, times
    going backwards: an error naming the file, field and row). `columns`: the --traj-col /
    --time-col / --lat-col / --lon-col names (traj_col=..., as coerce takes them). `on_error`:
    the command's --on-error for raw formats ("skip" drops and counts bad records, said in one
    line); None when the command has no such option (hints then name `trajlm data ingest`).
    `with_layout`: return (table, Layout), the Layout of a store or raw format in trajlm's names.
    `time_format`: --time-format, the table read as ingest reads it (by_time_format);
    `time_format_option`: the command has --time-format (its errors name it). `zone`:
    {"tz": --tz, "utc_offset_s": --utc-offset}, the file read by ingest's readers in that zone
    (fix35; heldout35: a report whose title names CST was told --tz, which predict lacked).
    `sub_second`: a file read by ingest's readers keeps every fix at its exact time, as
    `data ingest --sub-second` does (a model trained on 0.4-s steps; fix39b)."""
    from trajlm.data.coerce import Layout, coerce
    from trajlm.data.geo import is_local
    from trajlm.data.readers._times import frame_rate
    from trajlm.data.readers.plane_kinds import is_plane_file
    from trajlm.data.schema import LINE

    if time_format is not None and time_origin is not None and frame_rate(time_format) is None:
        raise UserError("--time-origin and --time-format: give one (a time origin counts "
                        "elapsed seconds; --time-format reads dates)")  # fmt: skip
    columns = {k: v for k, v in (columns or {}).items() if v is not None}
    if (columns.get("split_gaps") == "auto" and "traj_col" not in columns
            and not (path.is_dir() and _store_like(path))):  # fmt: skip
        # a file's ids are movers or trips, ingest cannot tell: cut at its gap rule, as
        # TrajLM.predict(path) cuts them (fix34: OruxMaps 1 answer here vs 7 there, CSV too);
        # --traj-col NAME still reads each NAME as one trajectory (the CLI's way to say so)
        columns["split_gaps"] = True
    raw = not (path.suffix.lower() in (".parquet", ".csv") or (path.is_dir() and _store_like(path)))
    asked = on_error  # (the readers' route below passes "raise" on: they skipped already)
    zone = {k: v for k, v in (zone or {}).items() if v is not None}
    by_readers = time_format is not None or bool(zone) or (time_origin is not None and raw)
    if "crs" not in columns and not path.is_dir() and is_plane_file(path):  # pitch, ETH / UCY:
        columns["crs"], by_readers = "local", True  # a pitch, read as ingest reads it (badfix37)
    if by_readers:
        # before the store's own read: refused there, in one line; a raw format's elapsed
        # seconds (SUMO's fcd.xml) read with the origin, as ingest reads them (heldout35: the
        # reader refused them "before 1990 ... --time-origin" with --time-origin given)
        local = is_local(columns.get("crs"))
        df, columns = by_time_format(path, option, split, columns, on_error, time_format, time_origin, zone, sub_second)  # fmt: skip
        on_error, time_origin = "raise", None  # the readers dropped and counted (skip) already
        if local:  # the plane's lat / lon back to x / y, read as a plane again: answers in
            from trajlm.data.local_plane import as_plane_columns  # metres (badin37: they came

            df = as_plane_columns(df)  # back as the stand-in's "WGS84" lat / lon)
            columns |= {"lat_col": "y", "lon_col": "x", "crs": "local"}
    elif path.is_dir() and _store_like(path):
        must_exist(path, option)
        from trajlm.data.local_plane import store_crs

        if columns.get("crs") is not None:  # before: dropped without a word (badin37)
            held = ("x / y metres on a plane (--crs local at ingest)"
                    if store_crs(path) == "local" else "WGS84 degrees")  # fmt: skip
            raise UserError(f"--crs {columns['crs']}: {option} {path} is a trajlm store, whose "
                            f"positions are {held} as it was ingested: leave out --crs")  # fmt: skip
        df = read_store_checked(path, option, split).drop("split", strict=False)

        if with_layout and store_crs(path) == "local":  # answers in x / y metres (newuser36)
            return df, Layout("polars", lat_col="y", lon_col="x", crs="local")
        return (df, Layout("polars")) if with_layout else df
    table = path.suffix.lower() in (".parquet", ".csv") and not by_readers
    if not by_readers:
        df = read_frame(path, option, split, columns, "raise" if table and on_error else on_error)
    if time_origin is not None:
        df = with_time_origin(df, time_origin, columns.get("time_col"), path)
    if table and on_error == "skip":
        df = skip_bad_rows(df, path, option, columns)
    elif not table:  # read by the readers, in trajlm's names: a repeated time as ingest has it
        df = _repeated_times(df, path, option, asked)
    with input_errors(path, option, on_error, table_skip=table, dates=time_format_option):
        # The API's column detection: traj_id/trip_id/track_id, t/timestamp/time (unix seconds,
        # ISO text or datetimes), lat/latitude, lon/lng/longitude; then check_model_input.
        df, layout = coerce(df, source=str(path), repeats="drop", **columns)
    n_rep, first = layout.repeats
    if n_rep:  # every AIS feed has them (session 15: 4 %); the server drops them too
        from trajlm.data.coerce_rows import repeats_line

        say(f"{option} {path}: {repeats_line(n_rep, first)}")
    df = df.drop(LINE, strict=False)
    return (df, layout) if with_layout else df


def read_frame(
    path: Path,
    option: str,
    split: str | None = None,
    columns: dict | None = None,
    on_error: str | None = None,
):
    """The input as the frame read_points coerces (the file's own columns; a store's points
    without the split column; a CSV's file lines in column LINE for the errors), for commands
    that hand it to a TrajLM method, which keeps the caller's column names."""
    import polars as pl

    must_exist(path, option)
    if path.is_dir() and _store_like(path):
        return read_store_checked(path, option, split).drop("split", strict=False)
    _split_unused(path, option, split)
    if path.is_dir():  # a folder ingest reads (heldout33: .tlog flights were "not a store")
        with input_errors(path, option, on_error):
            return _converted(path, option, on_error)
    todo = "give a table with columns traj_id, t (unix seconds), lat, lon"
    columns = {k: v for k, v in (columns or {}).items() if v is not None}
    if on_error == "skip" and path.suffix.lower() in (".parquet", ".csv"):
        raise UserError(f"--on-error skip applies to GPX / PLT / MF-JSON inputs here; {option} "
                        f"{path} is a table, whose rows with empty positions are the gaps to "
                        "fill: clean other problems with `trajlm data ingest`")  # fmt: skip
    with input_errors(path, option, on_error):
        if path.suffix.lower() == ".parquet":
            with reading(path, todo):
                df = pl.read_parquet(path, glob=False)
            if not {"lat", "lon", columns.get("lat_col"), columns.get("lon_col")} & set(df.columns):
                df = geoparquet(path, df)
        elif path.suffix.lower() == ".csv" and not log_as_csv(path) and not titled(path):
            from trajlm.data.readers import header_names, sniff_sep
            from trajlm.data.readers._encoding import is_binary

            with open(path, "rb") as f:  # `;` / tab separated files too
                raw = f.read(4096)
                f.seek(0)
                head = f.readline(1 << 16).decode("utf-8", errors="replace")
            if is_binary(raw):  # as ingest says it (bigin17): no conversion can help
                raise UserError(f"{option} {path}: not a text table: binary data (random, "
                                "compressed or encrypted bytes); check that this is the file "
                                "you meant (a compressed export keeps its .gz / .zip name)")  # fmt: skip
            sep = sniff_sep(head) or ","
            names = header_names(head, sep, path) if head.strip() else []  # a name given twice
            n_lines = count_lines(path)  # before read_csv: a 2 GB line is refused, not loaded
            _, _, hemi = coord_names(names, columns)  # NMEA ddmm.mmmm read as its text
            text = {"traj_id": pl.Utf8} | dict.fromkeys(hemi or {}, pl.Utf8)
            with reading(path, todo):
                df = pl.read_csv(path, schema_overrides=text, glob=False,
                                 separator=sep, new_columns=names or None)  # fmt: skip
            df = with_lines(table_text_coords(df, columns), n_lines)
        else:  # a raw format a reader knows: read it whole (errors name file, line, field)
            from trajlm.data.readers import detect_format, read

            try:
                fmt = detect_format(path)
            except TrajlmInputError:
                fmt = None
            from trajlm.data.readers.device_logs import log_files

            # a file ingest converts first (.SRT, .pos, XML 2003, .xlsx ...; heldout33: a gpsd
            # capture or CZML named .json was read as GeoJSON by its name): as trajlm.read reads it
            if fmt is None or log_files(path) is not None:
                return _converted(path, option, on_error)
            if fmt in ("csv", "parquet") or _names_columns(columns):  # a table's own names
                df = _converted(path, option, on_error, columns)
                _options_used(columns, df)
                return df
            # exact_times: fractions of a second come back on the answers, as a CSV's do
            df, report = read(path, fmt, on_error=on_error or "raise", exact_times=True)
            if report.total:
                say(f"{option} {path}: dropped {dict(report.dropped)} of {report.rows_in:,} "
                    f"records{' (--on-error skip)' if on_error == 'skip' else ''}")  # fmt: skip
    return df


def by_time_format(
    path: Path,
    option: str,
    split: str | None,
    columns: dict,
    on_error: str | None,
    fmt: str | None,
    origin: int | None = None,
    zone: dict | None = None,
    sub_second: bool = False,
) -> tuple[pl.DataFrame, dict]:
    """--time-format on `trajlm predict` (leftover34; heldout33b: a skipper's dd/mm logbook
    needed `trajlm data ingest --time-format dmy` and a store first): the table read by ingest's
    readers with that format, so the option means what ingest's does (dmy / mdy, unix_ms,
    excel, a strptime pattern; naive times said as ingest says them), exact to the millisecond.
    `origin`: --time-origin (Unix seconds) for a raw format whose times are elapsed seconds;
    `zone`: --tz / --utc-offset ({"tz": ..., "utc_offset_s": ...}), for times without a zone.
    Returns the canonical frame and the column options left for coerce (the names are trajlm's
    now)."""
    from trajlm.data.coerce_path import read_kept
    from trajlm.data.readers._column_map import ColumnMap
    from trajlm.data.readers._naive_times import PREDICT_CLOCK

    must_exist(path, option)
    zone = zone or {}
    parts = [p for p, v in ((f"--time-format {fmt}", fmt), ("--time-origin", origin),
                            (f"--tz {zone.get('tz')}", zone.get("tz")),
                            ("--utc-offset", zone.get("utc_offset_s"))) if v is not None]  # fmt: skip
    said = " ".join(parts)  # the options given, each error prefixed by them
    if path.is_dir() and _store_like(path):
        raise UserError(f"{said}: {option} {path} is a trajlm store, whose times are Unix "
                        f"seconds already: leave out {' / '.join(p.split()[0] for p in parts)}")  # fmt: skip
    _split_unused(path, option, split)
    names = {"traj_col": "traj_id", "time_col": "t", "lat_col": "lat", "lon_col": "lon",
             "crs": "crs"}  # fmt: skip
    at = None if origin is None else datetime.fromtimestamp(origin, UTC).isoformat()
    if "tz" in zone and (why := ColumnMap(tz=zone["tz"]).option_error()):  # the option at fault
        raise UserError(f"--tz {zone['tz']}: {why}")
    mapping = ColumnMap(time_format=fmt, time_origin=at, **zone, sub_second=sub_second,
                        **{names[k]: v for k, v in columns.items() if k in names})  # fmt: skip
    if why := mapping.option_error():
        raise UserError(f"{said}: {why}")
    with input_errors(path, option, on_error):
        df, report = read_kept(path, mapping, on_error=on_error or "raise", say_naive=True,
                               exact_times=True, clock=PREDICT_CLOCK, cli=True)  # fmt: skip
    if report.total:
        say(f"{option} {path}: dropped {dict(report.dropped)} of {report.rows_in:,} records"
            f"{' (--on-error skip)' if on_error == 'skip' else ''}")  # fmt: skip
    return df, {k: v for k, v in columns.items() if k not in names}


def _repeated_times(df, path: Path, option: str, on_error: str | None):
    """A file the readers read (GPX, FIT, a converted log, a table read with --time-format /
    --tz) whose trajectory repeats a time at another position: refused naming --on-error skip
    (a command without it: ingest), or with skip its later fixes dropped and counted, as ingest
    and ``TrajLM.predict(path, on_error="skip")`` drop them (fix35: told the Python
    ``trajlm.clean(df)`` and refused with --on-error skip given)."""
    from trajlm.data.repeated_times import KEEP_FIRST, drop_repeated_times, refuse_repeated_times

    if not {"traj_id", "t", "lat", "lon"} <= set(df.columns):  # a mover's id: coerce's checks
        return df
    if on_error == "skip":
        df, dropped = drop_repeated_times(df)
        if dropped:
            say(f"{option} {path}: dropped {dropped} of {len(df) + sum(dropped.values()):,} "
                "records (--on-error skip: the first of each repeated time kept, as `trajlm "
                "data ingest` keeps it)")  # fmt: skip
        return df
    skip = ("--on-error skip" if on_error is not None
            else f"`trajlm data ingest {path} --out STORE` {KEEP_FIRST}; then {option} STORE")  # fmt: skip
    with input_errors(path, option, on_error):
        refuse_repeated_times(df, str(path), skip)
    return df


def _split_unused(path: Path, option: str, split: str | None) -> None:
    """Refuse a --split typed on the command line for an input that is no store (fix33b: a
    folder of files or a file read whole, the split silently ignored). Its files have no
    split until `trajlm data ingest` gives them one (PROTOCOL's rule, over the whole store),
    so the option cannot be applied to them; its default ("test") stays unsaid. Only the
    command's main input (``--input`` / ``--data``): --split is about it."""
    from trajlm._cli_boundary import typed

    if split is None or option not in ("--input", "--data") or not typed("--split"):
        return
    kind = "a folder of files" if path.is_dir() else "a file"
    raise UserError(f"--split {split}: {option} {path} is {kind}, not a trajlm store, and has "
                    "no splits: leave out --split (every trajectory is read), or give the "
                    "store `trajlm data ingest` writes from it")  # fmt: skip


def _store_like(path: Path) -> bool:
    """Whether the folder is (or was meant as) a trajlm store: one whole, or holding a store's
    own files (then a damaged store is said as one, not read as a folder of files)."""
    from trajlm.data.store import STORE_FILES

    return any((path / name).exists() for name in STORE_FILES)


def _names_columns(columns: dict | None) -> bool:
    """True when --traj-col / --time-col / --lat-col / --lon-col / --crs name a file's columns."""
    return any(
        (columns or {}).get(k) for k in ("traj_col", "time_col", "lat_col", "lon_col", "crs")
    )


def _options_used(columns: dict | None, df) -> None:
    """Take out of the caller's ``columns`` (in place: every command hands the same dict to
    its TrajLM method next) the options the reader used: the frame is in trajlm's names and
    degrees now (a --crs applied twice would move every point), but for the id column, which
    keeps the file's name (``_converted``)."""
    if columns is None:
        return
    for key in ("time_col", "lat_col", "lon_col", "crs"):
        columns.pop(key, None)
    if columns.get("traj_col") is not None and columns["traj_col"] not in df.columns:
        columns.pop("traj_col")


def _converted(path: Path, option: str, on_error: str | None, columns: dict | None = None):
    """A file only ingest's converters read (DJI .SRT, RTKLIB .pos, XML Spreadsheet 2003,
    workbooks: leftover32; the model commands refused them), or a table converted on the way
    (GeoPackage, SQLite: leftover35), read as ``TrajLM.predict(path, **columns)`` reads it,
    the id columns under the file's own names; one line where no reader knows the file."""
    from trajlm.data.coerce_path import path_columns
    from trajlm.data.read_file import UnknownFormat, read_columns

    try:
        return read_columns(path, path_columns(columns or {}), on_error or "raise",
                            exact_times=True, own_names=True)  # fmt: skip
    except UnknownFormat:
        if path.is_dir():
            raise UserError(
                f"{option} {path}: not a trajlm store (no manifest.json / points/) and no file "
                "under it that `trajlm data ingest` reads",
                hint="create a store with `trajlm data ingest` or `trajlm data synth`, or give "
                "a folder of track files (.gpx, .plt, .csv, .tlog, ...)",
            ) from None
        raise UserError(
            f"{option} {path}: expected a store directory, .csv, .parquet or a file "
            "trajlm reads (.gpx, .plt, .json, .srt, .pos, .xlsx, ...)"
        ) from None
