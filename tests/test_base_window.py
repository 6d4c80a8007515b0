"""The constant-velocity base over a window of steps and the Laplace step loss (session 11,
ModelConfig.base_window / step_loss; docs/generalization.md "Session 11")."""

from __future__ import annotations

import pytest
import torch
from helpers import make_batch
from test_robust import model  # a residual model with a trained-looking correction

from trajlm.model import ModelConfig
from trajlm.model.heads import gaussian_nll, laplace_nll
from trajlm.model.step_head import window_velocity_steps

SEC = {"dt_scale": torch.tensor(10.0), "dt_mean": torch.tensor(15.0)}  # dt feat 0 = 15 s


def steps_of(dxy: torch.Tensor, dt_feat: float = 0.0) -> torch.Tensor:
    return torch.cat([dxy, torch.full_like(dxy[..., :1], dt_feat)], -1)


def test_window_one_is_the_last_step():
    s = torch.randn(2, 6, 3)
    assert torch.equal(
        window_velocity_steps(s, torch.ones(2, 6, dtype=torch.bool), 1, SEC, 25.0), s
    )


def test_window_averages_out_jitter_and_keeps_steady_motion():
    g = torch.Generator().manual_seed(0)
    true = torch.tensor([0.5, 0.2]).expand(1, 40, 2)
    noise = torch.randn(1, 41, 2, generator=g) * 0.3  # per-point noise: steps anti-correlated
    steady = steps_of(true + noise[:, 1:] - noise[:, :-1])
    has = torch.ones(1, 40, dtype=torch.bool)
    last = (steady[0, 5:, :2] - true[0, 5:]).norm(dim=-1).mean()
    win = window_velocity_steps(steady, has, 6, SEC, 25.0)
    assert (win[0, 5:, :2] - true[0, 5:]).norm(dim=-1).mean() < 0.5 * last
    jitter = steps_of(noise[:, 1:] - noise[:, :-1])  # a stop: the window velocity is ~0
    assert window_velocity_steps(jitter, has, 6, SEC, 25.0)[0, 5:, :2].norm(dim=-1).mean() < 0.5 * (
        jitter[0, 5:, :2].norm(dim=-1).mean()
    )
    assert torch.equal(win[..., 2], steady[..., 2])  # dt: the own step's
    assert torch.equal(win[..., 3:], steady)  # and the own step beside it


def test_window_leaves_out_missing_and_glitch_steps_and_uses_seconds():
    s = steps_of(torch.tensor([[[0.0, 0.0], [1.0, 0.0], [90.0, 0.0], [1.0, 0.0]]]))
    has = torch.tensor([[False, True, True, True]])  # the first point has no step
    out = window_velocity_steps(s, has, 4, SEC, 25.0)[..., :3]
    assert out[0, 0, :2].abs().sum() == 0  # nothing real yet
    torch.testing.assert_close(out[0, 3, :2], torch.tensor([1.0, 0.0]))  # the glitch left out
    # a step twice as long in time counts as half the speed: velocity over summed seconds
    s2 = torch.tensor([[[1.0, 0.0, 1.5], [1.0, 0.0, 0.0]]])  # 30 s, then 15 s
    out2 = window_velocity_steps(s2, torch.ones(1, 2, dtype=torch.bool), 2, SEC, 25.0)[..., :3]
    torch.testing.assert_close(out2[0, 1, :2], torch.tensor([2 / 45 * 15, 0.0]))


def test_base_window_cached_rollout_matches_the_full_pass():
    batch = make_batch(B=3, T=12, lengths=(12, 7, 3))
    m = model(base_window=4, scale_invariant=True)
    a = m.generate(batch, steps=5)["pos"]
    b = m.generate(batch, steps=5, use_cache=False)["pos"]
    torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-3)
    assert (a - model(scale_invariant=True).generate(batch, steps=5)["pos"]).abs().max() > 1e-3


