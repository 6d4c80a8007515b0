"""Session 23 (classify23): a classifier folder that answers with gradient boosting when the
fine-tuned model is not reliably above it on val (pickle-free: GB's train features and
parameters, refitted on load), naming its engine in every answer (Python frame, CLI, HTTP),
with an opt-out; and GB's out-of-fold probabilities stacked into the hybrid head
(docs/finetune.md "Session 23 (classify23)")."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import torch

from trajlm.model import ModelConfig

T0 = 1009843200
SPEEDS = {"slow": 2.0, "fast": 15.0}


def _tracks(
    n: int,
    seed: int,
    speeds: dict[str, float] = SPEEDS,
    spread: tuple[float, float] = (0.8, 1.2),
    n_fix: tuple[int, int] = (20, 30),
) -> pl.DataFrame:
    """``n`` labelled trajectories (``speeds``' kinds in turn, each speed times a draw from
    ``spread``; default slow ~2 m/s, fast ~15 m/s), ``n_fix`` fixes 30 s apart."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(n):
        kind = list(speeds)[k % len(speeds)]
        speed = speeds[kind] * rng.uniform(*spread)
        head = rng.uniform(0, 2 * np.pi)
        for i in range(int(rng.integers(*n_fix))):
            d = speed * 30 * i * rng.uniform(0.9, 1.1)
            rows.append((f"{seed}-{k}", T0 + 86400 * k + 30 * i, 37.9 + d * np.sin(head) / 111_320,
                         23.7 + d * np.cos(head) / 87_800, kind))  # fmt: skip
    cols = ["traj_id", "t", "lat", "lon", "label"]
    return pl.DataFrame(rows, schema=cols, orient="row").with_columns(pl.col("t").cast(pl.Int64))


def _segments(df: pl.DataFrame, speeds: dict[str, float] = SPEEDS) -> pl.DataFrame:
    from trajlm.data.segments import make_mode_segments

    return make_mode_segments(df, {k: k for k in speeds}, min_points=3)[0]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    from trajlm.data.features import NormStats
    from trajlm.model import TrajectoryModel

    d = tmp_path_factory.mktemp("classify23") / "m"
    torch.manual_seed(0)
    stats = NormStats.fit(_tracks(20, 0)).to_dict()  # TrajLM needs them (classify's API path)
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=stats)
    TrajectoryModel(cfg).save_pretrained(d)
    return d


@pytest.fixture(scope="module")
def saved(tiny_model, tmp_path_factory) -> tuple[Path, Path, dict]:
    """(model folder, GB folder, parts): one fine-tune (1 epoch) saved twice, the second
    given a GB engine as `finetune --task classify` gives it."""
    from trajlm.eval.classify import FeatureGBClassifier
    from trajlm.tasks.classify import ModelClassifier
    from trajlm.tasks.classify_engine import save_gb_engine

    parts = {"train": _segments(_tracks(60, 1)), "test": _segments(_tracks(20, 2))}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = ModelClassifier(tiny_model, mode="lora", epochs=1, n_points=16, head="linear")
        clf.fit(parts["train"])
    root = tmp_path_factory.mktemp("saved23")
    clf.save(root / "model")
    clf.save(root / "gb")
    gb = FeatureGBClassifier(random_state=3).fit(parts["train"])
    save_gb_engine(root / "gb", gb.model_.get_params(), parts["train"], gb.name, "a test")
    return root / "model", root / "gb", {**parts, "gb": gb, "clf": clf}


