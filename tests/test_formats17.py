"""Session 17 (formats17), tables: CSV / Parquet / spreadsheet layouts, times and Python frames
from a fleet / mobility user's test, each read exactly with no options (or refused in one line).
Files are generated here, seeded. Tracks, JSON, Parquet point columns and archives:
test_formats17_tracks.py."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import polars as pl
import pytest
from reliability_helpers import invoke

from trajlm.data.readers import read

T0 = 1_788_000_000  # 2026-08-29


def _pts(n: int, lat: float = 59.437, lon: float = 24.7536, dt: int = 2) -> list[tuple]:
    return [(T0 + dt * i, round(lat + 1.1e-4 * i, 7), round(lon + 1.7e-4 * i, 7)) for i in range(n)]


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_traccar_route_report_device_column_is_the_trajectory(tmp_path):
    """Traccar's route report names the tracker `Device`: two trucks were one trajectory
    (duplicate times dropped, 900 m/s steps only warned)."""
    a, b = _pts(20), _pts(20, lat=-22.56, lon=17.06)
    rows = ["Device,Valid,Fix Time,Latitude,Longitude,Speed"]
    for (t1, la1, lo1), (_, la2, lo2) in zip(a, b, strict=True):
        ft = datetime.fromtimestamp(t1, UTC).strftime("%Y-%m-%d %H:%M:%S")
        rows += [f"Truck 1,Yes,{ft},{la1},{lo1},12.3 kn", f"Truck 2,Yes,{ft},{la2},{lo2},11 kn"]
    (tmp_path / "route.csv").write_text("\n".join(rows) + "\n")
    df, rep = read(tmp_path / "route.csv")
    assert sorted(df["traj_id"].unique().to_list()) == ["Truck 1", "Truck 2"]
    assert df.filter(pl.col("traj_id") == "Truck 2").select("t", "lat", "lon").rows() == b
    assert not rep.dropped


def _ns_frame():
    import pandas as pd

    rng = np.random.default_rng(17)
    t_ns = pd.Timestamp("2026-06-01T10:00:00Z").value + np.arange(12) * 2_000_000_000
    t_ns = t_ns + rng.integers(0, 999_999_999, 12)
    df = pd.DataFrame({"trip_id": "a", "timestamp": pd.to_datetime(t_ns, utc=True),
                       "lat": 46.05 + np.arange(12) * 1e-4, "lon": 14.5 + np.arange(12) * 1e-4})  # fmt: skip
    return df, t_ns


def test_ns_datetimes_come_back_from_clean_to_the_nanosecond():
    """Were datetime64[us] (the fraction carried as float seconds: up to ~1 us off)."""
    import trajlm

    df, t_ns = _ns_frame()
    out, _ = trajlm.clean(df)
    assert str(out["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert (out["timestamp"].array.asi8 == t_ns).all()
    pdf = pl.from_pandas(df)
    out_pl, _ = trajlm.clean(pdf)
    assert (out_pl["timestamp"].dt.epoch("ns").to_numpy() == t_ns).all()


def test_ns_datetimes_keep_their_nanoseconds_on_predicted_times():
    import trajlm
    from trajlm.data.coerce import coerce
    from trajlm.data.coerce_out import from_canonical

    df, t_ns = _ns_frame()
    table, layout = coerce(df)
    last = table.tail(1)
    pred = pl.DataFrame({"traj_id": last["traj_id"], "t": last["t"] + 5, "lat": last["lat"],
                         "lon": last["lon"]})  # fmt: skip
    out = from_canonical(pred, layout=layout)
    assert out["timestamp"].array.asi8[0] == t_ns[-1] + 5_000_000_000
    assert trajlm is not None


def test_sensor_columns_of_a_plain_csv_are_kept_by_ingest(tmp_path):
    """hr / cadence / power / temp columns were "not kept in the store" (ColumnMap(extra=) in
    Python only); now under the GPX / TCX / FIT names, as numbers. A bare `speed` (km/h as
    often as m/s) is still not taken."""
    pts = _pts(20, lat=-0.18, lon=-78.47)
    rows = ["activity_id,timestamp,lat,lon,hr,cadence,power,temp,speed"]
    rows += [f"ride1,{_iso(t)},{la},{lo},{110 + i},{85 + i % 3},{200 + i},14,{30 + i}"
             for i, (t, la, lo) in enumerate(pts)]  # fmt: skip
    (tmp_path / "ride.csv").write_text("\n".join(rows) + "\n")
    r = invoke("data", "ingest", tmp_path / "ride.csv", "--out", tmp_path / "st")
    assert r.exit_code == 0, r.output
    assert "heart_rate_bpm <- 'hr'" in r.output and "not kept in the store: ['speed']" in r.output
    st = pl.read_parquet(tmp_path / "st" / "points" / "**" / "*.parquet").sort("t")
    assert st["heart_rate_bpm"].dtype == pl.Float64
    assert st["heart_rate_bpm"].to_list() == [110.0 + i for i in range(20)]
    assert (
        st["power_w"][3] == 203.0
        and st["temperature_c"][0] == 14.0
        and "speed_mps" not in st.columns
    )


@pytest.mark.parametrize("sep", ["\t", ","])
def test_utf16_csv_with_a_byte_order_mark_is_read(tmp_path, sep):
    """Excel's "Unicode Text" (UTF-16 LE, BOM, tabs, CRLF): was "header line is not valid CSV
    (new-line character seen in unquoted field ...)"."""
    pts = _pts(30, lat=64.1466, lon=-21.9426)
    rows = [sep.join(["id", "timestamp", "latitude", "longitude"])]
    rows += [sep.join(["car7", _iso(t), str(la), str(lo)]) for t, la, lo in pts]
    path = tmp_path / "unicode.txt"
    path.write_bytes(("\ufeff" + "\r\n".join(rows) + "\r\n").encode("utf-16-le"))
    df, _ = read(path, format="csv")
    assert df.select("t", "lat", "lon").rows() == pts and df["traj_id"][0] == "car7"
    r = invoke("data", "ingest", path, "--out", tmp_path / "st")
    assert r.exit_code == 0, r.output


