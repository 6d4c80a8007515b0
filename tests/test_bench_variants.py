"""Smoke test of the issue-18 ablation benches (docs/ablations.md sections 6-10): ablate.py
trains and compares a variant with a [train] override and one with longer output patches;
rollout_speed.py times and scores the same runs."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from trajlm.data.ingest import synth_store

BENCH = Path(__file__).resolve().parent.parent / "bench"


def load_bench(name: str):
    sys.path.insert(0, str(BENCH))  # the benches import each other (inference, ablate)
    try:
        spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod
    finally:
        sys.path.remove(str(BENCH))


@pytest.mark.slow
def test_ablate_and_rollout_speed_end_to_end(tmp_path, monkeypatch):
    store = tmp_path / "city"
    synth_store(store, n_trajectories=60, seed=3)
    runs, out = tmp_path / "runs", tmp_path / "abl.json"
    ablate = load_bench("ablate")
    argv = ["ablate.py", "--data", str(store), "--runs", str(runs), "--steps", "2",
            "--seeds", "0", "--eval", "16", "--variants", "patch4_out8", "guided_opt",
            "--out", str(out)]  # fmt: skip
    monkeypatch.setattr(sys, "argv", argv)
    ablate.main()
    doc = json.loads(out.read_text())
    assert set(doc["rows"]) == {"int8", "patch4_out8", "guided_opt"}
    assert doc["dense"]["train_peak_rss_mb"] > 0 and doc["rows"]["guided_opt"]["n_params"] > 0
    saved = json.loads((runs / "guided_opt_s0" / "train_config.json").read_text())
    assert saved["optimizer"] == "guided"
    speed = load_bench("rollout_speed")
    res = speed.main(["--data", str(store), "--runs", str(runs), "--variants", "dense",
                      "patch4_out8", "--seeds", "0", "--steps", "5", "--repeats", "1",
                      "--eval", "16", "--out", str(tmp_path / "speed.json")])  # fmt: skip
    assert res["rows"]["dense@5"]["passes"] == 5 and res["rows"]["patch4_out8@5"]["passes"] == 1
