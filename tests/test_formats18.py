"""Session 18 (formats18), tables: CSV layouts from a mobility researcher's / fleet data
scientist's test (coordinates as text, spreadsheet leftovers, comment headers, dates), each read
exactly with no options or refused in one line. Files are generated here, seeded.
Track and JSON layouts: test_formats18_tracks.py."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from trajlm.data.readers import read
from trajlm.data.schema import TrajlmInputError

T0 = 1_788_000_000  # 2026-08-29


def _pts(n: int, lat: float = -12.0464, lon: float = -77.0428, dt: int = 7) -> list[tuple]:
    return [(T0 + dt * i, round(lat + 1.3e-4 * i, 6), round(lon - 1.1e-4 * i, 6)) for i in range(n)]


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write(tmp_path, name: str, text: str):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _dms(v: float, pos: str, neg: str) -> tuple[str, float]:
    a = abs(v)
    d, m = int(a), int((a - int(a)) * 60)
    s = round(((a - d) * 60 - m) * 60, 2)
    exact = (d + m / 60 + s / 3600) * (1 if v >= 0 else -1)
    return f"{d}°{m:02d}'{s:05.2f}\"{pos if v >= 0 else neg}", exact


def _ddm(v: float, pos: str, neg: str) -> tuple[str, float]:
    a = abs(v)
    d, m = int(a), round((a - int(a)) * 60, 4)
    return f"{pos if v >= 0 else neg} {d}° {m:07.4f}'", (d + m / 60) * (1 if v >= 0 else -1)


def _check(df, truth: list[tuple]) -> None:
    assert len(df) == len(truth)
    for (t, la, lo), row in zip(truth, df.sort("t").iter_rows(named=True), strict=True):
        assert row["t"] == t and abs(row["lat"] - la) < 1e-9 and abs(row["lon"] - lo) < 1e-9


@pytest.mark.parametrize("form", ["dms", "ddm", "letters"])
def test_coordinates_written_as_degrees_minutes_seconds_or_with_letters_are_read(tmp_path, form):
    """`12°02'47.04"S` / `N 44° 25.6080'` / `12.046400S`: were 'latitude is missing or not a
    number (value None)' on every row."""
    rows, truth = ["vehicle,time,latitude,longitude"], []
    for t, la, lo in _pts(20):
        if form == "dms":
            (a, la2), (b, lo2) = _dms(la, "N", "S"), _dms(lo, "E", "W")
            a, b = '"' + a.replace('"', '""') + '"', '"' + b.replace('"', '""') + '"'
        elif form == "ddm":
            (a, la2), (b, lo2) = _ddm(la, "N", "S"), _ddm(lo, "E", "W")
        else:
            a, la2 = f"{abs(la):.6f}{'N' if la >= 0 else 'S'}", la
            b, lo2 = f"{abs(lo):.6f}{'E' if lo >= 0 else 'W'}", lo
        rows.append(f"van7,{_iso(t)},{a},{b}")
        truth.append((t, la2, lo2))
    df, _ = read(_write(tmp_path, f"{form}.csv", "\n".join(rows) + "\n"))
    _check(df, truth)


def test_coordinate_text_of_the_wrong_axis_or_beyond_60_minutes_is_not_read(tmp_path):
    """Control: a longitude letter in the latitude column, 61 minutes, a sign beside a letter
    stay malformed (named), plain numbers read as before."""
    good = f"a,{_iso(T0)},-12.5,-77.25\n"
    for bad in ["12.5E", '"12°61\'00.0""S"', "-12.5S", "12 rue"]:
        text = f"id,time,lat,lon\n{good}a,{_iso(T0 + 9)},{bad},-77.26\n"
        with pytest.raises(TrajlmInputError, match="line 3 field lat"):
            read(_write(tmp_path, "bad.csv", text))
        df, rep = read(tmp_path / "bad.csv", on_error="skip")
        assert df.select("lat", "lon").rows() == [(-12.5, -77.25)]
        assert rep.dropped["malformed_row"] == 1


def test_trailing_unnamed_columns_and_empty_rows_of_excel_are_read(tmp_path):
    """`id,time,lat,lon,,,` (Excel's trailing empty columns, blank rows `,,,,,,` at the end):
    was 'column name(s) [''] appear more than once in the header'."""
    pts = _pts(8)
    rows = ["id,time,lat,lon,,,", *(f"tuk9,{_iso(t)},{la},{lo},,," for t, la, lo in pts), ",,,,,,"]
    df, rep = read(_write(tmp_path, "x.csv", "\r\n".join(rows) + "\r\n"))
    _check(df, pts)
    assert rep.dropped == {"no_fix": 1}


