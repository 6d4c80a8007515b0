"""recover keeps every row it is given: fixes under a second after another of the same trajectory
(1-10 Hz loggers) were dropped by coerce and missing from the result (fuzz15's finding)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest

import trajlm
from trajlm.baselines import LinearInterpolation

T0 = 1_700_000_000


def frame() -> pd.DataFrame:
    # trip a: 10.2 and 10.7 share a second (10.7 known), 20.4 missing; trip b: 5.1 and 5.6 share a
    # second and 5.6 is the missing one
    return pd.DataFrame(
        {
            "trip": ["a"] * 5 + ["b"] * 4,
            "time": T0 + np.array([0.0, 10.2, 10.7, 20.4, 30.0, 0.0, 5.1, 5.6, 12.0]),
            "lat": [41.0, 41.001, 41.0011, np.nan, 41.003, 40.0, 40.001, np.nan, 40.002],
            "lon": [-8.0, -8.001, -8.0011, np.nan, -8.003, -7.0, -7.001, np.nan, -7.002],
            "note": list("abcdefghi"),
        }
    )


def test_the_linear_baseline_returns_every_row_with_its_own_time():
    df = frame()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = LinearInterpolation().predict(df, traj_col="trip", time_col="time")
    assert len(out) == len(df)
    np.testing.assert_allclose(out["time"].to_numpy(), df["time"].to_numpy())
    assert out["note"].tolist() == df["note"].tolist()  # the caller's rows, in order
    assert out["recovered"].tolist() == df["lat"].isna().tolist()
    known = df["lat"].notna().to_numpy()
    np.testing.assert_allclose(out["lat"].to_numpy()[known], df["lat"].to_numpy()[known])
    assert out[["lat", "lon"]].notna().all().all()
    # the missing fix at 5.6 s is filled at its own time, between the 5.1 s and 12.0 s fixes
    # (session 18, subsec18; it took the 5.1 s fix's position)
    b = out[out["trip"] == "b"]
    assert b["lat"].iloc[2] == pytest.approx(40.001 + 0.001 * 0.5 / 6.9)


def test_whole_second_input_is_unchanged_and_has_no_extra_rows():
    df = frame()
    df["time"] = np.floor(df["time"]).astype("int64")  # whole seconds
    df = df.drop_duplicates(["trip", "time"]).reset_index(drop=True)
    out = LinearInterpolation().predict(df, traj_col="trip", time_col="time")
    assert len(out) == len(df) and out["time"].dtype == df["time"].dtype


def test_polars_input_and_trajlm_recover_keep_every_row():
    import torch
    from helpers import STATS

    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=STATS)
    api = trajlm.TrajLM(TrajectoryModel(cfg).eval(), threads=1)  # the bridge of a causal model
    df = pl.from_pandas(frame())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = api.recover(df, traj_col="trip", time_col="time")
    assert out.height == df.height
    assert out["note"].to_list() == df["note"].to_list()
    assert out["recovered"].to_list() == frame()["lat"].isna().tolist()
    np.testing.assert_allclose(out["time"].to_numpy(), df["time"].to_numpy())
