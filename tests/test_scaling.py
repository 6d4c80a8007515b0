"""The scaling study's scripts (issue 14, item 6; docs/scaling.md): the nested corpus
fractions, the power-law fits, and the grid end to end on a tiny synthetic corpus."""

import json

import numpy as np
import polars as pl
import pytest
from test_results_scripts import load_script

from trajlm.data.corpus import build_corpus, load_corpus_spec
from trajlm.data.ingest import synth_store

SPEC = """
[corpus]
name = "tiny"
val_trips_per_source = 3

[[source]]
name = "city_a"
format = "synthetic"
city = { n_trajectories = 40, seed = 0, n_days = 2 }
weight = 3.0

[[source]]
name = "city_b"
format = "synthetic"
city = { n_trajectories = 24, seed = 1, center_lat = 13.75, center_lon = 100.5, n_days = 2 }
weight = 1.0
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("scaling")
    (d / "spec.toml").write_text(SPEC)
    build_corpus(load_corpus_spec(d / "spec.toml", data_root=str(d)), d / "corpus",
                 log=lambda _m: None)  # fmt: skip
    return d / "corpus"


def _train_ids(corpus) -> set[str]:
    idx = pl.read_parquet(corpus / "index.parquet").filter(pl.col("split") == "train")
    pts = pl.read_parquet(corpus / "points" / "split=train")["traj_id"].unique()
    assert set(pts) == set(idx["traj_id"])  # the index matches the points
    return set(idx["traj_id"])


def test_fractions_nest_keep_every_source_and_leave_val_alone(corpus, tmp_path):
    study = load_script("scaling_study")
    full = _train_ids(corpus)
    quarter = study.fraction_corpus(corpus, 0.25, tmp_path)
    half = study.fraction_corpus(corpus, 0.5, tmp_path)
    q, h = _train_ids(quarter), _train_ids(half)
    assert q < h < full  # nested, strictly smaller
    for src in ("city_a", "city_b"):  # each source cut to its own fraction (ceil)
        n = sum(t.startswith(src + "/") for t in full)
        assert sum(t.startswith(src + "/") for t in h) == int(np.ceil(0.5 * n))
    assert study.fraction_corpus(corpus, 1.0, tmp_path) == corpus
    val = pl.read_parquet(corpus / "points" / "split=val")
    assert pl.read_parquet(half / "points" / "split=val").equals(val)
    assert (half / "stats.json").read_text() == (corpus / "stats.json").read_text()
    again = study.fraction_corpus(corpus, 0.5, tmp_path / "other")  # same seed, same sample
    assert _train_ids(again) == h


def test_power_law_fits_recover_the_exponent():
    fit = load_script("scaling_fit")
    x = np.array([1e4, 3e4, 1e5, 3e5, 1e6])
    y = 50.0 * x**-0.3 + 2.0
    p = fit.fit3(x, y)
    assert p["alpha"] == pytest.approx(0.3, abs=1e-3) and p["c"] == pytest.approx(2.0, abs=1e-2)
    q = fit.fit_loglog(x, 7.0 * x**-0.2)
    assert q["alpha"] == pytest.approx(0.2, abs=1e-9) and q["a"] == pytest.approx(7.0)
    assert fit.fit_loglog(x, y - 10) is None  # a negative metric has no log-log fit
    assert fit.fit3(x[:3], y[:3]) is None  # 3 points cannot carry 3 parameters
    lo, hi = fit.loo_alpha(x, y, fit.fit_loglog)
    assert lo < hi


@pytest.mark.slow
def test_scaling_grid_end_to_end(corpus, tmp_path):
    study, fit = load_script("scaling_study"), load_script("scaling_fit")
    porto = tmp_path / "porto"
    synth_store(porto, n_trajectories=40, seed=3)
    out = tmp_path / "out"
    args = ["--corpus", str(corpus), "--porto", str(porto), "--out", str(out), "--steps", "2",
            "--sizes", "16x1", "32x1", "--fractions", "0.5", "1", "--data-size", "16x1",
            "--extra-seeds", "1", "--seeded-sizes", "1", "--compute-steps", "3"]  # fmt: skip
    runs = study.main(args)
    assert [(r["kind"], r["size"], r["fraction"], r["seed"]) for r in runs] == [
        ("params", "16x1", 1.0, 0), ("data", "16x1", 0.5, 0), ("params", "32x1", 1.0, 0),
        ("params", "16x1", 1.0, 1), ("compute", "16x1", 1.0, 0),
    ]  # fmt: skip
    assert [r["steps"] for r in runs] == [2, 2, 2, 2, 3]
    assert runs[4]["run"].endswith("16x1-f1-s0-n3")
    assert runs[0]["n_params"] < runs[2]["n_params"]
    assert runs[1]["train_points"] < runs[0]["train_points"]
    assert 0 < runs[1]["train_windows"] < runs[0]["train_windows"]
    for r in runs:
        assert r["tokens_seen"] > 0
        assert np.isfinite(r["val_loss"]) and r["corpus_val_mae_m"] > 0
        assert set(r["corpus_val_by_source"]) == {"city_a", "city_b"}
        assert r["porto_val_mae_m"] > 0 and r["porto_val_cv_mae_m"] > 0
    saved = json.loads((out / "scaling.json").read_text())
    assert len(saved["runs"]) == 5
    assert study.main(args) == saved["runs"]  # a second call trains nothing new
    x, y, s = fit.curve(runs, "params", "val_loss")
    assert len(x) == 2 and s[0] > 0 and s[1] == 0  # two seeds at the smallest size
    x, _, _ = fit.curve(runs, "data", "val_loss")  # the shared whole-corpus point included
    assert x.tolist() == sorted({runs[1]["train_points"], runs[0]["train_points"]})
    fit.main([str(out / "scaling.json"), "--img", str(tmp_path / "img")])
    assert "| 16x1 | 1 | 3 |" in fit.compute_table(fit.derive(runs))  # the longer run's row
    assert (tmp_path / "img" / "scaling_params.png").stat().st_size > 1000
    assert (tmp_path / "img" / "scaling_data.png").stat().st_size > 1000
