"""Session 20 (formats20): formats19's one-line refusals that have a safe read (Columbus V-900
date / time columns, Garmin Connect details JSON, headerless SBS-1, Field Maps' m/d/yyyy 12-hour
times, SIRI-VM XML, ArduPilot text logs, FitCSVTool) and the line for day-first dates no value
decides. Generators in the file; every test fails on 39f12f3."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from helpers import exact_tracks as _exact

from trajlm.data.readers import read
from trajlm.data.schema import TrajlmInputError

T0 = 1774083600  # 2026-03-21 09:00 UTC (a day over 12)


def _pts(n: int = 20, lat: float = 22.63, lon: float = 120.30, dt: int = 5) -> list:
    return [(T0 + i * dt, round(lat + 0.0003 * i, 6), round(lon + 0.0004 * i, 6)) for i in range(n)]  # fmt: skip


def _d(t: int) -> datetime:
    return datetime.fromtimestamp(t, UTC)


def test_columbus_v900_yymmdd_hhmmss(tmp_path):
    """Was "time before 1990 ... --time-origin" (value 90000)."""
    pts = _pts()
    p = tmp_path / "V900_0321.CSV"
    p.write_text("INDEX,TAG,DATE,TIME,LATITUDE N/S,LONGITUDE E/W,HEIGHT,SPEED,HEADING,VOX\n" + "".join(
        f"{i + 1},T,{_d(t):%y%m%d},{_d(t):%H%M%S},{la:.6f}N,{lo:.6f}E,12,14,90,\n"
        for i, (t, la, lo) in enumerate(pts)))  # fmt: skip
    df, _ = read(p)
    _exact(df, {"a": pts})


def test_garmin_connect_activity_details(tmp_path):
    """Was "not a trajectory JSON"; metricDescriptors say which index holds what."""
    pts = _pts(dt=1)
    desc = [{"metricsIndex": i, "key": k} for i, k in enumerate(
        ["sumDuration", "directLongitude", "directTimestamp", "directLatitude"])]  # fmt: skip
    rows = [{"metrics": [float(i), lo, float(t * 1000), la]} for i, (t, la, lo) in enumerate(pts)]
    rows.insert(3, {"metrics": [3.5, None, float(T0 * 1000 + 3500), None]})  # no fix
    doc = {"activityId": 1, "metricDescriptors": desc, "activityDetailMetrics": rows}
    (p := tmp_path / "activity_1_details.json").write_text(json.dumps(doc))
    df, rep = read(p, on_error="skip")
    _exact(df, {"a": pts})
    doc["metricDescriptors"] = desc[:2]  # an indoor activity: no latitude / time
    p.write_text(json.dumps(doc))
    with pytest.raises(TrajlmInputError, match="without .*directTimestamp"):
        read(p)


def test_headerless_sbs1_basestation(tmp_path):
    """dump1090 port 30003: was "column names appear more than once"."""
    a, b = _pts(lat=53.42, lon=-6.27, dt=2), _pts(lat=53.5, lon=-6.1, dt=2)
    lines = []
    for hexid, pts in (("4CA2D6", a), ("3C6444", b)):
        for t, la, lo in pts:
            d, h = f"{_d(t):%Y/%m/%d}", f"{_d(t):%H:%M:%S}.000"
            lines.append(f"MSG,4,1,1,{hexid},1,{d},{h},{d},{h},,,420,87,,,0,,0,0,0,0")
            lines.append(f"MSG,3,1,1,{hexid},1,{d},{h},{d},{h},,35000,,,{la:.6f},{lo:.6f},,,0,0,0,0")  # fmt: skip
    lines.insert(1, "MSG,3,1,1,4CA2D6,1,2026/03/21,09:00:00.500,2026/03/21,09:00:00.500,,35000,,,,,,,0,0,0,0")  # fmt: skip
    (p := tmp_path / "adsb.csv").write_text("\n".join(lines) + "\n")
    df, _ = read(p)
    _exact(df, {"a": a, "b": b})
    assert set(df["traj_id"]) == {"4CA2D6", "3C6444"}


def test_field_maps_month_first_twelve_hour_clock(tmp_path):
    """ArcGIS Field Maps `3/21/2026 1:30:05 PM` (a day over 12 decides): was "not ISO-8601";
    OBJECTID (ESRI's row key) was taken as the id, every point its own trajectory."""
    pts = [(T0 + 4 * 3600 + 61 * i, la, lo) for i, (_, la, lo) in enumerate(_pts())]  # 13:00 ->
    p = tmp_path / "tracks.csv"
    p.write_text("OBJECTID,full_name,location_timestamp,x,y\n" + "".join(
        f"{i},Jane Smith,{_d(t).month}/{_d(t).day}/{_d(t).year} {_d(t):%I:%M:%S %p},{lo},{la}\n"
        for i, (t, la, lo) in enumerate(pts)))  # fmt: skip
    df, _ = read(p)
    _exact(df, {"a": pts})


def test_day_first_dates_that_no_value_decides_say_so(tmp_path):
    """Refused before and after (no guess); the line now says why."""
    p = tmp_path / "amb.csv"
    p.write_text("vehicle,date_time,latitude,longitude\n" + "".join(
        f"u1,0{d}/05/2026 22:00:00,-37.8,144.9\n" for d in range(1, 4)))  # fmt: skip
    with pytest.raises(TrajlmInputError, match="day and month cannot be told apart"):
        read(p)


def test_siri_vm_folder_of_polls(tmp_path):
    """BODS SIRI-VM polls: was "no file trajlm reads under the folder"."""
    buses = {f"BUS_{k}": _pts(lat=53.8 + 0.01 * k, lon=-1.55, dt=30) for k in range(3)}
    (d := tmp_path / "siri").mkdir()
    for i in range(20):
        acts = "".join(
            f"<VehicleActivity><RecordedAtTime>{_d(pts[i][0]):%Y-%m-%dT%H:%M:%S}+00:00"
            f"</RecordedAtTime><MonitoredVehicleJourney><LineRef>1</LineRef><VehicleLocation>"
            f"<Longitude>{pts[i][2]}</Longitude><Latitude>{pts[i][1]}</Latitude>"
            f"</VehicleLocation><VehicleRef>{v}</VehicleRef></MonitoredVehicleJourney>"
            "</VehicleActivity>"
            for v, pts in buses.items()
        )
        (d / f"poll_{i:03d}.xml").write_text(
            '<?xml version="1.0"?><Siri xmlns="http://www.siri.org.uk/siri" version="2.0">'
            f"<ServiceDelivery><VehicleMonitoringDelivery>{acts}</VehicleMonitoringDelivery>"
            "</ServiceDelivery></Siri>"
        )
    df, _ = read(d)
    _exact(df, buses)
    assert set(df["traj_id"]) == set(buses)


def test_ardupilot_text_log_gps_week_and_ms(tmp_path):
    """Mission Planner's text DataFlash log: was "cannot tell the format"; GPS time less 18
    leap seconds; messages before the fix (week 0) are not points."""
    pts = _pts(lat=-35.36, lon=149.16, dt=1)
    lines = ["FMT, 128, 89, FMT, BBnNZ, Type,Length,Name,Format,Columns",
             "FMT, 130, 48, GPS, QBBIHBcLLeffffB, TimeUS,I,Status,GMS,GWk,NSats,HDop,Lat,Lng,Alt,Spd,GCrs,VZ,Yaw,U",
             "GPS, 1000, 0, 1, 0, 0, 0, 99.0, 0.0000000, 0.0000000, 0, 0, 0, 0, 0, 1"]  # fmt: skip
    for i, (t, la, lo) in enumerate(pts):
        g = t - 315_964_800 + 18
        lines.append(f"GPS, {2000 + i}, 0, 3, {(g % 604800) * 1000}, {g // 604800}, 14, 0.7, {la:.7f}, {lo:.7f}, 584.2, 5, 87, 0, 0, 1")  # fmt: skip
        lines.append(f"ATT, {2000 + i}, 0.1, 0.2, 1.1, 1.0, 87.0, 87.1, 0.1, 0.1")
    (p := tmp_path / "00000042.log").write_text("\n".join(lines) + "\n")
    df, _ = read(p)
    _exact(df, {"a": pts})
    from trajlm.data.readers import detect_format

    assert detect_format(p) == "csv"  # `trajlm predict --input x.log` reads it too


def test_fitcsvtool_records(tmp_path):
    """Garmin's FitCSVTool CSV (Field N / Value N / Units N): was "missing columns"."""
    pts = _pts(lat=46.95, lon=7.45, dt=1)
    lines = ["Type,Local Number,Message,Field 1,Value 1,Units 1,Field 2,Value 2,Units 2,Field 3,Value 3,Units 3,Field 4,Value 4,Units 4,",
             'Data,0,file_id,type,"4",,manufacturer,"1",,,,,,,,']  # fmt: skip
    for t, la, lo in pts:
        lines.append(f'Data,1,record,timestamp,"{t - 631_065_600}",s,position_lat,"{round(la * 2**31 / 180)}",semicircles,'
                     f'position_long,"{round(lo * 2**31 / 180)}",semicircles,heart_rate,"131",bpm,')  # fmt: skip
    (p := tmp_path / "ride.csv").write_text("\n".join(lines) + "\n")
    df, _ = read(p)
    assert len(df) == len(pts) and df["t"].to_list() == [t for t, _, _ in pts]
    assert max(abs(a - p[1]) for a, p in zip(df["lat"], pts, strict=True)) < 1e-6  # semicircles
