"""Lines whose times sit at their ends (heldout34): MovingPandas' `to_line_gdf()` writes one
2-vertex LineString per step with the step's start and end times (`prev_t`, `t`), and saved
to a GeoPackage it was refused ("no point layer with times"; as a GeoDataFrame: "LineStrings
need their times in a list column"). Such a layer is a trajectory: each segment's first vertex
at its start time, its last at its end time, the vertex shared with the next segment written
once. Which time is the start is read from the values (every row's one is at or before its
other), not from the names. Lines of more vertices with times only at their ends (`to_traj_gdf`:
`start_t`, `end_t`) are refused in one line: the vertices between have no time, and spreading
them at constant speed would invent the times.

Used by the GIS file reader (readers/_gis_lines.py) and GeoDataFrames (geoframes.py)."""

from __future__ import annotations

from typing import Any

import numpy as np

from trajlm.data.schema import TrajlmInputError


def end_time_columns(df: Any, vertices: Any) -> tuple[str, str] | None:
    """(start column, end column) of a frame of lines with two datetime columns where every
    row's one is at or before its other; None where the frame has not exactly two datetime
    columns or their order differs by row. `vertices`: each row's vertex count. Lines of more
    than two vertices with such columns are one TrajlmInputError (see the module)."""
    import pandas as pd

    dated = [c for c in df.columns if pd.api.types.is_datetime64_any_dtype(df[c])]
    if len(dated) != 2:
        return None
    a, b = (pd.to_datetime(df[c], utc=df[c].dt.tz is not None) for c in dated)
    both = a.notna() & b.notna()
    if not both.any():
        return None
    if (a[both] <= b[both]).all():
        start, end = dated
    elif (b[both] <= a[both]).all():
        end, start = dated
    else:
        return None
    n = np.asarray(vertices)
    if (n > 2).any():
        k = int(np.argmax(n > 2))
        raise TrajlmInputError(
            f"row {k}: a line of {int(n[k])} vertices with times only at its ends ({start!r}, "
            f"{end!r}): the vertices between have no time, so this is no trajectory to read "
            "(MovingPandas' to_traj_gdf writes such rows)",
            field=start,
            hint="save the points instead (MovingPandas: tc.to_point_gdf(), or to_line_gdf() "
            "for one 2-vertex segment per step)",
        )
    return start, end


def segment_points(df: Any, xy: Any, start: str, end: str) -> Any:
    """The points of 2-vertex segments: each row's first vertex (`xy[2k]`) at `start`, its
    second (`xy[2k+1]`) at `end`, in one time column named `end` (MovingPandas: `t`), the
    other fields repeated, `lat` / `lon` from `xy` (lon, lat pairs); a row's first point left
    out where it repeats the previous row's last (same time, place and other fields)."""
    import pandas as pd

    rest = df.drop(columns=[start, end]).reset_index(drop=True)
    xy = np.asarray(xy, dtype=float).reshape(-1, 2, 2)
    firsts = rest.assign(**{end: df[start].to_numpy()}, lon=xy[:, 0, 0], lat=xy[:, 0, 1])
    lasts = rest.assign(**{end: df[end].to_numpy()}, lon=xy[:, 1, 0], lat=xy[:, 1, 1])
    prev = lasts.shift(1)
    cols = list(firsts.columns)
    same = np.ones(len(firsts), dtype=bool)
    for c in cols:
        a, b = firsts[c], prev[c]
        same &= ((a == b) | (a.isna() & b.isna())).to_numpy(dtype=bool)
    same[:1] = False
    order = np.arange(len(rest))
    out = pd.concat(
        [firsts.assign(_k=order, _w=0)[~same], lasts.assign(_k=order, _w=1)], ignore_index=True
    )
    out = out.sort_values(["_k", "_w"], kind="stable").drop(columns=["_k", "_w"])
    return out.reset_index(drop=True)
