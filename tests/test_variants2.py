"""Issue 18's second batch of variants (docs/ablations.md sections 6-10): discrete region
tokens, output patches longer than input patches, the motion-context MoE router,
trajectory-adaptive RoPE and the stability-scaled optimizer. Each: shapes, determinism, the
cached rollout against the full recompute, and its equivalence to the existing model."""

import math

import pytest
import torch
from test_generate import STATS, make_batch
from test_variants import build

from trajlm.model import ModelConfig
from trajlm.model.moe import motion_stats
from trajlm.model.regions import StepCellHead, cell_of, cell_origin, hash_cell
from trajlm.train.optim import StabilityScaledAdamW


def cached_equals_recompute(model, b, steps=6):
    cached, full = model.generate(b, steps), model.generate(b, steps, use_cache=False)
    torch.testing.assert_close(cached["pos"], full["pos"], atol=1e-4, rtol=1e-5)
    return cached


# --------------------------------------------------------------------------- region tokens


def test_cell_ids_round_trip_and_hash_to_the_vocabulary():
    xy = torch.tensor([[0.0, 0.0], [149.9, -0.1], [-250.0, 1234.5], [1e5, -3e4]])
    cell, off = cell_of(xy, 100.0)
    assert cell.tolist() == [[0, 0], [1, -1], [-3, 12], [1000, -300]]
    assert ((off >= 0) & (off < 1)).all()
    torch.testing.assert_close(cell_origin(cell, off, 100.0), xy)
    ids = hash_cell(cell, 4096)
    assert ((ids >= 0) & (ids < 4096)).all() and len(set(ids.tolist())) == 4


def test_step_cell_head_encode_decode_reconstructs_the_step():
    torch.manual_seed(0)
    head = StepCellHead(16, cell=0.5, radius=3, bias=False)
    step = torch.tensor([[0.1, -0.2], [1.7, 1.2], [-1.74, 0.0], [9.0, 0.3]])
    cls, off, inside = head.encode(step)
    assert inside.tolist() == [True, True, True, False]  # 9.0 is past 3 cells of 0.5
    assert ((cls >= 0) & (cls < 49)).all()
    torch.testing.assert_close(head.decode(cls, off)[:3], step[:3])
    # the decoded argmax with the offset of the chosen cell is what predict returns
    h = torch.randn(5, 16)
    logits, offs = head(h)
    c = logits.argmax(-1)
    torch.testing.assert_close(head.predict(h), head.decode(c, offs[torch.arange(5), c]))
    # "mean": the expectation over the cells; a confident head gives the argmax step
    every = head.decode(torch.arange(49).expand(5, 49), offs)  # (5, 49, 2)
    expect = (logits.softmax(-1)[..., None] * every).sum(1)
    torch.testing.assert_close(head.predict(h, "mean"), expect)
    with torch.no_grad():
        head.logits.weight.mul_(1e4)
    torch.testing.assert_close(head.predict(h, "mean"), head.predict(h), atol=1e-3, rtol=0)


def test_region_model_shapes_loss_rollout_and_off_by_default():
    assert build().region_emb is None and build().region_head is None
    model = build(region_cell_m=50.0, region_head_cell_m=2.0, region_head_radius=4).eval()
    b = make_batch()
    out = model(b)
    assert out.pred.shape == (4, 10, 3) and torch.isfinite(out.loss)
    # the head's decoded step is what the model outputs for (dx, dy)
    step = model.region_head.predict(out.hidden)
    torch.testing.assert_close(out.pred[..., :2], step)
    g = cached_equals_recompute(model, b)
    assert torch.equal(model.generate(b, 6)["pos"], g["pos"])
    model.train()
    model(b).loss.backward()
    assert model.region_emb.emb.weight.grad.abs().sum() > 0
    assert model.region_head.logits.weight.grad.abs().sum() > 0


def test_region_replace_drops_the_continuous_position():
    model = build(region_cell_m=1e4, region_replace=True).eval()
    b = make_batch()
    b["pos"] = b["pos"] + 100.0  # every point in cell (0, 0) of 10 km
    moved = {k: v.clone() for k, v in b.items()}
    moved["pos"] = moved["pos"] + 50.0  # same cells, different continuous positions
    assert torch.equal(cell_of(b["pos"], 1e4)[0], cell_of(moved["pos"], 1e4)[0])
    torch.testing.assert_close(model(moved).pred, model(b).pred, atol=1e-4, rtol=0)
    plain = build(region_cell_m=1e4).eval()  # added, not replaced: the position is seen
    assert (plain(moved).pred - plain(b).pred).abs().max() > 1e-4
    with pytest.raises(ValueError, match="context_features"):
        ModelConfig(region_cell_m=50.0, context_features="time+position")


# --------------------------------------------------------------- longer output patches


