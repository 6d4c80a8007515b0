"""Session 23 (steady23): the per-call choice between the rollout and constant velocity
(``ModelConfig.backtest_choice_steps`` / ``backtest_choice_power``, trajlm/model/choice.py;
docs/generalization.md "Session 23 (steady23)"). Ferries and trams with 5-10 fixes were
1.05-1.15x constant velocity: the one-step backtest let through a correction that compounds."""

from __future__ import annotations

import importlib.util
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
import torch

SMALL = Path("trajlm/checkpoints/trajlm-small")
needs_small = pytest.mark.skipif(
    not (SMALL / "model.safetensors").is_file(), reason="trajlm-small not built"
)


@pytest.fixture(scope="module")
def small():
    import trajlm

    torch.set_num_threads(1)
    return trajlm.TrajLM.from_pretrained(str(SMALL), threads=1)


def _probe():
    """scripts/steady22_probe.py (its generator, cuts and scoring)."""
    spec = importlib.util.spec_from_file_location("steady22_probe", "scripts/steady22_probe.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["steady22_probe"] = mod
    spec.loader.exec_module(mod)
    return mod


@contextmanager
def session23_choice(cfg, steps: int):
    """The choice as session 23 built it (on every row; trajlm-small ships it on steady
    histories only since session 24), ``steps`` backtest steps (0: off); restored after."""
    old = (cfg.backtest_choice_steps, cfg.backtest_choice_steady_only)
    cfg.backtest_choice_steps, cfg.backtest_choice_steady_only = steps, False
    try:
        yield
    finally:
        cfg.backtest_choice_steps, cfg.backtest_choice_steady_only = old


def _ratio(model, probe, cuts, h: int) -> float:
    from trajlm.baselines import ConstantVelocity

    hist, truth = probe.frames(cuts, h)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        em, ec = probe.errors(model, hist, truth), probe.errors(ConstantVelocity(), hist, truth)
    both = em.index.intersection(ec.index)
    return float(em[both].sum() / ec[both].sum())


def test_blend_is_constant_velocity_at_zero_and_the_rollout_at_one():
    from trajlm.model.choice import blend_constant_velocity

    pos = torch.tensor([[[0.0, 0.0], [10.0, 5.0], [20.0, 10.0]], [[0.0, 0.0], [3.0, 4.0], [0, 0]]])
    t = torch.tensor([[0.0, 15.0, 30.0], [0.0, 10.0, 0.0]])
    lengths = torch.tensor([3, 2])
    mask = torch.arange(3)[None] < lengths[:, None]
    out_pos = [torch.tensor([[25.0, 11.0], [9.0, 9.0]]), torch.tensor([[29.0, 12.0], [15.0, 13.0]])]
    out_t = [torch.tensor([44.0, 21.0]), torch.tensor([58.0, 32.0])]
    w = torch.tensor([0.0, 1.0])
    bp, bt = blend_constant_velocity(pos, t, mask, lengths, out_pos, out_t, w)
    assert torch.equal(bp[0][0], torch.tensor([30.0, 15.0]))  # constant velocity, step 1
    assert torch.equal(bp[1][0], torch.tensor([40.0, 20.0]))
    assert bt[0][0] == 45.0 and bt[1][0] == 60.0
    assert torch.equal(bp[0][1], out_pos[0][1]) and torch.equal(bt[1][1], out_t[1][1])  # w = 1
    half = blend_constant_velocity(pos, t, mask, lengths, out_pos, out_t, torch.tensor([0.5, 1]))
    assert torch.allclose(half[0][0][0], torch.tensor([27.5, 13.0]))
    assert blend_constant_velocity(pos, t, mask, lengths, out_pos, out_t, None)[0] is out_pos


def test_config_checks_name_the_field():
    from trajlm.model.config import ModelConfig

    for field, bad in (("backtest_choice_steps", -1), ("backtest_choice_steps", 1.5),
                       ("backtest_choice_power", 0), ("backtest_choice_power", "x")):  # fmt: skip
        with pytest.raises(ValueError, match=field):
            ModelConfig(**{field: bad})
    assert ModelConfig().backtest_choice_steps == 0  # off: every checkpoint as before


@needs_small
def test_off_is_bit_for_bit_and_short_histories_keep_the_rollout(small):
    probe = _probe()
    g = probe._gen_module()
    cuts = probe.cuts_of_tracks(probe.generated(probe.heldout_kinds(g)[2], 12, 9))  # trams
    cfg = small.model.config
    hist, _ = probe.frames(cuts, 6)
    three, _ = probe.frames(cuts, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with session23_choice(cfg, 0):
            off, off3 = small.predict(hist, steps=5), small.predict(three, steps=5)
        with session23_choice(cfg, 1):
            on, on3 = small.predict(hist, steps=5), small.predict(three, steps=5)
    pd.testing.assert_frame_equal(off3, on3)  # 3 fixes: the cut leaves 2, no evidence
    assert not off[["lat", "lon"]].equals(on[["lat", "lon"]])  # it acts at 6 fixes ...
    assert (on.groupby("traj_id").t.diff().dropna() > 0).all()  # ... and time moves forward


@needs_small
@pytest.mark.slow
def test_the_choice_brings_ferries_and_trams_toward_constant_velocity(small):
    """Session 22's ferry (30 s) and tram (5 s) kinds, a seed no run used: 8-10 fixes were
    1.05-1.15x constant velocity; with the choice they come down (fails on the old path)."""
    probe = _probe()
    g = probe._gen_module()
    kinds = probe.heldout_kinds(g)
    cfg = small.model.config
    gains = []
    for kind in (kinds[1], kinds[2]):
        cuts = probe.cuts_of_tracks(probe.generated(kind, 60, 9))
        for h in (8, 10):
            with session23_choice(cfg, 0):
                before = _ratio(small, probe, cuts, h)
            with session23_choice(cfg, 1):
                after = _ratio(small, probe, cuts, h)
            assert after <= before + 1e-6, (kind.name, h, before, after)
            gains.append(before - after)
    assert sum(gains) / len(gains) > 0.01, gains  # the old path: 0


@needs_small
def test_a_bad_value_set_on_a_loaded_model_is_one_line(small):
    from trajlm.errors import TrajlmInputError

    hist = pd.DataFrame({"traj_id": "a", "t": [1_772_438_400 + 10 * i for i in range(5)],
                         "lat": [41.15, 41.1501, 41.1502, 41.1503, 41.1504], "lon": -8.61})  # fmt: skip
    cfg = small.model.config
    for field, bad in (("backtest_choice_steps", "abc"), ("backtest_choice_power", -2)):
        old = getattr(cfg, field)
        setattr(cfg, field, bad)
        try:
            with pytest.raises(TrajlmInputError, match=field):
                small.predict(hist, steps=3)
        finally:
            setattr(cfg, field, old)
