"""scripts/blend21_table.py (session 21, blend21; docs/candidates.md "Session 21 (blend21)"):
the val-fitted gate between the selector and a model, and the table's ratios to kNN."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from trajlm.data.ingest import synth_store
from trajlm.data.store import read_store
from trajlm.eval.candidate_selector import SelectorConfig
from trajlm.eval.protocol import split_tables
from trajlm.eval.selector_predictor import CandidateSelectorPredictor

ROOT = Path(__file__).resolve().parent.parent
TINY = {"top_k": 3, "max_train_windows": 1500, "max_val_windows": 400,
        "place_grid": {"w_place": (0.1,), "w_heading": (100.0,), "n_neighbors": (5,)}}  # fmt: skip


def script():
    spec = importlib.util.spec_from_file_location(
        "blend21_table", ROOT / "scripts" / "blend21_table.py"
    )
    mod = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(ROOT / "scripts"))
    spec.loader.exec_module(mod)
    return mod


def test_the_gate_weight_follows_whichever_predictor_is_right_on_val():
    mod = script()
    rng = np.random.default_rng(0)
    target = 41.0 + rng.normal(0, 1e-3, (30, 5, 2))
    task = SimpleNamespace(target_latlon=target)
    off = target + 5e-4  # ~50 m away everywhere
    assert mod.gate_w(off, target, task) == 1.0  # the model is exact: all the way to it
    assert mod.gate_w(target, off, task) == 0.0  # the selector is exact: stay
    half = mod.gate_w(target - 5e-4, target + 5e-4, task)  # errors opposite: the midpoint
    assert half == pytest.approx(0.5)


@pytest.mark.slow
def test_the_table_scores_saved_selectors_against_knn(tmp_path):
    mod = script()
    synth_store(tmp_path / "s", n_trajectories=60, seed=1)
    parts = split_tables(read_store(tmp_path / "s"))
    for seed in (0, 1):
        sel = CandidateSelectorPredictor(**TINY, selector=SelectorConfig(max_epochs=2))
        sel.fit(parts["train"], parts["val"], seed=seed).save(tmp_path / f"sel{seed}")
    sels = f"{tmp_path / 'sel0'},{tmp_path / 'sel1'}"
    mod.main(["--data", str(tmp_path / "s"), "--split", "test", "--selector", sels,
              "--out", str(tmp_path / "t.json")])  # fmt: skip
    doc = json.loads((tmp_path / "t.json").read_text())
    rows = {r["method"]: r for r in doc["rows"]}
    assert rows["kNN continuation"]["vs_knn"]["ratio"] == 1.0
    assert rows["selector"]["n_seeds"] == 2 and len(rows["selector"]["seed_mae_m"]) == 2
    assert "selector (seed ensemble)" in rows
    # without a model there is no gate; the pick is one of the predictors, read on val only
    assert "gate (selector, model)" not in rows
    pick = doc["meta"]["levers"]["pick"]
    assert pick in ("kNN continuation", "kNN continuation (place-aware)", "selector")
    assert doc["meta"]["levers"]["val_mae"][pick] == min(doc["meta"]["levers"]["val_mae"].values())
    mean = np.mean(rows["selector"]["seed_mae_m"])
    assert rows["selector"]["mae_m"] == pytest.approx(mean)  # per-trip errors averaged over seeds
    assert "| / kNN (95 % CI) |" in (tmp_path / "t.md").read_text()
