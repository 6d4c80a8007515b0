"""Session 13 (modesfix): what a transport-mode researcher found in similarity search,
classification labels / classes / splits, eval metadata and the classify CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from trajlm.similarity import EmbeddingSearch

SMALL = Path(__file__).resolve().parents[1] / "trajlm" / "checkpoints" / "trajlm-small"
needs_small = pytest.mark.skipif(
    not (SMALL / "model.safetensors").exists(), reason="trajlm-small weights not built here"
)


def _routes(n: int = 6, pts: int = 40, seed: int = 0) -> pl.DataFrame:
    """n random-walk trips near Lyon at 5 s, plus an exact copy of trip 0 shifted by a day."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(n):
        lat = 45.76 + 1e-3 * k + np.cumsum(rng.normal(0, 1e-4, pts))
        lon = 4.83 + np.cumsum(rng.normal(0, 1e-4, pts))
        t = 1_700_000_000 + 5 * np.arange(pts)
        rows.append(pl.DataFrame({"traj_id": f"r{k}", "t": t, "lat": lat, "lon": lon}))
    rows.append(rows[0].with_columns(pl.lit("r0-copy").alias("traj_id"), pl.col("t") + 86_400))
    return pl.concat(rows)


# ------------------------------------------------------------------ 1. exact L2 search


def test_search_is_exact_when_embeddings_share_a_large_common_part():
    """Norm ~9, trips 1e-3 apart (trajlm-small's regime): float32 |a|^2+|b|^2-2ab gave exact
    0.0 between different trips and 2^-8 for an exact copy."""
    rng = np.random.default_rng(0)
    base = rng.normal(0, 1, 64)
    base *= 8.8 / np.linalg.norm(base)
    z = (base + rng.normal(0, 2e-4, (40, 64))).astype(np.float32)
    db = np.concatenate([z, z[:1]])  # row 40: an exact copy of row 0
    d2, idx = EmbeddingSearch(metric="l2").fit(db).search(z, 5)
    exact = ((z[:, None, :].astype(np.float64) - db[None].astype(np.float64)) ** 2).sum(-1)
    want = np.sort(exact, 1)[:, :5]
    np.testing.assert_allclose(np.sqrt(d2), np.sqrt(want), atol=1e-6, rtol=0)
    assert (np.sqrt(d2[1:, 1:]) > 1e-4).all()  # distinct trips are never 0 apart
    assert list(idx[0, :2]) == [0, 40]  # the copy ties with itself, broken by row
    assert d2[0, 1] == 0.0
    full = EmbeddingSearch(metric="l2").fit(db).rank_all(z)
    np.testing.assert_allclose(np.sqrt(full), np.sqrt(exact), atol=1e-6, rtol=0)


@needs_small
def test_similar_api_and_cli_agree_with_a_direct_computation(tmp_path: Path):
    from typer.testing import CliRunner

    from trajlm.cli import app
    from trajlm.model import TrajectoryModel
    from trajlm.tasks.embed import embed, similar

    df = _routes()
    m = TrajectoryModel.from_pretrained("trajlm-small").eval()
    z = embed(m, df).astype(np.float64)
    ids = df["traj_id"].unique().sort().to_list()
    exact = np.sqrt(((z[:, None] - z[None]) ** 2).sum(-1))
    dist, idx, qids, dbids = similar(m, df, df, k=3)
    assert qids == dbids == ids
    np.testing.assert_allclose(dist, np.take_along_axis(exact, idx, 1), atol=1e-6, rtol=0)
    np.testing.assert_allclose(dist, np.sort(exact, 1)[:, :3], atol=1e-6, rtol=0)
    i0, ic = ids.index("r0"), ids.index("r0-copy")
    assert set(idx[i0, :2]) == {i0, ic} and dist[i0, 1] == 0.0  # a copy is always nearest
    csv = tmp_path / "q.csv"
    df.with_columns(pl.from_epoch("t")).write_csv(csv)
    out = tmp_path / "sim.csv"
    r = CliRunner().invoke(app, ["similar", "--model", "trajlm-small", "--query", str(csv),
                                 "--database", str(csv), "--exclude-self", "--k", "2",
                                 "--out", str(out)])  # fmt: skip
    assert r.exit_code == 0, r.output
    got = pl.read_csv(out)
    for row in got.iter_rows(named=True):
        want = exact[ids.index(row["query"]), ids.index(row["match"])]
        assert abs(row["distance"] - want) < 1e-6
    first = got.filter(pl.col("query") == "r0", pl.col("rank") == 1)
    assert first["match"].item() == "r0-copy" and first["distance"].item() == 0.0


