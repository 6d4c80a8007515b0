"""Session 31 (heldout31): held-out exports the readers refused with no way on.

Before: an ICES / VMStools `tacsat` table (`VE_REF`, `SI_LATI`, `SI_LONG`) was refused naming
no id; a Russian fleet portal's Windows-1251 CSV was read as Windows-1252 (`Îáúåêò`), and its
`;` header with `Скорость, км/ч` split on the commas; a Dutch study's `x_rd` / `y_rd`
(Rijksdriehoek metres) were refused naming UTM / web-map / British codes; an XML Spreadsheet
2003 `.xls` was "a spreadsheet workbook" with a `pd.read_excel` hint that fails on it; DJI
`.SRT` clips, RTKLIB `.pos` solutions and TTN v3 uplinks were "no file trajlm reads" / missing
columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trajlm.data.readers import read
from trajlm.data.readers._column_map import ColumnMap
from trajlm.data.readers._encoding import legacy_cjk
from trajlm.data.readers._naive_times import naive_times
from trajlm.errors import TrajlmInputError


def test_an_ices_tacsat_table_reads_with_no_options(tmp_path: Path) -> None:
    p = tmp_path / "tacsat.csv"
    rows = [
        f"NLD,NLD{k},52.4{i},4.1{i},02/02/2026,1{i}:00,5.1,270,0" for k in (1, 2) for i in range(5)
    ]
    p.write_text(
        "VE_COU,VE_REF,SI_LATI,SI_LONG,SI_DATE,SI_TIME,SI_SP,SI_HE,SI_HARB\n"
        + "\n".join(rows)
        + "\n"
    )
    df, _ = read(p)  # was: missing traj_id, lat
    assert sorted(df["traj_id"].unique()) == ["NLD1", "NLD2"]
    assert df["t"].min() == 1770026400  # 2 Feb 2026 10:00 UTC (day first, SI_DATE + SI_TIME)
    assert df["lat"].max() == pytest.approx(52.44)


def test_a_windows_1251_semicolon_export_reads_with_no_options(tmp_path: Path) -> None:
    p = tmp_path / "messages.csv"
    head = "№;Объект;Время;Широта;Долгота;Скорость, км/ч;Курс"
    rows = [f"{i};Газель А12{k};02.03.2026 08:1{i}:00;55,7{i}{k};37,6{i}{k};22;90" for k in (1, 2)
            for i in range(5)]  # fmt: skip
    p.write_bytes(("\r\n".join([head, *rows]) + "\r\n").encode("cp1251"))
    assert legacy_cjk(p.read_bytes()) == "cp1251"
    df, _ = read(p)  # was: read as cp1252, split on commas, refused naming 3 mojibake columns
    assert sorted(df["traj_id"].unique()) == ["Газель А121", "Газель А122"]
    assert df["lat"].max() == pytest.approx(55.742)


def test_western_text_keeps_its_code_page() -> None:
    western = "Fahrer;Zeit;Breite;Länge\nJosé Núñez;2026-01-01 10:00;48,1;11,5\n".encode("cp1252")
    assert legacy_cjk(western * 5) is None  # (Shift-JIS / EUC / GBK: test_heldout27 / 28 / 29)


def test_dutch_rd_columns_name_their_grid(tmp_path: Path) -> None:
    p = tmp_path / "ritten.csv"
    rows = [f"P1;{r};2026-09-14 08:0{i}:00;{136000 + 50 * i + r};{456000 + 40 * i}" for r in (1, 2)
            for i in range(5)]  # fmt: skip
    p.write_text("deelnemer;rit;tijdstip;x_rd;y_rd\n" + "\n".join(rows) + "\n")
    df, _ = read(p)  # was: "look projected ... name their CRS" naming no Dutch code
    assert sorted(df["traj_id"].unique()) == ["1", "2"]  # `rit` (the trip), not the participant
    assert 52.0 < df["lat"].min() < df["lat"].max() < 52.2  # Utrecht
    assert 5.0 < df["lon"].min() < 5.2


def _xml2003(rows: list[list[str]]) -> str:
    def cell(v: str) -> str:
        typ = "Number" if v.replace(".", "").isdigit() else "String"
        return f'<Cell><Data ss:Type="{typ}">{v}</Data></Cell>'

    body = "".join("<Row>" + "".join(cell(v) for v in r) + "</Row>\n" for r in rows)
    return ('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
            '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n'
            f'<Worksheet ss:Name="Positions"><Table>\n{body}</Table></Worksheet></Workbook>\n')  # fmt: skip


def test_an_xml_spreadsheet_2003_xls_is_read_as_its_sheet(tmp_path: Path) -> None:
    p = tmp_path / "report.xls"
    rows = [["Position history report"], ["Vehicle", "Date/Time", "Latitude", "Longitude"]]
    rows += [[f"AB-{k}", f"2026-05-04T08:0{i}:00.000", f"45.7{i}{k}", f"4.8{i}"] for k in (1, 2)
             for i in range(5)]  # fmt: skip
    p.write_text(_xml2003(rows))
    df, _ = read(p)  # was: "a spreadsheet workbook ... pd.read_excel(path)" (which fails on it)
    assert sorted(df["traj_id"].unique()) == ["AB-1", "AB-2"]
    assert df["t"].min() == 1777881600  # 2026-05-04 08:00 (as UTC, said)
    p.with_suffix(".csv").write_text(
        "Position history report\nVehicle,Date/Time,Latitude,Longitude\nAB-1,2026-05-04T08:00:00,45.7,4.8\n"
    )
    assert naive_times([p.with_suffix(".csv")], "csv", ColumnMap(t="Date/Time")) == "Date/Time"


def _srt(lat0: float, old: bool = False) -> str:
    lon_key = "longtitude : " if old else "longitude: "
    cues = [f"{i + 1}\n00:00:0{i},000 --> 00:00:0{i},033\n<font size=\"28\">FrameCnt: {i + 1}, "
            f"DiffTime: 33ms\n2026-05-09 14:03:0{i}.000\n[iso: 100] [latitude: {lat0 + i * 1e-4:.6f}] "
            f"[{lon_key}8.031246] [rel_alt: 40.000 abs_alt: 1690.000] </font>\n" for i in range(6)]  # fmt: skip
    return "\n".join(cues)


def test_a_folder_of_dji_srt_clips_is_one_trajectory_a_clip(tmp_path: Path) -> None:
    d = tmp_path / "card"
    d.mkdir()
    (d / "DJI_0001.SRT").write_text(_srt(46.63))
    (d / "DJI_0002.SRT").write_text(_srt(46.64, old=True))  # older firmware's `longtitude`
    (d / "DJI_0001.MP4").write_bytes(b"\x00\x00\x00\x18ftypmp42")  # the video beside it
    df, _ = read(d)  # was: "no file trajlm reads under the folder"
    assert df["traj_id"].n_unique() == 2
    assert df["t"].min() == 1778335380  # 2026-05-09 14:03:00
    assert df["lat"].max() == pytest.approx(46.6405)


POS_HEAD = ("% program   : RTKLIB ver.2.4.3 b34\n% pos mode  : kinematic\n"
            "%  GPST                  latitude(deg) longitude(deg)  height(m)   Q  ns   sdn(m)   sde(m)\n")  # fmt: skip


def test_an_rtklib_pos_file_is_read_in_utc(tmp_path: Path) -> None:
    p = tmp_path / "rover.pos"
    rows = [f"2026/03/02 07:30:{10 + i:02d}.000   47.3743{i}   8.54356   410.0   1  18   0.0080   0.0072"
            for i in range(6)]  # fmt: skip
    p.write_text(POS_HEAD + "\n".join(rows) + "\n")
    with pytest.warns(UserWarning, match="GPS time"):
        df, _ = read(p)  # was: "cannot tell the format"
    assert df["t"].min() == 1772436610 - 18  # 07:30:10 GPST is 07:29:52 UTC
    assert df["lat"].min() == pytest.approx(47.37430)


def test_an_rtklib_ecef_solution_is_refused_in_one_line(tmp_path: Path) -> None:
    p = tmp_path / "rover.pos"
    p.write_text("% program   : RTKLIB ver.2.4.3 b34\n%  GPST                  x-ecef(m)      y-ecef(m)      z-ecef(m)   Q  ns\n"
                 "2026/03/02 07:30:10.000  4273000.1  641000.2  4671000.3  1 18\n")  # fmt: skip
    with pytest.raises(TrajlmInputError, match="ECEF.*not latitude"):
        read(p)


def test_ttn_uplinks_read_the_tracker_not_its_gateways(tmp_path: Path) -> None:
    p = tmp_path / "uplinks.jsonl"
    recs = []
    for k in (1, 2):
        for i in range(6):
            la, lo = (0.0, 0.0) if i == 3 else (50.85 + i * 1e-3, 4.35 + k * 1e-2)
            recs.append({
                "end_device_ids": {"device_id": f"bike-{k}", "dev_eui": "70B3D57ED005A1B2"},
                "received_at": f"2026-04-13T07:0{i}:03.123456789Z",
                "uplink_message": {"f_cnt": i, "decoded_payload": {"latitude": la, "longitude": lo, "hdop": 1.1},
                                   "rx_metadata": [{"gateway_ids": {"gateway_id": "gw"},
                                                    "location": {"latitude": 51.5, "longitude": 3.0}}]},
            })  # fmt: skip
    p.write_text("".join(json.dumps(r) + "\n" for r in recs))
    df, report = read(p)  # was: missing traj_id, t, lat, lon (nested records)
    assert sorted(df["traj_id"].unique()) == ["bike-1", "bike-2"]
    assert df["lat"].max() < 50.86  # never the gateway's 51.5
    assert len(df) == 10  # the two 0 / 0 uplinks dropped


def test_the_api_reads_a_tacsat_frame_day_first_as_ingest_does() -> None:
    import pandas as pd

    from trajlm.data.coerce import coerce

    df = pd.DataFrame({"VE_REF": ["NLD1"] * 4, "SI_LATI": [52.40, 52.41, 52.42, 52.43],
                       "SI_LONG": [4.1] * 4, "SI_DATE": ["02/03/2026"] * 4,
                       "SI_TIME": ["10:00", "11:00", "12:00", "13:00"]})  # fmt: skip
    with pytest.warns(UserWarning, match="read day first"):  # was: "leave the order to a guess"
        out, _ = coerce(df, repeats="drop")
    assert out["t"].min() == 1772445600  # 2 March 2026 10:00 UTC, not 3 February


def test_the_api_reads_a_frame_of_rd_columns_and_answers_in_rd() -> None:
    import pandas as pd

    from trajlm.data.coerce import coerce

    df = pd.DataFrame({"rit": [1] * 4, "tijdstip": [f"2026-09-14 08:0{i}:00" for i in range(4)],
                       "x_rd": [136000.0 + 50 * i for i in range(4)],
                       "y_rd": [456000.0 + 40 * i for i in range(4)]})  # fmt: skip
    with pytest.warns(UserWarning, match="EPSG:28992"):  # was: "no lat column"
        out, layout = coerce(df, repeats="drop")
    assert 52.0 < out["lat"].min() < 52.2
    assert layout.crs == "EPSG:28992"  # results go back as x_rd / y_rd metres
