"""The Python API: README / docs/api.md examples run as written, input coercion round trips,
task methods, from_pretrained resolving RUN/best, and the baselines as sklearn estimators."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import torch

pd = pytest.importorskip("pandas")

import trajlm  # noqa: E402
from trajlm.data.clean import PRESETS, clean  # noqa: E402
from trajlm.data.coerce import to_canonical  # noqa: E402
from trajlm.data.coerce_out import from_canonical  # noqa: E402
from trajlm.data.schema import TrajlmInputError  # noqa: E402
from trajlm.data.store import read_store, write_store  # noqa: E402
from trajlm.data.synthetic import generate_city  # noqa: E402
from trajlm.model import ModelConfig, TrajectoryModel  # noqa: E402
from trajlm.train.trainer import TrainConfig, Trainer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MIX = {"causal": 1, "points": 1, "spans": 1, "features": 1, "od": 1, "future": 1}
NAMES = {"traj_id": "trip_id", "lat": "latitude", "lon": "longitude"}


def _user_frame(df: pl.DataFrame) -> pd.DataFrame:
    """A canonical table as a user's CSV would hold it: their names, ISO UTC times."""
    out = df.select("traj_id", "t", "lat", "lon").rename(NAMES).to_pandas()
    out.insert(1, "timestamp", pd.to_datetime(out.pop("t"), unit="s", utc=True))
    return out


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """A folder with what the examples read: a tiny multi-task run (runs/multitask), a
    classifier (runs/modes) and CSVs of a synthetic city placed at Porto."""
    torch.set_num_threads(1)
    d = tmp_path_factory.mktemp("api")
    city = generate_city(n_trajectories=60, seed=1, center_lat=41.15, center_lon=-8.61)
    df, rep = clean(city.points, PRESETS["default"])
    write_store(df, d / "store", report=rep)
    cfg = TrainConfig(batch_size=4, max_len=32, shuffle_buffer=8, lr=3e-3, warmup_steps=3,
                      max_steps=20, eval_every=10, select_on="val_loss", log_every=5,
                      progress=False, cpu_threads=1, objectives=MIX)  # fmt: skip
    mc = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, pos_type="rope_time")
    Trainer(d / "store", d / "runs" / "multitask", mc, cfg).fit()
    store = read_store(d / "store")
    test = store.filter(pl.col("split") == "test")
    test = test.filter(pl.col("traj_id").is_in(test["traj_id"].unique().sort().head(6).implode()))
    train = store.filter(pl.col("split") == "train")
    trips = _user_frame(test)
    trips.to_csv(d / "trips.csv", index=False)
    _user_frame(train).to_csv(d / "train_trips.csv", index=False)
    gaps = trips.copy()
    pos = gaps.groupby("trip_id").cumcount()
    n = gaps.groupby("trip_id")["trip_id"].transform("size")
    hide = (pos % 3 == 1) & (pos < n - 1)
    gaps.loc[hide, ["latitude", "longitude"]] = np.nan
    gaps.to_csv(d / "trips_with_gaps.csv", index=False)
    if _has("pyproj"):
        from trajlm.data.geo import from_wgs84

        x, y = from_wgs84(test["lat"], test["lon"], "EPSG:32629")
        pd.DataFrame({"trip": test["traj_id"], "unix_s": test["t"], "easting": x,
                      "northing": y}).to_csv(d / "trips_utm.csv", index=False)  # fmt: skip
    from trajlm.tasks.classify import ModelClassifier

    backbone = TrajectoryModel.from_pretrained(d / "runs" / "multitask")
    clf = ModelClassifier(backbone, mode="frozen", epochs=1, max_len=32, batch_size=16)
    clf.fit(train.filter(pl.col("traj_id").is_in(train["traj_id"].unique().head(20).implode())))
    clf.save(d / "runs" / "modes")
    return d


def _has(module: str) -> bool:
    try:
        __import__(module)
        return True
    except ImportError:
        return False


