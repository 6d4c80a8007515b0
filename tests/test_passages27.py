"""trajlm.passages (session 27, fitstore27): passage times between two places from the user's
own fixes: the last fix near a before the next fix near b, per mover, in the caller's kind."""

from __future__ import annotations

import warnings

import pandas as pd
import polars as pl
import pytest

import trajlm
from trajlm.errors import TrajlmInputError

A, B, MID = (41.15, -8.61), (41.20, -8.55), (41.175, -8.58)  # a and b ~7.4 km apart


def _fix(mover: str, t: int, place: tuple[float, float]) -> dict:
    when = pd.Timestamp("2026-01-01", tz="UTC") + pd.Timedelta(seconds=t)
    return {"vehicle_id": mover, "timestamp": when, "latitude": place[0], "longitude": place[1]}


@pytest.fixture
def fleet() -> pd.DataFrame:
    """v1: at a, out and back to a, then to b (1,400 s from its last fix at a), b -> a (not
    a passage), a -> b again (1,600 s); v2: b -> a only. Rows shuffled."""
    v1 = [(0, A), (60, A), (120, MID), (600, A), (660, MID), (1800, MID), (2000, B), (2060, B),
          (2500, MID), (3000, A), (4000, MID), (4600, B)]  # fmt: skip
    rows = [_fix("v1", t, p) for t, p in v1] + [_fix("v2", t, p) for t, p in
                                                 ((0, B), (100, MID), (500, A))]  # fmt: skip
    return pd.DataFrame(rows).sample(frac=1.0, random_state=0)


def test_passages_time_each_departure_from_a_to_the_next_arrival_at_b(fleet):
    p = trajlm.passages(fleet, a=A, b=B, radius_m=300)
    assert isinstance(p, pd.DataFrame) and list(p["vehicle_id"]) == ["v1", "v1"]
    assert list(p["duration_s"]) == [1400.0, 1600.0] and p["duration_s"].median() == 1500.0
    assert list(p["n_fixes"]) == [4, 3] and list(p["max_gap_s"]) == [1140.0, 1000.0]
    start = pd.Timestamp("2026-01-01", tz="UTC")
    assert list(p["left_a"]) == [start + pd.Timedelta(seconds=s) for s in (600, 3000)]
    assert list(p["reached_b"]) == [start + pd.Timedelta(seconds=s) for s in (2000, 4600)]
    assert p["path_m"].between(7000, 8000).all()  # a -> mid -> b, along the fixes
    back = trajlm.passages(fleet, a=B, b=A, radius_m=300)  # the other way: one per mover
    assert list(back["vehicle_id"]) == ["v1", "v2"] and list(back["duration_s"]) == [940, 500]


def test_passages_keep_the_callers_kind_and_times(fleet):
    df = pl.from_pandas(fleet).with_columns(pl.col("timestamp").dt.epoch("s").alias("ts"))
    p = trajlm.passages(df.drop("timestamp"), a=A, b=B, radius_m=300)
    assert isinstance(p, pl.DataFrame) and p["left_a"].to_list()[0] == 1767225600 + 600


def test_no_passage_is_an_empty_frame_and_one_line_counting_the_fixes(fleet):
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        p = trajlm.passages(fleet[fleet["vehicle_id"] == "v2"], a=A, b=B, radius_m=300)
    assert p.empty and "duration_s" in p.columns
    assert len(said) == 1 and "1 fix(es) of 1 mover(s) within 300 m of a" in str(said[0].message)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"a": (41.15,)}, "a must be a \\(lat, lon\\)"),
        ({"b": (141.0, 2.0)}, "b = \\(141.0, 2.0\\)"),
        ({"radius_m": -5}, "positive"),
        ({"radius_m": 5000}, "overlap.*radius_m below 3,"),
        ({"traj_column": "vehicle_id"}, "traj_col"),
    ],
)
def test_bad_places_and_radius_are_one_line(fleet, kwargs, match):
    args = {"a": A, "b": B, "radius_m": 300, **kwargs}
    with pytest.raises((TrajlmInputError, TypeError), match=match) as e:
        trajlm.passages(fleet, **args)
    assert "\n" not in str(e.value)