def test_untrained_base_window_model_is_its_window_velocity():
    m = model(base_window=3)
    with torch.no_grad():
        for p in (*m.head.mean.parameters(), *m.base_gate.parameters()):
            p.zero_()
    batch = make_batch(B=1, T=8, lengths=(8,))
    pos = batch["pos"][0]
    out = m.generate(batch, steps=1)["pos"][0, 0]
    dt = batch["t"][0].diff()
    v = (pos[-1] - pos[-4]) / (dt[-3:].sum())
    torch.testing.assert_close(out, pos[-1] + v * dt[-1], rtol=1e-4, atol=1e-2)


def test_laplace_loss_mean_is_the_median():
    y = torch.tensor([0.0, 0.1, -0.1, 0.05, 50.0])[:, None, None].expand(5, 1, 3)
    valid = torch.ones(5, 1, dtype=torch.bool)
    fits = {}
    for name, nll in (("gaussian", gaussian_nll), ("laplace", laplace_nll)):
        mean = torch.zeros(1, 1, 3, requires_grad=True)
        log_var = torch.zeros(1, 1, 3, requires_grad=True)
        opt = torch.optim.Adam([mean, log_var], lr=0.05)
        for _ in range(600):
            opt.zero_grad()
            nll(mean.expand(5, 1, 3), log_var.expand(5, 1, 3), y, valid).backward()
            opt.step()
        fits[name] = float(mean.detach()[0, 0, 0])
    assert abs(fits["laplace"] - 0.05) < 0.1  # the median, the jump ignored
    assert fits["gaussian"] > 2.0  # pulled toward the jump (the mean is 10)


@pytest.mark.parametrize(
    "kw, msg",
    [(dict(step_loss="huber"), "step_loss"), (dict(step_loss="laplace", head="mse"), "head"),
     (dict(base_window=0), "base_window"), (dict(base_window=3, residual_base="none"), "residual")],
)  # fmt: skip
def test_config_refuses_bad_combinations(kw, msg):
    with pytest.raises(ValueError, match=msg):
        ModelConfig(
            **{**dict(d_model=32, n_layers=1, n_heads=2, residual_base="constant_velocity"), **kw}
        )


# --- the in-context backtest gate (model/backtest.py) ---


def _line(n: int = 16, step: float = 120.0, dt: float = 15.0) -> dict:
    """A steady straight track: constant velocity is perfect on its past."""
    t = torch.arange(float(n))[None] * dt
    pos = torch.stack([torch.arange(float(n)) * step, torch.zeros(n)], -1)[None]
    return {"pos": pos, "t": t, "t0": torch.zeros(1), "mask": torch.ones(1, n, dtype=torch.bool)}


def _gate(m, batch):
    from trajlm.model.backtest import backtest_gate

    feats = m.embed.features(batch["pos"], batch["t"], batch["t0"], batch["mask"])
    last = batch["mask"].sum(1) - 1
    with torch.no_grad():
        h = m.backbone(feats, None, torch.arange(feats.shape[1])[None], batch["t"], None, True)
        return backtest_gate(m, h, feats, batch["mask"], last)


def test_backtest_gate_falls_back_to_constant_velocity_where_the_model_lost_the_past():
    m = model(backtest_gate=8.0)
    batch = _line()
    g = _gate(m, batch)
    assert g.shape == (1,) and float(g[0]) < 0.01  # CV was exact on this past: the model lost
    out = m.generate(batch, steps=3)["pos"][0]
    cv = batch["pos"][0, -1] + torch.tensor([120.0, 0.0]) * torch.arange(1, 4)[:, None]
    off = model().generate(batch, steps=3)["pos"][0]  # the same model without the gate
    assert (out - cv).norm(dim=-1).max() < 0.05 * (off - cv).norm(dim=-1).max()


