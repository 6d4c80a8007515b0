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


# --- 4. frames get the files' name-ending rule (`cab_id`, `pickup_time`; formats20) ---------


def _cabs(n: int = 6) -> pd.DataFrame:
    return pd.DataFrame({"cab_id": ["c7"] * n, "pickup_time": [T0 + 10 * i for i in range(n)],
                         "detect_lat": 41.15 + 1e-4 * np.arange(n),
                         "detect_lon": np.full(n, -8.61)})  # fmt: skip


@pytest.mark.parametrize("kind", ["pandas", "polars"])
def test_frames_read_names_ending_like_the_field_as_files_are(kind, tmp_path):
    import polars as pl

    from trajlm.data.coerce import coerce
    from trajlm.data.readers import read

    frame = _cabs() if kind == "pandas" else pl.from_pandas(_cabs())
    df, layout = coerce(frame)
    assert (layout.traj_col, layout.time_col) == ("cab_id", "pickup_time")
    _cabs().to_csv(p := tmp_path / "cabs.csv", index=False)
    from_file, _ = read(p)  # the file's read (formats20's rule) gives the same points
    assert df.select("traj_id", "t", "lat", "lon").equals(from_file.select(df.columns))
    out = predict_at(ConstantVelocity(), frame, seconds_ahead=[10])
    assert {"cab_id", "pickup_time"} <= set(out.columns)  # answered in the caller's names
    assert list(out["pickup_time"]) == [T0 + 60]


def test_frames_with_two_candidates_still_ask():
    from trajlm.data.coerce import coerce

    two_ids = _cabs().assign(fare_id="f1")
    with pytest.raises(
        TrajlmInputError, match=r"several columns could be traj_id.*cab_id.*fare_id"
    ):
        coerce(two_ids)
    # two datetime columns ask which one (test_pyuser18's rule), their names ending alike or not
    two_dt = _cabs().assign(pickup_time=pd.date_range("2026-03-19", periods=6, freq="10s"),
                            dropoff_time=pd.date_range("2026-03-19 01:00", periods=6, freq="10s"))  # fmt: skip
    with pytest.raises(TrajlmInputError, match=r"several columns could be t \(datetimes\)"):
        coerce(two_dt)
    # a record key is no trajectory (as in files): still "no traj_id column"
    with pytest.raises(TrajlmInputError, match="no traj_id column"):
        coerce(_cabs().drop(columns="cab_id").assign(point_id=range(6)))