def test_comment_lines_before_the_header_are_skipped(tmp_path):
    """`# exported by ...` lines before a tab-separated header: the first comment was taken
    as the header ('missing column(s) ... the file has ['# exported by ...']')."""
    pts = _pts(8)
    head = "# exported by FleetHub 3.2 on 2026-05-05\n# WGS84, times UTC, a, b\n#\n"
    body = "".join(f"truck0\t{_iso(t)}\t{la}\t{lo}\n" for t, la, lo in pts)
    p = _write(tmp_path, "x.tsv", head + "vehicle_id\ttimestamp\tlatitude\tlongitude\n" + body)
    df, _ = read(p)
    _check(df, pts)
    assert df["traj_id"].unique().to_list() == ["truck0"]
    with pytest.raises(TrajlmInputError, match="line 6 field lat"):  # line numbers kept
        read(_write(tmp_path, "y.tsv", head + "vehicle_id\ttimestamp\tlatitude\tlongitude\n"
                    + body.replace(f"\t{pts[1][1]}\t", "\tnorth\t")))  # fmt: skip


def test_a_header_starting_with_hash_is_still_the_header(tmp_path):
    """Control: the Danish AIS header `# Timestamp,...` (as many fields as the rows) is the
    header, not a comment (passes before and after)."""
    pts = _pts(6)
    rows = ["# Timestamp,Type of mobile,MMSI,Latitude,Longitude"]
    rows += [
        f"{datetime.fromtimestamp(t, UTC):%d/%m/%Y %H:%M:%S},Class A,219000001,{la},{lo}"
        for t, la, lo in pts
    ]
    df, _ = read(_write(tmp_path, "aisdk.csv", "\n".join(rows) + "\n"))
    _check(df, pts)


def test_json_lines_and_arrow_ipc_tables_are_read(tmp_path):
    """`.jsonl` (one flat object a line), GeoJSON Lines and Feather / Arrow IPC were 'cannot
    tell the format from the name'; each is read like a Parquet / GeoJSON point table."""
    import json

    import pyarrow as pa
    import pyarrow.feather as feather

    pts = _pts(10)
    rows = [
        {"device": "s1", "ts": _iso(t), "lat": la, "lng": lo, "battery": 80} for t, la, lo in pts
    ]
    (tmp_path / "p.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    feats = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lo, la]},
         "properties": {"vehicle_id": "s1", "time": _iso(t)}}
        for t, la, lo in pts
    ]  # fmt: skip
    (tmp_path / "p.geojsonl").write_text("".join("\x1e" + json.dumps(f) + "\n" for f in feats))
    times = pa.array(
        [datetime.fromtimestamp(t, UTC) for t, _, _ in pts], pa.timestamp("us", tz="UTC")
    )
    table = pa.table({"vehicle_id": ["s1"] * 10, "timestamp": times,
                      "lat": [p[1] for p in pts], "lon": [p[2] for p in pts]})  # fmt: skip
    feather.write_feather(table, tmp_path / "p.feather")
    from trajlm.data.readers import file_format

    for name in ("p.jsonl", "p.geojsonl", "p.feather"):
        df, _ = read(tmp_path / name)
        _check(df, pts)
        fmt = file_format(tmp_path / name)  # what `trajlm predict --input` passes to read
        assert fmt == ("mfjson" if name.endswith("geojsonl") else "parquet")
        _check(read(tmp_path / name, fmt)[0], pts)
        assert df["traj_id"].unique().to_list() in (["s1"], ["p/s1"]), name


def test_a_broken_json_lines_row_is_one_line_naming_it(tmp_path):
    p = _write(tmp_path, "b.jsonl", '{"id": "a", "ts": 1, "lat": 1, "lon": 2}\n{"id": "a", \n')
    with pytest.raises(TrajlmInputError, match=r"b\.jsonl line 2: not readable as JSON Lines"):
        read(p)


def test_gtfs_shapes_and_stops_are_named_not_missing_columns(tmp_path):
    """GTFS shapes.txt has no times: said so (was "missing column(s) ['traj_id', 't', 'lat',
    'lon']" with a closest-name hint that cannot help)."""
    shapes = "shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence\nS1,-34.9,-56.16,1\nS1,-34.91,-56.17,2\n"
    with pytest.raises(TrajlmInputError, match="a GTFS shapes.txt: .* no times") as e:
        read(_write(tmp_path, "shapes.txt", shapes))
    assert "skip" not in str(e.value)
    stops = "stop_id,stop_name,stop_lat,stop_lon\n1,Centro,-34.9,-56.16\n"
    with pytest.raises(TrajlmInputError, match="a GTFS stops.txt"):
        read(_write(tmp_path, "stops.txt", stops))


def _dated(tmp_path, name: str, fmt: str, pts: list[tuple], time_col: str = "time"):
    rows = [f"id,{time_col},lat,lon"]
    rows += [f"a,{datetime.fromtimestamp(t, UTC).strftime(fmt)},{la},{lo}" for t, la, lo in pts]
    return _write(tmp_path, name, "\n".join(rows) + "\n")


