import math

import numpy as np
import pytest

from trajlm.eval import metrics as M

ONE_DEG_M = 6_371_008.8 * math.pi / 180  # 111,194.93 m


def test_one_degree_of_latitude_is_111195_m():
    assert M.haversine(0.0, 0.0, 1.0, 0.0) == pytest.approx(111_195, abs=1)
    assert M.haversine(41.0, -8.6, 42.0, -8.6) == pytest.approx(ONE_DEG_M, rel=1e-9)
    # along the equator a degree of longitude is the same arc
    assert M.haversine(0.0, 10.0, 0.0, 11.0) == pytest.approx(ONE_DEG_M, rel=1e-9)


def test_haversine_broadcasts_and_is_symmetric():
    lat = np.array([[0.0, 10.0, 60.0], [30.0, -45.0, 89.0]])
    d = M.haversine(lat, 0.0, lat + 0.01, 0.0)
    assert d.shape == (2, 3)
    np.testing.assert_allclose(d, 0.01 * ONE_DEG_M, rtol=1e-9)
    np.testing.assert_allclose(M.haversine(lat + 0.01, 0.0, lat, 0.0), d)
    assert M.haversine(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * 6_371_008.8)


def test_ade_fde_hand_values():
    true = np.zeros((2, 5, 2))
    pred = true.copy()
    pred[:, -1, 0] = 1.0  # only the 5th point is off, by one degree of latitude
    assert M.ade(pred, true) == pytest.approx(ONE_DEG_M / 5)
    assert M.fde(pred, true) == pytest.approx(ONE_DEG_M)
    with pytest.raises(ValueError):
        M.point_errors(pred[..., :1], true[..., :1])


def test_mae_rmse_mape_minutes():
    assert M.mae(np.array([3.0, -4.0])) == 3.5
    assert M.rmse(np.array([3.0, 4.0])) == pytest.approx(math.sqrt(12.5))
    assert M.mape(np.array([110.0, 90.0]), np.array([100.0, 100.0])) == pytest.approx(10.0)
    with pytest.raises(ValueError):
        M.mape(np.array([1.0]), np.array([0.0]))
    assert M.to_minutes(90) == 1.5
    r = M.regression_metrics(np.array([660.0, 540.0]), np.array([600.0, 600.0]))
    assert r == pytest.approx({"mae_min": 1.0, "rmse_min": 1.0, "mape_pct": 10.0})
