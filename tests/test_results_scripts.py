"""The result scripts behind docs/results.md, each end to end on the synthetic city in a few
steps: the masking ablation (issue 6) and its table maker, and the adaptation tables (issue 7:
transport modes, similarity search, transfer)."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from trajlm.data.ingest import synth_store
from trajlm.train.objectives import ObjectiveMix

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
def test_ablation_masking_end_to_end(tmp_path):
    abl = load_script("ablation_masking")
    store = tmp_path / "synth"
    synth_store(store, n_trajectories=40, seed=2)
    out = tmp_path / "abl"
    args = ["--data", str(store), "--out", str(out), "--steps", "3", "--seeds", "0",
            "--ratios", "0.5", "--strategies", "points", "spans", "features", "--mask-seeds", "0"]  # fmt: skip
    abl.main(args)
    doc = json.loads((out / "ablation.json").read_text())
    runs = doc["runs"]
    assert [(r["strategy"], r["ratio"], r["seed"]) for r in runs] == [
        ("points", 0.5, 0), ("spans", 0.5, 0), ("features", 0.5, 0)
    ]  # fmt: skip
    assert [r["recover_mode"] for r in runs] == ["inplace", "span", "inplace"]
    for r in runs:
        assert r["eval_split"] == "val" and r["steps"] == 3
        # evaluated on the val rows only: the harness saw them as "test", no real test rows
        assert r["split_sizes"]["val"]["n_trajectories"] == 0
        assert r["split_sizes"]["test"]["n_trajectories"] > 0
        assert r["mae_random50_m"] > 0 and r["mae_240s_m"] > 0 and r["linear_240s_m"] > 0
        assert set(r["modes"]) == {"inplace", "span"}
        mix = r["objectives"]
        assert mix["causal"] == 1.0 and mix[r["strategy"]] == 1.0
        assert mix["mask_ratio_min"] == mix["mask_ratio_max"] == 0.5
        saved = json.loads((Path(r["run"]) / "train_config.json").read_text())
        mix = ObjectiveMix.from_dict(saved["objectives"])
        assert mix.downsample_prob == (0.0 if r["strategy"] == "points" else 0.5)
        assert saved["eval_every"] == 0 and saved["max_steps"] == 3
    assert runs[0]["linear_random50_m"] == runs[1]["linear_random50_m"]  # same val rows
    md = (out / "ablation.md").read_text()
    assert "| spans | 0.5 | span |" in md and "linear interp." in md
    # a second call reuses the records instead of retraining
    mtime = (Path(runs[0]["run"]) / "model.safetensors").stat().st_mtime
    abl.main(args)
    assert (Path(runs[0]["run"]) / "model.safetensors").stat().st_mtime == mtime


def _eval_doc(task: str, kind: str, values: dict[int, float], key: str) -> dict:
    models = [f"/o/{'run' if kind == 'zeroshot' else 'ft-' + task}-s{s}/best" for s in values]
    rows = [{"setting": "k=5", "method": "constant velocity", "metrics": {key: 10.0},
             "std": None}]  # fmt: skip
    rows += [{"setting": "k=5", "method": f"trajlm:{m}", "metrics": {key: v}, "std": None}
             for m, v in zip(models, values.values(), strict=True)]  # fmt: skip
    rows.append({"setting": "k=5", "method": "trajlm (mean ± std over 3 runs)",
                 "metrics": {key: 0.0}, "std": {key: 0.0}})  # fmt: skip
    return {"task": task, "models": models, "results": rows,
            "split_sizes": {"test": {"n_trajectories": 5}}}  # fmt: skip


def test_multitask_tables_pairs_seeds(tmp_path):
    tables = load_script("multitask_tables")
    zs = _eval_doc("predict", "zeroshot", {0: 11.0, 1: 12.0, 2: 13.0}, "mae_m")
    ft = _eval_doc("predict", "finetuned", {2: 13.0, 0: 10.0, 1: 10.0}, "mae_m")  # other order
    (tmp_path / "eval_predict_zeroshot.json").write_text(json.dumps(zs))
    (tmp_path / "eval_predict_finetuned.json").write_text(json.dumps(ft))
    md = tables.main([str(tmp_path)]).read_text()
    # ratios by seed: 1.1, 1.2, 1.0 -> mean 1.1 (the aggregate row is ignored)
    assert "| predict | k=5 | ADE (m) | 1.100 ± 0.082 | 1.200 | yes |" in md
    assert "| k=5 | constant velocity | 10.0 | – |" in md
    assert "| k=5 | multi-task, zero-shot | **12.0 ± 0.8** | – |" in md
    with pytest.raises(SystemExit):
        tables.main([str(tmp_path / "empty")])


@pytest.fixture(scope="module")
def pretrained(tmp_path_factory) -> tuple[Path, Path]:
    """(store, run): the synthetic city (with mode labels) and a 3-step tiny model on it."""
    from trajlm.model import ModelConfig
    from trajlm.train.trainer import TrainConfig, Trainer

    root = tmp_path_factory.mktemp("adapt")
    synth_store(root / "synth", n_trajectories=60, seed=4)
    cfg = TrainConfig(max_steps=3, batch_size=4, max_len=32, eval_every=0, save_every=3,
                      progress=False, cpu_threads=1)  # fmt: skip
    model = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=64, pos_type="rope")
    Trainer(root / "synth", root / "pre", model, cfg).fit()
    return root / "synth", root / "pre"


@pytest.mark.slow
def test_modes_results_table(pretrained, tmp_path):
    store, run = pretrained
    args = f"--data {store} --pretrained {run} --out {tmp_path} --epochs 1 --seeds 0"
    args += " --split-by time --specs pre:lora1:16:linear scratch:full:16:linear:feat+bal"
    md = load_script("modes_results").main([*args.split(), "--ensemble", "--seed-average"])
    md = md.read_text()
    lines = md.splitlines()
    assert lines[0].startswith(
        "| method | accuracy (%) | macro-F1 (%) | Δ acc vs GB, pp [95 % CI] |"
    )
    names = [line.split(" | ")[0].lstrip("| ") for line in lines[2:]]
    assert names[:5] == ["majority class", "GB features", "GB features [balanced]",
                         "trajlm pre:lora1:16:linear", "trajlm scratch:full:16:linear:feat+bal"]  # fmt: skip
    assert names[5].startswith("GB + trajlm pre:lora1:16:linear (w on val), w_GB = ")
    assert names[7] == "trajlm pre:lora1:16:linear, mean of 1 seeds"
    assert names[8].startswith("GB + trajlm pre:lora1:16:linear, mean of 1 seeds (w on val)")
    assert len(names) == 3 + 2 + 2 + 4
    harness = json.loads((tmp_path / "eval_classify.json").read_text())
    acc = {r["method"]: r["metrics"]["accuracy_pct"] for r in harness["results"]}
    name = "trajlm scratch:full:16:linear:feat+bal"
    assert f"| {name} | {acc[name]:.1f} ± 0.0 |" in md
    assert (tmp_path / "model-trajlm_pre-lora1-16-linear").is_dir()
    summary = json.loads((tmp_path / "modes_summary.json").read_text())
    ci = summary["methods"][name]["ci_vs_gb"]
    assert ci["lo"] <= ci["diff"] <= ci["hi"] and summary["scored_on"] == "test"


@pytest.mark.slow
def test_similarity_results_table_aggregates_seeds(pretrained, tmp_path):
    store, run = pretrained
    args = f"--data {store} --pretrained {run} --out {tmp_path} --epochs 1 --n-points 8"
    md = load_script("similarity_results").main([*args.split(), "--seeds", "0", "1"]).read_text()
    docs = [
        json.loads((tmp_path / f"seed{s}" / "eval_similarity.json").read_text()) for s in (0, 1)
    ]
    ranks = [next(r for r in d["results"] if r["method"] == "DTW")["metrics"] for d in docs]
    mean = np.mean([m["mean_rank"] for m in ranks])
    std = np.std([m["mean_rank"] for m in ranks])
    assert f"| DTW | {mean:.2f} ± {std:.2f} |" in md and "| 1x |" in md
    assert "| pretrained + contrastive (4 pts) |" in md
    assert len(md.splitlines()) == 2 + 4 + 4  # header + 4 baselines + 4 embeddings


@pytest.mark.slow
def test_transfer_results_table(pretrained, tmp_path):
    store, run = pretrained
    args = f"--source {run} --data {store} --out {tmp_path} --steps 2 --seeds 0"
    args += " --eval-every 1 --batch-size 4"
    md = load_script("transfer_results").main(args.split()).read_text()
    harness = json.loads((tmp_path / "eval" / "eval_predict.json").read_text())
    row = next(r for r in harness["results"] if r["method"] == "transfer, full s0")
    assert f"| transfer, full | 10 % | {row['metrics']['mae_m']:.1f} ± 0.0 |" in md
    assert "| constant velocity |" in md and "| scratch, 100 % | 100 % |" in md
    assert "transfer, full s0" not in md  # the per-seed rows fold into their variant's row


@pytest.mark.slow
def test_train_trace_same_code_is_identical_and_a_change_is_found(tmp_path):
    trace = load_script("train_trace")
    store = tmp_path / "synth"
    synth_store(store, n_trajectories=30, seed=3)
    config = tmp_path / "tiny.toml"
    config.write_text(
        '[model]\nd_model = 16\nn_layers = 1\nn_heads = 2\nmax_len = 16\npos_type = "learned"\n'
        "[train]\nbatch_size = 4\nmax_len = 16\nlr = 3e-3\nwarmup_steps = 1\nmax_steps = 50\n"
        'select_on = "val_loss"\n[train.objectives]\ncausal = 1.0\npoints = 1.0\n'
    )
    common = ["--data", str(store), "--config", str(config), "--steps", "3", "--eval-every", "3"]
    for name, seed in (("a", "0"), ("b", "0"), ("c", "1")):
        assert trace.main([*common, "--out", str(tmp_path / name), "--seed", seed]) == 0
    a = json.loads((tmp_path / "a" / "trace.json").read_text())
    assert a["steps"] == 3 and [r["step"] for r in a["records"]] == [1, 2, 3, 3]
    assert trace.main(["--compare", str(tmp_path / "a"), str(tmp_path / "b")]) == 0
    assert trace.main(["--compare", str(tmp_path / "a"), str(tmp_path / "c")]) == 1
    same, line = trace.compare(a, json.loads((tmp_path / "c" / "trace.json").read_text()))
    assert not same and line.startswith("step 1:")


@pytest.mark.slow
def test_recovery_results_end_to_end(tmp_path):
    """scripts/recovery_results.py (docs/recovery.md): trains, scores, writes the table; a
    3-step spline-anchor model is still within a metre of its Akima baseline."""
    rec = load_script("recovery_results")
    store = tmp_path / "synth"
    synth_store(store, n_trajectories=40, seed=2)
    out = tmp_path / "rec"
    args = ["--data", str(store), "--out", str(out), "--steps", "3", "--seeds", "0",
            "--variants", "akima", "linear", "auto", "--intervals", "120",
            "--mask-seeds", "0"]  # fmt: skip
    rec.main(args)
    doc = json.loads((out / "recovery_val.json").read_text())
    rows = {(r["setting"], r["method"]): r for r in doc["rows"]}
    assert {s for s, _ in rows} == {"random 50 %", "every 120 s"}
    for setting in ("random 50 %", "every 120 s"):
        akima = rows[(setting, "akima spline")]["mae_m"]
        model = rows[(setting, "model over Akima anchor")]
        assert len(model["mae_m_per_seed"]) == 1 and model["ci"]["lo"] <= model["ci"]["hi"]
        assert abs(model["mae_m_per_seed"][0] - akima) < 0.05 * akima
        assert (setting, "model over linear anchor") in rows
        auto = rows[(setting, "model over gap-switched anchor")]  # Akima <= 180 s, else linear
        anchor = rows[(setting, "akima <= 180 s, else linear")]["mae_m"]
        assert auto["anchor"] == "akima <= 180 s, else linear"
        assert abs(auto["mae_m_per_seed"][0] - anchor) < 0.05 * anchor
    md = (out / "recovery_val.md").read_text()
    assert "| random 50 % | akima spline |" in md and "model over Akima anchor" in md
    mtime = (out / "akima-s0" / "best" / "model.safetensors").stat().st_mtime
    rec.main(args + ["--eval-only"])  # reuses the runs
    assert (out / "akima-s0" / "best" / "model.safetensors").stat().st_mtime == mtime


@pytest.mark.slow
def test_seed001_ablations_end_to_end(tmp_path):
    """Four arms x two seeds, 3 steps each, scored on the synthetic city's test split."""
    abl = load_script("seed001_ablations")
    store = tmp_path / "synth"
    synth_store(store, n_trajectories=40, seed=2)
    out = tmp_path / "s001"
    args = ["--train", str(store), "--score", f"synth={store}", "--seeds", "0", "1",
            "--steps", "3", "--set", "eval_every=0", "batch_size=4", "d_model=16",
            "n_layers=1", "--out", str(out)]  # fmt: skip
    (scores,) = abl.main(args)
    rows = {r["model"]: r for r in scores["rows"]}
    assert list(rows) == ["constant velocity", "trajectory", "trajectory/motion", "store",
                          "store_ctx/full", "store_ctx/motion", "store_ctx/auto",
                          "store_abs"]  # fmt: skip
    for name, r in rows.items():
        if name != "constant velocity":
            assert r["n_seeds"] == 2 and r["mae_m"] > 0
            assert r["ratio_ci95"][0] <= r["ratio"] * 1.5
    # each arm's config says what the arm is
    cfgs = {a: (out / "configs" / f"{a}.toml").read_text() for a in abl.ARMS}
    assert 'position_frame = "trajectory"' in cfgs["trajectory"]
    assert (
        'position_frame = "store"' in cfgs["store"] and 'context_features = "time"' in cfgs["store"]
    )
    assert 'context_features = "time+position"' in cfgs["store_ctx"]
    assert 'step_target = "absolute"' in cfgs["store_abs"] and "step_target" not in cfgs["store"]
    saved = json.loads((out / "runs" / "store_abs_s1" / "config.json").read_text())
    assert saved["position_frame"] == "store" and saved["d_model"] == 16
    assert saved["step_target"] == "absolute"
    # hiding the position context changes the prediction of a store-frame model
    assert rows["store_ctx/motion"]["mae_per_seed"] != rows["store_ctx/full"]["mae_per_seed"]
    pairs = ["store_abs", "trajectory", "store_ctx/motion", "store_ctx/full",
             "store_ctx/auto", "trajectory/motion"]  # fmt: skip
    assert [p["a"] for p in scores["pairs"]] == pairs
    for p in scores["pairs"]:
        assert p["lo"] <= p["diff"] <= p["hi"] and p["n"] == scores["n_trips"]
    md = (out / "table.md").read_text()
    assert "| synth test (" in md and "| constant velocity | | " in md
    # a second call reuses the runs instead of retraining
    mtime = (out / "runs" / "store_s0" / "model.safetensors").stat().st_mtime
    abl.main(args)
    assert (out / "runs" / "store_s0" / "model.safetensors").stat().st_mtime == mtime