def test_year_first_and_day_first_slashed_dates_are_read(tmp_path):
    """`2026/08/29 10:40:00` (Argos, East Asian exports) and `29/08/2026 10:40:00` with a day
    over 12 in the column (UK fleets): were 'not ISO-8601 nor Unix seconds'."""
    pts = _pts(8, dt=3600 * 7)  # 29 Aug 10:40 .. 31 Aug: days 29-31 tell the order
    for name, fmt in (("ymd.csv", "%Y/%m/%d %H:%M:%S"), ("dmy.csv", "%d/%m/%Y %H:%M:%S"),
                      ("mdy.csv", "%m/%d/%Y %H:%M"), ("dmy_hm.csv", "%d/%m/%Y %H:%M")):  # fmt: skip
        df, _ = read(_dated(tmp_path, name, fmt, pts))
        whole = [(t - t % 60, la, lo) for t, la, lo in pts] if "%S" not in fmt else pts
        _check(df, whole)


def test_slashed_dates_that_cannot_tell_day_from_month_stay_refused(tmp_path):
    """Control: 01/02/2026 .. 03/02/2026 (no number over 12) is still one line asking for the
    format, never a guess."""
    pts = [(1_769_904_000 + 86400 * i, 51.5, -0.1 + i * 1e-3) for i in range(3)]  # 1-3 Feb 2026
    with pytest.raises(TrajlmInputError, match="not parseable .* give its format"):
        read(_dated(tmp_path, "amb.csv", "%d/%m/%Y %H:%M:%S", pts))


def test_excel_serial_dates_are_named_and_read_with_time_format_excel(tmp_path):
    """Excel serial date-times (46263.4447...): the before-1990 error pointed only at
    --time-origin (elapsed seconds); it now names Excel serials and `excel` reads them."""
    from trajlm.data.readers import ColumnMap

    pts = _pts(6, dt=60)
    rows = ["id,DateTime,lat,lon"] + [
        f"a,{(t / 86400 + 25569):.10f},{la},{lo}" for t, la, lo in pts
    ]
    p = _write(tmp_path, "serial.csv", "\n".join(rows) + "\n")
    with pytest.raises(
        TrajlmInputError, match=r"Excel serial dates, days since 1899-12-30\? --time-format excel"
    ):
        read(p)
    df, _ = read(p, columns=ColumnMap(traj_id="id", t="DateTime", time_format="excel"))
    _check(df, pts)


def test_integer_degrees_times_1e7_are_read_and_said(tmp_path):
    """Teltonika AVL dumps: `latitude=160544000` (degrees x 1e7) were refused as projected
    metres with a --crs hint that cannot help; now divided by 1e7, said in a warning."""
    pts = _pts(8, lat=16.0544, lon=108.2022)
    rows = ["imei,timestamp,longitude,latitude"]
    rows += [f"352093081234567,{t},{round(lo * 1e7)},{round(la * 1e7)}" for t, la, lo in pts]
    with pytest.warns(UserWarning, match="read as degrees x 1e7"):
        df, _ = read(_write(tmp_path, "avl.csv", "\n".join(rows) + "\n"))
    _check(df, pts)


def test_projected_metres_are_still_refused_naming_the_crs(tmp_path):
    """Control: UTM metres (integers under 2.1e7) are not taken for degrees x 1e7; Web Mercator
    metres get EPSG:3857 named."""
    rows = ["id,time,y,x", f"a,{_iso(T0)},4649776,-8235000", f"a,{_iso(T0 + 9)},4649790,-8234990"]
    with pytest.raises(TrajlmInputError, match="look projected .*EPSG:3857"):
        read(_write(tmp_path, "m.csv", "\n".join(rows) + "\n"))


def test_a_utc_offset_column_beside_naive_local_times_is_applied(tmp_path):
    """`local_time,utc_offset` (+01:00 then +02:00 after the spring-forward): the offsets were
    ignored and the times read as UTC (off by one or two hours, a note naming --tz)."""
    from zoneinfo import ZoneInfo

    z = ZoneInfo("Europe/Madrid")
    pts = [
        (1_774_742_400 + 600 * i, 39.47 + 1e-4 * i, -0.376) for i in range(12)
    ]  # 29 Mar 2026 00:00Z
    rows = ["driver,time,utc_offset,lat,lon"]
    for t, la, lo in pts:
        loc = datetime.fromtimestamp(t, UTC).astimezone(z)
        off = loc.strftime("%z")
        rows.append(f"d1,{loc:%Y-%m-%d %H:%M:%S},{off[:3]}:{off[3:]},{la},{lo}")
    df, _ = read(_write(tmp_path, "x.csv", "\n".join(rows) + "\n"))
    _check(df, pts)
    zoned = [r.replace(" ", "T", 1).split(",") for r in rows[1:]]  # control: Z times kept
    text = "driver,time,utc_offset,lat,lon\n" + "".join(
        f"d1,{_iso(t)},{z_[2]},{la},{lo}\n" for (t, la, lo), z_ in zip(pts, zoned, strict=True)
    )
    df, _ = read(_write(tmp_path, "y.csv", text))
    _check(df, pts)


