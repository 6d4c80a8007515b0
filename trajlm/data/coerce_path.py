"""A file or folder given to the Python API (`TrajLM(...).predict("trips.csv")`,
`trajlm.to_canonical(path)`) is read as `trajlm data ingest` reads it (`readers.read`: the same
format and column detection, the same drop rules), then taken as the canonical Polars table it
gives; the API's methods cut its tracks at ingest's gap rule (`coerce`'s split_gaps), whether its
ids are movers or trips, as ingest does (heldout32: a path was refused "cannot read a str as
trajectories" with no file route named). Column names given beside a path name the file's
columns, as ingest's --traj-col ... do. Rows the read dropped are said in one warning, as
ingest's drop report counts them, pointed at the caller's line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trajlm._safety import broken_link
from trajlm.data.schema import TrajlmInputError
from trajlm.errors import warn_at_caller

if TYPE_CHECKING:
    import polars as pl


def is_path(obj: Any) -> bool:
    """Whether `obj` names a file or folder (a str or a path-like) rather than holding data."""
    return isinstance(obj, (str, os.PathLike))


def is_store_path(obj: Any) -> bool:
    """Whether `obj` names a store folder written by `trajlm data ingest`."""
    from trajlm.data.store import is_store

    return is_path(obj) and is_store(Path(obj).expanduser())


def path_problem(obj: str | os.PathLike) -> str | None:
    """Why ``obj`` names nothing to read (None: it exists): an empty name (``Path("")`` is the
    working folder: badin33, `trajlm.read("")` read the repository), a symlink loop or a link to
    nothing (both were "no such file"; a loop was a RuntimeError in the CLI), or no such path."""
    shown = str(obj)[:200]
    if not str(obj).strip():
        return "an empty path ''"
    path = Path(obj).expanduser()
    if link := broken_link(path):
        return f"{shown!r} is {link}"
    return None if path.exists() else f"no file or folder {shown!r}"


def read_path(obj: str | os.PathLike, cols: dict[str, Any]) -> pl.DataFrame:
    """The canonical table of the file / folder at `obj`; `cols` (traj_col, time_col, lat_col,
    lon_col, crs, tz: the caller's options) name the file's own columns. A store folder is read
    whole (every split: its trips as ingest cut them), as `trajlm predict --input STORE --split
    all` reads it (demo32: `predict("stores/porto")` was refused naming its index.parquet)."""
    return read_path_named(obj, cols)[0]


def read_path_named(obj: str | os.PathLike, cols: dict[str, Any]) -> tuple[pl.DataFrame, dict]:
    """``read_path`` and the file's own names of its id and time columns ({trajlm's name: the
    file's}; empty for a store: its names are trajlm's), for answers named as the file's."""
    path = Path(obj).expanduser()
    if problem := path_problem(obj):
        raise TrajlmInputError(
            f"{problem}; give a path to a trajectory file (any format `trajlm data ingest` "
            "reads) or a Polars / pandas DataFrame, a GeoDataFrame, or a MovingPandas "
            "Trajectory(Collection)"
        )
    on_error = read_options(path, cols)
    if is_store_path(path):
        return _read_store_path(path, cols), {}
    # exact_times: a fix's fraction of a second comes back on the answers, as a frame's does
    # (leftover34: an ADS-B trace's `4.56` s answered at whole seconds)
    table, report = read_kept(path, path_columns(cols), on_error=on_error, exact_times=True,
                              fmt=cols.get("format"))  # fmt: skip
    dropped = {r: n for r, n in report.dropped.items() if n}
    table, cleaned = ingest_rows(table, path, on_error)
    dropped |= cleaned
    if dropped:
        # the caller's line, however deep the API method that read the path (stacklevel=3
        # named trajlm/data/coerce.py when TrajLM.predict or to_canonical read it)
        warn_at_caller(
            f"{path.name}: read as `trajlm data ingest` reads it: {report.rows_in:,} rows, "
            + ", ".join(f"{n:,} dropped as {r}" for r, n in sorted(dropped.items()))
        )
    return table, {**(report.id_names or {}), **(report.time_name or {})}


