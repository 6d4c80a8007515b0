"""Session 29 (badin29): hostile inputs on session 29's new surfaces (docs/reliability.md
"Session 29 (badin29)"), each fix's regression: a point column's row with no latitude either
way, a point cell that is no pair, trajlm.clean on an empty pandas frame."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

import trajlm
from trajlm.cli import app


def _ingest(src: Path, out: Path, *opts: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["data", "ingest", str(src), "--out", str(out), *opts])
    return res.exit_code, res.output


def _points(tmp_path: Path, value) -> Path:
    times = [f"2026-03-01 10:00:{k * 4:02d}" for k in range(12)]
    rows = "".join(f'v,{t},"{value(k)}"\n' for k, t in enumerate(times))
    (tmp_path / "p.csv").write_text('id,time,"Location (Long, Lat)"\n' + rows)
    return tmp_path / "p.csv"


def test_a_point_row_with_both_numbers_over_90_is_said_to_hold_no_latitude(tmp_path):
    """Sydney rows in two orders and one row '91.0, 151.2': it was said to have "both numbers
    under 90"."""
    src = _points(tmp_path, lambda k: "91.0, 151.2" if k == 6 else
                  (f"{151.2 + 1e-4 * k}, -33.87" if k % 2 else f"-33.87, {151.2 + 1e-4 * k}"))  # fmt: skip
    code, out = _ingest(src, tmp_path / "s")
    assert code != 0 and "line 8 holds no latitude (both numbers over 90)" in out, out
    assert "under 90" not in out and "Traceback" not in out, out


def test_a_point_cell_that_is_no_pair_is_refused_naming_the_column_and_value(tmp_path):
    """'41.89 N, 87.74 W' was refused as "field _point_lat: ... (value None)"."""
    src = _points(tmp_path, lambda k: "41.89 N, 87.74 W")
    code, out = _ingest(src, tmp_path / "s")
    flat = " ".join(out.split())
    assert code != 0 and "line 2 field Location (Long, Lat) [latitude]" in flat, out
    assert "'41.89 N, 87.74 W'" in flat and "_point_lat" not in flat, out
    # a blank cell is still a fix with no position (dropped, counted), not a malformed row
    src = _points(tmp_path, lambda k: "" if k == 4 else f"{-87.74 + 1e-4 * k}, 41.89")
    code, out = _ingest(src, tmp_path / "s2")
    assert code == 0 and "no_fix" in out, out


def test_clean_of_an_empty_pandas_frame_returns_it_empty():
    """`trajlm.clean` of a pandas frame with no rows: TypeError (an empty Null series' sum)."""
    empty = pd.DataFrame({"traj_id": [], "t": [], "lat": [], "lon": []})
    out, report = trajlm.clean(empty)
    assert len(out) == 0 and report.rows_in == 0


def test_cli_gap_rule_a_run_cannot_answer_is_refused_in_the_options_words(tmp_path):
    """`trajlm recover --gap-rule lengths` on a run with no table of interpolation errors said
    "--input FILE: field gap_rule: gap_rule='lengths' ... leave gap_rule out"."""
    import polars as pl
    from helpers import invoke_cli
    from test_recover_bridge import tiny

    run = tmp_path / "run"
    trajlm.TrajLM(tiny(), threads=1).save_pretrained(run)
    src = tmp_path / "gaps.csv"
    pl.DataFrame({"traj_id": ["a"] * 3, "t": [0, 10, 20], "lat": [41.15, None, 41.152],
                  "lon": [-8.61, None, -8.609]}).write_csv(src)  # fmt: skip
    r = invoke_cli(["recover", "--model", run, "--input", src, "--out", tmp_path / "o.csv",
                    "--gap-rule", "lengths", "--threads", "1"])  # fmt: skip
    out = " ".join(r.output.split())
    assert r.exit_code == 2 and "error: --gap-rule 'lengths' reads the run's" in out, out
    assert "leave --gap-rule out" in out and "--input" not in out and "gap_rule" not in out, out
    assert not (tmp_path / "o.csv").exists()


