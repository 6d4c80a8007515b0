"""Generation: cached == recomputed, batched == per row, sampling, limits, overfit rollout."""

import pytest
import torch

from trajlm.model import ModelConfig, TrajectoryModel

# Small scales keep positions O(10) so 1e-5 is a real (not ulp-limited) tolerance in metres.
STATS = {
    "lat0": 0.0,
    "lon0": 0.0,
    "xy_mean": [1.0, -2.0],
    "xy_scale": 10.0,
    "dxy_scale": 1.0,
    "dt_mean": 15.0,
    "dt_scale": 3.0,
    "n_points": 0,
}


def tiny(**kw) -> TrajectoryModel:
    torch.manual_seed(0)
    cfg = dict(d_model=32, n_layers=2, n_heads=4, max_len=48, stats=STATS) | kw
    return TrajectoryModel(ModelConfig(**cfg)).eval()


def make_batch(lengths=(10, 4, 1, 7), T=10, seed=0) -> dict:
    B = len(lengths)
    g = torch.Generator().manual_seed(seed)
    pos = torch.randn(B, T, 2, generator=g).cumsum(1)
    t = (12 + 6 * torch.rand(B, T, generator=g)).cumsum(1) - 12
    mask = torch.arange(T)[None] < torch.tensor(lengths)[:, None]
    pos[~mask], t[~mask] = 0.0, 0.0
    return {"pos": pos, "t": t, "t0": torch.tensor([1_700_000_000 + 3600 * i for i in range(B)]),
            "mask": mask}  # fmt: skip


@pytest.mark.parametrize("pos_type", ["learned", "sinusoidal", "rope", "rope_time"])
@pytest.mark.parametrize("head", ["gaussian", "mse"])
def test_cached_equals_recomputed(pos_type, head):
    model = tiny(pos_type=pos_type, head=head, n_kv_heads=2)  # GQA on
    b = make_batch()
    cached = model.generate(b, steps=24)
    full = model.generate(b, steps=24, use_cache=False)
    for k in ("pos", "t", "pos_std", "dt_std"):  # rtol 1e-6: float32 ulps of t ~ 500 s
        torch.testing.assert_close(cached[k], full[k], atol=1e-5, rtol=1e-6, equal_nan=True)
    assert cached["pos"].shape == (4, 24, 2) and cached["t"].shape == (4, 24)


@pytest.mark.parametrize("pos_type", ["learned", "rope_time"])
def test_batched_rows_equal_single_rows(pos_type):
    """Rows with different history lengths continue exactly as if generated alone."""
    model, b = tiny(pos_type=pos_type), make_batch()
    out = model.generate(b, steps=8)
    for i, n in enumerate((10, 4, 1, 7)):
        row = {"pos": b["pos"][i : i + 1, :n], "t": b["t"][i : i + 1, :n],
               "t0": b["t0"][i : i + 1], "mask": b["mask"][i : i + 1, :n]}  # fmt: skip
        alone = model.generate(row, steps=8)
        torch.testing.assert_close(out["pos"][i], alone["pos"][0], atol=1e-5, rtol=0)
        torch.testing.assert_close(out["t"][i], alone["t"][0], atol=1e-5, rtol=0)


def test_rollout_invariants():
    model, b = tiny(), make_batch()
    out = model.generate(b, steps=6)
    last = b["mask"].sum(1) - 1
    prev_t = torch.cat([b["t"][torch.arange(4), last][:, None], out["t"]], 1)
    assert torch.all(prev_t.diff(dim=1) >= 1.0)  # time moves forward, dt >= 1 s
    assert torch.all(out["pos_std"].diff(dim=1) > 0) and torch.all(out["dt_std"].diff(dim=1) > 0)
    assert torch.isnan(tiny(head="mse").generate(b, steps=2)["pos_std"]).all()


def test_sampling_is_seeded():
    model, b = tiny(), make_batch()
    s1 = model.generate(b, 5, sample=True, generator=torch.Generator().manual_seed(7))
    s2 = model.generate(b, 5, sample=True, generator=torch.Generator().manual_seed(7))
    s3 = model.generate(b, 5, sample=True, generator=torch.Generator().manual_seed(8))
    mean = model.generate(b, 5)
    assert torch.equal(s1["pos"], s2["pos"]) and not torch.equal(s1["pos"], s3["pos"])
    assert not torch.allclose(s1["pos"], mean["pos"])
    cold = model.generate(b, 5, sample=True, temperature=0.0)
    torch.testing.assert_close(cold["pos"], mean["pos"])
    with pytest.raises(ValueError, match="gaussian"):
        tiny(head="mse").generate(b, 2, sample=True)


def test_too_long_for_absolute_positions_raises():
    b = make_batch()
    with pytest.raises(ValueError, match="max_len"):
        tiny(pos_type="learned").generate(b, steps=40)  # 10 + 40 - 1 > 48
    assert tiny(pos_type="rope").generate(b, steps=40)["pos"].shape == (4, 40, 2)


@pytest.mark.slow
def test_overfit_single_trajectory_and_retrace_it():
    """A model must memorize one trajectory (loss -> ~0) and, from its first 8 points,
    roll out the remaining 16 within a few metres (arXiv 2511.20610 sanity check)."""
    torch.manual_seed(0)
    stats = STATS | {"xy_mean": [0.0, 0.0], "xy_scale": 200.0, "dxy_scale": 10.0}
    model = tiny(head="mse", stats=stats).train()
    k = torch.arange(24, dtype=torch.float32)
    ang = 0.15 * k  # a smooth curve, ~10 m per 15 s step
    pos = torch.stack([60 * torch.sin(ang), 60 * (1 - torch.cos(ang))], -1)[None]
    t = (15.0 * k + torch.tensor([0.0, 2, -1, 3] * 6))[None]
    b = {"pos": pos, "t": t, "t0": torch.tensor([1_700_000_000]), "mask": torch.ones(1, 24).bool()}
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(400):
        loss = model(b).loss
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 1e-3
    hist = {"pos": pos[:, :8], "t": t[:, :8], "t0": b["t0"], "mask": b["mask"][:, :8]}
    out = model.eval().generate(hist, steps=16)
    err_m = (out["pos"][0] - pos[0, 8:]).norm(dim=-1)
    assert err_m.max() < 5.0, err_m
    assert (out["t"][0] - t[0, 8:]).abs().max() < 5.0


@pytest.mark.parametrize("pos_type", ["learned", "rope", "rope_time"])
def test_equal_length_rows_fast_path_equals_recomputed(pos_type):
    """Equal-length histories take the slice-write, mask-free cache path: same rollout."""
    model, b = tiny(pos_type=pos_type, n_kv_heads=2), make_batch(lengths=(10, 10, 10))
    cached = model.generate(b, steps=12)
    full = model.generate(b, steps=12, use_cache=False)
    for k in ("pos", "t", "pos_std"):
        torch.testing.assert_close(cached[k], full[k], atol=1e-5, rtol=1e-6)
