"""recfall28: recovery's fallback interpolation picked by gap length from a table saved with the
run (trajlm/tasks/fallback_gap.py)."""

from __future__ import annotations

import json
import types
import warnings

import numpy as np
import polars as pl
import pytest
from test_tasks21_fallback import curvy_task, noisy_bridge

import trajlm.tasks.recover_bridge as RB
from trajlm.errors import TrajlmInputError
from trajlm.tasks.fallback_gap import (
    bin_picks,
    gap_bins,
    gap_seconds,
    gap_table,
    interpolate_by_gap,
    pick_for_call,
    table_ok,
)
from trajlm.tasks.fallback_recover import FallbackWarning, interpolate


def table_of(bins, n, akima, pchip, linear) -> dict:
    sums = {"akima": akima, "pchip": pchip, "linear": linear}
    return {"bins": bins, "n": n, "sum_m": sums, "n_trips": 10}


def test_gap_seconds_are_between_the_known_anchors_and_binned_by_octave():
    t = np.array([0, 10, 20, 30, 100, 200, 300, 0, 5, 9])
    known = np.array([1, 0, 0, 1, 0, 1, 0, 1, 0, 1], bool)
    groups = np.array([0, 0, 0, 0, 0, 0, 0, 1, 1, 1])
    s = gap_seconds(t, known, groups)
    np.testing.assert_array_equal(s[[1, 2, 4, 8]], [30, 30, 170, 9])
    assert np.isnan(s[[0, 3, 5, 7, 9]]).all()  # known rows
    assert np.isnan(s[6])  # trailing: a known point on one side only
    np.testing.assert_array_equal(gap_bins(s)[[1, 4, 8, 6]], [4, 7, 3, -1])


def test_bins_pick_by_their_own_errors_and_borrow_one_octave_at_most():
    tab = table_of([3, 4, 6], [100, 100, 5], [10, 50, 1], [20, 60, 1], [30, 40, 9])
    assert bin_picks(tab) == {2: 0, 3: 0, 4: 2, 5: 2}  # 6 has 5 fixes: borrows 5? no: 4 is 2 away
    assert table_ok(tab)
    assert not table_ok({**tab, "n": [1, 2]})  # a column of another length
    assert not table_ok({**tab, "bins": [3, 4, "x"]})
    assert not table_ok(table_of([3], [10], [1.0], [-1.0], [1.0]))  # a negative error
    assert not table_ok({**tab, "n_trips": "10"})


def test_each_gap_takes_its_own_lengths_interpolation():
    task = curvy_task(n_traj=4, n=14)
    ll = task.latlon
    xy = np.stack([(ll[:, 1] + 8.61) * 84_000.0, (ll[:, 0] - 41.15) * 111_195.0], 1)
    known = task.known.copy()
    known[np.flatnonzero(task.groups == 0)[4]] = False  # one gap of 120 s beside 60 s gaps
    tab = table_of([5, 6], [100, 100], [10, 50], [20, 60], [30, 40])  # 32-64 s akima, 64+ linear
    out, counts, picked = interpolate_by_gap(tab, "pchip", xy, task.t, known, task.groups)
    s = gap_seconds(task.t, known, task.groups)
    ak, li = (interpolate(k, xy, task.t, known, task.groups) for k in ("akima", "linear"))
    long_, short = np.flatnonzero(s >= 64), np.flatnonzero(s < 64)
    assert len(long_) == 3 and counts == {"akima": len(short), "linear": 3}
    assert picked == len(short) + 3
    np.testing.assert_allclose(out[long_], li[long_])
    np.testing.assert_allclose(out[short], ak[short])
    none = table_of([9], [100], [1], [2], [3])  # no evidence near these gaps: the call's pick
    out, counts, picked = interpolate_by_gap(none, "pchip", xy, task.t, known, task.groups)
    np.testing.assert_allclose(out, interpolate("pchip", xy, task.t, known, task.groups))
    assert counts == {"pchip": int((~known).sum())} and picked == 0


def tracks(n_traj: int = 6, n: int = 80) -> pl.DataFrame:
    """curvy_task's tracks (30 s apart) as a store's frame."""
    task = curvy_task(n_traj=n_traj, n=n)
    return pl.DataFrame({"traj_id": task.groups, "t": task.t, "lat": task.latlon[:, 0],
                         "lon": task.latlon[:, 1]})  # fmt: skip


def test_the_table_sums_each_interpolations_error_by_bin_and_is_plain_json():
    tab = gap_table(tracks())
    assert tab["patterns"][0] == "random 50 %" and tab["patterns"][1] == "every 60 s"
    assert tab["bins"] == sorted(tab["bins"]) and min(tab["n"]) > 0
    assert table_ok(tab) and json.loads(json.dumps(tab)) == tab
    i = tab["bins"].index(6)  # every 60 s on 30-s curves: 60 s gaps; Akima below linear there
    assert tab["sum_m"]["akima"][i] < tab["sum_m"]["linear"][i]


