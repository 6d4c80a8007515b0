"""The data a question is asked of (split from questions.py, session 24, tidy24): a store's or a
frame's points, the notes said under answers (what ingest split or dropped, times that do not
exist in a zone), the zone its hours are read in, and what a store was read from at ingest
(its format or column layout: the kinds of trip a question may name).

``trajlm.ask`` / ``Asker`` (trajlm/questions.py) read their data through these; the names are
importable from trajlm.questions as before.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import polars as pl

from trajlm._arguments import with_gap_rule
from trajlm.data.pieces_said import retold_at_caller
from trajlm.data.store import store_zone as data_zone  # noqa: F401 (moved: newuser28)
from trajlm.errors import TrajlmInputError, warn_at_caller
from trajlm.llm.frames import (
    cut_at_label_changes,
    nonexistent_note,
    own_columns,
    read_time_format,
    trips_words,
    with_mover,
)

POINT_COLUMNS = ["traj_id", "t", "lat", "lon", "label", "vehicle_id", "user_id", "source_traj_id", "path_m", "peak_mps", "sprints",
                 "call_type", "period"]  # fmt: skip


def read_as(data: Any) -> str | None:
    """The format a store was read from at ingest (manifest ``reading.format``), if it is a store; a column layout
    it was read as (``reading.columns``, or one recognised from the header: ``columns_guessed.columns``) first."""
    try:
        manifest = json.loads((Path(data) / "manifest.json").read_text())
    except (TypeError, OSError, ValueError):
        return None
    reading = manifest.get("reading") or {}
    layout = reading.get("columns") or (reading.get("columns_guessed") or {}).get("columns")
    return layout if isinstance(layout, str) else reading.get("format")


# data sets whose every trip is one kind of vehicle: "taxi trips" on Porto, "bus trips" on the Liverpool buses are
# every trip (set 15; session 19 for the buses), when the data has no labels
ONE_KIND = {"porto": "taxi", "tdrive": "taxi", "liverpool_bus": "bus"}
# formats of a sports watch's or an app's activity files (set 21: a Strava export read as `gpx` keeps no activity
# types): without labels, their "rides" may be bike rides or every activity, so they are asked, not guessed
ACTIVITY_FORMATS = frozenset({"gpx", "tcx", "fit", "tracks", "igc", "kml", "sml"})


def _manifest(data: Any) -> dict | None:
    """A store's manifest.json, or None where ``data`` is not a store folder or its manifest cannot
    be read (a frame, a raw file: no note)."""
    if not isinstance(data, (str, Path)):
        return None
    try:
        manifest = json.loads((Path(data) / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _drop_report(data: Any) -> dict | None:
    """A store's manifest ``drop_report`` ({} where it has none), or None where ``data`` is not a store
    folder or its manifest cannot be read (a frame, a raw file: no note)."""
    manifest = _manifest(data)
    return None if manifest is None else manifest.get("drop_report") or {}


def ingest_note(data: Any) -> str | None:
    """What ingest split or dropped (a store's manifest ``drop_report``), said under an answer about one vehicle:
    its trips are the pieces kept (set 15: AIS vessel 12's 75 fixes are 2 trips after gap splits; 96.8 of the
    129.2 nm between its fixes are inside them), and trips too short to keep are not counted."""
    report = _drop_report(data)
    if report is None:
        return None
    splits = int((report.get("repaired") or {}).get("gap_splits", 0))
    short = int((report.get("dropped") or {}).get("short_trajectory", 0))
    said = []
    if splits:
        said.append(
            f"split tracks at {splits:,} time gaps (a vehicle's distance across a gap is not counted)"
        )
    if short:
        said.append(
            f"dropped {short:,} rows of trajectories too short to keep (their trips are not counted)"
        )
    if not said:
        return None
    return f"at ingest this store {' and '.join(said)}: trips are the pieces kept (drop_report in manifest.json)"


def jitter_note(data: Any) -> str | None:
    """Said under a distance answer where the fixes carry a stated accuracy (a phone's) and the
    trips were not cut at stops: a still phone's fixes tens of metres apart every few minutes add
    up to distance (session 32, newuser32: P07's two weeks 275.9 km, 157.9 km of it inside
    trips; 186.1 km on the store ingested with --split-at-stops). Stores only: the manifest's
    columns and drop report ("stopped" counted: cut at stops). A frame's trips may be the
    caller's own (a diary's), which a note would wrongly doubt."""
    manifest = _manifest(data)
    if manifest is None:
        return None
    stopped = ((manifest.get("drop_report") or {}).get("dropped") or {}).get("stopped", 0)
    if stopped or "accuracy_m" not in (manifest.get("columns") or {}):
        return None
    return ("these fixes carry an accuracy column and the trips were not cut at stops: a still "
            "phone's jitter counts as distance (`trajlm data ingest --split-at-stops`, Python "
            "trajlm.clean(df, split_at_stops=True), keeps the trips between stays)")  # fmt: skip


def subsecond_note(data: Any) -> str | None:
    """What a store's ingest thinned (a 10 Hz vest kept at one fix a second: ``sub_second_fix`` in its drop_report),
    said under every answer: speeds, time above a speed and stops are read from 1-s steps (set 27)."""
    report = _drop_report(data)
    if report is None:
        return None
    n = int((report.get("dropped") or {}).get("sub_second_fix", 0))
    if not n:
        return None
    rate = ((_manifest(data) or {}).get("reading") or {}).get("full_rate") or {}
    if rate and not rate.get(
        "noisy"
    ):  # --full-rate (sports37): the source's path kept beside each 1-s fix (ask37b)
        return (f"at ingest this store kept one fix a second ({n:,} sub-second fixes folded in) with the source's own "
                "path, fastest step and sprints between them (--full-rate): distances, top speeds and sprints are "
                "at the source's rate; stops and time above a speed are read from 1-s steps")  # fmt: skip
    return (f"at ingest this store kept the first fix of each second ({n:,} sub-second fixes dropped): distances, "
            "speeds, time above a speed and stops are read from 1-s steps, not the source's own rate")  # fmt: skip


def load_points(
    data: Any, split: str | None = None, tz: str | None = None, columns: dict | None = None
) -> pl.DataFrame:
    """See ``points_and_notes``; the points only."""
    return points_and_notes(data, split, tz, columns)[0]


def points_and_notes(
    data: Any,
    split: str | None = None,
    tz: str | None = None,
    columns: dict | None = None,
    time_format: str | None = None,
) -> tuple[pl.DataFrame, list[str]]:
    """See ``points_notes_zone``; the points and the notes."""
    return points_notes_zone(data, split, tz, columns, time_format)[:2]


def points_notes_zone(
    data: Any,
    split: str | None = None,
    tz: str | None = None,
    columns: dict | None = None,
    time_format: str | None = None,
    crs: str | None = None,
) -> tuple[pl.DataFrame, list[str], str | None]:
    """(points, notes, zone). ``zone``: a frame's own time zone when its times are zoned
    datetimes other than UTC (pandas ``tz="America/Sao_Paulo"``), so hours and dates are read
    on the caller's clock as a store ingested with ``--tz`` is (session 19: "trips after 18:00"
    on Sao Paulo times counted UTC hours); None for stores (``data_zone``) and other frames.

    A store path -> its points (the columns a plan can use); a frame -> canonical points.
    ``tz``: a frame's times without a zone are wall-clock times there, as ``data ingest --tz``
    reads them (session 15; they were read as UTC and then shown in ``tz``: hours off by the
    offset, silently); times that do not exist there (spring forward) are dropped and counted
    as ingest counts them (``dropped_rows``). ``columns``: the frame's own names
    (``frame_columns.py``); ``time_format``: how a frame's time text is written (``frames.py``);
    ``crs``: a frame's CRS (projected, or "local": x / y metres on a plane; local37)."""
    if isinstance(data, str | os.PathLike):
        from trajlm.data.geo import is_local
        from trajlm.data.local_plane import store_crs

        if crs is not None and not (is_local(crs) and store_crs(data) == "local"):
            raise TrajlmInputError(f"crs={crs!r}: {data} is a store, read in the CRS it was "
                                   "ingested with; leave crs out", field="crs")  # fmt: skip
        from trajlm.data.store import load_manifest, read_store
        from trajlm.data.store import open_store as _open

        _open(data)  # one line when it is not a store (a missing path, a CSV, a file inside one)
        part = next(Path(data).glob("points/split=*/part-*.parquet"), None)
        if part is None:  # was a StopIteration traceback (a 500 over HTTP; badin24)
            raise TrajlmInputError(f"{data}: a store with no points/split=*/part-*.parquet files "
                                   "(a damaged or half-copied store); ingest it again")  # fmt: skip
        have = set(pl.read_parquet_schema(part))
        load_manifest(data)  # a clear error when it is not a store
        return (
            read_store(data, split=split, columns=[c for c in POINT_COLUMNS if c in have]),
            [],
            None,
        )
    from trajlm.data.coerce import coerce

    if split is not None:  # was ignored: every row was asked about (badin24)
        raise TrajlmInputError(f"split={split!r} reads a store's split; a frame has none (leave it "
                               "out, or pass only that split's rows)", field="split")  # fmt: skip
    data, given = own_columns(data, columns)
    data = read_time_format(data, given, time_format)  # "%d/%m/%Y %H:%M:%S" (session 18)
    notes: list[str] = []
    try:
        with retold_at_caller(trips_words):  # a vehicle's days: its trips (pieces22)
            # a repeated report (same time, same place) dropped as the model calls drop it
            # (newuser35: trajlm.ask(q, trajlm.read(mds_pages)) refused a repeated fix)
            kw = {"crs": crs} if crs is not None else {}  # x / y metres: crs='local' (sports37)
            df, layout = coerce(
                data, warn_naive=not tz, repeats="drop", **with_gap_rule(given), **kw
            )
        if (repeats := getattr(layout, "repeats", None)) and repeats[0]:
            from trajlm.data.coerce_rows import repeats_line

            notes.append(repeats_line(*repeats))
        df = with_mover(df, layout)
        # a phone app's walk / stay / bus rows (set 33)
        df, added = cut_at_label_changes(df, layout)
        if added:
            notes.append(f"each mover's fixes were cut where their label changes: {added:,} more trips, one "
                         "label each (the trips' own ids as traj_id, or traj_col= in Python, keep them)")  # fmt: skip
    except TrajlmInputError as e:  # coerce says traj_col=...: ask takes columns= (session 16)
        if "day/month order" in str(e) or "pd.to_datetime" in str(
            e
        ):  # ask takes time_format= (session 18)
            raise TrajlmInputError(f"{e}; or pass time_format= (e.g. time_format='%d/%m/%Y %H:%M:%S', "
                                   "as data ingest --time-format)") from None  # fmt: skip
        if "traj_col=" not in str(e) and "column" not in str(e):
            raise
        raise TrajlmInputError(f"{e}; trajlm.ask / Asker take columns={{'traj_id': ..., 't': ..., "
                               "'lat': ..., 'lon': ...} with the frame's own names") from None  # fmt: skip  # with tz, naive times are read there (below)
    naive = (layout.time_kind == "datetime" and layout.time_zone is None) or (
        layout.time_kind == "string" and (layout.time_text or {}).get("zone") == "none"
    )
    if tz and naive:  # naive wall-clock times read as UTC -> the instants they are in tz
        try:
            wall = pl.from_epoch(pl.col("t"), time_unit="s").dt.replace_time_zone(
                tz, ambiguous="earliest", non_existent="null"
            )
            df = df.with_columns(wall.dt.epoch("s").alias("t"))
        except pl.exceptions.ComputeError:
            raise TrajlmInputError(f"unknown time zone {tz!r}: give an IANA name such as "
                                   "'Europe/Paris' or an offset such as '+02:00'") from None  # fmt: skip
        if gone := int(df["t"].null_count()):  # said as ingest says it (session 16)
            df = df.drop_nulls("t")
            notes.append(nonexistent_note(gone, tz))
            warn_at_caller(notes[-1])
    zoned = layout.time_kind == "datetime" and layout.time_zone not in (None, "UTC")
    return df, notes, layout.time_zone if zoned else None
