"""Contrastive pretraining from the start (session 19, issue 14's premise):
trajlm/objectives/trip_contrast.py and NextPointTripContrast (trajlm/train/objectives.py)."""

from __future__ import annotations

import pytest
import torch
from test_embed import _model, _table, _windows

from trajlm.objectives.trip_contrast import (
    TripContrastConfig,
    info_nce,
    pooled,
    trip_contrast_loss,
    two_views,
)
from trajlm.train.objectives import NextPoint, NextPointTripContrast, Objective, step_generator


def _batch(n_traj: int = 6, n_pts: int = 20) -> tuple[dict, torch.nn.Module]:
    df = _table(n_traj=n_traj, n_pts=n_pts, seed=3)
    model = _model(df)
    return _windows(df, model, 64), model


def _points(batch: dict, row: int) -> set[tuple[float, float]]:
    m = batch["mask"][row].bool()
    return {tuple(p) for p in batch["pos"][row][m].tolist()}


def test_plain_views_are_disjoint_halves_of_each_window_rebased():
    batch, _ = _batch()
    cfg = TripContrastConfig(crop_min=1.0, noise_max_m=0.0, max_shift_s=0.0)
    va, vb = two_views(batch, cfg, torch.Generator().manual_seed(0))
    for r in range(len(batch["mask"])):
        a, b, whole = _points(va, r), _points(vb, r), _points(batch, r)
        assert a and b and not a & b and a | b == whole  # the coin split, nothing lost
        for v in (va, vb):
            n = int(v["mask"][r].sum())
            assert v["mask"][r, :n].all() and not v["mask"][r, n:].any()  # points at the front
            assert v["t"][r, 0] == 0 and (v["t"][r, 1:n].diff() >= 0).all()  # time re-based
            # t0 moved to the view's first point: absolute clocks are kept
            first = batch["t"][r][batch["mask"][r].bool()]
            assert int(v["t0"][r]) - int(batch["t0"][r]) in set(first.round().long().tolist())


def test_augmented_views_crop_noise_and_shift_within_their_ranges():
    batch, _ = _batch(n_traj=8, n_pts=40)
    cfg = TripContrastConfig(crop_min=0.5, noise_max_m=50.0, max_shift_s=3600.0)
    plain = TripContrastConfig(crop_min=1.0, noise_max_m=0.0, max_shift_s=0.0)
    va, _ = two_views(batch, cfg, torch.Generator().manual_seed(1))
    pa, _ = two_views(batch, plain, torch.Generator().manual_seed(1))  # same coin flips
    n, n_plain = va["mask"].sum(1), pa["mask"].sum(1)
    assert (n >= (0.5 * n_plain).floor()).all() and (n <= n_plain).all() and (n < n_plain).any()
    shift = va["t0"] - pa["t0"]  # the crop moves t0 by >= 0 s, the clock shift by <= 1 h
    assert (shift >= 0).all() and (shift > 0).any()
    assert not torch.equal(va["pos"], pa["pos"])  # noised
    assert (va["pos"][~va["mask"]] == 0).all()  # padding stays zero


def test_views_are_a_pure_function_of_the_generator():
    batch, _ = _batch()
    cfg = TripContrastConfig()
    one = two_views(batch, cfg, step_generator(0, 7))
    two = two_views(batch, cfg, step_generator(0, 7))
    other = two_views(batch, cfg, step_generator(0, 8))
    for k in ("pos", "t", "t0", "mask"):
        assert torch.equal(one[0][k], two[0][k]) and torch.equal(one[1][k], two[1][k])
    assert not torch.equal(one[0]["pos"], other[0]["pos"])


def test_info_nce_and_pooling():
    z = torch.nn.functional.normalize(
        torch.randn(8, 16, generator=torch.Generator().manual_seed(0)), dim=-1
    )
    assert float(info_nce(z, z, 0.05)) < float(info_nce(z, z.roll(1, 0), 0.05))
    h = torch.randn(2, 4, 3)
    mask = torch.tensor([[1, 1, 0, 0], [1, 1, 1, 1]], dtype=torch.bool)
    out = pooled(h, mask)
    want = torch.nn.functional.normalize(h[0, :2].mean(0), dim=-1)
    torch.testing.assert_close(out[0], want)
    assert torch.allclose(out.norm(dim=-1), torch.ones(2))


def test_objective_adds_weighted_infonce_and_trains_the_backbone():
    batch, model = _batch()
    model.train()
    obj = NextPointTripContrast(TripContrastConfig(weight=0.5), seed=3)
    assert isinstance(obj, Objective)
    torch.manual_seed(0)
    loss, logs = obj.loss(model, batch, step=5)
    torch.manual_seed(0)
    nll, _ = NextPoint().loss(model, batch, 5)
    assert abs(logs["nll"] - float(nll.detach())) < 1e-5
    assert float(loss.detach()) == pytest.approx(logs["nll"] + 0.5 * logs["contrast"], rel=1e-5)
    assert 0.0 <= logs["contrast_top1"] <= 1.0
    loss.backward()
    grads = [p.grad for p in model.blocks.parameters() if p.grad is not None]
    assert grads and all(torch.isfinite(g).all() for g in grads)
    # the same step draws the same views (a resumed run): the contrastive term repeats
    model.eval()
    with torch.no_grad():
        a, _ = trip_contrast_loss(model, batch, obj.cfg, step_generator(3, 9))
        b, _ = trip_contrast_loss(model, batch, obj.cfg, step_generator(3, 9))
    assert float(a) == float(b)


def test_too_few_windows_leave_only_the_next_point_loss():
    batch, model = _batch(n_traj=1)
    model.eval()
    loss, logs = NextPointTripContrast(seed=0).loss(model, batch, 0)
    assert set(logs) == {"nll"} and float(loss.detach()) == pytest.approx(logs["nll"])


@pytest.mark.parametrize(
    "kw", [{"weight": -1.0}, {"temperature": 0.0}, {"crop_min": 0.0}, {"noise_max_m": -1.0}]
)
def test_config_refuses_bad_values(kw):
    with pytest.raises(ValueError):
        TripContrastConfig(**kw)
