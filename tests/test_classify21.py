"""Session 21 (classify21): a movement ecologist classifying whole labelled trajectories of
held-out sets (MAT vehicles / animals, hurricanes) with the CLI and the API. Each test failed
before its fix (docs/finetune.md "Session 21 (classify21)")."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import torch

from trajlm.model import ModelConfig

T0 = 1009843200  # 2002-01-01T00:00Z: one --time-origin for every trajectory


def _tracks(n: int, seed: int, one_origin: bool, pieces: bool) -> pl.DataFrame:
    """Labelled trajectories of two kinds (slow 'B' ~3 m/s, fast 'T' ~12 m/s, 30 s fixes);
    with ``pieces`` each is cut in two at a gap (ingest's gap split: ``source_traj_id``)."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(n):
        kind = "T" if k % 3 else "B"
        speed = (12.0 if kind == "T" else 3.0) * rng.uniform(0.8, 1.2)
        m = int(rng.integers(24, 40))
        start = T0 if one_origin else T0 + int(rng.integers(0, 30 * 86400))
        head = rng.uniform(0, 2 * np.pi)
        lat0, lon0 = 37.9 + rng.normal(0, 0.02), 23.7 + rng.normal(0, 0.02)
        for i in range(m):
            dist = speed * 30 * i
            tid = f"{seed}-{k}"
            piece = f"{tid}_{int(i >= m // 2)}" if pieces else tid
            gap = 3600 if pieces and i >= m // 2 else 0
            rows.append((piece, start + 30 * i + gap,
                         lat0 + dist * np.sin(head) / 111_320 + rng.normal(0, 2e-5),
                         lon0 + dist * np.cos(head) / 87_800 + rng.normal(0, 2e-5), kind, tid))  # fmt: skip
    cols = ["traj_id", "t", "lat", "lon", "label", "source_traj_id"]
    return pl.DataFrame(rows, schema=cols, orient="row").with_columns(pl.col("t").cast(pl.Int64))


def _store(path: Path, df: pl.DataFrame) -> Path:
    from trajlm.data.store import write_store

    write_store(df, path)
    return path


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    from trajlm.model import TrajectoryModel

    d = tmp_path_factory.mktemp("classify21") / "m"
    torch.manual_seed(0)
    TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32)).save_pretrained(d)
    return d


# ------------------------------------------------------------------------------ splits


def test_split_by_source_keeps_pieces_together_and_every_class_in_every_part():
    from trajlm.data.segments import make_mode_segments
    from trajlm.tasks.classify_split import join_pieces, split_by_source, time_split_leaks

    df = _tracks(30, 1, one_origin=True, pieces=True)
    seg, _ = make_mode_segments(df, {"B": "B", "T": "T"}, min_points=3)
    parts = split_by_source(seg)
    assert time_split_leaks(parts) == (0, 30)
    for name, part in parts.items():
        assert set(part["label"].unique()) == {"B", "T"}, name
    assert sum(p["traj_id"].n_unique() for p in parts.values()) == 60  # pieces, all placed
    joined, n = join_pieces(df)
    assert n == 30 and joined["traj_id"].n_unique() == 30
    assert joined.group_by("traj_id").agg(pl.col("t").is_sorted())["t"].all()
    again = split_by_source(seg)  # the split is the data set's: the same every time
    assert all(again[k]["traj_id"].equals(parts[k]["traj_id"]) for k in parts)


# ------------------------------------------------------------------------------ CLI


def test_time_split_of_a_one_origin_store_is_refused_before_training(tmp_path, tiny_model):
    """A store read with one --time-origin (MAT files): every trajectory starts at one
    instant, PROTOCOL's split by time was arbitrary and put pieces of 182 of 381 vehicles in
    train and test (val 92.5 % on leaked pieces), without a word."""
    from reliability_helpers import fails

    import trajlm.finetune.trainer as trainer

    store = _store(tmp_path / "s", _tracks(40, 2, one_origin=True, pieces=True))
    called, real = [], trainer.train_classifier
    trainer.train_classifier = lambda *a, **kw: called.append(1) or real(*a, **kw)
    try:
        fails("finetune", "--task", "classify", "--model", tiny_model, "--data", store,
              "--out", tmp_path / "clf", "--classes", "store",
              names=("one instant", "2002-01-01T00:00:00Z", "--split-by source",
                     "--test-data"))  # fmt: skip
    finally:
        trainer.train_classifier = real
    assert not called and not (tmp_path / "clf" / "classifier.json").exists()


@pytest.mark.slow
def test_test_data_keeps_the_files_split_and_scores_beside_gb(tmp_path, tiny_model):
    """A data set's own train and test files: `--test-data STORE --score-test` trains on the
    first (val 20 % of its source trajectories) and reads the second once, whole trajectories
    (gap pieces joined), beside the majority class and GB; before there was no such option."""
    from reliability_helpers import invoke

    # 90: GB's leaves hold >= 20 trajectories (HistGradientBoosting), so fewer cannot split
    train = _store(tmp_path / "train", _tracks(90, 3, one_origin=True, pieces=True))
    test = _store(tmp_path / "test", _tracks(21, 4, one_origin=True, pieces=True))
    r = invoke("finetune", "--task", "classify", "--model", tiny_model, "--data", train,
               "--test-data", test, "--score-test", "--out", tmp_path / "clf", "--classes",
               "store", "--epochs", "2", "--n-points", "16", "--threads", "1")  # fmt: skip
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "90 gap-split pieces joined back" in text
    assert "predictions fall back" not in text  # next-point coverage is not about classes
    res = json.loads((tmp_path / "clf" / "test_scores.json").read_text())
    assert res["n_test"] == 21  # the test file's trajectories, whole, all of them
    assert set(res["methods"]) == {
        "majority class",
        "GB features",
        "GB features [balanced]",
        "GB features [CV-tuned]",
        "model",
    }  # fmt: skip (classify22)
    assert res["methods"]["majority class"]["accuracy_pct"] == pytest.approx(100 * 14 / 21, 0.01)
    d = res["model_minus_best_pp"]
    assert d["lo"] <= d["diff"] <= d["hi"] and res["best_baseline"].startswith("GB")
    assert "B (24), T (48)" in text  # 80 % of the 30 B and 60 T source trajectories
    assert re.search(r"steps\s*│\s*16\b", r.output)  # --batch-size auto: 9, 8 steps an epoch


