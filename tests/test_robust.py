"""Graceful degradation off the training distribution (issue 14; trajlm/model/scale.py):
the scale-invariant residual and the coverage gate."""

from __future__ import annotations

import pytest
import torch
from helpers import STATS, make_batch
from test_generalization import morning_table

from trajlm.data.store import write_store
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.model.coverage import compute_coverage
from trajlm.model.scale import gate_from_coverage, history_gate, step_scale

COVERAGE = {"traj_speed_mps": {"p5": 3.0, "p95": 20.0}, "dt_s": {"p1": 10.0, "p99": 20.0}}


def model(**kw) -> TrajectoryModel:
    torch.manual_seed(0)
    cfg = dict(d_model=32, n_layers=2, n_heads=2, max_len=64, stats=dict(STATS),
               residual_base="constant_velocity", position_frame="trajectory")  # fmt: skip
    m = TrajectoryModel(ModelConfig(**{**cfg, **kw})).eval()
    with torch.no_grad():  # a trained-looking correction (zero-initialized it would be CV)
        for p in (*m.head.parameters(), *m.base_gate.parameters()):
            p.normal_(0, 0.3)
    return m


def scaled(batch: dict, s: float) -> dict:
    return {**batch, "pos": batch["pos"] * s}


@pytest.mark.parametrize("use_cache", [True, False])
def test_scale_invariant_prediction_scales_with_the_window(use_cache):
    batch = make_batch(B=3, T=12, lengths=(12, 7, 3))
    m = model(scale_invariant=True)
    base = m.generate(batch, steps=4, use_cache=use_cache)["pos"]
    for s in (0.1, 3.0):
        out = m.generate(scaled(batch, s), steps=4, use_cache=use_cache)["pos"]
        torch.testing.assert_close(out, base * s, rtol=1e-4, atol=1e-3 * s)
    # the plain residual model is not: its correction has the store's fixed size
    plain = model()
    p0 = plain.generate(batch, steps=4, use_cache=use_cache)["pos"]
    p1 = plain.generate(scaled(batch, 0.1), steps=4, use_cache=use_cache)["pos"]
    assert (p1 - p0 * 0.1).abs().max() > 1.0


def test_scale_invariant_cached_matches_full_pass_and_is_deterministic():
    batch = make_batch(B=3, T=12, lengths=(12, 7, 3))
    m = model(scale_invariant=True)
    a = m.generate(batch, steps=5)
    b = m.generate(batch, steps=5, use_cache=False)
    torch.testing.assert_close(a["pos"], b["pos"], rtol=1e-4, atol=1e-3)
    torch.testing.assert_close(a["pos_std"], b["pos_std"], rtol=1e-4, atol=1e-3)
    assert torch.equal(m.generate(batch, steps=5)["pos"], a["pos"])


def test_step_scale_is_causal_and_skips_glitches():
    batch = make_batch(B=2, T=10, lengths=(10, 10))
    m = model(scale_invariant=True)
    feats = m.embed.features(batch["pos"], batch["t"], batch["t0"], batch["mask"])
    s = step_scale(feats, 25.0, 0.0)
    assert torch.all(s[:, 0] == 1.0)  # no step yet: the store scale
    expect = feats[0, 1:4, 2:4].norm(dim=-1).mean()
    torch.testing.assert_close(s[0, 3], expect)  # mean of the steps 1..3 only
    glitch = feats.clone()
    glitch[0, 5, 2] = 100.0  # a GPS jump: neither counted nor moving the scale
    g = step_scale(glitch, 25.0, 0.0)
    torch.testing.assert_close(g[0, 5], s[0, 4])
    torch.testing.assert_close(g[0, :5], s[0, :5])


def test_gate_is_one_in_coverage_and_shrinks_outside():
    v = torch.tensor([3.0, 10.0, 20.0, 1.0, 60.0, 10.0, 10.0])
    d = torch.tensor([15.0, 10.0, 20.0, 15.0, 15.0, 40.0, 5.0])
    g = gate_from_coverage(COVERAGE, v, d)
    assert torch.equal(g[:3], torch.ones(3))  # inside both ranges: exactly 1
    torch.testing.assert_close(g[3:], torch.tensor([1 / 3, 1 / 3, 0.5, 0.5]))
    assert torch.equal(gate_from_coverage(None, v, d), torch.ones(7))  # old checkpoint


