"""trajlm.eval.blend: the reliability-gated blend of kNN continuation and the model (issue 15)
and scripts/gated_blend.py end to end on the synthetic city."""

import json

import numpy as np
import pytest

from trajlm.data.retrieval import Retrieved
from trajlm.eval.blend import (
    FEATURE_NAMES,
    BlendInputs,
    GatedBlend,
    blend,
    cross_fit_predict,
    reliability_features,
    row_ade,
)


def switching_problem(n: int = 300, seed: int = 0, split: str = "val") -> BlendInputs:
    """The model is right where feature 0 > 0, the base elsewhere; the other features noise."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, len(FEATURE_NAMES)))
    target = rng.normal(scale=100, size=(n, 5, 2))
    noise = lambda: rng.normal(scale=80, size=(n, 5, 2))  # noqa: E731
    good = x[:, 0] > 0
    model = np.where(good[:, None, None], target + 0.1 * noise(), target + noise())
    base = np.where(good[:, None, None], target + noise(), target + 0.1 * noise())
    groups = np.repeat(np.arange(n // 3), 3).astype(str)  # 3 windows per trip
    return BlendInputs(base, model, x, split, groups, target)


def test_blend_is_exactly_the_base_at_zero_and_the_model_at_one():
    d = switching_problem(50)
    assert np.array_equal(blend(d.base, d.model, 0.0), d.base)
    assert np.array_equal(blend(d.base, d.model, 1.0), d.model)
    w = np.r_[np.zeros(25), np.ones(25)]
    out = blend(d.base, d.model, w)
    assert np.array_equal(out[:25], d.base[:25]) and np.array_equal(out[25:], d.model[25:])


@pytest.mark.parametrize("objective", ["ade", "classify"])
def test_gate_learns_when_to_trust_the_model(objective):
    d = switching_problem()
    est = GatedBlend(alpha=0.01, objective=objective).fit(d)
    w = est.gate(d)
    assert w.min() >= 0 and w.max() <= 1
    good = d.features[:, 0] > 0
    assert w[good].mean() > 0.8 and w[~good].mean() < 0.2
    err = row_ade(est.predict(d), d.target).mean()
    assert err < 0.7 * min(row_ade(d.base, d.target).mean(), row_ade(d.model, d.target).mean())
    # extreme features still give a weight in [0, 1] (no overflow, no NaN)
    wild = BlendInputs(d.base, d.model, d.features * 1e6, "test")
    assert np.all((est.gate(wild) >= 0) & (est.gate(wild) <= 1))


def test_fit_is_deterministic_and_refuses_test_inputs():
    d = switching_problem()
    a, b = GatedBlend().fit(d), GatedBlend().fit(d)
    assert np.array_equal(a.coef_, b.coef_) and a.intercept_ == b.intercept_
    with pytest.raises(ValueError, match="val only"):
        GatedBlend().fit(switching_problem(split="test"))
    with pytest.raises(ValueError, match="'ade' or 'classify'"):
        GatedBlend(objective="mse")


def test_cross_fit_never_sees_the_scored_trajectory():
    d = switching_problem()
    rows = np.flatnonzero(d.groups == "7")
    before, _ = cross_fit_predict(GatedBlend(), d, rows)
    changed = d.subset(np.arange(len(d)))  # a copy
    changed.target = d.target.copy()
    changed.target[rows] += 1e4  # trip 7's answers: its own out-of-fold blend must not move
    after, gates = cross_fit_predict(GatedBlend(), changed, rows)
    assert np.array_equal(before, after) and np.all((gates >= 0) & (gates <= 1))


def test_reliability_features():
    n, T = 4, 6
    t = np.tile(np.arange(T) * 10.0, (n, 1))
    xy = np.cumsum(np.ones((n, T, 2)), axis=1) * 10
    xy[1, 4:] = xy[1, 3]  # trip 1: 4 points only
    lengths = np.array([6, 4, 6, 2])
    got = Retrieved(np.zeros((n, 5, 2)), np.array([5.0, np.nan, 5.0, np.nan]),
                    np.array([2.0, np.nan, 2.0, np.nan]), lengths >= 5)  # fmt: skip
    base, model = np.zeros((n, 5, 2)), np.zeros((n, 5, 2))
    model[:, -1] = [3.0, 4.0]
    f = reliability_features(xy, lengths, t, got, base, model, None)
    assert f.shape == (n, len(FEATURE_NAMES)) and np.isfinite(f).all()
    assert list(f[:, 2]) == [1, 0, 1, 0]  # found
    assert np.allclose(f[:, 7], np.log1p(5.0))  # disagreement at the k-th point
    assert np.allclose(f[0, 4], np.log1p(np.sqrt(200) / 10))  # speed m/s
    assert f[0, 5] == pytest.approx(0.0)  # straight line: no turn


@pytest.mark.slow
def test_gated_blend_script_end_to_end(tmp_path):
    from test_results_scripts import load_script

    from trajlm.data.ingest import synth_store
    from trajlm.model.config import ModelConfig
    from trajlm.train.trainer import TrainConfig, Trainer

    store = tmp_path / "synth"
    synth_store(store, n_trajectories=40, seed=2)
    runs = []
    for seed in (0, 1):
        mc = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32,
                         residual_base="constant_velocity")  # fmt: skip
        tc = TrainConfig(batch_size=4, max_len=32, max_steps=2, eval_every=2, log_every=1,
                         progress=False, cpu_threads=1, seed=seed)  # fmt: skip
        Trainer(store, tmp_path / f"r{seed}", mc, tc).fit()
        runs.append(str(tmp_path / f"r{seed}"))
    script = load_script("gated_blend")
    for split in ("val", "test"):
        out = tmp_path / f"{split}.json"
        alpha = "0.01,1" if split == "val" else "0.01"
        script.main(["--data", str(store), "--runs", ",".join(runs), "--split", split,
                     "--objective", "ade", "--alpha", alpha, "--offsets", "0,2",
                     "--out", str(out)])  # fmt: skip
        doc = json.loads(out.read_text())
        assert doc["meta"]["fit_splits"] == ["val"]
        assert doc["meta"]["fit_trajectories_in_scored_test"] == 0
        names = [r["method"] for r in doc["rows"]]
        assert names[0] == "kNN continuation" and "trajlm (2-seed ensemble)" in names
        gated = [r for r in doc["rows"] if r["method"].startswith("gated blend")]
        assert len(gated) == 2 * len(alpha.split(","))
        assert all(0 <= r["gate_mean"] <= 1 for r in gated)
        assert doc["rows"][0]["vs_knn"]["diff"] == 0.0  # kNN against itself
        assert out.with_suffix(".md").read_text().count("\n| ") >= 6
