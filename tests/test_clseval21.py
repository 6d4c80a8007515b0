"""Session 21 (clseval21): `trajlm eval --task classify --test-data STORE` and `--split-by
source` score a fitted classifier on a labelled data set's own test file (whole source
trajectories) beside the majority class and gradient boosting fitted on --data's train split,
as `trajlm finetune --task classify --test-data` splits it. Each test failed before (there was
no such option: exit 2 on "No such option")."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
import torch
from test_classify21 import _store, _tracks

from trajlm.model import ModelConfig


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> dict[str, Path]:
    """A train store (90 source trajectories in 2 gap pieces each: 30 B, 60 T), its own test
    store (21: 7 B, 14 T), one without labels and a classifier fitted on 'slow' / 'fast'."""
    from trajlm.model import TrajectoryModel
    from trajlm.tasks.classify import ModelClassifier
    from trajlm.tasks.classify_split import join_pieces

    d = tmp_path_factory.mktemp("clseval21")
    train = _tracks(90, 3, one_origin=True, pieces=True)
    test = _tracks(21, 4, one_origin=True, pieces=True)
    out = {"train": _store(d / "train", train), "test": _store(d / "test", test),
           "nolabel": _store(d / "nolabel", test.drop("label"))}  # fmt: skip
    torch.manual_seed(0)
    m = d / "m"
    TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32)).save_pretrained(m)
    joined, _ = join_pieces(train)
    ids = sorted(joined["traj_id"].unique().to_list())
    for name, relabel in (("clf", {}), ("other", {"B": "slow", "T": "fast"})):
        frame = joined.with_columns(pl.col("label").replace(relabel))
        clf = ModelClassifier(m, epochs=1, n_points=16, batch_size=16)
        with pytest.warns(UserWarning):  # few optimizer steps: said, not the subject here
            clf.fit(frame.filter(pl.col("traj_id").is_in(ids[:70])),
                    frame.filter(pl.col("traj_id").is_in(ids[70:])))  # fmt: skip
        clf.save(d / name)
        out[name] = d / name
    return out


def _eval(*extra):
    from reliability_helpers import invoke

    return invoke("eval", "--task", "classify", "--classes", "store", "--seeds", "1", *extra)


def test_test_data_scores_the_classifier_on_the_other_store_beside_the_baselines(tmp_path, stores):
    r = _eval("--data", stores["train"], "--test-data", stores["test"], "--model",
              stores["clf"], "--out", tmp_path / "e.json")  # fmt: skip
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "whole source trajectories: train 72, val 18, test 21" in text
    assert "90 gap-split pieces joined back" in text
    res = json.loads((tmp_path / "e.json").read_text())
    rows = {row["method"]: row for row in res["results"]}
    assert set(rows) == {
        "majority class",
        "GB features",
        "GB features [balanced]",
        "GB features [CV-tuned]",
        "trajlm:clf",
    }  # classify22: tuned GB
    assert all(row["n_trajectories"] == 21 for row in rows.values())  # the test file, whole
    assert rows["majority class"]["metrics"]["accuracy_pct"] == pytest.approx(100 * 14 / 21)
    assert "macro_f1_pct" in rows["trajlm:clf"]["metrics"]
    assert res["test_data"] == str(stores["test"]) and "whole" in res["task_definition"]
    assert res["class_counts"]["train"] == {"B": 24, "T": 48}  # finetune's 80 %
    diff = rows["trajlm:clf"]["diff_to_best_baseline"]  # model minus the best baseline
    assert diff["n"] == 21 and diff["ci95"][0] <= diff["diff"] <= diff["ci95"][1]
    (said,) = res["verdict"]
    assert said["method"] == "trajlm:clf" and said["baseline"] == diff["baseline"]
    assert "Verdict" in text and "95 % CI" in text


def test_split_by_source_keeps_each_source_trajectory_in_one_split(tmp_path, stores):
    r = _eval("--data", stores["train"], "--split-by", "source", "--out", tmp_path / "s.json")
    assert r.exit_code == 0, r.output
    res = json.loads((tmp_path / "s.json").read_text())
    assert {k: v["n_trajectories"] for k, v in res["split_sizes"].items()} == {
        "train": 72, "val": 9, "test": 9}  # fmt: skip
    assert res["split_by"] == "source" and "test_data" not in res
    assert all(row["n_trajectories"] == 9 for row in res["results"])


def test_split_by_source_with_too_few_trajectories_says_so(tmp_path):
    from reliability_helpers import fails

    tiny = _store(tmp_path / "tiny", _tracks(2, 7, one_origin=True, pieces=False))
    fails("eval", "--task", "classify", "--classes", "store", "--data", tiny, "--split-by",
          "source", names=("test split: no trajectory to score", "3 or more"))  # fmt: skip


@pytest.mark.parametrize(
    "case",
    ["no-label", "never-saw", "other-task", "user-time", "same-store", "holdout"],
)
def test_misuse_is_one_line(tmp_path, stores, case):
    from reliability_helpers import fails

    base = ("eval", "--task", "classify", "--classes", "store", "--data", stores["train"])
    test = ("--test-data", stores["test"])
    args, names = {
        "no-label": ((*base, "--test-data", stores["nolabel"]), ("--test-data", "label")),
        "never-saw": ((*base, *test, "--model", stores["other"]),
                      ("never saw", "['B', 'T']", "['fast', 'slow']")),
        "other-task": (("eval", "--task", "predict", "--data", stores["train"], *test),
                       ("--test-data", "classify")),
        "user-time": ((*base, *test, "--split-by", "user_time"), ("user_time",)),
        "same-store": ((*base, "--test-data", stores["train"]), ("is --data",)),
        "holdout": ((*base, *test, "--holdout-by", "user"), ("--holdout-by", "--test-data")),
    }[case]  # fmt: skip
    fails(*args, names=names)
