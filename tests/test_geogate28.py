"""Session 28 (geogate28): the selector's out-of-fold answers (``trajlm.eval.selector_oof``), the
gate's features and the heading correction (``trajlm.eval.heading_head``), and the refusals of
``scripts/geogate28/gate_arms.py`` / ``candidate_results.py --save-oof`` (docs/candidates.md
"Session 28 (geogate28)"): no block is answered by a selector that saw it, a known turn is
recovered, no signal leaves the answer unturned."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import load_script

import trajlm.eval.selector_oof as selector_oof
from trajlm.eval.candidates import CandidateSet
from trajlm.eval.heading_head import (
    fit_heading,
    gate_features,
    heading_angle,
    oracle_angle,
    rotate_answer,
    shrink_answer,
)
from trajlm.eval.stop_head import FEATURES


def _cs(n: int, split: str = "train") -> CandidateSet:
    rng = np.random.default_rng(0)
    return CandidateSet(cands=rng.normal(size=(n, 3, 5, 2)), kind=np.arange(3),
                        cand_feats=rng.normal(size=(n, 3, 4)), query_feats=rng.normal(size=(n, 2)),
                        last=rng.normal(size=(n, 2)), groups=np.arange(n) // 2,
                        source=np.full((n, 3), -1), split=split, scale=np.ones(n))  # fmt: skip


def test_block_oof_answers_each_block_with_a_selector_that_never_saw_it(monkeypatch):
    train, blocks = _cs(12), np.repeat([0, 1, 2], 4)
    trained_on = []

    def fake_fit(cs, target, val, val_target, config, seed):
        trained_on.append(set(cs.groups.tolist()))
        assert len(target) == len(cs.cands) and seed == 7
        return set(cs.groups.tolist()), {"val_ade": 0.0, "train_s": 0.0}

    def fake_predict(model, cs):  # answers 1 where the row's trip was seen in training, else 0
        seen = np.array([g in model for g in cs.groups], float)
        return np.broadcast_to(seen[:, None, None], (len(cs.cands), 5, 2)).copy()

    monkeypatch.setattr(selector_oof, "fit_selector", fake_fit)
    monkeypatch.setattr(selector_oof, "predict_selector", fake_predict)
    got = selector_oof.block_oof(train, np.zeros((12, 5, 2)), blocks, _cs(3, "val"),
                                 np.zeros((3, 5, 2)), seed=7)  # fmt: skip
    assert len(trained_on) == 3 and (got == 0).all()  # no row answered by a selector that saw it
    assert all(len(s) == 4 for s in trained_on)  # each fit holds the other two blocks' trips
    sub = selector_oof.subset(train, blocks == 1)
    assert len(sub.cands) == len(sub.scale) == len(sub.source) == len(sub.groups) == 4
    with pytest.raises(ValueError, match="at least 2 blocks"):
        selector_oof.block_oof(train, np.zeros((12, 5, 2)), np.zeros(12), _cs(3, "val"), np.zeros((3, 5, 2)))  # fmt: skip
    with pytest.raises(ValueError, match="12 train windows"):
        selector_oof.block_oof(train, np.zeros((12, 5, 2)), blocks[:5], _cs(3, "val"), np.zeros((3, 5, 2)))  # fmt: skip


def _walk(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """n eastward histories of 8 fixes, 10 m / 15 s, and their last points."""
    xy = np.tile(np.c_[np.arange(8) * 10.0, np.zeros(8)][None], (n, 1, 1))
    t = np.tile(np.arange(8) * 15.0, (n, 1))
    return xy, t, np.full(n, 8), xy[:, -1]


def test_gate_features_read_the_answer_and_kNN_apart():
    xy, t, lengths, last = _walk(2)
    asked = t[:, -1:] + 15.0 * np.arange(1, 6)[None]
    go = last[:, None] + np.c_[np.arange(1, 6) * 10.0, np.zeros(5)][None]
    answer = shrink_answer(last, go, np.array([1.0, 0.5]))
    np.testing.assert_allclose(answer[1, -1] - last[1], [25.0, 0.0])
    f = gate_features(xy, t, lengths, asked, answer, go)
    assert f.shape == (2, len(FEATURES) + 1)
    np.testing.assert_allclose(f[:, FEATURES.index("knn_disp_m")], [50.0, 25.0])  # the answer's
    np.testing.assert_allclose(f[:, -1], [50.0, 50.0])  # kNN's own


def test_heading_fit_recovers_a_known_turn_and_keeps_a_straight_answer():
    rng = np.random.default_rng(1)
    n = 60
    last = rng.normal(size=(n, 2)) * 100
    answer = last[:, None] + np.c_[np.arange(1, 6) * 10.0, np.zeros(5)][None]
    inputs = np.c_[rng.uniform(-0.3, 0.3, n), rng.uniform(-0.5, 0.5, n)]
    turned = rotate_answer(last, answer, heading_angle(inputs, 2.0, -0.5))
    np.testing.assert_allclose(np.linalg.norm(turned - last[:, None], axis=-1), np.linalg.norm(answer - last[:, None], axis=-1))  # fmt: skip
    assert fit_heading(last, answer, turned, inputs) == (2.0, -0.5)
    assert fit_heading(last, answer, answer, inputs) == (0.0, 0.0)  # no signal: unturned
    assert fit_heading(last[:0], answer[:0], answer[:0], inputs[:0]) == (0.0, 0.0)
    quarter = rotate_answer(last[:1], answer[:1], np.array([np.pi / 2]))
    np.testing.assert_allclose(quarter[0, 0] - last[0], [0.0, 10.0], atol=1e-9)
    target = rotate_answer(last, answer, np.full(n, np.deg2rad(20.0)))
    np.testing.assert_allclose(oracle_angle(last, answer, target), np.deg2rad(20.0))


def test_scripts_refuse_before_any_work(tmp_path):
    gate = load_script("geogate28", "gate_arms.py")
    results = load_script("candidate_results.py")
    taken = tmp_path / "taken.npz"
    taken.write_bytes(b"")
    base = ["--data", str(tmp_path), "--oof", str(taken), "--out", str(tmp_path / "o.md")]
    for argv in (base + ["--arms", "nonsense"], base + ["--stage", "test", "--arms", "G28 gate on OOF answers"],
                 base + ["--out", str(taken)]):  # fmt: skip
        with pytest.raises(SystemExit) as e:
            gate.main(argv)
        assert e.value.code == 2
    for extra in (
        ["--save-oof", str(taken)],
        ["--save-oof", str(tmp_path / "n.npz"), "--oof-blocks", "1"],
    ):
        with pytest.raises(SystemExit) as e:
            results.main(["--data", str(tmp_path), "--out", str(tmp_path / "r.json"), *extra])
        assert e.value.code == 2
