"""Session 26 (geosel26): the scale head's shrunk kNN path as a selector candidate
(``trajlm.eval.candidates_scale``, docs/candidates.md "Session 26 (geosel26)"): the column is
base x shrink with a flag and the shrink as a query feature, the train column is out-of-fold
(a trip never answered by a head that saw it), and the script runs end to end."""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_geosel23 import _sets
from test_results_scripts import load_script

from trajlm.eval.candidates_scale import (
    add_scale_candidate,
    crossfit_shrink,
    fit_scale_column,
    scale_features,
)
from trajlm.eval.stop_head import FEATURES, fit_scale_head


def test_the_column_is_the_base_scaled_with_a_flag_and_the_shrink_as_a_query_feature():
    (cs, w, _, _), _ = _sets(n_train=12, n_val=2)
    n, C = cs.cands.shape[:2]
    shrink = np.linspace(0.0, 1.5, n)
    out = add_scale_candidate(cs, w[0], w[1], shrink)
    assert out.cands.shape == (n, C + 1, 5, 2) and np.array_equal(out.cands[:, :C], cs.cands)
    assert np.allclose(out.cands[:, C], shrink[:, None, None] * cs.cands[:, cs.base])
    assert out.base == cs.base and out.kind[C] == cs.kind[cs.base]
    assert np.array_equal(out.cand_feats[:, :C, :-1], cs.cand_feats)
    assert (out.cand_feats[:, :C, -1] == 0).all() and (out.cand_feats[:, C, -1] == 1).all()
    assert np.array_equal(out.query_feats[:, -1], shrink)
    # shrink 1 reproduces the base column's features exactly (distance to the base: 0)
    same = add_scale_candidate(cs, w[0], w[1], np.ones(n))
    assert np.allclose(same.cand_feats[:, C, :-1], cs.cand_feats[:, cs.base])
    with pytest.raises(ValueError, match=r"add_scale_candidate: shrink \(3,\)"):
        add_scale_candidate(cs, w[0], w[1], np.ones(3))


@pytest.mark.slow  # gradient-boosting fits: ~10 s on the loaded 2-core box
def test_crossfit_never_answers_a_trip_with_a_head_that_saw_it():
    """Each trip's label is its own random constant and one feature names the trip: a head
    that saw the trip recalls it; an out-of-fold head can only guess."""
    rng = np.random.default_rng(0)
    trip = np.repeat(np.arange(25), 50)
    label = rng.uniform(0, 1.5, 25)[trip]
    feats = np.c_[trip.astype(float), rng.normal(size=(len(trip), 3))]
    in_sample = fit_scale_head(feats, label).predict(feats)
    oof = crossfit_shrink(feats, label, trip)
    assert np.abs(in_sample - label).mean() < 0.05
    assert np.abs(oof - label).mean() > 4 * np.abs(in_sample - label).mean()
    with pytest.raises(ValueError, match="3 trajectories for 5 folds"):
        crossfit_shrink(feats[:150], label[:150], trip[:150])


@pytest.mark.slow  # gradient-boosting fits: ~10 s on the loaded 2-core box
def test_fit_scale_column_gives_train_and_val_the_same_layout():
    (tr, tw, tr_ht, tr_tt), (va, vw, va_ht, va_tt) = _sets(n_train=12, n_val=3)
    assert scale_features(tr, tw[0], tr_ht, tw[1], tr_tt).shape == (len(tw[0]), len(FEATURES))
    train, scaled = fit_scale_column(tr, tw[0], tw[1], tr_ht, tr_tt, tw[3])
    val = scaled(va, vw[0], vw[1], va_ht, va_tt)
    assert train.cand_feats.shape[1:] == val.cand_feats.shape[1:]
    assert train.query_feats.shape[1] == val.query_feats.shape[1]
    assert np.isfinite(train.cand_feats).all() and np.isfinite(val.query_feats).all()
    with pytest.raises(ValueError, match="a train candidate set expected"):
        fit_scale_column(va, vw[0], vw[1], va_ht, va_tt, vw[3])


@pytest.mark.slow
def test_candidate_results_scale_head_end_to_end(tmp_path):
    from trajlm.data.ingest import synth_store

    store = tmp_path / "synth"
    synth_store(store, n_trajectories=60, seed=1)
    out = tmp_path / "cand.json"
    args = ["--data", str(store), "--stage", "val", "--seeds", "0", "--w-place", "0.1",
            "--w-heading", "0", "--n-place", "5", "--top-k", "3", "--max-epochs", "2",
            "--local", "1.0,300,3", "--cache", str(tmp_path / "cache")]  # fmt: skip
    load_script("candidate_results").main([*args, "--time-cond", "--scale-head", "--out", str(out)])
    doc = json.loads(out.read_text())
    names = [r["method"] for r in doc["tables"]["val"]]
    assert doc["scale_head"] is True and "kNN x scale head" in names
    assert doc["tables"]["val"][names.index("candidate selector")]["mae_m"] > 0


def test_compare_arms_pairs_trips_and_refuses_different_splits():
    compare = load_script("geosel26/compare_arms").compare
    knn = [10.0, 20.0, 30.0, 40.0]
    doc = lambda sel: {"per_trip": {"val": {"selector": sel, "knn": knn}},  # noqa: E731
                       "tables": {"val": [{"method": "candidate selector", "mae_m_std": 0.5}]}}  # fmt: skip
    text = compare(doc([9.0, 19.0, 29.0, 39.0]), doc([8.0, 18.0, 28.0, 38.0]), "val")
    assert "| S selector + scale head | 23.0 | 0.5 | -2.00 [-2.00, -2.00]" in text
    assert text.rstrip().endswith("-1.00 [-1.00, -1.00] (-4.2 %) |")
    other = doc(knn)
    other["per_trip"]["val"]["knn"] = [1.0, 2.0, 3.0, 4.0]
    with pytest.raises(SystemExit, match="not the same split"):
        compare(doc(knn), other, "val")
