"""Session 33 (badin33): hostile inputs on session 32's surfaces (scripts/badin33/probe.py,
docs/reliability.md "Session 33 (badin33)"). Each test failed on main d0a61639."""

from __future__ import annotations

import os
import sqlite3
import struct
import warnings
import zipfile
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import trajlm
from trajlm._safety import check_output_files
from trajlm.data.readers import read
from trajlm.data.readers.binary_logs import ubx_message
from trajlm.errors import TrajlmInputError
from trajlm.eval.classify import make_mode_segments
from trajlm.eval.classify_notes import class_map_for, resolved_classes

T0 = 1772359200


def _csv(path: Path) -> Path:
    path.write_text("id,time,lat,lon\n" + "".join(
        f"a,2026-03-01T10:00:{2 * k:02d}Z,41.15,{-8.61 + 1e-4 * k:.4f}\n" for k in range(6)))  # fmt: skip
    return path


# -- paths: bytes, '', symlink loops, store folders ----------------------------------------


def test_read_takes_a_bytes_path_and_refuses_an_empty_one(tmp_path: Path) -> None:
    p = _csv(tmp_path / "a.csv")
    assert trajlm.read(os.fsencode(p)).height == 6  # was: TypeError from pathlib
    with pytest.raises(TrajlmInputError, match="empty path"):
        trajlm.read("")  # was: the working folder read (the repository's test files)


def test_a_symlink_loop_is_named_as_one(tmp_path: Path) -> None:
    os.symlink(tmp_path / "y", tmp_path / "x")
    os.symlink(tmp_path / "x", tmp_path / "y")
    with pytest.raises(TrajlmInputError, match="symlink loop"):
        trajlm.read(tmp_path / "x")  # was: "no such file or folder"
    # `trajlm reach --input LOOP`: pathlib's RuntimeError escaped the output check
    check_output_files({"--out": tmp_path / "out.csv"}, [tmp_path / "x"])


def test_read_of_a_store_folder_reads_its_points(tmp_path: Path) -> None:
    from trajlm.data.store import write_store

    df = pl.DataFrame({"traj_id": ["a"] * 6, "t": [T0 + 2 * k for k in range(6)],
                       "lat": [41.15] * 6, "lon": [-8.61 + 1e-4 * k for k in range(6)]})  # fmt: skip
    write_store(df, tmp_path / "s")
    got = trajlm.read(tmp_path / "s")  # was: "index.parquet: missing column(s) ['t', 'lat', 'lon']"
    assert got.height == 6 and {"traj_id", "t", "lat", "lon"} <= set(got.columns)


# -- --classes: labels written more than one way ------------------------------------------


def _labelled(labels: list[str]) -> pl.DataFrame:
    return pl.DataFrame([{"traj_id": f"t{i}", "t": T0 + 10 * k, "lat": 41.15 + 1e-4 * k,
                          "lon": -8.61 + 1e-4 * k, "label": lab}
                         for i, lab in enumerate(labels) for k in range(12)])  # fmt: skip


def test_store_labels_differing_in_case_or_spaces_are_one_class_and_said() -> None:
    df = _labelled(["Walk", "walk ", "WALK", "bike", "bike", "Walk", "  "])
    classes, said = resolved_classes("auto", df, "csv")
    seg, _ = make_mode_segments(df, class_map_for(classes, df), min_points=10)
    assert sorted(seg["label"].unique().to_list()) == ["Walk", "bike"]  # was 4 classes + '  '
    assert "'WALK' = 'Walk' = 'walk '" in said and "blank labels ('  ')" in said


def test_geolife_mode_names_in_other_case_map_to_protocols_classes() -> None:
    df = _labelled(["Car ", " Bus", "TAXI", "Subway"])
    classes, _ = resolved_classes("auto", df, "geolife")
    seg, _ = make_mode_segments(df, class_map_for(classes, df), min_points=10)
    assert sorted(seg["label"].unique().to_list()) == ["bus", "car", "rail"]  # was: 0 classes


