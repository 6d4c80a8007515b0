"""Session 32 (heldout32): held-out exports the readers refused with no way on.

Before: u-blox `.ubx` logs and Wialon `.wln` exports were "no file trajlm reads under the
folder"; an SQLite database (AWARE's `locations`) and a NetCDF 3 `.ncCF` file "cannot tell the
format from the name"; a LibreOffice `.ods` "a spreadsheet workbook ... pd.read_excel" (which
needs odfpy, not installed with trajlm); a German tab-separated export's `Zeitpunkt` was no time
column. docs/data.md "Session 32 (heldout32)"."""

from __future__ import annotations

import math
import sqlite3
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest

from trajlm.data.readers import read
from trajlm.data.readers.binary_logs import ubx_message
from trajlm.errors import TrajlmInputError

# -- u-blox UBX -----------------------------------------------------------------------------


def _pvt(sec: int, lat: float, lon: float, fix: int) -> bytes:
    p = struct.pack("<IHBBBBBBIiBBBBiiiiIIiiiiiIIH", 0, 2026, 6, 15, 7, 10, sec,
                    0x07 if fix else 0, 30, 0, fix, 1 if fix else 0, 0, 12,
                    round(lon * 1e7), round(lat * 1e7), 430000, 410000, 2500, 3500,
                    0, 0, 0, 8000, 9000000, 400, 800000, 150)  # fmt: skip
    return ubx_message(0x01, 0x07, p + bytes(92 - len(p)))


def test_a_ubx_log_reads_its_nav_pvt_epochs_and_counts_those_without_a_fix(tmp_path: Path) -> None:
    buf = b"".join(_pvt(s, 0.0, 0.0, 0) for s in range(3))  # cold start: no fix yet
    for s in range(3, 9):
        buf += _pvt(s, 47.37 + s * 1e-4, 8.54, 3) + b"$GNRMC,071003.00,A,4722.2,N,00832.4,E*00\r\n"
    buf += ubx_message(0x01, 0x35, bytes(20))[:-1] + b"\x00"  # a NAV-SAT with a bad checksum
    (tmp_path / "drive_01.ubx").write_bytes(buf)
    df, report = read(tmp_path)  # was: "no file trajlm reads under the folder"
    assert df.height == 6 and report.dropped["no_fix"] == 3
    assert df["traj_id"].unique().to_list() == ["drive_01"]
    assert df["t"].min() == 1781507403  # 2026-06-15 07:10:03 UTC
    assert df["lat"].max() == pytest.approx(47.3708)


def test_a_ubx_log_without_nav_pvt_is_refused_naming_the_message(tmp_path: Path) -> None:
    p = tmp_path / "raw.ubx"
    p.write_bytes(ubx_message(0x02, 0x15, bytes(16)) * 5)  # RXM-RAWX only
    with pytest.raises(TrajlmInputError, match="NAV-PVT"):
        read(p)


# -- Wialon WLN -----------------------------------------------------------------------------


def test_wialon_wln_files_read_longitude_first_one_unit_a_file(tmp_path: Path) -> None:
    for unit, lat0 in (("MAZ 1", 53.90), ("MAZ 2", 53.95)):
        lines = [f"REG;{1775458800 + 30 * i};27.5{i}0000;{lat0 + i / 1000:.6f};42;118;"
                 f"ALT:210.0,pwr_ext:12.9;in1:0,,SATS:11,gsm:4;;;;" for i in range(5)]  # fmt: skip
        (tmp_path / f"{unit}.wln").write_text("\r\n".join(lines) + "\r\n")
    df, _ = read(tmp_path)
    assert sorted(df["traj_id"].unique()) == ["MAZ 1", "MAZ 2"]
    assert df["lat"].min() == pytest.approx(53.90) and df["lon"].max() == pytest.approx(27.54)
    assert df["t"].min() == 1775458800


# -- SQLite ---------------------------------------------------------------------------------


def _aware(path: Path, with_positions: bool = True) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE battery (_id INTEGER PRIMARY KEY, timestamp REAL, device_id TEXT, "
               "battery_level INTEGER)")  # fmt: skip
    db.executemany("INSERT INTO battery VALUES (NULL, ?, 'a', 90)",
                   [(1767600000000.0 + i,) for i in range(50)])  # fmt: skip
    if with_positions:
        db.execute("CREATE TABLE locations (_id INTEGER PRIMARY KEY, timestamp REAL, device_id "
                   "TEXT, double_latitude REAL, double_longitude REAL, accuracy INTEGER)")  # fmt: skip
        db.executemany("INSERT INTO locations VALUES (NULL, ?, ?, ?, ?, 10)",
                       [(1767600000000.0 + 60000 * i, dev, 60.17 + i / 1000, 24.94)
                        for dev in ("dev-a", "dev-b") for i in range(5)])  # fmt: skip
    db.commit()
    db.close()


def test_an_sqlite_database_reads_its_positions_table_read_only(tmp_path: Path) -> None:
    p = tmp_path / "aware.db"
    _aware(p)
    before = p.read_bytes()
    df, _ = read(p)  # was: "cannot tell the format from the name"
    assert sorted(df["traj_id"].unique()) == ["dev-a", "dev-b"]
    assert df["t"].min() == 1767600000  # `timestamp` REAL milliseconds
    assert df["lat"].max() == pytest.approx(60.174)
    assert p.read_bytes() == before  # opened read-only


