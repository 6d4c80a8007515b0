"""A store written inside a folder it reads: refused (review38: `trajlm data ingest DIR --out
DIR/store` was accepted, and the next `trajlm data ingest DIR` read the store's own part files
as input). Shared by `trajlm data ingest` and ``trajlm.ingest``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def out_in_input_folder(paths: Sequence[str | Path], out: str | Path) -> str | None:
    """One line where ``out`` lies inside an input folder (the folder itself is the CLI's
    "would write over the input" line), else None. Files given one by one are not folders:
    a store beside them is fine."""
    target = Path(out).resolve()
    for p in paths:
        folder = Path(p)
        if folder.is_dir() and folder.resolve() in target.parents:
            return (f"{out} is inside the input folder {p}: the store's own files would be read "
                    f"as input the next time {p} is read; choose an out outside {p}")  # fmt: skip
    return None


def refuse_out_in_inputs(paths: object, out: str | Path) -> None:
    """``trajlm.ingest``'s check: one TrajlmInputError naming ``out`` (an iterator of paths
    is left unread: it is read once, by the ingest)."""
    import os

    from trajlm.errors import TrajlmInputError

    given = [paths] if isinstance(paths, str | os.PathLike) else paths
    if isinstance(given, list | tuple) and (line := out_in_input_folder(given, out)):
        raise TrajlmInputError(f"out {line}", field="out")
