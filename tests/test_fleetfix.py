"""Session 13 (fleetfix): what a fleet data scientist found in the Python API
(docs/reliability.md "Session 13 (fleetfix)")."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import polars as pl
import pytest
import torch

import trajlm
from trajlm.model import ModelConfig, TrajectoryModel

W = "blocks.0.attn.q_proj.weight"


def _save(path: Path, seed: int) -> torch.Tensor:
    from helpers import STATS

    torch.manual_seed(seed)
    m = TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=16, stats=STATS))
    m.save_pretrained(path)
    return m.state_dict()[W]


# ----------------------------------------------------------------- item 0: weights="last"


def test_weights_last_loads_the_final_step_in_every_run_layout(tmp_path, caplog):
    # a plain `trajlm train` run (and a finetune_task OUT): RUN = final, RUN/best = selected
    last, best = _save(tmp_path / "run", 0), _save(tmp_path / "run" / "best", 1)
    (tmp_path / "run" / "train_summary.json").write_text(json.dumps({"steps": 9, "best_step": 6}))
    with caplog.at_level(logging.INFO, logger="trajlm"):
        got = trajlm.TrajLM.from_pretrained(tmp_path / "run", weights="last")
    assert torch.equal(got.model.state_dict()[W], last) and got.path == tmp_path / "run"
    assert "final-step weights" in caplog.text and "step 9" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="trajlm"):
        got = trajlm.TrajLM.from_pretrained(tmp_path / "run")
    assert torch.equal(got.model.state_dict()[W], best)
    assert "val-selected" in caplog.text and "step 6 of 9" in caplog.text
    # finetune_next_point's OUT: train/ (final), train/best/ (selected), merged/ (selected)
    ft = tmp_path / "ft"
    last, best = _save(ft / "train", 2), _save(ft / "train" / "best", 3)
    merged = _save(ft / "merged", 3)
    for where in (ft, ft / "train"):
        got = trajlm.TrajLM.from_pretrained(where, weights="last").model.state_dict()[W]
        assert torch.equal(got, last), where
    assert torch.equal(trajlm.TrajLM.from_pretrained(ft / "train").model.state_dict()[W], best)
    assert torch.equal(trajlm.TrajLM.from_pretrained(ft).model.state_dict()[W], merged)
    # a LoRA fine-tune keeps no final-step model: said, not silently the merged one
    lora = tmp_path / "lora"
    _save(lora / "merged", 4)
    (lora / "train").mkdir()
    with pytest.raises(FileNotFoundError, match="weights='last' is not available"):
        trajlm.TrajLM.from_pretrained(lora, weights="last")


# ------------------------------------------------- item 3: the final step is always validated


def _store(tmp_path: Path) -> Path:
    from trajlm.data.ingest import synth_store

    synth_store(tmp_path / "synth", n_trajectories=30, seed=1)
    return tmp_path / "synth"


def test_final_step_is_validated_and_the_kept_step_is_said(tmp_path):
    from trajlm.finetune.trainer import finetune_next_point
    from trajlm.train.trainer import TrainConfig, Trainer

    torch.set_num_threads(1)
    store = _store(tmp_path)
    tc = TrainConfig(batch_size=4, max_len=16, lr=3e-3, warmup_steps=1, eval_every=3,
                     eval_batches=2, max_steps=5, progress=False, cpu_threads=1)  # fmt: skip
    mc = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=16)
    s = Trainer(store, tmp_path / "run", mc, tc).fit()  # plain train: 5 is not a multiple of 3
    assert "validations at steps 3, 5" in s["best_weights"]
    saved = json.loads((tmp_path / "run" / "train_summary.json").read_text())
    assert saved["best_weights"].startswith(f"step {saved['best_step']}:")
    _save(tmp_path / "base", 0)
    s = finetune_next_point(tmp_path / "base", store, tmp_path / "ft", mode="full",
                            max_steps=5, train_config=tc)  # fmt: skip
    assert [r["step"] for r in s["log"]] == [3, 5]
    assert s["val_loss_last"] == s["log"][-1]["val_loss"]
    assert s["kept"].startswith(f"step {s['best_step']}:") and "steps 0, 3, 5" in s["kept"]


# ------------------------------------------- item 1: match_summary on any frame, nullable ints


def test_match_summary_takes_the_api_output_and_edge_id_stays_integer():
    from test_roads import graph_from_xy, trace

    from trajlm.roads import match, match_summary

    g = graph_from_xy([[[0, 0], [1000, 0]], [[0, 5000], [1000, 5000]]])
    xy = [[100, 0], [200, 0], [300, 2000], [400, 0], [100, 5000], [200, 5000]]
    two = pl.concat([trace(xy, traj="a"), trace(xy[:2], traj="b")])
    want = match_summary(match(two, g))
    assert want == {"points": 8, "unmatched": 1, "breaks": 1}
    user = two.to_pandas().rename(columns={"traj_id": "shift", "t": "ts"})
    got = trajlm.TrajLM.match(user, g, traj_col="shift", time_col="ts")  # pandas in, pandas out
    assert str(got["edge_id"].dtype) == "Int64" and str(got["way_id"].dtype) == "Int64"
    assert got["edge_id"].isna().sum() == 1
    assert match_summary(got) == want  # "shift" is no recognised id: the rows' order
    assert match_summary(got, traj_col="shift") == want
    assert match_summary(got.rename(columns={"shift": "trip_id"})) == want


# ------------------------------ item 4: ModelClassifier takes the caller's names, warns 1-class


def test_model_classifier_takes_column_names_and_warns_on_one_class(monkeypatch):
    import warnings

    import numpy as np

    from trajlm.data.segments import CLASS_MAP, make_mode_segments
    from trajlm.data.synthetic import generate_city

    torch.set_num_threads(1)
    seg, _ = make_mode_segments(generate_city(n_trajectories=40, seed=2).points,
                                {**CLASS_MAP, "walk": "walk"})  # fmt: skip
    user = seg.to_pandas().rename(columns={"traj_id": "seg", "t": "fix_time"})
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=16)
    clf = trajlm.ModelClassifier(None, model_config=cfg, mode="full", max_len=16, epochs=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf.fit(user, traj_col="seg", time_col="fix_time")
    pred = clf.classify(user, traj_col="seg", time_col="fix_time")
    assert (pred == clf.classify(seg)).all() and len(pred) == seg["traj_id"].n_unique()
    one = [w for w in caught if "predicts" in str(w.message) and "for all" in str(w.message)]
    assert len(one) == (len(set(pred)) == 1)  # warned exactly when it is one class
    # a majority-class model: one line naming the class and its share
    k = len(clf.classes_)
    monkeypatch.setattr(clf, "_predict", lambda _c, _b, owner: np.tile(
        np.eye(k)[0], (int(owner.max()) + 1, 1)))  # fmt: skip
    scored = (*clf._windows(seg, clf.classifier_)[:2], np.asarray(["x"] * len(pred)))
    with pytest.warns(UserWarning, match=f"predicts '{clf.classes_[0]}' for all {len(pred)}"):
        clf._warn_one_class(scored, "val")
