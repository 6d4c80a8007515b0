"""recfall27: per small store and recovery pattern, each interpolation's error on the test split
(the truth), on the test call's own backtest (what the call check picks the fallback on today),
on the val split and on the train split with the same pattern (val with 5 random-mask seeds).
No model: this measures only *which* interpolation a fallback should be, not whether to fall
back.

Fallback set (the call check's INTERPS): akima_xy / pchip_xy / linear_xy. Harness set (the
spline flavour `trajlm eval --task recover` picks on val, random mask seed 0): cubic / pchip /
akima as CubicSplineInterpolation. Patterns: random 50 % (seed 0), every 60 / 120 / 240 s.

    PYTHONPATH=$PWD python scripts/recfall27/interp_errors.py [STORE ...]
    # default: every $FEWTRIP27/stores/* (default /tmp/fewtrip27) + /tmp/heldout27/stores/*
    -> $RECFALL27/errs/STORE.json (default /tmp/recfall27)
"""

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from trajlm.data.features import LocalProjection
from trajlm.data.longitude import mean_lon
from trajlm.data.protocol_tasks import make_recovery_task
from trajlm.data.store import read_store
from trajlm.eval.baselines import CubicSplineInterpolation
from trajlm.tasks.fallback_recover import pchip_xy
from trajlm.tasks.recover_dense import gap_spans, is_dense, span_mask
from trajlm.tasks.recover_guard import guard_mask
from trajlm.tasks.recover_interp import akima_xy, linear_xy

OUT = Path(os.environ.get("RECFALL27", "/tmp/recfall27"))
DT = 15.0  # trajlm-small's training step: the call check's dense / not-dense switch
FALLBACK = {"akima": akima_xy, "pchip": pchip_xy, "linear": linear_xy}
FLAVOURS = ("cubic", "pchip", "akima")
PATTERNS = [("random", 0.0), ("downsample", 60.0), ("downsample", 120.0), ("downsample", 240.0)]


def xy_of(task, proj) -> np.ndarray:
    ll = np.asarray(task.latlon, np.float64)
    return np.stack(proj.forward(ll[:, 0], ll[:, 1]), 1)


def sums(preds: dict, truth: np.ndarray, rows: np.ndarray) -> dict:
    """Per method: [sum of errors (m), count] over ``rows``."""
    n = int(rows.sum())
    return {k: [float(np.linalg.norm(p[rows] - truth[rows], axis=1).sum()), n]
            for k, p in preds.items()}  # fmt: skip


def truth_errors(task, proj, flavours: bool = True) -> dict:
    xy, t, known, g = xy_of(task, proj), np.asarray(task.t, np.float64), task.known, task.groups
    preds = {k: f(xy, t, known, g) for k, f in FALLBACK.items()}
    if flavours:
        preds |= {f"flav_{k}": CubicSplineInterpolation(k)._recover(t, xy, known, g)
                  for k in FLAVOURS}  # fmt: skip
    return sums(preds, xy, ~known)


def backtest_split(xy: np.ndarray, t: np.ndarray, known: np.ndarray, g: np.ndarray) -> tuple:
    """The call's own backtest as BridgeRecoverer._guard hides it: (xs, ts, gs) the points it
    runs on, k2 those it keeps, ``scored`` those it hides and scores (dense: spans as long as
    the real gaps over the known points; else every other known); recfall28's gap_rules.py too."""
    if is_dense(t, known, g, DT):
        xs, ts, gs = xy[known], t[known], g[known]
        k2 = span_mask(ts, gs, gap_spans(t, known, g))
        return xs, ts, gs, k2, ~k2
    k2 = guard_mask(known, g)
    return xy, t, g, k2, known & ~k2


def call_backtest(task, proj) -> dict:
    """The fallback interpolations on the call's own backtest, as BridgeRecoverer._guard hides
    it (dense: spans as long as the real gaps over the known points; else every other known)."""
    xy, t, known, g = xy_of(task, proj), np.asarray(task.t, np.float64), task.known, task.groups
    xs, ts, gs, k2, scored = backtest_split(xy, t, known, g)
    out = sums({k: f(xs, ts, k2, gs) for k, f in FALLBACK.items()}, xs, scored)
    out["dense"] = bool(is_dense(t, known, g, DT))
    return out


def task_of(df, mode, iv, seed=0):
    if mode == "random":
        return make_recovery_task(df, "random", seed=seed)
    return make_recovery_task(df, "downsample", interval_s=iv)


def store_errors(store: Path) -> dict:
    sp = {
        s: read_store(store, split=s).drop("split", strict=False) for s in ("train", "val", "test")
    }
    ll = sp["train"].select("lat", "lon").to_numpy()
    proj = LocalProjection(float(np.mean(ll[:, 0])), mean_lon(ll[:, 1]))
    res = {"store": store.name, "n_trips": {s: sp[s]["traj_id"].n_unique() for s in sp},
           "patterns": {}}  # fmt: skip
    for mode, iv in PATTERNS:
        name = "random 50%" if mode == "random" else f"every {iv:g} s"
        tt = task_of(sp["test"], mode, iv)
        if len(tt.t) == 0 or tt.known.all():
            continue
        row = {"test": truth_errors(tt, proj), "call": call_backtest(tt, proj)}
        seeds = range(5) if mode == "random" else range(1)
        row["val"] = []
        for s in seeds:
            vt = task_of(sp["val"], mode, iv, s)
            if len(vt.t) and not vt.known.all():
                row["val"].append(truth_errors(vt, proj))
        trt = task_of(sp["train"], mode, iv)
        row["train"] = truth_errors(trt, proj) if len(trt.t) and not trt.known.all() else None
        res["patterns"][name] = row
    return res


def main(argv: list[str]) -> None:
    stores = [Path(a) for a in argv] or sorted(
        [*(Path(os.environ.get("FEWTRIP27", "/tmp/fewtrip27")) / "stores").iterdir(),
         *Path("/tmp/heldout27/stores").iterdir()])  # fmt: skip
    (OUT / "errs").mkdir(parents=True, exist_ok=True)
    each_store(stores, lambda st: OUT / "errs" / f"{st.name}.json", store_errors,
               lambda r, s: f"{len(r['patterns'])} patterns, {s:.1f} s")  # fmt: skip


def each_store(
    stores: list[Path],
    dest: Callable[[Path], Path],
    errors: Callable[[Path], dict],
    said: Callable[[dict, float], str],
) -> None:
    """Each store whose ``dest(store)`` is not there yet: ``errors(store)`` written to it as JSON
    and one line `STORE: said(result, seconds)`; a store that cannot be read is reported, not
    fatal (recfall28's gap_rules.py measures its stores through it too)."""
    for st in stores:
        dst = dest(st)
        if dst.exists():
            continue
        t0 = time.time()
        try:
            r = errors(st)
        except Exception as e:  # a store that cannot be read is reported, not fatal
            print(f"{st.name}: FAILED {type(e).__name__}: {e}", flush=True)
            continue
        dst.write_text(json.dumps(r))
        print(f"{st.name}: {said(r, time.time() - t0)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
