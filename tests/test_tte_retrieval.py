"""Retrieval features for travel time (issue 15, session 8): a train row never retrieves its own
trip, sub-trip retrieval reads elapsed time along a passing trajectory in the right direction
only, shapes, and the residual head over them is exactly its base at init."""

import numpy as np
import polars as pl
import pytest
from sklearn.base import clone

from trajlm.errors import UserError
from trajlm.eval import baselines as B
from trajlm.eval.protocol import make_tte_task
from trajlm.eval.tte_residual import ResidualTTE
from trajlm.eval.tte_retrieval import NN_COLUMNS, SUB_COLUMNS, GBExtraTTE, RetrievalFeatures

LAT0, LON0 = 41.15, -8.61
KY, KX = 111_195.0, 111_195.0 * np.cos(np.radians(LAT0))


def trip(tid: int, xy0, xy1, speed: float, t0: int = 1372636800, step_s: int = 15) -> dict:
    """A straight trip from xy0 to xy1 (metres) at ``speed`` m/s, a point every step_s."""
    xy0, xy1 = np.asarray(xy0, float), np.asarray(xy1, float)
    dur = np.hypot(*(xy1 - xy0)) / speed
    t = np.arange(0, dur + step_s, step_s).clip(max=dur)
    f = t / dur
    xy = xy0 + f[:, None] * (xy1 - xy0)
    return {
        "traj_id": [tid] * len(t),
        "t": (t0 + t).round().astype(np.int64).tolist(),
        "lat": (LAT0 + xy[:, 1] / KY).tolist(),
        "lon": (LON0 + xy[:, 0] / KX).tolist(),
    }


def points(trips: list[dict]) -> pl.DataFrame:
    return pl.concat([pl.DataFrame(t) for t in trips])


def city(n: int = 40, seed: int = 0, slow0: float = 1.0) -> pl.DataFrame:
    """n random straight trips in a 6 km box, 5-12 m/s; trip 0's speed divided by ``slow0``."""
    rng = np.random.default_rng(seed)
    trips = []
    for i in range(n):
        a, b = rng.uniform(0, 6000, 2), rng.uniform(0, 6000, 2)
        trips.append(trip(i, a, b, rng.uniform(5, 12) / (slow0 if i == 0 else 1.0),
                          t0=1372636800 + 60 * i))  # fmt: skip
    return points(trips)


def test_a_train_row_never_retrieves_its_own_trip():
    pts = city()
    od = make_tte_task(pts)
    rf = RetrievalFeatures(k=1).fit(pts)
    own = rf.transform(od)  # no exclusion: trip 0 is its own nearest neighbour (distance 0)
    assert own["nn_log_dur"][0] == pytest.approx(np.log(od["duration_s"][0]))
    assert own["nn_log_gap"][0] == 0
    loo = rf.transform(od, exclude=od["traj_id"].to_numpy())
    assert loo["nn_log_dur"][0] != own["nn_log_dur"][0] and (loo["nn_log_gap"].to_numpy() > 0).all()
    # making trip 0 ten times slower changes no feature of its own row (nor its sub-trips) ...
    pts_slow = city(slow0=10.0)
    od_slow = make_tte_task(pts_slow)
    rf_slow = RetrievalFeatures(k=1).fit(pts_slow)
    a = rf.transform(od, exclude=od["traj_id"].to_numpy())
    b = rf_slow.transform(od_slow, exclude=od_slow["traj_id"].to_numpy())
    for c in NN_COLUMNS + SUB_COLUMNS:
        assert a[c][0] == pytest.approx(b[c][0]), c
    # ... while a new query at trip 0's O-D (nothing excluded) retrieves it and sees the change
    q = od.head(1)
    assert rf_slow.transform(q)["nn_log_dur"][0] == pytest.approx(
        rf.transform(q)["nn_log_dur"][0] + np.log(10), abs=0.05
    )


def test_subtrip_reads_elapsed_time_along_a_passing_trajectory_forward_only():
    # one 10 m/s trajectory along x from 0 to 6 km; trips elsewhere pad the neighbour search
    pts = points(
        [trip(0, (0, 0), (6000, 0), 10.0)]
        + [trip(i, (0, 3000 + 100 * i), (500, 3000 + 100 * i), 5.0) for i in range(1, 8)]
    )
    rf = RetrievalFeatures(k=3, radius_m=100).fit(pts)
    q = pl.DataFrame({"o_lat": [LAT0, LAT0], "o_lon": [LON0 + 1500 / KX, LON0 + 4500 / KX],
                      "d_lat": [LAT0, LAT0], "d_lon": [LON0 + 4500 / KX, LON0 + 1500 / KX],
                      "t_start": [1372640000, 1372640000]})  # fmt: skip
    from trajlm.eval.baselines import od_features

    f = rf.transform(od_features(q))
    assert f["sub_log_n"][0] == pytest.approx(np.log(2))  # one trajectory matched forward
    assert np.exp(f["sub_log_dur"][0]) == pytest.approx(300, rel=0.02)  # 3 km at 10 m/s
    assert f["sub_log_n"][1] == 0  # the reverse direction: no sub-trip
    assert f["sub_log_dur"][1] == f["nn_log_pace"][1]  # the fallback
    # the trajectory itself as the query, excluded: no sub-trip from itself
    od = make_tte_task(pts)
    g = rf.transform(od, exclude=od["traj_id"].to_numpy())
    assert g["sub_log_n"][0] == 0


