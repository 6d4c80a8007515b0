"""`ingest`'s chunk loop: each chunk cleaned, checked and counted as it goes to the store
writer, then what the counts say once the read is done (nothing left, an empty label column,
long stays, radians, sub-second steps, impossible speeds).

Steps of data/ingest.py's `_ingest`, moved unchanged (review39).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from trajlm.data.clean import IMPOSSIBLE_SPEED_MPS, CleanConfig, clean, fast_points
from trajlm.data.clean_accuracy import unused_filters
from trajlm.data.full_rate import FullRateCheck
from trajlm.data.geo import is_local, is_wgs84
from trajlm.data.ingest_columns import labelled_rows
from trajlm.data.ingest_hints import nothing_left_hint, one_trip_per_row
from trajlm.data.jump_steps import JUMPS, JumpSteps
from trajlm.data.kind_columns import name_vessel_types
from trajlm.data.local_plane import refuse_degrees_as_local, refuse_plane_metres
from trajlm.data.long_stays import long_stays_line, trips_with_long_stays
from trajlm.data.radians_check import RadiansCheck
from trajlm.data.readers import ColumnMap
from trajlm.data.schema import DropReport, TrajlmInputError
from trajlm.data.store_stream import StoreStreamWriter
from trajlm.data.subsec_store import SubSecondSteps, thinned_line, whole_seconds_line
from trajlm.errors import warn_at_caller

# the plane check's way to say x / y metres, for `trajlm data ingest` and `trajlm.ingest` (local37)
INGEST_LOCAL = "--crs local (trajlm.ingest: column_map={'crs': 'local'})"


class ChunkSteps:
    """``take(chunk, read_report, writer)`` for every chunk read; then ``check_not_empty`` and
    ``say_after_read`` (their notes go into the store's ``reading``)."""

    def __init__(
        self, paths: list[Path], columns: ColumnMap | None, cfg: CleanConfig, label: str | None,
        vessels: bool,
    ) -> None:  # fmt: skip
        self.paths, self.columns, self.cfg, self.label, self.vessels = (
            paths, columns, cfg, label, vessels
        )  # fmt: skip
        self.report = DropReport()
        self.n_kept, self.n_fast, self.v_fast, self.n_labelled = 0, 0, 0.0, 0
        self.seen: set[str] = set()
        self.stays = (0, 0, 0.0)  # trips holding a stay of an hour or more, trips, the longest (s)
        names = (columns.lat, columns.lon) if columns is not None else ("lat", "lon")
        self.names = names
        self.radians = RadiansCheck(names, paths[0] if len(paths) == 1 else None)  # badin32
        self.full_rate = FullRateCheck()  # a sub-second path that is noise, said (sports37)
        self.steps = SubSecondSteps()  # a sub-second store's step, recorded and said (subsec38)
        self.jumps = (
            JumpSteps()
        )  # steps far above the input's own speeds (fix39): said, not dropped
        if columns is not None and not is_wgs84(columns.crs):  # reprojected, or a plane's lat / lon
            self.radians.in_box = (
                False  # about 1 N 1 E: no radians (badin37: every pitch was "radians?")
            )
        # x / y metres read as degrees: refused on the first chunk (newuser36, local_plane.py)
        self.plane_unchecked = columns is not None and (
            is_wgs84(columns.crs) or is_local(columns.crs)
        )

    def take(self, chunk: pl.DataFrame, read_report: DropReport, writer: StoreStreamWriter) -> None:
        """Clean one chunk, check it, count it and hand it to the writer."""
        paths, columns, cfg, label = self.paths, self.columns, self.cfg, self.label
        self.radians.add(chunk)  # a reported speed that says radians: refused before writing
        if self.vessels:  # 80 -> "tanker", the code kept as vessel_type_code
            chunk = name_vessel_types(chunk)
        cleaned, clean_report = clean(chunk, cfg, return_report=True, say_fast=False)
        if self.plane_unchecked and len(cleaned) > 1:
            one = paths[0] if len(paths) == 1 else None
            if is_local(columns.crs):  # degrees given as --crs local
                refuse_degrees_as_local(cleaned, path=one)
            else:
                # trajlm.ingest's own way too (local37: the hint named only the CLI's)
                refuse_plane_metres(cleaned, self.names, path=one, option=INGEST_LOCAL)
            self.plane_unchecked = False
        # The reader's rows_in is the raw count; cleaning's drops add to it.
        self.report = self.report.add(read_report.merge(clean_report))
        writer.add(cleaned)
        self.full_rate.add(cleaned)
        self.steps.add(cleaned)
        self.seen.update(chunk.columns)
        self.n_kept += len(cleaned)
        if label is not None and "label" in cleaned.columns:
            self.n_labelled += labelled_rows(cleaned["label"])
        if cfg.stop_min_s is None:  # a ship's berth inside a trip (leftover31)
            held, trips, most = trips_with_long_stays(cleaned)
            stays = self.stays
            self.stays = (stays[0] + held, stays[1] + trips, max(stays[2], most))
        n, v = fast_points(cleaned)  # kept, but said: a swapped lat/lon row, a bad fix
        self.n_fast, self.v_fast = self.n_fast + n, max(self.v_fast, v)
        self.jumps.add(cleaned)

    def check_not_empty(self, format: str) -> None:
        """Refuse a read that kept no point, saying what dropped the rows."""
        paths, columns, report, cfg = self.paths, self.columns, self.report, self.cfg
        if self.n_kept == 0:
            raise TrajlmInputError(
                f"no points left after reading and cleaning {len(paths)} input(s): "
                f"{report.to_dict()['dropped']}"
                + (
                    f"; the first skipped row: {report.first_problem}"
                    if report.first_problem
                    else ""
                ),  # fmt: skip
                hint=nothing_left_hint(report, cfg, columns.time_format if columns else None)
                if not (key := one_trip_per_row(report, paths, format, columns))
                else key,
            )

    def say_after_read(self, reading: dict, clean_overrides: dict | None) -> None:
        """What the whole read showed, into ``reading`` and said once each."""
        label, columns, report, stays = self.label, self.columns, self.report, self.stays
        radians, full_rate, steps = self.radians, self.full_rate, self.steps
        n_fast, v_fast = self.n_fast, self.v_fast
        if label is not None and self.n_labelled == 0:  # taken by its name, but nothing in it
            reading.pop("label_column", None)
            reading["label_column_empty"] = label
            warn_at_caller(
                f"column {label!r} (taken as the class label by its name) is empty in every kept "
                "row: the store has no labels; --label-col NAME (Python: ColumnMap(extra="
                "{'label': NAME})) takes another column"
            )
        for line in unused_filters(clean_overrides or {}, self.seen):  # --max-hdop, no HDOP column
            warn_at_caller(line)
        if stays[0]:
            reading["long_stays"] = {"trips": stays[0], "of": stays[1],
                                     "longest_s": round(stays[2])}  # fmt: skip
            warn_at_caller(long_stays_line(*stays))
        local = columns is not None and is_local(columns.crs)  # metres: no radians (heldout37)
        if not local and (line := radians.line()):
            reading["radians_suspected"] = True
            warn_at_caller(line)
        if (rate := full_rate.record()) is not None:
            reading["full_rate"] = rate
            if line := full_rate.line():
                warn_at_caller(line)
        if (step := steps.record()) is not None:
            reading.update(step)
            warn_at_caller(steps.line(report.dropped.get("duplicate_timestamp", 0)))
        elif columns is not None and columns.sub_second:  # whole times: said (badin39)
            warn_at_caller(whole_seconds_line(self.n_kept))
        elif line := thinned_line(report.dropped.get("sub_second_fix", 0)):
            warn_at_caller(line)  # one fix a second kept: the option that keeps them, named
        if n_fast:
            reading["impossible_speed"] = {"steps": n_fast, "max_mps": round(v_fast, 1),
                                           "threshold_mps": IMPOSSIBLE_SPEED_MPS}  # fmt: skip
        if (jumped := self.jumps.record()) is not None and jumped["steps"] > n_fast:
            reading[JUMPS] = jumped  # more than the impossible ones: said instead of them
        if report.first_problem and report.bad >= 0.5 * max(report.rows_in, 1):
            reading["first_skipped"] = report.first_problem  # most rows bad: say why (tidy23)
