"""What to change when an ingest kept no point: the hint under "no points left after reading
and cleaning" (its most common drop reason named, with the option that changes it). Split out
of ingest.py (append35: one idea a module, the file had passed 400 lines)."""

from __future__ import annotations

from pathlib import Path

from trajlm.data.clean import CleanConfig
from trajlm.data.readers import ColumnMap
from trajlm.data.schema import DropReport


def one_trip_per_row(
    report: DropReport, paths: list[Path], format: str, columns: ColumnMap | None
) -> str | None:
    """The hint when every trajectory had one point because its id differs on every row (a
    row key read as the trip id; leftover31), else None."""
    from trajlm.data.readers.layouts import row_key_read_as_id

    top = report.dropped.most_common(1)[0][0] if report.dropped else None
    if top != "short_trajectory" or (col := row_key_read_as_id(paths, format, columns)) is None:
        return None
    return (
        f"column {col!r} (read as the trajectory id) differs on every row: a row key, so every "
        "fix was its own trip; name the column of the mover (device, vehicle, ...) with "
        "--traj-col (Python: columns=ColumnMap(traj_id=...))"
    )


def nothing_left_hint(
    report: DropReport, cfg: CleanConfig, time_format: str | None = None
) -> str | None:
    """What to change when the most common drop reason took every point."""
    top = report.dropped.most_common(1)[0][0] if report.dropped else None
    if top == "short_trajectory":
        split = f" after splitting at gaps > {cfg.max_gap_s:g} s" if cfg.max_gap_s else ""
        if split and cfg.gap_intervals:
            split += f" (or {cfg.gap_intervals:g} times a track's median interval)"
        return (
            f"every trajectory had fewer than {cfg.min_points} points{split}: for sparse or "
            "very short tracks pass a larger --max-gap-s and/or a smaller --min-points"
        )
    if top in ("timestamp_before_1990", "timestamp_before_min_t") and time_format == "unix_ms":
        return (
            "times are read as Unix milliseconds (--time-format unix_ms), so Unix seconds "
            "land in January 1970: for seconds give --time-format unix (or leave it out)"
        )
    if top in ("timestamp_before_1990", "timestamp_before_min_t"):
        return (
            "times are read as Unix seconds (UTC); small numbers such as 0, 1.84, 30 are "
            "elapsed times, which need an absolute start: convert them, or name the real time "
            "column with --time-col; real dates before 1990 (historical records): --min-year 1900"
        )
    if top == "duplicate_timestamp":  # badin39: fixes 1e-9 s apart, read to the millisecond
        return (
            "the fixes of each trajectory share their times: copies of one fix, several "
            "movers under one id (name the mover's column with --traj-col), or fixes closer "
            "than a store's finest step (1 s; 1 ms with --sub-second), which it cannot tell apart"
        )
    if top == "timestamp_in_future":
        return "times far in the future are often milliseconds: pass --time-format unix_ms"
    return None
