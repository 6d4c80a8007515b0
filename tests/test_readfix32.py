"""readfix32: badfix32's reader leftovers. A CF units row in a sheet that leaves the row's
trailing empty cell out (.ods, XML Spreadsheet 2003) is read by the same rule as a CSV's
(_cf_units.py; was: refused as too few fields), and errors about u-blox .ubx, Wialon .wln,
SQLite, NetCDF 3 and .ods files name the source's line / message / row, not trajlm's CSV."""

from __future__ import annotations

import sqlite3
import struct
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from trajlm.data.readers import read
from trajlm.data.readers.binary_logs import ubx_message
from trajlm.errors import TrajlmInputError

ERD = [
    ["time", "latitude", "longitude", "platform_id"],
    ["UTC", "degrees_north", "degrees_west", ""],
]
ERD += [
    [f"2026-02-01T0{i}:00:00Z", f"{-33.5 + i / 100}", f"{71.3 + i / 100}", "b1"] for i in range(6)
]
_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')  # fmt: skip


def _xml2003(path: Path, rows: list[list[str]]) -> None:
    body = "".join("<Row>" + "".join(f'<Cell><Data ss:Type="String">{v}</Data></Cell>'
                                     for v in r if v) + "</Row>\n" for r in rows)  # fmt: skip
    path.write_text('<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:'
                    'spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n'
                    f'<Worksheet ss:Name="P"><Table>\n{body}</Table></Worksheet></Workbook>\n')  # fmt: skip


def _ods(path: Path, rows: list[list[str]]) -> None:
    def cell(v: str) -> str:  # an empty cell left out, as at the end of a row
        return f"<table:table-cell><text:p>{v}</text:p></table:table-cell>" if v else ""

    body = "".join("<table:table-row>" + "".join(map(cell, r)) + "</table:table-row>" for r in rows)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", f"<office:document-content {_ODS_NS}><office:body><office:"
                   f'spreadsheet><table:table table:name="P">{body}</table:table></office:'
                   "spreadsheet></office:body></office:document-content>")  # fmt: skip


def _xlsx(path: Path, rows: list[list[str]]) -> None:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)


@pytest.mark.parametrize("name, write", [("s.xls", _xml2003), ("s.ods", _ods), ("s.xlsx", _xlsx)])
def test_a_sheets_units_row_says_degrees_west_as_a_csvs_does(
    tmp_path: Path, name: str, write: object
) -> None:
    p = tmp_path / name
    write(p, ERD)  # type: ignore[operator]
    with pytest.warns(UserWarning, match="longitude in degrees_west: negated"):
        df, report = read(p)  # was (.xls / .ods): "line 2: expected 4 fields ..., found 3"
    assert df["lon"].max() == pytest.approx(-71.3) and len(df) == 6
    assert "no_fix" not in report.dropped


def _pvt(sec: int, lat: float) -> bytes:
    p = struct.pack("<IHBBBBBBIiBBBBiiiiIIiiiiiIIH", 0, 2026, 6, 15, 7, 10, sec, 0x07, 30, 0, 3,
                    1, 0, 12, round(8.54 * 1e7), round(lat * 1e7), 430000, 410000, 2500, 3500,
                    0, 0, 0, 8000, 9000000, 400, 800000, 150)  # fmt: skip
    return ubx_message(0x01, 0x07, p + bytes(92 - len(p)))


def _bad_lat(i: int) -> float:  # the third fix is off the globe
    return 91.5 if i == 2 else 47.37 + i / 1000


def _ubx(p: Path) -> None:
    p.write_bytes(b"$GNTXT,junk*00\r\n" + b"".join(_pvt(i, _bad_lat(i)) for i in range(5)))


def _wln(p: Path) -> None:
    lines = [
        f"REG;{1775458800 + 30 * i};27.5;{_bad_lat(i):.6f};42;118;ALT:210.0;;;;" for i in range(5)
    ]
    p.write_text("SMS;1775458700;hello\n" + "\n".join(lines) + "\n")


def _db(p: Path) -> None:
    db = sqlite3.connect(p)
    db.execute("CREATE TABLE fixes (device_id TEXT, t INTEGER, lat REAL, lon REAL)")
    db.executemany("INSERT INTO fixes VALUES ('a', ?, ?, 24.9)",
                   [(1775458800 + 30 * i, _bad_lat(i)) for i in range(5)])  # fmt: skip
    db.commit()
    db.close()


def _nc(p: Path, ids: bool = True) -> None:
    from scipy.io import netcdf_file

    f = netcdf_file(p, "w", version=2)
    f.createDimension("obs", 5)
    for name, units, values in (("time", b"seconds since 2026-07-01T00:00:00Z", np.arange(5) * 60.0),
                                ("lat", b"degrees_north", [_bad_lat(i) for i in range(5)]),
                                ("lon", b"degrees_east", np.full(5, -123.5))):  # fmt: skip
        v = f.createVariable(name, "d", ("obs",))
        v[:] = np.asarray(values, dtype="f8")
        v.units = units
    if ids:
        role = f.createVariable("trajectory", "i", ("obs",))
        role[:] = np.full(5, 1031, dtype="i4")
        role.cf_role = b"trajectory_id"
    f.close()


def _ods_report(p: Path) -> None:
    rows = [["Position report"], [], ["Vehicle", "Time", "Latitude", "Longitude"]]
    rows += [["FR-1", f"2026-09-14T07:0{i}:00Z", f"{_bad_lat(i)}", "4.84"] for i in range(5)]
    _ods(p, rows)


@pytest.mark.parametrize("name, write, said", [
    ("drive.ubx", _ubx, r"drive.ubx NAV-PVT message 3 \(byte \d+\) field lat: latitude outside"),
    ("unit.wln", _wln, r"unit.wln line 4 field lat: latitude outside"),
    ("phone.db", _db, r"phone.db table 'fixes' row 3 field lat: latitude outside"),
    ("usv.nc", _nc, r"usv.nc lat\[2\] field lat: latitude outside"),
    ("report.ods", _ods_report, r"report.ods sheet 'P' row 6 field Latitude: latitude outside"),
])  # fmt: skip
def test_converted_files_errors_name_the_source(
    tmp_path: Path, name: str, write: object, said: str
) -> None:
    p = tmp_path / name
    write(p)  # type: ignore[operator]
    with pytest.raises(TrajlmInputError, match=said) as e:  # was: `drive.ubx!drive.csv line 4`
        read(p)
    assert ".csv" not in str(e.value)


def test_a_flat_netcdf_without_a_trajectory_id_is_one_trajectory_named_after_it(
    tmp_path: Path,
) -> None:
    p = tmp_path / "glider_07.nc"
    _nc(p, ids=False)
    df, _ = read(p, on_error="skip")  # was: "lat[0] field traj_id: missing trajectory id"
    assert df["traj_id"].unique().to_list() == ["glider_07"] and df.height == 4