# ------------------------------------------- 4-9: labels, classes, splits, eval JSON, CLI flags


def _city(n: int = 40, seed: int = 3) -> pl.DataFrame:
    from trajlm.data.synthetic import generate_city

    return generate_city(n_trajectories=n, seed=seed).points  # labels bike/bus/car/walk


def _tiny_model():
    import torch

    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    return TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32))


def _tiny_run(path: Path) -> Path:
    _tiny_model().save_pretrained(path)
    return path


def test_fit_takes_the_callers_label_column_and_names_a_missing_one():
    from trajlm.errors import TrajlmInputError
    from trajlm.eval.classify import make_mode_segments
    from trajlm.tasks.classify import ModelClassifier

    seg = make_mode_segments(_city())[0].drop("raw_label").rename({"label": "mode"})
    kw = dict(mode="frozen", n_points=16, head="linear", epochs=1, max_len=32)
    clf = ModelClassifier(_tiny_model(), **kw).fit(seg.to_pandas(), label_col="mode")
    assert clf.classes_ == sorted(set(seg["mode"].to_list()))
    with pytest.raises(TrajlmInputError, match=r"no class column 'label'.*'mode'.*label_col="):
        ModelClassifier(_tiny_model(), **kw).fit(seg)
    with pytest.raises(TrajlmInputError, match=r"no class column 'kind'"):
        ModelClassifier(_tiny_model(), **kw).fit(seg, label_col="kind")


def test_ingest_label_col_keeps_the_class_column_as_label(tmp_path: Path):
    from reliability_helpers import fails, invoke

    from trajlm.data.store import read_store

    csv = tmp_path / "trips.csv"
    df = _city(6).select("traj_id", "t", "lat", "lon", pl.col("label").alias("mode"))
    df.with_columns(pl.from_epoch("t")).rename({"traj_id": "journey"}).write_csv(csv)
    r = invoke("data", "ingest", csv, "--out", tmp_path / "s", "--traj-col", "journey",
               "--label-col", "mode")  # fmt: skip
    assert r.exit_code == 0, r.output
    got = read_store(tmp_path / "s")
    assert "label" in got.columns and set(got["label"].unique()) == set(df["mode"].unique())
    text = fails("data", "ingest", csv, "--out", tmp_path / "s2", "--traj-col", "journey",
                 "--label-col", "kind", names=("kind",))  # fmt: skip
    assert len(text.strip().splitlines()) == 1


def test_eval_counts_present_classes_says_dropped_ones_and_what_ran():
    from trajlm.eval.classify import run_classify_eval
    from trajlm.eval.classify_notes import dropped_line

    res = run_classify_eval(_city(60), seeds=(0, 1), split_by="user_time", verbose=False)
    assert res.meta["split_by"] == "user_time"
    assert res.meta["dropped_classes"] == {"walk": res.meta["dropped_classes"]["walk"]}
    assert "not in the class map" in res.meta["dropped_classes"]["walk"]
    present = {c for c, n in res.meta["class_counts"]["train"].items() if n}  # no rail here
    assert "rail" not in present
    assert all(r["setting"].startswith("3 classes") for r in res.rows)
    assert res.meta["seeds"]["GB features"] == [0, 1]
    line = dropped_line(res.meta["dropped_classes"])
    assert line.startswith("dropped classes: walk (") and "\n" not in line