def test_similarity_premise_table_pairs_queries_over_seeds(tmp_path):
    """The foundation premise CI (issue 14 item 7): seed-averaged per-query ranks and hits of
    pretrained + contrastive minus random init + contrastive."""
    sim = load_script("similarity_results")
    pre, scr = "pretrained + contrastive (8 pts)", "random init + contrastive (8 pts)"
    ranks = {0: {pre: [1, 1, 3, 1], scr: [1, 2, 6, 1]}, 1: {pre: [1, 1, 1, 1], scr: [2, 2, 6, 1]}}
    md = sim.premise_table(ranks, 8, tmp_path).read_text()
    rec = json.loads((tmp_path / "premise.json").read_text())
    # seed-averaged ranks: pretrained (1, 1, 2, 1), random init (1.5, 2, 6, 1) -> diff -1.375
    assert rec["mean rank"]["diff"] == pytest.approx(-1.375)
    assert rec["mean rank"]["pretrained"] == [1.5, 1.0] and rec["seeds"] == [0, 1]
    # top-1: pretrained hits (1, 1, .5, 1), random init (.5, 0, 0, 1) in % -> +50
    assert rec["top-1 (%)"]["diff"] == pytest.approx(50.0)
    assert rec["top-5 (%)"]["diff"] == pytest.approx(25.0)  # query 2: rank 6 twice
    assert rec["mean rank"]["lo"] <= -1.375 <= rec["mean rank"]["hi"] < 0
    assert "| mean rank | 2.62 ± 0.12 | 1.25 ± 0.25 | -1.38 (" in md