def _blocks(path: Path, section: str | None = None) -> list[str]:
    text = path.read_text()
    if section is not None:
        text = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def _run(blocks: list[str], where: Path, monkeypatch) -> dict:
    monkeypatch.chdir(where)
    ns: dict = {}
    for i, code in enumerate(blocks):
        exec(compile(code, f"<example {i}>", "exec"), ns)  # noqa: S102 - the docs' own code
    return ns


# ----------------------------------------------------------------------- documented examples


def _check_quick_start(ns: dict) -> None:
    trips, pred, filled, emb = ns["trips"], ns["pred"], ns["filled"], ns["emb"]
    n = trips["trip_id"].nunique()
    assert list(pred.columns) == ["trip_id", "step", "timestamp", "latitude", "longitude", "std_m"]
    assert len(pred) == 5 * n and str(pred["timestamp"].dt.tz) == "UTC"
    last = trips.groupby("trip_id")["timestamp"].max()
    assert (pred.groupby("trip_id")["timestamp"].min() > last).all()  # the future, per trip
    assert np.isfinite(pred[["latitude", "longitude", "std_m"]].to_numpy()).all()
    gaps = pd.read_csv("trips_with_gaps.csv")
    assert filled["recovered"].sum() == gaps["latitude"].isna().sum() > 0
    assert filled[["latitude", "longitude"]].notna().all().all()
    known = ~filled["recovered"].to_numpy()
    assert np.array_equal(filled["latitude"].to_numpy()[known], gaps["latitude"].dropna())
    assert ns["eta_s"].shape == (1,) and np.isfinite(ns["eta_s"]).all() and ns["eta_s"][0] >= 1
    assert list(emb.columns) == ["trip_id"] + [f"emb_{i}" for i in range(16)]
    assert sorted(emb["trip_id"]) == sorted(trips["trip_id"].unique())


def test_readme_quick_start_runs(workdir, monkeypatch):
    blocks = _blocks(ROOT / "README.md", "Python API quick start")
    assert len(blocks) == 1 and len(blocks[0].strip().splitlines()) < 10  # < 10 lines
    _check_quick_start(_run(blocks, workdir, monkeypatch))


@pytest.mark.skipif(not (_has("geopandas") and _has("pyproj")), reason="needs trajlm[geo]")
def test_docs_api_examples_run(workdir, monkeypatch):
    ns = _run(_blocks(ROOT / "docs" / "api.md"), workdir, monkeypatch)
    _check_quick_start(ns)
    assert ns["last"].path == Path("runs/multitask")  # weights="last": RUN itself
    assert len(ns["pred"]) == len(ns["cv"]) and list(ns["cv"].columns) == list(ns["pred"].columns)
    assert np.isnan(ns["cv"]["std_m"]).all() and len(ns["knn_pred"]) == len(ns["pred"])
    assert ns["at"]["latitude"].notna().sum() >= 1 and ns["soon"]["latitude"].notna().all()
    due = ns["due"]  # seconds_ahead per trajectory (docs/api.md, session 13)
    assert due["trip_id"].tolist() == [ns["a"], ns["a"], ns["b"]] and due["step"].tolist() == [
        1,
        2,
        1,
    ]
    assert ns["lin"]["recovered"].sum() == ns["filled"]["recovered"].sum()
    assert ns["wider"].get_params()["n_neighbors"] == 20 and not hasattr(ns["wider"], "nn_")
    assert ns["seconds"].shape == (2,) and ns["X"].shape == (len(ns["emb"]), 16)
    assert set(ns["modes"]["label"]) <= set(json.loads(
        (workdir / "runs" / "modes" / "classifier.json").read_text())["classes"])  # fmt: skip
    assert ns["pred_gdf"].crs.to_epsg() == 3763 and len(ns["pred_gdf"]) == 3 * len(ns["emb"])
    assert len(ns["lines"]) == len(ns["emb"]) and (workdir / "trips.parquet").exists()
    utm = ns["pred_utm"]  # projected in, projected out, in the caller's names
    assert list(utm.columns) == ["trip", "step", "unix_s", "northing", "easting", "std_m"]
    assert utm["easting"].between(500_000, 560_000).all() and utm["unix_s"].dtype == np.int64
    n_trips = ns["trips"]["trip_id"].nunique()  # validity, anomalies
    assert len(ns["checks"]) == len(ns["trips"])
    assert len(ns["flags"]) == n_trips and ns["flags"]["p_value"].between(0, 1).all()