# -- predict: every fix left out by its accuracy ------------------------------------------


@pytest.fixture(scope="module")
def lm() -> trajlm.TrajLM:
    return trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)


def _stay(accuracy: list[float]) -> pl.DataFrame:
    return pl.DataFrame({"traj_id": ["p"] * 6, "t": [T0 + 60 * k for k in range(6)],
                         "lat": [52.37 + 1e-4 * k for k in range(6)], "lon": [4.89] * 6,
                         "accuracy": accuracy})  # fmt: skip


def test_predict_with_every_fix_left_out_by_accuracy_says_so(lm: trajlm.TrajLM) -> None:
    with pytest.raises(TrajlmInputError, match="every fix was left out.*negative accuracy"):
        lm.predict(_stay([-5.0] * 6), steps=1)  # was: ValueError "no input points to predict from"
    with pytest.raises(TrajlmInputError, match="every fix was left out.*over 200 m"):
        lm.predict(_stay([300.0] * 6), steps=1)


def test_predict_says_the_fixes_it_leaves_out_for_a_negative_accuracy(lm: trajlm.TrajLM) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lm.predict(_stay([5.0, 5.0, -1.0, 5.0, 5.0, 5.0]), steps=1)
    assert any("1 fix(es) with a negative accuracy" in str(w.message) for w in caught)


def test_http_predict_with_every_accuracy_negative_is_a_422(lm: trajlm.TrajLM) -> None:
    from fastapi.testclient import TestClient

    from trajlm.serve.app import create_app

    rows = [{"vehicle_id": "P", "t": T0 + 60 * k, "lat": 52.37 + 1e-4 * k, "lon": 4.89,
             "accuracy": -5} for k in range(6)]  # fmt: skip
    with TestClient(create_app(lm), raise_server_exceptions=False) as client:
        r = client.post("/predict", json={"trajectories": rows, "steps": 1})
    assert r.status_code == 422 and "every fix was left out" in r.json()["error"]  # was a 500


# -- readers: truncated / corrupt / inconsistent -------------------------------------------


def _pvt(sec: int) -> bytes:
    p = struct.pack("<IHBBBBBBIiBBBBiiiiIIiiiiiIIH", 0, 2026, 6, 15, 7, 10, sec, 7, 30, 0, 3, 1,
                    0, 12, 85400000, 473700000 + 1000 * sec, 430000, 410000, 2500, 3500, 0, 0,
                    0, 8000, 9000000, 400, 800000, 150)  # fmt: skip
    return ubx_message(0x01, 0x07, p + bytes(92 - len(p)))


def test_a_ubx_log_cut_inside_its_last_epoch_says_so(tmp_path: Path) -> None:
    p = tmp_path / "drive.ubx"
    p.write_bytes(b"".join(_pvt(s) for s in range(6))[:-30])
    with pytest.warns(UserWarning, match="1 UBX-NAV-PVT message.*cut short"):
        df, _ = read(p)  # was: 5 epochs read, the cut one dropped without a word
    assert df.height == 5


def test_a_ubx_log_of_damaged_epochs_is_not_called_one_without_nav_pvt(tmp_path: Path) -> None:
    p = tmp_path / "drive.ubx"
    p.write_bytes(b"".join(m[:-2] + b"\x00\x00" for m in map(_pvt, range(6))))
    with pytest.raises(TrajlmInputError, match="6 UBX-NAV-PVT message.*all damaged.*checksum"):
        read(p)  # was: "a u-blox UBX log with no UBX-NAV-PVT message ... enable UBX-NAV-PVT"


def test_a_wln_export_cut_inside_its_last_line_says_so(tmp_path: Path) -> None:
    p = tmp_path / "unit.wln"
    p.write_text("".join(f"REG;{1775458800 + 30 * i};27.5{i};53.9{i};42;118;;;;;\r\n"
                         for i in range(6)) + "REG;1775459100;27.")  # fmt: skip
    with pytest.warns(UserWarning, match="line 7: a REG message cut short"):
        df, _ = read(p)
    assert df.height == 6