@pytest.mark.slow
def test_similarity_results_scratch_arm(pretrained, tmp_path):
    store, run = pretrained
    args = f"--data {store} --pretrained {run} --out {tmp_path} --epochs 1 --n-points 8"
    md = load_script("similarity_results").main([*args.split(), "--seeds", "0", "--scratch-arm"])
    assert "| random init + contrastive (8 pts) |" in md.read_text()
    ranks = json.loads((tmp_path / "ranks.json").read_text())["0"]
    harness = json.loads((tmp_path / "seed0" / "eval_similarity.json").read_text())
    for name in ("random init + contrastive (8 pts)", "pretrained + contrastive (8 pts)"):
        row = next(r for r in harness["results"] if r["method"] == name)
        assert np.mean(ranks[name]) == pytest.approx(row["metrics"]["mean_rank"])  # same task
    premise = json.loads((tmp_path / "premise.json").read_text())
    assert premise["mean rank"]["n"] == len(ranks["random init + contrastive (8 pts)"])
    assert (tmp_path / "premise.md").exists()


@pytest.mark.slow
def test_modes_results_paired_pretrained_vs_scratch(pretrained, tmp_path):
    store, run = pretrained
    args = f"--data {store} --pretrained {run} --out {tmp_path} --epochs 1 --seeds 0 1"
    args += " --split-by time --specs pre:full:16:linear:adapt scratch:full:16:linear"
    mod = load_script("modes_results")
    mod.main([*args.split(), "--paired", "pre:full:16:linear:adapt", "scratch:full:16:linear"])
    summary = json.loads((tmp_path / "modes_summary.json").read_text())
    y = np.array(summary["labels"])
    pred = {k: np.array(v["pred"]) for k, v in summary["methods"].items()}
    a, b = pred["trajlm pre:full:16:linear:adapt"], pred["trajlm scratch:full:16:linear"]
    assert a.shape == b.shape == (2, len(y))  # (seeds, segments)
    assert len(summary["paired"]) == 1
    paired = summary["paired"][0]
    want = (a == y).mean(0).mean() - (b == y).mean(0).mean()  # seed-averaged correctness
    assert paired["diff"] == pytest.approx(want) and paired["n"] == len(y)
    assert paired["lo"] <= paired["diff"] <= paired["hi"]
    with pytest.raises(SystemExit, match="--paired pre:full"):
        mod.main([*args.split(), "--paired", "pre:full:16:linear", "scratch:full:16:linear"])
