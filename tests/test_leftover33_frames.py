"""leftover33: a frame of numbered columns (pandas' header=None; apipath32's Wialon `.wln`) is
refused in one line saying what each column's values hold and the call that reads it; naming
them reads it. Not read by values: two columns of degrees within +-90 cannot be told apart."""

from __future__ import annotations

import pandas as pd
import pytest

import trajlm

T0 = 1_767_600_000


def _wln_frame() -> pd.DataFrame:
    rows = [["REG", T0 + 30 * i, 27.60 - 1e-4 * i, 53.85 + 1e-5 * i, 25, 263,
             f"ALT:211.5,hdop:1.{i % 3}", f"in1:0,,SATS:{10 + i % 3}"] for i in range(40)]  # fmt: skip
    return pd.DataFrame(rows)  # pd.read_csv("x.wln", sep=";", header=None): columns 0..7


def test_a_numbered_frame_is_told_what_its_columns_hold() -> None:
    with pytest.raises(trajlm.TrajlmInputError) as e:
        trajlm.to_canonical(_wln_frame(), split_gaps="auto")
    said = str(e.value)  # was: "none of the recognised names (t, timestamp, ... 73 names)"
    assert "'1' holds Unix seconds" in said and "'2' and '3' hold degrees" in said, said
    assert "time_col='1'" in e.value.hint and "which of '2' / '3' is the latitude" in e.value.hint
    assert "recognised names" not in said


def test_the_named_columns_are_read() -> None:
    out = trajlm.to_canonical(_wln_frame(), time_col="1", lat_col="3", lon_col="2",
                              split_gaps="auto")  # fmt: skip
    assert out.height == 40 and out["lat"].min() > 53.8 and out["lon"].max() < 27.61


def test_degrees_past_90_name_the_longitude() -> None:
    df = pd.DataFrame({0: ["a"] * 5, 1: [f"2026-01-01T00:0{i}:00" for i in range(5)],
                       2: [41.1 + i / 1e3 for i in range(5)], 3: [-100.6 - i / 1e3 for i in range(5)]})  # fmt: skip
    with pytest.raises(trajlm.TrajlmInputError) as e:
        trajlm.to_canonical(df)
    assert "'1' holds date-time text" in str(e.value)
    assert "time_col='1', lat_col='2', lon_col='3'" in e.value.hint


def test_named_frames_are_not_touched() -> None:
    df = pd.DataFrame({"t": [T0 + 60 * i for i in range(5)], "lat": 41.1, "lon": -8.6, "id": "a"})
    assert trajlm.to_canonical(df).height == 5