def test_utf16_without_a_byte_order_mark_is_named(tmp_path):
    path = tmp_path / "nobom.csv"
    path.write_bytes(
        "id,timestamp,lat,lon\r\na,2026-08-29T10:00:00Z,1.5,2.5\r\n".encode("utf-16-le")
    )
    r = invoke("data", "ingest", path, "--out", tmp_path / "st")
    assert r.exit_code != 0 and "UTF-16" in r.output and "Traceback" not in r.output, r.output


@pytest.mark.parametrize("unit,mult", [("ms", 10**3), ("us", 10**6), ("ns", 10**9)])
def test_epoch_integers_with_the_unit_in_the_column_name_are_read(tmp_path, unit, mult):
    """`time_ms` / `time_us` / `time_ns` were "missing column(s) ['t']", and us / ns had no
    --time-format at all ('unix_ns' is not a time format)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pts = _pts(20, lat=-42.88, lon=147.33)
    stamps = [t * mult + 123 * mult // 1000 + (7 if unit == "ns" else 0) for t, _, _ in pts]
    rows = [f"trip_id,time_{unit},lat,lon"] + [
        f"h1,{s},{la},{lo}" for s, (_, la, lo) in zip(stamps, pts, strict=True)
    ]
    (tmp_path / "e.csv").write_text("\n".join(rows) + "\n")
    df, _ = read(tmp_path / "e.csv")
    assert df.select("t", "lat", "lon").rows() == pts
    pq.write_table(pa.table({"trip_id": ["h1"] * 20, f"timestamp_{unit}": stamps,
                             "lat": [p[1] for p in pts], "lon": [p[2] for p in pts]}),
                   tmp_path / "e.parquet")  # fmt: skip
    df, _ = read(tmp_path / "e.parquet")
    assert df["t"].to_list() == [p[0] for p in pts]
    r = invoke("data", "ingest", tmp_path / "e.csv", "--out", tmp_path / "st", "--time-col",
               f"time_{unit}", "--time-format", f"unix_{unit}")  # fmt: skip
    assert r.exit_code == 0, r.output


def test_an_xlsx_workbook_is_read_through_its_first_sheet(tmp_path):
    """Was refused ("save the sheet as CSV UTF-8"); needs openpyxl (the formats extra)."""
    openpyxl = pytest.importorskip("openpyxl")
    pts = _pts(12, lat=59.437, lon=24.7536)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["trip_id", "timestamp", "latitude", "longitude"])
    for t, la, lo in pts:
        ws.append(["tt1", datetime.fromtimestamp(t, UTC).replace(tzinfo=None), la, lo])
    wb.save(tmp_path / "tram.xlsx")
    df, _ = read(tmp_path / "tram.xlsx")
    assert df.select("t", "lat", "lon").rows() == pts and df["traj_id"][0] == "tt1"
    r = invoke("data", "ingest", tmp_path / "tram.xlsx", "--out", tmp_path / "st")
    assert r.exit_code == 0, r.output
    ws.append(["tt1", "not a time", 59.5, 24.8])
    wb.save(tmp_path / "bad.xlsx")
    r = invoke("data", "ingest", tmp_path / "bad.xlsx", "--out", tmp_path / "st2")
    # the sheet's row (leftover33; was `bad.xlsx!bad.csv line 14`)
    assert "bad.xlsx row 14 field timestamp" in r.output and "trajlm-xlsx" not in r.output


def test_an_xlsx_without_openpyxl_is_one_line(tmp_path, monkeypatch):
    import sys

    (tmp_path / "b.xlsx").write_bytes(b"PK\x03\x04 not really")
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    r = invoke("data", "ingest", tmp_path / "b.xlsx", "--out", tmp_path / "st")
    assert r.exit_code == 2 and "needs openpyxl" in r.output and "CSV UTF-8" in r.output


def test_dji_flight_record_csv_is_read_with_its_local_date_and_time(tmp_path):
    """Phantomhelp / Airdata "all columns" CSV: `sep=,` line, local date + 12-hour time in two
    columns, OSD.latitude beside HOME.latitude. Was "the file has ['sep=', '']"."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("America/Santiago")
    pts = _pts(30, lat=-33.0472, lon=-71.6127, dt=1)
    rows = ["sep=,", "CUSTOM.date [local],CUSTOM.updateTime [local],OSD.latitude,OSD.longitude,"
            "HOME.latitude,HOME.longitude"]  # fmt: skip
    for t, la, lo in pts:
        d = datetime.fromtimestamp(t, zone)
        hour = d.strftime("%I").lstrip("0")  # DJI writes 6:30:01.10 PM
        rows.append(
            f"{d.month}/{d.day}/{d.year},{hour}:{d:%M:%S}.10 {d:%p},{la},{lo},{pts[0][1]},{pts[0][2]}"
        )
    (tmp_path / "DJIFlightRecord_x.csv").write_text("\n".join(rows) + "\n")
    r = invoke("data", "ingest", tmp_path / "DJIFlightRecord_x.csv", "--out", tmp_path / "a")
    assert r.exit_code == 0 and "have no zone" in r.output and "dji_flightrecord" in r.output
    r = invoke("data", "ingest", tmp_path / "DJIFlightRecord_x.csv", "--out", tmp_path / "b",
               "--tz", "America/Santiago")  # fmt: skip
    assert r.exit_code == 0, r.output
    st = pl.read_parquet(tmp_path / "b" / "points" / "**" / "*.parquet").sort("t")
    assert st.select("t", "lat", "lon").rows() == pts


