"""Checks that a data file (data_files.py: SQLite, NetCDF 3) holds what its own header says,
before its rows are read (badin33): a database cut in a copy reads its missing pages as rows of
nulls; a NetCDF `rowSize` that does not count the observations gives them to the wrong
trajectories. Each is refused in one line naming the file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from trajlm.data.schema import TrajlmInputError

if TYPE_CHECKING:
    import numpy as np


def check_sqlite_length(path: Path) -> None:
    """Refuse a database file shorter than its header says (cut in a copy or a download):
    SQLite reads such a file's missing pages as rows of nulls (badin33: "row 1 field
    device_id: missing trajectory id"). The header's page count is trusted only where SQLite
    marks it valid and no `-wal` file holds later pages."""
    with path.open("rb") as f:
        h = f.read(100)
    if len(h) < 100 or Path(f"{path}-wal").exists():
        return
    size = int.from_bytes(h[16:18], "big")
    size = 65536 if size == 1 else size
    pages = int.from_bytes(h[28:32], "big")
    if pages and h[24:28] == h[92:96] and path.stat().st_size < size * pages:
        raise TrajlmInputError(
            f"an SQLite database cut short: its header says {pages:,} pages of {size:,} bytes "
            f"({size * pages:,} bytes), the file holds {path.stat().st_size:,}",
            path=path,
            hint="copy the database again whole (with the app closed)",
        )


def ragged_ids(names: np.ndarray, sizes: np.ndarray, n: int, path: Path) -> np.ndarray:
    """Each observation's trajectory of a contiguous ragged array; a `rowSize` that does not
    count the observations (negative, or summing to another number) refused in one line
    (badin33: observations were given to the wrong trajectory, or dropped, silently)."""
    if len(sizes) != len(names) or (sizes < 0).any() or int(sizes.sum()) != n:
        raise TrajlmInputError(
            f"a NetCDF file whose rowSize ({', '.join(str(int(k)) for k in sizes[:6])}"
            f"{', ...' if len(sizes) > 6 else ''}: {len(sizes)} trajectories, sum "
            f"{int(sizes.sum())}) does not count its {n:,} observations in {len(names)} "
            "trajectories: which observation is whose cannot be told",
            path=path,
            field="rowSize",
            hint="write the file again (ERDDAP .ncCF), or download it as .csv",
        )
    import numpy as np

    return np.repeat(np.asarray(names, dtype=object), sizes)


__all__ = ["check_sqlite_length", "ragged_ids"]
