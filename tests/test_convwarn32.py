"""convwarn32: a warning about a converted file names the user's file (`s.xlsx: units row ...`),
not the temporary CSV it was read as (`s.csv`), through read, read_file's path and ingest."""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl
import pytest

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
