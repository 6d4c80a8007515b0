"""Session 33 (heldout33): held-out files the readers refused, or read an hour off.

Before: a folder of MAVLink `.tlog` logs was "no file trajlm reads under the folder"; a Tacview
`.acmi` and a `.csv.bz2` "cannot tell the format from the name"; a CZML document "keys name no
latitude"; a `gpspipe -w` capture saved as `.json` "not valid JSON ... line 2"; an InfluxDB
annotated CSV "column names ['false', 'true'] appear more than once"; a geohash-only table
"missing column(s) ['lat', 'lon']"; Torque Pro logs were read from the naive `Device Time` as UTC
(an hour off, said as "no zone") beside a `GPS Time` holding its offset. docs/data.md "Session 33
(heldout33)"."""

from __future__ import annotations

import bz2
import json
import lzma
import struct
import warnings
from pathlib import Path

import pytest

from trajlm.data.readers import read
from trajlm.data.readers.flight_logs import mavlink_packet
from trajlm.data.readers.long_tables import geohash_centre
from trajlm.errors import TrajlmInputError

T0 = 1771283400  # 2026-02-16 23:10:00 UTC

# -- MAVLink .tlog --------------------------------------------------------------------------


def _position(us: int, lat: float, lon: float, seq: int, sysid: int = 1) -> bytes:
    p = struct.pack("<IiiiihhhH", 1000, round(lat * 1e7), round(lon * 1e7), 60000, 40000,
                    300, 400, 0, 9000)  # fmt: skip
    return struct.pack(">Q", us) + mavlink_packet(33, p, seq, sysid)


def test_a_folder_of_tlogs_reads_global_position_int_and_counts_no_fix(tmp_path: Path) -> None:
    recs = [_position((T0 + s) * 10**6, 0.0, 0.0, s) for s in range(3)]  # before the GPS fix
    recs += [_position((T0 + s) * 10**6, -34.93 + s * 1e-4, 138.6, s) for s in range(3, 9)]
    hb = struct.pack(">Q", T0 * 10**6) + mavlink_packet(
        0, struct.pack("<IBBBBB", 3, 2, 3, 81, 4, 3)
    )
    bad = bytearray(_position((T0 + 9) * 10**6, -34.9, 138.6, 9))
    bad[-1] ^= 0xFF  # a checksum that fails: skipped, counted
    (tmp_path / "flight 1.tlog").write_bytes(hb + b"".join(recs) + bytes(bad))
    with pytest.warns(UserWarning, match="1 MAVLink record"):
        df, report = read(tmp_path)  # was: "no file trajlm reads under the folder"
    assert df.height == 6 and report.dropped["no_fix"] == 3
    assert df["traj_id"].unique().to_list() == ["flight 1"]
    assert df["t"].min() == T0 + 3
    assert df["lat"].min() == pytest.approx(-34.93 + 3e-4) and df["lon"].max() == pytest.approx(
        138.6
    )


def test_two_vehicles_on_one_link_are_two_movers(tmp_path: Path) -> None:
    recs = [_position((T0 + s) * 10**6, -34.93 + s * 1e-4, 138.6 + k / 10, s, sysid=k)
            for s in range(5) for k in (1, 2)]  # fmt: skip
    (tmp_path / "swarm.tlog").write_bytes(b"".join(recs))
    df, _ = read(tmp_path / "swarm.tlog")
    assert sorted(df["traj_id"].unique()) == ["swarm sysid 1", "swarm sysid 2"]


# -- Tacview ACMI ---------------------------------------------------------------------------


def test_a_tacview_file_reads_offsets_from_the_reference_and_keeps_unchanged_fields(
    tmp_path: Path,
) -> None:
    p = tmp_path / "sortie.txt.acmi"
    p.write_text(
        "\ufeffFileType=text/acmi/tacview\nFileVersion=2.2\n0,ReferenceTime=2026-03-02T17:00:00Z\n"
        "0,ReferenceLongitude=-116\n0,ReferenceLatitude=36\n#0\n"
        "a1,T=0.1|0.2|6000|0|0|90,Type=Air+FixedWing,Name=F-16C,Pilot=Viper 1\n"
        "#1.5\na1,T=0.101||6000\n#3\na1,T=|0.203|6010\n#4\n-a1\n",
        encoding="utf-8",
    )
    df, _ = read(p)  # was: "cannot tell the format from the name"
    assert df.height == 3
    assert df["lon"].to_list() == pytest.approx([-115.9, -115.899, -115.899])
    assert df["lat"].to_list() == pytest.approx([36.2, 36.2, 36.203])  # the empty field: kept
    assert df["t"].to_list() == [1772470800, 1772470801, 1772470803]


# -- CZML -----------------------------------------------------------------------------------


