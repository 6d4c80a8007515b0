"""L2-SP (trajlm.train.l2sp): the pull toward the starting weights in the contrastive fine-tune."""

from __future__ import annotations

import copy

import pytest
import torch
from test_embed import _model, _table

from trajlm.tasks.contrastive import ContrastiveConfig, ContrastivePairs, fit_contrastive
from trajlm.train.l2sp import L2SP


def test_penalty_is_zero_at_the_anchor_and_half_weight_squared_distance_after():
    net = torch.nn.Linear(3, 2)
    pull = L2SP(net, weight=0.5)
    assert float(pull.penalty(net).detach()) == 0.0
    with torch.no_grad():
        net.weight.add_(1.0)  # 6 weights moved by 1
        net.bias.sub_(2.0)  # 2 biases moved by 2
    p = pull.penalty(net)
    assert float(p.detach()) == pytest.approx(0.5 * 0.5 * (6 * 1.0 + 2 * 4.0))
    p.backward()  # gradient = weight * (theta - theta_0)
    assert torch.allclose(net.bias.grad, torch.full((2,), -1.0))
    with pytest.raises(ValueError, match=">= 0"):
        L2SP(net, weight=-1.0)


def test_contrastive_loss_adds_the_pull_only_when_asked():
    df = _table(n_traj=8, n_pts=40, seed=1)
    model = _model(df)
    plain = ContrastivePairs(df, model, ContrastiveConfig(n_points=16, batch_size=8))
    pulled = ContrastivePairs(df, model, ContrastiveConfig(n_points=16, batch_size=8, l2sp=10.0))
    batch = next(plain.batches(0))
    with torch.no_grad():
        next(model.parameters()).add_(0.1)  # away from the anchor taken above
    torch.manual_seed(0)
    a, parts_a = plain.loss(model, batch, 0)
    torch.manual_seed(0)
    b, parts_b = pulled.loss(model, batch, 0)
    assert parts_a == {} and parts_b["l2sp"] > 0
    assert float((b - a).detach()) == pytest.approx(parts_b["l2sp"], rel=1e-4)


def test_a_strong_pull_keeps_the_fine_tune_near_its_start():
    df = _table(n_traj=8, n_pts=20, seed=3)
    start = _model(df)
    drift = {}
    for w in (0.0, 100.0):
        model = copy.deepcopy(start)
        cfg = ContrastiveConfig(epochs=2, batch_size=4, lr=3e-3, n_points=8, l2sp=w)
        fit_contrastive(model, df, None, cfg)
        drift[w] = float(L2SP(start, weight=2.0).penalty(model).detach())  # sum of squares
    assert 0 < drift[100.0] < 0.5 * drift[0.0]


def test_similarity_premise_parses_the_l2sp_option():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scripts" / "similarity_premise.py"
    spec = importlib.util.spec_from_file_location("similarity_premise", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.parse_config("1e-3:0.1:32:final:aug:l2sp0.5", 1).l2sp == 0.5
    assert mod.parse_config("1e-3:0.1:32:final:aug", 1).l2sp == 0.0
    with pytest.raises(ValueError):
        mod.parse_config("1e-3:0.1:32:final:l2", 0)
