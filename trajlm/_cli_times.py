"""The commands' time options (split out of _cli_points.py, leftover34): `--time-origin` and
`trajlm predict --at-times` as Unix seconds, and a table's elapsed seconds made absolute."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from trajlm._safety import UserError

if TYPE_CHECKING:  # annotations only: importing the CLI loads no polars
    import polars as pl


def parse_time_origin(text: str | None, option: str = "--time-origin") -> int | None:
    """--time-origin as Unix seconds (ISO 8601 with a zone, or a number); None when not given."""
    if text is None:
        return None
    from trajlm.data.readers._times import origin_seconds

    origin = origin_seconds(text)
    if origin is None:
        raise UserError(f"{option} {text!r} is not a time: give ISO 8601 with a zone "
                        "(2020-01-01T00:00Z) or Unix seconds")  # fmt: skip
    return origin


_TIME_FILES = (".txt", ".csv", ".lst", ".dat", ".tsv")


def at_times_clock(tz: str | None, utc_offset_s: int | None) -> tuple[str, Any] | None:
    """The clock ``trajlm predict --tz`` / ``--utc-offset`` names for zone-less --at-times
    (its words, its tzinfo); None when neither is given. A zone that is not one, or both
    options, refused here in the words ``read_points`` uses (before any time is read)."""
    from datetime import timedelta, timezone

    if tz is None and utc_offset_s is None:
        return None
    if tz is not None and utc_offset_s is not None:
        raise UserError("--tz and --utc-offset: give one (a zone with its daylight saving, or "
                        "a fixed offset)")  # fmt: skip
    if tz is None:
        hours = f"{utc_offset_s / 3600:+g}"
        return f"--utc-offset {hours}", timezone(timedelta(seconds=int(utc_offset_s)))
    from trajlm.data.readers._column_map import ColumnMap

    if why := ColumnMap(tz=tz).option_error():
        raise UserError(f"--tz {tz}: {why}")
    from zoneinfo import ZoneInfo

    return f"--tz {tz}", ZoneInfo(tz)


def store_clock(path: Path) -> tuple[str, Any] | None:
    """The clock a store keeps (``--tz`` / ``--utc-offset`` at ingest: ``store_zone``) as
    ``at_times_clock`` gives one, for zone-less --at-times asked of ``--input STORE`` (which
    refuses --tz: its times are Unix seconds already); None for a path that is no store or a
    store that keeps no clock."""
    from datetime import timedelta, timezone
    from zoneinfo import ZoneInfo

    from trajlm.data.local_clock import fixed_offset_s
    from trajlm.data.store_read import store_zone

    zone = store_zone(path)
    if zone is None:
        return None
    offset = fixed_offset_s(zone)
    return f"store's {zone}", ZoneInfo(zone) if offset is None else timezone(
        timedelta(seconds=offset)
    )


NO_CLOCK = ", or --tz ZONE / --utc-offset H to read zone-less times on that clock"
STORE_NO_CLOCK = " (the store keeps no local clock to read them on: ingested without --tz)"


def parse_at_times(
    text: str, clock: tuple[str, Any] | None = None, no_clock: str = NO_CLOCK
) -> list[int]:
    """``trajlm predict --at-times``: Unix seconds of times given comma-separated or in a file
    (one a line), each ISO 8601 with a zone or Unix seconds (as --time-origin reads one); an
    empty comma-separated item is refused (a file's blank lines are not items). ``clock``
    (``at_times_clock``: --tz / --utc-offset given): zone-less ISO times are read on it, as
    ``TrajLM.predict(at_times=, tz=)`` reads them (leftover37: they were refused); without one,
    refused with ``no_clock`` said."""
    path = Path(text)
    if path.suffix.lower() in _TIME_FILES and not path.is_file():  # badin31: was "not a time"
        raise UserError(f"--at-times {text!r}: no such file; give the times comma-separated or "
                        "a file with one a line")  # fmt: skip
    if path.suffix and path.is_file():
        items, where = path.read_text().splitlines(), f" ({path}, line {{}})"
    else:
        items, where = text.split(","), ""
        blank = [i for i, item in enumerate(items, 1) if not item.strip()]
        if blank and len(blank) < len(items):  # fix34b: was skipped unsaid (as --horizon-s was)
            raise UserError(f"--at-times {text!r}: item {blank[0]} is empty; expected times "
                            "like 2026-06-03T11:30Z,2026-06-03T12:00Z")  # fmt: skip
    out = []
    for i, item in enumerate(items, 1):
        if item.strip():
            out.append(_at_time(item.strip(), "--at-times" + where.format(i), clock, no_clock))
    if not out:
        raise UserError(f"--at-times {text!r}: name the times, e.g. --at-times "
                        "2026-06-03T11:30Z,2026-06-03T12:00Z or a file with one a line")  # fmt: skip
    return out


def clock_note(text: str, clock: tuple[str, Any]) -> str | None:
    """predict's note on the zone-less items of --at-times ``text`` (comma-separated or a
    file), read on ``clock``: the first ones and the first's UTC instant; None when none."""
    from datetime import UTC, datetime

    from trajlm.data.readers._times import origin_seconds

    path = Path(text)
    items = path.read_text().splitlines() if path.suffix and path.is_file() else text.split(",")
    local = [i.strip() for i in items if i.strip() and origin_seconds(i.strip()) is None]
    if not local:
        return None
    first = datetime.fromtimestamp(_at_time(local[0], "--at-times", clock), UTC)
    shown = ", ".join(local[:3]) + (f" (+{len(local) - 3} more)" if len(local) > 3 else "")
    return (
        f"--at-times {shown}: no zone, read on the {clock[0]} clock ({local[0]} is "
        f"{first:%Y-%m-%dT%H:%M:%S}Z)"
    )


