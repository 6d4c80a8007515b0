"""Naive local times in the Python API (``coerce``): ``tz=`` reads them in a zone as ingest
does, and without it a DST fall-back's signature is refused instead of re-sorted.

Session 16 (movers2): naive Oslo times across the autumn fall-back (02:59, 02:00, 02:01, ...,
one track heading north) were read as UTC, then sorted by time, so the 02:59 fix went last
and the prediction ran south. Now:

* ``tz="Europe/Oslo"``: naive datetimes are local times of that zone, resolved like
  ``trajlm data ingest --tz`` (``readers._clock_change.resolve_local``): a time of the repeated hour
  is the earlier instant unless, within its trajectory in the caller's row order, it follows a
  later time of the same run of repeated-hour times (then the later, so times keep
  increasing); a time that does not exist (spring forward) is refused in one line.
* no ``tz``: a trajectory whose rows, in the caller's order, are increasing but for a few
  steps back of at most ``BACK_MAX_S`` (a clock change's size) is refused in one line naming
  the row: sorting it would silently reorder the track. Shuffled rows (many steps back) are
  sorted as before.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import polars as pl

from trajlm.data.local_clock import OffsetZone, zones_at
from trajlm.data.readers._java_dates import JAVA_DATE, JS_DATE
from trajlm.errors import TrajlmInputError, warn_at_caller

BACK_MAX_S = 3 * 3600  # a step back of up to this (DST shifts are 30 min to 2 h) looks like one
# ... and of at least this: a row or two a few seconds out of order (an AIS feed in receive
# order, a logger's retransmission) is ordinary and is sorted as before (lead, session 16)
BACK_MIN_S = 25 * 60


def check_zone_name(tz: str) -> None:
    """Refuse a ``tz=`` no zone database knows, in one line (a fixed offset written as a zone
    pointed to ``utc_offset=``)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from trajlm.data.readers._column_map import unknown_zone_line

    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        why = unknown_zone_line(tz).split(": ", 1)[1]
        raise TrajlmInputError(f"tz={tz!r} is not a time zone name: {why}", field="tz") from None


