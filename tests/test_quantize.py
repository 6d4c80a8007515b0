"""int8 dynamic quantization: the blocks' Linear layers only, the original untouched, the
rollout close to float32."""

import torch
import torch.nn as nn

from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.model.quantize import quantize_int8

STATS = {"lat0": 0.0, "lon0": 0.0, "xy_mean": [0.0, 0.0], "xy_scale": 500.0,
         "dxy_scale": 50.0, "dt_mean": 15.0, "dt_scale": 3.0, "n_points": 0}  # fmt: skip


def batch(B=6, T=12):
    g = torch.Generator().manual_seed(0)
    return {"pos": (torch.randn(B, T, 2, generator=g) * 50).cumsum(1),
            "t": (15.0 * torch.arange(T, dtype=torch.float32)).expand(B, T).contiguous(),
            "t0": torch.full((B,), 1_700_000_000), "mask": torch.ones(B, T, dtype=torch.bool)}  # fmt: skip


def test_int8_rollout_close_to_fp32_and_original_untouched():
    torch.manual_seed(0)
    model = TrajectoryModel(ModelConfig(d_model=64, n_layers=2, n_heads=4, stats=STATS)).eval()
    q = quantize_int8(model)
    assert type(model.blocks[0].mlp.fc_in) is nn.Linear  # the original keeps float weights
    assert type(q.blocks[0].mlp.fc_in) is not nn.Linear  # the copy's block layers are int8
    assert type(q.head.mean) is nn.Linear and type(q.embed.proj) is nn.Linear  # kept float
    b = batch()
    ref, out = model.generate(b, steps=5), q.generate(b, steps=5)
    step = (ref["pos"] - b["pos"][:, -1:]).norm(dim=-1)  # metres travelled from the last point
    err = (out["pos"] - ref["pos"]).norm(dim=-1)
    assert (err <= 0.05 * step).all(), (err / step).max()  # within 5 % of the motion (random init)
    assert not torch.equal(out["pos"], ref["pos"])  # it really runs different arithmetic
    torch.testing.assert_close(q.generate(b, steps=5)["pos"], out["pos"], atol=0, rtol=0)
