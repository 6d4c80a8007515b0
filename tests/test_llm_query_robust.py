"""Trip speeds robust to GPS jumps slower than sound, and exact copies of a track counted once
with a note (newuser5 item 2). Synthetic points only."""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.llm.plan import validate_plan
from trajlm.llm.query import GLITCH_FLOOR_MPS, run_plan, trip_table

T0 = 1_372_636_800  # 2013-07-01
M_PER_DEG = 111_195.0


def _trip(tid: str, t0: int, speed_mps: float, n: int = 40, lat0: float = 41.15) -> pl.DataFrame:
    """A straight trip north at ``speed_mps``, one fix every 15 s."""
    t = t0 + 15 * np.arange(n)
    lat = lat0 + speed_mps * 15 * np.arange(n) / M_PER_DEG
    return pl.DataFrame({"traj_id": tid, "t": t, "lat": lat, "lon": np.full(n, -8.61)})


def _fleet(n: int = 30) -> list[pl.DataFrame]:
    return [_trip(f"c{i:02d}", T0 + 3600 * i, 8.0 + 0.2 * i) for i in range(n)]  # 29-50 km/h


def test_jumps_slower_than_sound_do_not_make_a_trip_fast():
    glitchy = _trip("glitch", T0, 10.0)
    lat = glitchy["lat"].to_numpy().copy()
    lat[[3, 7, 11]] += 4_000 / M_PER_DEG  # 4 km out and back in 15 s: 267 m/s, under 340
    points = pl.concat([*_fleet(), glitchy.with_columns(pl.Series("lat", lat))])
    trips = trip_table(points)
    speed = trips.filter(pl.col("traj_id") == "glitch")["speed_kmh"].item()
    assert abs(speed - 36.0) < 6.0, speed  # ~10 m/s as driven, not ~140 km/h
    top = run_plan(validate_plan({"action": "top", "metric": "speed_kmh", "k": 1}), points)
    assert top.result() == ["c29"]


def test_the_cut_never_falls_below_the_floor_for_slow_data():
    walkers = [_trip(f"w{i}", T0 + 3600 * i, 1.4) for i in range(10)]
    runner = _trip("run", T0, 1.4).with_columns(  # one 40 m/s step (a car ride): real travel
        pl.when(pl.int_range(pl.len()) >= 20).then(pl.col("lat") + 585 / M_PER_DEG)
        .otherwise(pl.col("lat")).alias("lat"))  # fmt: skip
    trips = trip_table(pl.concat([*walkers, runner]))
    length = trips.filter(pl.col("traj_id") == "run")["length_m"].item()
    assert 40 * 15 < GLITCH_FLOOR_MPS * 15 and length > 39 * 21 + 585 - 1


def test_copied_track_is_counted_once_with_a_note():
    fleet = _fleet(5)
    copy = fleet[2].with_columns(pl.lit("zcopy").alias("traj_id"), pl.col("t") + 8 * 3600)
    points = pl.concat([*fleet, copy])
    trips = trip_table(points)
    assert trips.filter(pl.col("traj_id") == "zcopy")["copy_of"].item() == "c02"
    count = run_plan(validate_plan({"action": "count"}), points, trips)
    assert count.value == 5 and "1 trip left out" in str(count) and "zcopy = c02" in str(count)
    top = run_plan(validate_plan({"action": "top", "metric": "length_m", "k": 10}), points, trips)
    assert "zcopy" not in top.result() and top.n_total == 5
    one = run_plan(validate_plan({"action": "describe", "trip": "zcopy"}), points, trips)
    assert one.value.startswith("starts")  # a copy asked for by name still answers
    clean = run_plan(validate_plan({"action": "count"}), pl.concat(fleet))
    assert clean.notes == [] and str(clean) == "5"