def test_gated_model_is_unchanged_inside_and_nearer_cv_outside():
    batch = make_batch(B=3, T=12, lengths=(12, 12, 12))
    batch["t"] = torch.arange(12.0)[None].expand(3, 12) * 15  # 15 s sampling
    cv = model()
    with torch.no_grad():  # the untrained residual model IS constant velocity
        for p in (*cv.head.mean.parameters(), *cv.base_gate.parameters()):
            p.zero_()
    plain, gated = model(), model(coverage_gate="speed")
    step = 15 * 8.0  # 8 m/s: inside [3, 20]
    for mm in (plain, gated):
        mm.config.coverage = COVERAGE
    inside = {**batch, "pos": torch.randn(3, 12, 2) + torch.arange(12.0)[None, :, None] * step}
    assert torch.equal(gated.generate(inside, 3)["pos"], plain.generate(inside, 3)["pos"])
    outside = {**inside, "pos": inside["pos"] / 8}  # ~1 m/s: a third of the slowest taxis
    f = gated.embed.features(outside["pos"], outside["t"], outside["t0"], outside["mask"])
    g = history_gate(gated, f, torch.full((3,), 11))
    assert torch.all(g < 0.6) and torch.all(g > 0.2)  # ~1.4 m/s of 3
    base = cv.generate(outside, 3)["pos"]
    err_gated = (gated.generate(outside, 3)["pos"] - base).norm(dim=-1).mean()
    err_plain = (plain.generate(outside, 3)["pos"] - base).norm(dim=-1).mean()
    assert err_gated < 0.6 * err_plain
    assert err_gated > 0  # shrunk, not switched off


def test_gate_off_coverage_repeats_long_steps_of_coarse_sampling():
    """A ship fixed every 20 min moves km between fixes: steps the model's own base drops as
    glitches (|step| > max_step_norm store units). Off coverage the gate shrinks toward the
    input's own constant velocity (model/scale.py coverage_base): far steps are repeated, the
    rollout keeps the 20-min sampling, and a step at a glitch's speed is still not repeated."""
    gated = model(coverage_gate="speed")
    gated.config.coverage = COVERAGE
    dxy = float(STATS["dxy_scale"])
    step = 40.0 * dxy  # beyond max_step_norm (25) store units, but ~2-3 m/s over 1,200 s
    t = torch.arange(6.0)[None] * 1200
    pos = torch.stack([torch.arange(6.0) * step, torch.zeros(6)], -1)[None]
    batch = {"pos": pos, "t": t, "t0": torch.zeros(1), "mask": torch.ones(1, 6, dtype=torch.bool)}
    out = gated.generate(batch, 3)
    f = gated.embed.features(pos, t, batch["t0"], batch["mask"])
    g = float(history_gate(gated, f, torch.tensor([5]))[0])
    assert g < 0.05  # 1,200 s against a 20 s training range
    cv = pos[0, -1, 0] + step * torch.arange(1, 4)
    assert torch.allclose(out["pos"][0, :, 0], cv, rtol=0.1)  # near CV, not standing still
    assert torch.allclose(torch.diff(out["t"][0]), torch.full((2,), 1200.0), rtol=0.1)
    jump = pos.clone()
    jump[0, -1, 0] += 1e4 * step  # a step no mover makes in 20 min
    far = gated.generate({**batch, "pos": jump}, 3)["pos"][0, :, 0]
    assert (far - jump[0, -1, 0]).abs().max() < 1e3 * step


def test_new_fields_need_the_residual_and_old_configs_load():
    with pytest.raises(ValueError, match="need residual_base"):
        ModelConfig(scale_invariant=True)
    with pytest.raises(ValueError, match="coverage_gate must be one of"):
        ModelConfig(residual_base="constant_velocity", coverage_gate="speedy")
    cfg = ModelConfig.from_dict({"d_model": 32, "n_heads": 2})
    assert cfg.scale_invariant is False and cfg.coverage_gate == "none"


def test_coverage_records_trajectory_median_speeds(tmp_path):
    write_store(morning_table(n=20), tmp_path / "s")
    cov = compute_coverage(tmp_path / "s")
    tv = cov["traj_speed_mps"]
    assert 0 < tv["p5"] <= tv["p50"] <= tv["p95"] < 40


