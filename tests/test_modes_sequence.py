"""Issue 15, session 10: forward-chaining folds and the causal mode sequence filter."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from trajlm.eval.classify import FeatureGBClassifier
from trajlm.eval.grouped_cv import forward_folds
from trajlm.eval.mode_sequence import ModeSequenceFilter, SequenceFilteredClassifier, segment_times

CL = np.array(["bike", "bus"])


def _segments(n_per_user: dict[str, int]) -> pl.DataFrame:
    """One 12-point segment per row; user u's k-th segment starts at 1 h * k (ids shuffled)."""
    rows, rng = [], np.random.default_rng(0)
    for u, n in n_per_user.items():
        for k in range(n):
            sid = f"{rng.integers(1e9):09d}"
            rows.append(pl.DataFrame({"traj_id": sid, "t": 3600 * k + 15 * np.arange(12),
                                      "lat": 39.9 + 1e-4 * np.arange(12), "lon": 116.3,
                                      "user_id": u, "label": "bike"}))  # fmt: skip
    return pl.concat(rows)


def test_forward_folds_fit_precedes_skip_precedes_score() -> None:
    segs = _segments({"a": 40, "b": 20, "c": 3})
    tm = segment_times(segs)
    folds = forward_folds(segs, origins=(0.5, 0.6, 0.7, 0.8), horizon=0.1, skip=0.1)
    scored = np.concatenate([s for _, _, s in folds])
    assert len(scored) == len(np.unique(scored))  # each row scored at most once
    for fit, skip, score in folds:
        assert not (set(fit) & set(skip)) and not (set(fit) & set(score))
        assert not set(skip) & set(score)
        for u in np.unique(tm["users"][score]):
            last_fit = tm["t_start"][fit][tm["users"][fit] == u].max()
            assert (tm["t_start"][score][tm["users"][score] == u] > last_fit).all()
            sk = tm["t_start"][skip][tm["users"][skip] == u]
            assert (sk > last_fit).all()
            assert (sk < tm["t_start"][score][tm["users"][score] == u].min()).all()
    fit, skip, score = folds[0]  # user a: 40 segments -> fit 20, skip 4, score 4
    assert [(tm["users"][ix] == "a").sum() for ix in (fit, skip, score)] == [20, 4, 4]


def _fitted(power: float = 1.0, **kw) -> ModeSequenceFilter:
    # history: one user always repeats its mode when the gap is short
    y = np.array(["bike", "bike", "bike", "bus", "bus", "bus", "bike", "bike"])
    t0 = 600.0 * np.arange(len(y))
    return ModeSequenceFilter(power=power, **kw).fit(np.full(len(y), "u"), t0, t0 + 300, y, CL)


def test_filter_follows_the_previous_mode_when_the_emission_is_unsure() -> None:
    f = _fitted()
    t_last = 600.0 * 7 + 300
    p = np.tile(f.pi_, (2, 1))  # an emission that says nothing (the class shares)
    post = f.filter(p, np.array(["u", "u"]), t_last + np.array([600, 1800]), t_last
                    + np.array([900, 2100]))  # fmt: skip
    assert post.shape == (2, 2) and np.allclose(post.sum(1), 1.0)
    assert (post[:, 0] > 0.5).all()  # the last train segment was bike: the chain keeps bike
    strong = f.filter(np.array([[0.01, 0.99]]), np.array(["u"]), [t_last + 600], [t_last + 900])
    assert strong[0, 1] > 0.5  # clear evidence still wins