def falling_back(monkeypatch, verdict: dict | None, gap_rule: str | None = None):
    monkeypatch.setattr(
        RB, "bridge_xy", noisy_bridge(3.0)
    )  # worse than Akima: falls back (tasks21)
    opts = {**RB.BRIDGE_DEFAULT, "thin_dt": 0.0, "gap_rule": gap_rule}
    rec = RB.BridgeRecoverer(types.SimpleNamespace(config=None), verdict=verdict, **opts)
    task = curvy_task(n_traj=30)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = rec.recover(task)
    return rec, got, [str(w.message) for w in caught if issubclass(w.category, FallbackWarning)]


def test_a_falling_back_call_reads_the_runs_table_only_when_asked(monkeypatch):
    # the table: linear best at 32-64 s (these calls' 60-s gaps), Akima at 64-128 s
    verdict = {"engine": "akima", "n_hidden": 1, "val_mae_m": {},
               "by_gap": table_of([5, 6], [100, 100], [50, 10], [60, 60], [10, 40])}  # fmt: skip
    old = {k: v for k, v in verdict.items() if k != "by_gap"}  # a run saved before session 28
    before, plain, said = falling_back(monkeypatch, old, "lengths")
    assert before.last_engine == "akima" and len(said) == 1  # the call's own pick, as before
    assert "akima interpolation for every gap of this call" in said[0]
    rec, same, _ = falling_back(monkeypatch, verdict)  # the default rule
    assert rec.gap_rule == RB.GAP_RULE
    if RB.GAP_RULE == "backtest":
        np.testing.assert_array_equal(same, plain)
    hidden = int((~curvy_task(30).known).sum())
    for rule, engine in (
        ("lengths", "linear"),
        ("lengths per gap", f"by gap length: linear {hidden}"),
    ):
        rec, got, said = falling_back(monkeypatch, verdict, rule)
        assert rec.last_engine == engine
        assert "on the run's train trips" in said[0] and "\n" not in said[0]
        assert np.abs(got - plain).max() > 1e-6
    with pytest.raises(ValueError, match="gap_rule"):
        falling_back(monkeypatch, verdict, "nearest")


def test_one_pick_for_the_call_weighs_the_bins_by_its_hidden_fixes():
    t = np.array([0, 30, 60, 90, 120, 150, 270, 300, 0, 30, 60])
    known = np.array([1, 0, 1, 0, 1, 0, 1, 1, 1, 0, 1], bool)
    groups = np.array([0] * 8 + [1] * 3)
    # mean errors: 32-64 s Akima 1, PCHIP 5, linear 3 m; 64-128 s Akima 9, PCHIP 5, linear 3 m
    tab = table_of([5, 6], [100, 100], [100, 900], [500, 500], [300, 300])
    assert pick_for_call(tab, t, known, groups) == "akima"  # three 60-s fixes (150 s: none)
    known[2] = False  # now three fixes in a 120-s gap beside one in a 60-s gap
    assert pick_for_call(tab, t, known, groups) == "linear"  # 3x3+3 < 3x5+5 < 3x9+1 m
    assert pick_for_call(table_of([9], [100], [1], [2], [3]), t, known, groups) is None


def test_a_damaged_table_is_one_line_and_an_old_verdict_reads(tmp_path):
    from trajlm.eval.val_verdict import VERDICT_NAME, read_verdict, weights_sha1

    (tmp_path / "model.safetensors").write_bytes(b"weights")
    rec = {"engine": "akima", "n_hidden": 10, "val_mae_m": {"akima": 1.0}}
    doc = {"format": 1, "weights_sha1": weights_sha1(tmp_path), "recover": rec}
    (tmp_path / VERDICT_NAME).write_text(json.dumps(doc))
    assert "by_gap" not in read_verdict(tmp_path)["recover"]  # a run saved before session 28
    doc["recover"]["by_gap"] = {"bins": [3], "n": [1, 2]}
    (tmp_path / VERDICT_NAME).write_text(json.dumps(doc))
    with pytest.raises(TrajlmInputError, match="not a val verdict"):
        read_verdict(tmp_path)


def test_the_recovery_verdict_saves_the_table_of_its_train_trips(monkeypatch, tmp_path):
    import trajlm.eval.val_verdict as VV

    monkeypatch.setattr(VV, "_recover_errors", lambda model, task: {
        "model": 9.0, "akima": 5.0, "pchip": 6.0, "linear": 7.0})  # fmt: skip
    frame = tracks(n_traj=8, n=40)
    assert "by_gap" not in VV.recover_verdict(None, frame)  # no train split given: as before
    v = VV.recover_verdict(None, frame, train=tracks())
    assert v["engine"] == "akima" and v["by_gap"] == gap_table(tracks())
    (tmp_path / "model.safetensors").write_bytes(b"weights")
    VV.save_verdict(tmp_path, {"recover": v}, None, "store")
    assert VV.read_verdict(tmp_path)["recover"]["by_gap"] == v["by_gap"]
