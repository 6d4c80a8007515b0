"""Session 16 (formats16, /tmp/briefs/formats16_report.md): what cyclists, runners, hikers and
researchers bring from devices and apps. Sensor fields of FIT / GPX / TCX are kept, a FIT
multisport file is one trajectory per session labelled with its sport, a GPX route whose points
carry times is read. Every file is generated in tests/_formats16_files.py from its layout."""

from __future__ import annotations

import pytest
from _formats16_files import T0, track, write_fit, write_gpx, write_tcx

from trajlm.data.readers import read

SENSORS = {"heart_rate_bpm": 4, "cadence_rpm": 5, "power_w": 6, "speed_mps": 7, "temperature_c": 8}


def _check_sensors(df, pts, names) -> None:
    df = df.sort("t")
    assert df.height == len(pts)
    assert df["t"].to_list() == [p[0] for p in pts]
    for name in names:
        assert name in df.columns, f"{name} not kept: {df.columns}"
        got, want = df[name].to_list(), [float(p[SENSORS[name]]) for p in pts]
        assert all(abs(a - b) < 1e-6 for a, b in zip(got, want, strict=True)), name
    assert [round(x, 6) for x in df["elevation_m"].to_list()] == [p[3] for p in pts]


def test_fit_keeps_heart_rate_cadence_power_speed_and_temperature(tmp_path):
    pytest.importorskip("fitdecode", reason="FIT needs the optional trajlm[formats] extra")
    pts = track(40)
    (tmp_path / "ride.fit").write_bytes(write_fit([("cycling", pts)]))
    df, _ = read(tmp_path / "ride.fit")
    _check_sensors(df, pts, list(SENSORS))
    assert df["label"].unique().to_list() == ["cycling"]


def test_gpx_trackpoint_extensions_v1_and_v2_are_kept(tmp_path):
    pts = track(30)
    (tmp_path / "garmin.gpx").write_text(write_gpx(pts, "v1"))
    (tmp_path / "suunto.gpx").write_text(write_gpx(pts, "v2"))
    df, _ = read(tmp_path / "garmin.gpx")
    _check_sensors(df, pts, ["heart_rate_bpm", "cadence_rpm", "power_w", "temperature_c"])
    df, _ = read(tmp_path / "suunto.gpx")
    _check_sensors(df, pts, ["heart_rate_bpm", "cadence_rpm", "speed_mps", "temperature_c"])


def test_tcx_heart_rate_cadence_speed_and_watts_are_kept(tmp_path):
    pts = track(30)
    (tmp_path / "polar.tcx").write_text(write_tcx(pts))
    df, _ = read(tmp_path / "polar.tcx")
    _check_sensors(df, pts, ["heart_rate_bpm", "cadence_rpm", "power_w", "speed_mps"])


def test_a_track_without_sensors_gets_no_sensor_columns(tmp_path):
    """Control: a plain GPX stays traj_id, t, lat, lon, elevation_m as before."""
    pts = track(10)
    body = "".join(f'<trkpt lat="{p[1]}" lon="{p[2]}"><ele>{p[3]}</ele><time>2026-07-25T17:20:{2 * i:02d}Z</time></trkpt>'
                   for i, p in enumerate(pts))  # fmt: skip
    (tmp_path / "plain.gpx").write_text(
        '<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
        + body
        + "</trkseg></trk></gpx>"
    )
    df, _ = read(tmp_path / "plain.gpx")
    assert not set(SENSORS) & set(df.columns)


def test_fit_multisport_is_one_trajectory_per_session_with_its_sport(tmp_path):
    pytest.importorskip("fitdecode", reason="FIT needs the optional trajlm[formats] extra")
    swim = track(20, 5, -45.0312, 168.6626, T0)
    t1 = track(10, 2, -45.03, 168.67, swim[-1][0] + 5)
    bike = track(30, 2, -45.02, 168.68, t1[-1][0] + 2)
    run = track(20, 3, -45.01, 168.69, bike[-1][0] + 2)
    legs = [("swimming", swim), ("transition", t1), ("cycling", bike), ("running", run)]
    (tmp_path / "tri.fit").write_bytes(write_fit(legs))
    df, _ = read(tmp_path / "tri.fit")
    assert df.height == sum(len(p) for _, p in legs)
    ids = df.group_by("traj_id").agg("label", "t").sort("traj_id")
    assert ids.height == 4, ids
    for (sport, pts), row in zip(
        legs, ids.sort(ids["t"].list.first()).iter_rows(named=True), strict=True
    ):
        assert set(row["label"]) == {sport}
        assert sorted(row["t"]) == [p[0] for p in pts]


def test_gpx_route_with_times_is_read_and_one_without_stays_refused(tmp_path):
    pts = track(20)
    (tmp_path / "orux.gpx").write_text(write_gpx(pts, route=True))
    df, _ = read(tmp_path / "orux.gpx")
    assert df["t"].to_list() == [p[0] for p in pts]
    assert max(abs(a - p[1]) for a, p in zip(df["lat"].to_list(), pts, strict=True)) < 1e-9
    plain = write_gpx(pts, route=True).replace("<time>", "<!--").replace("</time>", "-->")
    (tmp_path / "komoot.gpx").write_text(plain)
    with pytest.raises(Exception, match="no times|<rte>"):
        read(tmp_path / "komoot.gpx")