def test_a_speed_with_its_unit_that_the_store_keeps_as_not_available_is_said(tmp_path):
    """'-12 km/h' and '99999 km/h' became a null speed with no word (the AIS 'not available'
    rule); said now in one line naming the column, a value and its line; '12 km/h' unchanged."""
    for cell, said in (("-12 km/h", True), ("99999 km/h", True), ("12 km/h", False)):
        times = [f"2026-03-01 10:00:{k * 4:02d}" for k in range(12)]
        rows = "".join(f"v,{t},{41.15 + 1e-4 * k},-8.61,{cell}\n" for k, t in enumerate(times))
        (tmp_path / "s.csv").write_text("id,time,lat,lon,speed_kmh\n" + rows)
        code, out = _ingest(tmp_path / "s.csv", tmp_path / cell.replace(" ", "_").replace("/", ""))
        flat = " ".join(out.split())
        assert code == 0, out
        assert ("'speed_kmh': 12 value(s) are negative, not finite or over 340 m/s" in flat
                and f"(e.g. '{cell}', s.csv line 2)" in flat) is said, flat  # fmt: skip


def test_a_clock_shift_that_is_no_number_or_beyond_a_year_is_refused_in_one_line():
    """`--shift clock=+infh` was an OverflowError traceback; `clock=+1e9h` scored the trips in
    the year 116,000 with no word."""
    import pytest

    from trajlm.eval.protocol import parse_shift

    for spec, said in (("clock=+infh", r"expected clock=\+4h"), ("clock=+1e9h", "at most a year"),
                       ("weekday=+100000000", "at most a year")):  # fmt: skip
        with pytest.raises(ValueError, match=said):
            parse_shift(spec)
    assert parse_shift("clock=-366d")[1] == -366 * 86400


def test_a_shift_jis_header_that_no_code_page_reads_whole_gets_that_code_pages_advice(tmp_path):
    """A Shift-JIS header with its last character cut, or behind a UTF-8 byte order mark, was
    said to be "a Windows-1252 / Latin-1 export" with cp1252's iconv line."""
    rows = "".join(
        f"D01,2026-03-01 10:00:{k * 4:02d},{35.68 + 1e-4 * k},139.76\n" for k in range(12)
    )
    text = ("配達員ID,記録日時,緯度,経度\n" + rows).encode("cp932")
    head, rest = text.split(b"\n", 1)
    for name, data, said in (("cut", head[:-1] + b"\n" + rest, "with 1 byte(s) no character"),
                             ("bom", b"\xef\xbb\xbf" + text, "a UTF-8 byte order mark before")):  # fmt: skip
        (tmp_path / f"{name}.csv").write_bytes(data)
        code, out = _ingest(tmp_path / f"{name}.csv", tmp_path / name)
        flat = " ".join(out.split())
        assert code == 2 and said in flat and "Shift-JIS (cp932, Japanese)" in flat, flat
        assert "iconv -f cp932" in flat and "cp1252" not in flat, flat
    # Western text keeps its advice
    (tmp_path / "w.csv").write_bytes("Länge,Breite,Zeit,id\n".encode("cp1252") + b"\x81\n")
    code, out = _ingest(tmp_path / "w.csv", tmp_path / "w")
    assert "cp932" not in out, out


def _kml(folders: list[tuple[str, float]]) -> str:
    marks = "".join(
        f"<Folder><name>{name}</name>" + "".join(
            f"<Placemark><TimeStamp><when>2026-03-01T10:00:{k * 4:02d}Z</when></TimeStamp>"
            f"<Point><coordinates>-8.61,{lat0 + 1e-4 * k}</coordinates></Point></Placemark>"
            for k in range(12)) + "</Folder>"
        for name, lat0 in folders)  # fmt: skip
    return f'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>{marks}</Document></kml>'


def test_kml_folders_of_one_name_are_two_trajectories(tmp_path):
    """Two paddlers' Folders both named "Anna" were one track, the second's 12 fixes dropped as
    duplicate timestamps."""
    from trajlm.data.store import read_store

    (tmp_path / "k.kml").write_text(_kml([("Anna", 41.15), ("Anna", 41.25), ("Ben", 41.35)]))
    code, out = _ingest(tmp_path / "k.kml", tmp_path / "s")
    assert code == 0, out
    df = read_store(tmp_path / "s")
    assert df.height == 36 and df["traj_id"].n_unique() == 3, out
    assert any("Anna (2)" in i for i in df["traj_id"].unique().to_list())