def test_speed_augmentation_scales_about_the_first_point_deterministically():
    from types import SimpleNamespace

    from trajlm.train.config import TrainConfig
    from trajlm.train.feed import BatchFeed

    cfg = TrainConfig(speed_scale_prob=0.5, speed_scale_range=[0.1, 1.0], seed=3)
    feed = SimpleNamespace(cfg=cfg, step=7)
    batch = make_batch(B=64, T=6, lengths=[6] * 64)
    a = BatchFeed._scale_speeds(feed, batch)
    b = BatchFeed._scale_speeds(feed, batch)
    assert torch.equal(a["pos"], b["pos"]) and torch.equal(a["t"], batch["t"])
    assert torch.equal(a["pos"][:, 0], batch["pos"][:, 0])  # about the first point
    rel = (a["pos"] - a["pos"][:, :1]).norm(dim=-1)[:, 1:] / (
        batch["pos"] - batch["pos"][:, :1]
    ).norm(dim=-1)[:, 1:]
    f = rel.mean(1)
    assert torch.allclose(rel, f[:, None], rtol=1e-4)  # one factor per window
    hit = f < 1 - 1e-6
    assert 16 < int(hit.sum()) < 48 and float(f.min()) >= 0.1 - 1e-6
    other = BatchFeed._scale_speeds(SimpleNamespace(cfg=cfg, step=8), batch)
    assert not torch.equal(other["pos"], a["pos"])  # a new draw each step
    with pytest.raises(ValueError, match="speed_scale_range"):
        TrainConfig(speed_scale_range=[1.0, 0.1])


@pytest.mark.slow
def test_eval_script_scores_val_gated_and_the_table_lists_cv_once(tmp_path):
    import importlib.util
    import json
    from pathlib import Path

    from trajlm.data.ingest import synth_store

    scripts = Path(__file__).resolve().parent.parent / "scripts"

    def load(name):
        spec = importlib.util.spec_from_file_location(name, scripts / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod

    store = tmp_path / "s"
    synth_store(store, n_trajectories=60, seed=4)
    m = model()
    cov = compute_coverage(store)  # its own coverage, but its speeds far above the city's
    m.config.coverage = {**cov, "traj_speed_mps": {"p5": 100.0, "p95": 200.0}}
    m.save_pretrained(tmp_path / "m")
    out = tmp_path / "r.json"
    ev = load("pretrain_eval")
    args = ["--data", str(store), "--label", "x", "--split", "val", "--out", str(out)]
    plain = ev.main([*args, "--model", f"tiny={tmp_path / 'm'}"])
    gated = ev.main([*args, "--coverage-gate", "speed", "--model", f"tiny gated={tmp_path / 'm'}"])
    assert plain[0]["split"] == "val" and gated[1]["coverage_gate"] == "speed"
    assert plain[0]["n_trips"] == gated[0]["n_trips"] > 0
    # the city is slower than the coverage: the gated model is nearer constant velocity
    assert abs(gated[1]["ratio"] - 1) < 0.5 * abs(plain[1]["ratio"] - 1)
    table = load("pretrain_table").main([str(out)])
    assert table.count("| constant velocity |") == 1 and "tiny gated" in table
    assert len(json.loads(out.read_text())) == 4


def test_results_driver_parses_and_names_its_recipes():
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    script = root / "scripts" / "robust_results.sh"
    subprocess.run(["bash", "-n", str(script)], check=True)
    text = script.read_text()
    for recipe in ("trajlm_small", "robust_scale", "robust_speed_aug"):
        assert recipe in text and (root / "configs" / f"{recipe}.toml").is_file()
    import tomllib

    from trajlm.train.config import TrainConfig

    recipes = ("robust_scale", "robust_speed_aug", "robust_aug_ctxpos", "robust_aug_scale",
               "robust_aug_wide")  # fmt: skip
    for toml in recipes:  # the recipes build as configs
        cfg = tomllib.loads((root / "configs" / f"{toml}.toml").read_text())
        ModelConfig.from_dict(cfg["model"])
        TrainConfig.from_dict(cfg["train"])
    assert ModelConfig.from_dict(cfg["model"]).residual_base == "constant_velocity"


def test_results_driver_choice_stage_reads_recipe_steps(tmp_path):
    """STAGE=choice dry run (PY=echo): RECIPE@STEPS trains configs/RECIPE.toml for STEPS steps
    into its own run dir, every seed of every recipe, and scores nothing it has not trained."""
    import os
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PY": "echo", "STAGE": "choice", "SEEDS": "0 1",
           "R": str(tmp_path / "r"), "O": str(tmp_path / "o"),
           "VAL_RECIPES": "robust_speed_aug robust_speed_aug@1200"}  # fmt: skip
    subprocess.run(["bash", "scripts/robust_results.sh"], cwd=root, env=env, check=True,
                   capture_output=True)  # fmt: skip
    logs = sorted(p.name for p in (tmp_path / "r").glob("*.log"))
    assert logs == ["porto_robust_speed_aug@1200_s0.log", "porto_robust_speed_aug@1200_s1.log",
                    "porto_robust_speed_aug_s0.log", "porto_robust_speed_aug_s1.log"]  # fmt: skip
    long = (tmp_path / "r" / "porto_robust_speed_aug@1200_s1.log").read_text()
    assert "configs/robust_speed_aug.toml --max-steps 1200 --seed 1" in long
    short = (tmp_path / "r" / "porto_robust_speed_aug_s0.log").read_text()
    assert "--max-steps 600 --seed 0" in short
    assert not (tmp_path / "o" / "scores_choice.json").exists()  # echo wrote no scores


