"""leftover37 item 3: `direction` as a course. Transit feeds (GTFS-rt, SIRI, BODS) use
`direction` / `direction_id` for the route's way (0 / 1, "inbound"), so fix36 left it out of the
course names and every reader dropped it. Now a `direction` column beside a reported speed is
kept as the course (`cog_deg`) only where the file's own values are degrees spread wide; a
0 / 1 way, words and a few codes never are, and `direction_id` is never read as one."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import trajlm
from trajlm.data.store import read_store


def _bus_csv(path: Path, way, name: str = "direction") -> Path:
    rows = []
    for j in range(2):
        for i in range(30):
            rows.append({"trip": f"j{j}", "time": 1780470000 + 86400 * j + 10 * i,
                         "lat": 53.80 + 0.0003 * i, "lon": -1.55 + 0.0002 * i,
                         "speed_kmh": 30.0, name: way(i)})  # fmt: skip
    pl.DataFrame(rows).write_csv(path)
    return path


def _stored(tmp_path: Path, way, name: str = "direction") -> pl.DataFrame:
    src = _bus_csv(tmp_path / "bus.csv", way, name)
    trajlm.ingest(src, "auto", tmp_path / "s")
    return read_store(tmp_path / "s")


def test_a_degrees_direction_is_kept_as_the_course(tmp_path: Path) -> None:
    df = _stored(tmp_path, lambda i: round(12.0 * i % 360, 1))  # turning: 0..348 degrees
    assert "cog_deg" in df.columns  # was: dropped (not a course name)
    assert sorted(df["cog_deg"].unique().to_list())[:3] == [0.0, 12.0, 24.0]


@pytest.mark.parametrize(
    "way",
    [lambda i: i % 2, lambda i: "inbound" if i % 2 else "outbound",
     lambda i: [0, 90, 180, 270][i % 4], lambda i: 45.0 + (i % 10)],
    ids=["zero-one", "words", "four-codes", "narrow"],
)  # fmt: skip
def test_a_way_or_a_few_codes_never_become_a_course(tmp_path: Path, way) -> None:
    assert "cog_deg" not in _stored(tmp_path, way).columns


def test_direction_id_is_never_a_course(tmp_path: Path) -> None:
    df = _stored(tmp_path, lambda i: round(12.0 * i % 360, 1), name="direction_id")
    assert "cog_deg" not in df.columns


def test_a_path_to_the_api_reads_it_as_ingest_does(tmp_path: Path) -> None:
    turning = trajlm.read(_bus_csv(tmp_path / "a.csv", lambda i: 12.0 * i % 360))
    way = trajlm.read(_bus_csv(tmp_path / "b.csv", lambda i: i % 2))
    assert "cog_deg" in turning.columns and "cog_deg" not in way.columns


def test_the_values_rule() -> None:
    from trajlm.data.motion_columns import degrees_direction  # (new in leftover37)

    assert degrees_direction([str(12 * i % 360) for i in range(30)])
    assert not degrees_direction(["0", "1"] * 20)
    assert not degrees_direction(["inbound", "outbound"])
    assert not degrees_direction([12 * i for i in range(40)])  # past 360: not degrees
    assert not degrees_direction([])
