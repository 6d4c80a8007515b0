"""The time-zone note of an ingest: are a CSV / Parquet input's first time values naive (no Z,
no offset)? Such times are read as UTC and the caller says so once. Split from detect.py
(session 17, bigin17); `trajlm.data.readers.detect.naive_times` still works."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path

from trajlm.data.readers._common import ELAPSED_FORMATS, ColumnMap
from trajlm.data.readers._encoding import legacy_cjk
from trajlm.data.readers._java_dates import JAVA_DATE, JS_DATE
from trajlm.data.readers._times import DATE_TIME_DIGITS, frame_rate
from trajlm.data.readers._zone_suffix import OFFSETS, SUFFIX
from trajlm.data.zone_names import named_utc

# Bytes of a CSV's head sampled for its time values (22 lines of real data: under 1 kB, or
# ~250 kB of Porto POLYLINE rows).
SAMPLE_BYTES = 1 << 20
# Files of a folder input sampled for the note (each costs one bounded head read).
FOLDER_FILES = 8
# a clock time, `10:00`, `10:00:00`, `10:00:00.5`: an offset follows one (not a date's year)
_CLOCK = r"\d:\d\d(?::\d\d(?:[.,]\d+)?)?"
# a zone after the time: Z / UTC / GMT, or an offset right after a clock time (`10:00:00+01:00`;
# not a date's year: `00:28:07 23-Sep-2026` ends in "-2026", which read as zoned: session 29)
_ZONE = re.compile(rf"(?:[Zz]|UTC|GMT|{_CLOCK}\s?[+-]\d\d(?::?\d\d)?)$")


def naive_times(
    paths: str | Path | Sequence[str | Path], format: str, columns: ColumnMap | None
) -> str | None:
    """The time column of a csv / parquet input when its first values carry no zone (no Z, no
    offset, a naive datetime dtype) and the mapping gives none (utc_offset_s, tz): such times
    are read as UTC, which the caller says once. None otherwise (Unix numbers, zoned text,
    other formats, a file it cannot sample)."""
    cm = columns or ColumnMap()
    if format == "mfjson" and not (cm.utc_offset_s or cm.tz):  # an API's records (heldout40)
        from trajlm.data.readers._json_zone import naive_json_key

        return naive_json_key(paths)
    if format not in ("csv", "parquet") or cm.utc_offset_s or cm.tz or cm.t_offset or cm.t_zone:
        return None
    if named_utc(cm.t):  # `Date/Time (UTC)` (cols23), a column named `UTC` (heldout28) says its
        return None  # zone: read as UTC is what it says
    tf = cm.time_format
    if (
        tf in ("unix", "unix_ms", "unix_us", "unix_ns", *ELAPSED_FORMATS)
        or frame_rate(tf)
        or (tf and "z" in tf.replace("%%", ""))
    ):
        return None
    if cm.t_parts:
        return "+".join(cm.t_parts.values())
    for path in _sampled_files(paths, format):
        values = _time_sample(path, format, cm)
        if values is None or values is False:
            continue
        if values is True:
            return cm.t
        values = [v.strip() for v in values if v and v.strip()]
        if not values or (tf is None and all(_is_number(v) for v in values)):
            continue
        if any(not _ZONE.search(v) and not _zone_word(v) and not _java_js(v) for v in values):
            return cm.t
    return None


def _sampled_files(paths: str | Path | Sequence[str | Path], format: str) -> list[Path]:
    """The files whose heads are sampled: the first input, or where that is a folder, the first
    FOLDER_FILES files of its kind under it (leftover32: a folder of local-time files, DJI clips
    among them, was read as UTC without the note, since the sample read single files only)."""
    from trajlm.data.readers._sources import rglob_follow

    first = Path(paths if isinstance(paths, str | Path) else paths[0])
    if not first.is_dir():
        return [first]
    return rglob_follow(first, "*.parquet" if format == "parquet" else "*.csv")[:FOLDER_FILES]


def _java_js(text: str) -> bool:
    """`Mon Mar 02 07:40:02 GMT+01:00 2026` (Java / JavaScript Date text: _times.JAVA_DATE)."""
    return bool(re.match(JAVA_DATE, text) or re.match(JS_DATE, text))


def _zone_word(text: str) -> bool:
    """`01:50 AKST`: a zone's abbreviation ends the text (read as its offset: _zone_suffix)."""
    m = re.search(SUFFIX, text)
    return m is not None and m[1].upper() in OFFSETS


def _is_number(text: str) -> bool:
    if "_" in text:  # Python's float() takes `20260304_080000` (exactEarth's time) as a number
        return False
    if re.fullmatch(DATE_TIME_DIGITS, text):  # `20260912221503`: a date-time (_times)
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


