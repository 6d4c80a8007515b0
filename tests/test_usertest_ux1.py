"""What a new user hit (user-test report of 2026-12-02, items 1-3, 8-10), each on synthetic
data: a tiny val/test split in eval and training, --steps beyond max_len, a recover fine-tune
of a time_query model, different models averaged as seeds, fine-tunes too short to validate,
fine-tune folders, and absurd travel times (docs/reliability.md, Session 10)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import torch
from reliability_helpers import TINY, fails, invoke

from trajlm.data.ingest import synth_store
from trajlm.data.store import load_stats, write_store
from trajlm.data.synthetic import generate_city
from trajlm.errors import TrajlmInputError
from trajlm.eval.protocol import run_eval
from trajlm.eval.recovery_baselines import LinearInterpolation
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.train.trainer import TrainConfig, Trainer

T0 = 1_372_636_800


def _trips(n: int, seed: int = 0) -> pl.DataFrame:
    """n synthetic trips (canonical traj_id, t, lat, lon), sorted by start time."""
    df = generate_city(n_trajectories=n, seed=seed).points.select("traj_id", "t", "lat", "lon")
    return df.with_columns(pl.col("traj_id").cast(pl.Utf8))


def _two_points(traj_id: str, t: int, gap_s: int = 15) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "traj_id": [traj_id] * 2,
            "t": [t, t + gap_s],
            "lat": [41.15, 41.1501],
            "lon": [-8.61, -8.6101],
        }  # fmt: skip
    ).cast({"t": pl.Int64})


def _with_split(df: pl.DataFrame, split: str) -> pl.DataFrame:
    return df.with_columns(pl.lit(split).alias("split"))


@pytest.fixture(scope="module")
def tiny_val(tmp_path_factory) -> pl.DataFrame:
    """Train: 8 synthetic trips; val: one 2-point trip; test: one synthetic trip."""
    trips = _trips(9)
    ids = trips["traj_id"].unique(maintain_order=True).to_list()
    train = _with_split(trips.filter(pl.col("traj_id").is_in(ids[:8])), "train")
    test = _with_split(trips.filter(pl.col("traj_id") == ids[8]), "test")
    val = _with_split(_two_points("v", int(trips["t"].max()) + 100), "val")
    return pl.concat([train, val.cast(train.schema), test])


# ------------------------------------------------------------------- 1. tiny val / test split
def test_eval_predict_with_no_usable_val_trip_skips_knn_and_says_so(tiny_val):
    r = run_eval(tiny_val, "predict", verbose=False)  # before: AttributeError in tune_knn
    methods = {row["method"] for row in r.rows}
    assert not any("kNN" in m for m in methods) and "constant velocity" in methods
    assert "val split has no trajectory" in r.meta["skipped"][0]


def test_eval_recover_with_no_usable_val_trip_keeps_cubic_and_says_so(tiny_val):
    r = run_eval(tiny_val, "recover", seeds=(0,), verbose=False)  # before: IndexError
    assert {row["method"] for row in r.rows} == {"linear interp.", "cubic spline"}
    assert "spline flavour not tuned" in r.meta["skipped"][0]


@pytest.mark.parametrize("task", ["predict", "recover", "tte"])
def test_eval_with_no_usable_test_trip_is_one_user_error(tiny_val, task):
    df = tiny_val.with_columns(
        pl.when(pl.col("split") == "val").then(pl.lit("test"))
        .when(pl.col("split") == "test").then(pl.lit("val")).otherwise(pl.col("split"))
        .alias("split")
    )  # fmt: skip
    df = df.filter(pl.col("split") != "test").vstack(
        _with_split(_two_points("w", T0, gap_s=0), "test").cast(df.schema)
    )
    with pytest.raises(TrajlmInputError, match="test split has no trajectory"):
        run_eval(df, task, seeds=(0,), verbose=False)


def test_recovery_baseline_on_no_points_returns_no_points():
    z = np.zeros(0)
    out = LinearInterpolation().predict(z, np.zeros((0, 2)), z.astype(bool), z.astype(int))
    assert out.shape == (0, 2)  # before: IndexError in _check_known


def test_val_loss_is_none_without_a_usable_val_window(tmp_path):
    trips = _trips(8)
    glitch = _two_points("v", int(trips["t"].max()) + 100, gap_s=3600)  # one step, a glitch
    last = _two_points("w", int(trips["t"].max()) + 9000)
    df = pl.concat([trips, glitch.cast(trips.schema), last.cast(trips.schema)])
    write_store(df, tmp_path / "s", fractions=(0.8, 0.1, 0.1))
    cfg = TrainConfig(batch_size=4, max_len=16, max_steps=1, progress=False, eval_every=0)
    trainer = Trainer(tmp_path / "s", None, ModelConfig(d_model=16, n_layers=1, n_heads=2), cfg)
    assert trainer.evaluate("val") is None  # before: 0.0 (a placeholder, not a score)
    assert trainer.evaluate("train") is not None


# ------------------------------------------------------------------------- shared fixtures
@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """base/s: a 30-trip store; base/m: an untrained tiny model (max_len 32) on its stats;
    base/tq: the same with time_query (a next-point design, like trajlm-small)."""
    d = tmp_path_factory.mktemp("ux1")
    synth_store(d / "s", n_trajectories=30, seed=2, overwrite=False)
    for name, extra in (("m", {}), ("tq", {"time_query": True})):
        torch.manual_seed(0)
        cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, **extra)
        cfg.stats = load_stats(d / "s").to_dict()
        TrajectoryModel(cfg).save_pretrained(d / name)
    return d


# ------------------------------------------------------------------ 2. --steps above max_len
@pytest.mark.parametrize("model", ["m", "tq"])
def test_predict_steps_beyond_max_len_is_one_line_for_any_run(base, tmp_path, model):
    text = fails("predict", "--model", base / model, "--input", base / "s", "--steps", 500,
                 "--limit", 2, "--out", tmp_path / "p.csv", names=("steps", "at most 30"),
                 protect=(base / model,))  # fmt: skip
    assert "max_len 32" in text and not (tmp_path / "p.csv").exists()


# ------------------------------------------------------------ 3. recover fine-tune, time_query
def test_finetune_recover_of_a_time_query_model_is_one_line_and_makes_no_folder(base, tmp_path):
    out = tmp_path / "ft"
    fails("finetune", "--model", base / "tq", "--task", "recover", "--data", base / "s",
          "--out", out, "--steps", 2, "--threads", 1,
          names=("residual_base / time_query", "--task predict"),
          protect=(base / "tq", base / "s"))  # fmt: skip
    assert not out.exists()  # before: a traceback and a folder holding a run marker


# ------------------------------------------------------------------- 8. seeds of one recipe
def _run(d: Path, seed: int, lr: float = 1e-3, train_config: bool = True) -> Path:
    d.mkdir()
    (d / "config.json").write_text(json.dumps({"d_model": 16, "stats": {"lat0": seed}}))
    if train_config:
        (d / "train_config.json").write_text(json.dumps({"lr": lr, "seed": seed}))
    return d


def test_only_runs_that_differ_by_the_seed_are_averaged(tmp_path):
    from trajlm.cli_eval_seeds import recipe_key, seed_groups

    a, b = _run(tmp_path / "a", 0), _run(tmp_path / "b", 1)
    c = _run(tmp_path / "c", 2, lr=5e-4)  # another recipe
    d = _run(tmp_path / "d", 0, train_config=False)  # e.g. a merged fine-tune: no recipe
    assert recipe_key(a) == recipe_key(b) != recipe_key(c) and recipe_key(d) is None
    names = ["trajlm:a", "trajlm:b", "trajlm:c", "trajlm:d"]
    assert seed_groups([a, b, c, d], names) == [["trajlm:a", "trajlm:b"]]
    assert seed_groups([c, d], names[2:]) == []  # before: averaged as 2 seeds
    for run in (a, b):  # RUN/best (what scripts/results.sh evaluates) reads RUN's recipe
        (run / "best").mkdir()
        (run / "best" / "config.json").write_text((run / "config.json").read_text())
    assert seed_groups([a / "best", b / "best"], names[:2]) == [names[:2]]


def test_eval_of_a_model_and_another_reports_one_row_each(base, tmp_path):
    r = invoke("eval", "--task", "predict", "--data", base / "s", "--model", base / "m",
               "--model", base / "tq", "--out", tmp_path / "e.json")  # fmt: skip
    assert r.exit_code == 0, r.output
    rows = json.loads((tmp_path / "e.json").read_text())["results"]
    assert not any("mean ± std" in row["method"] for row in rows)
    assert "one row each" in r.output


# ------------------------------------------------- 9. short fine-tunes, fine-tune folders, best
@pytest.fixture(scope="module")
def short_ft(base, tmp_path_factory) -> tuple[Path, dict]:
    from trajlm.finetune.trainer import finetune_next_point

    out = tmp_path_factory.mktemp("ft") / "lora"
    cfg = TrainConfig(batch_size=4, max_len=16, progress=False, warmup_steps=1)
    assert cfg.eval_every > 3
    s = finetune_next_point(base / "m", base / "s", out, mode="lora", lora_r=2, max_steps=3,
                            train_config=cfg)  # fmt: skip
    return out, s


def test_a_fine_tune_shorter_than_eval_every_is_still_validated(short_ft):
    _, s = short_ft
    assert [r["step"] for r in s["log"]] == [3]  # before: [] and the training thrown away
    if s["best_step"] == 0:
        assert "start weights were kept" in s["note"]


def test_a_fine_tune_folder_loads_its_merged_model(base, short_ft, tmp_path):
    from trajlm import TrajLM

    out, _ = short_ft
    assert TrajLM.from_pretrained(out).model.config.d_model == 16  # before: no config.json
    r = invoke("predict", "--model", out, "--input", base / "s", "--limit", "2",
               "--steps", "2", "--out", tmp_path / "p.csv")  # fmt: skip
    assert r.exit_code == 0, r.output  # before: "no model.safetensors"


def test_train_summary_says_what_best_holds_when_nothing_was_selected(base, tmp_path):
    (tmp_path / "c.toml").write_text(TINY)
    r = invoke("train", "--data", base / "s", "--out", tmp_path / "run", "--config",
               tmp_path / "c.toml", "--threads", 1)  # fmt: skip
    assert r.exit_code == 0, r.output
    s = json.loads((tmp_path / "run" / "train_summary.json").read_text())
    assert s["best_step"] is None and (tmp_path / "run" / "best" / "model.safetensors").exists()
    assert s["best_weights"].startswith("final (step 3): no validation ran")


# ------------------------------------------------------------------ 10. absurd travel times
COV = {"speed_mps": {"p99": 35.0}, "traj_speed_mps": {"p1": 0.3}}


def test_travel_time_warning_flags_impossible_speeds_only():
    from trajlm.model.coverage import travel_time_warning

    o = np.array([[41.15, -8.61], [41.15, -8.61]])
    d = np.array([[41.18, -8.55], [41.1505, -8.6105]])  # 6.0 km, 70 m
    assert "6.03 km in 1 s" in travel_time_warning(COV, o, d, np.array([1.0, 10.0]))
    assert travel_time_warning(COV, o, d, np.array([600.0, 10.0])) is None
    assert "1 of 2" in travel_time_warning(COV, o, d, np.array([1e6, 10.0]))  # 11 days
    assert travel_time_warning({}, o, d, np.array([1.0, 1.0])) is None  # no coverage: no claim


def _one_second_model(base, monkeypatch):
    """A TrajLM whose travel times are all 1 s (an under-trained model), with coverage."""
    from trajlm import api

    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, infill_heads=True)
    cfg.stats = load_stats(base / "s").to_dict()
    m = api.TrajLM(TrajectoryModel(cfg))
    m.model.config.coverage = COV  # only the speeds this check reads
    monkeypatch.setattr(api.ModelTravelTime, "travel_time", lambda self, od: np.ones(len(od)))
    return m


def test_api_travel_time_warns_on_an_impossible_speed(base, monkeypatch):
    m = _one_second_model(base, monkeypatch)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        m.travel_time([(41.15, -8.61)], [(41.18, -8.55)], depart=T0)
    assert any("speed outside what the model was trained on" in str(x.message) for x in w)


def test_serve_travel_time_flags_an_impossible_speed(base, monkeypatch):
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from trajlm.serve import create_app

    m = _one_second_model(base, monkeypatch)
    body = {"origins": [[41.15, -8.61]], "destinations": [[41.18, -8.55]], "depart": T0}
    with warnings.catch_warnings(), TestClient(create_app(m)) as client:
        warnings.simplefilter("ignore")
        r = client.post("/travel-time", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["seconds"] == [1.0] and "6.03 km in 1 s" in r.json()["warnings"][0]


def test_a_run_that_fails_before_any_output_leaves_no_marker(base, tmp_path, monkeypatch):
    def boom(self, *args):
        raise RuntimeError("boom")

    monkeypatch.setattr(Trainer, "_fit", boom)
    cfg = TrainConfig(batch_size=4, max_len=16, max_steps=1, progress=False, eval_every=0)
    mc = ModelConfig(d_model=16, n_layers=1, n_heads=2)
    with pytest.raises(RuntimeError, match="boom"):
        Trainer(base / "s", tmp_path / "run", mc, cfg).fit()
    assert not (tmp_path / "run").exists()  # before: a folder holding only a run marker
    (tmp_path / "mine").mkdir()
    with pytest.raises(RuntimeError, match="boom"):
        Trainer(base / "s", tmp_path / "mine", mc, cfg).fit()
    assert (tmp_path / "mine").is_dir() and not any((tmp_path / "mine").iterdir())