def test_czml_samples_read_longitude_first_with_epoch_seconds_and_iso_times(tmp_path: Path) -> None:
    doc = [{"id": "document", "version": "1.0"},
           {"id": "gcs", "position": {"cartographicDegrees": [8.54, 47.37, 420.0]}},
           {"id": "d1", "position": {"epoch": "2026-06-02T08:00:00Z",
                                     "cartographicDegrees": [0, 8.5, 47.3, 450, 5, 8.501, 47.301, 451,
                                                             10, 8.502, 47.302, 452]}},
           {"id": "d2", "position": {"cartographicDegrees": [
               "2026-06-02T08:00:00Z", 8.6, 47.4, 450, "2026-06-02T08:00:05Z", 8.601, 47.401, 450]}}]  # fmt: skip
    doc.append(
        {
            "id": "d3",
            "position": {
                "epoch": "2026-06-02T08:00:00Z",
                "cartesian": [0, 4331297.0, 567555.0, 4633977.0],
            },
        }
    )
    p = tmp_path / "drones.czml"
    p.write_text(json.dumps(doc))
    df, report = read(p)  # was: "keys name no latitude and no longitude"
    # d3's ECEF sample is read since leftover34 (heldout33 left it out; tests/test_leftover34.py)
    assert sorted(df["traj_id"].unique()) == ["d1", "d2", "d3"]
    d1 = df.filter(df["traj_id"] == "d1")
    assert d1["lat"].max() == pytest.approx(47.302) and d1["lon"].max() == pytest.approx(8.502)
    assert d1["t"].to_list() == [1780387200, 1780387205, 1780387210]


# -- gpsd JSON ------------------------------------------------------------------------------


def test_a_gpsd_capture_named_json_reads_its_tpv_reports(tmp_path: Path) -> None:
    lines = [{"class": "VERSION", "release": "3.25"}, {"class": "WATCH", "enable": True},
             {"class": "TPV", "device": "/dev/ttyACM0", "mode": 1, "time": "2026-05-11T05:30:00.000Z"}]  # fmt: skip
    for s in range(1, 6):
        lines.append({"class": "TPV", "device": "/dev/ttyACM0", "mode": 3,
                      "time": f"2026-05-11T05:30:0{s}.000Z", "lat": 45.76 + s * 1e-4,
                      "lon": 4.84, "track": 12.5 + s, "speed": 8.1, "eph": 6.0})  # fmt: skip
        lines.append({"class": "SKY", "device": "/dev/ttyACM0", "hdop": 1.1})
    p = tmp_path / "bus.json"
    p.write_text("\n".join(map(json.dumps, lines)) + '\n{"class":"TPV","dev')  # cut mid-line
    with pytest.warns(UserWarning, match="1 line"):
        df, report = read(p)  # was: "not valid JSON (Extra data: line 2 ...)"
    assert df.height == 5 and report.dropped["no_fix"] == 1
    assert df["traj_id"].unique().to_list() == ["bus"]  # one receiver: the file
    assert df["t"].min() == 1778477401


# -- InfluxDB annotated CSV / field-value tables ----------------------------------------------


def test_an_influxdb_annotated_csv_is_pivoted_by_time_and_tags(tmp_path: Path) -> None:
    head = ["#group,false,false,true,true,false,false,true,true,true",
            "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string,string",
            "#default,_result,,,,,,,,", ",result,table,_start,_stop,_time,_value,_field,_measurement,vehicle"]  # fmt: skip
    rows, n = [], 0
    for field, base in (("lat", 51.9), ("lon", 4.48), ("speed", 5.0)):
        for van in ("van-1", "van-2"):
            for m in range(4):
                rows.append(f",,{n},2026-04-13T00:00:00Z,2026-04-14T00:00:00Z,"
                            f"2026-04-13T06:0{m}:00Z,{base + m / 1000},{field},gps,{van}")  # fmt: skip
            n += 1
    p = tmp_path / "fleet.csv"
    p.write_text("\r\n".join(head + rows) + "\r\n\r\n")
    df, _ = read(p)  # was: "column name(s) ['false', 'true'] appear more than once"
    assert sorted(df["traj_id"].unique()) == ["van-1", "van-2"] and df.height == 8
    assert df["lat"].max() == pytest.approx(51.903) and df["lon"].min() == pytest.approx(4.48)


# -- geohash --------------------------------------------------------------------------------


def test_geohash_centres_decode_known_cells() -> None:
    lat, lon, dlat, dlon = geohash_centre("ezs42")  # the classic example: 42.605, -5.603
    assert lat == pytest.approx(42.605, abs=0.03) and lon == pytest.approx(-5.603, abs=0.03)
    assert dlat < 0.03 and dlon < 0.03


def test_a_geohash_table_reads_cell_centres_and_refuses_a_bad_cell(tmp_path: Path) -> None:
    p = tmp_path / "pings.csv"
    p.write_text("ad_id,geohash,event_ts\n" + "".join(
        f"a{k},9v6kp{c}bz,{1770642000 + 60 * i}\n" for k in (1, 2) for i, c in enumerate("0123")))  # fmt: skip
    with pytest.warns(UserWarning, match="centres of the 'geohash'"):
        df, _ = read(p)  # was: "missing column(s) ['lat', 'lon']"
    assert df.height == 8 and df["lat"].mean() == pytest.approx(30.27, abs=0.05)
    assert df["lon"].mean() == pytest.approx(-97.74, abs=0.05)
    p.write_text("ad_id,geohash,event_ts\na1,9v6kp0bz,1770642000\na1,9v6ka0bz,1770642060\n")
    with pytest.raises(
        TrajlmInputError, match=r"line 3 field geohash: '9v6ka0bz' is not a geohash"
    ):
        read(p)  # 'a' is no geohash character


