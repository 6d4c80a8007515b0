"""Session 37 (tte37; docs/travel-time.md): the GeoLife-only rule for session 28's residual head
and the wrapper that narrows scripts/tte28/mae_arms.py to that one candidate."""

from __future__ import annotations

import pytest
from helpers import load_script


def _val(split: str, mae_hi: float, mape_hi: float) -> dict:
    geo = load_script("tte37", "geolife.py")
    row = {"method": geo.CANDIDATE,
           "vs_gb": {"mae_min": {"hi": mae_hi}, "mape_pct": {"hi": mape_hi}}}  # fmt: skip
    return {"meta": {"data": "/tmp/stores/geolife", "split": split},
            "rows": [{"method": "gb"}, row]}  # fmt: skip


def test_rule_passes_only_when_both_upper_ends_are_below_zero():
    geo = load_script("tte37", "geolife.py")
    assert geo.decide(_val("val", -0.9, -4.0))["chosen"] == geo.CANDIDATE
    assert geo.decide(_val("val", +0.01, -4.0))["chosen"] is None  # MAE's CI crosses 0
    assert geo.decide(_val("val", -0.9, 0.0))["chosen"] is None  # an upper end at 0 fails
    with pytest.raises(SystemExit, match="val run"):  # the choice is made on val only
        geo.decide(_val("test", -1.0, -1.0))
    with pytest.raises(SystemExit, match="no row"):
        geo.decide({"meta": {"split": "val"}, "rows": [{"method": "gb"}]})


def test_wrapper_scores_the_references_and_the_one_candidate(tmp_path):
    geo = load_script("tte37", "geolife.py")
    mod = geo.mae_arms()
    assert mod.CANDIDATES == (geo.CANDIDATE,)
    assert mod.ARMS == ("gb", "gb abs", "model", geo.CANDIDATE)
    # the candidate's config is session 28's: the same estimator, unchanged
    arm = mod.make_arm(geo.CANDIDATE, 1, model=object())
    assert (arm.hidden, arm.loss, arm.log_weight, arm.random_state) == (0, "mae+log", 0.0, 1)
    assert type(arm.base).__name__ == "GradientBoostingMAE"
    with pytest.raises(SystemExit, match="--split must be val"):  # test is mae_arms' --decision
        geo.main(["val", "--data", "x", "--split", "test", "--runs", "a,b,c",
                  "--out", str(tmp_path / "t.json")])  # fmt: skip
    assert not (tmp_path / "t.json").exists()
