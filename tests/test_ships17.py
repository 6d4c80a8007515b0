"""Session 17 (ships17): std_m of dead reckoning growing with the horizon; validity reading the
report's own SOG; knots in anomaly explanations of vessels; the stop rule and a ship dragging
anchor."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
from test_sogcog import _metres, _ship

from trajlm.data.coerce import coerce


def _canon(ships: pd.DataFrame) -> pl.DataFrame:
    df, _ = coerce(pl.from_pandas(ships), traj_col="MMSI", time_col="BaseDateTime")
    return df


# ----------------------------------------------------------------- 1. std_m grows with the horizon


def test_trend_growth_follows_the_turn_rate_the_speed_trend_and_the_hazard():
    from trajlm.eval.dead_reckoning import trend_growth

    ahead = np.array([[60.0, 300.0, 600.0]] * 2)
    df = _canon(pd.concat([_ship(1, 12.0, 10.0, 10.0), _ship(2, 12.0, 10.0, 10.0, turn=3.0)]))
    flat = trend_growth(df, ahead, hazard=0.0)
    assert (flat[0] < 1.0).all(), flat  # straight, steady: nothing to add
    v, w = 12.0 * 0.514444, np.radians(3.0 / 60.0)  # the turning ship: v w a^2 / 2
    np.testing.assert_allclose(flat[1], v * w * ahead[1] ** 2 / 2, rtol=0.05)
    haz = trend_growth(df, ahead, hazard=2e-5)[0]  # unforeseen turns: like a^1.5
    np.testing.assert_allclose(haz / haz[0], (ahead[0] / 60.0) ** 1.5, rtol=0.02)


def test_spread_covers_a_turn_and_is_not_noise_alone_on_a_straight_leg():
    """A ship turning 2 deg/min, 10 min of history: dead reckoning's straight line is off by
    ~v w a^2/2 at +600 s; the spread covers it within 2 sigma and is wider than session 16's
    (linear in a). A straight leg: session 16's spread is GPS noise alone (a turn not yet
    begun is invisible), the grown one leaves room for one at +600 s."""
    from trajlm.eval.dead_reckoning import backtest_spread, dead_reckon

    full = _ship(1, 14.0, 10.0, 20.0, turn=2.0, noise_m=3.0)
    hist = full[full.BaseDateTime <= full.BaseDateTime.iloc[0] + pd.Timedelta(minutes=10)]
    df = _canon(hist)
    ahead = np.array([[600.0]])
    lat, lon, _ = dead_reckon(df, ahead)
    truth = full.iloc[len(hist) - 1 + 60]  # 10-s reports: +600 s
    err = float(_metres(lat[0, 0], lon[0, 0], truth.LAT, truth.LON))
    assert err > 200, err
    old = backtest_spread(df, ahead, grow=False)[0, 0]
    new = backtest_spread(df, ahead)[0, 0]
    assert old < new and err <= 2 * new, (old, err, new)
    straight = _canon(_ship(2, 14.0, 10.0, 10.0, noise_m=3.0))
    a = np.array([[60.0, 600.0]])
    old, new = backtest_spread(straight, a, grow=False)[0], backtest_spread(straight, a)[0]
    assert old[1] < 30 and new[1] > 150 and new[1] / new[0] > 15, (old, new)


def test_spread_without_reports_stays_nan_and_old_part_unchanged():
    from trajlm.eval.dead_reckoning import backtest_spread

    df = _canon(_ship(1, 12.0, 10.0, 10.0))
    one = df.head(1)
    assert np.isnan(backtest_spread(one, np.array([[60.0]]))).all()
    a = np.array([[60.0, 300.0]])
    assert (backtest_spread(df, a) >= backtest_spread(df, a, grow=False)).all()
