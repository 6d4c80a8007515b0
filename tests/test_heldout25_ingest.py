"""Session 25 (heldout25): held-out exports the readers refused or read wrong with no options.

Before: a rickshaw fleet's workbook with one sheet per vehicle was read as its FIRST sheet only
(1 of 24 trajectories, the rest dropped without a word); a plough fleet's tab-separated export
with two title lines above the header was "missing columns" named after the title (no option
could help); delivery robots' JSON Lines with `"pose": {"lat", "lng"}` and a pilot service's JSON
records with `ts_ms` and `lat_e7` / `lon_e7` were refused; a truck log's local times with a
per-row `Time Zone` (CST, MST) were read as UTC once named (11 % of rows dropped as repeats)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from trajlm.cli import app
from trajlm.data.column_names import normalised
from trajlm.data.readers._lines import comment_lines
from trajlm.data.store import read_store

T0 = 1_760_000_000  # 2025-10-09 08:53:20 UTC


def _ingest(path: Path, out: Path, *opts: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["data", "ingest", str(path), "--out", str(out), *opts])
    return res.exit_code, res.output


def _track(i: int, n: int = 12) -> list[tuple[int, float, float]]:
    return [(T0 + 3600 * i + 5 * k, 28.65 + 1e-4 * k, 77.23 + 1e-3 * i) for k in range(n)]


def test_a_workbook_with_a_sheet_per_vehicle_reads_every_sheet(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for i in range(3):
        ws = wb.create_sheet(f"RK-{101 + i}")
        ws.append(["Time", "Latitude", "Longitude"])
        for t, lat, lon in _track(i):
            ws.append([pl.from_epoch(pl.Series([t]), time_unit="s")[0], lat, lon])
    wb.create_sheet("Summary").append(["Vehicle", "km"])  # another table: not positions
    wb.save(tmp_path / "fleet.xlsx")
    code, out = _ingest(tmp_path / "fleet.xlsx", tmp_path / "s")
    assert code == 0, out
    ids = read_store(tmp_path / "s")["source_traj_id"].unique().sort().to_list()
    assert [i.rsplit("/", 1)[-1].removesuffix(".csv") for i in ids] == [
        "RK-101",
        "RK-102",
        "RK-103",
    ], ids


def test_title_lines_above_the_header_are_skipped(tmp_path: Path) -> None:
    lines = ["City Winter Operations - AVL position export", "Generated 2025-10-09 by FleetView",
             "Truck\tGPS Date/Time\tLat.\tLong.\tBlade"]  # fmt: skip
    for i in range(2):
        for t, lat, lon in _track(i):
            when = pl.from_epoch(pl.Series([t]), time_unit="s")[0].isoformat()
            lines.append(f"P{i}\t{when}\t{lat:.6f}\t{lon:.6f}\tDOWN")
    (tmp_path / "avl.txt").write_text("\n".join(lines) + "\n")
    code, out = _ingest(tmp_path / "avl.txt", tmp_path / "s")
    assert code == 0, out
    assert read_store(tmp_path / "s")["source_traj_id"].n_unique() == 2


def test_comment_lines_still_find_a_header_and_plain_files_skip_nothing() -> None:
    plain = [b"t,lat,lon\n", b"1,2,3\n", b"4,5,6\n", b"7,8,9\n"]
    assert comment_lines(plain) == 0
    assert comment_lines([b"Export\n", b"\n", *plain]) == 2
    assert comment_lines([b"# by x\n", *plain]) == 1
    assert comment_lines([b"a,b,c,d\n", b"x,y\n", b"1,2,3,4\n", b"1,2,3,4\n"]) == 0  # ragged rows


def test_a_nested_pose_object_in_json_lines_is_the_position(tmp_path: Path) -> None:
    rows = [{"robot_id": f"r{i}", "ts": f"{pl.from_epoch(pl.Series([t]), time_unit='s')[0].isoformat()}Z",
             "pose": {"lat": lat, "lng": lon, "heading": 90.0}, "state": "DRIVING"}
            for i in range(2) for t, lat, lon in _track(i)]  # fmt: skip
    rows[3]["pose"] = None  # localisation lost: no fix
    (tmp_path / "robots.jsonl").write_text("\n".join(map(json.dumps, rows)) + "\n")
    code, out = _ingest(tmp_path / "robots.jsonl", tmp_path / "s")
    assert code == 0, out
    assert "'pose.lat'" in out and "'pose.lng'" in out, out
    df = read_store(tmp_path / "s")
    assert df["source_traj_id"].n_unique() == 2 and df.height == 23
    assert abs(df["lat"].min() - 28.65) < 1e-6


def test_json_records_with_ts_ms_and_e7_degrees_are_read(tmp_path: Path) -> None:
    recs = [{"boat": f"PILOT {i}", "ts_ms": t * 1000, "lat_e7": round(lat * 1e7),
             "lon_e7": round(lon * 1e7)} for i in range(2) for t, lat, lon in _track(i)]  # fmt: skip
    (tmp_path / "pilots.json").write_text(json.dumps({"meta": {"v": 2}, "data": recs}))
    code, out = _ingest(tmp_path / "pilots.json", tmp_path / "s")
    assert code == 0, out
    df = read_store(tmp_path / "s")
    assert df["traj_id"].n_unique() == 2
    assert abs(df["lat"].min() - 28.65) < 1e-6 and abs(df["lon"].min() - 77.23) < 1e-6
    assert int(df["t"].min()) == T0


def test_local_times_with_a_zone_per_row_are_read_in_each_rows_zone(tmp_path: Path) -> None:
    # refused in one line by heldout25; read row by row since session 26 (readers26)
    lines = ["Truck,Local Time,Time Zone,Latitude,Longitude"]
    for i, zone in enumerate(["CST", "MST"]):
        for t, lat, lon in _track(i):
            when = pl.from_epoch(pl.Series([t]), time_unit="s")[0].strftime("%Y-%m-%d %H:%M:%S")
            lines.append(f"T{i},{when},{zone},{lat},{lon}")
    (tmp_path / "eld.csv").write_text("\n".join(lines) + "\n")
    code, out = _ingest(tmp_path / "eld.csv", tmp_path / "s", "--time-col", "Local Time")
    assert code == 0 and "'Time Zone'" in out and "CST, MST" in out, out
    df = read_store(tmp_path / "s")
    assert int(df["t"].min()) == T0 + 6 * 3600  # T0's wall clock in CST (UTC-6)


def test_a_number_sign_after_an_id_name_is_dropped() -> None:
    assert normalised("Unit #") == "unit" and normalised("Truck No.") == "truck"
    assert normalised("imo_no") == "imo_no" and normalised("No") == "no"


def test_a_run_whose_val_check_was_skipped_says_so_in_train_and_predict(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from trajlm.api_knn_note import knn_note
    from trajlm.cli_train_check import skipped_reason, unchecked_summary

    (tmp_path / "train_summary.json").write_text(json.dumps({"steps": 150}))
    got = unchecked_summary(tmp_path, Path("store"), 2, {"steps": 150})
    assert got["val_check_skipped"] == skipped_reason(2) and "2 trip(s)" in skipped_reason(2)
    saved = json.loads((tmp_path / "train_summary.json").read_text())
    assert saved["val_check_skipped"] == skipped_reason(2) and saved["steps"] == 150
    note = knn_note(SimpleNamespace(path=tmp_path))
    assert note is not None and "not checked against the prediction baselines" in note
    (tmp_path / "train_summary.json").write_text(json.dumps({"steps": 150}))  # checked, or old
    assert knn_note(SimpleNamespace(path=tmp_path)) is None


def test_json_records_are_split_at_time_gaps_like_a_csv(tmp_path: Path) -> None:
    recs = [{"boat": "PILOT 1", "ts_ms": (t + 86_400 * day) * 1000, "lat": lat, "lon": lon}
            for day in range(2) for t, lat, lon in _track(0)]  # fmt: skip
    (tmp_path / "pilots.json").write_text(json.dumps({"data": recs}))
    code, out = _ingest(tmp_path / "pilots.json", tmp_path / "s")
    assert code == 0, out
    assert read_store(tmp_path / "s")["traj_id"].n_unique() == 2  # two jobs a day apart


def test_the_api_reads_dotted_day_first_dates_and_e7_degrees_as_ingest_does() -> None:
    import pandas as pd

    from trajlm.data.coerce import to_canonical

    df = pd.DataFrame({"CollarID": [7, 7, 7], "UTC_Date": ["01.05.2026", "01.05.2026", "02.05.2026"],
                       "UTC_Time": ["12:00:46", "16:00:10", "00:00:05"],
                       "lat_e7": [611234567, 611244567, 611254567],
                       "lon_e7": [151234567, 151244567, 151254567]})  # fmt: skip
    out = to_canonical(df)
    out = out[0] if isinstance(out, tuple) else out
    t = pd.Series(out["t"]).tolist()
    assert t[0] == int(
        pd.Timestamp("2026-05-01 12:00:46", tz="UTC").timestamp()
    )  # 1 May, not 5 Jan
    assert t[2] == int(pd.Timestamp("2026-05-02 00:00:05", tz="UTC").timestamp())
    assert (
        abs(float(out["lat"][0]) - 61.1234567) < 1e-9
        and abs(float(out["lon"][0]) - 15.1234567) < 1e-9
    )


def test_the_api_names_a_numeric_unit_number_before_a_two_valued_text_column() -> None:
    from trajlm.data.coerce_pieces import no_id_frame
    from trajlm.errors import TrajlmInputError

    rows = [(4100 + i, t, "DOWN" if k % 2 else "UP", lat, lon)
            for i in range(3) for k, (t, lat, lon) in enumerate(_track(i, 40))]  # fmt: skip
    df = pl.DataFrame(rows, schema=["Unit #", "t", "Blade", "lat", "lon"], orient="row")
    with pytest.raises(TrajlmInputError, match=r"traj_col='Unit #' \(or 'Blade'\)"):
        no_id_frame(df, True)
    assert no_id_frame(df.drop("Blade").rename({"Unit #": "Sats"}), True)[1] is not None  # a count