def test_time_split_that_cuts_source_trajectories_is_counted():
    """What the CLI's warning counts: source trajectories with segments in two splits (a
    store's `source_traj_id`, else the segment's `source_traj`)."""
    from trajlm.tasks.classify_split import one_start_instant, time_split_leaks

    def seg(ids, src):
        return pl.DataFrame({"traj_id": ids, "t": [0] * len(ids), "source_traj_id": src})

    parts = {"train": seg(["a_0", "b_0"], ["a", "b"]), "val": seg(["a_1"], ["a"]),
             "test": seg(["c_0"], ["c"])}  # fmt: skip
    assert time_split_leaks(parts) == (1, 3)
    own = {"train": pl.DataFrame({"traj_id": ["x#1"], "source_traj": ["x"]}),
           "test": pl.DataFrame({"traj_id": ["x#2"], "source_traj": ["x"]})}  # fmt: skip
    assert time_split_leaks(own) == (1, 1)
    assert one_start_instant(_tracks(40, 5, one_origin=False, pieces=True)) is None
    assert one_start_instant(_tracks(40, 5, one_origin=True, pieces=True)) == T0


@pytest.mark.parametrize(
    "extra",
    [("--test-data", "X"), ("--score-test",), ("--batch-size", "8")],
    ids=["test-data", "score-test", "batch-size"],
)
def test_classify_options_are_refused_by_other_tasks(tmp_path, extra):
    from reliability_helpers import fails

    fails("finetune", "--task", "similarity" if extra[0] == "--score-test" else "predict",
          "--model", tmp_path / "m", "--data", tmp_path / "s", "--out", tmp_path / "o", *extra,
          names=(extra[0],))  # fmt: skip


# ------------------------------------------------------------------------------ ingest


def test_mat_animals_refusal_names_the_crs_declaration_that_reads_it(tmp_path):
    """`--columns mat_animals --time-origin ...` was refused for the coordinates with no
    option named; `--crs EPSG:4326` (the user's declaration that the values are degrees)
    reads them, and nothing is assumed without it."""
    from reliability_helpers import fails, invoke

    rows = ["time,lat,lon,tid,label"] + [
        f"{2.0 * i:.2f},{50.1 + 0.001 * i:.5f},{3.79 + 0.001 * i:.5f},{k},{'ECD'[k % 3]}"
        for k in range(3)
        for i in range(12)
    ]
    src = tmp_path / "animals.csv"
    src.write_text("\n".join(rows) + "\n")
    base = ("data", "ingest", src, "--columns", "mat_animals", "--time-origin",
            "1995-06-01T00:00Z", "--out")  # fmt: skip
    fails(*base, tmp_path / "a", names=("--crs EPSG:4326", "undocumented planar"))
    r = invoke(*base, tmp_path / "b", "--crs", "EPSG:4326", "--max-gap-s", "1e9")
    assert r.exit_code == 0, r.output
    from trajlm.data.store import read_store

    got = read_store(tmp_path / "b")
    assert got["traj_id"].n_unique() == 3 and set(got["label"].unique()) == {"E", "C", "D"}
    assert got["t"].min() == 801964800  # 1995-06-01T00:00Z, hours counted from it


# ------------------------------------------------------------------------------ Python


def test_few_steps_are_said_in_python_and_auto_batch_gives_an_epoch_steps():
    """70 labelled trajectories at batch 32 trained 4 optimizer steps in 4 epochs without a
    word in Python (only the CLI warned); batch_size='auto' shrinks the batch on small sets."""
    from trajlm.tasks.classify_steps import fit_batch_size, warn_few_steps

    assert fit_batch_size(32, 56) == 32 and fit_batch_size("auto", 994) == 32
    assert fit_batch_size("auto", 56) == 7 and 56 // fit_batch_size("auto", 56) == 8
    assert fit_batch_size("auto", 3) == 3
    with pytest.warns(UserWarning, match="trained 4 optimizer steps .* batches of 32.*'auto'"):
        warn_few_steps(4, 4, 56, 32)
    with pytest.warns(UserWarning) as said:  # the batch was auto's: more epochs only
        warn_few_steps(80, 10, 56, 7, auto=True)
    assert "auto" not in str(said[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warn_few_steps(100, 10, 400, 32)


@pytest.mark.slow
def test_model_classifier_fit_warns_and_records_the_batch(tiny_model):
    import trajlm

    df = _tracks(24, 6, one_origin=False, pieces=False).drop("source_traj_id")
    ids = sorted(df["traj_id"].unique().to_list())
    train, val = (
        df.filter(pl.col("traj_id").is_in(ids[:18])),
        df.filter(pl.col("traj_id").is_in(ids[18:])),
    )
    with pytest.warns(UserWarning, match="optimizer steps"):
        clf = trajlm.ModelClassifier(tiny_model, epochs=2, n_points=16, batch_size="auto")
        clf.fit(train, val)
    assert clf.info_["batch_size"] == 4 and clf.info_["steps"] == 2 * (18 // 4)
    with pytest.raises(ValueError, match="batch_size"):
        trajlm.ModelClassifier(tiny_model, batch_size=0)
