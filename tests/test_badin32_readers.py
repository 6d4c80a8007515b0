"""badin32: heldout31's DJI .SRT and RTKLIB .pos readers on files users really have
(docs/reliability.md "Session 32 (badin32)")."""

from __future__ import annotations

from pathlib import Path

import pytest

from trajlm.data.readers import read
from trajlm.errors import TrajlmInputError

UTC_HEAD = ("% program   : RTKLIB ver.2.4.3 b34\n"
            "%  UTC                   latitude(deg) longitude(deg)  height(m)   Q  ns\n")  # fmt: skip


def test_a_phantom_4_clip_reads_its_clock_after_home(tmp_path: Path) -> None:
    p = tmp_path / "DJI_0007.SRT"
    p.write_text("\n".join(
        f"{i + 1}\n00:00:0{i},000 --> 00:00:0{i},033\nHOME(8.0300,46.6300) 2026.05.09 14:03:0{i}\n"
        f"GPS(8.031246,{46.63 + i * 1e-4:.6f},15) BAROMETER:40.0\n" for i in range(6)))  # fmt: skip
    df, _ = read(p)  # was: "a DJI .SRT file with no cue holding a clock line"
    assert df["t"].min() == 1778335380  # 2026-05-09 14:03:00
    assert df["lat"].max() == pytest.approx(46.6305) and df["lon"].min() == pytest.approx(8.031246)


def test_a_twelve_hour_srt_clock_reads_pm(tmp_path: Path) -> None:
    p = tmp_path / "DJI_0008.SRT"
    p.write_text("\n".join(
        f"{i + 1}\n00:00:0{i},000 --> 00:00:0{i},033\n2026-05-09 02:03:0{i}.000 PM\n"
        f"[latitude: {46.63 + i * 1e-4:.6f}] [longitude: 8.031246]\n" for i in range(6)))  # fmt: skip
    df, _ = read(p)  # was: 02:03 read as the morning, 12 h off, silently
    assert df["t"].min() == 1778335380


def test_rtklib_times_without_fraction_dashes_and_a_leap_second(tmp_path: Path) -> None:
    p = tmp_path / "rover.pos"
    rows = ["2016/12/31 23:59:59   47.37430   8.54356   410.0   1  18",
            "2016-12-31 23:59:60.000   47.37431   8.54356   410.0   1  18",  # UTC's leap second
            "2017/01/01 00:00:01.5   47.37432   8.54356   410.0   1  18"]  # fmt: skip
    p.write_text(UTC_HEAD + "\n".join(rows) + "\n")
    df, _ = read(p)  # was: strptime's "does not match format" / "second must be in 0..59"
    assert df.sort("t")["t"].to_list()[:2] == [1483228799, 1483228800]
    assert len(df) == 3


@pytest.mark.parametrize("bad, said", [("2016/12/31\n", "line 4: an RTKLIB .pos line of 1"),
                                       ("2016/12/31 23:5x:00 47.3 8.5 410\n", "line 4: time")])  # fmt: skip
def test_rtklib_bad_lines_are_named(tmp_path: Path, bad: str, said: str) -> None:
    p = tmp_path / "rover.pos"
    p.write_text(UTC_HEAD + "2016/12/31 23:59:59.000   47.37430   8.54356   410.0   1  18\n" + bad)
    with pytest.raises(TrajlmInputError, match=said):  # was: an IndexError traceback
        read(p)


def _uplinks(path: Path, payload: object, cut: bool = False) -> Path:
    import json

    recs = [{"end_device_ids": {"device_id": "bike-1"},
             "received_at": f"2026-04-13T07:0{i}:03Z",
             "uplink_message": {"decoded_payload": payload or {"latitude": 50.85 + i * 1e-3,
                                                               "longitude": 4.35},
                                "rx_metadata": [{"location": {"latitude": 51.5, "longitude": 3.0}}]}}
            for i in range(6)]  # fmt: skip
    text = "".join(json.dumps(r) + "\n" for r in recs)
    path.write_text(text[:-40] if cut else text)
    return path


def test_uplinks_without_a_decoded_position_are_refused_as_such(tmp_path: Path) -> None:
    with pytest.raises(TrajlmInputError, match="none of the 6 uplinks carries a position"):
        read(_uplinks(tmp_path / "up.jsonl", {"battery": 3.6}))  # was: "line 2 ... lat missing"
    with pytest.warns(
        UserWarning, match=r"1 of 6 lines skipped: 1 not a JSON object \(e\.g\. line 6\)"
    ):
        df, _ = read(_uplinks(tmp_path / "cut.jsonl", None, cut=True))  # was: dropped silently
    assert len(df) == 5


def test_persian_digits_read_in_coordinates_and_jalali_times(tmp_path: Path) -> None:
    from trajlm.data.readers._column_map import ColumnMap

    fa = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    p = tmp_path / "run.csv"
    p.write_text("id,time,lat,lon\n" + "".join(
        f"v,{f'1405/09/02 06:5{i}:01,35.7{i},51.4'.translate(fa)}\n" for i in range(6)))  # fmt: skip
    df, _ = read(p, columns=ColumnMap(traj_id="id", t="time", time_format="jalali"))
    assert df["t"].min() == 1795416601  # was: polars' InvalidOperationError (a traceback)
    assert df["lat"].max() == pytest.approx(35.75) and df["lon"].min() == pytest.approx(51.4)
    q = tmp_path / "deva.csv"  # other scripts' digits: the row check's one line, no traceback
    q.write_text("id,time,lat,lon\n" + "".join(
        f"v,2026-03-01T10:0{i}:00Z,३५.७{i},51.4\n" for i in range(6)))  # fmt: skip
    with pytest.raises(TrajlmInputError, match="line 2 field lat"):
        read(q)
