"""Session 25 (steady25): steadiness that skips stopped steps
(``ModelConfig.backtest_choice_stop_share``, ``choice.steady_histories(..., stop_share)``;
docs/generalization.md "Session 25 (steady25)"). A tram's stop makes GPS noise whose heading
is random; with a share > 0 the steps slower than that share of the history's fastest step
are skipped, so the tram between its stops reads as steady, while a taxi's zigzag does not."""

from __future__ import annotations

import pytest
import torch
from test_steady24 import _batch, needs_small

SHARE = 0.3


def _tram(fixes: int = 10) -> tuple[torch.Tensor, torch.Tensor]:
    """(1, T, 2) metres and (1, T) s, 5 s apart: north at 10 m/s, three fixes stopped at a
    stop (GPS noise of 2-3 m in every direction), north again."""
    pts, y = [], 0.0
    noise = [(2.0, -1.0), (-2.0, 2.0), (1.0, -2.0)]
    for k in range(fixes):
        if 3 <= k < 6:
            dx, dy = noise[k - 3]
            pts.append((dx, y + dy))
        else:
            pts.append((0.0, y))
            y += 50.0
    pos = torch.tensor([pts]) + 1.0e6
    return pos, torch.tensor([[5.0 * k for k in range(fixes)]])


def test_a_tram_between_stops_is_steady_only_with_stops_skipped():
    from trajlm.model.choice import steady_histories

    pos, t = _tram()
    n = torch.tensor([pos.shape[1]])
    assert steady_histories(pos, t, n).tolist() == [False]  # session 24: the stop's noise turns
    assert steady_histories(pos, t, n, SHARE).tolist() == [True]


def test_skipping_stops_keeps_turning_movers_unsteady():
    from trajlm.model.choice import steady_histories

    pos, t, _, _, lengths = _batch(["straight", "zigzag", "stop_go", "straight"])
    before = steady_histories(pos, t, lengths)
    assert before.tolist() == [True, False, False, True]
    # the zigzag turns at full speed: still unsteady; stop_go's 1 m/s steps are stops
    assert steady_histories(pos, t, lengths, SHARE).tolist() == [True, False, True, True]
    # one moving step left is not enough to call a heading steady
    only_one = torch.tensor([[[0.0, 0.0], [0.0, 100.0], [1.0, 101.0], [0.0, 102.0]]])
    t4 = torch.tensor([[0.0, 10.0, 20.0, 30.0]])
    assert steady_histories(only_one, t4, torch.tensor([4]), SHARE).tolist() == [False]


def test_padding_past_a_row_is_not_its_fastest_step():
    """A short row's padded tail (a jump back to 0) must not set its speed floor."""
    from trajlm.model.choice import steady_histories

    pos, t = _tram(12)
    padded = pos.clone()
    padded[0, 10:] = 0.0  # far away: a huge "step" past the row's 10 real points
    n = torch.tensor([10])
    assert steady_histories(padded, t, n, SHARE).tolist() == [True]


def test_config_check_names_the_field():
    from trajlm.model.config import ModelConfig

    assert ModelConfig().backtest_choice_stop_share == 0.0  # every other checkpoint as before
    for bad in (1.0, -0.1, "0.3", True, None):
        with pytest.raises(ValueError, match="backtest_choice_stop_share"):
            ModelConfig(backtest_choice_stop_share=bad)


@needs_small
def test_a_bad_value_set_on_a_loaded_model_is_one_line(small, monkeypatch):
    from test_steady24 import _frame

    from trajlm.errors import TrajlmInputError

    monkeypatch.setattr(small.model.config, "backtest_choice_stop_share", 2.0)
    with pytest.raises(TrajlmInputError, match="backtest_choice_stop_share"):
        small.predict(_frame(["straight"]), steps=3)


@needs_small
def test_the_choice_acts_on_the_tram_with_stops_skipped(small, monkeypatch):
    """Backtests stubbed so the rollout lost by 2x: with the share the tram moves (w = 1/4);
    without it, it keeps the rollout (w = 1)."""
    import trajlm.model.choice as choice
    from trajlm.model.generate import cached_rollout

    pos, t = _tram()
    mask = torch.ones(1, pos.shape[1], dtype=torch.bool)
    t0 = torch.full((1,), 1_772_438_400.0, dtype=torch.float64)
    lost = (torch.full((1,), 20.0), torch.full((1,), 10.0))
    monkeypatch.setattr(choice, "backtest_errors", lambda *a, **k: lost)
    cfg = small.model.config
    monkeypatch.setattr(cfg, "backtest_choice_steady_only", True)
    monkeypatch.setattr(cfg, "backtest_choice_stop_share", 0.0)
    assert choice.choice_weight(small.model, cached_rollout, pos, t, t0, mask, mask.sum(1)) is None
    monkeypatch.setattr(cfg, "backtest_choice_stop_share", SHARE)
    w = choice.choice_weight(small.model, cached_rollout, pos, t, t0, mask, mask.sum(1))
    assert w.tolist() == [0.25]
