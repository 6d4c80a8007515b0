"""The converters' two small file helpers (review32: binary_logs.py and device_logs.py took them
from their sibling data_files.py): a file's first bytes, to sniff its kind, and one way to write
what was read as a CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path


def head(path: Path, n: int = 4096) -> bytes:
    """The first `n` bytes of `path` (b"" when it cannot be read: the callers sniff)."""
    try:
        with path.open("rb") as f:
            return f.read(n)
    except OSError:
        return b""


def write_csv(out: Path, header: list[str], rows: Iterable[Sequence[object]]) -> None:
    """`header` then `rows` as a CSV at `out` (the converters' one way to write what they read)."""
    with out.open("w", newline="", encoding="utf-8") as dst:
        w = csv.writer(dst, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