def test_patch_out_equal_to_patch_size_is_the_existing_patching():
    a, b_ = build(patch_size=4).eval(), build(patch_size=4, patch_out=4).eval()
    assert set(a.state_dict()) == set(b_.state_dict())
    b_.load_state_dict(a.state_dict())
    b = make_batch(lengths=(10, 9, 8, 7))
    torch.testing.assert_close(b_(b).loss, a(b).loss, atol=0, rtol=0)
    torch.testing.assert_close(b_.generate(b, 7)["pos"], a.generate(b, 7)["pos"], atol=0, rtol=0)


def test_longer_output_patches_predict_q_points_per_token():
    model = build(patch_size=2, patch_out=6).eval()
    assert model.patch_split.out_features == 6 * 32
    b = make_batch(lengths=(10, 9, 8, 7))
    out = model(b)
    assert out.pred.shape == (4, 5 * 6, 3) and torch.isfinite(out.loss)
    # causal per token: points 6.. change only the outputs of tokens 3 and 4
    b2 = {k: v.clone() for k, v in b.items()}
    b2["pos"][:, 6:] += 100.0
    torch.testing.assert_close(model(b2).pred[:, : 3 * 6], out.pred[:, : 3 * 6])
    # one pass yields 6 points: 7 steps take 2 passes, not 4
    calls = []
    hook = model.register_forward_hook(lambda *a: calls.append(1))
    g = model.generate(b, 7)
    hook.remove()
    assert g["pos"].shape == (4, 7, 2) and len(calls) == 2
    assert torch.equal(model.generate(b, 7)["pos"], g["pos"])
    # the first new point of row 0 (10 points = 5 tokens) is output 0 of token 4
    step0 = out.pred[0, 4 * 6, :2] * model.embed.stats["dxy_scale"]
    torch.testing.assert_close(g["pos"][0, 0], b["pos"][0, 9] + step0, atol=1e-4, rtol=1e-5)
    with pytest.raises(ValueError, match="patch_out"):
        ModelConfig(patch_size=4, patch_out=6)


# ------------------------------------------------------------------ motion-context router


def test_motion_stats_are_causal_and_match_their_definition():
    steps = torch.tensor([[[1.0, 0.0, 0.1], [0.0, 1.0, 0.2], [0.0, 0.0, 0.0], [0.0, -2.0, 0.3]]])
    m = motion_stats(steps, window=2, dwell=0.1, clamp=25.0)  # (1, 4, 5)
    assert m.shape == (1, 4, 5)
    # point 1: steps 0 and 1 (lengths 1, 1), turn 90 degrees, no dwell, mean dt 0.15
    torch.testing.assert_close(m[0, 1], torch.tensor([1.0, 0.0, math.pi / 4, 0.0, 0.15]))
    # point 3: steps 2 (zero: dwell) and 3 (length 2); turns 0 (a zero step has none)
    torch.testing.assert_close(m[0, 3], torch.tensor([1.0, 1.0, 0.0, 0.5, 0.15]))
    later = steps.clone()
    later[0, 3] = 9.0
    assert torch.equal(motion_stats(later, 2, 0.1, 25.0)[0, :3], m[0, :3])


def test_motion_router_with_one_expert_equals_dense():
    dense = build().eval()
    moe = build(moe_experts=1, moe_router="motion", moe_gate_prob=True).eval()
    state = {k.replace("mlp.", "mlp.experts.0."): v for k, v in dense.state_dict().items()}
    state |= {k: v for k, v in moe.state_dict().items() if "router" in k}
    moe.load_state_dict(state)
    b = make_batch()
    torch.testing.assert_close(moe(b).pred, dense(b).pred, atol=1e-6, rtol=0)


def test_motion_router_routes_on_motion_learns_and_rolls_out():
    model = build(moe_experts=4, moe_top_k=1, moe_router="motion", moe_gate_prob=True)
    layer = model.blocks[0].mlp
    assert layer.router.in_features == 5
    b = make_batch()
    model.train()
    model(b).loss.backward()
    assert layer.router.weight.grad.abs().sum() > 0  # the prob gate passes the task loss
    with torch.no_grad():
        layer.router.weight.normal_()  # a router that actually discriminates
    model.eval()
    cached_equals_recompute(model, b, steps=8)
    plain = build(moe_experts=4, moe_top_k=1, moe_gate_prob=False).train()
    plain(b).loss.backward()  # renormalized top-1 weight is 1: only the aux loss moves it
    aux_only = plain.blocks[0].mlp.router.weight.grad.clone()
    plain.zero_grad()
    plain.config.moe_aux_weight = 0.0
    plain(b).loss.backward()
    task_only = plain.blocks[0].mlp.router.weight.grad.abs().sum()  # w / w.sum() rounding
    assert aux_only.abs().sum() > 0 and task_only < 1e-5 * aux_only.abs().sum()