def test_cli_classify_flags_user_split_eval_json(tmp_path: Path):
    import json

    from reliability_helpers import fails, invoke

    import trajlm.finetune.trainer as trainer
    from trajlm.data.store import write_store

    pts = _city(60)
    write_store(pts, tmp_path / "store")
    write_store(pts.drop("user_id"), tmp_path / "nouser")
    run = _tiny_run(tmp_path / "m")
    text = fails("finetune", "--task", "classify", "--model", run, "--data", tmp_path / "nouser",
                 "--out", tmp_path / "x", "--split-by", "user_time",
                 names=("user_id", "--split-by time"))  # fmt: skip
    assert len(text.strip().splitlines()) == 1
    fails("finetune", "--task", "predict", "--model", run, "--data", tmp_path / "store",
          "--out", tmp_path / "y", "--head", "linear", names=("--head",))  # fmt: skip
    seen = {}
    real = trainer.train_classifier

    def spy(*a, **kw):
        seen.update(kw)
        return real(*a, **kw)

    trainer.train_classifier = spy
    try:
        r = invoke("finetune", "--task", "classify", "--model", run, "--data", tmp_path / "store",
                   "--out", tmp_path / "clf", "--mode", "full", "--epochs", "1", "--lr", "3e-3",
                   "--n-points", "16", "--head", "linear", "--class-weight", "balanced",
                   "--split-by", "user_time", "--classes", "modes")  # fmt: skip
    finally:
        trainer.train_classifier = real
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert seen["lr"] == 3e-3 and seen["class_weight"] is not None
    spec = json.loads((tmp_path / "clf" / "classifier.json").read_text())
    assert (spec["head"], spec["n_points"], spec["class_weight"]) == ("linear", 16, "balanced")
    assert "dropped classes: walk (" in text and "optimizer steps" in text
    assert "walk" in spec["not_learned"]  # fix40c: said again at each classify
    assert "trajlm eval --task classify --data" in text  # the follow-up command runs
    out = tmp_path / "ev.json"
    r = invoke("eval", "--task", "classify", "--data", tmp_path / "store", "--model",
               tmp_path / "clf", "--split-by", "user_time", "--seeds", "1", "--out", out,
               "--classes", "modes")  # fmt: skip
    assert r.exit_code == 0, r.output
    meta = json.loads(out.read_text())
    assert meta["split_by"] == "user_time"
    assert meta["seeds"]["trajlm:clf"] == [0] and meta["seeds"]["GB features"] == [0]
    assert "dropped classes: walk" in " ".join(r.output.split())
    assert "never learned walk" in " ".join(r.output.split())  # fix40c: the model's own line
    from trajlm.tasks.classify import ModelClassifier  # item 13: a classifier folder, said

    with pytest.raises(ValueError, match=r"saved classifier.*ModelClassifier.load"):
        ModelClassifier(tmp_path / "clf")
    assert ModelClassifier.load(tmp_path / "clf").seed == 0


@needs_small
def test_embed_and_classify_coverage_lines_name_no_rollout_fallback():
    """The coverage gate acts on rollouts only: embed's coverage line must not promise that
    'predictions fall back toward constant velocity' (modes tester item 12); predict's does."""
    import warnings

    import numpy as np
    import pandas as pd

    import trajlm
    from trajlm.model.coverage import CoverageWarning

    m = trajlm.TrajLM.from_pretrained("trajlm-small")
    t = np.arange(12) * 1.0  # 1 s sampling, below trajlm-small's 2-30 s training range
    df = pd.DataFrame({"traj_id": ["a"] * 12, "t": 1_700_000_000 + t,
                       "lat": 41.15 + 1e-5 * t, "lon": -8.61 + 1e-5 * t})  # fmt: skip

    def lines(call):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            call()
        return [str(x.message) for x in w if issubclass(x.category, CoverageWarning)]

    emb, pred = lines(lambda: m.embed(df)), lines(lambda: m.predict(df, steps=3))
    assert emb and not any("constant velocity" in s for s in emb), emb
    assert any("constant velocity" in s for s in pred), pred
