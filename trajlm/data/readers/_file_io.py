"""The converters' small file helpers (review32: binary_logs.py and device_logs.py took them
from their sibling data_files.py): a file's first bytes, to sniff its kind, one way to write
what was read as a CSV, and a map of where its lines come from worked out per line."""

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


class LineMap(Sequence[str]):
    """Where each line of a converted CSV comes from in its source (`lat[2, 5]`, `row 7`), worked
    out per line when an error asks (`archives.member_error`), not kept as a list as long as the
    file; a subclass gives ``__len__`` and ``at(k)`` for CSV line k + 1, 0 <= k < len."""

    def at(self, k: int) -> str:
        raise NotImplementedError

    def __getitem__(self, k):  # noqa: ANN001, ANN204 (Sequence's index or slice)
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        if not -len(self) <= k < len(self):
            raise IndexError(k)
        return self.at(k % len(self))
