"""Anchor by gap length (issue 15, docs/recovery.md): ``infill_anchor = "auto"`` is Akima over
gaps of at most ``infill_anchor_gap_s`` seconds and linear beyond; an untrained "auto" model
recovers exactly like the matching baseline ``GapSwitchedInterpolation``."""

import numpy as np
import pytest
import torch
from helpers import STATS
from helpers import make_batch as _make_batch
from test_recovery_anchor import _rows, _task

from trajlm.baselines import GapSwitchedInterpolation
from trajlm.data.features import LocalProjection
from trajlm.eval.baselines import CubicSplineInterpolation, LinearInterpolation
from trajlm.eval.metrics import point_errors
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.objectives import masking as mk
from trajlm.objectives.infill import build_infill
from trajlm.objectives.spline import gap_seconds
from trajlm.tasks.recover import ModelRecoverer

pytest.importorskip("scipy.interpolate")


def test_gap_seconds_is_the_time_between_the_nodes_around_each_point():
    pos, t, nodes = _rows()
    gap = gap_seconds(torch.tensor(t), torch.tensor(nodes)).numpy()
    for b in range(len(t)):
        for i in range(t.shape[1]):
            before = np.flatnonzero(nodes[b, : i + 1])
            after = np.flatnonzero(nodes[b, i:])
            want = np.inf if not len(after) else t[b, i + after[0]] - t[b, before[-1]]
            assert gap[b, i] == want


def _lat_lon(proj, xy):
    return np.stack(proj.inverse(xy[:, 0], xy[:, 1]), 1)


def test_gap_switched_baseline_takes_akima_on_short_gaps_and_linear_on_long():
    task, proj = _task(), LocalProjection(41.15, -8.61)
    xy = task.xy(proj)
    args = (task.t, xy, task.known, task.groups)
    out = GapSwitchedInterpolation(gap_s=40.0).fit().predict(*args)
    akima = CubicSplineInterpolation("akima").predict(*args)
    linear = LinearInterpolation().predict(*args)
    i = np.arange(len(task.t))
    prev = np.maximum.accumulate(np.where(task.known, i, -1))
    nxt = np.minimum.accumulate(np.where(task.known, i, len(i))[::-1])[::-1]
    short = ~task.known & (task.t[nxt] - task.t[prev] <= 40.0)
    long = ~task.known & ~short
    assert short.sum() > 20 and long.sum() > 20  # both branches are exercised
    np.testing.assert_allclose(out[short], akima[short])
    np.testing.assert_allclose(out[long], linear[long])
    assert np.abs(akima[long] - linear[long]).max() > 1.0  # the branches differ there
    with pytest.raises(ValueError, match="kind"):
        GapSwitchedInterpolation(long="cubicle").fit()
    assert GapSwitchedInterpolation().name == "akima <= 180 s, else linear"


def test_untrained_auto_model_is_the_gap_switched_baseline():
    """Zero-initialized offset head: recovery == GapSwitchedInterpolation with the model's
    threshold, to float32 round-off (chunked trips included), and differs from pure Akima
    and pure linear, so the test can tell the anchors apart."""
    torch.manual_seed(0)
    model = TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32,
                                        stats=STATS, infill_heads=True, infill_anchor_inputs=True,
                                        infill_anchor="auto", infill_anchor_gap_s=40.0))  # fmt: skip
    task, proj = _task(), LocalProjection(41.15, -8.61)
    assert (np.bincount(task.groups) > 32).any()  # chunked trips are covered
    rec = ModelRecoverer(model, projection=proj).recover(task)
    args = (task.t, task.xy(proj), task.known, task.groups)
    hidden = ~task.known
    ref = _lat_lon(proj, GapSwitchedInterpolation(gap_s=40.0).predict(*args))
    assert point_errors(rec[hidden], ref[hidden]).max() < 0.05  # metres
    for other in (CubicSplineInterpolation("akima"), LinearInterpolation()):
        far = point_errors(rec[hidden], _lat_lon(proj, other.predict(*args))[hidden])
        assert far.max() > 1.0


def test_auto_anchor_in_build_infill_switches_by_gap():
    batch = _make_batch(3, 16, (16, 12, 9), 0)
    g = torch.Generator().manual_seed(2)
    dm = mk.random_points(batch["mask"], 0.5, g, domains="space")
    kw = dict(spans=False, anchor_inputs=True)
    auto = build_infill(batch, dm, STATS, anchor_kind="auto", anchor_gap_s=1e9, **kw).anchor
    akima = build_infill(batch, dm, STATS, anchor_kind="akima", **kw).anchor
    lin = build_infill(batch, dm, STATS, **kw).anchor
    assert torch.equal(auto, akima) and not torch.equal(akima, lin)
    tiny_gap = build_infill(batch, dm, STATS, anchor_kind="auto", anchor_gap_s=1e-6, **kw)
    assert torch.equal(tiny_gap.anchor, lin)  # every gap is long: all linear


def test_gap_config_defaults_and_errors():
    cfg = ModelConfig.from_dict({"d_model": 16, "n_layers": 1, "n_heads": 2})
    assert cfg.infill_anchor_gap_s == 180.0 and cfg.infill_anchor == "linear"
    assert ModelConfig(infill_anchor="auto").infill_anchor == "auto"
    with pytest.raises(ValueError, match="infill_anchor_gap_s"):
        ModelConfig(infill_anchor="auto", infill_anchor_gap_s=0)
