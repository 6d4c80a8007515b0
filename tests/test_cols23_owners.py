"""Session 23 (cols23): an owner id named `driver_uuid`, `scooter_id`, `bike_id`, ... is kept.

Before: heldout23's ride-hail (`driver_uuid` beside `trip_uuid`) and e-scooter (`scooter_id`
beside `ride_id`) stores had no owner column, so `resplit --by user` could not hold drivers /
scooters out. The trip id beside them stays the trajectory."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from reliability_helpers import invoke

from trajlm.data.store import read_store


def _fleet(path: Path, trip_col: str, owner_col: str) -> Path:
    """12 trips of 4 owners (3 each), 10 points per trip."""
    rows = [f"{trip_col},{owner_col},timestamp,lat,lon"]
    for i in range(12):
        t0 = 1709596800 + 3600 * i
        rows += [f"trip{i},own{i % 4},{t0 + 15 * k},{41.15 + 0.0004 * k},{-8.61 + 0.001 * i}"
                 for k in range(10)]  # fmt: skip
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize(
    ("trip_col", "owner_col", "kept_as"),
    [("trip_uuid", "driver_uuid", "vehicle_id"), ("ride_id", "scooter_id", "vehicle_id"),
     ("trip_id", "bike_id", "vehicle_id"), ("trip_id", "vehicle_uuid", "vehicle_id"),
     ("trip_id", "rider_uuid", "user_id")],
)  # fmt: skip
def test_the_owner_is_kept_and_resplit_by_user_holds_it_out(
    tmp_path: Path, trip_col: str, owner_col: str, kept_as: str
) -> None:
    csv = _fleet(tmp_path / "fleet.csv", trip_col, owner_col)
    r = invoke("data", "ingest", csv, "--out", tmp_path / "s")
    assert r.exit_code == 0, r.output
    assert f"owner: {owner_col!r}" in r.output
    got = read_store(tmp_path / "s")
    assert got["source_traj_id"].n_unique() == 12  # the trips stay the trajectories
    assert got[kept_as].n_unique() == 4
    r = invoke("data", "resplit", tmp_path / "s", "--by", "user", "--out", tmp_path / "u")
    assert r.exit_code == 0, r.output
    split = read_store(tmp_path / "u").group_by(kept_as).agg(split_n=pl.col("split").n_unique())
    assert split["split_n"].max() == 1  # each owner in one split only


def test_a_driver_beside_a_rider_is_the_owner(tmp_path: Path) -> None:
    csv = _fleet(tmp_path / "f.csv", "trip_uuid", "driver_uuid")
    text = csv.read_text().splitlines()
    rows = [text[0] + ",rider_id"] + [f"{r},p{i % 7}" for i, r in enumerate(text[1:])]
    csv.write_text("\n".join(rows) + "\n")
    r = invoke("data", "ingest", csv, "--out", tmp_path / "s")
    assert r.exit_code == 0, r.output
    assert "owner: 'driver_uuid'" in r.output
