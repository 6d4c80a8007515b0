"""scripts/stopgo33/measure.py: the cut rule and the two baselines it scores the model against."""

import numpy as np
import pandas as pd
from helpers import load_script


def _measure():
    return load_script("stopgo33", "measure.py")


def test_cuts_start_after_history_leave_the_longest_horizon_and_are_capped():
    m = _measure()
    assert len(m.cuts_of(np.arange(0, 700, 10.0))) == 0  # 180 + 600 > 690: no cut
    cuts = m.cuts_of(np.arange(0, 1200, 10.0))
    assert list(cuts) == [180, 300, 420, 540]  # every 120 s while cut + 600 <= 1190
    many = m.cuts_of(np.arange(0, 36000, 10.0))
    assert len(many) == m.MAX_CUTS and many[0] == 180 and many[-1] <= 36000 - 10 - 600


def test_hold_and_constant_velocity_errors_on_a_straight_steady_trip():
    m = _measure()
    t = np.arange(0, 1500, 15.0)
    trip = pd.DataFrame({"t": t, "lat": 41.0 + t * 9e-5, "lon": -8.6 + 0 * t})  # ~10 m/s north
    hist, tab = m.windows({"a": trip}, {})
    assert hist["traj_id"].nunique() == tab["window"].nunique() == len(m.cuts_of(t))
    assert (tab["cv"] < 1).all()  # constant velocity is exact on a steady line
    for h, g in tab.groupby("h"):
        assert np.allclose(g["hold"], 10.0 * h, rtol=0.01)  # holding loses the whole run
    first = hist[hist["traj_id"] == "a#0"]
    assert first["t"].max() == 180  # the history stops at the cut
    d, lo, hi = m.paired_ci(np.array([1.0, 2.0, 3.0]), np.array([2.0, 3.0, 4.0]))
    assert d == lo == hi == -1.0
