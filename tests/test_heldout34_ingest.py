"""Session 34 (heldout34): held-out files the readers refused, or whose advice merged movers.

Before: NOAA's daily AIS `.csv.zst` and an operator's `tar czf` dump were "cannot tell the format
from the name"; an OGC Moving Features CSV "missing column(s) ['traj_id', 't', 'lat', 'lon']"; a
psql `\\copy` CSV of hex EWKB points "latitude is missing or not a number"; OruxMaps' SQLite
"no table of latitudes and longitudes" (its columns are `trkptlat`, `trkptlon`, ...); a QGIS
GeoPackage of LineString M "lines ... have no time per vertex" (GDAL drops the M); a Stata
`.dta` "cannot tell the format"; a survey numbering people 1, 2, 3 inside each household was
refused with the advice `--traj-col persid`, which read every household's person 1 as one
mover (now the pair `hhid/persid` is the id, said). docs/data.md "Session 34 (heldout34)"."""

from __future__ import annotations

import io
import sqlite3
import struct
import tarfile
import warnings
from pathlib import Path

import pandas as pd
import pytest

from trajlm.data.readers import read
from trajlm.errors import TrajlmInputError

T0 = 1780000000  # 2026-05-28 20:26:40 UTC
ISO0 = pd.Timestamp(T0, unit="s", tz="UTC")


