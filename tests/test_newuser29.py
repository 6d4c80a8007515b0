"""Session 29 (newuser29): an e-scooter researcher's notebook in a projected CRS (docs/api.md
"Session 29 (newuser29)").

- `predict(latest=True)` on rides keyed by `ride_id` with a `scooter_id` beside them answered
  every ride (nothing was cut, so every ride was its own "latest"): now each scooter's ride
  that ends last, in Python and `trajlm predict --latest`.
- `at_times` / `seconds_ahead`'s "NaN where no position can be given" warning pointed at
  trajlm/api_at_times.py, the extent / coverage lines at trajlm/api_checks.py: the notebook's
  line now.
- `TrajLM.fit`'s "not better than the best baseline on val" line named `--model RUN` and a
  temporary store (gone when read): it names the run and `evaluate`."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from helpers import tiny_model as _model

import trajlm
from trajlm.data.coerce_pieces import latest_pieces, mover_column
from trajlm.eval.knn_check import knn_line

T0 = pd.Timestamp("2026-06-08 08:00", tz="Europe/Berlin")


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> trajlm.TrajLM:
    return trajlm.TrajLM.from_pretrained(_model(tmp_path_factory.mktemp("nu29") / "m"), threads=1)


def _rides() -> pd.DataFrame:
    """Two scooters, two rides each (ride 2 of each later), 10-s fixes, projected metres."""
    rows = []
    for s in range(2):
        for r in range(2):
            t0 = T0 + pd.Timedelta(hours=2 * r + s)
            rows += [{"ride_id": f"R{s}{r}", "scooter_id": f"SC-{s}",
                      "recorded_at": t0 + pd.Timedelta(seconds=10 * k),
                      "x": 691_000.0 + 40 * k + 500 * r, "y": 5_334_000.0 + 300 * s}
                     for k in range(10)]  # fmt: skip
    return pd.DataFrame(rows)


def test_latest_answers_each_scooters_last_ride_when_rides_are_the_trips(model) -> None:
    every = model.predict(_rides(), steps=2, crs="EPSG:25832")
    assert sorted(set(every["ride_id"])) == ["R00", "R01", "R10", "R11"]
    latest = model.predict(_rides(), steps=2, crs="EPSG:25832", latest=True)
    assert sorted(set(latest["ride_id"])) == ["R01", "R11"]  # was all four rides
    mine = every[every["ride_id"].isin(["R01", "R11"])].reset_index(drop=True)
    cols = list(latest.columns)  # fix31: the mover kept beside its ride
    assert cols.index("scooter_id") == cols.index("ride_id") + 1
    assert latest["scooter_id"].tolist() == ["SC-0", "SC-0", "SC-1", "SC-1"]
    assert "scooter_id" in every.columns  # leftover32: every answer keeps the mover
    pd.testing.assert_frame_equal(latest.reset_index(drop=True), mine)
    alone = _rides().drop(columns="scooter_id")  # no mover beside the trips: every ride
    assert set(model.predict(alone, steps=1, crs="EPSG:25832", latest=True)["ride_id"]) == {
        "R00", "R01", "R10", "R11"}  # fmt: skip


def test_latest_trips_on_a_store_frame_keeps_the_last_trip_per_vehicle_id() -> None:
    df = pl.DataFrame({"traj_id": ["a", "a", "b", "b", "c"], "t": [1, 2, 5, 9, 3],
                       "lat": [0.0] * 5, "lon": [0.0] * 5,
                       "vehicle_id": ["v", "v", "v", "v", "w"]})  # fmt: skip
    assert mover_column(df.columns) == "vehicle_id"
    kept = latest_pieces(df, layout=None)
    assert kept["traj_id"].unique().sort().to_list() == ["b", "c"]
    assert mover_column(["traj_id", "t", "lat", "lon", "speed"]) is None


def test_nan_at_times_warning_points_at_the_callers_line(model) -> None:
    df = _rides()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        model.predict(df, at_times=[str(T0 + pd.Timedelta(minutes=1))], crs="EPSG:25832")
    (nan,) = [w for w in seen if "NaN where no position" in str(w.message)]
    assert Path(nan.filename).name == Path(__file__).name  # was trajlm/api_at_times.py
    # every line of the call at this line: the extent line (Porto's centre, Munich's data) was
    # at trajlm/api_checks.py
    assert any("projection centre" in str(w.message) for w in seen)
    assert {Path(w.filename).name for w in seen} == {Path(__file__).name}


def test_the_val_line_names_the_run_and_evaluate() -> None:
    check = {"val_vs_best_baseline": "worse", "val_ade_vs_best_baseline": 1.24,
             "val_ade_vs_best_baseline_ci": [1.07, 1.47], "val_best_baseline": "kNN continuation",
             "val_baseline_trips": 17, "val_ade_model_m": 49.4, "val_ade_best_baseline_m": 39.7}  # fmt: skip
    line = knn_line(check, "/tmp/s", "/tmp/runs/mine")
    assert "--model /tmp/runs/mine`" in line and "--model RUN" not in line
    assert "model.evaluate(data, task='predict')" in line


def test_the_val_line_of_a_frames_temporary_store_names_no_dead_path(tmp_path: Path) -> None:
    from trajlm.data.store_label import mark_temporary

    store = tmp_path / "store"
    store.mkdir()
    (store / "manifest.json").write_text("{}")
    mark_temporary(store)
    check = {"val_vs_best_baseline": "worse", "val_ade_vs_best_baseline": 1.24,
             "val_ade_vs_best_baseline_ci": [1.07, 1.47], "val_best_baseline": "kNN continuation",
             "val_baseline_trips": 17, "val_ade_model_m": 49.4, "val_ade_best_baseline_m": 39.7}  # fmt: skip
    line = knn_line(check, store, "runs/mine")
    assert str(store) not in line and "--data PATH --task predict --model runs/mine" in line
    assert "TrajLM.fit(..., store=PATH)" in line and "model.evaluate(" in line


def test_travel_time_of_projected_tuples_says_how_to_give_projected_points() -> None:
    import geopandas as gpd
    import numpy as np
    from helpers import STATS

    from trajlm.errors import TrajlmInputError
    from trajlm.model import ModelConfig, TrajectoryModel

    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=STATS, infill_heads=True)
    m = trajlm.TrajLM(TrajectoryModel(cfg).eval(), threads=1)
    o, d = (5_334_000.0, 691_000.0), (5_335_000.0, 692_000.0)  # EPSG:25832 (northing, easting)
    with pytest.raises(TrajlmInputError, match=r"origins: row 0 \(5\.334e\+06, 691000\) is not "
                       r"\(lat, lon\) in degrees") as e:  # fmt: skip
        m.travel_time([o], [d], depart="2026-06-08T08:30:00+02:00")
    assert "clean" not in str(e.value) and "points_from_xy" in str(e.value)  # was: trajlm.clean
    pts = [gpd.GeoSeries(gpd.points_from_xy([p[1]], [p[0]]), crs="EPSG:25832") for p in (o, d)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an untrained model's coverage lines
        secs = m.travel_time(pts[0], pts[1], depart="2026-06-08T08:30:00+02:00")
    assert secs.shape == (1,) and np.isfinite(secs).all()  # the same points as Points: answered