def _time_sample(path: Path, format: str, cm: ColumnMap) -> list[str] | bool | None:
    """Up to 20 time values as text, True/False for a (naive / zoned) datetime column, None if
    the file cannot be sampled here (folders, zip, gzip: the note is then not given)."""
    if not path.is_file() or path.suffix.lower() in (".zip", ".gz"):
        return None
    if format == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(path)
            field = pf.schema_arrow.field(cm.t)
            if pa.types.is_timestamp(field.type):
                return field.type.tz is None
            if not (pa.types.is_string(field.type) or pa.types.is_large_string(field.type)):
                return None
            batch = next(pf.iter_batches(batch_size=20, columns=[cm.t]))
            return [str(v) for v in batch.column(0).to_pylist() if v is not None]
        except Exception:  # the reader says what is wrong with the file
            return None
    import csv
    import itertools

    # A bounded head, cut at its last newline: a file whose 2nd line is 2 GiB (damage) costs
    # 1 MiB here, and the line reader then refuses that line (max_line_bytes), naming it.
    with open(path, "rb") as f:
        head = f.read(SAMPLE_BYTES + 1)
    if len(head) > SAMPLE_BYTES:
        head = head[: head.rfind(b"\n") + 1]
    text = head.decode(legacy_cjk(head) or "utf-8", errors="replace")  # Shift-JIS: heldout27
    rows = list(itertools.islice(csv.reader(io.StringIO(text, newline=""), delimiter=cm.sep), 82))
    # the header: the first row naming the time column (title lines above it: a portal's
    # report title, heldout31's XML Spreadsheet and heldout30's HTML `.xls` were read as UTC
    # without the note), within the 60 lines the header is looked for in (_lines)
    at = next(
        (i for i, r in enumerate(rows[:61]) if cm.t in (n.strip().lstrip("\ufeff") for n in r)),
        None,
    )
    if at is None:
        return None
    k = [n.strip().lstrip("\ufeff") for n in rows[at]].index(cm.t)
    return [r[k] for r in rows[at + 1 : at + 21] if len(r) > k]


_OFFSET = r"([+-])(\d\d):?(\d\d)$"
# an offset right after a clock time: `00:28:07 23-Sep-2026` ends in "-2026", a year, not UTC-20:26
# (session 29: a whale tag's store said its clock was UTC-20:26 to `trajlm ask`)
_CLOCK_OFFSET = re.compile(rf"{_CLOCK}\s?[+-]\d\d:?\d\d$")


def text_offset_s(
    paths: str | Path | Sequence[str | Path], format: str, columns: ColumnMap | None
) -> int | None:
    """The one UTC offset (s) that every time of a CSV input's time column is written with
    ("2026-11-16T06:30:00+01:00": 3600), so that `trajlm ask` reads hours and days on the clock
    the data were written in (set 28: a Dutch fleet's 06:30+01:00 was asked as 05:30); None
    where a mapping names a zone, the head's times carry no offset, +00:00, or the offsets
    differ (a daylight-saving change: no one clock), or a file cannot be read here."""
    import polars as pl

    cm = columns or ColumnMap()
    if format != "csv" or cm.t is None or cm.utc_offset_s or cm.tz or cm.t_offset or cm.t_zone:
        return None
    seen: set[str] = set()
    for p in [paths] if isinstance(paths, str | Path) else paths:
        head = _time_sample(Path(p), format, cm)
        if not isinstance(head, list) or not head:
            return None
        if not all(_CLOCK_OFFSET.search(v.strip()) for v in head if v.strip()):
            return None  # naive, "Z" or mixed: the head says no offset in text
        try:  # every value, not only the head: a change of clock later in the file is seen
            col = pl.scan_csv(p, infer_schema=False, separator=cm.sep).select(
                pl.col(cm.t).str.strip_chars()
            )
            got = col.select(pl.col(cm.t).str.extract(_OFFSET, 0).unique()).collect()[cm.t]
        except Exception:  # the reader says what is wrong with the file
            return None
        seen |= {str(v) for v in got.to_list()}
    if len(seen) != 1 or "None" in seen:
        return None
    m = re.fullmatch(_OFFSET, seen.pop())
    off = (1 if m.group(1) == "+" else -1) * (int(m.group(2)) * 3600 + int(m.group(3)) * 60)
    return off or None


