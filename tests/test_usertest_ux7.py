"""Session 12 (ux7): what the newuser4 testers found in the API / CLI surface (docs/reliability.md,
"Session 12 (ux7)"). Each test failed before its fix."""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
import pytest

from trajlm.baselines import ConstantVelocity, KNNContinuation, LinearExtrapolation

T0 = 1.7e9


def _short() -> pl.DataFrame:
    """Trajectories of 1, 2 and 3 points, moving north."""
    return pl.DataFrame({
        "traj_id": ["a", "b", "b", "c", "c", "c"],
        "t": [T0, T0, T0 + 10, T0, T0 + 10, T0 + 20],
        "lat": [41.15, 41.15, 41.1501, 41.15, 41.1501, 41.1502], "lon": [-8.6] * 6,
    })  # fmt: skip


# ------------------------------------------------------- c: baselines on 1-2 point histories
@pytest.mark.parametrize(
    "est",
    [
        ConstantVelocity(),
        ConstantVelocity(use_time=True),
        LinearExtrapolation(),
        LinearExtrapolation(3, "fit", True),
    ],  # fmt: skip
    ids=lambda e: e.name,
)
def test_baselines_hold_a_one_point_history_with_one_warning(est):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pred = est.predict(_short(), steps=3)
    said = [str(w.message) for w in caught]
    assert len(said) == 1 and "1 of 3 trajectories have a single point (e.g. 'a')" in said[0]
    assert not any(issubclass(w.category, RuntimeWarning) for w in caught)  # no numpy noise
    assert np.isfinite(pred["lat"].to_numpy()).all()
    a = pred.filter(pl.col("traj_id") == "a")
    assert np.allclose(a["lat"], 41.15, atol=1e-9) and np.allclose(a["lon"], -8.6, atol=1e-9)
    b = pred.filter(pl.col("traj_id") == "b")["lat"].to_numpy()  # 2 points: moving on
    assert np.allclose(np.diff(np.r_[41.1501, b]), 1e-4, atol=1e-8)


def test_knn_continuation_on_short_histories():
    rows = [(f"tr{i}", T0 + 15 * j, 41.15 + 1e-4 * j, -8.6 + 1e-4 * i)
            for i in range(10) for j in range(20)]  # fmt: skip
    train = pl.DataFrame(rows, schema=["traj_id", "t", "lat", "lon"], orient="row")
    with pytest.warns(UserWarning, match="single point"):
        pred = KNNContinuation(5, 3, 5).fit(train).predict(_short(), steps=2)
    assert np.isfinite(pred["lat"].to_numpy()).all()


