"""How a caller's frame maps to the canonical table (`Layout`, which coerce_out.py maps results
back with) and which kind of frame it is (split from coerce.py, session 27)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import polars as pl

from trajlm.data.schema import TrajlmInputError

KINDS = "a Polars or pandas DataFrame, a GeoDataFrame, or a MovingPandas Trajectory(Collection)"


@dataclass
class Layout:
    """How the caller's frame maps to the canonical table, to map results back."""

    kind: str  # polars | pandas | geopandas | movingpandas
    traj_col: str = "traj_id"
    time_col: str = "t"
    lat_col: str = "lat"
    lon_col: str = "lon"
    time_kind: str = "epoch"  # epoch | datetime | string
    time_zone: str | None = "UTC"  # datetimes: the caller's zone; None = naive UTC
    crs: Any = None  # the caller's CRS (None = WGS84 degrees)
    traj_dtype: Any = None  # the caller's traj id dtype (Polars), restored on the way out
    columns: tuple = ()  # the caller's column order, kept for results with the same columns
    lazy: bool = False  # a Polars LazyFrame: results come back lazy too (type in = type out)
    time_text: dict | None = None  # ISO text times: how they were written (times.text_style)
    # Sub-second input times: (traj_id, t, frac) of the rows whose time is t + frac, put back
    # on results (exact_times); None for whole-second input (results bit-identical to before).
    frac: pl.DataFrame | None = None
    # predict(at_times=...) with sub-second times: (traj_id, step, t) the exact times asked.
    at_exact: pl.DataFrame | None = None
    # The input's (traj_id, source_traj_id) pairs, when it has that column (a cleaned table,
    # a store's points): results without it get it back (with_source_ids).
    ids: pl.DataFrame | None = None
    # pandas: the id column's own extension dtype (nullable Int64, string[python]), which
    # Polars' Int64 / String would bring back as numpy int64 / object; restored on the way out.
    pandas_ids: Any = None
    # pandas: the position columns' own extension dtypes ({column: Float64 / double[pyarrow]})
    # where float64 answers fit them exactly (leftover37); numpy float32 etc. stay float64.
    pandas_positions: dict | None = None
    # The caller's columns that conform recasts (schema.OPTIONAL: label -> text, ...), with
    # their own dtypes, cast back on results that carry them (a float "label" stays float).
    extra_dtypes: dict | None = None
    # The fixes dropped for falling in the same second as an earlier one of their trajectory
    # (canonical columns + their fraction), put back on row-keeping results (recover).
    sub_second_rows: pl.DataFrame | None = None
    # The caller's time column as it came (session 18): its dtype (a Datetime's unit, Float64
    # seconds), pandas' own dtype (datetime64[ns] / [s]), and the unit its name said for Unix
    # numbers (ts_ms -> "ms"), all given back on results; the point column split into lat /
    # lon (column, form, fields: coerce_shapes.split_point), packed back.
    time_dtype: Any = None
    pandas_time: Any = None
    epoch_unit: str | None = None
    point: tuple | None = None
    # The zone the caller named for naive times (tz= / utc_offset=): naive / zone-less times
    # asked of the frame (at_times) are on that clock too (api_time_checks.asked_in_zone).
    named_zone: str | None = None
    geometry: str | None = None  # a GeoDataFrame's geometry column (errors name it: errnames18)
    # A mover's fixes cut at gaps (coerce_pieces.py): (traj_id, source_traj_id, piece)
    pieces: pl.DataFrame | None = None
    # Sub-second input: the decimals its times are written to (0-6; times.time_decimals),
    # which results' times are rounded to (fix34: 1772441228.4099982 for an input's .41)
    time_decimals: int | None = None


def kind_of(obj: Any) -> str:
    """polars | pandas | geopandas | movingpandas, or a TrajlmInputError naming what is taken."""
    if isinstance(obj, pl.LazyFrame):
        return "polars"
    mod = type(obj).__module__.split(".")[0]
    if isinstance(obj, pl.DataFrame):
        return "polars"
    if mod == "movingpandas":
        return "movingpandas"
    if mod == "geopandas" and not hasattr(obj, "columns"):  # a GeoSeries: positions only
        raise TrajlmInputError(
            f"a {type(obj).__name__} holds positions only, no trajectory ids or times; give "
            "a GeoDataFrame with a trajectory id and a time column beside the geometry"
        )
    if mod == "geopandas" and hasattr(obj, "geometry"):
        return "geopandas"
    if mod == "pandas" and hasattr(obj, "columns"):
        return "pandas"
    if isinstance(obj, str | os.PathLike):  # a file's name: read it first (leftover32)
        raise TrajlmInputError(f"cannot read a {type(obj).__name__} as trajectories; give {KINDS}; "
                               f"a file or folder: trajlm.read({str(obj)!r}) reads any file "
                               "`trajlm data ingest` reads into a frame")  # fmt: skip
    raise TrajlmInputError(f"cannot read a {type(obj).__name__} as trajectories; give {KINDS}")


def float64_extensions(given: Any, columns: tuple[str, ...]) -> dict | None:
    """{column: dtype} of ``given``'s (a pandas frame) ``columns`` whose dtype is a pandas
    extension holding float64 (nullable ``Float64``, ``double[pyarrow]``), which answers'
    float64 positions fit exactly (leftover37: they came back as numpy float64; numpy float32
    and ``float[pyarrow]`` would round the answers: left float64). None when there is none."""
    import numpy as np

    kept = {}
    for name in columns:
        dtype = given[name].dtype if name in given.columns else None
        if (type(dtype).__module__.startswith("pandas")
                and getattr(dtype, "numpy_dtype", None) == np.float64):  # fmt: skip
            kept[name] = dtype
    return kept or None
