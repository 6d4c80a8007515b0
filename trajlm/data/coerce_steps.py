"""The steps of ``coerce`` (data/coerce.py) that each read one thing of a frame, split out of
its 275-line body (leftover36, review35's list; the same code, outputs identical): the times in
Unix seconds, the positions in degrees, the caller's other columns (refused where they clash
with trajlm's names), and the sub-second fractions put aside for the way back."""

from __future__ import annotations

from typing import Any

import polars as pl

from trajlm.data import geo
from trajlm.data.coerce_columns import (
    coordinate_column,
    refuse_same_dates,
)
from trajlm.data.coerce_epochs import epoch_unit
from trajlm.data.coerce_names import point_names
from trajlm.data.coerce_rows import (
    not_available,
    refuse_not_available,
)
from trajlm.data.coerce_subsec import FRAC as _FRAC
from trajlm.data.coerce_subsec import FRAC_NS, drop_sub_second_fixes, sub_second_ns
from trajlm.data.coerce_tz import (
    frame_zone_column,
    frame_zone_note,
    header_offset,
    local_times,
    row_zone_times,
    zoned_text,
)
from trajlm.data.readers._crs_check import check_not_degrees
from trajlm.data.readers._scaled_degrees import named_scale, whole_if_scaled
from trajlm.data.readers._time_columns import (
    local_time_note,
)
from trajlm.data.readers._zone_suffix import words_as_offsets
from trajlm.data.schema import (
    TrajlmInputError,
)
from trajlm.data.times import (
    sub_seconds,
    time_column_seconds,
    warn_future,
)
from trajlm.errors import NoteWarning, warn_at_caller


def read_times(
    df: pl.DataFrame, traj: str, tcol: str, tz: str | None, text: str, warn_naive: bool,
    local_named: bool,
) -> tuple[pl.DataFrame, pl.Series, str, str | None, str | None, Any]:  # fmt: skip
    """(frame, UTC seconds, time kind, zone, epoch unit named by the column, the column's own
    dtype) of the time column ``tcol``: zone columns / words / a header's offset read, naive
    times read in ``tz`` (or as UTC, said), dates that repeat refused, future times said."""
    if tz is None and (zcol := frame_zone_column(df, tcol)) is not None:  # CST / MST rows
        df = df.with_columns(row_zone_times(df, traj, tcol, zcol))  # UTC, as ingest reads them
    elif tz is not None and (note := frame_zone_note(df, tcol, tz)):
        warn_at_caller(note)  # tz= beside a `Time Zone` column: tz= is used, said (readers27)
    time_dtype = df[tcol].dtype
    if time_dtype == pl.Utf8 and (worded := words_as_offsets(df[tcol], tz)) is not None:
        df, tz = df.with_columns(worded), None  # `... AKST`: its offset, as the file reads it
    df, unit = epoch_unit(df, tcol)  # ts_ms, timestamp_ns: Unix numbers in the named unit
    t, time_kind, zone = time_column_seconds(df, tcol, text)
    if time_dtype == pl.Date:  # badin34: was "duplicate timestamp" with no word of the dates
        refuse_same_dates(df, traj, tcol, t)
    t, zoned = header_offset(df, tcol, t, time_kind, zone) if tz is None else (t, False)
    if tz is not None or (time_kind == "datetime" and zone is None) or (
        time_kind == "string" and not zoned and not zoned_text(df[tcol])  # wall-clock text
    ):  # fmt: skip
        t, zone = local_times(df, traj, tcol, t, "epoch" if unit else time_kind, zone, tz)
    wall = not zoned and tz is None and (  # naive datetimes or zoneless text (zone "UTC")
        (time_kind == "datetime" and zone is None)
        or (time_kind == "string" and not zoned_text(df[tcol])))  # fmt: skip
    if warn_naive and local_named and wall:  # `local_time` alone, read as UTC: said (newuser28)
        warn_at_caller(local_time_note(tcol, "tz='Area/City' (CLI: --tz NAME)"))
    elif warn_naive and time_kind == "datetime" and zone is None and not zoned:  # `time (MDT)`
        naive_time_warning(tcol)
    warn_future(t)  # ingest drops these; a model call is told once
    return df, t, time_kind, zone, unit, time_dtype