def test_filter_is_causal_and_reads_no_query_label() -> None:
    f = _fitted(power=0.75)
    rng = np.random.default_rng(1)
    p = rng.dirichlet([1, 1], size=6)
    t0 = 10_000 + 900.0 * np.arange(6)
    users = np.array(["u", "u", "v", "u", "v", "u"])
    a = f.filter(p, users, t0, t0 + 300)
    p2 = p.copy()
    p2[5] = [0.999, 0.001]  # change only the latest segment of u
    b = f.filter(p2, users, t0, t0 + 300)
    np.testing.assert_allclose(a[:5], b[:5])
    assert not np.allclose(a[5], b[5])
    # an unknown user ("v") starts from the class shares; query order does not matter
    perm = rng.permutation(6)
    np.testing.assert_allclose(f.filter(p[perm], users[perm], t0[perm], t0[perm] + 300), a[perm])


def test_user_gamma_zero_is_plain_and_columns_follow_classes() -> None:
    p = np.array([[0.3, 0.7], [0.6, 0.4]])
    args = (np.array(["u", "u"]), np.array([1e5, 1.1e5]), np.array([1.01e5, 1.11e5]))
    plain = _fitted().filter(p, *args)
    np.testing.assert_allclose(_fitted(user_gamma=0.0).filter(p, *args), plain)
    # a user who only rides the bus: the user mix pulls its segments toward bus
    y, t0 = np.array(["bike", "bike", "bus", "bus"]), np.arange(4.0)
    two = dict(users=np.array(["u", "u", "w", "w"]), t_start=t0, t_end=t0, y=y, classes=CL)
    w_args = (np.array(["w"]), np.array([1e5]), np.array([1.01e5]))
    mixed = ModeSequenceFilter(user_gamma=1.0).fit(**two).filter(p[:1], *w_args)
    assert mixed[0, 1] > ModeSequenceFilter().fit(**two).filter(p[:1], *w_args)[0, 1]
    swapped = _fitted().filter(p[:, ::-1], *args, classes=CL[::-1])
    np.testing.assert_allclose(swapped, plain)
    with pytest.raises(ValueError, match="not among"):
        ModeSequenceFilter().fit(["u"], [0.0], [1.0], ["car"], CL)


def test_sequence_filtered_classifier_keeps_gb_default_and_row_order() -> None:
    segs = _segments({"a": 12, "b": 8})
    tm = segment_times(segs)
    lab = {sid: ("bus" if k % 2 else "bike") for k, sid in enumerate(tm["ids"])}
    segs = segs.with_columns(pl.col("traj_id").replace_strict(lab).alias("label"))
    train = segs.filter(pl.col("t") < 3600 * 6)
    test = segs.filter(pl.col("t") >= 3600 * 6)
    gb = FeatureGBClassifier().fit(train)
    clf = SequenceFilteredClassifier(FeatureGBClassifier()).fit(train)
    np.testing.assert_allclose(clf.base.predict_proba(test), gb.predict_proba(test))
    p = clf.predict_proba(test)
    assert p.shape == (test["traj_id"].n_unique(), 2) and np.allclose(p.sum(1), 1.0)
    assert clf.name == "GB features + sequence filter"
    assert set(clf.classify(test)) <= {"bike", "bus"}


def test_modes_seq_persistence_counts_same_mode_as_previous_segment() -> None:
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scripts" / "modes_seq.py"
    spec = importlib.util.spec_from_file_location("modes_seq", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    segs = _segments({"a": 4})  # segments 1 h apart: every gap is under 3 h
    tm = segment_times(segs)
    order = np.argsort(tm["t_start"])
    lab = dict(zip(tm["ids"][order], ["bike", "bike", "bus", "bus"], strict=True))
    segs = segs.with_columns(pl.col("traj_id").replace_strict(lab).alias("label"))
    parts = {
        "train": segs.filter(pl.col("t") < 3 * 3600),
        "val": segs.filter(pl.col("t") >= 3 * 3600),
    }
    res = mod.persistence(parts)
    assert res["train"] == {"n": 2, "same": 0.5, "same_gap_lt_3h": 0.5}  # bike->bike, bike->bus
    assert res["val"] == {"n": 1, "same": 1.0, "same_gap_lt_3h": 1.0}  # bus (train) -> bus