# ------------------------------------------------------------------------------- the tasks


@pytest.fixture(scope="module")
def model(workdir) -> trajlm.TrajLM:
    return trajlm.TrajLM.from_pretrained(workdir / "runs" / "multitask", threads=1)


def test_predict_at_times_interpolates_the_rollout(model, workdir):
    trips = pl.read_csv(workdir / "trips.csv")
    one = trips.filter(pl.col("trip_id") == trips["trip_id"][0]).head(8)
    pred = model.predict(one, steps=3)  # Polars in: Polars out, the caller's names
    assert isinstance(pred, pl.DataFrame) and pred.columns[:3] == ["trip_id", "step", "timestamp"]
    t_last = (
        one.select(pl.col("timestamp").str.to_datetime(time_zone="UTC").dt.epoch("s")).max().item()
    )
    ahead = (pred["timestamp"].dt.epoch("s") - t_last).to_list()
    at = model.predict(one, seconds_ahead=ahead)  # at the rollout's own times: its points
    assert np.allclose(at["latitude"], pred["latitude"], atol=1e-9)
    assert np.allclose(at["std_m"], pred["std_m"], rtol=1e-6)
    mid = model.predict(one, seconds_ahead=[ahead[0] / 2])  # halfway to the first point
    last = one.tail(1)
    want = (last["latitude"][0] + pred["latitude"][0]) / 2
    assert abs(mid["latitude"][0] - want) < 1e-6
    with pytest.warns(UserWarning, match="NaN"):
        far = model.predict(one, seconds_ahead=[1e6])  # beyond the rollout
    assert far["latitude"].is_nan().all()
    with pytest.raises(ValueError, match="one of"):
        model.predict(one, steps=2, seconds_ahead=[1])


def test_recover_errors_are_clear(model, workdir):
    gaps = pd.read_csv(workdir / "trips_with_gaps.csv")
    gaps.loc[gaps.index[0], "latitude"] = np.nan  # the first point of a trip
    with pytest.warns(UserWarning, match="rows? before the first or after the last known"):
        edge = model.recover(gaps)  # fix31: the edge row left empty, the inner gaps filled
    assert np.isnan(edge["latitude"].iloc[0]) and not edge["recovered"].iloc[0]
    causal = trajlm.TrajLM(TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2,
                                                       stats=model.config.stats)))  # fmt: skip
    assert causal.tasks == ["predict", "embed", "recover"]  # recover: the bridge (session 12)
    with pytest.raises(ValueError, match="mode='span' decodes with infilling heads"):
        causal.recover(gaps, mode="span")
    with pytest.raises(ValueError, match="mode must be one of"):
        causal.recover(gaps, mode="spam")
    with pytest.raises(ValueError, match="infilling heads.*multitask"):
        causal.travel_time([(41.15, -8.61)], [(41.16, -8.6)], 1_710_000_000)
    with pytest.raises(ValueError, match="not a classifier"):
        model.classify(gaps)


def test_travel_time_input_kinds_agree(model):
    o, d = np.array([[41.15, -8.61], [41.14, -8.62]]), np.array([[41.16, -8.59], [41.15, -8.6]])
    t = [1_710_000_000, 1_710_040_000]
    a = model.travel_time(o, d, t)
    b = model.travel_time(pd.DataFrame(o, columns=["latitude", "longitude"]),
                          pl.DataFrame({"lat": d[:, 0], "lng": d[:, 1]}),
                          pd.to_datetime(t, unit="s", utc=True))  # fmt: skip
    assert np.array_equal(a, b)
    with pytest.raises(TrajlmInputError, match="latitude|lat"):
        model.travel_time([(141.0, 0.0)], [(41.0, 0.0)], t[0])
    with pytest.raises(TrajlmInputError, match="departure times"):
        model.travel_time(o, d, t * 2)


