"""leftover36 (docs/api.md "Session 36 (leftover36)"): a heading in radians or in compass words
is kept as a course (`cog_deg`, degrees), as a speed in km/h is kept as `sog_mps`."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

import trajlm
from trajlm.data.motion_columns import motion_columns, reported_motion
from trajlm.data.schema import conform

BASE = {"traj_id": ["a"] * 4, "t": [1_700_000_000 + 60 * i for i in range(4)],
        "lat": [41.0, 41.001, 41.002, 41.003], "lon": [-8.0] * 4}  # fmt: skip


def test_conform_reads_radians_as_degrees() -> None:
    df = conform(pl.DataFrame({**BASE, "cog_rad": [0.0, math.pi / 2, -math.pi / 2, 3 * math.pi]}))
    assert "cog_rad" not in df.columns
    assert np.allclose(df["cog_deg"].to_numpy(), [0.0, 90.0, 270.0, 180.0])


@pytest.mark.parametrize("column", ["cog_compass", "cog_deg"])
def test_conform_reads_compass_words(column: str) -> None:
    words = ["SE", "north-east", "NNW", "Stopped"]
    df = conform(pl.DataFrame({**BASE, column: words}))
    assert df["cog_deg"].to_list() == [135.0, 45.0, 337.5, None]


def test_conform_reads_degrees_written_as_text() -> None:
    df = conform(pl.DataFrame({**BASE, "cog_deg": ["135", "90°", " 10 ", "W"]}))
    assert df["cog_deg"].to_list() == [135.0, 90.0, 10.0, 270.0]


def test_heading_is_a_course_name() -> None:
    assert motion_columns(["SOG", "Heading"]) == ("SOG", 1852.0 / 3600.0, "Heading")
    assert motion_columns(["speed_kmh", "heading_rad"])[2] == "heading_rad"


def test_a_frame_with_compass_and_radian_headings_dead_reckons() -> None:
    words = pl.DataFrame({**BASE, "sog": [10.0] * 4, "Heading": ["N", "E", "S", "W"]})
    assert np.allclose(reported_motion(words)[1], [0.0, 90.0, 180.0, 270.0])
    rad = pl.DataFrame({**BASE, "sog": [10.0] * 4, "heading_rad": [0.0, 1.5708, 3.1416, -1.5708]})
    assert np.allclose(reported_motion(rad)[1], [0.0, 90.0, 180.0, 270.0], atol=0.01)


@pytest.mark.parametrize(
    ("header", "cells", "want"),
    [("Speed (mph),Heading", ["27,SE", "44,S", "20,SW", "30,W"], [135.0, 180.0, 225.0, 270.0]),
     ("SOG,heading_rad", ["5,1.5708", "5,3.1416", "5,0", "5,-1.5708"], [90.0, 180.0, 0.0, 270.0])],
)  # fmt: skip
def test_a_file_keeps_its_heading_as_cog_deg(tmp_path, header, cells, want) -> None:
    rows = [f"v1,2026-11-02T13:0{i}:00Z,{29.8 - 0.01 * i},-95.29,{c}" for i, c in enumerate(cells)]
    path = tmp_path / "report.csv"
    path.write_text(f"vehicle,time,lat,lon,{header}\n" + "\n".join(rows) + "\n")
    df = trajlm.read(path)
    assert "cog_rad" not in df.columns
    assert np.allclose(df["cog_deg"].to_numpy(), want, atol=0.01)
