"""Issue 15, transport modes: the hybrid head (segment features beside the pooled embedding),
the class-balanced loss and the GB + model probability ensemble."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import torch
from test_results_scripts import pretrained  # noqa: F401  (the module fixture)

from trajlm.data.motion_features import segment_features
from trajlm.data.synthetic import generate_city
from trajlm.eval.classify import (
    CLASS_MAP,
    FeatureGBClassifier,
    ProbabilityEnsemble,
    make_mode_segments,
    segment_labels,
)
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.tasks.classify import ModelClassifier, TrajectoryClassifier

N_FEATURES = 30  # segment_features' columns


def _model(seed: int = 0) -> TrajectoryModel:
    torch.manual_seed(seed)
    return TrajectoryModel(ModelConfig(d_model=32, n_layers=2, n_heads=2, pos_type="rope"))


def _segments(n: int = 40, seed: int = 3) -> pl.DataFrame:
    df = generate_city(n_trajectories=n, seed=seed).points
    return make_mode_segments(df, {**CLASS_MAP, "walk": "walk"})[0]


def _batch(B: int = 3, T: int = 12) -> dict:
    g = torch.Generator().manual_seed(0)
    pos = torch.cumsum(torch.randn(B, T, 2, generator=g) * 50.0, dim=1)
    mask = torch.ones(B, T, dtype=torch.bool)
    mask[0, 9:] = False
    t = (torch.arange(T, dtype=torch.float32).expand(B, T) * 15.0).contiguous()
    return {"pos": pos, "t": t, "t0": torch.full((B,), 1_600_000_000), "mask": mask}


def test_hybrid_head_shapes_features_matter_and_missing_features_is_one_error():
    clf = TrajectoryClassifier(_model(), n_classes=4, head="linear", n_features=N_FEATURES).eval()
    batch = _batch()
    batch["features"] = torch.rand(3, N_FEATURES) * 100.0
    with torch.no_grad():
        logits = clf(batch)
        assert logits.shape == (3, 4) and clf.pool(batch).shape == (3, 64)
        assert clf.head.layers[-1].in_features == 64 + N_FEATURES
        other = {**batch, "features": batch["features"] * 3.0}
        assert not torch.allclose(clf(other), logits)  # the head reads the features
    no_feats = {k: v for k, v in batch.items() if k != "features"}
    with pytest.raises(ValueError, match=r"batch\['features'\] of shape \(B, 30\).*got None"):
        clf(no_feats)
    with pytest.raises(ValueError, match=r"got \(3, 5\)"):
        clf({**batch, "features": torch.zeros(3, 5)})


def test_features_come_from_the_points_only_no_label_leak():
    seg = _segments()
    X, _ = segment_features(seg)
    shuffled = seg.with_columns(pl.col("label").shuffle(seed=0))
    np.testing.assert_array_equal(segment_features(shuffled)[0], X)
    np.testing.assert_array_equal(segment_features(seg.drop("label", "raw_label"))[0], X)
    # the classifier's window features: the same with or without labels, row = owner's segment
    clf = ModelClassifier(_model(), mode="frozen", max_len=32, n_points=16, head="linear",
                          features=True)  # fmt: skip
    b1, owner, _ = clf._windows(seg, _model())
    b2, _, _ = clf._windows(seg.drop("label", "raw_label"), _model())
    torch.testing.assert_close(b1["features"], b2["features"])
    assert b1["features"].shape == (len(owner), N_FEATURES)
    torch.testing.assert_close(b1["features"], torch.from_numpy(X[owner]).float())


def test_hybrid_classifier_is_deterministic_and_reloads(tmp_path):
    seg = _segments()
    kw = dict(mode="full", max_len=32, n_points=16, head="linear", epochs=2, lr=3e-3,
              features=True, class_weight="balanced", seed=1)  # fmt: skip
    a = ModelClassifier(_model(), **kw).fit(seg, seg)
    b = ModelClassifier(_model(), **kw).fit(seg, seg)
    pa = a.predict_proba(seg)
    assert pa.shape == (seg["traj_id"].n_unique(), len(a.classes_))
    np.testing.assert_array_equal(pa, b.predict_proba(seg))
    scaler = a.classifier_.head.feat_std
    assert torch.isfinite(scaler).all() and (scaler > 0).all()
    a.save(tmp_path / "clf")
    again = ModelClassifier.load(tmp_path / "clf")
    assert again.features and again.class_weight == "balanced"
    np.testing.assert_allclose(again.predict_proba(seg), pa, rtol=1e-5, atol=1e-6)


def test_balanced_loss_changes_training():
    seg = _segments()
    kw = dict(mode="full", max_len=32, n_points=16, head="linear", epochs=1, lr=3e-3, seed=0)
    plain = ModelClassifier(_model(), **kw).fit(seg).predict_proba(seg)
    bal = ModelClassifier(_model(), class_weight="balanced", **kw).fit(seg).predict_proba(seg)
    assert not np.allclose(plain, bal)


@pytest.mark.parametrize(
    "kw, match",
    [({"class_weight": "inverse"}, "class_weight must be None or \"balanced\", got 'inverse'"),
     ({"features": "yes"}, "features must be True or False, got 'yes'")],
)  # fmt: skip
def test_bad_options_are_one_clear_error(kw, match):
    with pytest.raises(ValueError, match=match):
        ModelClassifier(None, **kw)


class _Fixed:
    """A fitted stand-in classifier with given probabilities (rows = sorted segments)."""

    def __init__(self, name: str, classes: list[str], proba: np.ndarray) -> None:
        self.name, self.classes_, self.proba = name, classes, proba

    def predict_proba(self, segments: pl.DataFrame) -> np.ndarray:
        return self.proba


def test_ensemble_weight_is_fitted_on_val():
    seg = _segments()
    y = segment_labels(seg)
    classes = sorted(set(y))
    truth = np.eye(len(classes))[np.searchsorted(classes, y)]
    wrong = np.roll(truth, 1, axis=1)
    good, bad = _Fixed("good", classes, 0.9 * truth + 0.05), _Fixed("bad", classes, wrong)
    ens = ProbabilityEnsemble(good, bad).fit(seg, seg)
    assert ens.weight_ > 0.5 and (ens.classify(seg) == y).all()
    assert ProbabilityEnsemble(bad, good).fit(seg, seg).weight_ < 0.5
    with pytest.raises(ValueError, match="disagree on classes"):
        ProbabilityEnsemble(good, _Fixed("x", classes[::-1], wrong)).fit(seg, seg)


@pytest.mark.slow
def test_ensemble_reuses_a_fitted_model_and_fits_gb():
    seg = _segments()
    model = _Fixed("m", sorted(set(segment_labels(seg))), None)
    gb = FeatureGBClassifier(max_iter=5)
    model.proba = np.full((seg["traj_id"].n_unique(), len(model.classes_)), 0.25)
    ens = ProbabilityEnsemble(gb, model).fit(seg, seg)
    assert hasattr(gb, "model_") and ens.weight_ > 0  # a uniform model adds nothing: GB counts
    np.testing.assert_allclose(gb.predict_proba(seg).sum(1), 1.0)


@pytest.mark.slow
def test_modes_hybrid_results_script_smoke(pretrained, tmp_path):  # noqa: F811
    """scripts/modes_hybrid_results.sh end to end on the synthetic city (1 epoch, 1 seed)."""
    store, run = pretrained
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "OUT": str(tmp_path), "BIN": str(Path(sys.executable).parent),
           "GEOLIFE": str(store), "PRE": str(run), "EPOCHS": "1", "SEEDS": "0",
           "SPLITS": "time", "SPECS": "pre:full:16:linear:feat", "PYTHONPATH": str(root)}  # fmt: skip
    subprocess.run(["bash", "scripts/modes_hybrid_results.sh"], cwd=root, env=env, check=True,
                   capture_output=True)  # fmt: skip
    md = (tmp_path / "modes_test.md").read_text().splitlines()
    assert md[0].startswith("| method | time: accuracy (%) | macro-F1 (%) | Δ acc vs GB")
    names = [line.split(" | ")[0].lstrip("| ") for line in md[2:]]
    assert names[3] == "trajlm pre:full:16:linear:feat"
    assert names[4] == "GB + trajlm pre:full:16:linear:feat (w on val)"
    assert "(w_GB " in md[6] and "[" in md[5]
