"""Session 24 (steady24): the per-call choice acts on steady histories only
(``ModelConfig.backtest_choice_steady_only``, ``choice.steady_histories``;
docs/generalization.md "Session 24 (steady24)"). Session 23's choice blended toward constant
velocity wherever the rollout lost its one-step backtest, which cost Porto and GeoLife;
trajlm-small ships the choice on steady histories only."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import pandas as pd
import pytest
import torch

SMALL = Path("trajlm/checkpoints/trajlm-small")
needs_small = pytest.mark.skipif(
    not (SMALL / "model.safetensors").is_file(), reason="trajlm-small not built"
)


def _track(kind: str, fixes: int = 8) -> tuple[list[tuple[float, float]], list[float]]:
    """Positions (metres) and times (s, 10 s apart) of one history: "straight" at 10 m/s,
    "zigzag" (90-degree turns every step), "stop_go" (10 and 1 m/s in turn)."""
    pts, x, y = [], 0.0, 0.0
    for k in range(fixes):
        pts.append((x, y))
        if kind == "straight":
            y += 100.0
        elif kind == "zigzag":
            x, y = (x + 100.0, y) if k % 2 else (x, y + 100.0)
        else:
            y += 100.0 if k % 2 else 10.0
    return pts, [10.0 * k for k in range(fixes)]


def _batch(kinds: list[str], fixes: int = 8):
    pos = torch.tensor([_track(k, fixes)[0] for k in kinds]) + 1.0e6  # a store-plane offset
    t = torch.tensor([_track(k, fixes)[1] for k in kinds])
    mask = torch.ones(len(kinds), fixes, dtype=torch.bool)
    t0 = torch.full((len(kinds),), 1_772_438_400.0, dtype=torch.float64)
    return pos, t, t0, mask, mask.sum(1)


def _frame(kinds: list[str], fixes: int = 8) -> pd.DataFrame:
    """The same histories as a user's table (lat / lon near Porto)."""
    rows = []
    for i, kind in enumerate(kinds):
        pts, ts = _track(kind, fixes)
        for (x, y), t in zip(pts, ts, strict=True):
            rows.append(dict(traj_id=f"{kind}{i}", t=1_772_438_400 + int(t),
                             lat=41.15 + y / 111_320.0,
                             lon=-8.61 + x / (111_320.0 * math.cos(math.radians(41.15)))))  # fmt: skip
    return pd.DataFrame(rows)


def test_steady_histories_tells_a_ferry_from_a_taxi():
    from trajlm.model.choice import steady_histories

    pos, t, _, _, lengths = _batch(["straight", "zigzag", "stop_go", "straight"])
    assert steady_histories(pos, t, lengths).tolist() == [True, False, False, True]
    # only the real points count: a straight start padded with a zigzag tail is steady
    zig = _batch(["zigzag"])[0]
    padded = torch.cat([pos[:1, :4], zig[:, 4:]], 1)
    assert steady_histories(padded, t[:1], torch.tensor([4])).tolist() == [True]
    assert steady_histories(pos[:1], t[:1], torch.tensor([2])).tolist() == [False]  # 1 step


def test_config_check_names_the_field():
    from trajlm.model.config import ModelConfig

    assert ModelConfig().backtest_choice_steady_only is False  # every other checkpoint as before
    for bad in (1, "yes", None):
        with pytest.raises(ValueError, match="backtest_choice_steady_only"):
            ModelConfig(backtest_choice_steady_only=bad)


@needs_small
def test_trajlm_small_ships_the_choice_on_steady_histories(small):
    cfg = small.model.config
    assert cfg.backtest_choice_steps == 1 and cfg.backtest_choice_steady_only is True


@needs_small
def test_it_acts_on_steady_rows_only(small, monkeypatch):
    """Backtests stubbed so that every row's rollout lost by 2x: the steady rows move
    (w = 1/4), the zigzag and stop-and-go rows keep the rollout (w = 1); session 23's choice
    moves them all."""
    import trajlm.model.choice as choice
    from trajlm.model.generate import cached_rollout

    kinds = ["straight", "zigzag", "stop_go", "straight"]
    lost = (torch.full((4,), 20.0), torch.full((4,), 10.0))
    monkeypatch.setattr(choice, "backtest_errors", lambda *a, **k: lost)
    cfg = small.model.config
    w = choice.choice_weight(small.model, cached_rollout, *_batch(kinds))
    assert w.tolist() == [0.25, 1.0, 1.0, 0.25]
    monkeypatch.setattr(cfg, "backtest_choice_steady_only", False)
    w23 = choice.choice_weight(small.model, cached_rollout, *_batch(kinds))
    assert w23.tolist() == [0.25] * 4


@needs_small
def test_unsteady_histories_are_bit_for_bit_and_calls_repeat(small, monkeypatch):
    """A taxi-like history is answered exactly as with the choice off; the same call twice
    gives the same answer."""
    frame = _frame(["zigzag", "stop_go", "zigzag"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        shipped = small.predict(frame, steps=5)
        again = small.predict(frame, steps=5)
        monkeypatch.setattr(small.model.config, "backtest_choice_steps", 0)
        off = small.predict(frame, steps=5)
    pd.testing.assert_frame_equal(shipped, again)
    pd.testing.assert_frame_equal(shipped, off)


@needs_small
def test_a_bad_value_set_on_a_loaded_model_is_one_line(small, monkeypatch):
    from trajlm.errors import TrajlmInputError

    monkeypatch.setattr(small.model.config, "backtest_choice_steady_only", "yes")
    with pytest.raises(TrajlmInputError, match="backtest_choice_steady_only"):
        small.predict(_frame(["straight"]), steps=3)
