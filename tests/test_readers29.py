"""Session 29 (readers29): the readers' leftovers of session 28 (badin28, heldout28).

A point column whose rows write their numbers in two orders is read row by row where each row's
values tell its order, else refused naming the rows; negative accuracy / HDOP values drop their
fixes, counted; a speed written with its unit in the cell ("18 km/u") is read in that unit, text
that is no speed said; a `Date` column of date-times is the time when nothing is named as one;
Argos location classes are kept as `argos_lc`, class Z dropped and counted; a column named `UTC`
is not said to have no zone; a Shift-JIS file with one character cut short is read, the line
named."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from trajlm.cli import app
from trajlm.data.store import read_store


def _ingest(src: Path, out: Path, *opts: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["data", "ingest", str(src), "--out", str(out), *opts])
    return res.exit_code, res.output


def _times(n: int = 12) -> list[str]:
    return [f"2026-03-01 10:00:{k * 4:02d}" for k in range(n)]


def _points(tmp_path: Path, value) -> Path:
    rows = "".join(f'v,{t},"{value(k)}"\n' for k, t in enumerate(_times()))
    (tmp_path / "p.csv").write_text('id,time,"Location (Long, Lat)"\n' + rows)
    return tmp_path / "p.csv"


def test_a_point_column_in_two_orders_is_refused_where_the_values_cannot_tell(tmp_path):
    # Chicago: both numbers under 90 on every row, half the rows lat first (badin28 case 1)
    src = _points(tmp_path, lambda k: f"{-87.74 + 1e-4 * k}, 41.89" if k % 2 else "41.89, -87.7")
    code, out = _ingest(src, tmp_path / "s")
    assert code != 0 and "two orders" in out and "lines 3, 5, 7" in out, out
    assert "Traceback" not in out and len(out.strip().splitlines()) <= 3, out
    # one row the other way round among rows as named: refused, that row named
    src = _points(tmp_path, lambda k: "41.89, -87.7" if k == 5 else f"{-87.74 + 1e-4 * k}, 41.89")
    code, out = _ingest(src, tmp_path / "s2")
    assert code != 0 and "line 7 in the other order" in out, out


def test_a_point_column_in_two_orders_is_read_row_by_row_where_each_row_tells(tmp_path):
    # Sydney: 151.2 is no latitude, so each row's order is told by its own values
    src = _points(tmp_path, lambda k: f"{151.2 + 1e-4 * k}, -33.87" if k % 2 else "-33.87, 151.2")
    code, out = _ingest(src, tmp_path / "s")
    assert code == 0 and "both orders" in out, out
    df = read_store(tmp_path / "s")
    assert df["lat"].to_list() == pytest.approx([-33.87] * 12)
    assert (df["lon"] > 151).all()
    # as named on every row: nothing said
    src = _points(tmp_path, lambda k: f"{-87.74 + 1e-4 * k}, 41.89")
    code, out = _ingest(src, tmp_path / "s2")
    assert code == 0 and "orders" not in out and read_store(tmp_path / "s2")["lat"][0] == 41.89


def test_a_python_frame_point_column_in_two_orders_is_read_row_by_row():
    from trajlm.data.coerce_shapes import split_point

    text = [f"{151.2 + 1e-4 * k}, -33.87" if k % 2 else "-33.87, 151.2" for k in range(12)]
    df = pl.DataFrame({"id": ["v"] * 12, "time": _times(), "Location (Long, Lat)": text})
    with pytest.warns(UserWarning, match="both orders"):
        out, lat, lon, _ = split_point(df, None, None)
    assert (out[lat] - -33.87).abs().max() < 1e-9 and (out[lon] > 151).all()


@pytest.mark.parametrize(
    "column, bad, reason",
    [("accuracy_ft", "-30", "negative_accuracy"), ("hdop", "-3 (bad)", "negative_hdop")],
)
def test_a_negative_estimate_drops_its_fix_counted(tmp_path, column, bad, reason):
    rows = "".join(
        f"v,{t},{41.15 + 1e-4 * k},-8.61,{bad if k == 2 else '3'}\n" for k, t in enumerate(_times())
    )
    (tmp_path / "a.csv").write_text(f"id,time,lat,lon,{column}\n" + rows)
    code, out = _ingest(tmp_path / "a.csv", tmp_path / "s")
    assert code == 0 and reason in out, out
    df = read_store(tmp_path / "s")
    assert (
        df.height == 11
        and (df[column.split("_")[0] if column == "hdop" else "accuracy_m"] > 0).all()
    )


def test_a_speed_written_with_its_unit_is_read_and_text_said(tmp_path):
    cells = {3: "5 kn", 6: "fast", 8: '"18,0 km/u"'}
    rows = "".join(
        f"v,{t},{41.15 + 1e-4 * k},-8.61,{cells.get(k, '18 km/u')}\n"
        for k, t in enumerate(_times())
    )
    (tmp_path / "v.csv").write_text("id,time,lat,lon,Snelheid (km/u)\n" + rows)
    code, out = _ingest(tmp_path / "v.csv", tmp_path / "s")
    assert code == 0 and "'fast'" in out and "v.csv line 8" in out, out
    sog = read_store(tmp_path / "s").sort("t")["sog_mps"].to_list()
    assert sog[0] == pytest.approx(5.0) and sog[8] == pytest.approx(5.0)
    assert sog[3] == pytest.approx(5 * 1852 / 3600) and sog[6] is None


def test_a_date_column_of_date_times_is_the_time_and_a_bare_date_is_not(tmp_path):
    rows = "".join(
        f"235400,{k * 3:02d}:28:07 23-Sep-2026,{-18.6 + 0.01 * k},-174.0\n" for k in range(8)
    )
    (tmp_path / "w.csv").write_text("DeployID,Date,Latitude,Longitude\n" + rows)
    code, out = _ingest(tmp_path / "w.csv", tmp_path / "s")
    assert code == 0 and "t <- 'Date'" in out, out
    assert read_store(tmp_path / "s")["t"].min() == 1790123287  # 2026-09-23T00:28:07Z
    manifest = json.loads((tmp_path / "s" / "manifest.json").read_text())
    assert "local_time" not in manifest["reading"]  # "-2026" is a year, not UTC-20:26
    dates = "".join(f"v,2026-03-0{k + 1},{41.15 + 1e-3 * k},-8.61\n" for k in range(8))
    (tmp_path / "d.csv").write_text("id,Date,lat,lon\n" + dates)
    code, out = _ingest(tmp_path / "d.csv", tmp_path / "s2")
    assert code != 0 and "closest: t -> 'Date'" in out, out


def test_a_frame_s_date_column_of_date_times_is_the_time():
    import trajlm

    dates = [f"{k * 3:02d}:28:07 23-Sep-2026" for k in range(8)]
    df = pl.DataFrame(
        {"DeployID": ["235400"] * 8, "Date": dates, "Latitude": [-18.6 + 0.01 * k for k in range(8)],
         "Longitude": [-174.0] * 8}
    )  # fmt: skip
    out = trajlm.clean(df, split_gaps=False)[0]
    assert out["Date"][0].isoformat() == "2026-09-23T00:28:07+00:00"  # not written back at -20:26


def test_argos_classes_are_kept_and_class_z_dropped(tmp_path):
    classes = ["3", "2", "1", "0", "A", "B", "Z", "B"]
    rows = "".join(
        f"235400,2026-09-23 {k:02d}:28:07,{q},{-18.6 + 0.01 * k},-174.0\n"
        for k, q in enumerate(classes)
    )
    (tmp_path / "a.csv").write_text("DeployID,Date,Quality,Latitude,Longitude\n" + rows)
    code, out = _ingest(tmp_path / "a.csv", tmp_path / "s")
    assert code == 0 and "Argos location classes" in out and "argos_class_z" in out, out
    df = read_store(tmp_path / "s")
    assert df.height == 7 and sorted(set(df["argos_lc"])) == ["0", "1", "2", "3", "A", "B"]
    # a GPS fix quality 0 / 1 / 2 is no Argos class: not kept
    gps = "".join(f"v,{t},{k % 3},{41.15 + 1e-4 * k},-8.61\n" for k, t in enumerate(_times()))
    (tmp_path / "g.csv").write_text("id,time,Quality,lat,lon\n" + gps)
    code, out = _ingest(tmp_path / "g.csv", tmp_path / "s2")
    assert (
        code == 0 and "Argos" not in out and "argos_lc" not in read_store(tmp_path / "s2").columns
    )


def test_a_column_named_utc_is_not_said_to_have_no_zone(tmp_path):
    rows = "".join(
        f"TC-B00,13/06/2026,03:22:{k * 4:02d},38.65,{34.85 + 1e-4 * k}\n" for k in range(12)
    )
    (tmp_path / "b.csv").write_text("Balloon,Date,UTC,Latitude,Longitude\n" + rows)
    code, out = _ingest(tmp_path / "b.csv", tmp_path / "s")
    assert code == 0 and "no zone" not in out, out
    from trajlm.data.zone_names import named_utc

    assert named_utc("gps_utc_time") and named_utc("Time (UTC)") and not named_utc("utc_offset")


def test_a_shift_jis_file_with_one_character_cut_is_read_and_the_line_named(tmp_path):
    rows = [f"D01,山田太郎,{t},{35.68 + 1e-4 * k},139.76" for k, t in enumerate(_times())]
    data = ("配達員ID,氏名,記録日時,緯度,経度\n" + "\n".join(rows) + "\n").encode("cp932")
    name = "山田太郎".encode("cp932")
    lines = data.split(b"\n")
    lines[5] = lines[5].replace(name, name[:-1])  # file line 6: its last character cut short
    (tmp_path / "j.csv").write_bytes(b"\n".join(lines))
    code, out = _ingest(tmp_path / "j.csv", tmp_path / "s")
    assert code == 0 and "Shift-JIS" in out and "line 6" in out, out
    assert read_store(tmp_path / "s").height == 12
    from trajlm.data.readers._encoding import legacy_cjk

    western = "id,name,time\n" + "".join(f"1,José,{t}\n" for t in _times())
    assert legacy_cjk(western.encode("cp1252")) is None  # Latin-1 text stays Western
