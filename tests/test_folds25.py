"""folds25: with fewer than knn_check.MIN_TRIPS val trips `trajlm train` cannot check the kept
model; kNN continuation at its default settings answers TrajLM.predict instead, named, with the
reason; 3+ trips keep the checked verdict (eval/unchecked_verdict.py)."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest
from test_heldout23_knn_check import _circle_trips

from trajlm.data.store import read_store, write_store


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> dict:
    """A store of circles and a run (weights only, no verdict)."""
    torch = pytest.importorskip("torch")
    import trajlm
    from trajlm.data.features import NormStats
    from trajlm.model import ModelConfig, TrajectoryModel

    d = tmp_path_factory.mktemp("folds25")
    store = d / "circles"
    write_store(_circle_trips(), store)
    torch.manual_seed(0)
    model = TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32,
                                        residual_base="constant_velocity"))  # fmt: skip
    model.config.stats = NormStats.fit(read_store(store, split="train")).to_dict()
    trajlm.TrajLM(model, threads=1).save_pretrained(d / "plain")
    return {"store": store, "plain": d / "plain"}


def _checked_with(plain: dict, run: Path, n_val: int) -> dict:
    """Run the end of `trajlm train` on a run whose val holds ``n_val`` trips."""
    from trajlm.cli_train_check import check_against_baselines
    from trajlm.data.protocol_tasks import make_prediction_task

    shutil.copytree(plain["plain"], run)
    (run / "train_summary.json").write_text(json.dumps({"steps": 1}))
    val = read_store(plain["store"], split="val").drop("split")
    keep = val["traj_id"].unique(maintain_order=True).head(n_val)
    task = make_prediction_task(val.filter(pl.col("traj_id").is_in(keep.implode())))
    trainer = SimpleNamespace(_val_task=task, cfg=SimpleNamespace(select_max_traj=None,
                                                                  cpu_threads=1))  # fmt: skip
    return check_against_baselines(trainer, plain["store"], run, {"best_val_ade_m": 1.0})


def test_two_val_trips_kNN_at_defaults_answers_named_and_said(plain: dict, tmp_path: Path) -> None:
    import trajlm
    from trajlm.eval import baselines as B

    run = tmp_path / "run"
    got = _checked_with(plain, run, 2)
    assert got["unchecked_engine"] == "kNN continuation" and "2 trip(s)" in got["val_check_skipped"]
    v = json.loads((run / "val_verdict.json").read_text())["predict"]
    assert v["engine"] == "kNN continuation" and "2 trip(s)" in v["unchecked"]
    assert (v["knn"]["n_neighbors"], v["knn"]["history"]) == (10, 5)  # defaults, nothing tuned
    lm = trajlm.TrajLM.from_pretrained(run, threads=1)
    hist = _circle_trips(n=3, points=25, seed=9).with_columns(
        traj_id=pl.lit("q") + pl.col("traj_id")
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = lm.predict(hist, steps=5)
    assert set(out["engine"]) == {"kNN continuation"} and lm.last_engine == "kNN continuation"
    said = [str(w.message) for w in caught if "not checked against the baselines" in str(w.message)]
    assert len(said) == 1 and "2 trip(s)" in said[0] and "default settings" in said[0]
    # fleetfix28: the NaN std_m is said in that line, not in a second one
    assert "std_m is NaN" in said[0]
    assert not [
        w for w in caught if str(w.message).count("std_m is NaN") and w.message.args[0] != said[0]
    ]
    train = read_store(plain["store"], split="train").drop("split")
    want = B.KNNContinuation().fit(train).predict(hist, steps=5)
    assert (out["lat"] - want["lat"]).abs().max() < 1e-9
    own = lm.predict(hist, steps=5, fallback=False)  # the opt-out: the model's own answer
    assert (own["lat"] - out["lat"]).abs().max() > 0


def test_three_val_trips_keep_the_checked_verdict(plain: dict, tmp_path: Path) -> None:
    run = tmp_path / "run"
    got = _checked_with(plain, run, 3)
    assert "val_check_skipped" not in got and "unchecked_engine" not in got
    v = json.loads((run / "val_verdict.json").read_text())["predict"]
    assert "unchecked" not in v and v["n_val_trips"] == 3
