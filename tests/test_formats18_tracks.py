"""Session 18 (formats18), tracks: GPX / GeoJSON / JSON service exports and folders from a
mobility researcher's / fleet data scientist's test, each read exactly with no options or
refused in one line. Files are generated here, seeded. Tables: test_formats18.py."""

from __future__ import annotations

import json
import warnings
from datetime import UTC, datetime, timedelta

from trajlm.data.readers import read

T0 = 1_788_000_000  # 2026-08-29


def _pts(n: int, lat: float = 64.1466, lon: float = -20.9426, dt: int = 9) -> list[tuple]:
    return [(T0 + dt * i, round(lat + 1.3e-4 * i, 6), round(lon - 1.1e-4 * i, 6)) for i in range(n)]


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _gpx(pts: list[tuple]) -> str:
    seg = "".join(
        f'<trkpt lat="{la}" lon="{lo}"><time>{_iso(t)}</time></trkpt>' for t, la, lo in pts
    )
    return (
        '<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><trkseg>{seg}</trkseg></trk></gpx>"
    )


def test_a_tracks_folder_reads_its_geojson_beside_gpx(tmp_path):
    """A folder of a .gpx and a .geojson (togeojson LineString with coordTimes): the GeoJSON was
    skipped with a warning (formats17's leftover); now both are read, no warning."""
    run, walk = _pts(12), _pts(10, lat=64.15, lon=-20.9)
    (tmp_path / "run.gpx").write_text(_gpx(run))
    feature = {
        "type": "Feature",
        "properties": {"coordTimes": [_iso(t) for t, _, _ in walk]},
        "geometry": {"type": "LineString", "coordinates": [[lo, la] for _, la, lo in walk]},
    }
    (tmp_path / "walk.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]})
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df, _ = read(tmp_path)
    got = {tid: sorted(g.select("t", "lat", "lon").rows()) for (tid,), g in df.group_by("traj_id")}
    assert sorted(got) == ["run/0/0", "walk"] or len(got) == 2
    assert sorted(got.values()) == sorted([run, walk])


def _local_iso(t: float, minutes: int) -> str:
    return (datetime.fromtimestamp(t, UTC) + timedelta(minutes=minutes)).strftime(
        "%Y-%m-%dT%H:%M:%S.000"
    )


def _service_docs(pts: list[tuple]) -> dict[str, object]:
    """The same points as each service exports them (two trajectories where the layout has
    several: the second half of `pts`)."""
    a, b = pts[: len(pts) // 2], pts[len(pts) // 2 :]
    base = T0 - T0 % 86400
    return {
        "trace_full_4ca1b2.json": {  # ADS-B Exchange: seconds after the day's base time
            "icao": "4ca1b2",
            "timestamp": base,
            "trace": [[t - base, la, lo, 3000, 250.1, 90.0, 0, None] for t, la, lo in pts],
        },
        "2026-08-29.json": {  # Arc App: one timeline item per trajectory
            "timelineItems": [
                {
                    "itemId": f"I{k}",
                    "isVisit": False,
                    "samples": [
                        {
                            "date": _iso(t),
                            "location": {"latitude": la, "longitude": lo, "timestamp": _iso(t)},
                        }
                        for t, la, lo in part
                    ],
                }  # fmt: skip
                for k, part in enumerate((a, b))
            ]
        },
        "storyline.json": [  # Moves: ISO basic format with an offset
            {
                "date": "20260829",
                "segments": [
                    {
                        "type": "move",
                        "activities": [
                            {
                                "activity": "walking",
                                "trackPoints": [
                                    {
                                        "lat": la,
                                        "lon": lo,
                                        "time": (
                                            datetime.fromtimestamp(t, UTC) + timedelta(hours=2)
                                        ).strftime("%Y%m%dT%H%M%S+0200"),
                                    }
                                    for t, la, lo in part
                                ],
                            }
                        ],
                    }  # fmt: skip
                    for part in (a, b)
                ],
            }  # fmt: skip
        ],
        "training-session-2026-08-29-1.json": {  # Polar: local dateTime + timezoneOffset
            "exercises": [
                {
                    "timezoneOffset": -180,
                    "sport": "RUNNING",
                    "samples": {
                        "recordedRoute": [
                            {
                                "dateTime": _local_iso(t, -180),
                                "latitude": la,
                                "longitude": lo,
                                "altitude": 5,
                            }
                            for t, la, lo in pts
                        ]
                    },
                }  # fmt: skip
            ]
        },
    }


def test_adsbx_arc_moves_and_polar_exports_are_read(tmp_path):
    """Each was 'not a trajectory JSON trajlm reads' (or 'top level is not a JSON object')."""
    pts = _pts(16, lat=-34.9011, lon=-56.1645)
    half = {frozenset(pts[:8]), frozenset(pts[8:])}
    for name, doc in _service_docs(pts).items():
        p = tmp_path / name
        p.write_text(json.dumps(doc))
        df, _ = read(p)
        got = {frozenset(g.select("t", "lat", "lon").rows()) for _, g in df.group_by("traj_id")}
        assert got == ({frozenset(pts)} if name.startswith(("trace", "training")) else half), name


def test_a_multilinestring_with_per_line_times_is_one_trajectory_per_line(tmp_path):
    """togeojson of a two-segment GPX track: MultiLineString + coordTimes as a list per line
    (was 'no MovingPoint temporalGeometry nor LineString + per-vertex times')."""
    a, b = _pts(6), _pts(5, lat=64.2, lon=-21.0)
    feature = {
        "type": "Feature",
        "properties": {
            "coordinateProperties": {"times": [[_iso(t) for t, _, _ in x] for x in (a, b)]}
        },
        "geometry": {
            "type": "MultiLineString",
            "coordinates": [[[lo, la, 3.0] for _, la, lo in x] for x in (a, b)],
        },
    }
    p = tmp_path / "trk.geojson"
    p.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    df, _ = read(p)
    got = {
        tid: g.sort("t").select("t", "lat", "lon").rows() for (tid,), g in df.group_by("traj_id")
    }
    assert got == {"trk/0/0": a, "trk/0/1": b}


def _wpt_gpx(pts: list[tuple], body: str = "") -> str:
    w = "".join(
        f'<wpt lat="{la}" lon="{lo}"><time>{_iso(t)}</time><name>m</name></wpt>'
        for t, la, lo in pts
    )
    return f'<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">{w}{body}</gpx>'


def test_a_timed_waypoint_log_is_read_as_one_trajectory(tmp_path):
    """Garmin inReach / SPOT exports: no <trk>, a timed <wpt> per message (was 'no <trkpt>
    points ... waypoints <wpt> are not trajectories'); said in a warning."""
    import pytest

    pts = _pts(12, dt=600)
    p = tmp_path / "inreach.gpx"
    p.write_text(_wpt_gpx(pts))
    with pytest.warns(UserWarning, match="12 <wpt> waypoints have times in order"):
        df, _ = read(p)
    assert df.sort("t").select("t", "lat", "lon").rows() == pts
    assert df["traj_id"].unique().to_list() == ["inreach/wpt"]


def test_places_with_dates_and_untimed_tracks_stay_one_line(tmp_path):
    """Controls: geocache-like waypoints (dates out of order) are not a trajectory; a planned
    tour (a <trk> without any <time>) is one line naming it, without the --on-error skip hint
    (was '<trkpt> has no <time>; use on_error="skip"', which drops every point)."""
    import pytest

    from trajlm.data.schema import TrajlmInputError

    pts = _pts(6, dt=86400 * 40)
    places = [pts[i] for i in (3, 0, 5, 1, 4, 2)]
    (tmp_path / "caches.gpx").write_text(_wpt_gpx(places))
    with pytest.raises(TrajlmInputError, match="waypoints <wpt> are not trajectories"):
        read(tmp_path / "caches.gpx")
    seg = "".join(f'<trkpt lat="{la}" lon="{lo}"><ele>600</ele></trkpt>' for _, la, lo in _pts(9))
    (tmp_path / "tour.gpx").write_text(_wpt_gpx([], f"<trk><trkseg>{seg}</trkseg></trk>"))
    with pytest.raises(TrajlmInputError, match="none of its 9 points has a <time>: a planned") as e:
        read(tmp_path / "tour.gpx")
    assert "skip" not in str(e.value)


def test_a_suunto_sml_file_is_read_from_radians(tmp_path):
    """Suunto Movescount `.sml` (positions in radians, samples without a position between
    fixes): was 'cannot tell the format from the name'."""
    import math

    pts = _pts(10, lat=46.0207, lon=7.7491)
    samples = "".join(
        f"<Sample><UTC>{_iso(t)}</UTC><Latitude>{math.radians(la)!r}</Latitude>"
        f"<Longitude>{math.radians(lo)!r}</Longitude><SampleType>gps-small</SampleType></Sample>"
        f"<Sample><UTC>{_iso(t + 1)}</UTC><HR>2.1</HR><SampleType>periodic</SampleType></Sample>"
        for t, la, lo in pts
    )
    p = tmp_path / "Move_2026_08_29_Trekking.sml"
    p.write_text(f'<?xml version="1.0"?><sml xmlns="http://www.suunto.com/schemas/sml"><DeviceLog>'
                 f"<Samples>{samples}</Samples></DeviceLog></sml>")  # fmt: skip
    df, _ = read(p)
    got = df.sort("t").select("t", "lat", "lon").rows()
    assert [g[0] for g in got] == [t for t, _, _ in pts]
    assert max(abs(g[1] - q[1]) + abs(g[2] - q[2]) for g, q in zip(got, pts, strict=True)) < 1e-9


def test_queclink_track_reports_are_read_by_imei(tmp_path):
    """A GV300 gateway log (`+RESP:GTFRI,...,<lon>,<lat>,<YYYYMMDDHHMMSS>,...$`, two trackers,
    a report before the first fix, a heartbeat): was 'column name(s) ... appear more than once
    in the header'."""
    a, b = _pts(6, lat=-17.8252, lon=31.0335), _pts(5, lat=-17.83, lon=31.05)
    lines = ["+ACK:GTHBD,2C0204,860599001122334,,20260829104000,0001$",
             "+RESP:GTFRI,2C0204,860599001122334,GV300,0,0,1,0,,,,,,20260829103959,0648,0004,0FA1,9C3B,00,,20260829104000,0000$"]  # fmt: skip
    for imei, pts in (("860599001122334", a), ("860599005566778", b)):
        for t, la, lo in pts:
            u = datetime.fromtimestamp(t, UTC).strftime("%Y%m%d%H%M%S")
            lines.append(f"+RESP:GTFRI,2C0204,{imei},GV300,0,0,1,1,24.3,92,1480.0,{lo},{la},{u},"
                         f"0648,0004,0FA1,9C3B,00,,{u},0001$")  # fmt: skip
    p = tmp_path / "gateway.log"
    p.write_text("\n".join(lines) + "\n")
    df, rep = read(p)
    got = {
        tid: g.sort("t").select("t", "lat", "lon").rows() for (tid,), g in df.group_by("traj_id")
    }
    assert got == {"860599001122334": a, "860599005566778": b}
    assert rep.dropped == {"no_fix": 1}
