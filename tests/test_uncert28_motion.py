"""Radii per motion state (session 28, uncert28; eval/motion_state.py, RadiiBins.motion): an
answer whose history ends stopped or starting gets its state's val multiplier, 1-2 s movers
their own set."""

from __future__ import annotations

import json
import warnings
from dataclasses import replace

import numpy as np
import polars as pl
import pytest

from trajlm.errors import TrajlmInputError
from trajlm.eval.motion_state import motion_state, recent_speed
from trajlm.eval.radii_bins import (
    RADII_FILE,
    conformal_quantile,
    fit_radii_bins,
    load_radii_bins,
    regime,
    relative_std,
    save_radii_bins,
)
from trajlm.eval.radii_motion import fit_motion

LV = (50, 90, 95)


def test_recent_speed_and_state_read_the_last_seconds():
    t = np.arange(20.0)
    still = np.zeros(20)
    go = np.where(t >= 12, (t - 12) * 5.0, 0.0)  # stood 12 s, then 5 m/s for 7 s
    steady = t * 5.0
    assert recent_speed(t, still, still) == 0.0
    assert recent_speed(t, steady, still) == pytest.approx(5.0)
    assert recent_speed(t, go, still) == pytest.approx(35.0 / 10.0)  # the last 10 s
    assert np.isnan(recent_speed(t[:1], still[:1], still[:1]))
    got = motion_state([0.1, 3.5, 5.0, np.nan], [0.1, 1.0, 5.0, 1.0])
    assert got.tolist() == ["stopped", "starting", "moving", "unknown"]