def test_backtest_gate_keeps_a_model_that_beat_constant_velocity_and_needs_evidence():
    m = model(backtest_gate=8.0)
    g = torch.Generator().manual_seed(0)
    batch = make_batch(B=3, T=12, lengths=(12, 7, 3))
    batch["pos"] = batch["pos"] + torch.randn(batch["pos"].shape, generator=g) * 400  # erratic
    gates = _gate(m, batch)
    assert float(gates[2]) == 1.0  # 3 points: 1 scored step, under MIN_STEPS: no evidence
    assert ((gates >= 0) & (gates <= 1)).all()
    # a "model" that is exactly the truth on the past gets gate 1
    from trajlm.model import backtest

    feats = m.embed.features(batch["pos"], batch["t"], batch["t0"], batch["mask"])
    truth = torch.nn.functional.pad(feats[:, 1:, 2:5], (0, 0, 0, 1))
    orig = type(m).step_head
    type(m).step_head = lambda self, h, *a, **k: (truth, None)
    try:
        h = torch.zeros(*feats.shape[:2], m.config.d_model)
        last = batch["mask"].sum(1) - 1
        assert torch.all(backtest.backtest_gate(m, h, feats, batch["mask"], last)[:2] == 1.0)
    finally:
        type(m).step_head = orig


def test_backtest_gate_cached_rollout_matches_the_full_pass_and_off_is_unchanged():
    batch = make_batch(B=3, T=12, lengths=(12, 7, 3))
    m = model(backtest_gate=4.0, base_window=4, scale_invariant=True, coverage_gate="speed")
    a = m.generate(batch, steps=5)["pos"]
    b = m.generate(batch, steps=5, use_cache=False)["pos"]
    torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-3)
    m.config.backtest_gate = 0.0
    off = m.generate(batch, steps=5)["pos"]
    ref = model(base_window=4, scale_invariant=True, coverage_gate="speed").generate(batch, steps=5)
    assert torch.equal(off, ref["pos"])


def test_rollout_backtest_gate_falls_back_on_a_steady_line_and_cached_matches_full():
    """backtest_steps H: a rollout from H points before the end, scored against the real last
    H points beside constant velocity; a steady line: constant velocity wins, gate ~0."""
    m = model(backtest_gate=8.0, backtest_steps=3)
    batch = _line(n=16)
    out = m.generate(batch, steps=3)["pos"][0]
    cv = batch["pos"][0, -1] + torch.tensor([120.0, 0.0]) * torch.arange(1, 4)[:, None]
    off = model().generate(batch, steps=3)["pos"][0]
    assert (out - cv).norm(dim=-1).max() < 0.05 * (off - cv).norm(dim=-1).max()
    mixed = make_batch(B=3, T=12, lengths=(12, 7, 3))  # the 3-point row is too short to score
    a = m.generate(mixed, steps=4)["pos"]
    b = m.generate(mixed, steps=4, use_cache=False)["pos"]
    torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-3)
    torch.testing.assert_close(
        a[2], model().generate(mixed, steps=4)["pos"][2], rtol=1e-4, atol=1e-3
    )


def test_backtest_min_steps_gates_a_short_steady_history_by_its_evidence():
    """backtest_min_steps 1 (session 12): a 3-point steady line has one scored step; the gate
    acts with the power scaled to that evidence (p / 3), and 2 points (no step) stay ungated;
    the default 3 leaves a 3-point history ungated, as before."""
    from trajlm.model.backtest import MIN_STEPS

    short = _line(n=3)
    assert float(_gate(model(backtest_gate=8.0), short)[0]) == 1.0  # default: no evidence
    m = model(backtest_gate=8.0, backtest_min_steps=1)
    g1 = float(_gate(m, short)[0])
    assert g1 < 1.0
    full = model(backtest_gate=8.0 / MIN_STEPS)  # the same one step at the full power / 3
    full.load_state_dict(m.state_dict())
    full.config.backtest_min_steps = 1
    assert abs(g1 - float(_gate(full, short)[0])) < 1e-5
    assert float(_gate(m, _line(n=2))[0]) == 1.0
    long = _line(n=16)  # >= MIN_STEPS scored steps: bit for bit the session-11 gate
    assert torch.equal(_gate(m, long), _gate(model(backtest_gate=8.0), long))
    out = m.generate(short, steps=3)["pos"][0]
    off = model().generate(short, steps=3)["pos"][0]
    cv = short["pos"][0, -1] + torch.tensor([120.0, 0.0]) * torch.arange(1, 4)[:, None]
    assert (out - cv).norm(dim=-1).max() < (off - cv).norm(dim=-1).max()
    with pytest.raises(ValueError, match="backtest_min_steps"):
        model(backtest_gate=8.0, backtest_min_steps=0)


