"""Session 24 (classify24): a logistic stacker over gradient boosting's and the fine-tuned
model's out-of-fold outputs (trajlm.eval.classify_logit_stack; docs/finetune.md "Session 24
(classify24)"). The model is a stand-in (a GB on other settings) so these run in seconds; the
fine-tune itself is ModelClassifier's, tested elsewhere."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from test_classify23 import _segments, _tracks

from trajlm.eval.classify_gb import FeatureGBClassifier
from trajlm.eval.classify_logit_stack import LogitStackClassifier, stack_folds


class Recorder(FeatureGBClassifier):
    """A model stand-in that records the segment ids it was fitted on."""

    seen: list[set] = []

    def fit(self, train: pl.DataFrame, val: pl.DataFrame | None = None) -> Recorder:
        Recorder.seen.append(set(train["traj_id"].unique().to_list()))
        return super().fit(train, val)


def _make(seed: int) -> Recorder:
    return Recorder(min_samples_leaf=2, max_iter=20, random_state=seed)


@pytest.fixture(scope="module")
def parts() -> dict[str, pl.DataFrame]:
    users = lambda df, n: df.with_columns(  # noqa: E731  (a user per trajectory, n in turn)
        (pl.col("traj_id").str.extract(r"-(\d+)").cast(pl.Int64) % n).cast(pl.Utf8)
        .alias("user_id"))  # fmt: skip
    return {"train": users(_segments(_tracks(36, 1)), 6), "val": _segments(_tracks(12, 2)),
            "test": _segments(_tracks(12, 3))}  # fmt: skip


@pytest.mark.parametrize("folds", ["source", "user", "user_time"])
def test_folds_score_each_row_once_and_keep_groups_apart(parts, folds):
    from trajlm.eval.classify_gb_cv import segment_groups
    from trajlm.eval.grouped_cv import segment_users

    train = parts["train"]
    fs = stack_folds(train, 3, folds, seed=0)
    n = train["traj_id"].n_unique()
    scored = np.concatenate([out for _, out in fs])
    assert len(fs) == 3 and sorted(scored.tolist()) == list(range(n))
    groups = {"source": segment_groups(train), "user": segment_users(train)[1]}.get(folds)
    for fit, out in fs:
        assert not set(fit) & set(out)
        if groups is not None:
            assert not set(groups[fit]) & set(groups[out])


def test_no_fold_model_saw_the_rows_it_scored_out_of_fold(parts):
    Recorder.seen = []
    stack = LogitStackClassifier(_make, n_splits=3, folds="user").fit(parts["train"], parts["val"])
    ids = parts["train"]["traj_id"].unique().sort().to_numpy()
    assert len(Recorder.seen) == 3
    for seen, (_, out) in zip(Recorder.seen, stack.folds_, strict=True):
        assert not seen & set(ids[out])
    assert stack.oof_.shape == (len(ids), 4) and np.isfinite(stack.oof_).all()


def test_stack_is_deterministic_and_answers_both_ways(parts):
    a = LogitStackClassifier(_make, n_splits=3, seed=1).fit(parts["train"], parts["val"])
    b = LogitStackClassifier(_make, n_splits=3, seed=1).fit(parts["train"], parts["val"])
    p = a.predict_proba(parts["test"])
    np.testing.assert_array_equal(p, b.predict_proba(parts["test"]))
    assert p.shape == (12, 2) and np.allclose(p.sum(1), 1.0)
    assert a.C_ in (0.01, 0.1, 1.0, 10.0) and 0.0 <= a.weight_ <= 1.0
    assert set(a.val_scores_) == {"logistic", "average"}
    gb_only = a.with_combiner("average")
    gb_only.weight_ = 1.0  # all weight on GB: GB refitted on all of train answers
    gb = FeatureGBClassifier(random_state=1).fit(parts["train"])
    np.testing.assert_array_equal(gb_only.classify(parts["test"]), gb.classify(parts["test"]))
    assert a.combiner == "logistic"  # with_combiner copies


def test_bad_options_are_refused():
    with pytest.raises(ValueError, match="folds must be one of"):
        LogitStackClassifier(_make, folds="random")
    with pytest.raises(ValueError, match="combiner must be"):
        LogitStackClassifier(_make, combiner="vote")
    with pytest.raises(ValueError, match="n_splits must be >= 2"):
        LogitStackClassifier(_make, n_splits=1)


def test_a_column_constant_out_of_fold_is_not_blown_up_on_test(parts):
    from trajlm.data.segments import segment_labels

    stack = LogitStackClassifier(_make, n_splits=3).fit(parts["train"], parts["val"])
    Z = stack.oof_.copy()
    Z[:, 0] = 0.5  # as when every fold GB answers one probability (a tiny train split)
    stack._fit_combiners(Z, segment_labels(parts["train"]), None)
    z_test = (stack._stacked(parts["test"]) - stack.mean_) / stack.scale_
    assert np.abs(z_test[:, 0]).max() <= 10.0  # a 0..1 probability: at most 10 sd, not 5e8
    assert np.isfinite(stack.predict_proba(parts["test"])).all()
