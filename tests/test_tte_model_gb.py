"""Session 28 (tte28; docs/travel-time.md): gradient boosting reading a model's travel time as a
feature (``ModelFeatureGB``), its clear errors, and the study script's pre-registered rule
(test is read only when every val CI vs GB is below 0)."""

import numpy as np
import pytest
from test_results_scripts import load_script
from test_tte_residual import od_frame

from trajlm.errors import UserError
from trajlm.eval.tte_mae import GradientBoostingMAE
from trajlm.eval.tte_model_gb import ModelFeatureGB


class Oracle:
    """A 'model' that knows each trip's true duration (times ``scale``)."""

    def __init__(self, scale: float = 1.0) -> None:
        self.scale = scale

    def travel_time(self, od):
        return self.scale * od["duration_s"].to_numpy().astype(float)


class Constant:
    def travel_time(self, od):
        return np.full(len(od), 300.0)


def _mae(p, od) -> float:
    return float(np.abs(p - od["duration_s"].to_numpy()).mean())


def test_the_trees_use_the_model_column():
    train, test = od_frame(200, seed=1), od_frame(80, seed=2)
    gb = GradientBoostingMAE(max_iter=30, learning_rate=0.2).fit(train).predict(test)
    told = (
        ModelFeatureGB(model=Oracle(2.0), max_iter=30, learning_rate=0.2).fit(train).predict(test)
    )
    blind = (
        ModelFeatureGB(model=Constant(), max_iter=30, learning_rate=0.2).fit(train).predict(test)
    )
    # a column that knows the noise GB cannot see: far lower MAE; a constant one: GB abs exactly
    assert _mae(told, test) < 0.5 * _mae(gb, test)
    np.testing.assert_allclose(blind, gb, rtol=1e-9)
    sq = ModelFeatureGB(model=Oracle(), loss="squared_error", max_iter=30, learning_rate=0.2).fit(
        train
    )
    assert _mae(sq.predict(test), test) < 0.5 * _mae(gb, test)


def test_bad_use_is_one_clear_error():
    train = od_frame(60, seed=3)
    with pytest.raises(UserError, match="travel_time"):
        ModelFeatureGB().fit(train)
    with pytest.raises(UserError, match="loss="):
        ModelFeatureGB(model=Oracle(), loss="huber").fit(train)
    with pytest.raises(UserError, match="before predict"):
        ModelFeatureGB(model=Oracle()).predict(train)

    class Short:
        def travel_time(self, od):
            return np.ones(len(od) - 1)

    with pytest.raises(UserError, match="durations"):
        ModelFeatureGB(model=Short()).fit(train)


def _doc(data: str, split: str, his: dict[str, list[float]]) -> dict:
    rows = [{"method": "gb", "mae_min": 10.0, "mape_pct": 50.0}]
    for arm, (mae_hi, mape_hi) in his.items():
        rows.append({"method": arm, "mae_min": 9.0, "mape_pct": 45.0,
                     "vs_gb": {"mae_min": {"hi": mae_hi}, "mape_pct": {"hi": mape_hi}}})  # fmt: skip
    return {"meta": {"data": data, "split": split}, "rows": rows}


def test_rule_reads_test_only_when_every_val_ci_is_below_zero(tmp_path):
    mod = load_script("tte28/mae_arms")
    a, b = mod.CANDIDATES
    porto = _doc("porto", "val", {a: [-0.1, -1.0], b: [+0.2, -1.0]})
    geo = _doc("geolife", "val", {a: [-0.1, -2.0], b: [-0.3, -2.0]})
    got = mod.decide([porto, geo])
    assert got["chosen"] == a and not got["table"][b]["qualifies"]
    geo_cross = _doc("geolife", "val", {a: [+0.01, -2.0], b: [-0.3, -2.0]})
    assert mod.decide([porto, geo_cross])["chosen"] is None  # one CI crossing 0: no test read
    with pytest.raises(SystemExit):  # the choice is made on val only
        mod.decide([porto, _doc("geolife", "test", {a: [-1, -1], b: [-1, -1]})])
    no = tmp_path / "decision.json"
    no.write_text('{"chosen": null}')
    with pytest.raises(SystemExit):  # test needs a decision naming an arm
        mod.main(["--data", "x", "--split", "test", "--runs", "a,b,c", "--decision", str(no),
                  "--out", str(tmp_path / "t.json")])  # fmt: skip
    assert not (tmp_path / "t.json").exists()


def test_power_counts_the_trips_a_difference_needs(tmp_path):
    mod = load_script("tte28/power")
    rng = np.random.default_rng(0)
    y = rng.uniform(300, 3000, 90)
    gb = y + rng.normal(0, 300, 90)
    arm = y + rng.normal(0, 120, 90)  # closer to the truth than gb, per trip
    np.savez(tmp_path / "v.npz", y=y, gb=gb[None], arm=np.stack([arm, arm]))
    rows = {r["arm"]: r for r in mod.power_rows(tmp_path / "v.npz")}
    r = rows["arm"]
    assert r["diff"] < 0 and r["half_width"] == pytest.approx(1.96 * r["sd"] / np.sqrt(90))
    assert r["n_needed"] == int(np.ceil((1.96 * r["sd"] / r["diff"]) ** 2))
    assert rows["gb"]["diff"] == 0 and len(r["by_tercile"]) == 3
