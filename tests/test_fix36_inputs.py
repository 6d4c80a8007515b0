"""fix36 (docs/data.md "Session 36 (fix36)"): a frame of `kcat -J` message envelopes is read as
its path is (heldout36's rule), Unix / zoned times with tz= keep the zone as the frame's clock
as `ingest --tz` keeps the store's (leftover36 found the two routes differ), and `bearing` is a
course name (`direction` is not: a transit feed's way, 0 / 1)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest

import trajlm
from trajlm.data.coerce import coerce, to_canonical
from trajlm.data.motion_columns import motion_columns, reported_motion

T0 = 1_700_000_000


def _dump(path: Path, late_s: int = 30) -> None:
    rows = []
    for v in ("V0", "V1"):
        for i in range(20):
            msg = {"vehicle_id": v, "lat": 41.1 + i * 1e-3, "lon": -8.6 + i * 1e-3,
                   "fix_time": pd.Timestamp(T0 + 10 * i, unit="s").strftime("%Y-%m-%dT%H:%M:%SZ")}  # fmt: skip
            rows.append({"topic": "positions", "partition": 0, "offset": i, "key": v,
                         "ts": (T0 + 10 * i + late_s) * 1000, "payload": json.dumps(msg)})  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


@pytest.mark.parametrize("reader", ["pandas", "polars"])
def test_a_frame_of_message_envelopes_is_read_as_its_path(tmp_path: Path, reader: str) -> None:
    p = tmp_path / "dump.ndjson"
    _dump(p)
    df = pd.read_json(p, lines=True) if reader == "pandas" else pl.read_ndjson(p)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out, layout = coerce(df)  # was: "no traj_id column ... ['topic', ..., 'payload']"
    by_path, _ = trajlm.data.coerce.coerce(p)
    assert out.sort("traj_id", "t")["t"].to_list() == by_path.sort("traj_id", "t")["t"].to_list()
    assert sorted(out["traj_id"].unique()) == ["V0", "V1"] and out["t"].min() == T0  # not ts
    said = [str(x.message) for x in w if "message envelope" in str(x.message)]
    assert len(said) == 1 and "'payload'" in said[0] and "'ts'" in said[0]
    assert w[0].filename == __file__  # said at the caller's line
    assert layout.traj_col == "vehicle_id" and layout.time_col == "fix_time"


def test_a_frame_naming_its_own_position_columns_is_not_opened() -> None:
    inner = json.dumps({"lat": 1.0, "lon": 2.0})
    df = pl.DataFrame({"id": ["a"] * 3, "t": [T0, T0 + 5, T0 + 10], "y": [41.0, 41.001, 41.002],
                       "x": [-8.0] * 3, "meta": [inner] * 3})  # fmt: skip
    out = to_canonical(df, traj_col="id", lat_col="y", lon_col="x")
    assert out["lat"].to_list() == [41.0, 41.001, 41.002] and "meta" in out.columns


UNIX = pl.DataFrame({"traj_id": ["a"] * 3, "t": [T0, T0 + 15, T0 + 30],
                     "lat": [41.1, 41.1001, 41.1002], "lon": [-8.6] * 3})  # fmt: skip


@pytest.mark.parametrize("kw", [{"tz": "America/Los_Angeles"}, {"utc_offset": -8}])
def test_unix_times_with_a_zone_keep_it_as_the_clock(kw: dict) -> None:
    with pytest.warns(UserWarning, match=r"carry their instant \(Unix numbers\), so .* did not "
                      r"move them; it is kept as the frame's local clock"):  # fmt: skip
        out, layout = coerce(UNIX, **kw)  # was: "tz= reads naive datetimes ... drop tz="
    assert out["t"].to_list() == UNIX["t"].to_list()  # not moved
    assert layout.named_zone is not None  # asked zone-less times read on it
    from trajlm.api_time_checks import asked_in_zone

    asked = asked_in_zone(["2023-11-14T14:13:20"], np.array([float(T0)]), layout, "at_times")
    assert asked[0] == T0 + 8 * 3600  # 14:13 in Los Angeles (PST, -8) is 22:13 UTC


def test_zoned_text_with_a_zone_is_kept_too() -> None:
    text = UNIX.with_columns(pl.from_epoch("t").dt.strftime("%Y-%m-%dT%H:%M:%SZ").alias("t"))
    with pytest.warns(UserWarning, match=r"text with a zone"):
        out = to_canonical(text, tz="Europe/Berlin")
    assert out["t"].to_list() == UNIX["t"].to_list()


def test_naive_times_are_still_moved() -> None:
    naive = UNIX.with_columns(pl.from_epoch("t"))
    out = to_canonical(naive, tz="Europe/Berlin")
    assert out["t"].to_list() == [t - 3600 for t in UNIX["t"].to_list()]  # CET, +1 in November


@pytest.mark.parametrize("name", ["bearing", "Bearing", "bearing_deg"])
def test_bearing_is_a_course_name(name: str) -> None:
    assert motion_columns(["speed_kmh", name]) == ("speed_kmh", 1 / 3.6, name)
    df = UNIX.with_columns(pl.lit(36.0).alias("speed_kmh"), pl.Series(name, [0.0, 90.0, 180.0]))
    assert np.allclose(reported_motion(df)[1], [0.0, 90.0, 180.0])


def test_bearing_rad_is_read_in_radians() -> None:
    df = UNIX.with_columns(pl.lit(10.0).alias("sog"), pl.Series("bearing_rad", [0.0, 1.5708, 0]))
    assert np.allclose(reported_motion(df)[1], [0.0, 90.0, 0.0], atol=0.01)


def test_direction_is_not_a_course_name() -> None:
    assert motion_columns(["speed_kmh", "direction"]) is None  # GTFS's 0 / 1, not degrees


def test_a_file_keeps_its_bearing_as_cog_deg(tmp_path: Path) -> None:
    rows = [
        f"v1,2026-11-02T13:0{i}:00Z,{29.8 - 0.01 * i},-95.29,{30 + i},{90 * i}" for i in range(4)
    ]
    path = tmp_path / "android.csv"
    path.write_text("vehicle,time,lat,lon,speed_kmh,bearing\n" + "\n".join(rows) + "\n")
    df = trajlm.read(path)
    assert df["cog_deg"].to_list() == [0.0, 90.0, 180.0, 270.0]
