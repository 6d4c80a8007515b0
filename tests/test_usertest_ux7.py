"""Session 12 (ux7): what the newuser4 testers found in the API / CLI surface (docs/reliability.md,
"Session 12 (ux7)"). Each test failed before its fix."""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
import pytest

from trajlm.baselines import ConstantVelocity, KNNContinuation, LinearExtrapolation

T0 = 1.7e9


def _short() -> pl.DataFrame:
    """Trajectories of 1, 2 and 3 points, moving north."""
    return pl.DataFrame({
        "traj_id": ["a", "b", "b", "c", "c", "c"],
        "t": [T0, T0, T0 + 10, T0, T0 + 10, T0 + 20],
        "lat": [41.15, 41.15, 41.1501, 41.15, 41.1501, 41.1502], "lon": [-8.6] * 6,
    })  # fmt: skip


# ------------------------------------------------------- c: baselines on 1-2 point histories
@pytest.mark.parametrize(
    "est",
    [
        ConstantVelocity(),
        ConstantVelocity(use_time=True),
        LinearExtrapolation(),
        LinearExtrapolation(3, "fit", True),
    ],  # fmt: skip
    ids=lambda e: e.name,
)
def test_baselines_hold_a_one_point_history_with_one_warning(est):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pred = est.predict(_short(), steps=3)
    said = [str(w.message) for w in caught]
    assert len(said) == 1 and "1 of 3 trajectories have a single point (e.g. 'a')" in said[0]
    assert not any(issubclass(w.category, RuntimeWarning) for w in caught)  # no numpy noise
    assert np.isfinite(pred["lat"].to_numpy()).all()
    a = pred.filter(pl.col("traj_id") == "a")
    assert np.allclose(a["lat"], 41.15, atol=1e-9) and np.allclose(a["lon"], -8.6, atol=1e-9)
    b = pred.filter(pl.col("traj_id") == "b")["lat"].to_numpy()  # 2 points: moving on
    assert np.allclose(np.diff(np.r_[41.1501, b]), 1e-4, atol=1e-8)


def test_knn_continuation_on_short_histories():
    rows = [(f"tr{i}", T0 + 15 * j, 41.15 + 1e-4 * j, -8.6 + 1e-4 * i)
            for i in range(10) for j in range(20)]  # fmt: skip
    train = pl.DataFrame(rows, schema=["traj_id", "t", "lat", "lon"], orient="row")
    with pytest.warns(UserWarning, match="single point"):
        pred = KNNContinuation(5, 3, 5).fit(train).predict(_short(), steps=2)
    assert np.isfinite(pred["lat"].to_numpy()).all()


def test_array_level_one_point_is_finite_and_silent():
    xy = np.zeros((1, 2, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = ConstantVelocity().predict(xy, np.array([1]), k=2)
    assert (out == 0).all()
