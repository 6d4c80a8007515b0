"""Issue 15, session 9: grouped cross-validation, the literature mode features and the opt-in
FeatureGBClassifier options (feature groups, feature share, seed average)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from trajlm.data.motion_features import segment_features
from trajlm.data.motion_features_lit import LIT_GROUPS, lit_features
from trajlm.data.segments import segment_labels
from trajlm.eval.classify import FeatureGBClassifier
from trajlm.eval.grouped_cv import cv_accuracy, grouped_folds, segment_users, user_time_folds

M_PER_DEG = 6_371_000.0 * np.pi / 180.0  # haversine's earth radius


def _track(seg: str, speeds: list[float], dt: int = 15, user: str = "u0", label: str = "bus",
           t0: int = 0) -> pl.DataFrame:  # fmt: skip
    """A straight northward track: one point, then one per step at the given speeds (m/s)."""
    north = np.concatenate([[0.0], np.cumsum(np.asarray(speeds) * dt)])
    return pl.DataFrame({
        "traj_id": seg, "t": t0 + dt * np.arange(len(north), dtype=np.int64),
        "lat": 39.9 + north / M_PER_DEG, "lon": np.full(len(north), 116.3),
        "user_id": user, "label": label,
    })  # fmt: skip


def test_lit_features_count_stops_and_sustained_speed() -> None:
    # 10 m/s with a 30 s stop (2 steps at 0) after every 3 km-ish block of 20 steps
    bus = [*([10.0] * 20 + [0.0, 0.0]) * 4, *[10.0] * 20]  # 4 stops, 5 x 3 km = 15 km
    car = [10.0] * 60  # 9 km, never stops
    X, names = lit_features(pl.concat([_track("b", bus), _track("a", car)]))
    assert len(names) == X.shape[1] == sum(len(v) for v in LIT_GROUPS.values())
    f = {n: X[:, i] for i, n in enumerate(names)}  # row 0 = "a" (sorted ids), row 1 = "b"
    assert f["stops1_per_km"][0] == 0 and f["stops1_per_km"][1] == pytest.approx(4 / 15, rel=0.02)
    assert f["stop_dur_mean_s"][1] == pytest.approx(30.0)
    assert np.isnan(f["stop_dur_mean_s"][0]) and np.isnan(f["stop_gap_mean_m"][0])  # no stop
    assert f["stop_gap_mean_m"][1] == pytest.approx(3000.0, rel=0.01)  # stops 3 km apart
    assert f["stop_gap_cv"][1] == pytest.approx(0.0, abs=1e-6)  # perfectly regular
    assert f["vmax_60s"] == pytest.approx([10.0, 10.0], rel=1e-3)
    assert f["t_below2_frac"] == pytest.approx([0.0, 8 / 108])  # 8 of 108 steps stopped
    bands = sum(f[n] for n in LIT_GROUPS["bands"])
    assert bands == pytest.approx([1.0, 1.0]) and f["t_2to5_frac"][1] == 0.0
    assert f["hcr15_per100m"][0] == 0.0  # straight line
    assert f["v_avg_mps"][0] == pytest.approx(10.0, rel=1e-3)


def test_lit_features_ignore_label_and_row_order() -> None:
    df = pl.concat([_track(f"s{k}", list(np.random.default_rng(k).uniform(0, 12, 30)))
                    for k in range(5)])  # fmt: skip
    X1, _ = lit_features(df)
    X2, _ = lit_features(df.sample(fraction=1.0, shuffle=True, seed=1).drop("label"))
    np.testing.assert_array_equal(X1, X2)
    one, n1 = lit_features(df, ["jerk"])
    assert n1 == list(LIT_GROUPS["jerk"]) and one.shape == (5, 4)
    with pytest.raises(ValueError, match="unknown feature group"):
        lit_features(df, ["nope"])


def _pool(n_users: int = 8, per_user: int = 10) -> pl.DataFrame:
    rng = np.random.default_rng(0)
    out = []
    for u in range(n_users):
        for k in range(per_user):
            label = ("bike", "car")[k % 2]
            v = rng.normal(4.0 if label == "bike" else 12.0, 1.0, 20).clip(0.1)
            out.append(_track(f"u{u}-{k:02d}", list(v), user=f"u{u}", label=label, t0=1000 * k))
    return pl.concat(out)


def test_grouped_folds_never_share_a_user() -> None:
    ids, users = segment_users(_pool())
    folds = grouped_folds(users, n_splits=4, repeats=2)
    assert len(folds) == 8
    for r in range(2):
        scored = np.concatenate([s for _, s in folds[4 * r : 4 * r + 4]])
        assert sorted(scored) == list(range(len(ids)))  # each row scored once per repeat
    for fit, score in folds:
        assert not set(users[fit]) & set(users[score])
    with pytest.raises(ValueError, match="cannot fill"):
        grouped_folds(users[:10], n_splits=4)  # one user


def test_user_time_folds_are_time_blocks_of_every_user() -> None:
    pool = _pool(n_users=3, per_user=10)
    folds = user_time_folds(pool, n_splits=5)
    ids, users = segment_users(pool)
    fold_of = np.empty(len(ids), int)
    for k, (fit, score) in enumerate(folds):
        assert not set(fit) & set(score) and len(fit) + len(score) == len(ids)
        fold_of[score] = k
    for u in np.unique(users):  # ids sort by time within a user here: folds go forward in time
        f = fold_of[users == u]
        assert list(f) == sorted(f) and set(f) == set(range(5))


def test_cv_accuracy_separates_and_fails_on_shuffled_labels() -> None:
    pool = _pool()
    X, _ = segment_features(pool)
    y = segment_labels(pool)
    folds = grouped_folds(segment_users(pool)[1], n_splits=4)
    res = cv_accuracy(X, y, folds, lambda: FeatureGBClassifier(max_iter=30))
    assert res["accuracy"] > 0.95 and res["correct"].shape == (1, len(y))
    shuffled = np.random.default_rng(0).permutation(y)
    assert (
        cv_accuracy(X, shuffled, folds, lambda: FeatureGBClassifier(max_iter=30))["accuracy"] < 0.8
    )


def test_feature_gb_defaults_unchanged_and_options() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    pool = _pool(n_users=4)
    X, _ = segment_features(pool)
    y = segment_labels(pool)
    gb = FeatureGBClassifier(max_iter=20).fit(pool)
    ref = HistGradientBoostingClassifier(max_iter=20, l2_regularization=1.0, early_stopping=False,
                                         random_state=0).fit(X, y)  # fmt: skip
    np.testing.assert_allclose(gb.predict_proba(pool), ref.predict_proba(X))
    assert len(gb.feature_names_) == 30 and gb.name == "GB features"
    lit = FeatureGBClassifier(max_iter=20, lit=("stops", "bands")).fit(pool)
    assert len(lit.feature_names_) == 30 + len(LIT_GROUPS["stops"]) + len(LIT_GROUPS["bands"])
    assert lit.name == "GB features + lit[stops+bands]"
    avg = FeatureGBClassifier(max_iter=20, n_avg=3, max_features=0.5).fit(pool)
    p = avg.predict_proba(pool)
    parts = [m.predict_proba(avg.features(pool)[0]) for m in avg.models_]
    np.testing.assert_allclose(p, np.mean(parts, axis=0))
    assert not np.allclose(parts[0], parts[1])  # the feature share makes the seeds differ


def test_user_prior_hides_a_train_rows_own_label_and_falls_back_to_global() -> None:
    from trajlm.eval.user_prior import UserPrior

    rng = np.random.default_rng(0)
    users = np.repeat(["a", "b", "c"], 20)
    y = rng.choice(["bike", "bus"], 60)
    out = UserPrior(alpha=1.0).fit_transform(users, y)
    for i in (0, 25, 59):  # flipping a row's own label never moves its own encoding
        y2 = y.copy()
        y2[i] = "bus" if y[i] == "bike" else "bike"
        np.testing.assert_array_equal(UserPrior(alpha=1.0).fit_transform(users, y2)[i], out[i])
    p = UserPrior(alpha=1.0).fit(users, y)
    glob = np.array([(y == "bike").mean(), (y == "bus").mean()])
    np.testing.assert_allclose(p.transform(np.array(["new"]))[0], glob)  # unknown user
    a = (np.array([(y[:20] == "bike").sum(), (y[:20] == "bus").sum()]) + glob) / 21
    np.testing.assert_allclose(p.transform(np.array(["a"]))[0], a)


def test_gb_user_prior_learns_who_travels_how() -> None:
    # every segment moves alike; only the user tells the mode (u0-u3 bike, u4-u7 bus)
    rng = np.random.default_rng(1)
    segs = [_track(f"u{u}-{k:02d}", list(rng.uniform(3, 6, 15)), user=f"u{u}",
                   label="bike" if u < 4 else "bus", t0=1000 * k)
            for u in range(8) for k in range(12)]  # fmt: skip
    train = pl.concat([s for i, s in enumerate(segs) if i % 12 < 9])
    test = pl.concat([s for i, s in enumerate(segs) if i % 12 >= 9])
    y = segment_labels(test)
    plain = FeatureGBClassifier(max_iter=30).fit(train).classify(test)
    prior = FeatureGBClassifier(max_iter=30, user_prior=True).fit(train)
    assert (prior.classify(test) == y).mean() == 1.0 > (plain == y).mean()
    assert prior.name == "GB features + user prior"