def test_a_geojson_linestring_in_a_records_location_is_refused_in_one_line(tmp_path):
    """A nested `location` holding a LineString: a Polars InvalidOperationError (exit 1)."""
    import json

    line = {"type": "LineString", "coordinates": [[8.61, 41.15], [8.62, 41.16]]}
    rows = [{"deviceId": "b1", "ts": f"2026-03-01T10:00:{k * 4:02d}Z", "location": line}
            for k in range(12)]  # fmt: skip
    (tmp_path / "l.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    code, out = _ingest(tmp_path / "l.jsonl", tmp_path / "s")
    flat = " ".join(out.split())
    assert code == 2 and "coordinates are not one [lon, lat] point" in flat, flat
    assert "Traceback" not in out and "InvalidOperation" not in out


def test_a_14_digit_time_that_is_no_date_is_not_told_to_be_milliseconds(tmp_path):
    """20261312100000 (month 13) was "time in the future (milliseconds? --time-format
    unix_ms)": as milliseconds it is the year 2612."""
    rows = "".join(f"v,{20261312100000 + 4 * k},41.15,{-8.61 + 1e-4 * k}\n" for k in range(12))
    (tmp_path / "d.csv").write_text("id,time,lat,lon\n" + rows)
    code, out = _ingest(tmp_path / "d.csv", tmp_path / "s")
    flat = " ".join(out.split())
    assert code == 2 and "reads as yyyymmddHHMMSS but is no date" in flat, flat
    assert "unix_ms" not in flat and "line 2" in flat, flat


def test_whole_number_degrees_at_two_scales_are_refused_naming_both(tmp_path):
    """Microdegrees with one row written x 1e7 were all read as x 1e7 (Porto at 4.1 N, 0.9 W),
    a speed warning only. A track in x 1e7 crossing 18 E (rows both sides of x 1e6's range) is
    read as before."""
    from trajlm.data.store import read_store

    def write(name: str, cell) -> Path:
        rows = "".join(f"v,2026-03-01 10:00:{k * 4:02d},{cell(k)}\n" for k in range(12))
        (tmp_path / name).write_text("id,time,lat,lon\n" + rows)
        return tmp_path / name

    src = write("mix.csv", lambda k: f"{411500000 if k == 3 else 41150000},{-8610000 + 100 * k}")
    code, out = _ingest(src, tmp_path / "s")
    flat = " ".join(out.split())
    assert code == 2 and "whole numbers at two scales" in flat and "411,500,000" in flat, flat
    src = write("e7.csv", lambda k: f"{455000000 + 1000 * k},{179990000 + 2000 * k}")
    code, out = _ingest(src, tmp_path / "s2")
    assert code == 0, out
    assert read_store(tmp_path / "s2")["lon"].max() > 18.0


def test_evaluate_takes_numpys_numbers_and_says_a_quoted_value_as_written():
    """horizon_s=np.array([60, 300]) / [np.int64(60)] were refused "must be seconds ahead";
    at_report_times=np.True_ and clean(return_report=np.False_) "must be True or False";
    1,000,001 s was asked as 1e+06 (':g'); horizon_s='--task' was quoted back as 'task'."""
    import numpy as np

    from trajlm.api_evaluate import asked_times, with_evaluate_keywords
    from trajlm.errors import TrajlmInputError

    assert asked_times(np.array([60, 300]), np.True_, None) == ("60,300", [])
    assert asked_times([np.int64(60), np.float32(90.5)], False, None)[0] == "60,90.5"
    assert asked_times(1000001, False, None)[0] == "1000001"
    e = with_evaluate_keywords(TrajlmInputError("--horizon-s '--task': expected seconds > 0"))
    assert str(e) == "horizon_s '--task': expected seconds > 0"
    import pytest

    with pytest.raises(TrajlmInputError, match="horizon_s must be seconds ahead"):
        asked_times(np.array([[60, 300]]), False, None)
    frame = pd.DataFrame({"traj_id": ["a"] * 3, "t": [0, 10, 20], "lat": [41.15, 41.151, 41.152],
                          "lon": [-8.61, -8.61, -8.61]})  # fmt: skip
    out = trajlm.clean(frame, return_report=np.False_)
    assert isinstance(out, pd.DataFrame) and "clean_report" in out.attrs


def test_a_time_ending_in_a_zone_word_of_several_zones_says_so(tmp_path):
    """'2026-03-01 10:00:00 CST' was refused with the list of time formats, which cannot read
    it (CST is US Central, China or Cuba)."""
    rows = "".join(
        f"v,2026-03-01 10:00:{k * 4:02d} CST,41.9,{-87.7 + 1e-4 * k}\n" for k in range(12)
    )
    (tmp_path / "c.csv").write_text("id,time,lat,lon\n" + rows)
    code, out = _ingest(tmp_path / "c.csv", tmp_path / "s")
    flat = " ".join(out.split())
    assert code == 2 and "CST names several zones (US Central UTC-6, China UTC+8" in flat, flat
    assert "line 2" in flat and "--time-format" not in flat, flat
