"""rollout40: steady-mover augmentation (trajlm/train/steady_movers.py, TrainConfig.steady_mover_*)."""

from __future__ import annotations

import pytest
import torch

from trajlm.train.config import TrainConfig
from trajlm.train.feed import BatchFeed
from trajlm.train.steady_movers import SteadyMovers, replace_with_steady_movers, steady_mover_rows


def _rows(seed: int = 0, **kw):
    kind = SteadyMovers(**({"turn_deg": 0.0, "noise": 0.0} | kw))
    return steady_mover_rows(64, 12, torch.Generator().manual_seed(seed), kind)


def test_clean_rows_keep_heading_and_interval_within_the_ranges():
    pos, t = _rows()
    step = pos.diff(dim=1).double()
    dt = t.diff(dim=1)
    assert torch.allclose(dt, dt[:, :1].expand_as(dt))  # one interval a row
    assert bool((dt[:, 0] >= 1.0).all() and (dt[:, 0] <= 300.0 + 1e-3).all())
    assert bool((t[:, 0] == 0).all() and (pos[:, 0] == 0).all())
    head = torch.atan2(step[..., 1], step[..., 0])
    turn = (head.diff(dim=1) + torch.pi) % (2 * torch.pi) - torch.pi
    assert float(turn.abs().max()) < 1e-3  # turn_deg 0: a straight line
    speed = step.norm(dim=-1) / dt.double()
    assert float(speed.min()) > 0.8 and float(speed.max()) < 40 * 1.2  # drift of 2 % a step
    assert float((speed[:, -1] / speed[:, 0] - 1).abs().median()) < 0.1  # it keeps its speed


def test_turn_and_noise_are_bounded_and_rows_are_reproducible():
    pos, _ = _rows(turn_deg=2.0)
    head = torch.atan2(*pos.diff(dim=1).double().unbind(-1)[::-1])
    turn = (head.diff(dim=1) + torch.pi) % (2 * torch.pi) - torch.pi
    assert float(turn.abs().max()) <= torch.deg2rad(torch.tensor(2.0)).item() + 1e-3
    assert float(turn.abs().max()) > 1e-3
    a, b = _rows(seed=3, noise=0.1), _rows(seed=3, noise=0.1)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert not torch.equal(a[0], _rows(seed=4, noise=0.1)[0])


def _batch() -> dict:
    g = torch.Generator().manual_seed(1)
    mask = torch.ones(8, 10, dtype=torch.bool)
    mask[:4, 6:] = False  # short windows: padding
    pos = torch.randn(8, 10, 2, generator=g) * 100 + 5000
    t = torch.arange(10, dtype=torch.float32)[None].expand(8, 10) * 15
    return {"pos": pos * mask[..., None], "t": t * mask, "t0": torch.arange(8), "mask": mask}


def test_replacement_keeps_mask_padding_first_point_and_t0():
    b = _batch()
    line = SteadyMovers((60.0, 60.0), (8.0, 8.0), turn_deg=0.0, noise=0.0)
    out = replace_with_steady_movers(b, 1.0, torch.Generator().manual_seed(0), line)
    assert torch.equal(out["mask"], b["mask"]) and torch.equal(out["t0"], b["t0"])
    assert torch.equal(out["pos"][:, 0], b["pos"][:, 0])
    pad = ~b["mask"]
    assert torch.equal(out["pos"][pad], b["pos"][pad]) and torch.equal(out["t"][pad], b["t"][pad])
    real = b["mask"][:, 1:]
    assert torch.allclose(out["t"][:, 1:][real], (torch.arange(1, 10) * 60.0).expand(8, 9)[real])
    step = out["pos"].diff(dim=1).norm(dim=-1)[real]
    assert float((step / 480.0 - 1).abs().max()) < 0.2  # 8 m/s x 60 s, drifting 2 % a step
    none = replace_with_steady_movers(b, 0.0, torch.Generator().manual_seed(0), SteadyMovers())
    assert torch.equal(none["pos"], b["pos"]) and torch.equal(none["t"], b["t"])


class _Feed(BatchFeed):
    def __init__(self, cfg: TrainConfig) -> None:
        self.cfg, self.step = cfg, 7


def test_feed_is_a_no_op_by_default_and_replaces_rows_when_asked():
    b = _batch()
    assert _Feed(TrainConfig())._steady_movers(b) is b  # default 0: bit for bit
    cfg = TrainConfig(steady_mover_prob=1.0, steady_mover_dt_range=[30.0, 30.0])
    out = _Feed(cfg)._steady_movers(b)
    assert torch.allclose(out["t"][4:, 1], torch.full((4,), 30.0))
    again = _Feed(cfg)._steady_movers(b)  # drawn from (seed, step): a resume draws the same
    assert torch.equal(out["pos"], again["pos"])


@pytest.mark.parametrize(
    "kw, word",
    [
        ({"steady_mover_prob": 1.5}, "steady_mover_prob"),
        ({"steady_mover_dt_range": [0.0, 10.0]}, "steady_mover_dt_range"),
        ({"steady_mover_speed_range": [5.0, 1.0]}, "steady_mover_speed_range"),
        ({"steady_mover_noise": -0.1}, "steady_mover_noise"),
    ],
)
def test_bad_settings_name_themselves(kw, word):
    with pytest.raises(ValueError, match=word):
        TrainConfig(**kw)