def test_date_and_time_in_two_columns_are_one_time(tmp_path):
    """`Date`, `Time` columns: the time of day alone was taken ("value '07:00:00' not
    parseable"). Control: a `Time` column holding whole datetimes beside a `Date` is unchanged."""
    pts = _pts(15, lat=-22.56, lon=17.06)
    rows = ["Track,Date,Time,Latitude,Longitude"] + [
        f"w1,{datetime.fromtimestamp(t, UTC):%Y-%m-%d},{datetime.fromtimestamp(t, UTC):%H:%M:%S},{la},{lo}"
        for t, la, lo in pts
    ]
    (tmp_path / "dt.csv").write_text("\n".join(rows) + "\n")
    df, _ = read(tmp_path / "dt.csv")
    assert df.select("t", "lat", "lon").rows() == pts
    rows = ["Track,Date,Time,Latitude,Longitude"] + [
        f"w1,{datetime.fromtimestamp(t, UTC):%Y-%m-%d},{_iso(t)},{la},{lo}" for t, la, lo in pts
    ]
    (tmp_path / "full.csv").write_text("\n".join(rows) + "\n")
    df, _ = read(tmp_path / "full.csv")
    assert df.select("t", "lat", "lon").rows() == pts


@pytest.mark.parametrize("names", [("east", "north"), ("x", "y")])
def test_an_epsg_column_declares_the_crs_of_projected_columns(tmp_path, names):
    """`east;north;epsg` (25832 on every row) was "missing column(s) ['lat', 'lon']"; x / y
    beside it were refused as projected. Now reprojected from the declared code."""
    from pyproj import Transformer

    pts = _pts(15, lat=60.39, lon=5.32)
    tf = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)
    rows = [f"trip;time_utc;{names[0]};{names[1]};epsg"]
    for t, la, lo in pts:
        x, y = tf.transform(lo, la)
        rows.append(f"b1;{_iso(t)};{x:.3f};{y:.3f};25832")
    (tmp_path / "utm.csv").write_text("\n".join(rows) + "\n")
    df, _ = read(tmp_path / "utm.csv")
    assert df["t"].to_list() == [p[0] for p in pts]
    assert np.allclose(df.select("lat", "lon").to_numpy(), [p[1:] for p in pts], atol=1e-7)


