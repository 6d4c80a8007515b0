"""What `trajlm data ingest` says of a store it wrote: the --json object and the `format: ...`
line (out of cli_data_ingest.py, review37; importable from there as before), and the lines said
after the read (how the files were read, what cleaning dropped, the store written: out of
`data_ingest`, review38)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from trajlm import _cli_io as io
from trajlm._cli_io import console
from trajlm._cli_io import say as _say
from trajlm.cli_data_append import append_summary, appended_line
from trajlm.cli_data_splits import empty_splits


def ingest_summary(out: Path, manifest: dict) -> dict:
    """`trajlm data ingest --json`'s object, from the store's manifest (the same numbers as the
    lines and the drop table): keys documented in docs/cli.md."""
    drops = manifest.get("drop_report", {})
    dropped = {k: int(v) for k, v in sorted(drops.get("dropped", {}).items()) if v}
    return {
        "store": str(out.resolve()),
        "manifest": str((out / "manifest.json").resolve()),
        "sources": manifest.get("sources", []),
        "format": manifest.get("reading", {}).get("format"),
        "rows_read": drops.get("rows_in", 0),
        "rows_kept": drops.get("rows_kept", 0),
        "rows_dropped": sum(dropped.values()),
        "dropped": dropped,
        "repaired": {k: int(v) for k, v in sorted(drops.get("repaired", {}).items()) if v},
        "trips": manifest.get("n_trajectories", 0),
        "points": manifest.get("n_points", 0),
        "splits": manifest.get("splits", {}),
        "time_span": {k: manifest.get("time_span", {}).get(k) for k in ("start_iso", "end_iso")},
        "reading": manifest.get("reading", {}),
    }


def format_line(reading: dict) -> str:
    """`format: ...` for a detected format: the kind of file read where it was converted first
    (`sqlite (converted to CSV)`; review32: `app.db` was said as "csv")."""
    kinds, fmt = reading.get("converted_from") or [], reading["format"]
    if not kinds:
        return f"format: {fmt} (detected; --format to choose another)"
    into = "CSV" if fmt == "csv" else fmt.capitalize()  # Parquet: Arrow / JSON Lines / GIS
    if reading.get("converted_all"):
        return f"format: {', '.join(kinds)} (converted to {into}; detected)"
    first = f"{', '.join(kinds)} converted to {into} first"
    return f"format: {fmt} (detected; --format to choose another; {first})"


def say_reading(manifest: dict, *, vehicle_col: str | None, label_col: str | None) -> None:
    """The lines on how the files were read: the owner / label columns kept, the format and
    columns guessed, the columns not kept, the times' zone (one line each, to the console)."""
    from trajlm.data.readers._time_columns import is_local_time_name, local_time_note

    reading = manifest.get("reading", {})
    if reading.get("owner_column") and not vehicle_col:
        _say(f"owner: {reading['owner_column']!r} kept as the trajectories' vehicle / user id "
             "(resplit --by user holds owners out)")  # fmt: skip
    if reading.get("label_column") and not label_col:
        _say(f"label: {reading['label_column']!r} kept as the store's label (the classes "
             "`trajlm finetune --task classify` learns; --label-col NAME to take another)")  # fmt: skip
    if reading.get("format_detected"):
        _say(format_line(reading))
    guessed = dict(reading.get("columns_guessed") or {})
    if layout := guessed.pop("columns", None):  # the header is a known data set's
        _say(f"columns: laid out like {layout!r}, read as with --columns {layout}")
    by_size = guessed.pop("time unit", None)  # readers.layouts.BY_SIZE: why, said apart
    if zone := guessed.pop("time zone", None):  # zone_names.ZONE_SAID: a zone in the header
        guessed.pop("utc_offset_s", None)
        _say(f"times: {zone}")
    if zones := guessed.pop("zones", None):  # _row_zones.ZONES_SAID: a zone column per row
        _say(f"times: {zones}")
    if era := guessed.pop("calendar", None):  # _time_columns.CALENDAR_SAID (heldout28)
        _say(f"times: {era}")
    guessed.pop("lat/lon swapped", None)  # _swapped_axes.SWAP_SAID: its warning said why
    if guessed:
        said = ", ".join(f"{k} <- {v!r}" for k, v in guessed.items())
        _say(f"columns: {said} (guessed from the header; --traj-col/--time-col/... to choose)")
    if by_size:
        _say(f"times: {by_size}, read as --time-format {guessed.get('time_format')} (1990-2100 "
             "as seconds, ms, us and ns do not overlap; --time-format to choose)")  # fmt: skip
    if unused := reading.get("columns_not_kept"):
        _say(f"columns not kept in the store: {unused} (a store keeps traj_id, t, lat, lon; "
             "--label-col NAME keeps a class column as the label; Python: ColumnMap(extra={name: "
             "column}) keeps one)")  # fmt: skip
    if (local := reading.get("local_time") or {}).get("times_kept"):  # leftover36: MDS in LA
        from trajlm.data.readers._naive_times import STORE_CLOCK, kept_clock_line, zone_given

        given = zone_given(local.get("tz"), local.get("utc_offset_s"), cli=True)
        kind = local.get("times_kind", "Unix or zoned")
        _say(kept_clock_line(given, local.get("time_column"), kind, STORE_CLOCK))
    if (naive := reading.get("times_naive")) and is_local_time_name(naive):  # newuser28
        _say(
            f"warning: {local_time_note(naive, '--tz NAME (e.g. --tz America/Chicago) or --utc-offset HOURS')}"
        )
    elif naive:
        _say(f"times in {naive!r} have no zone; read as UTC (--utc-offset HOURS or --tz NAME "
             "to change)")  # fmt: skip
    if naive:
        if back := manifest["drop_report"]["repaired"].get("sorted_by_time"):  # newuser27
            _say(f"warning: {back:,} row(s) of {naive!r} go back in time within their "
                 "trajectory and were re-sorted; local times without a zone go back an hour "
                 "where daylight time ends (01:59 -> 01:00): if these are local times, --tz NAME "
                 "reads that hour in order")  # fmt: skip


