"""leftover33: an error in a converted file names the user's file and its own line (SIRI-VM,
Signal K, wide lat / lon pairs, WKT lines, FitCSVTool; convwarn32 left them as `x.csv (as CSV)
line N`), and an Excel workbook's the sheet row (`book.xlsx row N`; was `book.xlsx!book.csv
line N`), the sheet named when several are read."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from helpers import read_error, wide_table


def _activity(k: int, lat: str) -> str:
    return (
        "<VehicleActivity>\n"
        f"<RecordedAtTime>2026-03-02T08:0{k}:00+00:00</RecordedAtTime>\n"
        "<MonitoredVehicleJourney><VehicleRef>bus7</VehicleRef>\n"
        f"<VehicleLocation><Longitude>-2.5</Longitude><Latitude>{lat}</Latitude>"
        "</VehicleLocation>\n</MonitoredVehicleJourney>\n</VehicleActivity>\n"
    )


def _siri(path: Path, lats: list[str]) -> Path:
    body = "".join(_activity(k, lat) for k, lat in enumerate(lats))
    path.write_text(
        '<?xml version="1.0"?>\n<Siri><ServiceDelivery><VehicleMonitoringDelivery>\n'
        f"{body}</VehicleMonitoringDelivery></ServiceDelivery></Siri>\n"
    )
    return path


def test_a_siri_files_error_names_the_activitys_line(tmp_path: Path) -> None:
    p = _siri(tmp_path / "poll.xml", ["51.45", "51.46", "north", "51.47"])
    e = read_error(p)  # each activity is 6 lines from line 3: the third starts at line 15
    assert str(e).startswith(f"{tmp_path.name}/poll.xml line 15 field lat"), str(e)
    assert (e.path, e.line) == (str(p), 15)


def test_a_siri_folders_error_names_the_poll_and_its_line(tmp_path: Path) -> None:
    (d := tmp_path / "polls").mkdir()
    _siri(d / "p1.xml", ["51.45", "51.46"])
    bad = _siri(d / "p2.xml", ["51.47", "north"])
    e = read_error(d)
    assert str(e).startswith("polls/p2.xml line 9 field lat"), str(e)
    assert (e.path, e.line) == (str(bad), 9)


def test_a_signalk_logs_error_names_the_deltas_line(tmp_path: Path) -> None:
    def delta(k: int, lat: object) -> str:
        pos = {"path": "navigation.position", "value": {"latitude": lat, "longitude": 1.9}}
        wind = {"path": "environment.wind.speedApparent", "value": 4.2}
        upd = {"timestamp": f"2026-03-02T08:0{k}:00Z", "values": [wind, pos]}
        return json.dumps({"context": "vessels.urn:mrn:imo:mmsi:235071200", "updates": [upd]})

    lines = [delta(0, 53.1), "", delta(1, 53.2), delta(2, 53.3), "not json", delta(3, "north")]
    (p := tmp_path / "ctv.log").write_text("\n".join(lines) + "\n")
    e = read_error(p)
    assert str(e).startswith(f"{tmp_path.name}/ctv.log line 6 field latitude"), str(e)
    assert (e.path, e.line) == (str(p), 6)


def test_a_wide_tables_error_names_the_ticks_line(tmp_path: Path) -> None:
    p = wide_table(tmp_path / "stage.csv", bad_row=3)
    e = read_error(p)  # the CSV's line 11 (three movers a tick); the file's line 5
    assert str(e).startswith(f"{tmp_path.name}/stage.csv line 5 field time_utc"), str(e)
    assert (e.path, e.line) == (str(p), 5)


def test_a_wkt_files_error_names_the_rows_line(tmp_path: Path) -> None:
    def line(t0: int, lat: str) -> str:
        return '"LINESTRING M (' + ", ".join(f"-8.6 {lat} {t0 + 15 * k}" for k in range(3)) + ')"'

    rows = ["id,geom", f"a,{line(1767600000, '41.1')}", f"b,{line(1767601000, '41.2')}",
            f"c,{line(1767602000, '41.3')}", f"d,{line(1767603000, 'x')}"]  # fmt: skip
    (p := tmp_path / "tracks.csv").write_text("\n".join(rows) + "\n")
    e = read_error(p)  # the CSV's line 11 (three vertices a row); the file's line 5
    assert str(e).startswith(f"{tmp_path.name}/tracks.csv line 5 field lat"), str(e)
    assert (e.path, e.line) == (str(p), 5)


def test_a_fitcsvtool_files_error_names_the_records_line(tmp_path: Path) -> None:
    head = "Type,Local Number,Message,Field 1,Value 1,Units 1,Field 2,Value 2,Units 2,Field 3,Value 3,Units 3,Field 4,Value 4,Units 4"  # noqa: E501

    def rec(ts: int, lat_deg: float) -> str:
        lat, lon = int(lat_deg * 2**31 / 180), int(-8.6 * 2**31 / 180)
        return (f"Data,0,record,timestamp,{ts},s,position_lat,{lat},semicircles,"
                f"position_long,{lon},semicircles,heart_rate,120,bpm")  # fmt: skip

    lines = [head, "Definition,0,record,timestamp,1,,position_lat,1,,position_long,1,,heart_rate,1,",
             rec(1_100_000_000, 41.1), "Data,1,event,timestamp,1100000001,s", rec(1_100_000_001, 41.1),
             rec(1_100_000_002, 41.1), rec(1_100_000_003, 95.0)]  # fmt: skip
    (p := tmp_path / "ride.csv").write_text("\n".join(lines) + "\n")
    e = read_error(p)
    assert str(e).startswith(f"{tmp_path.name}/ride.csv line 7 field lat"), str(e)
    assert (e.path, e.line) == (str(p), 7)


def _book(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def _fixes(lat0: float, bad: int | None = None) -> list[list[object]]:
    rows: list[list[object]] = [["time", "lat", "lon"]]
    for i in range(6):
        lat = "north" if i == bad else f"{lat0 + i / 1000:.4f}"
        rows.append([f"2026-02-01T08:0{i}:00Z", lat, "-8.6"])
    return rows


def test_an_xlsx_error_names_the_sheet_row(tmp_path: Path) -> None:
    p = _book(tmp_path / "book.xlsx", {"Fixes": _fixes(41.1, bad=3)})
    e = read_error(p)  # was: `book.xlsx!book.csv line 5`
    assert str(e).startswith(f"{tmp_path.name}/book.xlsx row 5 field lat"), str(e)
    assert (e.path, e.line) == (str(p), None)


def test_an_xlsx_error_under_a_units_row_names_the_sheet_row(tmp_path: Path) -> None:
    rows = _fixes(41.1, bad=3)
    rows.insert(1, ["UTC", "degrees_north", "degrees_east"])  # folded into the header
    e = read_error(_book(tmp_path / "book.xlsx", {"Fixes": rows}))
    assert str(e).startswith(f"{tmp_path.name}/book.xlsx row 6 field lat"), str(e)


def test_an_xlsx_error_on_a_sheet_per_van_names_the_sheet(tmp_path: Path) -> None:
    p = _book(tmp_path / "fleet.xlsx", {"Van A": _fixes(41.1), "Van B": _fixes(41.2, bad=4)})
    e = read_error(p)
    assert str(e).startswith(f"{tmp_path.name}/fleet.xlsx sheet 'Van B' row 6 field lat"), str(e)


def _db(path: Path) -> Path:
    import sqlite3

    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE locations (device_id TEXT, timestamp INTEGER, "
                   "double_latitude REAL, double_longitude REAL)")  # fmt: skip
        db.executemany("INSERT INTO locations VALUES (?, ?, ?, ?)",
                       [("p1", 1767600000 + 60 * i, 41.1 + i / 1000, -8.6) for i in range(8)])  # fmt: skip
    db.close()
    return path


def test_ingest_says_the_kind_of_file_it_converted(tmp_path: Path) -> None:
    from reliability_helpers import invoke

    r = invoke("data", "ingest", _db(tmp_path / "app.db"), "--out", tmp_path / "st")
    assert r.exit_code == 0, r.output
    assert "format: sqlite (converted to CSV; detected)" in r.output, r.output  # was: csv
    manifest = json.loads((tmp_path / "st" / "manifest.json").read_text())
    assert manifest["reading"]["format"] == "csv"  # what the store was read as, as before
    assert manifest["reading"]["converted_from"] == ["sqlite"]


def test_ingest_of_a_csv_beside_a_workbook_says_both(tmp_path: Path) -> None:
    from reliability_helpers import invoke

    book = _book(tmp_path / "van.xlsx", {"Fixes": _fixes(41.1)})
    rows = ["time,lat,lon"] + [f"2026-02-01T09:0{i}:00Z,41.2{i},-8.6" for i in range(6)]
    (plain := tmp_path / "car.csv").write_text("\n".join(rows) + "\n")
    r = invoke("data", "ingest", plain, book, "--out", tmp_path / "st")
    assert r.exit_code == 0, r.output
    assert (
        "format: csv (detected; --format to choose another; xlsx converted to CSV first)"
        in r.output
    )
    r = invoke("data", "ingest", plain, "--out", tmp_path / "st2")
    assert "format: csv (detected; --format to choose another)\n" in r.output, r.output
