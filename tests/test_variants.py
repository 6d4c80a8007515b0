"""Architecture variants: mixture-of-experts MLP (one expert == the dense MLP, routing,
load balancing, capacity) and its config checks."""

import pytest
import torch
from test_generate import STATS, make_batch

from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.model.moe import MoEMLP


def build(**kw) -> TrajectoryModel:
    torch.manual_seed(0)
    cfg = dict(d_model=32, n_layers=2, n_heads=4, max_len=48, stats=STATS) | kw
    return TrajectoryModel(ModelConfig(**cfg))


def test_one_expert_equals_the_dense_mlp():
    dense, moe = build().eval(), build(moe_experts=1).eval()
    state = {k.replace("mlp.", "mlp.experts.0."): v for k, v in dense.state_dict().items()}
    state |= {k: v for k, v in moe.state_dict().items() if "router" in k}
    moe.load_state_dict(state)
    b = make_batch()
    a, m = dense(b), moe(b)
    torch.testing.assert_close(m.pred, a.pred, atol=1e-6, rtol=0)
    torch.testing.assert_close(m.loss, a.loss)  # eval: no auxiliary loss
    assert moe.moe_aux_loss().item() == pytest.approx(1.0)  # one expert: perfectly "balanced"


def test_top2_routing_shapes_determinism_and_aux_loss():
    model = build(moe_experts=4, moe_top_k=2, moe_aux_weight=0.5).train()
    b = make_batch()
    out = model(b)
    aux = model.moe_aux_loss()
    assert 1.0 - 1e-5 <= aux.item() <= 4.0  # Switch loss: 1 balanced .. E collapsed
    model.eval()
    plain = model(b)
    torch.testing.assert_close(out.loss, plain.loss + 0.5 * aux)  # training adds the aux term
    assert torch.equal(model(b).pred, plain.pred) and plain.pred.shape == (4, 10, 3)
    cached, full = model.generate(b, 6), model.generate(b, 6, use_cache=False)
    torch.testing.assert_close(cached["pos"], full["pos"], atol=1e-5, rtol=1e-6)


def test_router_gets_gradient_and_each_token_uses_top_k_experts():
    layer = build(moe_experts=4, moe_top_k=2).blocks[0].mlp
    assert isinstance(layer, MoEMLP)
    x = torch.randn(3, 5, 32)
    y = layer(x)
    (y.square().mean() + layer.aux_loss).backward()
    assert layer.router.weight.grad.abs().sum() > 0
    # Reference: every token through its two experts, in a per-token loop.
    probs = layer.router(x).softmax(-1)
    w, idx = probs.topk(2, -1)
    w = w / w.sum(-1, keepdim=True)
    ref = torch.zeros_like(x)
    for i in range(3):
        for j in range(5):
            for s in range(2):
                ref[i, j] += w[i, j, s] * layer.experts[int(idx[i, j, s])](x[i, j])
    torch.testing.assert_close(y, ref, atol=1e-6, rtol=1e-5)


def test_capacity_factor_drops_overflow_tokens():
    layer = build(moe_experts=2, moe_top_k=1, moe_capacity_factor=0.25).blocks[0].mlp.eval()
    x = torch.randn(40, 32)
    y = layer(x)
    dropped = (y.abs().sum(-1) == 0).sum().item()  # a token over every chosen expert's cap
    assert dropped >= 40 - 2 * 5  # cap = ceil(0.25 * 40 * 1 / 2) = 5 tokens per expert
    layer.capacity_factor = 0.0
    assert (layer(x).abs().sum(-1) > 0).all()


@pytest.mark.parametrize(
    "kw, msg",
    [({"moe_experts": 2, "moe_top_k": 3}, "moe_top_k"), ({"moe_experts": -1}, "moe_experts"),
     ({"moe_capacity_factor": -1.0}, "capacity")],
)  # fmt: skip
def test_bad_moe_config(kw, msg):
    with pytest.raises(ValueError, match=msg):
        ModelConfig(**kw)


# ------------------------------------------------------------------------------------ patching


def test_patch_rollout_with_patch_1_equals_per_point_decoding():
    """The patch rollout (one pass per patch, prediction at i = point i + p) at p = 1 is plain
    per-point decoding; patch_size=1 builds no patch layers (same weights as before)."""
    from trajlm.model.generate import patch_rollout, to_output

    model = build(patch_size=1).eval()
    assert model.patch_merge is None and set(model.state_dict()) == set(build().state_dict())
    b = make_batch()
    lengths = b["mask"].sum(1)
    with torch.inference_mode():
        parts = patch_rollout(model, b["pos"], b["t"], b["t0"], b["mask"], lengths, 7,
                               False, None, 1.0, patch=1)  # fmt: skip
    ref = model.generate(b, steps=7)
    got = to_output(model, *parts)
    for k in ("pos", "t", "pos_std"):
        torch.testing.assert_close(got[k], ref[k], atol=1e-5, rtol=1e-6)


