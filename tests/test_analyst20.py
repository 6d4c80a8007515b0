"""Session 20 (analyst20): a research analyst's notebook on the Python API.

``run_eval`` called from Python with the objects a notebook holds (a ``TrajLM``, an unnamed
``ModelPredictor``), its verdict sentence, ``AnomalyDetector.score`` on projected frames and
``inject_anomalies`` on a pandas frame. Data: seeded turning cars generated below (never the
shared slices). Each test failed on the code before its fix, except those marked as guards.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import polars as pl
import pytest

pd = pytest.importorskip("pandas")
gpd = pytest.importorskip("geopandas")
pytest.importorskip("pyproj")

import trajlm  # noqa: E402
from trajlm.errors import TrajlmInputError  # noqa: E402
from trajlm.eval.protocol import ModelPredictor, run_eval  # noqa: E402
from trajlm.eval.verdict import verdicts  # noqa: E402

LAT0, LON0 = 38.72, -9.14  # Lisbon; Portugal's TM06 grid is EPSG:3763


def cars(n_trips: int = 12, n: int = 30, dt: int = 10, seed: int = 0) -> pd.DataFrame:
    """trip_id, timestamp (UTC), latitude, longitude: turning cars at 5-13 m/s with 2 m noise."""
    rng = np.random.default_rng(seed)
    parts = []
    for k in range(n_trips):
        v, h = rng.uniform(5, 13), rng.uniform(0, 2 * np.pi)
        turn = np.cumsum(rng.normal(0, 0.06, n))
        x = np.cumsum(v * dt * np.cos(h + turn)) + rng.normal(0, 2, n) + rng.uniform(-3e3, 3e3)
        y = np.cumsum(v * dt * np.sin(h + turn)) + rng.normal(0, 2, n) + rng.uniform(-3e3, 3e3)
        start = pd.Timestamp("2026-03-02 07:00", tz="UTC") + pd.Timedelta(minutes=7 * k)
        parts.append(pd.DataFrame({
            "trip_id": f"car-{seed}-{k:02d}",
            "timestamp": start + pd.to_timedelta(np.arange(n) * dt, "s"),
            "latitude": LAT0 + y / 111_320.0,
            "longitude": LON0 + x / (111_320.0 * np.cos(np.radians(LAT0))),
        }))  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def with_teleport(df: pd.DataFrame, trip: str, k: int, metres: float = 3000.0) -> pd.DataFrame:
    d = df.copy()
    rows = d.index[d["trip_id"] == trip]
    d.loc[rows[k:], "longitude"] += metres / (111_320.0 * np.cos(np.radians(LAT0)))
    return d


@pytest.fixture(scope="module")
def detector(trajlm_small):
    with pytest.warns(UserWarning, match="calibrated on"):
        return trajlm.AnomalyDetector(trajlm_small).fit(cars(20, seed=1))


@pytest.fixture(scope="module")
def store_frame() -> pl.DataFrame:
    """60 trips as one canonical table: run_eval splits it 80 / 10 / 10 by start time."""
    return trajlm.to_canonical(cars(60, n=30, seed=3))


# ------------------------------------------------------------ anomalies on projected frames


def _suspect() -> pd.DataFrame:
    return with_teleport(cars(6, seed=2), "car-2-03", 15)


def test_anomaly_score_on_a_projected_geodataframe_gives_the_segment_in_its_crs(detector):
    df = _suspect()
    ref = detector.score(df).set_index("trip_id")
    g = gpd.GeoDataFrame(
        df.drop(columns=["latitude", "longitude"]),
        geometry=gpd.points_from_xy(df.longitude, df.latitude),
        crs=4326,
    ).to_crs(3763)
    before = g.copy()
    got = detector.score(g)
    assert isinstance(got, gpd.GeoDataFrame) and got.crs.to_epsg() == 3763
    assert "seg_lat" not in got.columns  # degrees beside metres were the bug
    want = gpd.GeoSeries(
        gpd.points_from_xy(ref["seg_lon"], ref["seg_lat"]), index=ref.index, crs=4326
    ).to_crs(3763)
    got = got.set_index("trip_id").loc[ref.index]
    assert np.allclose(got.geometry.x, want.x, atol=0.01)
    assert np.allclose(got.geometry.y, want.y, atol=0.01)
    assert got.index[0] == "car-2-03" and abs(got.geometry.x.iloc[0]) > 1000  # metres
    assert g.equals(before)


def test_anomaly_score_with_crs_names_the_segment_in_the_callers_columns(detector):
    df = _suspect()
    ref = detector.score(df).set_index("trip_id")
    g = gpd.GeoSeries(gpd.points_from_xy(df.longitude, df.latitude), crs=4326).to_crs(3763)
    u = pd.DataFrame({"trip": df.trip_id, "when": df.timestamp, "e": g.x, "n": g.y})
    got = detector.score(u, traj_col="trip", time_col="when", lat_col="n", lon_col="e",
                         crs="EPSG:3763").set_index("trip")  # fmt: skip
    assert {"seg_n", "seg_e"} <= set(got.columns) and "seg_lat" not in got.columns
    want = gpd.GeoSeries(gpd.points_from_xy(ref["seg_lon"], ref["seg_lat"]), crs=4326).to_crs(3763)
    got = got.loc[ref.index]
    assert np.allclose(got["seg_e"], want.x.to_numpy(), atol=0.01)
    assert np.allclose(got["seg_n"], want.y.to_numpy(), atol=0.01)
    pol = detector.score(pl.from_pandas(u), traj_col="trip", time_col="when", lat_col="n",
                         lon_col="e", crs="EPSG:3763")  # fmt: skip
    assert isinstance(pol, pl.DataFrame) and {"seg_n", "seg_e"} <= set(pol.columns)


def test_anomaly_score_on_a_movingpandas_collection_gives_times_and_crs(detector):
    mpd = pytest.importorskip("movingpandas")
    df = _suspect()
    ref = detector.score(df).set_index("trip_id")
    g = gpd.GeoDataFrame(
        df.drop(columns=["latitude", "longitude"]),
        geometry=gpd.points_from_xy(df.longitude, df.latitude),
        crs=4326,
    ).to_crs(3763)
    g["timestamp"] = g["timestamp"].dt.tz_localize(None)  # MovingPandas keeps naive times
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = detector.score(mpd.TrajectoryCollection(g.set_index("timestamp"), "trip_id"))
    assert isinstance(got, gpd.GeoDataFrame) and got.crs.to_epsg() == 3763
    got = got.set_index("traj_id").loc[ref.index]
    # the segment times as the collection's index has them (were Unix seconds)
    want = ref["seg_start_t"].dt.tz_localize(None)
    assert got["seg_start_t"].dtype.kind == "M"
    assert (got["seg_start_t"].to_numpy() == want.to_numpy()).all()


def test_anomaly_score_in_degrees_is_unchanged(detector):  # guard
    df = _suspect()
    got = detector.score(df)
    assert {"seg_lat", "seg_lon"} <= set(got.columns) and type(got) is pd.DataFrame
    top = got.iloc[0]
    assert top["trip_id"] == "car-2-03" and abs(top["seg_lat"] - LAT0) < 0.1


# ------------------------------------------------------------------ inject_anomalies


def test_inject_anomalies_takes_a_pandas_frame_and_answers_in_kind():
    from trajlm.reason import inject_anomalies

    df = cars(10, seed=4)
    before = df.copy(deep=True)
    dirty, labels = inject_anomalies(df, fraction=0.5, seed=0)
    canon_dirty, canon_labels = inject_anomalies(trajlm.to_canonical(df), fraction=0.5, seed=0)
    assert df.equals(before)
    assert type(dirty) is pd.DataFrame
    assert list(dirty.columns)[:4] == ["trip_id", "timestamp", "latitude", "longitude"]
    assert str(dirty["timestamp"].dt.tz) == "UTC"
    assert np.allclose(dirty["latitude"], canon_dirty["lat"].to_numpy())
    assert dirty["anomaly"].sum() == canon_dirty["anomaly"].sum() > 0
    assert list(labels.columns) == ["trip_id", "anomaly_type", "n_points"]
    assert (labels["anomaly_type"] != "normal").sum() == 5


# ------------------------------------------------------------------ run_eval from Python


def _rows(res) -> dict:
    return {(r["setting"], r["method"]): r for r in res.rows}


def test_run_eval_takes_a_trajlm_and_gives_the_verdict_in_python(
    store_frame, trajlm_small, tmp_path
):
    res = run_eval(store_frame, "predict", models=(trajlm_small,), verbose=False, out=str(tmp_path))
    rows = _rows(res)
    assert ("k=5", "trajlm:trajlm-small") in rows
    ref = run_eval(store_frame, "predict", models=(ModelPredictor(trajlm_small.model, name="m"),),
                   verbose=False)  # fmt: skip
    assert rows[("k=5", "trajlm:trajlm-small")]["metrics"] == _rows(ref)[("k=5", "m")]["metrics"]
    (v,) = res.meta["verdict"]
    assert v["method"] == "trajlm:trajlm-small" and v["verdict"] in ("better", "level", "worse")
    saved = json.loads((tmp_path / "eval_predict.json").read_text())
    assert saved["verdict"][0]["text"] == v["text"]
    assert "Verdict (test split): trajlm:trajlm-small" in (tmp_path / "eval_predict.md").read_text()


def test_verdicts_judge_an_unnamed_model_predictor(store_frame, trajlm_small):
    res = run_eval(store_frame, "predict", models=(ModelPredictor(trajlm_small.model),),
                   verbose=False)  # fmt: skip
    got = verdicts(res)  # judged "trajlm..." rows only: [] for "TrajectoryModel"
    assert [v["method"] for v in got] == ["TrajectoryModel"]


def test_run_eval_without_models_gives_no_verdict(store_frame):  # guard
    res = run_eval(store_frame, "predict", verbose=False)
    assert not res.meta.get("verdict") and verdicts(res) == []
    # knn30: the kNN settings and the rule that chose them, in the JSON and under the table
    knn = next(r for r in res.rows if r["method"] == "kNN continuation")["params"]
    assert knn["tuning"]["chosen"] == f"history={knn['history']},n_neighbors={knn['n_neighbors']}"
    assert knn["tuning"]["default"] == "history=5,n_neighbors=10"
    assert knn["tuning"]["chosen"] == min(knn["val_ade_m"], key=knn["val_ade_m"].get)  # as before
    md = res.to_markdown()
    assert "kNN settings chosen on val, keeping the lowest val ADE:" in md  # vessel30: one clause
    assert f"- kNN continuation: {knn['tuning']['chosen'].replace(',', ', ')} (" in md  # vessel30


def test_run_eval_recover_scores_a_next_point_model_through_the_bridge(store_frame, trajlm_small):
    small = store_frame.filter(pl.col("traj_id").is_in(store_frame["traj_id"].unique().sort()[:40]))
    small = small.filter(pl.col("t") <= pl.col("t").min().over("traj_id") + 120)
    res = run_eval(small, "recover", models=(ModelPredictor(trajlm_small.model, name="m"),),
                   seeds=(0,), intervals_s=(), verbose=False)  # fmt: skip
    methods = {r["method"] for r in res.rows}
    assert "m (bridge)" in methods  # was left out of the table without a word
    assert [v["method"] for v in res.meta["verdict"]] == ["m (bridge)"]


def test_run_eval_refuses_in_one_line_what_cannot_be_scored(store_frame, trajlm_small):
    with pytest.raises(TrajlmInputError, match="cannot predict next points") as e:
        run_eval(store_frame, "predict", models=(object(),), verbose=False)
    assert "\n" not in str(e.value)
    with pytest.raises(TrajlmInputError, match="cannot answer at times"):
        run_eval(store_frame, "predict", models=(trajlm_small,), horizons_s=(60.0,), verbose=False)
    two = (ModelPredictor(trajlm_small.model), ModelPredictor(trajlm_small.model))
    with pytest.raises(TrajlmInputError, match="two models are named 'TrajectoryModel'"):
        run_eval(store_frame, "predict", models=two, verbose=False)


def test_run_eval_says_which_model_it_leaves_out(store_frame, trajlm_small):
    """A next-point model passed to tte (a loop over tasks): one warning, no row (was silent)."""
    with pytest.warns(UserWarning, match="m cannot estimate travel times: its checkpoint has no"):
        res = run_eval(store_frame, "tte", models=(ModelPredictor(trajlm_small.model, name="m"),),
                       verbose=False)  # fmt: skip
    assert "m" not in {r["method"] for r in res.rows} and not res.meta.get("verdict")


def test_run_eval_checks_its_own_options_in_one_line_before_fitting(store_frame, tmp_path):
    file = tmp_path / "results.txt"
    file.write_text("mine")
    cases = [
        ({"task": "predict", "k": 0}, "k .steps to predict. must be an integer >= 1, got 0"),
        (
            {"task": "recover", "seeds": ()},
            "field seeds: recovery draws its random mask once per seed",
        ),
        ({"task": "predict", "out": str(file)}, "is a file; out= names a folder"),
    ]
    for kwargs, match in cases:
        task = kwargs.pop("task")
        with pytest.raises(TrajlmInputError, match=match) as e:
            run_eval(store_frame, task, verbose=False, **kwargs)
        assert "\n" not in str(e.value)
    assert file.read_text() == "mine"


def test_run_eval_takes_one_model_not_in_a_tuple(store_frame, trajlm_small):
    res = run_eval(store_frame, "predict", models=trajlm_small, verbose=False)
    assert [v["method"] for v in res.meta["verdict"]] == ["trajlm:trajlm-small"]
