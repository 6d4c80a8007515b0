"""Session 21, leftovers21: the column names formats21 taught the file readers (`clock`,
`time_s`, `detect_scene_start`, `uuid`, `Object`, `location_x` / `location_y`, `Time of Fix`
over `Update Time`, `lng_e7`) live in column_names.py, one rule (``find_columns``) for files
and the Python API's frames: a frame with the columns of a file is read as the file is."""

from __future__ import annotations

import warnings

import polars as pl
import pytest

from trajlm.data.coerce import to_canonical
from trajlm.data.column_names import LON, find_columns, tier_of
from trajlm.data.readers import read
from trajlm.errors import TrajlmInputError

T0 = 1_700_000_000
LAT, LON_ = [41.15, 41.151, 41.152], [-8.61, -8.609, -8.608]
TIMES = [T0, T0 + 60, T0 + 120]


def _frame(t: str = "t", traj: str = "traj_id", lat: str = "lat", lon: str = "lon", **extra):
    cols = {traj: ["a"] * 3, t: TIMES, lat: LAT, lon: LON_, **extra}
    return pl.DataFrame(cols)


def _both(df: pl.DataFrame, tmp_path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The frame through the Python API and the same columns as a CSV through the reader."""
    path = tmp_path / "f.csv"
    df.write_csv(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return to_canonical(df), read(path)[0]


@pytest.mark.parametrize(
    ("kw", "field", "name"),
    [
        ({"t": "clock"}, "t", "clock"),  # FlightAware Firehose
        ({"t": "time_s"}, "t", "time_s"),
        ({"t": "detect_scene_start"}, "t", "detect_scene_start"),  # Sentinel-1 / GFW
        ({"traj": "Object"}, "traj_id", "Object"),  # Ruptela
        ({"traj": "device_uuid"}, "traj_id", "device_uuid"),
        ({"lat": "location_y", "lon": "location_x"}, "lon", "location_x"),  # Waze
    ],
)
def test_frame_reads_the_names_files_read(tmp_path, kw, field, name):
    df = _frame(**kw)
    assert find_columns(field, df.columns) == [name]
    frame, file = _both(df, tmp_path)
    for got in (frame, file):
        assert got["t"].to_list() == TIMES
        assert got["lat"].to_list() == pytest.approx(LAT)
        assert got["lon"].to_list() == pytest.approx(LON_)
        assert got["traj_id"].n_unique() == 1


def test_fix_time_over_server_time_in_frames(tmp_path):
    df = _frame(t="Time of Fix").with_columns(
        pl.Series("Update Time", [t + 37 for t in TIMES])
    )  # CalAmp: the server got the report 37 s later
    frame, file = _both(df, tmp_path)
    assert frame["t"].to_list() == TIMES == file["t"].to_list()


def test_a_uuid_per_row_is_no_trajectory_in_frames():
    df = pl.DataFrame({"uuid": ["u1", "u2", "u3"], "t": TIMES, "lat": LAT, "lon": LON_})
    assert find_columns("traj_id", df.columns, lambda c: df[c].n_unique() == len(df)) == []
    with pytest.raises(TrajlmInputError, match="traj_col="):  # as a frame without the column
        to_canonical(df)  # not three one-point trajectories


def test_lng_e7_is_a_tier_name_beside_lon_e7():
    assert tier_of(LON, "lng_e7") == tier_of(LON, "lon_e7") is not None
    assert find_columns("lon", ["lat_e7", "lng_e7", "t"]) == ["lng_e7"]


def test_tier_names_still_win_over_last_resort_names():
    assert find_columns("t", ["clock", "timestamp"]) == ["timestamp"]
    assert find_columns("t", ["clock", "pickup_time"]) == ["pickup_time"]  # an ending first
    assert find_columns("traj_id", ["uuid", "vehicle_id"]) == ["vehicle_id"]
