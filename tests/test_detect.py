"""Reading without being told (trajlm.data.readers.detect): the format from names and CSV
headers, the id / time / lat / lon columns of a generic file from recognised names; every guess
reported, everything undecidable one clear line."""

from __future__ import annotations

import json

import polars as pl
import pytest
from typer.testing import CliRunner

from trajlm.cli import app
from trajlm.data.readers import ColumnMap, detect_format, read, resolve_columns
from trajlm.data.schema import TrajlmInputError

runner = CliRunner()
ROWS = "1,2020-01-01T00:00:00,41.15,-8.61\n1,2020-01-01T00:00:15,41.16,-8.61\n"


def write(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("name", "header", "fmt"),
    [
        ("trips.csv", '"TRIP_ID","CALL_TYPE","POLYLINE"', "porto"),
        ("boats.csv", "\ufeffID,ais_pos_timestamp,longitude,latitude", "ais"),
        ("taxi.csv", "TaxiID,TimeStamp,Longitude,Latitude", "tdrive"),
        ("points.csv", "id,time,lat,lon", "csv"),
        ("points.txt", "id,time,lat,lon", "csv"),
        ("track.gpx", "<gpx/>", "gpx"),
        ("walk.plt", "Geolife trajectory", "geolife"),
        ("a_input.txt", "1 2 3", "porto_mapmatched"),
        ("mf.json", "{}", "mfjson"),
    ],
)
def test_format_from_name_and_header(tmp_path, name, header, fmt):
    assert detect_format(write(tmp_path / name, header + "\n")) == fmt


def test_format_of_a_folder_is_that_of_its_files(tmp_path):
    write(tmp_path / "Data" / "000" / "Trajectory" / "a.plt", "x\n")
    assert detect_format(tmp_path / "Data") == "geolife"
    write(tmp_path / "csvs" / "b" / "p.csv", "TaxiID,TimeStamp,Longitude,Latitude\n")
    assert detect_format([tmp_path / "csvs"]) == "tdrive"
    pl.DataFrame({"traj_id": ["a"]}).write_parquet(tmp_path / "pq.parquet")
    assert detect_format(tmp_path / "pq.parquet") == "parquet"


def test_undecidable_formats_are_one_clear_error(tmp_path):
    with pytest.raises(TrajlmInputError, match="cannot tell the format"):
        detect_format(write(tmp_path / "x.xyz", "x\n"))
    porto = write(tmp_path / "p.csv", "TRIP_ID,POLYLINE\n")
    plain = write(tmp_path / "q.csv", "id,time,lat,lon\n")
    with pytest.raises(TrajlmInputError, match=r"mix formats.*porto.*csv"):
        detect_format([porto, plain])
    with pytest.raises(TrajlmInputError, match="no such file"):
        detect_format(tmp_path / "missing.csv")
    (tmp_path / "empty").mkdir()
    with pytest.raises(TrajlmInputError, match="no file trajlm reads under the folder"):
        detect_format(tmp_path / "empty")


def test_columns_guessed_only_where_the_default_name_is_absent(tmp_path):
    f = write(tmp_path / "p.csv", "id,time,lat,lon\n" + ROWS)
    cm, guessed = resolve_columns(f, "csv", None)
    assert guessed == {"traj_id": "id", "t": "time"}
    assert (cm.traj_id, cm.t, cm.lat, cm.lon) == ("id", "time", "lat", "lon")
    # a name the caller gave is never replaced; nothing to guess -> the map comes back as is
    cm2, guessed2 = resolve_columns(f, "csv", ColumnMap(traj_id="lat"))
    assert cm2.traj_id == "lat" and guessed2 == {"t": "time"}
    g = write(tmp_path / "g.csv", "traj_id,t,lat,lon\n")
    assert resolve_columns(g, "csv", None) == (None, {})
    assert resolve_columns(f, "porto", None) == (None, {})  # only generic csv / parquet


def test_two_candidate_columns_are_ambiguous(tmp_path):
    f = write(tmp_path / "p.csv", "trip_id,track_id,time,lat,lon\n")
    with pytest.raises(TrajlmInputError, match=r"several columns could be traj_id.*--traj-col"):
        resolve_columns(f, "csv", None)


def test_read_auto_equals_read_with_the_mapping(tmp_path):
    f = write(tmp_path / "p.csv", "Track,Timestamp,Latitude,Longitude\n" + ROWS)
    auto, _ = read(f)
    given, _ = read(f, "csv", columns=ColumnMap(traj_id="Track", t="Timestamp", lat="Latitude",
                                                 lon="Longitude"))  # fmt: skip
    assert auto.equals(given) and len(auto) == 2
    pq = tmp_path / "p.parquet"
    pl.read_csv(f).write_parquet(pq)
    assert (
        read(pq)[0]
        .select("traj_id", "t", "lat", "lon")
        .equals(given.select("traj_id", "t", "lat", "lon"))
    )


