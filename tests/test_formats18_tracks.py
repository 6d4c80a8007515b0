"""Session 18 (formats18), tracks: GPX / GeoJSON / JSON service exports and folders from a
mobility researcher's / fleet data scientist's test, each read exactly with no options or
refused in one line. Files are generated here, seeded. Tables: test_formats18.py."""

from __future__ import annotations

import json
import warnings
from datetime import UTC, datetime

from trajlm.data.readers import read

T0 = 1_788_000_000  # 2026-08-29


def _pts(n: int, lat: float = 64.1466, lon: float = -20.9426, dt: int = 9) -> list[tuple]:
    return [(T0 + dt * i, round(lat + 1.3e-4 * i, 6), round(lon - 1.1e-4 * i, 6)) for i in range(n)]


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _gpx(pts: list[tuple]) -> str:
    seg = "".join(f'<trkpt lat="{la}" lon="{lo}"><time>{_iso(t)}</time></trkpt>' for t, la, lo in pts)
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
    (tmp_path / "walk.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df, _ = read(tmp_path)
    got = {tid: sorted(g.select("t", "lat", "lon").rows()) for (tid,), g in df.group_by("traj_id")}
    assert sorted(got) == ["run/0/0", "walk"] or len(got) == 2
    assert sorted(got.values()) == sorted([run, walk])
