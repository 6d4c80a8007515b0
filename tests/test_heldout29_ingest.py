"""Session 29 (heldout29): held-out exports the readers refused, or read wrong.

Before: a sled-dog race tracker's `03/08/2026 01:50 AKST` was "not parseable" even with the
--time-format the message named; a Garmin inReach MapShare KML (a Folder of timed Points per
paddler) was read as ONE trajectory jumping between paddlers; a police AVL export's `LAT` /
`LONG` in microdegrees were read as degrees x 1e7 (4.19, -8.76 for 41.9, -87.6; a warning only)
and its `GPSTIME` `20260912221503` as Unix seconds ("time in the future, milliseconds?"); an
e-bike IoT dump's nested GeoJSON `location` Point was refused with a Python-only hint."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from trajlm.cli import app
from trajlm.data.column_names import find_columns
from trajlm.data.readers import read
from trajlm.data.readers._times import parse_time
from trajlm.errors import TrajlmInputError


def _times(values: list[str], fmt: str | None = None, **kw) -> list[int | None]:
    return pl.DataFrame({"t": values}).select(parse_time("t", fmt, **kw))["t"].to_list()


def test_a_zone_abbreviation_ending_the_time_is_that_rows_offset() -> None:
    # 01:50 AKST = 10:50 UTC; 03:10 AKDT (after the spring-forward) = 11:10 UTC
    got = _times(["03/08/2026 01:50 AKST", "03/08/2026 03:10 AKDT"], "mdy")
    assert got == [1772967000, 1772968200]
    assert _times(["2026-03-15 11:09 AKST"]) == [1773605340]  # ISO too; 20:09 UTC
    assert _times(["2026-06-13 07:15:00 (CEST)"]) == [1781327700]  # in brackets; 05:15 UTC
    # the abbreviation wins over --utc-offset / --tz; plain rows still take them
    assert _times(["2026-03-15 11:09 AKST", "2026-03-15 11:09"], utc_offset_s=3600) == [
        1773605340, 1773569340]  # fmt: skip
    assert _times(["2026-03-15 11:09 AKST"], tz="Europe/Berlin") == [1773605340]
    assert _times(["2026-03-15 11:09 CST"]) == [None]  # ambiguous: left for the error
    assert _times(["3/15/2026 1:30:00 PM"]) == [1773581400]  # PM is no zone


def test_the_zone_words_dogsled_file_reads_with_the_format_the_message_names(tmp_path) -> None:
    p = tmp_path / "race.csv"
    rows = [f"7,03/0{d}/2026 {h:02d}:00 {z},61.{d}{h:02d},-149.1" for d, h, z in
            [(7, 22, "AKST"), (7, 23, "AKST"), (8, 0, "AKST"), (8, 1, "AKST"), (8, 4, "AKDT"),
             (8, 5, "AKDT"), (8, 6, "AKDT"), (8, 7, "AKDT")]]  # fmt: skip
    p.write_text("Bib,Timestamp,Lat,Lon\n" + "\n".join(rows) + "\n")
    res = CliRunner().invoke(app, ["data", "ingest", str(p), "--out", str(tmp_path / "s"),
                                   "--time-format", "mdy"])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "have no zone" not in res.output  # each cell says its zone
    from trajlm.data.store import read_store

    t = read_store(tmp_path / "s").sort("t")["t"].to_list()
    assert t[0] == 1772953200 and t[4] == 1772971200  # 22:00 AKST 7 Mar; 04:00 AKDT = 12:00Z


def _kml(folders: dict[str, list[tuple[str, float, float]]]) -> str:
    body = "".join(
        f"<Folder><name>{name}</name>" + "".join(
            f"<Placemark><TimeStamp><when>{w}</when></TimeStamp><Point><coordinates>{lo},{la},0"
            "</coordinates></Point></Placemark>" for w, la, lo in pts) + "</Folder>"
        for name, pts in folders.items())  # fmt: skip
    return f'<kml xmlns="http://www.opengis.net/kml/2.2"><Document>{body}</Document></kml>'


def test_timed_points_in_several_kml_folders_are_one_trajectory_each(tmp_path) -> None:
    def pts(la: float) -> list[tuple[str, float, float]]:
        return [(f"2026-07-14T16:{m:02d}:00Z", la + m * 1e-4, -126.2) for m in range(0, 60, 10)]

    p = tmp_path / "share.kml"
    p.write_text(_kml({"Paddler 1": pts(49.3), "Paddler 2": pts(49.5)}))
    df, _ = read(p)
    ids = sorted(df["traj_id"].unique().to_list())
    assert ids == ["share/Paddler 1", "share/Paddler 2"]  # was one 'share/points'
    assert df.filter(pl.col("traj_id") == "share/Paddler 2")["lat"].min() >= 49.5
    p.write_text(_kml({"Track": pts(49.3)}))  # one folder: unchanged
    assert read(p)[0]["traj_id"].unique().to_list() == ["share/points"]


def _avl(tmp_path: Path, lat: str, lon: str, scale: float, la0: float, lo0: float) -> Path:
    p = tmp_path / "avl.csv"
    p.write_text(f"UNIT,GPSTIME,{lat},{lon}\n" + "".join(
        f"1A10,2026091221{m:02d}00,{round((la0 + m * 1e-4) * scale)},{round(lo0 * scale)}\n"
        for m in range(10)))  # fmt: skip
    return p


def test_whole_numbers_that_fit_microdegrees_and_e7_are_refused_naming_both(tmp_path) -> None:
    with pytest.raises(TrajlmInputError, match=r"x 1e6 \(41\.8.*x 1e7 \(4\.18.*LAT_e6 / LONG_e6"):
        read(_avl(tmp_path, "LAT", "LONG", 1e6, 41.87, -87.63))  # was 4.19, -8.76 with a warning
    df, _ = read(_avl(tmp_path, "LAT_e6", "LONG_e6", 1e6, 41.87, -87.63))  # as the message says
    assert df["lat"].min() == pytest.approx(41.87) and df["lon"].max() == pytest.approx(-87.63)
    with pytest.warns(UserWarning, match="degrees x 1e7"):  # x 1e7 beyond 90e6: still read
        df, _ = read(_avl(tmp_path, "LAT", "LONG", 1e7, 41.87, -87.63))
    assert df["lat"].min() == pytest.approx(41.87)
    assert find_columns("lon", ["UNIT", "LAT_e6", "LONG_e6"]) == ["LONG_e6"]


def test_fourteen_digit_date_times_are_read_as_dates_not_unix_seconds() -> None:
    assert _times(["20260912221503", "20260912221518"]) == [1789251303, 1789251318]
    assert _times(["20260912221503"], utc_offset_s=-5 * 3600) == [1789269303]
    assert _times(["1789251303", "1789251303.5"]) == [1789251303, 1789251303]  # epochs unchanged
    # month 13: no date; left as a number, which the row check refuses as a time in the future
    assert _times(["20261332221503"])[0] > 4_102_444_800


def test_a_nested_geojson_point_per_record_is_the_position(tmp_path) -> None:
    p = tmp_path / "telemetry.jsonl"
    recs = [{"deviceId": "EB-0040", "ts": f"2026-05-04T08:32:{s:02d}.027+02:00",
             "location": {"type": "Point", "coordinates": [11.57 + s * 1e-5, 48.14]},
             "battery": 80} for s in range(0, 60, 10)]  # fmt: skip
    p.write_text("\n".join(json.dumps(r) for r in recs) + "\n")
    df, _ = read(p)  # was: "a struct with fields ['type', 'coordinates'] ... df.unnest"
    assert df["lat"].to_list() == [48.14] * 6
    assert df["lon"].min() == pytest.approx(11.57)
    assert df["t"].min() == 1777876320  # 06:32:00 UTC


def test_a_missed_fix_of_a_15_min_collar_does_not_cut_its_trajectory() -> None:
    from trajlm.data.clean_split import GAP_INTERVALS, GapSplitter

    def pieces(steps: list[int]) -> int:
        t = [0]
        for s in steps:
            t.append(t[-1] + s)
        df = pl.DataFrame({"traj_id": ["ewe"] * len(t), "t": t, "lat": [60.0] * len(t),
                           "lon": [5.0] * len(t)})  # fmt: skip
        return GapSplitter(1800, GAP_INTERVALS).apply(df)[0]["traj_id"].n_unique()

    assert pieces([900, 930, 1830, 880, 900, 1850, 900]) == 1  # was 3: cut at each missed fix
    assert pieces([1790, 1810, 1805, 1795, 1820, 1790]) == 1  # just under 30 min: was 4 pieces
    assert pieces([900, 900, 7200, 900, 900]) == 2  # a 2-h silence still cuts (over 3x 15 min)
    assert pieces([1, 1, 1, 1900, 1, 1]) == 2  # 1-s tracks: 30 min as before


def test_a_golf_cart_and_a_pigeons_ring_are_the_trajectory() -> None:
    assert find_columns("traj_id", ["Cart", "Time", "Position", "Hole"]) == ["Cart"]
    have = ["Ring-Nr.", "Datum", "Uhrzeit", "Breite", "Länge", "Höhe (m)"]
    assert find_columns("traj_id", have) == ["Ring-Nr."]
    assert find_columns("traj_id", ["UNIT", "GPSTIME", "LAT"]) == []  # `Unit` stays named by hand


def test_a_frames_zone_words_get_a_pandas_example_that_reads_them() -> None:
    import re

    import pandas as pd

    from trajlm.data.times import time_column_seconds

    df = pd.DataFrame({"Timestamp": ["03/07/2026 23:50 AKST", "03/08/2026 03:10 AKDT"]})
    with pytest.raises(TrajlmInputError, match="day/month order") as e:
        time_column_seconds(pl.from_pandas(df), "Timestamp", "df['Timestamp']")
    example = re.search(r"pd\.to_datetime\(.*?utc=True\)", str(e.value))
    assert example is not None, str(e.value)  # was format='%d/%m/%Y %H:%M': fails on 'AKST'
    got = eval(example[0].replace("%d/%m", "%m/%d"))  # the US order, as the file is
    assert [int(x.timestamp()) for x in got] == [1772959800, 1772968200]  # 08:50Z, 11:10Z


def test_a_frames_14_digit_times_are_named_as_date_times_not_milliseconds() -> None:
    import re

    import pandas as pd

    from trajlm.data.times import time_column_seconds

    df = pd.DataFrame({"GPSTIME": [20260912221503, 20260912221518]})
    with pytest.raises(TrajlmInputError, match="yyyymmddHHMMSS") as e:
        time_column_seconds(pl.from_pandas(df), "GPSTIME", "df['GPSTIME']")
    assert "milliseconds" not in str(e.value)  # was: "look like milliseconds: divide by 1000"
    got = eval(re.search(r"pd\.to_datetime\(.*?'\)", str(e.value))[0])
    assert got.iloc[0] == pd.Timestamp("2026-09-12 22:15:03")
    big = pl.DataFrame({"t": [1_789_251_303_000, 1_789_251_318_000]})  # real ms: as before
    with pytest.raises(TrajlmInputError, match="milliseconds"):
        time_column_seconds(big, "t")


def test_a_frames_geojson_point_column_goes_in_and_comes_back_as_geojson() -> None:
    import pandas as pd

    from trajlm.data.coerce import coerce
    from trajlm.data.coerce_out import from_canonical

    df = pd.DataFrame({"deviceId": ["EB-1"] * 4,
                       "ts": [f"2026-05-04T08:32:{s:02d}.000+02:00" for s in (0, 10, 20, 30)],
                       "location": [{"type": "Point", "coordinates": [11.57 + i * 1e-4, 48.14]}
                                    for i in range(4)]})  # fmt: skip
    table, layout = coerce(df)  # (a pandas frame as pd.read_json(lines=True) gives it)
    assert table["lat"].to_list() == [48.14] * 4
    pred = table.tail(1).with_columns(pl.col("t") + 10, pl.col("lon") + 1e-4)
    out = from_canonical(pred.select("traj_id", "t", "lat", "lon"), layout=layout)
    # was: ValueError "expected at least 1 expression in 'as_struct'" (a raw polars error)
    back = out["location"].iloc[0]
    assert back["type"] == "Point" and list(back["coordinates"]) == pytest.approx([11.5704, 48.14])
