"""tte22: the saved val verdict on small calls (20 trips) of held-out stores, before -> after.

    PYTHONPATH=. python scripts/tte22_measure.py recover DS RUN_COPY   # trajlm-small copy
    PYTHONPATH=. python scripts/tte22_measure.py tte DS RUN_COPY       # a multi-task run copy

Saves the run's verdict on the store's val split (trajlm/eval/val_verdict.py) into RUN_COPY,
then, for 3 seeds, draws 20 test trips (seeded), hides half their interior fixes (recover) and
asks TrajLM.recover / travel_time twice: without the verdict (session 21's answer) and with it.
Prints one JSON line per seed: MAE of each answer and of each baseline, the engine, and the
paired bootstrap 95 % CI (2,000 resamples of trips) of answer / best baseline of the call.
"""

from __future__ import annotations

import json
import os
import sys
import warnings

import numpy as np
import polars as pl
import torch

import trajlm
import trajlm.tasks.recover_bridge as RB
from trajlm.data.protocol_tasks import make_recovery_task
from trajlm.eval import metrics as M
from trajlm.eval.protocol import make_tte_task
from trajlm.eval.tte_baselines import (
    DistanceOverMeanSpeed,
    GradientBoostingTTE,
    LinearRegressionTTE,
)
from trajlm.eval.val_verdict import (
    interpolation_errors,
    recover_verdict,
    save_verdict,
    tte_verdict,
)
from trajlm.model.weights import resolve_weights
from trajlm.tasks.adapter import task_model
from trajlm.tasks.fallback_recover import INTERPS


def ci(a: np.ndarray, b: np.ndarray, rng) -> tuple[float, float, float]:
    idx = rng.integers(0, len(a), (2000, len(a)))
    r = a[idx].mean(1) / b[idx].mean(1)
    lo, hi = np.percentile(r, [2.5, 97.5])
    return round(a.mean() / b.mean(), 4), round(float(lo), 4), round(float(hi), 4)


def per_trip(err: np.ndarray, g: np.ndarray) -> np.ndarray:
    n = g.max() + 1
    return np.bincount(g, err, minlength=n) / np.maximum(np.bincount(g, minlength=n), 1)


def _fit(name: str, train: pl.DataFrame):
    est = {"distance / mean speed": DistanceOverMeanSpeed, "linear regression":
           LinearRegressionTTE, "gradient boosting": GradientBoostingTTE}[name]()  # fmt: skip
    return est.fit(train)


def before_after(run: str, od: pl.DataFrame, y: np.ndarray, res: dict) -> dict:
    """|error| (s) of the run's travel times without ("before") and with ("after") its saved
    val verdict; the engine that answered each into ``res``."""
    errs = {}
    for name, fb in (("before", False), ("after", True)):
        m = trajlm.TrajLM.from_pretrained(run)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            secs = m.travel_time(
                od.select("o_lat", "o_lon").to_numpy(),
                od.select("d_lat", "d_lon").to_numpy(),
                od["t_start"].to_numpy(),
                fallback=fb,
            )
        errs[name] = np.abs(np.asarray(secs) - y)
        res[f"engine_{name}"] = secs.engine
    return errs


