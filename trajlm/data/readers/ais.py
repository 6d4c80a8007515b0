"""AIS vessel positions (MovingPandas Ever Given / Suez sample, `boat-positions.csv`).

CSV with a UTF-8 byte-order mark: `ID, ais_pos_timestamp ("DD/MM/YYYY HH:MM", UTC), longitude,
latitude`. traj_id = vehicle_id = ID (one trajectory per vessel; voyages are split later by the
cleaning gap splitter). Other AIS exports (e.g. Danish Maritime Authority `MMSI, # Timestamp,
Latitude, Longitude, SOG, COG`) read with format="csv" and a ColumnMap, e.g.
`ColumnMap(traj_id="MMSI", t="# Timestamp", lat="Latitude", lon="Longitude",
time_format="%d/%m/%Y %H:%M:%S", extra={"sog_kn": "SOG", "cog_deg": "COG"})`.

A csv / parquet file with a reported speed and course (AIS `SOG` / `COG`, names in
``motion_columns.SPEED_NAMES`` / ``COURSE_NAMES``) keeps them as `sog_kn` (or `sog_mps`) and
`cog_deg` without options (``keep_motion_columns``; session 16): the dead-reckoning baseline
and ``TrajLM.predict`` read them. A speed without a course is kept alone (session 18): the stop
rule's drift and ``check_validity``'s reported-speed checks read it; dead reckoning does not run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path

import polars as pl

from trajlm.data.readers._common import ColumnMap, Ctx
from trajlm.data.readers.tabular import PRESETS, iter_csv
from trajlm.errors import warn_at_caller


def iter_ais(
    paths: list[Path], ctx: Ctx, chunk_rows: int, columns: ColumnMap | None = None
) -> Iterator[pl.DataFrame]:
    """Stream canonical chunks of whole vessel tracks from AIS CSV files."""
    yield from iter_csv(paths, columns or PRESETS["ais"], ctx, chunk_rows)


def keep_motion_columns(
    paths: str | Path | Sequence[str | Path], format: str, columns: ColumnMap | None
) -> tuple[ColumnMap | None, tuple[str, str | None] | None]:
    """csv / parquet whose first file has a reported speed column (and a course): the map to
    read with, keeping them as `sog_kn` (knots) or `sog_mps` (m/s) and `cog_deg`, and the two
    columns kept (the course None when the file has none; None: no speed, or the map already
    keeps one of them). A speed alone named like a sensor's (`speed_m_s`: a sport log) is left
    to ``ingest.keep_sensor_columns``, as before."""
    from trajlm.data.column_names import normalised
    from trajlm.data.motion_columns import (
        KNOT_MPS,
        in_radians,
        is_ais_speed,
        motion_columns,
        radian_values,
        unitless_course,
    )
    from trajlm.data.readers._headers import id_sample
    from trajlm.data.readers._sensors import TABLE_NAMES
    from trajlm.data.readers.detect import read_header, rglob_follow

    cm = columns or ColumnMap()
    if format not in ("csv", "parquet") or {"sog_kn", "sog_mps", "cog_deg", "cog_rad"} & set(
        cm.extra
    ):
        return columns, None
    first = Path(paths if isinstance(paths, str | Path) else paths[0])
    if first.is_dir():
        pattern = "*.parquet" if format == "parquet" else "*.csv"
        first = next(iter(rglob_follow(first, pattern)), first)
    if not first.is_file() or first.suffix.lower() == ".zip":
        return columns, None
    # a `direction` column is a course only where its values are degrees (leftover37; the
    # frame route's rule too: motion_columns' sample)
    found = motion_columns(read_header(first, format, cm.sep) or [], speed_alone=True,
                           sample=lambda c: id_sample(first, format, cm.sep, c))  # fmt: skip
    if found is None or found[0] in cm.extra.values() or found[2] in cm.extra.values():
        return columns, None
    speed, factor, course = found
    if course is None and normalised(speed) in TABLE_NAMES:  # a sport log's speed: a sensor
        return columns, None
    name = {KNOT_MPS: "sog_kn", 1.0: "sog_mps", 1 / 3.6: "sog_kmh"}.get(factor, "sog_mph")
    if name == "sog_kn" and not is_ais_speed(speed):  # an aircraft's `groundspeed (kt)`: m/s,
        name = "sog_kt"  # no AIS "not available" code at 102.3 kn (fix39; schema.conform)
    # (km/h and mph: schema.conform turns them into sog_mps; cols23)
    # a speed without a course is kept alone (session 18, motion18): the stop rule's drift and
    # the validity checks read it; dead reckoning needs a course and does not run
    # a heading in radians is kept as `cog_rad` (schema.conform: degrees; leftover36)
    course_name = "cog_rad" if course is not None and in_radians(course) else "cog_deg"
    if course_name == "cog_deg" and course is not None and unitless_course(course):
        sample = id_sample(first, format, cm.sep, course) or []
        if radian_values(sample):  # badfix37: radians under `heading` were read as degrees
            warn_at_caller(
                f"course: {course!r} holds radians by its values (all within 2 pi, spread "
                "over half a turn): read as radians; name it heading_deg to keep degrees"
            )
            course_name = "cog_rad"
    kept = {name: speed} if course is None else {name: speed, course_name: course}
    return dataclasses.replace(cm, extra={**cm.extra, **kept}), (speed, course)
