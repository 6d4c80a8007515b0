import numpy as np
import polars as pl
import pytest
from sklearn.base import clone

from trajlm.data.features import LocalProjection
from trajlm.eval import baselines as B

PROJ = LocalProjection(41.15, -8.61)


def _line(lengths, T=12, v=(3.0, -4.0)):
    """Constant-speed straight lines, right-padded with garbage that must be ignored."""
    i = np.arange(T, dtype=float)[None, :, None]
    xy = np.array([100.0, 50.0]) + i * np.array(v)
    xy = np.repeat(xy, len(lengths), axis=0)
    for r, n in enumerate(lengths):
        xy[r, n:] = 1e6
    return xy


def test_constant_velocity_and_linear_exact_on_a_line():
    lengths = np.array([2, 3, 7, 12])
    xy = _line(lengths, T=12)
    truth = np.array([100.0, 50.0]) + (
        lengths[:, None, None] - 1 + np.arange(1, 6)[None, :, None]
    ) * np.array([3.0, -4.0])
    for est in (B.ConstantVelocity(), B.LinearExtrapolation(3), B.LinearExtrapolation(3, "fit")):
        np.testing.assert_allclose(est.fit().predict(xy, lengths, 5), truth, atol=1e-9)


def test_time_based_variants_exact_on_irregular_sampling():
    t = np.cumsum(np.array([[0, 15, 40, 16, 100, 15, 20, 30, 15, 60]], float), axis=1)
    xy = np.array([5.0, 2.0]) * t[..., None]  # 5 m/s east, 2 m/s north
    n = np.array([5])
    pred = B.ConstantVelocity(use_time=True).predict(xy, n, 5, t, t[:, 5:])
    np.testing.assert_allclose(pred, xy[:, 5:], atol=1e-9)
    pred = B.LinearExtrapolation(3, "fit", use_time=True).predict(xy, n, 5, t, t[:, 5:])
    np.testing.assert_allclose(pred, xy[:, 5:], atol=1e-9)
    # per-step constant velocity repeats the last displacement regardless of time
    step = B.ConstantVelocity().predict(xy, n, 1)
    np.testing.assert_allclose(step[0, 0], 2 * xy[0, 4] - xy[0, 3])


def test_linear3_hand_values():
    xy = np.array([[[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]]])
    n = np.array([3])
    # slope over index = (3 - 0) / 2 = 1.5 per step
    assert B.LinearExtrapolation(3, "last").predict(xy, n, 1)[0, 0, 0] == pytest.approx(4.5)
    # fitted line: mean 4/3 at index -1, so index +1 gives 4/3 + 2 * 1.5
    assert B.LinearExtrapolation(3, "fit").predict(xy, n, 1)[0, 0, 0] == pytest.approx(13 / 3)


def test_linear_interpolation_exact_on_a_constant_speed_line():
    t = np.array([0, 10, 25, 30, 70, 100, 0, 5, 9], float)
    groups = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1])
    xy = np.stack([2.0 * t + groups * 1000, -t], axis=1)
    known = np.array([1, 0, 0, 1, 0, 1, 1, 0, 1], bool)
    hidden = xy.copy()
    hidden[~known] = np.nan  # the method must not read hidden positions
    out = B.LinearInterpolation().predict(t, hidden, known, groups)
    np.testing.assert_allclose(out, xy, atol=1e-9)
    out = B.CubicSplineInterpolation("cubic").fit().predict(t, hidden, known, groups)
    np.testing.assert_allclose(out, xy, atol=1e-6)
    with pytest.raises(ValueError):
        B.LinearInterpolation().predict(t, xy, ~known, groups)


def test_cubic_spline_beats_linear_on_a_curve():
    t = np.arange(0, 200, 10.0)
    xy = np.stack([100 * np.cos(t / 40), 100 * np.sin(t / 40)], axis=1)
    known = np.arange(len(t)) % 2 == 0
    known[-1] = True
    g = np.zeros(len(t), int)
    err = {
        e.name: np.abs(e.predict(t, xy, known, g) - xy)[~known].max()
        for e in (B.LinearInterpolation(), B.CubicSplineInterpolation().fit())
    }
    assert err["cubic spline"] < 0.2 * err["linear interp."]  # name carries the kind