def test_shapes_and_gb_with_retrieval_columns():
    pts, test_pts = city(60, seed=1), city(15, seed=2)
    rf = RetrievalFeatures(k=5).fit(pts)
    train = rf.transform(make_tte_task(pts), exclude=make_tte_task(pts)["traj_id"].to_numpy())
    test = rf.transform(make_tte_task(test_pts))
    assert rf.columns == NN_COLUMNS + SUB_COLUMNS and len(test) == 15
    assert np.isfinite(test.select(rf.columns).to_numpy()).all()
    gb = GBExtraTTE(max_iter=20).fit(train)
    assert gb.predict(test).shape == (15,) and (gb.predict(test) > 0).all()
    assert RetrievalFeatures(k=5, subtrip=False).fit(pts).columns == NN_COLUMNS
    with pytest.raises(UserError, match="lacks"):
        GBExtraTTE().fit(make_tte_task(pts))
    with pytest.raises(UserError, match="before transform"):
        RetrievalFeatures().transform(test)
    with pytest.raises(UserError, match="point table"):
        RetrievalFeatures().fit(test)


def test_a_zero_head_over_retrieval_is_its_base_exactly():
    pts, test_pts = city(60, seed=3), city(20, seed=4)
    rf = RetrievalFeatures(k=5).fit(pts)
    od = make_tte_task(pts)
    train, test = (
        rf.transform(od, exclude=od["traj_id"].to_numpy()),
        rf.transform(make_tte_task(test_pts)),
    )
    for base in (B.GradientBoostingTTE(max_iter=20), GBExtraTTE(max_iter=20)):
        res = ResidualTTE(base=base, n_folds=3, steps=0, hidden=0,
                          extra_features=rf.columns).fit(train)  # fmt: skip
        got_base, corr = res.predict_parts(test)
        assert (corr == 0).all()
        np.testing.assert_array_equal(res.predict(test), got_base)
        np.testing.assert_array_equal(got_base, clone(base).fit(train).predict(test))
        assert res.feature_names()[-5:] == list(rf.columns)
    trained = ResidualTTE(base=B.GradientBoostingTTE(max_iter=20), n_folds=3, steps=20, hidden=0, extra_features=rf.columns,
                          n_bags=2, bag_median=True).fit(train)  # fmt: skip
    _, corr = trained.predict_parts(test)
    assert np.abs(corr).max() > 0 and corr.shape == (20,)
    with pytest.raises(UserError, match="lacks"):
        ResidualTTE(
            base=B.GradientBoostingTTE(max_iter=20), n_folds=3, steps=0, extra_features=("nope",)
        ).fit(train)


def test_retrieval_script_and_choice_prefix_on_the_synthetic_city(tmp_path):
    """scripts/tte_retrieval.py: GB, GB + retrieval and a residual over retrieval, CIs against
    both references; tte_choose --prefix keeps the baselines out of the candidates."""
    from test_results_scripts import load_script

    from trajlm.data.ingest import synth_store

    store = tmp_path / "synth"
    synth_store(store, n_trajectories=60, seed=1)
    out = tmp_path / "val.json"
    arms = ["gb +ret k5", "residual mae+log0 linear +ret k5"]
    doc = load_script("tte_retrieval").main(
        ["--data", str(store), "--split", "val", "--seeds", "0", "--ref", "gb +ret k5",
         "--arms", *arms, "--out", str(out)]
    )  # fmt: skip
    rows = {r["method"]: r for r in doc["rows"]}
    assert list(rows) == ["gb", *arms]
    assert "vs_ref" not in rows["gb +ret k5"] and "vs_gb" not in rows["gb"]
    ci = rows[arms[1]]["vs_ref"]["mae_min"]
    assert ci["lo"] <= ci["diff"] <= ci["hi"] and ci["n"] == doc["meta"]["n_trips"]
    assert rows[arms[1]]["head_params"] == 2 + 5 + 1  # log base, log distance, 5 columns, bias
    chosen = load_script("tte_choose").main(["--a", str(out), "--b", str(out), "--prefix", "res"])
    assert chosen["chosen"] == arms[1] and len(chosen["rows"]) == 1
    with pytest.raises(SystemExit):
        load_script("tte_retrieval").main(["--data", str(store), "--arms", "nope", "--out",
                                           str(out)])  # fmt: skip


def test_drift_script_on_the_synthetic_city(tmp_path):
    from test_results_scripts import load_script

    from trajlm.data.ingest import synth_store

    synth_store(tmp_path / "synth", n_trajectories=60, seed=2)
    rows = load_script("tte_retrieval_drift").main(["--data", str(tmp_path / "synth"), "--k", "5"])
    assert [r["split"] for r in rows] == ["train", "val", "test"]
    assert all(np.isfinite([r["gb"], r["gb_ret"], r["nn"], r["sub"]]).all() for r in rows)
