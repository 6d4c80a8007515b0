"""Session 14 (recguard): the bridge's guard without evidence takes the call's pooled gate
(``no_evidence_rule="pooled"``, trajlm/tasks/recover_bridge.py)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from test_recover_bridge import curve, task, tiny

from trajlm.data.features import LocalProjection
from trajlm.tasks.recover_bridge import (
    BRIDGE_DEFAULT,
    BridgeRecoverer,
    akima_xy,
    bridge_xy,
    guard_mask,
    linear_xy,
)


def mixed() -> SimpleNamespace:
    """Two long trajectories (every other point hidden) and a short one whose 3 known points
    leave 1 scored point: no evidence (< min_scored = 2)."""
    ts, lls, gs, ks = [], [], [], []
    for g, n in enumerate((40, 40, 4)):
        t, ll = curve(n=n, tid=g)
        i = np.arange(n)
        ts.append(t), lls.append(ll), gs.append(np.full(n, g))
        ks.append(~((i % 2 == 1) & (i < n - 1)))
    return SimpleNamespace(t=np.concatenate(ts), latlon=np.concatenate(lls),
                           groups=np.concatenate(gs), known=np.concatenate(ks))  # fmt: skip


def pooled_gate(model, tk, p: float = 8.0) -> tuple[float, bool]:
    """The gate from all scored points of the call pooled, and whether Akima beat linear."""
    ll = tk.latlon
    proj = LocalProjection(float(np.mean(ll[tk.known, 0])), float(np.mean(ll[tk.known, 1])))
    xy = np.stack(proj.forward(ll[:, 0], ll[:, 1]), 1)
    xy[~tk.known] = 0.0
    k2 = guard_mask(tk.known, tk.groups)
    sc = tk.known & ~k2

    def e(v):
        return float(np.linalg.norm(v[sc] - xy[sc], axis=1).mean())

    eb = e(bridge_xy(model, xy, tk.t, k2, tk.groups, proj, "bridge", "known"))
    ea, el = e(akima_xy(xy, tk.t, k2, tk.groups)), e(linear_xy(xy, tk.t, k2, tk.groups))
    return min(1.0, (min(ea, el) / eb) ** p), ea <= el


def test_pooled_equals_the_default_where_every_trajectory_has_evidence():
    tk = task(n_traj=3)
    m = tiny(3.0)
    a = BridgeRecoverer(m, **{**BRIDGE_DEFAULT, "no_evidence_rule": "fixed"})
    b = BridgeRecoverer(m, **{**BRIDGE_DEFAULT, "no_evidence_rule": "pooled"})
    out_a, out_b = a.recover(tk), b.recover(tk)
    np.testing.assert_array_equal(a.last_gate, b.last_gate)
    np.testing.assert_array_equal(out_a, out_b)


def test_a_trajectory_without_evidence_takes_the_pooled_gate():
    tk = mixed()
    m = tiny(25.0)  # a garbage model: its track record says "do not trust the bridge"
    # check "off": the guard's own rule (session 21's call check would answer Akima here)
    fixed = BridgeRecoverer(m, **{**BRIDGE_DEFAULT, "no_evidence_rule": "fixed", "check": "off"})
    pooled = BridgeRecoverer(m, **{**BRIDGE_DEFAULT, "no_evidence_rule": "pooled", "check": "off"})
    out_f, out_p = fixed.recover(tk), pooled.recover(tk)
    assert fixed.last_gate[2] == 1.0  # the old rule: fully trusted
    g, _ = pooled_gate(m, tk)
    assert g < 0.05
    assert pooled.last_gate[2] == pytest.approx(g, rel=1e-9, abs=1e-12)
    np.testing.assert_array_equal(fixed.last_gate[:2], pooled.last_gate[:2])  # evidence: own
    short = tk.groups == 2
    np.testing.assert_array_equal(out_f[~short], out_p[~short])
    hid = short & ~tk.known
    e_f = np.abs(out_f[hid] - tk.latlon[hid]).max()
    e_p = np.abs(out_p[hid] - tk.latlon[hid]).max()
    assert e_p < e_f  # the short trip falls back toward the interpolation


def test_the_default_path_is_unchanged():
    """The argument's default is the old rule: without evidence g = no_evidence = 1."""
    tk = mixed()
    m = tiny(25.0)
    old = {k: v for k, v in BRIDGE_DEFAULT.items()
           if k != "no_evidence_rule" and not k.startswith("shrink") and k != "check"}  # fmt: skip
    d = BridgeRecoverer(m, **old)  # session 21's call check aside
    assert d.no_evidence_rule == "fixed" and d.name == "trajlm bridge+guard(p=8)"
    out = d.recover(tk)
    assert d.last_gate[2] == 1.0
    # the fixed rule trusts the bridge fully on the short trip: the raw bridge there
    raw = BridgeRecoverer(m).recover(tk)
    short = tk.groups == 2
    np.testing.assert_allclose(out[short], raw[short], rtol=0, atol=1e-9)
    with pytest.raises(ValueError, match="no_evidence_rule"):
        BridgeRecoverer(m, no_evidence_rule="mean")


def test_a_call_without_enough_pooled_evidence_keeps_no_evidence():
    tk = mixed()
    one = tk.groups == 2  # the short trip alone: 1 scored point in the whole call
    alone = SimpleNamespace(t=tk.t[one], latlon=tk.latlon[one], groups=tk.groups[one] * 0,
                            known=tk.known[one])  # fmt: skip
    r = BridgeRecoverer(tiny(25.0), **{**BRIDGE_DEFAULT, "no_evidence_rule": "pooled"})
    r.recover(alone)
    assert r.last_gate.tolist() == [1.0]


def test_the_pooled_rule_is_what_recover_uses_now():
    assert BRIDGE_DEFAULT["no_evidence_rule"] == "pooled"  # chosen on val, docs/recovery.md S14
