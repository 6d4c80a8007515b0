"""``trajlm.read(path)``: a file's points as `trajlm data ingest` reads them, for the Python API.

Session 32 (leftover32; heldout31's leftover): ingest reads DJI ``.SRT`` subtitles, RTKLIB
``.pos`` solutions and XML Spreadsheet 2003 "Excel" downloads by converting them to CSV first
(readers/device_logs.py via spreadsheet.sheets_as_csv), but a notebook had no way in:
``pd.read_excel`` fails on XML 2003, pandas reads neither ``.SRT`` nor ``.pos``, and the model
methods take frames. This reads any file or folder ingest reads, with the same conversions,
column guesses and owner column, and returns the points uncleaned and unsplit (no store is
written): hand the frame to ``TrajLM.predict`` / ``recover`` / ... as any other frame.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import polars as pl

from trajlm._safety import read_marker
from trajlm.data.coerce_path import (
    UnknownFormat,
    is_store_path,
    option_map,
    path_offset_s,
    path_problem,
    read_kept,
    read_path,
)
from trajlm.data.geo import crs_refusal, is_local, is_wgs84
from trajlm.data.local_plane import (
    PLANE_SAMPLE_ROWS,
    as_plane_columns,
    refuse_plane_metres,
    store_crs,
)
from trajlm.data.readers._naive_times import TABLE_CLOCK
from trajlm.data.readers.plane_kinds import is_plane_file
from trajlm.data.schema import TrajlmInputError

__all__ = ["UnknownFormat", "read", "read_file"]


def read_file(
    path: str | os.PathLike | bytes,
    *,
    format: str | None = None,
    on_error: str = "raise",
    exact_times: bool = False,
    time_origin: str | None = None,
    time_format: str | None = None,
    tz: str | None = None,
    utc_offset: float | None = None,
    crs: str | None = None,
    pitch: str | None = None,
    sub_second: bool = False,
    **unknown: Any,
) -> pl.DataFrame:
    """The points of ``path`` (a file or folder `trajlm data ingest` reads, format detected) as a
    Polars frame in trajlm's names: ``traj_id`` (the file's id column, else each file's name),
    ``t`` (Unix seconds; times without a zone read as UTC, said in one warning as ingest says
    it), ``lat``, ``lon``, plus an owner column (``vehicle_id`` / ``user_id``) and the
    motion / sensor columns ingest keeps; where the id is the owner's (a fleet export keyed by
    plate) only ``vehicle_id`` / ``user_id``, which the model calls cut at gaps as ingest does.
    Records a reader cannot use are refused in one line naming file and line
    (``on_error="skip"``: dropped and counted in one warning). Nothing is cleaned or split: that
    is ingest's (or the model call's gap rule). ``format``: a reader's name where the file's
    name and content do not tell it (as ingest's --format: ``"csv"``, ``"gpx"``, ...).
    ``exact_times=True``: ``t`` as float seconds where the file's fixes have fractions of a
    second (an ADS-B trace's ``4.56``, a GPX's ``.250Z``), which a model call puts back on its
    answers; by default whole seconds, as ingest stores them. ``time_origin``: the instant
    (ISO text) a file's elapsed seconds count from, as ingest's --time-origin (SUMO's
    ``fcd.xml``: simulation seconds of an undated day); ``time_format`` (``"mdy"``, ``"dmy"``,
    a strptime pattern, ...) and ``tz`` (an IANA zone for times without one) as ingest's
    --time-format / --tz (heldout35: refusals named these options, which no model-call path
    took); ``utc_offset`` (hours, fractions too) as ingest's --utc-offset: times without a zone
    are local times that many hours ahead of UTC (leftover35: the Python twin). ``crs``: the
    file's projected CRS (``"EPSG:32631"``: read into lat / lon) or ``"local"``: x / y metres on
    a plane not on the Earth, returned as ``y`` / ``x`` metres, never as lat / lon (a store
    ingested with ``--crs local`` too); x / y metres read as degrees are refused naming it
    (newuser36). ``pitch``: a Metrica / TRACAB feed's pitch, length x width in metres
    (``"105x68"``, the default), as ingest's --pitch-size. ``sub_second=True``: every fix kept
    at its exact time, ``t`` float seconds, as ingest's --sub-second keeps them (fix40: by
    default, and with ``exact_times=True``, the fixes after the first of each second are
    dropped as ``sub_second_fix``, as a whole-second store keeps one a second)."""
    if unknown:  # badin40 70: Python's "read_file() got an unexpected keyword" (fix40b)
        _refuse_keywords(unknown)
    if on_error not in ("raise", "skip"):  # a TrajlmInputError is a ValueError: callers' catch
        raise TrajlmInputError(f"on_error must be 'raise' or 'skip', got {on_error!r}",
                               field="on_error")  # fmt: skip
    if not isinstance(exact_times, bool):  # before: 'yes' taken as True, silently (badin35)
        raise TrajlmInputError(f"exact_times must be True or False, got {exact_times!r}",
                               field="exact_times")  # fmt: skip
    if not isinstance(sub_second, bool):
        raise TrajlmInputError(f"sub_second must be True or False, got {sub_second!r}",
                               field="sub_second")  # fmt: skip
    if isinstance(path, bytes):  # an os.fsencode'd name (os.listdir(b".")): read as its text
        path = os.fsdecode(path)
    if not isinstance(path, str | os.PathLike):
        raise TrajlmInputError(f"trajlm.read takes a file or folder's path, got "
                               f"{type(path).__name__}", field="path")  # fmt: skip
    if problem := path_problem(path):
        raise TrajlmInputError(problem, field="path")
    path = Path(path).expanduser()
    if is_store_path(path):  # a store folder whole, as a model call given its path reads it
        unused = [f"{k}=" for k, v in (("format", format), ("time_origin", time_origin),
                                       ("time_format", time_format), ("tz", tz),
                                       ("utc_offset", utc_offset), ("crs", crs))
                  if v is not None]  # fmt: skip
        if unused:  # before: dropped without a word (badin36), as a model call refuses them
            raise TrajlmInputError(f"{path} is a trajlm store, whose times are Unix seconds "
                                   f"already, its format trajlm's and its positions as it was "
                                   f"ingested: leave out "
                                   f"{', '.join(unused)}", field=unused[0][:-1])  # fmt: skip
        whole = read_path(path, {})
        return as_plane_columns(whole) if store_crs(path) == "local" else whole
    kind = (read_marker(path) or read_marker(path.parent)) if path.is_dir() else None
    if kind and kind["kind"] != "store":  # a store's own points/ folder reads as data
        # a run / selector folder: before, its config.json was read as MF-JSON (badin35)
        raise TrajlmInputError(f"{path}: a trajlm {kind['kind']} folder, not trajectory data",
                               field="path", hint="give a store, a data file or a folder of "
                               "track files")  # fmt: skip
    given = {k: v for k, v in (("time_origin", time_origin), ("time_format", time_format),
                               ("tz", tz)) if v is not None}  # fmt: skip
    given = {k: str(v) for k, v in given.items()}
    if utc_offset is not None:  # checked as the model calls check it (coerce_path)
        given["utc_offset_s"] = path_offset_s(utc_offset, tz)
    if pitch is not None:  # badin38: a TypeError naming read_file(), no way to give it
        given["pitch"] = checked_pitch(pitch, path)
    if sub_second:  # every fix at its exact time, as ingest's --sub-second (fix40)
        given["sub_second"] = True
    if crs is None and is_plane_file(path):  # a pitch feed, ETH / UCY: a plane, as ingest reads
        crs = "local"
    if crs is not None:
        if not isinstance(crs, str) or (why := crs_refusal(crs)):
            raise TrajlmInputError(why if isinstance(crs, str) else f"crs must be text such as "
                                   f"'EPSG:32631' or 'local', got {crs!r}", field="crs")  # fmt: skip
        given["crs"] = crs
    columns = option_map(given)
    try:
        df, report = read_kept(path, columns, on_error=on_error, say_naive=True, fmt=format,
                               exact_times=exact_times, clock=TABLE_CLOCK)  # fmt: skip
    except TrajlmInputError as e:  # the readers' hint names a keyword read() has not (badin36)
        if e.args and _COLUMNS_HINT in str(e.args[0]):
            e.args = (str(e.args[0]).replace(_COLUMNS_HINT, _READ_COLUMNS_HINT),)
        in_python(e)
        raise
    out = _as_read(path, df, report)
    if is_local(crs):  # the plane's lat / lon are bookkeeping: back to x / y metres
        return as_plane_columns(out)
    if is_wgs84(crs) and {"traj_id", "t", "lat", "lon"} <= set(out.columns):
        head = out.head(PLANE_SAMPLE_ROWS).sort(["traj_id", "t"], maintain_order=True)
        refuse_plane_metres(head, ("lat", "lon"), python=True, path=path)
    return out


# the readers' CLI words for crs (fix37c: `trajlm.read(path, crs='EPSG:32631')` on pitch metres
# was told "give --crs local"; a Python caller writes crs='local')
_CRS_WORDS = (
    ("--crs local", "crs='local'"),
    ("--crs=", "crs="),
    ("leave out --crs", "leave out crs="),
)


def in_python(e: TrajlmInputError) -> None:
    """``e``'s message and hint in a Python caller's words for crs (in place)."""
    for cli, python in _CRS_WORDS:
        if e.args:
            e.args = (str(e.args[0]).replace(cli, python), *e.args[1:])
        if e.hint:
            e.hint = e.hint.replace(cli, python)


_COLUMNS_HINT = "(Python: columns=ColumnMap(traj_id=..., t=..., lat=..., lon=...))"
_READ_COLUMNS_HINT = (
    "(Python: trajlm.read takes no column names; trajlm.ingest(path, 'csv', out, "
    "column_map=ColumnMap(t=...)) reads the file with them, a model call given the path takes "
    "traj_col= / time_col= / lat_col= / lon_col=)"
)


_COLUMN_WORDS = ("traj_col", "time_col", "lat_col", "lon_col")


def _refuse_keywords(unknown: dict[str, Any]) -> None:
    """One line for a keyword ``trajlm.read`` does not take: a column name (``traj_col=``, which
    a model call takes) says where column names are given; any other, the valid keywords (an
    ArgumentError, still a TypeError)."""
    import inspect

    from trajlm._arguments import check_keywords
    from trajlm.errors import ArgumentError

    if cols := [k for k in unknown if k in _COLUMN_WORDS]:
        raise ArgumentError(f"trajlm.read() takes no column names ({cols[0]}={unknown[cols[0]]!r})",
                            hint=_READ_COLUMNS_HINT.strip("()").split("; ", 1)[1])  # fmt: skip
    valid = [n for n, p in inspect.signature(read_file).parameters.items()
             if p.kind is p.KEYWORD_ONLY]  # fmt: skip
    check_keywords("trajlm.read", unknown, ["path", *valid])


def read_columns(
    path: Path,
    columns: Any,
    on_error: str = "raise",
    exact_times: bool = False,
    own_names: bool = False,
) -> pl.DataFrame:
    """``read_file`` of a checked path with a ``ColumnMap`` (None: detected), as a model call
    given the path reads it: `trajlm predict --input ferries.gpkg --traj-col ferry` names the
    layer's id column as ``TrajLM.predict(path, traj_col='ferry')`` does (leftover35: the CLI
    read raw formats without its column options). ``own_names=True``: the id columns under the
    file's own names (``vehicle``, not ``traj_id``), so answers are named as the input's
    (`trajlm predict --input trips.gpkg`; leftover35)."""
    df, report = read_kept(
        path, columns, on_error=on_error, say_naive=True, exact_times=exact_times
    )
    return _as_read(path, df, report, own_names)


def _as_read(path: Path, df: pl.DataFrame, report: Any, own_names: bool = False) -> pl.DataFrame:
    """``read_kept``'s table as ``read_file`` gives it (drops said, an owner's id read as a
    mover, ``own_names``: the id columns under the file's names)."""
    if report.total:
        keep = ("; sub_second=True keeps every fix at its exact time (ingest's --sub-second)"
                if report.dropped.get("sub_second_fix") else "")  # fmt: skip
        warnings.warn(f"{path}: dropped {dict(report.dropped)} of {report.rows_in:,} records, "
                      f"as `trajlm data ingest` drops them{keep}", UserWarning,
                      stacklevel=3)  # fmt: skip
    mover = next((c for c in ("vehicle_id", "user_id") if c in df.columns), None)
    if mover is not None and df["traj_id"].equals(df[mover]):
        # the id is the vehicle's (a fleet export keyed by plate): read as a mover, so a model
        # call cuts its days at the gap rule as ingest cuts them, not as one trajectory
        df = df.drop("traj_id").select(mover, pl.exclude(mover))
    if own_names:
        names = {k: v for k, v in (report.id_names or {}).items() if k in df.columns}
        if len(set(names.values())) == len(names) and not set(names.values()) & set(df.columns):
            df = df.rename(names)
    return df


read = read_file  # trajlm.read (trajlm/__init__.py)


def checked_pitch(pitch: Any, path: Path) -> str:
    """``pitch`` as ColumnMap takes it; one line naming ``pitch=`` where it is no size or
    ``path`` no tracking feed (as ingest refuses --pitch-size there)."""
    from trajlm.data.readers.pitch_feeds import is_pitch_feed, parse_pitch

    try:
        parse_pitch(pitch)
    except ValueError:
        raise TrajlmInputError(f"pitch={pitch!r}: give length x width in metres, e.g. "
                               "pitch='105x68'", field="pitch") from None  # fmt: skip
    if not is_pitch_feed(path):
        raise TrajlmInputError(f"pitch={pitch!r} sizes a Metrica / TRACAB tracking feed's "
                               f"pitch, and {path.name} is none: leave it out", field="pitch")  # fmt: skip
    return str(pitch)
