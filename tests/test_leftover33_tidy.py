"""leftover33: review32's tidy-ups with their behaviour pinned: a cut frame's pieces numbered in
time order (not from the `_12` id suffix), the converters' file helpers in one module, and
NetCDF 3 read with numpy at once (the same CSV, byte for byte, as the per-observation loop)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from trajlm.data.readers.data_files import netcdf_as_csv


def test_pieces_are_numbered_in_time_order_not_by_their_names() -> None:
    from types import SimpleNamespace

    from trajlm.data.clean_keywords import as_pieces
    from trajlm.data.schema import SOURCE_ID

    # ids that do not end in the split's `_<k>` (a caller's own `source_traj_id`, a rule
    # naming pieces otherwise): the later piece listed first
    out = pl.DataFrame({"traj_id": ["m-late", "m-late", "m-early", "m-early", "b_x"],
                        SOURCE_ID: ["m", "m", "m", "m", "b"],
                        "t": [500, 560, 100, 160, 50], "lat": 1.0, "lon": 2.0})  # fmt: skip
    layout = SimpleNamespace(pieces=None)
    left = as_pieces(out, layout)
    assert SOURCE_ID not in left.columns
    got = dict(zip(layout.pieces["traj_id"], layout.pieces["piece"], strict=True))
    assert got == {"m-early": 0, "m-late": 1, "b_x": 0}  # was: m-late 0 (order of appearance)
    assert layout.pieces.columns == ["traj_id", SOURCE_ID, "piece"]


def test_the_converters_file_helpers_live_in_one_module() -> None:
    from trajlm.data.readers import _file_io, binary_logs, data_files, device_logs

    assert binary_logs.head is _file_io.head and binary_logs.write_csv is _file_io.write_csv
    assert device_logs._head is _file_io.head and device_logs.write_csv is _file_io.write_csv
    assert data_files.head is _file_io.head
    assert "def head" not in Path(data_files.__file__).read_text()


def _indexed(path: Path, units: bytes) -> Path:
    """An indexed ragged array: 3 trajectories, 9 observations, fractional hours, a missing
    time, a missing position, an index past the trajectories and one of -1, a float32 extra."""
    from scipy.io import netcdf_file

    f = netcdf_file(path, "w", version=2)
    f.createDimension("trajectory", 3)
    f.createDimension("obs", 9)
    v = f.createVariable("trajectory", "i", ("trajectory",))
    v[:] = np.array([7, 8, 9], "i4")
    v.cf_role = b"trajectory_id"
    v = f.createVariable("trajectoryIndex", "i", ("obs",))
    v[:] = np.array([0, 1, 2, 0, 1, 2, 0, 5, -1], "i4")
    v.instance_dimension = b"trajectory"
    v = f.createVariable("time", "d", ("obs",))
    v[:] = np.array([0.5, 1.25, 2.0005, 3.3333, 4, 5, np.nan, 7, 8])
    v.units = units
    for name, base in (("latitude", 36.5), ("longitude", -123.5)):
        v = f.createVariable(name, "d", ("obs",))
        vals = base + np.arange(9) / 7
        vals[3] = np.nan
        v[:] = vals
        v.standard_name = name.encode()
    v = f.createVariable("sog", "f", ("obs",))
    v[:] = np.arange(9, dtype="f4") / 3
    f.close()
    return path


# written by the per-observation loop of d0a61639 (review32 asked for the same output)
INDEXED = """traj_id,t,lat,lon,trajectoryIndex,sog
7,2026-07-01T00:30:00.000Z,36.5,-123.5,0.0,0.0
8,2026-07-01T01:15:00.000Z,36.642857142857146,-123.35714285714286,1.0,0.3333333432674408
9,2026-07-01T02:00:01.800Z,36.785714285714285,-123.21428571428571,2.0,0.6666666865348816
7,2026-07-01T03:19:59.880Z,,,0.0,1.0
8,2026-07-01T04:00:00.000Z,37.07142857142857,-122.92857142857143,1.0,1.3333333730697632
9,2026-07-01T05:00:00.000Z,37.214285714285715,-122.78571428571429,2.0,1.6666666269302368
7,,37.357142857142854,-122.64285714285714,0.0,2.0
,2026-07-01T07:00:00.000Z,37.5,-122.5,5.0,2.3333332538604736
,2026-07-01T08:00:00.000Z,37.642857142857146,-122.35714285714286,-1.0,2.6666667461395264
"""


def test_netcdf_rows_are_those_of_the_per_observation_loop(tmp_path: Path) -> None:
    p = _indexed(tmp_path / "ix.nc", b"hours since 2026-07-01T00:00:00Z")
    where = netcdf_as_csv(p, tmp_path / "ix.csv")
    assert (tmp_path / "ix.csv").read_text() == INDEXED
    assert list(where) == ["variables", *(f"latitude[{i}]" for i in range(9))]
    assert where[-1] == "latitude[8]" and where[1:3] == ["latitude[0]", "latitude[1]"]
    with pytest.raises(IndexError):
        where[10]


def test_a_padded_two_d_netcdf_keeps_its_observation_names(tmp_path: Path) -> None:
    from test_heldout32_ingest import _nc

    _nc(p := tmp_path / "usv.nc", ragged=False)
    where = netcdf_as_csv(p, tmp_path / "usv.csv")
    lines = (tmp_path / "usv.csv").read_text().splitlines()
    assert lines[1:4] == ["1031,2026-07-01T00:00:00.000Z,36.5,-123.5",
                          "1031,2026-07-01T00:05:00.000Z,36.501,-123.499",
                          "1031,2026-07-01T00:10:00.000Z,36.502,-123.498"]  # fmt: skip
    assert len(lines) == 8  # the padding of the first trajectory left out
    assert list(where) == ["variables", "lat[0, 0]", "lat[0, 1]", "lat[0, 2]", "lat[1, 0]",
                           "lat[1, 1]", "lat[1, 2]", "lat[1, 3]"]  # fmt: skip


@pytest.mark.parametrize("zone", ["UTC", "GMT", "Z", "+00:00"])
def test_time_units_ending_in_a_zone_word_are_read(tmp_path: Path, zone: str) -> None:
    sep = "" if zone == "Z" else " "  # was: "UTC" read as "U C" (every T made a space)
    p = _indexed(tmp_path / "ix.nc", f"hours since 2026-07-01 00:00:00{sep}{zone}".encode())
    netcdf_as_csv(p, tmp_path / "ix.csv")
    assert (tmp_path / "ix.csv").read_text() == INDEXED


def test_the_study_generator_keeps_a_home_stay_until_the_morning_trip() -> None:
    """next32's finding: scripts/newuser32/gen_study.py ended every stay at home at midnight
    (the day's own "home" visit skipped as no move), so no fix from midnight to the morning
    trip; session32=True keeps that data (newuser32's / stays32's numbers were measured on it)."""
    from helpers import load_script

    gen = load_script("newuser32", "gen_study.py")

    def local_hours(session32: bool) -> np.ndarray:
        fixes, diary, _ = gen.participant("P01", 3, np.random.default_rng(5), session32)
        first_trip = min(row[2] for row in diary)  # the first departure (UTC seconds)
        at_home = fixes[fixes["t"] < first_trip]["t"].to_numpy()
        return ((at_home - gen.DAY0.timestamp()) % 86_400) / 3600

    morning = local_hours(False)
    assert ((morning > 6.5) & (morning < 7.2)).sum() >= 5  # awake at home before leaving
    assert len(local_hours(True)) == 0  # session 32's data: nothing before the first trip
