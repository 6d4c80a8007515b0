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
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from trajlm.data.ingest_chunks import INGEST_LOCAL as INGEST_LOCAL  # re-exported (review39)
from trajlm.data.ingest_chunks import ChunkSteps
from trajlm.data.ingest_cleaning import (  # noqa: F401  (importable from here as before)
    FORMAT_PRESET,
    SOURCE_OVERRIDES,
    check_overrides,
    clean_config,
)
from trajlm.data.ingest_columns import LABEL_NAMES as LABEL_NAMES  # re-exported (llm/frames)
from trajlm.data.ingest_plan import LOCAL_TIME_LAYOUTS as LOCAL_TIME_LAYOUTS  # re-exported
from trajlm.data.ingest_plan import (
    chosen_columns,
    cleaning_settings,
    kept_columns,
    layout_source,
    say_text_reading,
    say_time_zone,
    start_reading,
)
from trajlm.data.ingest_progress import PlainProgress
from trajlm.data.kind_columns import is_vessel_type
from trajlm.data.readers import ReadLimits, iter_read
from trajlm.data.readers.archives import member_error, warnings_name_sources
from trajlm.data.readers.detect import unused_columns
from trajlm.data.readers.pedestrian_files import on_plane
from trajlm.data.readers.pitch_feeds import CUT_SHORT, on_pitch
from trajlm.data.readers.spreadsheet import cut_lines, layer_of, pitch_of, sheets_as_csv
from trajlm.data.schema import TrajlmInputError
from trajlm.data.store_stream import StoreStreamWriter
from trajlm.data.synth_store import synth_store as synth_store  # re-exported (review38b split)


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
    from trajlm.data.out_in_inputs import refuse_out_in_inputs

    refuse_out_in_inputs(paths, out)  # a store inside a folder it reads (leftover39)
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
    paths, sheets = sheets_as_csv(paths, format, layer_of(column_map), pitch_of(column_map),
                                  on_error)  # fmt: skip
    column_map = on_pitch(column_map, getattr(sheets, "kinds", {}))  # Metrica / TRACAB
    column_map = on_plane(column_map, getattr(sheets, "kinds", {}))  # ETH / UCY, TrajNet++
    try:
        with warnings_name_sources(sheets):  # `s.xlsx: units row ...`, not the sheet's CSV
            return _ingest(paths, format, out, preset=preset, on_error=on_error,
                           clean_overrides=clean_overrides, column_map=column_map,
                           column_preset=column_preset, progress=progress, overwrite=overwrite,
                           chunk_rows=chunk_rows, limits=limits, vehicle_col=vehicle_col,
                           sources=sources, keep_copies=keep_copies,
                           converted=getattr(sheets, "kinds", {}),
                           cut=cut_lines(sheets))  # fmt: skip
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
    converted: dict[str, str] | None = None, cut: int = 0,
) -> dict:  # fmt: skip
    """`ingest`'s work in named steps, in the order each is said: the plan before the first
    chunk (data/ingest_plan.py), then the chunks streamed into the store (ingest_chunks.py)."""
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
    format, reading = start_reading(paths, format, sources, keep_copies, converted)
    columns, guessed = chosen_columns(paths, format, column_map, column_preset, reading)
    columns, owner, label, kind_col = kept_columns(paths, format, columns, vehicle_col, reading)
    say_time_zone(paths, format, columns, reading)
    if unused := unused_columns(paths, format, columns):  # said once: not kept in the store
        reading["columns_not_kept"] = unused
    source = layout_source(paths, format, columns, column_preset, guessed, reading)
    say_text_reading(paths, format, columns, source, reading)
    cfg = cleaning_settings(
        paths, format, columns, preset=preset, clean_overrides=clean_overrides, source=source,
        kind_col=kind_col, owner=owner, reading=reading,
    )  # fmt: skip

    vessels = kind_col is not None and is_vessel_type(kind_col)  # codes named per chunk (labels22)
    bar = Progress(
        TextColumn(f"[bold]ingest {format}"), BarColumn(), TextColumn("{task.fields[rows]} rows"),
        TimeElapsedColumn(), disable=not progress, transient=True,
        console=Console(stderr=True),  # stdout is --json's object alone (its stop wrote "\n")
    )  # fmt: skip
    plain = PlainProgress(progress)
    read = ChunkSteps(paths, columns, cfg, label, vessels)
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
            read.take(chunk, read_report, writer)
            bar.update(task, rows=f"{read.report.rows_in:,}")
            # a log file: a line every 30 s (newuser33)
            plain.update(read.report.rows_in, read.n_kept)
        read.report.rows_in += cut  # a feed's lines cut short, left out (fix40): counted in
        read.report.drop(CUT_SHORT, cut)  # and out, so that rows in - dropped = kept
        read.check_not_empty(format)
        read.say_after_read(reading, clean_overrides)
        return writer.close(read.report, reading, dataclasses.asdict(cfg))
