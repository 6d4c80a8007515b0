"""Session 28 (readers28): the readers' leftovers of session 27 (badin27, heldout27, readers27).

"the last Tuesday in December" is one date; a point column named with its axis order over values
written the other way round is read by its values and said; a `Datum` beside a `Tijd` holding
another date is refused; EUC-JP is read as Japanese; a 4-column MoTeC log is found under its
preamble and timed from its Log Date / Log Time; `accuracy_ft` is read in feet; an HDOP with a
rating word is read; `Snelheid (km/u)` is a speed; dd-mm-yyyy with every day under 13 gets the
day / month line."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from trajlm.cli import app
from trajlm.data.store import read_store


def _ingest(src: Path, out: Path, *opts: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["data", "ingest", str(src), "--out", str(out), *opts])
    return res.exit_code, res.output


def _rows(n: int = 12, lat0: float = 35.68, lon0: float = 139.76) -> list[tuple[str, float, float]]:
    return [(f"2026-03-01 10:00:{k * 4:02d}", lat0 + 1e-4 * k, lon0 + 1e-4 * k) for k in range(n)]


def test_the_last_weekday_in_a_month_is_one_date():
    from trajlm.llm.datewords import local_dates
    from trajlm.llm.plan import CannotAnswer

    days = [date(2026, 11, 27) + timedelta(days=i) for i in range(12)]  # Tuesdays 1, 8 December
    assert local_dates("km the last Tuesday in December?", days) == "km Tuesday 8 December 2026?"
    assert (
        local_dates("km on the last Tuesday of December 2026", days)
        == "km on Tuesday 8 December 2026"
    )
    march = [date(2026, 3, 2) + timedelta(days=i) for i in range(30)]
    assert (
        local_dates("trips on the last Monday of March", march) == "trips on Monday 30 March 2026"
    )
    with pytest.raises(CannotAnswer, match="24 November 2026"):  # before the data's first day
        local_dates("km the last Tuesday in November?", days)
    with pytest.raises(CannotAnswer, match="no January"):
        local_dates("km the last Monday in January?", days)


@pytest.mark.parametrize(
    "header, value, lat",
    [
        ("Location (Long, Lat)", "{a}, {o}", 41.89),  # lat-first under a lon-first name (polar)
        ("Location (Lat, Long)", "{o}, {a}", 41.89),  # lon-first under a lat-first name
        ("Location (Long, Lat)", "{a}, {s}", 41.89),  # 151.2 can be no latitude
        ("Location (Lat, Long)", "{a}, {o}", 41.89),  # as named: nothing said
    ],
)
def test_a_point_column_is_read_by_its_values_and_the_other_order_said(
    tmp_path, header, value, lat
):
    rows = "".join(
        f'B7,{t},"{value.format(a=a, o=o - 227.5, s=o + 11.44)}"\n' for t, a, o in _rows(lat0=41.89)
    )
    (tmp_path / "b.csv").write_text(f'bus,Time,"{header}"\n' + rows)
    code, out = _ingest(tmp_path / "b.csv", tmp_path / "s", "--tz", "UTC")
    assert code == 0, out
    assert read_store(tmp_path / "s")["lat"][0] == pytest.approx(lat)
    swapped = value != "{a}, {o}" or header.startswith("Location (Long")
    assert ("first, not" in out) == swapped, out


def _barges(tijd: str) -> str:
    return "Schip;Datum;Tijd;Breedtegraad;Lengtegraad\n" + "".join(
        f"VM;2026-03-01;{tijd}{t[11:]};{str(a).replace('.', ',')};4,89\n"
        for t, a, _ in _rows(lat0=52.37)
    )


def test_a_datum_beside_a_tijd_holding_another_date_is_refused(tmp_path):
    (tmp_path / "b.csv").write_text(_barges("2026-03-02 "))
    code, out = _ingest(tmp_path / "b.csv", tmp_path / "s")
    assert code != 0 and "'Datum' is '2026-03-01'" in out and "--time-col 'Tijd'" in out, out
    code, out = _ingest(tmp_path / "b.csv", tmp_path / "s2", "--time-col", "Tijd")
    assert code == 0 and read_store(tmp_path / "s2")["t"][0] == 1772445600, out  # 2 March
    (tmp_path / "same.csv").write_text(_barges("2026-03-01 "))
    code, out = _ingest(tmp_path / "same.csv", tmp_path / "s3")
    assert code == 0 and read_store(tmp_path / "s3")["t"][0] == 1772359200, out


def test_euc_jp_is_read_as_japanese_and_korean_chinese_stay():
    from trajlm.data.readers._encoding import legacy_cjk

    rows = "".join(f"D01,{t},{a},{o}\n" for t, a, o in _rows())
    jp = "配達員ID,記録日時,緯度,経度\n" + rows
    assert legacy_cjk(jp.encode("euc_jp")) == "euc_jp"
    assert legacy_cjk(("ドライバー,時間,lat,lon\n" + rows).encode("euc_jp")) == "euc_jp"  # kana
    assert legacy_cjk(jp.encode("cp932")) == "cp932"
    assert legacy_cjk(("기사ID,기록일시,위도,경도\n" + rows).encode("cp949")) == "cp949"
    assert legacy_cjk(("司机ID,记录时间,纬度,经度\n" + rows).encode("gb18030")) == "gb18030"


def _motec(log_date: str) -> str:
    head = ('"Format","MoTeC CSV File"\n"Venue","Berlin"\n'
            f'"Log Date","{log_date}"\n"Log Time","10:00:00"\n"Sample Rate","10","Hz"\n\n'
            '"Time","GPS Latitude","GPS Longitude","Lap Number"\n"s","deg","deg",""\n\n')  # fmt: skip
    return head + "".join(f'"{k * 0.5:.1f}","{52.5 + 1e-5 * k}","13.4","1"\n' for k in range(20))


def test_a_4_column_motec_log_is_timed_from_its_log_date_and_time(tmp_path):
    (tmp_path / "m.csv").write_text(_motec("13/03/2026"))
    code, out = _ingest(tmp_path / "m.csv", tmp_path / "s")
    assert code == 0 and "read as UTC" in out, out
    assert read_store(tmp_path / "s")["t"].min() == 1773396000  # 2026-03-13T10:00Z
    code, out = _ingest(tmp_path / "m.csv", tmp_path / "s2", "--tz", "Europe/Berlin")
    assert code == 0 and read_store(tmp_path / "s2")["t"].min() == 1773396000 - 3600, out
    (tmp_path / "a.csv").write_text(_motec("01/03/2026"))
    code, out = _ingest(tmp_path / "a.csv", tmp_path / "s3")
    assert code != 0 and "--time-origin 2026-03-01T10:00:00Z (day first)" in out, out


def test_a_preamble_of_25_lines_is_looked_through():
    from trajlm.data.readers._lines import preamble_lines

    lines = [f'"Key{i}","v{i}"\n'.encode() for i in range(25)] + [b"id,time,lat,lon\n"] * 4
    assert preamble_lines(lines) == 25
    motec = [ln.encode() + b"\n" for ln in _motec("13/03/2026").split("\n")]
    assert preamble_lines(motec) == 6  # the `"Sample Rate","10","Hz"` line above 4 columns


@pytest.mark.parametrize(
    "column, values, kept",
    [("accuracy_ft", [30, 5000], 9.144), ("Accuracy (ft)", [30, 5000], 9.144),
     ("accuracy_km", [0.01, 1.5], 10.0), ("accuracy", ["30 ft", 5000], 9.144)],
)  # fmt: skip
def test_an_accuracy_named_with_its_unit_is_read_in_it(tmp_path, column, values, kept):
    rows = "".join(
        f"p1,2026-03-01T10:{k:02d}:00Z,45.1{k},-73.5,{values[k % 2]}\n" for k in range(8)
    )
    (tmp_path / "p.csv").write_text(f'id,time,lat,lon,"{column}"\n' + rows)
    code, out = _ingest(tmp_path / "p.csv", tmp_path / "s")
    df = read_store(tmp_path / "s")
    assert code == 0 and len(df) == 4 and df["accuracy_m"].max() == pytest.approx(kept), out


def test_an_hdop_with_a_rating_word_is_read_and_text_alone_said(tmp_path):
    import trajlm
    from trajlm.data.clean import CleanConfig

    rows = "".join(f"p1,2026-03-01T10:{k:02d}:00Z,45.1{k},-73.5,{['2.1 (good)', '9.5 poor'][k % 2]}\n" for k in range(8))  # fmt: skip
    (tmp_path / "h.csv").write_text("id,time,lat,lon,hdop\n" + rows)
    code, out = _ingest(tmp_path / "h.csv", tmp_path / "s", "--max-hdop", "5")
    assert code == 0 and read_store(tmp_path / "s")["hdop"].to_list() == [2.1] * 4, out
    (tmp_path / "w.csv").write_text("id,time,lat,lon,hdop\n" + rows.replace("2.1 (good)", "good"))
    code, out = _ingest(tmp_path / "w.csv", tmp_path / "s2")
    assert code == 0 and "not an HDOP number (e.g. 'good'" in out, out
    frame = pl.read_csv(tmp_path / "h.csv", infer_schema=False).rename({"id": "vehicle"})
    kept, report = trajlm.clean(frame, CleanConfig(max_hdop=5), split_gaps=False)
    assert len(kept) == 4 and report.dropped["high_hdop"] == 4


def test_speeds_named_in_dutch_and_german_are_read():
    from trajlm.data.motion_columns import speed_unit

    assert speed_unit("Snelheid (km/u)") == pytest.approx(1 / 3.6)
    assert speed_unit("Geschw. (km/h)") == pytest.approx(1 / 3.6)
    assert speed_unit("Datum (km/u)") is None


def test_dashed_dates_with_every_day_under_13_get_the_day_month_line(tmp_path):
    rows = "".join(f"a,{t[8:10]}-{t[5:7]}-{t[:4]} {t[11:]},{a},{o}\n" for t, a, o in _rows())
    (tmp_path / "d.csv").write_text("id,time,lat,lon\n" + rows)
    code, out = _ingest(tmp_path / "d.csv", tmp_path / "s")
    assert code != 0 and "day and month cannot be told apart" in out, out
    assert "--time-format dmy (day first)" in out and "'%d-%m-%Y %H:%M:%S'" in out, out
    code, out = _ingest(tmp_path / "d.csv", tmp_path / "s2", "--time-format", "dmy")
    assert code == 0 and read_store(tmp_path / "s2")["t"][0] == 1772359200, out  # 1 March


def test_a_datum_column_settles_day_first_and_says_so(tmp_path):
    (tmp_path / "b.csv").write_text(_barges("").replace("2026-03-01", "01-03-2026"))
    code, out = _ingest(tmp_path / "b.csv", tmp_path / "s")
    assert code == 0 and "read day first" in out and "'Datum'" in out, out
    assert read_store(tmp_path / "s")["t"][0] == 1772359200  # 1 March, not 3 January


def test_a_frame_s_point_column_is_read_by_its_values_too():
    import pandas as pd

    import trajlm

    times = [f"2026-03-01T10:00:{k * 4:02d}Z" for k in range(6)]
    frame = pd.DataFrame({"bus": "B7", "Time": times, "Location (Long, Lat)": "41.89, -87.74"})
    with pytest.warns(UserWarning, match="read lat first, not lon first"):
        kept, _ = trajlm.clean(frame, traj_col="bus", time_col="Time", split_gaps=False)
    assert kept["Location (Long, Lat)"].iloc[0].startswith("41.89")  # written back as given