def _sample(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Moving answers' err / std_m a Gaussian radius; stopped ones' three times as wide."""
    state = np.repeat(["moving", "stopped"], n)
    r = np.hypot(*rng.normal(0, 1, (2, 2 * n))) * np.where(state == "stopped", 3.0, 1.0)
    return {"r": r, "ahead": rng.choice([5.0, 30.0], 2 * n), "speed": np.full(2 * n, 5.0),
            "std": rng.uniform(20, 40, 2 * n), "dt": np.full(2 * n, 15.0),
            "group": rng.integers(0, 3, 2 * n), "state": state}  # fmt: skip


def _bins(d):
    rel = relative_std(d["std"], d["speed"], d["ahead"])
    return fit_radii_bins(d["r"], np.ones(len(d["r"])), d["group"], d["ahead"], rel, LV)


def _motion(bins, d, **kw):
    return fit_motion(bins, d["r"], np.ones(len(d["r"])), d["group"], d["ahead"], d["speed"],
                      d["std"], d["dt"], d["state"], **kw)  # fmt: skip


def _factor(b, d, lv, state=True):
    return b.factor(lv, d["ahead"], d["speed"], d["std"], None, d["dt"],
                    d["state"] if state else None)  # fmt: skip


def test_stopped_answers_regain_their_level_and_moving_ones_keep_their_factor():
    d = _sample(3000, np.random.default_rng(0))
    plain = _bins(d)
    b = _motion(plain, d)
    stopped = d["state"] == "stopped"
    for lv in LV:
        before, after = _factor(plain, d, lv), _factor(b, d, lv)
        np.testing.assert_array_equal(after[~stopped], before[~stopped])  # moving: bit for bit
        assert (d["r"][stopped] <= before[stopped]).mean() < lv / 100 - 0.03  # short before
        assert abs((d["r"][stopped] <= after[stopped]).mean() - lv / 100) < 0.03  # held after
        # the multiplier is the conformal quantile of r / factor in the state
        want = conformal_quantile(
            d["r"][stopped] / before[stopped], np.ones(stopped.sum()), lv / 100
        )
        assert b.motion["stopped"][lv] == pytest.approx(max(want, 1.0))
        np.testing.assert_array_equal(_factor(b, d, lv, state=False), before)  # no state: as before
    assert "starting" not in b.motion  # no val answers in that state: no multiplier


def test_1s_movers_take_their_own_multipliers():
    d = _sample(3000, np.random.default_rng(1))
    d["dt"] = np.where(np.arange(len(d["r"])) % 2 == 0, 1.0, 15.0)
    d["r"] = np.where((d["dt"] == 1.0) & (d["state"] == "stopped"), d["r"] * 2, d["r"])
    b = _motion(_bins(d), d, fast="split")
    assert b.motion_fast["stopped"][90] > 1.5 * b.motion["stopped"][90]
    quick = (d["dt"] == 1.0) & (d["state"] == "stopped")
    assert abs((d["r"][quick] <= _factor(b, d, 90)[quick]).mean() - 0.90) < 0.03
    slow = (d["dt"] == 15.0) & (d["state"] == "stopped")  # widened only: at or over the level
    assert (d["r"][slow] <= _factor(b, d, 90)[slow]).mean() >= 0.88


def test_the_file_round_trips_and_a_hand_edit_is_one_line(tmp_path):
    d = _sample(1000, np.random.default_rng(2))
    b = _motion(_bins(d), d, levels=(90, 95))
    save_radii_bins(b, tmp_path)
    back = load_radii_bins(tmp_path)
    assert back.motion == b.motion and back.motion["stopped"][50] == 1.0
    for lv in LV:
        np.testing.assert_array_equal(_factor(back, d, lv), _factor(b, d, lv))
    raw = json.loads((tmp_path / RADII_FILE).read_text())
    for bad, says in (({"states": {"parked": {"50": 1, "90": 1, "95": 1}}}, "motion.states.parked"),
                      ({"states": {"stopped": {"50": 1, "90": -2, "95": 1}}}, "motion.states.stopped"),
                      ({"fast_states": {"stopped": {"90": 1.5}}}, "motion.fast_states.stopped"),
                      ([1, 2], "motion: expected")):  # fmt: skip
        (tmp_path / RADII_FILE).write_text(json.dumps({**raw, "motion": bad}))
        with pytest.raises(TrajlmInputError) as e:
            load_radii_bins(tmp_path)
        assert says in str(e.value) and RADII_FILE in str(e.value) and "\n" not in str(e.value)


def _stop_and_go() -> pl.DataFrame:
    """20 fixes at 1 s: one history stood still throughout, one moved at 5 m/s."""
    rows = []
    for tid, v in (("stood", 0.0), ("moved", 5.0)):
        for i in range(20):
            rows.append({"traj_id": tid, "t": 1.7e9 + i, "lat": 41.15 + 2e-6 * (i % 2),
                         "lon": -8.61 + v * i / (111_320 * np.cos(np.radians(41.15)))})  # fmt: skip
    return pl.DataFrame(rows)


@pytest.mark.slow  # ~8 s on the shared 2 cores: the model answers
def test_predict_gives_a_stopped_1s_mover_the_wider_outer_circle(trajlm_small):
    """Through TrajLM.predict: the shipped radii.json's fast 'stopped' multiplier widens the
    stood history's 90 / 95 % circles, and leaves the moving one's as the bins alone give."""
    bins = trajlm_small.radii_bins
    assert bins.motion_fast and bins.motion_fast["stopped"][90] > 1.0
    hist = _stop_and_go()
    reg = regime(hist)
    assert dict(zip(reg["traj_id"], motion_state(reg["recent"], reg["speed"]), strict=True)) == {
        "stood": "stopped", "moved": "moving"}  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = trajlm_small.predict(hist, seconds_ahead=[5, 60], radii=[50, 90, 95])
    plain = replace(bins, motion=None, motion_fast=None)
    for (tid,), g in got.group_by("traj_id"):
        r = reg.filter(pl.col("traj_id") == tid).row(0, named=True)
        ahead = g["t"].cast(pl.Float64).to_numpy() - r["t_last"]
        std, n = g["std_m"].to_numpy(), len(g)
        for lv in LV:
            base = plain.factor(lv, ahead, np.full(n, r["speed"]), std, None, np.full(n, 1.0))
            mult = bins.motion_fast["stopped"][lv] if tid == "stood" else 1.0
            np.testing.assert_allclose(g[f"r{lv}_m"].to_numpy(), base * mult * std, rtol=1e-9)