def test_gb_folder_answers_as_the_fitted_gb_with_no_pickle(saved):
    """The folder refits GB on load from safetensors + JSON and answers exactly as the GB it
    was given; the model folder answers as before (no `engine` key); engine='model' reads the
    fine-tuned model kept beside GB."""
    from trajlm.tasks.classify import ModelClassifier

    model_dir, gb_dir, p = saved
    test = p["test"]
    files = [f for f in gb_dir.rglob("*") if f.is_file() and f.name != ".trajlm"]  # marker
    assert {f.suffix for f in files} == {".json", ".safetensors"}
    meta = json.loads((gb_dir / "classifier.json").read_text())
    assert meta["engine"] == "gb" and meta["gb"]["params"]["random_state"] == 3
    assert "engine" not in json.loads((model_dir / "classifier.json").read_text())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the refit reproduces the digest: no warning
        g = ModelClassifier.load(gb_dir)
    assert g.engine_name == "gradient boosting (GB features)"
    np.testing.assert_allclose(g.predict_proba(test), p["gb"].predict_proba(test), atol=1e-12)
    assert (g.classify(test) == p["gb"].classify(test)).all()
    m = ModelClassifier.load(model_dir)
    assert m.engine_name == "trajlm model (lora)" and m.gb_engine_ is None
    np.testing.assert_allclose(m.predict_proba(test), p["clf"].predict_proba(test), atol=1e-6)
    alt = ModelClassifier.load(gb_dir, engine="model")
    np.testing.assert_allclose(alt.predict_proba(test), m.predict_proba(test), atol=1e-6)
    with pytest.raises(ValueError, match="no gradient-boosting engine"):
        ModelClassifier.load(model_dir, engine="gb")
    with pytest.raises(ValueError, match="engine must be"):
        ModelClassifier.load(model_dir, engine="GB")


def test_resaving_keeps_the_engine_and_a_changed_refit_is_said(saved, tmp_path):
    from trajlm.tasks.classify import ModelClassifier

    _, gb_dir, p = saved
    ModelClassifier.load(gb_dir).save(tmp_path / "again")
    again = ModelClassifier.load(tmp_path / "again")
    assert again.engine_name.startswith("gradient boosting")
    assert (again.classify(p["test"]) == p["gb"].classify(p["test"])).all()
    meta = json.loads((tmp_path / "again" / "classifier.json").read_text())
    meta["gb"]["train_proba_sha256"] = "0" * 64
    (tmp_path / "again" / "classifier.json").write_text(json.dumps(meta))
    with pytest.warns(UserWarning, match="differs from the one saved"):
        ModelClassifier.load(tmp_path / "again")
    (tmp_path / "again" / "gb_train.safetensors").unlink()
    with pytest.raises(FileNotFoundError, match="gb_train.safetensors"):
        ModelClassifier.load(tmp_path / "again")


def test_every_answer_names_its_engine_python_and_http(saved):
    """TrajLM.classify's frame has an `engine` column; HTTP /classify an `engine` field."""
    from fastapi.testclient import TestClient

    import trajlm
    from trajlm.serve import create_app

    model_dir, gb_dir, p = saved
    trips = _tracks(4, 5)
    for d, engine in ((gb_dir, "gradient boosting (GB features)"),
                      (model_dir, "trajlm model (lora)")):  # fmt: skip
        t = trajlm.TrajLM.from_pretrained(d, threads=1)
        out = t.classify(trips.to_pandas())
        assert set(out["engine"]) == {engine} and len(out) == 4
        body = {"trajectories": [
            {"traj_id": r["traj_id"], "t": r["t"], "lat": r["lat"], "lon": r["lon"]}
            for r in trips.iter_rows(named=True)]}  # fmt: skip
        with TestClient(create_app(t)) as c:
            r = c.post("/classify", json=body)
        assert r.status_code == 200, r.text
        assert r.json()["engine"] == engine and len(r.json()["results"]) == 4


def _store(path: Path, df: pl.DataFrame) -> Path:
    from trajlm.data.store import write_store

    write_store(df, path)
    return path


