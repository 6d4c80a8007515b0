"""A CSV / Parquet --input's table for the commands that read points (split out of
_cli_points.py, fix35, at 472 lines): which route a ``.csv`` takes (a log ingest converts, a
report with title lines: the readers), its lines counted and numbered, its text coordinates
read as ingest reads them, a GeoParquet's points, the column options it has, the rows
``--on-error skip`` drops, and ``input_errors``: a reader's or coerce's error in the CLI's words
(the --traj-col ... options for coerce's arguments, the command that has --on-error named).
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from trajlm._cli_io import say
from trajlm._safety import UserError
from trajlm.errors import DayMonthGuess, EarlyNumericTimes, TrajlmInputError

_COLUMN_FLAGS = {"traj_col": "--traj-col", "time_col": "--time-col", "lat_col": "--lat-col",
                 "lon_col": "--lon-col", "crs": "--crs"}  # fmt: skip


def skip_bad_rows(df, path: Path, option: str, columns: dict):
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
                             return_report=True, say_fast=False,
                             **{**columns, "split_gaps": False})  # fmt: skip
    dropped = {**({"null_island": n_island} if n_island else {}), **report.dropped}
    if dropped:
        say(f"{option} {path}: dropped {dropped} of {len(df):,} rows (--on-error skip: the "
            "rows `trajlm data ingest` drops)")  # fmt: skip
    return df.filter(pl.col(row).is_in(kept[row].implode())).drop(row)


def log_as_csv(path: Path) -> bool:
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
    from trajlm.data.readers.stacked_csv import is_stacked_csv

    # an InfluxDB download's field / value rows: pivoted as ingest reads them (heldout33); an
    # OGC Moving Features CSV's segments as points (heldout34)
    return (is_sbs1(path) or is_fit_csv(path) or is_ardupilot_text(path) or is_long_table(path)
            or is_mf_csv(path) or is_stacked_csv(path))  # fmt: skip  # ForeFlight (heldout40)


def titled(path: Path) -> bool:
    """A CSV with title lines above its header (a fleet portal's report: its name, account and
    date range; heldout35): read by the readers, which find the header, as ingest reads it (a
    plain read took the title for the header: "damaged file (found more fields ...)")."""
    from trajlm.data.readers._lines import COMMENT_LINES, comment_lines

    with path.open("rb") as f:
        lines = [f.readline(1 << 16) for _ in range(COMMENT_LINES + 1)]
    return comment_lines(lines) > 0


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
        if isinstance(e, EarlyNumericTimes):  # say how to give them (badin17)
            text = text.replace("another unit?", "another unit? Elapsed seconds: "
                                "--time-origin 2020-01-01T00:00Z (their 0).", 1)  # fmt: skip
        for arg, flag in _COLUMN_FLAGS.items():  # the CLI's names for coerce's arguments
            text = text.replace(f"{arg}=...", f"{flag} NAME").replace(f"{arg}=", f"{flag} ")
        named = str(path) in text  # before the hint below names it too
        lead = text.split(" ", 1)[0].rstrip(":")  # the readers' short name (`a/b/f.json`)
        if not named and lead and (lead == path.name or str(path).endswith(f"/{lead}")):
            text, named = f"{option} {path}{text[len(lead) :]}", True  # once (heldout37: twice)
        if isinstance(e, DayMonthGuess):  # the CLI's way, not pandas'
            # (heldout33b: `predict --input logbook.csv` of dd/mm dates advised pd.to_datetime)
            text += (
                "; on the command line: --time-format dmy (mdy: month first)"
                if dates  # the command reads dates itself (leftover34: predict)
                else f"; on the command line: `trajlm data ingest {path} --time-format dmy "
                f"--out STORE` (mdy: month first), then {option} STORE"
            )
        # from e: the caller can still tell the kind of fault (cli_dispatch: --at's, review35)
        raise UserError(text if named else f"{option} {path}: {text}") from e


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


def coord_names(names: list[str], columns: dict):
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


def table_text_coords(df, columns: dict):
    """A CSV's latitude / longitude as `trajlm data ingest` reads them (session 18, predict18;
    data/coerce_coords.py, which the Python API shares); hemisphere columns dropped once read."""
    from trajlm.data.coerce_coords import text_coords

    lat, lon, hemi = coord_names(df.columns, columns)
    if lat is None:
        return df
    parsed = text_coords(df, lat, lon, where="line", first=2)
    return parsed.drop(*hemi.values()) if hemi and parsed is not df else parsed


def with_lines(df, n_lines: int):
    """`df` (read_csv of a file of `n_lines` lines, one row per line after the header, blank
    lines included) with each row's 1-based file line in column LINE, so errors name lines;
    unchanged when the counts differ (a quoted field spanning lines)."""
    import polars as pl

    from trajlm.data.schema import LINE

    if n_lines - 1 != len(df) or LINE in df.columns:
        return df
    return df.with_columns(pl.int_range(2, len(df) + 2, dtype=pl.Int64).alias(LINE))


def geoparquet(path: Path, df):
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
    if suffix == ".csv" and (log_as_csv(path) or titled(path)):  # read by the readers
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
    degrees = {n for n in names if n.strip().lower() in _DEGREE_NAMES}
    if columns.get("crs") and ("lat_col" in out or "lon_col" in out or not degrees):
        out["crs"] = columns["crs"]  # x / y found by name take it too (newuser36: `--crs local`)
    return out


_DEGREE_NAMES = {"lat", "latitude", "lon", "lng", "long", "longitude"}
