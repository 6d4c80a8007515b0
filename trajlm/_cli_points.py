"""The commands' point inputs: a store directory, CSV, Parquet (GeoParquet too) or any file a
reader knows -> the canonical table (traj_id, t, lat, lon, ...), with one-line errors that
name the file, line and field, and the --traj-col / --time-col / --lat-col / --lon-col / --crs
options by their CLI names. ``with_layout=True`` also returns the input's ``Layout`` (its
column names), which ``trajlm predict`` writes its output with (trajlm/cli_predict.py).
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from trajlm._cli_io import must_exist, read_store_checked, say
from trajlm._cli_times import with_time_origin
from trajlm._safety import UserError, reading
from trajlm.errors import TrajlmInputError

if TYPE_CHECKING:  # annotations only: importing the CLI loads no polars
    import polars as pl

_COLUMN_FLAGS = {"traj_col": "--traj-col", "time_col": "--time-col", "lat_col": "--lat-col",
                 "lon_col": "--lon-col", "crs": "--crs"}  # fmt: skip


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
):
    """Model input from a store directory, CSV, Parquet or any file a reader knows (GPX, PLT,
    MF-JSON, ...: format detected), validated by check_model_input (NaN, latitude 200, times
    going backwards: an error naming the file, field and row). `columns`: the --traj-col /
    --time-col / --lat-col / --lon-col names (traj_col=..., as coerce takes them). `on_error`:
    the command's --on-error for raw formats ("skip" drops and counts bad records, said in one
    line); None when the command has no such option (hints then name `trajlm data ingest`).
    `with_layout`: return (table, Layout), the Layout of a store or raw format in trajlm's names.
    `time_format`: --time-format, the table read as ingest reads it (by_time_format);
    `time_format_option`: the command has --time-format (its errors name it)."""
    from trajlm.data.coerce import Layout, coerce
    from trajlm.data.schema import LINE

    if time_format is not None and time_origin is not None:
        raise UserError("--time-origin and --time-format: give one (a time origin counts "
                        "elapsed seconds; --time-format reads dates)")  # fmt: skip
    columns = {k: v for k, v in (columns or {}).items() if v is not None}
    if (columns.get("split_gaps") == "auto" and "traj_col" not in columns
            and not (path.is_dir() and _store_like(path))):  # fmt: skip
        # a file's ids are movers or trips, ingest cannot tell: cut at its gap rule, as
        # TrajLM.predict(path) cuts them (fix34: OruxMaps 1 answer here vs 7 there, CSV too);
        # --traj-col NAME still reads each NAME as one trajectory (the CLI's way to say so)
        columns["split_gaps"] = True
    if time_format is not None:  # before the store's own read: refused there, in one line
        df, columns = by_time_format(path, option, split, columns, on_error, time_format)
        on_error = "raise"  # the readers dropped and counted (skip) already
    elif path.is_dir() and _store_like(path):
        must_exist(path, option)
        df = read_store_checked(path, option, split).drop("split", strict=False)
        return (df, Layout("polars")) if with_layout else df
    table = path.suffix.lower() in (".parquet", ".csv") and time_format is None
    if time_format is None:
        df = read_frame(path, option, split, columns, "raise" if table and on_error else on_error)
    if time_origin is not None:
        df = with_time_origin(df, time_origin, columns.get("time_col"), path)
    if table and on_error == "skip":
        df = _skip_bad_rows(df, path, option, columns)
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
                df = _geoparquet(path, df)
        elif path.suffix.lower() == ".csv" and not _log_as_csv(path):
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
            _, _, hemi = _coord_names(names, columns)  # NMEA ddmm.mmmm read as its text
            text = {"traj_id": pl.Utf8} | dict.fromkeys(hemi or {}, pl.Utf8)
            with reading(path, todo):
                df = pl.read_csv(path, schema_overrides=text, glob=False,
                                 separator=sep, new_columns=names or None)  # fmt: skip
            df = _with_lines(_text_coords(df, columns), n_lines)
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
    path: Path, option: str, split: str | None, columns: dict, on_error: str | None, fmt: str
) -> tuple[pl.DataFrame, dict]:
    """--time-format on `trajlm predict` (leftover34; heldout33b: a skipper's dd/mm logbook
    needed `trajlm data ingest --time-format dmy` and a store first): the table read by ingest's
    readers with that format, so the option means what ingest's does (dmy / mdy, unix_ms,
    excel, a strptime pattern; naive times said as ingest says them), exact to the millisecond.
    Returns the canonical frame and the column options left for coerce (the names are trajlm's
    now)."""
    from trajlm.data.coerce_path import read_kept
    from trajlm.data.readers._column_map import ColumnMap

    must_exist(path, option)
    if path.is_dir() and _store_like(path):
        raise UserError(f"--time-format {fmt}: {option} {path} is a trajlm store, whose times "
                        "are Unix seconds already: leave out --time-format")  # fmt: skip
    _split_unused(path, option, split)
    names = {"traj_col": "traj_id", "time_col": "t", "lat_col": "lat", "lon_col": "lon",
             "crs": "crs"}  # fmt: skip
    mapping = ColumnMap(time_format=fmt, **{names[k]: v for k, v in columns.items() if k in names})
    if why := mapping.option_error():
        raise UserError(f"--time-format {fmt}: {why}")
    with input_errors(path, option, on_error):
        df, report = read_kept(path, mapping, on_error=on_error or "raise", say_naive=True,
                               exact_times=True)  # fmt: skip
    if report.total:
        say(f"{option} {path}: dropped {dict(report.dropped)} of {report.rows_in:,} records"
            f"{' (--on-error skip)' if on_error == 'skip' else ''}")  # fmt: skip
    return df, {k: v for k, v in columns.items() if k not in names}


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


def _skip_bad_rows(df, path: Path, option: str, columns: dict):
    """--on-error skip on a CSV / Parquet table (newuser24: a fleet export's empty, (0, 0) and
    repeated fixes were refused with a Python-only hint): the rows `trajlm data ingest` drops
    (missing / invalid coordinates, (0, 0) missing-fix markers, repeated times), counted in one
    line. The rows kept are the file's own, untouched (times still as written); each
    trajectory is kept whole here (the gap rule applies after, as without --on-error)."""
    import polars as pl

    from trajlm.data.clean import clean
    from trajlm.data.coerce import coerce

    row = "__skip_row"
    df = df.with_row_index(row)
    with input_errors(path, option, "skip"):
        _, layout = coerce(df.head(1), validate=False, **columns)  # the lat / lon columns
    lat, lon = pl.col(layout.lat_col).cast(pl.Float64, strict=False), pl.col(layout.lon_col)
    island = ((lat == 0) & (lon.cast(pl.Float64, strict=False) == 0)).fill_null(False)
    plain = layout.crs is None and {layout.lat_col, layout.lon_col} <= set(df.columns)
    n_island = int(df.select(island.sum()).item()) if plain else 0  # (a point column: not here)
    with input_errors(path, option, "skip"):
        kept, report = clean(df.filter(~island) if n_island else df,
                             return_report=True, **{**columns, "split_gaps": False})  # fmt: skip
    dropped = {**({"null_island": n_island} if n_island else {}), **report.dropped}
    if dropped:
        say(f"{option} {path}: dropped {dropped} of {len(df):,} rows (--on-error skip: the "
            "rows `trajlm data ingest` drops)")  # fmt: skip
    return df.filter(pl.col(row).is_in(kept[row].implode())).drop(row)


def _log_as_csv(path: Path) -> bool:
    """A ``.csv`` that ``data ingest`` converts before reading it (SBS-1 BaseStation lines,
    a FitCSVTool export, an ArduPilot text log): read by the readers, as ingest reads it (one
    trajectory per aircraft, a FIT file's ride named after the file). Session 20 (leftovers20):
    read here as a plain CSV, these were refused ("column names appear more than once",
    missing columns)."""
    from trajlm.data.readers.ardupilot import is_ardupilot_text
    from trajlm.data.readers.fit_csv import is_fit_csv
    from trajlm.data.readers.long_tables import is_long_table
    from trajlm.data.readers.mf_csv import is_mf_csv
    from trajlm.data.readers.sbs1 import is_sbs1

    # an InfluxDB download's field / value rows: pivoted as ingest reads them (heldout33); an
    # OGC Moving Features CSV's segments as points (heldout34)
    return (is_sbs1(path) or is_fit_csv(path) or is_ardupilot_text(path) or is_long_table(path)
            or is_mf_csv(path))  # fmt: skip


@contextmanager
def input_errors(
    path: Path,
    option: str,
    on_error: str | None = None,
    table_skip: bool = False,
    dates: bool = False,
):
    """A TrajlmInputError about the input -> a UserError in the CLI's words: the column
    arguments as their options (traj_col= -> --traj-col), the file named, and (a command
    without --on-error) the skip hint pointing at `trajlm data ingest`. ``table_skip``: the
    command cleans a table with --on-error skip (read_points), said instead of the Python
    ``trajlm.clean`` hint. ``dates``: the command has --time-format (a day/month guess names
    it, not ingest)."""
    from trajlm.data.readers._common import HINT_SKIP
    from trajlm.data.schema import HINT_CLEAN

    try:
        yield
    except TrajlmInputError as e:
        text = str(e)
        if table_skip and on_error == "raise":  # a CLI user: the option, not the Python call
            text = text.replace(HINT_CLEAN, "--on-error skip drops and counts such rows (the "
                                "cleaning verbs of `trajlm data ingest`)")  # fmt: skip
        if on_error is None:  # this command has no --on-error: name the command that has it
            text = text.replace(HINT_SKIP, f"`trajlm data ingest {path} --on-error skip --out "
                                "STORE` drops and counts such rows")  # fmt: skip
        if "elapsed seconds or another unit?" in text:  # say how to give them (badin17)
            text = text.replace("another unit?", "another unit? Elapsed seconds: "
                                "--time-origin 2020-01-01T00:00Z (their 0).", 1)  # fmt: skip
        for arg, flag in _COLUMN_FLAGS.items():  # the CLI's names for coerce's arguments
            text = text.replace(f"{arg}=...", f"{flag} NAME").replace(f"{arg}=", f"{flag} ")
        named = str(path) in text  # before the hint below names it too
        if "leave the day/month order to a guess" in text:  # the CLI's way, not pandas'
            # (heldout33b: `predict --input logbook.csv` of dd/mm dates advised pd.to_datetime)
            text += (
                "; on the command line: --time-format dmy (mdy: month first)"
                if dates  # the command reads dates itself (leftover34: predict)
                else f"; on the command line: `trajlm data ingest {path} --time-format dmy "
                f"--out STORE` (mdy: month first), then {option} STORE"
            )
        raise UserError(text if named else f"{option} {path}: {text}") from None


def count_lines(path: Path, block: int = 8 << 20) -> int:
    """The lines of `path` (a last one without a newline counted), read in blocks: a line
    longer than the readers' max_line_bytes (16 MiB; TRAJLM_MAX_LINE_BYTES) is refused as
    `trajlm data ingest` refuses it, before read_csv loads it whole (a 2 GiB line of NULs took
    the kernel's OOM killer; docs/reliability.md "Session 17 (badin17)")."""
    import numpy as np

    from trajlm.data.readers import ReadLimits
    from trajlm.data.readers._lines import line_too_long

    limit = ReadLimits.from_env().max_line_bytes
    n_nl, cur = 0, 0  # newlines so far; bytes of the unfinished line
    with open(path, "rb") as f:
        while chunk := f.read(block):
            nl = np.flatnonzero(np.frombuffer(chunk, np.uint8) == 10)
            if not len(nl):
                cur += len(chunk)
                if cur > limit:
                    raise line_too_long(path, n_nl + 1, limit)
                continue
            lengths = np.r_[cur + nl[0], np.diff(nl) - 1]  # each completed line, in bytes
            long = np.flatnonzero(lengths > limit)
            if len(long):
                raise line_too_long(path, n_nl + 1 + int(long[0]), limit)
            n_nl += len(nl)
            cur = len(chunk) - int(nl[-1]) - 1
            if cur > limit:
                raise line_too_long(path, n_nl + 1, limit)
    return n_nl + (1 if cur or not n_nl else 0)


def _coord_names(names: list[str], columns: dict):
    """(lat column, lon column, {lat: N/S column, lon: E/W column} or None) of a CSV header
    (--lat-col / --lon-col, else detected as coerce detects them); (None, None, None) when
    either is not found or the coordinates are projected (--crs)."""
    from trajlm.data.column_names import LAT, LON, candidates
    from trajlm.data.readers._coord_text import hemisphere_columns

    lat = columns.get("lat_col") or next(iter(candidates(LAT, names)), None)
    lon = columns.get("lon_col") or next(iter(candidates(LON, names)), None)
    if columns.get("crs") or lat not in names or lon not in names or lat == lon:
        return None, None, None
    return lat, lon, hemisphere_columns(list(names), lat, lon)


def _text_coords(df, columns: dict):
    """A CSV's latitude / longitude as `trajlm data ingest` reads them (session 18, predict18;
    data/coerce_coords.py, which the Python API shares); hemisphere columns dropped once read."""
    from trajlm.data.coerce_coords import text_coords

    lat, lon, hemi = _coord_names(df.columns, columns)
    if lat is None:
        return df
    parsed = text_coords(df, lat, lon, where="line", first=2)
    return parsed.drop(*hemi.values()) if hemi and parsed is not df else parsed


def _with_lines(df, n_lines: int):
    """`df` (read_csv of a file of `n_lines` lines, one row per line after the header, blank
    lines included) with each row's 1-based file line in column LINE, so errors name lines;
    unchanged when the counts differ (a quoted field spanning lines)."""
    import polars as pl

    from trajlm.data.schema import LINE

    if n_lines - 1 != len(df) or LINE in df.columns:
        return df
    return df.with_columns(pl.int_range(2, len(df) + 2, dtype=pl.Int64).alias(LINE))


def _geoparquet(path: Path, df):
    """A GeoParquet file of points (GeoPandas' to_parquet) as a GeoDataFrame, which coerce
    reprojects from its CRS; `df` unchanged when the file has no point geometry column."""
    import pyarrow.parquet as pq

    from trajlm.data.readers._geoparquet import geometry_source

    if geometry_source(pq.ParquetFile(path).schema_arrow, path) is None:
        return df
    from trajlm.data.geo import require

    return require("geopandas").read_parquet(path)


def columns_present(path: Path, columns: dict) -> dict:
    """The column options (traj_col=..., ...) whose column `path`'s table has: a CSV's header,
    a Parquet file's schema (crs kept when a lat/lon option is kept); {} for a store or a raw
    format (their columns are fixed)."""
    suffix = path.suffix.lower()
    if path.is_dir() or suffix not in (".csv", ".parquet") or not path.is_file():
        return {}
    if suffix == ".csv" and _log_as_csv(path):  # converted by the readers: columns fixed
        return {}
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        names = set(pq.read_schema(path).names)
    else:
        from trajlm.data.readers import header_names, sniff_sep

        with open(path, "rb") as f:
            head = f.readline(1 << 16).decode("utf-8", errors="replace")
        names = set(header_names(head, sniff_sep(head) or ",", path)) if head.strip() else set()
    out = {k: v for k, v in columns.items() if k != "crs" and v is not None and v in names}
    if columns.get("crs") and ("lat_col" in out or "lon_col" in out):
        out["crs"] = columns["crs"]
    return out
