"""Session 30 (heldout30): held-out exports the readers refused, or read wrong.

Before: a Spanish cattle-collar portal's `10-ene-2026 00:40:46` was "not parseable" with a
strptime hint that could not help (`%b` is English only); a fleet portal's `report.xls` that is
an HTML table was "a spreadsheet workbook" with a `pd.read_excel` hint that fails on HTML; a
sounding system's whitespace-aligned text table was one column named by its whole header line;
its -9999.0 missing fixes were refused as "latitude outside [-90, 90]"; a harvester's British-grid
`Easting` / `Northing` of 0 / 0 were read with --crs as a point off the Scilly Isles (400 fast
steps, a warning only); `Collar` / `Machine` / `runner` were not taken as the trajectory id."""

from __future__ import annotations

import json

import polars as pl
import pytest

from trajlm.data.column_names import find_columns
from trajlm.data.readers import read
from trajlm.data.readers._column_map import ColumnMap
from trajlm.data.readers._times import parse_time
from trajlm.errors import TrajlmInputError


def _times(values: list[str], fmt: str | None = None) -> list[int | None]:
    return pl.DataFrame({"t": values}).select(parse_time("t", fmt)).to_series().to_list()


def test_month_names_of_other_languages_are_read() -> None:
    jan10 = 1768005646  # 2026-01-10 00:40:46 UTC
    assert _times(["10-ene-2026 00:40:46", "10-Jan-2026 00:40:46", "10 janv. 2026 00:40:46",
                   "10.Jän.2026 00:40:46", "10/gen/2026 00:40:46"]) == [jan10] * 5  # fmt: skip
    assert _times(["3-dic-2026 07:05", "1 out 2026 12:00:00", "2 Mär 2026 09:00"]) == [
        1796281500, 1790856000, 1772442000]  # fmt: skip
    # the user's own strptime pattern sees the English word too (the old hint now works)
    assert _times(["10-ene-2026 00:40:46"], "%d-%b-%Y %H:%M:%S") == [jan10]
    assert _times(["10-foo-2026 00:40:46"]) == [None]  # not a month: still unparsed


def test_the_spanish_cattle_csv_reads_with_no_options(tmp_path) -> None:
    p = tmp_path / "collares.csv"
    rows = [f"VC-{k};{10 + i}-ene-2026;0{i}:30:00;39,4{i}{k};-6,3{i}{k}" for k in (1, 2)
            for i in range(5)]  # fmt: skip
    p.write_text("Collar;Fecha;Hora;Latitud;Longitud\n" + "\n".join(rows) + "\n", "utf-8")
    df, _ = read(p)  # was: time not parseable, then "name the id column: --traj-col 'Collar'"
    assert sorted(df["traj_id"].unique()) == ["VC-1", "VC-2"]
    assert df["t"].min() == 1768005000  # 10 Jan 2026 00:30 (as UTC, with the no-zone note)
    assert df["lat"].max() == pytest.approx(39.442)


def test_an_html_table_saved_as_xls_is_read_as_its_table(tmp_path) -> None:
    p = tmp_path / "report.xls"
    cells = [("W-1 PV", f"01.12.2026 07:5{i}:00", 48.16 + i * 1e-3, 16.39) for i in range(4)]
    body = "".join(
        f"<tr><td>{v}</td><td>{t}</td><td>{a}</td><td>{o}</td></tr>\n" for v, t, a, o in cells
    )
    p.write_text('<html><head><meta charset="utf-8"></head><body><table border="1">\n'
                 '<tr><td colspan="4"><b>Position report</b></td></tr>\n'
                 "<tr><th>Vehicle</th><th>Date/Time</th><th>Latitude</th><th>Longitude</th></tr>\n"
                 f"{body}</table></body></html>")  # fmt: skip
    df, _ = read(p)  # was: "a spreadsheet workbook ... pd.read_excel(path)" (fails on HTML)
    assert df["traj_id"].unique().to_list() == ["W-1 PV"] and len(df) == 4
    assert df["t"].min() == 1796111400  # 01.12.2026 07:50 read day-first