def read_options(path: Path, cols: dict[str, Any]) -> str:
    """The path-only keywords of a model call (fix35: ``trajlm.read``'s and ingest's options,
    which ``TrajLM.predict(path)`` lacked): ``time_origin=`` / ``time_format=`` / ``format=``
    refused for a store (already trajlm's) and ``on_error=`` ("raise" / "skip") returned."""
    on_error = cols.get("on_error") or "raise"
    if on_error not in ("raise", "skip"):
        raise TrajlmInputError(f"on_error must be 'raise' or 'skip', got {on_error!r}",
                               field="on_error")  # fmt: skip
    timed = [k for k in ("time_origin", "time_format", "format") if cols.get(k) is not None]
    if timed and is_store_path(path):
        raise TrajlmInputError(
            f"{', '.join(f'{k}=' for k in timed)}: {str(path)[:200]!r} is a trajlm store, whose "
            "times are Unix seconds already and its format trajlm's: leave it out",
            field=", ".join(timed))  # fmt: skip
    return on_error


def path_only(**given: Any) -> None:
    """One line when a keyword that reads a file (``time_origin=``, ``time_format=``,
    ``on_error=``, ``format=``: ingest's options, fix35) is given with a frame, whose values are
    read already: it would be ignored silently."""
    named = [k for k, v in given.items() if v is not None]
    if named:
        raise TrajlmInputError(
            f"{', '.join(f'{k}=' for k in named)} read a file given by its path, as `trajlm "
            "data ingest` reads it; a frame's times and rows are its own: parse its time "
            "column first (pd.to_datetime(..., format=...), + pd.to_timedelta(..., unit='s') "
            "for elapsed seconds) or clean it (trajlm.clean(df)), or give the file's path",
            field=", ".join(named),
        )


def option_map(given: dict[str, Any]) -> Any:
    """``ColumnMap(**given)`` (None when nothing is given) for ``trajlm.read`` and a model call
    given a path: a bad ``time_origin=`` / ``time_format=`` / ``tz=`` one line naming its
    keyword, two that do not go together one line naming them (heldout35, fix35)."""
    from trajlm.data.readers._column_map import ColumnMap

    if not given:
        return None
    timed = {k: str(v) for k, v in given.items() if k in ("time_origin", "time_format", "tz")}
    for k, v in timed.items():  # the keyword at fault named (field=)
        if why := ColumnMap(**{k: v}).option_error():
            raise TrajlmInputError(why, field=k)
    from trajlm.data.readers._column_map import named_fields

    columns = named_fields(ColumnMap(**given), given)  # lat / lon / t named: read as given
    if why := columns.option_error():  # two that do not go together
        raise TrajlmInputError(why, field=", ".join(timed) or None)
    return columns


def ingest_rows(table: pl.DataFrame, path: Path, on_error: str) -> tuple[pl.DataFrame, dict]:
    """``on_error="skip"``: a repeated time's later fixes dropped and counted, as ingest and
    ``trajlm predict --input FILE --on-error skip`` drop them (the records a reader cannot use
    are the readers' own skip); "raise": a time repeated at a different position refused naming
    ``on_error="skip"`` (heldout35: told ``trajlm.clean(df)``, a frame's way, for a path)."""
    from trajlm.data.repeated_times import drop_repeated_times, refuse_repeated_times

    if on_error == "skip":
        return drop_repeated_times(table)
    refuse_repeated_times(table, str(path), 'on_error="skip"')
    return table, {}


