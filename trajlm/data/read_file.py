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

import warnings
from pathlib import Path

import polars as pl

from trajlm.data.readers import detect_format, resolve_columns
from trajlm.data.readers import read as read_raw
from trajlm.data.readers.archives import member_error
from trajlm.data.readers.detect import keep_owner_column, naive_times
from trajlm.data.readers.spreadsheet import sheets_as_csv
from trajlm.data.schema import TrajlmInputError


class UnknownFormat(TrajlmInputError):
    """No reader (nor converter) knows the file: the CLI names its own options here."""


def read_file(path: str | Path, *, on_error: str = "raise") -> pl.DataFrame:
    """The points of ``path`` (a file or folder `trajlm data ingest` reads, format detected) as a
    Polars frame in trajlm's names: ``traj_id`` (the file's id column, else each file's name),
    ``t`` (Unix seconds; times without a zone read as UTC, said in one warning as ingest says
    it), ``lat``, ``lon``, plus an owner column (``vehicle_id`` / ``user_id``) and the
    motion / sensor columns ingest keeps; where the id is the owner's (a fleet export keyed by
    plate) only ``vehicle_id`` / ``user_id``, which the model calls cut at gaps as ingest does. Records a reader cannot use are refused in one line
    naming file and line (``on_error="skip"``: dropped and counted in one warning). Nothing is
    cleaned or split: that is ingest's (or the model call's gap rule)."""
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
    path = Path(path)
    if not path.exists():
        raise TrajlmInputError("no such file or folder", path=path)
    paths, sheets = sheets_as_csv([path], "auto", None)  # .SRT / .pos / XML 2003 / .xlsx ...
    try:
        try:
            fmt = detect_format(paths)
        except TrajlmInputError as e:
            if sheets is None:  # nothing converted, and no reader knows the file
                raise UnknownFormat(str(e)) from None
            raise
        columns, _ = resolve_columns(paths, fmt, None)
        columns, owner = keep_owner_column(paths, fmt, columns)
        if naive := naive_times(paths, fmt, columns):
            warnings.warn(f"times in {naive!r} have no zone; read as UTC", UserWarning,
                          stacklevel=2)  # fmt: skip
        df, report = read_raw(paths, fmt, on_error=on_error, columns=columns)
    except TrajlmInputError as e:
        raise member_error(e, sheets) from None  # `book.xlsx!book.csv line 5`, no temp path
    finally:
        if sheets is not None:
            sheets.cleanup()
    if report.total:
        warnings.warn(f"{path}: dropped {dict(report.dropped)} of {report.rows_in:,} records, "
                      "as `trajlm data ingest` drops them", UserWarning, stacklevel=2)  # fmt: skip
    mover = next((c for c in ("vehicle_id", "user_id") if c in df.columns), None)
    if owner is not None and mover is not None and df["traj_id"].equals(df[mover]):
        # the id is the vehicle's (a fleet export keyed by plate): read as a mover, so a model
        # call cuts its days at the gap rule as ingest cuts them, not as one trajectory
        df = df.drop("traj_id").select(mover, pl.exclude(mover))
    return df


read = read_file  # trajlm.read (trajlm/__init__.py)