def say_cleaning(manifest: dict) -> None:
    """The drop table and the lines on what cleaning dropped or kept and why (low accuracy,
    most rows skipped, thinned, impossible speeds)."""
    reading = manifest.get("reading", {})
    console.print(io.report_table(manifest["drop_report"]))
    if poor := manifest["drop_report"]["dropped"].get("low_accuracy"):  # clean_accuracy.py
        limit = manifest.get("clean_config", {}).get("max_accuracy_m")
        _say(f"accuracy: {poor:,} fix(es) whose accuracy column says over {limit:g} m dropped "
             "('low_accuracy': cell-tower fixes; --max-accuracy-m M to change, 0 keeps them)")  # fmt: skip
    if first := reading.get("first_skipped"):  # rows bad, not the preset's (tidy23)
        _say(f"warning: most rows were skipped; the first: {first}")
    drops = manifest["drop_report"]
    if (thinned := drops["dropped"].get("thinned", 0)) >= 0.5 * max(drops["rows_in"], 1):
        gap = manifest.get("clean_config", {}).get("min_interval_s") or 0
        _say(f"thinned: {thinned:,} of {drops['rows_in']:,} rows came under {gap:g} s after the "
             "last kept fix (the preset's spacing; --min-interval S to change it)")  # fmt: skip
    from trajlm.data.jump_steps import JUMPS, jump_line

    fast = reading.get("impossible_speed")
    if jumps := reading.get(JUMPS):  # fix39: far above the input's own speeds (one line)
        _say(jump_line(jumps, fast["steps"] if fast else 0))
    elif fast:
        _say(f"warning: {fast['steps']:,} step(s) between consecutive points are faster than "
             f"{fast['threshold_mps']:g} m/s (fastest {fast['max_mps']:,.0f} m/s: a swapped "
             "lat/lon or a bad fix); the points are kept: --max-speed-mps "
             f"{fast['threshold_mps']:g} drops them")  # fmt: skip


def say_written(out: Path, manifest: dict, merged: dict | None, *, json_summary: bool) -> None:
    """The last line (the store written, or the files appended to it), an empty split's
    warning, and with --json the one object on stdout."""
    if merged is not None:
        _say(appended_line(out, manifest, merged))
    else:
        _say(f"wrote {out}: {manifest['n_trajectories']:,} trajectories, "
             f"{manifest['n_points']:,} points; splits {json.dumps(manifest.get('splits', {}))}")  # fmt: skip
    if (empty := empty_splits(manifest)) and merged is None:
        _say(empty)
    if json_summary:
        summary = ingest_summary(out, manifest)
        typer.echo(
            json.dumps(summary if merged is None else append_summary(summary, manifest, merged))
        )
