"""Session 32 (heldout32): a file's path given to the Python API is read as ingest reads it.

Before: `TrajLM(...).predict("trips.csv")` / `trajlm.to_canonical(path)` were refused "cannot
read a str as trajectories; give a Polars or pandas DataFrame, ..." with no file route named
(docs/data.md "Session 32 (heldout32)")."""

from __future__ import annotations

from pathlib import Path

import pytest

import trajlm
from trajlm.errors import TrajlmInputError


def _fleet_csv(tmp_path: Path) -> Path:
    p = tmp_path / "fleet.csv"
    rows = [f"VAN-{k},2026-03-02T08:{m:02d}:00Z,55.7{m:02d},37.6{k}" for k in (1, 2)
            for m in [*range(0, 10), *range(50, 60)]]  # fmt: skip
    rows += ["VAN-1,2026-03-02T09:30:00Z,,"]  # a row without a fix
    p.write_text("vehicle_id,timestamp,latitude,longitude\n" + "\n".join(rows) + "\n")
    return p


def test_a_path_is_read_as_ingest_reads_it(tmp_path: Path) -> None:
    p = _fleet_csv(tmp_path)
    with pytest.warns(UserWarning, match=r"41 rows, 1 dropped as no_fix"):
        df = trajlm.to_canonical(p)  # was: "cannot read a PosixPath as trajectories"
    assert df.height == 40 and sorted(df["traj_id"].unique()) == ["VAN-1", "VAN-2"]
    assert df["t"].min() == 1772438400  # 2026-03-02 08:00 UTC
    assert trajlm.to_canonical(str(p)).equals(df)


def test_the_api_cuts_a_paths_tracks_at_ingests_gap_rule(tmp_path: Path) -> None:
    from trajlm.data.coerce import coerce

    p = _fleet_csv(tmp_path)
    with pytest.warns(UserWarning, match="cut at gaps"):
        df, _ = coerce(p, split_gaps="auto")  # as TrajLM's methods read their data
    assert df["traj_id"].n_unique() == 4  # two vans, each cut at its 40-minute silence


def test_column_names_beside_a_path_name_the_files_columns(tmp_path: Path) -> None:
    p = tmp_path / "odd.csv"
    p.write_text("unit,when,n,e\n" + "".join(
        f"U{k},2026-03-02T08:0{i}:00Z,55.{i}{k},37.{i}\n" for k in (1, 2) for i in range(5)))  # fmt: skip
    df = trajlm.to_canonical(p, traj_col="unit", time_col="when", lat_col="n", lon_col="e")
    assert sorted(df["traj_id"].unique()) == ["U1", "U2"]
    assert df["lat"].max() == pytest.approx(55.42)


def test_a_path_that_is_not_there_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(TrajlmInputError, match="no file or folder .*nope.csv"):
        trajlm.to_canonical(str(tmp_path / "nope.csv"))