def test_embed_ids_follow_vectors(model, workdir):
    trips = pd.read_csv(workdir / "trips.csv")
    emb = model.embed(trips)
    rev = model.embed(trips.iloc[::-1])  # row order does not matter, ids travel with vectors
    pd.testing.assert_frame_equal(emb, rev)
    one = trips[trips["trip_id"] == emb["trip_id"].iloc[2]]
    alone = model.embed(one)
    assert np.allclose(alone.filter(like="emb_").to_numpy(), emb.filter(like="emb_").iloc[[2]])


# ----------------------------------------------------------------------------- from_pretrained


def test_from_pretrained_resolves_best(tmp_path, caplog):
    from helpers import STATS

    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=16, stats=STATS)
    torch.manual_seed(0)
    TrajectoryModel(cfg).save_pretrained(tmp_path / "run")  # the last step
    torch.manual_seed(1)
    TrajectoryModel(cfg).save_pretrained(tmp_path / "run" / "best")  # the selected weights
    w = "blocks.0.attn.q_proj.weight"
    best = TrajectoryModel.from_pretrained(tmp_path / "run" / "best").state_dict()[w]
    last = TrajectoryModel.from_pretrained(tmp_path / "run", weights="last").state_dict()[w]
    assert not torch.equal(best, last)
    with caplog.at_level(logging.INFO, logger="trajlm"):
        got = TrajectoryModel.from_pretrained(tmp_path / "run").state_dict()[w]
    assert torch.equal(got, best) and "val-selected" in caplog.text
    assert trajlm.TrajLM.from_pretrained(tmp_path / "run").path == tmp_path / "run" / "best"
    with pytest.raises(FileNotFoundError, match="not a trajlm weights or run directory"):
        TrajectoryModel.from_pretrained(tmp_path)


# ----------------------------------------------------------------------------------- coercion

T0 = 1_700_000_000


def test_coerce_skmob_columns_round_trip():
    tdf = pd.DataFrame({"uid": [7, 7, 7, 8], "tid": [2, 2, 2, 1],
                        "lat": [41.15, 41.151, 41.152, 41.16], "lng": [-8.61, -8.611, -8.612, -8.6],
                        "datetime": pd.to_datetime([T0, T0 + 10, T0 + 20, T0], unit="s")})  # fmt: skip
    df = to_canonical(tdf)
    assert df["traj_id"].to_list() == ["1", "2", "2", "2"] and df["t"][1] == T0
    assert df["uid"].to_list() == [8, 7, 7, 7]  # other columns ride along
    back = from_canonical(df, like=tdf, caller_order=True)
    assert isinstance(back, pd.DataFrame) and list(back.columns) == list(tdf.columns)
    assert back["tid"].dtype == tdf["tid"].dtype and back["datetime"].dt.tz is None  # naive in
    assert back["datetime"].iloc[1] == pd.Timestamp(T0, unit="s")


def test_coerce_times_of_every_kind():
    base = {"id": ["a", "a"], "latitude": [41.1, 41.2], "longitude": [-8.6, -8.5]}
    want = [T0, T0 + 60]
    lisbon = pd.to_datetime(want, unit="s", utc=True).tz_convert("Europe/Lisbon")
    for times in (want, [float(T0), T0 + 60.7], ["2023-11-14T22:13:20Z", "2023-11-14T23:14:20+01:00"],
                  list(lisbon)):  # fmt: skip
        got = to_canonical(pl.DataFrame({**base, "timestamp": times}))
        assert got["t"].to_list() == want, times
    back = from_canonical(to_canonical(pd.DataFrame({**base, "time": lisbon})),
                          like=pd.DataFrame({**base, "time": lisbon}))  # fmt: skip
    assert str(back["time"].dt.tz) == "Europe/Lisbon" and back["time"].equals(pd.Series(lisbon))


