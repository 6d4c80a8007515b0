"""Issue 14's cross-city claim in miniature (docs/generalization.md "Session 38 (xcity38)"):
`configs/robust_aug_scale.toml`'s two levers (speed augmentation and the scale-invariant
residual), shrunk to a tiny model, trained on a synthetic city of cars, stay below constant
velocity on a synthetic city of walkers it never saw; the same tiny model without the two
levers is worse than CV there, so the pair of cities is hard and the check has teeth.

The real check is scripts/xcity38/run.sh (Porto <-> GeoLife, 3 seeds, ~70 min); this one is
the cheap guard a change to training, the residual or the eval path would trip first. Seed
0 here (0.971x CV; without the levers about 1.27x); seeds 1 and 2 gave 0.959 / 0.979 (recipe) and
2.04 / 1.65 (without the levers) when it was written. Either lever alone is above CV at seed 0
(speed augmentation only 1.144x, the scale-invariant residual only 1.025x), so losing either
one trips it. The margin is thin and rests on the draw: the same test with the cars' city
drawn without multipath outliers gave 1.026 at seed 0 (session 38), so a failure here says
"look", and the real table (scripts/xcity38/run.sh) says whether the claim moved.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pytest
from helpers import load_script

import trajlm
from trajlm.data.clean import PRESETS, clean
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store, write_store
from trajlm.data.synthetic import generate_city

RECIPE = Path(__file__).parents[1] / "configs" / "robust_aug_scale.toml"
TINY_MODEL = {"d_model": 32, "n_layers": 2, "n_heads": 2, "n_kv_heads": 1}
TINY_TRAIN = {"warmup_steps": 20, "eval_every": 100, "eval_batches": 5}
STEPS = 200


def city_store(path: Path, **kw) -> Path:
    city = generate_city(n_trajectories=300, **kw)
    df, report = clean(city.points, PRESETS["default"], return_report=True)
    write_store(df, path, report=report, overwrite=False)
    return path


def tiny_recipe(path: Path, levers: bool) -> Path:
    """The shipped recipe at a tiny size; levers=False drops its two issue-14 levers."""
    cfg = tomllib.loads(RECIPE.read_text())
    assert cfg["model"]["scale_invariant"] and cfg["train"]["speed_scale_prob"] > 0
    cfg["model"].update(TINY_MODEL)
    cfg["train"].update(TINY_TRAIN)
    cfg["train"].pop("save_every", None)
    if not levers:
        cfg["model"]["scale_invariant"] = False
        cfg["train"]["speed_scale_prob"] = 0.0
    path.write_text(json.dumps(cfg))
    return path


def cross_city_ratio(tmp_path: Path, fast: Path, task, cv: np.ndarray, levers: bool) -> float:
    name = "recipe" if levers else "no_levers"
    config = tiny_recipe(tmp_path / f"{name}.json", levers)
    run = tmp_path / f"run_{name}"
    trajlm.TrajLM.fit(fast, run, config=config, max_steps=STEPS, seed=0, threads=1,
                      val_check=False)  # fmt: skip
    errors = load_script("pretrain_eval.py").model_errors(str(run / "best"), task)
    return float(errors.mean() / cv.mean())


@pytest.mark.slow
def test_robust_recipe_beats_cv_in_a_city_of_walkers_it_never_saw(tmp_path):
    # cars at 5-10 s with 5 m GPS noise; walkers elsewhere, smaller blocks, 1-3 s, 1 m noise
    fast = city_store(tmp_path / "fast", seed=1, modes={"car": 1.0}, sample_interval_s=(5.0, 10.0))
    slow = city_store(tmp_path / "slow", seed=2, modes={"walk": 1.0}, center_lat=39.9,
                      center_lon=116.4, block_m=120.0, sample_interval_s=(1.0, 3.0),
                      gps_noise_m=1.0, outlier_rate=0.0)  # fmt: skip
    task = make_prediction_task(read_store(slow, split="test"))
    cv = load_script("pretrain_eval.py").cv_errors(task, slow)
    recipe = cross_city_ratio(tmp_path, fast, task, cv, levers=True)
    no_levers = cross_city_ratio(tmp_path, fast, task, cv, levers=False)
    assert no_levers > 1.1, f"the walkers' city got easy: no levers at {no_levers:.3f}x CV"
    assert recipe < 1.0, f"robust_aug_scale's recipe at {recipe:.3f}x CV off its city"
