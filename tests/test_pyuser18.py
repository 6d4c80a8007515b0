"""Session 18 (pyuser18): a data scientist's own frames through the Python API.

Frames read as files with the same columns are (docs/api.md "Session 18"): Unix times whose
column name says the unit (``ts_ms``, ``timestamp_ns``, ``epoch``), a point in one column
(Polars / pandas struct ``{lat, lon}`` or ``{x, y}``, an ``[x, y]`` list, WKT), one row per
trajectory with list columns, the only datetime column, ``TaxiID``; results come back in the
caller's time dtype (ns / ms datetimes, Float64 seconds, ms integers) and point column;
``trajlm.from_canonical`` works as documented; naive ``at_times`` against zoned times are
refused. Each test failed before its fix (on 0b73d3b). Data from the generator below.
"""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
import pytest

import trajlm
from trajlm.baselines import ConstantVelocity
from trajlm.errors import TrajlmInputError

pd = pytest.importorskip("pandas")

LAT0, LON0 = 45.76, 4.84  # Lyon


def cars(n: int = 3, points: int = 12, dt: float = 10.0, seed: int = 18) -> pd.DataFrame:
    """Cars at 6-14 m/s, times tz-aware Europe/Paris, the columns a user would name."""
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp("2025-03-18 08:00", tz="Europe/Paris")
    parts = []
    for k in range(n):
        h, v = rng.uniform(0, 2 * np.pi), rng.uniform(6, 14)
        s = np.arange(points) * dt
        parts.append(pd.DataFrame({
            "trip_id": f"car{k}",
            "timestamp": t0 + pd.Timedelta(minutes=9 * k) + pd.to_timedelta(s, unit="s"),
            "latitude": LAT0 + v * s * np.sin(h) / 111_320,
            "longitude": LON0 + v * s * np.cos(h) / (111_320 * np.cos(np.radians(LAT0))),
        }))  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def _epoch(df: pd.DataFrame, per_second: int) -> pd.Series:
    return (df["timestamp"] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1) * per_second


def _ref(df: pd.DataFrame, steps: int = 3) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = ConstantVelocity().predict(df, steps=steps)
    return out[["latitude", "longitude"]].to_numpy()


@pytest.mark.parametrize(
    "name, per_second",
    [("ts_ms", 1000), ("timestamp_ns", 10**9), ("time_ms", 1000), ("epoch_us", 10**6),
     ("epoch", 1), ("unix_time", 1)],
)  # fmt: skip
@pytest.mark.parametrize("kind", ["pandas", "polars"])
def test_unix_times_named_by_unit_are_read_and_come_back_in_it(name, per_second, kind):
    g = cars()
    frame = g.drop(columns="timestamp").assign(**{name: _epoch(g, per_second)})
    frame = pl.from_pandas(frame) if kind == "polars" else frame
    out = ConstantVelocity().predict(frame, steps=3)
    got = out[name].to_numpy() if kind == "pandas" else out[name].to_numpy()
    assert np.allclose(np.c_[np.asarray(out["latitude"]), np.asarray(out["longitude"])], _ref(g))
    assert got.dtype.kind == "i"  # the caller's integers, in the caller's unit
    last = _epoch(g, per_second).groupby(g.trip_id).max().to_numpy()
    assert np.array_equal(got.reshape(3, 3)[:, 0], last + 10 * per_second)


def test_a_named_unit_also_holds_with_time_col_and_in_recover():
    g = cars()
    frame = g.drop(columns="timestamp").assign(epoch_ms=_epoch(g, 1000))
    out = ConstantVelocity().predict(frame, steps=2, time_col="epoch_ms")
    assert out["epoch_ms"].dtype == np.int64 and len(out) == 6
    text = ConstantVelocity().predict(frame.astype({"epoch_ms": str}), steps=2)  # CSV as text
    assert np.allclose(text[["latitude", "longitude"]], out[["latitude", "longitude"]])
    gappy = frame.copy()
    gappy.loc[4, ["latitude", "longitude"]] = np.nan
    from trajlm.baselines import LinearInterpolation

    filled = LinearInterpolation().predict(gappy, time_col="epoch_ms")
    assert filled["epoch_ms"].tolist() == frame["epoch_ms"].tolist()
    assert bool(filled["recovered"].iloc[4]) and filled["latitude"].notna().all()


def test_ms_named_column_holding_seconds_is_refused_not_read_as_1970():
    g = cars()
    frame = g.drop(columns="timestamp").assign(ts_ms=_epoch(g, 1))  # seconds, named ms
    with pytest.raises(TrajlmInputError, match="named as Unix ms .* dates only in seconds"):
        trajlm.to_canonical(frame)