def test_coerce_errors_name_the_columns():
    pdf = pd.DataFrame({"trip": ["a"], "time": [T0], "timestamp": [T0], "lat": [1.0], "lon": [2.0]})
    with pytest.raises(
        TrajlmInputError, match=r"several columns could be t: \['timestamp', 'time'\]"
    ):
        to_canonical(pdf)
    assert len(to_canonical(pdf, time_col="time")) == 1
    with pytest.raises(TrajlmInputError, match="no traj_id column.*'lat'"):
        to_canonical(pdf.drop(columns=["trip"]), time_col="time")
    with pytest.raises(TrajlmInputError, match="time_col='when' is not a column"):
        to_canonical(pdf, time_col="when")
    with pytest.raises(TrajlmInputError, match="milliseconds"):  # ms of no 1990-2100 date
        to_canonical(pdf.assign(time=T0 * 1000 * 50), time_col="time")
    with pytest.raises(TrajlmInputError, match="field lat.*95, which is not a latitude"):
        to_canonical(pdf.assign(lat=-95.0), time_col="time")
    with pytest.raises(TrajlmInputError, match="field lon.*out of range"):  # check_model_input
        to_canonical(pdf.assign(lon=200.0), time_col="time")
    with pytest.raises(TrajlmInputError, match="cannot read a list"):
        to_canonical([1, 2])


# ------------------------------------------------------------------------------- baselines


def test_baselines_are_sklearn_estimators():
    from sklearn.base import clone

    from trajlm import baselines as bl

    for cls in (bl.ConstantVelocity, bl.LinearExtrapolation, bl.KNNContinuation,
                bl.LinearInterpolation, bl.CubicSplineInterpolation, bl.GradientBoostingTTE,
                bl.LinearRegressionTTE, bl.DistanceOverMeanSpeed):  # fmt: skip
        est = cls()
        twin = clone(est)
        assert type(twin) is cls and twin.get_params() == est.get_params()
    knn = bl.KNNContinuation(n_neighbors=3, history=4)
    assert clone(knn).get_params()["history"] == 4
    gb = bl.GradientBoostingTTE(max_iter=7).set_params(learning_rate=0.2)
    assert gb.get_params()["max_iter"] == 7 and gb.learning_rate == 0.2


def test_constant_velocity_frame_continues_a_straight_line():
    from trajlm.baselines import ConstantVelocity, LinearInterpolation

    n = 6
    line = pd.DataFrame({"track_id": ["x"] * n, "time": T0 + 30 * np.arange(n),
                         "lat": 41.15 + 1e-4 * np.arange(n), "lon": -8.61 + 2e-4 * np.arange(n)})  # fmt: skip
    pred = ConstantVelocity().predict(line, steps=3)
    assert list(pred.columns) == ["track_id", "step", "time", "lat", "lon", "std_m"]
    assert np.allclose(pred["lat"], 41.15 + 1e-4 * np.arange(n, n + 3), atol=1e-9)
    assert np.allclose(pred["lon"], -8.61 + 2e-4 * np.arange(n, n + 3), atol=1e-9)
    assert pred["time"].tolist() == (T0 + 30 * np.arange(n, n + 3)).tolist()
    gappy = line.assign(lat=line["lat"].where(line.index != 2))
    lin = LinearInterpolation().predict(gappy)
    assert lin["recovered"].tolist() == [False, False, True, False, False, False]
    assert abs(lin["lat"][2] - line["lat"][2]) < 1e-9


# --------------------------------------------------------------------------- import hygiene


def test_import_is_light_and_viz_keeps_the_backend():
    code = ("import sys, matplotlib; matplotlib.use('svg'); import trajlm; "
            "trajlm.to_canonical; import trajlm.viz; "
            "print('torch' in sys.modules, matplotlib.get_backend())")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout.split()  # fmt: skip
    assert out == ["False", "svg"]


def test_threads_policy():
    from trajlm.api import choose_threads

    tiny = TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2))
    before = torch.get_num_threads()
    try:
        assert choose_threads(tiny, 3) == 3 and torch.get_num_threads() == 3
        n = choose_threads(tiny, None)
        import os

        assert n == (1 if len(os.sched_getaffinity(0)) <= 2 else min(4, os.cpu_count()))
    finally:
        torch.set_num_threads(before)


