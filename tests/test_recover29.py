"""recover29: recovery's gap rule in TrajLM.recover / `trajlm recover --gap-rule`, the model or
interpolation chosen per gap length (trajlm/tasks/fallback_length.py), parked gaps counted."""

from __future__ import annotations

import types
import warnings

import numpy as np
import polars as pl
import pytest
from helpers import invoke_cli
from test_recover_bridge import curve, tiny
from test_tasks21_fallback import curvy_task, noisy_bridge

import trajlm
import trajlm.tasks.recover_bridge as RB
from trajlm.errors import TrajlmInputError
from trajlm.tasks.fallback_length import length_answer, model_rows, model_wins_by_bin
from trajlm.tasks.fallback_recover import FallbackWarning, interpolate


def backtest(spans: list[float], n_each: int = 40):
    """Three-fix groups (known, hidden, known) spanning each of ``spans`` seconds, n_each a span:
    (xs, ts, k2, gs) and the scored rows."""
    ts, gs = [], []
    for i, s in enumerate(np.repeat(spans, n_each)):
        ts += [0.0, s / 2, s]
        gs += [i] * 3
    k2 = np.tile([True, False, True], len(gs) // 3)
    return np.zeros((len(gs), 2)), np.array(ts), k2, np.array(gs), np.flatnonzero(~k2)


def test_each_bin_says_whether_the_model_wins_and_gaps_follow_their_bin():
    xs, ts, k2, gs, rows = backtest([40.0, 300.0])  # bins 5 (32-63 s) and 8 (256-511 s)
    from trajlm.tasks.fallback_gap import gap_bins, gap_seconds

    bins = gap_bins(gap_seconds(ts, k2, gs))
    short = ts[np.arange(len(ts))] < 100  # the 40-s groups' rows
    est, interp = np.zeros_like(xs), np.zeros_like(xs)
    est[:, 0] = np.where(short, 1.0, 50.0)  # the model: 1 m on short gaps, 50 m on long ones
    interp[:, 0] = 5.0
    wins = model_wins_by_bin(est, interp, xs, rows, bins)
    assert wins[5] and not wins[8]
    assert wins[4] and wins[6] and not wins[7] and not wins[9]  # one octave borrowed
    assert 3 not in wins and 10 not in wins
    few = model_wins_by_bin(est, interp, xs, rows[:29], bins)  # 29 < MIN_POINTS: no evidence
    assert few == {}
    # real gaps: 60 s (bin 5: the model), 480 s (bin 8: interpolation), 2000 s (no evidence)
    t = np.array([0, 30, 60, 300, 540, 1000, 2540])
    known = np.array([1, 0, 1, 0, 1, 0, 1], bool)
    use = model_rows(wins, False, t, known, np.zeros(7, int))
    assert use.tolist() == [False, True, False, False, False, False, False]
    assert model_rows(wins, True, t, known, np.zeros(7, int))[5]  # the call's own decision


def fake_rec(fallback: str | None):
    check = {"n": 80, "guarded": 4.0, "akima": 3.0, "pchip": 3.5, "linear": 6.0}
    return types.SimpleNamespace(last_check=check, last_fallback=fallback, gap_rule="backtest",
                                 _table=lambda: None, _said="recover")  # fmt: skip


def test_the_call_is_answered_gap_by_gap_and_says_so_in_one_line():
    xs, ts, k2, gs, rows = backtest([40.0, 300.0])
    est = np.zeros_like(xs)
    est[:, 0] = np.where(ts < 100, 1.0, 50.0)
    errs = {"akima": np.full_like(xs, 5.0 / np.sqrt(2))}  # the call's fallback's errors: 5 m
    t = np.array([0, 30, 60, 300, 540], np.int64)
    known = np.array([1, 0, 1, 0, 1], bool)
    groups = np.zeros(5, int)
    xy = np.array([[0.0, 0], [0, 0], [60, 0], [0, 0], [540, 0]])
    res = np.full((5, 2), 7.0)  # the guarded bridge's answer
    rec = fake_rec(None)  # the call check kept the model
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = length_answer(rec, res, (est, rows), errs, (xs, ts, k2, gs), xy, t, known, groups)
    np.testing.assert_array_equal(out[1], res[1])  # the 60-s gap: the model
    akima = interpolate("akima", xy, t, known, groups)
    np.testing.assert_array_equal(out[3], akima[3])  # the 480-s gap: Akima
    assert rec.last_fallback == "by gap length: model 1, akima 1"
    said = [str(w.message) for w in caught if issubclass(w.category, FallbackWarning)]
    assert len(said) == 1 and "\n" not in said[0]
    assert "on gaps of 128-255 s, 256-511 s, 512-1023 s" in said[0]
    assert "the model's answer for 1 fixes and akima interpolation for 1" in said[0]
    # every gap as the call decided: None (answered as check "call" would)
    short = np.array([0, 30, 60], np.int64)
    got = length_answer(fake_rec(None), res[:3], (est, rows), errs, (xs, ts, k2, gs), xy[:3],
                        short, known[:3], groups[:3])  # fmt: skip
    assert got is None


def test_check_length_falls_back_as_the_call_check_where_no_bin_disagrees(monkeypatch):
    monkeypatch.setattr(RB, "bridge_xy", noisy_bridge(3.0))  # worse than Akima everywhere
    task = curvy_task(n_traj=12)
    outs, said = {}, {}
    for check in ("call", "length"):
        opts = {**RB.BRIDGE_DEFAULT, "thin_dt": 0.0, "check": check}
        rec = RB.BridgeRecoverer(types.SimpleNamespace(config=None), **opts)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            outs[check] = rec.recover(task)
        said[check] = [str(w.message) for w in caught if issubclass(w.category, FallbackWarning)]
        assert rec.last_engine == "akima"
    np.testing.assert_array_equal(outs["length"], outs["call"])
    assert said["length"] == said["call"] and len(said["call"]) == 1
    with pytest.raises(ValueError, match="check must be one of"):
        RB.BridgeRecoverer(types.SimpleNamespace(config=None), check="lengths")


def parked_frame() -> pl.DataFrame:
    """One van: drives, parks 10 min (fixes lost while parked), drives on."""
    t, ll = curve(n=30)
    ll[12:22] = ll[11]
    t[12:] += 600
    lat, lon = ll[:, 0].copy(), ll[:, 1].copy()
    lat[12:21] = np.nan
    lon[12:21] = np.nan
    lat[24:27] = np.nan
    lon[24:27] = np.nan
    return pl.DataFrame({"traj_id": ["VAN-1"] * 30, "t": t, "lat": lat, "lon": lon})


def test_recover_takes_the_gap_rule_and_counts_the_parked_gaps(monkeypatch):
    api = trajlm.TrajLM(tiny(), threads=1)
    df = parked_frame()
    for bad, match in ((3, "gap_rule must be one of"), ("nearest", "gap_rule must be one of"),
                       ("lengths", "has not saved")):  # fmt: skip
        with pytest.raises(TrajlmInputError, match=match):
            api.recover(df, gap_rule=bad)
    with pytest.raises(TrajlmInputError, match="fallback=False keeps"):
        api.recover(df, gap_rule="lengths per gap", fallback=False)
    seen = []
    real = RB.BridgeRecoverer

    def spy(*a, **k):
        seen.append(k["gap_rule"])
        return real(*a, **k)

    monkeypatch.setattr("trajlm.api_infill.BridgeRecoverer", spy)
    table = {"bins": [5], "n": [40], "sum_m": {"akima": [4.0], "pchip": [8.0], "linear": [9.0]},
             "n_trips": 3}  # fmt: skip
    api._verdict = {"recover": {"engine": "model", "n_hidden": 1, "val_mae_m": {}, "by_gap": table}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        api.recover(df, gap_rule="lengths")
        out = api.recover(df)
    assert seen == ["lengths", None]  # None: BridgeRecoverer's GAP_RULE
    assert api.last_held_gaps == 1  # the parked gap (rows 12-20), not the moving one
    assert out["recovered"].sum() == 12


def test_cli_recover_says_parked_gaps_held_and_refuses_a_gap_rule_in_one_line(tmp_path):
    run = tmp_path / "run"
    trajlm.TrajLM(tiny(), threads=1).save_pretrained(run)
    src = tmp_path / "gaps.csv"
    parked_frame().write_csv(src)
    r = invoke_cli(["recover", "--model", run, "--input", src, "--out", tmp_path / "o.csv",
                    "--gap-rule", "nearest"])  # fmt: skip
    assert r.exit_code != 0 and "--gap-rule: unknown value 'nearest'" in r.output
    assert "Traceback" not in r.output
    r = invoke_cli(["recover", "--model", run, "--input", src, "--out", tmp_path / "o.csv",
                    "--threads", "1"])  # fmt: skip
    assert r.exit_code == 0, r.output[-2000:]
    assert "12 positions recovered (column recovered); 1 parked gap held" in r.output


def test_a_route_recovery_model_refuses_a_gap_rule_in_one_line():
    from trajlm.api_recovery import RecoveryTrajLM

    m = RecoveryTrajLM(types.SimpleNamespace(num_params=lambda: 1), threads=1, path="runs/rr")
    with pytest.raises(TrajlmInputError, match="runs/rr is a route-recovery model.*leave gap_rule"):
        m.recover(parked_frame(), gap_rule="lengths")
