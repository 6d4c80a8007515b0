"""Session 7 options of the travel-time residual (issue 15, MAE below GB too): the "mae+log"
loss, bags of heads and the route-free query features. Each is exactly GB at init, is
deterministic per seed, and trains toward what its loss says."""

import json

import numpy as np
import pytest
import torch
from sklearn.base import clone
from test_tte_residual import od_frame

from trajlm.errors import UserError
from trajlm.eval import baselines as B
from trajlm.eval.tte_residual import ResidualTTE

GB = B.GradientBoostingTTE(max_iter=30)  # small for speed; any base works the same way


def test_new_options_are_gradient_boosting_exactly_at_init():
    train, test = od_frame(200, seed=1), od_frame(80, seed=2)
    want = clone(GB).fit(train).predict(test)
    for kw in ({"loss": "mae+log", "log_weight": 0.5}, {"loss": "mae+log", "log_weight": 0.0},
               {"n_bags": 3}, {"query_features": True, "loss": "mae+log"}):  # fmt: skip
        res = ResidualTTE(base=GB, n_folds=2, steps=0, **kw).fit(train)
        np.testing.assert_array_equal(res.predict(test), want)  # bit for bit
        assert (res.predict_parts(test)[1] == 0).all()


def test_each_option_is_deterministic_per_seed_and_differs_across_seeds():
    train, test = od_frame(100, seed=3), od_frame(40, seed=4)
    gb = B.GradientBoostingTTE(max_iter=10)
    for kw in ({"loss": "mae+log", "log_weight": 0.5, "query_features": True}, {"n_bags": 2}):
        a, b, c = (ResidualTTE(base=gb, n_folds=2, steps=20, random_state=seed, **kw)
                   .fit(train).predict(test) for seed in (0, 0, 1))  # fmt: skip
        np.testing.assert_array_equal(a, b)
        assert not np.allclose(a, c), kw


def test_a_single_bag_is_the_single_head_recipe_and_bags_average():
    train, test = od_frame(150, seed=5), od_frame(40, seed=6)
    one = ResidualTTE(base=GB, n_folds=3, steps=30, random_state=2).fit(train)
    three = ResidualTTE(base=GB, n_folds=3, steps=30, random_state=2, n_bags=3).fit(train)
    assert len(three.bags_) == 3 and three.num_params() == 3 * one.num_params()
    for p, q in zip(one.head_.parameters(), three.bags_[0][2].parameters(), strict=True):
        torch.testing.assert_close(p, q, rtol=0, atol=0)  # bag 0 == the n_bags=1 head
    base, corr = three.predict_parts(test)
    x = three._features(test, base)  # (N, 2): log GB, log distance
    with torch.no_grad():
        heads = [h(torch.as_tensor((x - mu) / sd, dtype=torch.float32)).double().numpy()
                 for mu, sd, h in three.bags_]  # fmt: skip
    np.testing.assert_allclose(corr, np.mean(heads, 0), rtol=1e-6, atol=1e-9)
    assert x.shape[1] == 2 and np.ptp(heads, 0).max() > 0  # the bags differ
    assert three.feature_names() == ["log GB", "log distance"]
    q = ResidualTTE(base=GB, n_folds=3, steps=0, query_features=True).fit(train)
    xq = q._features(test, base)
    assert xq.shape[1] == len(q.feature_names()) == 8 and np.isfinite(xq).all()
    assert np.allclose(xq[:, 2] ** 2 + xq[:, 3] ** 2, 1)  # the hour on a circle
    q.query_hour = False
    assert q.feature_names()[2:4] == ["sin bearing", "cos bearing"]
    np.testing.assert_array_equal(q._features(test, base), np.delete(xq, [2, 3], 1))


