"""The two-city miniature behind tests/test_xcity38.py, with its ablation arms (session 38,
docs/generalization.md "Session 38 (xcity38)"): tiny models trained on a synthetic city of cars,
scored as a ratio to constant velocity on a synthetic city of walkers they never saw.

    OMP_NUM_THREADS=1 python scripts/xcity38/twocity.py --out /tmp/xcity38/exp/d2 \
        --seeds 0 1 2 --arms no_levers recipe aug_only scale_only

Arms: recipe = configs/robust_aug_scale.toml's levers (speed augmentation + the scale-invariant
residual); no_levers = neither; aug_only / scale_only = one of them. ~40-70 s per arm on one
shared thread. Prints one line per seed and arm.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

LEVERS = {  # arm: (scale_invariant, speed_scale_prob)
    "recipe": (True, 0.5),
    "no_levers": (False, 0.0),
    "aug_only": (False, 0.5),
    "scale_only": (True, 0.0),
}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True, help="folder for the stores and runs")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--arms", nargs="+", default=list(LEVERS), choices=list(LEVERS))
    args = ap.parse_args(argv)

    import pretrain_eval
    from test_xcity38 import STEPS, city_store, tiny_recipe

    import trajlm
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.data.store import read_store

    args.out.mkdir(parents=True, exist_ok=True)
    fast, slow = args.out / "fast", args.out / "slow"
    if not fast.exists():  # the test's two cities
        city_store(fast, seed=1, modes={"car": 1.0}, sample_interval_s=(5.0, 10.0))
    if not slow.exists():
        city_store(slow, seed=2, modes={"walk": 1.0}, center_lat=39.9, center_lon=116.4,
                   block_m=120.0, sample_interval_s=(1.0, 3.0), gps_noise_m=1.0,
                   outlier_rate=0.0)  # fmt: skip
    task = make_prediction_task(read_store(slow, split="test"))
    cv = pretrain_eval.cv_errors(task, slow)
    for seed in args.seeds:
        for arm in args.arms:
            config = tiny_recipe(args.out / f"{arm}.json", levers=True)
            cfg = json.loads(config.read_text())
            cfg["model"]["scale_invariant"], cfg["train"]["speed_scale_prob"] = LEVERS[arm]
            config.write_text(json.dumps(cfg))
            run = args.out / f"run_{arm}_s{seed}"
            trajlm.TrajLM.fit(fast, run, config=config, max_steps=STEPS, seed=seed, threads=1,
                              overwrite=True, val_check=False)  # fmt: skip
            err = pretrain_eval.model_errors(str(run / "best"), task)
            lo, hi = pretrain_eval.ratio_ci(err, cv)
            print(f"seed {seed} {arm}: {err.mean() / cv.mean():.3f}x CV (CI {lo:.3f}-{hi:.3f}, "
                  f"CV {cv.mean():.1f} m, {len(cv)} trips)", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
