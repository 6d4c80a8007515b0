"""Session 21 (badin21): hostile inputs against session 21's new readers and keywords.

Each test failed on main d8987b3: split_gaps=NaN read as "no cut" and np.int64 refused; a dict
read as radius levels; AISHub polls of 91 / 181 ("not available"), Find My items without a
location and tar1090 positions without `seen_pos` refused a whole folder; a WKT `EMPTY` row
refused its file; EWKT `SRID=3857` and Movebank's degrees beside `utm-*` columns refused; a
GeoJSON text sequence's line numbers doubled; NMEA RMC + GGA lost the GGA's altitude."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import polars as pl
import pytest

from trajlm.data.coerce_pieces import gap_rule
from trajlm.data.readers import read
from trajlm.data.schema import TrajlmInputError
from trajlm.eval.spread_radii import with_radii_asked

T0 = 1775005200  # 2026-04-01 01:00 UTC


def _d(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


def _pts(n: int = 6, lat: float = 45.0, lon: float = 7.6, dt: int = 10) -> list:
    return [(T0 + i * dt, round(lat + i * 1e-3, 6), round(lon + i * 1e-3, 6)) for i in range(n)]


@pytest.mark.parametrize("bad", [np.nan, float("nan"), 0, -5, "yes", None, True])
def test_split_gaps_nan_and_non_gaps_are_one_line(bad):
    if bad is True:  # the default preset, not a refusal
        assert gap_rule(bad)[0] == 1800.0
        return
    with pytest.raises(TrajlmInputError, match="split_gaps"):
        gap_rule(bad)


@pytest.mark.parametrize(
    "value",
    [600, 600.0, np.int64(600), np.float32(600), pd.Timedelta("10min"), np.timedelta64(600, "s")],
)
def test_split_gaps_numpy_numbers_and_timedeltas_are_seconds(value):
    assert gap_rule(value) == (600.0, None)


def test_radii_dict_is_refused_not_read_as_its_keys():
    pred = pl.DataFrame({"std_m": [1.0]})
    with pytest.raises(TrajlmInputError, match="radii"):
        with_radii_asked(pred, {50: 1})
    assert with_radii_asked(pred, [50])["r50_m"][0] > 0


@pytest.mark.parametrize("fmt", ["AIS", "HUMAN"])
def test_aishub_not_available_positions_are_no_fix_even_a_whole_poll(tmp_path, fmt):
    k = 600_000 if fmt == "AIS" else 1
    for i, (t, la, lo) in enumerate(_pts(5)):
        la, lo = (91, 181) if i == 2 else (la, lo)
        rec = {"MMSI": 257111000, "TIME": f"{_d(t):%Y-%m-%d %H:%M:%S} GMT",
               "LONGITUDE": lo * k, "LATITUDE": la * k}  # fmt: skip
        (tmp_path / f"poll_{i}.json").write_text(
            json.dumps([{"ERROR": False, "FORMAT": fmt}, [rec]])
        )
    df, rep = read(tmp_path)
    assert df.height == 4 and rep.dropped["no_fix"] == 1
    assert df["lat"].max() < 46


def test_find_my_snapshots_without_a_location_are_no_fix(tmp_path):
    pts = _pts(4, 51.5, -0.12)
    for i, (t, la, lo) in enumerate(pts):
        loc = {"latitude": la, "longitude": lo, "timeStamp": t * 1000} if i % 2 == 0 else None
        items = [
            {"serialNumber": "H6GD1", "name": "Keys", "location": loc},
            {"serialNumber": "H6GD2"},
        ]
        (tmp_path / f"Items_{i}.data").write_text(json.dumps(items))
    df, rep = read(tmp_path)
    assert df["t"].to_list() == [pts[0][0], pts[2][0]]
    assert rep.dropped["no_fix"] >= 2


def test_tar1090_position_without_seen_pos_is_no_fix_not_the_folder(tmp_path):
    for i in range(4):
        ac = [{"hex": "484f6d", "lat": 45 + i * 1e-3, "lon": 7.6, "seen_pos": 1.0},
              {"hex": "3c6586", "lat": 45.5, "lon": 7.7, "seen": 0.1}]  # fmt: skip
        (tmp_path / f"aircraft_{i}.json").write_text(
            json.dumps({"now": T0 + 5.0 * i, "aircraft": ac})
        )
    df, rep = read(tmp_path)
    assert df["traj_id"].unique().to_list() == ["484f6d"] and df.height == 4
    assert rep.dropped["no_fix"] == 4


def _linestring_m(pts: list) -> str:
    return ", ".join(f"{lo} {la} {t}" for t, la, lo in pts)


def test_wkt_empty_geometry_is_a_row_without_position(tmp_path):
    p = tmp_path / "trips.csv"
    p.write_text(
        f'trip_id,geometry\nr1,"LINESTRING M ({_linestring_m(_pts())})"\nr2,"LINESTRING M EMPTY"\nr3,\n'
    )
    df, rep = read(p)
    assert df.height == 6 and rep.dropped["no_fix"] == 2


def test_ewkt_srid_is_reprojected(tmp_path):
    from pyproj import Transformer

    tr = Transformer.from_crs(4326, 3857, always_xy=True)
    pts = _pts()
    xy = [(*tr.transform(lo, la), t) for t, la, lo in pts]
    body = ", ".join(f"{x:.3f} {y:.3f} {t}" for x, y, t in xy)
    (p := tmp_path / "trips.csv").write_text(
        f'trip_id,geometry\nr1,"SRID=3857;LINESTRING M ({body})"\n'
    )
    df, _ = read(p)
    assert np.allclose(df["lat"], [x[1] for x in pts], atol=1e-6)
    assert np.allclose(df["lon"], [x[2] for x in pts], atol=1e-6)
    (q := tmp_path / "bad.csv").write_text(
        'trip_id,geometry\nr1,"SRID=999999;LINESTRING M (1 2 1775005200)"\n'
    )
    with pytest.raises(TrajlmInputError, match="SRID=999999"):
        read(q)


def _movebank(path, zones: list[str], degrees: bool = False) -> None:
    head = "timestamp," + ("location-long,location-lat," if degrees else "")
    rows = "".join(
        f"{_d(t):%Y-%m-%d %H:%M:%S.000}," + (f"{lo},{la}," if degrees else "")
        + f"{400000 + i * 78},{4983000 + i * 111},{z},stork1\n"
        for i, ((t, la, lo), z) in enumerate(zip(_pts(len(zones)), zones, strict=True))
    )  # fmt: skip
    path.write_text(head + "utm-easting,utm-northing,utm-zone,individual-local-identifier\n" + rows)


def test_movebank_degrees_beside_utm_columns_are_read_as_degrees(tmp_path):
    """Movebank's export with UTM added: was "--crs=EPSG:32632: the coordinates look like
    WGS84 degrees" (a --crs the user never gave)."""
    _movebank(p := tmp_path / "stork.csv", ["32N"] * 6, degrees=True)
    df, _ = read(p)
    assert np.allclose(df["lat"], [x[1] for x in _pts()]) and np.allclose(
        df["lon"], [x[2] for x in _pts()]
    )