def zone_not_used(
    paths: str | Path | Sequence[str | Path], format: str, columns: ColumnMap | None
) -> str | None:
    """What a csv / parquet / GPX input's times are when ``tz`` / ``utc_offset_s`` cannot move
    them: Unix numbers or times carrying their own zone (badin36: `--tz America/New_York` on
    times ending in +01:00, or on Unix seconds, was dropped without a word); the words go into
    ``kept_clock_line``. None where the zone reads the times, or where the sample cannot tell
    (the option then stands, as before)."""
    cm = columns or ColumnMap()
    if not (cm.tz or cm.utc_offset_s):
        return None
    if format == "gpx":  # GPX times are ISO text, nearly always in UTC (`...Z`)
        return _gpx_zoned(paths)
    if format not in ("csv", "parquet"):
        return None
    if cm.time_origin is not None or cm.t_parts or cm.t_offset or cm.t_zone:
        return None  # elapsed seconds from an origin, split columns: read with the zone
    tf = cm.time_format
    if tf in ("unix", "unix_ms", "unix_us", "unix_ns"):
        return "Unix numbers"
    for path in _sampled_files(paths, format):
        values = _time_sample(path, format, cm)
        if values is False:
            return "a zoned datetime column"
        if values is None or values is True:
            return None
        values = [v.strip() for v in values if v and v.strip()]
        if not values:
            continue
        if tf is None and all(_is_number(v) for v in values):
            return "Unix numbers"
        if all(_ZONE.search(v) or _zone_word(v) or _java_js(v) for v in values):
            return "text with a zone"
        return None
    return None


# Formats whose times come from a column mapping (ColumnMap.utc_offset_s / tz read them).
ZONE_READ_FORMATS = ("csv", "parquet", "ais", "tdrive")


def zone_refusal(
    paths: str | Path | Sequence[str | Path], format: str, columns: ColumnMap | None
) -> str | None:
    """Why a zone option cannot be taken: the format reads its times as it defines them and they
    do not carry their instant (a GPX of naive <time> text): ingest refused it, ``trajlm.read``
    and a model call given the path dropped it unsaid (zones36). None where it can."""
    cm = columns or ColumnMap()
    if not (cm.tz or cm.utc_offset_s) or format in ZONE_READ_FORMATS:
        return None
    if format == "mfjson":  # records' naive text is read on the zone's clock (heldout40)
        from trajlm.data.readers._json_zone import naive_json_key

        if naive_json_key(paths):
            return None
    if zone_not_used(paths, format, cm):  # a UTC GPX: not moved, the zone is the clock
        return None
    return (
        "--utc-offset / --tz (utc_offset_s / tz) apply to times in csv / parquet columns; "
        f"{format} times are read as the format defines them"
    )


# What the zone option is, said after "did not move them; " (zones36: one rule on every route:
# instants are never moved, the zone is the clock of local hours where the route keeps one).
STORE_CLOCK = (
    "it is kept as the store's local clock: the hours of `trajlm ask`, eval's local start "
    "hours and the travel-time baselines' hour / weekday"
)
FRAME_CLOCK = (
    "it is kept as the frame's local clock: zone-less times asked of it (at_times=, depart=) "
    "are read on it"
)
TABLE_CLOCK = (
    "the table read keeps no clock (t in Unix seconds): give the zone again to the model call "
    "or trajlm.ingest that takes it"
)
PREDICT_CLOCK = "predictions come back in Unix seconds, UTC, as always"


def zone_given(tz: str | None, utc_offset_s: float | None, cli: bool = False) -> str:
    """The zone option as the caller gave it: ``tz='X'`` / ``utc_offset=2`` (Python) or
    ``--tz X`` / ``--utc-offset 2`` (``cli``)."""
    if tz:
        return f"--tz {tz}" if cli else f"tz={str(tz)!r}"
    hours = f"{(utc_offset_s or 0) / 3600:g}"
    return f"--utc-offset {hours}" if cli else f"utc_offset={hours}"


def kept_clock_line(given: str, column: str | None, kind: str, clock: str) -> str:
    """The one line every route says when a zone option meets times that carry their instant
    (``kind``: zone_not_used's words): the times are not moved, and what the zone is."""
    where = f"those in {column!r}" if column else "they"
    return f"times: {where} carry their instant ({kind}), so {given} did not move them; {clock}"


def _gpx_zoned(paths: str | Path | Sequence[str | Path]) -> str | None:
    """zone_not_used's reason for a GPX file whose first <time> values all carry a zone."""
    first = Path(paths if isinstance(paths, str | Path) else paths[0])
    if not first.is_file():
        return None
    with open(first, "rb") as f:
        head = f.read(1 << 16).decode("utf-8", errors="replace")
    values = re.findall(r"<time>\s*([^<]+?)\s*</time>", head)[:20]
    if values and all(_ZONE.search(v) for v in values):
        return "GPX <time> text with a zone"
    return None