def test_a_whitespace_aligned_table_with_comments_and_9999_fixes_is_read(tmp_path) -> None:
    p = tmp_path / "sounding.txt"
    rows = [f"{f:>6} {2 * i:>6} 2026-11-01 10:5{i}:00 {48.2 + i / 1e3:>9.4f} {11.5:>9.4f}"
            for f in (41026, 41027) for i in range(6)]  # fmt: skip
    rows[3] = rows[3][:-20] + f"{-9999.0:>9.1f} {-9999.0:>9.1f}"
    p.write_text("# Upper-air sounding export, station 10868\n# Missing values: -9999.0\n"
                 f"{'Flight':>6} {'Elapsed(s)':>6} Date Time {'Lat':>9} {'Lon':>9}\n"
                 + "\n".join(rows) + "\n")  # fmt: skip
    df, report = read(p)  # was: one column named by the whole header line
    assert df["traj_id"].n_unique() == 2 and len(df) == 11
    assert report.dropped["no_fix"] == 1  # -9999 / -9999: was "latitude outside [-90, 90]"
    # a space-separated line of a CSV-like file is not taken for an aligned table
    q = tmp_path / "notes.txt"
    q.write_text("id,t,lat,lon\n" + "\n".join(f"a,{1770000000 + i},1.0,2.0" for i in range(6)))
    assert read(q)[0].height == 6


def test_projected_zero_zero_is_no_fix_not_a_place(tmp_path) -> None:
    pytest.importorskip("pyproj")
    p = tmp_path / "harvester.csv"
    rows = [f"HV01,2026-09-14T06:4{i}:00Z,{262400 + 5 * i},{708300 + 5 * i}" for i in range(6)]
    rows[2] = "HV01,2026-09-14T06:42:00Z,0.0,0.0"
    p.write_text("Machine,Timestamp,Easting,Northing\n" + "\n".join(rows) + "\n")
    cm = ColumnMap(traj_id="Machine", t="Timestamp", lat="Northing", lon="Easting",
                   crs="EPSG:27700")  # fmt: skip
    df, report = read(p, columns=cm)  # was kept: 49.77 N, 7.56 W, off the Scilly Isles
    assert len(df) == 5 and report.dropped["no_fix"] == 1
    assert df["lat"].min() > 56 and df["lon"].max() < -3  # Scotland
    with pytest.raises(TrajlmInputError, match="National Grid EPSG:27700"):  # named without --crs
        read(p)


def test_a_collar_a_machine_and_a_runner_are_the_trajectory() -> None:
    assert find_columns("traj_id", ["Collar", "Fecha", "Hora", "Latitud"]) == ["Collar"]
    assert find_columns("traj_id", ["Machine", "Timestamp", "Easting"]) == ["Machine"]
    assert find_columns("traj_id", ["runner", "date", "time", "lat", "lng"]) == ["runner"]


def test_a_wide_table_of_lat_lon_pairs_is_one_mover_per_pair(tmp_path) -> None:
    from trajlm.data.readers.wide_pairs import wide_pairs

    p = tmp_path / "stage.csv"
    head = "time_utc," + ",".join(f"lat_{c},lon_{c}" for c in (201, 202, 203))
    rows = [f"2026-01-08 07:3{i}:00," + ",".join(f"23.{c}{i},45.9{i}" if i or c != 203 else ","
                                                   for c in (201, 202, 203)) for i in range(5)]  # fmt: skip
    p.write_text(head + "\n" + "\n".join(rows) + "\n")
    with pytest.warns(UserWarning, match="3 latitude / longitude column pairs"):
        df, _ = read(p)  # was: "missing column(s) ['traj_id', 'lat', 'lon']"
    assert sorted(df["traj_id"].unique()) == ["201", "202", "203"]
    assert len(df) == 14  # car 203 had not started at the first tick: left out, not an error
    # two pairs are two places of one row (a trip table), not movers
    assert wide_pairs(["id", "pickup_lat", "pickup_lon", "dropoff_lat", "dropoff_lon"]) == {}


def test_a_wide_tables_unpaired_columns_are_said_not_dropped(tmp_path) -> None:
    p = tmp_path / "stage.csv"  # lat_203 beside lon_204: that mover cannot be read (badin30)
    head = "time_utc,lat_201,lon_201,lat_202,lon_202,lat_203,lon_204,lat_205,lon_205"
    rows = [f"2026-01-08 07:3{i}:00," + ",".join([f"23.1{i}", "45.9"] * 4) for i in range(5)]
    p.write_text(head + "\n" + "\n".join(rows) + "\n")
    with pytest.warns(UserWarning, match=r"lat_203, lon_204 have no latitude / longitude partner"):
        df, _ = read(p)
    assert sorted(df["traj_id"].unique()) == ["201", "202", "205"]
    assert not {"lat_203", "lon_204"} & set(df.columns)