def test_an_unnamed_unit_is_read_by_its_size_and_said():
    """Session 19 (as ingest reads files since formats19): milliseconds in a column whose name
    says no unit are read by their size with one warning and given back in milliseconds."""
    g = cars()
    frame = g.drop(columns="timestamp").assign(t=_epoch(g, 1000))
    with pytest.warns(UserWarning, match="Unix milliseconds by their size"):
        table = trajlm.to_canonical(frame)
    assert table["t"].to_list() == (_epoch(g, 1)).tolist()


@pytest.mark.parametrize("form", ["polars", "pandas"])
def test_struct_point_column_lat_lon(form):
    g = cars()
    p = pl.from_pandas(g).select(
        "trip_id", "timestamp", pl.struct(lat="latitude", lon="longitude").alias("pos")
    )
    frame = p if form == "polars" else p.to_pandas()  # pandas: a column of dicts
    table = trajlm.to_canonical(frame)
    assert table.columns[:4] == ["traj_id", "t", "lat", "lon"]
    assert np.allclose(table["lat"].to_numpy(), g["latitude"].to_numpy())
    out = ConstantVelocity().predict(frame, steps=3)
    assert "pos" in out.columns and "latitude" not in out.columns
    pos = pl.from_pandas(out)["pos"] if form == "pandas" else out["pos"]
    assert [f.name for f in pos.dtype.fields] == ["lat", "lon"]  # the caller's field order
    got = np.c_[pos.struct.field("lat").to_numpy(), pos.struct.field("lon").to_numpy()]
    assert np.allclose(got, _ref(g))
    back = trajlm.from_canonical(table, like=frame)
    assert "pos" in back.columns


def test_struct_xy_in_a_projected_crs_comes_back_projected():
    gpd = pytest.importorskip("geopandas")
    g = cars()
    pts = gpd.GeoSeries(gpd.points_from_xy(g.longitude, g.latitude), crs=4326).to_crs(3857)
    frame = pl.DataFrame({"trip_id": g.trip_id, "timestamp": g.timestamp}).with_columns(
        pl.struct(x=pl.Series(pts.x.to_numpy()), y=pl.Series(pts.y.to_numpy())).alias("xy")
    )
    out = ConstantVelocity().predict(frame, steps=3, crs="EPSG:3857")
    xy = out["xy"]
    back = gpd.GeoSeries(
        gpd.points_from_xy(xy.struct.field("x").to_numpy(), xy.struct.field("y").to_numpy()),
        crs=3857,
    ).to_crs(4326)
    assert np.allclose(np.c_[back.y, back.x], _ref(g), atol=1e-7)


@pytest.mark.parametrize("form", ["list", "wkt"])
def test_point_in_one_column_as_files_read_it(form):
    g = cars()
    if form == "list":  # GeoArrow's [x, y]
        frame = pl.from_pandas(g).select(
            "trip_id", "timestamp", pl.concat_list("longitude", "latitude").alias("location")
        )
    else:
        frame = g.assign(
            location=[f"POINT ({x} {y})" for x, y in zip(g.longitude, g.latitude, strict=True)]
        ).drop(columns=["latitude", "longitude"])
    out = ConstantVelocity().predict(frame, steps=3)
    loc = out["location"]
    if form == "list":
        got = np.array(loc.to_list())[:, ::-1]
    else:
        got = np.array([[float(v) for v in s[7:-1].split()][::-1] for s in loc])
    assert np.allclose(got, _ref(g))


def test_one_row_per_trajectory_with_list_columns_is_exploded():
    g = cars()
    lists = (
        pl.from_pandas(g)
        .group_by("trip_id", maintain_order=True)
        .agg("timestamp", "latitude", "longitude")
    )
    table = trajlm.to_canonical(lists)
    assert table.height == len(g)
    out = ConstantVelocity().predict(lists, steps=3)
    assert np.allclose(out.select("latitude", "longitude").to_numpy(), _ref(g))


def test_the_only_datetime_column_is_the_time_and_taxiid_the_id():
    g = cars()
    frame = g.rename(columns={"timestamp": "ais_pos_timestamp", "trip_id": "TaxiID"})
    out = ConstantVelocity().predict(frame, steps=3)
    assert list(out.columns[:3]) == ["TaxiID", "step", "ais_pos_timestamp"]
    assert str(out["ais_pos_timestamp"].dtype) == str(g["timestamp"].dtype)
    two = frame.assign(received=frame.ais_pos_timestamp)  # two datetime columns: ask
    with pytest.raises(TrajlmInputError, match="time_col"):
        trajlm.to_canonical(two)


@pytest.mark.parametrize("unit", ["ns", "ms", "s"])
def test_pandas_datetime_resolution_comes_back(unit):
    g = cars()
    frame = g.assign(timestamp=g.timestamp.astype(f"datetime64[{unit}, Europe/Paris]"))
    out = ConstantVelocity().predict(frame, steps=2)
    assert out["timestamp"].dtype == frame["timestamp"].dtype