@pytest.mark.parametrize("pos_type", ["rope", "rope_time", "learned"])
def test_patched_model_shapes_causality_and_rollout(pos_type):
    model = build(patch_size=4, pos_type=pos_type).eval()
    b = make_batch(lengths=(10, 9, 8, 7))
    out = model(b)
    assert out.pred.shape == (4, 12, 3) and torch.isfinite(out.loss)  # T padded 10 -> 12
    # Causal per patch: changing points 8.. (patch 2) leaves the predictions of patches 0-1.
    b2 = {k: v.clone() for k, v in b.items()}
    b2["pos"][:, 8:] += 100.0
    torch.testing.assert_close(model(b2).pred[:, :8], out.pred[:, :8])
    assert not torch.allclose(model(b2).pred[:, 8:], out.pred[:, 8:])
    g = model.generate(b, steps=6)
    assert g["pos"].shape == (4, 6, 2) and torch.isfinite(g["pos_std"]).all()
    assert torch.equal(model.generate(b, steps=6)["pos"], g["pos"])  # deterministic
    with pytest.raises(ValueError, match="at least 4 history points"):
        model.generate(make_batch(lengths=(10, 3)), steps=2)
    model.train()
    model(b).loss.backward()
    assert model.patch_merge.weight.grad.abs().sum() > 0


# ------------------------------------------------------------------------ bounded KV cache


def test_bounded_cache_without_eviction_equals_plain_generation():
    from trajlm.model.eviction import generate_bounded

    model, b = build().eval(), make_batch(lengths=(10, 10, 10))
    ref = model.generate(b, steps=8)
    out = generate_bounded(model, b, steps=8, window=32)
    torch.testing.assert_close(out["pos"], ref["pos"], atol=1e-5, rtol=1e-6)


@pytest.mark.parametrize("pos_type", ["rope", "rope_time"])
def test_recency_eviction_is_sliding_window_attention(pos_type):
    """Evicting the oldest slot == a banded causal mask of width `window` over the sequence."""
    from trajlm.model.eviction import generate_bounded

    model, b = build(pos_type=pos_type).eval(), make_batch(lengths=(6, 6, 6))
    W, steps = 8, 10
    out = generate_bounded(model, b, steps=steps, window=W, policy="recency")
    assert out["cache_bytes"] == 2 * 2 * 3 * 4 * W * 8 * 4  # layers x k,v x B x H x W x D x 4 B
    P, T = b["pos"][:, :6].clone(), b["t"][:, :6].clone()
    for s in range(steps):
        n = P.shape[1]
        i = torch.arange(n)
        band = (i[None] <= i[:, None]) & (i[None] > i[:, None] - W)  # (n, n)
        seq = {"pos": P, "t": T, "t0": b["t0"], "mask": torch.ones(3, n, dtype=torch.bool)}
        with torch.inference_mode():
            o = model(seq, attn_mask=band)
        step = o.pred[:, -1]
        s_ = model.embed.stats
        new_t = T[:, -1] + (step[:, 2] * s_["dt_scale"] + s_["dt_mean"]).clamp_min(1.0)
        new_p = P[:, -1] + step[:, :2] * s_["dxy_scale"]
        torch.testing.assert_close(out["pos"][:, s], new_p, atol=1e-4, rtol=1e-5)
        P, T = torch.cat([P, new_p[:, None]], 1), torch.cat([T, new_t[:, None]], 1)


def test_similarity_recency_eviction_runs_long_in_fixed_memory():
    from trajlm.model.eviction import generate_bounded

    model, b = build().eval(), make_batch(lengths=(10, 10))
    out = generate_bounded(model, b, steps=200, window=16, policy="similarity_recency")
    assert out["pos"].shape == (2, 200, 2) and torch.isfinite(out["pos"]).all()
    assert out["cache_bytes"] == 2 * 2 * 2 * 4 * 16 * 8 * 4
    with pytest.raises(ValueError, match="rope"):
        generate_bounded(build(pos_type="learned").eval(), b, steps=3)


# ------------------------------------------------------------------- per-head temperature


def test_attention_temperature_starts_as_plain_attention_and_learns():
    plain, temp = build().eval(), build(attn_temperature=True).eval()
    missing = temp.load_state_dict(plain.state_dict(), strict=False).missing_keys
    assert missing and all(".attn.temp." in k for k in missing)
    b = make_batch()
    torch.testing.assert_close(temp(b).pred, plain(b).pred, atol=0, rtol=0)  # exp(0) = 1
    temp.train()
    temp(b).loss.backward()
    assert temp.blocks[0].attn.temp.weight.grad.abs().sum() > 0
    with torch.no_grad():
        temp.blocks[0].attn.temp.bias.fill_(1.0)  # sharper heads: a different model
    temp.eval()
    assert not torch.allclose(temp(b).pred, plain(b).pred)
    cached, full = temp.generate(b, 6), temp.generate(b, 6, use_cache=False)
    torch.testing.assert_close(cached["pos"], full["pos"], atol=1e-5, rtol=1e-6)
