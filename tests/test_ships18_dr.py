"""Session 18 (ships18): dead reckoning does not trust a reported speed whose unit is mislabelled
(m/s in a column read as knots, knots in `sog_mps`): it put ships 10x farther off than constant
velocity, silently."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from test_ships17 import _canon
from test_sogcog import KN, _metres, _ship

from trajlm.baselines import predict_at
from trajlm.eval.dead_reckoning import DeadReckoning, dead_reckon, report_ratio


def _history_and_truth(ship, minutes: float = 10.0):
    cut = ship.BaseDateTime.iloc[0] + np.timedelta64(int(minutes * 60), "s")
    hist = ship[ship.BaseDateTime <= cut]
    return hist, ship.iloc[len(hist) - 1 + 60]  # 10-s reports: +600 s


def test_a_mislabelled_speed_unit_is_not_dead_reckoned_and_is_said():
    ship = _ship(1, 12.0, 10.0, 25.0, noise_m=4.0)
    hist, truth = _history_and_truth(ship)
    ahead = np.array([[600.0]])

    good = _canon(hist)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the right unit: used, nothing said
        lat, lon, has = dead_reckon(good, ahead)
    assert has.all() and _metres(lat[0, 0], lon[0, 0], truth.LAT, truth.LON) < 30
    assert report_ratio(good, np.full(len(good), 12.0 * KN))[0] == pytest.approx(1.0, abs=0.05)

    as_kn = _canon(hist.assign(SOG=hist.SOG * KN))  # 6.2 "kn": m/s in the SOG column
    with pytest.warns(UserWarning, match=r"0\.5\dx: m/s in a column named for knots"):
        lat, lon, has = dead_reckon(as_kn, ahead)
    assert not has.any()  # constant velocity from the last two fixes instead
    assert _metres(lat[0, 0], lon[0, 0], truth.LAT, truth.LON) < 1000  # was ~1,850 m off

    as_mps = _canon(hist.rename(columns={"SOG": "sog_mps"}))  # 12 "m/s": knots in sog_mps
    with pytest.warns(UserWarning, match=r"1\.9\dx: knots in a column named for m/s"):
        assert not dead_reckon(as_mps, ahead)[2].any()


def test_only_the_mislabelled_trajectory_falls_back_and_the_baseline_says_so():
    a = _ship(1, 12.0, 10.0, 10.0)
    b = _ship(2, 12.0, 10.0, 10.0, seed=3, lat0=36.2)
    b["SOG"] = b["SOG"] * KN
    import pandas as pd

    both = pd.concat([a, b])
    with pytest.warns(UserWarning) as got:
        out = predict_at(DeadReckoning(), both, seconds_ahead=[60])
    said = " ".join(str(w.message) for w in got)
    assert "1 of 2 trajectories report a speed ('SOG') that does not match" in said
    assert "'2' 0.5" in said or "2 0.5" in said, said
    assert len(out) == 2
    # a trajectory too slow or short to judge keeps its reports (nothing to compare)
    slow = _canon(_ship(3, 1.0, 10.0, 10.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert dead_reckon(slow, np.array([[60.0]]))[2].all()


def test_a_glitched_last_fix_is_not_the_origin():
    """A class-B craft at 7 kn, 30-s reports, the last fix 300 m north of the track: its step
    in (~8 m/s) is under any speed rule, but dead reckoning from the report before misses it
    by ~300 m; DR starts from that report (was 330 m off at +60 s). A turning ship's last fix
    is kept (the val seas' 1,139 queries: none moved)."""
    ship = _ship(9, 7.0, 30.0, 30.0, cog=135.0, noise_m=3.0, seed=4)
    hist, ahead = ship.iloc[:41].copy(), np.array([[60.0]])
    truth = ship.iloc[42]
    hist.loc[40, "LAT"] += 300 / 111_195
    lat, lon, has = dead_reckon(_canon(hist), ahead)
    assert has.all() and _metres(lat[0, 0], lon[0, 0], truth.LAT, truth.LON) < 40
    turning = _canon(_ship(10, 12.0, 10.0, 10.0, turn=6.0))
    lat, lon, _ = dead_reckon(turning, np.array([[0.0]]))  # +0 s from the origin: the last fix
    last = turning.tail(1)
    assert _metres(lat[0, 0], lon[0, 0], last["lat"][0], last["lon"][0]) < 1.0
