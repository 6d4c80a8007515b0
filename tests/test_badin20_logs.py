"""Session 20 (badin20): hostile device logs and feeds (FitCSVTool, SBS-1, SIRI-VM) and a
GeoJSON with an unknown CRS. Each test fails on main at 94ffc0f."""

from __future__ import annotations

import json

import pytest

from trajlm.data.readers import read
from trajlm.data.schema import TrajlmInputError

T0 = 1773820800  # 2026-03-18 08:00 UTC


def _sbs(k: int) -> str:
    h = f"08:00:{5 * k:02d}.000"
    return f"MSG,3,1,1,4CA2D6,1,2026/03/18,{h},2026/03/18,{h},,35000,,,{53.3 + 0.01 * k:.5f},{-6.2 + 0.01 * k:.5f},,,0,0,0,0"


def test_fit_csv_without_any_position_says_so(tmp_path):
    """Records with times and heart rate but no position (indoor): was "line 2 field lat:
    latitude is missing ... on_error=skip" (skipping leaves nothing)."""
    head = "Type,Local Number,Message,Field 1,Value 1,Units 1,Field 2,Value 2,Units 2,\n"
    rows = "".join(
        f"Data,0,record,timestamp,{1110000000 + k},s,heart_rate,120,bpm,\n" for k in range(10)
    )
    (p := tmp_path / "treadmill.csv").write_text(head + rows)
    with pytest.raises(
        TrajlmInputError,
        match=r"treadmill\.csv: a FitCSVTool file whose 10 `record` messages have no position",
    ):
        read(p)


def test_sbs1_lines_cut_short_are_said(tmp_path):
    """A line cut mid-way (a dropped connection) was skipped without a word."""
    lines = [_sbs(k) for k in range(10)]
    lines[4] = ",".join(lines[4].split(",")[:9])
    (p := tmp_path / "feed.sbs").write_text("\n".join(lines) + "\n" + _sbs(10)[:30])
    with pytest.warns(UserWarning, match=r"feed\.sbs: 2 MSG line\(s\) cut short"):
        df, _ = read(p)
    assert df.height == 9


def test_siri_activity_without_location_is_said(tmp_path):
    """A VehicleActivity without a VehicleLocation was skipped without a word."""

    def act(k: int, loc: bool = True) -> str:
        where = f"<VehicleLocation><Longitude>{-2.59 + 0.001 * k}</Longitude><Latitude>{51.45 + 0.001 * k}</Latitude></VehicleLocation>"
        return (f"<VehicleActivity><RecordedAtTime>2026-03-18T08:{k:02d}:00Z</RecordedAtTime><MonitoredVehicleJourney>"
                f"{where if loc else ''}<VehicleRef>bus1</VehicleRef></MonitoredVehicleJourney></VehicleActivity>")  # fmt: skip

    body = "".join(act(k, k != 3) for k in range(8))
    xml = ('<?xml version="1.0"?><Siri xmlns="http://www.siri.org.uk/siri"><ServiceDelivery><VehicleMonitoringDelivery>'
           f"{body}</VehicleMonitoringDelivery></ServiceDelivery></Siri>")  # fmt: skip
    (p := tmp_path / "poll.xml").write_text(xml)
    with pytest.warns(UserWarning, match=r"poll\.xml: 1 VehicleActivity element\(s\) without"):
        df, _ = read(p)
    assert df.height == 7


def test_geojson_with_an_unknown_crs_names_it(tmp_path):
    """`"crs": EPSG::999999` after the features (json.dumps of a dict built in that order) said
    "reproject first (trajlm does not reproject)"."""
    feats = [{"type": "Feature", "properties": {"id": "a", "time": f"2026-03-18T08:00:{k:02d}Z"},
              "geometry": {"type": "Point", "coordinates": [532725.0 + k, 4555481.0 + k]}} for k in range(5)]  # fmt: skip
    doc = {"type": "FeatureCollection", "features": feats, "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::999999"}}}  # fmt: skip
    (p := tmp_path / "fixes.geojson").write_text(json.dumps(doc))
    with pytest.raises(TrajlmInputError, match=r"EPSG::999999' is no CRS pyproj knows"):
        read(p)


def test_an_owner_id_beside_another_id_is_said(tmp_path):
    """`cab_id` beside `driver_id`: the driver's column was the trajectory, two cabs merged
    into one without a word."""
    rows = "".join(
        f"c{c},d1,2026-03-18T08:00:{k:02d}Z,{41.15 + 1e-4 * k + c},{-8.61 + 1e-4 * k}\n"
        for c in (1, 2)
        for k in range(5)
    )
    (p := tmp_path / "rides.csv").write_text(
        "cab_id,driver_id,pickup_time,pickup_lat,pickup_lon\n" + rows
    )
    with pytest.warns(
        UserWarning, match=r"trajectories by 'driver_id'; \['cab_id'\] also end like an id"
    ):
        read(p)