def _nc(path: Path, rowsize: tuple[int, int], units: bytes = b"minutes since 2026-07-01") -> None:
    from scipy.io import netcdf_file

    f = netcdf_file(path, "w", version=2)
    f.createDimension("trajectory", 2)
    f.createDimension("strlen", 4)
    f.createDimension("obs", 7)
    ids = f.createVariable("trajectory", "c", ("trajectory", "strlen"))
    ids[:] = np.array([list("1031"), list("1038")], dtype="S1")
    ids.cf_role = b"trajectory_id"
    size = f.createVariable("rowSize", "i", ("trajectory",))
    size[:] = np.array(rowsize, dtype="i4")
    size.sample_dimension = b"obs"
    v = f.createVariable("time", "d", ("obs",))
    v[:] = np.arange(7) * 5.0
    v.units = units
    for name, u, base in (("lat", b"degrees_north", 36.5), ("lon", b"degrees_east", -123.5)):
        v = f.createVariable(name, "d", ("obs",))
        v[:] = base + np.arange(7) / 1000
        v.units = u
    f.close()


@pytest.mark.parametrize("rowsize", [(5, 4), (-3, 10)])
def test_a_netcdf_rowsize_that_does_not_count_the_observations_is_refused(
    tmp_path: Path, rowsize: tuple[int, int]
) -> None:
    p = tmp_path / "usv.nc"
    _nc(p, rowsize)
    with pytest.raises(TrajlmInputError, match="rowSize.*does not count its 7 observations"):
        read(p)  # was: 7 observations given to the wrong trajectories without a word


def test_netcdf_time_units_that_do_not_read_name_the_file(tmp_path: Path) -> None:
    p = tmp_path / "usv.nc"
    _nc(p, (3, 4), units=b"fortnights since never")
    with pytest.raises(TrajlmInputError, match="usv.nc.*time units 'fortnights since never'"):
        read(p)  # was: "field units: time units ..." naming no file


def test_an_ods_without_table_rows_is_said_as_such(tmp_path: Path) -> None:
    p = tmp_path / "report.ods"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<x>nothing here</x>")
    with pytest.raises(TrajlmInputError, match="no table rows"):
        read(p)  # was: "readers/report.ods: no such file or folder"


