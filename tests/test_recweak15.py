"""Session 15 (recweak): a trajectory WITH evidence has its guard ratio shrunk toward the call's
pooled one by n / (n + k) (``shrink_k``, trajlm/tasks/recover_bridge.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from test_recguard14 import mixed
from test_recover_bridge import task, tiny

from trajlm.data.features import LocalProjection
from trajlm.tasks.recover_bridge import (
    BRIDGE_DEFAULT,
    BridgeRecoverer,
    akima_xy,
    bridge_xy,
    guard_mask,
    linear_xy,
)

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def ratios(model, tk) -> tuple[np.ndarray, np.ndarray, float]:
    """Per trajectory (n scored points, own ratio e_interp / e_bridge) and the pooled ratio,
    recomputed here from the backtest (fallback "best": the better interpolation)."""
    ll = tk.latlon
    proj = LocalProjection(float(np.mean(ll[tk.known, 0])), float(np.mean(ll[tk.known, 1])))
    xy = np.stack(proj.forward(ll[:, 0], ll[:, 1]), 1)
    xy[~tk.known] = 0.0
    k2 = guard_mask(tk.known, tk.groups)
    sc = tk.known & ~k2
    g = tk.groups[sc]
    G = int(tk.groups.max()) + 1
    n = np.bincount(g, minlength=G).astype(float)
    d = {
        "b": bridge_xy(model, xy, tk.t, k2, tk.groups, proj, "bridge", "known"),
        "a": akima_xy(xy, tk.t, k2, tk.groups),
        "l": linear_xy(xy, tk.t, k2, tk.groups),
    }
    d = {k: np.linalg.norm(v[sc] - xy[sc], axis=1) for k, v in d.items()}
    own = {k: np.bincount(g, v, minlength=G) / np.maximum(n, 1) for k, v in d.items()}
    rho = np.minimum(own["a"], own["l"]) / own["b"]
    return n, rho, min(d["a"].mean(), d["l"].mean()) / d["b"].mean()


# Session 14's default: BRIDGE_DEFAULT without the shrinkage it gained in session 15 and the
# dense-feed settings of session 17 (thin_dt, backtest: no effect on these tiny models, which
# record no training step; tests/test_recdense.py)
S17 = {"thin_dt": "train", "backtest": "auto"}
S14 = {k: v for k, v in BRIDGE_DEFAULT.items() if not k.startswith("shrink") and k not in S17}


def test_the_default_is_session_14s_rule_with_down_shrinkage_16():
    assert BRIDGE_DEFAULT == {**S14, "shrink_k": 16.0, "shrink_rule": "down", **S17}
    tk = mixed()
    m = tiny(3.0)
    new, old = BridgeRecoverer(m, **BRIDGE_DEFAULT), BridgeRecoverer(m, **S14)
    new.recover(tk), old.recover(tk)
    assert np.all(new.last_gate <= old.last_gate)  # "down": the gate is only ever lowered


def test_the_default_path_is_unchanged_bit_for_bit():
    tk = mixed()
    m = tiny(3.0)
    d = BridgeRecoverer(m, **S14)
    z = BridgeRecoverer(m, **{**S14, "shrink_k": 0.0})
    assert d.shrink_k == 0.0 and "shrink" not in d.name
    np.testing.assert_array_equal(d.recover(tk), z.recover(tk))
    np.testing.assert_array_equal(d.last_gate, z.last_gate)
    # today's rule, recomputed: evidence -> own gate, none -> pooled gate
    n, rho, rho_p = ratios(m, tk)
    want = np.where(n >= 2, np.minimum(1.0, rho**8.0), min(1.0, rho_p**8.0))
    np.testing.assert_allclose(d.last_gate, want, rtol=1e-9, atol=1e-300)


@pytest.mark.parametrize("k", [0.5, 4.0, 32.0])
def test_the_gate_is_the_shrunk_ratio(k):
    tk = mixed()
    m = tiny(3.0)
    r = BridgeRecoverer(m, guard_power=1.0, no_evidence_rule="pooled", shrink_k=k)
    r.recover(tk)
    n, rho, rho_p = ratios(m, tk)
    lam = n / (n + k)
    want = np.minimum(1.0, rho**lam * rho_p ** (1 - lam))
    want = np.where(n >= 2, want, min(1.0, rho_p))  # no evidence: the pooled gate
    np.testing.assert_allclose(r.last_gate, want, rtol=1e-9)
    own = BridgeRecoverer(m, guard_power=1.0, no_evidence_rule="pooled").recover(tk)
    assert not np.array_equal(r.recover(tk), own)  # the rule does move the output


def test_many_points_tend_to_the_own_gate_none_to_the_pooled_one():
    tk = task(n_traj=3)  # 3 long trajectories, every one with evidence
    m = tiny(3.0)
    n, rho, rho_p = ratios(m, tk)
    assert (n >= 10).all() and np.ptp(rho) > 0  # the trajectories' own ratios differ
    base = BridgeRecoverer(m, guard_power=1.0, no_evidence_rule="pooled")
    base.recover(tk)
    gates = []
    for k in (1e-9, 1.0, 10.0, 1e12):
        r = BridgeRecoverer(m, guard_power=1.0, no_evidence_rule="pooled", shrink_k=k)
        r.recover(tk)
        gates.append(r.last_gate)
    np.testing.assert_allclose(gates[0], base.last_gate, rtol=1e-6)  # n / k large: own
    np.testing.assert_allclose(gates[-1], min(1.0, rho_p), rtol=1e-6)  # n / k small: pooled
    dist = [np.abs(np.log(g) - np.log(base.last_gate)).max() for g in gates]
    assert dist[0] < dist[1] < dist[2] < dist[3]  # the more weight on n, the closer to own


def test_a_trajectory_without_evidence_keeps_the_pooled_gate():
    tk = mixed()
    m = tiny(3.0)
    a = BridgeRecoverer(m, **S14)
    b = BridgeRecoverer(m, **{**S14, "shrink_k": 4.0})
    a.recover(tk), b.recover(tk)
    assert b.last_gate[2] == a.last_gate[2]  # the short trip: the pooled gate either way
    assert not np.array_equal(a.last_gate[:2], b.last_gate[:2])


def test_bad_k_and_the_script_arm():
    with pytest.raises(ValueError, match="shrink_k"):
        BridgeRecoverer(tiny(), shrink_k=-1.0)
    sys.path.insert(0, str(SCRIPTS))
    from recovery_bridge_results import arms

    r = arms(tiny(), ["bridge+guard16:nepool:shrink4"])["bridge+guard16:nepool:shrink4"]
    assert (r.shrink_k, r.guard_power, r.no_evidence_rule) == (4.0, 16.0, "pooled")
    assert BridgeRecoverer(tiny(), guard_power=8, shrink_k=4).name.endswith(":shrink4")
    r = arms(tiny(), ["bridge+guard:shrink2.5down"])["bridge+guard:shrink2.5down"]
    assert (r.shrink_k, r.shrink_rule, r.no_evidence_rule) == (2.5, "down", "fixed")


def test_the_down_and_logmean_rules():
    tk = task(n_traj=3)
    m = tiny(3.0)
    n, rho, rho_p = ratios(m, tk)
    lam = n / (n + 4.0)
    gates = {}
    for rule in ("pool", "down", "logmean"):
        r = BridgeRecoverer(m, guard_power=1.0, no_evidence_rule="pooled", shrink_k=4.0,
                            shrink_rule=rule)  # fmt: skip
        r.recover(tk)
        gates[rule] = r.last_gate
    np.testing.assert_allclose(gates["down"], np.minimum(gates["pool"], np.minimum(1.0, rho)),
                               rtol=1e-9)  # fmt: skip
    prior = np.exp(np.average(np.log(rho), weights=n))
    want = np.minimum(1.0, rho**lam * prior ** (1 - lam))
    np.testing.assert_allclose(gates["logmean"], want, rtol=1e-9)
    with pytest.raises(ValueError, match="shrink_rule"):
        BridgeRecoverer(m, shrink_rule="mean")