def test_array_level_one_point_is_finite_and_silent():
    xy = np.zeros((1, 2, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = ConstantVelocity().predict(xy, np.array([1]), k=2)
    assert (out == 0).all()


# --------------------------------------------- b, d: times before 1990 / in the future (API)
def _tiny():
    import torch
    from helpers import STATS

    import trajlm
    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=dict(STATS))
    return trajlm.TrajLM(TrajectoryModel(cfg), threads=1)


def _storm(start: str, n: int = 8):
    """One pandas track, 15 s apart from `start`, datetime-typed (tz-aware)."""
    import pandas as pd

    return pd.DataFrame({
        "trip_id": "storm", "timestamp": pd.date_range(start, periods=n, freq="15s", tz="UTC"),
        "latitude": 41.15 + 1e-4 * np.arange(n), "longitude": -8.61 + 1e-4 * np.arange(n),
    })  # fmt: skip


def test_datetime_times_before_1990_are_read_numbers_are_refused_with_what_to_do():
    from trajlm.errors import TrajlmInputError

    m, storm = _tiny(), _storm("1944-07-13 06:00")
    pred = m.predict(storm, steps=2)  # a hurricane of 1944: dates, not wrong units
    assert pred["timestamp"].dt.year.tolist() == [1944, 1944] and len(pred) == 2
    at = m.predict(storm, at_times=[storm["timestamp"].iloc[-1] + np.timedelta64(30, "s")])
    assert np.isfinite(at["latitude"]).all()
    iso = storm.assign(timestamp=storm["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert len(ConstantVelocity().predict(iso, steps=1)) == 1  # ISO text is a date too
    secs = storm.assign(timestamp=storm["timestamp"].astype("int64") // 10**9)
    with pytest.raises(TrajlmInputError, match=r"before 1990.*datetimes.*--min-year 1900"):
        m.predict(secs, steps=1)  # numbers: refused, naming what to do
    with pytest.raises(TrajlmInputError, match="before 1900"):
        m.predict(_storm("1899-12-31 23:59"), steps=1)


def test_future_times_warn_once_with_count_latest_and_what_to_check():
    m = _tiny()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m.predict(_storm("2099-01-01 00:00"), steps=2)
    said = [str(w.message) for w in caught if "future" in str(w.message)]
    assert len(said) == 1, said
    assert "8 of 8 point(s)" in said[0] and "2099-01-01T00:01:45Z" in said[0]
    assert "clock and time zone" in said[0] and "timestamp_in_future" in said[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # today's times: silent
        ConstantVelocity().predict(_storm("2024-03-04 00:00"), steps=1)


def test_ingest_min_year_reads_historical_dates(tmp_path):
    import json

    from reliability_helpers import invoke

    from trajlm.data.readers.tabular import HISTORICAL_MIN_T
    from trajlm.data.schema import MIN_T_DATED

    assert HISTORICAL_MIN_T == MIN_T_DATED  # the presets' floor is the API's
    src = tmp_path / "storm.csv"
    storm = pl.from_pandas(_storm("1944-07-13 06:00", n=12)).with_columns(
        pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    storm.write_csv(src)
    r = invoke("data", "ingest", src, "--out", tmp_path / "a", "--on-error", "skip")
    assert r.exit_code != 0 and "--min-year 1900" in r.output  # all dropped: names the option
    r = invoke("data", "ingest", src, "--out", tmp_path / "b", "--min-year", "1900")
    assert r.exit_code == 0, r.output
    assert json.loads((tmp_path / "b" / "manifest.json").read_text())["n_points"] == 12


# ------------------------------------------------- e: eval --task predict ratios with CIs
def test_eval_rows_carry_ratios_to_cv_and_best_baseline_with_paired_ci():
    import json

    from trajlm.eval.ratios import add_ratios
    from trajlm.eval.report import EvalResult, aggregate_runs

    def row(method, per):
        per = np.asarray(per, np.float64)
        return {"setting": "k=5", "method": method, "metrics": {"mae_m": per.mean()},
                "std": None, "n_trajectories": 4, "n_points": 20, "fit_s": 0.0,
                "predict_s": 0.0, "_per_traj": per}  # fmt: skip

    res = EvalResult("predict", [row("constant velocity", [1, 2, 3, 4]),
                                 row("linear-3", [0.5, 1, 1.5, 2]), row("m1", [1] * 4),
                                 row("m2", [3] * 4)], {"baselines": ["constant velocity", "linear-3"]})  # fmt: skip
    add_ratios(res)
    m1 = res.rows[2]
    assert m1["ratio_to_cv"]["ratio"] == pytest.approx(0.4)
    assert m1["ratio_to_best_baseline"]["baseline"] == "linear-3"
    assert m1["ratio_to_best_baseline"]["ratio"] == pytest.approx(0.8)
    lo, hi = m1["ratio_to_cv"]["ci95"]
    assert lo <= 0.4 <= hi and lo < hi  # resampled trajectories: an interval
    aggregate_runs(res, ["m1", "m2"], "trajlm (mean ± std over 2 runs)")
    mean = res.rows[-1]
    assert mean["ratio_to_cv"]["ratio"] == pytest.approx(0.8)  # (1 + 3) / 2 over 2.5
    assert mean["ratio_to_best_baseline"]["ratio"] == pytest.approx(1.6)
    doc = json.loads(res.to_json())
    assert all("_per_traj" not in r for r in doc["results"])
    assert doc["results"][0]["metrics"] == {"mae_m": 2.5}  # old keys as they were
    md = res.to_markdown()
    assert "MAE / const. velocity (95 % CI)" in md and "0.400 (" in md
    assert "strongest baseline = k=5: linear-3" in md


def test_run_eval_predict_ratios_agree_with_the_mae_column(tmp_path):
    from trajlm.data.ingest import synth_store
    from trajlm.data.store import read_store
    from trajlm.eval.protocol import run_eval

    synth_store(tmp_path / "s", n_trajectories=40, seed=1)
    res = run_eval(read_store(tmp_path / "s"), "predict", seeds=(0,), verbose=False)
    cv = res.metric("constant velocity", "mae_m")
    for r in res.rows:
        got = r["ratio_to_cv"]
        assert got["ratio"] == pytest.approx(r["metrics"]["mae_m"] / cv)
        assert got["ci95"][0] <= got["ratio"] <= got["ci95"][1]
        assert got["n"] == r["n_trajectories"]
    best = min(res.rows, key=lambda r: r["metrics"]["mae_m"])
    assert best["ratio_to_best_baseline"]["ratio"] == pytest.approx(1.0)


# -------------------------------------------- f: trajlm predict writes times as the input's
def test_cli_predict_writes_times_as_the_input_had_them(tmp_path):
    import datetime as dt

    from reliability_helpers import invoke

    model = tmp_path / "m"
    _tiny().model.save_pretrained(model)
    rows = []
    for tid, zone in (("mel", dt.timedelta(hours=11)), ("stj", -dt.timedelta(hours=3.5))):
        tz = dt.timezone(zone)
        for j in range(10):
            t = dt.datetime(2024, 3, 4, 10, 0, tzinfo=tz) + dt.timedelta(seconds=15 * j)
            rows.append((tid, t.isoformat(), 41.15 + 1e-4 * j, -8.61))
    src = tmp_path / "iso.csv"
    pl.DataFrame(rows, schema=["trip", "timestamp", "lat", "lon"], orient="row").write_csv(src)
    r = invoke("predict", "--model", model, "--input", src, "--out", tmp_path / "p.csv", "-k", "2")
    assert r.exit_code == 0, r.output
    out = pl.read_csv(tmp_path / "p.csv")
    assert out["timestamp"].dtype == pl.Utf8 and "as ISO text like the input's" in r.output
    mel = out.filter(pl.col("trip") == "mel")["timestamp"].to_list()
    stj = out.filter(pl.col("trip") == "stj")["timestamp"].to_list()
    assert all(s.endswith("+11:00") for s in mel) and all(s.endswith("-03:30") for s in stj)
    last = dt.datetime(2024, 3, 4, 10, 2, 15, tzinfo=dt.timezone(dt.timedelta(hours=11)))
    assert dt.datetime.fromisoformat(mel[0]) > last  # after the last fix, in its own zone
    r = invoke("predict", "--model", model, "--input", src, "--out", tmp_path / "p.parquet",
               "-k", "1")  # fmt: skip
    assert (
        r.exit_code == 0 and pl.read_parquet(tmp_path / "p.parquet")["timestamp"].dtype == pl.Utf8
    )
    secs = tmp_path / "secs.csv"  # Unix seconds in, Unix seconds out
    pl.read_csv(src).with_columns(
        pl.col("timestamp").str.to_datetime(time_zone="UTC").dt.epoch("s")
    ).write_csv(secs)
    r = invoke("predict", "--model", model, "--input", secs, "--out", tmp_path / "s.csv", "-k", "1")
    assert r.exit_code == 0 and pl.read_csv(tmp_path / "s.csv")["timestamp"].dtype == pl.Int64


def test_cli_eval_predict_prints_and_writes_the_ratios(tmp_path):
    import json

    from reliability_helpers import invoke

    from trajlm.data.ingest import synth_store

    synth_store(tmp_path / "s", n_trajectories=40, seed=1)
    model = tmp_path / "m"
    _tiny().model.save_pretrained(model)
    out = tmp_path / "e.json"
    r = invoke("eval", "--task", "predict", "--data", tmp_path / "s", "--model", model,
               "--out", out)  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "MAE / const. velocity (95 % CI)" in r.output and "strongest baseline = k=5" in r.output
    rows = json.loads(out.read_text())["results"]
    mine = next(x for x in rows if x["method"].startswith("trajlm"))
    assert set(mine["ratio_to_cv"]) == {"ratio", "ci95", "baseline", "n"}
    assert mine["metrics"]["mae_m"] > 0 and "_per_traj" not in mine


def test_markdown_title_names_the_scored_split():
    from trajlm.eval.report import EvalResult

    sizes = {s: {"n_trajectories": n, "n_points": 0} for s, n in
             (("train", 80), ("val", 10), ("test", 9))}  # fmt: skip
    md = EvalResult("predict", [], {"split_sizes": sizes}).to_markdown()
    assert md.startswith("### predict (test split; train: 80 traj, val: 10 traj, test: 9 traj)")
    md = EvalResult("predict", [], {"split_sizes": sizes, "scored_split": "val"}).to_markdown()
    # --score-on val: the table's "test" rows are the store's val split, and the other way round
    assert md.startswith("### predict (val split; train: 80 traj, test: 10 traj, val: 9 traj)")