@pytest.mark.parametrize("name", ["phone.db", "usv.nc"])
def test_an_empty_file_is_said_empty(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(b"")
    with pytest.raises(TrajlmInputError, match=r"empty \(0 bytes\)"):
        read(tmp_path / name)  # was: "cannot tell the format from the name"


def _aware(p: Path) -> Path:
    """An AWARE-like database: six fixes of one device in `locations`."""
    db = sqlite3.connect(p)
    db.execute("CREATE TABLE locations (timestamp REAL, device_id TEXT, double_latitude REAL, "
               "double_longitude REAL)")  # fmt: skip
    db.executemany("INSERT INTO locations VALUES (?, 'a', ?, 24.94)",
                   [(1767600000000.0 + 60000 * i, 60.17 + i / 1000) for i in range(6)])  # fmt: skip
    db.commit()
    db.close()
    return p


def test_an_aware_database_still_reads(tmp_path: Path) -> None:  # the quiet neighbour
    p = _aware(tmp_path / "aware.db")
    assert read(p)[0].height == 6


def test_a_ubx_log_that_never_got_a_fix_says_so(tmp_path: Path) -> None:
    p = tmp_path / "cold.ubx"
    p.write_bytes(b"".join(_no_fix(s) for s in range(4)))
    with pytest.raises(TrajlmInputError, match="4 UBX-NAV-PVT epoch.*no position fix"):
        read(p)  # was: "NAV-PVT message 1 (byte 0) field lat: latitude is missing"


def _no_fix(sec: int) -> bytes:
    p = struct.pack("<IHBBBBBBIiBBBBiiiiIIiiiiiIIH", 0, 2026, 6, 15, 7, 10, sec, 0, 30, 0, 0, 0,
                    0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)  # fmt: skip
    return ubx_message(0x01, 0x07, p + bytes(92 - len(p)))


def test_utc_offset_rows_beside_zoneless_rows_are_refused(tmp_path: Path) -> None:
    p = tmp_path / "phone.csv"
    times = ["2026-10-25T02:40:00+02:00", "2026-10-25T02:50:00+02:00", "2026-10-25T02:10:00+01:00",
             "2026-10-25T02:20:00", "2026-10-25T02:30:00+01:00"]  # fmt: skip
    p.write_text(
        "id,time,lat,lon\n" + "".join(f"v,{t},52.5{k},13.4\n" for k, t in enumerate(times))
    )
    with pytest.raises(TrajlmInputError, match="4 time.*UTC offset.*1 carry no zone.*line 5"):
        read(p)  # was: the zone-less row read as UTC, an hour off, with a re-sort warning
    p.write_text(p.read_text().replace("02:20:00,", "02:20:00+01:00,"))
    assert read(p)[0].height == 5  # every row on its offset: read as before


def test_an_sqlite_database_cut_short_says_so(tmp_path: Path) -> None:
    p = _aware(tmp_path / "aware.db")
    p.write_bytes(p.read_bytes()[:6000])
    with pytest.raises(TrajlmInputError, match="SQLite database cut short.*holds 6,000"):
        read(p)  # was: "table 'locations' row 1 field device_id: missing trajectory id"


def test_a_text_file_named_db_says_it_is_no_sqlite_database(tmp_path: Path) -> None:
    p = tmp_path / "export.db"
    p.write_text("id,time,lat,lon\na,2026-03-01T10:00:00Z,41.15,-8.61\n")
    with pytest.raises(TrajlmInputError, match="named as an SQLite file but it is not one"):
        read(p)  # was: "cannot tell the format from the name"


def test_a_netcdf_file_cut_short_says_so(tmp_path: Path) -> None:
    p = tmp_path / "usv.nc"
    _nc(p, (3, 4))
    p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2])
    with pytest.raises(TrajlmInputError, match="does not read: cut short or damaged"):
        read(p)  # was: "a NetCDF file that does not read (cannot reshape array of size 0 ...)"


def test_files_a_folder_read_leaves_unread_are_said(tmp_path: Path) -> None:
    _csv(tmp_path / "a.csv")
    (tmp_path / "b.jsonl").write_text(
        '{"id":"b","ts":"2026-03-01T12:00:00Z","lat":41.1,"lon":-8.6}\n'
    )
    with pytest.warns(UserWarning, match="reading its csv files only; it also holds 1 .jsonl"):
        read(tmp_path)  # was: b.jsonl left out without a word
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "drive.ubx").write_bytes(b"".join(_pvt(s) for s in range(6)))
    _csv(logs / "phone.csv")
    with pytest.warns(UserWarning, match="reading its ubx files only; it also holds 1 .csv"):
        df, _ = read(logs)  # was: phone.csv left out without a word
    assert df["traj_id"].unique().to_list() == ["drive"]


def test_http_accuracy_text_is_read_as_the_api_reads_it(lm: trajlm.TrajLM) -> None:
    from fastapi.testclient import TestClient

    from trajlm.serve.app import create_app

    rows = [{"vehicle_id": "P", "t": T0 + 60 * k, "lat": 52.37 + 1e-4 * k, "lon": 4.89} for k in range(6)]  # fmt: skip
    with TestClient(create_app(lm), raise_server_exceptions=False) as client:
        said = client.post("/predict", json={"trajectories": [{**r, "accuracy": "good"} for r in rows], "steps": 1})  # fmt: skip
        far = client.post("/predict", json={"trajectories": [{**r, "accuracy": "300 m"} for r in rows], "steps": 1})  # fmt: skip
    assert any("not a number of metres" in w for w in said.json()["warnings"])  # was: unsaid
    assert far.status_code == 422 and "over 200 m" in far.json()["error"]  # was: read as none