# ---------------------------------------------------------- trajectory-adaptive positions


def test_adaptive_rope_at_mix_0_is_index_rope():
    rope, adaptive = build().eval(), build(pos_type="rope_adaptive", rope_adaptive_mix=0.0)
    adaptive.load_state_dict(rope.state_dict())
    adaptive.eval()
    b = make_batch()
    torch.testing.assert_close(adaptive(b).pred, rope(b).pred, atol=1e-6, rtol=0)
    torch.testing.assert_close(adaptive.generate(b, 6)["pos"], rope.generate(b, 6)["pos"])


def test_adaptive_rope_follows_distance_and_rolls_out():
    model = build(pos_type="rope_adaptive", rope_adaptive_mix=1.0).eval()
    b = make_batch()
    out = model(b)
    assert torch.isfinite(out.loss) and not torch.allclose(out.pred, build().eval()(b).pred)
    cached_equals_recompute(model, b, steps=8)
    # mix 1, a trajectory that stands still: every token at position 0 (no distance)
    still = {k: v.clone() for k, v in b.items()}
    still["pos"][:] = 5.0
    _, dist = model.trajectory_context(model.embed.features(still["pos"], still["t"],
                                                             still["t0"], still["mask"]))  # fmt: skip
    assert dist.abs().max() == 0
    with pytest.raises(ValueError, match="rope_adaptive_mix"):
        ModelConfig(pos_type="rope_adaptive", rope_adaptive_mix=1.5)


# --------------------------------------------------------------------- guided optimizer


def _train(opt_factory, steps=6):
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    opt = opt_factory(net.parameters())
    x, y = torch.randn(32, 4), torch.randn(32, 1)
    for _ in range(steps):
        opt.zero_grad()
        (net(x) - y).square().mean().backward()
        opt.step()
    return net, opt


def test_guided_optimizer_with_scale_1_equals_adamw():
    kw = dict(lr=1e-2, betas=(0.9, 0.95), weight_decay=0.05)
    a, _ = _train(lambda p: torch.optim.AdamW(p, **kw))
    g, _ = _train(lambda p: StabilityScaledAdamW(p, fixed_scale=1.0, **kw))
    for pa, pg in zip(a.parameters(), g.parameters(), strict=True):
        assert torch.equal(pa, pg)


def test_guided_optimizer_scales_by_stability_and_saves_it():
    kw = dict(lr=1e-2, betas=(0.9, 0.95))
    net, opt = _train(lambda p: StabilityScaledAdamW(p, **kw), steps=20)
    s = opt.param_groups[0]["stability"]
    assert 0 < s <= 1  # full-batch gradients on a smooth loss agree with the momentum
    assert opt.last_scale == pytest.approx(min(1.5, 1 + 0.5 * s))
    assert opt.param_groups[0]["lr"] == 1e-2  # the scale is applied per step, then undone
    state = opt.state_dict()
    fresh = StabilityScaledAdamW(net.parameters(), **kw)
    fresh.load_state_dict(state)
    assert fresh.param_groups[0]["stability"] == s
    a, _ = _train(lambda p: StabilityScaledAdamW(p, **kw), steps=20)
    assert all(torch.equal(x, y) for x, y in zip(a.parameters(), net.parameters(), strict=True))


def test_trainer_builds_the_guided_optimizer_from_the_config():
    from trajlm.train.config import TrainConfig
    from trajlm.train.optim import adamw

    model = build()
    assert type(adamw(model, TrainConfig())) is torch.optim.AdamW
    opt = adamw(model, TrainConfig(optimizer="guided", guided_strength=0.25))
    assert isinstance(opt, StabilityScaledAdamW) and opt.strength == 0.25
    with pytest.raises(ValueError, match="optimizer"):
        TrainConfig(optimizer="sgd")


def test_new_fields_default_off():
    cfg = ModelConfig(stats=STATS)
    assert (cfg.patch_out, cfg.moe_router, cfg.region_cell_m, cfg.region_head_cell_m) == (
        0, "token", 0.0, 0.0)  # fmt: skip
    assert cfg.pos_type == "rope" and not cfg.moe_gate_prob


@pytest.mark.parametrize(
    "extra", [{"moe_router": "motion", "moe_experts": 2}, {"pos_type": "rope_adaptive"}]
)
def test_residual_base_combines_with_context_variants(extra):
    """Issue 15's residual step head beside issue 18's context variants: the cached rollout
    still equals the full recompute (both carry the last step and the motion context)."""
    torch.manual_seed(0)
    model = build(residual_base="constant_velocity", **extra)
    with torch.no_grad():  # a non-zero correction, so the residual path is exercised
        for p in model.head.parameters():
            p.add_(0.01 * torch.randn_like(p))
    cached_equals_recompute(model, make_batch())
