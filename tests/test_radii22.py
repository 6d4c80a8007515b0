"""Radii per regime (session 22, radii22; trajlm/eval/radii_bins.py): Mondrian conformal
factors by seconds ahead x std_m / distance covered, saved beside a checkpoint's weights."""

from __future__ import annotations

import json
import warnings

import numpy as np
import polars as pl
import pytest

from trajlm.errors import TrajlmInputError
from trajlm.eval.radii_bins import (
    RADII_FILE,
    RadiiBins,
    fit_radii_bins,
    load_radii_bins,
    regime,
    relative_std,
    save_radii_bins,
)
from trajlm.eval.spread_radii import RADIUS_FACTORS, with_radii, with_radii_asked

M = 111_320.0
LV = (50, 90, 95)
# a regime's per-axis Gaussian sigma, as a multiple of std_m: (seconds ahead, speed) -> scale
# (std_m 20-40 m keeps each regime inside one bin of std_m / distance covered)
REGIMES = {(5.0, 10.0): 0.4, (30.0, 1.5): 1.0, (120.0, 0.5): 2.0, (600.0, 30.0): 0.7}


def _gaussian_by_regime(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Answers whose err / std_m is a 2-D Gaussian radius with a per-regime sigma: std_m is
    right in one regime, 2.5x too wide in another, 2x too narrow in a third."""
    out: dict[str, list] = {k: [] for k in ("r", "ahead", "speed", "std", "regime", "group")}
    for k, ((ahead, speed), s) in enumerate(REGIMES.items()):
        std = rng.uniform(20, 40, n)
        out["r"].append(np.hypot(*rng.normal(0, s, (2, n))))
        out["ahead"].append(np.full(n, ahead))
        out["speed"].append(np.full(n, speed))
        out["std"].append(std)
        out["regime"].append(np.full(n, k))
        out["group"].append(rng.integers(0, 3, n))  # three val sources
    return {k: np.concatenate(v) for k, v in out.items()}


def _fit(d: dict[str, np.ndarray], **kw) -> RadiiBins:
    rel = relative_std(d["std"], d["speed"], d["ahead"])
    return fit_radii_bins(d["r"], np.ones(len(d["r"])), d["group"], d["ahead"], rel, LV, **kw)


def test_per_regime_factors_hold_each_regime_where_one_pooled_factor_does_not():
    """Fitted on one sample, checked on a fresh one: every regime within 3 points of 50 / 90 /
    95 %; the pooled factor misses some regime by more than 20 points."""
    rng = np.random.default_rng(22)
    bins = _fit(_gaussian_by_regime(5000, rng))
    fresh = _gaussian_by_regime(5000, rng)
    worst_pooled = 0.0
    for k in range(len(REGIMES)):
        m = fresh["regime"] == k
        for lv in LV:
            f = bins.factor(lv, fresh["ahead"][m], fresh["speed"][m], fresh["std"][m])
            share = 100 * np.mean(fresh["r"][m] <= f)
            assert abs(share - lv) <= 3.0, (k, lv, share)
            pooled = 100 * np.mean(fresh["r"][m] <= bins.pooled[lv])
            worst_pooled = max(worst_pooled, abs(pooled - lv))
    assert worst_pooled > 20, worst_pooled
    # the Gaussian's own quantile, sigma x sqrt(-2 ln(1 - p)), is what each bin recovers
    f90 = bins.factor(90, [120.0], [0.5], [30.0])[0]
    assert f90 == pytest.approx(2.0 * np.sqrt(-2 * np.log(0.1)), rel=0.08)


def test_a_bin_with_too_few_points_or_sources_falls_back_to_the_pooled_factor():
    rng = np.random.default_rng(3)
    d = _gaussian_by_regime(400, rng)
    keep = (d["regime"] != 2) | (np.arange(len(d["r"])) % 10 == 0)  # 40 answers in regime 2
    small = {k: v[keep] for k, v in d.items()}
    bins = _fit(small, min_n=100)
    f = bins.factor(50, [120.0, 30.0], [0.5, 1.5], [30.0, 30.0])
    assert f[0] == bins.pooled[50]  # 40 < min_n: pooled
    assert f[1] != bins.pooled[50] and f[1] == pytest.approx(np.sqrt(2 * np.log(2)), rel=0.15)
    ia, ir, _ = bins.bin_of([120.0], relative_std([30.0], [0.5], [120.0]))
    assert bins.counts[(int(ia[0]), int(ir[0]))][0] == 40
    one_src = dict(d, group=np.where(d["regime"] == 2, 0, d["group"]))  # one source only
    bins = _fit(one_src, min_groups=2)
    assert bins.factor(90, [120.0], [0.5], [30.0])[0] == bins.pooled[90]
    # an answer whose regime cannot be read (NaN speed, a time at or before the last fix)
    assert (
        list(bins.factor(95, [np.nan, 30.0, -5.0], [1.0, np.nan, 1.0], [30.0] * 3))
        == [bins.pooled[95]] * 3
    )


def test_factors_are_saved_and_loaded(tmp_path):
    bins = _fit(_gaussian_by_regime(500, np.random.default_rng(1)), note="synthetic")
    save_radii_bins(bins, tmp_path)
    back = load_radii_bins(tmp_path)
    assert back == bins
    a, sp, s = np.array([5.0, 30, 120, 600, 9]), np.array([10.0, 10, 1, 30, 0]), np.full(5, 20.0)
    for lv in LV:
        assert np.array_equal(back.factor(lv, a, sp, s), bins.factor(lv, a, sp, s))
    assert load_radii_bins(tmp_path / "nothing") is None and load_radii_bins(None) is None


def test_a_broken_radii_file_gets_one_line_naming_it(tmp_path):
    bins = _fit(_gaussian_by_regime(300, np.random.default_rng(2)))
    d = bins.to_json()
    for bad, said in ((dict(d, kind="other"), "kind"), ({k: v for k, v in d.items() if k != "pooled"}, "'pooled' is missing"),
                      (dict(d, pooled={"50": -1.0, "90": 2.0, "95": 3.0}), "positive")):  # fmt: skip
        (tmp_path / RADII_FILE).write_text(json.dumps(bad))
        with pytest.raises(TrajlmInputError, match=f"{RADII_FILE}: .*{said}") as e:
            load_radii_bins(tmp_path)
        assert "\n" not in str(e.value).split(" hint")[0]
    (tmp_path / RADII_FILE).write_text("{not json")
    with pytest.raises(TrajlmInputError, match="not readable JSON"):
        load_radii_bins(tmp_path)


def _history() -> pl.DataFrame:
    t = 1.7e9 + np.arange(20) * 5.0
    x = np.arange(20) * 50.0  # 10 m/s east
    return pl.DataFrame({"traj_id": ["a"] * 20, "t": t, "lat": np.full(20, 48.1),
                         "lon": 11.6 + x / (M * np.cos(np.radians(48.1)))})  # fmt: skip


def test_with_radii_reads_each_answer_regime_from_the_history():
    hist = _history()
    reg = regime(hist)
    assert reg["t_last"][0] == hist["t"][-1] and reg["speed"][0] == pytest.approx(10.0, rel=1e-3)
    bins = _fit(_gaussian_by_regime(2000, np.random.default_rng(4)))
    ahead = np.array([5.0, 30.0, 600.0])
    pred = pl.DataFrame({"traj_id": ["a", "a", "a"], "step": [1, 2, 3],
                         "t": hist["t"][-1] + ahead, "std_m": [20.0, 20.0, 20.0]})  # fmt: skip
    out = with_radii_asked(pred, [50, 90, 95], bins, hist)
    for lv in LV:
        want = 20.0 * bins.factor(lv, ahead, np.full(3, 10.0), np.full(3, 20.0))
        assert out[f"r{lv}_m"].to_numpy() == pytest.approx(want, rel=1e-3)
    assert out["r50_m"][0] < out["r50_m"][1]  # regime 0's sigma 0.4 against regime 1's 1.0
    # datetimes in both tables read the same
    dt = pl.col("t").mul(1e6).cast(pl.Int64).cast(pl.Datetime("us"))
    out_dt = with_radii(pred.with_columns(dt), LV, bins=bins, history=hist.with_columns(dt))
    assert out_dt["r90_m"].to_list() == pytest.approx(out["r90_m"].to_list())
    # without bins or history: session 21's pooled factors, as before
    assert with_radii(pred, [50])["r50_m"].to_list() == pytest.approx([20 * RADIUS_FACTORS[50]] * 3)
    assert with_radii(pred, [50], bins=bins)["r50_m"].to_list() == pytest.approx([20 * RADIUS_FACTORS[50]] * 3)  # fmt: skip
    other = pred.with_columns(traj_id=pl.lit("zz"))  # no history for it: the pooled factor
    assert with_radii(other, [90], bins=bins, history=hist)["r90_m"].to_list() == pytest.approx(
        [20 * bins.pooled[90]] * 3
    )


def test_checkpoint_carries_its_factors_and_an_old_one_keeps_the_pooled(tmp_path):
    """trajlm-small ships radii.json; save_pretrained copies it; a checkpoint without it (an
    older one) predicts radii with session 21's pooled factors, as before."""
    import trajlm

    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    assert model.radii_bins is not None and set(model.radii_bins.levels) == set(LV)
    model.save_pretrained(tmp_path / "ck")
    assert load_radii_bins(tmp_path / "ck") == model.radii_bins
    again = trajlm.TrajLM.from_pretrained(tmp_path / "ck", threads=1)
    assert again.radii_bins == model.radii_bins
    (tmp_path / "ck" / RADII_FILE).unlink()
    old = trajlm.TrajLM.from_pretrained(tmp_path / "ck", threads=1)
    assert old.radii_bins is None
    hist = _history()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = old.predict(hist, seconds_ahead=[5, 60, 300], radii=[50, 90, 95])
        binned = again.predict(hist, seconds_ahead=[5, 60, 300], radii=[50, 90, 95])
    for lv in LV:
        assert (plain[f"r{lv}_m"] / plain["std_m"]).to_list() == pytest.approx([RADIUS_FACTORS[lv]] * 3)  # fmt: skip
        want = again.radii_bins.factor(lv, np.array([5.0, 60, 300]), np.full(3, 10.0), binned["std_m"].to_numpy())  # fmt: skip
        assert (binned[f"r{lv}_m"] / binned["std_m"]).to_list() == pytest.approx(want, rel=1e-3)
    again.radii_bins = None  # saving a model without factors drops a stale radii.json
    save_radii_bins(model.radii_bins, tmp_path / "ck")
    again.save_pretrained(tmp_path / "ck", overwrite=True)
    assert not (tmp_path / "ck" / RADII_FILE).exists()
