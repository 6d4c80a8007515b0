"""Session 27 (heldout27): held-out exports the readers refused with no options.

Before: a Tokyo dispatch CSV in Shift-JIS was refused with the advice `iconv -f cp1252`, which
fails on it; a MoTeC logger CSV (a key / value preamble, a units row and a blank line under the
header) was "missing traj_id, t, lat, lon; the file has ['Format', 'MoTeC CSV File']"; a Dutch
barge CSV (`Schip;Datum;Tijd`) was "missing traj_id, t"; a fleet export's `Location (Lat, Long)`
was "missing lat, lon"; a glider club's GeoJSON points named no trajectory (`flight`); a race
tracker's `teams[].moments[]` named no time (`at`); a KoboToolbox API JSON (`_geolocation`,
`start`) was "not a trajectory JSON"; a store of one long recording was written with empty
val / test splits and not a word."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trajlm.cli import app
from trajlm.data.store import read_store

T0 = 1_760_000_000  # 2025-10-09 08:53:20 UTC


def _ingest(path: Path, out: Path, *opts: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["data", "ingest", str(path), "--out", str(out), *opts])
    return res.exit_code, res.output


def _unix(*parts: int) -> int:
    import calendar

    return calendar.timegm((*parts,))


def _iso(t: int, offset: str = "Z") -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S") + offset


def test_a_shift_jis_csv_with_japanese_headers_is_read_and_said(tmp_path: Path) -> None:
    rows = ["配達員ID,記録日時,緯度,経度,状態"]
    for rider in ("R1", "R2"):
        rows += [
            f"{rider},2026/12/01 09:{k:02d}:00,{35.68 + 1e-4 * k:.6f},139.760000,移動中"
            for k in range(12)
        ]
    path = tmp_path / "couriers.csv"
    path.write_bytes(("\n".join(rows) + "\n").encode("cp932"))
    code, out = _ingest(path, tmp_path / "s", "--tz", "Asia/Tokyo")
    assert code == 0, out
    assert "Shift-JIS" in out, out  # the encoding taken is said
    assert "traj_id <- '配達員ID'" in out and "t <- '記録日時'" in out and "lat <- '緯度'" in out
    df = read_store(tmp_path / "s")
    assert len(df) == 24 and df["traj_id"].n_unique() == 2, df
    assert df["t"].min() == _unix(2026, 12, 1, 0, 0, 0), df  # 09:00 JST = 00:00 UTC


@pytest.mark.parametrize(
    ("text", "codec", "want"),
    [
        ("配達員ID,記録日時,緯度,経度\n", "cp932", "cp932"),
        ("车辆编号,时间,纬度,经度,速度\n", "gb18030", "gb18030"),
        ("차량번호,시간,위도,경도,속도\n", "cp949", "cp949"),
        ("Fahrzeug;Länge;Breite;Straße;Größe\n", "cp1252", None),  # Western: as before
        ("配達員ID,記録日時,緯度,経度\n", "utf-8", None),  # UTF-8: as it is
    ],
)
def test_legacy_cjk_names_the_code_page(text: str, codec: str, want: str | None) -> None:
    from trajlm.data.readers._encoding import legacy_cjk

    assert legacy_cjk((text * 3).encode(codec)) == want


def _motec(path: Path) -> Path:
    head = [
        '"Format","MoTeC CSV File"',
        '"Venue","Street Circuit"',
        '"Vehicle","Car 23"',
        '"Driver","A. Driver"',
        '"Device","ADL3"',
        '"Comment",""',
        '"Log Date","05/06/2026"',
        '"Log Time","14:03:11"',
        '"Sample Rate","1","Hz"',
        '"Duration","30.000","s"',
        "",
        '"Time","Distance","GPS Latitude","GPS Longitude","Lap Number"',
        '"s","m","deg","deg",""',
        "",
    ]
    rows = [
        f'"{k:.3f}","{40.0 * k:.1f}","{52.47 + 3e-4 * k:.7f}","13.4000000","{1 + k // 10}"'
        for k in range(30)
    ]
    path.write_text("\n".join(head + rows) + "\n")
    return path


def test_a_motec_csv_preamble_units_row_and_relative_time(tmp_path: Path) -> None:
    path = _motec(tmp_path / "motec.csv")
    code, out = _ingest(path, tmp_path / "s0")  # the header is found; the time needs an origin
    assert code == 2 and "--time-origin" in out and "'Format'" not in out, out
    code, out = _ingest(path, tmp_path / "s1", "--time-origin", "2026-06-05T14:03:11+02:00")
    assert code == 0, out
    assert "t <- 'Time'" in out and "lat <- 'GPS Latitude'" in out, out
    # one recording, no trips: val and test empty, and said
    assert "val and test splits are empty" in out and "--max-gap-s" in out, out
    df = read_store(tmp_path / "s1")
    assert len(df) == 30 and df["t"].min() == _unix(2026, 6, 5, 12, 3, 11), df
    code, out = _ingest(
        path, tmp_path / "s2", "--time-origin", "2026-06-05T12:03:11Z", "--traj-col", "Lap Number"
    )
    assert code == 0 and read_store(tmp_path / "s2")["traj_id"].n_unique() == 3, out


def test_a_dutch_semicolon_csv_with_date_and_time_columns(tmp_path: Path) -> None:
    rows = ["Schip;Datum;Tijd;Breedtegraad;Lengtegraad;Status"]
    for ship in ("Johanna", "Avanti"):
        rows += [
            f"{ship};14-03-2026;07:{k:02d}:30;{52.09 + 1e-4 * k:.6f};5,050000;varen".replace(
                "52.", "52,"
            )
            for k in range(12)
        ]
    (tmp_path / "b.csv").write_text("\n".join(rows) + "\n")
    code, out = _ingest(tmp_path / "b.csv", tmp_path / "s", "--tz", "Europe/Amsterdam")
    assert code == 0, out
    assert "traj_id <- 'Schip'" in out and "t_date <- 'Datum'" in out, out
    df = read_store(tmp_path / "s")
    assert len(df) == 24 and df["traj_id"].n_unique() == 2
    assert df["t"].min() == _unix(2026, 3, 14, 6, 0, 30), df  # CET -> UTC, day first
    assert abs(df["lat"].max() - 52.0911) < 1e-6 and abs(df["lon"].max() - 5.05) < 1e-9


@pytest.mark.parametrize(("name", "lat_first"), [("Location (Lat, Long)", True),
                                                 ("Position [lon/lat]", False)])  # fmt: skip
def test_a_point_column_named_with_its_axis_order(
    tmp_path: Path, name: str, lat_first: bool
) -> None:
    rows = [f'Vehicle,Time,"{name}"']
    for k in range(12):
        lat, lon = 41.88 + 1e-4 * k, -87.70
        pair = f"{lat:.5f}, {lon:.5f}" if lat_first else f"{lon:.5f}, {lat:.5f}"
        rows.append(f'Bus 1,{_iso(T0 + 10 * k)},"{pair}"')
    (tmp_path / "b.csv").write_text("\n".join(rows) + "\n")
    code, out = _ingest(tmp_path / "b.csv", tmp_path / "s")
    assert code == 0, out
    df = read_store(tmp_path / "s")
    assert len(df) == 12 and df["lat"].min() > 41.8 and df["lon"].max() < -87.6, df


def test_geojson_points_named_by_flight(tmp_path: Path) -> None:
    feats = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [9.95 + 1e-4 * k, 50.6, 800.0]},
            "properties": {"flight": f"D-{i}", "time": _iso(T0 + 86400 * i + 2 * k, "+02:00")},
        }
        for i in range(2)
        for k in range(12)
    ]
    path = tmp_path / "g.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    code, out = _ingest(path, tmp_path / "s")
    assert code == 0, out
    assert read_store(tmp_path / "s")["traj_id"].n_unique() == 2


def test_race_tracker_moments_with_at(tmp_path: Path) -> None:
    teams = [
        {
            "id": 9100 + i,
            "name": f"J/70 {i}",
            "moments": [
                {"at": T0 + 86400 * i + 30 * k, "lat": 50.77 + 1e-4 * k, "lon": -1.3}
                for k in range(12)
            ],
        }
        for i in range(2)
    ]
    path = tmp_path / "race.json"
    path.write_text(json.dumps({"race": "Cup", "teams": teams}))
    code, out = _ingest(path, tmp_path / "s")
    assert code == 0, out
    df = read_store(tmp_path / "s")
    assert len(df) == 24 and df["traj_id"].n_unique() == 2 and df["lon"].max() == -1.3


def test_kobo_submissions_read_by_start_and_geolocation(tmp_path: Path) -> None:
    results = []
    for i, who in enumerate(("amina", "joseph")):
        for k in range(12):
            t = T0 + 86400 * i + 600 * k
            results.append(
                {
                    "_id": 100 * i + k,
                    "start": _iso(t, "+03:00"),
                    "enumerator": who,
                    "group_hh/gps": f"{-0.52 + 1e-3 * k} 35.27 1850.0 5.0",
                    "_geolocation": [-0.52 + 1e-3 * k, 35.27],  # Kobo: [lat, lon]
                    "_submission_time": _iso(T0 + 86400 * i + 40000)[:-1],  # upload, hours later
                }
            )
    results[3]["_geolocation"] = [None, None]  # no fix taken
    path = tmp_path / "kobo.json"
    path.write_text(json.dumps({"count": len(results), "next": None, "results": results}))
    code, out = _ingest(path, tmp_path / "s")
    assert code == 0, out
    df = read_store(tmp_path / "s")
    assert len(df) == 23 and df["traj_id"].n_unique() == 2, df
    assert df["lat"].max() < 0 and df["lon"].min() > 35, df  # [lat, lon], not swapped
    assert df["t"].min() == T0 - 3 * 3600, df  # `start` (+03:00), not the upload time


def test_a_workbooks_units_row_with_a_zone_word_is_read(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Fahrzeug", "Zeitstempel", "Breite", "Länge", "Geschw."])
    ws.append(["", "MEZ", "°", "°", "km/h"])  # the units row (heldout26's groomers)
    for unit in ("PB01", "PB02"):
        for k in range(12):
            ws.append([unit, f"10.01.2026 21:{30 + k}:00", 46.82 + 1e-4 * k, 9.82, 10.0])
    wb.save(tmp_path / "g.xlsx")
    code, out = _ingest(tmp_path / "g.xlsx", tmp_path / "s")
    assert code == 0, out
    assert "MEZ = UTC+1" in out and "no_fix" not in out, out  # folded, not a dropped row
    df = read_store(tmp_path / "s")
    assert len(df) == 24 and df["t"].min() == _unix(2026, 1, 10, 20, 30, 0), df


def test_fold_units_row_leaves_data_rows_alone() -> None:
    from trajlm.data.readers._units_row import fold_units_row

    head = ["Fahrzeug", "Zeit", "Breite", "Länge"]
    assert fold_units_row(head, ["", "UTC", "°", "°"]) == [
        "Fahrzeug", "Zeit (UTC)", "Breite (°)", "Länge (°)"
    ]  # fmt: skip
    assert fold_units_row(head, ["PB01", "10.01.2026 21:30", "46.8", "9.8"]) is None
    assert fold_units_row(head, ["m", "s", "", ""]) == head  # units, none the readers read
    assert fold_units_row(head, ["", "", "", "°"]) is None  # one cell: not a units row


def test_an_api_frame_with_crossings_written_both_ways_is_read(tmp_path: Path) -> None:
    import pandas as pd

    import trajlm

    rows = []
    for c in range(3):  # one mover (no id column); crossing 1 written -179.x, the others 180.x
        for k in range(20):
            lon = 179.9 + 0.01 * k
            lon = lon - 360 if c == 1 and lon > 180 else lon
            rows.append({"time": _iso(T0 + 13 * 3600 * c + 60 * k), "lat": -16.8, "lon": lon})
    with pytest.warns(UserWarning, match="past 180"):
        out, _ = trajlm.clean(pd.DataFrame(rows))
    assert len(out) == 60 and out["lon"].between(-180, 180).all(), out
    # a European track with a stray 200 is still no crossing
    bad = pd.DataFrame(rows[:20]).assign(lon=[2.1 + 1e-3 * k for k in range(20)])
    bad.loc[5, "lon"] = 200.0
    with pytest.warns(UserWarning) as said:
        kept, _ = trajlm.clean(bad)
    assert not any("past 180" in str(w.message) for w in said)
    assert len(kept) == 19 and kept["lon"].max() < 3, kept  # dropped, not moved to -160


def test_api_frames_with_at_times_and_point_columns() -> None:
    import pandas as pd

    import trajlm

    moments = pd.DataFrame(
        {"team": ["A"] * 8 + ["B"] * 8, "at": [T0 + 30 * k for k in range(8)] * 2,
         "lat": [50.77 + 1e-4 * k for k in range(16)], "lon": -1.3}
    )  # fmt: skip
    out, _ = trajlm.clean(moments, traj_col="team")
    assert len(out) == 16 and out["at"].min() == T0, out  # `at` is the time
    feats = pd.json_normalize(
        [
            {"geometry": {"type": "Point", "coordinates": [9.95 + 1e-4 * k, 50.6, 800.0]},
             "properties": {"flight": "D-1", "time": _iso(T0 + 2 * k)}}
            for k in range(8)
        ]
    )  # fmt: skip
    out, _ = trajlm.clean(feats, traj_col="properties.flight")
    assert len(out) == 8, out
    pair = out["geometry.coordinates"].iloc[0]
    assert abs(pair[0] - 9.95) < 1e-9 and abs(pair[1] - 50.6) < 1e-9, pair  # [lon, lat] kept
    located = pd.DataFrame(
        {"Vehicle": "Bus 1", "Time": [_iso(T0 + 10 * k) for k in range(8)],
         "Location (Lat, Long)": [f"{41.88 + 1e-4 * k:.5f}, -87.70000" for k in range(8)]}
    )  # fmt: skip
    out, _ = trajlm.clean(located)
    assert len(out) == 8 and out["Location (Lat, Long)"].iloc[0].startswith("41.88"), out


def test_api_day_month_refusal_gives_a_12_hour_pattern_that_parses() -> None:
    import re

    import pandas as pd

    import trajlm
    from trajlm.errors import TrajlmInputError

    times = [f"12/01/2026 7:0{k}:10 AM" for k in range(6)]
    df = pd.DataFrame({"Vehicle": "Bus 1", "Time": times, "lat": 41.88, "lon": -87.7})
    with pytest.raises(TrajlmInputError, match="day/month") as err:
        trajlm.clean(df)
    us = re.search(r"format='([^']+)' \(US\)", str(err.value))
    assert us, err.value  # was a 24-hour example ('%d/%m/%Y %H:%M:%S') that fails on 'AM'
    assert pd.to_datetime(times, format=us[1])[0] == pd.Timestamp("2026-12-01 07:00:10")
