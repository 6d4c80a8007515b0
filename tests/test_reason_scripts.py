"""scripts/reasoning_results.py end to end on a tiny synthetic store (the tables of
docs/reasoning.md come from it)."""

import json

import pytest
from test_results_scripts import load_script

from trajlm.data.ingest import synth_store
from trajlm.model import ModelConfig
from trajlm.train.trainer import TrainConfig, Trainer


@pytest.mark.slow
def test_reasoning_results_regen_and_dpo(tmp_path):
    store, run, out = tmp_path / "synth", tmp_path / "run", tmp_path / "out"
    synth_store(store, n_trajectories=60, seed=3)
    cfg = TrainConfig(batch_size=8, max_len=24, max_steps=20, eval_every=0, progress=False,
                      cpu_threads=1, warmup_steps=2, lr=3e-3)  # fmt: skip
    Trainer(store, run, ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32), cfg).fit()
    mod = load_script("reasoning_results")
    common = ["--data", str(store), "--runs", str(run), "--out", str(out), "--limit", "12",
              "--reps", "1"]  # fmt: skip
    mod.main(["regen", *common, "--max-tries", "3"])
    doc = json.loads((out / "reason_regen.json").read_text())
    row = doc["runs"][0]
    lo, hi = doc["paired_ci95"]["invalid_change_pp_ci95"]
    assert lo <= hi <= 0  # rejection never adds invalid rows
    assert 0 <= row["invalid_regen_pct"] <= row["invalid_plain_pct"] <= 100
    assert 1.0 <= row["cost_rows"] <= 3.0 and row["ade_mean_m"] > 0
    assert row["horizon_true_s"] > 0 and set(row["invalid_plain_pct_by_mode"]) <= {
        "walk",
        "bike",
        "bus",
        "car",
    }
    mod.main(["dpo", *common, "--limit-train", "20", "--steps", "2"])
    row = json.loads((out / "reason_dpo.json").read_text())["runs"][0]
    assert row["n_pairs"] >= 0 and row["ade_before_m"] > 0 and row["ade_after_m"] > 0
    assert (out / "reason_dpo.md").read_text().startswith("|")