def path_columns(cols: dict[str, Any]) -> Any:
    """The ``ColumnMap`` (None: detect) of a call's column keywords (traj_col=, ..., tz=,
    utc_offset=) for a file's own columns."""
    named = {"traj_id": cols.get("traj_col"), "t": cols.get("time_col"),
             "lat": cols.get("lat_col"), "lon": cols.get("lon_col")}  # fmt: skip
    given = {k: v for k, v in named.items() if v}
    given |= {k: str(cols[k]) for k in ("time_origin", "time_format") if cols.get(k) is not None}
    if cols.get("crs"):
        given["crs"] = str(cols["crs"])
    if cols.get("tz"):
        given["tz"] = cols["tz"]
    if cols.get("utc_offset") is not None:  # hours, as `--utc-offset` (fractions too)
        given["utc_offset_s"] = path_offset_s(cols["utc_offset"], cols.get("tz"))
    return option_map(given)


def path_offset_s(utc_offset: Any, tz: str | None) -> int:
    """``utc_offset=`` hours as the file readers' ``utc_offset_s`` (checked as for frames)."""
    from trajlm.data.coerce_tz import offset_hours

    return int(round(offset_hours(utc_offset, tz) * 3600))  # a file takes a fraction of an hour


class UnknownFormat(TrajlmInputError):
    """No reader (nor converter) knows the file: the CLI names its own options here."""


def read_kept(
    path: Path,
    columns: Any = None,
    *,
    on_error: str = "raise",
    say_naive: bool = False,
    fmt: str | None = None,
    exact_times: bool = False,
    clock: str | None = None,
    cli: bool = False,
) -> tuple[Any, Any]:  # -> (pl.DataFrame, DropReport)
    """`readers.read` of `path` keeping the columns ingest keeps beside the position: the fix's
    accuracy / HDOP, a reported speed and course, the owner (vehicle / user), sensors, an
    Argos class, a label. apipath32: the path route kept traj_id / t / lat / lon only, so the
    API's 200 m accuracy rule never saw AWARE's 149 cell-tower fixes that ingest drops, and a
    path answered otherwise than the same rows given as a frame. Workbooks, device logs and
    databases are converted first (`sheets_as_csv`, as ingest does) so their headers are read.
    One read for both routes into a frame: a path given to a model call and `trajlm.read`
    (read_file.py); ``say_naive``: times without a zone said in one warning, as ingest says it;
    ``fmt``: a reader's name, as ingest's --format (fix33: the hint named a format= nothing took);
    ``exact_times``: `t` as float seconds where fixes have fractions (readers.read);
    ``clock``: what a zone option on times carrying their instant is on this route (None: the
    frame's clock, as a model call keeps it), said in ``--tz`` words where ``cli`` (zones36)."""
    from trajlm.data.ingest_columns import keep_label_column, keep_mds_columns, keep_sensor_columns
    from trajlm.data.readers import detect_format, read, resolve_columns
    from trajlm.data.readers._argos import keep_argos_column
    from trajlm.data.readers._crs_check import crs_not_used
    from trajlm.data.readers._naive_times import (
        FRAME_CLOCK,
        kept_clock_line,
        zone_given,
        zone_not_used,
        zone_refusal,
    )
    from trajlm.data.readers.ais import keep_motion_columns
    from trajlm.data.readers.archives import member_error, warnings_name_sources
    from trajlm.data.readers.detect import naive_times
    from trajlm.data.readers.file_format import no_positions
    from trajlm.data.readers.owner_columns import keep_owner_column
    from trajlm.data.readers.spreadsheet import layer_of, pitch_of, sheets_as_csv

    paths, sheets = sheets_as_csv([path], "auto", layer_of(columns), pitch_of(columns), on_error)
    try:
        with warnings_name_sources(sheets):  # `s.xlsx: ...`, not the sheet's CSV
            try:
                fmt = detect_format(paths) if fmt is None else known_format(fmt)
            except TrajlmInputError as e:
                if sheets is None and no_positions(path) is None:  # no reader knows the file
                    raise UnknownFormat(str(e)) from None
                raise  # (a pickle, a Polar .hrm: what the file is, said as is; heldout37)
            columns, _ = resolve_columns(paths, fmt, columns)
            columns, _ = keep_owner_column(paths, fmt, columns)
            columns, _ = keep_label_column(paths, fmt, columns)
            columns, _ = keep_motion_columns(paths, fmt, columns)
            columns, _ = keep_mds_columns(paths, fmt, columns)
            for accuracy in (False, True):  # sensors, then the fix's error estimate
                columns, _ = keep_sensor_columns(paths, fmt, columns, accuracy=accuracy)
            columns, _ = keep_argos_column(paths, fmt, columns)
            # an API's JSON records: their naive text said on every route (heldout40: Navixy's
            # `get_time` in the account's zone was read as UTC by a model call without a word)
            if (say_naive or fmt == "mfjson") and (naive := naive_times(paths, fmt, columns)):
                warn_at_caller(f"times in {naive!r} have no zone; read as UTC")
            if why := zone_refusal(paths, fmt, columns):  # as ingest refuses it (zones36: a
                raise TrajlmInputError(why, field="tz")  # naive GPX's tz= went unsaid)
            if why := crs_not_used(fmt, getattr(columns, "crs", None), cli=cli):  # badin37
                raise TrajlmInputError(why, field="crs")
            if kind := zone_not_used(paths, fmt, columns):  # not moved; the zone is the clock
                given = zone_given(columns.tz, columns.utc_offset_s, cli=cli)
                warn_at_caller(kept_clock_line(given, columns.t, kind, clock or FRAME_CLOCK))
            df, report = read(paths, fmt, columns=columns, on_error=on_error,
                              exact_times=exact_times)  # fmt: skip
            refuse_local_degrees(df, columns, cli, path)
            report.id_names = own_id_names(columns)
            report.time_name = own_time_name(columns)
            return df, report
    except TrajlmInputError as e:
        cli_words = "not a number of seconds elapsed, which --time-origin (time_origin= in"
        if e.args and cli_words in str(e.args[0]):  # the reader's CLI words (badin38)
            e.args = (str(e.args[0]).split(cli_words)[0] + "not a number of seconds elapsed, "
                      "which time_origin= counts from its instant; times that are dates: leave "
                      "time_origin out",)  # fmt: skip
        if (
            getattr(columns, "time_origin", None)
            and e.args
            and "nor Unix seconds" in str(e.args[0])
        ):
            # badin36: "not ISO-8601 nor Unix seconds" said of ISO dates, time_origin= the cause
            e.args = (f"{e.args[0]}; time_origin= counts elapsed seconds from an instant, and "
                      "these times are not numbers: leave time_origin out",)  # fmt: skip
        raise member_error(e, sheets) from None  # `book.xlsx!book.csv line 5`, no temp path
    finally:
        if sheets is not None:
            sheets.cleanup()


