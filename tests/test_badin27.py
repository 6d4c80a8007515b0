"""Session 27 (badin27): hostile inputs on session 27's new surfaces (docs/reliability.md
"Session 27 (badin27)"): the "kNN scaled [time]" verdict engine (one-point histories, hand-edited
trees and scale entries, the std_m line) and ask27's date words ("last Tues", "Tuesday's
session" on data with two Tuesdays). No trained model: tiny hand-made trees and frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest

from trajlm.llm.plan import CannotAnswer


def _table(**edit) -> pl.DataFrame:
    """One tree: the root splits feature 0 at 1.0; leaves 0.1 (left) and -0.1 (right)."""
    t = {"tree": [0, 0, 0], "node": [0, 1, 2], "feature": [0, 0, 0], "threshold": [1.0, 0.0, 0.0],
         "missing_left": [True, False, False], "left": [1, 0, 0], "right": [2, 0, 0],
         "leaf": [False, True, True], "value": [0.0, 0.1, -0.1]}  # fmt: skip
    for k, v in edit.items():
        t[k] = v
    return pl.DataFrame(t)


class _Ahead:
    """A stand-in kNN: every query walks 10 m east per step from its last point."""

    horizon, projection_ = 5, None

    def predict(self, xy, lengths, k, t, t_future, keys=None):
        last = np.asarray(xy)[np.arange(len(xy)), np.asarray(lengths) - 1]
        return last[:, None] + np.arange(1, k + 1)[None, :, None] * np.array([10.0, 0.0])


def test_one_point_histories_are_answered_not_an_index_error() -> None:
    from trajlm.eval.scaled_knn_engine import Forest, ScaledKNN

    eng = ScaledKNN(_Ahead(), Forest(_table(), 0.5))
    xy, t = np.array([[[100.0, 50.0]]]), np.array([[0.0]])  # a batch of one-point histories
    got = eng.predict(xy, np.array([1]), 5, t, np.array([[10.0, 20, 30, 40, 50]]))
    assert got.shape == (1, 5, 2) and np.isfinite(got).all()
    np.testing.assert_allclose(got[0, :, 1], 50.0)  # shrunk along the stand-in's path
    # beside a longer history (T > 1): the one-point row pads as before
    xy2 = np.array([[[0.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [10.0, 0.0]]])
    got2 = eng.predict(xy2, np.array([1, 2]), 5, np.array([[0.0, 0.0], [0.0, 10.0]]),
                       np.array([[10.0, 20, 30, 40, 50], [20.0, 30, 40, 50, 60]]))  # fmt: skip
    assert np.isfinite(got2).all()


@pytest.mark.parametrize(
    "edit",
    [
        {"left": [0, 0, 0]},  # a child that is its parent: Forest.predict looped for ever
        {"threshold": [float("nan"), 0.0, 0.0]},  # every row went right, silently
        {
            "value": [0.0, 1e308, -0.1]
        },  # a leaf of 1e308 overflowed to a clipped shrink, numpy's warning only
    ],
)
def test_a_hand_edited_tree_table_is_refused(edit: dict) -> None:
    from trajlm.eval.scaled_knn_engine import forest_ok

    assert forest_ok(_table())
    assert not forest_ok(_table(**edit))


@pytest.mark.parametrize("baseline", [-5.0, 1e308, 2.0])
def test_a_scale_baseline_outside_the_shrink_grid_is_not_read(baseline: float) -> None:
    from trajlm.eval.scaled_knn_engine import scale_fields_ok
    from trajlm.eval.stop_head import FEATURES

    v = {"scale": {"table_sha1": "ab", "baseline": 0.6, "features": list(FEATURES)}}
    assert scale_fields_ok(v)
    v["scale"]["baseline"] = baseline
    assert not scale_fields_ok(v)


@pytest.fixture(scope="module")
def asker():
    from trajlm.questions import Asker

    rows = []
    for day in pd.date_range("2026-11-27", "2026-12-08"):  # two Tuesdays: 1 and 8 December
        for i in range(11):
            rows.append((f"T/{day.day}", "TUG-1", day + pd.Timedelta(hours=9, minutes=i),
                         51.47 + 0.001 * i * (1 + day.day % 5), -0.45))  # fmt: skip
    df = pd.DataFrame(rows, columns=["task", "unit", "local_time", "lat", "lon"])
    cols = {"traj_id": "task", "t": "local_time", "vehicle_id": "unit"}
    return Asker(df, columns=cols, tz="Europe/London")


@pytest.mark.filterwarnings("ignore")
def test_last_tues_is_the_datas_last_tuesday_not_every_tuesday(asker) -> None:
    full = asker("How many km did TUG-1 drive last Tuesday?").value
    assert asker("How many km did TUG-1 drive last Tues?").value == pytest.approx(full)
    assert asker("How many km did TUG-1 drive last Thurs.?").value == pytest.approx(
        asker("How many km did TUG-1 drive last Thursday?").value
    )
    every = asker("How many km did TUG-1 drive on Tuesdays?").value
    assert every > 1.5 * full  # the two Tuesdays differ from the last one alone


@pytest.mark.filterwarnings("ignore")
def test_a_weekdays_session_on_data_with_two_of_it_is_refused(asker) -> None:
    with pytest.raises(CannotAnswer, match="2 Tuesdays .*1 December 2026, 8 December 2026"):
        asker("How many km did TUG-1 drive on Tuesday's session?")
    one = asker("How many km did TUG-1 drive on Thursday's session?").value  # one Thursday
    assert one == pytest.approx(asker("How many km did TUG-1 drive on 3 December?").value)


def test_race_teams_without_an_id_key_stay_apart(tmp_path) -> None:
    import json

    from trajlm.data.readers._json_records import record_tracks

    def team(name: str, lat: float, offset: int) -> dict:
        return {"name": name, "moments": [{"at": 1_772_359_200 + offset + 60 * k, "lat": lat,
                                           "lon": 5.9 + 1e-3 * k} for k in range(6)]}  # fmt: skip

    doc = json.loads(json.dumps({"teams": [team("Boat A", 43.1, 0), team("Boat B", 43.2, 30),
                                           team("Boat A", 43.3, 0)]}))  # fmt: skip
    tracks = record_tracks(doc)
    # were: three tracks with no id, one trajectory of the file zigzagging between the boats
    assert [t[0] for t in tracks] == ["Boat A", "Boat B", "Boat A#3"]
    assert all(len(t[1]) == 6 for t in tracks)


@pytest.mark.filterwarnings("ignore")
def test_last_tuesday_followed_by_in_a_unit_is_still_the_last_tuesday(asker) -> None:
    # "in m/s" after it was read as "in March": the weekday alone, every Tuesday averaged
    want = asker("What was the average speed of TUG-1 on 8 December in m/s?").value
    got = asker("What was the average speed of TUG-1 last Tuesday in m/s?").value
    assert got == pytest.approx(want)
    assert asker("What was the average speed of TUG-1 on Tuesdays in m/s?").value != pytest.approx(
        want
    )


def test_travel_time_baselines_name_a_bad_keyword_and_an_unfitted_call() -> None:
    from sklearn.exceptions import NotFittedError

    from trajlm.baselines import DistanceOverMeanSpeed, LinearRegressionTTE
    from trajlm.errors import ArgumentError

    rows = [{"trip": f"T{k}", "t": 1_794_800_000 + 60 * i, "lat": 41.88 + 1e-3 * i * (k + 1),
             "lon": -87.63} for k in range(6) for i in range(8)]  # fmt: skip
    df = pd.DataFrame(rows)
    fitted = DistanceOverMeanSpeed().fit(df, traj_col="trip")
    with pytest.raises(ArgumentError, match="'colour'.*valid: traj_col"):  # was coerce's TypeError
        fitted.predict(df, traj_col="trip", colour="red")
    for est in (DistanceOverMeanSpeed(), LinearRegressionTTE()):  # was an AttributeError
        with pytest.raises(NotFittedError):
            est.predict(df, traj_col="trip")


def test_passages_take_numpy_radii_and_count_a_repeated_row_once() -> None:
    import trajlm

    a, b, mid = (41.15, -8.61), (41.20, -8.55), (41.175, -8.58)
    t0 = pd.Timestamp("2026-01-01", tz="UTC")
    rows = [{"vehicle_id": "v1", "timestamp": t0 + pd.Timedelta(seconds=s), "latitude": p[0],
             "longitude": p[1]} for s, p in ((0, a), (600, mid), (1200, b))]  # fmt: skip
    df = pd.DataFrame(rows)
    for radius in (np.int64(500), np.float32(500.0)):  # were refused: "not a positive number"
        assert len(trajlm.passages(df, a, b, radius_m=radius)) == 1
    twice = trajlm.passages(pd.concat([df, df]), a, b)  # was n_fixes 6
    assert twice["n_fixes"].tolist() == [3] and twice["duration_s"].tolist() == [1200.0]