def main() -> None:
    what, ds, run = sys.argv[1], sys.argv[2], sys.argv[3]
    torch.set_num_threads(1)
    df = trajlm.read_store(f"/tmp/heldout20/stores/{ds}")
    parts = {s: df.filter(pl.col("split") == s).drop("split") for s in ("train", "val", "test")}
    wdir = resolve_weights(run, log=False)
    api = trajlm.TrajLM.from_pretrained(run)
    if what == "recover":
        v = recover_verdict(api.model, parts["val"])
        save_verdict(wdir, {"recover": v}, None, ds)
    else:  # tte, ttefull
        v, od = tte_verdict(task_model(api.model, name="trajlm"), parts["train"], parts["val"])
        save_verdict(wdir, {"travel_time": v}, od, ds)
    print(json.dumps({"ds": ds, "run": run, "verdict": v}), flush=True)
    test = parts[os.environ.get("TTE22_SPLIT", "test")]  # val: choose the rule there
    ids = test["traj_id"].unique(maintain_order=True)
    if what == "ttefull":  # the whole test split as one call, against the baseline best on val
        od = make_tte_task(test)
        y = od["duration_s"].to_numpy().astype(np.float64)
        base = min((k for k in v["val_mae_s"] if k != "model"), key=v["val_mae_s"].get)
        errs = {base: np.abs(_fit(base, parts["train"]).predict(od) - y)}
        res = {"ds": ds, "run": run, "n_trips": len(y), "baseline_best_on_val": base}
        errs |= before_after(run, od, y, res)
        for name in ("before", "after"):
            res[f"{name}_ratio_ci"] = ci(errs[name], errs[base], np.random.default_rng(0))
        res["mae_min"] = {k: round(float(e.mean()) / 60, 2) for k, e in errs.items()}
        print(json.dumps(res), flush=True)
        return
    for seed in range(3):
        rng = np.random.default_rng(seed)
        pick = ids.sample(min(20, len(ids)), seed=seed)
        sub = (
            test.filter(pl.col("traj_id").is_in(pick.implode()))
            .sort("traj_id", "t")
            .group_by("traj_id", maintain_order=True)
            .head(300)
        )
        res = {"ds": ds, "seed": seed, "n_trips": len(pick)}
        if what == "recover":
            task = make_recovery_task(sub, "random", seed=100 + seed)
            hid = ~task.known
            frame = pl.DataFrame(
                {
                    "traj_id": task.groups,
                    "t": task.t,
                    "lat": np.where(task.known, task.latlon[:, 0], np.nan),
                    "lon": np.where(task.known, task.latlon[:, 1], np.nan),
                }
            )
            g = task.groups[hid]
            errs = {}
            for name, fb, rule in (("before", None, "whether"), ("after", True, "whether"),
                                   ("after_engine", True, "engine")):  # fmt: skip
                RB.VERDICT_RULE = rule  # "whether" (default) or the verdict's own engine
                m = trajlm.TrajLM.from_pretrained(run)
                if fb is None:
                    m._verdict = None  # session 21's path: the call check alone
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    out = m.recover(frame).sort("traj_id", "t")
                p = out.select("lat", "lon").to_numpy()
                errs[name] = M.point_errors(p[hid], task.latlon[hid])
                res[f"engine_{name}"] = m.last_engine
            errs |= interpolation_errors(task)
            res["n_hidden"] = int(hid.sum())
        else:
            od = make_tte_task(sub)
            y = od["duration_s"].to_numpy().astype(np.float64)
            g = np.arange(len(y))
            errs = before_after(run, od, y, res)
            for est in (DistanceOverMeanSpeed(), LinearRegressionTTE(), GradientBoostingTTE()):
                errs[est.name] = np.abs(est.fit(parts["train"]).predict(od) - y)
        pt = {k: per_trip(e, g) for k, e in errs.items()}
        base = [k for k in pt if k not in ("before", "after", "after_engine")]
        best = min(base, key=lambda k: pt[k].mean())
        res["best_baseline"] = best
        if what == "recover":  # also against the interpolation best on val (the harness's pick)
            vb = min(INTERPS, key=lambda k: v["val_mae_m"][k])
            res["val_best_interp"] = vb
            for name in ("before", "after", "after_engine"):
                res[f"{name}_vs_valbest_ci"] = ci(pt[name], pt[vb], rng)
        if len(sys.argv) > 4:  # per-trip errors, for a CI pooled over the seeds
            np.savez(
                f"{sys.argv[4]}/{what}_{ds}_{seed}.npz",
                **{k.replace(" ", "_").replace("/", ""): a for k, a in pt.items()},
            )
        res["mae"] = {k: round(float(e.mean()), 2) for k, e in errs.items()}
        for name in ("before", "after"):
            res[f"{name}_ratio_ci"] = ci(pt[name], pt[best], rng)
        print(json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
