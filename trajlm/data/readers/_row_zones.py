"""Local times read in each row's own zone (session 26, readers26): a truck log's `Local Time`
beside a `Time Zone` column of CST / MST, a phone study's `local_time` beside a `tz` column of
several IANA names. heldout25 refused such files in one line; one --tz cannot place them, and
reading them as UTC shifted each zone's rows differently.

A zone value is read as
- an IANA name (`America/Denver`): DST-aware, a repeated autumn hour and a nonexistent spring
  hour handled as `--tz` handles them (_clock_change.resolve_local: the row named, or counted);
- an abbreviation of zone_names.ZONE_HOURS (`MST`, `CEST`): the fixed offset it names;
- a written offset (`+01:00`, `UTC-5`);
- an ambiguous abbreviation (CST, IST, ...) only where the column's other zones say the region:
  CST beside MST / EST / PDT ... is US Central (the North American meaning), said once.
Any other value (a zone Python does not know, an empty cell, CST alone) makes that row's time
unparseable text that says why, so the error names the row (or skip drops and counts it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import polars as pl

from trajlm.data.readers._clock_change import T_GAP, T_LATE, ZONE_OF_ROW
from trajlm.data.zone_names import AMBIGUOUS, OFFSET_PARTS, ZONE_HOURS

# the North American abbreviations: beside one of them, CST is US Central (UTC-6)
_NORTH_AMERICA = {"EST", "EDT", "CDT", "MST", "MDT", "PST", "PDT", "AKST", "AKDT", "HST"}
_REGIONAL = {"CST": -6 * 3600}
ZONES_SAID = "zones"  # said in the guessed columns (cli_data prints it), not a ColumnMap field
# a time that says its own zone (`...Z`, `+02:00`, iNaturalist's `2026-05-16 13:28:20 UTC`)
OFFSET_IN_TEXT = re.compile(r".*(Z|[+-]\d\d:?\d\d|\d\s(UTC|GMT))\s*$")


class RowZone(NamedTuple):
    """How one zone value is read: `iana` (DST-aware) or `offset_s` (fixed); `why` when neither."""

    iana: str | None = None
    offset_s: int | None = None
    why: str | None = None


def read_zones(values: list[str]) -> dict[str, RowZone]:
    """{value: RowZone} for the distinct zone values of a column (see the module doc)."""
    from zoneinfo import ZoneInfo

    keys = {str(v).strip().upper() for v in values}
    out: dict[str, RowZone] = {}
    for v in values:
        text = str(v).strip()
        key = text.upper()
        if key in ZONE_HOURS:
            out[v] = RowZone(offset_s=int(round(ZONE_HOURS[key] * 3600)))
            continue
        if key in _REGIONAL and keys & _NORTH_AMERICA:
            out[v] = RowZone(offset_s=_REGIONAL[key])
            continue
        if key in AMBIGUOUS:
            out[v] = RowZone(why=f"{text} may be {AMBIGUOUS[key]}")
            continue
        p = OFFSET_PARTS.fullmatch(key)
        if p is not None and int(p["h"]) <= 14 and int(p["m"] or 0) < 60:
            sign = -1 if p["sign"] in "-\u2212" else 1
            out[v] = RowZone(offset_s=sign * (int(p["h"]) * 3600 + int(p["m"] or 0) * 60))
            continue
        try:
            if "/" not in text and key not in ("UTC", "GMT"):
                raise KeyError(text)  # `EST5EDT`, `Cuba`: old names, not what a log writes
            ZoneInfo(text)
        except (KeyError, ValueError):
            out[v] = RowZone(why=f"{text!r} is not a time zone")
            continue
        out[v] = RowZone(iana=text)
    return out


def regional_note(values: list[str]) -> str | None:
    """The line said when an ambiguous abbreviation was read by its neighbours (CST beside MST)."""
    keys = {str(v).strip().upper() for v in values}
    if "CST" in keys and keys & _NORTH_AMERICA:
        return "CST read as US Central (UTC-6 h): the column's other zones are North American"
    return None


def zone_column(path: Path, format: str, sep: str, have: list[str], tcol: str) -> str | None:
    """The column giving each row's zone beside naive times in `tcol`, when it holds several
    values (one value: study_local_time / --tz read it whole); None otherwise (a column of UTC
    offsets is applied row by row by _times.with_offset: formats18)."""
    from trajlm.data.column_names import normalised
    from trajlm.data.readers._headers import id_sample
    from trajlm.data.readers._time_columns import ZONE_COLUMNS, offset_column_for

    zcols = [c for c in have if normalised(c) in ZONE_COLUMNS and c != tcol]
    if len(zcols) != 1 or tcol not in have or offset_column_for(path, format, sep, tcol, have):
        return None
    zones = set(zone_values(path, format, sep, zcols[0]))
    zones |= {str(v).strip() for v in id_sample(path, format, sep, zcols[0]) or []}
    zones.discard("")
    zones.discard("None")
    times = [str(v) for v in (id_sample(path, format, sep, tcol) or [])[:50] if v not in (None, "")]
    if not zones or not times or any(OFFSET_IN_TEXT.fullmatch(t) for t in times):
        return None
    if len(zones) == 1 and _iana(next(iter(zones))):  # study_local_time / --tz read it whole
        return None  # badin26: one '+05:00' / 'MST' / unknown zone was "missing column t"
    return zcols[0]


def given_zone_note(
    values: list, zcol: str, tz: str | None, offset_s: int = 0, python: bool = False
) -> str | None:
    """The line said when a zone is given (--tz / --utc-offset; tz= in Python) beside a column
    naming each row's zone with other values (badin26: either won with no word): the given
    zone is used, and the column named. None when the column says the given zone."""
    vals = sorted({str(v).strip() for v in values if v is not None and str(v).strip()})
    if not vals or (tz is not None and {v.upper() for v in vals} == {tz.upper()}):
        return None
    given = tz if tz is not None else f"UTC{offset_s / 3600:+g}"
    opt = "tz=" if python else ("--tz" if tz is not None else "--utc-offset")
    more = ", ..." if len(vals) > 4 else ""
    return (f"times read in {given} ({opt} as given), not in the zones the column {zcol!r} "
            f"names ({', '.join(vals[:4])}{more}): give no {opt} to read each row in its own "
            "zone")  # fmt: skip


def zone_beside_given(path: Path, format: str, sep: str, have: list[str], tcol: str,
                      tz: str | None, offset_s: int) -> str | None:  # fmt: skip
    """given_zone_note for a file's one zone column beside its time column `tcol`."""
    from trajlm.data.column_names import normalised
    from trajlm.data.readers._time_columns import OFFSET_NAMES, ZONE_COLUMNS

    zcols = [c for c in have if c != tcol and normalised(c) in ZONE_COLUMNS
             and normalised(c) not in OFFSET_NAMES]  # fmt: skip
    if len(zcols) != 1:
        return None
    return given_zone_note(zone_values(path, format, sep, zcols[0]), zcols[0], tz, offset_s)


