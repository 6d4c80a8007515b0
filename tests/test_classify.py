"""Transport-mode classification: segments, features, GB baseline and the harness."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from trajlm.data.synthetic import generate_city
from trajlm.eval.classify import (
    CLASS_MAP,
    FeatureGBClassifier,
    classification_metrics,
    make_mode_segments,
    run_classify_eval,
    segment_features,
    segment_labels,
    split_segments,
)


def _table(labels: list[str | None], traj: list[str]) -> pl.DataFrame:
    n = len(labels)
    return pl.DataFrame(
        {"traj_id": traj, "t": 1_300_000_000 + 15 * np.arange(n),
         "lat": 39.9 + 1e-4 * np.arange(n), "lon": np.full(n, 116.3), "label": labels},
        schema_overrides={"label": pl.Utf8},
    )  # fmt: skip


def test_segments_map_merge_drop_and_count():
    labels = (
        ["car"] * 3 + ["taxi"] * 2  # car + taxi -> one "car" run of 5
        + [None] * 2  # unlabelled breaks runs
        + ["bus"] * 4 + ["run"] * 2 + ["bus"] * 2  # run dropped; bus runs of 4 and 2
        + ["subway"] * 5  # new trajectory below: rail run of 5
    )  # fmt: skip
    traj = ["a"] * 15 + ["b"] * 5
    df = _table(labels, traj)
    seg, rep = make_mode_segments(df, min_points=3)
    ids = seg["traj_id"].unique(maintain_order=True).to_list()
    assert ids == ["a#1", "a#3", "b#1"]
    assert segment_labels(seg).tolist() == ["car", "bus", "rail"]
    assert (
        seg.filter(pl.col("traj_id") == "a#1")["raw_label"].to_list() == ["car"] * 3 + ["taxi"] * 2
    )
    assert rep.dropped == {"unlabelled": 2, "label_run": 2, "short_segment": 2}
    assert rep.repaired["short_segments"] == 1 and rep.repaired["segments"] == 3
    assert rep.rows_in == len(df) == len(seg) + rep.total
    assert seg["source_traj"].to_list() == ["a"] * 9 + ["b"] * 5


def test_segments_need_labels():
    with pytest.raises(ValueError, match="label"):
        make_mode_segments(_table([None] * 3, ["a"] * 3).drop("label"))


def test_features_finite_and_sensible():
    df = generate_city(n_trajectories=60, seed=1).points
    seg, _ = make_mode_segments(df, {**CLASS_MAP, "walk": "walk"})
    X, names = segment_features(seg)
    assert X.shape == (seg["traj_id"].n_unique(), len(names)) and np.isfinite(X).all()
    assert len(set(names)) == len(names) == 30
    col = {n: X[:, i] for i, n in enumerate(names)}
    assert (col["n_points"] >= 10).all()
    assert ((col["straightness"] >= 0) & (col["straightness"] <= 1 + 1e-9)).all()
    assert (col["speed_mps_p10"] <= col["speed_mps_p90"] + 1e-9).all()
    # walking is slower than driving
    y = segment_labels(seg)
    assert np.median(col["speed_mps_p50"][y == "walk"]) < np.median(
        col["speed_mps_p50"][y == "car"]
    )


def test_metrics_macro_f1_over_present_classes():
    m, cm = classification_metrics(
        np.array(["bus", "bus", "bike"]), np.array(["bus", "bike", "bike"]), ["bike", "bus", "car"]
    )
    assert m["accuracy_pct"] == pytest.approx(200 / 3)
    assert m["macro_f1_pct"] == pytest.approx(200 / 3)  # car absent from truth: not averaged
    assert np.isnan(m["f1_car_pct"])
    assert cm.tolist() == [[1, 1, 0], [0, 1, 0], [0, 0, 0]]


def test_split_by_user_time_keeps_every_user_in_test():
    df = generate_city(n_trajectories=120, seed=2).points
    seg, _ = make_mode_segments(df, {**CLASS_MAP, "walk": "walk"})
    parts = split_segments(seg, by="user_time")
    assert sum(p["traj_id"].n_unique() for p in parts.values()) == seg["traj_id"].n_unique()
    big = (
        seg.group_by("user_id")
        .agg(pl.col("traj_id").n_unique().alias("n"))
        .filter(pl.col("n") >= 10)
    )
    assert set(big["user_id"]) <= set(parts["test"]["user_id"])


@pytest.mark.slow
def test_harness_end_to_end_beats_chance(tmp_path):
    df = generate_city(n_trajectories=200, seed=0).points
    res = run_classify_eval(df, seeds=(0,), class_map={**CLASS_MAP, "walk": "walk"},
                            out=tmp_path, verbose=False)  # fmt: skip
    gb = res.metric("GB features", "accuracy_pct")
    assert gb > 60.0 > res.metric("majority class", "accuracy_pct")
    assert res.metric("GB features", "macro_f1_pct") > 40.0
    counts = res.meta["class_counts"]
    assert sum(sum(c.values()) for c in counts.values()) == res.meta["n_trajectories"]
    assert (tmp_path / "eval_classify.json").exists()
    assert (tmp_path / "confusion_GB_features.png").stat().st_size > 1000
    assert "accuracy (%)" in res.to_markdown()


def test_gb_classifier_is_reproducible():
    df = generate_city(n_trajectories=80, seed=3).points
    seg, _ = make_mode_segments(df, {**CLASS_MAP, "walk": "walk"})
    a = FeatureGBClassifier(max_iter=20, random_state=0).fit(seg).classify(seg)
    b = FeatureGBClassifier(max_iter=20, random_state=0).fit(seg).classify(seg)
    assert (a == b).all() and set(a) <= {"bike", "bus", "car", "walk"}


def test_store_split_column_does_not_shadow_segment_split() -> None:
    """read_store() tables carry a per-trajectory `split`; segments are re-split by time."""
    from trajlm.eval.classify import split_segments

    seg = pl.DataFrame(
        {
            "traj_id": [f"s{i}" for i in range(10) for _ in range(2)],
            "t": [1_300_000_000 + 100 * i + j for i in range(10) for j in range(2)],
            "lat": [40.0] * 20,
            "lon": [116.0] * 20,
            "split": ["test"] * 20,  # the store's label: must be ignored
        }
    )
    parts = split_segments(seg, by="time")
    assert parts["train"]["traj_id"].n_unique() == 8
    assert parts["test"]["traj_id"].n_unique() == 1
