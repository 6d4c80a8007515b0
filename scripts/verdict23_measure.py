"""verdict23: the user path after `trajlm train` (its val check saved the verdict), before -> after.

    PYTHONPATH=. python scripts/verdict23_measure.py tte STORE RUN [RUN ...]
    PYTHONPATH=. python scripts/verdict23_measure.py recover STORE RUN [RUN ...]

RUN: a run of `trajlm train` (this branch) whose val verdict the training saved; nothing is
recomputed here. "before" = what `TrajLM.from_pretrained(RUN)` answered before session 23 (no
verdict: the model for travel time, the call check alone for recovery), "after" = the same call
now (the saved verdict). tte: the whole test split as one call, against the baseline best on
val (fitted on train), paired bootstrap 95 % CI over trips; one line per run and one pooled over
the runs (seeds). recover: 3 draws of 20 test trips (their first 300 fixes, half the interior
hidden), against the interpolation best on val and the best of each call; one line per call and
one pooled over all calls.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import torch

sys.path.insert(0, str(Path(__file__).parent))
from tte22_measure import _fit, ci, per_trip  # noqa: E402

import trajlm  # noqa: E402
from trajlm.data.protocol_tasks import make_recovery_task  # noqa: E402
from trajlm.eval import metrics as M  # noqa: E402
from trajlm.eval.protocol import make_tte_task  # noqa: E402
from trajlm.eval.val_verdict import interpolation_errors, read_verdict  # noqa: E402
from trajlm.tasks.fallback_recover import INTERPS  # noqa: E402


def quiet(f, *a, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*a, **kw)


def tte(parts: dict, runs: list[str]) -> None:
    od = make_tte_task(parts["test"])
    y = od["duration_s"].to_numpy().astype(np.float64)
    args = (od.select("o_lat", "o_lon").to_numpy(), od.select("d_lat", "d_lon").to_numpy(),
            od["t_start"].to_numpy())  # fmt: skip
    pooled: dict[str, list] = {"before": [], "after": []}
    base_err = None
    for run in runs:
        m = trajlm.TrajLM.from_pretrained(run)
        v = read_verdict(m.path)["travel_time"]
        base = min((k for k in v["val_mae_s"] if k != "model"), key=v["val_mae_s"].get)
        base_err = np.abs(_fit(base, parts["train"]).predict(od) - y)
        res = {"run": run, "verdict": v["engine"], "baseline_best_on_val": base,
               "val_mae_min": {k: round(s / 60, 1) for k, s in v["val_mae_s"].items()}}  # fmt: skip
        for name, fb in (("before", False), ("after", True)):
            secs = quiet(m.travel_time, *args, fallback=fb)
            err = np.abs(np.asarray(secs) - y)
            pooled[name].append(err)
            res[f"{name}_engine"] = secs.engine
            res[f"{name}_ratio_ci"] = ci(err, base_err, np.random.default_rng(0))
        print(json.dumps(res), flush=True)
    out = {"pooled_runs": len(runs), "n_trips": len(y)}
    for name, errs in pooled.items():  # the same test trips for every seed: mean per trip
        out[f"{name}_ratio_ci"] = ci(np.mean(errs, 0), base_err, np.random.default_rng(0))
    print(json.dumps(out), flush=True)


def recover(parts: dict, runs: list[str]) -> None:
    test = parts["test"]
    ids = test["traj_id"].unique(maintain_order=True)
    pooled: dict[str, list] = {"before": [], "after": [], "valbest": [], "callbest": []}
    for run in runs:
        v = read_verdict(trajlm.TrajLM.from_pretrained(run).path)["recover"]
        vb = min(INTERPS, key=lambda k: v["val_mae_m"][k])
        for seed in range(3):
            pick = ids.sample(min(20, len(ids)), seed=seed)
            sub = (test.filter(pl.col("traj_id").is_in(pick.implode())).sort("traj_id", "t")
                   .group_by("traj_id", maintain_order=True).head(300))  # fmt: skip
            task = make_recovery_task(sub, "random", seed=100 + seed)
            hid, ll = ~task.known, task.latlon
            frame = pl.DataFrame({"traj_id": task.groups, "t": task.t,
                                  "lat": np.where(task.known, ll[:, 0], np.nan),
                                  "lon": np.where(task.known, ll[:, 1], np.nan)})  # fmt: skip
            g, errs, res = task.groups[hid], {}, {"run": run, "seed": seed, "verdict": v["engine"]}
            for name in ("before", "after"):
                m = trajlm.TrajLM.from_pretrained(run)
                if name == "before":
                    m._verdict = None  # no verdict saved: the call check alone (session 21-22)
                out = quiet(m.recover, frame).sort("traj_id", "t")
                errs[name] = M.point_errors(out.select("lat", "lon").to_numpy()[hid], ll[hid])
                res[f"{name}_engine"] = m.last_engine
            errs |= interpolation_errors(task)  # per hidden fix, as the verdict scores them
            pt = {k: per_trip(e, g) for k, e in errs.items()}
            best = min(INTERPS, key=lambda k: pt[k].mean())
            rng = np.random.default_rng(seed)
            for name in ("before", "after"):
                res[f"{name}_vs_valbest_{vb}"] = ci(pt[name], pt[vb], rng)
                res[f"{name}_vs_callbest_{best}"] = ci(pt[name], pt[best], rng)
            for k, a in (("before", pt["before"]), ("after", pt["after"]), ("valbest", pt[vb]),
                         ("callbest", pt[best])):  # fmt: skip
                pooled[k].append(a)
            print(json.dumps(res), flush=True)
    cat = {k: np.concatenate(a) for k, a in pooled.items()}
    out = {"pooled_calls": len(pooled["before"])}
    for name in ("before", "after"):
        out[f"{name}_vs_valbest"] = ci(cat[name], cat["valbest"], np.random.default_rng(0))
        out[f"{name}_vs_callbest"] = ci(cat[name], cat["callbest"], np.random.default_rng(0))
    print(json.dumps(out), flush=True)


def main() -> None:
    what, store, runs = sys.argv[1], sys.argv[2], sys.argv[3:]
    torch.set_num_threads(1)
    df = trajlm.read_store(store)
    parts = {s: df.filter(pl.col("split") == s).drop("split") for s in ("train", "test")}
    {"tte": tte, "recover": recover}[what](parts, runs)


if __name__ == "__main__":
    main()
