"""convwarn32: a warning about a converted file names the user's file (`s.xlsx: units row ...`),
not the temporary CSV it was read as (`s.csv`), through read, read_file's path and ingest."""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl
import pytest
from helpers import read_error, wide_table

from trajlm.data.ingest import ingest
from trajlm.data.readers import read

ROWS = [
    ["time", "latitude", "longitude", "platform_id"],
    ["UTC", "degrees_north", "degrees_west", ""],
]
ROWS += [
    [f"2026-02-01T0{i}:00:00Z", f"{-33.5 + i / 100}", f"{71.3 + i / 100}", "b1"] for i in range(6)
]


def _xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    for r in ROWS:
        wb.active.append(r)
    wb.save(path)
    return path


def _units_warnings(run: object) -> list[str]:
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        run()  # type: ignore[operator]
    return [str(w.message) for w in got if "units row" in str(w.message)]


def test_a_units_row_warning_on_an_xlsx_names_the_xlsx(tmp_path: Path) -> None:
    p = _xlsx(tmp_path / "s.xlsx")
    said = _units_warnings(lambda: read(p))
    assert said and all(m.startswith("s.xlsx: units row") for m in said), said
    assert not any("s.csv" in m for m in said)


def test_ingest_names_the_xlsx_too(tmp_path: Path) -> None:
    p = _xlsx(tmp_path / "s.xlsx")
    said = _units_warnings(lambda: ingest(p, "auto", tmp_path / "store"))
    assert said and all(m.startswith("s.xlsx: units row") for m in said), said


def test_the_callers_filters_still_act(tmp_path: Path) -> None:
    p = _xlsx(tmp_path / "s.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(UserWarning, match=r"^s\.xlsx: units row"):
            read(p)


def test_a_csv_keeps_its_own_name(tmp_path: Path) -> None:
    p = tmp_path / "s.csv"
    p.write_text("\n".join(",".join(r) for r in ROWS) + "\n")
    said = _units_warnings(lambda: read(p))
    assert said and all(m.startswith("s.csv: units row") for m in said), said


def test_an_aligned_texts_error_names_its_own_line(tmp_path: Path) -> None:
    rows = [f"2026-01-01T00:0{i}:00Z 10.{i} 20.{i} a" for i in range(5)]
    text = ["# sounding", "", "time lat lon id", *rows, "# note", "2026-01-01T00:05:00Z 1 2 a x"]
    (p := tmp_path / "s.dat").write_text("\n".join(text) + "\n")
    e = read_error(p)  # was: `s.dat!s.csv line 8` (the CSV leaves comments and blank lines out)
    assert str(e).startswith(f"{tmp_path.name}/s.dat line 10: expected 4 fields"), str(e)
    assert (e.path, e.line) == (str(p), 10)


def test_an_html_reports_error_names_its_table_row(tmp_path: Path) -> None:
    def tr(*cells: str) -> str:
        return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"

    rows = [tr("Report"), tr("time", "lat", "lon"), tr("2026-01-01T00:00:00Z", "10", "20"),
            tr("2026-01-01T00:01:00Z", "10.1", "20.1"), tr("2026-01-01T00:02:00Z", "1", "2", "x")]  # fmt: skip
    (p := tmp_path / "r.xls").write_text(f"<html><table>{''.join(rows)}</table></html>")
    assert str(read_error(p)).startswith(f"{tmp_path.name}/r.xls table row 5: expected 3 fields")


def test_a_wide_tables_error_names_the_users_file_not_the_csv(tmp_path: Path) -> None:
    p = wide_table(tmp_path / "stage.csv", bad_row=2)
    e = read_error(p)
    assert str(e).startswith(f"{tmp_path.name}/stage.csv"), str(e)
    assert "!stage.csv" not in str(e) and "trajlm-xlsx" not in str(e) and e.path == str(p)


def test_an_sbs1_logs_error_names_its_own_line(tmp_path: Path) -> None:
    def msg(k: int, lat: str) -> str:
        h = f"10:00:{k:02d}.000"
        return f"MSG,3,1,1,4CA2D6,1,2026/03/18,{h},2026/03/18,{h},,35000,,,{lat},-6.2,,,0,0,0,0"

    lines = ["MSG,8,1,1,4CA2D6,1,2026/03/18,10:00:00.000,2026/03/18,10:00:00.000,,,,,,,,,,,,0"] * 2
    lines += [msg(k, f"{53.3 + k / 100:.5f}") for k in range(4)] + [msg(5, "north")]
    (p := tmp_path / "feed.sbs").write_text("\n".join(lines) + "\n")
    e = read_error(p)  # was: `feed.sbs!feed.csv line 6` (the CSV: a header, no MSG,8)
    assert str(e).startswith(f"{tmp_path.name}/feed.sbs line 7 field lat"), str(e)
    assert (e.path, e.line) == (str(p), 7)