def refuse_local_degrees(df: Any, columns: Any, cli: bool, path: Path) -> None:
    """Degrees read with ``crs="local"`` refused on the path route as ingest refuses them
    (badin37: `trajlm.read("porto.csv", crs="local")` gave back lat / lon as "metres" and
    `predict --input porto.csv --crs local` answered)."""
    from trajlm.data.geo import is_local
    from trajlm.data.local_plane import PLANE_SAMPLE_ROWS, refuse_degrees_as_local

    if is_local(getattr(columns, "crs", None)) and {"traj_id", "t", "lat", "lon"} <= set(
        df.columns
    ):
        head = df.head(PLANE_SAMPLE_ROWS).sort(["traj_id", "t"], maintain_order=True)
        refuse_degrees_as_local(head, python=not cli, path=path)


def own_id_names(columns: Any) -> dict[str, str]:
    """{trajlm's id column: the file's own name} of a column map (``vehicle`` read as
    traj_id); a nested pair (``hhid`` / ``persid`` read as ``1000/1``) keeps trajlm's name."""
    if columns is None or getattr(columns, "traj_parent", None):
        return {}
    names = {k: v for k, v in columns.extra.items() if k in ("vehicle_id", "user_id")}
    if isinstance(columns.traj_id, str) and columns.traj_id != "traj_id":
        names["traj_id"] = columns.traj_id
    return {k: v for k, v in names.items() if isinstance(v, str) and v != k}