def _circles(n_traj, n_pts, seed, step_deg=20.0, radius=60.0):
    """Trajectories going round circles (a constant turn that constant velocity misses)."""
    rng = np.random.default_rng(seed)
    rows = []
    for j in range(n_traj):
        c = rng.uniform(-2000, 2000, 2)
        a = np.radians(rng.uniform(0, 360) + step_deg * np.arange(n_pts))
        lat, lon = PROJ.inverse(c[0] + radius * np.cos(a), c[1] + radius * np.sin(a))
        rows.append(
            pl.DataFrame(
                {
                    "traj_id": f"c{seed}-{j}",
                    "t": 1_400_000_000 + 15 * np.arange(n_pts),
                    "lat": lat,
                    "lon": lon,
                }
            )
        )
    return pl.concat(rows)


def test_knn_continuation_recovers_a_repeated_pattern():
    knn = B.KNNContinuation(n_neighbors=5, history=4).fit(_circles(20, 30, seed=0), PROJ)
    test = _circles(10, 14, seed=1)
    x, y = PROJ.forward(test["lat"].to_numpy(), test["lon"].to_numpy())
    xy = np.stack([x, y], axis=1).reshape(10, 14, 2)
    lengths = np.full(10, 9)
    truth = xy[:, 9:14]
    knn_err = np.linalg.norm(knn.predict(xy, lengths, 5) - truth, axis=-1).mean()
    cv_err = np.linalg.norm(B.ConstantVelocity().predict(xy, lengths, 5) - truth, axis=-1).mean()
    assert cv_err > 20.0
    assert knn_err < 2.0  # nearest windows start at a random phase, within half a degree
    assert knn.n_windows_ == 20 * (30 - 9 + 1)
    with pytest.raises(ValueError):
        knn.predict(xy, lengths, 6)


def _od_trips(n, seed, speed=10.0):
    rng = np.random.default_rng(seed)
    o = rng.uniform(-5000, 5000, (n, 2))
    d = rng.uniform(-5000, 5000, (n, 2))
    dur = np.round(np.linalg.norm(d - o, axis=1) / speed).astype(np.int64) + 1
    t0 = 1_400_000_000 + rng.integers(0, 7 * 86400, n)
    ll_o, ll_d = PROJ.inverse(o[:, 0], o[:, 1]), PROJ.inverse(d[:, 0], d[:, 1])
    return pl.DataFrame(
        {
            "traj_id": np.repeat([f"t{seed}-{i:04d}" for i in range(n)], 2),
            "t": np.stack([t0, t0 + dur], 1).ravel(),
            "lat": np.stack([ll_o[0], ll_d[0]], 1).ravel(),
            "lon": np.stack([ll_o[1], ll_d[1]], 1).ravel(),
        }
    )


def test_tte_baselines_on_a_linear_relation():
    train, test = _od_trips(400, 0), B.od_table(_od_trips(100, 1))
    true = test["duration_s"].to_numpy()
    assert {"distance_m", "hour", "dow", "duration_s"} <= set(test.columns)
    assert test["dow"].min() >= 0 and test["dow"].max() <= 6
    mape = {}
    for est in (B.DistanceOverMeanSpeed(), B.LinearRegressionTTE(), B.GradientBoostingTTE()):
        pred = est.fit(train).predict(test)
        mape[est.name] = np.mean(np.abs(pred - true) / true) * 100
    assert B.DistanceOverMeanSpeed().fit(train).speed_mps_ == pytest.approx(10.0, rel=0.01)
    assert mape["distance / mean speed"] < 1.0
    assert mape["linear regression"] < 2.0
    assert mape["gradient boosting"] < 10.0


def test_split_keeps_every_import_path_and_the_shared_surfaces():
    """Recovery baselines live in recovery_baselines.py; every old import path still gives
    the same class, and each family shares one predict (frame or arrays) through its base."""
    import trajlm.baselines
    from trajlm.eval import recovery_baselines as R

    for name in B.__all__:
        assert hasattr(B, name), name
    for name in trajlm.baselines.__all__:
        assert getattr(trajlm.baselines, name) is getattr(B, name)
    for cls in (R.LinearInterpolation, R.CubicSplineInterpolation, R.GapSwitchedInterpolation):
        assert getattr(B, cls.__name__) is cls and issubclass(cls, R.RecoveryBaseline)
        assert "predict" not in vars(cls)  # one signature, in the base
        t, xy = np.arange(4.0), np.zeros((4, 2))
        with pytest.raises(ValueError, match="first and last point"):
            cls().predict(t, xy, np.array([True, True, True, False]), np.zeros(4, int))
    for cls in (B.ConstantVelocity, B.LinearExtrapolation, B.KNNContinuation):
        assert issubclass(cls, B.PredictionBaseline) and "predict" not in vars(cls)
    assert clone(B.GapSwitchedInterpolation(gap_s=60.0)).get_params()["gap_s"] == 60.0