def _iana(name: str) -> bool:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (KeyError, ValueError):
        return False
    return True


def zone_per_row(path: Path, format: str, sep: str, have: list[str], tcol: str) -> dict[str, str]:
    """{"t_zone": column, ZONES_SAID: words} for times without a zone beside a column giving
    each row's zone with several values (`Time Zone`: CST, MST; heldout25's truck log across
    zones was read as UTC, 11 % of its rows dropped as repeated times): each row is read in its
    own zone (session 26, _row_zones.py). {} when there is no such column. CSV and Parquet
    (readers27; Parquet was refused in one line)."""
    zcol = zone_column(path, format, sep, have, tcol)
    if zcol is None:
        return {}
    zones = zone_values(path, format, sep, zcol)  # CSV and Parquet alike (readers27)
    said = f"read in each row's zone from {zcol!r} ({', '.join(zones[:6])}"
    said += ", ..." if len(zones) > 6 else ""
    note = regional_note(zones)
    return {"t_zone": zcol, ZONES_SAID: said + (f"; {note})" if note else ")")}


def local_time_beside_zones(have: list[str]) -> str | None:
    """The one local-time column (`local_time`) beside one zone column (`tz`) with no UTC time:
    read in each row's zone when the zone column holds several (zone_per_row); when it holds
    one, study_local_time reads it first."""
    from trajlm.data.column_names import normalised
    from trajlm.data.readers._time_columns import LOCAL_TIME_NAMES, ZONE_NAMES

    local = [c for c in have if normalised(c) in LOCAL_TIME_NAMES]
    named = [c for c in have if normalised(c) in ZONE_NAMES]
    return local[0] if len(local) == 1 and len(named) == 1 else None


