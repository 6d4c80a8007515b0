"""Times without a zone in a JSON answer's records (session 40, heldout40: Navixy's
`track/read` writes `get_time` as "2026-12-04 09:04:15" in the account's zone; read as UTC
without a word, 2 h off in Riga, and `--tz` was refused for JSON). The records' naive text is
said like a CSV's (read as UTC), and a zone option reads it as that zone's wall clock."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from trajlm.data.readers._common import ColumnMap

# a key whose value is date-time text: `"get_time": "2026-12-04 09:04:15"`
_DATE_TIME_VALUE = re.compile(
    r'"([^"\\]{1,60})"\s*:\s*"(\d{4}-\d\d-\d\d[ T]\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?[^"]{0,12})"'
)
# a zone after it: Z, an offset, UTC / GMT
_ZONED = re.compile(r"(?:[Zz]|UTC|GMT|[+-]\d\d(?::?\d\d)?)\s*$")
_NAIVE = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(?::\d\d(?:\.\d+)?)?")
HEAD_BYTES = 1 << 16
FOLDER_FILES = 8


def _heads(paths: str | Path | Sequence[str | Path]) -> list[str]:
    from trajlm.data.readers._sources import rglob_follow

    first = Path(paths if isinstance(paths, str | Path) else paths[0])
    files = rglob_follow(first, "*.json")[:FOLDER_FILES] if first.is_dir() else [first]
    out = []
    for f in files:
        if f.is_file() and f.suffix.lower() != ".gz":
            with open(f, "rb") as fh:
                out.append(fh.read(HEAD_BYTES).decode("utf-8", errors="replace"))
    return out


def naive_json_key(paths: str | Path | Sequence[str | Path]) -> str | None:
    """The key of a JSON input's records whose date-time text carries no zone: the key with the
    most such values in the heads of its files (3 at least: a record's time, not an export's
    one `createdAt`); None when its values are zoned, or no key repeats."""
    values: dict[str, list[str]] = {}
    for head in _heads(paths):
        for key, value in _DATE_TIME_VALUE.findall(head):
            values.setdefault(key, []).append(value)
    if not values:
        return None
    key, n = Counter({k: len(v) for k, v in values.items()}).most_common(1)[0]
    if n < 3 or all(_ZONED.search(v) for v in values[key]):
        return None
    return key


def in_zone(tracks: list, columns: ColumnMap | None) -> list:
    """Tracks (id, coords, times) whose zone-less ISO text times are read as the wall clock of
    ``columns.tz`` / ``utc_offset_s`` (ms since 1970); numbers and zoned text as they are."""
    if columns is None or not (columns.tz or columns.utc_offset_s):
        return tracks
    if columns.tz:
        from zoneinfo import ZoneInfo

        zone: Any = ZoneInfo(columns.tz)
    else:
        zone = timezone(timedelta(seconds=float(columns.utc_offset_s or 0)))

    def local(t: Any) -> Any:
        if isinstance(t, str) and _NAIVE.fullmatch(t.strip()):
            return datetime.fromisoformat(t.strip()).replace(tzinfo=zone).timestamp() * 1000.0
        return t

    return [(tid, c, [local(t) for t in ts]) for tid, c, ts in tracks]
