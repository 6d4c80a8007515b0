"""What `trajlm data ingest` says of a store it wrote: the --json object and the `format: ...`
line (out of cli_data_ingest.py, review37; importable from there as before)."""

from __future__ import annotations

from pathlib import Path


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
