"""Session 24 (speed24): the bridge thins every gap side's history in one vectorized call
(``thin_sides``); it must give ``thin_side``'s indices exactly, side by side, for any anchor,
direction, run, cap and step (integer and sub-second times, dense and sparse feeds)."""

from __future__ import annotations

import numpy as np
import pytest

from trajlm.tasks.recover_dense import thin_side, thin_sides


@pytest.mark.parametrize("step", [-1, 1])
@pytest.mark.parametrize("dt", [0.0, 1.0, 15.0, 40.0])
def test_thin_sides_equals_thin_side_side_by_side(step: int, dt: float) -> None:
    rng = np.random.default_rng(int(dt) * 3 + step + 7)
    for trial in range(40):
        lens = rng.integers(1, 60, rng.integers(1, 6))  # runs (trajectories) of known points
        steps = [rng.choice([1, 2, 5, 15, 30], n) for n in lens]
        if trial % 2:  # sub-second float times
            steps = [s + rng.random(len(s)) for s in steps]
        times = np.concatenate([1e9 + 1e5 * r + np.cumsum(s) for r, s in enumerate(steps)])
        if trial % 2 == 0:
            times = times.astype(np.int64)
        edges = np.r_[0, np.cumsum(lens)]
        run = np.repeat(np.arange(len(lens)), lens)
        js = rng.integers(0, len(times), rng.integers(0, 30))
        lo, hi = edges[run[js]], edges[run[js] + 1]
        cap = int(rng.integers(1, 70))
        got = thin_sides(times, js, lo, hi, step, dt, cap)
        want = [thin_side(times, int(j), int(a), int(b), step, dt, cap)
                for j, a, b in zip(js, lo, hi, strict=True)]  # fmt: skip
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert g.tolist() == np.asarray(w).tolist()


def test_thin_sides_thins_a_dense_run_and_keeps_a_sparse_one() -> None:
    dense = np.arange(100, dtype=np.int64)  # 1-s fixes
    (side,) = thin_sides(dense, np.array([99]), np.array([0]), np.array([100]), -1, 15.0, 62)
    assert side.tolist() == [99, 84, 69, 54, 39, 24, 9]
    sparse = np.arange(0, 1500, 15, dtype=np.int64)  # 15-s fixes: as they are
    (side,) = thin_sides(sparse, np.array([10]), np.array([0]), np.array([100]), 1, 15.0, 5)
    assert side.tolist() == [10, 11, 12, 13, 14]


def _per_side(times, js, lo, hi, step, dt, cap):  # the reference: one thin_side per side
    return [thin_side(times, int(j), int(a), int(b), step, dt, cap)
            for j, a, b in zip(js, lo, hi, strict=True)]  # fmt: skip


@pytest.mark.parametrize("guard_power", [0.0, 8.0])
def test_bridge_answers_as_with_one_thin_side_per_side(monkeypatch, guard_power: float) -> None:
    """End to end: a dense call (1-s fixes, random half hidden) recovered by the bridge (alone,
    and guarded as by default) equals, to 1e-6 m, the same call with the reference."""
    from test_recdense import dense, trained_on
    from test_recover_bridge import tiny

    from trajlm.tasks import recover_bridge
    from trajlm.tasks.recover_bridge import BRIDGE_DEFAULT, BridgeRecoverer

    tk = dense(n_traj=2, step=1.0, minutes=6.0, gap=20.0, seed=3)
    tk.known = tk.known & (np.random.default_rng(0).random(len(tk.t)) >= 0.5)
    cut = tk.groups[1:] != tk.groups[:-1]
    tk.known[np.r_[True, cut] | np.r_[cut, True]] = True
    model = trained_on(tiny(), 15.0)
    args = {**BRIDGE_DEFAULT, "check": "off", "guard_power": guard_power}
    ours = BridgeRecoverer(model, **args).recover(tk)
    monkeypatch.setattr(recover_bridge, "thin_sides", _per_side)
    ref = BridgeRecoverer(model, **args).recover(tk)
    assert np.isfinite(ours).all()
    assert (np.abs(ours - ref) * 111_000.0).max() <= 1e-6  # degrees -> m (bound for lon too)
    # the histories matter: each side without its anchor point moves the bridge's answer
    monkeypatch.setattr(recover_bridge, "thin_sides",
                        lambda *a: [h[1:] if len(h) > 2 else h for h in _per_side(*a)])  # fmt: skip
    if guard_power == 0.0:
        other = BridgeRecoverer(model, **args).recover(tk)
        assert (np.abs(other - ref) * 111_000.0).max() > 1e-3