def test_german_excel_csv_is_read_with_only_its_zone_given(tmp_path):
    """`Fahrzeug;Datum/Uhrzeit;Breite;Länge` with `24.10.2026 23:40:00` (Berlin local, across
    the DST change) and decimal commas needed five column / format options; now --tz only.
    Dotted dates are day-first wherever they are written (de, ru, fi, cs)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Berlin")
    t0 = int(datetime(2026, 10, 24, 23, 40, tzinfo=UTC).timestamp())
    pts = [(t0 + 600 * i, round(46.05 + 1e-3 * i, 6), round(14.5 + 1e-3 * i, 6)) for i in range(30)]
    rows = ["Fahrzeug;Datum/Uhrzeit;Breite;Länge"] + [
        f"LJ-1;{datetime.fromtimestamp(t, zone):%d.%m.%Y %H:%M:%S};{str(la).replace('.', ',')};"
        f"{str(lo).replace('.', ',')}" for t, la, lo in pts]  # fmt: skip
    (tmp_path / "fahrt.csv").write_bytes(("\ufeff" + "\r\n".join(rows) + "\r\n").encode())
    r = invoke(
        "data", "ingest", tmp_path / "fahrt.csv", "--out", tmp_path / "st", "--tz", "Europe/Berlin"
    )
    assert r.exit_code == 0, r.output
    st = pl.read_parquet(tmp_path / "st" / "points" / "**" / "*.parquet").sort("t")
    assert st.select("t", "lat", "lon").rows() == pts
