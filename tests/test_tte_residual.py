"""The residual over gradient boosting for travel time (issue 15 lever 3): exactly GB at init,
out-of-fold base predictions that never see their own fold, one clear error on bad input, and
a correction that actually corrects a biased base."""

import json

import numpy as np
import polars as pl
import pytest
from sklearn.base import BaseEstimator, clone

from trajlm.errors import UserError
from trajlm.eval import baselines as B
from trajlm.eval.tte_residual import ResidualTTE, fold_ids, out_of_fold


def od_frame(n: int, seed: int = 0) -> pl.DataFrame:
    """Porto-like O-D trips: duration = distance / speed (slower for short trips), noisy."""
    rng = np.random.default_rng(seed)
    o = np.c_[41.15 + rng.normal(0, 0.02, n), -8.61 + rng.normal(0, 0.02, n)]
    d = o + rng.normal(0, 0.02, (n, 2))
    od = pl.DataFrame({"traj_id": np.arange(n), "o_lat": o[:, 0], "o_lon": o[:, 1],
                       "d_lat": d[:, 0], "d_lon": d[:, 1],
                       "t_start": 1372636800 + rng.integers(0, 9 * 3600, n)})  # fmt: skip
    od = B.od_features(od)
    dist = od["distance_m"].to_numpy()
    speed = 3 + 6 * dist / (dist + 1500)  # m/s
    dur = 60 + dist / speed * np.exp(rng.normal(0, 0.2, n))
    return od.with_columns(pl.Series("duration_s", dur.round()))


class Recorder(BaseEstimator):
    """A base that remembers which trips each clone was fitted on and predicts a constant."""

    log: list = []

    def fit(self, od):
        self.seen_ = set(od["traj_id"].to_list())
        Recorder.log.append(self.seen_)
        return self

    def predict(self, od):
        assert not self.seen_ & set(od["traj_id"].to_list()), "predicted a row it was fitted on"
        return np.full(len(od), 600.0)


def test_residual_is_gradient_boosting_exactly_at_init():
    train, test = od_frame(200, seed=1), od_frame(80, seed=2)
    gb = B.GradientBoostingTTE(max_iter=30)  # small for speed; any base works the same way
    want = clone(gb).fit(train).predict(test)
    for hidden in (16, 0):  # the MLP head (default) and the linear one
        res = ResidualTTE(base=gb, n_folds=2, steps=0, hidden=hidden).fit(train)
        np.testing.assert_array_equal(res.predict(test), want)  # bit for bit
        base, corr = res.predict_parts(test)
        assert (corr == 0).all() and (base == want).all() and res.num_params() > 0


def test_out_of_fold_never_uses_a_rows_own_fold():
    od = od_frame(53)
    folds = fold_ids(len(od), 5, seed=3)
    assert sorted(np.bincount(folds)) == [10, 10, 11, 11, 11]  # balanced
    assert (fold_ids(len(od), 5, seed=3) == folds).all()  # seeded
    assert not (fold_ids(len(od), 5, seed=4) == folds).all()
    Recorder.log = []
    pred = out_of_fold(Recorder(), od, folds)
    assert len(Recorder.log) == 5 and (pred == 600.0).all()
    ids = od["traj_id"].to_numpy()
    for f, seen in enumerate(Recorder.log):
        assert seen == set(ids[folds != f].tolist())  # everything but fold f, nothing of f


def test_fit_trains_on_out_of_fold_base_not_in_sample():
    od = od_frame(40)
    Recorder.log = []
    ResidualTTE(base=Recorder(), n_folds=4, steps=5).fit(od)
    # 4 out-of-fold clones (each without its fold) + the final one on all of train
    assert [len(s) for s in Recorder.log] == [30, 30, 30, 30, 40]


def test_head_corrects_a_biased_base():
    class Slow(BaseEstimator):  # twice the true travel time, distance-blind beyond that
        def fit(self, od):
            self.gb_ = B.GradientBoostingTTE(max_iter=50).fit(od)
            return self

        def predict(self, od):
            return 2.0 * self.gb_.predict(od)

    train, test = od_frame(400, seed=5), od_frame(150, seed=6)
    y = test["duration_s"].to_numpy()
    base = Slow().fit(train).predict(test)
    res = ResidualTTE(base=Slow(), n_folds=3, steps=300).fit(train).predict(test)
    mape = lambda p: np.mean(np.abs(p - y) / y)  # noqa: E731
    assert mape(base) > 0.9 and mape(res) < 0.5 * mape(base)