def test_far_input_warns_and_movingpandas_comes_back(model, workdir):
    trips = pd.read_csv(workdir / "trips.csv", parse_dates=["timestamp"])
    one = trips[trips["trip_id"] == trips["trip_id"].iloc[0]]
    with pytest.warns(UserWarning, match="training coverage.*km from the training area"):
        model.predict(one.assign(latitude=one["latitude"] + 5.0), steps=1)  # 550 km north
    mpd = pytest.importorskip("movingpandas")
    from trajlm.data.adapters import to_movingpandas

    tc = to_movingpandas(to_canonical(trips))
    pred = model.predict(tc, steps=2)
    assert isinstance(pred, mpd.TrajectoryCollection) and len(pred) == trips["trip_id"].nunique()
    assert pred.trajectories[0].df["step"].tolist() == [1, 2]


def test_api_warns_outside_training_coverage(tmp_path):
    """A model warns, naming the feature, on trips moved 5 degrees north of its training area,
    and stays silent on its own train trips."""
    import warnings

    import trajlm
    from trajlm.data.ingest import synth_store
    from trajlm.data.store import read_store
    from trajlm.model import ModelConfig
    from trajlm.train.trainer import TrainConfig, Trainer

    store = tmp_path / "s"
    synth_store(store, n_trajectories=40, seed=3)
    cfg = TrainConfig(max_steps=2, batch_size=4, max_len=16, eval_every=0, save_every=2,
                      progress=False, shuffle_buffer=8)  # fmt: skip
    Trainer(store, tmp_path / "run", ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=24),
            cfg).fit()  # fmt: skip
    model = trajlm.TrajLM.from_pretrained(tmp_path / "run")
    trips = read_store(store, split="train").drop("split").head(200)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.predict(trips, steps=2)
    said = [str(w.message) for w in caught if "coverage" in str(w.message)]
    # only the train split's speed tails, where a coverage gate would act (model/coverage_gate)
    assert all("median speed" in m and "constant velocity" in m for m in said), said
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.predict(trips.with_columns(lat=trips["lat"] + 5.0), steps=2)
    said = [str(w.message) for w in caught]
    assert any("coverage" in m and "km from the training area" in m for m in said), said


def test_int8_quantized_predict_is_close(model, workdir):
    q = trajlm.TrajLM.from_pretrained(workdir / "runs" / "multitask", threads=1, quantize="int8")
    trips = pl.read_csv(workdir / "trips.csv")
    one = trips.filter(pl.col("trip_id") == trips["trip_id"][0]).head(8)
    a, b = model.predict(one, steps=3), q.predict(one, steps=3)
    moved = np.hypot(
        a["latitude"][-1] - one["latitude"][-1], a["longitude"][-1] - one["longitude"][-1]
    )
    err = np.hypot(a["latitude"] - b["latitude"], a["longitude"] - b["longitude"]).max()
    assert 0 < err <= 0.05 * moved  # int8 arithmetic, within 5 % of the distance predicted
    with pytest.raises(ValueError, match="quantize must be"):
        trajlm.TrajLM.from_pretrained(workdir / "runs" / "multitask", quantize="int4")


@pytest.mark.parametrize("steps", [0, -1, 2.5, True, "5"])
def test_predict_refuses_impossible_steps(model, workdir, steps):
    trips = pl.read_csv(workdir / "trips.csv")
    with pytest.raises(ValueError, match="steps must be an integer >= 1"):
        model.predict(trips, steps=steps)


@pytest.mark.parametrize("ahead", [[-5], [0, 10], [float("nan")], []])
def test_predict_refuses_seconds_ahead_not_in_the_future(model, workdir, ahead):
    trips = pl.read_csv(workdir / "trips.csv")
    with pytest.raises(ValueError, match="seconds_ahead must be finite numbers > 0"):
        model.predict(trips, seconds_ahead=ahead)
