"""Session 17 (recdense2): recovery in dense feeds (AIS at 2-10 s, 1-s loggers) with a causal
checkpoint: histories thinned to the training step, the guard's backtest on spans as long as the
real gaps (trajlm/tasks/recover_dense.py, recover_bridge.BRIDGE_DEFAULT)."""

from __future__ import annotations

import copy
from types import SimpleNamespace

import numpy as np
import pytest
from test_recover_bridge import SMALL, T0, task, tiny

from trajlm.data.features import LocalProjection
from trajlm.tasks.recover_bridge import (
    BRIDGE_DEFAULT,
    BridgeRecoverer,
    bridge_xy,
    linear_xy,
)
from trajlm.tasks.recover_dense import (
    gap_spans,
    is_dense,
    resolve_thin,
    span_mask,
    thin_side,
    train_step,
)


def trained_on(model, dt: float = 15.0):
    """The model with a recorded training step (coverage dt p50), as trajlm-small has."""
    m = copy.copy(model)
    m.config = copy.copy(model.config)
    m.config.coverage = {"dt_s": {"p50": dt}}
    return m


def dense(n_traj: int = 2, step: float = 2.0, minutes: float = 40.0, gap: float = 600.0,
          noise: float = 5.0, seed: int = 0) -> SimpleNamespace:  # fmt: skip
    """Straight tracks at 10 m/s reported every ``step`` s with ``noise`` m of GPS noise; rows
    in [gap, 2 gap) of every 3 gap window hidden; ``truth``: the noise-free positions."""
    rng = np.random.default_rng(seed)
    proj = LocalProjection(36.0, -5.5)
    ts, lls, tr, gs, ks = [], [], [], [], []
    for g in range(n_traj):
        s = np.arange(0, minutes * 60, step)
        x, y = 10.0 * s, 2000.0 * g + 0.5 * s
        nx, ny = x + rng.normal(0, noise, len(s)), y + rng.normal(0, noise, len(s))
        ts.append(T0 + s.astype(np.int64))
        lls.append(np.stack(proj.inverse(nx, ny), 1))
        tr.append(np.stack(proj.inverse(x, y), 1))
        gs.append(np.full(len(s), g))
        rel = s % (3 * gap)
        k = ~((rel >= gap) & (rel < 2 * gap))
        k[0] = k[-1] = True
        ks.append(k)
    return SimpleNamespace(t=np.concatenate(ts), latlon=np.concatenate(lls),
                           truth=np.concatenate(tr), groups=np.concatenate(gs),
                           known=np.concatenate(ks))  # fmt: skip


def lin_mae(tk) -> float:
    """MAE (m) of linear interpolation on ``tk``'s hidden rows against the truth."""
    proj = LocalProjection(36.0, -5.5)
    xy = np.stack(proj.forward(tk.latlon[:, 0], tk.latlon[:, 1]), 1)
    lin = linear_xy(xy, tk.t, tk.known, tk.groups)
    return mae(np.stack(proj.inverse(lin[:, 0], lin[:, 1]), 1), tk)


def mae(ll: np.ndarray, tk) -> float:
    proj = LocalProjection(36.0, -5.5)
    h = ~tk.known
    a = np.stack(proj.forward(ll[h, 0], ll[h, 1]), 1)
    b = np.stack(proj.forward(tk.truth[h, 0], tk.truth[h, 1]), 1)
    return float(np.linalg.norm(a - b, axis=1).mean())