def test_windows_1252_rows_are_read_and_counted(tmp_path):
    """Accented driver names saved by Excel as Windows-1252 (`José Núñez`): every row was
    'bytes are not valid UTF-8 ... use --on-error skip' (which dropped them all)."""
    pts = _pts(6)
    rows = ["vehicle_id,fecha_hora,latitud,longitud"]
    rows += [
        f"{who},{_iso(t)},{la},{lo}" for who in ("José Núñez", "Inés Peña") for t, la, lo in pts
    ]
    p = tmp_path / "c.csv"
    p.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    df, rep = read(p)
    assert sorted(df["traj_id"].unique().to_list()) == ["Inés Peña", "José Núñez"]
    _check(df.filter(pl.col("traj_id") == "Inés Peña"), pts)
    assert rep.repaired["cp1252_lines"] == 12


def test_unsigned_coordinates_with_hemisphere_columns_are_signed(tmp_path):
    """A tracker dump `lat,ns,lon,ew` in NMEA ddmm.mmmm (was 'look projected (metres)'), and
    EXIF-style decimal degrees with GPSLatitudeRef / GPSLongitudeRef (was read unsigned: a
    track in the wrong hemisphere, silently)."""
    pts = _pts(8, lat=-5.6037, lon=-0.187)
    rows, exif = (
        ["id,time,lat,ns,lon,ew"],
        ["id,time,GPSLatitude,GPSLatitudeRef,GPSLongitude,GPSLongitudeRef"],
    )
    truth = []
    for t, la, lo in pts:
        d, e = int(abs(la)), int(abs(lo))
        m, n = round((abs(la) - d) * 60, 4), round((abs(lo) - e) * 60, 4)
        rows.append(f"a,{_iso(t)},{d:02d}{m:07.4f},S,{e:03d}{n:07.4f},W")
        truth.append((t, -(d + m / 60), -(e + n / 60)))
        exif.append(f"a,{_iso(t)},{abs(la)},S,{abs(lo)},W")
    df, _ = read(_write(tmp_path, "ddmm.csv", "\n".join(rows) + "\n"))
    _check(df, truth)
    from trajlm.data.readers import ColumnMap

    exif_cols = ColumnMap(lat="GPSLatitude", lon="GPSLongitude")
    df, _ = read(_write(tmp_path, "exif.csv", "\n".join(exif) + "\n"), columns=exif_cols)
    _check(df, pts)


def test_two_vehicles_without_a_recognised_id_column_are_not_one_trajectory(tmp_path):
    """`unit,timestamp,latitude,longitude` (an id name trajlm does not know; `asset` is known
    since the lead's session-18 names) with two trucks:
    read as ONE trajectory jumping between them (only a speed warning); then one line naming
    the column that separates them and --traj-col; since leftover39 a column so named (the
    only one that separates them) is read as the id, said. Another name is still told."""
    a, b = _pts(6), _pts(6, lat=40.4093, lon=49.8671)
    rows = ["unit,timestamp,latitude,longitude"]
    rows += [
        f"{k},{_iso(t)},{la},{lo}" for k, pts in (("truck0", a), ("truck1", b)) for t, la, lo in pts
    ]
    with pytest.warns(UserWarning, match=r"'unit' read as the trajectory id"):
        df, _ = read(_write(tmp_path, "fleet.csv", "\n".join(rows) + "\n"))
    assert df["traj_id"].n_unique() == 2
    rows[0] = rows[0].replace("unit,", "truck_code,")
    with pytest.raises(
        TrajlmInputError, match=r"several trajectories.*\['truck_code'\].*--traj-col 'truck_code'"
    ):
        read(_write(tmp_path, "fleet2.csv", "\n".join(rows) + "\n"))


def test_one_track_without_an_id_column_is_still_one_trajectory(tmp_path):
    """Control: a GPSLogger-like file (no id column) is one trajectory named after the file,
    also with a constant text column and a row out of time order."""
    pts = _pts(8)
    rows = ["time,lat,lon,provider"] + [f"{_iso(t)},{la},{lo},gps" for t, la, lo in pts]
    rows[3], rows[4] = rows[4], rows[3]
    df, _ = read(_write(tmp_path, "20260829.csv", "\n".join(rows) + "\n"))
    _check(df, pts)
    assert df["traj_id"].unique().to_list() == ["20260829"]
