"""Masking strategies: shapes, invariants (first/last kept, ratios, run lengths), no-leak features."""

import pytest
import torch

from trajlm.model.embedding import build_features, identity_stats
from trajlm.objectives import masking as mk


def _mask(lengths=(40, 25, 3), T=40) -> torch.Tensor:
    return torch.arange(T)[None] < torch.tensor(lengths)[:, None]


def _gen(seed=0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _ends_kept(dm: mk.DomainMask, mask: torch.Tensor) -> None:
    last = mask.sum(1) - 1
    rows = torch.arange(mask.shape[0])
    assert not dm.any[:, 0].any()
    assert not dm.any[rows, last].any()
    assert not (dm.any & ~mask).any(), "padding is never hidden"


@pytest.mark.parametrize("domains", ["space", "time", "both"])
def test_random_points_count_and_domains(domains):
    mask = _mask()
    dm = mk.random_points(mask, 0.5, _gen(), domains=domains)
    assert dm.space.shape == dm.time.shape == mask.shape and dm.space.dtype == torch.bool
    _ends_kept(dm, mask)
    hidden = dm.space if domains != "time" else dm.time
    n_int = (mask.sum(1) - 2).clamp_min(0)
    assert torch.equal(hidden.sum(1), torch.round(0.5 * n_int.float()).long())
    if domains == "space":
        assert not dm.time.any()
    if domains == "both":
        assert torch.equal(dm.space, dm.time)
    # deterministic from the generator, different for another seed
    assert torch.equal(mk.random_points(mask, 0.5, _gen(), domains=domains).space, dm.space)
    assert not torch.equal(mk.random_points(mask, 0.5, _gen(1), domains=domains).any, dm.any)


def test_contiguous_segments_ratio_and_geometric_lengths():
    mask = torch.ones(400, 64, dtype=torch.bool)
    dm = mk.contiguous_segments(mask, 0.4, mean_len=5.0, generator=_gen())
    _ends_kept(dm, mask)
    h = dm.both[:, 1:-1]
    assert abs(h.float().mean().item() - 0.4) < 0.04
    # run lengths: starts = hidden after visible; mean run length ~ 5 (truncated by row ends)
    starts = h[:, 1:] & ~h[:, :-1]
    mean_run = h.sum().item() / (starts.sum().item() + h[:, 0].sum().item())
    assert 3.8 < mean_run < 5.5


def test_downsample_keeps_every_kth_and_ends():
    mask = _mask((17, 9), T=17)
    dm = mk.downsample(mask, 4)
    kept = mask & ~dm.space
    assert kept[0].nonzero().flatten().tolist() == [0, 4, 8, 12, 16]
    assert kept[1].nonzero().flatten().tolist() == [0, 4, 8]
    assert not dm.time.any()


def test_feature_wise_hides_one_domain_per_point():
    mask = _mask()
    dm = mk.feature_wise(mask, 0.6, _gen())
    assert not dm.both.any()
    assert dm.space.any() and dm.time.any()
    _ends_kept(dm, mask)


def test_task_masks():
    mask = _mask((10, 6, 2), T=10)
    f = mk.future(mask, torch.tensor([7, 3, 1]))
    assert f.both.sum(1).tolist() == [3, 3, 1] and torch.equal(f.space, f.time)
    known = torch.ones_like(mask)
    known[0, 4] = known[1, 2] = False
    r = mk.interior(mask, known)
    assert r.space.sum().item() == 2 and not r.time.any()
    o = mk.od(mask)
    assert o.space.sum(1).tolist() == [8, 4, 0]  # interior
    assert o.time.sum(1).tolist() == [9, 5, 1]  # interior + destination time
    assert not o.any[:, 0].any()


def test_token_types():
    mask = _mask((6,), T=6)
    dm = mk.DomainMask(
        torch.tensor([[False, True, False, False, True, False]]),
        torch.tensor([[False, False, False, True, True, False]]),
    )
    assert dm.token_type(mask).tolist() == [[0, 1, 6, 2, 3, 6]]


def test_mask_features_zero_everything_that_reads_a_hidden_value():
    """Perturbing hidden positions / times changes no masked feature (no leak)."""
    g = _gen(3)
    B, T = 4, 20
    mask = _mask((20, 15, 9, 5), T=T)
    pos = torch.randn(B, T, 2, generator=g).cumsum(1) * 50
    t = (5 + 20 * torch.rand(B, T, generator=g)).cumsum(1)
    t0 = torch.full((B,), 1_700_000_000)
    dm = mk.feature_wise(mask, 0.5, g)
    dm = mk.DomainMask(dm.space | mk.random_points(mask, 0.3, g).space, dm.time)
    stats = identity_stats()
    f = mk.mask_features(build_features(pos, t, t0, mask, stats), mask, dm)
    pos2 = pos + dm.space[..., None] * torch.randn(B, T, 2, generator=g) * 500
    t2 = t + dm.time * torch.rand(B, T, generator=g) * 3000
    f2 = mk.mask_features(build_features(pos2, t2, t0, mask, stats), mask, dm)
    assert torch.equal(f, f2)
    vt, vt2 = mk.visible_time(t, mask, dm), mk.visible_time(t2, mask, dm)
    assert torch.equal(vt, vt2)
