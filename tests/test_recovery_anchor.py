"""Spline anchors for recovery (docs/recovery.md): the vectorized Akima / PCHIP equals scipy,
an untrained spline-anchor model recovers exactly like the spline baseline, nothing leaks."""

import numpy as np
import pytest
import torch
from helpers import STATS
from helpers import make_batch as _make_batch

from trajlm.data.features import LocalProjection
from trajlm.data.protocol_tasks import RecoveryTask
from trajlm.eval.baselines import CubicSplineInterpolation, LinearInterpolation
from trajlm.eval.metrics import point_errors
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.objectives import masking as mk
from trajlm.objectives.infill import build_infill, infill_forward, infill_loss
from trajlm.objectives.spline import spline_anchor, spline_per_trajectory
from trajlm.tasks.recover import ModelRecoverer

scipy_interp = pytest.importorskip("scipy.interpolate")


def _rows(B=48, T=30, seed=0):
    rng = np.random.default_rng(seed)
    t = np.cumsum(rng.uniform(1, 30, (B, T)), 1)
    t[:, 0] = 0
    pos = np.cumsum(rng.normal(0, 50, (B, T, 2)), 1)
    pos[:4] = np.round(pos[:4] / 200) * 200  # flat stretches: Akima's 0/0 slope rule
    nodes = rng.random((B, T)) < 0.5
    nodes[:, 0] = True
    nodes[5] = False
    nodes[5, [0, 4, 9]] = True  # exactly 3 nodes
    nodes[6] = False
    nodes[6, [0, 7]] = True  # 2 nodes: no spline (linear fallback)
    return pos, t, nodes


@pytest.mark.parametrize("kind", ["akima", "pchip"])
def test_spline_anchor_equals_scipy(kind):
    pos, t, nodes = _rows()
    make = {"akima": scipy_interp.Akima1DInterpolator, "pchip": scipy_interp.PchipInterpolator}
    val, ok = spline_anchor(torch.tensor(pos), torch.tensor(t), torch.tensor(nodes),
                            torch.tensor(~nodes), kind)  # fmt: skip
    val, ok = val.numpy(), ok.numpy()
    checked = 0
    for b in range(len(t)):
        kn = nodes[b]
        if kn.sum() < 3:
            assert not ok[b].any()
            continue
        inside = ~kn & (t[b] >= t[b][kn][0]) & (t[b] <= t[b][kn][-1])
        assert (ok[b] == inside).all()  # undefined after the last node: the caller's linear
        ref = make[kind](t[b][kn], pos[b][kn], axis=0)(t[b][inside])
        np.testing.assert_allclose(val[b][inside], ref, atol=1e-8)
        checked += inside.sum()
    assert checked > 300


