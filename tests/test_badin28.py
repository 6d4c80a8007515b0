"""badin28: hostile inputs on session 28's recovery surfaces (scripts/badin28/recover.py):
a damaged recover_radii.json or by_gap table, gap_rule '' / 0, HTTP /recover radii []."""

from __future__ import annotations

import json
import types

import numpy as np
import pytest
from test_recfall28_gap import table_of
from test_uncert28_recover import _val

import trajlm.tasks.recover_bridge as RB
from trajlm.errors import TrajlmInputError
from trajlm.eval.recover_spread import RECOVER_RADII_FILE, fit_recover_spread, load_recover_spread
from trajlm.tasks.fallback_gap import table_ok


def _spread() -> dict:
    rng = np.random.default_rng(0)
    err, feats = _val(3000, rng)
    return fit_recover_spread(err, feats, np.ones(len(err)), rng.integers(0, 3, len(err)))


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (lambda d: d["bins"].append({**d["bins"][0]}), "given twice"),  # the later one answered
        (lambda d: [b["factors"].update({"50": 1e300, "90": 1e300, "95": 1e300})
                    for b in d["bins"]], "bins[0]"),  # circles of 1e302 m
        (lambda d: d["bins"][1].update(bin=True), "bins[1]"),
        (lambda d: d.update(version=99), "version"),
        (lambda d: d["pooled"].update(sigma=50.0), "pooled"),  # 2 sigma above the 95 % factor
    ],
)  # fmt: skip
def test_a_hand_edited_recover_radii_file_is_one_line(tmp_path, edit, says):
    d = json.loads(json.dumps(_spread()))
    assert load_recover_spread_ok(tmp_path, d)  # the fit itself reads
    edit(d)
    (tmp_path / RECOVER_RADII_FILE).write_text(json.dumps(d))
    with pytest.raises(TrajlmInputError) as e:
        load_recover_spread(tmp_path)
    assert says in str(e.value) and RECOVER_RADII_FILE in str(e.value)
    assert "\n" not in str(e.value)


def load_recover_spread_ok(tmp_path, d: dict) -> bool:
    (tmp_path / RECOVER_RADII_FILE).write_text(json.dumps(d))
    return load_recover_spread(tmp_path) == d


def test_a_hand_edited_gap_table_is_refused_not_answered():
    good = table_of([5, 6], [100, 100], [50, 10], [60, 60], [10, 40])
    assert table_ok(good)
    for bad in (
        table_of([10**12], [100], [1], [2], [3]),  # allocated 931 GiB
        table_of([5.7, 6.2], [100, 100], [50, 10], [60, 60], [10, 40]),
        table_of([5, 5], [100, 100], [50, 1], [60, 60], [10, 40]),  # the last 5 answered
        table_of([6, 5], [100, 100], [10, 50], [60, 60], [40, 10]),
        table_of([5, 6], [100, 100], [float("inf"), 10], [60, 60], [10, 40]),
        table_of([5, 6], [1e300, 100], [50, 10], [60, 60], [10, 40]),
        {**good, "n_trips": -4},
    ):
        assert not table_ok(bad), bad


def _recoverer(gap_rule, table=None) -> RB.BridgeRecoverer:
    v = {"engine": "akima", "n_hidden": 1, "val_mae_m": {}, "by_gap": table}
    opts = {**RB.BRIDGE_DEFAULT, "thin_dt": 0.0, "gap_rule": gap_rule}
    return RB.BridgeRecoverer(types.SimpleNamespace(config=None), verdict=v, **opts)


def test_gap_rule_empty_or_zero_is_refused_and_a_damaged_table_given_by_hand_too():
    assert _recoverer(None).gap_rule == RB.GAP_RULE
    for rule in ("", 0):  # were the default, silently
        with pytest.raises(ValueError, match="gap_rule"):
            _recoverer(rule)
    rec = _recoverer("lengths per gap", table_of([-3, 5], [100, 100], [1, 50], [2, 60], [3, 10]))
    with pytest.raises(ValueError, match="by_gap"):
        rec._table()


@pytest.mark.slow  # trajlm-small's bridge on one short track: ~5 s on the shared 2 cores
def test_http_recover_radii_empty_list_is_no_radii_not_a_500(trajlm_small):
    pytest.importorskip("fastapi")
    import polars as pl
    from fastapi.testclient import TestClient
    from test_uncert28_recover import _gappy

    from trajlm.serve import create_app

    rows = _gappy().with_columns(pl.col("t").cast(pl.Int64)).to_dicts()
    with TestClient(create_app(trajlm_small)) as c:
        r = c.post("/recover", json={"trajectories": rows, "radii": []})  # was a 500
    assert r.status_code == 200, r.text
    assert "std_m" not in r.json()["points"][3]  # as TrajLM.recover(radii=[]): no radii


