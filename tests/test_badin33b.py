"""Session 33 (badin33b): hostile inputs on session 33's own surfaces (scripts/badin33b/probe.py,
docs/reliability.md "Session 33 (badin33b)"). Each test fails on main 08741df6: three were
tracebacks (a Tacview line cut inside T=, CZML degrees as text, a store's cut part file given to
ingest), the rest unclear lines or a wrong "no stay"."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import trajlm
from trajlm.cli import app
from trajlm.data.readers import read
from trajlm.data.readers.flight_logs import mavlink_packet
from trajlm.errors import TrajlmInputError

T0 = 1772359200
ACMI = ("FileType=text/acmi/tacview\nFileVersion=2.2\n0,ReferenceTime=2026-03-02T17:00:00Z\n"
        "0,ReferenceLongitude=-116\n0,ReferenceLatitude=36\n#0\na1,T=0.1|0.2|6000\n#1\n"
        "a1,T=0.11|0.21|6000\n#2\na1,T=0.12|0.")  # fmt: skip


def test_a_tacview_line_cut_inside_its_position_is_one_line(tmp_path: Path) -> None:
    p = tmp_path / "cut.txt.acmi"
    p.write_text(ACMI)
    with pytest.raises(TrajlmInputError, match=r"line 11: .*holds 2 field\(s\).*cut short"):
        read(p)  # was: IndexError


def test_czml_degrees_written_as_text_are_one_line(tmp_path: Path) -> None:
    doc = [{"id": "document", "version": "1.0"},
           {"id": "d1", "position": {"epoch": "2026-06-02T08:00:00Z",
                                     "cartographicDegrees": [0, 8.5, 47.3, 450, 5, "8.501", 47.301, 451]}}]  # fmt: skip
    p = tmp_path / "t.czml"
    p.write_text(json.dumps(doc))
    with pytest.raises(TrajlmInputError, match=r"'d1' sample 2: .*'8\.501'"):
        read(p)  # was: TypeError: can't multiply sequence by non-int of type 'float'


def _store(tmp_path: Path) -> Path:
    csv = tmp_path / "a.csv"
    csv.write_text("traj_id,t,lat,lon\n" + "".join(
        f"{v},{T0 + 10 * k},41.15,{-8.61 + 1e-4 * k}\n" for v in "abcdefgh" for k in range(6)))  # fmt: skip
    store = tmp_path / "s"
    assert CliRunner().invoke(app, ["data", "ingest", str(csv), "--out", str(store)]).exit_code == 0
    return store


def test_ingest_of_a_store_with_a_cut_part_file_names_the_file(tmp_path: Path) -> None:
    store = _store(tmp_path)
    part = sorted((store / "points").glob("split=*/*.parquet"))[0]
    part.write_bytes(part.read_bytes()[:50])
    res = CliRunner().invoke(app, ["data", "ingest", str(store), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2, res.exception  # was: exit 1, ArrowInvalid traceback
    assert part.name in res.output and "damaged file" in res.output


def test_ingest_of_a_store_without_its_manifest_says_so(tmp_path: Path) -> None:
    store = _store(tmp_path)
    (store / "manifest.json").unlink()
    res = CliRunner().invoke(app, ["data", "ingest", str(store), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "without its manifest.json" in res.output
    assert "index.parquet" not in res.output  # was: "index.parquet line 1: missing column(s)"


def test_a_stop_minutes_shorter_than_the_fix_spacing_still_finds_stays() -> None:
    rows = [("P1", T0 + 60 * k, 52.37, 4.89) for k in range(30)]
    rows += [("P1", T0 + 1800 + 60 * k, 52.37 + 0.002 * k, 4.89) for k in range(1, 10)]
    rows += [("P1", T0 + 2400 + 60 * k, 52.39, 4.89) for k in range(30)]
    df = pl.DataFrame(rows, schema=["user_id", "t", "lat", "lon"], orient="row")
    with pytest.warns(UserWarning, match=r"shorter than the fixes' median spacing \(60 s\)"):
        got = trajlm.places(df, stop_minutes=0.01)  # was: "no stay in the 69 fixes"
    assert got.height == 2
    assert got["stay_s"].to_list() == trajlm.places(df, stop_minutes=2)["stay_s"].to_list()


def test_a_tlog_whose_records_are_timed_1970_says_what_was_skipped(tmp_path: Path) -> None:
    p = struct.pack("<IiiiihhhH", 1000, round(-34.93e7), round(138.6e7), 60000, 40000, 0, 0, 0, 0)
    (tmp_path / "z.tlog").write_bytes(b"".join(struct.pack(">Q", 0) + mavlink_packet(33, p, s)
                                               for s in range(6)))  # fmt: skip
    with pytest.raises(TrajlmInputError, match=r"skipped: .*microseconds \(2000-2100\)"):
        read(tmp_path / "z.tlog")


def test_an_influx_export_with_one_position_field_names_the_missing_one(tmp_path: Path) -> None:
    head = ["#group,false,false,true,true,false,false,true,true,true",
            "#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,double,string,string,string",
            "#default,_result,,,,,,,,", ",result,table,_start,_stop,_time,_value,_field,_measurement,vehicle"]  # fmt: skip
    rows = [f",,0,2026-04-13T00:00:00Z,2026-04-14T00:00:00Z,2026-04-13T06:0{m}:00Z,51.9,lat,gps,v1"
            for m in range(4)]  # fmt: skip
    p = tmp_path / "lat_only.csv"
    p.write_text("\n".join(head + rows) + "\n")
    with pytest.raises(TrajlmInputError, match="hold no longitude field"):
        read(p)  # was: "column name(s) ['false', 'true'] appear more than once"


def test_an_empty_tlog_is_said_as_empty(tmp_path: Path) -> None:
    (tmp_path / "e.tlog").write_bytes(b"")
    with pytest.raises(TrajlmInputError, match=r"the file is empty \(0 bytes\)"):
        read(tmp_path / "e.tlog")  # was: "no GLOBAL_POSITION_INT or GPS_RAW_INT message"


def test_a_to_frame_keyed_by_traj_id_asks_each_van_its_own_stops(trajlm_small) -> None:
    live = pl.DataFrame([(v, T0 + 15 * k, 41.15, -8.61 + 0.0015 * k + (0.01 if v == "V2" else 0))
                         for v in ("V1", "V2") for k in range(8)],
                        schema=["van_id", "t", "lat", "lon"], orient="row")  # fmt: skip
    to = pl.DataFrame({"traj_id": ["V1", "V2"], "stop_id": ["s1", "s2"],
                       "lat": [41.15, 41.15], "lon": [-8.592, -8.582]})  # fmt: skip
    got = trajlm_small.reach(live, to=to, route=False)  # was: 4 rows, every van x every stop
    assert sorted(zip(got["van_id"], got["stop_id"], strict=True)) == [("V1", "s1"), ("V2", "s2")]