def test_cli_ingest_without_format_says_what_it_detected(tmp_path):
    f = write(tmp_path / "p.csv", "vehicle_id,datetime,lat,lng\n" + ROWS)
    r = runner.invoke(app, ["data", "ingest", str(f), "--out", str(tmp_path / "s")])
    assert r.exit_code == 0, r.output
    said = " ".join(r.output.split())
    assert "format: csv (detected" in said
    assert "traj_id <- 'vehicle_id'" in said and "lon <- 'lng'" in said
    reading = json.loads((tmp_path / "s" / "manifest.json").read_text())["reading"]
    assert reading["columns_guessed"] == {"traj_id": "vehicle_id", "t": "datetime", "lon": "lng"}
    bad = write(tmp_path / "b.csv", "a,b,c\n1,2,3\n")
    r = runner.invoke(app, ["data", "ingest", str(bad), "--out", str(tmp_path / "s2")])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "--traj-col" in " ".join(r.output.split())


def test_cli_input_reads_raw_formats_and_names_column_flags(tmp_path):
    """`trajlm predict --input` (points.read_points): a GPX file is read by its reader; a table
    whose columns are not recognised gets the CLI flag to name them, and the flags work."""
    from trajlm import _cli_points as points
    from trajlm._safety import UserError

    gpx = write(tmp_path / "t.gpx", '<?xml version="1.0"?><gpx version="1.1"><trk><trkseg>'
                + "".join(f'<trkpt lat="41.{15 + i}" lon="-8.61"><time>2020-01-01T00:00:{i:02d}Z'
                          "</time></trkpt>" for i in range(3))
                + "</trkseg></trk></gpx>\n")  # fmt: skip
    assert len(points.read_points(gpx, "--input")) == 3
    f = write(tmp_path / "v.csv", "car,when,latitude,longitude\n" + ROWS)  # car: no known id
    with pytest.raises(UserError, match=r"--traj-col NAME"):
        points.read_points(f, "--input")
    df = points.read_points(f, "--input", columns={"traj_col": "car", "time_col": "when"})
    assert df["traj_id"].to_list() == ["1", "1"] and df["lat"].to_list() == [41.15, 41.16]
    with pytest.raises(UserError, match=r"expected a store directory"):
        points.read_points(write(tmp_path / "x.xyz", "x\n"), "--input")


def test_a_header_laid_out_like_a_known_data_set_is_read_like_it(tmp_path):
    from trajlm.data.readers import PRESETS

    head = "Year,Month,Day,Hour,Id,Name,lat,lon,WindSpeed,tid,class,time\n"
    rows = "".join(f"1950,8,{d},{h},1,ABLE,{20 + d / 10},-60.5,30,7,TS,{h}\n"
                   for d in (1, 2) for h in (0, 6, 12, 18))  # fmt: skip
    src = write(tmp_path / "storms.csv", head + rows)
    cm, guessed = resolve_columns(src, "csv", None)
    assert guessed == {"columns": "hurricanes"} and cm == PRESETS["hurricanes"]
    df, _ = read(src, "auto")  # 1950: before GPS, kept by the mapping's historical time floor
    assert len(df) == 8 and df["t"].min() < 0
    out = runner.invoke(app, ["data", "ingest", str(src), "--out", str(tmp_path / "s"),
                              "--min-points", "2"])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "laid out like 'hurricanes'" in out.output
    manifest = json.loads((tmp_path / "s" / "manifest.json").read_text())
    assert manifest["n_points"] == 8  # the data set's own cleaning: 6-hourly is not a gap


def test_time_from_year_month_day_columns_and_generic_names_never_match_a_preset(tmp_path):
    src = write(tmp_path / "buoys.csv", "id,yr,mon,dd,hr,latitude,longitude\n"
                "a,1985,3,1,0,60.0,-20.0\na,1985,3,1,12,60.1,-20.2\n")  # fmt: skip
    cm, guessed = resolve_columns(src, "csv", None)
    assert guessed["t"] == "yr+mon+dd+hr" and cm.t_parts == {
        "year": "yr", "month": "mon", "day": "dd", "hour": "hr"}  # fmt: skip
    assert read(src, "auto")[0]["t"].to_list() == [478483200, 478483200 + 43_200]
    mat = write(tmp_path / "mat.csv", "tid,time,lat,lon,label\n1,0.0,4.0,5.0,E\n")
    assert "columns" not in resolve_columns(mat, "csv", None)[1]  # elapsed hours: not guessed
