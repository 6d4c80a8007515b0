"""NumPy files as point tables (heldout37: a researcher's `trajectories.npz` was "cannot tell
the format from the name"). An `.npz` whose arrays are all 1-D and of one length is a table, one
column an array under its own name (`np.savez(f, traj_id=..., timestamp=..., lat=..., lon=...)`);
a structured `.npy` (a record array) is a table of its fields. Read with `allow_pickle=False`:
an object array (which only unpickling reads, running code from the file) is refused, as are 2-D
arrays (no column names) and arrays of different lengths, each in one line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trajlm.data.schema import TrajlmInputError

NUMPY = (".npz", ".npy")
_SAVE_AS = "save one 1-D array per column under its name: np.savez(path, traj_id=..., t=..., lat=..., lon=...)"  # fmt: skip


def numpy_frame(path: Path) -> Any:
    """A Polars DataFrame of the NumPy table in `path` (see the module's rule)."""
    import numpy as np
    import polars as pl

    with path.open("rb") as f:  # np.load calls any other bytes "pickled data" (badin38)
        start = f.read(8)
    if not start.startswith((b"PK\x03\x04", b"PK\x05\x06", b"\x93NUMPY")):
        raise TrajlmInputError(
            f"not a NumPy file: an .npz is a zip archive (np.savez) and an .npy starts "
            f"\\x93NUMPY, and this one starts {start!r}", path=path, hint=_SAVE_AS)  # fmt: skip
    try:
        arrays = _arrays(np.load(path, allow_pickle=False), path)
    except ValueError as e:  # an object array: only pickle reads it (np.load's own words)
        raise TrajlmInputError(
            f"a NumPy file holding Python objects ({e}); trajlm does not unpickle files "
            "(loading a pickle runs code from it)",
            path=path,
            hint=_SAVE_AS,
        ) from None
    except (OSError, EOFError) as e:
        raise TrajlmInputError(f"not a readable NumPy file ({e})", path=path) from None
    shapes = {n: a.shape for n, a in arrays.items()}
    if not arrays or any(len(s) != 1 for s in shapes.values()) or len(set(shapes.values())) > 1:
        raise TrajlmInputError(
            f"a NumPy archive whose arrays are not one table's columns (shapes: {shapes}); "
            "trajlm reads 1-D arrays of one length, one per column",
            path=path,
            hint=_SAVE_AS,
        )
    return pl.DataFrame({n: a for n, a in arrays.items()})


def _arrays(loaded: Any, path: Path) -> dict[str, Any]:
    """{name: array} of an `np.load` result (an `.npz` reads its arrays lazily: here)."""
    import numpy as np

    if isinstance(loaded, np.ndarray):  # .npy: a record array's fields, else no names
        if loaded.dtype.names is None or loaded.ndim != 1:
            raise TrajlmInputError(
                f"a NumPy array of shape {loaded.shape} with no field names: which column is "
                "the time, the latitude, the longitude cannot be told",
                path=path,
                hint=_SAVE_AS + ", or a structured array with named fields",
            )
        return {n: loaded[n] for n in loaded.dtype.names}
    with loaded:
        return {n: loaded[n] for n in loaded.files}