@pytest.mark.parametrize(("zones", "words"), [(["32N"] * 3 + ["33N"] * 3, "2 UTM zones (32N, 33N)"),
                                              (["99N"] * 6, "'99N'"), (["32"] * 6, "'32'")])  # fmt: skip
def test_movebank_zone_that_gives_no_crs_is_named(tmp_path, zones, words):
    _movebank(p := tmp_path / "stork.csv", zones)
    with pytest.raises(TrajlmInputError, match="utm-zone") as e:
        read(p)
    assert words in str(e.value)


def test_geojson_text_sequence_line_numbers_count_lines_not_rs_bytes(tmp_path):
    recs = [
        "\x1e" + json.dumps({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lo, la]},
                             "properties": {"bike_id": "b1", "time": f"{_d(t):%Y-%m-%dT%H:%M:%SZ}"}})
        for t, la, lo in _pts()
    ]  # fmt: skip
    recs[3] = '\x1e{"type": "Feature", "geometry": {"type": "Po'
    (p := tmp_path / "bikes.geojsons").write_text("\n".join(recs) + "\n")
    with pytest.raises(TrajlmInputError, match="line 4"):
        read(p)


def _nmea(body: str) -> str:
    x = 0
    for ch in body:
        x ^= ord(ch)
    return f"${body}*{x:02X}"


def test_nmea_rmc_rows_take_their_gga_altitude(tmp_path):
    lines = []
    for i, (t, _, _) in enumerate(_pts(4, dt=1)):
        hms, dmy = f"{_d(t):%H%M%S}.00", f"{_d(t):%d%m%y}"
        lines.append(_nmea(f"GPGGA,{hms},4500.000,N,00736.000,E,1,08,0.9,{100 + i}.5,M,47.0,M,,"))
        lines.append(_nmea(f"GPRMC,{hms},A,4500.000,N,00736.000,E,5.0,90.0,{dmy},,,A"))
    (p := tmp_path / "log.nmea").write_text("\n".join(lines) + "\n")
    df, _ = read(p)
    assert df["elevation_m"].to_list() == [100.5, 101.5, 102.5, 103.5]


def test_wkt_id_column_is_the_trajectory_not_an_extra_column(tmp_path):
    """`trajlm data ingest` said "columns not kept in the store: ['trip_id']" of the id."""
    from typer.testing import CliRunner

    from trajlm.cli import app

    p = tmp_path / "trips.csv"
    p.write_text(f'trip_id,mode,geometry\nr1,bus,"LINESTRING M ({_linestring_m(_pts())})"\n')
    r = CliRunner().invoke(app, ["data", "ingest", str(p), "--out", str(tmp_path / "s")])
    assert r.exit_code == 0, r.output
    assert "'mode'" in r.output and "'trip_id'" not in r.output