def test_mae_loss_finds_the_minutes_median_and_log_l1_the_ratio_median():
    """Base 100 s for 20 trips that take 50 s, 1000 s for 10 that take 2000 s; a bias-only head.
    L1 on log time is minimised by the median ratio (x0.5: most trips); MAE in seconds by the
    base-weighted median (x2: the long trips carry 10,000 of the 12,000 base seconds); the mix
    moves from one to the other as log_weight grows."""
    from trajlm.eval.tte_residual import ResidualHead

    base = np.r_[np.full(20, 100.0), np.full(10, 1000.0)]
    y = np.r_[np.full(20, 50.0), np.full(10, 2000.0)]
    ratio = {}
    for loss, lam in (("l1", 1.0), ("mae+log", 0.0), ("mae+log", 0.01), ("mae+log", 10.0)):
        est = ResidualTTE(loss=loss, log_weight=lam, hidden=0, steps=300, lr=0.04,
                          weight_decay=0.0)  # fmt: skip
        torch.manual_seed(0)
        est.head_ = ResidualHead(1, hidden=0)
        est.y_ = torch.tensor(y, dtype=torch.float32)
        losses = est._train(torch.zeros(30, 1), torch.tensor(np.log(y / base), dtype=torch.float32))
        assert losses[-1] < losses[0]
        ratio[loss, lam] = float(np.exp(est.head_.out.bias.detach()))
    assert ratio["l1", 1.0] == pytest.approx(0.5, abs=0.03)
    assert ratio["mae+log", 0.0] == pytest.approx(2.0, abs=0.06)
    assert ratio["mae+log", 0.01] == pytest.approx(2.0, abs=0.06)  # MAE term dominates
    assert ratio["mae+log", 10.0] == pytest.approx(0.5, abs=0.03)  # the log term dominates


def test_bad_new_options_are_one_clear_error():
    train = od_frame(40)
    with pytest.raises(UserError, match="log_weight=-1"):
        ResidualTTE(loss="mae+log", log_weight=-1).fit(train)
    with pytest.raises(UserError, match="n_bags=0"):
        ResidualTTE(n_bags=0).fit(train)


def test_choice_rule_prefers_arms_below_gb_on_all_four(tmp_path):
    """scripts/tte_choose.py: an arm below GB on all four wins over one with a lower mean that is
    above GB somewhere; test tables are refused."""
    from test_results_scripts import load_script

    def table(name, rows, split="val"):
        doc = {"meta": {"split": split},
               "rows": [{"method": m, "mae_min": a, "mape_pct": b} for m, a, b in rows]}  # fmt: skip
        (tmp_path / name).write_text(json.dumps(doc))
        return str(tmp_path / name)

    a = table("a.json", [("gb", 10, 50), ("steady", 9.9, 49), ("bold", 10.5, 20)])
    b = table("b.json", [("gb", 20, 60), ("steady", 19.9, 59), ("bold", 19, 40)])
    out = load_script("tte_choose").main(["--a", a, "--b", b])
    assert [r["arm"] for r in out["rows"]] == ["bold", "steady"]  # bold: lower mean
    assert out["chosen"] == "steady"  # but above GB on A's MAE
    t = table("t.json", [("gb", 1, 1)], split="test")
    with pytest.raises(SystemExit, match="val only"):
        load_script("tte_choose").main(["--a", t, "--b", b])


@pytest.mark.slow
def test_hour_drift_script_on_the_synthetic_city(tmp_path):
    """scripts/tte_hour_drift.py: one row per split; the hour terms average zero on train
    (standardized on train, a linear head) and are finite elsewhere."""
    from test_results_scripts import load_script

    from trajlm.data.ingest import synth_store

    store = tmp_path / "synth"
    synth_store(store, n_trajectories=60, seed=1)
    out = load_script("tte_hour_drift").main(["--data", str(store)])
    assert list(out) == ["train", "val", "test"] and out["train"]["n"] > out["test"]["n"] > 0
    assert abs(out["train"]["hour_correction"]) < 1e-6
    assert all(np.isfinite(r["hour_correction"]) for r in out.values())


@pytest.mark.slow
def test_train_tail_split_scores_the_latest_train_trips(tmp_path):
    """scripts/tte_residual.py --split train-tail: fit on the earliest 80 % of train trips,
    score the latest 20 %; model arms are refused there (the models saw those trips)."""
    from test_results_scripts import load_script

    from trajlm.data.ingest import synth_store

    store = tmp_path / "synth"
    synth_store(store, n_trajectories=60, seed=1)
    script = load_script("tte_residual")
    out = tmp_path / "tail.json"
    doc = script.main(["--data", str(store), "--split", "train-tail", "--seeds", "0",
                       "--arms", "residual mae+log0 linear +geo", "--out", str(out)])  # fmt: skip
    meta = doc["meta"]
    n, n_fit = meta["n_trips"], meta["n_train_trips"]
    assert meta["split"] == "train-tail" and n == (n + n_fit) - int(0.8 * (n + n_fit)) > 0
    assert [r["method"] for r in doc["rows"]] == ["gb", "residual mae+log0 linear +geo"]
    with pytest.raises(SystemExit):
        script.main(["--data", str(store), "--split", "train-tail", "--runs", "x",
                     "--seeds", "0", "--out", str(out)])  # fmt: skip
