"""Session 35 lead: `trajlm.read(utc_offset=)`, the Python twin of ingest's --utc-offset (the
model calls given a path took it since leftover35; trajlm.read did not)."""

from __future__ import annotations

import pytest

import trajlm
from trajlm.data.schema import TrajlmInputError

ROWS = "id,time,lat,lon\n" + "".join(
    f"a,2024-03-01 10:00:{s:02d},41.15{s:02d},-8.61\n" for s in range(0, 60, 10)
)


def test_read_utc_offset_moves_naive_times(tmp_path) -> None:
    path = tmp_path / "track.csv"
    path.write_text(ROWS)
    with pytest.warns(UserWarning):  # zone-less times said, as ingest says them
        utc = trajlm.read(path)
    local = trajlm.read(path, utc_offset=5.5)  # a file takes fractions of an hour
    assert (utc["t"] - local["t"]).to_list() == [5.5 * 3600] * len(utc)


def test_read_utc_offset_refused_in_one_line(tmp_path) -> None:
    path = tmp_path / "track.csv"
    path.write_text(ROWS)
    with pytest.raises(TrajlmInputError):
        trajlm.read(path, utc_offset="east")
