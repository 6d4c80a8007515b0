"""Session 23 (gbchoice23): which gradient boosting a classifier folder answers with. The
CV-tuned GB (settings by grouped CV on train) replaces the default only when it is reliably
above it on val; the choice is said in the summary and stored in classifier.json
(docs/finetune.md "Session 23 (gbchoice23)")."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from test_classify23 import _segments as labelled_segments
from test_classify23 import _tracks as labelled_tracks

T0 = 1009843200
SPEEDS = {"slow": 2.0, "mid": 7.0, "fast": 15.0}
FAST = {"max_iter": 50}  # 50 boosting rounds: fast tests
GRID = ((20, None), (5, None))


def _tracks(n: int, seed: int) -> pl.DataFrame:
    """``n`` labelled trajectories, the three speeds in turn, 30 s fixes."""
    return labelled_tracks(n, seed, SPEEDS, spread=(0.85, 1.15), n_fix=(24, 40))


def _segments(df: pl.DataFrame) -> pl.DataFrame:
    return labelled_segments(df, SPEEDS)


@pytest.fixture(scope="module")
def small() -> dict:
    """30 train trajectories: the default GB (min_samples_leaf=20) cannot split them, the
    CV-tuned one (leaf 5) can (classify22)."""
    return {"train": _segments(_tracks(30, 1)), "val": _segments(_tracks(30, 2))}


def test_tuned_gb_answers_only_when_reliably_above_the_default_on_val(small):
    from trajlm.eval.classify import segment_labels
    from trajlm.eval.classify_gb_choice import ValPickedGB

    gb = ValPickedGB(grid=GRID, **FAST).fit(small["train"], small["val"])
    assert gb.name == "GB features [CV-tuned]" and gb.kept_.chosen_ == (5, None)
    assert gb.choice_.startswith("GB features [CV-tuned]: reliably above the default; on val")
    assert gb.val_ci_["GB features [CV-tuned]"][0] > 0 and "min_samples_leaf=5" in gb.choice_
    assert np.mean(gb.classify(small["val"]) == segment_labels(small["val"])) > 0.9
    assert gb.model_.get_params()["min_samples_leaf"] == 5
    assert gb.predict_proba(small["val"]).shape == (30, 3) and list(gb.classes_) == sorted(SPEEDS)


def test_the_default_answers_on_a_val_too_small_to_tell_or_no_val(small):
    """Two val trajectories, the default right on one: the tuned one's edge is at most one
    trajectory, no reliable win (a bootstrap draw in four holds only the other one), so the
    default answers; so without val, without a tuned candidate, or when CV picks the default."""
    from trajlm.eval.classify import FeatureGBClassifier, segment_labels
    from trajlm.eval.classify_gb_choice import ValPickedGB

    ids = np.asarray(small["val"]["traj_id"].unique().sort().to_list())
    hit = FeatureGBClassifier(**FAST).fit(small["train"]).classify(small["val"]) == segment_labels(
        small["val"]
    )
    two = small["val"].filter(pl.col("traj_id").is_in([ids[hit][0], ids[~hit][0]]))
    gb = ValPickedGB(grid=GRID, **FAST).fit(small["train"], two)
    assert gb.name == "GB features" and gb.kept_.min_samples_leaf == 20
    assert "(default settings): the CV-tuned one is not reliably above it; on val" in gb.choice_
    gb = ValPickedGB(grid=GRID, **FAST).fit(small["train"], None)
    assert gb.name == "GB features" and "no val to check" in gb.choice_
    gb = ValPickedGB(tune=False, **FAST).fit(small["train"], small["val"])
    assert gb.name == "GB features" and "no CV-tuned candidate" in gb.choice_
    gb = ValPickedGB(grid=((20, None),), **FAST).fit(small["train"], small["val"])
    assert gb.name == "GB features" and "train CV chose them too" in gb.choice_


class _Fixed:
    """A fitted stand-in model that always answers ``answer``."""

    def __init__(self, answer: str) -> None:
        self.answer, self.name = answer, "model"
        self.classes_ = np.asarray(sorted(SPEEDS))

    def classify(self, segments: pl.DataFrame) -> np.ndarray:
        return np.full(segments["traj_id"].n_unique(), self.answer)


def test_finetune_val_check_names_the_gb_chosen_and_the_folder_stores_it(
    small, monkeypatch, tmp_path
):
    """`finetune --task classify`'s val check holds the model against the val-picked GB and
    says which GB and why; the GB engine saved keeps that line as classifier.json gb.choice;
    a folder saved without one (all older ones) has no such key and loads as before."""
    from trajlm import cli_finetune_classify as fc
    from trajlm.eval.classify_gb_choice import ValPickedGB
    from trajlm.tasks.classify_engine import GBEngine, save_gb_engine

    monkeypatch.setattr(fc, "fair_gb", lambda train, seed, val=None: ValPickedGB(
        seed, grid=GRID, **FAST).fit(train, val))  # fmt: skip
    gb, lines = fc.val_check_against_gb(_Fixed("slow"), small, seed=0, engine="auto")
    assert lines["val: GB choice"] == gb.choice_ and "gb wins" in lines
    assert gb.name == "GB features [CV-tuned]"
    for d, choice in ((tmp_path / "new", gb.choice_), (tmp_path / "old", None)):
        d.mkdir()
        (d / "classifier.json").write_text(json.dumps({"classes": sorted(SPEEDS)}))
        save_gb_engine(d, gb.model_.get_params(), small["train"], gb.name, "test", choice=choice)
        meta = json.loads((d / "classifier.json").read_text())
        assert meta["gb"].get("choice") == choice and meta["gb"]["name"] == gb.name
        eng = GBEngine.load(d, meta)
        assert eng.predict_proba(small["val"]).argmax(1).tolist() == (
            gb.predict_proba(small["val"]).argmax(1).tolist()
        )


def test_fair_gb_is_the_val_picked_one():
    """The CLI's `fair_gb` is ValPickedGB with the full grid (no monkeypatch): on a train set
    the default already splits, the choice line is there and names a GB."""
    from trajlm.cli_finetune_classify import fair_gb

    train, val = _segments(_tracks(45, 3)), _segments(_tracks(15, 4))
    gb = fair_gb(train, 0, val)
    assert gb.name in ("GB features", "GB features [CV-tuned]") and gb.choice_.startswith(gb.name)


@pytest.mark.slow  # a CLI fine-tune (~15 s)
def test_cli_folder_records_the_gb_choice(tmp_path):
    from reliability_helpers import invoke

    from trajlm.data.features import NormStats
    from trajlm.data.store import write_store
    from trajlm.model import ModelConfig, TrajectoryModel

    m = tmp_path / "m"
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32,
                      stats=NormStats.fit(_tracks(20, 0)).to_dict())  # fmt: skip
    TrajectoryModel(cfg).save_pretrained(m)
    df = _tracks(60, 5).with_columns(source_traj_id=pl.col("traj_id"))
    write_store(df, tmp_path / "s")
    r = invoke("finetune", "--task", "classify", "--model", m, "--data", tmp_path / "s",
               "--split-by", "source", "--classes", "store", "--epochs", "1", "--n-points",
               "16", "--threads", "1", "--out", tmp_path / "o")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "GB choice" in r.output
    meta = json.loads((tmp_path / "o" / "classifier.json").read_text())
    assert meta["engine"] == "gb" and meta["gb"]["choice"].startswith(meta["gb"]["name"])
    assert not Path(tmp_path / "o" / "model.pkl").exists()
