"""Trajectory rasters: shape, channels, orientation, determinism, shared boxes."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from trajlm.data.synthetic import generate_city
from trajlm.llm.image import render


def _line(tid: str, n: int = 11, north: bool = True, step_s: int = 10) -> pl.DataFrame:
    k = np.arange(n)
    d = k * 0.001  # ~111 m a step north, or ~84 m east at 41 deg
    return pl.DataFrame(
        {
            "traj_id": [tid] * n,
            "t": 1_700_000_000 + k * step_s,
            "lat": 41.0 + (d if north else 0 * d),
            "lon": -8.0 + (0 * d if north else d),
        }
    )


def test_shape_and_channels_of_a_northward_line():
    img = render(_line("a"), size=16)
    assert img.shape == (1, 3, 16, 16) and img.dtype == np.float32
    occ, speed, time = img[0]
    assert occ.sum() == pytest.approx(1.0)
    cols = np.flatnonzero(occ.sum(0))
    assert len(cols) == 1  # a north-south line fills one column
    rows = np.flatnonzero(occ[:, cols[0]])
    # north up: the start (time 0) is at the bottom, the end (time 1) at the top
    assert time[rows[-1], cols[0]] == pytest.approx(0.0, abs=0.06)
    assert time[rows[0], cols[0]] == pytest.approx(1.0, abs=0.06)
    # 111 m / 10 s = 11.1 m/s of a 30 m/s scale
    assert speed[occ > 0] == pytest.approx(11.1 / 30, abs=0.01)


def test_batch_is_deterministic_and_per_trajectory():
    df = generate_city(n_trajectories=6, seed=2).points
    a, b = render(df, size=32), render(df.clone(), size=32)
    assert a.shape == (6, 3, 32, 32)
    assert a.tobytes() == b.tobytes()
    assert np.allclose(a[:, 0].sum((1, 2)), 1.0)
    assert (a >= 0).all() and (a <= 1).all()
    one = df.filter(pl.col("traj_id") == df["traj_id"][0])
    assert np.array_equal(render(one, size=32)[0], a[0])  # framing does not depend on the batch


def test_shared_bbox_keeps_relative_position_and_drops_outside():
    df = pl.concat([_line("a"), _line("b", north=False)])
    img = render(df, size=20, bbox=(40.99, -8.01, 41.02, -7.98))
    assert img[0, 0].sum() == pytest.approx(1.0) and img[1, 0].sum() == pytest.approx(1.0)
    outside = render(_line("c"), size=8, bbox=(50.0, 0.0, 51.0, 1.0))
    assert outside.sum() == 0.0
    with pytest.raises(ValueError, match="bbox must be"):
        render(df, bbox=(41.0, -8.0, 40.0, -7.0))
