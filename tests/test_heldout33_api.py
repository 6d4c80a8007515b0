"""Session 33 (heldout33): frames of the held-out kinds given to the Python API are read as
ingest reads the files.

Before: a pandas frame of geohashes and one of InfluxDB field / value rows were "no lat column";
Torque Pro's `GPS Time` text (`Mon Mar 02 07:40:02 GMT+01:00 2026`) did not parse; gpsd's
`track` (its course in degrees) was taken as the trajectory id. docs/data.md "Session 33
(heldout33)"."""

from __future__ import annotations

import pandas as pd
import pytest

import trajlm


def test_a_geohash_frame_is_read_at_the_cell_centres() -> None:
    df = pd.DataFrame({"ad_id": ["a1"] * 4 + ["a2"] * 4,
                       "geohash": [f"9v6kp{c}bz" for c in "0123"] * 2,
                       "event_ts": [1770642000 + 60 * i for i in range(4)] * 2})  # fmt: skip
    with pytest.warns(UserWarning, match="centres of the 'geohash' geohash cells"):
        out = trajlm.to_canonical(df)  # was: "no lat column"
    assert out.height == 8 and out["lat"].mean() == pytest.approx(30.27, abs=0.05)
    assert sorted(out["traj_id"].unique()) == ["a1", "a2"]


def test_a_field_value_frame_is_pivoted() -> None:
    rows = [{"result": "_result", "table": n, "_time": f"2026-04-13T06:0{m}:00Z",
             "_value": base + m / 1000, "_field": field, "_measurement": "gps", "vehicle": van}
            for n, (field, base, van) in enumerate(
                [(f, b, v) for f, b in (("lat", 51.9), ("lon", 4.48), ("speed", 5.0))
                 for v in ("van-1", "van-2")])
            for m in range(4)]  # fmt: skip
    df = pd.DataFrame(rows)
    df.insert(0, "Unnamed: 0", float("nan"))  # pd.read_csv(..., comment="#") of the download
    with pytest.warns(UserWarning, match="pivoted"):
        out = trajlm.to_canonical(df)  # was: "no lat column"
    assert out.height == 8 and sorted(out["traj_id"].unique()) == ["van-1", "van-2"]
    assert out["lat"].max() == pytest.approx(51.903) and out["lon"].min() == pytest.approx(4.48)


def test_java_date_text_in_a_frame_keeps_its_offset() -> None:
    df = pd.DataFrame({"trip": ["trackLog-1"] * 5,
                       "GPS Time": [f"Mon Mar 02 07:40:0{s} GMT+01:00 2026" for s in range(5)],
                       " Device Time": [f"02-Mar-2026 07:40:0{s}.512" for s in range(5)],
                       " Longitude": [11.62 + s / 1000 for s in range(5)],
                       " Latitude": [48.16 + s / 1000 for s in range(5)]})  # fmt: skip
    out = trajlm.to_canonical(df)  # was: "do not parse as ISO dates"
    assert out["t"].min() == 1772433600  # 06:40 UTC


def test_a_course_is_no_trajectory_id_in_a_frame() -> None:
    df = pd.DataFrame({"device": ["/dev/ttyACM0"] * 5,
                       "time": [f"2026-05-11T05:30:0{s}.000Z" for s in range(5)],
                       "lat": [45.76 + s / 1e4 for s in range(5)], "lon": [4.84] * 5,
                       "track": [12.5, 12.5, 13.25, 13.25, 12.5]})  # fmt: skip
    with pytest.warns(UserWarning, match="traj_col= track reads it as one"):
        out = trajlm.to_canonical(df)  # was: 'track' the id, the fixes grouped by their course
    assert out["traj_id"].unique().to_list() == ["/dev/ttyACM0"]
