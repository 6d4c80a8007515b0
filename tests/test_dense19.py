"""Session 19 (dense19): the wide-knot Akima taken by the guard's pick only where its backtest
wins by a margin (``wide_margin``) and/or in every backtest span (``wide_every``)
(trajlm/tasks/recover_guard.py, docs/recovery.md "Session 19 (dense19)")."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from test_recdense import trained_on
from test_recover_bridge import T0, task, tiny

from trajlm.data.features import LocalProjection
from trajlm.tasks.recover_bridge import BRIDGE_DEFAULT, BridgeRecoverer
from trajlm.tasks.recover_guard import wins_every_span


def _model():
    return trained_on(tiny(), 15.0)


def test_the_options_are_checked_and_named():
    for bad in (-0.1, 1.0, 2.0):
        with pytest.raises(ValueError, match="wide_margin must be in"):
            BridgeRecoverer(tiny(), wide_margin=bad)
    rec = BridgeRecoverer(tiny(), guard_power=8.0, knots="pick", wide_margin=0.2,
                          wide_every=True)  # fmt: skip
    assert rec.name.endswith(":wm0.2:wide-every"), rec.name


def test_every_span_needs_a_win_in_each_span_by_the_margin():
    # two trajectories, two backtest spans each (runs of scored rows), one row per span
    gs = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    scored = np.array([1, 0, 1, 0, 1, 0, 1, 0], bool)
    xs = np.zeros((8, 2))
    err = {  # the error is the x offset at each scored row
        "akima": np.array([10, 0, 10, 0, 10, 0, 10, 0.0]),
        "linear": np.array([20, 0, 20, 0, 20, 0, 20, 0.0]),
        "akima_wide": np.array([5, 0, 9.5, 0, 1, 0, 11, 0.0]),  # 0: wins both; 1: loses one
    }
    errs = {k: np.stack([v, 0 * v], 1) for k, v in err.items()}
    use_akima = np.array([True, True])
    got = wins_every_span(errs, xs, gs, scored, use_akima, 0.0, 2)
    assert got.tolist() == [True, False]
    # a 10 % margin: 9.5 is not below 0.9 x 10 in trajectory 0's second span
    assert wins_every_span(errs, xs, gs, scored, use_akima, 0.1, 2).tolist() == [False, False]
    # against linear (the picked one) trajectory 1 wins every span
    lin = np.array([False, False])
    assert wins_every_span(errs, xs, gs, scored, lin, 0.0, 2).tolist() == [True, True]


def arcs(n_traj: int = 4, seed: int = 2, r: float = 1500.0) -> SimpleNamespace:
    """Gentle turns (radius ``r`` m at 8 m/s) reported every 2 s with 6 m of noise, rows in
    [300, 600) s of every 900 s hidden: the wide Akima's backtest beats both others here."""
    rng = np.random.default_rng(seed)
    proj = LocalProjection(36.0, -5.5)
    ts, lls, gs, ks = [], [], [], []
    for g in range(n_traj):
        s = np.arange(0, 2700, 2.0)
        a = 8.0 * s / r
        x = r * np.sin(a) + 8000.0 * g + rng.normal(0, 6, len(s))
        y = r * (1 - np.cos(a)) + rng.normal(0, 6, len(s))
        ts.append(T0 + s.astype(np.int64))
        lls.append(np.stack(proj.inverse(x, y), 1))
        gs.append(np.full(len(s), g))
        k = ~((s % 900 >= 300) & (s % 900 < 600))
        k[0] = k[-1] = True
        ks.append(k)
    return SimpleNamespace(t=np.concatenate(ts), latlon=np.concatenate(lls),
                           groups=np.concatenate(gs), known=np.concatenate(ks))  # fmt: skip


def test_the_wide_pick_needs_its_margin_on_a_noisy_dense_feed():
    """The plain pick (margin 0) takes the wide Akima on every arc; a margin m only where its
    backtest error is below (1 - m) x the better of Akima / linear; a margin of 0.99 never,
    and then the output is that of knots 'all'."""
    tk = arcs()
    m = _model()
    plain = BridgeRecoverer(m, **{**BRIDGE_DEFAULT, "knots": "pick", "wide_margin": 0.0})
    plain.recover(tk)
    e = plain.last_errors
    assert (plain.last_pick == 2).all(), plain.last_pick
    rel = 1.0 - e["akima_wide"] / np.minimum(e["akima"], e["linear"])
    some = BridgeRecoverer(m, **{**BRIDGE_DEFAULT, "knots": "pick", "wide_margin": 0.25})
    some.recover(tk)
    np.testing.assert_array_equal(some.last_pick == 2, rel > 0.25)
    assert 0 < (some.last_pick == 2).sum() < 4, rel  # the arcs straddle this margin
    strict = BridgeRecoverer(m, **{**BRIDGE_DEFAULT, "knots": "pick", "wide_margin": 0.99})
    base = BridgeRecoverer(m, **{**BRIDGE_DEFAULT, "knots": "all", "wide_margin": 0.0})
    np.testing.assert_array_equal(strict.recover(tk), base.recover(tk))
    assert not (strict.last_pick == 2).any()


def test_the_margin_and_every_span_leave_15_s_data_as_it_was():
    tk = task()
    m = _model()
    base = BridgeRecoverer(m, **{**BRIDGE_DEFAULT, "knots": "all", "wide_margin": 0.0}).recover(tk)
    for opt in ({"wide_margin": 0.1}, {"wide_every": True}, {"wide_margin": 0.3}):
        got = BridgeRecoverer(m, **{**BRIDGE_DEFAULT, "knots": "pick", **opt}).recover(tk)
        np.testing.assert_array_equal(got, base)


def test_the_margin_pick_is_what_recover_uses_now():
    """Chosen on val (session 19, dense19; docs/recovery.md): the constructor's default too, so
    a recoverer's name shows only what differs from it."""
    assert BRIDGE_DEFAULT["knots"] == "pick" and BRIDGE_DEFAULT["wide_margin"] == 0.1
    rec = BridgeRecoverer(tiny(), **BRIDGE_DEFAULT)
    assert (rec.knots, rec.wide_margin, rec.wide_every) == ("pick", 0.1, False)
    assert ":knots" not in rec.name and ":wm" not in rec.name, rec.name
    old = BridgeRecoverer(tiny(), **{**BRIDGE_DEFAULT, "knots": "all", "wide_margin": 0.0})
    assert old.name.endswith(":knots-all:wm0:check-call"), old.name  # + session 21's check
