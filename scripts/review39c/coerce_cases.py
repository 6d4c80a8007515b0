"""`coerce()` before / after a refactor (review39c split it into named steps): a fixed list of
frames (pandas, Polars, GeoPandas, lazy, prefixed, gridded, bad ones) coerced by one checkout,
each call's table, Layout, error raised and warnings (category, text, file, line) written to
one file, so two runs diff line by line (docs/testing.md "Session 39 (review39c)").

    PYTHONPATH=CHECKOUT python scripts/review39c/coerce_cases.py RESULT_FILE
    diff RESULT_BEFORE RESULT_AFTER
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

T0 = 1_700_000_000


def base(n: int = 8) -> pd.DataFrame:
    return pd.DataFrame({"vehicle": ["a"] * (n // 2) + ["b"] * (n - n // 2),
                         "timestamp": [T0 + 10 * i for i in range(n)],
                         "latitude": 45.0 + 0.001 * np.arange(n),
                         "longitude": 7.6 + 0.001 * np.arange(n)})  # fmt: skip


def cases() -> list[tuple[str, object, dict]]:
    pdf = base()
    iso = pdf.assign(timestamp=pd.to_datetime(pdf["timestamp"], unit="s", utc=True)
                     .dt.strftime("%Y-%m-%dT%H:%M:%S+02:00"))  # fmt: skip
    naive = pdf.assign(timestamp=pd.to_datetime(pdf["timestamp"], unit="s"))
    out = [
        ("pandas", pdf, {}),
        ("polars", pl.from_pandas(pdf), {}),
        ("polars_lazy", pl.from_pandas(pdf).lazy(), {}),
        ("pandas_iso_text", iso, {}),
        ("pandas_naive", naive, {}),
        ("pandas_naive_tz", naive, {"tz": "Europe/Rome"}),
        ("pandas_naive_offset", naive, {"utc_offset": 5.5}),
        ("pandas_index_time", naive.set_index("timestamp"), {}),
        ("pandas_nan_position", pdf.assign(latitude=[np.nan] + list(pdf["latitude"][1:])), {}),
        (
            "named_columns",
            pdf.rename(columns={"vehicle": "trip", "timestamp": "ts"}),
            {"traj_col": "trip", "time_col": "ts"},
        ),  # fmt: skip
        ("no_id_split", pdf.drop(columns="vehicle"), {"split_gaps": True}),
        ("no_id_refused", pdf.drop(columns="vehicle"), {}),
        ("prefixed", pdf.rename(columns=lambda c: f"gps.{c}"), {}),
        (
            "glued_prefix",
            pdf.rename(
                columns={
                    "vehicle": "trkptid",
                    "timestamp": "trkpttime",
                    "latitude": "trkptlat",
                    "longitude": "trkptlon",
                }
            ),
            {},
        ),
        (
            "glued_no_id",
            pdf.drop(columns="vehicle").rename(
                columns={"timestamp": "trkpttime", "latitude": "trkptlat", "longitude": "trkptlon"}
            ),
            {},
        ),
        (
            "glued_no_id_split",
            pdf.drop(columns="vehicle").rename(
                columns={"timestamp": "trkpttime", "latitude": "trkptlat", "longitude": "trkptlon"}
            ),
            {"split_gaps": True},
        ),
        (
            "local_time_tz",
            pdf.drop(columns="timestamp").assign(
                local_time=[f"2024-03-01 10:00:{5 * i:02d}" for i in range(8)],
                tz="Europe/Rome",
            ),
            {},
        ),
        (
            "projected",
            pdf.assign(
                latitude=5_000_000 + 10.0 * np.arange(8), longitude=400_000 + 10.0 * np.arange(8)
            ),
            {"crs": "EPSG:32632"},
        ),  # fmt: skip
        (
            "grid_named",
            pdf.rename(columns={"latitude": "y_rd", "longitude": "x_rd"}).assign(
                y_rd=450_000 + 10.0 * np.arange(8), x_rd=150_000 + 10.0 * np.arange(8)
            ),
            {},
        ),  # fmt: skip
        (
            "local_plane",
            pdf.assign(latitude=10.0 * np.arange(8), longitude=5.0 * np.arange(8)),
            {"crs": "local"},
        ),  # fmt: skip
        ("degrees_as_local", pdf, {"crs": "local"}),
        (
            "metres_as_degrees",
            pdf.assign(latitude=100.0 + 10 * np.arange(8), longitude=50.0 + 10 * np.arange(8)),
            {},
        ),  # fmt: skip
        ("lon_0_360", pdf.assign(longitude=350.0 + 0.001 * np.arange(8)), {}),
        (
            "repeats_drop",
            pd.concat([pdf, pdf.iloc[[2]]]).sort_values(["vehicle", "timestamp"]),
            {"repeats": "drop"},
        ),  # fmt: skip
        ("no_validate", pdf, {"validate": False}),
        ("missing_lat", pdf.drop(columns="latitude"), {}),
        ("bad_time_col", pdf, {"time_col": "nope"}),
        ("text_positions", pdf.assign(latitude=pdf["latitude"].astype(str)), {}),
        ("bad_positions", pdf.assign(latitude="north"), {}),
        ("extra_columns", pdf.assign(speed=3.5, hdop="2.1 (good)"), {}),
        ("multiindex", pdf.set_index(["vehicle", "timestamp"]), {}),
        ("bad_tz", pdf, {"tz": "+25:00"}),
        (
            "list_rows",
            pl.DataFrame(
                {
                    "id": ["a", "b"],
                    "t": [[T0, T0 + 10, T0 + 20]] * 2,
                    "lat": [[45.0, 45.001, 45.002]] * 2,
                    "lon": [[7.6, 7.601, 7.602]] * 2,
                }
            ),
            {},
        ),  # fmt: skip
        ("path_kwarg_on_frame", pdf, {"time_format": "%Y"}),
        ("split_gaps_number", pdf, {"split_gaps": 5}),
    ]
    try:
        import geopandas as gpd
        from shapely.geometry import LineString

        g = gpd.GeoDataFrame(pdf.drop(columns=["latitude", "longitude"]),
                             geometry=gpd.points_from_xy(pdf["longitude"], pdf["latitude"]),
                             crs="EPSG:4326")  # fmt: skip
        out += [
            ("geopandas_points", g, {}),
            ("geopandas_projected", g.to_crs("EPSG:32632"), {}),
            (
                "geopandas_lines",
                gpd.GeoDataFrame(
                    {"id": ["a"], "times": [[T0, T0 + 10, T0 + 20]]},
                    geometry=[LineString([(7.6, 45.0), (7.601, 45.001), (7.602, 45.002)])],
                    crs="EPSG:4326",
                ),
                {"time_col": "times"},
            ),  # fmt: skip
            ("geopandas_no_crs", g.set_crs(None, allow_override=True), {}),
        ]
    except ImportError:
        out.append(("geopandas_missing", None, {}))
    return out


def stable(v: object) -> str:
    """repr with dicts' keys sorted: the time style's per-id offsets come in a Polars group's
    order, which differs run to run on one checkout (equal dicts, another order)."""
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k!r}: {stable(x)}" for k, x in sorted(v.items(), key=str)) + "}"
    return repr(v)


def layout_text(layout) -> str:
    return "\n".join(f"  {k} = {stable(v)}" for k, v in sorted(vars(layout).items()))


def main(result: Path) -> None:
    from trajlm.data.coerce import coerce

    lines = []
    for name, obj, kw in cases():
        lines.append(f"=== {name} {kw}")
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            try:
                table, layout = coerce(obj, **kw)
                lines += [table.write_csv(), layout_text(layout)]
            except Exception as e:  # the refusal is the result
                lines.append(f"raised {type(e).__name__}: {e}")
        for w in said:
            lines.append(f"warning {w.category.__name__} {Path(w.filename).name}:{w.lineno}: "
                         f"{w.message}")  # fmt: skip
    result.write_text("\n".join(lines) + "\n")
    print(f"{sum(1 for _ in cases())} calls -> {result}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