# -- compressed files -----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".bz2", ".xz"])
def test_bz2_and_xz_files_are_read_by_their_inner_name(tmp_path: Path, suffix: str) -> None:
    text = "taxi_id,timestamp,latitude,longitude\n" + "".join(
        f"T{k},2026-01-19T06:0{i}:00Z,1.3{i},103.8{k}\n" for k in (1, 2) for i in range(5))  # fmt: skip
    pack = bz2.compress if suffix == ".bz2" else lzma.compress
    p = tmp_path / f"pings.csv{suffix}"
    p.write_bytes(pack(text.encode()))
    df, _ = read(p)  # was: "cannot tell the format from the name"
    assert df.height == 10 and sorted(df["traj_id"].unique()) == ["T1", "T2"]
    p.write_bytes(pack(text.replace("1.34,", "1.3x4,").encode()))
    with pytest.raises(TrajlmInputError, match=rf"pings.csv{suffix}"):  # the user's file named
        read(p)
    p.write_bytes(pack(text.encode())[:-20])
    with pytest.raises(TrajlmInputError, match="damaged or truncated"):
        read(p)


# -- Torque Pro: Java Date text, GPS Time over Device Time ----------------------------------


def test_torque_logs_read_gps_time_with_its_offset(tmp_path: Path) -> None:
    head = "GPS Time, Device Time, Longitude, Latitude,GPS Speed (Meters/second)\n"
    rows = "".join(f"Mon Mar 02 07:40:0{s} GMT+01:00 2026,02-Mar-2026 07:40:0{s}.512,"
                   f"11.62{s},48.16{s},8.2\n" for s in range(5))  # fmt: skip
    (tmp_path / "trackLog-2026-Mar-02_07-40-00.csv").write_text(head + rows)
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        df, _ = read(tmp_path)
    assert df["t"].min() == 1772433600  # 06:40:00 UTC; was 07:40 (Device Time read as UTC)
    assert df["lon"].max() == pytest.approx(11.624) and df["lat"].max() == pytest.approx(48.164)
    assert not [w for w in got if "no zone" in str(w.message)]


def test_java_and_javascript_date_text_is_read_with_its_offset() -> None:
    import polars as pl

    from trajlm.data.readers._times import parse_time

    df = pl.DataFrame({"t": ["Mon Mar 02 07:40:02 GMT+01:00 2026",
                             "Mon Mar 02 2026 07:40:02 GMT+0100 (Central European Standard Time)",
                             "Tue Mar 3 23:01:00 UTC 2026",
                             "Mon Mar 02 07:40:02 CET 2026",  # Java's zone words: their offset
                             "Sun Jul 05 07:40:02 PDT 2026",
                             "Mon Mar 02 07:40:02 CST 2026"]})  # ambiguous: unparsed  # fmt: skip
    got = df.select(parse_time("t", None)).to_series().to_list()
    assert got == [1772433602, 1772433602, 1772578860, 1772433602, 1783262402, None]


def test_a_course_under_an_id_name_is_no_trajectory_id(tmp_path: Path) -> None:
    p = tmp_path / "nmea_export.csv"
    p.write_text("time,lat,lon,track,speed\n" + "".join(
        f"2026-05-11T05:30:{10 * i:02d}Z,45.76{i},4.84{i},{12.5 + i / 4},3.1\n" for i in range(5)))  # fmt: skip
    with pytest.warns(UserWarning, match=r"\['track'\] named like an id but holding numbers"):
        df, _ = read(p)  # was: 'track' (degrees) read as the id, every fix its own trip
    assert df.height == 5 and df["traj_id"].unique().to_list() == ["nmea_export"]


def test_a_folder_of_bz2_days_reads_as_a_folder_of_csvs(tmp_path: Path) -> None:
    days = tmp_path / "days"
    (days / "old").mkdir(parents=True)
    for d, name in ((0, "pings-0.csv.bz2"), (1, "pings-1.csv.xz"), (2, "old/pings-2.csv")):
        text = "taxi_id,timestamp,latitude,longitude\n" + "".join(
            f"T1,2026-01-1{d}T06:0{i}:00Z,1.3{i},103.8\n" for i in range(5))  # fmt: skip
        data = text.encode()
        pack = (
            bz2.compress
            if name.endswith(".bz2")
            else lzma.compress
            if name.endswith(".xz")
            else bytes
        )
        (days / name).write_bytes(pack(data))
    df, _ = read(days)  # was: 5 rows, the two packed days left out without a word
    assert df.height == 15 and df["t"].min() == 1768024800  # 2026-01-10 06:00, the .bz2 day
