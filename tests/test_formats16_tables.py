"""Session 16 (formats16): a CSV that is one track and has no id column (GPSLogger for Android,
DJI Airdata flight logs) is one trajectory named by its file, said on the console."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
from reliability_helpers import invoke

from trajlm.data.readers import ColumnMap, read

T0 = 1_792_600_000


def _gpslogger(path, n: int = 30) -> list[tuple[int, float, float]]:
    pts = [
        (T0 + 5 * i, round(61.4981 + 1e-4 * i, 7), round(23.7608 + 1.5e-4 * i, 7)) for i in range(n)
    ]
    rows = ["time,lat,lon,elevation,accuracy,bearing,speed,satellites,provider,timestamp_ms"]
    for t, la, lo in pts:
        iso = datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        rows.append(f"{iso},{la},{lo},120.0,4.0,90.0,1.4,12,gps,{t * 1000}")
    path.write_text("\n".join(rows) + "\n")
    return pts


def test_a_csv_without_an_id_column_is_one_trajectory_named_by_the_file(tmp_path):
    pts = _gpslogger(tmp_path / "20261110.csv")
    df, _ = read(tmp_path / "20261110.csv")
    assert df["traj_id"].unique().to_list() == ["20261110"]
    assert df.select("t", "lat", "lon").rows() == pts
    r = invoke("data", "ingest", tmp_path / "20261110.csv", "--out", tmp_path / "st")
    assert r.exit_code == 0, r.output
    assert "each file's name (no id column" in r.output
    st = pl.read_parquet(tmp_path / "st" / "points" / "**" / "*.parquet")
    assert st["source_traj_id"].unique().to_list() == ["20261110"] and st.height == len(pts)


def test_two_id_less_csvs_are_two_trajectories(tmp_path):
    _gpslogger(tmp_path / "a.csv")
    _gpslogger(tmp_path / "b.csv", n=31)  # another log (a byte copy is read once: session 19)
    df, _ = read([tmp_path / "a.csv", tmp_path / "b.csv"])
    assert sorted(df["traj_id"].unique().to_list()) == ["a", "b"]


def test_a_csv_with_an_id_column_is_read_as_before(tmp_path):
    """Control: an id column present -> its values, not the file name."""
    (tmp_path / "f.csv").write_text(
        "vehicle_id,time,lat,lon\nbus1,2026-11-10T10:00:00Z,61.5,23.7\nbus1,2026-11-10T10:00:05Z,61.5001,23.7\n"
    )
    df, _ = read(tmp_path / "f.csv")
    assert df["traj_id"].to_list() == ["bus1", "bus1"]
    assert isinstance(df, pl.DataFrame)


def test_dji_airdata_flight_log_is_read_with_its_utc_time_column(tmp_path):
    """Airdata's export: `datetime(utc)` (whole seconds) beside `time(millisecond)`, 10 rows a
    second, no id column: one flight = one trajectory, one point per second kept."""
    rows = [
        "time(millisecond),datetime(utc),latitude,longitude,height_above_takeoff(feet),speed(mph)"
    ]
    for i in range(20):
        for ms in range(0, 1000, 250):
            stamp = datetime.fromtimestamp(T0 + i, UTC).strftime("%Y-%m-%d %H:%M:%S")
            rows.append(f"{1000 * i + ms},{stamp},{69.6492 + 1e-4 * i},{18.9553},120.5,13.4")
    (tmp_path / "Jun-5th-2026-Flight-Airdata.csv").write_text("\n".join(rows) + "\n")
    r = invoke(
        "data", "ingest", tmp_path / "Jun-5th-2026-Flight-Airdata.csv", "--out", tmp_path / "st"
    )
    assert r.exit_code == 0, r.output
    st = pl.read_parquet(tmp_path / "st" / "points" / "**" / "*.parquet")
    assert st["t"].to_list() == [T0 + i for i in range(20)]


def _one_column(path, header: str, fmt: str) -> list[tuple[int, float, float]]:
    pts = [
        (T0 + 5 * i, round(-33.0472 + 1e-4 * i, 7), round(-71.6127 + 2e-4 * i, 7))
        for i in range(15)
    ]
    rows = [header] + [
        f'bus7,{T0 + 5 * i},"{fmt.format(la=la, lo=lo)}"' for i, (_, la, lo) in enumerate(pts)
    ]
    path.write_text("\n".join(rows) + "\n")
    return pts


def test_a_point_in_one_column_wkt_or_lat_lon_text_is_read(tmp_path):
    for name, header, fmt in [
        ("wkt.csv", "vehicle_id,timestamp,geom", "POINT ({lo} {la})"),
        ("ewkt.csv", "vehicle_id,timestamp,the_geom", "SRID=4326;POINT Z ({lo} {la} 12.5)"),
        ("pair.csv", "vehicle_id,time,location", "{la},{lo}"),
    ]:
        pts = _one_column(tmp_path / name, header, fmt)
        df, _ = read(tmp_path / name)  # recognised by the column's name
        assert df.select("t", "lat", "lon").rows() == pts, name
        col = header.rsplit(",", 1)[1]
        df, _ = read(
            tmp_path / name,
            columns=ColumnMap(traj_id="vehicle_id", t=header.split(",")[1], lat=col, lon=col),
        )
        assert df.select("t", "lat", "lon").rows() == pts, name


def test_lat_lon_columns_win_over_a_location_column(tmp_path):
    """Control: with latitude / longitude columns present, a `location` text column is not read."""
    (tmp_path / "f.csv").write_text(
        "id,time,lat,lon,location\nx,2026-11-10T10:00:00Z,61.5,23.7,Tampere\nx,2026-11-10T10:00:05Z,61.5001,23.7,Tampere\n"
    )
    df, _ = read(tmp_path / "f.csv")
    assert df["lat"].to_list() == [61.5, 61.5001]


def test_an_excel_workbook_is_one_line_saying_to_save_it_as_csv(tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "fleet.xlsx", "w") as z:  # the OOXML container's first member
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>' + "\x00\xff" * 50)
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    for extra in ([], ["--format", "csv"]):
        r = invoke("data", "ingest", tmp_path / "fleet.xlsx", *extra, "--out", tmp_path / "st")
        assert r.exit_code == 2 and "CSV UTF-8" in r.output and "UTF-16" not in r.output, r.output