def test_compare_script_pairs_two_recipes_on_the_same_trips(tmp_path):
    """scripts/robust_compare.py: a model against itself differs by exactly 0; against constant
    velocity's twin (the zero-correction model) the paired CI brackets the mean difference."""
    import importlib.util
    import json
    from pathlib import Path

    from trajlm.data.ingest import synth_store

    path = Path(__file__).resolve().parent.parent / "scripts" / "robust_compare.py"
    spec = importlib.util.spec_from_file_location("robust_compare", path)
    cmp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cmp)
    store = tmp_path / "s"
    synth_store(store, n_trajectories=60, seed=4)
    model().save_pretrained(tmp_path / "m")
    plain = TrajectoryModel(model().config)  # zero-initialized correction: constant velocity
    plain.save_pretrained(tmp_path / "cv")
    out = tmp_path / "c.json"
    args = ["--data", str(store), "--split", "val", "--out", str(out)]
    same = cmp.main([*args, "--a", f"m={tmp_path / 'm'}", "--b", f"m2={tmp_path / 'm'}"])
    assert same["diff"] == same["lo"] == same["hi"] == 0.0 and same["n"] > 0
    both = ",".join([str(tmp_path / "m")] * 2)
    diff = cmp.main([*args, "--a", f"m={both}", "--b", f"cv={tmp_path / 'cv'}"])
    assert diff["n_seeds"] == [2, 1] and diff["diff"] != 0
    assert diff["lo"] <= diff["diff"] <= diff["hi"]
    assert abs(diff["diff"] - (diff["mae_a_m"] - diff["mae_b_m"])) < 1e-6
    wider = cmp.main([*args, "--a", f"m={both}", "--b", "cv", "--level", "0.99"])
    assert wider["b"] == "constant velocity" and wider["n_seeds"] == [2, 0]
    assert abs(wider["diff"] - diff["diff"]) < 1e-3  # the zero-correction model IS CV
    assert wider["hi"] - wider["lo"] > diff["hi"] - diff["lo"]  # 99 % is wider than 95 %
    assert len(json.loads(out.read_text())) == 3
    spec = importlib.util.spec_from_file_location(
        "pretrain_table", path.with_name("pretrain_table.py")
    )
    table = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(table)
    text = table.main([str(out)])
    assert "| m | cv | 2/1 |" in text and "| m | constant velocity | 2 |" in text
    assert text.count("(99 %) |") == 1  # the one record at another level names it


def test_results_driver_compare_stage_pairs_the_runs_that_exist(tmp_path):
    """STAGE=compare dry run (PY=echo): A - B on a split only where both recipes have runs,
    plain and gated, each recipe's seeds as one comma-separated list."""
    import os
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    r = tmp_path / "r"
    for run in ("porto_x_s0", "porto_x_s1", "porto_y_s0", "geolife_x_s0"):
        (r / run / "best").mkdir(parents=True)
    env = {**os.environ, "PY": "echo", "STAGE": "compare", "SEEDS": "0 1", "R": str(r),
           "O": str(tmp_path / "o"), "COMPARE": "x y"}  # fmt: skip
    out = subprocess.run(["bash", "scripts/robust_results.sh"], cwd=root, env=env, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    calls = [line for line in out.splitlines() if "robust_compare.py" in line]
    assert len(calls) == 3 * 2 + 2 * 2  # val slow, val, Porto val; Porto -> GeoLife, Porto test
    assert all(f"--a x={r}/porto_x_s0/best,{r}/porto_x_s1/best --b y={r}/porto_y_s0/best" in c
               for c in calls)  # fmt: skip
    assert sum("--coverage-gate speed" in c for c in calls) == 5
    assert not any("GeoLife -> Porto" in c for c in calls)  # geolife_y has no run
