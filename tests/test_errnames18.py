"""Input errors raised after coercion name the caller's columns and id values (session 18,
errnames18): a frame with columns ``vessel``, ``epoch``, ``latitude`` was told "field t" and
"traj_id '0'" (trajlm's canonical names) by check_model_input, gap filling's ends check and
check_validity; now "field epoch" and "vessel 0". Frames whose columns are trajlm's own names
are told as before."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest

import trajlm
from trajlm.data.coerce_tasks import recovery_input
from trajlm.errors import TrajlmInputError

T0 = 1_700_000_000
CANONICAL = re.compile(r"field (t|lat|lon|traj_id)\b|\btraj_id '|\btrajectory '|_geom_")


def _frame(ids=("a", "b"), n=6, names=("vessel", "epoch", "latitude", "longitude")) -> pd.DataFrame:
    traj, t, lat, lon = names
    rows = [{traj: i, t: T0 + 10 * k + 1000 * j, lat: 41.15 + 1e-4 * k, lon: -8.61 + 1e-4 * k}
            for j, i in enumerate(ids) for k in range(n)]  # fmt: skip
    return pd.DataFrame(rows)


def _error(call, *args, **kw) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(TrajlmInputError) as e:
            call(*args, **kw)
    text = str(e.value)
    assert "\n" not in text, text  # one line
    return text


# ----------------------------------------------------------------------- the error's relabel
def test_relabel_rewrites_the_field_and_the_id_and_keeps_the_rest():
    e = TrajlmInputError("bad in 1 row(s) (first at row 3, traj_id '7')", path="input", field="t",
                         hint="fix it")  # fmt: skip
    e.traj_id = "7"
    e.relabel({"traj_id": "mmsi", "t": "epoch"}, str)
    assert str(e) == "input field epoch: bad in 1 row(s) (first at row 3, mmsi 7); fix it"
    assert e.field == "epoch"


def test_relabel_leaves_canonical_names_and_unnamed_errors_as_they_were():
    e = TrajlmInputError("bad (first at row 0, traj_id 'a')", path="input", field="lat")
    e.traj_id = "a"
    e.relabel({"traj_id": "traj_id", "lat": "lat"}, repr)
    assert str(e) == "input field lat: bad (first at row 0, traj_id 'a')"
    plain = TrajlmInputError("no points")
    plain.relabel({"t": "epoch"})
    assert str(plain) == "no points" and plain.field is None


# ------------------------------------------------------------------ check_model_input, coerce
@pytest.mark.parametrize("kind", ["pandas", "polars"])
def test_model_input_errors_name_the_callers_columns_and_ids(kind):
    def wrap(d):
        return pl.from_pandas(d) if kind == "polars" else d

    d = _frame()
    d.loc[3, "longitude"] = 500.0
    msg = _error(trajlm.to_canonical, wrap(d), traj_col="vessel")
    assert msg.startswith("input field longitude: out of range") and "row 3, vessel 'a'" in msg
    d = _frame()
    d.loc[9, "epoch"] = d.loc[8, "epoch"]
    msg = _error(trajlm.to_canonical, wrap(d), traj_col="vessel")
    assert msg.startswith("input field epoch: duplicate timestamp") and "vessel 'b'" in msg
    msg = _error(trajlm.to_canonical, wrap(_frame().assign(epoch=lambda x: x.epoch - T0)),
                 traj_col="vessel")  # fmt: skip
    assert msg.startswith("input field epoch: before 1990"), msg


def test_an_integer_id_is_said_as_the_callers_number():
    d = _frame(ids=(244000001, 244000002), names=("MMSI", "epoch", "Lat", "Lng"))
    d.loc[2, "Lat"] = np.nan
    msg = _error(trajlm.to_canonical, d)
    assert msg.startswith("input field Lat: missing value") and "MMSI 244000001)" in msg, msg


def test_a_missing_id_names_the_id_column_and_not_none():
    d = _frame().astype({"vessel": object})
    d.loc[4, "vessel"] = None
    msg = _error(trajlm.to_canonical, d, traj_col="vessel")
    assert msg.startswith("input field vessel: missing value") and "(first at row 4)" in msg
    assert "None" not in msg


def test_canonical_column_names_are_told_as_before():
    d = _frame(names=("traj_id", "t", "lat", "lon"))
    d.loc[9, "t"] = d.loc[8, "t"]
    msg = _error(trajlm.to_canonical, d)
    assert msg.startswith("input field t: duplicate timestamp") and "traj_id 'b'" in msg


def test_pandas_index_labels_and_the_callers_names_together():
    d = _frame()
    d.index = d.index + 100
    d.loc[103, "longitude"] = 500.0
    small = trajlm.TrajLM.__new__(trajlm.TrajLM)  # _input's coercion runs before the model
    small._check_coverage = lambda *a, **k: None
    msg = _error(small._input, d, {"traj_col": "vessel"})
    assert "field longitude" in msg and "index label 103" in msg and "vessel 'a'" in msg, msg


def test_a_point_column_and_a_geodataframe_are_named_as_given():
    d = pl.from_pandas(_frame())
    pos = d.select("vessel", "epoch", pos=pl.struct(lat="latitude", lon="longitude"))
    bad = pos.with_columns(pl.when(pl.int_range(pl.len()) == 3).then(pl.struct(
        lat=pl.lit(41.0), lon=pl.lit(500.0))).otherwise("pos").alias("pos"))  # fmt: skip
    assert _error(trajlm.to_canonical, bad, traj_col="vessel").startswith(
        "input field pos.lon: out of range"
    )
    far = pos.with_columns(pl.when(pl.int_range(pl.len()) == 3).then(pl.struct(
        lat=pl.lit(200.0), lon=pl.lit(-8.0))).otherwise("pos").alias("pos"))  # fmt: skip
    msg = _error(trajlm.to_canonical, far, traj_col="vessel")
    assert msg.startswith("field pos.lat: 'pos.lat' reaches 200") and "_geom" not in msg, msg
    gpd = pytest.importorskip("geopandas")
    g = _frame()
    g.loc[8, "longitude"] = np.inf
    gdf = gpd.GeoDataFrame(g[["vessel", "epoch"]], crs=4326,
                           geometry=gpd.points_from_xy(g.longitude, g.latitude))  # fmt: skip
    msg = _error(trajlm.to_canonical, gdf, traj_col="vessel")
    assert msg.startswith("input field geometry: NaN or infinite") and "vessel 'b'" in msg


# ------------------------------------------------------------------ recover's and validity's
def test_recover_input_errors_name_the_callers_columns_and_ids():
    d = _frame(ids=(7, 8))
    d.loc[11, "latitude"] = np.nan  # 8's last point
    msg = _error(recovery_input, d, traj_col="vessel")
    assert msg.startswith("field latitude: vessel 8 starts or ends with a missing position"), msg
    d = _frame()
    d.loc[9, "epoch"] = d.loc[8, "epoch"]
    msg = _error(recovery_input, pl.from_pandas(d), traj_col="vessel")
    assert msg.startswith("recover input field epoch: duplicate") and "vessel 'b'" in msg, msg


@pytest.mark.parametrize("kind", ["pandas", "polars"])
def test_check_validity_refuses_points_without_an_id_in_the_callers_names(kind):
    d = _frame().astype({"vessel": object})
    d.loc[8, "vessel"] = None  # was reported valid, splitting 'b' in two
    d = pl.from_pandas(d) if kind == "polars" else d
    msg = _error(trajlm.check_validity, d, traj_col="vessel")
    assert msg.startswith("validity input field vessel: missing value (null or NaN) in 1 row(s) "
                          "(first at row 8)"), msg  # fmt: skip


# ------------------------------------------- a seeded set of renamed frames, each defect kind
NAMES = [  # (id, time, lat, lon) as users' frames name them (detected; none is trajlm's own)
    ("vessel_id", "epoch", "latitude", "longitude"), ("MMSI", "Timestamp", "Lat", "Lng"),
    ("trip_id", "ts", "y", "x"), ("Track", "zeit", "breite", "laenge"),
    ("device_id", "time_utc", "gps_latitude", "gps_longitude"),
]  # fmt: skip
DEFECTS = ["lat_nan", "lon_500", "lon_inf", "dup_time", "null_time", "null_id", "first_gap"]


def _bad_frame(rng: np.random.Generator, names: tuple, defect: str, int_ids: bool):
    traj, t, lat, lon = names
    d = _frame(ids=(5, 6) if int_ids else ("a", "b"), n=int(rng.integers(4, 9)), names=names)
    n = len(d)
    i = int(rng.integers(1, n - 1))
    if t.lower() == "timestamp":  # datetimes with a zone, others Unix seconds
        d[t] = pd.to_datetime(d[t], unit="s", utc=True)
    expect = {"lat_nan": lat, "lon_500": lon, "lon_inf": lon, "dup_time": t, "null_time": t,
              "null_id": traj, "first_gap": lat}[defect]  # fmt: skip
    if defect == "lat_nan" or defect == "first_gap":
        d.loc[0 if defect == "first_gap" else i, lat] = np.nan
    elif defect in ("lon_500", "lon_inf"):
        d.loc[i, lon] = 500.0 if defect == "lon_500" else np.inf
    elif defect == "dup_time":
        i = max(i, 1) if d.loc[i, traj] == d.loc[i - 1, traj] else i + 1
        d.loc[i, t] = d.loc[i - 1, t]
    elif defect == "null_time":
        d[t] = d[t].astype(object)
        d.loc[i, t] = None
        d[t] = pd.to_datetime(d[t], utc=True) if t.lower() == "timestamp" else d[t].astype("Int64")
    else:
        d[traj] = d[traj].astype(object)
        d.loc[i, traj] = None
    return d, expect


def test_a_seeded_set_of_renamed_frames_names_the_callers_column_every_time():
    rng = np.random.default_rng(18)
    told = []
    for k in range(40):
        names = NAMES[k % len(NAMES)]
        defect = DEFECTS[k % len(DEFECTS)]
        d, expect = _bad_frame(rng, names, defect, int_ids=bool(rng.integers(0, 2)))
        frame = pl.from_pandas(d) if k % 2 else d
        call = recovery_input if defect == "first_gap" else trajlm.to_canonical
        msg = _error(call, frame)
        told.append(f"field {expect}" in msg and not CANONICAL.search(msg))
        assert told[-1], (names, defect, msg)
    assert len(told) == 40 and all(told)


@pytest.mark.parametrize("method", ["predict", "at_times", "seconds_ahead", "recover", "embed"])
def test_each_api_call_names_the_callers_column(small, method):
    d = _frame(ids=(7, 8))
    d.loc[9, "epoch"] = d.loc[8, "epoch"]
    call = {"predict": lambda f: small.predict(f, steps=2, traj_col="vessel"),
            "at_times": lambda f: small.predict(f, at_times=[T0 + 5000], traj_col="vessel"),
            "seconds_ahead": lambda f: small.predict(f, seconds_ahead=[30], traj_col="vessel"),
            "recover": lambda f: small.recover(f, traj_col="vessel"),
            "embed": lambda f: small.embed(f, traj_col="vessel")}[method]  # fmt: skip
    for frame in (d, pl.from_pandas(d)):
        msg = _error(call, frame)
        assert "field epoch: duplicate timestamp" in msg and "vessel 8)" in msg, msg
