"""Move line ranges of a module, byte for byte, to a new module (review38b's splits).

    python scripts/review38b/move_lines.py SRC DEST HEADER_FILE START-END [START-END ...]

Lines START..END (1-based, inclusive) leave SRC and are appended, in order, to DEST after the
text of HEADER_FILE (its docstring and imports). Blank lines left doubled in SRC are for
`ruff format` to settle; the code itself is not rewritten."""

from __future__ import annotations

import sys
from pathlib import Path


def main(src: Path, dest: Path, header: Path, spans: list[str]) -> None:
    lines = src.read_text().splitlines(keepends=True)
    moved, keep = [], set(range(len(lines)))
    for span in spans:
        a, b = (int(x) for x in span.split("-"))
        moved.append("".join(lines[a - 1 : b]))
        keep -= set(range(a - 1, b))
    dest.write_text(
        header.read_text().rstrip("\n")
        + "\n\n\n"
        + "\n\n".join(m.strip("\n") + "\n" for m in moved)
    )
    src.write_text("".join(lines[i] for i in sorted(keep)))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4:])
