"""How `trajlm predict` writes its predictions: with the input's id / time / lat / lon names
(``output_names``) and its times as the input had them (``times_like_input``): ISO text like
the input's with each trajectory's UTC offset kept, datetimes in the input's zone, else Unix
seconds (UTC). Split out of cli_predict.py (tidy26: one idea a module); both names stay
importable from there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

    from trajlm.data.coerce import Layout


# CSV decimals of positions in a --crs: 1e-7 deg (~1 cm) for a geographic CRS, mm for metres
# (feet: ~0.3 mm); far finer than any model's error, and short lines
CSV_DECIMALS = {"degree": 7, "linear": 3}


def csv_positions(df: pl.DataFrame, columns: tuple[str | None, ...], crs: object) -> pl.DataFrame:
    """``df`` with its float position ``columns`` rounded to ``CSV_DECIMALS`` of ``crs`` (None /
    WGS84: degrees) for a CSV: 1e-7 degree or a mm, not 15 digits (leftover30: `-8.60299999999998`
    in `trajlm predict` / `recover`'s lat / lon CSVs; the projected path was rounded in session 29)."""
    import polars as pl

    from trajlm.data import geo

    kind = "degree" if geo.is_geographic(crs) else "linear"
    cols = [c for c in columns if c in df.columns and df.schema[c].is_float()]
    return df.with_columns(pl.col(cols).round(CSV_DECIMALS[kind])) if cols else df


def output_names(
    pred: pl.DataFrame, layout: Layout, positions: bool = True, csv: bool = False
) -> pl.DataFrame:
    """Predictions in trajlm's names (traj_id, step, t, lat, lon, std_m) -> the input's id and
    time names, and its lat / lon names when it had WGS84 lat/lon columns and ``positions``
    (GeoJSON output keeps lat / lon: they become the geometry); projected (--crs) input: the
    positions in that CRS under its x / y names (session 27, newuser27: they were WGS84 lat /
    lon while `trajlm recover --crs` wrote the CRS). A name that would clash with
    another output column (an input id column called ``step``) stays trajlm's. ``csv``: the
    projected x / y rounded to ``CSV_DECIMALS`` (leftover29: 15 digits, 5333045.460066889, were
    written; Parquet keeps the float64s; leftover30: lat / lon in degrees too)."""
    import polars as pl

    from trajlm.data import geo

    names = {"traj_id": layout.traj_col, "t": layout.time_col}
    if positions and layout.kind != "geopandas" and geo.is_wgs84(layout.crs):
        names |= {"lat": layout.lat_col, "lon": layout.lon_col}
    elif positions and layout.kind != "geopandas":  # --crs: the user's CRS back, in its x / y
        x, y = geo.from_wgs84(pred["lat"].to_numpy(), pred["lon"].to_numpy(), layout.crs)
        pred = pred.with_columns(lat=pl.Series(y), lon=pl.Series(x))  # as `recover --crs`
        names |= {"lat": layout.lat_col, "lon": layout.lon_col}
    if csv and positions and layout.kind != "geopandas":
        pred = csv_positions(pred, ("lat", "lon"), layout.crs)
    others = set(pred.columns) - set(names)
    names = {a: b for a, b in names.items() if a in pred.columns and b not in others}
    return pred.rename({a: b for a, b in names.items() if a != b})


def times_like_input(pred: pl.DataFrame, layout: Layout, suffix: str) -> tuple[pl.DataFrame, str]:
    """(pred with its times as the input had them, how they are written): ISO text written
    like the input's (each trajectory's UTC offset at its last point kept), datetimes in the
    input's zone (ISO text with the offset in CSV / GeoJSON), Unix ms / us / ns numbers in that
    unit, else Unix seconds (UTC)."""
    import polars as pl

    from trajlm.data.time_text import times_as_text
    from trajlm.data.times import epoch_datetimes

    if layout.time_kind == "string" and layout.time_text:
        t = times_as_text(pred["t"], pred["traj_id"], layout.time_text)
        return pred.with_columns(t=t), "as ISO text like the input's, its UTC offsets kept"
    if layout.time_kind != "datetime":
        return pred, "in Unix seconds UTC"
    sub = pred["t"].dtype.is_float()  # sub-second input times kept (coerce.exact_times)
    t = epoch_datetimes(pl.col("t").cast(pl.Float64 if sub else pl.Int64), sub)
    t = t.dt.replace_time_zone("UTC")
    if layout.epoch_unit is not None:  # Unix ms / us / ns in: the same numbers out (newuser27:
        from trajlm.data.coerce_epochs import epoch_back  # written as ISO after "given back
        from trajlm.data.readers._epoch_size import WORDS  # in milliseconds"), as the API

        t = epoch_back(t, layout.epoch_unit, layout.time_dtype)
        return pred.with_columns(
            t=t
        ), f"in Unix {WORDS['unix_' + layout.epoch_unit]} UTC, as the input"
    zone = layout.time_zone
    t = t.dt.convert_time_zone(zone) if zone else t.dt.replace_time_zone(None)
    if suffix != ".parquet":  # text: ISO with the offset (none for naive input)
        t = t.dt.strftime("%Y-%m-%dT%H:%M:%S" + ("%.3f" if sub else "") + ("%:z" if zone else ""))
    return pred.with_columns(t=t), f"as datetimes in the input's zone ({zone or 'naive UTC'})"
