"""RoPE against a plain complex-number reference, shift invariance, absolute tables."""

import math

import pytest
import torch

from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.model.positions import RotaryEmbedding, SinusoidalPositions, apply_rope

D, BASE = 16, 10000.0


def rope_reference(x: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
    """Half-split pairing: channel i and i + D/2 form the complex number x_i + j x_{i+D/2},
    multiplied by exp(j * pos * base^(-2i/D)). Straightforward float64 loops-free reference."""
    half = x.shape[-1] // 2
    freq = torch.tensor([BASE ** (-2 * i / x.shape[-1]) for i in range(half)], dtype=torch.float64)
    ang = positions.double()[:, None, :, None] * freq  # (B, 1, T, D/2)
    z = torch.complex(x[..., :half].double(), x[..., half:].double()) * torch.polar(
        torch.ones_like(ang), ang
    )
    return torch.cat([z.real, z.imag], dim=-1).float()


@pytest.mark.parametrize("kind", ["index", "time"])
def test_rope_matches_complex_reference(kind):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2, 3, 7, D, generator=g)  # (B, H, T, D)
    if kind == "index":
        positions = torch.arange(7).expand(2, 7)
    else:  # irregular, per-row float positions (elapsed seconds / unit)
        positions = torch.rand(2, 7, generator=g).cumsum(1) * 20.0
    rope = RotaryEmbedding(D, BASE, max_len=16)
    out = apply_rope(x, *rope(positions))
    torch.testing.assert_close(out, rope_reference(x, positions), atol=1e-5, rtol=1e-5)


def test_rope_index_table_grows_and_matches_float_path():
    rope = RotaryEmbedding(D, BASE, max_len=4)
    idx = torch.arange(50).expand(1, 50)
    rope.ensure_length(50)
    cos_i, sin_i = rope(idx)
    cos_f, sin_f = rope(idx.float())
    assert cos_i.shape == (1, 1, 50, D // 2)
    torch.testing.assert_close(cos_i, cos_f)
    torch.testing.assert_close(sin_i, sin_f)


def _scores(rope, q, k, positions):
    cos, sin = rope(positions)
    return apply_rope(q, cos, sin) @ apply_rope(k, cos, sin).transpose(-1, -2)  # (B, H, T, T)


@pytest.mark.parametrize("kind", ["index", "time"])
def test_rope_scores_depend_only_on_relative_position(kind):
    g = torch.Generator().manual_seed(1)
    q, k = torch.randn(2, 2, 6, D, generator=g), torch.randn(2, 2, 6, D, generator=g)
    rope = RotaryEmbedding(D, BASE, max_len=64)
    if kind == "index":
        p, shift = torch.arange(6).expand(2, 6), 37
    else:
        p, shift = torch.rand(2, 6, generator=g).cumsum(1) * 3.0, 23.75
    base = _scores(rope, q, k, p)
    shifted = _scores(rope, q, k, p + shift)
    torch.testing.assert_close(shifted, base, atol=1e-4, rtol=1e-4)
    # ...and RoPE is not a no-op: changing one relative distance changes the scores.
    p2 = p.clone()
    p2[:, -1] += 5
    assert not torch.allclose(_scores(rope, q, k, p2), base, atol=1e-3)


def test_rope_time_model_invariant_to_time_origin():
    """Shift t by c and t0 by -c: same absolute times and steps; only the rope_time positions
    shift, so the whole model's output must not change."""
    cfg = ModelConfig(d_model=32, n_layers=2, n_heads=2, pos_type="rope_time")
    model = TrajectoryModel(cfg).eval()
    g = torch.Generator().manual_seed(2)
    t = (torch.rand(2, 9, generator=g) * 30 + 1).cumsum(1)
    b = {
        "pos": torch.randn(2, 9, 2, generator=g).cumsum(1),
        "t": t,
        "t0": torch.tensor([1_700_000_000, 1_600_000_000]),
        "mask": torch.ones(2, 9, dtype=torch.bool),
    }
    c = 120  # seconds = 8 time units
    shifted = dict(b, t=t + c, t0=b["t0"] - c)
    out, out_s = model(b), model(shifted)
    torch.testing.assert_close(out_s.pred, out.pred, atol=1e-5, rtol=1e-4)


def test_sinusoidal_table_values():
    table = SinusoidalPositions(10, 8).table
    assert table.shape == (10, 8)
    assert torch.all(table[0, :4] == 0) and torch.all(table[0, 4:] == 1)
    assert math.isclose(table[3, 0].item(), math.sin(3.0), abs_tol=1e-6)
    assert math.isclose(table[3, 5].item(), math.cos(3.0 * 10000 ** (-2 / 8)), abs_tol=1e-6)
