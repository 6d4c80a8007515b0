"""Session 20, leftovers20: findings the session's testers listed outside their own files.

1. numeric ``at_times`` read by their own size (Unix seconds asked beside a frame whose times
   are milliseconds were read as ms, i.e. 1970, and answered all NaN; httpuser20).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from trajlm.baselines import predict_at
from trajlm.errors import TrajlmInputError
from trajlm.eval.baselines import ConstantVelocity

T0 = 1_773_900_000  # Unix seconds, March 2026


def _frame(per: int) -> pd.DataFrame:
    """One straight mover sampled every 10 s, times in Unix seconds x ``per``."""
    return pd.DataFrame({"id": ["a"] * 6, "t": [(T0 + 10 * i) * per for i in range(6)],
                         "lat": 41.15 + 1e-4 * np.arange(6), "lon": np.full(6, -8.61)})  # fmt: skip


def _lines(call) -> tuple[object, list[str]]:
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = call()
    return out, [str(x.message) for x in w]


@pytest.mark.parametrize(("frame_per", "asked_per", "word"),
                         [(1000, 1, "seconds"), (1, 1000, "milliseconds")])  # fmt: skip
def test_baseline_at_times_read_by_their_own_size(frame_per, asked_per, word):
    asked = [(T0 + 60) * asked_per, (T0 + 70) * asked_per]
    out, lines = _lines(lambda: predict_at(ConstantVelocity(), _frame(frame_per),
                                           at_times=asked, traj_col="id"))  # fmt: skip
    assert out["t"].tolist() == [(T0 + 60) * frame_per, (T0 + 70) * frame_per]  # input's unit
    np.testing.assert_allclose(out["lat"].to_numpy(), 41.15 + 1e-4 * np.array([6, 7]), atol=1e-7)
    said = [m for m in lines if m.startswith("at_times read as")]
    assert len(said) == 1 and f"Unix {word}" in said[0], lines


@pytest.mark.parametrize("per", [1, 1000])
def test_at_times_in_the_frames_unit_say_nothing(per):
    asked = [(T0 + 60) * per]
    out, lines = _lines(lambda: predict_at(ConstantVelocity(), _frame(per), at_times=asked,
                                           traj_col="id"))  # fmt: skip
    assert not any(m.startswith("at_times read as") for m in lines)
    assert out["t"].tolist() == asked


def test_per_trajectory_at_times_read_by_size():
    out, _ = _lines(lambda: predict_at(ConstantVelocity(), _frame(1000),
                                       at_times={"a": [T0 + 60]}, traj_col="id"))  # fmt: skip
    assert out["t"].tolist() == [(T0 + 60) * 1000] and np.isfinite(out["lat"]).all()


def test_at_times_in_two_units_refused_in_one_line():
    with pytest.raises(TrajlmInputError, match="two units") as e:
        predict_at(ConstantVelocity(), _frame(1000), at_times=[T0 + 60, (T0 + 70) * 1000],
                   traj_col="id")  # fmt: skip
    assert "\n" not in str(e.value)


def test_model_answers_unix_seconds_beside_ms_frame(trajlm_small):
    """The finding itself: TrajLM.predict on a ms frame asked in Unix seconds (was all NaN)."""
    df = _frame(1000).rename(columns={"id": "traj_id"})
    out, lines = _lines(lambda: trajlm_small.predict(df, at_times=[T0 + 60, T0 + 70]))
    ms, _ = _lines(lambda: trajlm_small.predict(df, at_times=[(T0 + 60) * 1000, (T0 + 70) * 1000]))
    assert out["t"].tolist() == [(T0 + 60) * 1000, (T0 + 70) * 1000]
    assert np.isfinite(out["lat"]).all()
    np.testing.assert_allclose(out[["lat", "lon"]].to_numpy(), ms[["lat", "lon"]].to_numpy())
    assert sum(m.startswith("at_times read as Unix seconds") for m in lines) == 1