def own_time_name(columns: Any) -> dict[str, str]:
    """{"t": the file's time column} when one column holds the time (not a Date + Time pair,
    date parts, or a reader's own field)."""
    t = getattr(columns, "t", None)
    if columns is None or getattr(columns, "t_date", None) or getattr(columns, "t_parts", None):
        return {}
    return {"t": t} if isinstance(t, str) and t != "t" else {}


def as_own_names(
    df: pl.DataFrame, own: dict[str, str]
) -> tuple[pl.DataFrame, str | None, str | None]:
    """A path's table under the file's own id and time names (leftover36: ``TrajLM.predict
    ("buses.csv")`` answered in trajlm's `traj_id` / `t` where the frame read from the file
    answers in `vehicle` / `time`): (table, its id column, its time column; None where trajlm's
    name stays). An id read as the owner too stays `vehicle_id` beside it (as ingest keeps it);
    times become UTC datetimes (a file's times have no dtype of their own to give back; a
    number under a name like `ts_ms` would be read in the unit its name says)."""
    import polars as pl

    names = {k: v for k, v in own.items() if k in df.columns and v not in df.columns}
    if "traj_id" in names and names["traj_id"] == names.get("vehicle_id"):
        names.pop("vehicle_id")  # the mover's id read as its owner too: kept as ingest keeps it
    if len(set(names.values())) < len(names):  # two of trajlm's columns from one: as read
        return df, None, None
    if "t" in names:
        us = (pl.col("t") * 1_000_000).round().cast(pl.Int64)  # exact (float) times: to the us
        df = df.with_columns(pl.from_epoch(us, time_unit="us").dt.replace_time_zone("UTC"))
    return df.rename(names), names.get("traj_id"), names.get("t")


def known_format(fmt: Any) -> str:
    """``fmt`` if a reader has that name, else one line naming the names (readers.read's
    ValueError was a traceback)."""
    from trajlm.data.readers import FORMATS

    if fmt not in FORMATS:
        raise TrajlmInputError(f"unknown format {fmt!r}; give one of {', '.join(FORMATS)}",
                               field="format")  # fmt: skip
    return fmt


def _read_store_path(path: Path, cols: dict[str, Any]) -> pl.DataFrame:
    """Every split of the store at `path`, canonical, without the `split` column."""
    from trajlm.data.store import read_store

    named = [f"{k}=" for k in ("traj_col", "time_col", "lat_col", "lon_col", "crs", "tz",
                               "utc_offset") if cols.get(k)]  # fmt: skip
    if named:
        raise TrajlmInputError(
            f"column keywords ({', '.join(named)}) name a file's columns; "
            f"{str(path)[:200]!r} is a trajlm store, "
            "already canonical (traj_id, t, lat, lon): drop them, or give the original file"
        )
    return read_store(path).drop("split")


def asked_clock_of_store(store: object) -> str | None:
    """The zone a store keeps (``store_zone``: --tz / --utc-offset at ingest) as the clock of
    zone-less times asked of it by path (``Layout.named_zone``: at_times=, depart=), as
    `trajlm predict --input STORE --at-times` reads them (leftover37: they went as UTC); a
    fixed offset of whole hours as its ``Etc/GMT`` zone; None for no clock or a fraction of an
    hour (no Polars zone keeps -03:30: asked times go as UTC, said)."""
    from trajlm.data.coerce_tz import whole_offset_zone
    from trajlm.data.local_clock import fixed_offset_s
    from trajlm.data.store_read import store_zone

    zone = store_zone(store)
    offset = fixed_offset_s(zone)
    if zone is None or offset is None:
        return zone
    return whole_offset_zone(offset / 3600, None)
