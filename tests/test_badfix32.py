"""badfix32: badin32's leftovers (docs/reliability.md "Session 32 (badfix32)"): ERDDAP's units
row, the source's line in errors about converted logs, TTN uplinks as one JSON array, a UTF-16
DJI .SRT, KOI8-R text, two movers on one journey, HTTP /ask's `store`."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from trajlm.data.readers import read
from trajlm.errors import TrajlmInputError

ERD = "platform_id,time,latitude,longitude\n,UTC,degrees_north,degrees_east\n" + "".join(
    f"b1,2026-02-01T0{i}:00:00Z,{-33.5 + i * 0.01},{71.3 + i * 0.01}\n" for i in range(6)
)


def test_erddap_degrees_west_are_negated_and_said(tmp_path: Path) -> None:
    p = tmp_path / "drifters.csv"
    p.write_text(ERD.replace("degrees_east", "degrees_west"))
    with pytest.warns(UserWarning, match="longitude in degrees_west: negated"):
        df, report = read(p)  # was: 71.3 E, silently (the units row dropped as no_fix)
    assert df["lon"].max() == pytest.approx(-71.3)
    assert df["lat"].min() == pytest.approx(-33.5) and len(df) == 6
    assert "no_fix" not in report.dropped  # the units row is no data row


def test_erddap_east_stays_and_a_units_row_only_file_has_no_data_rows(tmp_path: Path) -> None:
    p = tmp_path / "ok.csv"
    p.write_text(ERD)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # nothing to say: degrees north / east
        df, _ = read(p)
    assert df["lon"].min() == pytest.approx(71.3)
    empty = tmp_path / "empty.csv"
    empty.write_text("".join(ERD.splitlines(keepends=True)[:2]))
    with pytest.raises(TrajlmInputError, match="empty.csv: file has a header but no data rows"):
        read(empty)  # was: "line 2 field platform_id: missing trajectory id"


def _ttn(i: int, lat: float) -> dict:
    return {"end_device_ids": {"device_id": "bike-1"}, "received_at": f"2026-04-13T07:0{i}:03Z",
            "uplink_message": {"decoded_payload": {"latitude": lat, "longitude": 4.35}}}  # fmt: skip


def test_ttn_uplinks_as_one_json_array_read(tmp_path: Path) -> None:
    p = tmp_path / "uplinks.json"
    p.write_text(json.dumps([_ttn(i, 50.85 + i * 1e-3) for i in range(6)]))
    df, _ = read(p)  # was: "the 6 records at $ look like positions but their keys name no time"
    assert len(df) == 6 and df["lat"].max() == pytest.approx(50.855)


@pytest.mark.parametrize("name, text, said", [
    ("up.jsonl", "\n\n".join(json.dumps(_ttn(i, 91.0 if i == 2 else 50.85)) for i in range(6)),
     r"up.jsonl line 5 field lat: latitude outside"),
    ("up.json", json.dumps([_ttn(i, 91.0 if i == 2 else 50.85) for i in range(6)], indent=1),
     r"up.json record 3 field lat: latitude outside"),
])  # fmt: skip
def test_uplink_errors_name_the_source_line(
    tmp_path: Path, name: str, text: str, said: str
) -> None:
    p = tmp_path / name
    p.write_text(text)
    with pytest.raises(TrajlmInputError, match=said) as e:  # was: `up.jsonl!up.csv line 4`
        read(p)
    assert ".csv" not in str(e.value)


def test_pos_and_xml2003_errors_name_the_source_line_and_row(tmp_path: Path) -> None:
    pos = tmp_path / "rover.pos"
    head = ("% program   : RTKLIB ver.2.4.3 b34\n"
            "%  UTC                   latitude(deg) longitude(deg)  height(m)   Q  ns\n")  # fmt: skip
    lines = [f"2026/03/02 07:30:{10 + i}.000   {95.1 if i == 3 else 47.3743}   8.54356   410.0   1  18"
             for i in range(6)]  # fmt: skip
    pos.write_text(head + "\n\n".join(lines) + "\n")
    with pytest.raises(TrajlmInputError, match=r"rover.pos line 9 field lat: latitude outside"):
        read(pos)  # was: `rover.pos!rover.csv line 5`
    rows = [["Vehicle", "Date/Time", "Latitude", "Longitude"]] + [
        ["AB-1", f"2026-05-04T08:0{i}:00", "91.5" if i == 3 else "45.7", "4.8"] for i in range(5)
    ]
    body = "".join("<Row>" + "".join(f'<Cell><Data ss:Type="String">{v}</Data></Cell>' for v in r)
                   + "</Row>\n" for r in rows)  # fmt: skip
    body = body.replace("<Row>", '<Row ss:Index="3">', 1)  # two empty rows above the header
    xml = tmp_path / "report.xls"
    xml.write_text('<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:'
                   'spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n'
                   f'<Worksheet ss:Name="Positions"><Table>\n{body}</Table></Worksheet></Workbook>\n')  # fmt: skip
    with pytest.raises(TrajlmInputError, match=r"report.xls worksheet 'Positions' row 7 field"):
        read(xml)  # was: `report.xls!report.csv line 5`
    xml.write_text(xml.read_text().split("</Row>")[0] + "</Row></Table></Worksheet></Workbook>")
    with pytest.raises(TrajlmInputError, match=r"report.xls: file has a header but no data rows"):
        read(xml)  # was: `report.xls!report.csv: file has ...`


def test_a_utf16_dji_srt_reads(tmp_path: Path) -> None:
    p = tmp_path / "DJI_0009.SRT"
    text = "\n".join(f"{i + 1}\n00:00:0{i},000 --> 00:00:0{i},033\n2026-05-09 14:03:0{i}.000\n"
                     f"[latitude: {46.63 + i * 1e-4:.6f}] [longitude: 8.031246]\n" for i in range(6))  # fmt: skip
    p.write_bytes(text.encode("utf-16"))
    df, _ = read(p)  # was: "cannot tell the format from the name"
    assert len(df) == 6 and df["t"].min() == 1778335380


def test_koi8_r_is_not_read_as_windows_1251(tmp_path: Path) -> None:
    text = "N;Объект;Время;Широта;Долгота\r\n" + "".join(
        f"{i};Газель А1;2026-03-02 08:1{i}:00;55.7{i};37.6{i}\r\n" for i in range(6)
    )
    for codec in ("koi8_r", "cp1251"):
        p = tmp_path / f"{codec}.csv"
        p.write_bytes(text.encode(codec))
        df, _ = read(p)  # KOI8-R was: missing columns ['пВЯЕЛФ', 'чТЕНС', ...]
        assert df["traj_id"].unique().to_list() == ["Газель А1"] and len(df) == 6
