"""Short-history multipliers of the prediction circles (session 30, uncert30;
eval/radii_short.py, RadiiBins.short): a history of few fixes gets its length bin's val
multiplier, 1-2 s movers their own set; longer histories and old radii files are unchanged."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from trajlm.errors import TrajlmInputError
from trajlm.eval.radii_bins import RADII_FILE, RadiiBins, load_radii_bins, regime, save_radii_bins
from trajlm.eval.radii_short import short_multiplier
from trajlm.eval.radii_short_fit import fit_short
from trajlm.eval.spread_radii import with_radii

LV = (50, 90, 95)
ONE = {lv: 1.0 for lv in LV}
SHORT = {1: ONE, 3: {50: 1.2, 90: 1.7, 95: 1.9}, 5: {50: 1.1, 90: 1.2, 95: 1.4}}
FAST = {1: ONE, 3: {50: 1.0, 90: 1.01, 95: 1.02}, 5: ONE}


def _bins(**kw) -> RadiiBins:
    return RadiiBins({50: 0.8, 90: 2.2, 95: 3.1}, {}, {}, **kw)


def test_each_length_bin_takes_its_multiplier_and_longer_histories_none():
    b = _bins(short=SHORT, short_fast=FAST)
    fixes = np.array([1, 2, 3, 4, 5, 6, 30, np.nan])
    n = len(fixes)
    args = (np.full(n, 10.0), np.full(n, 5.0), np.full(n, 10.0))  # ahead, speed, std
    slow = b.factor(90, *args, interval=np.full(n, 15.0), fixes=fixes)
    assert np.allclose(slow / 2.2, [1, 1.7, 1.7, 1.2, 1.2, 1, 1, 1])
    quick = b.factor(90, *args, interval=np.full(n, 1.0), fixes=fixes)  # 1-2 s movers' set
    assert np.allclose(quick / 2.2, [1, 1.01, 1.01, 1, 1, 1, 1, 1])
    assert np.allclose(b.factor(90, *args, interval=np.full(n, 15.0)), 2.2)  # no fixes given
    assert np.allclose(_bins().factor(90, *args, fixes=fixes), 2.2)  # a file without short
    assert short_multiplier(None, 90, fixes, fixes.shape).tolist() == [1.0] * n


def test_short_round_trips_and_old_files_load_without_it(tmp_path: Path):
    b = _bins(short=SHORT, short_fast=FAST)
    save_radii_bins(b, tmp_path)
    back = load_radii_bins(tmp_path)
    assert back.short == SHORT and back.short_fast == FAST
    d = json.loads((tmp_path / RADII_FILE).read_text())
    assert set(d["short"]) == {"fixes", "fast_fixes"}
    del d["short"]  # a file written before session 30
    (tmp_path / RADII_FILE).write_text(json.dumps(d))
    old = load_radii_bins(tmp_path)
    assert old.short is None and old.short_fast is None


@pytest.mark.parametrize(
    "short, says",
    [
        ({"fixes": {"0": {"50": 1, "90": 1, "95": 1}}}, "short.fixes.0"),
        ({"fixes": {"3": {"50": 1, "90": 1e9, "95": 1e9}}}, "short.fixes.3"),
        ({"fixes": {"3": {"50": 1, "90": True, "95": 1}}}, "short.fixes.3"),
        ({"fixes": {"3": {"50": 1, "90": 1}}}, "short.fixes.3"),
        ({"fixes": {"3": {"50": 1, "90": 1, "95": 1}}, "oops": {}}, "short"),
        ({"fast_fixes": {"3": {"50": 1, "90": 1, "95": 1}}}, "short"),
        ({"fixes": {"3": {"50": 3, "90": 0.5, "95": 1}}}, "cross"),  # r90 under r50
        (
            {
                "fixes": {"3": {"50": 1, "90": 1, "95": 1}},  # review30: the fast entry is named
                "fast_fixes": {"3": {"50": 3, "90": 0.5, "95": 1}},
            },
            "short.fast_fixes.3: its",
        ),
    ],
)
def test_a_hand_edited_short_entry_is_one_line_naming_it(tmp_path: Path, short, says):
    d = _bins().to_json() | {"short": short}
    (tmp_path / RADII_FILE).write_text(json.dumps(d))
    with pytest.raises(TrajlmInputError) as e:
        load_radii_bins(tmp_path)
    msg = str(e.value)
    assert "\n" not in msg and RADII_FILE in msg and says in msg


def test_fit_short_is_the_conformal_quantile_per_bin_with_a_pooled_fallback():
    rng = np.random.default_rng(0)
    fixes = np.repeat([2, 3, 4], [400, 400, 20])  # 4-5 fixes: too few answers, pooled
    scale = np.where(fixes == 3, 2.0, 0.3)
    r = {lv: np.abs(rng.normal(0, 1, len(fixes))) * scale for lv in LV}
    groups = rng.integers(0, 3, len(fixes))
    got = fit_short(r, np.ones(len(fixes)), groups, fixes, LV, (1, 2, 3, 5))
    assert got[3][90] == pytest.approx(np.quantile(r[90][fixes == 3], 0.9), rel=0.05)
    assert got[2][90] < 1 < got[3][90]
    pooled = fit_short(r, np.ones(len(fixes)), groups, fixes, LV, (5,))
    assert got[5] == got[1] == pooled[5]  # no 1-fix answers either: the pooled quantiles
    wide = fit_short(r, np.ones(len(fixes)), groups, fixes, LV, (1, 2, 3, 5), widen_only=True)
    assert wide[2] == ONE and wide[3] == got[3]


def test_with_radii_reads_each_history_length():
    t0 = 1.7e9
    hist = pl.DataFrame({
        "traj_id": ["a"] * 3 + ["b"] * 30,
        "t": [t0 + 15 * i for i in range(3)] + [t0 + 15 * i for i in range(30)],
        "lat": [41.0 + 1e-4 * i for i in range(3)] + [41.0 + 1e-4 * i for i in range(30)],
        "lon": [-8.6] * 33,
    })  # fmt: skip
    assert regime(hist).sort("traj_id")["fixes"].to_list() == [3, 30]
    pred = pl.DataFrame({"traj_id": ["a", "b"], "t": [t0 + 45, t0 + 450], "std_m": [10.0, 10.0]})
    plain = with_radii(pred, LV, bins=_bins(), history=hist)
    got = with_radii(pred, LV, bins=_bins(short=SHORT, short_fast=FAST), history=hist)
    ratio = (got["r90_m"] / plain["r90_m"]).to_list()
    assert ratio == pytest.approx([1.7, 1.0])  # 15-s fixes: the regular set


def test_trajlm_small_ships_the_val_fitted_multipliers():
    b = load_radii_bins(Path(__file__).parents[1] / "trajlm/checkpoints/trajlm-small")
    assert b.short is not None and b.short_fast is not None
    assert b.short[1] == ONE and b.short[2] == ONE  # one and two fixes: left as they were
    assert b.short[3][90] > 1.5 and 1 < b.short[5][90] < b.short[3][90]
    assert max(b.short) == 5  # six fixes and more: unchanged
    assert replace(b, short=None, short_fast=None).factor(90, [10.0], [5.0], [10.0], fixes=[3])[
        0
    ] == pytest.approx(b.factor(90, [10.0], [5.0], [10.0], fixes=[30])[0])


# --- the recovered points' position bins (item 2: eval/recover_spread.py) ---


def _rec_spread(edges):
    from test_uncert28_recover import _val

    from trajlm.eval.recover_spread import fit_recover_spread

    rng = np.random.default_rng(0)
    err, feats = _val(3000, rng)
    feats["position"] = rng.uniform(0.0, 0.5, len(err))
    err = err * (0.2 + 2 * feats["position"])  # errors grow away from the known fixes
    return fit_recover_spread(err, feats, np.ones(len(err)), rng.integers(0, 3, len(err)),
                              position_edges=edges), feats  # fmt: skip


def test_recover_position_bins_come_from_the_file_and_old_files_keep_theirs(tmp_path: Path):
    from trajlm.eval.recover_spread import RECOVER_RADII_FILE, load_recover_spread, spread_columns

    new, feats = _rec_spread((0.1, 0.2, 0.35))
    old, _ = _rec_spread((0.2, 0.35))  # session 28-29's layout
    assert new["position_edges"] == [0.1, 0.2, 0.35] and old["position_edges"] == [0.2, 0.35]
    for s in (new, old):
        (tmp_path / RECOVER_RADII_FILE).write_text(json.dumps(s))
        assert load_recover_spread(tmp_path)["position_edges"] == s["position_edges"]
    near = {"gap_s": np.array([120.0, 120.0]), "position": np.array([0.05, 0.15]),
            "scale": np.array([100.0, 100.0])}  # fmt: skip
    r_new = spread_columns(new, near, [50])["r50_m"]
    r_old = spread_columns(old, near, [50])["r50_m"]
    assert r_new[0] < r_new[1] and r_old[0] == r_old[1]  # only the finer bins tell them apart


@pytest.mark.parametrize("bad", [[0.2, 0.1], [0.0, 0.2], [0.6], [], "0.2", [True, 0.3], None])
def test_a_hand_edited_position_edges_is_one_line(tmp_path: Path, bad):
    from trajlm.eval.recover_spread import RECOVER_RADII_FILE, load_recover_spread

    s, _ = _rec_spread((0.1, 0.2, 0.35))
    s["position_edges"] = bad
    (tmp_path / RECOVER_RADII_FILE).write_text(json.dumps(s))
    with pytest.raises(TrajlmInputError) as e:
        load_recover_spread(tmp_path)
    assert "position_edges" in str(e.value) and "\n" not in str(e.value)


@pytest.mark.slow  # trajlm-small's rollout: a few seconds on the shared 2 cores
def test_trajlm_small_widens_a_three_fix_history_and_leaves_a_long_one(trajlm_small):
    t0 = 1.7e9
    rows = [("short", t0 + 15 * i, 41.15 + 1e-4 * i, -8.61) for i in range(3)]
    rows += [("long", t0 + 15 * i, 41.15 + 1e-4 * i, -8.61) for i in range(12)]
    hist = pl.DataFrame(rows, schema=["traj_id", "t", "lat", "lon"], orient="row")
    got = trajlm_small.predict(hist, steps=1, radii=[90]).sort("traj_id")
    bins = trajlm_small.radii_bins
    trajlm_small.radii_bins = replace(bins, short=None, short_fast=None)
    try:
        plain = trajlm_small.predict(hist, steps=1, radii=[90]).sort("traj_id")
    finally:
        trajlm_small.radii_bins = bins
    ratio = dict(zip(got["traj_id"], got["r90_m"] / plain["r90_m"], strict=True))
    assert ratio["short"] == pytest.approx(bins.short[3][90]) and ratio["long"] == 1.0