@pytest.mark.parametrize("unit", ["ns", "ms"])
def test_polars_datetime_unit_and_float_seconds_come_back(unit):
    p = pl.from_pandas(cars()).with_columns(
        pl.col("timestamp").dt.convert_time_zone("Asia/Shanghai").dt.cast_time_unit(unit)
    )
    out = ConstantVelocity().predict(p, steps=2)
    assert out.schema["timestamp"] == pl.Datetime(unit, "Asia/Shanghai")
    secs = p.with_columns(pl.col("timestamp").dt.epoch("s").cast(pl.Float64))
    assert ConstantVelocity().predict(secs, steps=2).schema["timestamp"] == pl.Float64


def test_from_canonical_is_reachable_as_documented():
    g = cars()
    back = trajlm.from_canonical(trajlm.to_canonical(g), like=g)
    assert list(back.columns) == list(g.columns)
    assert back["timestamp"].dtype == g["timestamp"].dtype


def test_movingpandas_empty_points_are_the_ones_to_recover():
    gpd = pytest.importorskip("geopandas")
    mpd = pytest.importorskip("movingpandas")
    shapely = pytest.importorskip("shapely")
    g = cars()
    pts = [shapely.Point(x, y) for x, y in zip(g.longitude, g.latitude, strict=True)]
    pts[4] = shapely.Point()
    gdf = gpd.GeoDataFrame(g[["trip_id", "timestamp"]], geometry=pts, crs=4326)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tc = mpd.TrajectoryCollection(gdf.set_index("timestamp"), traj_id_col="trip_id")
    df, _, known = __import__("trajlm.data.coerce_tasks", fromlist=["x"]).recovery_input(tc)
    assert int((~known).sum()) == 1


def test_naive_at_times_against_zoned_times_are_refused(trajlm_small):
    g = cars()
    with pytest.raises(TrajlmInputError, match=r"at_times .*naive.*Europe/Paris"):
        trajlm_small.predict(g, at_times=[pd.Timestamp("2025-03-18 08:30")])
    aware = g.timestamp.max() + pd.Timedelta("20s")
    out = trajlm_small.predict(g, at_times=[aware])
    assert out["timestamp"].dtype == g["timestamp"].dtype and len(out) == 3
    per = pd.DataFrame({"trip_id": ["car1"], "timestamp": [aware]})  # per trajectory, aware
    assert len(trajlm_small.predict(g, at_times=per)) == 1


def test_at_times_in_the_inputs_ms_unit(trajlm_small):
    g = cars()
    frame = g.drop(columns="timestamp").assign(ts_ms=_epoch(g, 1000))
    last = int(frame.ts_ms.max())
    out = trajlm_small.predict(frame, at_times=[last + 5_000])
    assert out["ts_ms"].tolist() == [last + 5_000] * 3
    ahead = trajlm_small.predict(frame, seconds_ahead=[5])  # seconds, as the name says
    assert (
        ahead.groupby("trip_id").ts_ms.max() == frame.groupby("trip_id").ts_ms.max() + 5000
    ).all()


def test_two_candidate_time_columns_are_named_not_guessed():
    g = cars()
    frame = g.drop(columns="timestamp").assign(ts_ms=_epoch(g, 1000), time_ms=_epoch(g, 1000))
    with pytest.raises(TrajlmInputError, match=r"several columns could be t .*'ts_ms', 'time_ms'"):
        trajlm.to_canonical(frame)
    one = frame.drop(columns="time_ms").assign(recv_ms=frame.ts_ms)  # recv: not a time's name
    assert trajlm.to_canonical(one).height == len(g)
    with pytest.warns(UserWarning, match="did not move them"):  # Unix times: tz= is the clock
        kept = trajlm.to_canonical(one, tz="Europe/Paris")  # (was refused until fix36)
    assert kept["t"].to_list() == trajlm.to_canonical(one)["t"].to_list()


def test_list_columns_of_ms_times_and_easting_northing_with_crs():
    gpd = pytest.importorskip("geopandas")
    g = cars()
    lists = (
        pl.from_pandas(g)
        .with_columns(pl.col("timestamp").dt.epoch("ms").alias("ts_ms"))
        .drop("timestamp")
        .group_by("trip_id", maintain_order=True)
        .agg("ts_ms", "latitude", "longitude")
    )
    out = ConstantVelocity().predict(lists, steps=3)
    assert out.schema["ts_ms"] == pl.Int64
    assert np.allclose(out.select("latitude", "longitude").to_numpy(), _ref(g))
    pts = gpd.GeoSeries(gpd.points_from_xy(g.longitude, g.latitude), crs=4326).to_crs(32631)
    utm = g.drop(columns=["latitude", "longitude"]).assign(easting=pts.x, northing=pts.y)
    back = ConstantVelocity().predict(utm, steps=3, crs="EPSG:32631")  # names found, crs given
    assert list(back.columns[3:5]) == ["northing", "easting"] and back.easting.min() > 1e5
    with pytest.raises(TrajlmInputError, match="not a latitude.*crs="):  # no crs: said
        trajlm.to_canonical(utm)