def test_an_sqlite_database_without_positions_names_its_tables(tmp_path: Path) -> None:
    p = tmp_path / "phone.sqlite"
    _aware(p, with_positions=False)
    with pytest.raises(TrajlmInputError, match="no table of latitudes.*battery"):
        read(p)


# -- NetCDF 3 -------------------------------------------------------------------------------


def _nc(path: Path, ragged: bool) -> None:
    from scipy.io import netcdf_file

    f = netcdf_file(path, "w", version=2)
    f.featureType = b"trajectory"
    f.createDimension("trajectory", 2)
    f.createDimension("strlen", 4)
    ids = f.createVariable("trajectory", "c", ("trajectory", "strlen"))
    ids[:] = np.array([list("1031"), list("1038")], dtype="S1")
    ids.cf_role = b"trajectory_id"
    if ragged:  # contiguous ragged: 3 + 4 observations
        f.createDimension("obs", 7)
        size = f.createVariable("rowSize", "i", ("trajectory",))
        size[:] = np.array([3, 4], dtype="i4")
        size.sample_dimension = b"obs"
        dims, t = ("obs",), np.array([0, 300, 600, 0, 300, 600, 900], dtype="f8") / 60
    else:  # (trajectory, obs), the first one padded with fill values
        f.createDimension("obs", 4)
        dims = ("trajectory", "obs")
        t = np.array([[0, 5, 10, 9.96921e36], [0, 5, 10, 15]], dtype="f8")
    v = f.createVariable("time", "d", dims)
    v[:] = t
    v.units = b"minutes since 2026-07-01T00:00:00Z"
    v._FillValue = 9.96921e36
    for name, units, base in (("lat", b"degrees_north", 36.5), ("lon", b"degrees_east", -123.5)):
        v = f.createVariable(name, "d", dims)
        v[:] = base + np.arange(math.prod(t.shape)).reshape(t.shape) / 1000
        v.units = units
        v._FillValue = 9.96921e36
        if not ragged:
            v[0, 3] = 9.96921e36
    f.close()


@pytest.mark.parametrize("ragged", [True, False])
def test_a_netcdf3_cf_trajectory_file_reads_its_ids_and_times(tmp_path: Path, ragged: bool) -> None:
    p = tmp_path / "usv_ncCF.nc"
    _nc(p, ragged)
    df, _ = read(p)  # was: "cannot tell the format from the name"
    assert sorted(df["traj_id"].unique()) == ["1031", "1038"]
    assert df.height == 7
    assert df["t"].min() == 1782864000 and df["t"].max() == 1782864900  # 2026-07-01 00:00 + 15 min
    assert df["lon"].max() < -123.0 and df["lat"].min() == pytest.approx(36.5)


def test_a_netcdf4_file_is_refused_naming_the_conversion(tmp_path: Path) -> None:
    p = tmp_path / "glider.nc"
    p.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(100))
    with pytest.raises(TrajlmInputError, match="nccopy -k classic"):
        read(p)


# -- OpenDocument spreadsheets --------------------------------------------------------------


def test_an_ods_sheet_reads_below_its_title_row(tmp_path: Path) -> None:
    def cell(v: str, date: bool = False) -> str:
        if date:
            return (f'<table:table-cell office:value-type="date" office:date-value="{v}">'
                    f"<text:p>x</text:p></table:table-cell>")  # fmt: skip
        return (
            f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
        )

    rows = [[cell("Position report")], [],
            [cell(h) for h in ("Vehicle", "Date/Time (UTC)", "Latitude", "Longitude")]]  # fmt: skip
    rows += [[cell(v), cell(f"2026-09-14T07:0{i}:00", True), cell(f"45.7{i}"), cell("4.84")]
             for v in ("FR-1", "FR-2") for i in range(5)]  # fmt: skip
    body = "".join("<table:table-row>" + "".join(r) + "</table:table-row>" for r in rows)
    body += ('<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
             'table:number-columns-repeated="1024"/></table:table-row>')  # fmt: skip
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')  # fmt: skip
    p = tmp_path / "report.ods"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", f"<office:document-content {ns}><office:body><office:spreadsheet>"
                   f'<table:table table:name="P">{body}</table:table></office:spreadsheet>'
                   "</office:body></office:document-content>")  # fmt: skip
    df, _ = read(p)  # was: "a spreadsheet workbook ... pd.read_excel(path)" (needs odfpy)
    assert sorted(df["traj_id"].unique()) == ["FR-1", "FR-2"]
    assert df["t"].min() == 1789369200  # 2026-09-14 07:00 UTC
    assert df.height == 10


# -- German tab-separated text --------------------------------------------------------------


def test_a_german_tsv_reads_zeitpunkt_day_first_with_decimal_commas(tmp_path: Path) -> None:
    p = tmp_path / "tracker.tsv"
    rows = [
        f"GT-{k}\t0{i + 1}.12.2026 08:15:0{i}\t52,52{i}\t13,40{k}" for k in (1, 2) for i in range(5)
    ]
    p.write_text("Tracker\tZeitpunkt\tBreitengrad\tLängengrad\n" + "\n".join(rows) + "\n")
    df, _ = read(p)  # was: "missing column(s) ['t']"
    assert sorted(df["traj_id"].unique()) == ["GT-1", "GT-2"]
    assert df["t"].min() == 1796112900  # 1 Dec 2026 08:15:00 (day first: 05.12 is 5 December)
    assert df["t"].max() == 1796458504  # 5 Dec 2026 08:15:04
    assert df["lat"].max() == pytest.approx(52.524)