def test_bad_input_is_one_clear_error():
    od = od_frame(30)
    with pytest.raises(UserError, match="missing column.*duration_s"):
        ResidualTTE(steps=1).fit(od.drop("duration_s"))
    with pytest.raises(UserError, match="n_folds=1"):
        ResidualTTE(n_folds=1).fit(od)
    with pytest.raises(UserError, match="8 training trips for n_folds=10"):
        ResidualTTE(n_folds=10).fit(od.head(8))
    with pytest.raises(UserError, match="loss='mape'"):
        ResidualTTE(loss="mape").fit(od)
    with pytest.raises(UserError, match="call fit"):
        ResidualTTE().predict(od)
    res = ResidualTTE(steps=1).fit(od)
    with pytest.raises(UserError, match="missing column.*d_lon"):
        res.predict(od.drop("d_lon"))
    with pytest.raises(UserError, match="row 2 has a NaN"):
        res.predict(od.with_columns(pl.Series("o_lat", [1.0, 2.0, np.nan] + [41.0] * 27)))
    with pytest.raises(UserError, match="polars DataFrame"):
        res.predict(od.to_pandas())


def test_point_table_in_o_d_table_out():
    """A point table (traj_id, t, lat, lon) is accepted as in the baselines."""
    rng = np.random.default_rng(0)
    n, k = 30, 12
    pts = pl.DataFrame({"traj_id": np.repeat(np.arange(n), k),
                        "t": 1372636800 + np.tile(np.arange(k) * 15, n) + np.repeat(np.arange(n) * 60, k),
                        "lat": 41.15 + rng.normal(0, 0.001, n * k).cumsum(),
                        "lon": -8.61 + rng.normal(0, 0.001, n * k).cumsum()})  # fmt: skip
    res = ResidualTTE(steps=3, n_folds=3).fit(pts)
    assert res.predict(pts).shape == (n,)


@pytest.mark.slow
def test_tte_residual_script_end_to_end(tmp_path):
    """scripts/tte_residual.py on the synthetic city: every arm, a (random-init) model per seed,
    the paired CIs against GB."""
    from test_results_scripts import load_script

    from trajlm.data.ingest import synth_store
    from trajlm.data.store import load_stats
    from trajlm.model import ModelConfig, TrajectoryModel

    store = tmp_path / "synth"
    synth_store(store, n_trajectories=60, seed=1)
    runs = []
    for s in (0, 1):
        cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, infill_heads=True,
                          stats=load_stats(store).to_dict())  # fmt: skip
        TrajectoryModel(cfg).save_pretrained(tmp_path / f"run{s}")
        runs.append(str(tmp_path / f"run{s}"))
    out = tmp_path / "tte" / "val.json"
    doc = load_script("tte_residual").main(
        ["--data", str(store), "--split", "val", "--seeds", "0", "1", "--runs", ",".join(runs),
         "--arms", "model", "residual l1 linear", "residual+model l1 mlp16", "--out", str(out)]
    )  # fmt: skip
    rows = {r["method"]: r for r in doc["rows"]}
    assert list(rows) == ["gb", "model", "residual l1 linear", "residual+model l1 mlp16"]
    assert rows["gb"]["n_seeds"] == 1 and rows["residual l1 linear"]["n_seeds"] == 2
    assert rows["residual l1 linear"]["head_params"] == 3  # 2 features + bias
    assert rows["residual+model l1 mlp16"]["model_params"] > 0
    for name in ("model", "residual l1 linear", "residual+model l1 mlp16"):
        ci = rows[name]["vs_gb"]["mape_pct"]
        assert ci["lo"] <= ci["diff"] <= ci["hi"] and ci["n"] == doc["meta"]["n_trips"]
    assert "| residual l1 linear |" in out.with_suffix(".md").read_text()
    why = load_script("tte_residual_why").main(["--data", str(store), "--run", runs[0]])
    assert len(why) == 7 and all(np.isfinite(v).all() for v in why.values())


@pytest.mark.slow
def test_tte_residual_shell_end_to_end(tmp_path):
    """scripts/tte_residual.sh: trains the od-only model (2 steps) and writes both tables."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from trajlm.data.ingest import synth_store

    root = Path(__file__).resolve().parents[1]
    store = tmp_path / "synth"
    synth_store(store, n_trajectories=60, seed=1)
    env = {**os.environ, "OUT": str(tmp_path / "tte"), "SEEDS": "0", "STEPS": "2",
           "BIN": str(Path(sys.executable).parent), "PYTHONPATH": str(root)}  # fmt: skip
    subprocess.run(["bash", "scripts/tte_residual.sh", "synth", str(store)], cwd=root, env=env,
                   check=True, capture_output=True)  # fmt: skip
    for split in ("val", "test"):
        doc = json.loads((tmp_path / "tte" / f"synth_{split}.json").read_text())
        assert doc["meta"]["split"] == split and doc["meta"]["runs"] == [
            str(tmp_path / "tte" / "runs" / "synth-s0")
        ]
        first = {"val": ["gb", "model", "residual l1 mlp16"],
                 "test": ["gb", "linear regression", "distance / mean speed"]}[split]  # fmt: skip
        assert [r["method"] for r in doc["rows"]][:3] == first