def test_thin_side_keeps_the_anchor_and_points_at_least_dt_apart():
    t = np.r_[np.arange(0, 100, 2), np.arange(1000, 1100, 2)].astype(float)  # two runs of 2 s
    back = thin_side(t, 40, 0, 50, -1, 15.0, 62)
    assert back[0] == 40 and np.all(np.diff(t[back]) <= -15.0) and back.min() >= 0
    assert len(back) == 1 + int(t[40] // 16)  # 2-s steps: every 8th point (16 s) back to 0
    fwd = thin_side(t, 50, 50, 100, 1, 15.0, 3)
    assert fwd.tolist() == [50, 58, 66]  # capped at 3, inside its run [50, 100)
    # not thinned: dt 0, or a history not denser than dt -> the nearest ``cap`` as they are
    assert thin_side(t, 40, 0, 50, -1, 0.0, 5).tolist() == [40, 39, 38, 37, 36]
    sparse = np.arange(0, 600, 30).astype(float)
    assert thin_side(sparse, 10, 0, 20, -1, 15.0, 62).tolist() == list(range(10, -1, -1))
    assert thin_side(sparse, 10, 3, 20, 1, 15.0, 4).tolist() == [10, 11, 12, 13]


def test_span_mask_hides_spans_as_long_as_the_real_gaps():
    t = np.r_[np.arange(0, 3600, 2), np.arange(3600, 4000, 2)].astype(np.int64)
    groups = np.r_[np.zeros(1800, int), np.ones(200, int)]
    keep = span_mask(t, groups, {0: [300.0]})
    assert keep[groups == 1].all()  # no real gap in trajectory 1: no evidence asked
    assert keep[0] and keep[1799]  # ends kept
    idx = np.flatnonzero(keep[:1800])
    spans = np.diff(t[idx])[np.diff(t[idx]) > 2]
    assert len(spans) >= 5 and np.all((spans >= 300) & (spans <= 1.5 * 300))
    # a long step (a real gap, absent from the known rows) is never straddled
    t2 = np.r_[np.arange(0, 400, 2), np.arange(2000, 2400, 2)].astype(np.int64)
    keep2 = span_mask(t2, np.zeros(len(t2), int), {0: [300.0]})
    assert keep2[199] and keep2[200]
    # the real gaps' durations, per trajectory
    known = np.array([1, 0, 0, 1, 1, 1, 0, 1], bool)
    tt = np.array([0, 10, 20, 30, 0, 5, 10, 40])
    assert gap_spans(tt, known, np.array([0, 0, 0, 0, 1, 1, 1, 1])) == {0: [30.0], 1: [35.0]}


def test_15_s_data_is_bit_identical_with_thinning_and_auto_backtest():
    tk = task(n_traj=3)  # 15-s tracks, every other point hidden: known steps of 30 s
    m = tiny(3.0)
    mt = trained_on(m, 15.0)
    assert train_step(mt) == 15.0 and train_step(m) == 0.0
    assert not is_dense(tk.t, tk.known, tk.groups, 15.0)
    old = {**BRIDGE_DEFAULT, "thin_dt": 0.0, "backtest": "alternate"}
    np.testing.assert_array_equal(BridgeRecoverer(mt, **BRIDGE_DEFAULT).recover(tk),
                                  BridgeRecoverer(m, **old).recover(tk))  # fmt: skip
    # thinning alone moves nothing on a 15-s history (every step already >= 15 s)
    proj = LocalProjection(41.15, -8.61)
    xy = np.stack(proj.forward(tk.latlon[:, 0], tk.latlon[:, 1]), 1)
    full = np.ones(len(tk.t), bool)
    full[5:9] = False
    np.testing.assert_array_equal(bridge_xy(m, xy, tk.t, full, tk.groups, proj, thin_dt=15.0),
                                  bridge_xy(m, xy, tk.t, full, tk.groups, proj))  # fmt: skip


def test_dense_data_takes_the_span_backtest_and_thinned_histories():
    tk = dense(step=2.0, minutes=30.0, gap=300.0)
    m = trained_on(tiny(3.0), 15.0)
    assert is_dense(tk.t, tk.known, tk.groups, 15.0)
    base = {**BRIDGE_DEFAULT, "check": "off"}  # the guard itself (session 21's check aside)
    auto = BridgeRecoverer(m, **base).recover(tk)
    spans = BridgeRecoverer(m, **{**base, "backtest": "spans"}).recover(tk)
    alt = BridgeRecoverer(m, **{**base, "backtest": "alternate"}).recover(tk)
    np.testing.assert_array_equal(auto, spans)
    assert not np.array_equal(auto, alt)
    unthinned = BridgeRecoverer(m, **{**base, "thin_dt": 0.0, "backtest": "spans"})
    assert not np.array_equal(auto, unthinned.recover(tk))


def test_a_wild_model_on_dense_gaps_falls_back_to_the_interpolation():
    """A random model (weights x 3) bridging 5-minute gaps in a 2-s feed: the span backtest
    sees it lose on gaps of that length and the output is within 5 % of linear."""
    tk = dense(step=2.0, minutes=40.0, gap=300.0)
    m = trained_on(tiny(3.0), 15.0)
    e_lin = lin_mae(tk)
    raw = BridgeRecoverer(m, thin_dt="train").recover(tk)  # no guard
    new = BridgeRecoverer(m, **BRIDGE_DEFAULT)
    e_new = mae(new.recover(tk), tk)
    assert mae(raw, tk) > 1.5 * e_lin  # the bridge alone is far off
    assert e_new <= 1.05 * e_lin
    assert np.all(new.last_gate < 0.05)


def test_bad_thin_dt_and_backtest_say_which_option():
    with pytest.raises(ValueError, match="thin_dt"):
        BridgeRecoverer(tiny(), thin_dt="fast")
    with pytest.raises(ValueError, match="thin_dt"):
        resolve_thin(-1.0, tiny())
    with pytest.raises(ValueError, match="backtest"):
        BridgeRecoverer(tiny(), backtest="every")
    assert resolve_thin("train", trained_on(tiny(), 15.0)) == 15.0
    assert BridgeRecoverer(tiny(), guard_power=8).name == "trajlm bridge+guard(p=8)"
    assert BridgeRecoverer(tiny(), guard_power=8, thin_dt=0, backtest="alternate",
                           evidence="spans").name.endswith(":thin-0:bt-alternate:ev-spans")  # fmt: skip


@pytest.mark.skipif(not SMALL.is_file(), reason="trajlm-small not built")
def test_trajlm_small_on_ten_minute_gaps_in_a_2_s_feed_is_level_with_linear():
    """End to end with the real checkpoint: 10-minute gaps in a 2-s feed of straight tracks stay
    within 10 % + 1 m of the straight line (the gate's discrimination is tested above with a
    wild model; the old default is level here too, it lost on the Gibraltar transits' turns)."""
    from trajlm.model.transformer import TrajectoryModel

    m = TrajectoryModel.from_pretrained("trajlm-small").eval()
    tk = dense(n_traj=2, step=2.0, minutes=50.0, gap=600.0)
    e_lin = lin_mae(tk)
    e_new = mae(BridgeRecoverer(m, **BRIDGE_DEFAULT).recover(tk), tk)
    assert e_new <= 1.1 * e_lin + 1.0


def test_span_evidence_counts_the_backtest_spans_not_their_points():
    tk = dense(n_traj=3, step=2.0, minutes=30.0, gap=300.0)
    m = trained_on(tiny(3.0), 15.0)
    k = tk.known
    keep = span_mask(tk.t[k], tk.groups[k], gap_spans(tk.t, k, tk.groups))
    g = tk.groups[k]
    opens = ~keep & np.r_[True, keep[:-1] | (g[1:] != g[:-1])]
    spans = np.bincount(g[opens], minlength=3)
    assert spans.min() >= 1 and spans.max() <= 5  # a few spans of hundreds of points each
    hi = int(spans.max()) + 1
    kw = {**BRIDGE_DEFAULT, "guard_power": 1.0, "shrink_k": 0.0, "min_scored": hi}
    by_spans = BridgeRecoverer(m, **kw, evidence="spans")
    by_points = BridgeRecoverer(m, **kw, evidence="points")
    by_spans.recover(tk), by_points.recover(tk)
    assert np.ptp(by_spans.last_gate) == 0  # < hi spans each: all take the pooled gate
    assert np.ptp(by_points.last_gate) > 0  # hundreds of points each: their own gates
    ok = BridgeRecoverer(m, **{**kw, "min_scored": int(spans.min())}, evidence="spans")
    ok.recover(tk)
    assert np.ptp(ok.last_gate) > 0
    with pytest.raises(ValueError, match="evidence"):
        BridgeRecoverer(m, evidence="gaps")