def _task(n_traj=12, seed=0) -> RecoveryTask:
    """Trips of 20..70 points (some longer than the model's max_len: chunked), 50 % hidden."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(20, 70, n_traj)
    groups = np.repeat(np.arange(n_traj), lengths)
    t = np.concatenate([1.7e9 + np.cumsum(rng.uniform(10, 20, n)) for n in lengths])
    heading = np.concatenate([np.cumsum(rng.normal(0, 0.3, n)) for n in lengths])
    step = rng.uniform(50, 150, len(t))
    x = np.concatenate([np.cumsum((step * np.cos(heading))[groups == g]) for g in range(n_traj)])
    y = np.concatenate([np.cumsum((step * np.sin(heading))[groups == g]) for g in range(n_traj)])
    proj = LocalProjection(41.15, -8.61)
    lat, lon = proj.inverse(x, y)
    first = np.r_[True, groups[1:] != groups[:-1]]
    last = np.r_[groups[1:] != groups[:-1], True]
    known = (rng.random(len(t)) < 0.5) | first | last
    return RecoveryTask("random 50%", groups, t, np.stack([lat, lon], 1), known)


@pytest.mark.parametrize("kind", ["akima", "pchip"])
def test_untrained_spline_model_is_the_spline_baseline(kind):
    """Zero-initialized offset head: recovery == CubicSplineInterpolation(kind) to float32
    round-off, also for trips longer than max_len (the anchor is taken on whole trips)."""
    torch.manual_seed(0)
    model = TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32,
                                        stats=STATS, infill_heads=True, infill_anchor_inputs=True,
                                        infill_anchor=kind))  # fmt: skip
    task = _task()
    assert (np.bincount(task.groups) > 32).any()  # chunked trips are covered
    proj = LocalProjection(41.15, -8.61)
    rec = ModelRecoverer(model, projection=proj).recover(task)
    xy = task.xy(proj)
    ref_xy = CubicSplineInterpolation(kind).predict(task.t, xy, task.known, task.groups)
    ref = np.stack(proj.inverse(ref_xy[:, 0], ref_xy[:, 1]), 1)
    hidden = ~task.known
    err = point_errors(rec[hidden], ref[hidden])
    assert err.max() < 0.05  # metres (float32 positions)
    lin_xy = LinearInterpolation().predict(task.t, xy, task.known, task.groups)
    lin = np.stack(proj.inverse(lin_xy[:, 0], lin_xy[:, 1]), 1)
    assert point_errors(lin[hidden], ref[hidden]).mean() > 1.0  # the test can tell them apart


def test_spline_anchor_is_leak_free_and_trainable():
    """Hidden positions do not change the corrupted part's inputs; the head gets gradient."""
    torch.manual_seed(0)
    model = TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32,
                                        stats=STATS, infill_heads=True, infill_anchor_inputs=True,
                                        infill_anchor="akima", recovery_gate=True))  # fmt: skip
    assert float(model.infill_head.mean.weight.detach().abs().sum()) == 0.0
    batch = _make_batch(3, 16, (16, 12, 9), 0)
    g = torch.Generator().manual_seed(2)
    dm = mk.random_points(batch["mask"], 0.5, g, domains="space")
    kw = dict(anchor_inputs=True, anchor_kind="akima")
    ib = build_infill(batch, dm, model.embed.stats, spans=False, **kw)
    lin = build_infill(batch, dm, model.embed.stats, spans=False, anchor_inputs=True)
    assert not torch.allclose(ib.anchor, lin.anchor)  # the spline moved some anchors
    pert = dict(batch, pos=batch["pos"] + dm.space[..., None] * 500.0)
    ib2 = build_infill(pert, dm, model.embed.stats, spans=False, **kw)
    assert torch.equal(ib.feats, ib2.feats) and torch.equal(ib.anchor, ib2.anchor)
    loss, _ = infill_loss(model, ib)
    loss.backward()
    assert model.infill_head.mean.weight.grad.abs().sum() > 0
    assert torch.isfinite(infill_forward(model, ib).infill_mean).all()


def test_spline_per_trajectory_marks_undefined_points_nan():
    t = np.arange(8.0)
    xy = np.stack([t**2, t], 1)
    known = np.array([1, 0, 1, 0, 0, 1, 0, 1], bool)
    groups = np.zeros(8, int)
    out = spline_per_trajectory(xy, t, known, groups, "akima")
    assert np.isnan(out[known]).all() and np.isfinite(out[~known]).all()
    two = spline_per_trajectory(xy, t, np.array([1, 0, 0, 0, 0, 0, 0, 1], bool), groups, "akima")
    assert np.isnan(two).all()  # < 3 known points: the model keeps its linear anchor


def test_old_configs_load_with_the_linear_anchor():
    cfg = ModelConfig.from_dict({"d_model": 16, "n_layers": 1, "n_heads": 2})
    assert cfg.infill_anchor == "linear" and not cfg.recovery_gate
    with pytest.raises(ValueError, match="infill_anchor"):
        ModelConfig(infill_anchor="cubic")