def _naive(item: str) -> Any:
    """``item`` as a naive datetime when it is ISO 8601 text without a zone, else None."""
    from datetime import datetime

    try:
        d = datetime.fromisoformat(item)
    except ValueError:
        return None
    return d if d.tzinfo is None else None


def _at_time(
    item: str, option: str, clock: tuple[str, Any] | None, no_clock: str = NO_CLOCK
) -> int:
    """One --at-times item as Unix seconds: with a zone or a number as --time-origin reads it;
    zone-less ISO text on ``clock`` (the repeated hour of a fall-back: its first instant, as
    the API reads it; an hour the clock skips refused), or refused naming --tz without one."""
    from datetime import UTC

    from trajlm.data.readers._times import origin_seconds

    naive = _naive(item) if origin_seconds(item) is None else None
    if naive is None:
        return parse_time_origin(item, option)  # type: ignore[return-value]
    if clock is None:
        raise UserError(f"{option} {item!r} has no zone: give ISO 8601 with one "
                        f"(2026-06-03T11:30Z, +02:00) or Unix seconds{no_clock}")  # fmt: skip
    words, zone = clock
    local = naive.replace(tzinfo=zone, fold=0)
    if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise UserError(f"{option} {item!r} does not exist on the {words} clock (the clock "
                        "skips it): give a time that exists there, or one with its zone")  # fmt: skip
    return int(local.timestamp())


def with_time_origin(
    df: pl.DataFrame, origin: int, time_col: str | None, path: Path
) -> pl.DataFrame:
    """A table whose time column counts seconds elapsed (since each trip's start, or any
    origin) -> Unix seconds: + origin (`trajlm data ingest --time-origin` does the same)."""
    import polars as pl

    from trajlm.data.column_names import TIME, candidates

    found = [time_col] if time_col else candidates(TIME, df.columns)
    if len(found) != 1 or found[0] not in df.columns:
        raise UserError(f"--time-origin: which column of {path} holds the elapsed seconds? "
                        f"(found {found or 'none'} among {df.columns}); name it with --time-col")  # fmt: skip
    col = found[0]
    if not df[col].dtype.is_numeric():
        raise UserError(f"--time-origin: column {col!r} of {path} is {df[col].dtype}, not "
                        "numbers of elapsed seconds; leave --time-origin out for dates")  # fmt: skip
    t = pl.col(col) if df[col].dtype.is_integer() else pl.col(col).cast(pl.Float64)
    return df.with_columns(t + origin)