def test_backtest_prior_sets_the_gate_where_the_history_has_no_scored_step():
    """backtest_prior: a 2-point history (no step to score) gets that gate; 0 = constant
    velocity exactly, 1 (default) = the model as before; scored histories are untouched."""
    two, long = _line(n=2), _line(n=16)
    m = model(backtest_gate=8.0, backtest_min_steps=1, backtest_prior=0.0)
    assert float(_gate(m, two)[0]) == 0.0
    assert torch.equal(_gate(m, long), _gate(model(backtest_gate=8.0, backtest_min_steps=1), long))
    out = m.generate(two, steps=3)["pos"][0]
    cv = two["pos"][0, -1] + torch.tensor([120.0, 0.0]) * torch.arange(1, 4)[:, None]
    torch.testing.assert_close(out, cv, rtol=0, atol=1e-3)
    assert float(_gate(model(backtest_gate=8.0, backtest_min_steps=1), two)[0]) == 1.0
    with pytest.raises(ValueError, match="backtest_prior"):
        model(backtest_gate=8.0, backtest_prior=1.5)


def _zigzag(n: int = 16, step: float = 120.0, wiggle: float = 30.0) -> dict:
    """A straight track with GPS jitter alternating across it: the last step is wrong by
    2 * wiggle sideways, the velocity over the last two steps is exact."""
    batch = _line(n, step)
    batch["pos"][0, :, 1] = wiggle * (torch.arange(float(n)) % 2 * 2 - 1)
    return batch


def test_backtest_fallback_window_falls_back_to_the_better_physics_on_the_own_past():
    """backtest_fallback_window 2 (session 12): on a jittering track the window velocity
    (linear extrapolation over 3 points) predicted the past better than the last step, so a
    model that lost the backtest falls back to it; default 1 falls back to the last step."""
    from trajlm.model.backtest import fallback_step

    batch = _zigzag()
    m = model(backtest_gate=8.0, backtest_fallback_window=2)
    feats = m.embed.features(batch["pos"], batch["t"], batch["t0"], batch["mask"])
    last = batch["mask"].sum(1) - 1
    fb = fallback_step(m, feats, batch["mask"], last)[0]
    metres = fb[:2] * m.embed.stats["dxy_scale"]
    torch.testing.assert_close(metres, torch.tensor([120.0, 0.0]), rtol=0, atol=1e-2)
    assert fallback_step(model(backtest_gate=8.0), feats, batch["mask"], last) is None
    assert float(_gate(m, batch)[0]) < 0.05  # the model lost its past to the window
    first = m.generate(batch, steps=3)["pos"][0] - batch["pos"][0, -1]
    torch.testing.assert_close(first[0], torch.tensor([120.0, 0.0]), rtol=0, atol=6.0)
    full = m.generate(batch, steps=3, use_cache=False)["pos"][0] - batch["pos"][0, -1]
    torch.testing.assert_close(first, full, rtol=1e-4, atol=1e-2)
    line = _line(n=16)  # on a clean line the last step is as good: chosen, as before
    assert torch.equal(m.generate(line, steps=3)["pos"],
                       model(backtest_gate=8.0).generate(line, steps=3)["pos"])  # fmt: skip
    with pytest.raises(ValueError, match="backtest_fallback_window"):
        model(backtest_fallback_window=2)  # needs the backtest gate
