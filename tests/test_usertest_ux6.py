"""Session 11 (ux6; docs/reliability.md): what the second new user (a researcher) hit. The task
models take pandas frames (4); recover's coverage check reads every row's time, not only the
known points' (9)."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import torch
from helpers import STATS

import trajlm
from trajlm.data.synthetic import generate_city
from trajlm.eval.classify import CLASS_MAP, make_mode_segments
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.model.coverage import CoverageWarning
from trajlm.tasks.classify import ModelClassifier

MONDAY = 1_709_510_400  # 2024-03-04 00:00 UTC
COV = {
    "bbox": {"min_lat": 41.10, "min_lon": -8.70, "max_lat": 41.20, "max_lon": -8.55},
    "xy_box_m": [-7000.0, -6000.0, 7000.0, 6000.0],
    "hour_hist": [100] * 24,
    "weekday_hist": [100] * 7,
    "clock_shift_prob": 0.0,
    "traj_speed_mps": {"p1": 0.1, "p5": 0.2, "p50": 8.0, "p95": 60.0, "p99": 80.0},
    "dt_s": {"p1": 15.0, "p5": 15.0, "p50": 15.0, "p95": 15.0, "p99": 15.0},  # 15 s only
    "speed_mps": {"p1": 0.1, "p5": 0.5, "p50": 8.0, "p95": 40.0, "p99": 60.0},
}


def tiny(path: Path, **kw) -> Path:
    torch.manual_seed(0)
    cfg = dict(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=dict(STATS), coverage=COV)
    TrajectoryModel(ModelConfig(**{**cfg, **kw})).save_pretrained(path)
    return path


def track(tid: str = "a", n: int = 20, dt: float = 15.0) -> pl.DataFrame:
    d = 8.0 * dt * np.arange(n)  # 8 m/s north-east
    return pl.DataFrame({
        "traj_id": tid, "t": MONDAY + 3 * 3600 + (dt * np.arange(n)).astype(np.int64),
        "lat": 41.15 + d / 111_320 / math.sqrt(2),
        "lon": -8.61 + d / (111_320 * math.cos(math.radians(41.15))) / math.sqrt(2),
    })  # fmt: skip


def _segments() -> pl.DataFrame:
    df = generate_city(n_trajectories=30, seed=3).points
    return make_mode_segments(df, {**CLASS_MAP, "walk": "walk"})[0]


def _model() -> TrajectoryModel:
    torch.manual_seed(0)
    return TrajectoryModel(ModelConfig(d_model=32, n_layers=1, n_heads=2, pos_type="rope"))


# ------------------------------------------------------------------ 4: pandas frames
def test_model_classifier_takes_pandas_frames_like_polars():
    seg = _segments()
    kw = dict(mode="full", max_len=32, n_points=16, head="linear", epochs=1, seed=0)
    a = ModelClassifier(_model(), **kw).fit(seg, seg)
    user = seg.rename({"traj_id": "trip_id", "lat": "latitude", "lon": "longitude"})
    b = ModelClassifier(_model(), **kw).fit(user.to_pandas(), seg.to_pandas())
    assert b.classes_ == a.classes_
    pa = a.predict_proba(seg)
    np.testing.assert_allclose(b.predict_proba(user.to_pandas()), pa, rtol=1e-5, atol=1e-6)
    assert list(b.classify(seg.to_pandas())) == list(a.classify(seg))


def test_embedder_takes_pandas_frames():
    from trajlm.tasks.embed import ModelEmbedder

    seg = _segments()
    e = ModelEmbedder(_model().eval(), n_points=16)
    np.testing.assert_allclose(e.embed(seg.to_pandas()), e.embed(seg), rtol=1e-5, atol=1e-6)


# ------------------------------------------------------- 9: recover's sampling interval
def test_recover_reads_the_interval_of_all_rows_not_only_the_known_points(tmp_path):
    m = trajlm.TrajLM.from_pretrained(tiny(tmp_path / "m", context="full", infill_heads=True),
                                      threads=1)  # fmt: skip
    full = track()  # a fix every 15 s, as in training
    hide = (np.arange(len(full)) % 3 != 0) & (np.arange(len(full)) < len(full) - 1)
    gappy = full.with_columns(
        pl.when(pl.Series(hide)).then(None).otherwise(pl.col(c)).alias(c) for c in ("lat", "lon")
    )
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = m.recover(gappy)
    assert out["recovered"].sum() == hide.sum()
    lines = [str(x.message) for x in w if issubclass(x.category, CoverageWarning)]
    assert not [ln for ln in lines if "sampling interval" in ln], lines
    # a real 45 s logger still warns
    with pytest.warns(CoverageWarning, match="median sampling interval 45 s"):
        m.recover(
            track(dt=45.0).with_columns(
                lat=pl.when(pl.int_range(pl.len()) == 5).then(None).otherwise(pl.col("lat"))
            )
        )


# ------------------------------------------------------- 8: HTTP answers carry the warnings
def test_http_answers_carry_the_coverage_warnings(tmp_path):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from trajlm.serve import create_app

    m = trajlm.TrajLM.from_pretrained(tiny(tmp_path / "m", context="full", infill_heads=True),
                                      threads=1)  # fmt: skip
    here = track()
    far = here.with_columns(pl.col("lat") - 1.25, pl.col("lon") + 125.0)  # Beijing

    def body(df: pl.DataFrame) -> list[dict]:
        return df.select("traj_id", "t", "lat", "lon").to_dicts()

    gappy = body(far)
    for r in gappy[3:6]:
        r["lat"] = r["lon"] = None
    asks = {
        "/predict": lambda df: {"trajectories": body(df), "steps": 2},
        "/predict ": lambda df: {"trajectories": body(df), "seconds_ahead": [15]},
        "/embed": lambda df: {"trajectories": body(df)},
    }
    with TestClient(create_app(m)) as c:
        for url, make in asks.items():
            ok = c.post(url.strip(), json=make(here))
            assert ok.status_code == 200 and "warnings" not in ok.json(), (url, ok.json())
            r = c.post(url.strip(), json=make(far))
            assert r.status_code == 200, r.text
            got = r.json()["warnings"]
            assert any("km from the training area" in w for w in got), (url, got)
        r = c.post("/recover", json={"trajectories": gappy})
        assert r.status_code == 200 and any("training area" in w for w in r.json()["warnings"])
        r = c.post("/travel-time", json={"origins": [[39.9, 116.4]],
                                         "destinations": [[39.95, 116.3]],
                                         "depart": MONDAY + 3 * 3600})  # fmt: skip
        assert any("training area" in w for w in r.json().get("warnings", [])), r.json()


# -------------------------------------------- 5: the classes fit trains, said; 6: CLI val scores
def test_fit_names_classes_with_too_few_trajectories():
    seg = _segments().filter(pl.col("label").is_in(["bus", "car"]))  # 11 and 12 segments
    kw = dict(mode="frozen", max_len=32, n_points=16, head="linear", epochs=1, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # enough of each: no warning
        # but 1 epoch is few steps (classify21's warning; not what this test is about)
        warnings.filterwarnings("ignore", message=r".*optimizer steps")
        clf = ModelClassifier(_model(), **kw).fit(seg)
    assert clf.class_counts_ == {"bus": 11, "car": 12}
    one = seg["traj_id"].unique().sort()[0]
    odd = seg.with_columns(label=pl.when(pl.col("traj_id") == one).then(pl.lit("airplane"))
                           .otherwise(pl.col("label")))  # fmt: skip
    with pytest.warns(UserWarning, match=r"trains 3 classes.*airplane 1.*airplane has fewer than "
                      r"5.*make_mode_segments"):  # fmt: skip
        clf = ModelClassifier(_model(), **kw).fit(odd)
    assert clf.classes_ == ["airplane", "bus", "car"]


def test_cli_classify_finetune_prints_val_accuracy(tmp_path):
    from reliability_helpers import invoke

    from trajlm.data.store import write_store

    write_store(generate_city(n_trajectories=60, seed=3).points, tmp_path / "store")
    model = tiny(tmp_path / "m", context="full")
    r = invoke("finetune", "--task", "classify", "--model", model, "--data", tmp_path / "store",
               "--out", tmp_path / "clf", "--mode", "full", "--epochs", "1")  # fmt: skip
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "val_accuracy_pct" in text and "val_macro_f1_pct" in text, r.output
    assert "bike (" in text and "trajlm eval --task classify" in text
    assert "Traceback" not in r.output and "{'" not in text


def test_saving_a_task_model_never_replaces_what_is_there(tmp_path):
    """ModelClassifier.save twice into one folder replaced the first silently (the second new
    user's item 13); a folder of the user's own files was written into. Now both refuse,
    and overwrite=True replaces only trajlm's own saved classifier."""
    from trajlm.errors import OutputExistsError
    from trajlm.tasks.task_io import task_dir

    d = task_dir(tmp_path / "clf", "classifier.json", "classifier", overwrite=False)
    (d / "classifier.json").write_text("{}")
    with pytest.raises(OutputExistsError, match="already holds a saved classifier"):
        task_dir(d, "classifier.json", "classifier", overwrite=False)
    assert task_dir(d, "classifier.json", "classifier", overwrite=True) == d
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("x")
    with pytest.raises(OutputExistsError, match="not written by trajlm"):
        task_dir(mine, "classifier.json", "classifier", overwrite=True)
    assert (mine / "thesis.tex").read_text() == "x"


def test_similarity_finetune_says_when_no_epoch_beat_the_start(tmp_path, monkeypatch):
    """`best_epoch -1` was printed without saying the saved model is the starting one."""
    import polars as pl
    import torch

    import trajlm.tasks.contrastive as contrastive
    from trajlm.cli_finetune import finetune_into
    from trajlm.model import ModelConfig, TrajectoryModel

    monkeypatch.setattr(contrastive, "fit_contrastive", lambda *a, **k: {"best_epoch": -1})
    torch.manual_seed(0)
    net = TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2))
    df = pl.DataFrame({"traj_id": ["a"], "split": ["train"]})
    out = tmp_path / "ft"
    out.mkdir()
    summary = finetune_into(net, None, df, None, out, "similarity", "full", 0, 1, 1, 2, 1.0,
                             8, "time")  # fmt: skip
    assert "saved model is the starting one" in summary["note"]
