"""Transport modes, issue 15 lever 5: train segments re-cut every epoch (SegmentAugment)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import torch
from test_modes_hybrid import _model, _segments

from trajlm.data.augment_segments import SegmentAugment
from trajlm.data.motion_features import segment_features
from trajlm.tasks.classify import ModelClassifier, RecutClassification

KW = dict(mode="full", max_len=32, n_points=16, head="linear", epochs=2, lr=3e-3, seed=1)


def _indexed(seg: pl.DataFrame) -> pl.DataFrame:
    return seg.sort(["traj_id", "t"]).with_row_index("row")


def test_view_is_deterministic_per_seed_and_epoch_and_keeps_every_segment():
    seg = _indexed(_segments())
    aug = SegmentAugment(min_crop=0.3, min_keep=0.4, min_points=5)
    a, b = aug.view(seg, seed=0, epoch=3), aug.view(seg, seed=0, epoch=3)
    assert a.equals(b)
    assert not a.equals(aug.view(seg, seed=0, epoch=4))
    assert not a.equals(aug.view(seg, seed=1, epoch=3))
    assert len(a) < len(seg)  # crops and thinning drop points
    # every segment is kept, with >= min(min_points, n) points, rows of the original in order
    n = seg.group_by("traj_id").len().sort("traj_id")
    m = a.group_by("traj_id").len().sort("traj_id")
    assert n["traj_id"].to_list() == m["traj_id"].to_list()
    assert (m["len"].to_numpy() >= np.minimum(5, n["len"].to_numpy())).all()
    rows = a["row"].to_numpy()
    assert (np.diff(rows) > 0).all()
    orig = seg[rows]
    assert a.drop("row").equals(orig.drop("row"))  # no rotation: points and labels unchanged


def test_prob_zero_is_the_identity_and_bad_options_are_one_clear_error():
    seg = _indexed(_segments())
    assert SegmentAugment(prob=0.0, max_rotate_deg=45, reflect=True).view(seg, 0, 1).equals(seg)
    with pytest.raises(ValueError, match=r"SegmentAugment.min_crop must be in \[0, 1\], got 1.5"):
        SegmentAugment(min_crop=1.5)
    with pytest.raises(ValueError, match="SegmentAugment.min_points must be >= 2, got 1"):
        SegmentAugment(min_points=1)
    with pytest.raises(ValueError, match='augment_features must be "view" or "whole"'):
        ModelClassifier(None, augment=SegmentAugment(), augment_features="all")
    with pytest.raises(ValueError, match="augment must be a SegmentAugment or None"):
        ModelClassifier(None, augment=True)


def test_rotation_and_reflection_keep_speeds_and_turns_but_move_points():
    seg = _segments()
    flat = SegmentAugment(prob=1.0).view(seg, 0, 2)
    turned = SegmentAugment(prob=1.0, max_rotate_deg=90, reflect=True).view(seg, 0, 2)
    assert flat["t"].equals(turned["t"])  # rotation draws come after the row draws: same rows
    assert np.abs(flat["lat"].to_numpy() - turned["lat"].to_numpy()).max() > 1e-4
    Xf, names = segment_features(flat)
    Xt, _ = segment_features(turned)
    speed = [i for i, n in enumerate(names) if n.startswith(("speed", "accel", "turn_deg"))]
    np.testing.assert_allclose(Xt[:, speed], Xf[:, speed], rtol=2e-3, atol=1e-2)


def test_recut_objective_redraws_windows_once_per_epoch():
    calls = []

    def make_windows(epoch: int) -> tuple[dict, np.ndarray]:
        calls.append(epoch)
        g = torch.Generator().manual_seed(epoch)
        return {"x": torch.randn(70, 3, generator=g)}, np.arange(70) % 2

    obj = RecutClassification(make_windows, batch_size=32, seed=0)
    assert obj.steps_per_epoch == 2 and calls == [0]
    e0 = [b["x"] for b in obj.batches(0)]
    e1 = [b["x"] for b in obj.batches(1)]
    e1_again = [b["x"] for b in obj.batches(1)]
    assert calls == [0, 1] and len(e0) == len(e1) == 2
    assert not torch.equal(e0[0], e1[0])
    assert all(torch.equal(a, b) for a, b in zip(e1, e1_again, strict=True))


def test_augmented_classifier_is_deterministic_and_differs_from_plain():
    seg = _segments(n=20)
    aug = dict(augment=SegmentAugment(), **{**KW, "epochs": 1})
    a = ModelClassifier(_model(), **aug).fit(seg, seg).predict_proba(seg)
    b = ModelClassifier(_model(), **aug).fit(seg, seg).predict_proba(seg)
    np.testing.assert_array_equal(a, b)
    plain = ModelClassifier(_model(), **KW).fit(seg, seg).predict_proba(seg)
    assert not np.allclose(a, plain)


def test_whole_features_are_the_segments_not_the_views():
    seg = _segments().sort(["traj_id", "t"])
    clf = ModelClassifier(_model(), **KW)
    X = segment_features(seg)[0]
    view = SegmentAugment(prob=1.0).view(seg, 0, 1)
    b_view, owner, _ = clf._windows(view, _model())
    b_whole, _, _ = clf._windows(view, _model(), feats=X)
    torch.testing.assert_close(b_whole["features"], torch.from_numpy(X[owner]).float())
    assert not torch.allclose(b_view["features"], b_whole["features"])


def test_results_script_reads_the_aug_tokens(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    from modes_results import classifiers

    _model().save_pretrained(tmp_path / "pre")
    (view,) = classifiers("pre:full:16:linear:feat+aug", str(tmp_path / "pre"), [0], 1, 1e-3)
    (whole,) = classifiers("pre:full:16:linear:feat+augw", str(tmp_path / "pre"), [0], 1, 1e-3)
    (plain,) = classifiers("pre:full:16:linear:feat", str(tmp_path / "pre"), [0], 1, 1e-3)
    assert isinstance(view.augment, SegmentAugment) and view.augment_features == "view"
    assert isinstance(whole.augment, SegmentAugment) and whole.augment_features == "whole"
    assert plain.augment is None
