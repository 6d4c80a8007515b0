"""Issue 15, session 32 (modes32): the GB arms of scripts/modes32/arms.py on synthetic tracks:
augmented copies, user-balanced weights, a user's speed scale and the user-level bootstrap."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from helpers import load_script

from trajlm.data.motion_features import segment_features
from trajlm.data.segments import segment_labels

arms = load_script("modes32", "arms.py")
M_PER_DEG = arms.M_PER_DEG


def _track(seg: str, speed: float, n: int = 40, dt: int = 5, user: str = "u0",
           label: str = "bus") -> pl.DataFrame:  # fmt: skip
    """A straight northward track at a constant speed (m/s)."""
    north = speed * dt * np.arange(n)
    return pl.DataFrame({
        "traj_id": seg, "t": dt * np.arange(n, dtype=np.int64), "lat": 39.9 + north / M_PER_DEG,
        "lon": np.full(n, 116.3), "user_id": user, "label": label,
    })  # fmt: skip


def _train() -> pl.DataFrame:
    return pl.concat([_track(f"s{i}", 3.0 + i, user=f"u{i % 2}", label=("bike", "bus")[i % 2])
                      for i in range(6)])  # fmt: skip


def test_augmented_copies_are_seeded_shorter_views_with_labels_kept() -> None:
    train = _train()
    a, b = arms.augmented_copies(train, seed=3), arms.augmented_copies(train, seed=3)
    other = arms.augmented_copies(train, seed=4)
    assert len(a) == arms.N_VIEWS
    for va, vb in zip(a, b, strict=True):
        assert va.equals(vb)  # deterministic per seed
    assert not a[0].equals(other[0])
    for v in a:
        assert (segment_labels(v) == segment_labels(train)).all()  # every segment, its label
        assert len(v) <= len(train)
    # GPS noise: a view's points are moved, by metres (sigma <= 1.5 m), not by kilometres
    kept = a[0].join(train, on=["traj_id", "t"], suffix="_0")
    moved_m = np.abs(kept["lat"] - kept["lat_0"]).to_numpy() * M_PER_DEG
    assert moved_m.max() > 0 and moved_m.max() < 10 * arms.MAX_SIGMA_M


def test_user_weights_shrink_a_heavy_user_and_balance_classes() -> None:
    users = np.array(["big"] * 9 + ["small"])
    w = arms.user_weights(users)
    assert w.mean() == pytest.approx(1.0)
    assert w[:9].sum() / w[9] == pytest.approx(3.0)  # 9 segments weigh sqrt(9) x one
    y = np.array(["bus"] * 8 + ["rail"] * 2)
    wc = arms.user_weights(np.array(["u"] * 10), y)
    assert wc[:8].sum() == pytest.approx(wc[8:].sum())  # classes weigh alike
    assert wc.mean() == pytest.approx(1.0)


def test_user_speed_scale_reads_moving_speeds_and_unknown_users_get_nan() -> None:
    pts = pl.concat([_track("a", 4.0, user="u0"), _track("b", 0.1, user="u0"),  # 0.1: not moving
                     _track("c", 10.0, user="u1")])  # fmt: skip
    sc = arms.user_speed_scale(pts)
    assert sc["u0"][0] == pytest.approx(4.0, rel=1e-3)
    assert sc["u1"][1] == pytest.approx(10.0, rel=1e-3)
    segs = pl.concat([_track("x", 8.0, user="u0"), _track("y", 8.0, user="nobody")])
    X, names = segment_features(segs)
    cols = arms.scaled_speed_columns(X, names, np.array(["u0", "nobody"]), sc)
    assert cols.shape == (2, 8)
    assert cols[0, 1] == pytest.approx(2.0, rel=1e-3)  # p50 8 m/s over the user's 4 m/s
    assert np.isnan(cols[1]).all()


def test_user_bootstrap_resamples_users_not_segments() -> None:
    users = np.repeat(["u0", "u1", "u2", "u3"], 5)
    same = np.ones(20)
    assert arms.user_bootstrap_ci(same, same, users)["diff"] == 0.0
    gain = np.zeros(20)
    gain[::5] = 1.0  # one segment right more in every user: the gain holds for any draw
    ci = arms.user_bootstrap_ci(gain, np.zeros(20), users)
    assert ci["lo"] == pytest.approx(0.2) and ci["hi"] == pytest.approx(0.2)
    one_user = np.zeros(20)
    one_user[:5] = 1.0  # all of it from one user: the interval reaches 0
    assert arms.user_bootstrap_ci(one_user, np.zeros(20), users)["lo"] == 0.0
    assert ci["n_users"] == 4


def test_rule_takes_the_best_arm_whose_user_interval_is_above_zero() -> None:
    def r(acc, lo):
        return {"acc": [acc], "ci_user": {"lo": lo}}

    res = {"GB": {"acc": [80]}, "a": r(85, 0.0), "b2": r(83, 0.01), "c1": r(84, 0.02),
           "b1": r(90, 0.1)}  # fmt: skip
    assert arms.rule(res) == "c1"  # a: lower end 0 is not > 0; b1 is not a rule arm
    assert arms.rule({"GB": {"acc": [80]}, "a": r(85, -0.01)}) is None


def test_oof_weight_follows_the_better_member_of_the_vote() -> None:
    segs = pl.concat([_track(f"s{i:02d}", (3.0 if i % 2 else 12.0) + 0.1 * i, user=f"u{i % 3}",
                             label=("bus", "bike")[i % 2]) for i in range(30)])  # fmt: skip
    parts = {"train": segs}
    y = segment_labels(segs)
    classes = np.unique(y)
    sure = (classes[None, :] == y[:, None]).astype(float)  # a hybrid right with certainty
    assert arms.oof_weight(parts, sure, classes) == 0.0
    blind = np.full((len(y), 2), 0.5)  # a hybrid that knows nothing: GB alone
    assert arms.oof_weight(parts, blind, classes) == 1.0