def local_seconds(s: pl.Series, traj: pl.Series, tz: str, col: str) -> pl.Series:
    """Naive datetimes ``s`` read as local times in zone ``tz``: Int64 UTC seconds."""
    from trajlm.data.readers._clock_change import T_GAP, T_LATE, dst_change, resolve_local
    from trajlm.data.readers._times import T_MS
    from trajlm.data.schema import DropReport

    try:
        early = s.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
    except pl.exceptions.PolarsError as e:  # an unknown zone name
        raise TrajlmInputError(f"tz={tz!r} is not a time zone name ({e})", field="tz",
                               hint="give an IANA name such as 'Europe/Oslo'") from e  # fmt: skip
    gap = early.is_null() & s.is_not_null()
    if gap.any():
        i = int(gap.arg_true()[0])
        wall = s[i]
        wall_ms = int(pl.Series([wall]).dt.replace_time_zone("UTC").dt.epoch("ms")[0])
        raise TrajlmInputError(
            f"row {i}: local time '{wall}' does not exist in {tz}: "
            f"{dst_change(wall_ms, tz)} (nonexistent_local_time)",
            field=col,
            hint="fix or drop that row, or give tz-aware times",
        )
    late = s.dt.replace_time_zone(tz, ambiguous="latest", non_existent="null")
    df = pl.DataFrame({"traj_id": traj.cast(pl.Utf8), T_MS: early.dt.epoch("ms"),
                       T_LATE: late.dt.epoch("ms"), T_GAP: pl.Series([None] * len(s),
                                                                      dtype=pl.Int64)})  # fmt: skip
    df = df.with_columns((pl.col(T_MS) // 1000).alias("t"))
    ctx = SimpleNamespace(report=DropReport(), on_error="raise")
    return resolve_local(df, ctx, tz, col)["t"].alias(s.name)


def refuse_backwards(t: pl.Series, traj: pl.Series, wall: pl.Series, col: str) -> None:
    """Refuse naive times that go back by <= BACK_MAX_S within a trajectory that is otherwise
    in time order in the caller's rows (module docstring); ``wall``: the caller's values."""
    df = pl.DataFrame({"traj": traj.cast(pl.Utf8), "t": t}).with_row_index("row")
    d = df.with_columns(step=(pl.col("t") - pl.col("t").shift(1)).over("traj"),
                        prev=pl.col("row").shift(1).over("traj"))  # fmt: skip
    per = d.group_by("traj", maintain_order=True).agg(
        n=pl.len(), back=(pl.col("step") < 0).sum(), worst=pl.col("step").min(),
        row=pl.col("row").filter(pl.col("step") < 0).first(),
        prev=pl.col("prev").filter(pl.col("step") < 0).first(),
    )  # fmt: skip
    hit = per.filter((pl.col("back") > 0) & (pl.col("back") <= (pl.col("n") // 10).clip(1))
                     & (pl.col("worst") >= -BACK_MAX_S) & (pl.col("worst") <= -BACK_MIN_S))  # fmt: skip
    if hit.is_empty():
        return
    h = hit.row(0, named=True)
    i, j = int(h["row"]), int(h["prev"])
    back = dt.timedelta(seconds=-int(h["worst"]))
    raise TrajlmInputError(
        f"times in {col!r} go back {back} within trajectory {h['traj']!r} at row {i} "
        f"({wall[j]} -> {wall[i]}) and are in time order otherwise: naive local times "
        f"across a clock change (DST fall-back)? Sorting would reorder the track",
        field=col,
        hint="give the zone, e.g. predict(df, tz='Europe/Oslo'), or tz-aware times; if the "
        "times are UTC, sort the rows by time first",
    )


def header_offset(
    df: pl.DataFrame, tcol: str, t: pl.Series, time_kind: str, zone: str | None
) -> pl.Series:
    """(UTC seconds, whether the header's zone was read) of naive times whose column header
    names their zone (`Acq. Time (MDT)`, `time (UTC+2)`; cols23, as `trajlm data ingest` reads
    it): ``t`` less the offset, said in one warning (UTC: nothing to say); ``t`` as is when the times state their instant (zone-aware datetimes, Unix
    numbers, strings with an offset) or the header names none. An ambiguous abbreviation (IST,
    CST) is refused in one line naming tz=."""
    import warnings

    from trajlm.data.zone_names import header_zone, offset_words

    hz = header_zone(tcol)
    naive = (time_kind == "datetime" and zone is None) or (
        time_kind == "string" and not df[tcol].cast(pl.Utf8).str.contains(_OFFSET_TEXT).any()
    )
    if hz is None or not naive:
        return t, False
    if hz.offset_s == 0:
        return t, True
    if hz.offset_s is None:
        raise TrajlmInputError(
            f"the time column {tcol!r} names the zone {hz.zone!r}, which may be {hz.meanings}",
            field=tcol,
            hint="give the zone: tz='Asia/Kolkata' (an IANA name) or localize the column first",
        )
    warnings.warn(f"times in {tcol!r} read as {hz.zone} = {offset_words(hz.offset_s)} (the "
                  "column's header; tz= for a zone that changes at DST)", stacklevel=3)  # fmt: skip
    return t - hz.offset_s, True


_OFFSET_TEXT = r"(Z|[+-]\d{2}:?\d{2})\s*$"


def frame_zone_column(df: pl.DataFrame, tcol: str) -> str | None:
    """The column giving each row's zone (`Time Zone`: CST / MST, `tz`: several IANA names)
    beside naive times in ``tcol`` (text without an offset, or naive datetimes), with at least
    two values; None otherwise (one value: frame_local_time / tz= read it whole)."""
    from trajlm.data.column_names import normalised
    from trajlm.data.readers._row_zones import OFFSET_IN_TEXT
    from trajlm.data.readers._time_columns import OFFSET_NAMES, ZONE_COLUMNS

    zcols = [c for c in df.columns if c != tcol and normalised(str(c)) in ZONE_COLUMNS
             and normalised(str(c)) not in OFFSET_NAMES]  # fmt: skip
    if len(zcols) != 1 or df[zcols[0]].drop_nulls().cast(pl.Utf8).n_unique() < 2:
        return None
    dtype = df.schema[tcol]
    if dtype == pl.Utf8:
        sample = df[tcol].drop_nulls().head(50).to_list()
        return None if any(OFFSET_IN_TEXT.fullmatch(v) for v in sample) else zcols[0]
    return zcols[0] if isinstance(dtype, pl.Datetime) and dtype.time_zone is None else None


def frame_zone_note(df: pl.DataFrame, tcol: str, tz: str) -> str | None:
    """The line said when ``tz=`` is given beside a column naming each row's zone with other
    values (readers27, as ingest says it: _row_zones.given_zone_note); None otherwise."""
    from trajlm.data.column_names import normalised
    from trajlm.data.readers._row_zones import given_zone_note
    from trajlm.data.readers._time_columns import OFFSET_NAMES, ZONE_COLUMNS

    zcols = [c for c in df.columns if c != tcol and normalised(str(c)) in ZONE_COLUMNS
             and normalised(str(c)) not in OFFSET_NAMES]  # fmt: skip
    if len(zcols) != 1:
        return None
    values = df[zcols[0]].drop_nulls().cast(pl.Utf8).unique().head(20).to_list()
    return given_zone_note(values, zcols[0], tz, python=True)


def row_zone_times(df: pl.DataFrame, traj: str, tcol: str, zcol: str) -> pl.Series:
    """Naive times in ``tcol`` read in each row's zone from ``zcol`` (session 26, as ingest
    reads them: readers/_row_zones.py): UTC datetimes. A zone that cannot be read, a time that
    is not one, or a local time that does not exist in its zone: one line naming the row."""
    from trajlm.data.readers._row_zones import read_zones

    s = df[tcol]
    if s.dtype == pl.Utf8:
        s = s.str.strip_chars().str.to_datetime(strict=False, time_unit="us")
        bad = s.is_null() & df[tcol].is_not_null()
        if bad.any():
            i = int(bad.arg_true()[0])
            raise TrajlmInputError(f"row {i}: {df[tcol][i]!r} in {tcol!r} is not a time",
                                   field=tcol, hint="give ISO 8601 text or datetimes")  # fmt: skip
    zones = df[zcol].cast(pl.Utf8)
    empty = zones.is_null() | (zones.str.strip_chars() == "")
    if empty.any():
        i = int(empty.arg_true()[0])
        raise TrajlmInputError(f"row {i}: {zcol!r} is empty, so its local time in {tcol!r} "
                               "has no zone", field=zcol)  # fmt: skip
    reading = read_zones(zones.unique().to_list())
    seconds = pl.Series(tcol, [None] * len(df), dtype=pl.Int64)
    for v, z in reading.items():
        hit = zones == v
        if z.why:
            i = int(hit.arg_true()[0])
            raise TrajlmInputError(f"row {i}: {zcol!r} {z.why}", field=zcol,
                                   hint="give an IANA name (America/Chicago), an abbreviation "
                                   "such as MST, or an offset such as -06:00")  # fmt: skip
        mine = pl.when(hit).then(s).otherwise(None)
        part = pl.select(mine).to_series()
        if z.iana:
            got = local_seconds(part, df[traj], z.iana, tcol)
        else:
            got = part.dt.replace_time_zone("UTC").dt.epoch("s") - (z.offset_s or 0)
        seconds = pl.select(pl.when(hit).then(got).otherwise(seconds)).to_series()
    return pl.from_epoch(seconds, time_unit="s").dt.replace_time_zone("UTC").alias(tcol)


def local_time_column(df: pl.DataFrame, names: tuple) -> str | None:
    """`local_time` beside a `tz` column of several zones, in a frame with no time column of
    the usual names (``names``: column_names.TIME's tiers): read row by row (row_zone_times)."""
    from trajlm.data.column_names import normalised
    from trajlm.data.readers._row_zones import local_time_beside_zones

    have = [str(c) for c in df.columns]
    if any(normalised(c) in tier for tier in names for c in have):
        return None
    local = local_time_beside_zones(have)
    return local if local and frame_zone_column(df, local) is not None else None


def zoned_text(s: pl.Series) -> bool:
    """True when any time text names its zone (``Z``, ``+02:00``, ``-0500``, ``UTC``): naive
    text (``2026-11-01 01:30:00``) is a wall clock that ``tz=`` places (session 27, newuser27:
    it was refused as "these times already say their instant")."""
    text = s.cast(pl.Utf8)
    return bool(
        text.str.contains(r"(?i)(Z|[+-]\d\d:?\d\d|UTC|GMT)\s*$").any()
        or text.str.contains(JAVA_DATE).any()  # `Mon Mar 02 07:40:02 GMT+01:00 2026`
        or text.str.contains(JS_DATE).any()
    )


def local_times(df: pl.DataFrame, traj: str, tcol: str, t: pl.Series, time_kind: str,
                 zone: str | None, tz: str | None) -> tuple[pl.Series, str | None]:  # fmt: skip
    """(UTC seconds, zone) of naive datetimes or wall-clock text: read in ``tz``, or checked for
    a DST-like step back when there is none (out of coerce.py, session 27)."""
    if tz is None:
        refuse_backwards(t, df[traj], df[tcol], tcol)
        return t, zone
    if time_kind == "string" and not zoned_text(df[tcol]):  # "2026-11-01 01:30:00": a wall
        wall = pl.from_epoch(t, time_unit="s")  # clock read as UTC; in ``tz`` now (newuser27)
        return local_seconds(wall, df[traj], tz, tcol), tz
    if (time_kind == "datetime" and zone is not None) or time_kind in ("epoch", "string"):
        # aware datetimes (a frame trajlm.clean(df, tz=...) gave back: newuser27), Unix numbers,
        # zoned text: their instant is known; tz= names the frame's clock, as `ingest --tz`
        # keeps the store's (fix36; frames were refused: leftover36), said in the words every
        # route says it (zones36: aware datetimes' tz= went unsaid)
        from trajlm.data.readers._naive_times import FRAME_CLOCK, kept_clock_line

        key, said = _option(tz)
        how = {"epoch": "Unix numbers", "string": "text with a zone"}.get(
            time_kind, "a zoned datetime column"
        )
        warn_at_caller(kept_clock_line(f"{key}={said}", tcol, how, FRAME_CLOCK))
        return t, zone
    if time_kind != "datetime":
        key, said = _option(tz)
        raise TrajlmInputError(
            f"{key}={said} reads naive datetimes, but the times in {tcol!r} are {time_kind}",
            field=key, hint=f"drop {key}=: these times already say their instant",
        )  # fmt: skip
    s = df[tcol].cast(pl.Datetime("us")) if df[tcol].dtype == pl.Date else df[tcol]
    return local_seconds(s, df[traj], tz, tcol), tz


def offset_hours(utc_offset: object, tz: str | None) -> float:
    """``utc_offset=`` as hours ahead of UTC in [-14, 14] (fractions too: a file's offset is
    read exactly), refused beside ``tz=``; ``offset_zone`` and a path's read check it so."""
    import math
    from numbers import Real

    if tz is not None:
        raise TrajlmInputError("give tz= or utc_offset=, not both", field="utc_offset",
                               hint="tz='Area/City' follows DST; utc_offset=H is fixed")  # fmt: skip
    if isinstance(utc_offset, bool) or not isinstance(utc_offset, Real) or not math.isfinite(
        float(utc_offset)
    ) or abs(float(utc_offset)) > 14:  # fmt: skip
        raise TrajlmInputError(f"utc_offset={utc_offset!r} is not a number of hours in [-14, 14]",
                               field="utc_offset", hint="hours ahead of UTC: 2, -5, 5.5")  # fmt: skip
    return float(utc_offset)


def offset_zone(utc_offset: object, tz: str | None) -> str:
    """``utc_offset=`` (hours ahead of UTC, the twin of ``trajlm data ingest --utc-offset``) as
    the zone ``tz=`` reads a frame's naive times in: whole hours are IANA's fixed ``Etc/GMT-H``
    zones (sign reversed there; no DST, so the offset holds all year, as the option means).
    Polars has no zone for a fraction of an hour: refused naming the zones that keep it
    (leftover35: frames had no ``utc_offset=``; files' fractional offsets are read exactly)."""
    hours = offset_hours(utc_offset, tz)
    if hours == 0:
        return "UTC"
    if hours.is_integer():  # IANA: Etc/GMT-2 is two hours AHEAD of UTC; the hours kept to say
        return OffsetZone(f"Etc/GMT{-int(hours):+d}", hours)  # utc_offset=2 back (leftover36)
    keep = zones_at(round(hours * 3600))
    raise TrajlmInputError(
        f"utc_offset={hours:g} is not a whole number of hours, which a frame's times cannot be "
        "read in (Polars zones are IANA names)",
        field="utc_offset",
        hint="tz='Area/City' of a zone that keeps it all year"
        + (f" (e.g. {', '.join(keep)})" if keep else "")
        + ", or give the file's path: files' fractional offsets are read as `--utc-offset` reads them",
    )


def whole_offset_zone(utc_offset: object, tz: str | None) -> str | None:
    """``offset_zone`` where ``utc_offset=`` is whole hours (or 0); None for a fraction, which
    no Polars zone keeps (a file read with it: its times were read exactly, zones36)."""
    hours = offset_hours(utc_offset, tz)
    return offset_zone(hours, None) if hours.is_integer() else None


def _option(tz: str) -> tuple[str, str]:
    """The keyword and value the caller gave for ``tz``: ``utc_offset=2`` for the fixed zone
    ``offset_zone`` made of it (``Etc/GMT-2``), else ``tz='...'`` (a caller's own
    ``tz='Etc/GMT-2'`` too: leftover36)."""
    if isinstance(tz, OffsetZone):
        return "utc_offset", f"{tz.hours:g}"
    return "tz", repr(str(tz))