def test_signal_k_deltas_are_read_by_vessel(tmp_path) -> None:
    def delta(ctx: str, s: int, pos: bool) -> str:
        vals = ([{"path": "navigation.position", "value": {"longitude": 6.72 + s * 1e-4,
                                                           "latitude": 53.87}}] if pos else
                [{"path": "environment.depth.belowTransducer", "value": 22.1}])  # fmt: skip
        upd = {"timestamp": f"2026-05-04T05:30:{s:02d}.000Z", "values": vals}
        return json.dumps({"context": f"vessels.urn:mrn:imo:mmsi:{ctx}", "updates": [upd]})

    p = tmp_path / "signalk.jsonl"
    p.write_text("\n".join(delta(m, s, s % 10 != 5) for m in ("235071200", "235071201")
                           for s in range(0, 60, 5)) + "\n")  # fmt: skip
    df, _ = read(p)  # was: "missing column(s) ... the file has ['context', 'updates']"
    assert sorted(df["traj_id"].unique()) == ["235071200", "235071201"]
    assert len(df) == 12  # 6 of each boat's 12 deltas: the depth-only ones hold no position
    assert df["t"].min() == 1777872600  # 05:30:00 Z


def test_solar_hijri_dates_read_with_jalali_and_are_named_without_it(tmp_path) -> None:
    assert _times(["1405/09/02 06:53:01", "1403/12/30 00:00:00"], "jalali") == [
        1795416781,
        1742428800,
    ]  # 2026-11-23 06:53:01, 2025-03-20 (1403 is a leap year)
    assert _times(["1404/12/30 00:00:00"], "jalali") == [None]  # 1404 is not
    p = tmp_path / "runs.csv"
    p.write_text("runner,date,time,lat,lng\n" + "\n".join(
        f"r01,1405/09/02,06:53:0{i},35.76{i},51.41" for i in range(5)) + "\n")  # fmt: skip
    with pytest.raises(TrajlmInputError, match="Solar Hijri.*--time-format jalali"):
        read(p)  # was: "time before 1990" and its Unix value alone
    df, _ = read(p, columns=ColumnMap(time_format="jalali"))
    assert df["t"].min() == 1795416780  # 06:53:00 (as UTC, with the no-zone note)


def test_a_tracker_servers_invalid_fixes_are_no_fix(tmp_path) -> None:
    p = tmp_path / "tc_positions.csv"
    rows = [f"{880001 + i},teltonika,1400,2026-02-03 20:2{i}:00,{0 if i == 2 else 1},"
            f"-43.5{i},172.6{i},45.2" for i in range(6)]  # fmt: skip
    p.write_text("id,protocol,deviceid,fixtime,valid,latitude,longitude,speed\n"
                 + "\n".join(rows) + "\n")  # fmt: skip
    df, report = read(p)  # was: the valid=0 row (the last fix sent again) kept as a fix
    assert len(df) == 5 and report.dropped["no_fix"] == 1
    q = tmp_path / "sats.csv"  # a `valid` column of other numbers is no flag
    q.write_text(p.read_text().replace(",0,-43.52", ",7,-43.52").replace(",1,-43.5", ",9,-43.5"))
    assert read(q)[0].height == 6


def test_frames_read_as_the_files_now_are() -> None:
    import pandas as pd

    import trajlm

    # a Traccar `tc_positions` frame: `id` is a row key, `deviceid` the tracker (was: 120
    # movers of one point each, answered with warnings only)
    n = 120
    tc = pd.DataFrame({"id": range(880001, 880001 + n), "deviceid": [1400, 1401] * (n // 2),
                       "fixtime": [f"2026-02-03 20:{i // 2 // 60:02d}:{i // 2 % 60:02d}" for i in range(n)],
                       "latitude": -43.5, "longitude": [172.6 + i * 1e-4 for i in range(n)]})  # fmt: skip
    assert trajlm.to_canonical(tc)["traj_id"].n_unique() == 2
    # a Spanish month name in a frame's time text (was: "do not parse as ISO dates")
    es = pd.DataFrame({"Collar": "VC-1", "Fecha": ["10-ene-2026 00:30:00", "10-ene-2026 01:00:00"],
                       "Latitud": [39.4, 39.41], "Longitud": [-6.3, -6.31]})  # fmt: skip
    assert trajlm.to_canonical(es, time_col="Fecha")["t"].to_list() == [1768005000, 1768006800]
    # -9999 / -9999: named as a missing value for trajlm.clean (was: "not a latitude in degrees;
    # for projected coordinates pass crs=")
    rs = pd.DataFrame({"Flight": 41026, "Time": ["2026-11-01T10:52:42Z", "2026-11-01T10:52:44Z",
                       "2026-11-01T10:52:46Z"], "Lat": [48.2, -9999.0, 48.21], "Lon": [11.5, -9999.0, 11.51]})  # fmt: skip
    with pytest.raises(TrajlmInputError, match="-9999.*trajlm.clean"):
        trajlm.to_canonical(rs)
    assert len(trajlm.clean(rs, return_report=False)) == 2