def positions(
    df: pl.DataFrame, lat: str, lon: str, crs: Any, validate: bool, point: Any
) -> tuple[pl.Series, pl.Series]:
    """(latitudes, longitudes) in WGS84 degrees of the columns ``lat`` / ``lon``: scaled degrees
    by their names, another CRS reprojected, a latitude past 90 refused, AIS's "not available"
    refused when ``validate``."""
    with point_names(point):  # a split point column said as the caller's (errnames18)
        la, lo = coordinate_column(df, lat), coordinate_column(df, lon)
        # `lat_e7`, `latitude_mdeg`: scaled degrees said by the name, as ingest reads them
        # (heldout25: a pilot service's records were "not a latitude in degrees" here)
        whole_if_scaled(la, lo, lat, lon)  # 45.1 under `latitudeE7`: refused (badin26)
        la, lo = (c / k if (k := named_scale(n)) else c for c, n in ((la, lat), (lo, lon)))
        if not geo.is_wgs84(crs):
            if geo.crs_refusal(crs):  # an unknown CRS: one line, not pyproj's CRSError
                raise TrajlmInputError(geo.crs_refusal(crs), field="crs")
            y, x = geo.to_wgs84_each(lo.to_numpy(), la.to_numpy(), crs)
            check_not_degrees(la.to_numpy(), lo.to_numpy(), y, x, crs, option="crs")
            la, lo = pl.Series(y).fill_nan(None), pl.Series(x).fill_nan(None)
        else:
            na = not_available(la, lo)  # AIS 91 / 181: no fix, not a projected coordinate
            # an inf is a damaged row (schema's "NaN or infinite" line), not a projected
            # coordinate: it reached "pass crs='EPSG:...'" (badin30)
            finite = la.cast(pl.Float64, strict=False).is_finite().fill_null(False)
            big = la.filter(~na & finite).abs().max()
            if big is not None and big > 90:
                raise TrajlmInputError(
                    f"{lat!r} reaches {big:,.6g}, which is not a latitude in degrees",
                    field=lat,
                    # up to 180 is no projected coordinate (metres reach far past it): a bad
                    # row or swapped columns (badin30: /validity's lat 91 was told "pass crs=")
                    hint="for projected coordinates pass crs='EPSG:...' (lat_col = northing); "
                    "for x / y metres on a plane (a pitch, a warehouse) crs='local'"
                    if big > 180
                    else "a latitude over 90 is no place: fix or drop those rows, or swap the "
                    "columns if latitude and longitude are exchanged",
                )
            if validate:
                refuse_not_available(na, lat, lon)
    return la, lo


def other_columns(df: pl.DataFrame, traj: str, tcol: str, lat: str, lon: str, cols: list) -> list:
    """The caller's columns besides the four read, refused in one line where one would clash
    with trajlm's names, or where the ids are nested values."""
    used = {traj, tcol, lat, lon}
    rest = [c for c in cols if c not in used]
    clash = [c for c in rest if c in ("traj_id", "t", "lat", "lon")]
    if "traj_id" in clash and df["traj_id"].n_unique() == df.height:  # badin34: 1-fix trips
        raise TrajlmInputError(
            f"'traj_id' holds another value on every row, so it reads as a row number and the "
            f"trajectories were taken from {traj!r}; if 'traj_id' names trips, each has one fix",
            field="traj_id",
            hint="give 2+ fixes per trajectory, or traj_col='traj_id' to read it as the trips",
        )
    if clash:
        raise TrajlmInputError(
            f"column(s) {clash} would clash with the canonical names (the positions/times come "
            f"from {[traj, tcol, lat, lon]})",
            field=clash[0],
            hint="drop or rename them",
        )
    if df[
        traj
    ].dtype.is_nested():  # tuples / lists / dicts as ids: was a Polars cast error (badin24)
        raise TrajlmInputError(
            f"trajectory ids in {traj!r} are {df[traj].dtype} values, not text or numbers",
            field=traj,
            hint="give one id a row, e.g. df[col].map(str) or a column per part",
        )
    return rest


def put_fractions_aside(
    out: pl.DataFrame, df: pl.DataFrame, tcol: str, source: str
) -> tuple[pl.DataFrame, pl.Series | None, pl.DataFrame | None, pl.DataFrame | None]:
    """(table, fractions of a second, one fraction per (trajectory, second) for the way back,
    the fixes dropped within an earlier fix's second) of a table whose ``t`` is whole seconds."""
    sub = sub_seconds(df, tcol)
    if sub is not None:
        out = out.with_columns(
            sub.alias(_FRAC), *[] if (ns := sub_second_ns(df[tcol])) is None else [ns]
        )
    out, sub_rows = drop_sub_second_fixes(out, df[tcol], source)
    frac = None
    if sub is not None:
        keep = [c for c in (_FRAC, FRAC_NS) if c in out.columns]
        # one fraction per (trajectory, second): fixes left in one second after
        # drop_sub_second_fixes are exact repeats, and a repeated key here gave every result
        # row at that second back twice (trajlm.clean's kept rows came back, session 26)
        frac = (
            out.select("traj_id", "t", *keep)
            .filter(pl.col("t").is_not_null())
            .unique(["traj_id", "t"], keep="first", maintain_order=True)
        )
        out = out.drop(keep)
    return out, sub, frac, sub_rows


def naive_time_warning(col: str, asked: bool = False) -> None:
    """One note (a NoteWarning) that the datetimes in ``col`` have no zone and are read as UTC,
    and how to give the zone (aware datetimes); numbers, ISO text and aware datetimes say
    nothing. ``asked``: ``col`` is a call's argument (``depart``, ``at_times``: datetimes or
    zone-less ISO text, api_time_checks.zoneless_note; leftover34b), not a frame's column."""
    if asked:
        how = ("(a model that reads the hour of day reads local times off by their UTC offset). "
               "Give the zone to silence this: aware datetimes, e.g. pd.Timestamp("
               "'2025-03-18 08:00', tz='Europe/Lisbon'), or ISO text with its offset "
               "('2025-03-18T08:00:00+00:00', or 'Z' if they are UTC)")  # fmt: skip
    else:
        how = (
            "(results come back naive, on the same clock; a model that reads the hour of day "
            "reads local times off by their UTC offset). Give the zone to silence this: "
            f"df[{col!r}].dt.tz_localize('Europe/Lisbon') (pandas) or "
            f"pl.col({col!r}).dt.replace_time_zone('Europe/Lisbon') (Polars); "
            "tz_localize('UTC') if they are UTC"
        )
    warn_at_caller(f"the times in {col!r} have no time zone: read as UTC {how}", NoteWarning)