@pytest.mark.slow  # two CLI fine-tunes (~20 s)
def test_cli_saves_gb_when_the_model_is_not_reliably_above_it(tmp_path, tiny_model):
    """A 1-epoch tiny model is no match for GB on val: the folder answers with GB and the
    output says so; --engine model keeps the model (the classify22 warning instead)."""
    from reliability_helpers import invoke

    store = _store(tmp_path / "s", _tracks(80, 3).with_columns(source_traj_id=pl.col("traj_id")))
    base = ("finetune", "--task", "classify", "--model", tiny_model, "--data", store,
            "--split-by", "source", "--classes", "store", "--epochs", "1", "--n-points", "16",
            "--threads", "1")  # fmt: skip
    r = invoke(*base, "--out", tmp_path / "auto")
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "gradient boosting (GB features" in text and "answers for" in text
    assert "--engine model" in text
    meta = json.loads((tmp_path / "auto" / "classifier.json").read_text())
    assert meta["engine"] == "gb" and "on val the model is" in meta["gb"]["why"]
    r = invoke(*base, "--out", tmp_path / "model", "--engine", "model")
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "that baseline" in text and "answers for" not in text
    assert "engine" not in json.loads((tmp_path / "model" / "classifier.json").read_text())
    r = invoke("eval", "--task", "classify", "--data", store, "--model", tmp_path / "auto",
               "--split-by", "source", "--classes", "store")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "auto: answers with gradient boosting (GB features" in " ".join(r.output.split())


def test_engine_flag_is_checked_and_refused_by_other_tasks(tmp_path, tiny_model):
    from reliability_helpers import fails

    args = ("finetune", "--model", tiny_model, "--data", tmp_path / "s", "--out", tmp_path / "o")
    fails(*args, "--task", "classify", "--engine", "gb", names=("--engine",))
    fails(*args, "--task", "predict", "--engine", "model", names=("--engine", "classify"))


# ------------------------------------------------------------------------------ stacking


def test_out_of_fold_probabilities_never_see_their_own_trajectory():
    """GB's OOF probabilities: one row per train segment, each from a fit without its source
    trajectory (a trajectory labelled against its motion gets a low OOF probability for its
    label, while the in-sample GB may memorise it)."""
    from trajlm.eval.classify import FeatureGBClassifier
    from trajlm.eval.classify_stack import oof_probabilities

    train = _segments(_tracks(60, 4))
    P, classes = oof_probabilities(FeatureGBClassifier(min_samples_leaf=2), train)
    assert P.shape == (train["traj_id"].n_unique(), 2) and list(classes) == ["fast", "slow"]
    np.testing.assert_allclose(P.sum(1), 1.0)
    flip = train["traj_id"].unique().sort()[0]  # one slow-moving trajectory called "fast"
    lab = pl.when(pl.col("traj_id") == flip).then(pl.lit("fast")).otherwise(pl.col("label"))
    bad = train.with_columns(label=lab)
    P, _ = oof_probabilities(FeatureGBClassifier(min_samples_leaf=2), bad)
    gb = FeatureGBClassifier(min_samples_leaf=2).fit(bad)
    in_sample = gb.predict_proba(bad)[0, 0]
    assert P[0, 0] < 0.5 < in_sample  # out of fold it looks slow; in sample, memorised
    with pytest.raises(ValueError, match="at least 2 train trajectories"):
        oof_probabilities(FeatureGBClassifier(), _segments(_tracks(3, 6)))  # 1 "fast" one


def test_stacked_head_gets_oof_on_train_and_gb_elsewhere(tiny_model):
    from trajlm.eval.classify_stack import StackedHybridClassifier

    train, val = _segments(_tracks(40, 7)), _segments(_tracks(10, 8))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = StackedHybridClassifier(tiny_model, mode="lora", epochs=1, n_points=16).fit(train, val)
    X = s._segment_features(train.sort(["traj_id", "t"]))
    np.testing.assert_allclose(X[:, -2:], s.oof_)
    Xv = s._segment_features(val)
    np.testing.assert_allclose(Xv[:, -2:], s.gb_.predict_proba(val))
    assert len(s.classify(val)) == 10 and s.classifier_.head.feat_mean.shape[0] == X.shape[1]
    with pytest.raises(ValueError, match="not supported"):
        s.save("/nonexistent")
    with pytest.raises(ValueError, match="features=True"):
        StackedHybridClassifier(tiny_model, features=False)
