"""The converters' small file helpers (review32: binary_logs.py and device_logs.py took them
from their sibling data_files.py): a file's first bytes, to sniff its kind, one way to write
what was read as a CSV, an XML file fed to expat, and a map of where its lines come from
worked out per line."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.parsers.expat import ExpatError


def head(path: Path, n: int = 4096) -> bytes:
    """The first `n` bytes of `path` (b"" when it cannot be read: the callers sniff)."""
    try:
        with path.open("rb") as f:
            return f.read(n)
    except OSError:
        return b""


def head_lines(path: Path, n: int, most: int) -> list[str]:
    """The first ``most`` non-empty whole lines (stripped) of the file's first ``n`` bytes, as
    UTF-8 text with bad bytes replaced; [] when it cannot be read (heldout40's sniffers)."""
    text = head(path, n).decode("utf-8", errors="replace")
    return [x.strip() for x in text.splitlines()[:-1] if x.strip()][:most]


def _no_entities(*_a: object) -> None:
    raise ValueError("an entity declaration (entity expansion is not read)")


def parse_xml(parser: Any, path: Path, kind: str) -> None:
    """Feed `path` to the expat `parser` in 1 MiB blocks, entity declarations refused (no
    billion-laughs expansion); a parse error is one line naming `kind` (SIRI-VM, SUMO FCD)."""
    from trajlm.data.schema import TrajlmInputError

    parser.EntityDeclHandler = _no_entities
    try:
        with path.open("rb") as f:
            while block := f.read(1 << 20):
                parser.Parse(block, False)
            parser.Parse(b"", True)
    except (ExpatError, ValueError) as e:
        raise TrajlmInputError(f"not readable {kind} XML ({e})", path=path) from None


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