def _radii_doc() -> dict:
    """trajlm-small's radii.json (read from the repository's copy: numbers only, no weights)."""
    from pathlib import Path

    p = Path(__file__).resolve().parents[1] / "trajlm/checkpoints/trajlm-small/radii.json"
    return json.loads(p.read_text())


@pytest.mark.parametrize(
    ("mult", "says"),
    [
        ({"90": 1e300}, "multiplier in"),  # circles of 1e300 m
        ({"90": 1e-9}, "multiplier in"),  # circles of 0 m
        ({"abc": 1.0}, "whole percentages"),  # was "invalid literal for int()"
        ({"90": 5.0}, "cross"),  # 50 gave r90_m 124 m above r95_m 3 m
    ],
)
def test_a_hand_edited_motion_multiplier_is_one_line(tmp_path, mult, says):
    from trajlm.eval.radii_bins import RADII_FILE, load_radii_bins

    d = _radii_doc()
    (tmp_path / RADII_FILE).write_text(json.dumps(d))
    assert load_radii_bins(tmp_path).motion["stopped"][90] == 1.0  # the shipped file reads
    d["motion"]["states"]["stopped"].update(mult)
    (tmp_path / RADII_FILE).write_text(json.dumps(d))
    with pytest.raises(TrajlmInputError) as e:
        load_radii_bins(tmp_path)
    assert says in str(e.value) and "motion.states.stopped" in str(e.value)
    assert RADII_FILE in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize(
    ("durations", "says"),
    [
        (0.0, "no train trip"),  # was scikit-learn's "Found array with 0 sample(s)"
        (float("nan"), "no train trip"),  # was "Input y contains NaN"
        (float("inf"), "no train trip"),
        ("600", "must be seconds"),  # was a polars ComputeError
    ],
)
def test_model_feature_gb_refuses_train_durations_it_cannot_learn_in_one_line(durations, says):
    import polars as pl
    from test_tte_residual import od_frame

    from trajlm.errors import UserError
    from trajlm.eval.tte_model_gb import ModelFeatureGB

    model = types.SimpleNamespace(travel_time=lambda od: np.full(len(od), 600.0))
    train = od_frame(30, seed=1).with_columns(duration_s=pl.lit(durations))
    with pytest.raises(UserError, match=says):
        ModelFeatureGB(model=model, max_iter=5).fit(train)
    half = od_frame(30, seed=1).with_columns(  # NaN rows are left out, as 0-s ones were
        duration_s=pl.when(pl.col("traj_id") % 2 == 0).then(float("nan")).otherwise("duration_s")
    )
    got = ModelFeatureGB(model=model, max_iter=5).fit(half).predict(od_frame(5, seed=2))
    assert np.isfinite(got).all()


@pytest.mark.parametrize("log_date", ["31/02/2026", "13/13/2026", ""])
def test_a_motec_log_date_that_is_no_day_is_one_line_naming_the_preamble(tmp_path, log_date):
    from test_readers28 import _ingest, _motec

    (tmp_path / "m.csv").write_text(_motec(log_date))  # 31/02 was "error: day is out of range
    code, out = _ingest(tmp_path / "m.csv", tmp_path / "s")  # for month", with no file named
    assert code == 2 and "Traceback" not in out, out
    said = " ".join(out.split())
    assert "m.csv" in said and "preamble's log date and time" in said and "--time-origin" in said
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize("tz", ["Mars/Olympus", "", float("nan"), True, 1e12, ["UTC"]])
def test_a_travel_time_baselines_clock_it_cannot_read_is_one_line(tz):
    from test_tte_residual import od_frame

    from trajlm.eval.tte_baselines import LinearRegressionTTE

    with pytest.raises(TrajlmInputError, match="tz=") as e:  # was a polars ComputeError / a
        LinearRegressionTTE(tz=tz).fit(od_frame(30, seed=1))  # TypeError, or read silently
    assert e.value.field == "tz" and "\n" not in str(e.value)
    for fine in ("America/Chicago", "+02:00", 7200):
        assert LinearRegressionTTE(tz=fine).fit(od_frame(30, seed=1)).tz_ == fine