def zone_values(path: Path, format: str, sep: str, column: str) -> list[str]:
    """Up to 20 distinct values of the zone column over the whole file (said at ingest)."""
    if not path.is_file() or path.suffix.lower() in (".zip", ".gz"):
        return []
    try:
        lf = (pl.scan_parquet(path) if format == "parquet"
              else pl.scan_csv(path, separator=sep, infer_schema=False))  # fmt: skip
        got = lf.select(pl.col(column).drop_nulls().unique().head(20)).collect()[column]
    except Exception:  # the reader says what is wrong with the file
        return []
    return sorted(str(v).strip() for v in got.to_list())


def naive_text(col: pl.Series) -> pl.Series:
    """A Parquet time column as the text zoned_times parses: naive datetimes as ISO text
    (`2025-10-09 08:05:00.000`), text as it is."""
    if isinstance(col.dtype, pl.Datetime) and col.dtype.time_zone is None:
        return col.dt.to_string("%Y-%m-%d %H:%M:%S%.3f")
    return col.cast(pl.Utf8)


def zoned_times(
    raw: pl.DataFrame, tcol: str, zcol: str, read: Callable[[str | None, int, str], pl.Expr]
) -> tuple[pl.DataFrame, pl.Expr, list[pl.Expr]]:
    """(raw with the time text of unreadable-zone rows saying why, the time in ms, [T_LATE,
    T_GAP, ZONE_OF_ROW]) for naive times in `tcol` read in each row's zone from `zcol`.
    `read(zone, offset_s, ambiguous)` parses `tcol` in one zone (_tabular_times.time_expr's parse)."""
    zone = pl.col(zcol).cast(pl.Utf8)
    values = [v for v in raw[zcol].cast(pl.Utf8).unique().to_list() if v is not None]
    reading = read_zones(values)
    bad = [v for v, z in reading.items() if z.why]
    said = pl.lit(None, pl.Utf8)
    for v in bad:
        said = pl.when(zone == v).then(pl.lit(reading[v].why)).otherwise(said)
    said = (
        pl.when(zone.is_null() | (zone.str.strip_chars() == ""))
        .then(pl.lit(f"{zcol} is empty"))
        .otherwise(said)
    )
    t = pl.col(tcol).cast(pl.Utf8)
    raw = raw.with_columns(
        pl.when(said.is_not_null())
        .then(pl.concat_str(t, pl.lit(" ("), said, pl.lit(")")))
        .otherwise(t)
        .alias(tcol)
    )
    early = late = gap = name = None
    for v, z in reading.items():
        if z.why:
            continue
        hit = zone == v
        e = read(z.iana, z.offset_s or 0, "earliest")
        lt = read(z.iana, z.offset_s or 0, "latest") if z.iana else e
        g = pl.when(e.is_null()).then(read("UTC", 0, "earliest")) if z.iana else None
        early = pl.when(hit).then(e) if early is None else early.when(hit).then(e)
        late = pl.when(hit).then(lt) if late is None else late.when(hit).then(lt)
        gv = g if g is not None else pl.lit(None, pl.Int64)
        gap = pl.when(hit).then(gv) if gap is None else gap.when(hit).then(gv)
        nv = pl.lit(z.iana or "UTC")
        name = pl.when(hit).then(nv) if name is None else name.when(hit).then(nv)
    if early is None:  # no row's zone can be read: every time is named unparseable
        none = pl.lit(None, pl.Int64)
        return raw, none, [none.alias(T_LATE), none.alias(T_GAP), pl.lit("UTC").alias(ZONE_OF_ROW)]
    null = pl.lit(None, pl.Int64)
    return (
        raw,
        early.otherwise(null),
        [
            late.otherwise(null).alias(T_LATE),  # type: ignore[union-attr]
            gap.otherwise(null).alias(T_GAP),  # type: ignore[union-attr]
            name.otherwise(pl.lit("UTC")).alias(ZONE_OF_ROW),  # type: ignore[union-attr]
        ],
    )
