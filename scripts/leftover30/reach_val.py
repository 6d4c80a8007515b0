"""leftover30: past a kNN-family verdict engine's 5 steps, who should answer? Measured on VAL
only (no test split is read): a run's saved verdict, its store's val split, the first window of
each val trip asked K steps ahead (default 10).

Arms, each the error of steps 6..K (and of all K) per val window, in metres:
  old      the model's whole rollout (what TrajLM.predict / eval's val-checked row answered
           before session 30 past kNN's 5 steps)
  new      the verdict engine's 5 steps, then the reaching engine of lowest val 5-step ADE
           (eval/verdict_reach.py: what they answer now; the model's rollout where that is it)
Paired bootstrap 95 % CI of (new - old) over the windows (2,000 resamples, seed 0).

Run: PYTHONPATH=$PWD .venv/bin/python scripts/leftover30/reach_val.py RUN STORE [--k 10]
     [--out /tmp/leftover30/reach]   (writes OUT/<run name>.json; prints one line per run)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from trajlm._threads import apply_threads


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("run", type=Path, help="run folder with model.safetensors + val_verdict.json")
    ap.add_argument("store", type=Path)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--name", default=None)
    ap.add_argument("--out", type=Path, default=Path("/tmp/leftover30/reach"))
    a = ap.parse_args()
    apply_threads(1)
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.data.store import read_store
    from trajlm.eval import metrics as M
    from trajlm.eval.predict_verdict import ValCheckedPredictor, load_index
    from trajlm.eval.val_verdict import read_verdict
    from trajlm.eval.verdict_reach import reach_engine
    from trajlm.model import TrajectoryModel
    from trajlm.model.rollout import ModelPredictor

    v = read_verdict(a.run)["predict"]
    model = ModelPredictor(TrajectoryModel.from_pretrained(a.run).eval())
    index, proj = load_index(a.run, v)
    task = make_prediction_task(read_store(a.store, split="val").drop("split"), k=a.k)
    old = model.predict_next(task)
    new = ValCheckedPredictor(model, v, index, proj).predict_next(task)
    truth = task.target_latlon
    err = {n: M.point_errors(p, truth) for n, p in (("old", old), ("new", new))}
    rng = np.random.default_rng(0)
    out = {"run": str(a.run), "engine": v["engine"], "reach_engine": reach_engine(v),
           "n_windows": len(task.lengths), "k": a.k}  # fmt: skip
    for part, cols in (("steps_6_k", slice(5, a.k)), ("all_k", slice(0, a.k))):
        o, n = err["old"][:, cols].mean(1), err["new"][:, cols].mean(1)
        d = n - o
        boot = [d[rng.integers(0, len(d), len(d))].mean() for _ in range(2000)]
        out[part] = {"old_m": float(o.mean()), "new_m": float(n.mean()), "diff_m": float(d.mean()),
                     "ci": [float(np.percentile(boot, 2.5)), float(np.percentile(boot, 97.5))]}  # fmt: skip
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / f"{a.name or a.run.parent.name}.json").write_text(json.dumps(out, indent=1))
    s = out["steps_6_k"]
    print(f"{a.name or a.run.parent.name}: {v['engine']} -> {out['reach_engine']} ({out['n_windows']} val "
          f"windows) steps 6-{a.k}: old {s['old_m']:.1f} m, new {s['new_m']:.1f} m, diff {s['diff_m']:+.1f} "
          f"[{s['ci'][0]:+.1f}, {s['ci'][1]:+.1f}]; all {a.k}: old {out['all_k']['old_m']:.1f}, new "
          f"{out['all_k']['new_m']:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