def _iso(s: float) -> str:
    return (ISO0 + pd.Timedelta(seconds=s)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _pings(n: int = 6, ids: tuple[str, ...] = ("A", "B")) -> str:
    rows = ["scooter_id,ts,lat,lng"]
    rows += [f"{v},{_iso(10 * k)},{38.7 + k * 1e-4 + j / 10},{-9.1 + k * 1e-4}"
             for j, v in enumerate(ids) for k in range(n)]  # fmt: skip
    return "\n".join(rows) + "\n"


# -- Zstandard ------------------------------------------------------------------------------


def test_a_zstd_csv_reads_as_its_inner_name(tmp_path: Path) -> None:
    import pyarrow as pa

    p = tmp_path / "AIS_2024_01_05.csv.zst"
    with pa.CompressedOutputStream(str(p), "zstd") as f:
        f.write(_pings().encode())
    df, report = read(p)  # was: "cannot tell the format from the name"
    assert df.height == 12 and sorted(df["traj_id"].unique()) == ["A", "B"]
    assert df["t"].min() == T0


def test_a_damaged_zstd_file_is_one_line(tmp_path: Path) -> None:
    p = tmp_path / "x.csv.zst"
    p.write_bytes(b"not zstd at all")
    with pytest.raises(TrajlmInputError, match="damaged or truncated zstd file"):
        read(p)


# -- tar archives ---------------------------------------------------------------------------


def _tar(p: Path, members: dict[str, bytes], mode: str = "w:gz") -> None:
    with tarfile.open(p, mode) as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize(("name", "mode"), [("dump.tgz", "w:gz"), ("dump.tar", "w"),
                                            ("dump.tar.xz", "w:xz")])  # fmt: skip
def test_a_tar_of_day_folders_reads_as_the_folder(tmp_path: Path, name: str, mode: str) -> None:
    p = tmp_path / name
    _tar(p, {"export/README.txt": b"nightly\n", "export/2026-04-03/pings.csv": _pings().encode(),
             "export/2026-04-04/pings.csv": _pings(ids=("C",)).encode()})  # fmt: skip
    df, _ = read(p)  # was: "cannot tell the format from the name"
    assert df.height == 18 and sorted(df["traj_id"].unique()) == ["A", "B", "C"]


def test_a_tar_member_error_names_the_member(tmp_path: Path) -> None:
    p = tmp_path / "dump.tgz"
    bad = _pings().replace("38.7001", "north", 1)
    _tar(p, {"export/day/pings.csv": bad.encode()})
    with pytest.raises(TrajlmInputError, match=r"dump\.tgz!export/day/pings\.csv line 3"):
        read(p)


def test_a_tar_member_leaving_the_folder_is_not_extracted(tmp_path: Path) -> None:
    p = tmp_path / "evil.tar"
    _tar(p, {"../outside.csv": _pings().encode(), "in/pings.csv": _pings().encode()}, "w")
    df, _ = read(p)
    assert df.height == 12 and not (tmp_path.parent / "outside.csv").exists()


# -- OGC Moving Features CSV ----------------------------------------------------------------

MF_HEAD = ("@stboundedby,urn:x-ogc:def:crs:EPSG:6.6:4326,2D,35.67 139.76,35.69 139.78,"
           f"{_iso(0)},{_iso(600)},sec\n@columns,mfidref,trajectory,state,xsd:token\n")  # fmt: skip


def test_moving_features_csv_reads_offsets_in_the_crs_axis_order(tmp_path: Path) -> None:
    p = tmp_path / "walkers.csv"
    p.write_text(MF_HEAD + "p1,10,20,35.680 139.770 35.681 139.771,walking\n"
                 "p1,20,30,35.681 139.771 35.682 139.772,walking\n"
                 "p2,0,12,35.670 139.760 35.6705 139.7605 35.6715 139.7615,standing\n")  # fmt: skip
    df, _ = read(p)  # was: "missing column(s) ['traj_id', 't', 'lat', 'lon']"
    p1 = df.filter(df["traj_id"] == "p1").sort("t")
    assert p1["t"].to_list() == [T0 + 10, T0 + 20, T0 + 30]  # the shared vertex once
    assert p1["lat"].to_list() == pytest.approx([35.680, 35.681, 35.682])  # EPSG:4326: lat first
    assert p1["lon"].to_list() == pytest.approx([139.770, 139.771, 139.772])
    p2 = df.filter(df["traj_id"] == "p2").sort("t")
    assert p2["t"].to_list() == [T0, T0 + 4, T0 + 12]  # constant speed along the segment


def test_moving_features_csv_in_a_projected_crs_is_one_line(tmp_path: Path) -> None:
    p = tmp_path / "m.csv"
    p.write_text(MF_HEAD.replace("EPSG:6.6:4326", "EPSG::32654") + "a,0,1,1 2 3 4,x\n")
    with pytest.raises(TrajlmInputError, match="not WGS84 degrees"):
        read(p)


# -- PostGIS hex EWKB -----------------------------------------------------------------------


def _ewkb(lon: float, lat: float, srid: int = 4326) -> str:
    return (struct.pack("<BII", 1, 0x20000001, srid) + struct.pack("<dd", lon, lat)).hex().upper()


def test_hex_ewkb_points_in_a_csv_are_read_with_hour_offsets(tmp_path: Path) -> None:
    p = tmp_path / "pings.csv"
    rows = [f"B-DL 41{k % 2},2026-03-02 08:15:0{k}.25+01,{_ewkb(13.4 + k * 1e-4, 52.5)}"
            for k in range(6)]  # fmt: skip
    p.write_text("vehicle_id,recorded_at,geom\n" + "\n".join(rows) + "\n")
    df, _ = read(p)  # was: "field geom [latitude]: latitude is missing or not a number"
    assert df.height == 6 and sorted(df["traj_id"].unique()) == ["B-DL 410", "B-DL 411"]
    assert df["lat"].to_list() == pytest.approx([52.5] * 6)
    first = df.sort("t").row(0, named=True)
    assert first["lon"] == pytest.approx(13.4)
    assert first["t"] == pd.Timestamp("2026-03-02 07:15:00", tz="UTC").timestamp()


def test_hex_ewkb_in_another_srid_names_it(tmp_path: Path) -> None:
    p = tmp_path / "pings.csv"
    rows = [f"v,2026-03-02T08:15:0{k}Z,{_ewkb(1490000 + k, 6890000, 3857)}" for k in range(4)]
    p.write_text("vehicle_id,recorded_at,geom\n" + "\n".join(rows) + "\n")
    with pytest.raises(TrajlmInputError, match="SRID 3857"):
        read(p)


# -- SQLite: a shared column prefix, rowid keys ----------------------------------------------


def test_an_sqlite_table_whose_columns_share_a_prefix(tmp_path: Path) -> None:
    p = tmp_path / "oruxmapstracks.db"
    db = sqlite3.connect(p)
    db.executescript(
        "CREATE TABLE trackpoints (_id INTEGER PRIMARY KEY AUTOINCREMENT, trkptlat REAL,"
        " trkptlon REAL, trkptalt REAL, trkpttime INTEGER, trkptseg INTEGER);"
        "CREATE TABLE pois (_id INTEGER PRIMARY KEY, poilat REAL, poilon REAL, poitime INTEGER);"
    )
    db.executemany(
        "INSERT INTO trackpoints (trkptlat, trkptlon, trkptalt, trkpttime, trkptseg) "
        "VALUES (?, ?, 1800, ?, 1)",
        [(42.6 + k * 1e-4, 0.8, (T0 + 3 * k) * 1000) for k in range(8)],
    )
    db.execute("INSERT INTO pois (poilat, poilon, poitime) VALUES (42.6, 0.8, ?)", (T0 * 1000,))
    db.commit()
    db.close()
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        df, _ = read(p)  # was: "an SQLite database with no table of latitudes and longitudes"
    assert df.height == 8 and df["traj_id"].n_unique() == 1  # `_id`: a row key, not the id
    assert df["t"].to_list() == [T0 + 3 * k for k in range(8)]  # milliseconds by size
    assert any("prefix its columns share ('trkpt'" in str(w.message) for w in got)


# -- GeoPackage LineString M ----------------------------------------------------------------


def _gpkg_lines_m(p: Path, features: list[tuple[str, list[tuple[float, float, float]]]]) -> None:
    import numpy as np
    import shapely
    from pyogrio.raw import write

    wkb = [shapely.to_wkb(shapely.from_wkt("LINESTRING M (" + ", ".join(
        f"{x} {y} {m}" for x, y, m in pts) + ")"), flavor="iso") for _, pts in features]  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        write(str(p), np.array(wkb, dtype=object), [np.array([v for v, _ in features], dtype=object)],
              fields=["vehicle"], layer="trips", driver="GPKG", geometry_type="Unknown",
              crs="EPSG:4326")  # fmt: skip
    db = sqlite3.connect(p)
    db.execute("UPDATE gpkg_geometry_columns SET geometry_type_name = 'LINESTRING', m = 1")
    db.commit()
    db.close()


def test_a_geopackage_of_linestring_m_reads_each_vertex_at_its_m(tmp_path: Path) -> None:
    pytest.importorskip("pyogrio")
    p = tmp_path / "trips_m.gpkg"
    _gpkg_lines_m(p, [("JD-1", [(1.44 + k * 1e-4, 43.6, T0 + 5 * k) for k in range(6)]),
                      ("JD-2", [(1.5, 43.7 + k * 1e-4, T0 + 5 * k) for k in range(4)])])  # fmt: skip
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        df, _ = read(p)  # was: "no point layer with times ... lines ... have no time per vertex"
    assert df.height == 10 and sorted(df["traj_id"].unique()) == ["JD-1", "JD-2"]
    one = df.filter(df["traj_id"] == "JD-1").sort("t")
    assert one["t"].to_list() == [T0 + 5 * k for k in range(6)]
    assert one["lon"].to_list() == pytest.approx([1.44 + k * 1e-4 for k in range(6)])
    assert any("each vertex's M as its time" in str(w.message) for w in got)


# -- Stata ----------------------------------------------------------------------------------


def _survey(p: Path, nested: bool) -> None:
    recs = []
    for hh in (1000, 1001, 1002):
        for person in (1, 2):
            for k in range(8):
                recs.append((hh, person if nested else hh * 10 + person,
                             pd.Timestamp(T0 + 20 * k, unit="s"),
                             47.37 + hh % 10 / 100 + person / 1000 + k * 1e-4, 8.54, 3))  # fmt: skip
    person = "persid" if nested else "person_id"
    df = pd.DataFrame(recs, columns=["hhid", person, "fixtime", "lat", "lon", "mode"])
    df = df.astype({"hhid": "int32", person: "int32", "mode": "int8"})
    df.to_stata(p, write_index=False, version=118, convert_dates={"fixtime": "tc"},
                value_labels={"mode": {1: "walk", 3: "car"}})  # fmt: skip


def test_a_stata_file_reads_its_tc_times(tmp_path: Path) -> None:
    p = tmp_path / "survey.dta"
    _survey(p, nested=False)
    df, _ = read(p)  # was: "cannot tell the format from the name"
    assert df.height == 48 and df["traj_id"].n_unique() == 6
    assert df["t"].min() == T0 and df["t"].max() == T0 + 140  # %tc (ms since 1960) as times


def test_an_id_numbered_again_inside_another_column_reads_the_pair(tmp_path: Path) -> None:
    p = tmp_path / "survey.dta"
    _survey(p, nested=True)
    with pytest.warns(UserWarning, match=r"each \(hhid, persid\) pair read as one trajectory"):
        df, report = read(p)  # was: refused, advising --traj-col 'persid' (3 people as one)
    assert sorted(df["traj_id"].unique()) == [
        f"{h}/{k}" for h in (1000, 1001, 1002) for k in (1, 2)
    ]
    assert df.height == 48 and not report.dropped  # no duplicate times dropped, nothing merged


def test_a_given_id_column_is_not_paired(tmp_path: Path) -> None:
    from trajlm.data.readers import ColumnMap

    p = tmp_path / "survey.dta"
    _survey(p, nested=True)
    df, _ = read(p, columns=ColumnMap(traj_id="hhid", t="fixtime"))  # the user's choice stands
    assert sorted(df["traj_id"].unique()) == ["1000", "1001", "1002"]
