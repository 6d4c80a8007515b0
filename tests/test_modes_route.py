"""Issue 15, session 8: route-affinity features (trajlm.data.route_affinity), their leak guard,
GB + route features and the hybrid head reading them."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import torch

from trajlm.data.route_affinity import RouteAffinity
from trajlm.data.segments import segment_labels
from trajlm.eval.classify import ProbabilityEnsemble
from trajlm.eval.classify_route import RouteGBClassifier, RouteVoteClassifier
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.tasks.classify import ModelClassifier

LAT0, LON0 = 39.9, 116.4
M = 1.0 / 111_195.0  # degrees of latitude per metre


def _seg(sid: str, label: str, user: str, t0: int, north_m: float, east_m: float = 0.0,
         n: int = 20, step_m: float = 60.0) -> pl.DataFrame:  # fmt: skip
    """A straight west-east segment ``north_m`` north of the origin, one fix per 15 s."""
    east = east_m + step_m * np.arange(n)
    return pl.DataFrame({
        "traj_id": [sid] * n, "t": t0 + 15 * np.arange(n), "lat": LAT0 + north_m * M + 0 * east,
        "lon": LON0 + east * M / np.cos(np.radians(LAT0)), "user_id": [user] * n,
        "label": [label] * n,
    })  # fmt: skip


def _lines(n_per: int = 6, t0: int = 1_600_000_000) -> pl.DataFrame:
    """Two classes on two lines 2 km apart, each class driven by several users on many days."""
    rows = []
    for i in range(n_per):
        day = t0 + 86_400 * 3 * i
        rows.append(_seg(f"bus{i:02d}", "bus", f"u{i % 3}", day, 0.0, east_m=7.0 * i))
        rows.append(_seg(f"rail{i:02d}", "rail", f"u{i % 3}", day + 7200, 2000.0, east_m=5.0 * i))
    return pl.concat(rows)


def test_a_train_row_never_sees_itself_but_a_new_segment_on_its_line_does():
    lone = _seg("rail-lone", "rail", "u9", 1_600_000_000, 10_000.0)  # the only rail segment
    train = pl.concat([lone, _seg("bus0", "bus", "u1", 1_600_000_000, 0.0)])
    ra = RouteAffinity(exclude_gap_s=0.0).fit(train)
    names = ra.feature_names
    X, _ = ra.transform(train)  # rows: bus0, rail-lone (sorted ids)
    rail50 = names.index("route_rail_within50m")
    assert X[1, rail50] == 0.0  # leave-own-segment-out: its own points are hidden
    copy = lone.with_columns(pl.lit("rail-new").alias("traj_id"), pl.lit("u8").alias("user_id"))
    Xc, _ = ra.transform(copy)
    assert Xc[0, rail50] == 1.0  # the same place seen from outside the index: all within 50 m
    assert Xc[0, names.index("route_knn_rail")] > 0.9  # its vote: the far bus line weighs ~0


def test_the_same_users_nearby_segments_are_hidden_within_the_gap_only():
    t0 = 1_600_000_000
    train = pl.concat([_seg("a", "bus", "u1", t0, 0.0), _seg("b", "bus", "u1", t0 + 3000, 0.0)])
    ra_day = RouteAffinity(exclude_gap_s=86_400.0).fit(train)
    ra_min = RouteAffinity(exclude_gap_s=60.0).fit(train)
    col = ra_day.feature_names.index("route_bus_within50m")
    assert (ra_day.transform(train)[0][:, col] == 0.0).all()  # same user, same hour: hidden
    assert (ra_min.transform(train)[0][:, col] == 1.0).all()  # gap ~40 min > 60 s: visible
    # a query of another user at the same time sees both; the same rule holds for any row
    other = _seg("q", "bus", "u2", t0 + 1000, 0.0).drop("label")
    assert ra_day.transform(other)[0][0, col] == 1.0
    same_user = other.with_columns(pl.lit("u1").alias("user_id"))
    assert ra_day.transform(same_user)[0][0, col] == 0.0


def test_route_features_read_no_label_and_separate_the_lines():
    train = _lines()
    ra = RouteAffinity().fit(train)
    X, names = ra.transform(train)
    np.testing.assert_array_equal(ra.transform(train.drop("label"))[0], X)
    shuffled = train.with_columns(pl.col("label").shuffle(seed=0))
    np.testing.assert_array_equal(ra.transform(shuffled)[0], X)
    y = segment_labels(train)
    vote = X[:, [names.index("route_knn_bus"), names.index("route_knn_rail")]]
    assert (np.array(["bus", "rail"])[vote.argmax(1)] == y).all()
    assert X.shape == (len(y), len(names)) and np.isfinite(X).all()
    with pytest.raises(ValueError, match="fit"):
        RouteAffinity().transform(train)
    with pytest.raises(ValueError, match="radii_m"):
        RouteAffinity(radii_m=(50.0, 5000.0))


def test_gb_with_route_features_and_the_vote_ensemble():
    train, test = _lines(n_per=25), _lines(n_per=2, t0=1_700_000_000)  # same speeds: place only
    test = test.with_columns(
        pl.lit("u7").alias("user_id"), ("t" + pl.col("traj_id")).alias("traj_id")
    )
    gb = RouteGBClassifier(max_iter=20).fit(train)
    assert gb.name == "GB + route features" and len(gb.feature_names_) == 30 + 2 * 3 + 2 + 1
    assert gb.predict_proba(test).shape == (4, 2)
    assert (gb.classify(test) == segment_labels(test)).all()
    ens = ProbabilityEnsemble(gb, RouteVoteClassifier()).fit(train, test)
    p = ens.predict_proba(test)
    np.testing.assert_allclose(p.sum(1), 1.0)
    assert (ens.classify(test) == segment_labels(test)).all()


def test_hybrid_head_reads_route_features_and_refuses_to_save(tmp_path):
    torch.manual_seed(0)
    model = TrajectoryModel(ModelConfig(d_model=32, n_layers=1, n_heads=2, pos_type="rope"))
    train = _lines(n_per=4)
    clf = ModelClassifier(model, mode="frozen", epochs=1, n_points=16, head="linear",
                          route=RouteAffinity())  # fmt: skip
    clf.fit(train, train)
    assert clf.classifier_.n_features == 30 + 2 * 3 + 2 + 1
    assert clf.predict_proba(train).shape == (8, 2)
    with pytest.raises(ValueError, match="not supported"):
        clf.save(tmp_path / "c")
    with pytest.raises(ValueError, match="features=True"):
        ModelClassifier(model, features=False, route=RouteAffinity())
