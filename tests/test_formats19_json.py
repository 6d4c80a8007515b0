"""Session 19 (formats19), JSON: answers of fleet, flight and transit APIs saved as files
(Geotab, Samsara, FlightAware AeroAPI, GTFS-realtime as JSON), GeoJSON points with epoch-ms
times, Strava streams (refused, naming what is missing) and errors inside service files naming
the file. Files are generated here, seeded; each test failed before its fix."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import polars as pl
import pytest

from trajlm.data.readers import read
from trajlm.data.schema import TrajlmInputError

T0 = 1_772_611_200  # 2026-03-04T08:00:00Z


def _pts(n: int, lat: float = 64.1466, lon: float = -21.9426, dt: int = 10) -> list[tuple]:
    return [(T0 + dt * i, round(lat + 1.2e-4 * i, 6), round(lon + 0.8e-4 * i, 6)) for i in range(n)]


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _check(df: pl.DataFrame, truth: dict[str, list[tuple]], ids: dict[str, str]) -> None:
    """Every point at its time and place under the expected id."""
    assert len(df) == sum(map(len, truth.values()))
    for key, pts in truth.items():
        part = df.filter(pl.col("traj_id") == ids[key]).sort("t")
        assert len(part) == len(pts), (key, df["traj_id"].unique().to_list())
        for (t, la, lo), row in zip(pts, part.iter_rows(named=True), strict=True):
            assert row["t"] == t and abs(row["lat"] - la) < 1e-9 and abs(row["lon"] - lo) < 1e-9


def _write(tmp_path, name: str, doc) -> object:
    p = tmp_path / name
    p.write_text(json.dumps(doc))
    return p


def test_geotab_log_records_array_is_one_trajectory_per_device(tmp_path):
    """Get<LogRecord>: a top-level array whose `id` is the record's (a row key) and
    `device.id` the vehicle: was 'top level is not a JSON object'."""
    truth = {"b1A": _pts(20), "b2F": _pts(20, lat=64.13)}
    recs = [{"latitude": la, "longitude": lo, "speed": 30, "dateTime": _iso(t), "device": {"id": d},
             "id": f"a{k}{i}"} for k, (d, pts) in enumerate(truth.items())
            for i, (t, la, lo) in enumerate(pts)]  # fmt: skip
    df, _ = read(_write(tmp_path, "logrecords.json", recs))
    _check(df, truth, {"b1A": "b1A", "b2F": "b2F"})


def test_samsara_location_history_names_each_list_by_its_vehicle(tmp_path):
    """{"data": [{"id", "name", "locations": [...]}]}: was 'not a trajectory JSON'."""
    truth = {"281474977": _pts(15, 33.749, -84.388), "281474978": _pts(15, 33.76, -84.40)}
    data = [{"id": vid, "name": f"Van {i}", "locations": [
        {"time": _iso(t), "latitude": la, "longitude": lo, "heading": 90,
         "reverseGeo": {"formattedLocation": "Atlanta, GA"}} for t, la, lo in pts]}
        for i, (vid, pts) in enumerate(truth.items())]  # fmt: skip
    doc = {"data": data, "pagination": {"endCursor": "", "hasNextPage": False}}
    df, _ = read(_write(tmp_path, "history.json", doc))
    _check(df, truth, {k: k for k in truth})


def test_aeroapi_track_positions_are_read(tmp_path):
    """FlightAware AeroAPI /flights/{id}/track: was 'not a trajectory JSON'."""
    pts = _pts(30, 47.4502, -122.3088, dt=30)
    fid = "ASA123-1772500000-airline-0123"
    doc = {"actual_distance": 800, "positions": [
        {"fa_flight_id": fid, "altitude": 350, "groundspeed": 450, "latitude": la, "longitude": lo,
         "timestamp": _iso(t)[:19] + "Z", "update_type": "A"} for t, la, lo in pts]}  # fmt: skip
    df, _ = read(_write(tmp_path, "track.json", doc))
    _check(df, {"f": pts}, {"f": fid})


def test_a_folder_of_gtfs_rt_json_snapshots_is_one_trajectory_per_vehicle(tmp_path):
    """MessageToJson dumps, one per poll, Unix seconds as text: was 'not a trajectory JSON';
    the vehicle (`vehicle.vehicle.id`) spans the files."""
    truth = {"bus-101": _pts(6, -37.8136, 144.9631, 30), "bus-205": _pts(6, -37.82, 144.95, 30)}
    d = tmp_path / "feed"
    d.mkdir()
    for k in range(6):
        ents = [{"id": f"e{k}{v}", "vehicle": {"trip": {"tripId": "T1"}, "vehicle": {"id": v},
                 "position": {"latitude": p[k][1], "longitude": p[k][2]},
                 "timestamp": str(p[k][0])}} for v, p in truth.items()]  # fmt: skip
        doc = {
            "header": {"gtfsRealtimeVersion": "2.0", "timestamp": str(T0 + 30 * k)},
            "entity": ents,
        }
        (d / f"vp_{k:03d}.json").write_text(json.dumps(doc))
    df, _ = read(d)
    _check(df, truth, {k: k for k in truth})


def test_geojson_points_with_epoch_ms_times_are_read_by_size(tmp_path):
    """`"timestamp": 1772611200000` in Point properties: was 'time in the future
    (milliseconds? --time-format unix_ms)', an option no GeoJSON read could take."""
    pts = _pts(20, 41.3874, 2.1686)
    feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lo, la]},
              "properties": {"vehicle_id": "s88", "timestamp": t * 1000}} for t, la, lo in pts]  # fmt: skip
    p = _write(tmp_path, "scooters.geojson", {"type": "FeatureCollection", "features": feats})
    with pytest.warns(UserWarning, match="Unix milliseconds by their size"):
        df, _ = read(p)
    _check(df, {"s": pts}, {"s": "scooters/s88"})


def test_strava_streams_are_refused_naming_the_missing_start(tmp_path):
    """Streams hold seconds from the start only: was the generic 'not a trajectory JSON'."""
    pts = _pts(10)
    doc = {"latlng": {"data": [[la, lo] for _, la, lo in pts]},
           "time": {"data": [t - T0 for t, _, _ in pts]}}  # fmt: skip
    with pytest.raises(TrajlmInputError, match="Strava activity streams.*start_date"):
        read(_write(tmp_path, "streams.json", doc))


def test_an_error_inside_a_service_file_names_the_file(tmp_path):
    """A Polar export with an impossible timezoneOffset: the one-line error had no file
    (badin18's `mfjson.py:235`)."""
    route = [{"dateTime": "2026-08-20T08:00:00.000", "latitude": 60.1, "longitude": 24.9}]
    doc = {"exercises": [{"timezoneOffset": 100000, "samples": {"recordedRoute": route}}]}
    p = _write(tmp_path, "training-session-2026-08-20-1.json", doc)
    with pytest.raises(TrajlmInputError) as e:
        read(p)
    assert e.value.path is not None and "training-session-2026-08-20-1.json" in str(e.value)


def test_a_json_of_records_without_times_is_still_refused(tmp_path):
    """Control (passes before): places without times (a stop list) are not a trajectory."""
    doc = {
        "stops": [{"id": f"s{i}", "latitude": 60 + i / 100, "longitude": 24.9} for i in range(5)]
    }
    with pytest.raises(TrajlmInputError, match="not a trajectory JSON"):
        read(_write(tmp_path, "stops.json", doc))
