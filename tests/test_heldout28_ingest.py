"""Session 28 (heldout28): held-out exports the readers refused, or read wrong, with no options.

Before: an AgLeader-style yield CSV's `Track(deg)` (the heading) was taken as the trajectory id
(144 "trajectories" of one heading each, not a word); a Thai fleet portal's CSV (Thai headers,
Buddhist-Era dates `28/11/2569`) was "missing traj_id, t, lat, lon" and, with the columns named,
"time in the future" with no way to read it; a CalTopo GeoJSON (LineStrings of [lon, lat, ele,
epoch ms], marker Points beside them) was "no ... per-vertex times"; a Wildlife Computers Argos
`Date` (`14:23:05 21-Jul-2026`) needed a --time-format; a balloon CSV's `Balloon` and a rowing
logger's `Session` were not taken as the trajectory (the file's name was)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from trajlm.cli import app
from trajlm.data.column_names import find_columns
from trajlm.data.readers._times import parse_time
from trajlm.data.store import read_store


def _ingest(path: Path, out: Path, *opts: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["data", "ingest", str(path), "--out", str(out), *opts])
    return res.exit_code, res.output


def _unix(*parts: int) -> int:
    import calendar

    return calendar.timegm((*parts,))


def test_a_column_named_with_an_angle_unit_is_never_the_trajectory_id() -> None:
    have = ["Longitude", "Latitude", "Field", "Track(deg)", "Time", "Speed(mph)"]
    assert find_columns("traj_id", have) == []  # was ['Track(deg)']: a heading
    assert find_columns("traj_id", ["track [°]", "vehicle"]) == ["vehicle"]
    assert find_columns("traj_id", ["Track", "Time"]) == ["Track"]  # no unit: an id still


def test_balloon_and_session_columns_are_the_trajectory() -> None:
    assert find_columns("traj_id", ["Balloon", "Date", "UTC", "Latitude"]) == ["Balloon"]
    assert find_columns("traj_id", ["Session", "Timestamp", "Latitude"]) == ["Session"]


def test_a_clock_first_argos_date_with_a_month_name_is_read_without_a_format() -> None:
    df = pl.DataFrame({"d": ["00:28:07 23-Sep-2026", "14:23:05 21-Jul-2026", "x"]})
    got = df.select(parse_time("d", None))["d"].to_list()
    assert got == [_unix(2026, 9, 23, 0, 28, 7), _unix(2026, 7, 21, 14, 23, 5), None]


def test_a_thai_csv_with_buddhist_era_dates_is_read_and_said(tmp_path: Path) -> None:
    rows = ["ทะเบียนรถ,วันที่เวลา,ละติจูด,ลองจิจูด,ความเร็ว (กม./ชม.)"]
    for car in ("สามล้อ 1000", "สามล้อ 1037"):
        rows += [f"{car},28/11/2569 10:{k:02d}:15,{13.75 + 1e-4 * k:.6f},100.520000,20"
                 for k in range(12)]  # fmt: skip
    path = tmp_path / "tuktuk.csv"
    path.write_bytes(("\ufeff" + "\n".join(rows) + "\n").encode())
    code, out = _ingest(path, tmp_path / "s", "--utc-offset", "7")
    assert code == 0, out
    assert "Buddhist Era" in out and "2569 BE = 2026 CE" in out, out  # the calendar is said
    assert "traj_id <- 'ทะเบียนรถ'" in out and "lat <- 'ละติจูด'" in out, out
    df = read_store(tmp_path / "s")
    assert len(df) == 24 and df["traj_id"].n_unique() == 2, df
    assert df["t"].min() == _unix(2026, 11, 28, 3, 0, 15), df  # 10:00 +07:00, 2569 BE = 2026


def test_iso_and_common_era_years_are_left_alone() -> None:
    df = pl.DataFrame({"d": ["2026-11-28T10:00:00Z", "28/11/2026 10:00:00", "1796018402"]})
    got = df.select(parse_time("d", None))["d"].to_list()
    assert got == [_unix(2026, 11, 28, 10, 0, 0), _unix(2026, 11, 28, 10, 0, 0), 1796018402]


def test_caltopo_lines_with_times_in_the_positions_are_read_and_markers_counted(
    tmp_path: Path,
) -> None:
    t0 = _unix(2026, 2, 14, 8, 30, 0) * 1000
    feats = [
        {"type": "Feature", "id": f"trk-{k}", "properties": {"title": f"Team {k}"},
         "geometry": {"type": "LineString", "coordinates": [
             [7.96 + 1e-4 * i, 46.52 + k * 1e-3, 1800.0, t0 + 5000 * i] for i in range(15)]}}
        for k in range(2)
    ]  # fmt: skip
    feats.append({"type": "Feature", "properties": {"title": "Clue: glove", "class": "Marker"},
                  "geometry": {"type": "Point", "coordinates": [7.961, 46.52]}})  # fmt: skip
    path = tmp_path / "search.json"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    code, out = _ingest(path, tmp_path / "s")
    assert code == 0, out
    assert "map_marker" in out, out  # the marker is counted, not an error
    df = read_store(tmp_path / "s")
    assert len(df) == 30 and df["traj_id"].n_unique() == 2, df
    assert df["t"].min() == t0 // 1000, df


def test_a_timed_point_among_tracks_is_still_refused(tmp_path: Path) -> None:
    line = {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [
        [7.96 + 1e-4 * i, 46.52, 1800.0, 1_771_057_800_000 + 5000 * i] for i in range(5)]},
        "properties": {}}  # fmt: skip
    point = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [7.9, 46.5]},
             "properties": {"time": "2026-02-14T08:30:00Z"}}  # fmt: skip
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [line, point]}))
    code, out = _ingest(path, tmp_path / "s")
    assert code != 0 and "Point feature" in out, out


def test_a_frame_of_buddhist_era_times_reads_iso_and_names_the_era_for_slashes() -> None:
    import pytest

    from trajlm.data.schema import TrajlmInputError
    from trajlm.data.times import time_column_seconds

    iso = pl.DataFrame({"t": ["2569-11-28T10:00:00Z", "2569-11-28T10:00:15Z"]})
    assert time_column_seconds(iso, "t")[0].to_list()[0] == _unix(2026, 11, 28, 10, 0, 0)
    slashed = pl.DataFrame({"t": ["28/11/2569 10:56:15", "30/11/2569 14:31:15"]})
    # a day past 12 tells the order, as ingest reads it (heldout34b: was refused as a guess)
    assert time_column_seconds(slashed, "t")[0].to_list()[0] == _unix(2026, 11, 28, 10, 56, 15)
    ambiguous = pl.DataFrame({"t": ["08/11/2569 10:56:15", "09/11/2569 14:31:15"]})
    with pytest.raises(TrajlmInputError) as e:  # pandas cannot parse 2569: the hint says why
        time_column_seconds(ambiguous, "t")
    assert "Buddhist Era" in str(e.value) and "08/11/2569" in str(e.value), e.value


def test_a_frame_of_date_and_time_columns_is_told_to_parse_both() -> None:
    import pandas as pd
    import pytest

    from trajlm.data.coerce import coerce
    from trajlm.data.schema import TrajlmInputError

    # (12/06: nothing decides the order; 13/06 is read day-first by its values since heldout34b)
    df = pd.DataFrame({"Balloon": ["TC-B00"] * 3, "Date": ["12/06/2026"] * 3,
                       "UTC": ["03:19:10", "03:19:20", "03:19:30"],
                       "Latitude": [38.6, 38.61, 38.62], "Longitude": [34.8] * 3})  # fmt: skip
    with pytest.raises(TrajlmInputError) as e:
        coerce(df)
    assert "pd.to_datetime(df['Date'] + ' ' + df['UTC'], format='%d/%m/%Y %H:%M:%S')" in str(
        e.value
    ), e.value  # was df[col]: the time of day alone, which that format cannot parse


def test_an_ingest_whose_test_pieces_are_too_short_to_score_says_so() -> None:
    from trajlm.cli_data import empty_splits

    shredded = {"n_trajectories": 144, "splits": {"train": {"n_trajectories": 115, "n_points": 4189},
                "val": {"n_trajectories": 14, "n_points": 99},
                "test": {"n_trajectories": 15, "n_points": 43}}}  # fmt: skip
    line = empty_splits(shredded)
    assert line and "test 2.9 points a trajectory" in line and "--max-gap-s" in line, line
    assert "val" not in line.split(":")[1], line  # val's 7.1 a trajectory is enough
    whole = {"n_trajectories": 26, "splits": {"train": {"n_trajectories": 20, "n_points": 4000},
             "val": {"n_trajectories": 3, "n_points": 600},
             "test": {"n_trajectories": 3, "n_points": 560}}}  # fmt: skip
    assert empty_splits(whole) is None
